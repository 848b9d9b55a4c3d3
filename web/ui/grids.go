package ui

import (
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/grids"
	"github.com/minsheng/minsheng/capability"
	"github.com/minsheng/minsheng/grid"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// This file holds the pages of grids and the screening ledger
// (docs/grids.md): the grid worker's phone page (report, the replies
// awaiting their check, today's diary), the diaries the community reads,
// the ledger of a screening campaign with its progress and its items, an
// item with its timeline, the figures, and the public summary of a
// campaign. Refused forms are worded from the error's code and field in
// the page's language.

type gridPages struct {
	forms
	g *grids.Service
}

// GridsPages returns the pages of the grids capability.
func (u *UI) GridsPages(svc *grids.Service) []capability.Route {
	p := &gridPages{forms: forms{UI: u}, g: svc}
	gw := org.RoleGridWorker
	return []capability.Route{
		{Pattern: "GET /grid", Handler: u.staff(show(p.drawHome), gw)},
		{Pattern: "POST /grid/reports", Handler: u.staff(p.act("report", p.drawHome, p.report), gw)},
		{Pattern: "POST /grid/reports/{id}/check", Handler: u.staff(p.act("check", p.drawHome, p.check), gw)},
		{Pattern: "GET /grid/reports/{id}", Handler: u.staff(p.reportPage)},
		{Pattern: "GET /grid/diary", Handler: u.staff(show(p.drawDiary), gw)},
		{Pattern: "POST /grid/diary", Handler: u.staff(p.act("diary", p.drawDiary, p.saveDiary), gw)},
		{Pattern: "GET /grid/diaries", Handler: u.staff(p.diaries)},
		{Pattern: "GET /grid/diaries/{id}", Handler: u.staff(show(p.drawDiaryPage))},
		{Pattern: "POST /grid/diaries/{id}", Handler: u.staff(p.act("diary_act", p.drawDiaryPage, p.actOnDiary))},
		{Pattern: "GET /grid/figures", Handler: u.staff(p.figures)},
		{Pattern: "GET /ledger", Handler: u.staff(show(p.drawCampaigns))},
		{Pattern: "POST /ledger", Handler: u.staff(p.act("campaign", p.drawCampaigns, p.createCampaign), grid.Managers...)},
		{Pattern: "GET /ledger/campaigns/{id}", Handler: u.staff(show(p.drawLedger))},
		{Pattern: "GET /ledger/campaigns/{id}/export", Handler: u.staff(p.export)},
		{Pattern: "POST /ledger/campaigns/{id}/items", Handler: u.staff(p.act("item", p.drawLedger, p.addItem), grid.Finders...)},
		{Pattern: "GET /ledger/campaigns/{id}/import", Handler: u.staff(func(w http.ResponseWriter, r *http.Request, me *org.User) error {
			return p.drawImport(w, r, me, nil, nil)
		}, grid.Finders...)},
		{Pattern: "POST /ledger/campaigns/{id}/import", Handler: u.staff(p.importItems, grid.Finders...)},
		{Pattern: "POST /ledger/campaigns/{id}/inspections", Handler: u.staff(p.act("inspect", p.drawLedger, p.inspect), grid.Finders...)},
		{Pattern: "GET /ledger/items/{id}", Handler: u.staff(show(p.drawItem))},
		{Pattern: "POST /ledger/items/{id}", Handler: u.staff(p.act("item", p.drawItem, p.actOnItem))},
		{Pattern: "GET /public/ledger/{id}", Handler: u.handle(p.publicLedger)},
		{Pattern: "GET /admin/grid-areas", Handler: u.staff(show(p.drawAreas), org.RoleAdmin)},
		{Pattern: "POST /admin/grid-areas", Handler: u.staff(p.uploadAreas, org.RoleAdmin)},
		{Pattern: "GET /grid/stations", Handler: u.staff(show(p.drawStations))},
		{Pattern: "GET /grid/stations/new", Handler: u.staff(show(p.drawNewStation), grid.StationManagers...)},
		{Pattern: "POST /grid/stations", Handler: u.staff(p.act("station", p.drawNewStation, p.createStation), grid.StationManagers...)},
		{Pattern: "GET /grid/stations/{id}", Handler: u.staff(show(p.drawStation))},
		{Pattern: "POST /grid/stations/{id}", Handler: u.staff(p.act("station_edit", p.drawStation, p.updateStation), grid.StationManagers...)},
		{Pattern: "POST /grid/stations/{id}/requests", Handler: u.staff(p.act("take", p.drawStation, p.takeRequest))},
		{Pattern: "GET /public/stations", Handler: u.handle(p.publicStations)},
	}
}

// GridsNav are the capability's entries in the navigation.
var GridsNav = []capability.NavItem{
	{Label: "nav.grid", Path: "/grid", Roles: []org.Role{org.RoleGridWorker}},
	{Label: "nav.ledger", Path: "/ledger", Roles: []org.Role{org.RoleAdmin, org.RoleLeader, org.RoleDispatcher, org.RoleHandler, org.RoleGridWorker}},
	{Label: "nav.stations", Path: "/grid/stations", Roles: []org.Role{org.RoleGridWorker, org.RoleLeader, org.RoleAdmin, org.RoleAgent, org.RoleDispatcher}},
	{Label: "nav.diaries", Path: "/grid/diaries", Roles: []org.Role{org.RoleHandler, org.RoleLeader, org.RoleAdmin}},
	{Label: "nav.grid_areas", Path: "/admin/grid-areas", Roles: []org.Role{org.RoleAdmin}},
}

// gridDraw draws a page of the capability, with a refused form beside
// its inputs when form is not nil.
type gridDraw func(w http.ResponseWriter, r *http.Request, me *org.User, form *formState) error

// show serves a page drawn without a refused form.
func show(draw gridDraw) func(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return func(w http.ResponseWriter, r *http.Request, me *org.User) error { return draw(w, r, me, nil) }
}

// act is the shape of every form of the capability (forms.submit): run
// the use case and send the browser where it leads, or draw the page again
// with the refusal beside the form.
func (u *gridPages) act(action string, redraw gridDraw, run func(r *http.Request, me *org.User, f *sentForm) (string, error)) func(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return func(w http.ResponseWriter, r *http.Request, me *org.User) error {
		return u.submit(w, r, me, redraw.page, action, func(f *sentForm) (string, error) { return run(r, me, f) })
	}
}

// page is the draw as a formPage: a page of the capability works its
// status out from the form (formStatus).
func (d gridDraw) page(w http.ResponseWriter, r *http.Request, me *org.User, _ int, form *formState) error {
	return d(w, r, me, form)
}

// gridPage starts a page of the capability: its title, refs, the refused
// form.
func (u *gridPages) gridPage(w http.ResponseWriter, r *http.Request, me *org.User, active, title string, form *formState) (*page, error) {
	p := u.newPage(w, r, me, active)
	p.Title = p.T(title)
	rf, err := u.loadRefs(r.Context(), p)
	if err != nil {
		return nil, err
	}
	p.R, p.Form = rf, form
	return p, nil
}

// homeData is the grid worker's phone page.
type homeData struct {
	Categories []grid.Category
	Awaiting   []*store.GridReport
	Mine       []*store.GridReport
	Diary      *grids.DiaryView
}

func (u *gridPages) drawHome(w http.ResponseWriter, r *http.Request, me *org.User, form *formState) error {
	ctx := r.Context()
	p, err := u.gridPage(w, r, me, "/grid", "grid.title", form)
	if err != nil {
		return err
	}
	d := homeData{Categories: grid.Categories}
	if d.Awaiting, err = u.g.AwaitingCheck(ctx, me); err != nil {
		return err
	}
	if d.Mine, err = u.g.ListReports(ctx, me, grids.ReportQuery{Mine: true, Limit: 20}); err != nil {
		return err
	}
	if d.Diary, err = u.g.Diary(ctx, me, ""); err != nil {
		return err
	}
	p.Data = d
	u.render(w, formStatus(form), p, "grids/grid")
	return nil
}

func floatField(vals url.Values, name string) (*float64, error) {
	s := strings.TrimSpace(vals.Get(name))
	if s == "" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, minsheng.FieldError(name, "%s must be a number", name)
	}
	return &f, nil
}

