package medicine_test

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	appmed "github.com/minsheng/minsheng/app/medicine"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/jobs"
	med "github.com/minsheng/minsheng/medicine"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// A chronic patient's 28 days of medicine, delivered on 2 March: at 07:00
// seven days before it runs out the refill job opens the next request,
// with a ticket of its own, once however often it runs; a one-off need
// gets none. On a fake clock.
func TestRefillCalendar(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPost(t, db)
		disp := p.Users["dispatcher"]
		deliver := func(n med.Need) int64 {
			t.Helper()
			v, err := p.svc.Open(ctx, p.Users["agent"], appmed.NewRequest{Need: n})
			if err != nil {
				t.Fatal(err)
			}
			exp := p.Clock.Now().Add(time.Hour)
			for _, st := range []struct {
				a med.Action
				s med.Step
			}{{med.ActionVerify, med.Step{}}, {med.ActionSource, med.Step{}},
				{med.ActionSourced, med.Step{Place: "省人民医院药房", ExpectedAt: &exp}}, {med.ActionDeliver, med.Step{Mode: med.ModePickup}},
				{med.ActionDelivered, med.Step{}}, {med.ActionConfirm, med.Step{}}} {
				p.mustAct(t, disp, v.ID, st.a, st.s)
			}
			return v.ID
		}
		chronic := deliver(need()) // 28 days, delivered Monday 2 March 2026 09:00
		oneOff := need()
		oneOff.Chronic, oneOff.DaysSupply, oneOff.Medicine = false, 0, "注射用头孢曲松钠"
		deliver(oneOff)

		var nodes []*jobs.Scheduler
		for range 2 {
			s := jobs.New(db, jobs.Options{Clock: p.Clock, Logger: slog.New(slog.DiscardHandler)})
			s.Every(appmed.JobRefill, appmed.RefillAt, p.svc.RefillJob)
			nodes = append(nodes, s)
		}
		runAt := func(month time.Month, day int) {
			t.Helper()
			p.Clock.Set(time.Date(2026, month, day, 7, 0, 0, 0, calendar.China))
			for _, n := range nodes {
				if _, err := n.RunOnce(ctx); err != nil {
					t.Fatal(err)
				}
			}
		}
		open := func() []*appmed.View {
			t.Helper()
			d, err := p.svc.List(ctx, disp)
			if err != nil {
				t.Fatal(err)
			}
			return d.Open
		}
		runAt(3, 3)
		runAt(3, 22)
		if n := len(open()); n != 0 {
			t.Fatalf("%d requests opened before the refill day", n)
		}
		runAt(3, 23) // 30 March runs out, less 7 days
		runAt(3, 24)
		got := open()
		if len(got) != 1 || got[0].Medicine != "注射用重组人促红素" || got[0].Quantity != 4 || !strings.Contains(got[0].Note, "3月30日用完") ||
			got[0].TicketNumber == "" {
			t.Fatalf("refills %+v", got)
		}
		old, err := p.svc.Get(ctx, disp, chronic)
		if err != nil || old.RefillID != got[0].ID {
			t.Errorf("the old request points to %d (%v), want %d", old.RefillID, err, got[0].ID)
		}
	})
}
