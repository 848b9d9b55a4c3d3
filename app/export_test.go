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
