package store_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// guard is how long a test waits for something that should happen at once
// before it fails instead of hanging; it is never waited for when the code
// is right.
const guard = 10 * time.Second

func setCounter(ctx context.Context, tx *store.Tx, name string, v int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO counters (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, v)
	return err
}

func mustCounter(t *testing.T, db *store.DB, name string) int64 {
	t.Helper()
	var v int64
	err := db.Read(context.Background(), func(tx *store.Tx) (err error) {
		v, err = store.CounterValue(context.Background(), tx, name)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// A write opened inside another write's function fails at once with
// ErrNestedWrite, whatever reaches it (Write, NextID, ReserveIDs, deferred
// work), and the outer write then commits or rolls back as it would have.
func TestNestedWriteFails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		nested := map[string]func(ctx context.Context) error{
			"Write": func(ctx context.Context) error {
				return db.Write(ctx, func(tx *store.Tx) error {
					// The row the outer write has locked (PostgreSQL).
					return setCounter(ctx, tx, "n-row", 2)
				})
			},
			"NextID": func(ctx context.Context) error {
				_, err := db.NextID(ctx)
				return err
			},
			"ReserveIDs": func(ctx context.Context) error {
				_, err := db.ReserveIDs(ctx, 10)
				return err
			},
		}
		// An id block with ids left must not let NextID through either.
		if _, err := db.NextID(context.Background()); err != nil {
			t.Fatal(err)
		}
		for name, inner := range nested {
			for _, commit := range []bool{true, false} {
				t.Run(fmt.Sprintf("%s/commit=%v", name, commit), func(t *testing.T) {
					// Without the check the inner write would wait for
					// this deadline and fail with it instead.
					ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
					defer cancel()
					if err := db.Write(ctx, func(tx *store.Tx) error { return setCounter(ctx, tx, "n-row", 0) }); err != nil {
						t.Fatal(err)
					}
					refused := errors.New("refused")
					err := db.Write(ctx, func(tx *store.Tx) error {
						if err := setCounter(ctx, tx, "n-row", 1); err != nil {
							return err
						}
						if err := inner(ctx); !errors.Is(err, store.ErrNestedWrite) {
							t.Errorf("nested %s: %v, want ErrNestedWrite", name, err)
						}
						if !commit {
							return refused
						}
						return nil
					})
					want := int64(1)
					if commit && err != nil || !commit && !errors.Is(err, refused) {
						t.Fatalf("outer write: %v", err)
					}
					if !commit {
						want = 0
					}
					if got := mustCounter(t, db, "n-row"); got != want {
						t.Errorf("row after the outer write: %d, want %d", got, want)
					}
				})
			}
		}
		t.Run("Defer", func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			err := db.Write(ctx, func(tx *store.Tx) error {
				tx.Defer(func(tx *store.Tx) error { return nested["Write"](ctx) })
				return setCounter(ctx, tx, "n-deferred", 1)
			})
			if !errors.Is(err, store.ErrNestedWrite) {
				t.Fatalf("write whose deferred work opens a write: %v, want ErrNestedWrite", err)
			}
			if got := mustCounter(t, db, "n-deferred"); got != 0 {
				t.Errorf("the failed write was stored")
			}
		})
		if err := db.Write(context.Background(), func(tx *store.Tx) error {
			return setCounter(context.Background(), tx, "n-after", 1)
		}); err != nil {
			t.Fatalf("write after the nested ones: %v", err)
		}
	})
}

// Writes from different goroutines at the same time are not nested, also
// while their functions run at the same time (PostgreSQL) or while they wait
// for one another's (SQLite's group commit).
func TestConcurrentWritesAreNotNested(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const n = 16
		// On PostgreSQL every function waits inside its transaction until
		// all of them are in theirs.
		var inside sync.WaitGroup
		inside.Add(n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = db.Write(ctx, func(tx *store.Tx) error {
					if db.Dialect() == store.Postgres {
						inside.Done()
						inside.Wait()
					}
					if _, err := tx.NextID(ctx); err != nil {
						return err
					}
					return setCounter(ctx, tx, fmt.Sprintf("c-%02d", i), 1)
				})
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("write %d: %v", i, err)
			}
			if got := mustCounter(t, db, fmt.Sprintf("c-%02d", i)); got != 1 {
				t.Errorf("write %d not stored", i)
			}
		}
	})
}

