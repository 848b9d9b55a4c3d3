package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
)

const unitColumns = `id, COALESCE(parent_id, 0), kind, code, name, path, created_at`

func scanUnit(s scanner) (*org.Unit, error) {
	var u org.Unit
	if err := s.Scan(&u.ID, &u.ParentID, &u.Kind, &u.Code, &u.Name, &u.Path, &u.CreatedAt); err != nil {
		return nil, err
	}
	u.CreatedAt = u.CreatedAt.UTC()
	return &u, nil
}

// InsertUnit writes a new unit; u.Path must already be set.
func InsertUnit(ctx context.Context, tx *Tx, u *org.Unit) error {
	_, err := tx.Exec(ctx, `INSERT INTO units (id, parent_id, kind, code, name, path, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, u.ID, nullID(u.ParentID), u.Kind, u.Code, u.Name, u.Path, u.CreatedAt.UTC())
	if IsUnique(err) {
		return minsheng.FieldError("code", "a unit with code %q already exists", u.Code)
	}
	if err != nil {
		return fmt.Errorf("insert unit: %w", err)
	}
	return nil
}

// UpdateUnit renames a unit. Moving a unit in the tree is not supported:
// the paths of its whole subtree and of its tickets would change.
func UpdateUnit(ctx context.Context, tx *Tx, u *org.Unit) error {
	res, err := tx.Exec(ctx, `UPDATE units SET name = ?, code = ?, kind = ? WHERE id = ?`, u.Name, u.Code, u.Kind, u.ID)
	if IsUnique(err) {
		return minsheng.FieldError("code", "a unit with code %q already exists", u.Code)
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
	u, err := scanUnit(tx.QueryRow(ctx, `SELECT `+unitColumns+` FROM units WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("unit", id)
	}
	if err != nil {
		return nil, fmt.Errorf("get unit %d: %w", id, err)
	}
	return u, nil
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

// InsertUser writes a new user.
func InsertUser(ctx context.Context, tx *Tx, u *org.User) error {
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
	return nil
}

// UpdateUser writes a user's name, role, unit, active flag and password hash.
func UpdateUser(ctx context.Context, tx *Tx, u *org.User) error {
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
	return nil
}

// GetUser returns the user with the id, or ENOTFOUND.
func GetUser(ctx context.Context, tx *Tx, id int64) (*org.User, error) {
	return getUser(ctx, tx, "u.id = ?", id)
}

// GetUserByUsername returns the user with the username, or ENOTFOUND.
func GetUserByUsername(ctx context.Context, tx *Tx, username string) (*org.User, error) {
	return getUser(ctx, tx, "u.username = ?", username)
}

func getUser(ctx context.Context, tx *Tx, cond string, arg any) (*org.User, error) {
	u, err := scanUser(tx.QueryRow(ctx, `SELECT `+userColumns+` FROM users u JOIN units n ON n.id = u.unit_id WHERE `+cond, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("user", arg)
	}
	if err != nil {
		return nil, fmt.Errorf("get user: %w", err)
	}
	return u, nil
}

// ListUsers returns the users of units at or below the path, by username.
func ListUsers(ctx context.Context, tx *Tx, path string) ([]*org.User, error) {
	q := `SELECT ` + userColumns + ` FROM users u JOIN units n ON n.id = u.unit_id`
	var args []any
	if path != "" {
		q += ` WHERE n.path >= ? AND n.path < ?`
		args = append(args, path, path+"~")
	}
	out, err := queryAll(ctx, tx, scanUser, q+` ORDER BY u.username`, args...)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return out, nil
}

// LoginState is what sign-in needs beyond the user: failed attempts and a
// lock-out.
type LoginState struct {
	FailedLogins int
	LockedUntil  *time.Time
}

// GetLoginState returns the sign-in counters of a user.
func GetLoginState(ctx context.Context, tx *Tx, userID int64) (LoginState, error) {
	var s LoginState
	var locked sql.NullTime
	err := tx.QueryRow(ctx, `SELECT failed_logins, locked_until FROM users WHERE id = ?`, userID).Scan(&s.FailedLogins, &locked)
	if err != nil {
		return s, fmt.Errorf("login state: %w", err)
	}
	s.LockedUntil = timePtr(locked)
	return s, nil
}

// SetLoginState writes the sign-in counters of a user.
func SetLoginState(ctx context.Context, tx *Tx, userID int64, s LoginState) error {
	_, err := tx.Exec(ctx, `UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?`,
		s.FailedLogins, nullTime(s.LockedUntil), userID)
	if err != nil {
		return fmt.Errorf("set login state: %w", err)
	}
	return nil
}

// RootUnit returns the root of the unit tree (the district), or ENOTFOUND
// in an empty database.
func RootUnit(ctx context.Context, tx *Tx) (*org.Unit, error) {
	u, err := scanUnit(tx.QueryRow(ctx, `SELECT `+unitColumns+` FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1`))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("unit", "root")
	}
	if err != nil {
		return nil, fmt.Errorf("root unit: %w", err)
	}
	return u, nil
}
