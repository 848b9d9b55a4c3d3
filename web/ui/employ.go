package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	appemploy "github.com/minsheng/minsheng/app/employ"
	"github.com/minsheng/minsheng/capability"
	"github.com/minsheng/minsheng/employ"
	"github.com/minsheng/minsheng/org"
)

// This file holds the pages of job matching (the employ capability,
// 城西e就业): the employers' page (their companies, a new post, their
// posts; for staff also the review queue, verification and the arrears
// flag, and the figures), a post's page (its lifecycle, applicants with
// the match and an audited reveal, matching seekers; a seeker applies
// there), the seeker's own phone page, the caseworkers' phone pages of
// seekers and follow-ups, and the leaders' figures. Refused forms keep
// their input and are worded with page.Say.

type employPages struct {
	forms
	emp *appemploy.Service
}

var (
	employStaff       = appemploy.StaffRoles
	employCaseworkers = appemploy.CaseworkerRoles
	employEmployers   = append([]org.Role{org.RoleEmployer}, appemploy.StaffRoles...)
	employAnyone      = append(append([]org.Role{org.RoleEmployer, org.RoleWorker}, appemploy.CaseworkerRoles...), org.RoleLeader)
)

// EmployPages returns the pages of the employ capability.
func (u *UI) EmployPages(svc *appemploy.Service) []capability.Route {
	p := &employPages{forms: forms{UI: u}, emp: svc}
	return []capability.Route{
		{Pattern: "GET /jobs/employers", Handler: u.staff(p.employers, employEmployers...)},
		{Pattern: "POST /jobs/employers", Handler: u.staff(p.registerEmployer, employEmployers...)},
		{Pattern: "POST /jobs/employers/{id}/verify", Handler: u.staff(p.verify, employStaff...)},
		{Pattern: "POST /jobs/employers/{id}/arrears", Handler: u.staff(p.arrears, employStaff...)},
		{Pattern: "POST /jobs/posts", Handler: u.staff(p.createPost, employEmployers...)},
		{Pattern: "GET /jobs/posts/{id}", Handler: u.staff(p.post, employAnyone...)},
		{Pattern: "POST /jobs/posts/{id}/act/{action}", Handler: u.staff(p.actPost, employEmployers...)},
		{Pattern: "POST /jobs/posts/{id}/edit", Handler: u.staff(p.editPost, employEmployers...)},
		{Pattern: "POST /jobs/posts/{id}/apply", Handler: u.staff(p.apply, append([]org.Role{org.RoleWorker}, employCaseworkers...)...)},
		{Pattern: "POST /jobs/applications/{id}/act/{action}", Handler: u.staff(p.actApplication, employAnyone...)},
		{Pattern: "POST /jobs/seekers/{id}/reveal", Handler: u.staff(p.reveal, append([]org.Role{org.RoleEmployer}, employCaseworkers...)...)},
		{Pattern: "GET /jobs/me", Handler: u.staff(p.me, org.RoleWorker)},
		{Pattern: "POST /jobs/me", Handler: u.staff(p.registerMe, org.RoleWorker)},
		{Pattern: "POST /jobs/me/subscription", Handler: u.staff(p.subscription, org.RoleWorker)},
		{Pattern: "GET /jobs/seekers", Handler: u.staff(p.seekers, employCaseworkers...)},
		{Pattern: "POST /jobs/seekers", Handler: u.staff(p.registerSeeker, employCaseworkers...)},
		{Pattern: "GET /jobs/seekers/{id}", Handler: u.staff(p.seeker, employCaseworkers...)},
		{Pattern: "POST /jobs/follow-ups/{id}/{month}", Handler: u.staff(p.followUp, employCaseworkers...)},
		{Pattern: "POST /jobs/seekers/{id}/caseworker", Handler: u.staff(p.takeSeeker, employCaseworkers...)},
		{Pattern: "GET /jobs/figures", Handler: u.staff(p.figures, appemploy.ReaderRoles...)},
	}
}

