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
