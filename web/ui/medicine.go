package ui

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	appmed "github.com/minsheng/minsheng/app/medicine"
	"github.com/minsheng/minsheng/capability"
	med "github.com/minsheng/minsheng/medicine"
	"github.com/minsheng/minsheng/org"
)

// This file holds the pages of the special-medicine post (特殊用药专岗):
// the post's desk (the open requests, the form that opens one from a
// hotline ticket, the figures), a request's page with the step its
// status allows, and the volunteer driver's phone-sized deliveries page
// (hand over, delivered, the patient's confirmation). Refused forms keep
// what was typed and are worded with page.Say.

type medicinePages struct {
	*UI
	med *appmed.Service
}

// medicineRead may open the desk and a request's page; the service checks
// again which requests they see.
var medicineRead = []org.Role{org.RoleDispatcher, org.RoleAdmin, org.RoleAgent, org.RoleLeader}

// MedicinePages returns the pages of the medicine capability.
func (u *UI) MedicinePages(svc *appmed.Service) []capability.Route {
	p := &medicinePages{UI: u, med: svc}
	open := []org.Role{org.RoleAgent, org.RoleDispatcher}
	request := []org.Role{org.RoleDispatcher, org.RoleAdmin, org.RoleAgent, org.RoleDriver}
	return append(p.photoRoutes(request), []capability.Route{
		{Pattern: "GET /medicine", Handler: u.staff(p.desk, medicineRead...)},
		{Pattern: "POST /medicine/requests", Handler: u.staff(p.open, open...)},
		{Pattern: "GET /medicine/requests/{id}", Handler: u.staff(p.request, request...)},
		{Pattern: "POST /medicine/requests/{id}/{action}", Handler: u.staff(p.act, request...)},
		{Pattern: "GET /medicine/deliveries", Handler: u.staff(p.deliveries, org.RoleDriver)},
		{Pattern: "POST /medicine/deliveries/{id}/reveal", Handler: u.staff(p.reveal, org.RoleDriver)},
		{Pattern: "POST /medicine/deliveries/{id}/{action}", Handler: u.staff(p.deliveryAct, org.RoleDriver)},
	}...)
}

// MedicineNav are the medicine capability's entries in the navigation.
var MedicineNav = []capability.NavItem{
	{Label: "medicine.nav.desk", Path: "/medicine", Roles: []org.Role{org.RoleDispatcher, org.RoleAgent, org.RoleLeader}},
	{Label: "medicine.nav.deliveries", Path: "/medicine/deliveries", Roles: []org.Role{org.RoleDriver}},
}

// medicineRefused turns an input error, a conflict or a refusal into the
// form state shown beside the form; other errors are returned.
func medicineRefused(action string, err error, vals url.Values) (*formState, error) {
	var e *minsheng.Error
	if !errors.As(err, &e) || (e.Code != minsheng.EINVALID && e.Code != minsheng.ECONFLICT && e.Code != minsheng.EFORBIDDEN) {
		return nil, err
	}
	return &formState{Action: action, Field: e.Field, Err: err, Values: vals}, nil
}

func medicineID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, minsheng.Errorf(minsheng.ENOTFOUND, "no medicine request %q", r.PathValue("id"))
	}
	return id, nil
}

// medDeskData is the post's desk.
type medDeskData struct {
	Desk      *appmed.Desk
	Figures   *appmed.Figures
	MayOpen   bool
	Ticket    string
	Urgencies []med.Urgency
}

func (p *medicinePages) desk(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.deskPage(w, r, me, http.StatusOK, nil)
}

func (p *medicinePages) deskPage(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
	d := medDeskData{MayOpen: me.HasAny(org.RoleAgent, org.RoleDispatcher), Ticket: r.URL.Query().Get("ticket"), Urgencies: med.Urgencies}
	var err error
	if d.Desk, err = p.med.List(r.Context(), me); err != nil {
		return err
	}
	now := p.svc.Clock().Now()
	if d.Figures, err = p.med.Figures(r.Context(), me, now.AddDate(0, 0, -30), now.Add(time.Second)); err != nil &&
		!minsheng.IsCode(err, minsheng.EFORBIDDEN) {
		return err
	}
	pg := p.newPage(w, r, me, "/medicine")
	pg.Title = pg.T("medicine.desk.title")
	pg.Form, pg.Data = form, d
	p.render(w, status, pg, "medicine/desk")
	return nil
}

