package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// TimelineEvent is one change of an object that is not a ticket (tickets
// keep their own events, ticket_events): who did what to it, when, with a
// note and data. The timeline is appended to, never edited.
type TimelineEvent struct {
	ObjectType string            `json:"object_type"`
	ObjectID   int64             `json:"object_id,string"`
	Seq        int               `json:"seq"`
	At         time.Time         `json:"at"`
	ActorID    int64             `json:"actor_id,omitempty"`
	ActorName  string            `json:"actor_name,omitempty"`
	Action     string            `json:"action"`
	Note       string            `json:"note,omitempty"`
	Data       map[string]string `json:"data,omitempty"`
}

// AppendTimeline writes e as the next event of its object and sets e.Seq.
// Two transactions appending to one object at once cannot both commit: the
// second is refused by the primary key (ECONFLICT).
func AppendTimeline(ctx context.Context, tx *Tx, e *TimelineEvent) error {
	if e.ObjectType == "" {
		return fmt.Errorf("append timeline: no object type")
	}
	data := "{}"
	if len(e.Data) > 0 {
		b, err := json.Marshal(e.Data)
		if err != nil {
			return fmt.Errorf("timeline data: %w", err)
		}
		data = string(b)
	}
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM timeline_events WHERE object_type = ? AND object_id = ?`,
		e.ObjectType, e.ObjectID).Scan(&e.Seq); err != nil {
		return fmt.Errorf("append timeline %s/%d: %w", e.ObjectType, e.ObjectID, err)
	}
	_, err := tx.Exec(ctx, `INSERT INTO timeline_events (object_type, object_id, seq, at, actor_id, action, note, data)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ObjectType, e.ObjectID, e.Seq, e.At.UTC(), nullID(e.ActorID), e.Action, e.Note, data)
	if err != nil {
		return fmt.Errorf("append timeline %s/%d: %w", e.ObjectType, e.ObjectID, err)
	}
	return nil
}

// ListTimeline returns an object's timeline, oldest first, with actor names.
func ListTimeline(ctx context.Context, tx *Tx, objectType string, objectID int64) ([]TimelineEvent, error) {
	out, err := queryAll(ctx, tx, func(s scanner) (TimelineEvent, error) {
		e := TimelineEvent{ObjectType: objectType, ObjectID: objectID}
		var data string
		if err := s.Scan(&e.Seq, &e.At, &e.ActorID, &e.ActorName, &e.Action, &e.Note, &data); err != nil {
			return e, err
		}
		e.At = e.At.UTC()
		if data != "" && data != "{}" {
			if err := json.Unmarshal([]byte(data), &e.Data); err != nil {
				return e, fmt.Errorf("event %d data: %w", e.Seq, err)
			}
		}
		return e, nil
	}, `SELECT e.seq, e.at, COALESCE(e.actor_id, 0), COALESCE(u.name, ''), e.action, e.note, e.data
		FROM timeline_events e LEFT JOIN users u ON u.id = e.actor_id
		WHERE e.object_type = ? AND e.object_id = ? ORDER BY e.seq`, objectType, objectID)
	if err != nil {
		return nil, fmt.Errorf("list timeline %s/%d: %w", objectType, objectID, err)
	}
	return out, nil
}

// Link ties two objects of (usually) different capabilities: a ride
// request to the ticket it came from, a visit's concern to the ticket it
// opened. Relation says how ("origin", "opened", "follows").
type Link struct {
	FromType  string    `json:"from_type"`
	FromID    int64     `json:"from_id,string"`
	ToType    string    `json:"to_type"`
	ToID      int64     `json:"to_id,string"`
	Relation  string    `json:"relation"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy int64     `json:"created_by,omitempty"`
}

// InsertLink writes a link; the same link twice is written once.
func InsertLink(ctx context.Context, tx *Tx, l *Link) error {
	_, err := tx.Exec(ctx, `INSERT INTO object_links (from_type, from_id, to_type, to_id, relation, created_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		l.FromType, l.FromID, l.ToType, l.ToID, l.Relation, l.CreatedAt.UTC(), nullID(l.CreatedBy))
	if err != nil {
		return fmt.Errorf("insert link %s/%d→%s/%d: %w", l.FromType, l.FromID, l.ToType, l.ToID, err)
	}
	return nil
}

// ListLinks returns the links from or to an object, oldest first.
func ListLinks(ctx context.Context, tx *Tx, objectType string, objectID int64) ([]Link, error) {
	out, err := queryAll(ctx, tx, func(s scanner) (Link, error) {
		var l Link
		err := s.Scan(&l.FromType, &l.FromID, &l.ToType, &l.ToID, &l.Relation, &l.CreatedAt, &l.CreatedBy)
		l.CreatedAt = l.CreatedAt.UTC()
		return l, err
	}, `SELECT from_type, from_id, to_type, to_id, relation, created_at, COALESCE(created_by, 0) FROM object_links
		WHERE (from_type = ? AND from_id = ?) OR (to_type = ? AND to_id = ?)
		ORDER BY created_at, from_type, from_id, to_type, to_id`, objectType, objectID, objectType, objectID)
	if err != nil {
		return nil, fmt.Errorf("list links %s/%d: %w", objectType, objectID, err)
	}
	return out, nil
}
