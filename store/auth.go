package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/minsheng/minsheng/org"
)

// InsertSession stores a browser session by the hash of its secret.
func InsertSession(ctx context.Context, tx *Tx, tokenHash string, userID int64, created, expires time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		tokenHash, userID, created.UTC(), expires.UTC())
	if err != nil {
		return fmt.Errorf("insert session: %w", err)
	}
	return nil
}

// DeleteSession ends a session.
func DeleteSession(ctx context.Context, tx *Tx, tokenHash string) error {
	_, err := tx.Exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
	return err
}

// DeleteUserSessions ends every session of a user (after a password change).
func DeleteUserSessions(ctx context.Context, tx *Tx, userID int64) error {
	_, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
	return err
}

// APIToken is an API token as its owner and admins see it: never its
// secret nor its hash.
type APIToken struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// InsertAPIToken stores an API token by the hash of its secret; a nil
// expires lasts until revoked.
func InsertAPIToken(ctx context.Context, tx *Tx, id, userID int64, name, tokenHash string, at time.Time, expires *time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
		id, userID, name, tokenHash, at.UTC(), nullTime(expires))
	if err != nil {
		return fmt.Errorf("insert api token: %w", err)
	}
	return nil
}

// TouchAPIToken records that the token was used at at, when its last use
// was recorded before since (never moving the time back): at most one
// write per token and period, not one per request.
func TouchAPIToken(ctx context.Context, tx *Tx, id int64, at, since time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)`,
		at.UTC(), id, since.UTC())
	if err != nil {
		return fmt.Errorf("touch api token: %w", err)
	}
	return nil
}

const apiTokenColumns = `id, user_id, name, created_at, expires_at, last_used_at, revoked_at`

func scanAPIToken(sc interface{ Scan(...any) error }) (*APIToken, error) {
	var t APIToken
	var exp, used, rev sql.NullTime
	if err := sc.Scan(&t.ID, &t.UserID, &t.Name, &t.CreatedAt, &exp, &used, &rev); err != nil {
		return nil, err
	}
	t.CreatedAt = t.CreatedAt.UTC()
	t.ExpiresAt, t.LastUsedAt, t.RevokedAt = timePtr(exp), timePtr(used), timePtr(rev)
	return &t, nil
}

// ListAPITokens returns a user's tokens, revoked ones too, newest first.
func ListAPITokens(ctx context.Context, tx *Tx, userID int64) ([]*APIToken, error) {
	rows, err := tx.Query(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens WHERE user_id = ? ORDER BY created_at DESC, id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("list api tokens: %w", err)
	}
	defer rows.Close()
	out := []*APIToken{}
	for rows.Next() {
		t, err := scanAPIToken(rows)
		if err != nil {
			return nil, fmt.Errorf("list api tokens: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// GetAPIToken returns one of a user's tokens, or ENOTFOUND.
func GetAPIToken(ctx context.Context, tx *Tx, userID, id int64) (*APIToken, error) {
	t, err := scanAPIToken(tx.QueryRow(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens WHERE user_id = ? AND id = ?`, userID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("api token", fmt.Sprint(id))
	}
	if err != nil {
		return nil, fmt.Errorf("api token %d: %w", id, err)
	}
	return t, nil
}

