package ui

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	hh "github.com/minsheng/minsheng/app/household"
	"github.com/minsheng/minsheng/capability"
	"github.com/minsheng/minsheng/household"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/ticket"
)

// This file holds the pages of the households capability: the cadre's
// phone-sized list of today's visits and the visit form, the community
// registry, a household's page (masked members, reveal, change requests,
// timeline), the change approvals and the coverage by grid. A refused
// form comes back with what was typed and an error worded from its code
// and field in the page's language.

// householdPages serves the households pages.
type householdPages struct {
	*UI
	hh *hh.Service
}

// HouseholdPages returns the pages of the households capability.
func (u *UI) HouseholdPages(svc *hh.Service) []capability.Route {
	p := &householdPages{UI: u, hh: svc}
	staff := org.Roles
	registry := household.RegistryRoles
	return []capability.Route{
		{Pattern: "GET /visits", Handler: u.staff(p.due, staff...)},
		{Pattern: "GET /visits/{id}", Handler: u.staff(p.visitForm, staff...)},
		{Pattern: "POST /visits/{id}", Handler: u.staff(p.recordVisit, staff...)},
		{Pattern: "POST /visits/{id}/missed", Handler: u.staff(p.missVisit, staff...)},
		{Pattern: "GET /households", Handler: u.staff(p.registry, registry...)},
		{Pattern: "GET /household-changes", Handler: u.staff(p.changes, registry...)},
		{Pattern: "POST /household-changes/{id}", Handler: u.staff(p.decide, registry...)},
		{Pattern: "GET /household-coverage", Handler: u.staff(p.coverage, registry...)},
		{Pattern: "GET /households/{id}", Handler: u.staff(p.household, staff...)},
		{Pattern: "POST /households/{id}/changes", Handler: u.staff(p.requestChange, registry...)},
		{Pattern: "POST /households/{id}/reveal", Handler: u.staff(p.reveal, staff...)},
		{Pattern: "POST /households/{id}/pair", Handler: u.staff(p.pair, household.ApproverRoles...)},
	}
}

// HouseholdNav are the households capability's entries in the navigation:
// the visits for every cadre, the registry for registry staff.
var HouseholdNav = []capability.NavItem{
	{Label: "nav.hh_visits", Path: "/visits", Roles: org.Roles},
	{Label: "nav.hh_registry", Path: "/households", Roles: household.RegistryRoles},
}

// render draws one of the capability's pages.
func (u *householdPages) render(w http.ResponseWriter, r *http.Request, me *org.User, name, active string, status int, form *formState, data any) error {
	p := u.newPage(w, r, me, active)
	p.Title = p.T("hh." + name + ".title")
	rf, err := u.loadRefs(r.Context(), p)
	if err != nil {
		return err
	}
	p.R, p.Form, p.Data = rf, form, data
	if form != nil {
		form.Message = hhErrorText(p, form.Field)
	}
	u.UI.render(w, status, p, "households/"+name)
	return nil
}

// fieldIndex strips the indexes and parents of a field ("members[0].id_number"
// → "id_number") to find its message.
var fieldIndex = regexp.MustCompile(`^.*[.\]]`)

// hhErrorText words an invalid-input error from its field, in the page's
// language: hh.err.<field>, or the core's general text.
func hhErrorText(p *page, field string) string {
	f := fieldIndex.ReplaceAllString(field, "")
	if f != "" && p.has("hh.err."+f) {
		return p.T("hh.err." + f)
	}
	return p.T("err.invalid.help")
}

// hhRefused turns an invalid-input error into the form to show again.
func hhRefused(action string, err error, vals url.Values) (*formState, error) {
	var e *minsheng.Error
	if errors.As(err, &e) && (e.Code == minsheng.EINVALID || e.Code == minsheng.ERATELIMIT) {
		if e.Code == minsheng.ERATELIMIT {
			e = &minsheng.Error{Code: e.Code, Field: "rate_limited"}
		}
		return &formState{Action: action, Field: e.Field, Values: vals}, nil
	}
	return nil, err
}

// formAndID reads a posted form and the id in the path.
func (u *householdPages) formAndID(w http.ResponseWriter, r *http.Request) (url.Values, int64, error) {
	vals, _, err := u.parseForm(w, r)
	if err != nil {
		return nil, 0, err
	}
	id, err := hhID(r)
	return vals, id, err
}

// showAgain answers a form the service refused for its input with the
// page again, the input kept and the error worded from its field; other
// errors are returned as they are.
func showAgain(page formPage, w http.ResponseWriter, r *http.Request, me *org.User, action string, err error, vals url.Values) error {
	form, err := hhRefused(action, err, vals)
	if err != nil {
		return err
	}
	return page(w, r, me, http.StatusBadRequest, form)
}

func hhID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, minsheng.Errorf(minsheng.ENOTFOUND, "not found")
	}
	return id, nil
}

// hhFmt formats what the capability's pages show: embedded in the data
// of each page.
type hhFmt struct{}

