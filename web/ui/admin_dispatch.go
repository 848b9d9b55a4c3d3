package ui

import (
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/routing"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// This file holds the admin pages of the dispatch setup: the district's
// dispatch settings with the deadline (SLA) rules, the routing rules, the
// working-day calendar, and the webhooks that tell other systems of ticket
// events. Every form that is refused shows the page again with the error
// and what was typed, and changes nothing. A webhook's signing secret is
// shown once, on the answer to the form that created it, and never logged.

// refusedOr returns what a refused form sent when it is the form of the
// action, and the stored values otherwise.
func refusedOr(form *formState, action string, stored url.Values) url.Values {
	if form != nil && form.Action == action {
		return form.Values
	}
	return stored
}

// formFloat writes a number as a form shows it: 0.9, 4, 2.5.
func formFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// parseInt reads a whole number of a form field.
func parseInt(vals url.Values, field string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(vals.Get(field)))
	if err != nil {
		return 0, minsheng.FieldError(field, "%s must be a whole number", field).Because("not_a_number")
	}
	return n, nil
}

// parseFloat reads a number of a form field. NaN and infinities are
// refused here: they pass range checks written as "x < lo || x > hi".
func parseFloat(vals url.Values, field string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(vals.Get(field)), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, minsheng.FieldError(field, "%s must be a number", field).Because("not_a_number")
	}
	return f, nil
}

// optionalID reads an optional id field: empty (or not a number) is 0,
// "none"; the use case refuses an id that names nothing.
func optionalID(vals url.Values, field string) int64 {
	id, _ := strconv.ParseInt(strings.TrimSpace(vals.Get(field)), 10, 64)
	return id
}

// ---- Dispatch settings and deadline rules: /admin/dispatch ----

// spanUnits are the measures of a deadline, as the SLA form names them.
var spanUnits = []string{"working_days", "working_hours", "hours"}

// slaFields are the three allowances of a deadline rule.
var slaFields = []string{"acknowledge", "reply", "callback"}

// dispatchData is the dispatch page.
type dispatchData struct {
	Settings  attrForm // the settings form
	Rules     []ticket.SLARule
	NewRule   attrForm // the form that adds a deadline rule
	Kinds     []ticket.Kind
	Urgencies []ticket.Urgency
	SpanUnits []string
	SLAFields []string
	Quality   *qualityView // how often the suggestions were right (admin_quality.go); nil for a street's admins
}

// settingsValues fills the settings form.
func settingsValues(st app.Settings) url.Values {
	return url.Values{
		"max_returns": {strconv.Itoa(st.MaxReturns)}, "max_extensions": {strconv.Itoa(st.MaxExtensions)},
		"max_extension_days": {strconv.Itoa(st.MaxExtensionDays)}, "remind_before_hours": {formFloat(st.RemindBeforeHours)},
		"escalate_after_days": {strconv.Itoa(st.EscalateAfterDays)}, "auto_dispatch_confidence": {formFloat(st.AutoDispatchConfidence)},
	}
}

func (u *UI) dispatchData(r *http.Request, me *org.User, form *formState) (*dispatchData, error) {
	ctx := r.Context()
	st, err := u.svc.DispatchSettings(ctx)
	if err != nil {
		return nil, err
	}
	rules, err := u.svc.ListSLARules(ctx, me)
	if err != nil {
		return nil, err
	}
	quality, err := u.quality(ctx, me)
	if err != nil {
		return nil, err
	}
	return &dispatchData{Quality: quality,
		Settings: attrForm{Action: "settings", vals: refusedOr(form, "settings", settingsValues(st))},
		Rules:    rules,
		NewRule: attrForm{Action: "sla", vals: refusedOr(form, "sla", url.Values{
			"acknowledge_unit": {"working_days"}, "reply_unit": {"working_days"}, "callback_unit": {"working_days"}})},
		Kinds: ticket.Kinds, Urgencies: ticket.Urgencies, SpanUnits: spanUnits, SLAFields: slaFields,
	}, nil
}

func (u *UI) dispatchPage(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
	d, err := u.dispatchData(r, me, form)
	if err != nil {
		return err
	}
	return u.adminPage(w, r, me, "admin_dispatch", "/admin/dispatch", status, form, d)
}

func (u *UI) adminDispatch(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return u.dispatchPage(w, r, me, http.StatusOK, nil)
}

