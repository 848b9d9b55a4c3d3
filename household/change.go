package household

import (
	"slices"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
)

// ChangeKind is what a change request asks to change in a household.
type ChangeKind string

// Change kinds.
const (
	ChangeAddMember    ChangeKind = "add_member"    // a person joins: Member
	ChangeRemoveMember ChangeKind = "remove_member" // a person leaves: PersonID
	ChangeHead         ChangeKind = "change_head"   // another member becomes the head: PersonID
	ChangeSplit        ChangeKind = "split"         // members leave to form a household: PersonIDs, Address, Head
	ChangeMerge        ChangeKind = "merge"         // another household joins this one: OtherID
)

// ChangeKinds lists every kind.
var ChangeKinds = []ChangeKind{ChangeAddMember, ChangeRemoveMember, ChangeHead, ChangeSplit, ChangeMerge}

// Valid reports whether k is a known kind.
func (k ChangeKind) Valid() bool { return slices.Contains(ChangeKinds, k) }

// ChangeStatus is where a change request stands.
type ChangeStatus string

// Change statuses: requested, then approved (and applied) or rejected by
// community staff, or withdrawn by whoever asked.
const (
	ChangeRequested ChangeStatus = "requested"
	ChangeApproved  ChangeStatus = "approved"
	ChangeRejected  ChangeStatus = "rejected"
	ChangeWithdrawn ChangeStatus = "withdrawn"
)

// ChangeStatuses lists every status.
var ChangeStatuses = []ChangeStatus{ChangeRequested, ChangeApproved, ChangeRejected, ChangeWithdrawn}

// ChangeAction is what someone does to a change request.
type ChangeAction string

// Change actions.
const (
	ChangeApprove  ChangeAction = "approve"
	ChangeReject   ChangeAction = "reject"
	ChangeWithdraw ChangeAction = "withdraw"
)

// ChangeActions lists every action.
var ChangeActions = []ChangeAction{ChangeApprove, ChangeReject, ChangeWithdraw}

// changeNext is the lifecycle: only a request still requested moves.
var changeNext = map[ChangeStatus]map[ChangeAction]ChangeStatus{
	ChangeRequested: {ChangeApprove: ChangeApproved, ChangeReject: ChangeRejected, ChangeWithdraw: ChangeWithdrawn},
}

// NextChange returns the status a change request in status moves to by
// the action, or an ECONFLICT error naming its status.
func NextChange(status ChangeStatus, a ChangeAction) (ChangeStatus, error) {
	if !slices.Contains(ChangeActions, a) {
		return "", minsheng.FieldError("action", "unknown action %q", a)
	}
	to, ok := changeNext[status][a]
	if !ok {
		return "", &minsheng.Error{Code: minsheng.ECONFLICT, Message: "the change request is " + string(status), Status: string(status)}
	}
	return to, nil
}

// Staff who may register households and visit them: community staff
// (handlers and admins of the community or above) and grid workers.
var (
	// RegistryRoles may read the registry and ask for changes.
	RegistryRoles = []org.Role{org.RoleAdmin, org.RoleHandler, org.RoleGridWorker, org.RoleLeader}
	// ApproverRoles approve changes, register households and pair cadres,
	// over the units their grants cover (community staff).
	ApproverRoles = []org.Role{org.RoleAdmin, org.RoleHandler}
)

// MayRequest reports whether u may ask for a change of a household in the
// unit with the path: registry staff over it, leaders excepted (they
// oversee, they do not keep the registry).
func MayRequest(u *org.User, unitPath string) bool {
	return u.SeesAs(unitPath, org.RoleAdmin, org.RoleHandler, org.RoleGridWorker)
}

// MayApprove reports whether u may register households of the unit with
// the path, pair its cadres and approve or reject its change requests.
func MayApprove(u *org.User, unitPath string) bool {
	return u.SeesAs(unitPath, ApproverRoles...)
}

// MayActOnChange reports whether u may take the action on a change
// request of a household in the unit with the path, asked for by the user
// with requesterID: approving and rejecting are for community staff other
// than whoever asked (four eyes), withdrawing for whoever asked.
func MayActOnChange(u *org.User, unitPath string, requesterID int64, a ChangeAction) bool {
	if u == nil || !u.Active {
		return false
	}
	switch a {
	case ChangeApprove, ChangeReject:
		return u.ID != requesterID && MayApprove(u, unitPath)
	case ChangeWithdraw:
		return u.ID == requesterID
	}
	return false
}

// ChangeInput is a change request as staff enter it. Which fields count
// depends on the kind.
type ChangeInput struct {
	Kind      ChangeKind `json:"kind"`
	Member    *NewMember `json:"member,omitempty"`     // add_member
	PersonID  int64      `json:"person_id,omitempty"`  // remove_member, change_head; split: the new household's head
	PersonIDs []int64    `json:"person_ids,omitempty"` // split: who leaves
	Address   string     `json:"address,omitempty"`    // split: the new household's address
	OtherID   int64      `json:"other_id,omitempty"`   // merge: the household that joins
	Reason    string     `json:"reason"`
}

// Validate checks that the input holds what its kind needs.
func (c *ChangeInput) Validate() error {
	if !c.Kind.Valid() {
		return minsheng.FieldError("kind", "unknown kind of change %q", c.Kind)
	}
	if c.Reason == "" || len([]rune(c.Reason)) > MaxNote {
		return minsheng.FieldError("reason", "the reason is required, at most %d characters", MaxNote)
	}
	switch c.Kind {
	case ChangeAddMember:
		if c.Member == nil {
			return minsheng.FieldError("member", "the member to add is required")
		}
		c.Member.Normalize()
		if c.Member.Relation == RelationHead {
			return minsheng.FieldError("member.relation", "a new member is not the head; change the head after")
		}
		return c.Member.Validate("member.")
	case ChangeRemoveMember, ChangeHead:
		if c.PersonID <= 0 {
			return minsheng.FieldError("person_id", "the member is required")
		}
	case ChangeSplit:
		if len(c.PersonIDs) == 0 || !slices.Contains(c.PersonIDs, c.PersonID) {
			return minsheng.FieldError("person_ids", "the members who leave are required, the new head among them")
		}
		if c.Address == "" || len([]rune(c.Address)) > MaxAddress {
			return minsheng.FieldError("address", "the new household's address is required, at most %d characters", MaxAddress)
		}
	case ChangeMerge:
		if c.OtherID <= 0 {
			return minsheng.FieldError("other_id", "the household that joins is required")
		}
	}
	return nil
}
