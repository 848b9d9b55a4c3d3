package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
)

const unitColumns = `id, COALESCE(parent_id, 0), kind, code, name, path, active, created_at`

func scanUnit(s scanner) (*org.Unit, error) {
	var u org.Unit
	if err := s.Scan(&u.ID, &u.ParentID, &u.Kind, &u.Code, &u.Name, &u.Path, &u.Active, &u.CreatedAt); err != nil {
		return nil, err
	}
	u.CreatedAt = u.CreatedAt.UTC()
	return &u, nil
}

// InsertUnit writes a new unit; u.Path must already be set.
func InsertUnit(ctx context.Context, tx *Tx, u *org.Unit) error {
	_, err := tx.Exec(ctx, `INSERT INTO units (id, parent_id, kind, code, name, path, active, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, u.ID, nullID(u.ParentID), u.Kind, u.Code, u.Name, u.Path, u.Active, u.CreatedAt.UTC())
	if IsUnique(err) {
		return minsheng.FieldError("code", "a unit with code %q already exists", u.Code).Because("code_taken")
	}
	if err != nil {
		return fmt.Errorf("insert unit: %w", err)
	}
	return nil
}

// UpdateUnit renames a unit and sets its active flag. Moving a unit in
// the tree is not supported: the paths of its whole subtree and of its
// tickets would change.
func UpdateUnit(ctx context.Context, tx *Tx, u *org.Unit) error {
	res, err := tx.Exec(ctx, `UPDATE units SET name = ?, code = ?, kind = ?, active = ? WHERE id = ?`, u.Name, u.Code, u.Kind, u.Active, u.ID)
	if IsUnique(err) {
		return minsheng.FieldError("code", "a unit with code %q already exists", u.Code).Because("code_taken")
	}
	if err != nil {
		return fmt.Errorf("update unit: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("unit", u.ID)
	}
	return nil
}

// GetUnit returns the unit with the id, or ENOTFOUND.
func GetUnit(ctx context.Context, tx *Tx, id int64) (*org.Unit, error) {
	return getOne(ctx, tx, scanUnit, "unit", id, `SELECT `+unitColumns+` FROM units WHERE id = ?`, id)
}

// GetUnitByCode returns the unit with the code, or ENOTFOUND.
func GetUnitByCode(ctx context.Context, tx *Tx, code string) (*org.Unit, error) {
	return getOne(ctx, tx, scanUnit, "unit", code, `SELECT `+unitColumns+` FROM units WHERE code = ?`, code)
}

// ListUnits returns the units at or below the path (all when path is
// empty), in tree order.
func ListUnits(ctx context.Context, tx *Tx, path string) ([]*org.Unit, error) {
	q := `SELECT ` + unitColumns + ` FROM units`
	var args []any
	if path != "" {
		q += ` WHERE path >= ? AND path < ?`
		args = append(args, path, path+"~")
	}
	out, err := queryAll(ctx, tx, scanUnit, q+` ORDER BY path`, args...)
	if err != nil {
		return nil, fmt.Errorf("list units: %w", err)
	}
	return out, nil
}

// CountUnits returns how many units exist; zero means a new database.
func CountUnits(ctx context.Context, tx *Tx) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM units`).Scan(&n)
	return n, err
}

const userColumns = `u.id, u.username, u.name, u.role, u.unit_id, n.path, u.active, u.password_hash, u.created_at`

func scanUser(s scanner) (*org.User, error) {
	var u org.User
	if err := s.Scan(&u.ID, &u.Username, &u.Name, &u.Role, &u.UnitID, &u.UnitPath, &u.Active, &u.PasswordHash, &u.CreatedAt); err != nil {
		return nil, err
	}
	u.CreatedAt = u.CreatedAt.UTC()
	return &u, nil
}

