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
// Two things differ. A caller's context is checked when its turn comes but
// not during its statements: SQLite answers an interrupted statement by
// rolling back the whole transaction, the other callers' writes with it.
// And if a savepoint cannot be rolled back or released, which means the
// transaction is lost (an I/O error, a full disk), every write of the batch
// fails.
type batcher struct {
	db *DB

	mu      sync.Mutex
	waiting []*writeReq
	leading bool // a leader goroutine is running batches

	commits atomic.Int64 // transactions committed or rolled back, for tests
}

// writeReq is one Write call waiting for its turn.
type writeReq struct {
	ctx  context.Context
	turn chan *sql.Tx    // the transaction when it is the caller's turn, nil if it is not to run
	back chan turnResult // what the turn did, to the leader
	done chan error      // the batch's outcome, to the caller
}

type turnResult struct {
	broken   error             // the transaction cannot be used any more
	missed   []string          // statements to prepare for next time
	deferred []func(*Tx) error // what the write left to run before the commit (Tx.Defer)
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

	sqlTx := <-r.turn
	if sqlTx == nil {
		return <-r.done
	}
	fnErr, p := b.run(sqlTx, fn, r)
	if p != nil {
		panic(p.value) // the leader has its turn back; the savepoint is rolled back
	}
	if err := <-r.done; fnErr == nil {
		return err
	}
	return fnErr
}

type panicked struct{ value any }

// run runs fn inside a savepoint and gives the turn back to the leader,
// also when fn panics or ends the goroutine (t.FailNow in a test).
func (b *batcher) run(sqlTx *sql.Tx, fn func(*Tx) error, r *writeReq) (fnErr error, p *panicked) {
	tx := &Tx{tx: sqlTx, db: b.db, stmts: b.db.writeStmts, noCancel: true}
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
	if _, err := sqlTx.ExecContext(bg, `SAVEPOINT `+savepoint); err != nil {
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
		fnErr = fn(tx)
	}()
	finished = true
	if fnErr != nil || p != nil {
		if _, err := sqlTx.ExecContext(bg, `ROLLBACK TO `+savepoint); err != nil {
			res.broken = err
			return fnErr, p
		}
	}
	if _, err := sqlTx.ExecContext(bg, `RELEASE `+savepoint); err != nil {
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
			r.turn <- nil
			r.done <- err
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
		// Outside every savepoint (Tx.Defer).
		tx := &Tx{tx: sqlTx, db: db, stmts: db.writeStmts, noCancel: true}
		if err := runDeferred(tx, deferred); err != nil {
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
