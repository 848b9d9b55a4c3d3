package app

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// SessionLifetime is how long a browser session lasts: a working day and
// then some.
const SessionLifetime = 12 * time.Hour

var usernameRE = regexp.MustCompile(`^[a-z][a-z0-9_.-]{1,39}$`)

func requireAdmin(actor *org.User) error {
	if !actor.Has(org.RoleAdmin) || !actor.Active {
		return minsheng.Errorf(minsheng.EFORBIDDEN, "only admins may do this")
	}
	return nil
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, secret string) error {
	return s.db.Write(ctx, func(tx *store.Tx) error {
		return store.DeleteSession(ctx, tx, org.HashSecret(secret))
	})
}

// SessionUser returns the active user of a session secret, or EUNAUTHORIZED.
func (s *Service) SessionUser(ctx context.Context, secret string) (*org.User, error) {
	return s.authenticate(ctx, func(tx *store.Tx) (u *org.User, err error) {
		return store.SessionUserWithGrants(ctx, tx, org.HashSecret(secret), s.now())
	})
}

// TokenUsePrecision is how precisely an API token's last use is kept: a
// token's use is written when the last one recorded is older, so a busy
// token costs one write a minute, not one per request.
const TokenUsePrecision = time.Minute

// TokenUser returns the active user of an API token, or EUNAUTHORIZED,
// and records the token's use (to TokenUsePrecision).
func (s *Service) TokenUser(ctx context.Context, secret string) (*org.User, error) {
	now := s.now()
	var tok *store.APIToken
	u, err := s.authenticate(ctx, func(tx *store.Tx) (u *org.User, err error) {
		tok, u, err = store.APITokenUserWithGrants(ctx, tx, org.HashSecret(secret), now)
		return u, err
	})
	if err != nil {
		return nil, err
	}
	if tok.LastUsedAt == nil || now.Sub(*tok.LastUsedAt) >= TokenUsePrecision {
		err = s.db.Write(ctx, func(tx *store.Tx) error {
			return store.TouchAPIToken(ctx, tx, tok.ID, now, now.Add(-TokenUsePrecision))
		})
		if err != nil {
			return nil, err
		}
	}
	return u, nil
}

// authenticate reads the user of a session or token with find: one query
// for the session or token, the user and their grants, since every
// request asks; one query needs no transaction (store.DB.ReadAlone).
func (s *Service) authenticate(ctx context.Context, find func(*store.Tx) (*org.User, error)) (*org.User, error) {
	var u *org.User
	err := s.db.ReadAlone(ctx, func(tx *store.Tx) (err error) {
		u, err = find(tx)
		return err
	})
	if minsheng.IsCode(err, minsheng.ENOTFOUND) || (err == nil && !u.Active) {
		return nil, minsheng.Errorf(minsheng.EUNAUTHORIZED, "sign in first: the session or token is unknown, expired or revoked")
	}
	return u, err
}

// NewUser is what an admin submits to create a user. Grants gives the
// user one or more roles ("agent", "leader@xinghailu"), the first being the
// primary; Role alone gives one role over the user's unit. With both, Role
// must be the first grant's role.
type NewUser struct {
	Username string      `json:"username"`
	Name     string      `json:"name"`
	Role     org.Role    `json:"role"`
	Grants   []org.Grant `json:"grants"`
	UnitID   int64       `json:"unit_id"`
	Password string      `json:"password"`
}