// parseSettings reads the settings form. Every field is required but the
// confidence of automatic dispatch, whose blank means 0: off.
func parseSettings(vals url.Values) (app.Settings, error) {
	var st app.Settings
	var err error
	for _, f := range []struct {
		name string
		to   *int
	}{
		{"max_returns", &st.MaxReturns}, {"max_extensions", &st.MaxExtensions},
		{"max_extension_days", &st.MaxExtensionDays}, {"escalate_after_days", &st.EscalateAfterDays},
	} {
		if *f.to, err = parseInt(vals, f.name); err != nil {
			return st, err
		}
	}
	if st.RemindBeforeHours, err = parseFloat(vals, "remind_before_hours"); err != nil {
		return st, err
	}
	if strings.TrimSpace(vals.Get("auto_dispatch_confidence")) != "" {
		if st.AutoDispatchConfidence, err = parseFloat(vals, "auto_dispatch_confidence"); err != nil {
			return st, err
		}
	}
	return st, nil
}

func (u *UI) adminSaveSettings(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	st, err := parseSettings(vals)
	if err == nil {
		err = u.svc.SetDispatchSettings(r.Context(), me, st)
	}
	if err != nil {
		return showRefused(u.dispatchPage, w, r, me, "settings", err, vals)
	}
	redirect(w, r, "/admin/dispatch?ok=saved")
	return nil
}

// parseSpan reads one allowance of the deadline form: a number and its
// measure. A blank number is an empty span, which the rule's validation
// refuses with its own message.
func parseSpan(vals url.Values, field string) (ticket.Span, error) {
	var sp ticket.Span
	if strings.TrimSpace(vals.Get(field)) == "" {
		return sp, nil
	}
	var err error
	switch vals.Get(field + "_unit") {
	case "working_days":
		sp.WorkingDays, err = parseInt(vals, field)
	case "working_hours":
		sp.WorkingHours, err = parseFloat(vals, field)
	case "hours":
		sp.Hours, err = parseInt(vals, field)
	default:
		err = minsheng.FieldError(field, "%s: unknown measure %q", field, vals.Get(field+"_unit")).Because("choose")
	}
	return sp, err
}

func (u *UI) adminCreateSLARule(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	rule := ticket.SLARule{CategoryID: optionalID(vals, "category_id"), Kind: ticket.Kind(vals.Get("kind")),
		Urgency: ticket.Urgency(vals.Get("urgency"))}
	spans := []*ticket.Span{&rule.SLA.Acknowledge, &rule.SLA.Reply, &rule.SLA.Callback}
	for i, f := range slaFields {
		if *spans[i], err = parseSpan(vals, f); err != nil {
			break
		}
	}
	if err == nil {
		_, err = u.svc.CreateSLARule(r.Context(), me, rule)
	}
	if err != nil {
		return showRefused(u.dispatchPage, w, r, me, "sla", err, vals)
	}
	redirect(w, r, "/admin/dispatch?ok=saved")
	return nil
}

func (u *UI) adminDeleteSLARule(w http.ResponseWriter, r *http.Request, me *org.User) error {
	if _, _, err := u.parseForm(w, r); err != nil {
		return err
	}
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := u.svc.DeleteSLARule(r.Context(), me, id); err != nil {
		return err
	}
	redirect(w, r, "/admin/dispatch?ok=deleted")
	return nil
}

// ---- Routing rules: /admin/routing ----

// routingData is the routing rules page.
type routingData struct {
	Rules []routing.Rule
	New   attrForm           // the form that adds a rule
	Edit  map[int64]attrForm // the edit form of each rule, by id
	Kinds []ticket.Kind
}

// ruleAction names the edit form of a rule.
func ruleAction(id int64) string { return "rule:" + strconv.FormatInt(id, 10) }

// idField writes an optional id: 0 is blank.
func idField(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// ruleValues fills a rule's edit form.
func ruleValues(r routing.Rule) url.Values {
	return url.Values{"name": {r.Name}, "priority": {strconv.Itoa(r.Priority)}, "category_id": {idField(r.CategoryID)},
		"kind": {string(r.Kind)}, "area_unit_id": {idField(r.AreaUnitID)}, "keywords": {strings.Join(r.Keywords, " ")},
		"unit_id": {idField(r.UnitID)}, "auto_dispatch": {boolField(r.AutoDispatch)}, "active": {boolField(r.Active)}}
}

// splitKeywords splits the keywords field at spaces, commas, enumeration
// commas, semicolons and line ends.
func splitKeywords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		switch r {
		case ',', '，', '、', ';', '；':
			return true
		}
		return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u3000'
	})
}

