package ui

import (
	"fmt"
	"html/template"
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
	"github.com/minsheng/minsheng/stats"
	"github.com/minsheng/minsheng/ticket"
)

// dashRoles may open the dashboards, the map of needs and the monthly
// report: leaders, dispatchers and admins for their unit and below, and
// handlers for their own unit.
var dashRoles = []org.Role{org.RoleLeader, org.RoleDispatcher, org.RoleAdmin, org.RoleHandler}

// registerDashboards adds the pages of assessment: the leader's dashboard,
// the map of needs, the monthly report, the exports, and the figures the
// district publishes (no sign-in).
func (u *UI) registerDashboards(mux *http.ServeMux) {
	mux.Handle("GET /dashboard", u.staff(u.dashboardPage, dashRoles...))
	mux.Handle("GET /dashboard/export/{file}", u.staff(u.dashboardExport, dashRoles...))
	mux.Handle("GET /map", u.staff(u.mapPage, dashRoles...))
	mux.Handle("GET /report", u.staff(u.reportPage, dashRoles...))
	mux.Handle("GET /tickets/export/{file}", u.staff(u.ticketsExport))
	mux.Handle("GET /stats", u.handle(u.statsPage))
	mux.Handle("GET /stats/export/{file}", u.handle(u.statsExport))
}

// dashQuery is what a dashboard shows: a unit and a period.
type dashQuery struct {
	Unit     *org.Unit
	From, To calendar.Date
	Preset   string // the preset period chosen, if any
}

// Values returns the query string of the unit and period.
func (q dashQuery) Values() url.Values {
	return url.Values{"unit_id": {strconv.FormatInt(q.Unit.ID, 10)}, "from": {q.From.String()}, "to": {q.To.String()}}
}

// Query is Values encoded, for a link's query string: typed as a URL so
// that the template does not escape its = and & (a plain string after "?"
// would be escaped into one parameter, "from%3d…").
func (q dashQuery) Query() template.URL { return template.URL(q.Values().Encode()) }

// Drill is the query string of the ticket list of the unit and period.
func (q dashQuery) Drill() template.URL {
	return template.URL(url.Values{"unit": {strconv.FormatInt(q.Unit.ID, 10)}, "created_from": {q.From.String()},
		"created_to": {q.To.String()}}.Encode())
}

// preset is a period offered with one click.
type preset struct {
	Key      string
	From, To calendar.Date
}

func presets(today calendar.Date) []preset {
	first := calendar.Date{Year: today.Year, Month: today.Month, Day: 1}
	lastFirst := calendar.DateOf(first.Start().AddDate(0, -1, 0).Add(time.Hour))
	return []preset{
		{"month", first, today},
		{"last_month", lastFirst, first.AddDays(-1)},
		{"days30", today.AddDays(-29), today},
		{"quarter", today.AddDays(-89), today},
		{"year", calendar.Date{Year: today.Year, Month: time.January, Day: 1}, today},
		{"days365", today.AddDays(-364), today},
	}
}

// readDashQuery reads unit_id, from and to, or period (a preset); by
// default the user's unit and the last full month, marked as the chosen
// preset (a month to date of a few days made every rate look alarming
// beside the month before).
func (u *UI) readDashQuery(r *http.Request, me *org.User, rf *refs) (dashQuery, error) {
	q := r.URL.Query()
	today := calendar.DateOf(u.svc.Clock().Now())
	last := presets(today)[1]
	d := dashQuery{From: last.From, To: last.To, Preset: last.Key}
	unitID := me.UnitID
	if v := q.Get("unit_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return d, minsheng.FieldError("unit_id", "unit_id must be an id")
		}
		unitID = id
	}
	d.Unit = rf.unitByID[unitID]
	if d.Unit == nil || !me.SeesWork(d.Unit.Path) {
		return d, minsheng.Errorf(minsheng.ENOTFOUND, "unit %d not found", unitID)
	}
	if v := q.Get("period"); v != "" {
		for _, p := range presets(today) {
			if p.Key == v {
				d.From, d.To, d.Preset = p.From, p.To, p.Key
			}
		}
	}
	for _, f := range []struct {
		name string
		dst  *calendar.Date
	}{{"from", &d.From}, {"to", &d.To}} {
		if v := q.Get(f.name); v != "" {
			x, err := calendar.ParseDate(v)
			if err != nil {
				return d, minsheng.FieldError(f.name, "%s must be a date (YYYY-MM-DD)", f.name)
			}
			*f.dst, d.Preset = x, ""
		}
	}
	for _, p := range presets(today) {
		if p.From == d.From && p.To == d.To {
			d.Preset = p.Key
		}
	}
	return d, nil
}

