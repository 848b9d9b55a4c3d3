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
	"github.com/minsheng/minsheng/app/mediation"
	"github.com/minsheng/minsheng/capability"
	dom "github.com/minsheng/minsheng/mediation"
	"github.com/minsheng/minsheng/org"
)

// This file holds the mediators' pages (the mediation capability): the
// list of cases with the form that opens one (from a hotline ticket, a
// walk-in or a referral), and the case page with its parties, sessions,
// notes, agreement and schedule, and timeline. Both work on a phone: the
// forms are single columns and the tables fold into cards.

type mediationPages struct {
	*UI
	med *mediation.Service
}

// MediationPages returns the pages of the mediation capability.
func (u *UI) MediationPages(svc *mediation.Service) []capability.Route {
	p := &mediationPages{UI: u, med: svc}
	read := []org.Role{org.RoleMediator, org.RoleAdmin, org.RoleLeader}
	open := []org.Role{org.RoleMediator, org.RoleAgent, org.RoleDispatcher, org.RoleGridWorker}
	m := org.RoleMediator
	return []capability.Route{
		{Pattern: "GET /mediation", Handler: u.staff(p.list, append(read, open...)...)},
		{Pattern: "POST /mediation/cases", Handler: u.staff(p.register, open...)},
		{Pattern: "GET /mediation/cases/{ref}", Handler: u.staff(p.show, read...)},
		{Pattern: "POST /mediation/cases/{ref}/act/{action}", Handler: u.staff(p.act, m, org.RoleAdmin)},
		{Pattern: "POST /mediation/cases/{ref}/sessions", Handler: u.staff(p.schedule, m)},
		{Pattern: "POST /mediation/cases/{ref}/sessions/{seq}", Handler: u.staff(p.record, m)},
		{Pattern: "POST /mediation/cases/{ref}/notes", Handler: u.staff(p.note, m)},
		{Pattern: "POST /mediation/cases/{ref}/agreement", Handler: u.staff(p.agree, m)},
		{Pattern: "POST /mediation/cases/{ref}/instalments/{seq}", Handler: u.staff(p.paid, m)},
		{Pattern: "POST /mediation/cases/{ref}/judicial", Handler: u.staff(p.judicial, m)},
		{Pattern: "POST /mediation/cases/{ref}/parties/{id}/reveal", Handler: u.staff(p.reveal, m)},
		{Pattern: "POST /mediation/cases/{ref}/parties", Handler: u.staff(p.addParty, m)},
		{Pattern: "POST /mediation/cases/{ref}/signatures/send", Handler: u.staff(p.sendCode, m)},
		{Pattern: "POST /mediation/cases/{ref}/signatures/{id}", Handler: u.staff(p.confirm, m)},
		{Pattern: "POST /mediation/cases/{ref}/scans", Handler: u.staff(p.scans, m)},
		{Pattern: "GET /mediation/cases/{ref}/files/{id}", Handler: u.staff(p.file, m)},
		{Pattern: "POST /mediation/cases/{ref}/visit", Handler: u.staff(p.visit, m)},
		{Pattern: "GET /mediation/sign/{token}", Handler: u.handle(p.signPage)},
		{Pattern: "POST /mediation/sign/{token}", Handler: u.handle(p.sign)},
	}
}

// MediationNav is the mediation capability's entry in the navigation.
var MediationNav = []capability.NavItem{{Label: "nav.mediation", Path: "/mediation",
	Roles: []org.Role{org.RoleMediator, org.RoleLeader}}}

// medListData is the case list page.
type medListData struct {
	Cases    []*dom.Case
	Status   string
	Statuses []dom.Status
	Types    []dom.Type
	Sources  []dom.Source
	Figures  *mediation.Figures
	MayOpen  bool
	MayRead  bool
	Ticket   string // a ticket number to open a case from (?ticket=)
	// DaysLeft are the days left to apply for 司法确认, by case id, of
	// the agreements in force not yet brought to the court.
	DaysLeft map[int64]int
	Sides    []dom.Side
	// Mediated counts the cases mediated to an end (agreement or
	// failure), Ended the agreements whose performance ended: the
	// denominators shown beside the rates.
	Mediated, Ended int
}

