package web_test

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/web"
)

// Too many sign-in attempts from one address get 429 with Retry-After,
// whatever usernames they try; another address still signs in.
func TestSecuritySignInRateLimitedPerAddress(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		from := func(addr, username, password string) *res {
			return e.do(t, "POST", "/api/v1/login", "", map[string]string{"username": username, "password": password}, "X-Real-IP", addr)
		}
		lim := app.DefaultSignInLimits
		for i := range lim.PerAddress {
			mustProblem(t, from("203.0.113.9", fmt.Sprintf("guess%d", i), "wrong-password"), http.StatusUnauthorized, "unauthorized", "")
		}
		r := from("203.0.113.9", "admin", apptest.Password)
		mustProblem(t, r, http.StatusTooManyRequests, "rate_limited", "")
		if secs, err := strconv.Atoi(r.hdr.Get("Retry-After")); err != nil || secs < 1 {
			t.Errorf("Retry-After %q", r.hdr.Get("Retry-After"))
		}
		if r := from("198.51.100.9", "admin", apptest.Password); r.status != http.StatusOK {
			t.Errorf("another address: %s", r)
		}
	}, func(c *web.Config) { c.RealIPHeader = "X-Real-IP" })
}

// API tokens: a user lists, makes and revokes their own; an admin those
// of the users they administer; nobody else's. A revoked or expired token
// is refused at once; a new password and deactivation revoke every token
// of the user, and reactivation does not bring them back.
func TestSecurityAPITokens(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		bearer := func(tok string) *res {
			return e.do(t, "GET", "/api/v1/me", "", nil, "Authorization", "Bearer "+tok)
		}
		create := func(as, owner string, body map[string]any) (int64, string) {
			t.Helper()
			r := e.do(t, "POST", "/api/v1/users/"+owner+"/tokens", as, body)
			v := mustJSON[struct {
				ID    int64  `json:"id"`
				Token string `json:"token"`
			}](t, r, http.StatusCreated)
			return v.ID, v.Token
		}
		list := func(as, owner string) []map[string]any {
			t.Helper()
			return mustJSON[[]map[string]any](t, e.do(t, "GET", "/api/v1/users/"+owner+"/tokens", as, nil), http.StatusOK)
		}

		// Their own; revoked for good.
		id, tok := create("handler", "handler", map[string]any{"name": "手机"})
		if r := bearer(tok); r.status != http.StatusOK {
			t.Fatalf("a new token: %s", r)
		}
		if r := e.do(t, "DELETE", "/api/v1/users/handler/tokens/"+itoa(id), "handler", nil); r.status != http.StatusNoContent {
			t.Fatalf("revoke own token: %s", r)
		}
		mustProblem(t, bearer(tok), http.StatusUnauthorized, "unauthorized", "")
		if l := list("handler", "handler"); len(l) < 2 || l[0]["revoked_at"] == nil {
			t.Errorf("the list does not show the revoked token first: %v", l)
		}

		// Nobody else's, unless an admin.
		mustProblem(t, e.do(t, "GET", "/api/v1/users/agent/tokens", "handler", nil), http.StatusForbidden, "forbidden", "")
		mustProblem(t, e.do(t, "POST", "/api/v1/users/agent/tokens", "handler", map[string]any{"name": "x"}), http.StatusForbidden, "forbidden", "")
		mustProblem(t, e.do(t, "DELETE", "/api/v1/users/agent/tokens/1", "handler", nil), http.StatusForbidden, "forbidden", "")
		_, adminMade := create("admin", "handler", map[string]any{"name": "admin made"})

		// Expiry.
		_, short := create("handler", "handler", map[string]any{"name": "一天", "expires_at": e.f.Clock.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)})
		if r := bearer(short); r.status != http.StatusOK {
			t.Fatalf("an unexpired token: %s", r)
		}
		e.f.Clock.Advance(24 * time.Hour)
		mustProblem(t, bearer(short), http.StatusUnauthorized, "unauthorized", "")
		mustProblem(t, e.do(t, "POST", "/api/v1/users/handler/tokens", "handler",
			map[string]any{"name": "past", "expires_at": "2020-01-01T00:00:00Z"}), http.StatusBadRequest, "invalid", "expires_at")

		// A new password revokes them all.
		if r := bearer(adminMade); r.status != http.StatusOK {
			t.Fatalf("admin-made token: %s", r)
		}
		if r := e.do(t, "PATCH", "/api/v1/users/handler", "admin", map[string]any{"password": "a-new-long-password"}); r.status != http.StatusOK {
			t.Fatalf("password change: %s", r)
		}
		mustProblem(t, bearer(adminMade), http.StatusUnauthorized, "unauthorized", "")

		// Deactivation too, and reactivation does not revive them.
		_, tok = create("admin", "street_handler", map[string]any{"name": "终端"})
		for _, active := range []bool{false, true} {
			if r := e.do(t, "PATCH", "/api/v1/users/street_handler", "admin", map[string]any{"active": active}); r.status != http.StatusOK {
				t.Fatalf("active=%v: %s", active, r)
			}
			mustProblem(t, bearer(tok), http.StatusUnauthorized, "unauthorized", "")
		}
		for _, tk := range list("admin", "street_handler") {
			if tk["revoked_at"] == nil {
				t.Errorf("token %v survived deactivation", tk["id"])
			}
		}
	})
}