func (u *gridPages) report(r *http.Request, me *org.User, f *sentForm) (string, error) {
	vals := f.Vals
	in := grids.ReportInput{NewReport: grid.NewReport{Category: vals.Get("category"), Title: vals.Get("title"),
		Description: vals.Get("description"), Address: vals.Get("address")}}
	var err error
	if in.Lat, err = floatField(vals, "lat"); err != nil {
		return "", err
	}
	if in.Lng, err = floatField(vals, "lng"); err != nil {
		return "", err
	}
	ups, err := u.uploads(f.Files)
	if err != nil {
		return "", err
	}
	_, err = u.g.Report(r.Context(), me, in, ups...)
	return "/grid?ok=grid_reported", err
}

func (u *gridPages) check(r *http.Request, me *org.User, f *sentForm) (string, error) {
	id, err := pageID(r)
	if err != nil {
		return "", err
	}
	f.Action = "check:" + r.PathValue("id")
	ups, err := u.uploads(f.Files)
	if err != nil {
		return "", err
	}
	res := f.Vals.Get("result")
	_, err = u.g.Check(r.Context(), me, id, grids.CheckInput{Result: grid.CheckResult(res), Note: f.Vals.Get("note")}, ups...)
	return "/grid?ok=grid_checked_" + res, err
}

// pageID reads the id of the path; anything else names nothing.
func pageID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, minsheng.Errorf(minsheng.ENOTFOUND, "not found")
	}
	return id, nil
}

func (u *gridPages) reportPage(w http.ResponseWriter, r *http.Request, me *org.User) error {
	id, err := pageID(r)
	if err != nil {
		return err
	}
	v, err := u.g.GetReport(r.Context(), me, id)
	if err != nil {
		return err
	}
	p, err := u.gridPage(w, r, me, "", "grid_report.title", nil)
	if err != nil {
		return err
	}
	p.Title = v.Title
	p.Data = v
	u.render(w, http.StatusOK, p, "grids/report")
	return nil
}

func (u *gridPages) drawDiary(w http.ResponseWriter, r *http.Request, me *org.User, form *formState) error {
	d, err := u.g.Diary(r.Context(), me, r.URL.Query().Get("day"))
	if err != nil {
		return err
	}
	p, err := u.gridPage(w, r, me, "/grid", "grid_diary.title", form)
	if err != nil {
		return err
	}
	p.Data = d
	u.render(w, formStatus(form), p, "grids/diary")
	return nil
}

func (u *gridPages) saveDiary(r *http.Request, me *org.User, f *sentForm) (string, error) {
	do := f.Vals.Get("do")
	in := grids.DiaryInput{Day: f.Vals.Get("day"), Text: f.Vals.Get("text"), Submit: do == "submit", Redraft: do == "redraft"}
	q := url.Values{"ok": {"diary_" + do}}
	if in.Day != "" {
		q.Set("day", in.Day)
	}
	_, err := u.g.SaveDiary(r.Context(), me, in)
	return "/grid/diary?" + q.Encode(), err
}

func (u *gridPages) diaries(w http.ResponseWriter, r *http.Request, me *org.User) error {
	list, err := u.g.ListDiaries(r.Context(), me)
	if err != nil {
		return err
	}
	p, err := u.gridPage(w, r, me, "/grid/diaries", "grid_diaries.title", nil)
	if err != nil {
		return err
	}
	p.Data = list
	u.render(w, http.StatusOK, p, "grids/diaries")
	return nil
}

