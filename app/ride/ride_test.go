package ride_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	appride "github.com/minsheng/minsheng/app/ride"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/household"
	"github.com/minsheng/minsheng/jobs"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/ride"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

var ctx = context.Background()

// fleet is the apptest district with a fleet: three drivers, each with a
// car; the third drives a wheelchair van. Driver users are "driver1" …
type fleet struct {
	*apptest.Fixture
	svc     *appride.Service
	drivers []*ride.Driver
	users   []*org.User
}

const riderPhone = "13997001234"

func newFleet(t *testing.T, db *store.DB) *fleet {
	t.Helper()
	f := &fleet{Fixture: apptest.New(t, db)}
	f.svc = appride.New(f.Svc.Kit(), f.Svc, appride.Config{})
	if err := f.Svc.SetContact(ctx, kit.System(), "dispatcher", app.Contact{Phone: "13800000009"}); err != nil {
		t.Fatal(err)
	}
	until := time.Date(2027, 12, 31, 0, 0, 0, 0, calendar.China)
	allWeek, _ := ride.ParseAvailability("1-7 06:00-20:00")
	for i, spec := range []struct {
		name, plate, phone string
		wheelchair         bool
	}{{"李建国", "青A10001", "13800000001", false}, {"王德明", "青A10002", "13800000002", false}, {"张秀英", "青A10003", "13800000003", true}} {
		u, err := f.Svc.CreateUser(ctx, kit.System(), app.NewUser{Username: "driver" + string(rune('1'+i)), Name: spec.name,
			Role: org.RoleDriver, UnitID: f.District.ID, Password: apptest.Password})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Svc.SetContact(ctx, kit.System(), u.Username, app.Contact{Phone: spec.phone}); err != nil {
			t.Fatal(err)
		}
		v, err := f.svc.SaveVehicle(ctx, f.Users["dispatcher"], ride.Vehicle{Plate: spec.plate, Seats: 4, Wheelchair: spec.wheelchair,
			InsuranceUntil: until, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		d, err := f.svc.SaveDriver(ctx, f.Users["dispatcher"], ride.Driver{UserID: u.ID, VehicleID: v.ID, Active: true,
			Areas: []string{"xinghailu"}, Availability: allWeek, Documents: []ride.Document{{Kind: ride.DocLicense, Until: until}}})
		if err != nil {
			t.Fatal(err)
		}
		if d.Phone != spec.phone || d.Name != spec.name {
			t.Fatalf("driver took %q %q from the user", d.Name, d.Phone)
		}
		f.users = append(f.users, u)
		f.drivers = append(f.drivers, d)
	}
	return f
}

// request books a ride from a new ticket, tomorrow 09:00, and returns it.
func (f *fleet) request(t *testing.T, edit func(*appride.NewRide)) (*ticket.Ticket, []*appride.View) {
	t.Helper()
	tk := f.Register(t)
	pickup := f.Clock.Now().Add(24 * time.Hour)
	appt := pickup.Add(time.Hour)
	in := appride.NewRide{Request: ride.Request{RiderName: "马桂英", RiderPhone: riderPhone, Pickup: "胜利路12号", Destination: "省人民医院",
		Area: "xinghailu", PickupAt: pickup, AppointmentAt: &appt, Passengers: 2, Purpose: ride.PurposeDialysis}}
	if edit != nil {
		edit(&in)
	}
	rs, err := f.svc.RequestFromTicket(ctx, f.Users["agent"], tk.Number, in)
	if err != nil {
		t.Fatalf("request: %v", err)
	}
	return tk, rs
}

func must(t *testing.T) func(*appride.View, error) *appride.View {
	t.Helper()
	return func(v *appride.View, err error) *appride.View {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// smsTo returns the SMS messages about a ride to a phone.
func (f *fleet) smsTo(t *testing.T, rideID int64, phone string) []string {
	t.Helper()
	var out []string
	err := f.DB.Read(ctx, func(tx *store.Tx) error {
		ds, err := store.ListDeliveries(ctx, tx, store.DeliveryFilter{Object: appride.ObjectRide, ObjectID: rideID})
		for _, d := range ds {
			if d.Recipient == phone {
				out = append(out, d.Body)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The main loop: booked from a ticket, scheduled, offered to two drivers,
// accepted by one (the other then gets a conflict), the rider told only
// then, driven and completed; the ticket is resolved with the trip and the
// dispatcher closes it.
func TestRideFromTicketToCompletion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFleet(t, db)
		tk, rs := f.request(t, nil)
		if len(rs) != 1 || rs[0].Status != ride.StatusRequested || rs[0].RiderName != "马**" || rs[0].RiderPhone != "139****1234" {
			t.Fatalf("booked %+v", rs[0])
		}
		id := rs[0].ID
		disp := f.Users["dispatcher"]
		must(t)(f.svc.Schedule(ctx, disp, id, ""))

		sg, err := f.svc.Suggest(ctx, disp, id)
		if err != nil {
			t.Fatal(err)
		}
		// The plain cars first (a wheelchair van is kept for who needs it).
		if len(sg) != 3 || !sg[0].Eligible || sg[2].DriverID != f.drivers[2].ID || sg[0].Name == "" || sg[0].Plate == "" {
			t.Fatalf("suggestions %+v", sg)
		}
		v := must(t)(f.svc.Offer(ctx, disp, id, []int64{f.drivers[0].ID, f.drivers[1].ID}))
		if v.Status != ride.StatusOffered || v.OfferDeadline == nil {
			t.Fatalf("offered %+v", v)
		}
		if got := f.smsTo(t, id, "13800000001"); len(got) != 1 || !strings.Contains(got[0], "出车邀请") {
			t.Errorf("driver 1 told %q", got)
		}
		if got := f.smsTo(t, id, riderPhone); len(got) != 0 {
			t.Fatalf("the rider was told before a driver accepted: %q", got)
		}
		// The third driver was not offered the ride.
		if _, err := f.svc.Accept(ctx, f.users[2], id); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Errorf("a driver not offered the ride accepted it: %v", err)
		}
		day, err := f.svc.DriverDay(ctx, f.users[1])
		if err != nil || len(day.Offers) != 1 || day.Offers[0].ID != id {
			t.Fatalf("driver 2's day %+v %v", day, err)
		}

		v = must(t)(f.svc.Accept(ctx, f.users[1], id))
		if v.Status != ride.StatusAccepted || v.DriverID != f.drivers[1].ID || v.Plate != "青A10002" {
			t.Fatalf("accepted %+v", v)
		}
		if _, err := f.svc.Accept(ctx, f.users[0], id); !minsheng.IsCode(err, minsheng.ECONFLICT) {
			t.Errorf("second accept: %v, want a conflict", err)
		}
		if got := f.smsTo(t, id, riderPhone); len(got) != 1 || !strings.Contains(got[0], "王师傅") || !strings.Contains(got[0], "青A10002") {
			t.Errorf("rider told %q, want once, with the driver and plate", got)
		}
		// Only the assigned driver drives.
		if _, err := f.svc.Start(ctx, f.users[0], id, nil); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Errorf("another driver started the ride: %v", err)
		}
		odo, end, bad := 52000, 52018, 51000
		must(t)(f.svc.Start(ctx, f.users[1], id, &odo))
		f.Clock.Advance(20 * time.Minute)
		must(t)(f.svc.Pickup(ctx, f.users[1], id))
		f.Clock.Advance(25 * time.Minute)
		if _, err := f.svc.Complete(ctx, f.users[1], id, &bad, ""); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Errorf("odometer below the start: %v", err)
		}
		v = must(t)(f.svc.Complete(ctx, f.users[1], id, &end, ""))
		if v.Status != ride.StatusCompleted || *v.OdometerEnd != end || v.VolunteerMinutes() != 45 {
			t.Errorf("completed %+v (%d minutes)", v.Ride, v.VolunteerMinutes())
		}

		full, err := f.svc.Get(ctx, disp, id)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range full.Timeline {
			actions = append(actions, e.Action)
		}
		if got := strings.Join(actions, " "); got != "request schedule offer accept start pickup complete" {
			t.Errorf("timeline %s", got)
		}
		tv := apptest.MustView(t, f.Fixture, "dispatcher", tk.Number)
		if tv.Ticket.Status != ticket.StatusResolvedAtIntake || !strings.Contains(tv.Ticket.Reply, "已完成") {
			t.Errorf("ticket %s %q, want resolved with the trip", tv.Ticket.Status, tv.Ticket.Reply)
		}
		if _, err := f.Svc.Close(ctx, disp, tk.Number, ""); err != nil {
			t.Errorf("the dispatcher closes the ticket: %v", err)
		}
		links := 0
		_ = db.Read(ctx, func(tx *store.Tx) error {
			ls, err := store.ListLinks(ctx, tx, "ticket", tk.ID)
			links = len(ls)
			return err
		})
		if links != 1 {
			t.Errorf("%d links from the ticket, want 1", links)
		}
		fig, err := f.svc.Figures(ctx, f.Users["leader"], time.Date(2026, 3, 1, 0, 0, 0, 0, calendar.China), time.Date(2026, 4, 1, 0, 0, 0, 0, calendar.China))
		if err != nil || fig.Total.Trips != 1 || fig.Total.People != 2 || len(fig.Months) != 1 || fig.Months[0].Month != "2026-03" ||
			fig.Purposes[0].Purpose != ride.PurposeDialysis || fig.MedianAcceptMinutes != 0 {
			t.Errorf("figures %+v %v", fig, err)
		}
		if _, err := f.svc.Figures(ctx, f.Users["handler"], time.Now(), time.Now().Add(time.Hour)); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Errorf("a handler read the fleet's figures: %v", err)
		}
		rides, err := f.svc.TicketRides(ctx, f.Users["agent"], tk.Number)
		if err != nil || len(rides) != 1 || rides[0].Status != ride.StatusCompleted {
			t.Errorf("ticket's rides %v %v", rides, err)
		}
	})
}

// Two drivers accepting one ride at the same moment: exactly one gets it.
func TestFirstAcceptWins(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFleet(t, db)
		_, rs := f.request(t, nil)
		id := rs[0].ID
		disp := f.Users["dispatcher"]
		must(t)(f.svc.Schedule(ctx, disp, id, ""))
		must(t)(f.svc.Offer(ctx, disp, id, []int64{f.drivers[0].ID, f.drivers[1].ID, f.drivers[2].ID}))
		var wg sync.WaitGroup
		errs := make([]error, 3)
		start := make(chan struct{})
		for i := range 3 {
			wg.Go(func() {
				<-start
				_, errs[i] = f.svc.Accept(ctx, f.users[i], id)
			})
		}
		close(start)
		wg.Wait()
		won := 0
		for i, err := range errs {
			switch {
			case err == nil:
				won++
			case minsheng.IsCode(err, minsheng.ECONFLICT):
			default:
				t.Errorf("driver %d: %v", i+1, err)
			}
		}
		if won != 1 {
			t.Fatalf("%d drivers won the ride: %v", won, errs)
		}
		if got := f.smsTo(t, id, riderPhone); len(got) != 1 {
			t.Errorf("rider told %d times", len(got))
		}
	})
}