// InsertUser writes a new user and their grants. A user without grants is
// given their Role over their own unit; users.role holds the first grant's.
func InsertUser(ctx context.Context, tx *Tx, u *org.User) error {
	defaultGrants(u)
	_, err := tx.Exec(ctx, `INSERT INTO users (id, username, name, role, unit_id, password_hash, active, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, u.ID, u.Username, u.Name, u.Role, u.UnitID, u.PasswordHash, u.Active, u.CreatedAt.UTC())
	if IsUnique(err) {
		return minsheng.FieldError("username", "username %q is taken", u.Username)
	}
	if IsForeignKey(err) {
		return minsheng.FieldError("unit_id", "unit %d does not exist", u.UnitID)
	}
	if err != nil {
		return fmt.Errorf("insert user: %w", err)
	}
	return insertGrants(ctx, tx, u, nil, u.CreatedAt)
}

// UpdateUser writes a user's name, primary role, unit, active flag,
// password hash and grants; grants kept from before keep their creation
// time, new ones are made at.
func UpdateUser(ctx context.Context, tx *Tx, u *org.User, at time.Time) error {
	defaultGrants(u)
	res, err := tx.Exec(ctx, `UPDATE users SET name = ?, role = ?, unit_id = ?, active = ?, password_hash = ? WHERE id = ?`,
		u.Name, u.Role, u.UnitID, u.Active, u.PasswordHash, u.ID)
	if IsForeignKey(err) {
		return minsheng.FieldError("unit_id", "unit %d does not exist", u.UnitID)
	}
	if err != nil {
		return fmt.Errorf("update user: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("user", u.ID)
	}
	// The old grants' creation times, by role and unit.
	type key struct {
		role org.Role
		unit int64
	}
	created := map[key]time.Time{}
	rows, err := tx.Query(ctx, `SELECT role, COALESCE(unit_id, 0), created_at FROM role_grants WHERE user_id = ?`, u.ID)
	if err != nil {
		return fmt.Errorf("update user grants: %w", err)
	}
	for rows.Next() {
		var k key
		var t time.Time
		if err := rows.Scan(&k.role, &k.unit, &t); err != nil {
			rows.Close()
			return fmt.Errorf("update user grants: %w", err)
		}
		created[k] = t
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("update user grants: %w", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM role_grants WHERE user_id = ?`, u.ID); err != nil {
		return fmt.Errorf("update user grants: %w", err)
	}
	return insertGrants(ctx, tx, u, func(g org.Grant) (time.Time, bool) {
		t, ok := created[key{g.Role, g.UnitID}]
		return t, ok
	}, at)
}

// defaultGrants gives a user made with a Role alone that role over their
// own unit, and keeps Role the first grant's.
func defaultGrants(u *org.User) {
	if len(u.Grants) == 0 && u.Role != "" {
		u.Grants = []org.Grant{{Role: u.Role}}
	}
	u.SetGrants(u.Grants)
}

// insertGrants writes the user's grants in order; createdAt, when given,
// returns the creation time of a grant kept from before.
func insertGrants(ctx context.Context, tx *Tx, u *org.User, createdAt func(org.Grant) (time.Time, bool), at time.Time) error {
	if len(u.Grants) == 0 {
		return minsheng.FieldError("grants", "at least one role is required")
	}
	for i, g := range u.Grants {
		t := at
		if createdAt != nil {
			if old, ok := createdAt(g); ok {
				t = old
			}
		}
		_, err := tx.Exec(ctx, `INSERT INTO role_grants (user_id, position, role, unit_id, created_at) VALUES (?, ?, ?, ?, ?)`,
			u.ID, i, g.Role, nullID(g.UnitID), t.UTC())
		if IsUnique(err) {
			return minsheng.FieldError("grants", "%s is listed twice", g)
		}
		if IsForeignKey(err) {
			return minsheng.FieldError("grants", "unit %d of %s does not exist", g.UnitID, g)
		}
		if err != nil {
			return fmt.Errorf("insert grant %s: %w", g, err)
		}
	}
	return nil
}

// grantQuery reads grants with their units' codes and paths; the caller
// adds the condition and the order.
const grantQuery = `SELECT g.user_id, g.role, COALESCE(g.unit_id, 0), COALESCE(gn.code, ''), COALESCE(gn.path, '')
	FROM role_grants g LEFT JOIN units gn ON gn.id = g.unit_id`