func (u *gridPages) drawDiaryPage(w http.ResponseWriter, r *http.Request, me *org.User, form *formState) error {
	id, err := pageID(r)
	if err != nil {
		return err
	}
	v, err := u.g.GetDiary(r.Context(), me, id)
	if err != nil {
		return err
	}
	p, err := u.gridPage(w, r, me, "/grid/diaries", "grid_diaries.title", form)
	if err != nil {
		return err
	}
	p.Title = p.T("grid_diary.of", v.AuthorName, v.Day)
	p.Data = v
	u.render(w, formStatus(form), p, "grids/diary_view")
	return nil
}

func (u *gridPages) actOnDiary(r *http.Request, me *org.User, f *sentForm) (string, error) {
	id, err := pageID(r)
	if err != nil {
		return "", err
	}
	a := grid.DiaryAction(f.Vals.Get("action"))
	_, err = u.g.ActOnDiary(r.Context(), me, id, grids.DiaryActInput{Action: a, Note: f.Vals.Get("note")})
	return "/grid/diaries/" + r.PathValue("id") + "?ok=diary_" + string(a), err
}

// gridFiguresData is the figures page.
type gridFiguresData struct {
	Reports  *store.GridReportFigures
	Ledgers  []*grids.Ledger
	Stations *store.StationFigures
}

// PassRate is the share of checked reports that passed their first check,
// as a percentage with one decimal; "—" when none was checked.
func (d gridFiguresData) PassRate() string {
	return percent(d.Reports.PassedFirst, d.Reports.Checked)
}

func (u *gridPages) figures(w http.ResponseWriter, r *http.Request, me *org.User) error {
	ctx := r.Context()
	var d gridFiguresData
	var err error
	if d.Reports, err = u.g.ReportFigures(ctx, me); err != nil {
		return err
	}
	if d.Stations, err = u.g.StationFigures(ctx, me); err != nil {
		return err
	}
	cs, err := u.g.ListCampaigns(ctx, me)
	if err != nil {
		return err
	}
	for _, c := range cs {
		l, err := u.g.GetLedger(ctx, me, c.ID, grids.LedgerQuery{CountsOnly: true})
		if err != nil {
			return err
		}
		d.Ledgers = append(d.Ledgers, l)
	}
	p, err := u.gridPage(w, r, me, "/ledger", "grid_figures.title", nil)
	if err != nil {
		return err
	}
	p.Data = d
	u.render(w, http.StatusOK, p, "grids/figures")
	return nil
}

// campaignsData is the campaigns page.
type campaignsData struct {
	Campaigns []*store.LedgerCampaign
	Manager   bool
}

func (u *gridPages) drawCampaigns(w http.ResponseWriter, r *http.Request, me *org.User, form *formState) error {
	cs, err := u.g.ListCampaigns(r.Context(), me)
	if err != nil {
		return err
	}
	p, err := u.gridPage(w, r, me, "/ledger", "ledger.title", form)
	if err != nil {
		return err
	}
	p.Data = campaignsData{Campaigns: cs, Manager: me.HasAny(grid.Managers...)}
	u.render(w, formStatus(form), p, "grids/campaigns")
	return nil
}

// dateField reads a date (YYYY-MM-DD, China) as the end of that day.
func dateField(vals url.Values, name string) (*time.Time, error) {
	s := strings.TrimSpace(vals.Get(name))
	if s == "" {
		return nil, nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, china)
	if err != nil {
		return nil, minsheng.FieldError(name, "%s must be a date", name)
	}
	t = t.Add(24*time.Hour - time.Second)
	return &t, nil
}

func formID(vals url.Values, name string) int64 {
	id, _ := strconv.ParseInt(strings.TrimSpace(vals.Get(name)), 10, 64)
	return id
}

func (u *gridPages) createCampaign(r *http.Request, me *org.User, f *sentForm) (string, error) {
	in := grid.NewCampaign{Title: f.Vals.Get("title"), UnitID: formID(f.Vals, "unit_id"), Note: f.Vals.Get("note"),
		Checklist: grid.ParseChecklist(f.Vals.Get("checklist"))}
	d, err := dateField(f.Vals, "deadline")
	if err != nil {
		return "", err
	}
	if d != nil {
		in.Deadline = *d
	}
	c, err := u.g.CreateCampaign(r.Context(), me, in)
	if err != nil {
		return "", err
	}
	return "/ledger/campaigns/" + strconv.FormatInt(c.ID, 10) + "?ok=saved", nil
}

// ledgerData is a campaign's ledger page.
type ledgerData struct {
	*grids.Ledger
	Query    grids.LedgerQuery
	Finder   bool
	Units    []*org.Unit // where the user may record items: the campaign's scope, the user's units
	Percent  string      // ticked off ÷ found
	Statuses []grid.ItemStatus
}

func ledgerQuery(r *http.Request) grids.LedgerQuery {
	q := r.URL.Query()
	rid, _ := strconv.ParseInt(q.Get("responsible"), 10, 64)
	return grids.LedgerQuery{Status: grid.ItemStatus(q.Get("status")), Overdue: q.Get("overdue") == "1", ResponsibleID: rid}
}

func (u *gridPages) drawLedger(w http.ResponseWriter, r *http.Request, me *org.User, form *formState) error {
	id, err := pageID(r)
	if err != nil {
		return err
	}
	q := ledgerQuery(r)
	l, err := u.g.GetLedger(r.Context(), me, id, q)
	if err != nil {
		return err
	}
	p, err := u.gridPage(w, r, me, "/ledger", "ledger.title", form)
	if err != nil {
		return err
	}
	p.Title = l.Campaign.Title
	d := ledgerData{Ledger: l, Query: q, Finder: me.HasAny(grid.Finders...), Percent: percent(l.Progress.TickedOff, l.Progress.Found),
		Statuses: grid.ItemStatuses}
	for _, un := range p.R.Units {
		// Where the user may record what the campaign finds.
		if org.Within(un.Path, l.Campaign.UnitPath) && me.SeesAs(un.Path, grid.Finders...) {
			d.Units = append(d.Units, un)
		}
	}
	p.Data = d
	u.render(w, formStatus(form), p, "grids/ledger")
	return nil
}

