package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// This file holds the API tokens page: a user lists their own tokens
// (label, created, last used, expiry — never the secret), makes one (its
// secret shown once, on the answer to the form) and revokes one; an admin
// opens the same page for a user they administer, from the users page, and
// revokes that user's tokens. The service decides who may (app/apitoken.go)
// and audits every creation and revocation.

// tokenExpiries are the lifetimes the page offers, in days; 0 is none
// (until revoked).
var tokenExpiries = []int{0, 30, 90, 365}

// tokensData is the API tokens page.
type tokensData struct {
	Owner    string // whose tokens
	Own      bool   // the signed-in user's own: they may make one
	Base     string // the page's path; actions are below it
	Tokens   []tokenRow
	NewToken string // the secret just made: the only page that ever shows it
	Expiries []int
}

// tokenRow is one token with its state at the time of the page.
type tokenRow struct {
	*store.APIToken
	State string // active, revoked or expired
}

// tokensBase is the page of the user's tokens: /account/tokens for one's
// own, the user's admin path for an admin.
func tokensBase(me *org.User, username string) string {
	if username == me.Username {
		return "/account/tokens"
	}
	return "/admin/users/" + url.PathEscape(username) + "/tokens"
}

// tokensOwner is whose tokens a request is about: the path's user, or the
// signed-in user's own.
func tokensOwner(r *http.Request, me *org.User) string {
	if v := r.PathValue("username"); v != "" {
		return v
	}
	return me.Username
}

func (u *UI) tokensPage(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return u.drawTokens(w, r, me, http.StatusOK, nil, "")
}

// drawTokens draws the page with the state of a refused form and the
// secret just made (either may be empty).
func (u *UI) drawTokens(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState, secret string) error {
	owner := tokensOwner(r, me)
	toks, err := u.svc.ListAPITokens(r.Context(), me, owner)
	if err != nil {
		return err
	}
	now := u.svc.Clock().Now()
	d := tokensData{Owner: owner, Own: owner == me.Username, Base: tokensBase(me, owner), NewToken: secret, Expiries: tokenExpiries}
	for _, t := range toks {
		row := tokenRow{APIToken: t, State: "active"}
		switch {
		case t.RevokedAt != nil:
			row.State = "revoked"
		case t.ExpiresAt != nil && !t.ExpiresAt.After(now):
			row.State = "expired"
		}
		d.Tokens = append(d.Tokens, row)
	}
	active := "/account/tokens"
	if !d.Own {
		active = "/admin/users"
	}
	if secret != "" {
		w.Header().Set("Cache-Control", "no-store")
	}
	return u.adminPage(w, r, me, "tokens", active, status, form, d)
}

// tokenCreate makes a token for the signed-in user and answers with the
// page that shows its secret: not a redirect, the secret must not travel
// in a URL.
func (u *UI) tokenCreate(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	var expires *time.Time
	if v := vals.Get("expires_days"); v != "" {
		days, err := strconv.Atoi(v)
		if err != nil || days < 1 || days > 5*365 {
			return u.refusedToken(w, r, me, minsheng.FieldError("expires_at", "expiry must be 1 to 1825 days"), vals)
		}
		t := u.svc.Clock().Now().Add(time.Duration(days) * 24 * time.Hour)
		expires = &t
	}
	secret, _, err := u.svc.CreateAPITokenUntil(r.Context(), me, me.Username, vals.Get("name"), expires)
	if err != nil {
		return u.refusedToken(w, r, me, err, vals)
	}
	return u.drawTokens(w, r, me, http.StatusOK, nil, secret)
}

// refusedToken shows the page again with a refused creation's error.
func (u *UI) refusedToken(w http.ResponseWriter, r *http.Request, me *org.User, err error, vals url.Values) error {
	form, err := refused("token", err, vals)
	if err != nil {
		return err
	}
	return u.drawTokens(w, r, me, http.StatusBadRequest, form, "")
}

// tokenRevoke revokes one of the page's user's tokens.
func (u *UI) tokenRevoke(w http.ResponseWriter, r *http.Request, me *org.User) error {
	if _, _, err := u.parseForm(w, r); err != nil {
		return err
	}
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	owner := tokensOwner(r, me)
	if _, err := u.svc.RevokeAPITokens(r.Context(), me, owner, id); err != nil {
		return err
	}
	redirect(w, r, tokensBase(me, owner)+"?ok=token_revoked")
	return nil
}
