package ticket

import (
	"fmt"
	"strings"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
)

// Status is where a ticket stands in its life (DESIGN §3).
type Status string

// Statuses.
const (
	StatusRegistered       Status = "registered"         // 受理
	StatusResolvedAtIntake Status = "resolved_at_intake" // 直接办结
	StatusDispatched       Status = "dispatched"         // 已派单
	StatusAcknowledged     Status = "acknowledged"       // 已签收
	StatusReturned         Status = "returned"           // 已退单
	StatusReplied          Status = "replied"            // 已办结回复
	StatusClosed           Status = "closed"             // 已结案
	StatusReopened         Status = "reopened"           // 重办
	StatusMerged           Status = "merged"             // 重复件, merged into a parent
	StatusInvalid          Status = "invalid"            // 无效件
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{
	StatusRegistered, StatusResolvedAtIntake, StatusDispatched, StatusAcknowledged, StatusReturned,
	StatusReplied, StatusClosed, StatusReopened, StatusMerged, StatusInvalid,
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return oneOf(s, Statuses) }

// Final reports whether nothing more can happen to a ticket in this status
// except a late callback or a reopen.
func (s Status) Final() bool {
	return s == StatusClosed || s == StatusMerged || s == StatusInvalid
}

// Open reports whether a ticket in this status still waits for work by the
// district: everything but closed, merged, invalid, and resolved at intake.
func (s Status) Open() bool {
	return !s.Final() && s != StatusResolvedAtIntake
}

// Action is something a user does to a ticket.
type Action string

// Actions. Register is the creation of the ticket; callback and the other
// non-moving actions leave the status as it is and only add an event.
const (
	ActionRegister        Action = "register"
	ActionResolveAtIntake Action = "resolve_at_intake"
	ActionDispatch        Action = "dispatch"
	ActionAcknowledge     Action = "acknowledge"
	ActionReturn          Action = "return"
	ActionRedispatch      Action = "redispatch"
	ActionReply           Action = "reply"
	ActionCallback        Action = "callback"
	ActionClose           Action = "close"
	ActionReopen          Action = "reopen"
	ActionMerge           Action = "merge"
	ActionInvalidate      Action = "invalidate"
	ActionAttach          Action = "attach"     // add files (photos) to the timeline
	ActionCategorize      Action = "categorize" // set or correct the category (分类); deadlines follow it

	ActionRemind           Action = "remind"            // 催办: before a deadline
	ActionSupervise        Action = "supervise"         // 督办: after a deadline, or by a leader
	ActionRequestExtension Action = "request_extension" // 延期申请
	ActionApproveExtension Action = "approve_extension"
	ActionRefuseExtension  Action = "refuse_extension"
)

// inHand are the statuses in which a handling unit owes work.
var inHand = []Status{StatusDispatched, StatusAcknowledged, StatusReopened}

// Actions lists every action.
var Actions = []Action{
	ActionRegister, ActionResolveAtIntake, ActionDispatch, ActionAcknowledge, ActionReturn,
	ActionRedispatch, ActionReply, ActionCallback, ActionClose, ActionReopen, ActionMerge, ActionInvalidate,
	ActionAttach, ActionRemind, ActionSupervise, ActionRequestExtension, ActionApproveExtension, ActionRefuseExtension,
	ActionCategorize,
}

// Valid reports whether a is a known action.
func (a Action) Valid() bool { return oneOf(a, Actions) }

// rule says from which statuses an action may be taken, where it leads
// (empty: the status does not change) and which roles may take it.
type rule struct {
	from  []Status
	to    Status
	roles []org.Role
	// only narrows, for some roles, the statuses they may take the action
	// from (a subset of from); the other roles may take it from all of from.
	only map[org.Role][]Status
}

// allows reports whether the role may take the rule's action from the
// status (the rule's roles and statuses, narrowed by only).
func (r rule) allows(role org.Role, s Status) bool {
	if !oneOf(role, r.roles) || !oneOf(s, r.from) {
		return false
	}
	if only, ok := r.only[role]; ok {
		return oneOf(s, only)
	}
	return true
}

// rules is the whole lifecycle of DESIGN §3 in one table.
var rules = map[Action]rule{
	ActionRegister: {
		from:  nil, // creation
		to:    StatusRegistered,
		roles: []org.Role{org.RoleAgent, org.RoleDispatcher, org.RoleGridWorker},
	},
	ActionResolveAtIntake: {
		from:  []Status{StatusRegistered},
		to:    StatusResolvedAtIntake,
		roles: []org.Role{org.RoleAgent, org.RoleDispatcher},
	},
	ActionDispatch: {
		from:  []Status{StatusRegistered},
		to:    StatusDispatched,
		roles: []org.Role{org.RoleDispatcher},
	},
	ActionAcknowledge: {
		from:  []Status{StatusDispatched},
		to:    StatusAcknowledged,
		roles: []org.Role{org.RoleHandler},
	},
	ActionReturn: {
		from:  []Status{StatusDispatched},
		to:    StatusReturned,
		roles: []org.Role{org.RoleHandler},
	},
	ActionRedispatch: {
		from:  []Status{StatusReturned, StatusReopened},
		to:    StatusDispatched,
		roles: []org.Role{org.RoleDispatcher},
	},
	ActionReply: {
		from:  []Status{StatusAcknowledged, StatusReopened},
		to:    StatusReplied,
		roles: []org.Role{org.RoleHandler},
	},
	ActionCallback: {
		from:  []Status{StatusReplied, StatusResolvedAtIntake, StatusClosed},
		to:    "",
		roles: []org.Role{org.RoleAgent, org.RoleDispatcher},
	},
	ActionClose: {
		from:  []Status{StatusReplied, StatusResolvedAtIntake},
		to:    StatusClosed,
		roles: []org.Role{org.RoleDispatcher},
	},
	ActionReopen: {
		from:  []Status{StatusReplied, StatusClosed},
		to:    StatusReopened,
		roles: []org.Role{org.RoleDispatcher},
	},
	ActionMerge: {
		from:  []Status{StatusRegistered},
		to:    StatusMerged,
		roles: []org.Role{org.RoleDispatcher},
	},
	ActionInvalidate: {
		from:  []Status{StatusRegistered},
		to:    StatusInvalid,
		roles: []org.Role{org.RoleAgent, org.RoleDispatcher},
	},
	ActionAttach: {
		from: []Status{StatusRegistered, StatusResolvedAtIntake, StatusDispatched, StatusAcknowledged,
			StatusReturned, StatusReplied, StatusClosed, StatusReopened},
		to:    "",
		roles: []org.Role{org.RoleAgent, org.RoleDispatcher, org.RoleHandler, org.RoleGridWorker},
	},
	ActionRemind: {
		from:  inHand,
		roles: []org.Role{org.RoleDispatcher, org.RoleLeader},
	},
	ActionSupervise: {
		from:  append([]Status{StatusReturned}, inHand...),
		roles: []org.Role{org.RoleDispatcher, org.RoleLeader},
	},
	ActionRequestExtension: {
		from:  inHand,
		roles: []org.Role{org.RoleHandler},
	},
	ActionApproveExtension: {
		from:  inHand,
		roles: []org.Role{org.RoleDispatcher},
	},
	ActionRefuseExtension: {
		from:  inHand,
		roles: []org.Role{org.RoleDispatcher},
	},
	// The agent files the request while it is taken in (and just after
	// answering it on the call); the dispatcher sets or corrects it at
	// dispatch and at any time until the ticket is closed.
	ActionCategorize: {
		from: []Status{StatusRegistered, StatusResolvedAtIntake, StatusDispatched, StatusAcknowledged,
			StatusReturned, StatusReplied, StatusReopened},
		roles: []org.Role{org.RoleAgent, org.RoleDispatcher},
		only:  map[org.Role][]Status{org.RoleAgent: {StatusRegistered, StatusResolvedAtIntake}},
	},
}

// Next returns the status that the action leads to from the given status.
// It returns an ECONFLICT error naming the current status when the action is
// not allowed from it.
func Next(from Status, a Action) (Status, error) {
	r, ok := rules[a]
	if !ok || a == ActionRegister {
		return "", minsheng.Errorf(minsheng.EINVALID, "unknown action %q", a)
	}
	if !oneOf(from, r.from) {
		return "", &minsheng.Error{
			Code:    minsheng.ECONFLICT,
			Status:  string(from),
			Message: fmt.Sprintf("cannot %s a ticket that is %s", a, from),
		}
	}
	if r.to == "" {
		return from, nil
	}
	return r.to, nil
}

// Allowed reports whether the action may be taken from the status.
func Allowed(from Status, a Action) bool {
	_, err := Next(from, a)
	return err == nil
}

// RoleMay reports whether a user with the role may take the action at all.
// Whether they may take it on a given ticket depends also on their unit; see
// CheckActor.
func RoleMay(role org.Role, a Action) bool {
	r, ok := rules[a]
	return ok && oneOf(role, r.roles)
}

// May reports whether one of the user's roles may take the action at all
// (RoleMay); CheckActor says whether on a given ticket.
func May(u *org.User, a Action) bool {
	r, ok := rules[a]
	return ok && u.HasAny(r.roles...)
}

// RoleMayIn reports whether a user with the role may take the action on a
// ticket in the status: the lifecycle and role table in one answer (an
// agent may categorise a registered ticket, not a dispatched one).
func RoleMayIn(role org.Role, s Status, a Action) bool {
	r, ok := rules[a]
	return ok && a != ActionRegister && r.allows(role, s)
}

// mayIn reports whether one of the user's roles may take the action from
// the status.
func mayIn(u *org.User, s Status, a Action) bool {
	for _, role := range u.Roles() {
		if RoleMayIn(role, s, a) {
			return true
		}
	}
	return false
}

// AvailableActions returns the actions one of the user's roles may take on
// a ticket in the status, in the order of Actions. Whether the user's grants
// cover the ticket is CheckActor's question.
func AvailableActions(s Status, u *org.User) []Action {
	var out []Action
	for _, a := range Actions {
		if a != ActionRegister && mayIn(u, s, a) {
			out = append(out, a)
		}
	}
	return out
}

// CheckActor returns an EFORBIDDEN error unless the user may take the action
// on the ticket: they must hold a role that allows it over a unit that
// covers the ticket. A handler's grant must cover the handling unit; the
// other roles' grants, the unit that took the ticket in or the handling
// unit (Visible). An unscoped grant covers the user's own unit, a scoped one
// (handler@xinghailu) its unit; both cover the units below.
func CheckActor(u *org.User, t *Ticket, a Action) error {
	if !u.Active {
		return minsheng.Errorf(minsheng.EFORBIDDEN, "account is disabled")
	}
	r, ok := rules[a]
	if !ok || !u.HasAny(r.roles...) {
		return minsheng.Errorf(minsheng.EFORBIDDEN, "role %s may not %s tickets", roleNames(u), a)
	}
	if oneOf(t.Status, r.from) && !mayIn(u, t.Status, a) {
		return minsheng.Errorf(minsheng.EFORBIDDEN, "role %s may not %s a ticket that is %s", roleNames(u), a, t.Status)
	}
	for _, role := range r.roles {
		if oneOf(t.Status, r.from) && !r.allows(role, t.Status) {
			continue
		}
		if role == org.RoleHandler {
			if t.UnitPath != "" && u.SeesAs(t.UnitPath, role) {
				return nil
			}
			continue
		}
		if u.SeesAs(t.IntakeUnitPath, role) || (t.UnitPath != "" && u.SeesAs(t.UnitPath, role)) {
			return nil
		}
	}
	if u.Has(org.RoleHandler) && oneOf(org.RoleHandler, r.roles) {
		return minsheng.Errorf(minsheng.EFORBIDDEN, "ticket %s is not handled by your unit", t.Number)
	}
	return minsheng.Errorf(minsheng.EFORBIDDEN, "ticket %s is outside the units of your role", t.Number)
}

// roleNames writes the user's roles for a message: "agent+leader".
func roleNames(u *org.User) string {
	var parts []string
	for _, r := range u.Roles() {
		parts = append(parts, string(r))
	}
	return strings.Join(parts, "+")
}

// Visible reports whether the user may see the ticket at all: it was taken
// in by, or is handled by, a unit whose work they see (org.User.SeesWork:
// their unit, their scoped staff grants' units, and the units below).
func Visible(u *org.User, t *Ticket) bool {
	return u.SeesWork(t.IntakeUnitPath) || (t.UnitPath != "" && u.SeesWork(t.UnitPath))
}