// unitChoices are the units a dashboard may show for the user: their own
// and those of their scoped grants, and those below, without grids and the
// hotline centre; indented below the top unit of each.
func unitChoices(rf *refs, me *org.User) []option {
	var out []option
	scopes := me.WorkScopes()
	for _, x := range rf.Units {
		if x.Kind == org.KindGrid || x.Kind == org.KindCentre {
			continue
		}
		base := -1
		for _, p := range scopes {
			if org.Within(x.Path, p) {
				base = strings.Count(p, "/")
			}
		}
		if base < 0 {
			continue
		}
		d := strings.Count(x.Path, "/") - base
		out = append(out, option{ID: x.ID, Label: strings.Repeat("\u3000", d) + x.Name, Depth: d})
	}
	return out
}

// kpi is one rate of the dashboard's headline, with the period before.
type kpi struct {
	Key        string
	Rate, Prev stats.Rate
}

// Delta is the change from the period before, in percentage points; nil
// when either has no value.
func (k kpi) Delta() *float64 {
	if k.Rate.Value == nil || k.Prev.Value == nil {
		return nil
	}
	d := 100 * (*k.Rate.Value - *k.Prev.Value)
	return &d
}

func kpis(cur, prev stats.Rates) []kpi {
	return []kpi{
		{"closure", cur.Closure, prev.Closure},
		{"response", cur.Response, prev.Response},
		{"on_time", cur.OnTime, prev.OnTime},
		{"resolution", cur.Resolution, prev.Resolution},
		{"satisfaction", cur.Satisfaction, prev.Satisfaction},
	}
}

// dashData is the dashboard page.
type dashData struct {
	Q         dashQuery
	Units     []option
	Presets   []preset
	Rates     *app.RatesReport // by unit
	Cats      []app.RatesRow   // by top-level category, most received first
	KPIs      []kpi
	Rank      []app.RankRow
	MinVolume int64
	Overdue   []ticket.Ticket
	Chart     dashChart
	AsOf      time.Time
	// PrevFrom and PrevTo are the period before, of the same length.
	PrevFrom, PrevTo calendar.Date
	// SeriesFrom is the first day of the intake chart (a year up to To).
	SeriesFrom calendar.Date
	// NotDispatched are the valid tickets of the period never dispatched
	// (closed at intake, or waiting): outside the funnel after its first stage.
	NotDispatched int64
}

// dashChart is what the page's script draws, passed as JSON.
type dashChart struct {
	Lang   string            `json:"lang"`
	Text   map[string]string `json:"text"`
	Unit   int64             `json:"unit"`
	From   string            `json:"from"`
	To     string            `json:"to"`
	Days   []string          `json:"days"`
	Recv   []int64           `json:"received"`
	Closed []int64           `json:"closed"`
	Units  []chartRow        `json:"units"`
	Cats   []chartRow        `json:"cats"`
	Heat   [7][24]int64      `json:"heat"`
	Funnel []funnelStage     `json:"funnel"`
}

// chartRow is a bar of the rates by unit or of the categories.
type chartRow struct {
	ID       string                `json:"id"`
	Name     string                `json:"name"`
	Received int64                 `json:"received"`
	Rates    map[string]stats.Rate `json:"rates"`
	Score    *float64              `json:"score"`
}

