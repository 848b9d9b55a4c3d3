package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	appride "github.com/minsheng/minsheng/app/ride"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/capability"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/ride"
)

// This file holds the pages of the volunteer fleet (爱心车队): the fleet
// desk and a ride's page (suggestions with their reasons, offers), the
// booking form behind a ticket, the driver's phone-sized page, the
// vehicles and drivers, and the figures. Refused forms are worded from
// the error's code and field in the page's language (messages
// ride.err.*), never with the service's English message.

// ridePages serves the fleet's pages.
type ridePages struct {
	forms
	rides *appride.Service
}

// deskRoles may use the fleet desk; the service checks again.
var deskRoles = []org.Role{org.RoleDispatcher, org.RoleAdmin}

// RidePages returns the pages of the ride capability.
func (u *UI) RidePages(svc *appride.Service) []capability.Route {
	p := &ridePages{forms: forms{UI: u, flat: true}, rides: svc}
	desk := deskRoles
	booking := []org.Role{org.RoleAgent, org.RoleDispatcher}
	driver := org.RoleDriver
	return []capability.Route{
		{Pattern: "GET /rides", Handler: u.staff(p.desk, desk...)},
		{Pattern: "GET /rides/book", Handler: u.staff(p.bookForm, booking...)},
		{Pattern: "POST /rides/book", Handler: u.staff(p.book, booking...)},
		{Pattern: "GET /rides/{id}", Handler: u.staff(p.ride, org.RoleDispatcher, org.RoleAdmin, org.RoleAgent)},
		{Pattern: "POST /rides/{id}/{action}", Handler: u.staff(p.act, org.RoleDispatcher, org.RoleAdmin, org.RoleAgent)},
		{Pattern: "GET /rides/driver", Handler: u.staff(p.driverDay, driver)},
		{Pattern: "POST /rides/driver/{id}/{action}", Handler: u.staff(p.driverAct, driver)},
		{Pattern: "GET /rides/fleet", Handler: u.staff(p.fleet, desk...)},
		{Pattern: "POST /rides/fleet/vehicles", Handler: u.staff(p.saveVehicle, desk...)},
		{Pattern: "POST /rides/fleet/vehicles/{id}", Handler: u.staff(p.saveVehicle, desk...)},
		{Pattern: "POST /rides/fleet/drivers", Handler: u.staff(p.saveDriver, desk...)},
		{Pattern: "POST /rides/fleet/drivers/{id}", Handler: u.staff(p.saveDriver, desk...)},
		{Pattern: "GET /rides/figures", Handler: u.staff(p.figures, org.RoleDispatcher, org.RoleAdmin, org.RoleLeader)},
		{Pattern: "GET /rides/export.xlsx", Handler: u.staff(p.export, org.RoleDispatcher, org.RoleAdmin, org.RoleLeader, driver)},
	}
}

// RideNav are the ride capability's entries in the navigation.
var RideNav = []capability.NavItem{
	{Label: "ride.nav.desk", Path: "/rides", Roles: []org.Role{org.RoleDispatcher}},
	{Label: "ride.nav.driver", Path: "/rides/driver", Roles: []org.Role{org.RoleDriver}},
	{Label: "ride.nav.figures", Path: "/rides/figures", Roles: []org.Role{org.RoleLeader}},
}

// rideWords words a refused form in the ride pages' own messages
// (ride.err.*, never the service's English), which the templates show:
// input errors by their field, conflicts (another driver was first) and
// refusals.
func rideWords(p *page, form *formState) *formState {
	if form == nil || errorOf(form.Err) == nil {
		return form
	}
	e := errorOf(form.Err)
	msg := p.Say(e)
	switch e.Code {
	case minsheng.EINVALID:
		msg = p.T("ride.err.invalid")
		if e.Field != "" {
			if key := "ride.err." + e.Field; p.has(key) {
				msg = p.T(key)
			} else if key := "ride.f." + e.Field; p.has(key) {
				msg = p.T("ride.err.field", p.T(key))
			}
		}
	case minsheng.ECONFLICT:
		msg = p.T("ride.err.conflict")
	case minsheng.EFORBIDDEN:
		msg = p.T("ride.err.forbidden")
	}
	worded := *form
	worded.Message = msg
	return &worded
}

// rideID reads the {id} of the path.
func rideID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, minsheng.Errorf(minsheng.ENOTFOUND, "no ride %q", r.PathValue("id"))
	}
	return id, nil
}