func (p *mediationPages) listPage(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
	d := medListData{Status: r.URL.Query().Get("status"), Statuses: dom.Statuses, Types: dom.Types, Sources: dom.Sources,
		MayOpen: me.HasAny(org.RoleMediator, org.RoleAgent, org.RoleDispatcher, org.RoleGridWorker),
		MayRead: me.HasAny(org.RoleMediator, org.RoleAdmin, org.RoleLeader), Ticket: r.URL.Query().Get("ticket"),
		Sides: []dom.Side{dom.SideApplicant, dom.SideRespondent}}
	if d.MayRead {
		var err error
		if d.Cases, err = p.med.List(r.Context(), me, mediation.ListFilter{Status: dom.Status(d.Status)}); err != nil {
			return err
		}
		if d.DaysLeft, err = p.med.JudicialDaysLeft(r.Context(), me, d.Cases); err != nil {
			return err
		}
		now := p.svc.Clock().Now()
		if d.Figures, err = p.med.Figures(r.Context(), me, now.AddDate(-1, 0, 0), now.Add(time.Second)); err != nil {
			return err
		}
		d.Mediated, d.Ended = d.Figures.Agreements+d.Figures.Failed, d.Figures.Performed+d.Figures.Defaulted
	}
	pg := p.newPage(w, r, me, "/mediation")
	pg.Title = pg.T("med.title")
	pg.Form, pg.Data = form, d
	p.render(w, status, pg, "mediation/cases")
	return nil
}

func (p *mediationPages) list(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.listPage(w, r, me, http.StatusOK, nil)
}

// JudicialTracked reports whether a case's 司法确认 period is tracked.
func (d medListData) JudicialTracked(id int64) bool {
	_, ok := d.DaysLeft[id]
	return ok
}

// JudicialLeft is the days left to apply for 司法确认 of a tracked case.
func (d medListData) JudicialLeft(id int64) int { return d.DaysLeft[id] }

// medFieldRE takes the index out of a list field ("parties.1.phone").
var medFieldRE = regexp.MustCompile(`\.\d+\.`)

// medRefused turns an invalid input or a conflict into the form state to
// show beside the form, worded from the error's code and field in the
// page's language; other errors are returned as they are.
func medRefused(pg *page, action string, err error, vals url.Values) (*formState, error) {
	var e *minsheng.Error
	if !errors.As(err, &e) || (e.Code != minsheng.EINVALID && e.Code != minsheng.ECONFLICT &&
		!(e.Reason != "" && (e.Code == minsheng.ERATELIMIT || e.Code == minsheng.ENOTFOUND))) {
		return nil, err
	}
	field := medFieldRE.ReplaceAllString(e.Field, ".")
	msg := pg.T("err.invalid.help")
	_, own := MediationMessages["why."+e.Reason]
	switch {
	case own:
		msg = pg.Say(err)
	case e.Code == minsheng.ECONFLICT && pg.has("med.err.conflict."+field):
		msg = pg.T("med.err.conflict." + field)
	case e.Code == minsheng.ECONFLICT:
		msg = pg.T("med.err.conflict")
	case pg.has("med.err." + field):
		msg = pg.T("med.err." + field)
	case e.Reason != "" && pg.has("why."+e.Reason):
		msg = pg.Say(err)
	}
	return &formState{Action: action, Field: e.Field, Message: msg, Values: vals}, nil
}

func (p *mediationPages) register(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := p.parseForm(w, r)
	if err != nil {
		return err
	}
	in := mediation.Registration{NewCase: dom.NewCase{Type: dom.Type(vals.Get("type")), Source: dom.Source(vals.Get("source")),
		Title: vals.Get("title"), Summary: vals.Get("summary"), Address: vals.Get("address"), ReferredBy: vals.Get("referred_by"),
		TicketRef: vals.Get("ticket")}}
	if in.TicketRef != "" && in.Source == "" {
		in.Source = dom.SourceHotline
	}
	for _, side := range []dom.Side{dom.SideApplicant, dom.SideRespondent} {
		if name := strings.TrimSpace(vals.Get(string(side) + "_name")); name != "" || vals.Get(string(side)+"_phone") != "" {
			in.Parties = append(in.Parties, dom.NewParty{Side: side, Kind: dom.PartyKind(vals.Get(string(side) + "_kind")), Name: name,
				Phone: vals.Get(string(side) + "_phone"), IDNumber: vals.Get(string(side) + "_id_number")})
		}
	}
	c, err := p.med.Register(r.Context(), me, in)
	if err != nil {
		pg := p.newPage(w, r, me, "/mediation")
		form, err := medRefused(pg, "register", err, vals)
		if err != nil {
			return err
		}
		return p.listPage(w, r, me, http.StatusBadRequest, form)
	}
	if !me.HasAny(org.RoleMediator, org.RoleAdmin, org.RoleLeader) {
		redirect(w, r, "/mediation?ok=med_registered&number="+url.QueryEscape(c.Number))
		return nil
	}
	redirect(w, r, "/mediation/cases/"+url.PathEscape(c.Number)+"?ok=med_registered")
	return nil
}

