package ui

import (
	"net/http"
	"strconv"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
)

type loginData struct {
	Username string
	Next     string
	Locked   int // minutes left of a lock-out, 0 if none
	Busy     int // seconds to wait when too many sign-ins were refused, 0 if none
	Failed   bool
}

func (u *UI) loginPage(w http.ResponseWriter, r *http.Request) error {
	next := safeNext(r.URL.Query().Get("next"), "")
	if me := u.user(r); me != nil {
		redirect(w, r, safeNext(next, u.homeOf(me)))
		return nil
	}
	p := u.newPage(w, r, nil, "login")
	p.Title = p.T("login.title")
	p.Data = loginData{Next: next}
	u.render(w, http.StatusOK, p, "login")
	return nil
}

// login signs a user in and sets the session cookie: HttpOnly, SameSite
// Lax, Secure over TLS. A lock-out after repeated failures is said as such.
func (u *UI) login(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return minsheng.Errorf(minsheng.EINVALID, "bad form")
	}
	username, password := r.PostForm.Get("username"), r.PostForm.Get("password")
	next := safeNext(r.PostForm.Get("next"), "")
	addr := minsheng.ClientAddr(r.Context()) // the server's reading, behind a proxy too
	if addr == "" {
		addr = clientIP(r)
	}
	secret, me, err := u.svc.Login(r.Context(), username, password, addr)
	if minsheng.IsCode(err, minsheng.EUNAUTHORIZED) || minsheng.IsCode(err, minsheng.ERATELIMIT) {
		d := loginData{Username: username, Next: next, Failed: true}
		status := http.StatusUnauthorized
		if minutes, ok := app.LockedFor(err); ok {
			d.Locked = minutes
		}
		if secs, ok := app.RetryAfter(err); ok && minsheng.IsCode(err, minsheng.ERATELIMIT) {
			d.Busy, status = secs, http.StatusTooManyRequests
			w.Header().Set("Retry-After", strconv.Itoa(secs))
		}
		p := u.newPage(w, r, nil, "login")
		p.Title = p.T("login.title")
		p.Data = d
		u.render(w, status, p, "login")
		return nil
	}
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: u.cookie, Value: secret, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: r.TLS != nil, MaxAge: int(app.SessionLifetime / time.Second),
	})
	redirect(w, r, safeNext(next, u.homeOf(me)))
	return nil
}

func (u *UI) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(u.cookie); err == nil && c.Value != "" {
		if err := u.svc.Logout(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: u.cookie, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: -1})
	redirect(w, r, "/login?ok=logout")
	return nil
}