func (p *medicinePages) open(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, files, err := p.parseForm(w, r)
	if err != nil {
		return err
	}
	defer removeForm(r)
	in := appmed.NewRequest{Ticket: strings.TrimSpace(vals.Get("ticket")), Need: med.Need{PatientName: vals.Get("patient_name"),
		PatientPhone: vals.Get("patient_phone"), Address: vals.Get("address"), Medicine: vals.Get("medicine"), Spec: vals.Get("spec"),
		Unit: vals.Get("unit"), Chronic: vals.Get("chronic") == "1", Urgency: med.Urgency(vals.Get("urgency")),
		Prescription: vals.Get("prescription") == "1", Note: vals.Get("note")}}
	if in.Quantity, err = formInt(vals, "quantity"); err == nil {
		in.DaysSupply, err = formInt(vals, "days_supply")
	}
	var v *appmed.View
	var prescription []app.Upload
	if err == nil {
		prescription, err = p.photos(files) // medicine_photos.go
	}
	if err == nil {
		v, err = p.med.Open(r.Context(), me, in, prescription...)
	}
	if err != nil {
		form, err := medicineRefused("open", err, vals)
		if err != nil {
			return err
		}
		return p.deskPage(w, r, me, http.StatusBadRequest, form)
	}
	redirect(w, r, "/medicine/requests/"+strconv.FormatInt(v.ID, 10)+"?ok=medicine_opened")
	return nil
}

// formInt reads a whole number of a form; empty is 0.
func formInt(vals url.Values, field string) (int, error) {
	s := strings.TrimSpace(vals.Get(field))
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, minsheng.FieldError(field, "not a number").Because("not_a_number")
	}
	return n, nil
}

// medRequestData is a request's page.
type medRequestData struct {
	Request  *appmed.View
	Post     bool // the actor works the post: every step
	Carrier  bool // the actor carries it
	Agent    bool
	Carriers []appmed.Carrier
	Kinds    []med.PlaceKind
}

// May reports whether the page offers the action: the status allows it
// and the actor may take it.
func (d medRequestData) May(a string) bool {
	act := med.Action(a)
	if !med.Allowed(d.Request.Status, act) {
		return false
	}
	return (d.Post && med.MayAct(med.PartyPost, act)) || (d.Carrier && med.MayAct(med.PartyCarrier, act)) ||
		(d.Agent && med.MayAct(med.PartyAgent, act))
}

// MayPhotos reports whether the page offers to add photos of the subject
// (the prescription): the status allows it and the actor may add them.
func (d medRequestData) MayPhotos(of string) bool {
	var ps []med.Party
	if d.Post {
		ps = append(ps, med.PartyPost)
	}
	if d.Carrier {
		ps = append(ps, med.PartyCarrier)
	}
	if d.Agent {
		ps = append(ps, med.PartyAgent)
	}
	return med.CheckPhotos(d.Request.Status, med.PhotoOf(of), ps...) == nil
}

// medLater is the form that adds photos of a handover or of the delivery
// after the step.
type medLater struct {
	ID  int64
	Of  string
	Leg int
	Key string // of the form's state: "photos:42:handover:1"
}

// Later describes the form that adds photos of the subject (of a
// handover: of the leg) after the step.
func (d medRequestData) Later(of string, leg int) medLater {
	return medLater{ID: d.Request.ID, Of: of, Leg: leg, Key: medPhotosKey(d.Request.ID, of, leg)}
}

// medPhotosKey names the state of a form that adds photos.
func medPhotosKey(id int64, of string, leg int) string {
	k := "photos:" + strconv.FormatInt(id, 10) + ":" + of
	if of == string(med.PhotoHandover) {
		k += ":" + strconv.Itoa(leg)
	}
	return k
}

// medStep is a one-field step's form on a request's page.
type medStep struct {
	ID     int64
	Action string
	Class  string // of its button
}

// Key names the form's state: "verify:42".
func (s medStep) Key() string { return s.Action + ":" + strconv.FormatInt(s.ID, 10) }

// Step describes the form of a step that takes a note or a reason.
func (d medRequestData) Step(action, class string) medStep {
	return medStep{ID: d.Request.ID, Action: action, Class: class}
}

func (p *medicinePages) request(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.requestPage(w, r, me, http.StatusOK, nil)
}

func (p *medicinePages) requestPage(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
	id, err := medicineID(r)
	if err != nil {
		return err
	}
	v, err := p.med.Get(r.Context(), me, id)
	if err != nil {
		return err
	}
	d := medRequestData{Request: v, Carrier: v.CarrierID == me.ID && me.Has(org.RoleDriver), Agent: me.Has(org.RoleAgent),
		Kinds: med.PlaceKinds}
	if cs, err := p.med.Carriers(r.Context(), me); err == nil {
		d.Post, d.Carriers = true, cs
	}
	pg := p.newPage(w, r, me, "/medicine")
	pg.Title = pg.T("medicine.request.title", v.ID)
	pg.Form, pg.Data = form, d
	p.render(w, status, pg, "medicine/request")
	return nil
}

