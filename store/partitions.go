package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/ticket"
)

// Tickets and their events are partitioned by month on PostgreSQL
// (migration 202612081000_ticket_partitions): a ticket's id carries the
// month of its registration, China time, as its leading digits —
// 2026120000000042 is the id 42 of the shared allocator given to a
// ticket registered in December 2026 — and each month's ids,
// [YYYYMM·10^10, (YYYYMM+1)·10^10), are one partition of tickets and one
// of ticket_events (tickets_202612, ticket_events_202612). Ids below 10^10,
// made before the migration, are in tickets_0 and ticket_events_0. On
// SQLite a ticket's id is the allocator's id.
//
// The partitions are made when a month's first ticket is numbered here
// (TicketID), together with the next month's, so that at the turn of a
// month the partition is nearly always there already; each process
// remembers the months it has seen.

// monthSpan is how many ticket ids a month has: more than the shared
// allocator will ever give (its ids are counted across every table).
const monthSpan int64 = 10_000_000_000

// ticketMonth is the month of at, China time, as YYYYMM.
func ticketMonth(at time.Time) int64 {
	d := calendar.DateOf(at)
	return int64(d.Year*100 + int(d.Month))
}

// nextMonth is the month after m (YYYYMM).
func nextMonth(m int64) int64 {
	if m%100 == 12 {
		return (m/100+1)*100 + 1
	}
	return m + 1
}

// TicketMonthOf is the month (YYYYMM) a ticket id was made in on
// PostgreSQL, or 0 for an id made before partitions and for SQLite's ids.
func TicketMonthOf(id int64) int64 { return id / monthSpan }

// TicketID is the id a ticket registered at at gets for the allocator's id
// low (from NextID or ReserveIDs): low itself on SQLite, low in at's
// month's ids on PostgreSQL, where it also makes sure that the month's
// partitions exist. It may be called inside a Write: the partitions are
// made on a connection of the process's own.
func (db *DB) TicketID(ctx context.Context, low int64, at time.Time) (int64, error) {
	if db.dialect != Postgres {
		return low, nil
	}
	if low <= 0 || low >= monthSpan {
		return 0, fmt.Errorf("ticket id: the id %d is outside (0, %d)", low, monthSpan)
	}
	if err := db.months.ensure(ctx, db, ticketMonth(at)); err != nil {
		return 0, err
	}
	return db.TicketIDAt(low, at), nil
}

// TicketIDAt is TicketID without making partitions, for bulk loads that
// made them first (MakeTicketMonths). low must be in (0, 10^10).
func (db *DB) TicketIDAt(low int64, at time.Time) int64 {
	if db.dialect != Postgres {
		return low
	}
	return ticketMonth(at)*monthSpan + low
}

// MakeTicketMonths makes sure that the partitions of the months from from
// to to exist (nothing on SQLite), for bulk loads.
func (db *DB) MakeTicketMonths(ctx context.Context, from, to time.Time) error {
	if db.dialect != Postgres {
		return nil
	}
	last := ticketMonth(to)
	for m := ticketMonth(from); m <= last; m = nextMonth(m) {
		if err := db.months.ensure(ctx, db, m); err != nil {
			return err
		}
	}
	return nil
}

// NextTicketID returns a new id for a ticket registered at at (NextID,
// then TicketID).
func (db *DB) NextTicketID(ctx context.Context, at time.Time) (int64, error) {
	low, err := db.NextID(ctx)
	if err != nil {
		return 0, err
	}
	return db.TicketID(ctx, low, at)
}

// NextTicketID returns a new id for a ticket registered at at and written
// in this Write transaction (Tx.NextID, then TicketID). The month's
// partitions should have been made before the transaction began
// (MakeTicketMonths; app/kit's Write does it for the present month):
// making them now waits for the locks this transaction may hold already,
// and fails after lock_timeout if it does.
func (tx *Tx) NextTicketID(ctx context.Context, at time.Time) (int64, error) {
	low, err := tx.NextID(ctx)
	if err != nil {
		return 0, err
	}
	return tx.db.TicketID(ctx, low, at)
}

// ticketMonths makes the months' partitions on PostgreSQL.
type ticketMonths struct {
	mu    sync.Mutex
	conn  *sql.DB // one connection of its own, like numberBlocks's
	known map[int64]bool
}

