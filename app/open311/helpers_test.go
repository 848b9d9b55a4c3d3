package open311_test

import (
	"context"
	"testing"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

var ctx = context.Background()

// pngBytes is a 1×1 PNG image.
var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cb\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")

func mustView(t *testing.T, f *apptest.Fixture, user, ref string) *app.TicketView {
	t.Helper()
	v, err := f.Svc.GetTicket(ctx, f.Users[user], ref)
	if err != nil {
		t.Fatalf("get %s as %s: %v", ref, user, err)
	}
	return v
}

// within gives a public intake the hook that channels use to write their
// own records in the registering transaction.
func within(p app.PublicIntake, fn func(context.Context, *store.Tx, *ticket.Ticket) error) app.PublicIntake {
	p.Within = fn
	return p
}

// ok wraps a use case's result: ok(t)(s.Dispatch(…)) fails the test on error.
func ok(t *testing.T) func(*ticket.Ticket, error) *ticket.Ticket {
	t.Helper()
	return func(tk *ticket.Ticket, err error) *ticket.Ticket {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
}