// Two rides at overlapping times offered to one driver, accepted at once:
// the driver gets one, the other is refused.
func TestDriverCannotHoldOverlappingRides(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFleet(t, db)
		disp := f.Users["dispatcher"]
		var ids []int64
		for i := range 2 {
			_, rs := f.request(t, func(n *appride.NewRide) { n.PickupAt = n.PickupAt.Add(time.Duration(i) * 30 * time.Minute) })
			ids = append(ids, rs[0].ID)
			must(t)(f.svc.Schedule(ctx, disp, rs[0].ID, ""))
			must(t)(f.svc.Offer(ctx, disp, rs[0].ID, []int64{f.drivers[0].ID}))
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, id := range ids {
			wg.Go(func() { _, errs[i] = f.svc.Accept(ctx, f.users[0], id) })
		}
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) || !minsheng.IsCode(errs[0], minsheng.ECONFLICT) && !minsheng.IsCode(errs[1], minsheng.ECONFLICT) {
			t.Errorf("accepting two overlapping rides: %v", errs)
		}
		// Offering the other ride to them again is refused too.
		other := ids[0]
		if errs[0] == nil {
			other = ids[1]
		}
		if _, err := f.svc.Offer(ctx, disp, other, []int64{f.drivers[0].ID}); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Errorf("offering a busy driver: %v", err)
		}
	})
}