// funnelStage is a stage of the status funnel.
type funnelStage struct {
	Key   string `json:"key"`
	Name  string `json:"name"`
	Value int64  `json:"value"`
}

func chartRowOf(r app.RatesRow) chartRow {
	return chartRow{ID: r.Key, Name: r.Label, Received: r.Counts.Received, Score: r.Rates.Composite, Rates: map[string]stats.Rate{
		"closure": r.Rates.Closure, "response": r.Rates.Response, "on_time": r.Rates.OnTime,
		"resolution": r.Rates.Resolution, "satisfaction": r.Rates.Satisfaction}}
}

// dashText are the texts the script needs, in the page's language.
var dashText = []string{"dash.received", "dash.closed", "dash.day", "dash.week", "dash.month", "rate.closure", "rate.response",
	"rate.on_time", "rate.resolution", "rate.satisfaction", "rate.composite", "dash.click_list", "dash.no_data",
	"wd.0", "wd.1", "wd.2", "wd.3", "wd.4", "wd.5", "wd.6", "dash.tickets", "dash.of_received", "map.volume", "map.clusters",
	"map.none", "map.located"}

func textsFor(p *page, keys []string) map[string]string {
	m := map[string]string{}
	for _, k := range keys {
		m[k] = p.T(k)
	}
	return m
}

func (u *UI) dashboardPage(w http.ResponseWriter, r *http.Request, me *org.User) error {
	ctx := r.Context()
	p := u.newPage(w, r, me, "/dashboard")
	p.Title = p.T("dash.title")
	rf, err := u.loadRefs(ctx, p)
	if err != nil {
		return err
	}
	p.R = rf
	q, err := u.readDashQuery(r, me, rf)
	if err != nil {
		return err
	}
	d := dashData{Q: q, Units: unitChoices(rf, me), Presets: presets(calendar.DateOf(u.svc.Clock().Now())), MinVolume: 10}
	if v := r.URL.Query().Get("min_volume"); v != "" {
		if d.MinVolume, err = strconv.ParseInt(v, 10, 64); err != nil || d.MinVolume < 0 {
			return minsheng.FieldError("min_volume", "min_volume must be a whole number")
		}
	}
	if d.Rates, err = u.svc.Rates(ctx, me, app.RatesQuery{UnitID: q.Unit.ID, From: q.From, To: q.To, By: app.ByUnit}); err != nil {
		return err
	}
	d.AsOf = d.Rates.AsOf
	days := int(q.To.Start().Sub(q.From.Start()).Hours()/24) + 1
	d.PrevTo = q.From.AddDays(-1)
	d.PrevFrom = d.PrevTo.AddDays(1 - days)
	d.KPIs = kpis(d.Rates.Total.Rates, d.Rates.Previous.Rates)
	cats, err := u.svc.Rates(ctx, me, app.RatesQuery{UnitID: q.Unit.ID, From: q.From, To: q.To, By: app.ByCategory})
	if err != nil {
		return err
	}
	d.Cats = cats.Rows
	sort.SliceStable(d.Cats, func(i, j int) bool { return d.Cats[i].Counts.Received > d.Cats[j].Counts.Received })
	if d.Rank, err = u.svc.Rankings(ctx, me, app.RankQuery{UnitID: q.Unit.ID, From: q.From, To: q.To, MinVolume: d.MinVolume}); err != nil {
		return err
	}
	over, err := u.svc.ListTickets(ctx, me, app.ListQuery{Overdue: true, Under: q.Unit.ID, Limit: 10})
	if err != nil {
		return err
	}
	d.Overdue = over.Tickets
	// Intake over time: the year up to the period's end, whatever the
	// period, so that weeks and months have something to show.
	d.SeriesFrom = q.To.AddDays(-364)
	series, err := u.svc.Series(ctx, me, q.Unit.ID, d.SeriesFrom, q.To)
	if err != nil {
		return err
	}
	heat, err := u.svc.HeatMap(ctx, me, q.Unit.ID, q.From, q.To)
	if err != nil {
		return err
	}
	c := dashChart{Lang: p.Lang, Text: textsFor(p, dashText), Unit: q.Unit.ID, From: q.From.String(), To: q.To.String(), Heat: *heat,
		Units: []chartRow{}, Cats: []chartRow{}}
	for _, pt := range series {
		c.Days = append(c.Days, pt.Day)
		c.Recv = append(c.Recv, pt.Counts.Received)
		c.Closed = append(c.Closed, pt.Counts.Closed)
	}
	for _, row := range d.Rates.Rows {
		if (row.Counts.Received > 0 || row.OverdueOpen > 0) && row.Key != app.OtherKey { // the chart's bars are units
			c.Units = append(c.Units, chartRowOf(row))
		}
	}
	for _, row := range d.Cats {
		if row.Counts.Received > 0 && len(c.Cats) < 12 {
			c.Cats = append(c.Cats, chartRowOf(row))
		}
	}
	t := d.Rates.Total.Counts
	// One cohort, the valid tickets received in the period, through its
	// stages (each within the one before); those never dispatched (closed
	// at intake, or waiting) are said beside it.
	c.Funnel = []funnelStage{
		{"received", p.T("funnel.received"), t.Received - t.Invalid - t.Merged},
		{"dispatched", p.T("funnel.dispatched"), t.FunnelDispatched},
		{"acknowledged", p.T("funnel.acknowledged"), t.FunnelAcknowledged},
		{"replied", p.T("funnel.replied"), t.FunnelReplied},
		{"closed", p.T("funnel.closed"), t.FunnelClosed},
	}
	d.NotDispatched = t.Received - t.Invalid - t.Merged - t.FunnelDispatched
	d.Chart = c
	p.Data = d
	u.render(w, http.StatusOK, p, "dashboard")
	return nil
}

