package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	appresp "github.com/minsheng/minsheng/app/responsibility"
	"github.com/minsheng/minsheng/capability"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/responsibility"
)

// This file holds the pages of the leaders' responsibility assignments
// (包保): the board (包保台账) with the leaders ranked by what is overdue
// and the figures, an assignment's page where the leader or the
// responsible unit records a milestone done, links a work order and moves
// the matter, and the form that assigns a leader a matter. Phone-sized; a
// refused form comes back with what was typed.

type responsibilityPages struct {
	*UI
	resp *appresp.Service
}

// ResponsibilityPages returns the pages of the responsibility capability.
func (u *UI) ResponsibilityPages(svc *appresp.Service) []capability.Route {
	p := &responsibilityPages{UI: u, resp: svc}
	staff := []org.Role{org.RoleAdmin, org.RoleLeader, org.RoleHandler}
	assign := []org.Role{org.RoleAdmin, org.RoleLeader}
	return []capability.Route{
		{Pattern: "GET /responsibility", Handler: u.staff(p.board, staff...)},
		{Pattern: "GET /responsibility/new", Handler: u.staff(p.newForm, assign...)},
		{Pattern: "POST /responsibility", Handler: u.staff(p.create, assign...)},
		{Pattern: "GET /responsibility/{id}", Handler: u.staff(p.show, staff...)},
		{Pattern: "POST /responsibility/{id}/act/{action}", Handler: u.staff(p.act, staff...)},
		{Pattern: "POST /responsibility/{id}/milestones", Handler: u.staff(p.addMilestone, staff...)},
		{Pattern: "POST /responsibility/{id}/milestones/{seq}/done", Handler: u.staff(p.doneMilestone, staff...)},
		{Pattern: "POST /responsibility/{id}/tickets", Handler: u.staff(p.link, staff...)},
	}
}

// ResponsibilityNav is the capability's entry in the navigation: the
// board, for leaders and admins.
var ResponsibilityNav = []capability.NavItem{{Label: "nav.responsibility", Path: "/responsibility",
	Roles: []org.Role{org.RoleAdmin, org.RoleLeader}}}

// respFmt formats what the capability's pages show.
type respFmt struct{ now time.Time }

// Day shows a day in China.
func (respFmt) Day(t any) string { return day(t) }

// Late reports whether a milestone is overdue.
func (f respFmt) Late(m responsibility.Milestone) bool { return m.Overdue(f.now) }

// Rank numbers the board's rows from 1.
func (respBoardData) Rank(i int) int { return i + 1 }

type respBoardData struct {
	respFmt
	B       *appresp.Board
	Filter  appresp.Filter
	Kinds   []responsibility.Kind
	States  []responsibility.Status
	Assigns bool // the reader may assign matters
}

func (p *responsibilityPages) board(w http.ResponseWriter, r *http.Request, me *org.User) error {
	q := r.URL.Query()
	f := appresp.Filter{Kind: responsibility.Kind(q.Get("kind")), Status: responsibility.Status(q.Get("status"))}
	if v := q.Get("leader"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return minsheng.FieldError("leader_id", "not a number").Because("not_a_number")
		}
		f.LeaderID = id
	}
	b, err := p.resp.Board(r.Context(), me, f)
	if err != nil {
		return err
	}
	pg := p.newPage(w, r, me, "/responsibility")
	pg.Title = pg.T("resp.board_title")
	pg.Data = respBoardData{respFmt: respFmt{now: b.At}, B: b, Filter: f, Kinds: responsibility.Kinds, States: responsibility.Statuses,
		Assigns: me.HasAny(org.RoleAdmin, org.RoleLeader)}
	p.render(w, http.StatusOK, pg, "responsibility/board")
	return nil
}

type respNewData struct {
	Leaders, Units []appresp.Choice
	Kinds          []responsibility.Kind
	Rows           []respMilestoneRow // the milestones' rows, with what was typed
}

// respMilestoneRow is a row of the form's milestones.
type respMilestoneRow struct{ Title, Due string }

// respFormRows is how many milestones the assignment form offers.
const respFormRows = 4

func (p *responsibilityPages) assignPage(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
	leaders, units, err := p.resp.Choices(r.Context(), me)
	if err != nil {
		return err
	}
	pg := p.UI.newPage(w, r, me, "/responsibility")
	pg.Title = pg.T("resp.new_title")
	pg.Form = form
	rows := make([]respMilestoneRow, respFormRows)
	if form != nil {
		for i := range rows {
			if t := form.Values["ms_title"]; i < len(t) {
				rows[i].Title = t[i]
			}
			if d := form.Values["ms_due"]; i < len(d) {
				rows[i].Due = d[i]
			}
		}
	}
	pg.Data = respNewData{Leaders: leaders, Units: units, Kinds: responsibility.Kinds, Rows: rows}
	p.render(w, status, pg, "responsibility/new")
	return nil
}

func (p *responsibilityPages) newForm(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.assignPage(w, r, me, http.StatusOK, nil)
}

