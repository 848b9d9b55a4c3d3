package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/minsheng/minsheng/project"
)

// This file holds the residents who follow a project by SMS.

const followerColumns = `id, project_id, phone, status, code_hash, code_sent_at, code_expires_at, sends, attempts, unsubscribe,
	created_at, confirmed_at`

func scanFollower(s scanner) (*project.Follower, error) {
	var f project.Follower
	var sent, expires, confirmed sql.NullTime
	err := s.Scan(&f.ID, &f.ProjectID, &f.Phone, &f.Status, &f.CodeHash, &sent, &expires, &f.Sends, &f.Attempts, &f.Unsubscribe,
		&f.CreatedAt, &confirmed)
	f.CodeSentAt, f.CodeExpiresAt, f.ConfirmedAt, f.CreatedAt = timePtr(sent), timePtr(expires), timePtr(confirmed), f.CreatedAt.UTC()
	return &f, err
}

// SaveFollower writes a follow, new (ID not yet stored) or changed.
func SaveFollower(ctx context.Context, tx *Tx, f *project.Follower, isNew bool) error {
	var err error
	if isNew {
		_, err = tx.Exec(ctx, `INSERT INTO project_followers (`+followerColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			f.ID, f.ProjectID, f.Phone, f.Status, f.CodeHash, nullTime(f.CodeSentAt), nullTime(f.CodeExpiresAt), f.Sends, f.Attempts,
			f.Unsubscribe, f.CreatedAt.UTC(), nullTime(f.ConfirmedAt))
	} else {
		_, err = tx.Exec(ctx, `UPDATE project_followers SET status = ?, code_hash = ?, code_sent_at = ?, code_expires_at = ?, sends = ?,
			attempts = ?, confirmed_at = ? WHERE id = ?`, f.Status, f.CodeHash, nullTime(f.CodeSentAt), nullTime(f.CodeExpiresAt),
			f.Sends, f.Attempts, nullTime(f.ConfirmedAt), f.ID)
	}
	if err != nil {
		return fmt.Errorf("save project follower: %w", err)
	}
	return nil
}

// GetFollower returns the follow of a project by a phone, or ENOTFOUND.
func GetFollower(ctx context.Context, tx *Tx, projectID int64, phone string) (*project.Follower, error) {
	return getOne(ctx, tx, scanFollower, "follower", phone, `SELECT `+followerColumns+` FROM project_followers WHERE project_id = ? AND phone = ?`,
		projectID, phone)
}

// GetFollowerByUnsubscribe returns the follow an unsubscribe token ends,
// or ENOTFOUND.
func GetFollowerByUnsubscribe(ctx context.Context, tx *Tx, token string) (*project.Follower, error) {
	return getOne(ctx, tx, scanFollower, "follower", "", `SELECT `+followerColumns+` FROM project_followers WHERE unsubscribe = ?`, token)
}

// ListActiveFollowers returns the active follows of a project.
func ListActiveFollowers(ctx context.Context, tx *Tx, projectID int64) ([]*project.Follower, error) {
	out, err := queryAll(ctx, tx, scanFollower, `SELECT `+followerColumns+` FROM project_followers
		WHERE project_id = ? AND status = ? ORDER BY id`, projectID, project.FollowActive)
	if err != nil {
		return nil, fmt.Errorf("list project followers: %w", err)
	}
	return out, nil
}

// CountActiveFollowers counts the active follows of each project of a year.
func CountActiveFollowers(ctx context.Context, tx *Tx, year int) (map[int64]int, error) {
	rows, err := tx.Query(ctx, `SELECT f.project_id, COUNT(*) FROM project_followers f JOIN projects p ON p.id = f.project_id
		WHERE p.year = ? AND f.status = ? GROUP BY f.project_id`, year, project.FollowActive)
	if err != nil {
		return nil, fmt.Errorf("count project followers: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}
