package mediation

import (
	"slices"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
)

// Status is where a case stands.
type Status string

// Statuses of a case.
const (
	StatusRegistered    Status = "registered"    // 登记
	StatusAccepted      Status = "accepted"      // 受理
	StatusDeclined      Status = "declined"      // 不予受理 (with a reason)
	StatusInvestigating Status = "investigating" // 调查
	StatusInMediation   Status = "in_mediation"  // 调解中
	StatusAgreement     Status = "agreement"     // 达成协议
	StatusFailed        Status = "failed"        // 调解不成 (referred on)
	StatusPerforming    Status = "performing"    // 协议履行中
	StatusPerformed     Status = "performed"     // 履行完毕
	StatusDefaulted     Status = "defaulted"     // 未履行
	StatusClosed        Status = "closed"        // 结案
)

// Statuses lists every status in the order of the workflow.
var Statuses = []Status{StatusRegistered, StatusAccepted, StatusDeclined, StatusInvestigating, StatusInMediation,
	StatusAgreement, StatusFailed, StatusPerforming, StatusPerformed, StatusDefaulted, StatusClosed}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Final reports whether nothing more happens to a case in s.
func (s Status) Final() bool { return s == StatusDeclined || s == StatusClosed }

// Action is what moves a case.
type Action string

// Actions on a case.
const (
	ActionAccept      Action = "accept"
	ActionDecline     Action = "decline" // a reason is required
	ActionInvestigate Action = "investigate"
	ActionMediate     Action = "mediate"  // the first session is held or scheduled
	ActionAgree       Action = "agree"    // an agreement is recorded (RecordAgreement)
	ActionFail        Action = "fail"     // mediation failed; say where it is referred on
	ActionPerform     Action = "perform"  // the agreement is signed and its performance starts
	ActionComplete    Action = "complete" // every obligation is performed
	ActionDefault     Action = "default"  // an instalment was missed (the reminder job or a mediator)
	ActionResume      Action = "resume"   // a defaulting party paid after all
	ActionClose       Action = "close"    // the file is closed, after the return visit
)

// Actions lists every action in the order of the workflow.
var Actions = []Action{ActionAccept, ActionDecline, ActionInvestigate, ActionMediate, ActionAgree, ActionFail,
	ActionPerform, ActionComplete, ActionDefault, ActionResume, ActionClose}

// rule says from which statuses an action may be taken, where it leads,
// who may take it and whether it needs a note (a reason).
type rule struct {
	from     []Status
	to       Status
	roles    []org.Role
	needNote bool
}

var mediators = []org.Role{org.RoleMediator}

// rules is the whole lifecycle of a case in one table. Mediators move
// cases; the system actor (jobs, demo) may take any action (kit.Require).
var rules = map[Action]rule{
	ActionAccept:      {from: []Status{StatusRegistered}, to: StatusAccepted, roles: mediators},
	ActionDecline:     {from: []Status{StatusRegistered}, to: StatusDeclined, roles: mediators, needNote: true},
	ActionInvestigate: {from: []Status{StatusAccepted}, to: StatusInvestigating, roles: mediators},
	ActionMediate:     {from: []Status{StatusAccepted, StatusInvestigating}, to: StatusInMediation, roles: mediators},
	ActionAgree:       {from: []Status{StatusInMediation}, to: StatusAgreement, roles: mediators},
	ActionFail:        {from: []Status{StatusInvestigating, StatusInMediation}, to: StatusFailed, roles: mediators, needNote: true},
	ActionPerform:     {from: []Status{StatusAgreement}, to: StatusPerforming, roles: mediators},
	ActionComplete:    {from: []Status{StatusAgreement, StatusPerforming, StatusDefaulted}, to: StatusPerformed, roles: mediators},
	ActionDefault:     {from: []Status{StatusPerforming}, to: StatusDefaulted, roles: mediators},
	ActionResume:      {from: []Status{StatusDefaulted}, to: StatusPerforming, roles: mediators},
	ActionClose:       {from: []Status{StatusFailed, StatusPerformed, StatusDefaulted}, to: StatusClosed, roles: append([]org.Role{org.RoleAdmin}, mediators...)},
}