// Day shows a time's day in China.
func (hhFmt) Day(t any) string {
	switch v := t.(type) {
	case time.Time:
		return v.In(china).Format(time.DateOnly)
	case *time.Time:
		if v != nil {
			return v.In(china).Format(time.DateOnly)
		}
	}
	return ""
}

// Pct is n of total in whole percent.
func (hhFmt) Pct(n, total int) int {
	if total == 0 {
		return 0
	}
	return n * 100 / total
}

// ticketNumber is the shape of a ticket's number.
var ticketNumber = regexp.MustCompile(`^[0-9]{8}-[0-9]{5,}$`)

// dueData is the cadre's list of today's visits.
type dueData struct {
	hhFmt
	List    *hh.DueList
	Tickets []string // the tickets the visit just recorded opened
}

func (u *householdPages) due(w http.ResponseWriter, r *http.Request, me *org.User) error {
	d, err := u.hh.Due(r.Context(), me, 200)
	if err != nil {
		return err
	}
	var tickets []string
	for _, n := range strings.Split(r.URL.Query().Get("tickets"), ",") {
		if ticketNumber.MatchString(n) {
			tickets = append(tickets, n)
		}
	}
	return u.render(w, r, me, "due", "/visits", http.StatusOK, nil, dueData{List: d, Tickets: tickets})
}

// visitData is the visit form of one household.
type visitData struct {
	hhFmt
	View      *hh.View
	Now       string // the default time of the visit, as a datetime-local value
	Tomorrow  string
	Concerns  []concernRow // the concern rows of the form
	Urgencies []ticket.Urgency
}

// concernRow is one concern row of the visit form: its index in the
// fields' names and its number as shown.
type concernRow struct{ I, N int }

func (u *householdPages) visitForm(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return u.visitPage(w, r, me, http.StatusOK, nil)
}

func (u *householdPages) visitPage(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
	id, err := hhID(r)
	if err != nil {
		return err
	}
	v, err := u.hh.Get(r.Context(), me, id)
	if err != nil {
		return err
	}
	now := u.svc.Clock().Now().In(china)
	return u.render(w, r, me, "visit", "/visits", status, form, visitData{View: v, Now: now.Format("2006-01-02T15:04"),
		Tomorrow: now.AddDate(0, 0, 1).Format(time.DateOnly), Concerns: []concernRow{{0, 1}, {1, 2}, {2, 3}}, Urgencies: ticket.Urgencies})
}

// localTime reads a datetime-local or date field as China's time.
func localTime(field, v string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", time.DateOnly} {
		if t, err := time.ParseInLocation(layout, strings.TrimSpace(v), china); err == nil {
			return t, nil
		}
	}
	return time.Time{}, minsheng.FieldError(field, "not a date and time")
}

func (u *householdPages) recordVisit(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, files, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	id, err := hhID(r)
	if err != nil {
		return err
	}
	in := household.NewVisit{Met: vals.Get("met"), Note: vals.Get("note")}
	in.At, err = localTime("at", vals.Get("at"))
	for i := 0; i < 3 && err == nil; i++ {
		k := strconv.Itoa(i)
		in.Concerns = append(in.Concerns, household.NewConcern{Description: vals.Get("concern" + k),
			Urgency: ticket.Urgency(vals.Get("urgency" + k))})
	}
	if err == nil {
		in.Lat, in.Lng, err = optionalPoint(vals.Get("lat"), vals.Get("lng"))
	}
	var rec *hh.Recorded
	var photos []app.Upload
	if err == nil {
		photos, err = u.photos(files) // households_photos.go
	}
	if err == nil {
		rec, err = u.hh.RecordVisit(r.Context(), me, id, in, photos...)
	}
	if err != nil {
		return showAgain(u.visitPage, w, r, me, "visit", err, vals)
	}
	var numbers []string
	for _, t := range rec.Tickets {
		numbers = append(numbers, t.Number)
	}
	redirect(w, r, "/visits?ok=hh_visited&tickets="+url.QueryEscape(strings.Join(numbers, ",")))
	return nil
}

// optionalPoint reads a location the phone may have filled in.
func optionalPoint(lat, lng string) (*float64, *float64, error) {
	if strings.TrimSpace(lat) == "" && strings.TrimSpace(lng) == "" {
		return nil, nil, nil
	}
	a, err1 := strconv.ParseFloat(strings.TrimSpace(lat), 64)
	b, err2 := strconv.ParseFloat(strings.TrimSpace(lng), 64)
	if err1 != nil || err2 != nil {
		return nil, nil, minsheng.FieldError("lat", "not a location")
	}
	return &a, &b, nil
}

func (u *householdPages) missVisit(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, id, err := u.formAndID(w, r)
	if err != nil {
		return err
	}
	in := household.MissedVisit{At: u.svc.Clock().Now(), Reason: vals.Get("reason")}
	in.RescheduledTo, err = localTime("rescheduled_to", vals.Get("rescheduled_to"))
	if err == nil {
		_, err = u.hh.MissVisit(r.Context(), me, id, in)
	}
	if err != nil {
		return showAgain(u.visitPage, w, r, me, "missed", err, vals)
	}
	redirect(w, r, "/visits?ok=hh_missed")
	return nil
}

