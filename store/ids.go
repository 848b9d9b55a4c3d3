package store

import (
	"context"
	"fmt"
	"sync"
)

// idBlock is how many ids a process reserves at a time.
const idBlock = 1000

// idAllocator hands out int64 ids made by the application (DESIGN §5), so
// that no engine-specific sequence is needed: each process reserves a block
// of ids from the counters table in a short transaction of its own and then
// counts through it in memory (the "hi/lo" scheme). Ids are unique across
// processes, roughly increasing, and never reused; a crashed process leaves a
// gap.
type idAllocator struct {
	db *DB

	mu         sync.Mutex
	next, last int64
}

// NextID returns a new id. It must not be called inside a Write
// transaction: on SQLite the reservation needs the one write connection.
func (db *DB) NextID(ctx context.Context) (int64, error) {
	a := &db.ids
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.next == 0 || a.next > a.last {
		var hi int64
		err := db.Write(ctx, func(tx *Tx) error {
			return tx.QueryRow(ctx, `INSERT INTO counters (name, value) VALUES ('id', ?)
				ON CONFLICT (name) DO UPDATE SET value = counters.value + ?
				RETURNING value`, idBlock, idBlock).Scan(&hi)
		})
		if err != nil {
			return 0, fmt.Errorf("reserve ids: %w", err)
		}
		a.next, a.last = hi-idBlock+1, hi
	}
	id := a.next
	a.next++
	return id, nil
}

// nextCounter increments a named counter inside tx and returns its new
// value. Ticket numbers use one counter per day, so they are gap-free and
// unique even with many servers on one database: the row lock serialises
// the creations of one day.
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
// first. Like NextID it must not be called inside a Write transaction.
func (db *DB) ReserveIDs(ctx context.Context, n int) (int64, error) {
	if n <= 0 {
		return 0, fmt.Errorf("reserve %d ids", n)
	}
	var hi int64
	err := db.Write(ctx, func(tx *Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO counters (name, value) VALUES ('id', ?)
			ON CONFLICT (name) DO UPDATE SET value = counters.value + ?
			RETURNING value`, n, n).Scan(&hi)
	})
	if err != nil {
		return 0, fmt.Errorf("reserve ids: %w", err)
	}
	return hi - int64(n) + 1, nil
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