type userGrant struct {
	userID int64
	grant  org.Grant
}

func scanGrant(s scanner) (userGrant, error) {
	var x userGrant
	err := s.Scan(&x.userID, &x.grant.Role, &x.grant.UnitID, &x.grant.UnitCode, &x.grant.UnitPath)
	return x, err
}

// loadGrants fills in the grants of one user.
func loadGrants(ctx context.Context, tx *Tx, u *org.User) error {
	gs, err := queryAll(ctx, tx, scanGrant, grantQuery+` WHERE g.user_id = ? ORDER BY g.position`, u.ID)
	if err != nil {
		return fmt.Errorf("user grants: %w", err)
	}
	u.Grants = make([]org.Grant, len(gs))
	for i, x := range gs {
		u.Grants[i] = x.grant
	}
	defaultGrants(u)
	return nil
}

// GetUser returns the user with the id and their grants, or ENOTFOUND.
func GetUser(ctx context.Context, tx *Tx, id int64) (*org.User, error) {
	return getUser(ctx, tx, "u.id = ?", id)
}

// GetUserByUsername returns the user with the username and their grants,
// or ENOTFOUND.
func GetUserByUsername(ctx context.Context, tx *Tx, username string) (*org.User, error) {
	return getUser(ctx, tx, "u.username = ?", username)
}

func getUser(ctx context.Context, tx *Tx, cond string, arg any) (*org.User, error) {
	u, err := getOne(ctx, tx, scanUser, "user", arg, `SELECT `+userColumns+` FROM users u JOIN units n ON n.id = u.unit_id WHERE `+cond, arg)
	if err != nil {
		return nil, err
	}
	if err := loadGrants(ctx, tx, u); err != nil {
		return nil, err
	}
	return u, nil
}

// ListUsers returns the users of units at or below one of the paths (all
// when paths is empty), by username, with their grants: two queries
// whatever the number of users.
func ListUsers(ctx context.Context, tx *Tx, paths []string) ([]*org.User, error) {
	cond, args := pathsCond(paths, "n.path")
	where := ""
	if cond != "" {
		where = ` WHERE ` + cond
	}
	out, err := queryAll(ctx, tx, scanUser, `SELECT `+userColumns+` FROM users u JOIN units n ON n.id = u.unit_id`+where+` ORDER BY u.username`, args...)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	gs, err := queryAll(ctx, tx, scanGrant, grantQuery+` JOIN users u ON u.id = g.user_id JOIN units n ON n.id = u.unit_id`+where+
		` ORDER BY g.user_id, g.position`, args...)
	if err != nil {
		return nil, fmt.Errorf("list users' grants: %w", err)
	}
	byID := make(map[int64]*org.User, len(out))
	for _, u := range out {
		byID[u.ID] = u
	}
	for _, x := range gs {
		if u := byID[x.userID]; u != nil {
			u.Grants = append(u.Grants, x.grant)
		}
	}
	for _, u := range out {
		defaultGrants(u)
	}
	return out, nil
}

// pathsCond returns the condition that each of the columns lies at or
// below one of the paths — a range instead of LIKE, indexable on both
// dialects (paths hold only digits and '/', all below '~') — and its
// arguments; "" for no paths.
func pathsCond(paths []string, cols ...string) (string, []any) {
	if len(paths) == 0 {
		return "", nil
	}
	var arms []string
	var args []any
	for _, p := range paths {
		for _, c := range cols {
			arms = append(arms, "("+c+" >= ? AND "+c+" < ?)")
			args = append(args, p, p+"~")
		}
	}
	return "(" + strings.Join(arms, " OR ") + ")", args
}

// RootUnit returns the root of the unit tree (the district), or ENOTFOUND
// in an empty database.
func RootUnit(ctx context.Context, tx *Tx) (*org.Unit, error) {
	return getOne(ctx, tx, scanUnit, "unit", "root", `SELECT `+unitColumns+` FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1`)
}