// registryData is the community's registry.
type registryData struct {
	hhFmt
	Households []*household.Household
	GridID     int64
	Offset     int
	Next       int
}

const registryPage = 100

func (u *householdPages) registry(w http.ResponseWriter, r *http.Request, me *org.User) error {
	q := r.URL.Query()
	grid, _ := strconv.ParseInt(q.Get("grid_id"), 10, 64)
	offset, _ := strconv.Atoi(q.Get("offset"))
	hs, err := u.hh.List(r.Context(), me, max(grid, 0), registryPage, max(offset, 0))
	if err != nil {
		return err
	}
	d := registryData{Households: hs, GridID: grid, Offset: offset}
	if len(hs) == registryPage {
		d.Next = offset + registryPage
	}
	return u.render(w, r, me, "registry", "/households", http.StatusOK, nil, d)
}

// householdData is a household's page.
type householdData struct {
	hhFmt
	View      *hh.View
	Revealed  *household.Person
	Relations []household.Relation
	Kinds     []household.ChangeKind
}

func (u *householdPages) household(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return u.householdPage(w, r, me, http.StatusOK, nil, nil)
}

// householdForm is the household's page with a refused form.
func (u *householdPages) householdForm(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
	return u.householdPage(w, r, me, status, form, nil)
}

func (u *householdPages) householdPage(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState, revealed *household.Person) error {
	id, err := hhID(r)
	if err != nil {
		return err
	}
	v, err := u.hh.Get(r.Context(), me, id)
	if err != nil {
		return err
	}
	return u.render(w, r, me, "household", "/households", status, form, householdData{View: v, Revealed: revealed,
		Relations: household.Relations[1:], Kinds: []household.ChangeKind{household.ChangeAddMember, household.ChangeRemoveMember, household.ChangeHead}})
}

func (u *householdPages) reveal(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	pid, err := strconv.ParseInt(vals.Get("person_id"), 10, 64)
	if err != nil {
		return minsheng.Errorf(minsheng.ENOTFOUND, "not found")
	}
	p, err := u.hh.Reveal(r.Context(), me, pid, vals.Get("reason"), clientIP(r))
	if err != nil {
		return showAgain(u.householdForm, w, r, me, "reveal", err, vals)
	}
	w.Header().Set("Cache-Control", "no-store")
	return u.householdPage(w, r, me, http.StatusOK, nil, p)
}

func (u *householdPages) requestChange(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, id, err := u.formAndID(w, r)
	if err != nil {
		return err
	}
	in := household.ChangeInput{Kind: household.ChangeKind(vals.Get("kind")), Reason: vals.Get("reason")}
	action := "change"
	switch in.Kind {
	case household.ChangeAddMember:
		in.Member = &household.NewMember{Name: vals.Get("name"), IDNumber: vals.Get("id_number"), Phone: vals.Get("phone"),
			Relation: household.Relation(vals.Get("relation"))}
	case household.ChangeSplit, household.ChangeMerge:
		action = splitOrMerge(&in, vals)
	default:
		in.PersonID, _ = strconv.ParseInt(vals.Get("person_id"), 10, 64)
	}
	if _, err := u.hh.RequestChange(r.Context(), me, id, in); err != nil {
		return showAgain(u.householdForm, w, r, me, action, err, vals)
	}
	redirect(w, r, "/households/"+strconv.FormatInt(id, 10)+"?ok=hh_requested")
	return nil
}

func (u *householdPages) changes(w http.ResponseWriter, r *http.Request, me *org.User) error {
	cs, err := u.hh.Changes(r.Context(), me, household.ChangeRequested)
	if err != nil {
		return err
	}
	return u.render(w, r, me, "changes", "/households", http.StatusOK, nil, struct {
		hhFmt
		Changes []*household.Change
	}{Changes: cs})
}

func (u *householdPages) decide(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, id, err := u.formAndID(w, r)
	if err != nil {
		return err
	}
	if _, err := u.hh.DecideChange(r.Context(), me, id, household.ChangeAction(vals.Get("action")), vals.Get("note")); err != nil {
		return err
	}
	redirect(w, r, "/household-changes?ok=hh_decided")
	return nil
}

func (u *householdPages) coverage(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return u.drawCoverage(w, r, me) // households_coverage.go
}

func (u *householdPages) pair(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, id, err := u.formAndID(w, r)
	if err != nil {
		return err
	}
	cadre, _ := strconv.ParseInt(vals.Get("cadre_id"), 10, 64)
	if err := u.hh.Pair(r.Context(), me, id, cadre); err != nil {
		return showAgain(u.householdForm, w, r, me, "pair", err, vals)
	}
	redirect(w, r, "/households/"+strconv.FormatInt(id, 10)+"?ok=hh_paired")
	return nil
}
