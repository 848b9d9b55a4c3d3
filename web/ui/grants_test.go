package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/ticket"
)

var navRE = regexp.MustCompile(`(?s)<nav class="nav[ "][^>]*>(.*?)</nav>`)
var hrefRE = regexp.MustCompile(`href="([^"]+)"`)

// navLinks returns the links of a page's navigation bar, in order.
func navLinks(t *testing.T, r res) []string {
	t.Helper()
	m := navRE.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("%s has no navigation", r.url)
	}
	var out []string
	for _, h := range hrefRE.FindAllStringSubmatch(m[1], -1) {
		out = append(out, h[1])
	}
	return out
}

// TestTwoRolesSeeBothSetsOfPages gives a user two roles through the admin
// page and checks what a user would notice: the navigation holds the pages
// of both roles, once each, the primary role's home first, and a page of
// each role opens, while a user of either role alone cannot open the
// other's.
func TestTwoRolesSeeBothSetsOfPages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		admin := e.signedIn(t, "admin")
		r := admin.post("/admin/users", url.Values{"username": {"mahai"}, "name": {"马海"}, "grants": {"agent, leader"},
			"unit_id": {itoa(e.f.District.ID)}, "password": {"a-long-password"}})
		if r.status != http.StatusOK || !strings.Contains(r.url, "ok=saved") {
			t.Fatalf("create a user with two roles: %d %s", r.status, r.url)
		}
		if !strings.Contains(r.body, `value="agent, leader"`) {
			t.Fatal("the users page does not show the new user's grants")
		}

		b := e.browser(t)
		r = b.post("/login", url.Values{"username": {"mahai"}, "password": {"a-long-password"}})
		if r.status != http.StatusOK || !strings.HasSuffix(r.url, "/desk") {
			t.Fatalf("sign-in led to %s (%d), want the agent's home /desk", r.url, r.status)
		}
		nav := navLinks(t, r)
		agentPages := []string{"/desk", "/tickets", "/kb"}
		leaderPages := []string{"/dashboard", "/map", "/hotspots", "/tickets"}
		for _, p := range append(agentPages, leaderPages...) {
			if !slices.Contains(nav, p) {
				t.Errorf("navigation %v lacks %s", nav, p)
			}
		}
		for _, p := range nav {
			if n := strings.Count(strings.Join(nav, " ")+" ", p+" "); n != 1 {
				t.Errorf("navigation %v holds %s %d times", nav, p, n)
			}
		}
		if nav[0] != "/desk" {
			t.Errorf("navigation %v starts with %s, want the primary role's home /desk", nav, nav[0])
		}
		if !strings.Contains(r.body, "坐席、领导") {
			t.Error("the header does not name both roles")
		}
		for _, p := range []string{"/desk", "/kb", "/hotspots", "/dashboard", "/console"} {
			if r := b.get(p); r.status != http.StatusOK {
				t.Errorf("the two-role user opens %s: %d, want 200", p, r.status)
			}
		}

		// Each role alone keeps to its own pages.
		agent, leader := e.signedIn(t, "agent"), e.signedIn(t, "leader")
		if nav := navLinks(t, agent.get("/desk")); slices.Contains(nav, "/hotspots") || slices.Contains(nav, "/dashboard") {
			t.Errorf("the agent's navigation %v holds a leader's page", nav)
		}
		if r := agent.get("/hotspots"); r.status != http.StatusForbidden {
			t.Errorf("the agent opens the leader's /hotspots: %d, want 403", r.status)
		}
		if r := leader.get("/desk"); r.status != http.StatusForbidden {
			t.Errorf("the leader opens the agent's /desk: %d, want 403", r.status)
		}
	})
}

// TestAdminEditsGrants changes a user's grants on the users page: a scoped
// handler grant lets a handler of one street act on another street's
// tickets, and a grant over an unknown unit is refused on the form.
func TestAdminEditsGrants(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		tk := e.f.Dispatched(t) // to 海湖社区, in 兴海路街道
		other := e.signedIn(t, "other_handler")
		if r := other.get("/t/" + tk.Number); r.status != http.StatusNotFound {
			t.Fatalf("another street's handler opens the ticket: %d, want 404", r.status)
		}

		admin := e.signedIn(t, "admin")
		form := url.Values{"name": {"other_handler姓名"}, "unit_id": {itoa(e.f.OtherStreet.ID)}, "active": {"1"}}
		form.Set("grants", "handler, leader@nowhere")
		r := admin.post("/admin/users/other_handler", form)
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, `角色授权中写的单位编码不存在`) {
			t.Fatalf("a grant over an unknown unit: %d, want 400 naming the unit", r.status)
		}
		if !strings.Contains(r.body, `value="handler, leader@nowhere"`) {
			t.Error("the refused form does not keep what the admin typed")
		}
		form.Set("grants", "handler, handler@xinghailu")
		if r := admin.post("/admin/users/other_handler", form); r.status != http.StatusOK || !strings.Contains(r.body, `value="handler, handler@xinghailu"`) {
			t.Fatalf("grant handler@xinghailu: %d", r.status)
		}

		// The running session reads the new grants: the ticket opens and
		// may be acknowledged.
		r = other.get("/t/" + tk.Number)
		if r.status != http.StatusOK || !strings.Contains(r.body, tk.Title) {
			t.Fatalf("the handler granted 兴海路街道 opens its ticket: %d", r.status)
		}
		if r := other.post("/t/"+tk.Number+"/acknowledge", url.Values{}); r.status != http.StatusOK {
			t.Fatalf("acknowledge under the scoped grant: %d", r.status)
		}
		v, err := e.f.Svc.GetTicket(ctx, e.f.Users["dispatcher"], tk.Number)
		if err != nil || v.Ticket.Status != ticket.StatusAcknowledged {
			t.Fatalf("status %s, %v; want acknowledged", v.Ticket.Status, err)
		}
		// The street's own inbox lists it for the granted handler too.
		if r := other.get("/inbox"); !strings.Contains(r.body, tk.Number) {
			t.Error("the inbox of the granted handler does not list the granted street's ticket")
		}

		// Outside roles sign in but open no staff page: a driver lands on
		// the fleet's page for drivers (the ride capability).
		if _, err := e.f.Svc.CreateUser(ctx, e.f.Users["admin"], app.NewUser{Username: "driver1", Name: "司机",
			Grants: []org.Grant{{Role: org.RoleDriver}}, UnitID: e.f.District.ID, Password: "a-long-password"}); err != nil {
			t.Fatal(err)
		}
		d := e.browser(t)
		r = d.post("/login", url.Values{"username": {"driver1"}, "password": {"a-long-password"}})
		if r.status != http.StatusOK || !strings.HasSuffix(r.url, "/rides/driver") {
			t.Fatalf("a driver's sign-in led to %s (%d), want the driver's page", r.url, r.status)
		}
		for _, p := range []string{"/tickets", "/t/" + tk.Number, "/inbox", "/kb"} {
			if r := d.get(p); r.status != http.StatusForbidden {
				t.Errorf("a driver opens %s: %d, want 403", p, r.status)
			}
		}
	})
}
