package ride_test

import (
	"log/slog"
	"testing"
	"time"

	appride "github.com/minsheng/minsheng/app/ride"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/jobs"
	"github.com/minsheng/minsheng/ride"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// At 20:00 the evening before, tomorrow's rides still waiting for a driver
// are offered to their best eligible drivers, a driver never to two
// overlapping rides; rides the desk offered already, and the day after's,
// are left alone; answers are due at 07:00; a second process running the
// job at the same time offers nothing twice. On a fake clock.
func TestNightBeforePreassignment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFleet(t, db)
		disp := f.Users["dispatcher"]
		// The fixture's clock: Monday 2 March 2026, 09:00 in China.
		tue := time.Date(2026, 3, 3, 0, 0, 0, 0, calendar.China)
		at := func(day time.Time, h, m int) func(*appride.NewRide) {
			return func(in *appride.NewRide) {
				in.PickupAt = day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
				in.AppointmentAt = nil
			}
		}
		_, a := f.request(t, at(tue, 9, 0))
		_, b := f.request(t, at(tue, 9, 30)) // overlaps a
		_, c := f.request(t, at(tue, 15, 0))
		_, d := f.request(t, at(tue.AddDate(0, 0, 1), 10, 0)) // Wednesday
		_, e := f.request(t, at(tue, 11, 0))

		var nodes []*jobs.Scheduler
		for range 2 {
			s := jobs.New(db, jobs.Options{Clock: f.Clock, Logger: slog.New(slog.DiscardHandler)})
			for kind, h := range f.svc.Jobs() {
				s.Register(kind, h)
			}
			s.Every(appride.JobPreassign, appride.PreassignAt, f.svc.PreassignJob)
			nodes = append(nodes, s)
		}
		run := func() {
			t.Helper()
			for _, n := range nodes {
				if _, err := n.RunOnce(ctx); err != nil {
					t.Fatal(err)
				}
			}
		}
		offers := func(id int64) []*ride.Offer {
			t.Helper()
			v, err := f.svc.Get(ctx, disp, id)
			if err != nil {
				t.Fatal(err)
			}
			return v.Offers
		}
		run()
		if len(offers(a[0].ID)) != 0 {
			t.Fatal("offered before 20:00")
		}
		// At 19:50 the desk offers e itself: still open at 20:00.
		f.Clock.Set(time.Date(2026, 3, 2, 19, 50, 0, 0, calendar.China))
		must(t)(f.svc.Schedule(ctx, disp, e[0].ID, ""))
		must(t)(f.svc.Offer(ctx, disp, e[0].ID, []int64{f.drivers[2].ID}))
		f.Clock.Set(time.Date(2026, 3, 2, 20, 0, 0, 0, calendar.China))
		run()
		run()

		oa, ob, oc := offers(a[0].ID), offers(b[0].ID), offers(c[0].ID)
		if len(oa) != 2 || len(oc) != 2 {
			t.Errorf("offers: a %d, c %d; want 2 each", len(oa), len(oc))
		}
		if len(ob) != 1 || ob[0].DriverID == oa[0].DriverID || ob[0].DriverID == oa[1].DriverID {
			t.Errorf("the overlapping ride b went to %+v, a to %+v", ob, oa)
		}
		if len(offers(d[0].ID)) != 0 {
			t.Error("the day after's ride was offered")
		}
		if oe := offers(e[0].ID); len(oe) != 1 || oe[0].DriverID != f.drivers[2].ID {
			t.Errorf("the desk's offer was changed: %+v", oe)
		}
		seven := time.Date(2026, 3, 3, 7, 0, 0, 0, calendar.China)
		for _, o := range append(oa, oc...) {
			if !o.Deadline.Equal(seven) || o.Status != ride.OfferOpen {
				t.Errorf("offer %+v: want open until 07:00", o)
			}
		}
		v := must(t)(f.svc.Get(ctx, disp, a[0].ID))
		if v.Status != ride.StatusOffered {
			t.Errorf("ride a is %s", v.Status)
		}
		if got := f.smsTo(t, a[0].ID, ""); len(got) != 0 {
			t.Errorf("SMS to nobody: %v", got)
		}
		if got := f.smsTo(t, a[0].ID, riderPhone); len(got) != 0 {
			t.Errorf("the rider was told before a driver accepted: %v", got)
		}
	})
}
