package ticket

import (
	"slices"
	"testing"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
)

// lifecycle is DESIGN §3 written out as (from, action) → to. Every pair not
// listed here must be refused.
var lifecycle = map[Status]map[Action]Status{
	StatusRegistered: {
		ActionCategorize:      StatusRegistered,
		ActionAttach:          StatusRegistered,
		ActionResolveAtIntake: StatusResolvedAtIntake,
		ActionDispatch:        StatusDispatched,
		ActionMerge:           StatusMerged,
		ActionInvalidate:      StatusInvalid,
	},
	StatusResolvedAtIntake: {
		ActionCategorize: StatusResolvedAtIntake,
		ActionAttach:     StatusResolvedAtIntake,
		ActionCallback:   StatusResolvedAtIntake,
		ActionClose:      StatusClosed,
	},
	StatusDispatched: {
		ActionCategorize:       StatusDispatched,
		ActionRemind:           StatusDispatched,
		ActionSupervise:        StatusDispatched,
		ActionRequestExtension: StatusDispatched,
		ActionApproveExtension: StatusDispatched,
		ActionRefuseExtension:  StatusDispatched,
		ActionAttach:           StatusDispatched,
		ActionAcknowledge:      StatusAcknowledged,
		ActionReturn:           StatusReturned,
	},
	StatusReturned: {
		ActionCategorize: StatusReturned,
		ActionSupervise:  StatusReturned,
		ActionAttach:     StatusReturned,
		ActionRedispatch: StatusDispatched,
	},
	StatusAcknowledged: {
		ActionCategorize:       StatusAcknowledged,
		ActionRemind:           StatusAcknowledged,
		ActionSupervise:        StatusAcknowledged,
		ActionRequestExtension: StatusAcknowledged,
		ActionApproveExtension: StatusAcknowledged,
		ActionRefuseExtension:  StatusAcknowledged,
		ActionAttach:           StatusAcknowledged,
		ActionReply:            StatusReplied,
	},
	StatusReplied: {
		ActionCategorize: StatusReplied,
		ActionAttach:     StatusReplied,
		ActionCallback:   StatusReplied,
		ActionClose:      StatusClosed,
		ActionReopen:     StatusReopened,
	},
	StatusClosed: {
		ActionAttach:   StatusClosed,
		ActionCallback: StatusClosed,
		ActionReopen:   StatusReopened,
	},
	StatusReopened: {
		ActionCategorize:       StatusReopened,
		ActionRemind:           StatusReopened,
		ActionSupervise:        StatusReopened,
		ActionRequestExtension: StatusReopened,
		ActionApproveExtension: StatusReopened,
		ActionRefuseExtension:  StatusReopened,
		ActionAttach:           StatusReopened,
		ActionReply:            StatusReplied,
		ActionRedispatch:       StatusDispatched,
	},
	StatusMerged:  {},
	StatusInvalid: {},
}

func TestEveryTransition(t *testing.T) {
	for _, from := range Statuses {
		for _, a := range Actions {
			if a == ActionRegister {
				continue
			}
			want, allowed := lifecycle[from][a]
			name := string(from) + "/" + string(a)
			t.Run(name, func(t *testing.T) {
				got, err := Next(from, a)
				if allowed {
					if err != nil || got != want {
						t.Fatalf("Next(%s, %s) = %q, %v; want %q", from, a, got, err, want)
					}
					return
				}
				if err == nil {
					t.Fatalf("Next(%s, %s) = %q; want it refused", from, a, got)
				}
				var e *minsheng.Error
				if !asError(err, &e) || e.Code != minsheng.ECONFLICT || e.Status != string(from) {
					t.Fatalf("Next(%s, %s) error = %v; want a conflict naming status %s", from, a, err, from)
				}
			})
		}
	}
}

func asError(err error, target **minsheng.Error) bool {
	e, ok := err.(*minsheng.Error)
	if ok {
		*target = e
	}
	return ok
}

// mayAct is who may take each action (DESIGN §1 and §3).
var mayAct = map[Action][]org.Role{
	ActionRegister:         {org.RoleAgent, org.RoleDispatcher, org.RoleGridWorker},
	ActionResolveAtIntake:  {org.RoleAgent, org.RoleDispatcher},
	ActionDispatch:         {org.RoleDispatcher},
	ActionRedispatch:       {org.RoleDispatcher},
	ActionAcknowledge:      {org.RoleHandler},
	ActionReturn:           {org.RoleHandler},
	ActionReply:            {org.RoleHandler},
	ActionCallback:         {org.RoleAgent, org.RoleDispatcher},
	ActionClose:            {org.RoleDispatcher},
	ActionReopen:           {org.RoleDispatcher},
	ActionMerge:            {org.RoleDispatcher},
	ActionInvalidate:       {org.RoleAgent, org.RoleDispatcher},
	ActionAttach:           {org.RoleAgent, org.RoleDispatcher, org.RoleHandler, org.RoleGridWorker},
	ActionRemind:           {org.RoleDispatcher, org.RoleLeader},
	ActionSupervise:        {org.RoleDispatcher, org.RoleLeader},
	ActionRequestExtension: {org.RoleHandler},
	ActionApproveExtension: {org.RoleDispatcher},
	ActionRefuseExtension:  {org.RoleDispatcher},
	ActionCategorize:       {org.RoleAgent, org.RoleDispatcher}, // the agent only at intake: TestCategorizeByRoleAndStatus
}