// parseRule reads the rule form. A blank priority is 0.
func parseRule(vals url.Values) (routing.Rule, error) {
	r := routing.Rule{Name: vals.Get("name"), CategoryID: optionalID(vals, "category_id"), Kind: ticket.Kind(vals.Get("kind")),
		AreaUnitID: optionalID(vals, "area_unit_id"), Keywords: splitKeywords(vals.Get("keywords")),
		UnitID: optionalID(vals, "unit_id"), AutoDispatch: vals.Get("auto_dispatch") == "1", Active: vals.Get("active") == "1"}
	if strings.TrimSpace(vals.Get("priority")) != "" {
		var err error
		if r.Priority, err = parseInt(vals, "priority"); err != nil {
			return r, err
		}
	}
	return r, nil
}

func (u *UI) routingPage(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
	rules, err := u.svc.ListRoutingRules(r.Context(), me)
	if err != nil {
		return err
	}
	d := &routingData{Rules: rules, Edit: map[int64]attrForm{}, Kinds: ticket.Kinds,
		New: attrForm{Action: "rule", vals: refusedOr(form, "rule", url.Values{})}}
	for _, x := range rules {
		act := ruleAction(x.ID)
		d.Edit[x.ID] = attrForm{Action: act, vals: refusedOr(form, act, ruleValues(x))}
	}
	return u.adminPage(w, r, me, "admin_routing", "/admin/routing", status, form, d)
}

func (u *UI) adminRouting(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return u.routingPage(w, r, me, http.StatusOK, nil)
}

func (u *UI) adminCreateRoutingRule(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	rule, err := parseRule(vals)
	if err == nil {
		_, err = u.svc.CreateRoutingRule(r.Context(), me, rule)
	}
	if err != nil {
		return showRefused(u.routingPage, w, r, me, "rule", err, vals)
	}
	redirect(w, r, "/admin/routing?ok=saved")
	return nil
}

func (u *UI) adminUpdateRoutingRule(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	rule, err := parseRule(vals)
	if err == nil {
		rule.ID = id
		_, err = u.svc.UpdateRoutingRule(r.Context(), me, rule)
	}
	if err != nil {
		return showRefused(u.routingPage, w, r, me, ruleAction(id), err, vals)
	}
	redirect(w, r, "/admin/routing?ok=saved")
	return nil
}

func (u *UI) adminDeleteRoutingRule(w http.ResponseWriter, r *http.Request, me *org.User) error {
	if _, _, err := u.parseForm(w, r); err != nil {
		return err
	}
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := u.svc.DeleteRoutingRule(r.Context(), me, id); err != nil {
		return err
	}
	redirect(w, r, "/admin/routing?ok=deleted")
	return nil
}

// ---- Working-day calendar: /admin/calendar ----

// calendarData is the calendar page.
type calendarData struct {
	Years []yearView
	// Form is the simple import form: a year, holidays and make-up
	// working days one a line. JSON is the text of the JSON form.
	Form    attrForm
	JSON    string
	Example string
}

// yearView is a year's notice as the page lists it.
type yearView struct {
	Year     int
	Holidays []holidayView
	Workdays []workdayView
	Days     int // holiday days in all
}

type holidayView struct {
	Name, First, Last string
	FirstWD, LastWD   int // weekdays, 0 Sunday
	Days              int
}

type workdayView struct {
	Date, Name string
	Weekday    int
}

// weekday returns the weekday of a stored date (valid: the notice was
// checked when it was loaded).
func weekday(s string) int {
	d, err := calendar.ParseDate(s)
	if err != nil {
		return 0
	}
	return int(d.Start().Weekday())
}

