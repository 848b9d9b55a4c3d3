package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"path"
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

// The exports: every table of the dashboards, the report, the public page
// and the ticket lists, as XLSX (excelize) or as CSV in UTF-8 with a
// byte-order mark. Exports hold no personal data: ticket lists leave the
// caller out.

// exportFile splits "rates-unit.xlsx" into the table and the format.
func exportFile(file string) (table, format string, err error) {
	ext := path.Ext(file)
	table, format = strings.TrimSuffix(file, ext), strings.TrimPrefix(ext, ".")
	if format != app.FormatCSV && format != app.FormatXLSX {
		return "", "", minsheng.Errorf(minsheng.ENOTFOUND, "no export %q: the formats are .csv and .xlsx", file)
	}
	return table, format, nil
}

// sendTable writes a table as a download named stem.format.
func sendTable(w http.ResponseWriter, t *app.Table, stem, format string) error {
	w.Header().Set("Content-Type", app.ContentType(format))
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '/' {
			return '_'
		}
		return r
	}, stem)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"; filename*=UTF-8''%s.%s`, ascii, format, url.PathEscape(stem), format))
	w.Header().Set("Cache-Control", "no-store")
	return t.Write(w, format)
}

// rateCols are the columns of a rate: the percentage, its numerator and
// its denominator.
func rateCols(p *page, key string) []string {
	return []string{p.T("rate." + key), p.T("x." + key + ".n"), p.T("x." + key + ".d")}
}

func rateCells(r stats.Rate) []any {
	return []any{app.Percent{V: r.Value}, r.Numerator, r.Denominator}
}

// ratesTable is a report of rates as a table: one row per group, then the
// total and the period before.
func ratesTable(p *page, rep *app.RatesReport) *app.Table {
	group := map[string]string{app.ByUnit: "dash.unit", app.ByCategory: "t.category", app.ByKind: "t.kind", app.ByChannel: "x.channel"}[rep.By]
	if group == "" {
		group = "dash.unit"
	}
	cols := []string{p.T(group), p.T("dash.received"), p.T("x.invalid"), p.T("x.merged")}
	for _, k := range p.RateKeys() {
		cols = append(cols, rateCols(p, k)...)
	}
	cols = append(cols, p.T("x.overdue_open"), p.T("rate.composite"))
	t := &app.Table{Name: p.T("x.sheet." + rep.By), Columns: cols,
		Title: p.T("x.title.rates", rep.Unit.Name, p.T("x.sheet."+rep.By), rep.From, rep.To)}
	row := func(label string, r app.RatesRow) []any {
		out := []any{label, r.Counts.Received, r.Counts.Invalid, r.Counts.Merged}
		for _, x := range p.RateList(r.Rates) {
			out = append(out, rateCells(x)...)
		}
		var score any
		if r.Rates.Composite != nil {
			score = *r.Rates.Composite
		}
		return append(out, r.OverdueOpen, score)
	}
	for _, r := range rep.Rows {
		label := r.Label
		switch rep.By {
		case app.ByKind:
			label = p.E("kind", r.Key)
		case app.ByChannel:
			label = p.E("channel", r.Key)
		case app.ByUnit:
			if r.Key == app.OtherKey {
				label = p.T("figures.other")
			}
		}
		t.Rows = append(t.Rows, row(label, r))
	}
	t.Rows = append(t.Rows, row(p.T("dash.total"), rep.Total), row(p.T("x.prev_total"), rep.Previous))
	return t
}

// rankingsTable is a ranking (十佳) as a table.
func rankingsTable(p *page, unit string, q dashQuery, minVolume int64, rows []app.RankRow) *app.Table {
	cols := []string{p.T("rank.place"), p.T("dash.unit"), p.T("x.qualified"), p.T("dash.received"), p.T("rate.composite")}
	for _, k := range []string{"response", "resolution", "satisfaction"} {
		cols = append(cols, rateCols(p, k)...)
	}
	t := &app.Table{Name: p.T("dash.rankings"), Columns: cols,
		Title: p.T("x.title.rankings", unit, q.From.String(), q.To.String(), minVolume)}
	for _, r := range rows {
		var place, score any
		if r.Place > 0 {
			place = r.Place
		}
		if r.Rates.Composite != nil {
			score = *r.Rates.Composite
		}
		q := p.T("x.no")
		if r.Qualified {
			q = p.T("x.yes")
		}
		out := []any{place, r.Label, q, r.Counts.Received, score}
		for _, x := range []stats.Rate{r.Rates.Response, r.Rates.Resolution, r.Rates.Satisfaction} {
			out = append(out, rateCells(x)...)
		}
		t.Rows = append(t.Rows, out)
	}
	return t
}

// ticketsTable is a ticket list as a table, without the callers.
func ticketsTable(p *page, rf *refs, ts []ticket.Ticket) *app.Table {
	t := &app.Table{Name: p.T("tickets.title"), Title: p.T("tickets.title"), Columns: []string{
		p.T("t.number"), p.T("t.title"), p.T("t.status"), p.T("t.kind"), p.T("x.urgency"), p.T("x.channel"),
		p.T("t.category"), p.T("t.unit"), p.T("t.address"), p.T("t.created"), p.T("t.reply_by"), p.T("x.replied_at"),
		p.T("x.closed_at"), p.T("x.satisfaction")}}
	for _, x := range ts {
		row := []any{x.Number, x.Title, p.E("status", x.Status), p.E("kind", x.Kind), p.E("urgency", x.Urgency),
			p.E("channel", x.Channel), rf.CatPath(x.CategoryID), rf.UnitName(x.UnitID), x.Address, x.CreatedAt,
			timeCell(x.ReplyBy), timeCell(x.RepliedAt), timeCell(x.ClosedAt)}
		row = append(row, p.E("sat", x.Satisfaction))
		t.Rows = append(t.Rows, row)
	}
	return t
}