// EmployNav are the capability's entries in the navigation.
var EmployNav = []capability.NavItem{
	{Label: "nav.jobs_employers", Path: "/jobs/employers", Roles: []org.Role{org.RoleEmployer, org.RoleAdmin}},
	{Label: "nav.jobs_me", Path: "/jobs/me", Roles: []org.Role{org.RoleWorker}},
	{Label: "nav.jobs_seekers", Path: "/jobs/seekers", Roles: []org.Role{org.RoleGridWorker}},
	{Label: "nav.jobs_figures", Path: "/jobs/figures", Roles: []org.Role{org.RoleLeader}},
}

// pathInt reads an id from the path: ENOTFOUND when it is not one.
func pathInt(r *http.Request, name, what string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, minsheng.Errorf(minsheng.ENOTFOUND, "%s %q not found", what, r.PathValue(name))
	}
	return n, nil
}

func atoiOr0(s string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(s))
	return n
}

// --- the employers' page ---

type employersData struct {
	Staff     bool
	Employers []employ.Employer
	Posts     []*employ.Post
	Review    []*employ.Post
	Figures   *appemploy.Figures
	Kinds     []employ.Kind
	Groups    []string
	Today     string
}

// LastDay is the last day a post is open (its expiry is the midnight
// after it), or "".
func (employersData) LastDay(p *employ.Post) string { return lastDay(p) }

func lastDay(p *employ.Post) string {
	if p.ExpiresAt == nil {
		return ""
	}
	return p.ExpiresAt.Add(-time.Second).In(employ.China).Format("2006-01-02")
}

// Published counts the published posts of the figures.
func (d employersData) Published() int {
	if d.Figures == nil {
		return 0
	}
	return d.Figures.Posts[employ.PostPublished]
}

func (p *employPages) employersPage(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
	d := employersData{Staff: me.HasAny(employStaff...), Kinds: employ.Kinds, Groups: employ.MajorGroups,
		Today: p.svc.Clock().Now().In(employ.China).Format("2006-01-02")}
	var err error
	if d.Employers, err = p.emp.Employers(r.Context(), me); err != nil {
		return err
	}
	if d.Posts, err = p.emp.Posts(r.Context(), me, appemploy.PostFilter{Limit: 200}); err != nil {
		return err
	}
	if d.Staff {
		for _, x := range d.Posts {
			if x.Status == employ.PostInReview {
				d.Review = append(d.Review, x)
			}
		}
		if d.Figures, err = p.emp.Figures(r.Context(), me); err != nil {
			return err
		}
	}
	pg := p.newPage(w, r, me, "/jobs/employers")
	pg.Title = pg.T("emp.employers_title")
	pg.Form, pg.Data = form, d
	p.render(w, status, pg, "employ/employers")
	return nil
}

func (p *employPages) employers(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.employersPage(w, r, me, http.StatusOK, nil)
}

func (p *employPages) registerEmployer(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.submit(w, r, me, p.employersPage, "employer", func(f *sentForm) (string, error) {
		vals := f.Vals
		_, err := p.emp.RegisterEmployer(r.Context(), me, appemploy.EmployerInput{Name: vals.Get("name"), CreditCode: vals.Get("credit_code"),
			ContactName: vals.Get("contact_name"), ContactPhone: vals.Get("contact_phone"), Area: vals.Get("area")})
		return "/jobs/employers?ok=emp_registered", err
	})
}

func (p *employPages) verify(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.submit(w, r, me, p.employersPage, "verify:"+r.PathValue("id"), func(*sentForm) (string, error) {
		id, err := pathInt(r, "id", "employer")
		if err == nil {
			_, err = p.emp.VerifyEmployer(r.Context(), me, id)
		}
		return "/jobs/employers?ok=emp_verified", err
	})
}

func (p *employPages) arrears(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.submit(w, r, me, p.employersPage, "arrears:"+r.PathValue("id"), func(f *sentForm) (string, error) {
		id, err := pathInt(r, "id", "employer")
		if err == nil {
			_, err = p.emp.FlagArrears(r.Context(), me, id, f.Vals.Get("arrears") == "1", f.Vals.Get("note"))
		}
		return "/jobs/employers?ok=emp_arrears", err
	})
}

