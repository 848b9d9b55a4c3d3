package store

import (
	"context"
	"fmt"
	"strings"

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
	bulkRows := max(1, maxBulkParams/ticketColumnCount)
	for start := 0; start < len(ts); start += bulkRows {
		batch := ts[start:min(start+bulkRows, len(ts))]
		for _, t := range batch {
			if t.ID == 0 || t.Number == "" {
				return fmt.Errorf("bulk insert tickets: ticket %q has no id or no number", t.Title)
			}
		}
		args := make([]any, 0, len(batch)*ticketColumnCount)
		for _, t := range batch {
			args = append(args, ticketArgs(t)...)
		}
		q := `INSERT INTO tickets (` + ticketColumns + `) VALUES ` + valuesList(len(batch), ticketColumnCount)
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return fmt.Errorf("bulk insert tickets: %w", err)
		}

		args = args[:0]
		for _, t := range batch {
			args = append(args, t.ID, 1, t.CreatedAt.UTC(), nullID(t.CreatedBy), ticket.ActionRegister, "",
				ticket.StatusRegistered, nullID(t.IntakeUnitID), "", "{}")
		}
		q = `INSERT INTO ticket_events (ticket_id, seq, at, actor_id, action, from_status, to_status, unit_id, note, data)
			VALUES ` + valuesList(len(batch), eventColumnCount)
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return fmt.Errorf("bulk insert ticket events: %w", err)
		}
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