// RevokeAPITokens revokes a user's unrevoked tokens: one (id), or all
// (id 0). It returns the ids revoked.
func RevokeAPITokens(ctx context.Context, tx *Tx, userID, id int64, at time.Time) ([]int64, error) {
	q, args := `SELECT id FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL`, []any{userID}
	if id != 0 {
		q, args = q+` AND id = ?`, append(args, id)
	}
	rows, err := tx.Query(ctx, q+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("revoke api tokens: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var i int64
		if err := rows.Scan(&i); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, i)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, i := range ids {
		if _, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ?`, at.UTC(), i); err != nil {
			return nil, fmt.Errorf("revoke api token %d: %w", i, err)
		}
	}
	return ids, nil
}

// AuditEntry is one line of the audit log: who looked at or did what.
type AuditEntry struct {
	ID       int64     `json:"id"`
	At       time.Time `json:"at"`
	ActorID  int64     `json:"actor_id"` // 0: the system actor (the shell, jobs, the seeder)
	Action   string    `json:"action"`
	Object   string    `json:"object"`
	ObjectID int64     `json:"object_id"`
	Detail   string    `json:"detail,omitempty"`
	IP       string    `json:"ip,omitempty"`

	// The actor's account, filled in by ListAuditLog; empty for the
	// system actor.
	ActorUsername string `json:"actor_username,omitempty"`
	ActorName     string `json:"actor_name,omitempty"`
}

// InsertAudit appends to the audit log. An entry without an ID gets one
// here, inside the transaction.
func InsertAudit(ctx context.Context, tx *Tx, e *AuditEntry) error {
	if e.ID == 0 {
		e.ID = newRowID()
	}
	_, err := tx.Exec(ctx, `INSERT INTO audit_log (id, at, actor_id, action, object, object_id, detail, ip)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.ID, e.At.UTC(), nullID(e.ActorID), e.Action, e.Object, e.ObjectID, e.Detail, e.IP)
	if err != nil {
		return fmt.Errorf("insert audit: %w", err)
	}
	return nil
}

// ListAudit returns the audit entries about one object, oldest first.
func ListAudit(ctx context.Context, tx *Tx, object string, objectID int64) ([]AuditEntry, error) {
	rows, err := tx.Query(ctx, `SELECT id, at, COALESCE(actor_id, 0), action, object, object_id, detail, ip
		FROM audit_log WHERE object = ? AND object_id = ? ORDER BY at, id`, object, objectID)
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.Action, &e.Object, &e.ObjectID, &e.Detail, &e.IP); err != nil {
			return nil, err
		}
		e.At = e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// LoginFailures is the count of failed sign-ins of one username from one
// address (or, with addr GlobalAddr, from all), and the lock they caused.
type LoginFailures struct {
	Failures    int
	LockedUntil *time.Time
	UpdatedAt   time.Time
}

// GlobalAddr is the addr of the row that counts a username's failed
// sign-ins from every address.
const GlobalAddr = "*"

// GetLoginFailures returns the failures of a username from an address; a
// username never seen from it has none.
func GetLoginFailures(ctx context.Context, tx *Tx, username, addr string) (LoginFailures, error) {
	var f LoginFailures
	var locked sql.NullTime
	err := tx.QueryRow(ctx, `SELECT failures, locked_until, updated_at FROM login_failures WHERE username = ? AND addr = ?`,
		username, addr).Scan(&f.Failures, &locked, &f.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return LoginFailures{}, nil
	}
	if err != nil {
		return f, fmt.Errorf("login failures: %w", err)
	}
	f.LockedUntil = timePtr(locked)
	f.UpdatedAt = f.UpdatedAt.UTC()
	return f, nil
}

// SetLoginFailures writes the failures of a username from an address.
func SetLoginFailures(ctx context.Context, tx *Tx, username, addr string, f LoginFailures) error {
	_, err := tx.Exec(ctx, `INSERT INTO login_failures (username, addr, failures, locked_until, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (username, addr) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until, updated_at = excluded.updated_at`,
		username, addr, f.Failures, nullTime(f.LockedUntil), f.UpdatedAt.UTC())
	if err != nil {
		return fmt.Errorf("set login failures: %w", err)
	}
	return nil
}

// ClearLoginFailures forgets a username's failures from an address and its
// global count (after a successful sign-in), and the rows of any username
// not touched since before (they have expired), so that the table does
// not grow without bound.
func ClearLoginFailures(ctx context.Context, tx *Tx, username, addr string, before time.Time) error {
	if _, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE username = ? AND addr IN (?, ?)`, username, addr, GlobalAddr); err != nil {
		return fmt.Errorf("clear login failures: %w", err)
	}
	return PruneLoginFailures(ctx, tx, before)
}

// PruneLoginFailures deletes the failure rows not touched since before.
func PruneLoginFailures(ctx context.Context, tx *Tx, before time.Time) error {
	if _, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE updated_at < ?`, before.UTC()); err != nil {
		return fmt.Errorf("prune login failures: %w", err)
	}
	return nil
}