func (n *NewUser) validate() error {
	n.Username = strings.TrimSpace(n.Username)
	n.Name = strings.TrimSpace(n.Name)
	if !usernameRE.MatchString(n.Username) {
		return minsheng.FieldError("username", "username must be 2 to 40 lowercase letters, digits, '.', '_' or '-', starting with a letter").Because("username_format")
	}
	if n.Name == "" || utf8.RuneCountInString(n.Name) > 50 {
		return minsheng.FieldError("name", "name is required, at most 50 characters").Because("required")
	}
	switch {
	case n.Grants != nil && len(n.Grants) == 0:
		return minsheng.FieldError("grants", "%s", org.ErrNoGrant.Error()).Because("grants")
	case len(n.Grants) == 0 && !n.Role.Valid():
		return minsheng.FieldError("role", "role must be one of %s", roleNames(org.AllRoles)).Because("choose")
	case len(n.Grants) == 0:
		n.Grants = []org.Grant{{Role: n.Role}}
	case n.Role != "" && n.Role != n.Grants[0].Role:
		return minsheng.FieldError("role", "role %s is not the first of the grants (%s): give one, or make them agree", n.Role, org.FormatGrants(n.Grants)).Because("grants")
	}
	if err := org.CheckGrants(n.Grants); err != nil {
		return minsheng.FieldError("grants", "%s", err.Error()).Because("grants")
	}
	n.Role = n.Grants[0].Role
	if err := checkPassword(n.Password); err != nil {
		return err
	}
	return nil
}

func roleNames(roles []org.Role) string {
	parts := make([]string, len(roles))
	for i, r := range roles {
		parts[i] = string(r)
	}
	return strings.Join(parts, ", ")
}

// resolveGrants fills in the units of the scoped grants from their codes
// and checks that an acting admin holds the admin role over each unit whose
// grant they give or take away (old: the user's grants before the change).
// actor nil means the shell or the seeder.
func resolveGrants(ctx context.Context, tx *store.Tx, actor *org.User, gs, old []org.Grant) error {
	for i := range gs {
		g := &gs[i]
		if !g.Scoped() {
			continue
		}
		unit, err := store.GetUnitByCode(ctx, tx, g.UnitCode)
		if minsheng.IsCode(err, minsheng.ENOTFOUND) {
			return minsheng.FieldError("grants", "%s: there is no unit with code %q", g, g.UnitCode).Because("grant_unit_unknown")
		}
		if err != nil {
			return err
		}
		g.UnitID, g.UnitPath = unit.ID, unit.Path
	}
	if err := org.CheckGrants(gs); err != nil {
		return minsheng.FieldError("grants", "%s", err.Error()).Because("grants")
	}
	if kit.IsSystem(actor) {
		return nil
	}
	held := func(list []org.Grant, g org.Grant) bool {
		for _, h := range list {
			if h.Role == g.Role && h.UnitID == g.UnitID {
				return true
			}
		}
		return false
	}
	for _, pair := range [][2][]org.Grant{{gs, old}, {old, gs}} {
		for _, g := range pair[0] {
			if g.Scoped() && !held(pair[1], g) && !actor.SeesAs(g.UnitPath, org.RoleAdmin) {
				return minsheng.FieldError("grants", "%s: unit %s is outside the units you administer", g, g.UnitCode).Because("grant_unit_outside")
			}
		}
	}
	return nil
}

func checkPassword(p string) error {
	if utf8.RuneCountInString(p) < org.MinPasswordLength || len(p) > 200 {
		return minsheng.FieldError("password", "password must be %d to 200 characters", org.MinPasswordLength).Because("password_length")
	}
	return nil
}

// CreateUser adds a staff user. Admins may place users only in their own
// unit or below.
func (s *Service) CreateUser(ctx context.Context, actor *org.User, n NewUser) (*org.User, error) {
	if err := kit.RequireAdmin(actor); err != nil {
		return nil, err
	}
	if err := n.validate(); err != nil {
		return nil, err
	}
	hash, err := org.HashPassword(n.Password)
	if err != nil {
		return nil, err
	}
	return s.insertUser(ctx, actor, n, hash)
}