// publicTable is the published figures of a month as a table.
func publicTable(p *page, ps *app.PublicStats) *app.Table {
	cols := []string{p.T("dash.unit"), p.T("dash.received"), p.T("dash.closed")}
	for _, k := range p.RateKeys() {
		cols = append(cols, rateCols(p, k)...)
	}
	t := &app.Table{Name: ps.Month, Columns: cols, Title: p.T("x.title.public", ps.District.Name, ps.Month)}
	row := func(r app.PublicRow, label string) []any {
		out := []any{label, r.Counts.Received, r.Counts.Closed}
		for _, x := range p.RateList(r.Rates) {
			out = append(out, rateCells(x)...)
		}
		return out
	}
	for _, r := range ps.Rows {
		t.Rows = append(t.Rows, row(r, r.Name))
	}
	if o := ps.Other; o != nil { // what the rows leave out, so that they add up
		t.Rows = append(t.Rows, row(app.PublicRow{Counts: o.Counts, Rates: o.Rates}, p.T("figures.other")))
	}
	t.Rows = append(t.Rows, row(ps.District, p.T("stats.district_total", ps.District.Name)))
	return t
}

// timeCell is a cell for a time that may be missing.
func timeCell(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}

// dashboardExport serves the dashboard's tables: rates-unit,
// rates-category, rates-kind, rates-channel and rankings, for the unit and
// period of the dashboard.
func (u *UI) dashboardExport(w http.ResponseWriter, r *http.Request, me *org.User) error {
	table, format, err := exportFile(r.PathValue("file"))
	if err != nil {
		return err
	}
	ctx := r.Context()
	p := u.newPage(w, r, me, "/dashboard")
	rf, err := u.loadRefs(ctx, p)
	if err != nil {
		return err
	}
	q, err := u.readDashQuery(r, me, rf)
	if err != nil {
		return err
	}
	stem := table + "-" + q.Unit.Name + "-" + q.From.String() + "_" + q.To.String()
	switch table {
	case "rates-unit", "rates-category", "rates-kind", "rates-channel":
		rep, err := u.svc.Rates(ctx, me, app.RatesQuery{UnitID: q.Unit.ID, From: q.From, To: q.To, By: strings.TrimPrefix(table, "rates-")})
		if err != nil {
			return err
		}
		return sendTable(w, ratesTable(p, rep), stem, format)
	case "rankings":
		var mv int64
		if v := r.URL.Query().Get("min_volume"); v != "" {
			if mv, err = strconv.ParseInt(v, 10, 64); err != nil || mv < 0 {
				return minsheng.FieldError("min_volume", "min_volume must be a whole number")
			}
		}
		rows, err := u.svc.Rankings(ctx, me, app.RankQuery{UnitID: q.Unit.ID, From: q.From, To: q.To, MinVolume: mv})
		if err != nil {
			return err
		}
		return sendTable(w, rankingsTable(p, q.Unit.Name, q, mv, rows), stem, format)
	}
	return minsheng.Errorf(minsheng.ENOTFOUND, "no table %q", table)
}

// ticketsExport serves a ticket list with the list page's filters, up to
// app.MaxExportTickets tickets.
func (u *UI) ticketsExport(w http.ResponseWriter, r *http.Request, me *org.User) error {
	table, format, err := exportFile(r.PathValue("file"))
	if err != nil {
		return err
	}
	if table != "tickets" {
		return minsheng.Errorf(minsheng.ENOTFOUND, "no table %q", table)
	}
	ctx := r.Context()
	p := u.newPage(w, r, me, "/tickets")
	rf, err := u.loadRefs(ctx, p)
	if err != nil {
		return err
	}
	p.R = rf
	var lq app.ListQuery
	if _, _, err := readListFilters(p, r.URL.Query(), &lq); err != nil {
		return err
	}
	ts, more, err := u.svc.ExportTickets(ctx, me, lq)
	if err != nil {
		return err
	}
	if more {
		w.Header().Set("X-Export-Truncated", strconv.Itoa(app.MaxExportTickets))
	}
	return sendTable(w, ticketsTable(p, rf, ts), "tickets-"+calendar.DateOf(u.svc.Clock().Now()).String(), format)
}

// statsExport serves the published figures of a month, to anyone.
func (u *UI) statsExport(w http.ResponseWriter, r *http.Request) error {
	table, format, err := exportFile(r.PathValue("file"))
	if err != nil {
		return err
	}
	if table != "stats" {
		return minsheng.Errorf(minsheng.ENOTFOUND, "no table %q", table)
	}
	p := u.newPage(w, r, nil, "/stats")
	ps, err := u.publicStats(r)
	if err != nil {
		return err
	}
	return sendTable(w, publicTable(p, ps), "stats-"+ps.Month, format)
}