func TestWhoMayAct(t *testing.T) {
	for _, a := range Actions {
		for _, r := range org.AllRoles {
			want := false
			for _, x := range mayAct[a] {
				want = want || x == r
			}
			if got := RoleMay(r, a); got != want {
				t.Errorf("RoleMay(%s, %s) = %v, want %v", r, a, got, want)
			}
		}
	}
}

func TestCheckActorUnitScope(t *testing.T) {
	street := "/1/2/"
	community := "/1/2/3/"
	other := "/1/9/"
	tk := &Ticket{Number: "20260302-00001", UnitPath: community, IntakeUnitPath: "/1/"}
	cases := []struct {
		name   string
		user   org.User
		action Action
		ok     bool
	}{
		{"handler of the handling unit", org.User{Role: org.RoleHandler, UnitPath: community, Active: true}, ActionAcknowledge, true},
		{"handler of the street above", org.User{Role: org.RoleHandler, UnitPath: street, Active: true}, ActionAcknowledge, true},
		{"handler of another street", org.User{Role: org.RoleHandler, UnitPath: other, Active: true}, ActionAcknowledge, false},
		{"dispatcher at the district", org.User{Role: org.RoleDispatcher, UnitPath: "/1/", Active: true}, ActionRedispatch, true},
		{"disabled dispatcher", org.User{Role: org.RoleDispatcher, UnitPath: "/1/", Active: false}, ActionRedispatch, false},
		{"leader may not close", org.User{Role: org.RoleLeader, UnitPath: "/1/", Active: true}, ActionClose, false},
		{"admin may not dispatch", org.User{Role: org.RoleAdmin, UnitPath: "/1/", Active: true}, ActionDispatch, false},
		// Grants: a handler's grant scoped to a unit covers its subtree,
		// wherever the user belongs.
		{"handler granted the street", granted(other, handlerAt(street)), ActionAcknowledge, true},
		{"handler granted the community", granted(other, handlerAt(community)), ActionReply, true},
		{"handler granted another street", granted(street, org.Grant{Role: org.RoleAgent}, handlerAt(other)), ActionAcknowledge, false},
		{"handler granted a unit below the handling unit", granted(other, handlerAt("/1/2/3/4/")), ActionAcknowledge, false},
		{"a leader's grant over the unit is no handler's", granted(other, org.Grant{Role: org.RoleHandler},
			org.Grant{Role: org.RoleLeader, UnitID: 2, UnitCode: "s2", UnitPath: street}), ActionAcknowledge, false},
		{"the leader of the two may supervise", granted(other, org.Grant{Role: org.RoleHandler},
			org.Grant{Role: org.RoleLeader, UnitID: 2, UnitCode: "s2", UnitPath: street}), ActionSupervise, true},
		{"agent and dispatcher: the dispatcher closes", granted("/1/", org.Grant{Role: org.RoleAgent}, org.Grant{Role: org.RoleDispatcher}), ActionClose, true},
		{"agent and leader may not close", granted("/1/", org.Grant{Role: org.RoleAgent}, org.Grant{Role: org.RoleLeader}), ActionClose, false},
		{"outside roles may not act", granted("/1/", org.Grant{Role: org.RoleDriver}, org.Grant{Role: org.RoleVolunteer}), ActionAttach, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckActor(&tc.user, tk, tc.action)
			if (err == nil) != tc.ok {
				t.Fatalf("CheckActor = %v, want ok=%v", err, tc.ok)
			}
			if err != nil && !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
				t.Fatalf("CheckActor error code = %s, want forbidden", minsheng.ErrorCode(err))
			}
		})
	}
}

// granted returns an active user of the unit with the grants.
func granted(unitPath string, gs ...org.Grant) org.User {
	u := org.User{UnitPath: unitPath, Active: true}
	u.SetGrants(gs)
	return u
}

// handlerAt is a handler's grant over the unit with the path.
func handlerAt(path string) org.Grant {
	return org.Grant{Role: org.RoleHandler, UnitID: 99, UnitCode: "u99", UnitPath: path}
}