// medCaseData is the case page.
type medCaseData struct {
	V        *mediation.CaseView
	Revealed *dom.Party // a party just revealed, on the answer to the reveal form
	Today    string     // for date inputs
	Now      time.Time
}

// PartyName names a party by id for the notes (masked).
func (d medCaseData) PartyName(id int64) string {
	for _, p := range d.V.Parties {
		if p.ID == id {
			return p.Name
		}
	}
	return ""
}

// May reports whether the user may take the action now.
func (d medCaseData) May(a string) bool {
	for _, x := range d.V.Actions {
		if string(x) == a {
			return true
		}
	}
	return false
}

// DaysLeft is the days left to apply for 司法确认 (0 without).
func (d medCaseData) DaysLeft() int {
	if d.V.JudicialDaysLeft == nil {
		return 0
	}
	return *d.V.JudicialDaysLeft
}

// Yuan formats fen as yuan.
func (medCaseData) Yuan(fen int64) string { return dom.Yuan(fen) }

// InMediation reports whether sessions and the agreement may be recorded.
func (d medCaseData) InMediation() bool {
	s := d.V.Case.Status
	return s == dom.StatusAccepted || s == dom.StatusInvestigating || s == dom.StatusInMediation
}

// Unsigned reports whether the agreement awaits signatures by SMS code.
func (d medCaseData) Unsigned() bool { return d.V.Agreement != nil && d.V.Agreement.SignedAt == nil }

// MayAddParty reports whether a party may join the case now.
func (d medCaseData) MayAddParty() bool { return d.V.MayWrite && dom.MayAddParty(d.V.Case.Status) }

// MayVisit reports whether the return visit may be recorded now.
func (d medCaseData) MayVisit() bool { return d.V.MayWrite && dom.MayVisit(d.V.Case.Status) }

// VisitResults and Satisfactions are the choices of the visit form.
func (medCaseData) VisitResults() []dom.VisitResult { return dom.VisitResults }

// Satisfactions are the satisfaction levels of the visit form.
func (medCaseData) Satisfactions() []dom.Satisfaction { return dom.Satisfactions }

// Performing reports whether instalments may be recorded.
func (d medCaseData) Performing() bool {
	return d.V.Case.Status == dom.StatusPerforming || d.V.Case.Status == dom.StatusDefaulted
}

// Overdue reports whether an instalment is overdue now.
func (d medCaseData) Overdue(in dom.Instalment) bool { return in.Overdue(d.Now) }

func (p *mediationPages) casePage(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState, revealed *dom.Party) error {
	v, err := p.med.Get(r.Context(), me, r.PathValue("ref"))
	if err != nil {
		return err
	}
	pg := p.newPage(w, r, me, "/mediation")
	pg.Title = v.Case.Number + " " + v.Case.Title
	pg.Form = form
	pg.Data = medCaseData{V: v, Revealed: revealed, Today: pg.now.In(china).Format("2006-01-02"), Now: pg.now}
	if revealed != nil {
		w.Header().Set("Cache-Control", "no-store")
	}
	p.render(w, status, pg, "mediation/case")
	return nil
}

func (p *mediationPages) show(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.casePage(w, r, me, http.StatusOK, nil, nil)
}

// change runs a form's change on the case: redirected back to the case
// with ok on success, the case page with the error beside the form
// otherwise.
func (p *mediationPages) change(w http.ResponseWriter, r *http.Request, me *org.User, action, ok string,
	run func(vals url.Values) error) error {
	vals, _, err := p.parseForm(w, r)
	if err != nil {
		return err
	}
	if err := run(vals); err != nil {
		form, err := medRefused(p.newPage(w, r, me, "/mediation"), action, err, vals)
		if err != nil {
			return err
		}
		return p.casePage(w, r, me, http.StatusBadRequest, form, nil)
	}
	redirect(w, r, "/mediation/cases/"+url.PathEscape(r.PathValue("ref"))+"?ok="+ok)
	return nil
}

func (p *mediationPages) act(w http.ResponseWriter, r *http.Request, me *org.User) error {
	a := r.PathValue("action")
	return p.change(w, r, me, a, "med_saved", func(vals url.Values) error {
		_, err := p.med.Act(r.Context(), me, r.PathValue("ref"), dom.Action(a), vals.Get("note"))
		return err
	})
}

// parseLocal reads a date or date-time typed in China's time; "" is zero.
func parseLocal(field, v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, v, china); err == nil {
			return t, nil
		}
	}
	return time.Time{}, minsheng.FieldError(field, "%s must be a date", field)
}

