package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

func (e *env) login(t *testing.T, username, password string) *res {
	t.Helper()
	return e.do(t, "POST", "/api/v1/login", "", map[string]string{"username": username, "password": password})
}

// mustLogin signs in and returns the Cookie header value of the session.
func (e *env) mustLogin(t *testing.T, username string) string {
	t.Helper()
	r := e.login(t, username, apptest.Password)
	if u := mustJSON[org.User](t, r, http.StatusOK); u.Username != username {
		t.Fatalf("signed in as %s", u.Username)
	}
	c, err := http.ParseSetCookie(r.hdr.Get("Set-Cookie"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "minsheng_session" || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" ||
		c.MaxAge != int(app.SessionLifetime.Seconds()) || !strings.HasPrefix(c.Value, "mss_") {
		t.Errorf("session cookie %s", r.hdr.Get("Set-Cookie"))
	}
	return c.Name + "=" + c.Value
}

func TestSessions(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		cookie := e.mustLogin(t, "dispatcher")
		me := mustJSON[org.User](t, e.do(t, "GET", "/api/v1/me", "", nil, "Cookie", cookie), http.StatusOK)
		if me.Username != "dispatcher" || me.Role != org.RoleDispatcher {
			t.Errorf("me: %+v", me)
		}
		if r := e.do(t, "GET", "/api/v1/me", "", nil, "Cookie", cookie); strings.Contains(string(r.body), "password") {
			t.Errorf("me shows the password hash: %s", r.body)
		}

		// A page of the site may post with the cookie; another site may not.
		e.create(t, "agent", apptest.NewTicket())
		r := e.do(t, "POST", "/api/v1/tickets", "", apptest.NewTicket(), "Cookie", cookie, "Sec-Fetch-Site", "same-origin")
		mustStatus(t, r, http.StatusCreated)
		crossSite := []struct {
			name string
			hdr  []string
		}{
			{"Sec-Fetch-Site cross-site", []string{"Sec-Fetch-Site", "cross-site"}},
			{"Sec-Fetch-Site same-site", []string{"Sec-Fetch-Site", "same-site"}},
			{"Origin of another host", []string{"Origin", "https://evil.example"}},
		}
		for _, tc := range crossSite {
			t.Run(tc.name, func(t *testing.T) {
				for _, path := range []string{"/api/v1/tickets", "/api/v1/tickets/20260302-00001/dispatch", "/api/v1/logout"} {
					r := e.do(t, "POST", path, "", map[string]any{"kind": "help", "title": "x", "unit_id": e.f.Community.ID},
						append([]string{"Cookie", cookie}, tc.hdr...)...)
					mustProblem(t, r, http.StatusForbidden, "forbidden", "")
				}
				// Reading is allowed: it changes nothing.
				mustStatus(t, e.do(t, "GET", "/api/v1/me", "", nil, append([]string{"Cookie", cookie}, tc.hdr...)...), http.StatusOK)
			})
		}
		if v := e.view(t, "dispatcher", "20260302-00001"); v.Ticket.Status != ticket.StatusRegistered || e.count(t) != 2 {
			t.Errorf("a cross-site request changed data: %s, %d tickets", v.Ticket.Status, e.count(t))
		}

		r = e.do(t, "POST", "/api/v1/logout", "", nil, "Cookie", cookie)
		mustStatus(t, r, http.StatusNoContent)
		if c, err := http.ParseSetCookie(r.hdr.Get("Set-Cookie")); err != nil || c.MaxAge >= 0 || c.Value != "" {
			t.Errorf("logout cookie %q", r.hdr.Get("Set-Cookie"))
		}
		mustProblem(t, e.do(t, "GET", "/api/v1/me", "", nil, "Cookie", cookie), http.StatusUnauthorized, "unauthorized", "")
		// A stale cookie does not stand in the way of public routes.
		mustStatus(t, e.do(t, "GET", "/healthz", "", nil, "Cookie", cookie), http.StatusOK)
		r = e.do(t, "POST", "/api/v1/login", "", map[string]string{"username": "dispatcher", "password": apptest.Password}, "Cookie", cookie)
		mustStatus(t, r, http.StatusOK)
		// The API token of the same user is not affected.
		mustStatus(t, e.do(t, "GET", "/api/v1/me", "dispatcher", nil), http.StatusOK)
	})
}