func viewYear(y calendar.Year) yearView {
	v := yearView{Year: y.Year}
	for _, h := range y.Holidays {
		hv := holidayView{Name: h.Name, First: h.First, Last: h.Last, FirstWD: weekday(h.First), LastWD: weekday(h.Last)}
		f, err1 := calendar.ParseDate(h.First)
		l, err2 := calendar.ParseDate(h.Last)
		if err1 == nil && err2 == nil {
			hv.Days = int(l.Start().Sub(f.Start()).Round(24*time.Hour)/(24*time.Hour)) + 1
		}
		v.Days += hv.Days
		v.Holidays = append(v.Holidays, hv)
	}
	for _, w := range y.Workdays {
		v.Workdays = append(v.Workdays, workdayView{Date: w.Date, Name: w.Name, Weekday: weekday(w.Date)})
	}
	return v
}

// yearValues fills the simple form with a year's notice.
func yearValues(y calendar.Year) url.Values {
	var hs, ws []string
	for _, h := range y.Holidays {
		hs = append(hs, h.Name+" "+h.First+" "+h.Last)
	}
	for _, w := range y.Workdays {
		ws = append(ws, strings.TrimSpace(w.Date+" "+w.Name))
	}
	return url.Values{"year": {strconv.Itoa(y.Year)}, "holidays": {strings.Join(hs, "\n")}, "workdays": {strings.Join(ws, "\n")}}
}

// calendarExample is the JSON form's example: the start of the shipped
// notice, in the format of `minsheng calendar import`.
var calendarExample = func() string {
	n := calendar.China2026Notice
	b, _ := json.MarshalIndent(calendar.Year{Year: n.Year, Holidays: n.Holidays[:2], Workdays: n.Workdays[:2]}, "", "  ")
	return string(b)
}()

// calendarPage shows the notices in force and the import forms. The
// simple form is filled with the year named by ?year= when there is one,
// so that a notice can be corrected.
func (u *UI) calendarPage(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
	years, err := u.svc.CalendarYears(r.Context())
	if err != nil {
		return err
	}
	// The shipped notice comes first from the service; the page lists
	// the years in order.
	sort.SliceStable(years, func(i, j int) bool { return years[i].Year < years[j].Year })
	d := &calendarData{Example: calendarExample}
	stored := url.Values{}
	want := r.URL.Query().Get("year")
	for _, y := range years {
		d.Years = append(d.Years, viewYear(y))
		if want == strconv.Itoa(y.Year) {
			stored = yearValues(y)
		}
	}
	d.Form = attrForm{Action: "calendar", vals: refusedOr(form, "calendar", stored)}
	if form != nil && form.Action == "calendar_json" {
		d.JSON = url.Values(form.Values).Get("json")
	}
	return u.adminPage(w, r, me, "admin_calendar", "/admin/calendar", status, form, d)
}

func (u *UI) adminCalendar(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return u.calendarPage(w, r, me, http.StatusOK, nil)
}

// parseYearJSON reads a year's notice as `minsheng calendar import` does:
// one JSON object, no unknown fields.
func parseYearJSON(s string) (calendar.Year, error) {
	var y calendar.Year
	if strings.TrimSpace(s) == "" {
		return y, minsheng.FieldError("json", "paste the year's notice as JSON").Because("required")
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&y); err != nil {
		return y, minsheng.FieldError("json", "not a year's notice in JSON: %v", err).Because("calendar_notice")
	}
	if dec.More() {
		return y, minsheng.FieldError("json", "not a year's notice in JSON: text after the object").Because("calendar_notice")
	}
	return y, nil
}

// lines returns the non-blank lines of a text field, trimmed.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// dateSeparators turn "元旦 2027-01-01 至 2027-01-03" into fields.
var dateSeparators = strings.NewReplacer("至", " ", "到", " ", "~", " ", "～", " ", "，", " ", ",", " ", "\u3000", " ")

// parseYearForm reads the simple form: the year; holidays one a line,
// "name first last" (or "name day" for one day); make-up working days one
// a line, "date" or "date name". The dates are checked by the notice's
// validation, which names the holiday at fault.
func parseYearForm(vals url.Values) (calendar.Year, error) {
	var y calendar.Year
	var err error
	if y.Year, err = parseInt(vals, "year"); err != nil {
		return y, minsheng.FieldError("year", "year must be a year such as 2027").Because("out_of_range")
	}
	y.Holidays, y.Workdays = []calendar.Holiday{}, []calendar.Workday{}
	for i, l := range lines(vals.Get("holidays")) {
		f := strings.Fields(dateSeparators.Replace(l))
		switch len(f) {
		case 2:
			y.Holidays = append(y.Holidays, calendar.Holiday{Name: f[0], First: f[1], Last: f[1]})
		case 3:
			y.Holidays = append(y.Holidays, calendar.Holiday{Name: f[0], First: f[1], Last: f[2]})
		default:
			return y, minsheng.FieldError("holidays", "holidays line %d: want a name, the first day and the last day (YYYY-MM-DD)", i+1).Because("calendar_notice")
		}
	}
	for _, l := range lines(vals.Get("workdays")) {
		f := strings.Fields(dateSeparators.Replace(l))
		if len(f) == 0 {
			continue
		}
		y.Workdays = append(y.Workdays, calendar.Workday{Date: f[0], Name: strings.Join(f[1:], " ")})
	}
	return y, nil
}

