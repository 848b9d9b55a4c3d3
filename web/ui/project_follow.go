package ui

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/minsheng/minsheng"
	appproject "github.com/minsheng/minsheng/app/project"
	"github.com/minsheng/minsheng/personal"
)

// Residents follow a project from the public page: the phone, then the
// code of the SMS; the link in every SMS ends the follow on a page of its
// own (a button, not the link alone: mail scanners open links).

// followRefused shows a refused follow beside its form, worded from the
// error; errors that are not the resident's input are returned.
func (p *projectPages) followRefused(w http.ResponseWriter, r *http.Request, action string, err error, vals url.Values) error {
	e := errorOf(err)
	if e == nil || (e.Code != minsheng.EINVALID && e.Code != minsheng.ECONFLICT && e.Code != minsheng.ERATELIMIT) {
		return err
	}
	pg := p.newPage(w, r, p.user(r), "/projects")
	return p.publicPage(w, r, http.StatusBadRequest, &formState{Action: action, Field: e.Field, Message: pg.Say(err), Values: vals}, "")
}

func (p *projectPages) follow(w http.ResponseWriter, r *http.Request) error {
	if !p.ipLimit.Allow(clientIP(r)) {
		return minsheng.Errorf(minsheng.ERATELIMIT, "too many requests from this address; try again later").Because("rate_ip")
	}
	vals, _, err := p.parseForm(w, r)
	if err != nil {
		return err
	}
	code := r.PathValue("code")
	if vals.Get(honeypot) != "" {
		return p.publicPage(w, r, http.StatusOK, nil, "")
	}
	if err := p.prj.Follow(r.Context(), code, vals.Get("phone")); err != nil {
		return p.followRefused(w, r, "follow:"+code, err, vals)
	}
	// The confirm form shows with the phone kept in its values.
	return p.publicPage(w, r, http.StatusOK, &formState{Action: "confirm:" + code, Values: vals}, "follow:"+code)
}

func (p *projectPages) confirmFollow(w http.ResponseWriter, r *http.Request) error {
	if !p.ipLimit.Allow(clientIP(r)) {
		return minsheng.Errorf(minsheng.ERATELIMIT, "too many requests from this address; try again later").Because("rate_ip")
	}
	vals, _, err := p.parseForm(w, r)
	if err != nil {
		return err
	}
	code := r.PathValue("code")
	if err := p.prj.ConfirmFollow(r.Context(), code, vals.Get("phone"), vals.Get("code")); err != nil {
		return p.followRefused(w, r, "confirm:"+code, err, vals)
	}
	return p.publicPage(w, r, http.StatusOK, nil, "followed:"+code)
}

type projectUnfollowData struct {
	V     *appproject.FollowView
	Token string
	Done  bool
}

func (p *projectPages) unfollowView(w http.ResponseWriter, r *http.Request, v *appproject.FollowView, done bool) error {
	pg := p.newPage(w, r, p.user(r), "/projects")
	pg.Title = pg.T("prj.unfollow_title")
	pg.Data = projectUnfollowData{V: v, Token: r.URL.Query().Get("token"), Done: done}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	p.render(w, http.StatusOK, pg, "project/unfollow")
	return nil
}

func (p *projectPages) unfollowPage(w http.ResponseWriter, r *http.Request) error {
	v, err := p.prj.FollowByLink(r.Context(), r.URL.Query().Get("token"))
	if err != nil {
		return err
	}
	return p.unfollowView(w, r, v, false)
}

func (p *projectPages) unfollow(w http.ResponseWriter, r *http.Request) error {
	if !p.ipLimit.Allow(clientIP(r)) {
		return minsheng.Errorf(minsheng.ERATELIMIT, "too many requests from this address; try again later").Because("rate_ip")
	}
	v, err := p.prj.Unfollow(r.Context(), r.URL.Query().Get("token"))
	if minsheng.IsCode(err, minsheng.ECONFLICT) {
		// Unfollowed already: say so, as done.
		if v, err = p.prj.FollowByLink(r.Context(), r.URL.Query().Get("token")); err != nil {
			return err
		}
	}
	if err != nil {
		return err
	}
	return p.unfollowView(w, r, v, true)
}

// rate records a resident's acceptance rating of a completed project,
// limited per address and phone as the portal's forms are.
func (p *projectPages) rate(w http.ResponseWriter, r *http.Request) error {
	if !p.ipLimit.Allow(clientIP(r)) {
		return minsheng.Errorf(minsheng.ERATELIMIT, "too many requests from this address; try again later").Because("rate_ip")
	}
	vals, _, err := p.parseForm(w, r)
	if err != nil {
		return err
	}
	code := r.PathValue("code")
	if vals.Get(honeypot) != "" {
		return p.publicPage(w, r, http.StatusOK, nil, "")
	}
	if !p.phoneLimit.Allow(personal.NormalizePhone(vals.Get("phone"))) {
		return minsheng.Errorf(minsheng.ERATELIMIT, "too many requests for this phone number today").Because("rate_phone")
	}
	stars, _ := strconv.Atoi(vals.Get("stars"))
	if _, err := p.prj.Rate(r.Context(), code, vals.Get("phone"), stars); err != nil {
		return p.followRefused(w, r, "rate:"+code, err, vals)
	}
	return p.publicPage(w, r, http.StatusOK, nil, "rated:"+code)
}
