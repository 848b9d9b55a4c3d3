package org

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestParseGrant(t *testing.T) {
	cases := []struct {
		name, in string
		want     Grant
		err      string // part of the error; "" for none
	}{
		{"role", "driver", Grant{Role: RoleDriver}, ""},
		{"scoped", "grid_worker@grid-3", Grant{Role: RoleGridWorker, UnitCode: "grid-3"}, ""},
		{"spaces", "  mediator @ district ", Grant{Role: RoleMediator, UnitCode: "district"}, ""},
		{"outside role", "volunteer@grid-3", Grant{Role: RoleVolunteer, UnitCode: "grid-3"}, ""},
		{"unknown role", "boss", Grant{}, `unknown role "boss"`},
		{"unknown scoped role", "boss@district", Grant{}, `unknown role "boss"`},
		{"empty", "", Grant{}, `unknown role ""`},
		{"no unit", "agent@", Grant{}, "unit's code"},
		{"bad unit code", "agent@兴海路", Grant{}, "unit's code"},
		{"two units", "agent@a@b", Grant{}, "unit's code"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseGrant(c.in)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("ParseGrant(%q) = %v, %v; want an error with %q", c.in, got, err, c.err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("ParseGrant(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
			}
			if again, err := ParseGrant(got.String()); err != nil || again != got {
				t.Fatalf("%q does not read back: %+v, %v", got.String(), again, err)
			}
		})
	}
}