// authUserColumns are the columns of a user and of one of their grants
// (empty for a user without grants), read with a session or a token.
const authUserColumns = userColumns + `, COALESCE(g.role, ''), COALESCE(g.unit_id, 0), COALESCE(gn.code, ''), COALESCE(gn.path, '')`

// authUserJoin joins a session or token row (alias s) to its user, the
// user's unit and their grants: one row per grant.
const authUserJoin = ` JOIN users u ON u.id = s.user_id JOIN units n ON n.id = u.unit_id
	LEFT JOIN role_grants g ON g.user_id = u.id LEFT JOIN units gn ON gn.id = g.unit_id`

// scanAuthUser reads the rows of authUserColumns (after the columns that
// head scans into) into the user and their grants, or ENOTFOUND when
// there is none.
func scanAuthUser(rows *sql.Rows, head func() []any, what string) (*org.User, error) {
	defer rows.Close()
	var u *org.User
	for rows.Next() {
		var x org.User
		var g org.Grant
		dest := append(head(), &x.ID, &x.Username, &x.Name, &x.Role, &x.UnitID, &x.UnitPath, &x.Active, &x.PasswordHash, &x.CreatedAt,
			&g.Role, &g.UnitID, &g.UnitCode, &g.UnitPath)
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		if u == nil {
			x.CreatedAt = x.CreatedAt.UTC()
			u = &x
		}
		if g.Role != "" {
			u.Grants = append(u.Grants, g)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if u == nil {
		return nil, notFound(what, "")
	}
	defaultGrants(u)
	return u, nil
}

// SessionUserWithGrants returns the user of an unexpired session with
// their grants, in one query (every request of a signed-in page asks),
// or ENOTFOUND.
func SessionUserWithGrants(ctx context.Context, tx *Tx, tokenHash string, now time.Time) (*org.User, error) {
	rows, err := tx.Query(ctx, `SELECT `+authUserColumns+` FROM sessions s`+authUserJoin+`
		WHERE s.token_hash = ? AND s.expires_at > ? ORDER BY g.position`, tokenHash, now.UTC())
	if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	return scanAuthUser(rows, func() []any { return nil }, "session")
}

// APITokenUserWithGrants returns the unrevoked, unexpired API token of the
// hash and its user with their grants, in one query (every API request
// asks), or ENOTFOUND.
func APITokenUserWithGrants(ctx context.Context, tx *Tx, tokenHash string, now time.Time) (*APIToken, *org.User, error) {
	rows, err := tx.Query(ctx, `SELECT s.id, s.user_id, s.name, s.created_at, s.expires_at, s.last_used_at, s.revoked_at, `+
		authUserColumns+` FROM api_tokens s`+authUserJoin+`
		WHERE s.token_hash = ? AND s.revoked_at IS NULL AND (s.expires_at IS NULL OR s.expires_at > ?) ORDER BY g.position`,
		tokenHash, now.UTC())
	if err != nil {
		return nil, nil, fmt.Errorf("api token: %w", err)
	}
	var t APIToken
	var exp, used, rev sql.NullTime
	u, err := scanAuthUser(rows, func() []any {
		return []any{&t.ID, &t.UserID, &t.Name, &t.CreatedAt, &exp, &used, &rev}
	}, "api token")
	if err != nil {
		return nil, nil, err
	}
	t.CreatedAt = t.CreatedAt.UTC()
	t.ExpiresAt, t.LastUsedAt, t.RevokedAt = timePtr(exp), timePtr(used), timePtr(rev)
	return &t, u, nil
}
