package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/minsheng/minsheng"
	hh "github.com/minsheng/minsheng/app/household"
	"github.com/minsheng/minsheng/capability"
	"github.com/minsheng/minsheng/household"
	"github.com/minsheng/minsheng/org"
)

// This file holds the page of likely duplicate households: each pair side
// by side, masked, with why it is suggested and the request to merge the
// second into the first — a change request that other community staff
// approve on the approvals page.

// HouseholdDuplicatePages returns the duplicates page and its merge form.
func (u *UI) HouseholdDuplicatePages(svc *hh.Service) []capability.Route {
	p := &householdPages{UI: u, hh: svc}
	roles := []org.Role{org.RoleAdmin, org.RoleHandler, org.RoleGridWorker}
	return []capability.Route{
		{Pattern: "GET /household-duplicates", Handler: u.staff(p.duplicates, roles...)},
		{Pattern: "POST /household-duplicates/merge", Handler: u.staff(p.requestMerge, roles...)},
		{Pattern: "POST /household-duplicates/not", Handler: u.staff(p.notDuplicate, roles...)},
	}
}

// duplicatesData is the duplicates page.
type duplicatesData struct {
	hhFmt
	*hh.Duplicates
	UnitID int64
}

// Sides are the two households of a pair, the one kept first.
func (duplicatesData) Sides(p household.Duplicate) []*household.Household {
	return []*household.Household{p.A, p.B}
}

func (u *householdPages) duplicates(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return u.drawDuplicates(w, r, me, http.StatusOK, nil)
}

func (u *householdPages) drawDuplicates(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
	unit, _ := strconv.ParseInt(r.URL.Query().Get("unit_id"), 10, 64)
	d, err := u.hh.Duplicates(r.Context(), me, max(unit, 0))
	if err != nil {
		return err
	}
	p := u.newPage(w, r, me, "/households")
	p.Title = p.T("hh.dup.title")
	rf, err := u.loadRefs(r.Context(), p)
	if err != nil {
		return err
	}
	p.R, p.Form, p.Data = rf, form, duplicatesData{Duplicates: d, UnitID: unit}
	if form != nil {
		form.Message = p.Say(form.Err)
	}
	u.UI.render(w, status, p, "households/duplicates")
	return nil
}

func (u *householdPages) requestMerge(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	keep, _ := strconv.ParseInt(vals.Get("keep"), 10, 64)
	other, _ := strconv.ParseInt(vals.Get("other"), 10, 64)
	if _, err := u.hh.RequestMerge(r.Context(), me, keep, other, vals.Get("reason")); err != nil {
		if minsheng.ErrorCode(err) != minsheng.EINVALID {
			return err
		}
		return u.drawDuplicates(w, r, me, http.StatusBadRequest, &formState{Action: "merge", Field: fieldOf(err), Err: err, Values: vals})
	}
	redirect(w, r, "/household-duplicates?ok=hh_merge_requested")
	return nil
}

// splitOrMerge reads the split and merge forms of a household's page into
// a change request, and names the form.
func splitOrMerge(in *household.ChangeInput, vals url.Values) string {
	if in.Kind == household.ChangeMerge {
		in.OtherID, _ = strconv.ParseInt(strings.TrimSpace(vals.Get("other_id")), 10, 64)
		return "merge"
	}
	in.Address = vals.Get("address")
	in.PersonID, _ = strconv.ParseInt(vals.Get("person_id"), 10, 64)
	for _, v := range vals["person_ids"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			in.PersonIDs = append(in.PersonIDs, id)
		}
	}
	return "split"
}

func (u *householdPages) notDuplicate(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	a, _ := strconv.ParseInt(vals.Get("a"), 10, 64)
	b, _ := strconv.ParseInt(vals.Get("b"), 10, 64)
	if err := u.hh.NotDuplicate(r.Context(), me, a, b); err != nil {
		if minsheng.ErrorCode(err) != minsheng.EINVALID {
			return err
		}
		return u.drawDuplicates(w, r, me, http.StatusBadRequest, &formState{Action: "merge", Field: fieldOf(err), Err: err, Values: vals})
	}
	redirect(w, r, "/household-duplicates?ok=hh_not_duplicate")
	return nil
}
