package ui

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// kbPage lists or searches the knowledge base for staff.
func (u *UI) kbPage(w http.ResponseWriter, r *http.Request, me *org.User) error {
	q := r.URL.Query().Get("q")
	arts, err := u.svc.SearchArticles(r.Context(), me, q, 0, 50)
	if err != nil {
		return err
	}
	p := u.newPage(w, r, me, "/kb")
	p.Title = p.T("kb.title")
	rf, err := u.loadRefs(r.Context(), p)
	if err != nil {
		return err
	}
	p.R = rf
	p.Data = kbResults{Query: q, Articles: arts}
	u.render(w, http.StatusOK, p, "kb")
	return nil
}

func (u *UI) kbArticle(w http.ResponseWriter, r *http.Request, me *org.User) error {
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	a, err := u.svc.GetArticle(r.Context(), me, id)
	if err != nil {
		return err
	}
	p := u.newPage(w, r, me, "/kb")
	p.Title = a.Title
	rf, err := u.loadRefs(r.Context(), p)
	if err != nil {
		return err
	}
	p.R = rf
	p.Data = a
	u.render(w, http.StatusOK, p, "kb_article")
	return nil
}

// adminPage renders an admin page with the refs loaded.
func (u *UI) adminPage(w http.ResponseWriter, r *http.Request, me *org.User, name, path string, status int, form *formState, data any) error {
	p := u.newPage(w, r, me, path)
	p.Title = p.T(name + ".title")
	rf, err := u.loadRefs(r.Context(), p)
	if err != nil {
		return err
	}
	p.R, p.Form, p.Data = rf, form, data
	if err := u.calendarWarning(r.Context(), p, me); err != nil {
		return err
	}
	u.render(w, status, p, name)
	return nil
}

// calendarWarning warns the district's admins, on their pages, from
// November on, that next year's holiday notice is not loaded.
func (u *UI) calendarWarning(ctx context.Context, p *page, me *org.User) error {
	if kit.RequireDistrictAdmin(me) != nil {
		return nil
	}
	y, err := u.svc.MissingCalendarYear(ctx)
	if err != nil || y == 0 {
		return err
	}
	p.Warning = p.T("admin_calendar.missing", y, y)
	return nil
}

