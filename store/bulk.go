package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/minsheng/minsheng/ticket"
)

// eventColumnCount is the number of columns a register event writes.
const eventColumnCount = 10

// maxBulkParams bounds the parameters of one bulk INSERT: under both
// SQLite's limit (32,766) and PostgreSQL's (65,535). At 43 columns a
// statement carries 697 tickets, enough that the per-statement cost
// disappears.
const maxBulkParams = 30000

// BulkInsertTickets writes many tickets with multi-row INSERTs, each with
// its register event (seq 1, at CreatedAt, by CreatedBy, in the intake
// unit). It is for data generators and benchmarks, which need millions of
// tickets in minutes: unlike InsertTicket it takes no day counter, so every
// ticket's ID and Number must already be set (and unique), and it writes no
// event beyond the first, whatever the ticket's Status and Version say.
// Callers that want the counters to go on from the bulk numbers set them
// themselves.
func BulkInsertTickets(ctx context.Context, tx *Tx, ts []*ticket.Ticket) error {
	for _, t := range ts {
		if t.ID == 0 || t.Number == "" {
			return fmt.Errorf("bulk insert tickets: ticket %q has no id or no number", t.Title)
		}
		if err := checkTicketMonth(t); err != nil {
			return err
		}
	}
	args := make([]any, 0, len(ts)*ticketColumnCount)
	for _, t := range ts {
		args = append(args, ticketArgs(t)...)
	}
	if err := bulkExec(ctx, tx, `INSERT INTO tickets (`+ticketColumns+`) VALUES `, "", ticketColumnCount, args); err != nil {
		return fmt.Errorf("bulk insert tickets: %w", err)
	}
	args = args[:0]
	for _, t := range ts {
		args = append(args, t.ID, 1, t.CreatedAt.UTC(), nullID(t.CreatedBy), ticket.ActionRegister, "",
			ticket.StatusRegistered, nullID(t.IntakeUnitID), "", "{}")
	}
	err := bulkExec(ctx, tx, `INSERT INTO ticket_events (ticket_id, seq, at, actor_id, action, from_status, to_status, unit_id, note, data)
		VALUES `, "", eventColumnCount, args)
	if err != nil {
		return fmt.Errorf("bulk insert ticket events: %w", err)
	}
	return nil
}

// bulkRows is how many rows a multi-row statement of bulkExec carries on
// PostgreSQL: enough that the cost per statement disappears, few enough
// that the statement is quick to prepare.
const bulkRows = 256

// bulkExec runs head + "(?, …)" + tail over args, which hold rows of cols
// values each.
//
// On SQLite it runs a one-row statement, prepared once, per row. A
// statement that writes several rows inside a transaction keeps a journal
// of every page it changes, so that it can undo its earlier rows when a
// later one fails (SQLite's statement journal); for 256 tickets a statement
// with their 13 indexes, keeping and freeing that journal took a quarter of
// a bulk load's time. A one-row statement checks every constraint before it
// writes anything and needs none, and binding the row is what is left.
//
// On PostgreSQL, where each statement is a round trip, it runs bulkRows
// rows a statement, with one prepared statement for all the full ones
// (preparing a statement of hundreds of rows costs about as much as running
// it) and one for the rest.
func bulkExec(ctx context.Context, tx *Tx, head, tail string, cols int, args []any) error {
	if len(args)%cols != 0 {
		return fmt.Errorf("bulk exec: %d values for %d columns", len(args), cols)
	}
	rows := len(args) / cols
	if rows == 0 {
		return nil
	}
	if tx.noCancel {
		ctx = context.WithoutCancel(ctx)
	}
	per := max(1, min(bulkRows, maxBulkParams/cols))
	if tx.db.dialect == SQLite {
		per = 1
	}
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	for start := 0; start < rows; start += per {
		n := min(per, rows-start)
		a := args[start*cols : (start+n)*cols]
		if n < per {
			// The last rows on PostgreSQL (never on SQLite, one row a
			// statement): a ticket's change writes a few dozen rows of
			// summaries this way, a statement pgx keeps prepared.
			if _, err := tx.Exec(ctx, head+valuesList(n, cols)+tail, a...); err != nil {
				return err
			}
			continue
		}
		if full == nil {
			q := tx.db.rebind(head + valuesList(per, cols) + tail)
			// The one-row statements of SQLite are few and kept in
			// the statement cache; PostgreSQL's many-row ones are not.
			if per == 1 {
				if s := tx.stmt(ctx, q); s != nil {
					full = s
				}
			}
			if full == nil {
				var err error
				if full, err = tx.tx.PrepareContext(ctx, q); err != nil {
					return tx.db.mapError(err)
				}
			}
		}
		if _, err := full.ExecContext(ctx, a...); err != nil {
			return tx.db.mapError(err)
		}
	}
	return nil
}