// percent writes n ÷ d as a percentage with one decimal; "—" for d 0.
func percent(n, d int) string {
	if d == 0 {
		return "—"
	}
	return strconv.FormatFloat(float64(n)*100/float64(d), 'f', 1, 64) + "%"
}

func (u *gridPages) addItem(r *http.Request, me *org.User, f *sentForm) (string, error) {
	id, err := pageID(r)
	if err != nil {
		return "", err
	}
	vals := f.Vals
	in := grid.NewItem{Problem: vals.Get("problem"), Category: vals.Get("category"), Severity: grid.Severity(vals.Get("severity")),
		Place: vals.Get("place"), UnitID: formID(vals, "unit_id"), Responsible: formID(vals, "responsible_unit_id")}
	if in.Deadline, err = dateField(vals, "deadline"); err != nil {
		return "", err
	}
	_, err = u.g.AddItem(r.Context(), me, id, in)
	return "/ledger/campaigns/" + r.PathValue("id") + "?ok=saved", err
}

// inspect records a place checked against the campaign's checklist; the
// answers showing a problem become items.
func (u *gridPages) inspect(r *http.Request, me *org.User, f *sentForm) (string, error) {
	id, err := pageID(r)
	if err != nil {
		return "", err
	}
	in := grid.NewInspection{UnitID: formID(f.Vals, "unit_id"), Place: f.Vals.Get("place"), Category: f.Vals.Get("category")}
	for k := range f.Vals {
		i, err := strconv.Atoi(strings.TrimPrefix(k, "answer_"))
		if !strings.HasPrefix(k, "answer_") || err != nil {
			continue
		}
		n := strconv.Itoa(i)
		in.Answers = append(in.Answers, grid.Answer{Index: i, Value: f.Vals.Get(k), Problem: f.Vals.Get("problem_"+n) != "",
			Note: f.Vals.Get("note_" + n)})
	}
	slices.SortFunc(in.Answers, func(a, b grid.Answer) int { return a.Index - b.Index })
	res, err := u.g.Inspect(r.Context(), me, id, in)
	if err != nil {
		return "", err
	}
	return "/ledger/campaigns/" + r.PathValue("id") + "?ok=inspected&found=" + strconv.Itoa(len(res.Items)), nil
}

// export sends a campaign's ledger as a spreadsheet in the usual column
// layout of the districts' Excel ledgers.
func (u *gridPages) export(w http.ResponseWriter, r *http.Request, me *org.User) error {
	id, err := pageID(r)
	if err != nil {
		return err
	}
	l, err := u.g.GetLedger(r.Context(), me, id, ledgerQuery(r))
	if err != nil {
		return err
	}
	p := u.newPage(w, r, me, "")
	t := ledgerTable(p, l)
	return sendTable(w, t, l.Campaign.Title, app.FormatXLSX)
}

// ledgerTable is a ledger as the districts keep it in Excel: 序号, the
// problem, its category and severity, where, the responsible unit, the
// deadline, the status, the rectification, who ticked it off and when,
// the last re-inspection.
func ledgerTable(p *page, l *grids.Ledger) *app.Table {
	col := func(k string) string { return p.T("lx." + k) }
	t := &app.Table{Name: p.T("ledger.sheet"), Title: p.T("ledger.x_title", l.Campaign.Title, l.Progress.Found, l.Progress.TickedOff),
		Columns: []string{col("seq"), col("problem"), col("category"), col("severity"), col("place"), col("unit"), col("responsible"),
			col("deadline"), col("status"), col("overdue"), col("evidence"), col("ticked_off_by"), col("ticked_off_at"), col("rechecked_at"), col("relapses"), col("ticket")}}
	tm := func(x *time.Time) any {
		if x == nil {
			return nil
		}
		return *x
	}
	for _, it := range l.Items {
		over := ""
		if it.Overdue(l.At) {
			over = p.T("lx.yes")
		}
		t.Rows = append(t.Rows, []any{int64(it.Seq), it.Problem, it.Category, p.E("sev", it.Severity), it.Place, it.UnitName,
			it.ResponsibleName, tm(it.Deadline), p.E("is", it.Status), over, it.Evidence, it.TickedOffName, tm(it.TickedOffAt),
			tm(it.RecheckedAt), int64(it.Relapses), it.Ticket})
	}
	return t
}

func (u *gridPages) drawItem(w http.ResponseWriter, r *http.Request, me *org.User, form *formState) error {
	id, err := pageID(r)
	if err != nil {
		return err
	}
	v, err := u.g.GetItem(r.Context(), me, id)
	if err != nil {
		return err
	}
	p, err := u.gridPage(w, r, me, "/ledger", "ledger.title", form)
	if err != nil {
		return err
	}
	p.Title = p.T("ledger_item.title", v.Seq, v.Campaign.Title)
	p.Data = v
	u.render(w, formStatus(form), p, "grids/item")
	return nil
}

func (u *gridPages) actOnItem(r *http.Request, me *org.User, f *sentForm) (string, error) {
	id, err := pageID(r)
	if err != nil {
		return "", err
	}
	a := grid.ItemAction(f.Vals.Get("action"))
	f.Action = "item:" + string(a)
	in := grids.ItemInput{Action: a, Note: f.Vals.Get("note"), ResponsibleID: formID(f.Vals, "responsible_unit_id")}
	if in.Deadline, err = dateField(f.Vals, "deadline"); err != nil {
		return "", err
	}
	_, err = u.g.ActOnItem(r.Context(), me, id, in)
	return "/ledger/items/" + r.PathValue("id") + "?ok=item_" + string(a), err
}

