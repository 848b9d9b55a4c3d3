package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
)

// Too many sign-in attempts from one address: the page answers 429 with
// Retry-After and says so in Chinese, without checking the password.
func TestSecuritySignInPageRateLimited(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		b := e.browser(t)
		for i := range app.DefaultSignInLimits.PerAddress {
			b.post("/login", url.Values{"username": {fmt.Sprintf("guess%d", i)}, "password": {"wrong-password"}})
		}
		r := b.post("/login", url.Values{"username": {"agent"}, "password": {apptest.Password}})
		if r.status != http.StatusTooManyRequests || !strings.Contains(r.body, "登录请求过多") {
			t.Fatalf("attempt %d from one address: %d, the refusal not said", app.DefaultSignInLimits.PerAddress+1, r.status)
		}
		if strings.Contains(r.body, "Too many") {
			t.Errorf("the Chinese page shows the English message")
		}
	})
}