func TestVisibleAndReveal(t *testing.T) {
	tk := &Ticket{IntakeUnitPath: "/1/", UnitPath: "/1/2/3/"}
	cases := []struct {
		name            string
		user            org.User
		visible, reveal bool
	}{
		{"agent at district", org.User{Role: org.RoleAgent, UnitPath: "/1/", Active: true}, true, true},
		{"dispatcher at district", org.User{Role: org.RoleDispatcher, UnitPath: "/1/", Active: true}, true, true},
		{"leader at district", org.User{Role: org.RoleLeader, UnitPath: "/1/", Active: true}, true, false},
		{"admin at district", org.User{Role: org.RoleAdmin, UnitPath: "/1/", Active: true}, true, false},
		{"handler of the unit", org.User{Role: org.RoleHandler, UnitPath: "/1/2/3/", Active: true}, true, true},
		{"handler above the unit", org.User{Role: org.RoleHandler, UnitPath: "/1/2/", Active: true}, true, true},
		{"handler elsewhere", org.User{Role: org.RoleHandler, UnitPath: "/1/7/", Active: true}, false, false},
		{"grid worker below the unit", org.User{Role: org.RoleGridWorker, UnitPath: "/1/2/3/4/", Active: true}, false, false},
		{"leader of the street", org.User{Role: org.RoleLeader, UnitPath: "/1/2/", Active: true}, true, false},
		{"handler granted the unit", granted("/1/7/", handlerAt("/1/2/")), true, true},
		{"leader here, handler granted elsewhere", granted("/1/2/", org.Grant{Role: org.RoleLeader}, handlerAt("/1/7/")), true, false},
		{"volunteer granted the unit", granted("/1/7/", org.Grant{Role: org.RoleHandler},
			org.Grant{Role: org.RoleVolunteer, UnitID: 2, UnitCode: "s2", UnitPath: "/1/2/"}), false, false},
		{"driver at the district", granted("/1/", org.Grant{Role: org.RoleDriver}), false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Visible(&tc.user, tk); got != tc.visible {
				t.Errorf("Visible = %v, want %v", got, tc.visible)
			}
			if got := MayReveal(&tc.user, tk); got != tc.reveal {
				t.Errorf("MayReveal = %v, want %v", got, tc.reveal)
			}
		})
	}
}

func TestAvailableActions(t *testing.T) {
	got := AvailableActions(StatusRegistered, &org.User{Role: org.RoleDispatcher})
	want := []Action{ActionResolveAtIntake, ActionDispatch, ActionMerge, ActionInvalidate, ActionAttach, ActionCategorize}
	if len(got) != len(want) {
		t.Fatalf("AvailableActions = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("AvailableActions = %v, want %v", got, want)
		}
	}
	if got := AvailableActions(StatusMerged, &org.User{Role: org.RoleDispatcher}); len(got) != 0 {
		t.Fatalf("merged ticket offers %v", got)
	}
}

// Who may set or correct a ticket's category in which status: the agent
// while taking the request in, the dispatcher until the ticket is closed;
// nobody after that, and no other role.
func TestCategorizeByRoleAndStatus(t *testing.T) {
	open := map[org.Role][]Status{
		org.RoleAgent: {StatusRegistered, StatusResolvedAtIntake},
		org.RoleDispatcher: {StatusRegistered, StatusResolvedAtIntake, StatusDispatched, StatusAcknowledged,
			StatusReturned, StatusReplied, StatusReopened},
	}
	for _, role := range org.Roles {
		for _, st := range Statuses {
			want := oneOf(st, open[role])
			if got := RoleMayIn(role, st, ActionCategorize); got != want {
				t.Errorf("RoleMayIn(%s, %s, categorize) = %v, want %v", role, st, got, want)
			}
			u := &org.User{Role: role, Active: true, UnitID: 1, UnitPath: "/1/"}
			tk := &Ticket{Number: "20260302-00001", Status: st, IntakeUnitPath: "/1/", UnitPath: "/1/2/"}
			err := CheckActor(u, tk, ActionCategorize)
			if _, nerr := Next(st, ActionCategorize); nerr == nil && (err == nil) != want {
				t.Errorf("CheckActor(%s on %s) = %v, want allowed %v", role, st, err, want)
			}
			if got := slices.Contains(AvailableActions(st, u), ActionCategorize); got != want {
				t.Errorf("AvailableActions(%s, %s) offers categorize: %v, want %v", st, role, got, want)
			}
		}
	}
	// The status does not change.
	if next, err := Next(StatusAcknowledged, ActionCategorize); err != nil || next != StatusAcknowledged {
		t.Fatalf("Next(acknowledged, categorize) = %s, %v", next, err)
	}
	if _, err := Next(StatusClosed, ActionCategorize); !minsheng.IsCode(err, minsheng.ECONFLICT) {
		t.Fatalf("categorize a closed ticket: %v", err)
	}
}