// publicData is a campaign's public summary: its counts, and why each
// open item is still open.
type publicData struct {
	*grids.Ledger
	Open []publicItem
}

type publicItem struct {
	*store.LedgerItem
	Reason string
}

func (u *gridPages) publicLedger(w http.ResponseWriter, r *http.Request) error {
	id, err := pageID(r)
	if err != nil {
		return err
	}
	l, err := u.g.PublicLedger(r.Context(), id)
	if err != nil {
		return err
	}
	p := u.newPage(w, r, u.user(r), "")
	p.Title = l.Campaign.Title
	d := publicData{Ledger: l}
	for _, it := range l.Items {
		if reason := grids.OpenReason(it, l.At); reason != "" {
			d.Open = append(d.Open, publicItem{LedgerItem: it, Reason: reason})
		}
	}
	p.Data = d
	u.render(w, http.StatusOK, p, "grids/public")
	return nil
}

// areasData is the grid areas page: what the last upload set, or, after a
// refused file, the index of the feature at fault ("" for the file).
type areasData struct {
	Done       *grids.BoundaryUpload
	BadFeature string
}

func (u *gridPages) drawAreas(w http.ResponseWriter, r *http.Request, me *org.User, form *formState) error {
	return u.areasPage(w, r, me, form, nil)
}

func (u *gridPages) areasPage(w http.ResponseWriter, r *http.Request, me *org.User, form *formState, done *grids.BoundaryUpload) error {
	p, err := u.gridPage(w, r, me, "/admin/grid-areas", "grid_areas.title", form)
	if err != nil {
		return err
	}
	d := areasData{Done: done}
	if form != nil && strings.HasPrefix(form.Field, "features[") {
		d.BadFeature = strings.TrimSuffix(strings.TrimPrefix(form.Field, "features["), "]")
	}
	p.Data = d
	u.render(w, formStatus(form), p, "grids/areas")
	return nil
}

// uploadAreas takes a GeoJSON file of units' areas and answers with the
// page listing the units set (nothing to redirect to: the list is the
// answer).
func (u *gridPages) uploadAreas(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, files, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	var up *grids.BoundaryUpload
	if len(files) != 1 {
		err = minsheng.FieldError("geojson", "choose one GeoJSON file").Because("required")
	} else {
		var b []byte
		if b, err = readFile(files[0]); err == nil {
			up, err = u.g.UploadBoundaries(r.Context(), me, b)
		}
	}
	if err != nil {
		form, err := refusal("areas", err, vals)
		if err != nil {
			return err
		}
		return u.areasPage(w, r, me, form, nil)
	}
	return u.areasPage(w, r, me, nil, up)
}

// readFile reads an uploaded file of a form.
func readFile(fh *multipart.FileHeader) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// GridsMessages are the texts of the capability's pages: key → {Chinese,
// English}.
var GridsMessages = joinMessages(gridsMessages, stationsMessages, ledgerImportMessages)

// joinMessages joins catalogues of texts; a key in two of them is a
// mistake caught at start.
func joinMessages(ms ...map[string][2]string) map[string][2]string {
	out := map[string][2]string{}
	for _, m := range ms {
		for k, v := range m {
			if _, ok := out[k]; ok {
				panic("message " + k + " defined twice")
			}
			out[k] = v
		}
	}
	return out
}

