package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	appproject "github.com/minsheng/minsheng/app/project"
	"github.com/minsheng/minsheng/capability"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/personal"
	"github.com/minsheng/minsheng/project"
	"github.com/minsheng/minsheng/store"
)

// This file holds the pages of the public livelihood projects (the
// project capability): the public page of the year's projects (no
// sign-in, no personal data) where residents leave suggestions that
// become tickets, and the staff pages where the responsible unit reports
// milestones and progress from a phone, with the XLSX export.

type projectPages struct {
	*UI
	prj *appproject.Service
}

// ProjectPages returns the pages of the project capability.
func (u *UI) ProjectPages(svc *appproject.Service) []capability.Route {
	p := &projectPages{UI: u, prj: svc}
	staff := []org.Role{org.RoleAdmin, org.RoleLeader, org.RoleHandler}
	return []capability.Route{
		{Pattern: "GET /projects", Handler: u.handle(p.public)},
		{Pattern: "POST /projects/{code}/suggest", Handler: u.handle(p.suggest)},
		{Pattern: "POST /projects/{code}/follow", Handler: u.handle(p.follow)},
		{Pattern: "POST /projects/{code}/rate", Handler: u.handle(p.rate)},
		{Pattern: "POST /projects/{code}/follow/confirm", Handler: u.handle(p.confirmFollow)},
		{Pattern: "GET /projects/unfollow", Handler: u.handle(p.unfollowPage)},
		{Pattern: "POST /projects/unfollow", Handler: u.handle(p.unfollow)},
		{Pattern: "GET /projects/manage", Handler: u.staff(p.manage, staff...)},
		{Pattern: "GET /projects/export.xlsx", Handler: u.staff(p.export, staff...)},
		{Pattern: "GET /projects/manage/{code}", Handler: u.staff(p.show, staff...)},
		{Pattern: "POST /projects/manage/{code}/report", Handler: u.staff(p.report, staff...)},
		{Pattern: "POST /projects/manage/{code}/act/{action}", Handler: u.staff(p.act, staff...)},
		{Pattern: "POST /projects/manage/{code}/photos", Handler: u.staff(p.addPhotos, staff...)},
		{Pattern: "GET /projects/{code}/photos/{id}", Handler: u.handle(p.photo)},
	}
}

// ProjectNav is the project capability's entry in the staff navigation.
var ProjectNav = []capability.NavItem{{Label: "nav.projects", Path: "/projects/manage",
	Roles: []org.Role{org.RoleAdmin, org.RoleLeader}}}

// projectYear is the year a page shows: ?year=, else the current one.
func (p *projectPages) projectYear(r *http.Request) int {
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= 2000 && y <= 2100 {
		return y
	}
	return p.svc.Clock().Now().In(china).Year()
}

type projectPublicData struct {
	Year     int
	Projects []appproject.PublicView
	Done     string // the number of the ticket a suggestion became
	Key      string
	// Follow is the code of the project whose follow awaits its SMS code
	// (the phone is in the form's values); Followed the one just followed;
	// Rated the one just rated.
	Follow, Followed, Rated string
}

// Stars are the choices of the rating form.
func (projectPublicData) Stars() []int { return []int{5, 4, 3, 2, 1} }

func (p *projectPages) publicPage(w http.ResponseWriter, r *http.Request, status int, form *formState, done string) error {
	year := p.projectYear(r)
	ps, err := p.prj.Public(r.Context(), year)
	if err != nil {
		return err
	}
	pg := p.newPage(w, r, p.user(r), "/projects")
	pg.Title = pg.T("prj.public_title", year)
	d := projectPublicData{Year: year, Projects: ps, Done: done, Key: newKey()}
	if f, ok := strings.CutPrefix(done, "follow:"); ok {
		d.Done, d.Follow = "", f
	} else if f, ok := strings.CutPrefix(done, "followed:"); ok {
		d.Done, d.Followed = "", f
	} else if f, ok := strings.CutPrefix(done, "rated:"); ok {
		d.Done, d.Rated = "", f
	}
	if form != nil {
		if f, ok := strings.CutPrefix(form.Action, "confirm:"); ok {
			d.Follow = f
		}
	}
	pg.Form, pg.Data = form, d
	p.render(w, status, pg, "project/public")
	return nil
}