func (s *Service) insertUser(ctx context.Context, actor *org.User, n NewUser, hash string) (*org.User, error) {
	id, err := s.db.NextID(ctx)
	if err != nil {
		return nil, err
	}
	u := &org.User{ID: id, Username: n.Username, Name: n.Name, UnitID: n.UnitID, Active: true,
		PasswordHash: hash, CreatedAt: s.now()}
	u.SetGrants(n.Grants)
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		unit, err := store.GetUnit(ctx, tx, n.UnitID)
		if minsheng.IsCode(err, minsheng.ENOTFOUND) {
			return minsheng.FieldError("unit_id", "unit %d does not exist", n.UnitID).Because("unit_unknown")
		}
		if err != nil {
			return err
		}
		if !actor.SeesAs(unit.Path, org.RoleAdmin) {
			return minsheng.FieldError("unit_id", "unit %s is outside your unit", unit.Name).Because("unit_outside")
		}
		u.UnitPath = unit.Path
		if err := resolveGrants(ctx, tx, actor, u.Grants, nil); err != nil {
			return err
		}
		if err := store.InsertUser(ctx, tx, u); err != nil {
			return err
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: "user", ObjectID: u.ID, Action: "create",
			Data: map[string]string{"username": u.Username, "role": string(u.Role), "grants": org.FormatGrants(u.Grants), "unit_id": idStr(u.UnitID)}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// CreateUserWithHash adds a user whose password hash is already made; the
// demo seeder uses it to hash one password once for many users. The
// system actor adds them.
func (s *Service) CreateUserWithHash(ctx context.Context, n NewUser, hash string) (*org.User, error) {
	n.Password = strings.Repeat("x", org.MinPasswordLength)
	if err := n.validate(); err != nil {
		return nil, err
	}
	return s.insertUser(ctx, kit.System(), n, hash)
}

// UserChange is what an admin may change about a user. Nil fields stay.
// Grants replaces the user's grants, the first being the primary role; Role
// alone replaces the first grant with that role over the user's unit and
// keeps the others.
type UserChange struct {
	Name     *string      `json:"name"`
	Role     *org.Role    `json:"role"`
	Grants   *[]org.Grant `json:"grants"`
	UnitID   *int64       `json:"unit_id"`
	Active   *bool        `json:"active"`
	Password *string      `json:"password"`
}

// UpdateUser changes a user. A new password or deactivation ends the
// user's sessions. The shell (minsheng user passwd) acts as the system
// actor. The audit entry says what changed, never the password.
func (s *Service) UpdateUser(ctx context.Context, actor *org.User, username string, c UserChange) (*org.User, error) {
	if err := kit.RequireAdmin(actor); err != nil {
		return nil, err
	}
	var hash string
	if c.Password != nil {
		if err := checkPassword(*c.Password); err != nil {
			return nil, err
		}
		var err error
		if hash, err = org.HashPassword(*c.Password); err != nil {
			return nil, err
		}
	}
	var u *org.User
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		u, err = store.GetUserByUsername(ctx, tx, username)
		if err != nil {
			return err
		}
		if !actor.SeesAs(u.UnitPath, org.RoleAdmin) {
			return minsheng.Errorf(minsheng.ENOTFOUND, "user %s not found", username).Because("user_not_found")
		}
		before := *u
		old := u.Grants
		if c.Name != nil {
			name := strings.TrimSpace(*c.Name)
			if name == "" || utf8.RuneCountInString(name) > 50 {
				return minsheng.FieldError("name", "name is required, at most 50 characters").Because("required")
			}
			u.Name = name
		}
		grants := slices.Clone(u.Grants)
		switch {
		case c.Grants != nil:
			grants = slices.Clone(*c.Grants)
			if c.Role != nil && (len(grants) == 0 || grants[0].Role != *c.Role) {
				return minsheng.FieldError("role", "role %s is not the first of the grants: give one, or make them agree", *c.Role).Because("grants")
			}
		case c.Role != nil:
			if !c.Role.Valid() {
				return minsheng.FieldError("role", "unknown role %q", *c.Role).Because("choose")
			}
			first := org.Grant{Role: *c.Role}
			if len(grants) > 0 {
				grants = grants[1:]
			}
			grants = slices.DeleteFunc(grants, func(g org.Grant) bool { return g.Role == first.Role && !g.Scoped() })
			grants = append([]org.Grant{first}, grants...)
		}
		if err := resolveGrants(ctx, tx, actor, grants, old); err != nil {
			return err
		}
		u.SetGrants(grants)
		if c.UnitID != nil {
			unit, err := store.GetUnit(ctx, tx, *c.UnitID)
			if minsheng.IsCode(err, minsheng.ENOTFOUND) {
				return minsheng.FieldError("unit_id", "unit %d does not exist", *c.UnitID).Because("unit_unknown")
			}
			if err != nil {
				return err
			}
			if !actor.SeesAs(unit.Path, org.RoleAdmin) {
				return minsheng.FieldError("unit_id", "unit %s is outside your unit", unit.Name).Because("unit_outside")
			}
			u.UnitID, u.UnitPath = unit.ID, unit.Path
		}
		if c.Active != nil {
			u.Active = *c.Active
		}
		if hash != "" {
			u.PasswordHash = hash
		}
		if err := store.UpdateUser(ctx, tx, u, s.now()); err != nil {
			return err
		}
		data := userChanges(&before, u, hash != "")
		if hash != "" || !u.Active {
			// A new password or deactivation revokes the API tokens for
			// good (reactivation does not bring them back), said in
			// this change's entry.
			ids, err := store.RevokeAPITokens(ctx, tx, u.ID, 0, s.now())
			if err != nil {
				return err
			}
			if len(ids) > 0 {
				data["api_tokens"] = fmt.Sprintf("%d revoked", len(ids))
			}
		}
		if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: "user", ObjectID: u.ID, Action: "update",
			Data: data}); err != nil {
			return err
		}
		if hash != "" || !u.Active {
			return store.DeleteUserSessions(ctx, tx, u.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// ListUsers returns the users of the admin's unit and below.
func (s *Service) ListUsers(ctx context.Context, actor *org.User) ([]*org.User, error) {
	if err := kit.RequireAdmin(actor); err != nil {
		return nil, err
	}
	var out []*org.User
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = store.ListUsers(ctx, tx, adminPaths(actor))
		return err
	})
	return out, err
}

// adminPaths returns the subtrees the admin administers, for list filters:
// nil when one of them is the whole district.
func adminPaths(actor *org.User) []string { return kit.AdminPaths(actor) }

// ListUnits returns the whole unit tree: every staff user may see it, since
// dispatching needs it.
func (s *Service) ListUnits(ctx context.Context) ([]*org.Unit, error) {
	var out []*org.Unit
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = store.ListUnits(ctx, tx, "")
		return err
	})
	return out, err
}