func TestLoginLockout(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		wrong := mustProblem(t, e.login(t, "handler", "wrong-password"), http.StatusUnauthorized, "unauthorized", "")
		unknown := mustProblem(t, e.login(t, "nobody", "wrong-password"), http.StatusUnauthorized, "unauthorized", "")
		if wrong.Detail != unknown.Detail {
			t.Errorf("a wrong password (%q) and an unknown user (%q) are told apart", wrong.Detail, unknown.Detail)
		}
		mustProblem(t, e.login(t, "handler", ""), http.StatusUnauthorized, "unauthorized", "")
		// A success clears the count: three more failures do not lock.
		e.mustLogin(t, "handler")
		for range 4 {
			mustProblem(t, e.login(t, "handler", "wrong-password"), http.StatusUnauthorized, "unauthorized", "")
		}
		e.mustLogin(t, "handler")

		for range 5 {
			mustProblem(t, e.login(t, "handler", "wrong-password"), http.StatusUnauthorized, "unauthorized", "")
		}
		for _, wait := range []time.Duration{0, 14 * time.Minute} {
			e.f.Clock.Advance(wait)
			p := mustProblem(t, e.login(t, "handler", apptest.Password), http.StatusUnauthorized, "unauthorized", "")
			if !strings.Contains(p.Detail, "too many") {
				t.Errorf("after %v the refusal says %q", wait, p.Detail)
			}
		}
		// Other users are not locked out.
		e.mustLogin(t, "street_handler")
		e.f.Clock.Advance(time.Minute + time.Second)
		e.mustLogin(t, "handler")
	})
}