// pctOf formats a rate as a percentage with two decimals, "—" without a
// denominator.
func pctOf(r stats.Rate) string {
	if r.Value == nil {
		return "—"
	}
	return strconv.FormatFloat(100**r.Value, 'f', 2, 64) + "%"
}

// thousands writes a count with thousands separators: 35,062.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Pct, Num, Frac and Score are the page's helpers for figures.

// Pct formats a rate as a percentage.
func (p *page) Pct(r stats.Rate) string { return pctOf(r) }

// Num formats a count with thousands separators.
func (p *page) Num(n int64) string { return thousands(n) }

// Frac writes a rate's parts: 33,816/35,062; nothing without a
// denominator.
func (p *page) Frac(r stats.Rate) string {
	if r.Denominator == 0 { // the rate is "—": no "0/0" beside it
		return ""
	}
	return thousands(r.Numerator) + "/" + thousands(r.Denominator)
}

// Score formats a composite score.
func (p *page) Score(f *float64) string {
	if f == nil {
		return "—"
	}
	return strconv.FormatFloat(*f, 'f', 1, 64)
}

// Signed formats a change in percentage points: +1.25, −0.50.
func (p *page) Signed(f *float64) string {
	if f == nil {
		return ""
	}
	if *f >= 0 {
		return fmt.Sprintf("+%.2f", *f)
	}
	return fmt.Sprintf("−%.2f", -*f)
}

// Day formats a time as a day in China.
func (p *page) Day(t time.Time) string { return t.In(china).Format("2006-01-02") }

// RateKeys names the rates in the order the tables show them.
func (p *page) RateKeys() []string {
	return []string{"closure", "response", "on_time", "resolution", "satisfaction"}
}

// RateList lists rates in the order of RateKeys.
func (p *page) RateList(r stats.Rates) []stats.Rate {
	return []stats.Rate{r.Closure, r.Response, r.OnTime, r.Resolution, r.Satisfaction}
}
