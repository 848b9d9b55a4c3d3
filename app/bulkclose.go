package app

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// MaxBulkClose is how many tickets one bulk close takes: a page of a
// work list and more.
const MaxBulkClose = 200

// BulkOutcome is what became of one ticket of a bulk action.
type BulkOutcome struct {
	Ref    string        `json:"ref"`
	Number string        `json:"number,omitempty"`
	Closed bool          `json:"closed"`
	Status ticket.Status `json:"status,omitempty"` // where the ticket stands now, when it was found
	Error  *BulkError    `json:"error,omitempty"`
}

// BulkError is why one ticket of a bulk action was not changed.
type BulkError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// BulkResult is the outcome of a bulk close, ticket by ticket, in the
// order asked.
type BulkResult struct {
	Closed  int           `json:"closed"`
	Refused int           `json:"refused"`
	Tickets []BulkOutcome `json:"tickets"`
}

// CloseMany closes the selected tickets (结案) with one note, for the
// dispatcher clearing a work list (the answered-at-intake calls of the
// callback queue). Each ticket is closed in a transaction of its own, as
// Close closes one: its own event with the note (data.bulk = how many were
// asked), its version check, its statistics. It is not all-or-nothing on
// purpose: the list is what the dispatcher saw a moment ago, and a ticket
// that a colleague reopened or closed meanwhile should not stop the
// others; the result says, ticket by ticket, what was closed and why the
// rest were not. The note is required (the timelines say why), at most
// MaxBulkClose tickets; a bad note or list is EINVALID before anything is
// closed.
func (s *Service) CloseMany(ctx context.Context, actor *org.User, refs []string, note string) (*BulkResult, error) {
	note = strings.TrimSpace(note)
	if err := ticket.CheckNote("note", note, true); err != nil {
		return nil, err
	}
	var list []string
	seen := map[string]bool{}
	for _, r := range refs {
		if r = strings.TrimSpace(r); r != "" && !seen[r] {
			seen[r] = true
			list = append(list, r)
		}
	}
	if len(list) == 0 {
		return nil, minsheng.FieldError("refs", "select at least one ticket").Because("refs_none")
	}
	if len(list) > MaxBulkClose {
		return nil, minsheng.FieldError("refs", "at most %d tickets at a time", MaxBulkClose).Because("refs_too_many")
	}
	res := &BulkResult{Tickets: make([]BulkOutcome, 0, len(list))}
	asked := strconv.Itoa(len(list))
	for _, ref := range list {
		o := BulkOutcome{Ref: ref}
		t, err := s.act(ctx, actor, ref, ticket.ActionClose, note, func(_ context.Context, _ *store.Tx, t *ticket.Ticket, e *ticket.Event, now time.Time) error {
			t.ClosedAt = &now
			e.Data = map[string]string{"bulk": asked}
			return nil
		})
		var e *minsheng.Error
		switch {
		case err == nil:
			o.Number, o.Closed, o.Status = t.Number, true, t.Status
			res.Closed++
		case errors.As(err, &e) && e.Code != minsheng.EINTERNAL:
			o.Error = &BulkError{Code: e.Code, Message: e.Message}
			o.Status = ticket.Status(e.Status)
			res.Refused++
		default:
			return nil, err // a fault of ours: stop, what was closed stays closed
		}
		res.Tickets = append(res.Tickets, o)
	}
	s.log.InfoContext(ctx, "bulk close", "actor", actor.ID, "closed", res.Closed, "refused", res.Refused)
	return res, nil
}
