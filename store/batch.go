package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Limits of one group commit: writes that arrive later wait for the next.
const (
	maxBatch     = 64
	maxBatchTime = 5 * time.Millisecond
)

// batcher is the group commit of SQLite: the Write calls that queue for
// the one write connection while a transaction is running are run next,
// one after the other, in one transaction, each inside a savepoint of its
// own, and committed once for all of them.
//
// Each commit appends to the WAL every page that its transaction changed:
// about 45 pages for a new ticket (the ticket, its 13 indexes, its event,
// its idempotency key, the day's counter, the statistics). Most are the same
// pages for the next ticket (the right-hand end of each index), so a commit
// for five tickets writes little more than a commit for one. Under load
// this took a third of the CPU time off a ticket's creation
// (docs/performance.md).
//
// For each caller it is as if it had had a transaction of its own:
//   - fn runs in the caller's goroutine, alone on the connection; an error
//     or a panic rolls back to its savepoint, undoing its changes only;
//   - Write returns after the commit, also when fn failed, so that what fn
//     read of the writes before it is committed when the caller acts on it
//     (a create that finds its idempotency key taken then reads the first
//     ticket from the read pool);
//   - a commit that fails fails every write of the batch, with its error.
//
// A caller whose context ends while it waits for its turn leaves the queue
// and returns the context's error; the others keep their places.
//
// Two things differ. A caller's context is not checked during its
// statements: SQLite answers an interrupted statement by rolling back the
// whole transaction, the other callers' writes with it. And if a savepoint
// cannot be rolled back or released, which means the transaction is lost
// (an I/O error, a full disk), every write of the batch fails.
type batcher struct {
	db *DB

	mu      sync.Mutex
	waiting []*writeReq
	leading bool // a leader goroutine is running batches

	commits atomic.Int64 // transactions committed or rolled back, for tests
}

// writeReq is one Write call waiting for its turn.
type writeReq struct {
	ctx context.Context
	// state settles the race between a leader giving the turn and a caller
	// whose context ends: whoever moves it from reqWaiting first decides.
	state atomic.Int32
	turn  chan *sql.Tx    // the transaction when it is the caller's turn, nil if it is not to run
	back  chan turnResult // what the turn did, to the leader
	done  chan error      // the batch's outcome, to the caller
}

type turnResult struct {
	broken   error             // the transaction cannot be used any more
	missed   []string          // statements to prepare for next time
	deferred []func(*Tx) error // what the write left to run before the commit (Tx.Defer)
}

// States of a writeReq.
const (
	reqWaiting   = iota
	reqClaimed   // a leader is giving it its turn, or telling it why not
	reqWithdrawn // its caller has left the queue
)

// claim takes r for a leader; false if its caller has left.
func (r *writeReq) claim() bool { return r.state.CompareAndSwap(reqWaiting, reqClaimed) }

