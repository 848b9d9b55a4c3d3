package ui_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/org"
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

// The district's admin renames and disables a unit and a category on
// their pages; the disabled unit is no longer offered for dispatch, the
// disabled category no longer at the desk; a street admin is refused.
func TestAdminEditsUnitsAndCategories(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.f
		a := e.signedIn(t, "admin")
		reg := f.Register(t)
		unitOption := regexp.MustCompile(`<option value="` + itoa(f.OtherStreet.ID) + `"( disabled)?`)
		d := e.signedIn(t, "dispatcher")
		if m := unitOption.FindStringSubmatch(d.get("/t/" + reg.Number).body); m == nil || m[1] != "" {
			t.Fatalf("before: the dispatch picker offers the street as %q", m)
		}
		r := a.post("/admin/units/"+itoa(f.OtherStreet.ID), url.Values{"name": {"虎台街道办"}})
		if r.status != http.StatusOK || !strings.Contains(r.url, "ok=saved") {
			t.Fatalf("disable the street: %d %s", r.status, r.url)
		}
		if !regexp.MustCompile(`<tr id="unit-` + itoa(f.OtherStreet.ID) + `" class="inactive">[\s\S]*?value="虎台街道办"`).MatchString(r.body) {
			t.Errorf("the units page does not show the street renamed and disabled")
		}
		if m := unitOption.FindStringSubmatch(d.get("/t/" + reg.Number).body); m == nil || m[1] != " disabled" {
			t.Errorf("after: the dispatch picker offers the disabled street as %q", m)
		}

		desk := e.signedIn(t, "agent")
		catOption := `<option value="` + itoa(f.Category.ID) + `"`
		if !strings.Contains(desk.get("/desk").body, catOption) {
			t.Fatalf("before: the desk does not offer the category")
		}
		r = a.post("/admin/categories/"+itoa(f.Category.ID), url.Values{"name": {f.Category.Name}, "name_en": {"Property"}})
		if r.status != http.StatusOK || !strings.Contains(r.body, `<tr id="category-`+itoa(f.Category.ID)+`" class="inactive">`) {
			t.Fatalf("disable the category: %d %s", r.status, r.url)
		}
		if strings.Contains(desk.get("/desk").body, catOption) {
			t.Errorf("after: the desk offers the disabled category")
		}
		// Enabled again.
		r = a.post("/admin/categories/"+itoa(f.Category.ID), url.Values{"name": {f.Category.Name}, "active": {"1"}})
		if !strings.Contains(desk.get("/desk").body, catOption) {
			t.Errorf("enabled again: the desk does not offer the category")
		}

		// A street admin may not.
		if _, err := f.Svc.CreateUser(context.Background(), kit.System(), app.NewUser{Username: "street_admin", Name: "街道管理员",
			Grants: []org.Grant{{Role: org.RoleAdmin}}, UnitID: f.Street.ID, Password: apptest.Password}); err != nil {
			t.Fatal(err)
		}
		sa := e.signedIn(t, "street_admin")
		if r := sa.post("/admin/units/"+itoa(f.Community.ID), url.Values{"name": {"改名"}, "active": {"1"}}); r.status != http.StatusForbidden {
			t.Errorf("street admin renaming a unit: %d", r.status)
		}
		if r := sa.post("/admin/categories/"+itoa(f.Category.ID), url.Values{"name": {"改名"}}); r.status != http.StatusForbidden {
			t.Errorf("street admin disabling a category: %d", r.status)
		}
	})
}

// From November, the district's admins are warned on their pages that
// next year's holiday notice is not loaded, until it is; street admins
// (who may not load it) and October see no warning.
func TestCalendarWarning(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.f
		china := time.FixedZone("CST", 8*3600)
		if _, err := f.Svc.CreateUser(context.Background(), kit.System(), app.NewUser{Username: "street_admin", Name: "街道管理员",
			Grants: []org.Grant{{Role: org.RoleAdmin}}, UnitID: f.Street.ID, Password: apptest.Password}); err != nil {
			t.Fatal(err)
		}
		var a, sa *browser
		signIn := func() { a, sa = e.signedIn(t, "admin"), e.signedIn(t, "street_admin") }
		warned := func(b *browser, path string) bool {
			t.Helper()
			r := b.get(path)
			if r.status != http.StatusOK {
				t.Fatalf("%s: %d", path, r.status)
			}
			return strings.Contains(r.body, `id="warning"`) && strings.Contains(r.body, "尚未导入 2027 年的放假安排")
		}
		f.Clock.Set(time.Date(2026, 10, 31, 23, 59, 0, 0, china))
		signIn()
		if warned(a, "/admin/units") || warned(a, "/admin/calendar") {
			t.Errorf("warned in October")
		}
		f.Clock.Set(time.Date(2026, 11, 1, 0, 0, 0, 0, china))
		if !warned(a, "/admin/units") || !warned(a, "/admin/calendar") {
			t.Errorf("no warning on 1 November")
		}
		if warned(sa, "/admin/units") {
			t.Errorf("a street admin is warned")
		}
		if r := a.post("/admin/calendar/json", url.Values{"json": {notice2027}}); r.status != http.StatusOK {
			t.Fatalf("load 2027: %d", r.status)
		}
		if warned(a, "/admin/units") || warned(a, "/admin/calendar") {
			t.Errorf("still warned with 2027 loaded")
		}
		f.Clock.Set(time.Date(2027, 12, 1, 9, 0, 0, 0, china))
		signIn()
		if !warned2028(a) {
			t.Errorf("no warning for 2028 in December 2027")
		}
	})
}

func warned2028(b *browser) bool {
	return strings.Contains(b.get("/admin/calendar").body, "尚未导入 2028 年的放假安排")
}