// postInput reads a post's form.
func postInput(vals url.Values) appemploy.PostInput {
	in := appemploy.PostInput{Title: vals.Get("title"), Occupation: vals.Get("occupation"), Kind: employ.Kind(vals.Get("kind")),
		SalaryMin: atoiOr0(vals.Get("salary_min")), SalaryMax: atoiOr0(vals.Get("salary_max")), Hours: vals.Get("hours"),
		Area: vals.Get("area"), Place: vals.Get("place"), Openings: atoiOr0(vals.Get("openings")), Needs: vals.Get("requirements")}
	in.EmployerID, _ = strconv.ParseInt(vals.Get("employer_id"), 10, 64)
	if d, err := time.ParseInLocation("2006-01-02", vals.Get("work_day"), employ.China); err == nil {
		in.WorkDay = &d
	}
	return in
}

func (p *employPages) createPost(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := p.parseForm(w, r)
	if err != nil {
		return err
	}
	post, err := p.emp.CreatePost(r.Context(), me, postInput(vals))
	if err != nil {
		return p.redraw(p.employersPage, w, r, me, "post", err, vals)
	}
	if vals.Get("submit") == "1" {
		if _, err := p.emp.ActPost(r.Context(), me, post.ID, employ.PostSubmit, ""); err != nil {
			return p.postPage(w, r, me, post.ID, 0, &formState{Action: "submit", Err: err}, nil)
		}
		redirect(w, r, "/jobs/posts/"+strconv.FormatInt(post.ID, 10)+"?ok=emp_submitted")
		return nil
	}
	redirect(w, r, "/jobs/posts/"+strconv.FormatInt(post.ID, 10)+"?ok=emp_drafted")
	return nil
}

// --- a post's page ---

type postData struct {
	V        *appemploy.PostView
	Worker   bool // the reader is a seeker with a profile who may apply
	Applied  bool
	Match    *employ.Match // the worker's match
	Revealed *appemploy.Contact
	Kinds    []employ.Kind
}

// LastDay is the last day the post is open, or "".
func (d postData) LastDay() string { return lastDay(d.V.Post) }

// WorkDay is a gig's day for a date input.
func (d postData) WorkDay() string {
	if d.V.WorkDay == nil {
		return ""
	}
	return d.V.WorkDay.In(employ.China).Format("2006-01-02")
}

// May reports whether the reader may take the post action.
func (d postData) May(a string) bool {
	for _, x := range d.V.Actions {
		if string(x) == a {
			return true
		}
	}
	return false
}

func (p *employPages) postPage(w http.ResponseWriter, r *http.Request, me *org.User, id int64, status int, form *formState, revealed *appemploy.Contact) error {
	v, err := p.emp.Post(r.Context(), me, id)
	if err != nil {
		return err
	}
	d := postData{V: v, Revealed: revealed, Kinds: employ.Kinds}
	if me.Has(org.RoleWorker) {
		if sv, err := p.emp.Me(r.Context(), me); err == nil {
			d.Worker = true
			for _, o := range sv.Openings {
				if o.Post.ID == id {
					m := o.Match
					d.Match = &m
				}
			}
			for _, o := range sv.Applications {
				if o.Post.ID == id {
					d.Applied, d.Match = true, &o.Match
				}
			}
			if d.Match == nil {
				k := sv.Seeker
				m := employ.Score(v.Post, &k)
				d.Match = &m
			}
		} else if !minsheng.IsCode(err, minsheng.ENOTFOUND) {
			return err
		}
	}
	if status == 0 {
		status = http.StatusOK
		if form != nil {
			status = http.StatusConflict
		}
	}
	pg := p.newPage(w, r, me, "/jobs/employers")
	pg.Title = v.Title
	pg.Form, pg.Data = form, d
	p.render(w, status, pg, "employ/post")
	return nil
}

func (p *employPages) post(w http.ResponseWriter, r *http.Request, me *org.User) error {
	id, err := pathInt(r, "id", "post")
	if err != nil {
		return err
	}
	return p.postPage(w, r, me, id, http.StatusOK, nil, nil)
}

// postForms draws the page of the path's post with a refused form.
func (p *employPages) postForms(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
	id, err := pathInt(r, "id", "post")
	if err != nil {
		return err
	}
	return p.postPage(w, r, me, id, status, form, nil)
}