func (p *projectPages) public(w http.ResponseWriter, r *http.Request) error {
	return p.publicPage(w, r, http.StatusOK, nil, "")
}

// suggest registers a resident's suggestion on a project as a ticket,
// limited per address and phone as the portal is.
func (p *projectPages) suggest(w http.ResponseWriter, r *http.Request) error {
	if !p.ipLimit.Allow(clientIP(r)) {
		return minsheng.Errorf(minsheng.ERATELIMIT, "too many requests from this address; try again later")
	}
	vals, _, err := p.parseForm(w, r)
	if err != nil {
		return err
	}
	code := r.PathValue("code")
	action := "suggest:" + code
	bad := func(field string) error {
		pg := p.newPage(w, r, nil, "/projects")
		return p.publicPage(w, r, http.StatusBadRequest, &formState{Action: action, Field: field,
			Message: pg.T("prj.err." + field), Values: vals}, "")
	}
	if vals.Get(honeypot) != "" {
		return p.publicPage(w, r, http.StatusOK, nil, "")
	}
	phone := personal.NormalizePhone(vals.Get("phone"))
	if phone != "" && !personal.ValidPhone(phone) {
		return bad("phone")
	}
	if phone != "" && !p.phoneLimit.Allow(phone) {
		return minsheng.Errorf(minsheng.ERATELIMIT, "too many requests for this phone number today; call the hotline")
	}
	rc, err := p.prj.Suggest(r.Context(), code, appproject.Suggestion{Text: vals.Get("text"), Phone: phone}, vals.Get("key"))
	if e, ok := err.(*minsheng.Error); ok && e.Code == minsheng.EINVALID {
		field := e.Field
		if field != "text" && field != "phone" {
			field = "text"
		}
		return bad(field)
	}
	if err != nil {
		return err
	}
	return p.publicPage(w, r, http.StatusOK, nil, rc.Ticket.Number)
}

type projectManageData struct {
	Year     int
	Projects []appproject.View
}

func (p *projectPages) manage(w http.ResponseWriter, r *http.Request, me *org.User) error {
	year := p.projectYear(r)
	vs, err := p.prj.List(r.Context(), me, year)
	if err != nil {
		return err
	}
	pg := p.newPage(w, r, me, "/projects/manage")
	pg.Title = pg.T("prj.manage_title", year)
	pg.Data = projectManageData{Year: year, Projects: vs}
	p.render(w, http.StatusOK, pg, "project/manage")
	return nil
}

func (p *projectPages) export(w http.ResponseWriter, r *http.Request, me *org.User) error {
	year := p.projectYear(r)
	t, err := p.prj.Table(r.Context(), me, year)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename=\"projects-"+strconv.Itoa(year)+".xlsx\"; filename*=UTF-8''"+
		url.PathEscape(t.Title+".xlsx"))
	return t.WriteXLSX(w)
}

type projectPageData struct {
	V        *appproject.View
	Timeline []store.TimelineEvent
	Next     int // the number of the next milestone to reach (0: none)
	Today    string
	Actions  []project.Action
	Now      time.Time
}

func (p *projectPages) projectPage(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
	v, tl, err := p.prj.Get(r.Context(), me, r.PathValue("code"))
	if err != nil {
		return err
	}
	now := p.svc.Clock().Now()
	d := projectPageData{V: v, Timeline: tl, Today: now.In(china).Format("2006-01-02"), Now: now}
	for i, m := range v.Milestones {
		if m.Actual == nil {
			d.Next = i + 1
			break
		}
	}
	if project.CheckActor(me, v.UnitPath) == nil {
		for _, a := range project.Actions {
			if _, err := project.Next(v.Status, a); err == nil {
				d.Actions = append(d.Actions, a)
			}
		}
	}
	pg := p.newPage(w, r, me, "/projects/manage")
	pg.Title = v.Code + " " + v.Title
	pg.Form, pg.Data = form, d
	p.render(w, status, pg, "project/project")
	return nil
}

