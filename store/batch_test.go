package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// openBatchTest opens a new migrated SQLite database. (This file is inside
// package store, to see the queue of the group commit, so it cannot use
// storetest.)
func openBatchTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "batch.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// queued reports how many writes wait for their turn.
func (b *batcher) queued() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.waiting)
}

// holdWriter starts a write that keeps the write connection until release
// is closed, and returns once it holds it.
func holdWriter(t *testing.T, db *DB, release <-chan struct{}) <-chan error {
	t.Helper()
	holding := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- db.Write(context.Background(), func(tx *Tx) error {
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	return done
}

// waitQueued waits until n writes are queued behind the holder.
func waitQueued(db *DB, n int) {
	for db.batch.queued() < n {
		runtime.Gosched()
	}
}

func insertName(ctx context.Context, tx *Tx, name string) error {
	_, err := tx.Exec(ctx, `INSERT INTO counters (name, value) VALUES (?, 1)`, name)
	return err
}

func names(t *testing.T, db *DB) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	err := db.Read(context.Background(), func(tx *Tx) error {
		rows, err := tx.Query(context.Background(), `SELECT name FROM counters WHERE name LIKE 'w%'`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				return err
			}
			out[n] = true
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestGroupCommitKeepsWritesApart(t *testing.T) {
	db := openBatchTest(t)
	ctx := context.Background()
	release := make(chan struct{})
	held := holdWriter(t, db, release)
	before := db.batch.commits.Load()

	const n = 40
	errs := make([]error, n)
	panics := make([]any, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { panics[i] = recover() }()
			errs[i] = db.Write(ctx, func(tx *Tx) error {
				if err := insertName(ctx, tx, fmt.Sprintf("w%02d", i)); err != nil {
					return err
				}
				switch i % 4 {
				case 1:
					return errors.New("refused")
				case 2:
					panic("boom")
				}
				return nil
			})
		}()
	}
	waitQueued(db, n)
	close(release)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	wg.Wait()

	got := names(t, db)
	for i := range n {
		name := fmt.Sprintf("w%02d", i)
		switch i % 4 {
		case 1:
			if errs[i] == nil || errs[i].Error() != "refused" {
				t.Errorf("write %d returned %v, want its own error", i, errs[i])
			}
		case 2:
			if panics[i] != "boom" {
				t.Errorf("write %d: panic %v, want boom in the caller", i, panics[i])
			}
		default:
			if errs[i] != nil || panics[i] != nil {
				t.Errorf("write %d: %v, %v", i, errs[i], panics[i])
			}
		}
		if want := i%4 == 0 || i%4 == 3; got[name] != want {
			t.Errorf("row %s stored: %v, want %v", name, got[name], want)
		}
	}
	if c := db.batch.commits.Load() - before; c >= n {
		t.Errorf("%d writes took %d transactions: no group commit", n+1, c)
	}
}

// A write that fails because of what an earlier write of its batch did
// returns after that write is committed, so that the caller can read it.
func TestGroupCommitFailedWriteReturnsAfterCommit(t *testing.T) {
	db := openBatchTest(t)
	ctx := context.Background()
	for round := range 20 {
		release := make(chan struct{})
		held := holdWriter(t, db, release)
		key := fmt.Sprintf("w-key-%d", round)
		first := make(chan error, 1)
		go func() { first <- db.Write(ctx, func(tx *Tx) error { return insertName(ctx, tx, key) }) }()
		waitQueued(db, 1)
		second := make(chan error, 1)
		go func() {
			second <- db.Write(ctx, func(tx *Tx) error {
				var v int
				if err := tx.QueryRow(ctx, `SELECT value FROM counters WHERE name = ?`, key).Scan(&v); err != nil {
					return err
				}
				return errors.New("taken")
			})
		}()
		waitQueued(db, 2)
		close(release)
		if err := <-second; err == nil || err.Error() != "taken" {
			t.Fatalf("second write: %v, want taken", err)
		}
		err := db.Read(ctx, func(tx *Tx) error {
			var v int
			return tx.QueryRow(ctx, `SELECT value FROM counters WHERE name = ?`, key).Scan(&v)
		})
		if err != nil {
			t.Fatalf("round %d: the write the second one saw is not readable when it returns: %v", round, err)
		}
		if err := <-first; err != nil {
			t.Fatal(err)
		}
		if err := <-held; err != nil {
			t.Fatal(err)
		}
	}
}

func TestGroupCommitContexts(t *testing.T) {
	db := openBatchTest(t)
	ctx := context.Background()
	release := make(chan struct{})
	held := holdWriter(t, db, release)

	// Cancelled while waiting: it does not run.
	cctx, cancel := context.WithCancel(ctx)
	ran := false
	canceled := make(chan error, 1)
	go func() {
		canceled <- db.Write(cctx, func(tx *Tx) error { ran = true; return insertName(ctx, tx, "w-cancelled") })
	}()
	waitQueued(db, 1)
	// Cancelled during its turn: its statements still run, and it commits.
	dctx, dcancel := context.WithCancel(ctx)
	during := make(chan error, 1)
	go func() {
		during <- db.Write(dctx, func(tx *Tx) error {
			dcancel()
			return insertName(dctx, tx, "w-during")
		})
	}()
	waitQueued(db, 2)
	// Ends its goroutine in its turn (t.FailNow does): its write is undone,
	// the others go on.
	go db.Write(ctx, func(tx *Tx) error {
		insertName(ctx, tx, "w-goexit")
		runtime.Goexit()
		return nil
	})
	waitQueued(db, 3)
	after := make(chan error, 1)
	go func() { after <- db.Write(ctx, func(tx *Tx) error { return insertName(ctx, tx, "w-after") }) }()
	waitQueued(db, 4)
	cancel()
	close(release)

	if err := <-canceled; !errors.Is(err, context.Canceled) || ran {
		t.Errorf("write cancelled while waiting: %v (ran %v), want context.Canceled without running", err, ran)
	}
	if err := <-during; err != nil {
		t.Errorf("write cancelled during its turn: %v", err)
	}
	if err := <-after; err != nil {
		t.Errorf("write after the one that ended its goroutine: %v", err)
	}
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	got := names(t, db)
	want := map[string]bool{"w-during": true, "w-after": true}
	if len(got) != len(want) || !got["w-during"] || !got["w-after"] {
		t.Errorf("rows stored: %v, want %v", got, want)
	}
}

// A query run again while its first rows are still open gets rows of its
// own: a prepared statement serves one result at a time.
func TestNestedQueriesOfOneText(t *testing.T) {
	db := openBatchTest(t)
	ctx := context.Background()
	for i := range 3 {
		if err := db.Write(ctx, func(tx *Tx) error { return insertName(ctx, tx, fmt.Sprintf("w%d", i)) }); err != nil {
			t.Fatal(err)
		}
	}
	const q = `SELECT name FROM counters WHERE name LIKE 'w%' ORDER BY name`
	for round := range 3 { // the statement is prepared after the first round
		err := db.Read(ctx, func(tx *Tx) error {
			outer, err := tx.Query(ctx, q)
			if err != nil {
				return err
			}
			defer outer.Close()
			var pairs int
			for outer.Next() {
				inner, err := tx.Query(ctx, q)
				if err != nil {
					return err
				}
				for inner.Next() {
					pairs++
				}
				if err := inner.Close(); err != nil {
					return err
				}
			}
			if pairs != 9 {
				t.Errorf("round %d: %d pairs of rows, want 9", round, pairs)
			}
			return outer.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
		waitPrepared(db.readStmts, q)
	}
}

// waitPrepared waits until the query's statement is prepared (in the
// background, after the first transaction that ran it).
func waitPrepared(c *stmtCache, q string) {
	for c.get(q) == nil {
		runtime.Gosched()
	}
}

// Work a write defers (Tx.Defer) runs in the batch's transaction after
// every write's savepoint: a write that fails leaves none of it, and when
// deferred work fails, every write of the batch fails and nothing of the
// batch is stored.
func TestGroupCommitDeferredWork(t *testing.T) {
	db := openBatchTest(t)
	ctx := context.Background()
	batch := func(n int, deferErr func(i int) error, fnErr func(i int) error) []error {
		t.Helper()
		release := make(chan struct{})
		held := holdWriter(t, db, release)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = db.Write(ctx, func(tx *Tx) error {
					name := fmt.Sprintf("w%d-%02d", n, i)
					tx.Defer(func(tx *Tx) error {
						if err := deferErr(i); err != nil {
							return err
						}
						return insertName(ctx, tx, name+"-deferred")
					})
					if err := insertName(ctx, tx, name); err != nil {
						return err
					}
					return fnErr(i)
				})
			}()
			waitQueued(db, i+1)
		}
		close(release)
		if err := <-held; err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		return errs
	}

	none := func(int) error { return nil }
	errs := batch(6, none, func(i int) error {
		if i == 2 {
			return errors.New("refused")
		}
		return nil
	})
	got := names(t, db)
	for i, err := range errs {
		name := fmt.Sprintf("w6-%02d", i)
		ok := i != 2
		if (err == nil) != ok || got[name] != ok || got[name+"-deferred"] != ok {
			t.Errorf("write %d: %v; stored %v, deferred work stored %v; want %v", i, err, got[name], got[name+"-deferred"], ok)
		}
	}

	before := db.batch.commits.Load()
	errs = batch(5, func(i int) error {
		if i == 3 {
			return errors.New("index full")
		}
		return nil
	}, none)
	// The holder's transaction and, unless a slow machine split them
	// (maxBatchTime), one for the five writes.
	oneBatch := db.batch.commits.Load()-before == 2
	got = names(t, db)
	for i, err := range errs {
		name := fmt.Sprintf("w5-%02d", i)
		failed := err != nil
		if failed && err.Error() != "write: index full" || got[name] == failed || got[name+"-deferred"] == failed {
			t.Errorf("write %d: %v; stored %v, deferred work stored %v", i, err, got[name], got[name+"-deferred"])
		}
		if !failed && (i == 3 || oneBatch) {
			t.Errorf("write %d succeeded in a batch whose deferred work failed", i)
		}
	}
}

// Writes whose contexts end at any moment, while they wait or just as
// their turn comes, either return the context's error without a trace in
// the database or run and commit; none hangs, and the batch goes on.
func TestGroupCommitCancelledAnyTime(t *testing.T) {
	db := openBatchTest(t)
	ctx := context.Background()
	for round := range 50 {
		release := make(chan struct{})
		held := holdWriter(t, db, release)
		const n = 12
		errs := make([]error, n)
		var wg sync.WaitGroup
		cancels := make([]context.CancelFunc, n)
		for i := range n {
			cctx, cancel := context.WithCancel(ctx)
			cancels[i] = cancel
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = db.Write(cctx, func(tx *Tx) error {
					return insertName(ctx, tx, fmt.Sprintf("w%02d-%02d", round, i))
				})
			}()
		}
		waitQueued(db, n)
		// Half are cancelled before the writer is free, the other half
		// while the batch runs.
		for i := 0; i < n; i += 2 {
			cancels[i]()
		}
		close(release)
		for i := 1; i < n; i += 2 {
			cancels[i]()
		}
		wg.Wait()
		if err := <-held; err != nil {
			t.Fatal(err)
		}
		got := names(t, db)
		for i, err := range errs {
			name := fmt.Sprintf("w%02d-%02d", round, i)
			if err != nil && !errors.Is(err, context.Canceled) {
				t.Errorf("write %s: %v, want nil or context.Canceled", name, err)
			}
			if got[name] != (err == nil) {
				t.Errorf("write %s returned %v, stored %v", name, err, got[name])
			}
			if i%2 == 0 && err == nil {
				t.Errorf("write %s, cancelled while it waited, ran", name)
			}
		}
		if q := db.batch.queued(); q != 0 {
			t.Fatalf("%d writes left in the queue", q)
		}
	}
	if err := db.Write(ctx, func(tx *Tx) error { return insertName(ctx, tx, "w-last") }); err != nil {
		t.Fatal(err)
	}
}
