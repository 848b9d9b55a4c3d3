package ride_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/ride"
)

// The lifecycle, written out as a table of every status × action: the
// status the action leads to, or "-" where it is refused.
func TestLifecycle(t *testing.T) {
	const (
		req = ride.StatusRequested
		sch = ride.StatusScheduled
		off = ride.StatusOffered
		acc = ride.StatusAccepted
		enr = ride.StatusEnRoute
		pic = ride.StatusPickedUp
		com = ride.StatusCompleted
		can = ride.StatusCancelled
		nos = ride.StatusNoShow
		unm = ride.StatusUnmet
		no  = ride.Status("-")
	)
	// columns: requested scheduled offered accepted en_route picked_up completed cancelled no_show unmet
	want := map[ride.Action][10]ride.Status{
		ride.ActionSchedule: {sch, no, no, no, no, no, no, no, no, no},
		ride.ActionOffer:    {no, off, off, no, no, no, no, no, no, no},
		ride.ActionAccept:   {no, no, acc, no, no, no, no, no, no, no},
		ride.ActionDecline:  {no, no, off, no, no, no, no, no, no, no},
		ride.ActionStart:    {no, no, no, enr, no, no, no, no, no, no},
		ride.ActionPickup:   {no, no, no, no, pic, no, no, no, no, no},
		ride.ActionComplete: {no, no, no, no, no, com, no, no, no, no},
		ride.ActionCancel:   {can, can, can, can, can, no, no, no, no, no},
		ride.ActionNoShow:   {no, no, no, no, nos, no, no, no, no, no},
		ride.ActionUnmet:    {unm, unm, unm, no, no, no, no, no, no, no},
		ride.ActionReport:   {no, no, no, acc, enr, pic, no, no, no, no},
	}
	if len(want) != len(ride.Actions) {
		t.Fatalf("the table covers %d actions of %d", len(want), len(ride.Actions))
	}
	for _, a := range ride.Actions {
		for i, from := range ride.Statuses {
			next, err := ride.Next(from, a)
			w := want[a][i]
			if w == no {
				if !minsheng.IsCode(err, minsheng.ECONFLICT) {
					t.Errorf("%s from %s: got %s, %v; want a conflict", a, from, next, err)
				}
				continue
			}
			if err != nil || next != w {
				t.Errorf("%s from %s: got %s, %v; want %s", a, from, next, err, w)
			}
		}
	}
	if _, err := ride.Next(ride.StatusRequested, "fly"); !minsheng.IsCode(err, minsheng.EINVALID) {
		t.Errorf("unknown action: %v", err)
	}
	for _, s := range ride.Statuses {
		if s.Final() && s.Open() {
			t.Errorf("%s is both final and open", s)
		}
	}
}

// Who may act, for every action × party: the dispatcher plans, offers,
// cancels and marks unmet need; only an offered driver accepts or
// declines; only the assigned driver starts and picks up; the rider's
// agent may only cancel.
func TestWhoMayAct(t *testing.T) {
	d, ag, od, as, ot := ride.PartyDispatcher, ride.PartyAgent, ride.PartyOffered, ride.PartyAssigned, ride.PartyOther
	want := map[ride.Action][]ride.Party{
		ride.ActionSchedule: {d},
		ride.ActionOffer:    {d},
		ride.ActionAccept:   {od},
		ride.ActionDecline:  {od},
		ride.ActionStart:    {as},
		ride.ActionPickup:   {as},
		ride.ActionComplete: {as, d},
		ride.ActionCancel:   {d, ag},
		ride.ActionNoShow:   {as, d},
		ride.ActionUnmet:    {d},
		ride.ActionReport:   {as},
	}
	for _, a := range ride.Actions {
		for _, p := range []ride.Party{d, ag, od, as, ot} {
			may := false
			for _, q := range want[a] {
				may = may || q == p
			}
			if got := ride.MayAct(p, a); got != may {
				t.Errorf("%s may %s: %v, want %v", p, a, got, may)
			}
		}
	}
	// Check puts the two together: forbidden before conflict.
	if err := ride.Check(ride.StatusCompleted, ride.ActionAccept, ot); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
		t.Errorf("another driver accepting: %v", err)
	}
	if err := ride.Check(ride.StatusCompleted, ride.ActionAccept, ot, od); !minsheng.IsCode(err, minsheng.ECONFLICT) {
		t.Errorf("accepting a completed ride: %v", err)
	}
	if err := ride.Check(ride.StatusOffered, ride.ActionAccept, od); err != nil {
		t.Errorf("offered driver accepting: %v", err)
	}
}