// withdraw takes r out of the queue for its caller; false if a leader has
// claimed it first, in which case the turn (or its refusal) is on its way.
func (b *batcher) withdraw(r *writeReq) bool {
	if !r.state.CompareAndSwap(reqWaiting, reqWithdrawn) {
		return false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, w := range b.waiting {
		if w == r {
			b.waiting = append(b.waiting[:i:i], b.waiting[i+1:]...)
			break
		}
	}
	return true
}

// savepoint is the name of every caller's savepoint; they are never nested.
const savepoint = "minsheng_write"

func (b *batcher) write(ctx context.Context, fn func(*Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r := &writeReq{ctx: ctx, turn: make(chan *sql.Tx, 1), back: make(chan turnResult, 1), done: make(chan error, 1)}
	b.mu.Lock()
	b.waiting = append(b.waiting, r)
	if !b.leading {
		b.leading = true
		go b.lead()
	}
	b.mu.Unlock()

	var sqlTx *sql.Tx
	select {
	case sqlTx = <-r.turn:
	case <-ctx.Done():
		if b.withdraw(r) {
			return ctx.Err()
		}
		sqlTx = <-r.turn
	}
	if sqlTx == nil {
		return <-r.done
	}
	if err := ctx.Err(); err != nil {
		// Ended just as the turn came: give it back unused.
		r.back <- turnResult{}
		return err
	}
	tx := &Tx{tx: sqlTx, db: b.db, stmts: b.db.writeStmts, noCancel: true, write: true}
	fnErr, p := b.run(tx, fn, r)
	if p != nil {
		panic(p.value) // the leader has its turn back; the savepoint is rolled back
	}
	err := <-r.done
	if fnErr != nil {
		return fnErr
	}
	if err == nil {
		b.db.ids.give(tx.ids) // committed: the ids reserved are the process's
	}
	return err
}

type panicked struct{ value any }

// run runs fn inside a savepoint and gives the turn back to the leader,
// also when fn panics or ends the goroutine (t.FailNow in a test).
func (b *batcher) run(tx *Tx, fn func(*Tx) error, r *writeReq) (fnErr error, p *panicked) {
	sqlTx := tx.tx
	bg := context.Background()
	var res turnResult
	finished := false
	defer func() {
		if !finished { // runtime.Goexit
			if _, err := sqlTx.ExecContext(bg, `ROLLBACK TO `+savepoint); err != nil {
				res.broken = err
			} else if _, err := sqlTx.ExecContext(bg, `RELEASE `+savepoint); err != nil {
				res.broken = err
			}
		}
		res.missed = tx.missed
		r.back <- res
	}()
	// SAVEPOINT and RELEASE, run for every write, are prepared statements
	// (tx.Exec); the rollbacks are rare.
	if _, err := tx.Exec(bg, `SAVEPOINT `+savepoint); err != nil {
		res.broken = err
		finished = true
		return fmt.Errorf("savepoint: %w", b.db.mapError(err)), nil
	}
	func() {
		defer func() {
			if v := recover(); v != nil {
				p = &panicked{v}
			}
		}()
		fnErr = runWriteFn(fn, tx)
	}()
	finished = true
	if fnErr != nil || p != nil {
		if _, err := sqlTx.ExecContext(bg, `ROLLBACK TO `+savepoint); err != nil {
			res.broken = err
			return fnErr, p
		}
	}
	if _, err := tx.Exec(bg, `RELEASE `+savepoint); err != nil {
		res.broken = err
	}
	if fnErr == nil && p == nil {
		res.deferred = tx.deferred
	}
	return fnErr, p
}

// lead runs batches until no write is waiting.
func (b *batcher) lead() {
	for {
		b.mu.Lock()
		n := min(len(b.waiting), maxBatch)
		if n == 0 {
			b.waiting = nil
			b.leading = false
			b.mu.Unlock()
			return
		}
		batch := make([]*writeReq, n)
		copy(batch, b.waiting)
		b.waiting = b.waiting[n:]
		b.mu.Unlock()
		b.runBatch(batch)
	}
}

// runBatch gives each write of the batch its turn in one transaction and
// commits it. Writes left over when the batch has taken maxBatchTime go
// back to the front of the queue.
func (b *batcher) runBatch(batch []*writeReq) {
	db := b.db
	start := time.Now()
	sqlTx, err := db.write.BeginTx(context.Background(), nil)
	if err != nil {
		err = fmt.Errorf("begin: %w", db.mapError(err))
		for _, r := range batch {
			if r.claim() {
				r.turn <- nil
				r.done <- err
			}
		}
		return
	}
	var ran []*writeReq
	var missed []string
	var deferred []func(*Tx) error
	var broken error
	for i, r := range batch {
		if i > 0 && time.Since(start) > maxBatchTime {
			b.mu.Lock()
			b.waiting = append(batch[i:len(batch):len(batch)], b.waiting...)
			b.mu.Unlock()
			break
		}
		if !r.claim() {
			continue // its context ended while it waited
		}
		if err := r.ctx.Err(); err != nil || broken != nil {
			if err == nil {
				err = broken
			}
			r.turn <- nil
			r.done <- err
			continue
		}
		r.turn <- sqlTx
		res := <-r.back
		ran = append(ran, r)
		missed = append(missed, res.missed...)
		deferred = append(deferred, res.deferred...)
		if res.broken != nil {
			broken = fmt.Errorf("write: the transaction was lost: %w", db.mapError(res.broken))
		}
	}
	if broken == nil && len(deferred) > 0 {
		// Outside every savepoint (Tx.Defer). The leader counts as inside
		// a Write meanwhile, so that a deferred function that opens one
		// fails with ErrNestedWrite instead of waiting for itself.
		tx := &Tx{tx: sqlTx, db: db, stmts: db.writeStmts, noCancel: true, write: true}
		err := runWriteFn(func(tx *Tx) error { return runDeferred(tx, deferred) }, tx)
		if err != nil {
			broken = fmt.Errorf("write: %w", err)
		}
		missed = append(missed, tx.missed...)
	}
	b.commits.Add(1)
	result := broken
	if broken != nil {
		sqlTx.Rollback()
	} else if err := sqlTx.Commit(); err != nil {
		result = fmt.Errorf("commit: %w", db.mapError(err))
	}
	for _, r := range ran {
		r.done <- result
	}
	if len(missed) > 0 {
		db.writeStmts.prepareLater(missed)
	}
}