// ensure makes sure that the partitions of month m and of the month after
// exist.
func (p *ticketMonths) ensure(ctx context.Context, db *DB, m int64) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.known[m] {
		return nil
	}
	if p.conn == nil {
		c, err := sql.Open("pgx", db.dsn)
		if err != nil {
			return err
		}
		c.SetMaxOpenConns(1)
		c.SetMaxIdleConns(1)
		p.conn = c
		p.known = map[int64]bool{}
	}
	for _, month := range []int64{m, nextMonth(m)} {
		if p.known[month] {
			continue
		}
		if err := p.make(ctx, db, month); err != nil {
			return fmt.Errorf("ticket partitions of %d: %w", month, err)
		}
		p.known[month] = true
	}
	return nil
}

// make creates month's partitions unless they exist. Each is made as a
// table of its own and then attached: attaching locks the partitioned
// table only against other changes of its definition, while creating a
// partition in it (CREATE TABLE … PARTITION OF) would lock it against
// every read and write, and wait for the transactions that hold a lock
// on it — among them, through Tx.NextTicketID, the very transaction that
// asks for the partition. Processes that make the same month at once take
// turns by an advisory lock; lock_timeout bounds any wait that is left,
// so that a registration fails with an error rather than hangs.
func (p *ticketMonths) make(ctx context.Context, db *DB, month int64) error {
	tickets, events := fmt.Sprintf("tickets_%d", month), fmt.Sprintf("ticket_events_%d", month)
	var have sql.NullString
	if err := p.conn.QueryRowContext(ctx, `SELECT to_regclass($1)::text`, events).Scan(&have); err != nil {
		return db.mapError(err)
	}
	if have.Valid {
		return nil
	}
	tx, err := p.conn.BeginTx(ctx, nil)
	if err != nil {
		return db.mapError(err)
	}
	defer tx.Rollback()
	from, to := month*monthSpan, (month+1)*monthSpan
	like := "INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING CONSTRAINTS INCLUDING STORAGE"
	for _, q := range []string{
		`SET LOCAL lock_timeout = '5s'`,
		`SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.ticket_partitions'))`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return db.mapError(err)
		}
	}
	// Another process may have made them while this one waited (read
	// from pg_class, not to_regclass, whose cache may not have seen it).
	var made bool
	err = tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relname = $1 AND n.nspname = current_schema())`, events).Scan(&made)
	if err != nil {
		return db.mapError(err)
	}
	if made {
		return nil
	}
	for _, q := range []string{
		fmt.Sprintf(`CREATE TABLE %s (LIKE tickets %s)`, tickets, like),
		fmt.Sprintf(`CREATE UNIQUE INDEX %s_number ON %s (number)`, tickets, tickets),
		fmt.Sprintf(`CREATE TABLE %s (LIKE ticket_events %s)`, events, like),
		fmt.Sprintf(`ALTER TABLE tickets ATTACH PARTITION %s FOR VALUES FROM (%d) TO (%d)`, tickets, from, to),
		fmt.Sprintf(`ALTER TABLE ticket_events ATTACH PARTITION %s FOR VALUES FROM (%d) TO (%d)`, events, from, to),
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return db.mapError(err)
		}
	}
	return db.mapError(tx.Commit())
}

func (p *ticketMonths) close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conn == nil {
		return nil
	}
	err := p.conn.Close()
	p.conn = nil
	return err
}

// checkTicketMonth refuses a ticket whose id carries another month than
// its registration's: lists find tickets by the month in their ids
// (monthConds), so the two must agree.
func checkTicketMonth(t *ticket.Ticket) error {
	if m := TicketMonthOf(t.ID); m != 0 && m != ticketMonth(t.CreatedAt) {
		return fmt.Errorf("ticket %d: its id is of month %d, but it was registered %s", t.ID, m, t.CreatedAt.Format(time.RFC3339))
	}
	return nil
}

// cond is a condition of a query with its arguments.
type cond struct {
	cond string
	args []any
}

// monthConds are the conditions on a ticket's id (PostgreSQL) implied by
// "registered at or after from" and "registered at or before to" (either
// may be nil), so that the planner leaves out the months' partitions that
// cannot hold such tickets. Ids below 10^10 (made before partitions) carry
// no month and always pass.
func monthConds(from, to *time.Time) []cond {
	var out []cond
	if from != nil {
		out = append(out, cond{"(id >= ? OR id < ?)", []any{ticketMonth(*from) * monthSpan, monthSpan}})
	}
	if to != nil {
		out = append(out, cond{"id < ?", []any{nextMonth(ticketMonth(*to)) * monthSpan}})
	}
	return out
}

// earliest is the earlier of two optional times.
func earliest(a, b *time.Time) *time.Time {
	switch {
	case a == nil:
		return b
	case b == nil || a.Before(*b):
		return a
	}
	return b
}
