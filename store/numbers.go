package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"
)

// Ticket numbers (20261126-00042) count the tickets of a day. What is
// promised (docs/performance.md, "Ticket numbers"):
//
//   - on both databases a number is never given to two tickets;
//   - on SQLite, with its one writer, the numbers of a day are 1, 2, 3, …
//     in the order of registration, without gaps;
//   - on PostgreSQL each process takes the day's numbers in blocks, so
//     that registrations on many app nodes never wait for one another:
//     a process's numbers increase, but two nodes' numbers interleave
//     (node A may give 00017 after node B gave 00040), and a block left
//     unfinished when a process stops, or a number taken by a registration
//     that was rolled back, is never given: numbers have gaps.
//
// Before blocks, every registration on PostgreSQL updated the day's counter
// row and held its lock until its commit: registrations ran one at a time.

// Block sizes: a block lasting less than numberBlockFast makes the next one
// twice as large, up to numberBlockMax; a slow one halves it, down to
// numberBlockMin, so that a quiet day leaves small gaps.
const (
	numberBlockMin  = 8
	numberBlockMax  = 1024
	numberBlockFast = time.Second
)

// numberBlocks hands out one process's ticket numbers on PostgreSQL.
type numberBlocks struct {
	mu   sync.Mutex // held across the reservation: blocks are taken in order
	conn ownConn    // one connection of its own (see reserve)
	name string     // the counter of the block held ("ticket:2026-11-26")
	cur  idRange
	size int64
	at   time.Time // when cur was reserved
}

// nextNumber returns the next sequence number of the counter name (one per
// day) for a ticket written in tx: a counter increment in tx on SQLite,
// a number of this process's block on PostgreSQL.
func nextNumber(ctx context.Context, tx *Tx, name string) (int64, error) {
	if tx.Dialect() != Postgres {
		return nextCounter(ctx, tx, name)
	}
	return tx.db.numbers.next(ctx, tx.db, name)
}

func (b *numberBlocks) next(ctx context.Context, db *DB, name string) (int64, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.name == name {
		if v, ok := b.cur.take(); ok {
			return v, nil
		}
	}
	switch {
	case b.size == 0 || b.name != name:
		b.size = numberBlockMin
	case time.Since(b.at) < numberBlockFast:
		b.size = min(b.size*2, numberBlockMax)
	default:
		b.size = max(b.size/2, numberBlockMin)
	}
	r, err := b.reserve(ctx, db, name, b.size)
	if err != nil {
		return 0, fmt.Errorf("counter %s: %w", name, err)
	}
	b.name, b.cur, b.at = name, r, time.Now()
	v, _ := b.cur.take()
	return v, nil
}

// reserve takes n numbers of the counter in a statement committed on its
// own: the counter's row is locked for that statement only, not until the
// registration's commit. It runs on a connection of its own: on the
// shared pool, the registrations waiting for this block could hold every
// connection and leave none to reserve it with.
func (b *numberBlocks) reserve(ctx context.Context, db *DB, name string, n int64) (idRange, error) {
	conn, err := b.conn.get(db)
	if err != nil {
		return idRange{}, err
	}
	var hi int64
	err = conn.QueryRowContext(ctx, `INSERT INTO counters (name, value) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET value = counters.value + $2
		RETURNING value`, name, n).Scan(&hi)
	if err != nil {
		return idRange{}, db.mapError(err)
	}
	return idRange{next: hi - n + 1, end: hi + 1}, nil
}

func (b *numberBlocks) close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.conn.close()
}

// ownConn is a pool of one connection to the database (PostgreSQL) of its
// holder's own, opened on first use, for statements that must not queue
// behind the shared pool's users: those may be the very transactions
// waiting for them. The holder's mutex guards it.
type ownConn struct{ c *sql.DB }

func (o *ownConn) get(db *DB) (*sql.DB, error) {
	if o.c == nil {
		c, err := sql.Open("pgx", db.dsn)
		if err != nil {
			return nil, err
		}
		c.SetMaxOpenConns(1)
		c.SetMaxIdleConns(1)
		o.c = c
	}
	return o.c, nil
}

func (o *ownConn) close() error {
	if o.c == nil {
		return nil
	}
	err := o.c.Close()
	o.c = nil
	return err
}