func (u *ridePages) desk(w http.ResponseWriter, r *http.Request, me *org.User) error {
	d, err := u.rides.Desk(r.Context(), me)
	if err != nil {
		return err
	}
	p := u.newPage(w, r, me, "/rides")
	p.Title = p.T("ride.desk.title")
	p.Data = d
	u.render(w, http.StatusOK, p, "ride/desk")
	return nil
}

// rideData is a ride's page.
type rideData struct {
	Ride        *appride.View
	Suggestions []appride.DriverSuggestion
	Desk        bool
}

// May reports whether the ride's status allows the action (the buttons
// shown).
func (d rideData) May(a string) bool { return ride.Allowed(d.Ride.Status, ride.Action(a)) }

func (u *ridePages) ride(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return u.ridePage(w, r, me, http.StatusOK, nil)
}

func (u *ridePages) ridePage(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
	id, err := rideID(r)
	if err != nil {
		return err
	}
	v, err := u.rides.Get(r.Context(), me, id)
	if err != nil {
		return err
	}
	d := rideData{Ride: v, Desk: me.HasAny(deskRoles...)}
	if d.Desk && v.Status.Open() {
		if d.Suggestions, err = u.rides.Suggest(r.Context(), me, id); err != nil && !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			return err
		}
		d.Desk = err == nil
	}
	p := u.newPage(w, r, me, "/rides")
	p.Title = p.T("ride.ride.title", v.ID)
	p.Form, p.Data = rideWords(p, form), d
	u.render(w, status, p, "ride/ride")
	return nil
}

// act runs an action of the desk or an agent on a ride's page.
func (u *ridePages) act(w http.ResponseWriter, r *http.Request, me *org.User) error {
	ctx, action := r.Context(), r.PathValue("action")
	return u.submit(w, r, me, u.ridePage, action, func(f *sentForm) (string, error) {
		id, err := rideID(r)
		if err != nil {
			return "", err
		}
		vals := f.Vals
		switch action {
		case "schedule":
			_, err = u.rides.Schedule(ctx, me, id, vals.Get("note"))
		case "offer":
			var ids []int64
			for _, s := range vals["driver_id"] {
				if n, e := strconv.ParseInt(s, 10, 64); e == nil {
					ids = append(ids, n)
				}
			}
			_, err = u.rides.Offer(ctx, me, id, ids)
		case "cancel":
			_, err = u.rides.Cancel(ctx, me, id, vals.Get("reason"))
		case "unmet":
			_, err = u.rides.MarkUnmet(ctx, me, id, vals.Get("reason"))
		case "no_show":
			_, err = u.rides.NoShow(ctx, me, id, vals.Get("reason"))
		case "complete":
			_, err = u.rides.Complete(ctx, me, id, nil, vals.Get("note"))
		default:
			return "", minsheng.Errorf(minsheng.ENOTFOUND, "no such page")
		}
		return "/rides/" + strconv.FormatInt(id, 10) + "?ok=ride_" + action, err
	})
}

// bookData is the booking form behind a ticket.
type bookData struct {
	Ticket   string
	Purposes []ride.Purpose
	Days     []time.Weekday
}

func (u *ridePages) bookForm(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return u.bookPage(w, r, me, http.StatusOK, nil)
}

func (u *ridePages) bookPage(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
	ref := r.URL.Query().Get("ticket")
	if form != nil {
		ref = url.Values(form.Values).Get("ticket")
	}
	p := u.newPage(w, r, me, "/rides")
	p.Title = p.T("ride.book.title")
	p.Form = rideWords(p, form)
	p.Data = bookData{Ticket: ref, Purposes: ride.Purposes,
		Days: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}}
	u.render(w, status, p, "ride/book")
	return nil
}

// formTime reads a datetime-local field in China's time; empty is nil.
func formTime(vals url.Values, field string) (*time.Time, error) {
	s := strings.TrimSpace(vals.Get(field))
	if s == "" {
		return nil, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, calendar.China); err == nil {
			return &t, nil
		}
	}
	return nil, minsheng.FieldError(field, "not a date and time")
}

func (u *ridePages) book(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return u.submit(w, r, me, u.bookPage, "book", func(f *sentForm) (string, error) {
		in, err := bookInput(f.Vals)
		if err != nil {
			return "", err
		}
		rs, err := u.rides.RequestFromTicket(r.Context(), me, f.Vals.Get("ticket"), in)
		if err != nil {
			return "", err
		}
		return "/t/" + url.PathEscape(rs[0].TicketNumber) + "?ok=ride_booked", nil
	})
}

