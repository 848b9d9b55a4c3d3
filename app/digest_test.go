package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

func TestDailyDigest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		if err := f.Svc.SetContact(ctx, f.Users["admin"], "handler", app.Contact{Email: "haihu@example.org"}); err != nil {
			t.Fatal(err)
		}
		f.Dispatched(t) // reply by Wednesday 11 March
		f.Dispatched(t)
		run := func(at time.Time) {
			t.Helper()
			f.Clock.Set(at)
			if err := db.Write(ctx, func(tx *store.Tx) error { return f.Svc.RunDailyDigest(ctx, tx) }); err != nil {
				t.Fatal(err)
			}
		}
		digests := func() (int, string) {
			t.Helper()
			var n int
			var subject string
			if err := db.Read(ctx, func(tx *store.Tx) error {
				return tx.QueryRow(ctx, `SELECT COUNT(*), COALESCE(MAX(subject), '') FROM deliveries WHERE template = 'unit.digest'`).Scan(&n, &subject)
			}); err != nil {
				t.Fatal(err)
			}
			return n, subject
		}
		run(time.Date(2026, 3, 12, 8, 0, 0, 0, calendar.China)) // Thursday: both overdue
		n, subject := digests()
		if n != 1 || !strings.Contains(subject, "在办 2 件，逾期 2 件") {
			t.Fatalf("%d digests, subject %q", n, subject)
		}
		run(time.Date(2026, 3, 12, 8, 5, 0, 0, calendar.China)) // the same morning again: nothing new
		if n, _ := digests(); n != 1 {
			t.Fatalf("a second run the same day wrote %d digests", n)
		}
		run(time.Date(2026, 3, 14, 8, 0, 0, 0, calendar.China)) // Saturday: no digest
		if n, _ := digests(); n != 1 {
			t.Fatalf("a Saturday digest was written (%d)", n)
		}
	})
}