// refused turns an input error into the form to show again; other errors
// are returned as they are.
func respRefused(action string, err error, vals url.Values) (*formState, error) {
	e := errorOf(err)
	if e != nil && (e.Code == minsheng.EINVALID || e.Code == minsheng.ECONFLICT) {
		return &formState{Action: action, Field: e.Field, Err: err, Values: vals}, nil
	}
	return nil, err
}

// milestoneRows reads the form's milestones: titles and days in
// parallel lists, blank rows left out.
func milestoneRows(vals url.Values) ([]responsibility.Milestone, error) {
	titles, dues := vals["ms_title"], vals["ms_due"]
	var out []responsibility.Milestone
	for i, t := range titles {
		d := ""
		if i < len(dues) {
			d = dues[i]
		}
		if strings.TrimSpace(t) == "" && strings.TrimSpace(d) == "" {
			continue
		}
		at, err := parseLocal("due", d)
		if err != nil {
			return nil, err.(*minsheng.Error).Because("not_a_date")
		}
		out = append(out, responsibility.Milestone{Title: t, Due: at})
	}
	return out, nil
}

func (p *responsibilityPages) create(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := p.parseForm(w, r)
	if err != nil {
		return err
	}
	run := func() (*responsibility.Assignment, error) {
		in := responsibility.New{Kind: responsibility.Kind(vals.Get("kind")), Title: vals.Get("title"), Summary: vals.Get("summary"),
			Goal: vals.Get("goal")}
		in.LeaderID, _ = strconv.ParseInt(vals.Get("leader_id"), 10, 64)
		in.UnitID, _ = strconv.ParseInt(vals.Get("unit_id"), 10, 64)
		ms, err := milestoneRows(vals)
		if err != nil {
			return nil, err
		}
		in.Milestones = ms
		return p.resp.Create(r.Context(), me, in)
	}
	a, err := run()
	if err != nil {
		form, err := respRefused("create", err, vals)
		if err != nil {
			return err
		}
		return p.assignPage(w, r, me, http.StatusBadRequest, form)
	}
	redirect(w, r, "/responsibility/"+strconv.FormatInt(a.ID, 10)+"?ok=resp_saved")
	return nil
}

type respItemData struct {
	respFmt
	D     *appresp.Detail
	Today string
}

func (p *responsibilityPages) itemPage(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
	id, err := hhID(r)
	if err != nil {
		return err
	}
	d, err := p.resp.Get(r.Context(), me, id)
	if err != nil {
		return err
	}
	now := p.svc.Clock().Now()
	pg := p.UI.newPage(w, r, me, "/responsibility")
	pg.Title = d.Title
	pg.Form = form
	pg.Data = respItemData{respFmt: respFmt{now: now}, D: d, Today: now.In(china).AddDate(0, 0, 14).Format(time.DateOnly)}
	p.render(w, status, pg, "responsibility/item")
	return nil
}

func (p *responsibilityPages) show(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.itemPage(w, r, me, http.StatusOK, nil)
}

// change runs a form's change on the assignment: back to its page with
// ok, or the page again with the refusal worded and the input kept.
func (p *responsibilityPages) change(w http.ResponseWriter, r *http.Request, me *org.User, action string, run func(id int64, vals url.Values) error) error {
	vals, _, err := p.parseForm(w, r)
	if err != nil {
		return err
	}
	id, err := hhID(r)
	if err != nil {
		return err
	}
	if err := run(id, vals); err != nil {
		form, err := respRefused(action, err, vals)
		if err != nil {
			return err
		}
		return p.itemPage(w, r, me, http.StatusBadRequest, form)
	}
	redirect(w, r, "/responsibility/"+strconv.FormatInt(id, 10)+"?ok=resp_saved")
	return nil
}

func (p *responsibilityPages) act(w http.ResponseWriter, r *http.Request, me *org.User) error {
	a := r.PathValue("action")
	return p.change(w, r, me, "act:"+a, func(id int64, vals url.Values) error {
		_, err := p.resp.Act(r.Context(), me, id, responsibility.Action(a), vals.Get("note"))
		return err
	})
}

func (p *responsibilityPages) addMilestone(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.change(w, r, me, "milestone", func(id int64, vals url.Values) error {
		due, err := parseLocal("due", vals.Get("due"))
		if err != nil {
			return err.(*minsheng.Error).Because("not_a_date")
		}
		_, err = p.resp.AddMilestone(r.Context(), me, id, responsibility.Milestone{Title: vals.Get("title"), Due: due})
		return err
	})
}

func (p *responsibilityPages) doneMilestone(w http.ResponseWriter, r *http.Request, me *org.User) error {
	seq := r.PathValue("seq")
	return p.change(w, r, me, "done:"+seq, func(id int64, vals url.Values) error {
		n, err := strconv.Atoi(seq)
		if err != nil {
			return minsheng.FieldError("seq", "not a number").Because("out_of_range")
		}
		_, err = p.resp.DoneMilestone(r.Context(), me, id, n, vals.Get("note"))
		return err
	})
}

func (p *responsibilityPages) link(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.change(w, r, me, "link", func(id int64, vals url.Values) error {
		_, err := p.resp.LinkTicket(r.Context(), me, id, vals.Get("ticket"))
		return err
	})
}
