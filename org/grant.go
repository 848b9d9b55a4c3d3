package org

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Grant gives a user a role, either over their own unit (UnitID 0) or over
// another unit named by its code: grid_worker@grid-3 is a grid worker for
// grid-3 and the units below it, whatever unit the user belongs to. A user
// holds one or more grants; the first is their primary role.
//
// It is written "role" or "role@unitcode" (String, ParseGrant), and is a
// string in JSON. A grant parsed from text knows its unit's code only; the
// app fills UnitID and UnitPath from the store.
type Grant struct {
	Role     Role
	UnitID   int64  // 0: the user's own unit
	UnitCode string // the code of UnitID, "" with it
	UnitPath string // the path of UnitID, "" with it

	// invalid holds why text read by UnmarshalText is no grant: JSON
	// decoding goes on, and CheckGrants reports it for the field.
	invalid string
}

// Scoped reports whether the grant names a unit of its own.
func (g Grant) Scoped() bool { return g.UnitID != 0 || g.UnitCode != "" }

// String writes the grant as "role" or "role@unitcode".
func (g Grant) String() string {
	if g.UnitCode == "" {
		return string(g.Role)
	}
	return string(g.Role) + "@" + g.UnitCode
}

// MarshalText writes the grant as String does, so that JSON holds
// "leader@xinghailu".
func (g Grant) MarshalText() ([]byte, error) { return []byte(g.String()), nil }

// UnmarshalText reads a grant as ParseGrant does. Text that is no grant
// is kept for CheckGrants to report, so that a JSON body's error names its
// field instead of failing the whole decoding.
func (g *Grant) UnmarshalText(b []byte) error {
	x, err := ParseGrant(string(b))
	if err != nil {
		x = Grant{invalid: err.Error()}
	}
	*g = x
	return nil
}