func TestRevealAndAudit(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		tk := e.create(t, "agent", apptest.NewTicket())
		e.act(t, "dispatcher", tk.Number, "dispatch", map[string]any{"unit_id": e.f.Community.ID})
		path := "/api/v1/tickets/" + tk.Number

		for _, user := range []string{"agent", "dispatcher", "leader", "admin", "handler", "street_handler"} {
			v := e.view(t, user, tk.Number)
			if v.Ticket.CallerPhone != "138****1234" || v.Ticket.CallerName != "王**" {
				t.Errorf("%s sees the caller as %q %q", user, v.Ticket.CallerName, v.Ticket.CallerPhone)
			}
			page := e.list(t, user, url.Values{})
			if len(page) != 1 || page[0].CallerPhone != "138****1234" {
				t.Errorf("%s lists %+v", user, page)
			}
		}

		tests := []struct {
			user   string
			status int
			code   string
		}{
			{"agent", http.StatusOK, ""},
			{"dispatcher", http.StatusOK, ""},
			{"handler", http.StatusOK, ""},
			{"street_handler", http.StatusOK, ""},
			{"leader", http.StatusForbidden, "forbidden"},
			{"admin", http.StatusForbidden, "forbidden"},
			{"grid_worker", http.StatusNotFound, "not_found"}, // may not see the ticket at all
			{"other_handler", http.StatusNotFound, "not_found"},
			{"dept_handler", http.StatusNotFound, "not_found"},
		}
		e.f.Clock.Advance(time.Hour)
		var revealed []string
		for _, tc := range tests {
			t.Run(tc.user, func(t *testing.T) {
				r := e.do(t, "POST", path+"/reveal", tc.user, map[string]string{"reason": "回访来电人"})
				if tc.status != http.StatusOK {
					mustProblem(t, r, tc.status, tc.code, "")
					return
				}
				c := mustJSON[app.Caller](t, r, http.StatusOK)
				if c.Name != "王秀兰" || c.Phone != "13897001234" || r.hdr.Get("Cache-Control") != "no-store" {
					t.Errorf("revealed %+v, Cache-Control %q", c, r.hdr.Get("Cache-Control"))
				}
				if v := e.view(t, tc.user, tk.Number); !v.CanReveal {
					t.Error("can_reveal is false for a user who may reveal")
				}
				revealed = append(revealed, tc.user)
			})
		}
		if v := e.view(t, "leader", tk.Number); v.CanReveal {
			t.Error("can_reveal is true for the leader")
		}

		for _, reader := range []string{"admin", "leader"} {
			log := mustJSON[struct{ Entries []store.AuditEntry }](t, e.do(t, "GET", path+"/audit", reader, nil), http.StatusOK)
			if len(log.Entries) != len(revealed) {
				t.Fatalf("%d audit entries for %d reveals (%v)", len(log.Entries), len(revealed), revealed)
			}
			for i, en := range log.Entries {
				if en.ActorID != e.f.Users[revealed[i]].ID || en.Action != "reveal_personal" || en.ObjectID != tk.ID ||
					!en.At.Equal(apptest.Start.Add(time.Hour)) {
					t.Errorf("audit entry %d: %+v, want a reveal by %s", i, en, revealed[i])
				}
			}
		}
		for _, user := range []string{"agent", "dispatcher", "handler"} {
			mustProblem(t, e.do(t, "GET", path+"/audit", user, nil), http.StatusForbidden, "forbidden", "")
		}
		// An unseen ticket has an empty log, as a list.
		other := e.create(t, "agent", apptest.NewTicket())
		r := e.do(t, "GET", "/api/v1/tickets/"+other.Number+"/audit", "admin", nil)
		if mustStatus(t, r, http.StatusOK); strings.TrimSpace(string(r.body)) != `{"entries":[]}` {
			t.Errorf("empty audit log: %s", r.body)
		}

		// Searching by phone is for those who may see it, and finds the ticket.
		if got := e.list(t, "handler", url.Values{"caller_phone": {"13897001234"}}); len(got) != 1 {
			t.Errorf("the handler's phone search found %d", len(got))
		}
		mustProblem(t, e.do(t, "GET", "/api/v1/tickets?caller_phone=13897001234", "leader", nil), http.StatusForbidden, "forbidden", "")
	})
}