// Bad input is refused with the field at fault and nothing written.
func TestBadInputWritesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFleet(t, db)
		disp := f.Users["dispatcher"]
		tk := f.Register(t)
		pickup := f.Clock.Now().Add(24 * time.Hour)
		early := pickup.Add(-time.Hour)
		for _, tc := range []struct {
			name  string
			in    appride.NewRide
			field string
		}{
			{"pickup after the appointment", appride.NewRide{Request: ride.Request{RiderName: "马桂英", RiderPhone: riderPhone, Pickup: "甲", Destination: "乙",
				PickupAt: pickup, AppointmentAt: &early, Passengers: 1}}, "appointment_at"},
			{"no passengers", appride.NewRide{Request: ride.Request{RiderName: "马桂英", RiderPhone: riderPhone, Pickup: "甲", Destination: "乙",
				PickupAt: pickup, Passengers: 0}}, "passengers"},
			{"in the past", appride.NewRide{Request: ride.Request{RiderName: "马桂英", RiderPhone: riderPhone, Pickup: "甲", Destination: "乙",
				PickupAt: f.Clock.Now().Add(-time.Minute), Passengers: 1}}, "pickup_at"},
			{"repeat without weekdays", appride.NewRide{Request: ride.Request{RiderName: "马桂英", RiderPhone: riderPhone, Pickup: "甲", Destination: "乙",
				PickupAt: pickup, Passengers: 1}, Repeat: &ride.Repeat{Until: pickup.AddDate(0, 0, 14)}}, "repeat_weekdays"},
		} {
			_, err := f.svc.RequestFromTicket(ctx, f.Users["agent"], tk.Number, tc.in)
			if e, ok := err.(*minsheng.Error); !ok || e.Code != minsheng.EINVALID || e.Field != tc.field {
				t.Errorf("%s: %v, want invalid on %s", tc.name, err, tc.field)
			}
		}
		if rs, _ := f.svc.TicketRides(ctx, disp, tk.Number); len(rs) != 0 {
			t.Errorf("%d rides written from bad input", len(rs))
		}
		if _, err := f.svc.RequestFromTicket(ctx, f.Users["handler"], tk.Number, appride.NewRide{}); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Errorf("a handler booked a ride: %v", err)
		}

		// A wheelchair rider offered to a car without access; a driver whose licence expired.
		_, rs := f.request(t, func(n *appride.NewRide) { n.Wheelchair = true })
		id := rs[0].ID
		must(t)(f.svc.Schedule(ctx, disp, id, ""))
		if _, err := f.svc.Offer(ctx, disp, id, []int64{f.drivers[2].ID, f.drivers[0].ID}); !isField(err, "driver_ids") {
			t.Errorf("wheelchair rider offered a car without access: %v", err)
		}
		d := *f.drivers[2]
		d.Documents = []ride.Document{{Kind: ride.DocLicense, Until: f.Clock.Now().AddDate(0, 0, -1)}}
		if _, err := f.svc.SaveDriver(ctx, disp, d); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Offer(ctx, disp, id, []int64{f.drivers[2].ID}); !isField(err, "driver_ids") {
			t.Errorf("driver with an expired licence: %v", err)
		}
		v, err := f.svc.Get(ctx, disp, id)
		if err != nil || v.Status != ride.StatusScheduled || len(v.Offers) != 0 {
			t.Errorf("after refused offers: %+v %v", v, err)
		}
		sg, _ := f.svc.Suggest(ctx, disp, id)
		for _, s := range sg {
			if s.Eligible {
				t.Errorf("driver %d suggested for a wheelchair rider with an expired licence or no van", s.DriverID)
			}
		}
		if _, err := f.svc.SaveVehicle(ctx, disp, ride.Vehicle{Plate: "青A10001", Seats: 4, InsuranceUntil: pickup}); !isField(err, "plate") {
			t.Errorf("second vehicle with a plate: %v", err)
		}
		if _, err := f.svc.SaveVehicle(ctx, f.Users["street_handler"], ride.Vehicle{Plate: "青A20001", Seats: 4, InsuranceUntil: pickup}); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Errorf("a handler changed the fleet: %v", err)
		}
		if _, err := f.svc.SaveDriver(ctx, disp, ride.Driver{UserID: f.Users["agent"].ID, Documents: d.Documents}); !isField(err, "user_id") {
			t.Errorf("an agent without the driver grant made a driver: %v", err)
		}
	})
}

