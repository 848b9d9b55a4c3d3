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

// WrapPasswordCheck lets the sign-in tests of package app_test watch (or
// replace) the password checks that Login runs.
func (s *Service) WrapPasswordCheck(wrap func(check func(hash, password string) error) func(hash, password string) error) {
	s.signin.check = wrap(s.signin.check)
}