// NewUnit is what an admin submits to create a unit.
type NewUnit struct {
	ParentID int64        `json:"parent_id"`
	Kind     org.UnitKind `json:"kind"`
	Code     string       `json:"code"`
	Name     string       `json:"name"`
}

var codeRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,40}$`)

// CreateUnit adds a unit under a parent (or a root, when the actor is the
// system: the shell or the seeder).
func (s *Service) CreateUnit(ctx context.Context, actor *org.User, n NewUnit) (*org.Unit, error) {
	if err := kit.RequireAdmin(actor); err != nil {
		return nil, err
	}
	n.Name, n.Code = strings.TrimSpace(n.Name), strings.TrimSpace(n.Code)
	if !n.Kind.Valid() {
		return nil, minsheng.FieldError("kind", "kind must be one of district, street, town, community, grid, department, centre").Because("choose")
	}
	if !codeRE.MatchString(n.Code) {
		return nil, minsheng.FieldError("code", "code must be 1 to 40 letters, digits, '.', '_' or '-'").Because("code_format")
	}
	if _, err := orgName(n.Name); err != nil {
		return nil, err
	}
	id, err := s.db.NextID(ctx)
	if err != nil {
		return nil, err
	}
	u := &org.Unit{ID: id, ParentID: n.ParentID, Kind: n.Kind, Code: n.Code, Name: n.Name, Active: true, CreatedAt: s.now()}
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		if n.ParentID == 0 {
			if !kit.IsSystem(actor) {
				return minsheng.FieldError("parent_id", "parent_id is required").Because("required")
			}
			u.Path = org.ChildPath("", id)
		} else {
			p, err := store.GetUnit(ctx, tx, n.ParentID)
			if minsheng.IsCode(err, minsheng.ENOTFOUND) {
				return minsheng.FieldError("parent_id", "unit %d does not exist", n.ParentID).Because("unit_unknown")
			}
			if err != nil {
				return err
			}
			if !actor.SeesAs(p.Path, org.RoleAdmin) {
				return minsheng.FieldError("parent_id", "unit %s is outside your unit", p.Name).Because("unit_outside")
			}
			u.Path = org.ChildPath(p.Path, id)
		}
		if err := store.InsertUnit(ctx, tx, u); err != nil {
			return err
		}
		_, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: "unit", ObjectID: u.ID, Action: "create",
			Data: map[string]string{"code": u.Code, "kind": string(u.Kind), "name": u.Name, "parent_id": idStr(u.ParentID)}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// ListCategories returns the category tree.
func (s *Service) ListCategories(ctx context.Context) ([]*ticket.Category, error) {
	var out []*ticket.Category
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = store.ListCategories(ctx, tx)
		return err
	})
	return out, err
}

// NewCategory is what an admin submits to create a category.
type NewCategory struct {
	ParentID int64  `json:"parent_id"`
	Code     string `json:"code"`
	Name     string `json:"name"`
	NameEN   string `json:"name_en"`
}

// CreateCategory adds a category at most three levels deep.
func (s *Service) CreateCategory(ctx context.Context, actor *org.User, n NewCategory) (*ticket.Category, error) {
	if err := kit.RequireDistrictAdmin(actor); err != nil {
		return nil, err
	}
	n.Name, n.Code, n.NameEN = strings.TrimSpace(n.Name), strings.TrimSpace(n.Code), strings.TrimSpace(n.NameEN)
	if !codeRE.MatchString(n.Code) {
		return nil, minsheng.FieldError("code", "code must be 1 to 40 letters, digits, '.', '_' or '-'").Because("code_format")
	}
	if _, err := orgName(n.Name); err != nil {
		return nil, err
	}
	if utf8.RuneCountInString(n.NameEN) > 100 {
		return nil, minsheng.FieldError("name_en", "name_en is at most 100 characters").Because("too_long")
	}
	id, err := s.db.NextID(ctx)
	if err != nil {
		return nil, err
	}
	c := &ticket.Category{ID: id, ParentID: n.ParentID, Code: n.Code, Name: n.Name, NameEN: n.NameEN, Level: 1,
		Active: true, CreatedAt: s.now()}
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		c.Path = org.ChildPath("", id)
		if n.ParentID != 0 {
			p, err := store.GetCategory(ctx, tx, n.ParentID)
			if minsheng.IsCode(err, minsheng.ENOTFOUND) {
				return minsheng.FieldError("parent_id", "category %d does not exist", n.ParentID).Because("category_unknown")
			}
			if err != nil {
				return err
			}
			if p.Level >= ticket.MaxCategoryLevel {
				return minsheng.FieldError("parent_id", "categories are at most %d levels deep", ticket.MaxCategoryLevel)
			}
			c.Level, c.Path = p.Level+1, org.ChildPath(p.Path, id)
		}
		if err := store.InsertCategory(ctx, tx, c); err != nil {
			return err
		}
		_, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: "category", ObjectID: c.ID, Action: "create",
			Data: map[string]string{"code": c.Code, "name": c.Name, "parent_id": idStr(c.ParentID)}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// IsEmpty reports whether the database holds no units yet (a new
// installation, to be seeded).
func (s *Service) IsEmpty(ctx context.Context) (bool, error) {
	var n int
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		n, err = store.CountUnits(ctx, tx)
		return err
	})
	return n == 0, err
}