// bookInput reads the booking form.
func bookInput(vals url.Values) (appride.NewRide, error) {
	in := appride.NewRide{Request: ride.Request{RiderName: vals.Get("rider_name"), RiderPhone: vals.Get("rider_phone"),
		Pickup: vals.Get("pickup"), Destination: vals.Get("destination"), Area: vals.Get("area"),
		Wheelchair: vals.Get("wheelchair") == "1", Purpose: ride.Purpose(vals.Get("purpose")), Note: vals.Get("note")}}
	n, err := strconv.Atoi(strings.TrimSpace(vals.Get("passengers")))
	if err != nil {
		return in, minsheng.FieldError("passengers", "not a number")
	}
	in.Passengers = n
	pickup, err := formTime(vals, "pickup_at")
	if err != nil {
		return in, err
	}
	if pickup == nil {
		return in, minsheng.FieldError("pickup_at", "required")
	}
	in.PickupAt = *pickup
	if in.AppointmentAt, err = formTime(vals, "appointment_at"); err != nil {
		return in, err
	}
	if in.ReturnAt, err = formTime(vals, "return_at"); err != nil {
		return in, err
	}
	if days := vals["repeat_weekday"]; len(days) > 0 {
		rep := &ride.Repeat{}
		for _, d := range days {
			n, err := strconv.Atoi(d)
			if err != nil {
				return in, minsheng.FieldError("repeat_weekdays", "not a weekday")
			}
			rep.Weekdays = append(rep.Weekdays, time.Weekday(n))
		}
		until, err := formTime(vals, "repeat_until")
		if err != nil {
			return in, err
		}
		if until == nil {
			return in, minsheng.FieldError("repeat_until", "required")
		}
		rep.Until = *until
		in.Repeat = rep
	}
	return in, nil
}

// driverData is the driver's phone page.
type driverData struct {
	Day   *appride.DriverDay
	Today func(time.Time) bool
}

// Problems are what a driver may report.
func (driverData) Problems() []ride.Problem { return ride.Problems }

func (u *ridePages) driverDay(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return u.driverPage(w, r, me, http.StatusOK, nil)
}

func (u *ridePages) driverPage(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
	d, err := u.rides.DriverDay(r.Context(), me)
	if err != nil {
		return err
	}
	p := u.newPage(w, r, me, "/rides/driver")
	p.Title = p.T("ride.driver.title")
	p.Form, p.Data = rideWords(p, form), driverData{Day: d, Today: u.rides.Today}
	u.render(w, status, p, "ride/driver")
	return nil
}

// driverAct runs a driver's step: accept, decline, start, pickup,
// complete, no_show.
func (u *ridePages) driverAct(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return u.submit(w, r, me, u.driverPage, "ride:"+r.PathValue("id"), func(f *sentForm) (string, error) {
		id, err := rideID(r)
		if err != nil {
			return "", err
		}
		f.Action = "ride:" + strconv.FormatInt(id, 10)
		return "/rides/driver?ok=ride_" + r.PathValue("action"), u.driverStep(r, me, id, f.Vals)
	})
}

// driverStep takes a driver's step on the ride.
func (u *ridePages) driverStep(r *http.Request, me *org.User, id int64, vals url.Values) (err error) {
	odometer := func() (*int, error) {
		s := strings.TrimSpace(vals.Get("odometer"))
		if s == "" {
			return nil, nil
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return nil, minsheng.FieldError("odometer", "not a number")
		}
		return &n, nil
	}
	ctx, action := r.Context(), r.PathValue("action")
	switch action {
	case "accept":
		_, err = u.rides.Accept(ctx, me, id)
	case "decline":
		_, err = u.rides.Decline(ctx, me, id, vals.Get("reason"))
	case "start":
		var odo *int
		if odo, err = odometer(); err == nil {
			_, err = u.rides.Start(ctx, me, id, odo)
		}
	case "pickup":
		_, err = u.rides.Pickup(ctx, me, id)
	case "complete":
		var odo *int
		if odo, err = odometer(); err == nil {
			_, err = u.rides.Complete(ctx, me, id, odo, vals.Get("note"))
		}
	case "no_show":
		_, err = u.rides.NoShow(ctx, me, id, vals.Get("reason"))
	case "report":
		_, err = u.rides.ReportProblem(ctx, me, id, ride.Problem(vals.Get("problem")), vals.Get("note"))
	default:
		return minsheng.Errorf(minsheng.ENOTFOUND, "no such page")
	}
	return err
}

