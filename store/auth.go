package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
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

// SessionUser returns the user id of an unexpired session, or ENOTFOUND.
func SessionUser(ctx context.Context, tx *Tx, tokenHash string, now time.Time) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `SELECT user_id FROM sessions WHERE token_hash = ? AND expires_at > ?`, tokenHash, now.UTC()).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, notFound("session", "")
	}
	if err != nil {
		return 0, fmt.Errorf("session: %w", err)
	}
	return id, nil
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

// InsertAPIToken stores an API token by the hash of its secret.
func InsertAPIToken(ctx context.Context, tx *Tx, id, userID int64, name, tokenHash string, at time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?)`,
		id, userID, name, tokenHash, at.UTC())
	if err != nil {
		return fmt.Errorf("insert api token: %w", err)
	}
	return nil
}

// APITokenUser returns the user id of an unrevoked API token, or ENOTFOUND.
func APITokenUser(ctx context.Context, tx *Tx, tokenHash string) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `SELECT user_id FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL`, tokenHash).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, notFound("api token", "")
	}
	if err != nil {
		return 0, fmt.Errorf("api token: %w", err)
	}
	return id, nil
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