func (p *employPages) actPost(w http.ResponseWriter, r *http.Request, me *org.User) error {
	a := r.PathValue("action")
	return p.submit(w, r, me, p.postForms, a, func(f *sentForm) (string, error) {
		id, err := pathInt(r, "id", "post")
		if err != nil {
			return "", err
		}
		_, err = p.emp.ActPost(r.Context(), me, id, employ.PostAction(a), f.Vals.Get("note"))
		return "/jobs/posts/" + strconv.FormatInt(id, 10) + "?ok=emp_post_" + a, err
	})
}

// editPost rewrites a draft (one sent back by review) and, with
// submit=1, sends it to review again.
func (p *employPages) editPost(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.submit(w, r, me, p.postForms, "edit", func(f *sentForm) (string, error) {
		id, err := pathInt(r, "id", "post")
		if err != nil {
			return "", err
		}
		if _, err := p.emp.EditPost(r.Context(), me, id, postInput(f.Vals)); err != nil {
			return "", err
		}
		ok := "emp_drafted"
		if f.Vals.Get("submit") == "1" {
			if _, err := p.emp.ActPost(r.Context(), me, id, employ.PostSubmit, ""); err != nil {
				return "", err
			}
			ok = "emp_submitted"
		}
		return "/jobs/posts/" + strconv.FormatInt(id, 10) + "?ok=" + ok, nil
	})
}

func (p *employPages) apply(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := p.parseForm(w, r)
	if err != nil {
		return err
	}
	id, err := pathInt(r, "id", "post")
	if err != nil {
		return err
	}
	seeker, _ := strconv.ParseInt(vals.Get("seeker_id"), 10, 64)
	if _, err := p.emp.Apply(r.Context(), me, id, seeker, vals.Get("note")); err != nil {
		if seeker != 0 {
			return p.redraw(p.seekerForms(seeker), w, r, me, "apply:"+strconv.FormatInt(id, 10), err, vals)
		}
		return p.redraw(p.postForms, w, r, me, "apply", err, vals)
	}
	if seeker != 0 {
		redirect(w, r, "/jobs/seekers/"+strconv.FormatInt(seeker, 10)+"?ok=emp_applied")
		return nil
	}
	redirect(w, r, "/jobs/me?ok=emp_applied")
	return nil
}

func (p *employPages) actApplication(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := p.parseForm(w, r)
	if err != nil {
		return err
	}
	id, err := pathInt(r, "id", "application")
	if err != nil {
		return err
	}
	a := r.PathValue("action")
	back := vals.Get("back")
	app, err := p.emp.ActApplication(r.Context(), me, id, employ.AppAction(a), vals.Get("note"))
	if err != nil {
		form, err := refusal("app:"+strconv.FormatInt(id, 10), err, vals)
		if err != nil {
			return err
		}
		status := formStatus(form)
		switch {
		case me.Has(org.RoleWorker) && !me.HasAny(employCaseworkers...):
			return p.mePage(w, r, me, status, form)
		case strings.HasPrefix(back, "/jobs/seekers/"):
			sid, _ := strconv.ParseInt(strings.TrimPrefix(back, "/jobs/seekers/"), 10, 64)
			return p.seekerPage(w, r, me, sid, status, form, nil)
		}
		postID, _ := strconv.ParseInt(vals.Get("post_id"), 10, 64)
		return p.postPage(w, r, me, postID, status, form, nil)
	}
	switch {
	case strings.HasPrefix(back, "/jobs/"):
		redirect(w, r, back+"?ok=emp_app_"+a)
	default:
		redirect(w, r, "/jobs/posts/"+strconv.FormatInt(app.PostID, 10)+"?ok=emp_app_"+a)
	}
	return nil
}

func (p *employPages) reveal(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := p.parseForm(w, r)
	if err != nil {
		return err
	}
	id, err := pathInt(r, "id", "seeker")
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	c, err := p.emp.RevealSeeker(r.Context(), me, id, vals.Get("reason"), clientIP(r))
	postID, _ := strconv.ParseInt(vals.Get("post_id"), 10, 64)
	action := "reveal:" + strconv.FormatInt(id, 10)
	if err != nil {
		form, err := refusal(action, err, vals)
		if err != nil {
			return err
		}
		status := formStatus(form)
		if postID != 0 {
			return p.postPage(w, r, me, postID, status, form, nil)
		}
		return p.seekerPage(w, r, me, id, status, form, nil)
	}
	if postID != 0 {
		return p.postPage(w, r, me, postID, http.StatusOK, nil, c)
	}
	return p.seekerPage(w, r, me, id, http.StatusOK, nil, c)
}

