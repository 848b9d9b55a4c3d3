package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// A reveal of a caller's name and phone needs a reason, which the audit
// entry keeps; a user may reveal at most app.RevealLimit callers in
// app.RevealWindow (counted in the database, so across servers), and the
// reveal that reaches app.RevealAlertAt alerts the district's admins: an
// entry in the audit log and a message to each admin with an address.
// (Issue 12, item 8: an agent revealed 200 callers in 2 seconds.)
func TestSecurityRevealNeedsReasonAndIsLimited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := apptest.New(t, db)
		s := f.Svc
		tk := f.Dispatched(t)
		agent := f.Users["agent"]
		if err := s.SetContact(ctx, kit.System(), "admin", app.Contact{Email: "admin@example.gov.cn"}); err != nil {
			t.Fatal(err)
		}

		for _, reason := range []string{"", "   ", strings.Repeat("长", 201)} {
			_, err := s.RevealCaller(ctx, agent, tk.Number, reason, "192.0.2.1")
			var me *minsheng.Error
			if !errors.As(err, &me) || me.Code != minsheng.EINVALID || me.Field != "reason" {
				t.Fatalf("reason %q: %v; want an error on the field reason", reason, err)
			}
		}

		alerts := func() (entries int, mails []*store.Delivery) {
			t.Helper()
			err := db.Read(ctx, func(tx *store.Tx) error {
				log, err := store.ListAuditLog(ctx, tx, store.AuditFilter{Object: "user", ObjectID: &agent.ID, Limit: store.MaxAuditPage})
				if err != nil {
					return err
				}
				for _, e := range log {
					if e.Action == "reveal_alert" {
						entries++
					}
				}
				mails, err = store.ListDeliveries(ctx, tx, store.DeliveryFilter{Object: "user", ObjectID: agent.ID})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return entries, mails
		}

		for i := 1; i <= app.RevealLimit; i++ {
			c, err := s.RevealCaller(ctx, agent, tk.Number, "回访来电人", "192.0.2.1")
			if err != nil {
				t.Fatalf("reveal %d: %v", i, err)
			}
			if c.Phone != apptest.NewTicket().CallerPhone {
				t.Fatalf("reveal %d: phone %q", i, c.Phone)
			}
			n, mails := alerts()
			switch {
			case i < app.RevealAlertAt && (n != 0 || len(mails) != 0):
				t.Fatalf("after %d reveals: %d alerts, %d messages; want none yet", i, n, len(mails))
			case i >= app.RevealAlertAt && (n != 1 || len(mails) != 1):
				t.Fatalf("after %d reveals: %d alerts, %d messages; want one of each", i, n, len(mails))
			}
			f.Clock.Advance(time.Second)
		}
		_, mails := alerts()
		if m := mails[0]; m.Recipient != "admin@example.gov.cn" || m.Template != "admin.reveals" ||
			!strings.Contains(m.Body, "agent") || strings.Contains(m.Body, apptest.NewTicket().CallerPhone) {
			t.Errorf("alert %+v", m)
		}
		var last []store.AuditEntry
		db.Read(ctx, func(tx *store.Tx) error {
			last, _ = store.ListAudit(ctx, tx, "ticket", tk.ID)
			return nil
		})
		if len(last) != app.RevealLimit || !strings.Contains(last[0].Detail, "reason=回访来电人") || last[0].IP != "192.0.2.1" {
			t.Errorf("%d reveal entries, the last %+v", len(last), last[0])
		}

		// One more in the window is refused, and writes nothing.
		if _, err := s.RevealCaller(ctx, agent, tk.Number, "回访来电人", "192.0.2.1"); !minsheng.IsCode(err, minsheng.ERATELIMIT) {
			t.Fatalf("reveal %d: %v; want rate_limited", app.RevealLimit+1, err)
		}
		// Another user has a count of their own.
		if _, err := s.RevealCaller(ctx, f.Users["dispatcher"], tk.Number, "核实地址", ""); err != nil {
			t.Fatalf("another user: %v", err)
		}
		// Once the window has passed, the user may reveal again.
		f.Clock.Advance(app.RevealWindow)
		if _, err := s.RevealCaller(ctx, agent, tk.Number, "回访来电人", ""); err != nil {
			t.Fatalf("after the window: %v", err)
		}
	})
}
