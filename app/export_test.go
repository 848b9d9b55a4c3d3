package app

import (
	"context"

	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// NotifyEvent lets the tests of package app_test call notifyEvent directly.
func (s *Service) NotifyEvent(ctx context.Context, tx *store.Tx, t *ticket.Ticket, e *ticket.Event) error {
	return s.notifyEvent(ctx, tx, t, e)
}

// CreatePublicTicketWithin lets the tests give CreatePublicTicket the hook
// that channels use to write their own records in the registering
// transaction.
func (s *Service) CreatePublicTicketWithin(ctx context.Context, in ticket.NewTicket, p PublicIntake,
	within func(context.Context, *store.Tx, *ticket.Ticket) error) (*Receipt, bool, error) {
	p.within = within
	return s.CreatePublicTicket(ctx, in, p)
}