// unitCodeRE is the shape of a unit's code (as the app checks it).
var unitCodeRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,40}$`)

// ErrNoGrant is returned for a list of grants that holds none.
var ErrNoGrant = errors.New("at least one role is required")

// ParseGrant reads "role" or "role@unitcode". The role must be known; the
// unit is only checked for its shape.
func ParseGrant(s string) (Grant, error) {
	s = strings.TrimSpace(s)
	role, code, scoped := strings.Cut(s, "@")
	role, code = strings.TrimSpace(role), strings.TrimSpace(code)
	g := Grant{Role: Role(role), UnitCode: code}
	if !g.Role.Valid() {
		return Grant{}, fmt.Errorf("unknown role %q in %q: the roles are %s", role, s, roleList())
	}
	if scoped && !unitCodeRE.MatchString(code) {
		return Grant{}, fmt.Errorf("%q: write a role, or a role, '@' and a unit's code", s)
	}
	return g, nil
}

// ParseGrants reads a list of grants separated by commas (',', '，' or
// '、') or spaces, as an admin types it: "agent, leader@xinghailu". It
// returns ErrNoGrant for an empty list and an error for a grant listed
// twice.
func ParseGrants(s string) ([]Grant, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u3000'
	})
	var out []Grant
	for _, f := range fields {
		g, err := ParseGrant(f)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	if err := CheckGrants(out); err != nil {
		return nil, err
	}
	return out, nil
}

// CheckGrants reports a list without grants, an unknown role, and a grant
// listed twice (the same role over the same unit).
func CheckGrants(gs []Grant) error {
	if len(gs) == 0 {
		return ErrNoGrant
	}
	for i, g := range gs {
		if g.invalid != "" {
			return errors.New(g.invalid)
		}
		if !g.Role.Valid() {
			return fmt.Errorf("unknown role %q: the roles are %s", g.Role, roleList())
		}
		for _, h := range gs[:i] {
			if h.Role == g.Role && h.UnitID == g.UnitID && h.UnitCode == g.UnitCode {
				return fmt.Errorf("%s is listed twice", g)
			}
		}
	}
	return nil
}

// FormatGrants writes grants as ParseGrants reads them: "agent, leader@xinghailu".
func FormatGrants(gs []Grant) string {
	parts := make([]string, len(gs))
	for i, g := range gs {
		parts[i] = g.String()
	}
	return strings.Join(parts, ", ")
}

func roleList() string {
	parts := make([]string, len(AllRoles))
	for i, r := range AllRoles {
		parts[i] = string(r)
	}
	return strings.Join(parts, ", ")
}

// SetGrants gives the user the grants, the first becoming the primary role.
func (u *User) SetGrants(gs []Grant) {
	u.Grants = gs
	if len(gs) > 0 {
		u.Role = gs[0].Role
	}
}

// grants returns the user's grants; a user made with a Role alone (by a
// caller that predates grants) holds that role over their own unit.
func (u *User) grants() []Grant {
	if len(u.Grants) == 0 && u.Role != "" {
		return []Grant{{Role: u.Role}}
	}
	return u.Grants
}

// Roles returns the user's roles without duplicates, the primary first.
func (u *User) Roles() []Role {
	var out []Role
	for _, g := range u.grants() {
		if !slices.Contains(out, g.Role) {
			out = append(out, g.Role)
		}
	}
	return out
}

// Has reports whether the user holds the role, over any unit.
func (u *User) Has(r Role) bool {
	for _, g := range u.grants() {
		if g.Role == r {
			return true
		}
	}
	return false
}

// HasAny reports whether the user holds one of the roles, over any unit.
func (u *User) HasAny(roles ...Role) bool {
	for _, g := range u.grants() {
		if slices.Contains(roles, g.Role) {
			return true
		}
	}
	return false
}

// Staff reports whether the user holds a staff role (Roles).
func (u *User) Staff() bool { return u.HasAny(Roles...) }

// Scope returns the path of the unit a grant of the user covers: the
// grant's own unit, or the user's unit for an unscoped grant.
func (u *User) Scope(g Grant) string {
	if g.UnitPath != "" {
		return g.UnitPath
	}
	if g.Scoped() {
		return "" // a scoped grant whose unit is not known covers nothing
	}
	return u.UnitPath
}

// SeesAs reports whether the user holds one of the roles over the unit with
// the path: a grant of the role whose unit is that unit or above it.
func (u *User) SeesAs(unitPath string, roles ...Role) bool {
	for _, g := range u.grants() {
		if slices.Contains(roles, g.Role) && Within(unitPath, u.Scope(g)) {
			return true
		}
	}
	return false
}

// Scopes returns the paths of the subtrees the user sees (Sees): their own
// unit and the units of their scoped grants, none below another, in order.
func (u *User) Scopes() []string {
	paths := []string{u.UnitPath}
	for _, g := range u.grants() {
		paths = append(paths, g.UnitPath)
	}
	return topPaths(paths)
}

// ScopesAs returns the paths of the subtrees over which the user holds one
// of the roles (SeesAs), none below another; nil without such a grant.
func (u *User) ScopesAs(roles ...Role) []string {
	var paths []string
	for _, g := range u.grants() {
		if slices.Contains(roles, g.Role) {
			paths = append(paths, u.Scope(g))
		}
	}
	return topPaths(paths)
}

// topPaths drops empty paths, duplicates, and paths below another of the
// list, and sorts the rest.
func topPaths(paths []string) []string {
	var out []string
	for _, p := range paths {
		if p == "" {
			continue
		}
		below := false
		for _, q := range paths {
			if q != "" && q != p && Within(p, q) {
				below = true
				break
			}
		}
		if !below && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// WorkScopes returns the paths of the subtrees whose work orders the user
// sees: for a user with a staff role, their own unit and the units of their
// scoped staff grants, none below another; nil for a user with no staff
// role. A scoped grant of an outside role (volunteer@grid-3) opens no work
// orders.
func (u *User) WorkScopes() []string {
	if !u.Staff() {
		return nil
	}
	paths := []string{u.UnitPath}
	for _, g := range u.grants() {
		if g.Role.Staff() {
			paths = append(paths, g.UnitPath)
		}
	}
	return topPaths(paths)
}

// SeesWork reports whether the user sees the work orders of the unit with
// the path: it lies in one of WorkScopes. For a user whose grants are all
// staff roles it is Sees.
func (u *User) SeesWork(unitPath string) bool {
	for _, p := range u.WorkScopes() {
		if Within(unitPath, p) {
			return true
		}
	}
	return false
}