// --- the seeker's own page ---

type meData struct {
	V      *appemploy.SeekerView // nil before registering
	Kinds  []employ.Kind
	Groups []string
}

func (p *employPages) mePage(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
	d := meData{Kinds: employ.Kinds, Groups: employ.MajorGroups}
	v, err := p.emp.Me(r.Context(), me)
	if err != nil && !minsheng.IsCode(err, minsheng.ENOTFOUND) {
		return err
	}
	d.V = v
	pg := p.newPage(w, r, me, "/jobs/me")
	pg.Title = pg.T("emp.me_title")
	pg.Form, pg.Data = form, d
	p.render(w, status, pg, "employ/me")
	return nil
}

func (p *employPages) me(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.mePage(w, r, me, http.StatusOK, nil)
}

// seekerInput reads a seeker's form.
func seekerInput(vals url.Values) appemploy.SeekerInput {
	in := appemploy.SeekerInput{Name: vals.Get("name"), Phone: vals.Get("phone"), IDNumber: vals.Get("id_number"), Area: vals.Get("area"),
		SalaryMin: atoiOr0(vals.Get("salary_min")), Hard: vals.Get("hard") == "1", Consent: vals.Get("consent") == "1",
		Subscribed: vals.Get("subscribed") == "1"}
	for _, s := range strings.FieldsFunc(vals.Get("skills"), func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == '、' }) {
		in.Skills = append(in.Skills, s)
	}
	for _, k := range vals["kinds"] {
		in.Kinds = append(in.Kinds, employ.Kind(k))
	}
	return in
}

func (p *employPages) registerMe(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.submit(w, r, me, p.mePage, "seeker", func(f *sentForm) (string, error) {
		_, err := p.emp.RegisterSeeker(r.Context(), me, seekerInput(f.Vals))
		return "/jobs/me?ok=emp_seeker_registered", err
	})
}

// subscription turns the seeker's pushes on or off (off also when they
// withdraw their consent to be contacted).
func (p *employPages) subscription(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := p.parseForm(w, r)
	if err != nil {
		return err
	}
	v, err := p.emp.Me(r.Context(), me)
	if err != nil {
		return err
	}
	if err := p.emp.Subscribe(r.Context(), me, v.Seeker.ID, vals.Get("consent") == "1", vals.Get("subscribed") == "1"); err != nil {
		return p.redraw(p.mePage, w, r, me, "subscription", err, vals)
	}
	redirect(w, r, "/jobs/me?ok=emp_subscription")
	return nil
}

// --- the caseworkers' pages ---

type seekersData struct {
	Seekers   []employ.Seeker
	FollowUps []appemploy.FollowUpView
	Mine      bool
	Kinds     []employ.Kind
	Groups    []string
	Outcomes  []employ.Outcome
	Now       time.Time
}

func (p *employPages) seekersPage(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
	d := seekersData{Mine: r.URL.Query().Get("mine") != "0", Kinds: employ.Kinds, Groups: employ.MajorGroups, Outcomes: employ.Outcomes,
		Now: p.svc.Clock().Now()}
	var err error
	if d.Seekers, err = p.emp.Seekers(r.Context(), me, d.Mine); err != nil {
		return err
	}
	if d.FollowUps, err = p.emp.FollowUps(r.Context(), me, false); err != nil {
		return err
	}
	pg := p.newPage(w, r, me, "/jobs/seekers")
	pg.Title = pg.T("emp.seekers_title")
	pg.Form, pg.Data = form, d
	p.render(w, status, pg, "employ/seekers")
	return nil
}

func (p *employPages) seekers(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.seekersPage(w, r, me, http.StatusOK, nil)
}

