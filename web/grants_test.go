package web_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/minsheng/minsheng/org"
)

// TestUserGrantsAPI gives users several roles through POST and PATCH
// /api/v1/users (the harness checks both against the OpenAPI document) and
// refuses grants that are no grants.
func TestUserGrantsAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		grants := func(u org.User) []string {
			var out []string
			for _, g := range u.Grants {
				out = append(out, g.String())
			}
			return out
		}
		u := mustJSON[org.User](t, e.do(t, "POST", "/api/v1/users", "admin", map[string]any{"username": "mahai", "name": "马海",
			"grants": []string{"agent", "leader@xinghailu"}, "unit_id": e.f.District.ID, "password": "long-enough"}), http.StatusCreated)
		if u.Role != org.RoleAgent || !slices.Equal(grants(u), []string{"agent", "leader@xinghailu"}) {
			t.Fatalf("created %s %v", u.Role, grants(u))
		}
		u = mustJSON[org.User](t, e.do(t, "PATCH", "/api/v1/users/mahai", "admin",
			map[string]any{"grants": []string{"grid_worker@haihu-1", "mediator"}}), http.StatusOK)
		if u.Role != org.RoleGridWorker || !slices.Equal(grants(u), []string{"grid_worker@haihu-1", "mediator"}) {
			t.Fatalf("changed to %s %v", u.Role, grants(u))
		}
		// role alone replaces the primary grant and keeps the others.
		u = mustJSON[org.User](t, e.do(t, "PATCH", "/api/v1/users/mahai", "admin", map[string]any{"role": "dispatcher"}), http.StatusOK)
		if !slices.Equal(grants(u), []string{"dispatcher", "mediator"}) {
			t.Fatalf("after a new role: %v", grants(u))
		}
		// A user made with a role alone has it as their one grant.
		u = mustJSON[org.User](t, e.do(t, "POST", "/api/v1/users", "admin", map[string]any{"username": "solo", "name": "单",
			"role": "handler", "unit_id": e.f.Street.ID, "password": "long-enough"}), http.StatusCreated)
		if !slices.Equal(grants(u), []string{"handler"}) {
			t.Fatalf("a role alone made grants %v", grants(u))
		}

		newUser := func(gs ...string) map[string]any {
			if gs == nil {
				gs = []string{}
			}
			return map[string]any{"username": "x1", "name": "x", "grants": gs, "unit_id": e.f.Street.ID, "password": "long-enough"}
		}
		for _, tc := range []bad{
			{name: "no grant", body: newUser(), field: "grants"},
			{name: "unknown role", body: newUser("agent", "king"), field: "grants"},
			{name: "unknown unit", body: newUser("leader@nowhere"), field: "grants"},
			{name: "twice", body: newUser("agent", "agent"), field: "grants"},
			{name: "malformed", body: newUser("agent@"), field: "grants"},
			{name: "not strings", body: map[string]any{"username": "x1", "name": "x", "grants": []int{1}, "unit_id": e.f.Street.ID, "password": "long-enough"}, field: "grants"},
			{name: "role disagrees", body: map[string]any{"username": "x1", "name": "x", "role": "leader", "grants": []string{"agent"}, "unit_id": e.f.Street.ID, "password": "long-enough"}, field: "role"},
		} {
			t.Run(tc.name, func(t *testing.T) { e.mustRefuse(t, "POST", "/api/v1/users", "admin", tc) })
		}

		// A street's admin may grant only over units they administer.
		mustJSON[org.User](t, e.do(t, "POST", "/api/v1/users", "admin", map[string]any{"username": "street_admin", "name": "街道管理员",
			"grants": []string{"admin@xinghailu"}, "unit_id": e.f.OtherStreet.ID, "password": "long-enough"}), http.StatusCreated)
		e.addToken(t, "street_admin")
		e.mustRefuse(t, "PATCH", "/api/v1/users/solo", "street_admin", bad{body: map[string]any{"grants": []string{"handler", "leader@hutai"}}, field: "grants"})
		u = mustJSON[org.User](t, e.do(t, "PATCH", "/api/v1/users/solo", "street_admin",
			map[string]any{"grants": []string{"handler", "leader@haihu"}}), http.StatusOK)
		if !slices.Equal(grants(u), []string{"handler", "leader@haihu"}) {
			t.Fatalf("the street admin's grant: %v", grants(u))
		}
	})
}