func (p *mediationPages) schedule(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.change(w, r, me, "session", "med_saved", func(vals url.Values) error {
		at, err := parseLocal("at", vals.Get("at"))
		if err != nil {
			return err
		}
		_, err = p.med.ScheduleSession(r.Context(), me, r.PathValue("ref"), mediation.NewSession{At: at, Place: vals.Get("place"),
			Participants: vals.Get("participants")})
		return err
	})
}

func (p *mediationPages) record(w http.ResponseWriter, r *http.Request, me *org.User) error {
	seq, _ := strconv.Atoi(r.PathValue("seq"))
	return p.change(w, r, me, "record:"+r.PathValue("seq"), "med_saved", func(vals url.Values) error {
		_, err := p.med.RecordSession(r.Context(), me, r.PathValue("ref"), seq, vals.Get("record"))
		return err
	})
}

func (p *mediationPages) note(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.change(w, r, me, "note", "med_saved", func(vals url.Values) error {
		party, _ := strconv.ParseInt(vals.Get("party_id"), 10, 64)
		_, err := p.med.AddNote(r.Context(), me, r.PathValue("ref"), mediation.NewNote{Body: vals.Get("body"), PartyID: party})
		return err
	})
}

// parseYuan reads an amount in yuan ("1500", "1500.5") as fen.
func parseYuan(field, v string) (int64, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	whole, frac, _ := strings.Cut(v, ".")
	if len(frac) > 2 {
		return 0, minsheng.FieldError(field, "at most two decimals")
	}
	frac += strings.Repeat("0", 2-len(frac))
	y, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil || y < 0 || y > 1e10 {
		return 0, minsheng.FieldError(field, "not an amount")
	}
	return y*100 + f, nil
}

func (p *mediationPages) agree(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.change(w, r, me, "agreement", "med_agreed", func(vals url.Values) error {
		eff, err := parseLocal("effective", vals.Get("effective"))
		if err != nil {
			return err
		}
		in := dom.NewAgreement{Terms: vals.Get("terms"), SignMode: dom.SignMode(vals.Get("sign_mode")), Effective: eff}
		total, err := parseYuan("amount", vals.Get("amount"))
		if err != nil {
			return err
		}
		if total > 0 {
			n, err := strconv.Atoi(strings.TrimSpace(vals.Get("instalments")))
			if err != nil {
				return minsheng.FieldError("instalments", "a whole number")
			}
			first, err := parseLocal("first_due", vals.Get("first_due"))
			if err != nil {
				return err
			}
			if first.IsZero() {
				return minsheng.FieldError("first_due", "the first instalment's day is required")
			}
			if in.Schedule, err = dom.SplitSchedule(total, n, first, vals.Get("what")); err != nil {
				return err
			}
		}
		var scans []app.Upload
		if r.MultipartForm != nil {
			if scans, err = p.uploads(r.MultipartForm.File["file"]); err != nil {
				return err
			}
		}
		_, err = p.med.RecordAgreement(r.Context(), me, r.PathValue("ref"), in, scans...)
		return err
	})
}

func (p *mediationPages) paid(w http.ResponseWriter, r *http.Request, me *org.User) error {
	seq, _ := strconv.Atoi(r.PathValue("seq"))
	return p.change(w, r, me, "paid:"+r.PathValue("seq"), "med_saved", func(url.Values) error {
		_, err := p.med.PayInstalment(r.Context(), me, r.PathValue("ref"), seq)
		return err
	})
}

func (p *mediationPages) judicial(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.change(w, r, me, "judicial", "med_saved", func(url.Values) error {
		_, err := p.med.ApplyJudicial(r.Context(), me, r.PathValue("ref"))
		return err
	})
}

// reveal answers with the case page showing the party unmasked, never
// with a redirect (the data must not travel in a URL nor be cached).
func (p *mediationPages) reveal(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := p.parseForm(w, r)
	if err != nil {
		return err
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	party, err := p.med.RevealParty(r.Context(), me, r.PathValue("ref"), id, vals.Get("reason"), minsheng.ClientAddr(r.Context()))
	if err != nil {
		form, err := medRefused(p.newPage(w, r, me, "/mediation"), "reveal:"+r.PathValue("id"), err, vals)
		if err != nil {
			return err
		}
		return p.casePage(w, r, me, http.StatusBadRequest, form, nil)
	}
	return p.casePage(w, r, me, http.StatusOK, nil, party)
}

// LastDay is the last day (China) on which 司法确认 may be applied for:
// the deadline is midnight at its end.
func (d medCaseData) LastDay() string {
	if d.V.Agreement == nil {
		return ""
	}
	return d.V.Agreement.JudicialDeadline.Add(-time.Second).In(china).Format("2006-01-02")
}