func (p *employPages) registerSeeker(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.submit(w, r, me, p.seekersPage, "seeker", func(f *sentForm) (string, error) {
		k, err := p.emp.RegisterSeeker(r.Context(), me, seekerInput(f.Vals))
		if err != nil {
			return "", err
		}
		return "/jobs/seekers/" + strconv.FormatInt(k.ID, 10) + "?ok=emp_seeker_registered", nil
	})
}

type seekerData struct {
	Mine     bool // the reader is the seeker's caseworker
	V        *appemploy.SeekerView
	Revealed *appemploy.Contact
	Outcomes []employ.Outcome
	Now      time.Time
}

func (p *employPages) seekerPage(w http.ResponseWriter, r *http.Request, me *org.User, id int64, status int, form *formState, revealed *appemploy.Contact) error {
	v, err := p.emp.Seeker(r.Context(), me, id)
	if err != nil {
		return err
	}
	pg := p.newPage(w, r, me, "/jobs/seekers")
	pg.Title = v.Seeker.Name
	pg.Form, pg.Data = form, seekerData{V: v, Revealed: revealed, Outcomes: employ.Outcomes, Now: p.svc.Clock().Now(), Mine: v.Seeker.Caseworker == me.ID}
	p.render(w, status, pg, "employ/seeker")
	return nil
}

// seekerForms draws the seeker's page with a refused form.
func (p *employPages) seekerForms(id int64) formPage {
	return func(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
		return p.seekerPage(w, r, me, id, status, form, nil)
	}
}

func (p *employPages) seeker(w http.ResponseWriter, r *http.Request, me *org.User) error {
	id, err := pathInt(r, "id", "seeker")
	if err != nil {
		return err
	}
	return p.seekerPage(w, r, me, id, http.StatusOK, nil, nil)
}

// takeSeeker makes the caseworker the seeker's own.
func (p *employPages) takeSeeker(w http.ResponseWriter, r *http.Request, me *org.User) error {
	if _, _, err := p.parseForm(w, r); err != nil {
		return err
	}
	id, err := pathInt(r, "id", "seeker")
	if err != nil {
		return err
	}
	if _, err := p.emp.AssignCaseworker(r.Context(), me, id, 0); err != nil {
		return p.redraw(p.seekerForms(id), w, r, me, "caseworker", err, nil)
	}
	redirect(w, r, "/jobs/seekers/"+strconv.FormatInt(id, 10)+"?ok=emp_taken")
	return nil
}

func (p *employPages) followUp(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.submit(w, r, me, p.seekersPage, "followup:"+r.PathValue("id")+":"+r.PathValue("month"), func(f *sentForm) (string, error) {
		id, err := pathInt(r, "id", "application")
		if err != nil {
			return "", err
		}
		month, err := strconv.Atoi(r.PathValue("month"))
		if err != nil {
			return "", minsheng.Errorf(minsheng.ENOTFOUND, "follow-up %q not found", r.PathValue("month"))
		}
		_, err = p.emp.RecordFollowUp(r.Context(), me, id, month, appemploy.FollowUpInput{Outcome: employ.Outcome(f.Vals.Get("outcome")),
			Note: f.Vals.Get("note")})
		return "/jobs/seekers?ok=emp_followed_up", err
	})
}

// --- figures ---

func (p *employPages) figures(w http.ResponseWriter, r *http.Request, me *org.User) error {
	f, err := p.emp.Figures(r.Context(), me)
	if err != nil {
		return err
	}
	pg := p.newPage(w, r, me, "/jobs/figures")
	pg.Title = pg.T("emp.figures")
	pg.Data = empFiguresData{F: f}
	p.render(w, http.StatusOK, pg, "employ/figures")
	return nil
}

type empFiguresData struct{ F *appemploy.Figures }

// Days is the median days to placement, or a dash.
func (d empFiguresData) Days() string {
	if d.F.DaysToPlacement == nil {
		return "—"
	}
	return strconv.FormatFloat(*d.F.DaysToPlacement, 'f', 1, 64)
}

// Rate is a retention rate in per cent, or a dash.
func (empFiguresData) Rate(r appemploy.Retention) string {
	if r.Rate == nil {
		return "—"
	}
	return strconv.FormatFloat(*r.Rate*100, 'f', 0, 64) + "%"
}
