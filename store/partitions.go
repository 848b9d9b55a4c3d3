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
	conn  ownConn // one connection of its own, like numberBlocks's
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
	conn, err := p.conn.get(db)
	if err != nil {
		return err
	}
	if p.known == nil {
		p.known = map[int64]bool{}
	}
	for _, month := range []int64{m, nextMonth(m)} {
		if p.known[month] {
			continue
		}
		if err := p.make(ctx, db, conn, month); err != nil {
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
func (p *ticketMonths) make(ctx context.Context, db *DB, conn *sql.DB, month int64) error {
	tickets, events := fmt.Sprintf("tickets_%d", month), fmt.Sprintf("ticket_events_%d", month)
	var have sql.NullString
	if err := conn.QueryRowContext(ctx, `SELECT to_regclass($1)::text`, events).Scan(&have); err != nil {
		return db.mapError(err)
	}
	if have.Valid {
		return nil
	}
	tx, err := conn.BeginTx(ctx, nil)
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
	return p.conn.close()
}

// checkTicketMonth refuses a ticket whose id carries another month than
// its registration's: lists find tickets by the month in their ids
// (monthConds), so the two must agree.
//
// A ticket's number must begin with that month too (InsertTicket numbers
// it so; a bulk load brings its own): a lookup by number reads only the
// number's month (GetTicketByNumber).
func checkTicketMonth(t *ticket.Ticket) error {
	m := TicketMonthOf(t.ID)
	if m == 0 {
		return nil
	}
	if m != ticketMonth(t.CreatedAt) {
		return fmt.Errorf("ticket %d: its id is of month %d, but it was registered %s", t.ID, m, t.CreatedAt.Format(time.RFC3339))
	}
	if n := numberMonth(t.Number); t.Number != "" && n != m {
		return fmt.Errorf("ticket %d: its id is of month %d, but its number is %s", t.ID, m, t.Number)
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

// ArchiveSchema is the schema the archived months go to: the database's
// schema with "_archive" after it (public_archive).
func archiveSchema(ctx context.Context, tx *Tx) (string, error) {
	var s string
	err := tx.QueryRow(ctx, `SELECT current_schema()`).Scan(&s)
	return s + "_archive", err
}

// Archived tells what ArchiveTicketMonth moved.
type Archived struct {
	Month   int64
	Schema  string           // where the month's tables are now
	Tickets int64            // tickets in the month's partition
	Related map[string]int64 // rows of the tables that refer to them, by table
}

// ArchiveTicketMonth detaches the partitions of a month's tickets and
// events (PostgreSQL) and moves them, with the rows of other tables that
// refer to those tickets (attachments, links, Open311 requests, …), to the
// archive schema, in one transaction: the month's tickets leave the lists
// and search, their summaries stay in the dashboards' figures, and the
// archive can be dumped and dropped (pg_dump -n public_archive). A month of
// the last twelve is refused, and so is a month referred to by a ticket of
// another month (a ticket merged into or split from one of its tickets).
func (db *DB) ArchiveTicketMonth(ctx context.Context, month int64, now time.Time) (*Archived, error) {
	if db.dialect != Postgres {
		return nil, fmt.Errorf("archive: tickets are kept by month on PostgreSQL only")
	}
	if month%100 < 1 || month%100 > 12 || month > ticketMonth(now.AddDate(-1, 0, 0)) {
		return nil, fmt.Errorf("archive: %d is not a month (YYYYMM) before the last twelve", month)
	}
	out := &Archived{Month: month, Related: map[string]int64{}}
	tickets, events := fmt.Sprintf("tickets_%d", month), fmt.Sprintf("ticket_events_%d", month)
	from, to := month*monthSpan, (month+1)*monthSpan
	err := db.Write(ctx, func(tx *Tx) error {
		var err error
		if out.Schema, err = archiveSchema(ctx, tx); err != nil {
			return err
		}
		var attached bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_inherits WHERE inhparent = 'tickets'::regclass
			AND inhrelid = to_regclass(?))`, tickets).Scan(&attached); err != nil {
			return err
		}
		if !attached {
			return fmt.Errorf("archive: month %d has no tickets' partition (archived already, or no ticket was registered)", month)
		}
		var crossing int64
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM tickets WHERE parent_id >= ? AND parent_id < ? AND (id < ? OR id >= ?)`,
			from, to, from, to).Scan(&crossing); err != nil {
			return err
		}
		if crossing > 0 {
			return fmt.Errorf("archive: %d tickets of other months refer to tickets of %d", crossing, month)
		}
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM `+tickets).Scan(&out.Tickets); err != nil {
			return err
		}
		type ref struct{ table, col string }
		refs, err := queryAll(ctx, tx, func(s scanner) (ref, error) {
			var r ref
			return r, s.Scan(&r.table, &r.col)
		}, `SELECT c.conrelid::regclass::text, a.attname FROM pg_constraint c
			JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
			WHERE c.contype = 'f' AND c.confrelid = 'tickets'::regclass AND c.conparentid = 0
			  AND cardinality(c.conkey) = 1
			  AND c.conrelid NOT IN ('tickets'::regclass, 'ticket_events'::regclass)
			ORDER BY 1`)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+out.Schema); err != nil {
			return err
		}
		for _, r := range refs {
			table, col := r.table, r.col
			dest := out.Schema + "." + table
			for _, q := range []string{
				fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s (LIKE %s INCLUDING DEFAULTS)`, dest, table),
				fmt.Sprintf(`INSERT INTO %s SELECT * FROM %s WHERE %s >= %d AND %s < %d`, dest, table, col, from, col, to),
			} {
				if _, err := tx.Exec(ctx, q); err != nil {
					return fmt.Errorf("archive %s: %w", table, err)
				}
			}
			res, err := tx.Exec(ctx, fmt.Sprintf(`DELETE FROM %s WHERE %s >= %d AND %s < %d`, table, col, from, col, to))
			if err != nil {
				return fmt.Errorf("archive %s: %w", table, err)
			}
			if n, _ := res.RowsAffected(); n > 0 {
				out.Related[table] = n
			}
		}
		// The events' partition keeps, once detached, its foreign key to
		// tickets; it would keep the tickets' partition from leaving.
		stmts := []string{fmt.Sprintf(`ALTER TABLE ticket_events DETACH PARTITION %s`, events)}
		fks, err := queryAll(ctx, tx, func(s scanner) (string, error) {
			var n string
			return n, s.Scan(&n)
		}, `SELECT conname FROM pg_constraint WHERE contype = 'f' AND conrelid = to_regclass(?) AND confrelid = 'tickets'::regclass`, events)
		if err != nil {
			return err
		}
		for _, fk := range fks {
			stmts = append(stmts, fmt.Sprintf(`ALTER TABLE %s DROP CONSTRAINT %q`, events, fk))
		}
		stmts = append(stmts,
			fmt.Sprintf(`ALTER TABLE %s SET SCHEMA %s`, events, out.Schema),
			fmt.Sprintf(`ALTER TABLE tickets DETACH PARTITION %s`, tickets),
			fmt.Sprintf(`ALTER TABLE %s SET SCHEMA %s`, tickets, out.Schema))
		for _, q := range stmts {
			if _, err := tx.Exec(ctx, q); err != nil {
				return fmt.Errorf("archive %d: %w", month, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	db.months.forget(month)
	return out, nil
}

// forget drops month from the months known to have partitions.
func (p *ticketMonths) forget(month int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.known, month)
}

// numberMonth is the month (YYYYMM) a ticket number (20261126-00042)
// begins with, or 0 if it does not begin with eight digits.
func numberMonth(number string) int64 {
	if len(number) < 8 {
		return 0
	}
	var m int64
	for _, c := range number[:8] {
		if c < '0' || c > '9' {
			return 0
		}
	}
	for _, c := range number[:6] {
		m = m*10 + int64(c-'0')
	}
	return m
}
