package store

import (
	"context"
	"fmt"
	"time"
)

// AuditFilter selects entries of the audit log. Zero fields select all.
type AuditFilter struct {
	Object   string // the object's type: "user", "routing_rule", "ticket" …
	ObjectID *int64 // with Object; 0 names a singleton (the dispatch settings)
	ActorID  *int64 // 0: the system actor
	From, To *time.Time

	// Keyset paging, newest first: only entries strictly older than
	// (BeforeAt, BeforeID), the last entry of the page before.
	BeforeAt *time.Time
	BeforeID int64
	Limit    int // at most MaxAuditPage; 0 is DefaultAuditPage
}

// Audit page sizes.
const (
	DefaultAuditPage = 50
	MaxAuditPage     = 500
)

// ListAuditLog returns the audit entries the filter selects, newest first
// (by time, then id), with the actor's username and name. From is
// inclusive, To exclusive.
func ListAuditLog(ctx context.Context, tx *Tx, f AuditFilter) ([]AuditEntry, error) {
	var w where
	w.addIf(f.Object != "", "a.object = ?", f.Object)
	if f.ObjectID != nil {
		w.add("a.object_id = ?", *f.ObjectID)
	}
	if f.ActorID != nil {
		if *f.ActorID == 0 {
			w.add("a.actor_id IS NULL")
		} else {
			w.add("a.actor_id = ?", *f.ActorID)
		}
	}
	w.between("a.at", f.From, f.To)
	if f.BeforeAt != nil {
		// "at < ? OR (at = ? AND id < ?)", with the bound on at outside
		// the OR so that the index on at starts the scan at the cursor
		// (ListTickets does the same).
		w.add("a.at <= ? AND (a.at < ? OR a.id < ?)", f.BeforeAt.UTC(), f.BeforeAt.UTC(), f.BeforeID)
	}
	q := `SELECT a.id, a.at, COALESCE(a.actor_id, 0), COALESCE(u.username, ''), COALESCE(u.name, ''),
		a.action, a.object, a.object_id, a.detail, a.ip
		FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id` + w.String()
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultAuditPage
	}
	limit = min(limit, MaxAuditPage)
	out, err := queryAll(ctx, tx, func(s scanner) (AuditEntry, error) {
		var e AuditEntry
		err := s.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorUsername, &e.ActorName, &e.Action, &e.Object, &e.ObjectID, &e.Detail, &e.IP)
		e.At = e.At.UTC()
		return e, err
	}, q+` ORDER BY a.at DESC, a.id DESC LIMIT ?`, append(w.args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("list audit log: %w", err)
	}
	return out, nil
}

// CountAuditByActor returns how many entries of the action the user wrote
// at or after since (on the index on actor and time): a limit that holds
// across servers, since they share the database.
func CountAuditByActor(ctx context.Context, tx *Tx, actorID int64, action string, since time.Time) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE actor_id = ? AND at >= ? AND action = ?`,
		actorID, since.UTC(), action).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count audit entries: %w", err)
	}
	return n, nil
}
