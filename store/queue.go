package store

import (
	"context"
	"fmt"
	"time"

	"github.com/minsheng/minsheng/ticket"
)

// Queue names a work list of the web pages.
type Queue string

// Work lists. The dispatchers' queues hold the tickets that wait for them;
// the inbox holds what a handling unit owes.
const (
	QueueNew       Queue = "new"       // registered, not yet dispatched
	QueueReturned  Queue = "returned"  // returned by a unit (退单)
	QueueReview    Queue = "review"    // replied, the reply not yet checked by a callback
	QueueCallback  Queue = "callback"  // to call back or to close: answered at intake, called back, or callback due
	QueueExtension Queue = "extension" // a unit asked for more time (延期申请)
	QueueInbox     Queue = "inbox"     // in the unit's hands: dispatched, acknowledged, reopened
)

// Queues lists the queues in the order the pages show them.
var Queues = []Queue{QueueNew, QueueReturned, QueueReview, QueueCallback, QueueExtension, QueueInbox}

// QueueFilter selects the tickets of a queue.
type QueueFilter struct {
	Queue Queue
	// VisiblePaths limits the queue to tickets taken in or handled by one of
	// these units or below it; empty means everything. For QueueInbox it
	// limits to tickets handled there.
	VisiblePaths []string
	// Now is the moment callbacks are due by (QueueCallback).
	Now time.Time
	// Offset skips that many tickets of the queue's order (a page).
	Offset, Limit int
}

// queueWhere returns the conditions of a queue and its order.
func queueWhere(f QueueFilter) (where, string, error) {
	var w where
	order := "created_at, id"
	inHand := "status IN ('dispatched', 'acknowledged', 'reopened')"
	switch f.Queue {
	case QueueNew:
		w.add("status = 'registered'")
	case QueueReturned:
		w.add("status = 'returned'")
	case QueueReview:
		w.add("status = 'replied' AND callback_at IS NULL")
		order = "replied_at, id"
	case QueueCallback:
		w.add("(status = 'resolved_at_intake' OR (status = 'replied' AND (callback_at IS NOT NULL OR callback_by < ?)))", f.Now.UTC())
		order = "callback_by IS NULL, callback_by, created_at, id"
	case QueueExtension:
		w.add(inHand + " AND extension_days > 0")
		order = "reply_by IS NULL, reply_by, id"
	case QueueInbox:
		w.add(inHand)
		order = "reply_by IS NULL, reply_by, created_at, id"
	default:
		return w, "", fmt.Errorf("unknown queue %q", f.Queue)
	}
	cols := []string{"intake_unit_path", "unit_path"}
	if f.Queue == QueueInbox {
		cols = []string{"unit_path"}
	}
	w.paths(f.VisiblePaths, cols...)
	return w, order, nil
}

// ListQueue returns the tickets of a queue, the most pressing first.
func ListQueue(ctx context.Context, tx *Tx, f QueueFilter) ([]*ticket.Ticket, error) {
	w, order, err := queueWhere(f)
	if err != nil {
		return nil, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	out, err := queryAll(ctx, tx, scanTicket, fmt.Sprintf(`SELECT `+ticketColumns+` FROM tickets%s ORDER BY %s LIMIT %d OFFSET %d`,
		w.String(), order, limit, max(f.Offset, 0)), w.args...)
	if err != nil {
		return nil, fmt.Errorf("list queue %s: %w", f.Queue, err)
	}
	return out, nil
}

// CountQueue returns the number of tickets in a queue.
func CountQueue(ctx context.Context, tx *Tx, f QueueFilter) (int, error) {
	w, _, err := queueWhere(f)
	if err != nil {
		return 0, err
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM tickets`+w.String(), w.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count queue %s: %w", f.Queue, err)
	}
	return n, nil
}