// fleetData is the page of the fleet's vehicles and drivers.
type fleetData struct {
	Vehicles []*ride.Vehicle
	Drivers  []*ride.Driver
	Plates   map[int64]string
	Now      time.Time
}

// Avail writes a driver's availability as the form takes it.
func (fleetData) Avail(s []ride.Slot) string { return ride.FormatAvailability(s) }

// Doc returns the last day of the driver's document of the kind, or "".
func (fleetData) Doc(d *ride.Driver, kind string) string {
	for _, doc := range d.Documents {
		if doc.Kind == kind {
			return calendar.DateOf(doc.Until).String()
		}
	}
	return ""
}

// Day writes a date.
func (fleetData) Day(t time.Time) string { return calendar.DateOf(t).String() }

// Expired reports whether the day has passed.
func (d fleetData) Expired(t time.Time) bool {
	return !t.IsZero() && calendar.DateOf(t).Start().AddDate(0, 0, 1).Before(d.Now)
}

// Areas writes a driver's areas.
func (fleetData) Areas(a []string) string { return strings.Join(a, ",") }

func (u *ridePages) fleet(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return u.fleetPage(w, r, me, http.StatusOK, nil)
}

func (u *ridePages) fleetPage(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
	vs, err := u.rides.Vehicles(r.Context(), me)
	if err != nil {
		return err
	}
	ds, err := u.rides.Drivers(r.Context(), me)
	if err != nil {
		return err
	}
	plates := map[int64]string{}
	for _, v := range vs {
		plates[v.ID] = v.Plate
	}
	p := u.newPage(w, r, me, "/rides")
	p.Title = p.T("ride.fleet.title")
	p.Form, p.Data = rideWords(p, form), fleetData{Vehicles: vs, Drivers: ds, Plates: plates, Now: u.svc.Clock().Now()}
	u.render(w, status, p, "ride/fleet")
	return nil
}

// formDay reads a date field (the last day of a document) in China.
func formDay(vals url.Values, field string) (time.Time, error) {
	d, err := calendar.ParseDate(strings.TrimSpace(vals.Get(field)))
	if err != nil {
		return time.Time{}, minsheng.FieldError(field, "not a date")
	}
	return d.Start(), nil
}

// fleetForm names a form of the fleet page: the new one ("vehicle") or
// the one of a row ("vehicle:12").
func fleetForm(kind string, r *http.Request) string {
	if id := r.PathValue("id"); id != "" {
		return kind + ":" + id
	}
	return kind
}

func (u *ridePages) saveVehicle(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return u.submit(w, r, me, u.fleetPage, fleetForm("vehicle", r), func(f *sentForm) (string, error) {
		vals := f.Vals
		v := ride.Vehicle{Plate: vals.Get("plate"), Owner: vals.Get("owner"), Wheelchair: vals.Get("wheelchair") == "1", Active: vals.Get("active") == "1"}
		var err error
		if id := r.PathValue("id"); id != "" {
			if v.ID, err = strconv.ParseInt(id, 10, 64); err != nil {
				return "", minsheng.Errorf(minsheng.ENOTFOUND, "no vehicle %q", id)
			}
		}
		if v.Seats, err = strconv.Atoi(strings.TrimSpace(vals.Get("seats"))); err != nil {
			err = minsheng.FieldError("seats", "not a number")
		} else if v.InsuranceUntil, err = formDay(vals, "insurance_until"); err == nil {
			_, err = u.rides.SaveVehicle(r.Context(), me, v)
		}
		return "/rides/fleet?ok=saved", err
	})
}

func (u *ridePages) saveDriver(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return u.submit(w, r, me, u.fleetPage, fleetForm("driver", r), func(f *sentForm) (string, error) {
		return "/rides/fleet?ok=saved", u.saveDriverForm(r, me, f.Vals)
	})
}