func TestParseGrants(t *testing.T) {
	cases := []struct {
		name, in string
		want     string // FormatGrants of the result
		err      string
	}{
		{"one", "agent", "agent", ""},
		{"two", "agent, leader@xinghailu", "agent, leader@xinghailu", ""},
		{"Chinese commas and spaces", "agent，leader@xinghailu、 mediator@district driver", "agent, leader@xinghailu, mediator@district, driver", ""},
		{"empty items", ",agent,,", "agent", ""},
		{"the same role over two units", "leader, leader@xinghailu", "leader, leader@xinghailu", ""},
		{"none", " , ", "", "at least one role"},
		{"twice", "agent, leader, agent", "", "agent is listed twice"},
		{"twice scoped", "leader@x, leader@x", "", "leader@x is listed twice"},
		{"unknown", "agent, king", "", `unknown role "king"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseGrants(c.in)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("ParseGrants(%q) = %v, %v; want an error with %q", c.in, got, err, c.err)
				}
				return
			}
			if err != nil || FormatGrants(got) != c.want {
				t.Fatalf("ParseGrants(%q) = %q, %v; want %q", c.in, FormatGrants(got), err, c.want)
			}
		})
	}
}

func TestGrantJSON(t *testing.T) {
	u := User{ID: 1, Username: "ma", Role: RoleAgent}
	u.SetGrants([]Grant{{Role: RoleAgent}, {Role: RoleLeader, UnitID: 5, UnitCode: "xinghailu", UnitPath: "/1/5/"}})
	b, err := json.Marshal(u)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"role":"agent","grants":["agent","leader@xinghailu"]`) {
		t.Fatalf("JSON %s", b)
	}
	var in struct{ Grants []Grant }
	if err := json.Unmarshal([]byte(`{"grants": ["grid_worker@grid-3", "king", "driver"]}`), &in); err != nil {
		t.Fatalf("a bad grant fails the decoding: %v", err)
	}
	if in.Grants[0] != (Grant{Role: RoleGridWorker, UnitCode: "grid-3"}) {
		t.Fatalf("decoded %+v", in.Grants[0])
	}
	if err := CheckGrants(in.Grants); err == nil || !strings.Contains(err.Error(), `unknown role "king"`) {
		t.Fatalf("CheckGrants of a bad decoded grant: %v", err)
	}
}

func TestUserRoles(t *testing.T) {
	u := &User{UnitPath: "/1/5/"}
	u.SetGrants([]Grant{{Role: RoleAgent}, {Role: RoleLeader, UnitID: 9, UnitCode: "haihu", UnitPath: "/1/9/"}, {Role: RoleLeader}})
	if u.Role != RoleAgent || !slices.Equal(u.Roles(), []Role{RoleAgent, RoleLeader}) {
		t.Fatalf("primary %s, roles %v", u.Role, u.Roles())
	}
	cases := []struct {
		name string
		got  bool
		want bool
	}{
		{"has agent", u.Has(RoleAgent), true},
		{"has leader", u.Has(RoleLeader), true},
		{"has no handler", u.Has(RoleHandler), false},
		{"has any of handler, leader", u.HasAny(RoleHandler, RoleLeader), true},
		{"has none of handler, admin", u.HasAny(RoleHandler, RoleAdmin), false},
		{"has any of nothing", u.HasAny(), false},
		{"staff", u.Staff(), true},
		{"a Role alone is a grant", (&User{Role: RoleHandler}).Has(RoleHandler), true},
		{"no role is nothing", (&User{}).HasAny(Roles...), false},
		{"outside roles are not staff", (&User{Grants: []Grant{{Role: RoleDriver}, {Role: RoleVolunteer}}}).Staff(), false},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s: %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestGrantScopes(t *testing.T) {
	// Units: district /1/, streets /1/5/ and /1/9/, a grid /1/9/12/ and a
	// community /1/5/7/.
	gridWorker := &User{UnitPath: "/1/5/7/"}
	gridWorker.SetGrants([]Grant{{Role: RoleHandler}, {Role: RoleGridWorker, UnitID: 12, UnitCode: "grid-3", UnitPath: "/1/9/12/"}})
	volunteer := &User{UnitPath: "/1/5/7/"}
	volunteer.SetGrants([]Grant{{Role: RoleHandler}, {Role: RoleVolunteer, UnitID: 9, UnitCode: "haihu", UnitPath: "/1/9/"}})
	driver := &User{UnitPath: "/1/", Grants: []Grant{{Role: RoleDriver}}}
	leader := &User{UnitPath: "/1/5/"}
	leader.SetGrants([]Grant{{Role: RoleLeader}, {Role: RoleLeader, UnitID: 7, UnitCode: "c7", UnitPath: "/1/5/7/"}})
	cases := []struct {
		name string
		user *User
		path string
		// what Sees, SeesAs(handler), SeesAs(grid_worker) and SeesWork answer
		sees, asHandler, asGrid, work bool
	}{
		{"own unit", gridWorker, "/1/5/7/", true, true, false, true},
		{"below own unit", gridWorker, "/1/5/7/30/", true, true, false, true},
		{"the scoped grant's unit", gridWorker, "/1/9/12/", true, false, true, true},
		{"below the scoped unit", gridWorker, "/1/9/12/40/", true, false, true, true},
		{"above both", gridWorker, "/1/9/", false, false, false, false},
		{"a sibling", gridWorker, "/1/5/8/", false, false, false, false},
		{"an id that extends the scope's", gridWorker, "/1/9/123/", false, false, false, false},
		{"outside grant: seen", volunteer, "/1/9/", true, false, false, false},
		{"outside grant: own unit still works", volunteer, "/1/5/7/", true, true, false, true},
		{"only outside roles: no work", driver, "/1/5/", true, false, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := [4]bool{c.user.Sees(c.path), c.user.SeesAs(c.path, RoleHandler), c.user.SeesAs(c.path, RoleGridWorker), c.user.SeesWork(c.path)}
			if want := [4]bool{c.sees, c.asHandler, c.asGrid, c.work}; got != want {
				t.Errorf("Sees, SeesAs handler, SeesAs grid worker, SeesWork of %s = %v, want %v", c.path, got, want)
			}
		})
	}
	scopes := []struct {
		name      string
		got, want []string
	}{
		{"Scopes", gridWorker.Scopes(), []string{"/1/5/7/", "/1/9/12/"}},
		{"ScopesAs grid worker", gridWorker.ScopesAs(RoleGridWorker), []string{"/1/9/12/"}},
		{"ScopesAs admin", gridWorker.ScopesAs(RoleAdmin), nil},
		{"WorkScopes without outside grants", volunteer.WorkScopes(), []string{"/1/5/7/"}},
		{"WorkScopes of outside roles", driver.WorkScopes(), nil},
		{"a scope below another is dropped", leader.Scopes(), []string{"/1/5/"}},
	}
	for _, c := range scopes {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestRoleLists(t *testing.T) {
	for _, r := range Roles {
		if !r.Valid() || !r.Staff() {
			t.Errorf("staff role %s: Valid %v, Staff %v", r, r.Valid(), r.Staff())
		}
	}
	for _, r := range OutsideRoles {
		if !r.Valid() || r.Staff() {
			t.Errorf("outside role %s: Valid %v, Staff %v", r, r.Valid(), r.Staff())
		}
	}
	if len(AllRoles) != len(Roles)+len(OutsideRoles) || !RoleMediator.Staff() || Role("king").Valid() {
		t.Fatalf("AllRoles %v", AllRoles)
	}
}
