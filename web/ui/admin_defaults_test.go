package ui_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// An unknown page is an HTML 404 page for a browser, in its language, and
// a JSON problem for an API client; every /api/ path answers JSON.
func TestUnknownPage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		b := e.browser(t)
		r := b.get("/no/such/page", "Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
		if r.status != http.StatusNotFound || !strings.HasPrefix(r.hdr.Get("Content-Type"), "text/html") ||
			!strings.Contains(r.body, "没有这个页面。") || !strings.Contains(r.body, `id="error"`) {
			t.Errorf("browser: %d %s\n%s", r.status, r.hdr.Get("Content-Type"), r.body)
		}
		r = b.get("/no/such/page", "Accept", "text/html", "Accept-Language", "en-GB,en")
		if r.status != http.StatusNotFound || !strings.Contains(r.body, "There is no such page.") {
			t.Errorf("English browser: %d\n%s", r.status, r.body)
		}
		for _, c := range []struct{ path, accept string }{
			{"/no/such/page", "application/json"}, {"/no/such/page", ""}, {"/api/v1/nothing", "text/html"},
		} {
			r := b.get(c.path, "Accept", c.accept)
			var p struct{ Code string }
			if r.status != http.StatusNotFound || r.hdr.Get("Content-Type") != "application/problem+json" ||
				json.Unmarshal([]byte(r.body), &p) != nil || p.Code != "not_found" {
				t.Errorf("%s (Accept %q): %d %s %s", c.path, c.accept, r.status, r.hdr.Get("Content-Type"), r.body)
			}
		}
	})
}

// Every page names its icon, and /favicon.ico answers it too.
func TestFavicon(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		b := e.browser(t)
		if r := b.get("/portal"); !strings.Contains(r.body, `<link rel="icon" href="/static/favicon.svg"`) {
			t.Errorf("the portal names no icon")
		}
		for _, path := range []string{"/static/favicon.svg", "/favicon.ico"} {
			r := b.get(path)
			if r.status != http.StatusOK || r.hdr.Get("Content-Type") != "image/svg+xml" || !strings.Contains(r.body, "<svg") {
				t.Errorf("%s: %d %s", path, r.status, r.hdr.Get("Content-Type"))
			}
		}
	})
}

var firstHeaderRE = regexp.MustCompile(`<thead><tr><th>([^<]*)</th>`)

// The new-user form starts from the least privilege (a handler), never
// admin; the lists of units and categories are headed 名称, the users'
// 姓名.
func TestAdminFormsDefaults(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.signedIn(t, "admin")
		r := a.get("/admin/users")
		m := regexp.MustCompile(`<form method="post" action="/admin/users" [^>]*>[\s\S]*?name="grants" required value="([^"]*)"`).FindStringSubmatch(r.body)
		if m == nil || m[1] != "handler" {
			t.Errorf("the new user's grants start as %q, want handler", m)
		}
		for page, want := range map[string]string{"/admin/units": "名称", "/admin/categories": "名称"} {
			h := firstHeaderRE.FindStringSubmatch(a.get(page).body)
			if h == nil || h[1] != want {
				t.Errorf("%s is headed %q, want %s", page, h, want)
			}
		}
	})
}
