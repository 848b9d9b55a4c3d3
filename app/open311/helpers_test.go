package open311_test

import (
	"context"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

var ctx = context.Background()

// pngBytes is a 1×1 PNG image.
var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cb\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")

// mustView and ok are apptest.MustView and apptest.OK, short.
var (
	mustView = apptest.MustView
	ok       = apptest.OK
)

// within gives a public intake the hook that channels use to write their
// own records in the registering transaction.
func within(p app.PublicIntake, fn func(context.Context, *store.Tx, *ticket.Ticket) error) app.PublicIntake {
	p.Within = fn
	return p
}
