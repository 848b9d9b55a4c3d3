package ui

import (
	"net/http"
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

func (u *UI) adminUpdateUnit(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	name := vals.Get("name")
	if _, err := u.svc.UpdateUnit(r.Context(), me, id, app.UnitChange{Name: &name, Active: checked(vals.Get("active"))}); err != nil {
		form, err := refused("unit:"+strconv.FormatInt(id, 10), err, vals)
		if err != nil {
			return err
		}
		return u.adminPage(w, r, me, "admin_units", "/admin/units", http.StatusBadRequest, form, org.UnitKinds)
	}
	redirect(w, r, "/admin/units?ok=saved")
	return nil
}

func (u *UI) adminUpdateCategory(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	name, nameEN := vals.Get("name"), vals.Get("name_en")
	c := app.CategoryChange{Name: &name, NameEN: &nameEN, Active: checked(vals.Get("active"))}
	if _, err := u.svc.UpdateCategory(r.Context(), me, id, c); err != nil {
		form, err := refused("category:"+strconv.FormatInt(id, 10), err, vals)
		if err != nil {
			return err
		}
		return u.adminPage(w, r, me, "admin_categories", "/admin/categories", http.StatusBadRequest, form, nil)
	}
	redirect(w, r, "/admin/categories?ok=saved")
	return nil
}