// WriteTickets writes a batch of a bulk load in a transaction of its own:
// on SQLite with BulkInsertTickets; on PostgreSQL with COPY, which loads
// rows several times faster than multi-row INSERTs (no statement to parse,
// binary rows).
func (db *DB) WriteTickets(ctx context.Context, ts []*ticket.Ticket) error {
	if db.dialect != Postgres {
		return db.Write(ctx, func(tx *Tx) error { return BulkInsertTickets(ctx, tx, ts) })
	}
	for _, t := range ts {
		if t.ID == 0 || t.Number == "" {
			return fmt.Errorf("bulk insert tickets: ticket %q has no id or no number", t.Title)
		}
		if err := checkTicketMonth(t); err != nil {
			return err
		}
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("copy tickets: %w", err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("connection is a %T", dc)
		}
		tx, err := c.Conn().Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		rows := make([][]any, len(ts))
		for i, t := range ts {
			rows[i] = ticketArgs(t)
		}
		cols := strings.Split(ticketColumns, ",")
		for i := range cols {
			cols[i] = strings.TrimSpace(cols[i])
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"tickets"}, cols, pgx.CopyFromRows(rows)); err != nil {
			return err
		}
		for i, t := range ts {
			rows[i] = []any{t.ID, 1, t.CreatedAt.UTC(), nullID(t.CreatedBy), string(ticket.ActionRegister), "",
				string(ticket.StatusRegistered), nullID(t.IntakeUnitID), "", "{}"}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"ticket_events"}, []string{"ticket_id", "seq", "at", "actor_id",
			"action", "from_status", "to_status", "unit_id", "note", "data"}, pgx.CopyFromRows(rows)); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
	if err != nil {
		return fmt.Errorf("copy tickets: %w", db.mapError(err))
	}
	return nil
}

// valuesList returns "(?, ?), (?, ?)" for rows rows of cols columns.
func valuesList(rows, cols int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	var b strings.Builder
	b.Grow(rows * (len(one) + 2))
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(one)
	}
	return b.String()
}

// BulkLoad is a large fill of the tickets in progress (BeginBulkLoad).
type BulkLoad struct {
	db *DB
}

// BeginBulkLoad readies the database for a large fill by
// BulkInsertTickets. On SQLite the writer then commits without waiting for
// the disk (synchronous OFF: a crash of the machine may lose the last
// batches, never corrupt the file), without checking foreign keys (the
// generator's references are right by construction) and with a page cache
// of 256 MB (with SQLite's 2 MB, a batch spills dirty index pages to the
// WAL before it commits and reads them back). On PostgreSQL it does
// nothing.
//
// The indexes are kept. Dropping the tickets' 13 secondary indexes for a
// fill into a new database and building them after was tried: the fill of
// 10,000,000 tickets took 804 s (1,573 s before this change), but building the
// indexes took 1,008 s more, since each CREATE INDEX reads the whole table
// (8 GB at 800 bytes a ticket) and sorts in one thread (docs/dashboards.md).
func BeginBulkLoad(ctx context.Context, db *DB) (*BulkLoad, error) {
	b := &BulkLoad{db: db}
	if db.dialect != SQLite {
		return b, nil
	}
	if err := db.writerPragmas(ctx, "PRAGMA synchronous = OFF", "PRAGMA foreign_keys = OFF",
		"PRAGMA cache_size = -262144"); err != nil {
		return nil, fmt.Errorf("begin bulk load: %w", err)
	}
	// The background checkpoints need not wait for the disk either.
	if _, err := db.ckpt.conn.ExecContext(ctx, "PRAGMA synchronous = OFF"); err != nil {
		return nil, fmt.Errorf("begin bulk load: %w", err)
	}
	return b, nil
}

// End sets the writer back to its usual settings.
func (b *BulkLoad) End(ctx context.Context) error {
	if b.db.dialect != SQLite {
		return nil
	}
	// The page cache stays large: shrinking it frees every page one by
	// one, seconds of work for nothing.
	if err := b.db.writerPragmas(context.WithoutCancel(ctx), "PRAGMA synchronous = NORMAL", "PRAGMA foreign_keys = ON"); err != nil {
		return fmt.Errorf("end bulk load: %w", err)
	}
	if _, err := b.db.ckpt.conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA synchronous = NORMAL"); err != nil {
		return fmt.Errorf("end bulk load: %w", err)
	}
	return nil
}

// writerPragmas runs statements on SQLite's writer connection outside a
// transaction (some pragmas do nothing inside one). The writer pool has a
// single connection, so they hold for the writes that follow.
func (db *DB) writerPragmas(ctx context.Context, stmts ...string) error {
	for _, s := range stmts {
		if _, err := db.write.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}