func isField(err error, field string) bool {
	e, ok := err.(*minsheng.Error)
	return ok && e.Code == minsheng.EINVALID && e.Field == field
}

// An offer nobody answers escalates to the desk once, however often the
// job runs; a ride nobody takes by its latest dispatch time is unmet need,
// on the ride and on its ticket.
func TestOfferTimeoutEscalatesThenUnmet(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFleet(t, db)
		disp := f.Users["dispatcher"]
		tk, rs := f.request(t, nil)
		id := rs[0].ID
		must(t)(f.svc.Schedule(ctx, disp, id, ""))
		must(t)(f.svc.Offer(ctx, disp, id, []int64{f.drivers[0].ID}))
		var nodes []*jobs.Scheduler
		for range 3 {
			s := jobs.New(db, jobs.Options{Clock: f.Clock, Logger: slog.New(slog.DiscardHandler)})
			for kind, h := range f.svc.Jobs() {
				s.Register(kind, h)
			}
			nodes = append(nodes, s)
		}
		runAll := func() {
			t.Helper()
			var wg sync.WaitGroup
			for _, n := range nodes {
				wg.Go(func() {
					if _, err := n.RunOnce(ctx); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
		}
		runAll()
		if v, _ := f.svc.Get(ctx, disp, id); v.Status != ride.StatusOffered {
			t.Fatalf("before the deadline: %s", v.Status)
		}
		f.Clock.Advance(31 * time.Minute)
		runAll()
		runAll()
		v, err := f.svc.Get(ctx, disp, id)
		if err != nil {
			t.Fatal(err)
		}
		escalations := 0
		for _, e := range v.Timeline {
			if e.Action == "escalate" {
				escalations++
			}
		}
		if v.Status != ride.StatusScheduled || escalations != 1 || !v.Escalated || v.Offers[0].Status != ride.OfferExpired {
			t.Errorf("after the deadline: %s, %d escalations, offers %+v", v.Status, escalations, v.Offers[0])
		}
		if got := f.smsTo(t, id, "13800000009"); len(got) != 1 {
			t.Errorf("the dispatcher was told %d times", len(got))
		}
		desk, err := f.svc.Desk(ctx, disp)
		if err != nil || len(desk.Waiting) != 1 || !desk.Waiting[0].Escalated {
			t.Errorf("desk %+v %v", desk, err)
		}
		// Nobody takes it: half an hour before the pickup it is unmet need.
		f.Clock.Advance(23 * time.Hour)
		runAll()
		v, _ = f.svc.Get(ctx, disp, id)
		if v.Status != ride.StatusUnmet || v.Reason == "" {
			t.Errorf("at the latest dispatch time: %s %q", v.Status, v.Reason)
		}
		tv := apptest.MustView(t, f.Fixture, "dispatcher", tk.Number)
		found := false
		for _, e := range tv.Events {
			found = found || strings.Contains(e.Note, "未能派出车辆")
		}
		if !found {
			t.Error("the ticket does not show the unmet need")
		}
	})
}

// A dialysis series every Tuesday and Thursday, with the way back, all
// linked to one ticket; cancelling one by the agent tells its driver.
func TestRecurringRoundTripAndCancel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFleet(t, db)
		disp := f.Users["dispatcher"]
		// The fixture's clock is Monday 2 March 2026 09:00; the first ride Tuesday 07:30.
		first := time.Date(2026, 3, 3, 7, 30, 0, 0, calendar.China)
		back := first.Add(5 * time.Hour)
		tk, rs := f.request(t, func(n *appride.NewRide) {
			n.PickupAt, n.AppointmentAt, n.ReturnAt = first, nil, &back
			n.Repeat = &ride.Repeat{Weekdays: []time.Weekday{time.Tuesday, time.Thursday}, Until: time.Date(2026, 3, 12, 0, 0, 0, 0, calendar.China)}
		})
		if len(rs) != 8 {
			t.Fatalf("%d rides, want 4 days × 2 ways", len(rs))
		}
		if rs[1].ReturnOf != rs[0].ID || rs[1].Pickup != "省人民医院" || !rs[1].PickupAt.Equal(back) || rs[7].SeriesID != rs[0].ID {
			t.Errorf("series %+v / %+v", rs[1].Ride, rs[7].Ride)
		}
		if got := rs[6].PickupAt.In(calendar.China).Format("01-02 Mon 15:04"); got != "03-12 Thu 07:30" {
			t.Errorf("last outward ride %s", got)
		}
		id := rs[2].ID
		must(t)(f.svc.Schedule(ctx, disp, id, ""))
		must(t)(f.svc.Offer(ctx, disp, id, []int64{f.drivers[0].ID}))
		must(t)(f.svc.Accept(ctx, f.users[0], id))
		if _, err := f.svc.Cancel(ctx, f.Users["agent"], id, " "); !isField(err, "reason") {
			t.Errorf("cancel without a reason: %v", err)
		}
		v := must(t)(f.svc.Cancel(ctx, f.Users["agent"], id, "家属自行接送"))
		if v.Status != ride.StatusCancelled || v.ClosedBy != f.Users["agent"].ID || v.Reason != "家属自行接送" {
			t.Errorf("cancelled %+v", v.Ride)
		}
		if got := f.smsTo(t, id, "13800000001"); len(got) != 2 || !strings.Contains(strings.Join(got, "|"), "已取消") {
			t.Errorf("driver told %q", got)
		}
		if _, err := f.svc.Cancel(ctx, f.users[0], rs[3].ID, "不想去"); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Errorf("a driver cancelled a ride: %v", err)
		}
		// The ticket is not resolved while rides of it are still to run.
		if tv := apptest.MustView(t, f.Fixture, "agent", tk.Number); tv.Ticket.Status != ticket.StatusRegistered {
			t.Errorf("ticket %s", tv.Ticket.Status)
		}
		r, err := f.svc.RevealRider(ctx, disp, id, "联系乘车人确认")
		if err != nil || r.Phone != riderPhone {
			t.Errorf("reveal %+v %v", r, err)
		}
		if _, err := f.svc.RevealRider(ctx, f.users[1], id, "看看"); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Errorf("another driver saw the rider: %v", err)
		}
	})
}