// holdRow starts a write that keeps the counter row name locked (and, on
// SQLite, the write connection) until release is called; it returns once
// the row is locked. release is also called when the test ends, so that a
// failed test does not leave the transaction open.
func holdRow(t *testing.T, db *store.DB, name string) (done <-chan error, release func()) {
	t.Helper()
	ctx := context.Background()
	// The row exists before, so that the writes behind wait for its lock.
	if err := db.Write(ctx, func(tx *store.Tx) error { return setCounter(ctx, tx, name, 0) }); err != nil {
		t.Fatal(err)
	}
	holding := make(chan struct{})
	released := make(chan struct{})
	var once sync.Once
	release = func() { once.Do(func() { close(released) }) }
	t.Cleanup(release)
	ch := make(chan error, 1)
	go func() {
		ch <- db.Write(ctx, func(tx *store.Tx) error {
			err := setCounter(ctx, tx, name, 1)
			close(holding)
			<-released
			return err
		})
	}()
	select {
	case <-holding:
	case err := <-ch:
		t.Fatalf("holding write: %v", err)
	}
	return ch, release
}

// waitBlocked waits until n writes wait behind a busy writer: in SQLite's
// group commit queue, or on PostgreSQL for a lock, in statements marked
// with the comment /* tag */.
func waitBlocked(t *testing.T, db *store.DB, tag string, n int) {
	t.Helper()
	deadline := time.Now().Add(guard)
	for time.Now().Before(deadline) {
		if db.Dialect() == store.SQLite {
			if store.QueuedWrites(db) >= n {
				return
			}
			runtime.Gosched()
			continue
		}
		var waiting int
		err := db.Read(context.Background(), func(tx *store.Tx) error {
			return tx.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity
				WHERE wait_event_type = 'Lock' AND position(? in query) > 0`, "/* "+tag+" */").Scan(&waiting)
		})
		if err != nil {
			t.Fatal(err)
		}
		if waiting >= n {
			return
		}
		time.Sleep(time.Millisecond) // polling the server, not timing
	}
	t.Fatalf("%d writes never queued", n)
}

// A write whose context ends while it waits behind a busy writer returns
// at once with the context's error, without running; the writes around it
// go on.
func TestQueuedWriteCancelled(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		b := make([]byte, 4)
		rand.Read(b)
		tag := "q-" + hex.EncodeToString(b)
		bump := func(ctx context.Context, tx *store.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE counters SET value = value + 1 WHERE name = 'q-row' /* `+tag+` */`)
			return err
		}
		held, release := holdRow(t, db, "q-row")

		before := make(chan error, 1)
		go func() { before <- db.Write(ctx, func(tx *store.Tx) error { return bump(ctx, tx) }) }()
		waitBlocked(t, db, tag, 1)

		cctx, cancel := context.WithCancel(ctx)
		ran := make(chan struct{}, 1)
		cancelled := make(chan error, 1)
		go func() {
			cancelled <- db.Write(cctx, func(tx *store.Tx) error {
				ran <- struct{}{}
				return bump(cctx, tx)
			})
		}()
		waitBlocked(t, db, tag, 2)

		after := make(chan error, 1)
		go func() { after <- db.Write(ctx, func(tx *store.Tx) error { return bump(ctx, tx) }) }()
		waitBlocked(t, db, tag, 3)

		cancel()
		select {
		case err := <-cancelled:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("cancelled write: %v, want context.Canceled", err)
			}
		case <-time.After(guard):
			t.Fatal("a cancelled write still waits for the busy writer")
		}
		if db.Dialect() == store.SQLite {
			select {
			case <-ran:
				t.Error("the cancelled write ran")
			default:
			}
			if q := store.QueuedWrites(db); q != 2 {
				t.Errorf("%d writes queued after the cancelled one left, want 2", q)
			}
		}
		release()
		for name, ch := range map[string]<-chan error{"holder": held, "before": before, "after": after} {
			if err := <-ch; err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
		if got := mustCounter(t, db, "q-row"); got != 3 {
			t.Errorf("counter %d, want 3: the holder and the two writes around the cancelled one", got)
		}
		if err := db.Write(ctx, func(tx *store.Tx) error { return bump(ctx, tx) }); err != nil {
			t.Fatalf("later write: %v", err)
		}
	})
}

// A write on another handle of the same database, opened inside a write's
// function, is refused as well: it would wait for the outer write's locks.
func TestNestedWriteOnAnotherHandleFails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx, cancel := context.WithTimeout(context.Background(), guard)
		defer cancel()
		other, err := db.Another(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		err = db.Write(ctx, func(tx *store.Tx) error {
			if err := setCounter(ctx, tx, "n-other", 1); err != nil {
				return err
			}
			return other.Write(ctx, func(tx *store.Tx) error { return setCounter(ctx, tx, "n-other", 2) })
		})
		if !errors.Is(err, store.ErrNestedWrite) {
			t.Fatalf("write on another handle inside a write: %v, want ErrNestedWrite", err)
		}
		// Outside, the other handle writes as usual.
		if err := other.Write(ctx, func(tx *store.Tx) error { return setCounter(ctx, tx, "n-other", 3) }); err != nil {
			t.Fatal(err)
		}
		if got := mustCounter(t, db, "n-other"); got != 3 {
			t.Errorf("counter %d, want 3", got)
		}
	})
}
