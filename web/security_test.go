package web_test

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"

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