// Next returns the status the action leads to from the given status: an
// EINVALID error for an unknown action, an ECONFLICT error naming the
// current status when the action is not allowed from it.
func Next(from Status, a Action) (Status, error) {
	r, ok := rules[a]
	if !ok {
		return "", minsheng.FieldError("action", "unknown action %q", a)
	}
	if !slices.Contains(r.from, from) {
		return "", minsheng.Errorf(minsheng.ECONFLICT, "cannot %s a case that is %s", a, from)
	}
	return r.to, nil
}

// NeedsNote reports whether the action needs a note (a decline's reason,
// where a failed case is referred on).
func NeedsNote(a Action) bool { return rules[a].needNote }

// May reports whether one of the user's roles may take the action at all;
// whether on a given case depends on the case's unit too (CheckActor).
func May(u *org.User, a Action) bool {
	r, ok := rules[a]
	return ok && u != nil && u.HasAny(r.roles...)
}

// CheckActor returns nil if the user may take the action on a case of the
// unit with the path: an active user holding one of the action's roles over
// that unit. The system actor is checked by the use cases (kit.IsSystem).
func CheckActor(u *org.User, unitPath string, a Action) error {
	if u == nil {
		return minsheng.Errorf(minsheng.EUNAUTHORIZED, "sign in first")
	}
	if !u.Active {
		return minsheng.Errorf(minsheng.EFORBIDDEN, "account is disabled")
	}
	r, ok := rules[a]
	if !ok {
		return minsheng.FieldError("action", "unknown action %q", a)
	}
	if !u.SeesAs(unitPath, r.roles...) {
		return minsheng.Errorf(minsheng.EFORBIDDEN, "your role may not %s this case", a)
	}
	return nil
}

// AvailableActions returns the actions the user may take on a case in the
// status, of the unit with the path, in the order of Actions. Agree is
// left out: an agreement is recorded with its terms, not by a button.
func AvailableActions(s Status, u *org.User, unitPath string) []Action {
	var out []Action
	for _, a := range Actions {
		if a == ActionAgree {
			continue
		}
		if _, err := Next(s, a); err == nil && CheckActor(u, unitPath, a) == nil {
			out = append(out, a)
		}
	}
	return out
}

// Conditions beyond the status. An agreement signed by SMS code is in
// force only once every party has confirmed: until then its performance
// cannot start or end. A case whose agreement was performed or defaulted
// is closed only after a return visit (回访) has asked the parties how it
// went. Parties may join a case until its agreement is recorded.

// NeedsSignatures reports whether taking the action from the status needs
// every party's signature of the agreement.
func NeedsSignatures(from Status, a Action) bool {
	return from == StatusAgreement && (a == ActionPerform || a == ActionComplete)
}

// NeedsVisit reports whether taking the action from the status needs a
// return visit recorded first.
func NeedsVisit(from Status, a Action) bool {
	return a == ActionClose && (from == StatusPerformed || from == StatusDefaulted)
}

// MayVisit reports whether a return visit may be recorded on a case in the
// status: once its agreement's performance has ended either way.
func MayVisit(s Status) bool { return s == StatusPerformed || s == StatusDefaulted }

// MayAddParty reports whether a party may join a case in the status:
// before the agreement, which the parties sign.
func MayAddParty(s Status) bool {
	return s == StatusRegistered || s == StatusAccepted || s == StatusInvestigating || s == StatusInMediation
}

// CheckConditions returns an ECONFLICT error with its reason when the
// action, allowed from the status by the table, waits for the agreement's
// signatures (signed false) or a return visit (visited false).
func CheckConditions(from Status, a Action, signed, visited bool) error {
	if NeedsSignatures(from, a) && !signed {
		return minsheng.Errorf(minsheng.ECONFLICT, "not every party has signed the agreement").Because("unsigned")
	}
	if NeedsVisit(from, a) && !visited {
		return minsheng.Errorf(minsheng.ECONFLICT, "record the return visit before closing the case").Because("visit_required")
	}
	return nil
}
