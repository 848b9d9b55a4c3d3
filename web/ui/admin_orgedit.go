package ui

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/org"
)

// The row forms of the units and categories pages: rename, disable or
// enable again (district admins; the service refuses others).

// checked reads a checkbox of a row form.
func checked(v string) *bool {
	on := v == "1" || v == "on"
	return &on
}

// editRow runs the row form of an admin list (page name at path) for
// the {id} of the request's path: the list again after the change, or
// with the refusal in the row (action prefix:id).
func (u *UI) editRow(w http.ResponseWriter, r *http.Request, me *org.User, name, path, prefix string, data any,
	change func(id int64, vals url.Values) error) error {
	vals, _, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := change(id, vals); err != nil {
		form, err := refused(prefix+":"+strconv.FormatInt(id, 10), err, vals)
		if err != nil {
			return err
		}
		return u.adminPage(w, r, me, name, path, http.StatusBadRequest, form, data)
	}
	redirect(w, r, path+"?ok=saved")
	return nil
}

func (u *UI) adminUpdateUnit(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return u.editRow(w, r, me, "admin_units", "/admin/units", "unit", org.UnitKinds, func(id int64, vals url.Values) error {
		name := vals.Get("name")
		_, err := u.svc.UpdateUnit(r.Context(), me, id, app.UnitChange{Name: &name, Active: checked(vals.Get("active"))})
		return err
	})
}

func (u *UI) adminUpdateCategory(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return u.editRow(w, r, me, "admin_categories", "/admin/categories", "category", nil, func(id int64, vals url.Values) error {
		name, nameEN := vals.Get("name"), vals.Get("name_en")
		_, err := u.svc.UpdateCategory(r.Context(), me, id, app.CategoryChange{Name: &name, NameEN: &nameEN, Active: checked(vals.Get("active"))})
		return err
	})
}