// saveDriverForm reads the driver's form and saves the driver.
func (u *ridePages) saveDriverForm(r *http.Request, me *org.User, vals url.Values) error {
	d := ride.Driver{Name: vals.Get("name"), Phone: vals.Get("phone"), Team: vals.Get("team"), Active: vals.Get("active") == "1"}
	if id := r.PathValue("id"); id != "" {
		var err error
		if d.ID, err = strconv.ParseInt(id, 10, 64); err != nil {
			return minsheng.Errorf(minsheng.ENOTFOUND, "no driver %q", id)
		}
	}
	if d.ID == 0 {
		uid, err := u.rides.DriverUserID(r.Context(), me, strings.TrimSpace(vals.Get("username")))
		if err != nil {
			return minsheng.FieldError("username", "no such user")
		}
		d.UserID = uid
	}
	if s := strings.TrimSpace(vals.Get("vehicle_id")); s != "" {
		var err error
		if d.VehicleID, err = strconv.ParseInt(s, 10, 64); err != nil {
			return minsheng.FieldError("vehicle_id", "not an id")
		}
	}
	for _, kind := range ride.DocKinds {
		if strings.TrimSpace(vals.Get("doc_"+kind)) == "" {
			continue
		}
		until, err := formDay(vals, "doc_"+kind)
		if err != nil {
			return minsheng.FieldError("documents", "not a date")
		}
		d.Documents = append(d.Documents, ride.Document{Kind: kind, Until: until})
	}
	var err error
	if d.Availability, err = ride.ParseAvailability(vals.Get("availability")); err != nil {
		return err
	}
	for _, a := range strings.FieldsFunc(vals.Get("areas"), func(r rune) bool { return r == ',' || r == '，' || r == ' ' }) {
		d.Areas = append(d.Areas, a)
	}
	_, err = u.rides.SaveDriver(r.Context(), me, d)
	return err
}

// figuresData is the figures page.
type figuresData struct {
	Figures  *appride.Figures
	From, To string
}

func (u *ridePages) figures(w http.ResponseWriter, r *http.Request, me *org.User) error {
	q := r.URL.Query()
	now := calendar.DateOf(u.svc.Clock().Now())
	to := now.Start()
	from := to.AddDate(-1, 0, 0)
	var err error
	if s := q.Get("from"); s != "" {
		if from, err = formDay(q, "from"); err != nil {
			return err
		}
	}
	if s := q.Get("to"); s != "" {
		if to, err = formDay(q, "to"); err != nil {
			return err
		}
	}
	f, err := u.rides.Figures(r.Context(), me, from, to.AddDate(0, 0, 1))
	if err != nil {
		return err
	}
	p := u.newPage(w, r, me, "/rides/figures")
	p.Title = p.T("ride.figures.title")
	p.Data = figuresData{Figures: f, From: calendar.DateOf(from).String(), To: calendar.DateOf(to).String()}
	u.render(w, http.StatusOK, p, "ride/figures")
	return nil
}

// export sends the trips of a period (from, to: days, both included;
// default this month) as an Excel workbook; with driver (an id), that
// driver's volunteer record. A driver without the desk's roles gets their
// own record of the year.
func (u *ridePages) export(w http.ResponseWriter, r *http.Request, me *org.User) error {
	q := r.URL.Query()
	today := calendar.DateOf(u.svc.Clock().Now())
	from, to := calendar.Date{Year: today.Year, Month: today.Month, Day: 1}, today
	var driverID int64
	if !me.HasAny(org.RoleDispatcher, org.RoleAdmin, org.RoleLeader) {
		day, err := u.rides.DriverDay(r.Context(), me)
		if err != nil {
			return err
		}
		if day.Driver == nil {
			return minsheng.Errorf(minsheng.ENOTFOUND, "not a driver of the fleet")
		}
		driverID, from = day.Driver.ID, calendar.Date{Year: today.Year, Month: 1, Day: 1}
	} else if s := q.Get("driver"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return minsheng.FieldError("driver_id", "not a driver").Because("choose")
		}
		driverID = id
	}
	for name, d := range map[string]*calendar.Date{"from": &from, "to": &to} {
		if s := q.Get(name); s != "" {
			v, err := calendar.ParseDate(s)
			if err != nil {
				return minsheng.FieldError(name, "not a date").Because("not_a_date")
			}
			*d = v
		}
	}
	t, err := u.rides.TripsTable(r.Context(), me, from.Start(), to.Start().AddDate(0, 0, 1), driverID)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename=\"rides-"+from.String()+".xlsx\"; filename*=UTF-8''"+
		url.PathEscape(t.Title+".xlsx"))
	return t.WriteXLSX(w)
}