// formPage draws a page of forms, with the state of a refused one (nil:
// none).
type formPage func(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error

// showRefused answers a form the service refused: when the input was at
// fault, the page again with the error beside the form and its values
// kept (400); any other error is returned as it is.
func showRefused(page formPage, w http.ResponseWriter, r *http.Request, me *org.User, action string, err error, vals url.Values) error {
	form, err := refused(action, err, vals)
	if err != nil {
		return err
	}
	return page(w, r, me, http.StatusBadRequest, form)
}

// refused turns an invalid-input error into the form state to show it
// with; other errors are returned as they are.
func refused(action string, err error, vals map[string][]string) (*formState, error) {
	var e *minsheng.Error
	if errors.As(err, &e) && e.Code == minsheng.EINVALID {
		return &formState{Action: action, Field: e.Field, Err: e, Values: vals}, nil
	}
	return nil, err
}

func (u *UI) adminUnits(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return u.adminPage(w, r, me, "admin_units", "/admin/units", http.StatusOK, nil, org.UnitKinds)
}

func (u *UI) adminCreateUnit(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	parent, _ := strconv.ParseInt(vals.Get("parent_id"), 10, 64)
	_, err = u.svc.CreateUnit(r.Context(), me, app.NewUnit{ParentID: parent, Kind: org.UnitKind(vals.Get("kind")),
		Code: vals.Get("code"), Name: vals.Get("name")})
	if err != nil {
		form, err := refused("unit", err, vals)
		if err != nil {
			return err
		}
		return u.adminPage(w, r, me, "admin_units", "/admin/units", http.StatusBadRequest, form, org.UnitKinds)
	}
	redirect(w, r, "/admin/units?ok=saved")
	return nil
}

// usersData is the users page.
type usersData struct {
	Users []*org.User
	Roles []org.Role
	// NewGrants fills the new-user form: the least privilege, a
	// handler of the user's unit (an admin must type any more).
	NewGrants org.Role
}

func (u *UI) usersData(r *http.Request, me *org.User) (usersData, error) {
	users, err := u.svc.ListUsers(r.Context(), me)
	return usersData{Users: users, Roles: org.AllRoles, NewGrants: org.RoleHandler}, err
}

func (u *UI) adminUsers(w http.ResponseWriter, r *http.Request, me *org.User) error {
	d, err := u.usersData(r, me)
	if err != nil {
		return err
	}
	return u.adminPage(w, r, me, "admin_users", "/admin/users", http.StatusOK, nil, d)
}

func (u *UI) adminCreateUser(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	unit, _ := strconv.ParseInt(vals.Get("unit_id"), 10, 64)
	n := app.NewUser{Username: vals.Get("username"), Name: vals.Get("name"), Role: org.Role(vals.Get("role")),
		UnitID: unit, Password: vals.Get("password")}
	if v := vals.Get("grants"); v != "" || n.Role == "" {
		if n.Grants, err = org.ParseGrants(v); err != nil {
			return u.afterUserForm(w, r, me, "user", minsheng.FieldError("grants", "%s", err.Error()).Because("grants"), vals)
		}
	}
	_, err = u.svc.CreateUser(r.Context(), me, n)
	return u.afterUserForm(w, r, me, "user", err, vals)
}

func (u *UI) afterUserForm(w http.ResponseWriter, r *http.Request, me *org.User, action string, err error, vals map[string][]string) error {
	if err != nil {
		if minsheng.IsCode(err, minsheng.ECONFLICT) || store.IsUnique(err) {
			err = minsheng.FieldError("username", "this username is taken").Because("username_taken")
		}
		form, err := refused(action, err, vals)
		if err != nil {
			return err
		}
		delete(form.Values, "password")
		d, derr := u.usersData(r, me)
		if derr != nil {
			return derr
		}
		return u.adminPage(w, r, me, "admin_users", "/admin/users", http.StatusBadRequest, form, d)
	}
	redirect(w, r, "/admin/users?ok=saved")
	return nil
}

func (u *UI) adminUpdateUser(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	var c app.UserChange
	if v := vals.Get("name"); v != "" {
		c.Name = &v
	}
	if v := org.Role(vals.Get("role")); v != "" {
		c.Role = &v
	}
	if _, ok := vals["grants"]; ok {
		gs, err := org.ParseGrants(vals.Get("grants"))
		if err != nil {
			return u.afterUserForm(w, r, me, "user:"+r.PathValue("username"), minsheng.FieldError("grants", "%s", err.Error()).Because("grants"), vals)
		}
		c.Grants = &gs
	}
	if v, err := strconv.ParseInt(vals.Get("unit_id"), 10, 64); err == nil && v > 0 {
		c.UnitID = &v
	}
	active := vals.Get("active") == "1"
	c.Active = &active
	if v := vals.Get("password"); v != "" {
		c.Password = &v
	}
	_, err = u.svc.UpdateUser(r.Context(), me, r.PathValue("username"), c)
	return u.afterUserForm(w, r, me, "user:"+r.PathValue("username"), err, vals)
}

func (u *UI) adminCategories(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return u.adminPage(w, r, me, "admin_categories", "/admin/categories", http.StatusOK, nil, nil)
}

func (u *UI) adminCreateCategory(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	parent, _ := strconv.ParseInt(vals.Get("parent_id"), 10, 64)
	_, err = u.svc.CreateCategory(r.Context(), me, app.NewCategory{ParentID: parent, Code: vals.Get("code"),
		Name: vals.Get("name"), NameEN: vals.Get("name_en")})
	if err != nil {
		form, err := refused("category", err, vals)
		if err != nil {
			return err
		}
		return u.adminPage(w, r, me, "admin_categories", "/admin/categories", http.StatusBadRequest, form, nil)
	}
	redirect(w, r, "/admin/categories?ok=saved")
	return nil
}

func (u *UI) adminKB(w http.ResponseWriter, r *http.Request, me *org.User) error {
	arts, err := u.svc.ListArticles(r.Context(), me)
	if err != nil {
		return err
	}
	return u.adminPage(w, r, me, "admin_kb", "/admin/kb", http.StatusOK, nil, arts)
}

// kbEdit is the article form: a new article when A.ID is 0.
type kbEdit struct {
	A *store.Article
}

func (u *UI) adminKBEdit(w http.ResponseWriter, r *http.Request, me *org.User) error {
	a := &store.Article{Active: true}
	if s := r.PathValue("id"); s != "" {
		id, err := parseID(s)
		if err != nil {
			return err
		}
		if a, err = u.svc.GetArticle(r.Context(), me, id); err != nil {
			return err
		}
	}
	return u.adminPage(w, r, me, "admin_kb_edit", "/admin/kb", http.StatusOK, nil, kbEdit{A: a})
}

func (u *UI) adminKBSave(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	cat, _ := strconv.ParseInt(vals.Get("category_id"), 10, 64)
	in := app.ArticleInput{Title: vals.Get("title"), Body: vals.Get("body"), Tags: vals.Get("tags"), CategoryID: cat,
		Active: vals.Get("active") == "1"}
	var id int64
	if s := r.PathValue("id"); s != "" {
		if id, err = parseID(s); err != nil {
			return err
		}
		_, err = u.svc.UpdateArticle(r.Context(), me, id, in)
	} else {
		_, err = u.svc.CreateArticle(r.Context(), me, in)
	}
	if err != nil {
		form, err := refused("article", err, vals)
		if err != nil {
			return err
		}
		a := &store.Article{ID: id, Title: in.Title, Body: in.Body, Tags: in.Tags, CategoryID: cat, Active: in.Active}
		return u.adminPage(w, r, me, "admin_kb_edit", "/admin/kb", http.StatusBadRequest, form, kbEdit{A: a})
	}
	redirect(w, r, "/admin/kb?ok=saved")
	return nil
}