var now = time.Date(2026, 12, 7, 9, 0, 0, 0, calendar.China) // a Monday

func goodRequest() ride.Request {
	appt := now.Add(26 * time.Hour)
	return ride.Request{RiderName: "马桂英", RiderPhone: "139 9700 1234", Pickup: "城西区胜利路12号", Destination: "青海省人民医院",
		PickupAt: now.Add(25 * time.Hour), AppointmentAt: &appt, Passengers: 2, Purpose: ride.PurposeHospital}
}

func TestRequestChecks(t *testing.T) {
	past := now.Add(-time.Hour)
	early := now.Add(24 * time.Hour)
	for _, tc := range []struct {
		name  string
		edit  func(r *ride.Request)
		field string
	}{
		{"good", func(r *ride.Request) {}, ""},
		{"no name", func(r *ride.Request) { r.RiderName = " " }, "rider_name"},
		{"bad phone", func(r *ride.Request) { r.RiderPhone = "12345" }, "rider_phone"},
		{"no pickup", func(r *ride.Request) { r.Pickup = "" }, "pickup"},
		{"no destination", func(r *ride.Request) { r.Destination = "" }, "destination"},
		{"same place", func(r *ride.Request) { r.Destination = r.Pickup }, "destination"},
		{"no time", func(r *ride.Request) { r.PickupAt = time.Time{} }, "pickup_at"},
		{"in the past", func(r *ride.Request) { r.PickupAt = past }, "pickup_at"},
		{"pickup after the appointment", func(r *ride.Request) { r.AppointmentAt = &early }, "appointment_at"},
		{"way back before the pickup", func(r *ride.Request) { r.ReturnAt = &early }, "return_at"},
		{"no passengers", func(r *ride.Request) { r.Passengers = 0 }, "passengers"},
		{"negative passengers", func(r *ride.Request) { r.Passengers = -2 }, "passengers"},
		{"too many", func(r *ride.Request) { r.Passengers = ride.MaxPassengers + 1 }, "passengers"},
		{"bad purpose", func(r *ride.Request) { r.Purpose = "shopping" }, "purpose"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := goodRequest()
			tc.edit(&r)
			r.Normalize()
			err := r.Validate(now)
			if tc.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				if r.RiderPhone != "13997001234" {
					t.Errorf("phone not normalized: %q", r.RiderPhone)
				}
				return
			}
			var e *minsheng.Error
			if !errorAs(err, &e) || e.Code != minsheng.EINVALID || e.Field != tc.field {
				t.Errorf("error %v, want invalid on %s", err, tc.field)
			}
		})
	}
}

func errorAs(err error, e **minsheng.Error) bool {
	if x, ok := err.(*minsheng.Error); ok {
		*e = x
		return true
	}
	return false
}

func day(s string) time.Time {
	d, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d.Start()
}

func TestVehicleAndDriverChecks(t *testing.T) {
	v := ride.Vehicle{Plate: "青a 12345", Seats: 4, InsuranceUntil: day("2026-12-07"), Active: true}
	if err := v.Check(); err != nil || v.Plate != "青A12345" {
		t.Fatalf("check: %v, plate %q", err, v.Plate)
	}
	if !v.Insured(now.Add(14*time.Hour)) || v.Insured(day("2026-12-08")) {
		t.Error("insurance covers its last day, and not the next")
	}
	if err := v.CheckFit(2, true, now); !minsheng.IsCode(err, minsheng.EINVALID) || err.(*minsheng.Error).Field != "vehicle_id" {
		t.Errorf("wheelchair rider in a car without access: %v", err)
	}
	if err := v.CheckFit(5, false, now); err == nil {
		t.Error("five passengers in four seats")
	}
	if err := v.CheckFit(4, false, day("2026-12-08")); err == nil {
		t.Error("uninsured vehicle fits")
	}
	for _, bad := range []ride.Vehicle{{Plate: "ABC", Seats: 4, InsuranceUntil: now}, {Plate: "青A12345", Seats: 0, InsuranceUntil: now},
		{Plate: "青A12345", Seats: 4}} {
		if err := bad.Check(); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Errorf("%+v: %v", bad, err)
		}
	}

	d := ride.Driver{ID: 1, Name: "李建国", Phone: "13800001111", Active: true,
		Documents: []ride.Document{{Kind: ride.DocLicense, Until: day("2027-01-01")}, {Kind: ride.DocHealth, Until: day("2026-12-10")}}}
	if err := d.Check(); err != nil {
		t.Fatal(err)
	}
	if d.Expired(now) != "" || d.Expired(day("2026-12-11")) != ride.DocHealth {
		t.Errorf("expired: %q %q", d.Expired(now), d.Expired(day("2026-12-11")))
	}
	if err := d.CheckDocuments(day("2026-12-11")); !minsheng.IsCode(err, minsheng.EINVALID) {
		t.Errorf("expired documents: %v", err)
	}
	noLicense := ride.Driver{Name: "李", Phone: "13800001111", Documents: []ride.Document{{Kind: ride.DocHealth, Until: now}}}
	if err := noLicense.Check(); err == nil || err.(*minsheng.Error).Field != "documents" {
		t.Errorf("no licence: %v", err)
	}
}

