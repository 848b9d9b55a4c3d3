package ui

import (
	"errors"
	"net/http"
	"strings"

	"github.com/minsheng/minsheng"
)

// The lookup of a request by its number and the caller's phone: the way
// back for a resident who lost the link (/track).

func (u *UI) trackLookupPage(w http.ResponseWriter, r *http.Request) error {
	return u.renderLookup(w, r, http.StatusOK, nil)
}

func (u *UI) renderLookup(w http.ResponseWriter, r *http.Request, status int, form *formState) error {
	p := u.newPage(w, r, u.user(r), "/portal")
	p.Title = p.T("lookup.title")
	p.Form = form
	u.render(w, status, p, "track_lookup")
	return nil
}

// trackLookup checks a number and phone and, when they belong together,
// opens the request's tracking page with a token of its own. It is
// limited per address and per number (whether the number exists or not),
// and answers a wrong phone and a missing number alike, so that it cannot
// be used to find numbers or to guess phones.
func (u *UI) trackLookup(w http.ResponseWriter, r *http.Request) error {
	vals, _, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	number := strings.TrimSpace(vals.Get("number"))
	if !u.lookupIP.Allow(clientIP(r)) || (number != "" && !u.lookupNumber.Allow(strings.ToUpper(number))) {
		return minsheng.Errorf(minsheng.ERATELIMIT, "too many lookups; try again in an hour or call the hotline")
	}
	token, err := u.svc.LookupTicket(r.Context(), number, vals.Get("phone"))
	if err != nil {
		var e *minsheng.Error
		if errors.As(err, &e) && e.Code == minsheng.EINVALID {
			return u.renderLookup(w, r, http.StatusBadRequest, &formState{Action: "lookup", Field: e.Field, Err: e, Values: vals})
		}
		return err
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	redirect(w, r, trackLink(number, token))
	return nil
}