func (p *projectPages) show(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.projectPage(w, r, me, http.StatusOK, nil)
}

// projectChange runs a staff form's change: back to the project page with
// ok, or the page with the refusal worded from its field.
func (p *projectPages) projectChange(w http.ResponseWriter, r *http.Request, me *org.User, action string, run func(url.Values) error) error {
	vals, _, err := p.parseForm(w, r)
	if err != nil {
		return err
	}
	if err := run(vals); err != nil {
		e := errorOf(err)
		if e == nil || (e.Code != minsheng.EINVALID && e.Code != minsheng.ECONFLICT) {
			return err
		}
		pg := p.newPage(w, r, me, "/projects/manage")
		field := medFieldRE.ReplaceAllString(e.Field, ".")
		msg := pg.T("err.invalid.help")
		_, own := ProjectMessages["why."+e.Reason]
		switch {
		case own || e.Field == "file":
			msg = pg.Say(err)
		case e.Code == minsheng.ECONFLICT:
			msg = pg.T("prj.err.conflict")
		case pg.has("prj.err." + field):
			msg = pg.T("prj.err." + field)
		}
		return p.projectPage(w, r, me, http.StatusBadRequest, &formState{Action: action, Field: e.Field, Message: msg, Values: vals})
	}
	redirect(w, r, "/projects/manage/"+url.PathEscape(r.PathValue("code"))+"?ok=med_saved")
	return nil
}

func (p *projectPages) report(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.projectChange(w, r, me, "report", func(vals url.Values) error {
		var in appproject.Update
		if s := strings.TrimSpace(vals.Get("progress")); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				return minsheng.FieldError("progress", "a whole number")
			}
			in.Progress = &n
		}
		if vals.Get("reached") != "" {
			in.Milestone, _ = strconv.Atoi(vals.Get("milestone"))
			at, err := parseLocal("actual", vals.Get("actual"))
			if err != nil {
				return err
			}
			if !at.IsZero() {
				in.Actual = &at
			}
			in.Evidence = vals.Get("evidence")
		}
		_, err := p.prj.Report(r.Context(), me, r.PathValue("code"), in)
		return err
	})
}

func (p *projectPages) act(w http.ResponseWriter, r *http.Request, me *org.User) error {
	a := r.PathValue("action")
	return p.projectChange(w, r, me, a, func(vals url.Values) error {
		_, err := p.prj.Act(r.Context(), me, r.PathValue("code"), project.Action(a), vals.Get("explanation"))
		return err
	})
}

// Late reports whether a milestone is past its day unreached.
func (d projectPageData) Late(m project.Milestone) bool {
	return m.Actual == nil && d.Now.After(m.Planned.Add(24*time.Hour))
}

// wan formats yuan as 万元 with one decimal: 4835000 → "483.5".
func wan(yuan int64) string { return strconv.FormatFloat(float64(yuan)/10000, 'f', 1, 64) }

// Wan formats a budget in 万元.
func (projectPublicData) Wan(yuan int64) string { return wan(yuan) }

// Wan formats a budget in 万元.
func (projectManageData) Wan(yuan int64) string { return wan(yuan) }

// Wan formats a budget in 万元.
func (projectPageData) Wan(yuan int64) string { return wan(yuan) }

// NextTitle names the next milestone to reach.
func (d projectPageData) NextTitle() string {
	if d.Next == 0 {
		return ""
	}
	return d.V.Milestones[d.Next-1].Title
}

// day formats a day in China.
func day(t any) string {
	switch v := t.(type) {
	case time.Time:
		return v.In(china).Format("2006-01-02")
	case *time.Time:
		if v != nil {
			return v.In(china).Format("2006-01-02")
		}
	}
	return ""
}

// Date formats a milestone's day.
func (projectPublicData) Date(t any) string { return day(t) }

// Date formats a milestone's day.
func (projectPageData) Date(t any) string { return day(t) }