func TestAvailability(t *testing.T) {
	slots, err := ride.ParseAvailability("1-5 07:30-11:30; 6,7 08:00-12:00")
	if err != nil {
		t.Fatal(err)
	}
	if len(slots) != 7 {
		t.Fatalf("%d slots, want 7", len(slots))
	}
	if got := ride.FormatAvailability(slots[:1]) + "|" + ride.FormatAvailability(slots[6:]); got != "1 07:30-11:30|7 08:00-12:00" {
		t.Errorf("format: %s", got)
	}
	d := ride.Driver{Availability: slots}
	mon := now // Monday 09:00
	if !d.Available(mon) || d.Available(mon.Add(3*time.Hour)) || !d.Available(mon.AddDate(0, 0, 6)) {
		t.Error("availability: Monday 9:00 yes, 12:00 no, Sunday 9:00 yes")
	}
	for _, bad := range []string{"8 07:00-09:00", "1 09:00-08:00", "Mon 07:00-09:00", "1 7-9", "1 07:00-25:00"} {
		if _, err := ride.ParseAvailability(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestSuggest(t *testing.T) {
	lic := []ride.Document{{Kind: ride.DocLicense, Until: day("2030-01-01")}}
	monMorning, _ := ride.ParseAvailability("1 07:00-12:00")
	car := func(id int64, seats int, wheel bool) *ride.Vehicle {
		return &ride.Vehicle{ID: id, Plate: fmt.Sprintf("青A1000%d", id), Seats: seats, Wheelchair: wheel, InsuranceUntil: day("2030-01-01"), Active: true}
	}
	drv := func(id int64, areas ...string) *ride.Driver {
		return &ride.Driver{ID: id, Active: true, Documents: lic, Availability: monMorning, Areas: areas}
	}
	expired := drv(6, "xinghailu")
	expired.Documents = []ride.Document{{Kind: ride.DocLicense, Until: day("2026-12-01")}}
	idle := drv(7, "xinghailu")
	idle.Availability = nil
	uninsured := car(8, 4, false)
	uninsured.InsuranceUntil = day("2026-01-01")
	cs := []ride.Candidate{
		{Driver: drv(1, "xinghailu"), Vehicle: car(1, 4, false), RidesThisMonth: 10},
		{Driver: drv(2, "xinghailu"), Vehicle: car(2, 4, false), RidesThisMonth: 0},
		{Driver: drv(3, "hutai"), Vehicle: car(3, 4, false), RidesThisMonth: 0},
		{Driver: drv(4, "xinghailu"), Vehicle: car(4, 4, false), Busy: true},
		{Driver: drv(5), Vehicle: car(5, 4, false), RidesThisMonth: 5},
		{Driver: expired, Vehicle: car(6, 4, false)},
		{Driver: idle, Vehicle: car(7, 4, false), RidesThisMonth: 0},
		{Driver: drv(8, "xinghailu"), Vehicle: uninsured},
		{Driver: drv(9, "xinghailu")},
	}
	got := ride.Suggest(ride.Need{At: now, Area: "xinghailu", Passengers: 2}, cs)
	order := []int64{}
	for _, s := range got {
		order = append(order, s.DriverID)
	}
	// 2: 40+30+10+20=100; 5: 40+15+10+10=75; 1: 40+30+10+0=80; 3: 40+0+10+20=70; 7: 0+30+10+20=60.
	want := []int64{2, 1, 5, 3, 7, 4, 6, 8, 9}
	if fmt.Sprint(order) != fmt.Sprint(want) {
		t.Fatalf("order %v, want %v", order, want)
	}
	scores := map[int64]int{}
	for _, s := range got {
		scores[s.DriverID] = s.Score
	}
	if scores[2] != 100 || scores[1] != 80 || scores[5] != 75 || scores[3] != 70 || scores[7] != 60 {
		t.Errorf("scores %v", scores)
	}
	why := map[int64]string{}
	for _, s := range got {
		if !s.Eligible {
			why[s.DriverID] = s.Reasons[0].Code + ":" + s.Reasons[0].Arg
		}
	}
	if why[4] != "busy:" || why[6] != "doc_expired:license" || why[8] != "uninsured:青A10008" || why[9] != "no_vehicle:" {
		t.Errorf("exclusions %v", why)
	}

	// A wheelchair rider: only the wheelchair van is eligible, the others say why.
	got = ride.Suggest(ride.Need{At: now, Area: "xinghailu", Passengers: 1, Wheelchair: true}, []ride.Candidate{
		{Driver: drv(1, "xinghailu"), Vehicle: car(1, 4, false)},
		{Driver: drv(2, "xinghailu"), Vehicle: car(2, 6, true)},
	})
	if !got[0].Eligible || got[0].DriverID != 2 || got[1].Eligible || got[1].Reasons[0].Code != ride.ReasonNoWheelchair {
		t.Errorf("wheelchair: %+v", got)
	}
	// The same van for a rider who needs no wheelchair scores a little less than a plain car.
	got = ride.Suggest(ride.Need{At: now, Area: "xinghailu", Passengers: 1}, []ride.Candidate{
		{Driver: drv(1, "xinghailu"), Vehicle: car(1, 4, false)},
		{Driver: drv(2, "xinghailu"), Vehicle: car(2, 6, true)},
	})
	if got[0].DriverID != 1 || got[0].Score-got[1].Score != ride.PointsFits/2 {
		t.Errorf("spare wheelchair van: %+v", got)
	}
}

func TestRepeat(t *testing.T) {
	first := time.Date(2026, 12, 8, 7, 30, 0, 0, calendar.China) // Tuesday
	r := ride.Repeat{Weekdays: []time.Weekday{time.Tuesday, time.Thursday}, Until: day("2026-12-22")}
	got, err := r.Expand(first)
	if err != nil {
		t.Fatal(err)
	}
	var s []string
	for _, g := range got {
		s = append(s, g.In(calendar.China).Format("01-02 Mon 15:04"))
	}
	want := "[12-08 Tue 07:30 12-10 Thu 07:30 12-15 Tue 07:30 12-17 Thu 07:30 12-22 Tue 07:30]"
	if fmt.Sprint(s) != want {
		t.Errorf("got %v\nwant %s", s, want)
	}
	for _, tc := range []struct {
		r     ride.Repeat
		field string
	}{
		{ride.Repeat{Until: day("2026-12-22")}, "repeat_weekdays"},
		{ride.Repeat{Weekdays: []time.Weekday{9}, Until: day("2026-12-22")}, "repeat_weekdays"},
		{ride.Repeat{Weekdays: []time.Weekday{time.Tuesday}, Until: day("2026-12-01")}, "repeat_until"},
		{ride.Repeat{Weekdays: []time.Weekday{time.Tuesday}, Until: day("2027-06-01")}, "repeat_until"},
	} {
		if _, err := tc.r.Expand(first); err == nil || err.(*minsheng.Error).Field != tc.field {
			t.Errorf("%+v: %v, want invalid on %s", tc.r, err, tc.field)
		}
	}
	// Every day for 92 days is more than a series may hold.
	all := ride.Repeat{Weekdays: []time.Weekday{0, 1, 2, 3, 4, 5, 6}, Until: first.AddDate(0, 0, 80)}
	if _, err := all.Expand(first); err == nil {
		t.Error("81 rides in one series accepted")
	}
}

func TestCheckProblem(t *testing.T) {
	for _, tc := range []struct {
		p     ride.Problem
		note  string
		field string
	}{
		{ride.ProblemBreakdown, "", ""},
		{ride.ProblemOther, "", "note"},
		{ride.ProblemOther, "乘客要求改去别处", ""},
		{"flat", "", "problem"},
	} {
		err := ride.CheckProblem(tc.p, tc.note)
		e, _ := err.(*minsheng.Error)
		if (tc.field == "") != (err == nil) || (e != nil && e.Field != tc.field) {
			t.Errorf("%s %q: %v, want field %q", tc.p, tc.note, err, tc.field)
		}
	}
}