func TestOrganisation(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		units := mustJSON[struct{ Units []org.Unit }](t, e.do(t, "GET", "/api/v1/units", "handler", nil), http.StatusOK)
		if len(units.Units) != 6 || units.Units[0].ID != e.f.District.ID {
			t.Errorf("units: %+v", units.Units)
		}
		cats := mustJSON[struct{ Categories []ticket.Category }](t, e.do(t, "GET", "/api/v1/categories", "agent", nil), http.StatusOK)
		if len(cats.Categories) != 2 {
			t.Errorf("categories: %+v", cats.Categories)
		}

		unit := mustJSON[org.Unit](t, e.do(t, "POST", "/api/v1/units", "admin",
			map[string]any{"parent_id": e.f.Street.ID, "kind": "community", "code": "xinning", "name": "新宁社区"}), http.StatusCreated)
		cat := mustJSON[ticket.Category](t, e.do(t, "POST", "/api/v1/categories", "admin",
			map[string]any{"parent_id": e.f.Category.ID, "code": "city.property.lift", "name": "电梯故障"}), http.StatusCreated)
		if cat.Level != 3 || unit.ParentID != e.f.Street.ID {
			t.Errorf("category level %d, unit parent %d", cat.Level, unit.ParentID)
		}
		u := mustJSON[org.User](t, e.do(t, "POST", "/api/v1/users", "admin",
			map[string]any{"username": "xinning", "name": "新宁社区承办人", "role": "handler", "unit_id": unit.ID, "password": "long-enough"}), http.StatusCreated)
		if u.UnitID != unit.ID || !u.Active {
			t.Errorf("user %+v", u)
		}
		cookie := e.mustLogin(t, "street_handler")

		refused := []struct {
			bad
			method, path string
		}{
			{bad{name: "taken username", user: "admin", body: map[string]any{"username": "xinning", "name": "x", "role": "handler", "unit_id": unit.ID, "password": "long-enough"}, field: "username"}, "POST", "/api/v1/users"},
			{bad{name: "short password", user: "admin", body: map[string]any{"username": "shorty", "name": "x", "role": "handler", "unit_id": unit.ID, "password": "short"}, field: "password"}, "POST", "/api/v1/users"},
			{bad{name: "bad role", user: "admin", body: map[string]any{"username": "boss", "name": "x", "role": "king", "unit_id": unit.ID, "password": "long-enough"}, field: "role"}, "POST", "/api/v1/users"},
			{bad{name: "user by a dispatcher", user: "dispatcher", body: map[string]any{"username": "x2", "name": "x", "role": "handler", "unit_id": unit.ID, "password": "long-enough"}, status: 403, code: "forbidden"}, "POST", "/api/v1/users"},
			{bad{name: "users listed by a leader", user: "leader", status: 403, code: "forbidden"}, "GET", "/api/v1/users"},
			{bad{name: "taken unit code", user: "admin", body: map[string]any{"parent_id": e.f.Street.ID, "kind": "community", "code": "xinning", "name": "x"}, field: "code"}, "POST", "/api/v1/units"},
			{bad{name: "unit without parent", user: "admin", body: map[string]any{"kind": "community", "code": "orphan", "name": "x"}, field: "parent_id"}, "POST", "/api/v1/units"},
			{bad{name: "unit by a handler", user: "handler", body: map[string]any{"parent_id": e.f.Street.ID, "kind": "grid", "code": "g", "name": "x"}, status: 403, code: "forbidden"}, "POST", "/api/v1/units"},
			{bad{name: "fourth category level", user: "admin", body: map[string]any{"parent_id": cat.ID, "code": "deep", "name": "x"}, field: "parent_id"}, "POST", "/api/v1/categories"},
			{bad{name: "unknown user", user: "admin", body: map[string]any{"name": "x"}, status: 404, code: "not_found"}, "PATCH", "/api/v1/users/nobody"},
			{bad{name: "unknown field in a change", user: "admin", body: map[string]any{"nickname": "x"}, field: "nickname"}, "PATCH", "/api/v1/users/xinning"},
			{bad{name: "active as string", user: "admin", body: `{"active":"no"}`, field: "active"}, "PATCH", "/api/v1/users/xinning"},
		}
		for _, tc := range refused {
			t.Run(tc.name, func(t *testing.T) { e.mustRefuse(t, tc.method, tc.path, "", tc.bad) })
		}
		users := mustJSON[struct{ Users []org.User }](t, e.do(t, "GET", "/api/v1/users", "admin", nil), http.StatusOK)
		if len(users.Users) != len(e.f.Users)+1 {
			t.Errorf("%d users listed, want %d", len(users.Users), len(e.f.Users)+1)
		}

		// Disabling a user ends their sessions and their tokens' use at once.
		changed := mustJSON[org.User](t, e.do(t, "PATCH", "/api/v1/users/street_handler", "admin", map[string]any{"active": false}), http.StatusOK)
		if changed.Active {
			t.Error("still active")
		}
		mustProblem(t, e.do(t, "GET", "/api/v1/me", "street_handler", nil), http.StatusUnauthorized, "unauthorized", "")
		mustProblem(t, e.do(t, "GET", "/api/v1/me", "", nil, "Cookie", cookie), http.StatusUnauthorized, "unauthorized", "")
		mustProblem(t, e.login(t, "street_handler", apptest.Password), http.StatusUnauthorized, "unauthorized", "")
	})
}