func mustUser(t *testing.T, db *store.DB, username string) *org.User {
	t.Helper()
	var u *org.User
	if err := db.Read(ctx, func(tx *store.Tx) (err error) { u, err = store.GetUserByUsername(ctx, tx, username); return }); err != nil {
		t.Fatal(err)
	}
	return u
}

// The driver reports a breakdown from the road: the dispatchers are told,
// the desk marks the ride first, the ride's status stays; another driver
// may not report on it, and an unknown problem writes nothing.
func TestDriverReportsProblem(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFleet(t, db)
		disp := f.Users["dispatcher"]
		_, rs := f.request(t, nil)
		_, other := f.request(t, func(in *appride.NewRide) { in.PickupAt = in.PickupAt.Add(4 * time.Hour); in.AppointmentAt = nil })
		id := rs[0].ID
		for _, r := range []int64{id, other[0].ID} {
			must(t)(f.svc.Schedule(ctx, disp, r, ""))
			must(t)(f.svc.Offer(ctx, disp, r, []int64{f.drivers[0].ID}))
			must(t)(f.svc.Accept(ctx, f.users[0], r))
		}
		must(t)(f.svc.Start(ctx, f.users[0], id, nil))
		if _, err := f.svc.ReportProblem(ctx, f.users[0], id, "flat", ""); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Errorf("unknown problem: %v", err)
		}
		if _, err := f.svc.ReportProblem(ctx, f.users[1], id, ride.ProblemBreakdown, ""); err == nil {
			t.Error("another driver reported on the ride")
		}
		v := must(t)(f.svc.ReportProblem(ctx, f.users[0], id, ride.ProblemBreakdown, "发动机故障灯亮，停在海湖路口"))
		if v.Status != ride.StatusEnRoute {
			t.Errorf("status after the report: %s", v.Status)
		}
		sms := f.smsTo(t, id, "13800000009")
		if len(sms) != 1 || !strings.Contains(sms[0], "车辆故障") || !strings.Contains(sms[0], "海湖路口") {
			t.Errorf("the dispatcher was told %q", sms)
		}
		desk, err := f.svc.Desk(ctx, disp)
		if err != nil || len(desk.Upcoming) != 2 || desk.Upcoming[0].ID != id || desk.Upcoming[0].Problem != ride.ProblemBreakdown ||
			desk.Upcoming[1].Problem != "" {
			t.Fatalf("desk %+v %v", desk.Upcoming, err)
		}
		// Once the ride ends the mark goes.
		must(t)(f.svc.Cancel(ctx, disp, id, "车辆故障，改由家属送医"))
		if v := must(t)(f.svc.Get(ctx, disp, id)); v.Problem != "" {
			t.Errorf("a cancelled ride still marked %q", v.Problem)
		}
	})
}