var gridsMessages = map[string][2]string{
	"nav.grid":               {"网格工作", "Grid work"},
	"nav.ledger":             {"排查台账", "Screening ledger"},
	"nav.diaries":            {"民情日记", "Field diaries"},
	"nav.grid_areas":         {"网格边界", "Grid areas"},
	"grid_areas.title":       {"网格边界", "Grid areas"},
	"grid_areas.help":        {"上传 GeoJSON 要素集合（FeatureCollection）：每个要素的属性 code 为网格、社区或街道的编码，几何为多边形。任一要素有误则整个文件不写入。", "Upload a GeoJSON FeatureCollection: each feature's property code names a grid, community or street, its geometry a polygon. One bad feature and nothing is written."},
	"grid_areas.file":        {"GeoJSON 文件", "GeoJSON file"},
	"grid_areas.upload":      {"上传", "Upload"},
	"grid_areas.done":        {"已更新 %d 个单位的边界：", "Areas set for %d units:"},
	"grid_areas.bad_feature": {"出错的是第 %s 个要素（从 0 数起），整个文件未写入。", "The feature at fault is number %s (counted from 0); nothing was written."},

	// How the capability's errors are worded (page.Say): its reasons and
	// the fields the core does not name.
	"why.grid_geojson":          {"文件不是 GeoJSON 要素集合（FeatureCollection）。", "The file is not a GeoJSON FeatureCollection."},
	"why.grid_features_count":   {"文件中没有要素，或要素超过 2000 个。", "The file holds no feature, or more than 2,000."},
	"why.grid_feature_code":     {"有要素不是 Feature，或没有用属性 code 指明单位。", "A feature is not a Feature or names no unit by its property code."},
	"why.grid_feature_shape":    {"有要素的几何不是有效的多边形（Polygon 或 MultiPolygon，环须闭合）。", "A feature's geometry is not a valid Polygon or MultiPolygon (rings must be closed)."},
	"why.grid_feature_unit":     {"有要素指明的单位不存在，或不在您管辖的范围内。", "A feature names a unit that does not exist or is not among your units."},
	"why.grid_feature_twice":    {"同一单位在文件中出现了两次。", "A unit is named twice in the file."},
	"why.grid_outside_campaign": {"所选单位不在本次排查的范围内。", "That unit is outside the campaign's scope."},
	"why.grid_unit_not_yours":   {"所选单位不在您管理的范围内。", "That unit is not among the units you manage."},
	"why.grid_station_services": {"请填写站点提供的服务，每行一项，每项不超过 40 个字，最多 20 项。", "Name the station's services, one a line, each at most 40 characters, at most 20."},
	"why.grid_station_staff":    {"驻站人员须为本站所在单位的在岗工作人员，且能登记工单（网格员、坐席或派单员）。", "Staff must be active users of the station's units who may register work orders (grid workers, agents, dispatchers)."},
	"why.grid_station_closed":   {"该微管站已停用，不能再受理诉求。", "The station is closed and takes no requests."},
	"why.grid_item_ticket_open": {"该问题的整改工单尚未办结，不能再转一次工单。", "The item's work order is still open."},
	"field.services":            {"服务事项", "the services"},
	"field.staff_ids":           {"驻站人员", "the staff"},
	"field.service":             {"服务事项", "the service"},

	"grid.f.category":    {"类别", "Category"},
	"grid.f.description": {"问题描述", "Description"},
	"grid.f.address":     {"地址", "Address"},
	"grid.f.file":        {"现场照片", "Photos"},
	"grid.f.note":        {"说明", "Note"},
	"grid.f.title":       {"标题", "Title"},
	"grid.f.text":        {"日记内容", "Diary text"},
	"grid.f.deadline":    {"完成时限", "Deadline"},

	"grid.title":             {"网格工作", "Grid work"},
	"grid.report":            {"巡查上报", "Report a problem"},
	"grid.choose":            {"选择类别…", "Choose…"},
	"grid.class.part":        {"部件", "Public part"},
	"grid.class.event":       {"事件", "Event"},
	"grid.map_help":          {"在地图上点选位置（可选）。", "Tap the map to place it (optional)."},
	"grid.submit":            {"上报立案", "Report"},
	"grid.awaiting":          {"待我核查", "Awaiting my check"},
	"grid.check_note_ph":     {"未通过时请写明仍存在的问题", "If it fails, say what is still wrong"},
	"grid.pass":              {"核查通过，结案", "Passed: close"},
	"grid.fail":              {"核查未通过", "Not fixed"},
	"grid.none_awaiting":     {"没有待核查的回复。", "No replies to check."},
	"grid.diary":             {"今日民情日记", "Today's diary"},
	"grid.diary_help":        {"系统已根据今天的走访、上报、核查、微管站受理和工单起草，补充民情后提交即可。", "Drafted from today's visits, reports, checks, station requests and tickets; add what residents told you and submit."},
	"grid.diary_open":        {"打开日记", "Open the diary"},
	"grid.diary_draft":       {"查看草稿", "See the draft"},
	"grid.mine":              {"我的上报", "My reports"},
	"grid.ticket":            {"工单", "Ticket"},
	"grid.status":            {"状态", "Status"},
	"grid.reported":          {"上报时间", "Reported"},
	"grid.none_mine":         {"尚无上报。", "No reports yet."},
	"grid.no_formalism":      {"本系统不要求打卡，不统计在线时长，不对网格员积分排名。", "No forced check-in, no online-time statistics, no points ranking of staff."},
	"grid.grid":              {"网格", "Grid"},
	"grid.checks":            {"核查次数", "Checks"},
	"grid.failed_checks":     {"未通过", "failed"},
	"grid.go_check":          {"去核查", "Check it"},
	"grid.timeline":          {"处理经过", "Timeline"},
	"grid.result.pass":       {"通过", "passed"},
	"grid.result.fail":       {"未通过", "failed"},
	"grid_report.title":      {"网格上报", "Grid report"},
	"rs.registered":          {"已立案", "Registered"},
	"rs.dispatched":          {"已派遣", "Dispatched"},
	"rs.handling":            {"处置中", "Being handled"},
	"rs.awaiting_check":      {"待核查", "Awaiting check"},
	"rs.check_failed":        {"核查未通过", "Check failed"},
	"rs.verified":            {"核查通过", "Verified"},
	"rs.closed":              {"已结案", "Closed"},
	"rs.cancelled":           {"不予立案", "Cancelled"},
	"gcat.P01":               {"公用设施类", "Public utilities"},
	"gcat.P02":               {"道路交通类", "Roads and traffic"},
	"gcat.P03":               {"市容环境类", "Cityscape and sanitation"},
	"gcat.P04":               {"园林绿化类", "Parks and greenery"},
	"gcat.P05":               {"房屋土地类", "Buildings and land"},
	"gcat.P06":               {"其他设施类", "Other facilities"},
	"gcat.E01":               {"市容环境类", "Cityscape and sanitation"},
	"gcat.E02":               {"宣传广告类", "Advertising"},
	"gcat.E03":               {"施工管理类", "Construction"},
	"gcat.E04":               {"突发事件类", "Emergencies"},
	"gcat.E05":               {"街面秩序类", "Street order"},
	"gcat.E06":               {"其他事件类", "Other events"},
	"gtl.report":             {"上报", "Reported"},
	"gtl.follow_ticket":      {"工单进展", "Ticket moved"},
	"gtl.check":              {"现场核查", "Checked on the spot"},
	"gtl.create":             {"保存", "Saved"},
	"gtl.edit":               {"修改", "Edited"},
	"gtl.submit":             {"提交", "Submitted"},
	"gtl.read":               {"已阅", "Read"},
	"gtl.comment":            {"评论", "Comment"},
	"ds.draft":               {"草稿", "Draft"},
	"ds.submitted":           {"已提交", "Submitted"},
	"ds.read":                {"社区已阅", "Read"},
	"grid_diary.title":       {"民情日记", "Field diary"},
	"grid_diary.help":        {"草稿由系统根据当天工作自动生成，不必重复填写；“重新生成”只更新系统部分，保留“民情记事”后您写的内容。", "The system drafts it from the day's work, so nothing is typed twice; Redraft updates its part and keeps what you wrote after 民情记事."},
	"grid_diary.save":        {"保存", "Save"},
	"grid_diary.redraft":     {"重新生成", "Redraft"},
	"grid_diary.submit":      {"提交", "Submit"},
	"grid_diary.comments":    {"评论与记录", "Comments"},
	"grid_diary.of":          {"%s 的民情日记 · %s", "Diary of %s · %s"},
	"grid_diary.comment":     {"评论", "Comment"},
	"grid_diary.send":        {"发表评论", "Post"},
	"grid_diary.mark_read":   {"标记已阅", "Mark read"},
	"grid_diaries.title":     {"民情日记", "Field diaries"},
	"grid_diaries.day":       {"日期", "Day"},
	"grid_diaries.author":    {"网格员", "Grid worker"},
	"grid_diaries.none":      {"尚无提交的日记。", "No diaries submitted yet."},
	"grid_figures.title":     {"网格与台账统计", "Grid and ledger figures"},
	"grid_figures.reports":   {"网格上报", "Grid reports"},
	"grid_figures.total":     {"共 %d 件", "%d in all"},
	"grid_figures.pass_rate": {"首次核查通过率", "Passed at first check"},
	"grid_figures.count":     {"件数", "Count"},
	"grid_figures.ledgers":   {"排查台账进度", "Ledger progress"},

	"ledger.title":                 {"排查台账", "Screening ledger"},
	"ledger.campaign":              {"排查活动", "Campaign"},
	"ledger.found":                 {"排查发现", "Found"},
	"ledger.ticked_off":            {"已销号", "Ticked off"},
	"ledger.open":                  {"未销号", "Open"},
	"ledger.overdue":               {"超期", "Overdue"},
	"ledger.scope":                 {"范围", "Scope"},
	"ledger.none":                  {"尚无排查活动。", "No campaigns yet."},
	"ledger.new":                   {"发起排查", "New campaign"},
	"ledger.start":                 {"发起", "Start"},
	"ledger.public_link":           {"公开进度", "Public summary"},
	"ledger.found_n":               {"排查发现 %d 个问题", "%d problems found"},
	"ledger.ticked_n":              {"已销号 %d 个", "%d ticked off"},
	"ledger.assigned":              {"已交办", "Assigned"},
	"ledger.rectifying":            {"整改中", "Rectifying"},
	"ledger.submitted":             {"待核验", "Awaiting verification"},
	"ledger.reopened":              {"回头看反弹", "Relapsed"},
	"ledger.verified_only":         {"只有经另一人核验并销号的问题才计为已解决。", "Only problems verified and ticked off by a second person count as solved."},
	"ledger.unassigned":            {"未交办", "Not assigned"},
	"ledger.all":                   {"全部状态", "All statuses"},
	"ledger.filter":                {"筛选", "Filter"},
	"ledger.export":                {"导出 Excel", "Export to Excel"},
	"ledger.no_items":              {"没有符合条件的问题。", "No items."},
	"ledger.add":                   {"登记排查发现的问题", "Record a problem found"},
	"ledger.inspect":               {"逐项排查", "Check a place"},
	"ledger.inspect_help":          {"按排查清单逐项填写；答“否”或勾选“有问题”的项目自动登记为台账问题，不必重复填写。", "Answer the checklist; each “no”, and each answer marked a problem, becomes a ledger item by itself."},
	"ledger.inspect_submit":        {"提交排查结果", "Record the check"},
	"ledger.no":                    {"否", "no"},
	"ledger.is_problem":            {"有问题", "A problem"},
	"ledger.problem_note":          {"问题说明（可选）", "What is wrong (optional)"},
	"ledger.checklist":             {"排查清单（可选）", "Checklist (optional)"},
	"ledger.checklist_ph":          {"消防通道是否畅通\n数字|楼道内停放电动车数量\n文字|其他情况", "Is the fire escape clear?\nnumber|Electric bikes parked inside\ntext|Anything else"},
	"ledger.checklist_help":        {"每行一项；默认为“是/否”题，“数字|”开头为数字题，“文字|”开头为文字题。", "One question a line: yes/no by default, “数字|” for a number, “文字|” for words."},
	"ok.inspected":                 {"排查结果已记录，发现的问题已登记入台账。", "The check is recorded; the problems it found are on the ledger."},
	"why.grid_checklist":           {"排查清单有误：每项一行，不超过 200 字，最多 50 项。", "The checklist is at fault: one question a line, at most 200 characters, at most 50 questions."},
	"why.grid_no_checklist":        {"该排查活动没有排查清单。", "The campaign has no checklist."},
	"why.grid_answer":              {"有一项的回答不符合要求（是否题选“是”或“否”，数字题填数字）。", "An answer is not of its question's kind (yes or no; a number)."},
	"why.grid_answer_all":          {"请回答清单中的每一项。", "Answer every question of the checklist."},
	"field.checklist":              {"排查清单", "the checklist"},
	"field.answers":                {"排查回答", "the answers"},
	"auditobj.ledger_inspection":   {"逐项排查", "Checklist inspection"},
	"auditact.inspect":             {"逐项排查", "Checked a place"},
	"ledger.add_submit":            {"登记", "Record"},
	"ledger.sheet":                 {"台账", "Ledger"},
	"ledger.x_title":               {"%s 问题台账（排查发现 %d 个，已销号 %d 个）", "%s ledger (%d found, %d ticked off)"},
	"ledger.public_counts":         {"排查发现 %d 个问题，已逐个销号 %d 个", "%d problems found, %d ticked off one by one"},
	"ledger.public_open":           {"尚未销号的问题（%d）及原因", "Open problems (%d) and why"},
	"ledger.why_open":              {"未销号原因", "Why it is open"},
	"ledger.all_ticked":            {"全部问题已销号。", "Every problem is ticked off."},
	"lx.seq":                       {"序号", "No."},
	"lx.problem":                   {"问题描述", "Problem"},
	"lx.category":                  {"问题类别", "Category"},
	"lx.severity":                  {"严重程度", "Severity"},
	"lx.place":                     {"地点", "Place"},
	"lx.unit":                      {"所在网格/社区", "Grid or community"},
	"lx.responsible":               {"责任单位", "Responsible unit"},
	"lx.deadline":                  {"整改时限", "Deadline"},
	"lx.status":                    {"整改状态", "Status"},
	"lx.overdue":                   {"是否超期", "Overdue"},
	"lx.evidence":                  {"整改情况", "Rectification"},
	"lx.ticked_off_by":             {"销号核验人", "Verified by"},
	"lx.ticked_off_at":             {"销号时间", "Ticked off"},
	"lx.rechecked_at":              {"回头看时间", "Re-inspected"},
	"lx.ticket":                    {"关联工单", "Work order"},
	"lx.relapses":                  {"反弹次数", "Relapses"},
	"lx.yes":                       {"是", "yes"},
	"is.found":                     {"排查发现", "Found"},
	"is.assigned":                  {"已交办", "Assigned"},
	"is.rectifying":                {"整改中", "Rectifying"},
	"is.submitted":                 {"待核验", "Awaiting verification"},
	"is.ticked_off":                {"已销号", "Ticked off"},
	"is.reopened":                  {"回头看反弹", "Relapsed"},
	"ia.found":                     {"排查发现", "Found"},
	"ia.assign":                    {"交办", "Assign"},
	"ia.start":                     {"开始整改", "Start rectifying"},
	"ia.submit":                    {"提交核验", "Submit for verification"},
	"ia.return":                    {"退回整改", "Return"},
	"ia.tick_off":                  {"核验销号", "Verify and tick off"},
	"ia.recheck":                   {"回头看：未反弹", "Re-inspected: holds"},
	"ia.relapse":                   {"回头看：反弹", "Re-inspected: relapsed"},
	"ia.open_ticket":               {"转为工单办理", "Open a work order"},
	"ia.ticket_reopened":           {"工单重办，重新整改", "Its work order was reopened"},
	"sev.normal":                   {"一般", "Normal"},
	"sev.major":                    {"重大", "Major"},
	"lwhy.found":                   {"待交办", "Not yet assigned"},
	"lwhy.assigned":                {"已交办，待整改", "Assigned, not started"},
	"lwhy.rectifying":              {"整改中", "Being rectified"},
	"lwhy.submitted":               {"已整改，待核验销号", "Rectified, awaiting verification"},
	"lwhy.reopened":                {"回头看发现反弹，重新整改", "Relapsed at re-inspection"},
	"lwhy.overdue":                 {"已超过整改时限", "Past its deadline"},
	"ledger_item.title":            {"第 %d 号问题 · %s", "Item %d · %s"},
	"ledger_item.act":              {"办理", "Act"},
	"ledger_item.note.start":       {"说明（可选）", "Note (optional)"},
	"ledger_item.note.submit":      {"整改情况（必填）", "What was done (required)"},
	"ledger_item.note.return":      {"退回原因（必填）", "Why (required)"},
	"ledger_item.note.tick_off":    {"核验意见（必填）", "Verification (required)"},
	"ledger_item.note.recheck":     {"回头看情况（可选）", "Re-inspection (optional)"},
	"ledger_item.note.relapse":     {"反弹情况（必填）", "What relapsed (required)"},
	"ledger_item.note.open_ticket": {"补充说明（可选，写入工单）", "Note for the work order (optional)"},
	"ledger_item.ticket":           {"整改工单", "Work order"},
	"ledger_item.ticket_help":      {"工单办结即自动销号；工单重办则问题重新整改。", "The work order's close ticks the item off; its reopen reopens the item."},

	"ok.grid_reported":         {"已上报并生成工单。", "Reported; the ticket is registered."},
	"ok.grid_checked_pass":     {"核查通过，工单已结案。", "Passed; the ticket is closed."},
	"ok.grid_checked_fail":     {"已记录核查未通过，等待重办。", "Recorded as not fixed; the ticket will be reopened."},
	"ok.diary_save":            {"日记已保存。", "Diary saved."},
	"ok.diary_redraft":         {"已按今天的工作重新生成。", "Redrafted from today's work."},
	"ok.diary_submit":          {"日记已提交社区。", "Diary submitted."},
	"ok.diary_read":            {"已标记已阅。", "Marked read."},
	"ok.diary_comment":         {"评论已发表。", "Comment posted."},
	"ok.item_assign":           {"已交办。", "Assigned."},
	"ok.item_start":            {"已开始整改。", "Rectification started."},
	"ok.item_submit":           {"已提交核验。", "Submitted for verification."},
	"ok.item_return":           {"已退回整改。", "Returned."},
	"ok.item_tick_off":         {"已销号。", "Ticked off."},
	"ok.item_recheck":          {"回头看已记录。", "Re-inspection recorded."},
	"ok.item_relapse":          {"已重新打开。", "Reopened."},
	"ok.item_open_ticket":      {"已转为工单，工单办结后自动销号。", "The work order is registered; its close ticks the item off."},
	"auditobj.grid_report":     {"网格上报", "Grid report"},
	"auditobj.ledger_campaign": {"排查活动", "Screening campaign"},
	"auditobj.ledger_item":     {"台账问题", "Ledger item"},
	"auditobj.field_diary":     {"民情日记", "Field diary"},
	"auditact.follow_ticket":   {"随工单更新", "Followed its ticket"},
	"auditact.tick_off":        {"销号", "Ticked off"},
	"auditact.recheck":         {"回头看", "Re-inspected"},
	"auditact.relapse":         {"回头看反弹", "Relapsed"},
	"auditact.open_ticket":     {"转为工单", "Opened a work order"},
	"auditact.ticket_reopened": {"工单重办", "Its work order was reopened"},
}
