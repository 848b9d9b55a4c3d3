package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// idBlock is how many ids a process reserves at a time.
const idBlock = 1000

// idAllocator hands out int64 ids made by the application (DESIGN §5), so
// that no engine-specific sequence is needed: each process reserves a block
// of ids from the counters table and then counts through it in memory (the
// "hi/lo" scheme). Ids are unique across processes, roughly increasing, and
// never reused; a crashed process leaves a gap.
//
// A block belongs to the process only once the transaction that reserved
// it has committed: DB.NextID reserves in a short Write of its own, and
// Tx.NextID, when the shared block is used up, reserves in the caller's
// transaction and keeps the block to that transaction until it commits
// (then what is left of it is given here). A block reserved in a
// transaction that rolls back is never handed out again, since another
// process may be given the same ids.
//
// mu is never held across a statement: a Tx.NextID inside a Write must
// not wait for a DB.NextID whose reservation queues behind that Write.
type idAllocator struct {
	mu         sync.Mutex
	cur, spare idRange
	refill     chan struct{} // closed when DB.NextID's reservation under way ends; nil if none is
}

// idRange is the ids [next, end); empty when next >= end.
type idRange struct{ next, end int64 }

func (r *idRange) take() (int64, bool) {
	if r.next >= r.end {
		return 0, false
	}
	id := r.next
	r.next++
	return id, true
}

// take hands out an id of the blocks held, if any is left. a.mu is held.
func (a *idAllocator) take() (int64, bool) {
	if a.cur.next >= a.cur.end {
		a.cur, a.spare = a.spare, idRange{}
	}
	return a.cur.take()
}

// give adds the ids of r, whose reservation has been committed. When both
// blocks still have ids (several transactions reserved at once), r is
// dropped and leaves a gap.
func (a *idAllocator) give(r idRange) {
	if r.next >= r.end {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case a.cur.next >= a.cur.end:
		a.cur = r
	case a.spare.next >= a.spare.end:
		a.spare = r
	}
}

// reserveIDs reserves n consecutive ids in tx.
func reserveIDs(ctx context.Context, tx *Tx, n int) (idRange, error) {
	var hi int64
	err := tx.QueryRow(ctx, `INSERT INTO counters (name, value) VALUES ('id', ?)
		ON CONFLICT (name) DO UPDATE SET value = counters.value + ?
		RETURNING value`, n, n).Scan(&hi)
	if err != nil {
		return idRange{}, err
	}
	return idRange{next: hi - int64(n) + 1, end: hi + 1}, nil
}

// NextID returns a new id. Inside a Write it returns ErrNestedWrite: use
// Tx.NextID there.
func (db *DB) NextID(ctx context.Context) (int64, error) {
	// Checked even when ids are left, so that a misplaced call fails the
	// first time and not once in a thousand.
	if insideWrite() {
		return 0, fmt.Errorf("next id: %w", ErrNestedWrite)
	}
	a := &db.ids
	for {
		a.mu.Lock()
		if id, ok := a.take(); ok {
			a.mu.Unlock()
			return id, nil
		}
		if wait := a.refill; wait != nil {
			a.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return 0, ctx.Err()
			}
		}
		done := make(chan struct{})
		a.refill = done
		a.mu.Unlock()

		var r idRange
		err := db.Write(ctx, func(tx *Tx) (err error) {
			r, err = reserveIDs(ctx, tx, idBlock)
			return err
		})
		a.mu.Lock()
		a.refill = nil
		close(done)
		a.mu.Unlock()
		if err != nil {
			return 0, fmt.Errorf("reserve ids: %w", err)
		}
		id, _ := r.take()
		a.give(r)
		return id, nil
	}
}

// NextID returns a new id for a row written in this Write transaction. It
// takes one from the process's block when that has ids left (no
// statement); otherwise it reserves a block in this transaction, which
// serves its later calls and is given to the process when the transaction
// commits. If the transaction rolls back, so does the reservation, and
// none of its ids is handed out again.
//
// A whole block is reserved, not a few ids kept to the transaction, so that
// use cases that take all their ids here still reserve once per thousand:
// the reservation locks the counter's row until the transaction ends, and
// the other transactions that need one meanwhile wait for it.
func (tx *Tx) NextID(ctx context.Context) (int64, error) {
	if !tx.write {
		return 0, errors.New("next id: not in a write transaction")
	}
	if id, ok := tx.ids.take(); ok {
		return id, nil
	}
	a := &tx.db.ids
	a.mu.Lock()
	id, ok := a.take()
	a.mu.Unlock()
	if ok {
		return id, nil
	}
	r, err := reserveIDs(ctx, tx, idBlock)
	if err != nil {
		return 0, fmt.Errorf("reserve ids: %w", err)
	}
	tx.ids = r
	id, _ = tx.ids.take()
	return id, nil
}

// nextCounter increments a named counter inside tx and returns its new
// value. The row lock serialises the transactions that use the counter
// until they commit: ticket numbers use it on SQLite only (numbers.go).
func nextCounter(ctx context.Context, tx *Tx, name string) (int64, error) {
	var v int64
	err := tx.QueryRow(ctx, `INSERT INTO counters (name, value) VALUES (?, 1)
		ON CONFLICT (name) DO UPDATE SET value = counters.value + 1
		RETURNING value`, name).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("counter %s: %w", name, err)
	}
	return v, nil
}

// ReserveIDs reserves n consecutive ids for a bulk load and returns the
// first. Like NextID it returns ErrNestedWrite inside a Write.
func (db *DB) ReserveIDs(ctx context.Context, n int) (int64, error) {
	if n <= 0 {
		return 0, fmt.Errorf("reserve %d ids", n)
	}
	var r idRange
	err := db.Write(ctx, func(tx *Tx) (err error) {
		r, err = reserveIDs(ctx, tx, n)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("reserve ids: %w", err)
	}
	return r.next, nil
}

// RaiseCounter sets a counter to at least v, so that numbers handed out
// later continue after a bulk load.
func RaiseCounter(ctx context.Context, tx *Tx, name string, v int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO counters (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = CASE WHEN counters.value > excluded.value THEN counters.value ELSE excluded.value END`,
		name, v)
	if err != nil {
		return fmt.Errorf("raise counter %s: %w", name, err)
	}
	return nil
}

// CounterValue returns a counter's value (0 if unset).
func CounterValue(ctx context.Context, tx *Tx, name string) (int64, error) {
	var v int64
	err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(value), 0) FROM counters WHERE name = ?`, name).Scan(&v)
	return v, err
}

// ListCounters returns the counters whose names start with prefix.
func ListCounters(ctx context.Context, tx *Tx, prefix string) (map[string]int64, error) {
	rows, err := tx.Query(ctx, `SELECT name, value FROM counters WHERE name >= ? AND name < ?`, prefix, prefix+"~")
	if err != nil {
		return nil, fmt.Errorf("list counters: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var n string
		var v int64
		if err := rows.Scan(&n, &v); err != nil {
			return nil, err
		}
		out[n] = v
	}
	return out, rows.Err()
}
