// Package org holds the organisation of a district: its units (district,
// streets, communities, grids, departments), the staff users who belong to
// them, their roles, and the rules about who sees and may do what. It does
// no I/O.
package org

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Role is what a user does. A user holds one or more roles through grants
// (see Grant); the first is their primary role.
type Role string

// Roles, named as in DESIGN §1.
const (
	RoleAdmin          Role = "admin"
	RoleAgent          Role = "agent"
	RoleDispatcher     Role = "dispatcher"
	RoleHandler        Role = "handler"
	RoleGridWorker     Role = "grid_worker"
	RoleLeader         Role = "leader"
	RoleMediator       Role = "mediator"        // 调解员, of the mediation centre (S12)
	RoleFinanceOfficer Role = "finance_officer" // 金融专员, of the district finance office (S7)

	RoleDriver    Role = "driver"     // a driver of the volunteer fleet (S3)
	RoleVolunteer Role = "volunteer"  // a volunteer of the fleet or the grid
	RoleBankStaff Role = "bank_staff" // staff of a bank of the finance programme (S7)
	RoleEmployer  Role = "employer"   // an employer's account in job matching (S8)
	RoleWorker    Role = "worker"     // a job seeker's own account in job matching (S8)
)

// Roles lists the staff roles in a stable order: the district's own people,
// who see the work orders of the units they are granted. A user with none
// of them sees no work order.
var Roles = []Role{RoleAdmin, RoleAgent, RoleDispatcher, RoleHandler, RoleGridWorker, RoleLeader, RoleMediator, RoleFinanceOfficer}

// OutsideRoles lists the roles of outside parties (DESIGN §1): they sign in
// for their module's portal and see no work order through their role.
var OutsideRoles = []Role{RoleDriver, RoleVolunteer, RoleBankStaff, RoleEmployer, RoleWorker}

// AllRoles lists every role that can be granted: the staff roles, then the
// outside ones.
var AllRoles = append(append([]Role{}, Roles...), OutsideRoles...)

// Valid reports whether r is a known role, staff or outside.
func (r Role) Valid() bool { return slices.Contains(AllRoles, r) }

// Staff reports whether r is one of the staff roles.
func (r Role) Staff() bool { return slices.Contains(Roles, r) }

// UnitKind is the level or nature of a unit.
type UnitKind string

// Unit kinds. Departments (职能部门) hang under the district beside the streets.
const (
	KindDistrict   UnitKind = "district"
	KindStreet     UnitKind = "street"
	KindTown       UnitKind = "town"
	KindCommunity  UnitKind = "community"
	KindGrid       UnitKind = "grid"
	KindDepartment UnitKind = "department"
	KindCentre     UnitKind = "centre"
)

// UnitKinds lists every unit kind.
var UnitKinds = []UnitKind{KindDistrict, KindStreet, KindTown, KindCommunity, KindGrid, KindDepartment, KindCentre}

// Valid reports whether k is a known unit kind.
func (k UnitKind) Valid() bool {
	for _, x := range UnitKinds {
		if k == x {
			return true
		}
	}
	return false
}

// Unit is one node of the organisation tree. Path lists the ids from the
// root down to the unit itself, as "/1/5/23/", so that "is u below v" is a
// prefix test and "everything below v" is one indexed LIKE.
type Unit struct {
	ID       int64    `json:"id"`
	ParentID int64    `json:"parent_id,omitempty"`
	Kind     UnitKind `json:"kind"`
	Code     string   `json:"code"`
	Name     string   `json:"name"`
	Path     string   `json:"path"`
	// Active is false for a disabled unit: not offered for dispatch or
	// routing any more; its tickets and users keep it.
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
}

// ChildPath returns the path of a child of parentPath with the given id.
// An empty parentPath makes a root.
func ChildPath(parentPath string, id int64) string {
	if parentPath == "" {
		parentPath = "/"
	}
	return parentPath + strconv.FormatInt(id, 10) + "/"
}

// Within reports whether the unit with path p is the unit with path ancestor
// or lies below it.
func Within(p, ancestor string) bool {
	return ancestor != "" && strings.HasPrefix(p, ancestor)
}

// User is a staff member or an outside party who signs in. Password hashes
// never leave the store package in API shapes: the field is not serialised.
//
// Role is the primary role, the first of Grants, kept so that the JSON and
// the users.role column still name one role; Grants is what permission
// checks read.
type User struct {
	ID           int64     `json:"id"`
	Username     string    `json:"username"`
	Name         string    `json:"name"`
	Role         Role      `json:"role"`
	Grants       []Grant   `json:"grants"`
	UnitID       int64     `json:"unit_id"`
	UnitPath     string    `json:"-"`
	Active       bool      `json:"active"`
	PasswordHash string    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
}

// Sees reports whether the user may see work that belongs to the unit with
// the given path: their own unit and every unit below it, and the units of
// their scoped grants and every unit below those.
func (u *User) Sees(unitPath string) bool {
	if Within(unitPath, u.UnitPath) {
		return true
	}
	for _, g := range u.Grants {
		if g.UnitPath != "" && Within(unitPath, g.UnitPath) {
			return true
		}
	}
	return false
}
