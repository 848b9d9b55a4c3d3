package ui

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/minsheng/minsheng"
	hh "github.com/minsheng/minsheng/app/household"
	"github.com/minsheng/minsheng/capability"
	"github.com/minsheng/minsheng/household"
	"github.com/minsheng/minsheng/org"
)

// This file holds the page of proactive service (未诉先办) in the households
// capability: the trigger rules and the alert days, which a district admin
// changes there, and the proactive orders the daily job opened with their
// escalation step, for registry staff and leaders.

// HouseholdTriggerPages returns the proactive-service pages.
func (u *UI) HouseholdTriggerPages(svc *hh.Service) []capability.Route {
	p := &householdPages{UI: u, hh: svc}
	return []capability.Route{
		{Pattern: "GET /household-triggers", Handler: u.staff(p.triggers, household.RegistryRoles...)},
		{Pattern: "POST /household-triggers/rules/{kind}", Handler: u.staff(p.saveRule, org.RoleAdmin)},
		{Pattern: "POST /household-triggers/alert-days", Handler: u.staff(p.addAlertDay, org.RoleAdmin)},
	}
}

// HouseholdTriggerNav is the page's entry in the navigation, for the
// community staff and leaders who follow the proactive orders.
var HouseholdTriggerNav = []capability.NavItem{{Label: "nav.hh_triggers", Path: "/household-triggers",
	Roles: []org.Role{org.RoleAdmin, org.RoleHandler, org.RoleLeader}}}

// triggersData is the page's data.
type triggersData struct {
	hhFmt
	T     *hh.Triggers
	Form  *formState
	Today string
}

// Checked reports whether a tag's box of a form is ticked: what was
// typed when the form came back refused, else what is saved.
func (d triggersData) Checked(action string, tag household.Tag, saved []household.Tag) bool {
	if d.Form != nil && d.Form.Action == action {
		return slices.Contains(d.Form.Values["tags"], string(tag))
	}
	return slices.Contains(saved, tag)
}

// Value is what was typed in a refused form's field, else the saved
// value.
func (d triggersData) Value(action, field string, saved any) string {
	if d.Form != nil && d.Form.Action == action {
		if v := d.Form.Values[field]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	return fmtAny(saved)
}

// On reports whether a refused form had its box ticked, else the saved
// value.
func (d triggersData) On(action, field string, saved bool) bool {
	if d.Form != nil && d.Form.Action == action {
		_, ok := d.Form.Values[field]
		return ok
	}
	return saved
}

func fmtAny(v any) string {
	switch x := v.(type) {
	case int:
		return strconv.Itoa(x)
	case string:
		return x
	}
	return ""
}

func (u *householdPages) triggersPage(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
	tr, err := u.hh.Triggers(r.Context(), me)
	if err != nil {
		return err
	}
	p := u.newPage(w, r, me, "/household-triggers")
	p.Title = p.T("hht.title")
	p.Form = form
	p.Data = triggersData{T: tr, Form: form, Today: tr.Now.In(china).Format(time.DateOnly)}
	u.UI.render(w, status, p, "households/triggers")
	return nil
}

func (u *householdPages) triggers(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return u.triggersPage(w, r, me, http.StatusOK, nil)
}

// triggerChange runs a form's change: back to the page with ok, or the
// page again with the refusal worded and the input kept.
func (u *householdPages) triggerChange(w http.ResponseWriter, r *http.Request, me *org.User, action string, run func(url.Values) error) error {
	vals, _, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	if err := run(vals); err != nil {
		e := errorOf(err)
		if e == nil || e.Code != minsheng.EINVALID {
			return err
		}
		return u.triggersPage(w, r, me, http.StatusBadRequest, &formState{Action: action, Field: e.Field, Err: err, Values: vals})
	}
	redirect(w, r, "/household-triggers?ok=hht_saved")
	return nil
}

func formTags(vals url.Values) []household.Tag {
	out := []household.Tag{}
	for _, t := range vals["tags"] {
		out = append(out, household.Tag(t))
	}
	return out
}

func (u *householdPages) saveRule(w http.ResponseWriter, r *http.Request, me *org.User) error {
	kind := r.PathValue("kind")
	return u.triggerChange(w, r, me, "rule:"+kind, func(vals url.Values) error {
		rule := household.Rule{Kind: household.RuleKind(kind), Enabled: vals.Get("enabled") != "", Tags: formTags(vals)}
		var err error
		if v := vals.Get("days"); v != "" {
			if rule.Days, err = strconv.Atoi(v); err != nil {
				return minsheng.FieldError("days", "not a number").Because("not_a_number")
			}
		}
		if rule.EscalateDays, err = strconv.Atoi(vals.Get("escalate_days")); err != nil {
			return minsheng.FieldError("escalate_days", "not a number").Because("not_a_number")
		}
		_, err = u.hh.SaveRule(r.Context(), me, rule)
		return err
	})
}

func (u *householdPages) addAlertDay(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return u.triggerChange(w, r, me, "alert", func(vals url.Values) error {
		day, err := parseLocal("day", vals.Get("day"))
		if err != nil {
			return err.(*minsheng.Error).Because("not_a_date")
		}
		_, err = u.hh.AddAlertDay(r.Context(), me, household.AlertDay{Kind: household.AlertKind(vals.Get("kind")), Day: day,
			Tags: formTags(vals), Note: vals.Get("note")})
		return err
	})
}