// step reads a step's form.
func medicineStep(vals url.Values) (med.Step, error) {
	s := med.Step{Note: vals.Get("note"), Reason: vals.Get("reason"), Place: vals.Get("place"),
		PlaceKind: med.PlaceKind(vals.Get("place_kind")), InStock: vals.Get("in_stock") == "1", Mode: med.Mode(vals.Get("mode")),
		From: vals.Get("handed_from"), To: vals.Get("handed_to")}
	var err error
	if s.ExpectedAt, err = formTime(vals, "expected_at"); err != nil {
		return s, minsheng.FieldError("expected_at", "not a date and time").Because("not_a_date")
	}
	if c := strings.TrimSpace(vals.Get("carrier_id")); c != "" {
		if s.CarrierID, err = strconv.ParseInt(c, 10, 64); err != nil {
			return s, minsheng.FieldError("carrier_id", "choose the volunteer driver").Because("choose")
		}
	}
	s.Quantity, err = formInt(vals, "quantity")
	return s, err
}

// act runs a step from a request's page.
func (p *medicinePages) act(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.runStep(w, r, me, p.requestPage, func(id int64, action string) string {
		return "/medicine/requests/" + strconv.FormatInt(id, 10) + "?ok=medicine_" + action
	})
}

// deliveryAct runs a driver's step from the deliveries page.
func (p *medicinePages) deliveryAct(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.runStep(w, r, me, p.deliveriesPage, func(_ int64, action string) string {
		return "/medicine/deliveries?ok=medicine_" + action
	})
}

// runStep reads the form of a step, takes it, and goes to next; a refused
// step shows its page again with the error beside the form and what was
// typed.
func (p *medicinePages) runStep(w http.ResponseWriter, r *http.Request, me *org.User, page formPage, next func(int64, string) string) error {
	vals, files, err := p.parseForm(w, r)
	if err != nil {
		return err
	}
	defer removeForm(r)
	id, err := medicineID(r)
	if err != nil {
		return err
	}
	action := r.PathValue("action")
	if !med.Action(action).Valid() {
		return minsheng.Errorf(minsheng.ENOTFOUND, "no such page")
	}
	s, err := medicineStep(vals)
	var photos []app.Upload
	if err == nil {
		photos, err = p.photos(files)
	}
	if err == nil {
		_, err = p.med.Act(r.Context(), me, id, med.Action(action), s, photos...)
	}
	if err != nil {
		form, err := medicineRefused(action+":"+strconv.FormatInt(id, 10), err, vals)
		if err != nil {
			return err
		}
		return page(w, r, me, http.StatusBadRequest, form)
	}
	redirect(w, r, next(id, action))
	return nil
}

func (p *medicinePages) deliveries(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.deliveriesPage(w, r, me, http.StatusOK, nil)
}

func (p *medicinePages) deliveriesPage(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
	return p.renderDeliveries(w, r, me, status, form, 0, nil)
}

// medDeliveriesData is the driver's deliveries page; Patient is the
// patient of the delivery Shown, revealed for this answer only.
type medDeliveriesData struct {
	Deliveries []*appmed.View
	Shown      int64
	Patient    *appmed.Patient
}

func (p *medicinePages) renderDeliveries(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState,
	shown int64, patient *appmed.Patient) error {
	ds, err := p.med.Deliveries(r.Context(), me)
	if err != nil {
		return err
	}
	pg := p.newPage(w, r, me, "/medicine/deliveries")
	pg.Title = pg.T("medicine.deliveries.title")
	pg.Form, pg.Data = form, medDeliveriesData{Deliveries: ds, Shown: shown, Patient: patient}
	p.render(w, status, pg, "medicine/deliveries")
	return nil
}

// reveal shows the carrier the patient's name and phone, to call them,
// with a reason (audited and limited); the page answers with them, never
// a redirect that would keep them in a link.
func (p *medicinePages) reveal(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := p.parseForm(w, r)
	if err != nil {
		return err
	}
	id, err := medicineID(r)
	if err != nil {
		return err
	}
	pt, err := p.med.RevealPatient(minsheng.WithClientAddr(r.Context(), clientIP(r)), me, id, vals.Get("reason"))
	if err != nil {
		form, err := medicineRefused("reveal:"+strconv.FormatInt(id, 10), err, vals)
		if err != nil {
			return err
		}
		return p.deliveriesPage(w, r, me, http.StatusBadRequest, form)
	}
	w.Header().Set("Cache-Control", "no-store")
	return p.renderDeliveries(w, r, me, http.StatusOK, nil, id, pt)
}