func (u *UI) adminImportCalendar(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	y, err := parseYearForm(vals)
	if err == nil {
		err = u.svc.ImportCalendarYear(r.Context(), me, y)
	}
	if err != nil {
		return showRefused(u.calendarPage, w, r, me, "calendar", err, vals)
	}
	redirect(w, r, "/admin/calendar?ok=saved")
	return nil
}

func (u *UI) adminImportCalendarJSON(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	y, err := parseYearJSON(vals.Get("json"))
	if err == nil {
		if y.Holidays == nil {
			y.Holidays = []calendar.Holiday{}
		}
		if y.Workdays == nil {
			y.Workdays = []calendar.Workday{}
		}
		err = u.svc.ImportCalendarYear(r.Context(), me, y)
	}
	if err != nil {
		return showRefused(u.calendarPage, w, r, me, "calendar_json", err, vals)
	}
	redirect(w, r, "/admin/calendar?ok=saved")
	return nil
}

// ---- Webhooks: /admin/webhooks ----

// webhooksData is the webhooks page.
type webhooksData struct {
	Hooks   []*store.Webhook
	Actions []ticket.Action
	// Created and Secret are the subscriber just created and its signing
	// secret: the only page that ever shows it.
	Created *store.Webhook
	Secret  string
	// Checked are the events ticked on the form.
	Checked map[string]bool
}

func (u *UI) webhooksPage(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState, created *store.Webhook, secret string) error {
	hooks, err := u.svc.ListWebhooks(r.Context(), me)
	if err != nil {
		return err
	}
	d := &webhooksData{Hooks: hooks, Actions: ticket.Actions, Created: created, Secret: secret, Checked: map[string]bool{}}
	if form != nil && form.Action == "webhook" {
		for _, e := range form.Values["events"] {
			d.Checked[e] = true
		}
	}
	return u.adminPage(w, r, me, "admin_webhooks", "/admin/webhooks", status, form, d)
}

func (u *UI) adminWebhooks(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return u.webhooksPage(w, r, me, http.StatusOK, nil, nil, "")
}

// adminCreateWebhook subscribes a system and answers with the page that
// shows its secret once. The answer is not a redirect: the secret must
// not travel in a URL, and it is not stored in the browser's cache.
func (u *UI) adminCreateWebhook(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	hook, secret, err := u.svc.CreateWebhook(r.Context(), me, app.NewWebhook{Name: vals.Get("name"),
		URL: strings.TrimSpace(vals.Get("url")), Events: vals["events"]})
	if err != nil {
		form, err := refused("webhook", err, vals)
		if err != nil {
			return err
		}
		return u.webhooksPage(w, r, me, http.StatusBadRequest, form, nil, "")
	}
	w.Header().Set("Cache-Control", "no-store")
	return u.webhooksPage(w, r, me, http.StatusOK, nil, hook, secret)
}

// adminSetWebhookActive switches a subscriber on ("enable") or off.
func (u *UI) adminSetWebhookActive(w http.ResponseWriter, r *http.Request, me *org.User) error {
	if _, _, err := u.parseForm(w, r); err != nil {
		return err
	}
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	on := r.PathValue("switch") == "enable"
	if !on && r.PathValue("switch") != "disable" {
		return minsheng.Errorf(minsheng.ENOTFOUND, "no such page").Because("page_not_found")
	}
	if err := u.svc.SetWebhookActive(r.Context(), me, id, on); err != nil {
		return err
	}
	if on {
		redirect(w, r, "/admin/webhooks?ok=webhook_on")
	} else {
		redirect(w, r, "/admin/webhooks?ok=webhook_off")
	}
	return nil
}