// A rider the household registry knows (by phone) is linked to their
// household when the ride is booked; the registry is only read.
func TestRiderFromHouseholdRegistry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFleet(t, db)
		now := f.Clock.Now().UTC()
		err := db.Write(ctx, func(tx *store.Tx) error {
			hid, _ := tx.NextID(ctx)
			pid, _ := tx.NextID(ctx)
			h := &household.Household{ID: hid, UnitID: f.Grid.ID, UnitPath: f.Grid.Path, Address: "胜利路12号", ConsentAt: now,
				IntervalDays: 30, NextDueAt: now, CreatedAt: now, UpdatedAt: now}
			if err := store.InsertHousehold(ctx, tx, h); err != nil {
				return err
			}
			return store.InsertPerson(ctx, tx, &household.Person{ID: pid, HouseholdID: hid, Name: "马桂英",
				IDNumber: household.CompleteIDNumber("63010219450101002"), Phone: riderPhone, Relation: household.RelationHead, CreatedAt: now})
		})
		if err != nil {
			t.Fatal(err)
		}
		_, rs := f.request(t, nil)
		v := must(t)(f.svc.Get(ctx, f.Users["dispatcher"], rs[0].ID))
		if v.PersonID == 0 || v.HouseholdID == 0 {
			t.Errorf("the registered rider is not linked: person %d household %d", v.PersonID, v.HouseholdID)
		}
		_, other := f.request(t, func(in *appride.NewRide) { in.RiderPhone = "13997009999" })
		if v := must(t)(f.svc.Get(ctx, f.Users["dispatcher"], other[0].ID)); v.PersonID != 0 || v.HouseholdID != 0 {
			t.Errorf("an unknown rider is linked: %+v", v.Ride)
		}
	})
}
