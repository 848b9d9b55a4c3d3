package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/responsibility"
)

// This file holds the leaders' responsibility assignments (包保, package
// responsibility) and their milestones.

const responsibilityColumns = `r.id, r.kind, r.title, r.summary, r.goal, r.leader_id, COALESCE(l.name, ''), r.unit_id, COALESCE(u.name, ''),
	r.unit_path, r.status, r.created_at, r.updated_at, r.version`

const responsibilityFrom = ` FROM responsibilities r LEFT JOIN users l ON l.id = r.leader_id LEFT JOIN units u ON u.id = r.unit_id`

func scanResponsibility(s scanner) (*responsibility.Assignment, error) {
	var a responsibility.Assignment
	err := s.Scan(&a.ID, &a.Kind, &a.Title, &a.Summary, &a.Goal, &a.LeaderID, &a.LeaderName, &a.UnitID, &a.UnitName,
		&a.UnitPath, &a.Status, &a.CreatedAt, &a.UpdatedAt, &a.Version)
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return &a, err
}

// InsertResponsibility writes an assignment and its milestones.
func InsertResponsibility(ctx context.Context, tx *Tx, a *responsibility.Assignment) error {
	if _, err := tx.Exec(ctx, `INSERT INTO responsibilities (id, kind, title, summary, goal, leader_id, unit_id, unit_path, status,
		created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.Kind, a.Title, a.Summary, a.Goal, a.LeaderID, a.UnitID, a.UnitPath, a.Status, a.CreatedAt.UTC(), a.UpdatedAt.UTC(),
		a.Version); err != nil {
		return fmt.Errorf("insert responsibility: %w", err)
	}
	for _, m := range a.Milestones {
		if err := InsertResponsibilityMilestone(ctx, tx, a.ID, m); err != nil {
			return err
		}
	}
	return nil
}

// InsertResponsibilityMilestone adds a milestone to an assignment.
func InsertResponsibilityMilestone(ctx context.Context, tx *Tx, id int64, m responsibility.Milestone) error {
	if _, err := tx.Exec(ctx, `INSERT INTO responsibility_milestones (responsibility_id, seq, title, due, done_at, note)
		VALUES (?, ?, ?, ?, ?, ?)`, id, m.Seq, m.Title, m.Due.UTC(), nullTime(m.DoneAt), m.Note); err != nil {
		return fmt.Errorf("insert responsibility milestone: %w", err)
	}
	return nil
}

// DoneResponsibilityMilestone records a milestone done, if it was not:
// ECONFLICT when it already was, ENOTFOUND when there is no such one.
func DoneResponsibilityMilestone(ctx context.Context, tx *Tx, id int64, m responsibility.Milestone) error {
	return changeOne(ctx, tx, "milestone done", minsheng.Errorf(minsheng.ECONFLICT, "milestone %d is already done", m.Seq),
		`UPDATE responsibility_milestones SET done_at = ?, note = ?
		WHERE responsibility_id = ? AND seq = ? AND done_at IS NULL`, nullTime(m.DoneAt), m.Note, id, m.Seq)
}

// UpdateResponsibility writes an assignment's status if its version is
// still a.Version-1: ECONFLICT otherwise.
func UpdateResponsibility(ctx context.Context, tx *Tx, a *responsibility.Assignment) error {
	return changeOne(ctx, tx, "update responsibility", stale("assignment"),
		`UPDATE responsibilities SET status = ?, updated_at = ?, version = ? WHERE id = ? AND version = ?`,
		a.Status, a.UpdatedAt.UTC(), a.Version, a.ID, a.Version-1)
}

// GetResponsibility returns an assignment with its milestones, or
// ENOTFOUND.
func GetResponsibility(ctx context.Context, tx *Tx, id int64) (*responsibility.Assignment, error) {
	a, err := getOne(ctx, tx, scanResponsibility, "responsibility", fmt.Sprint(id),
		`SELECT `+responsibilityColumns+responsibilityFrom+` WHERE r.id = ?`, id)
	if err != nil {
		return nil, err
	}
	ms, err := responsibilityMilestones(ctx, tx, []int64{a.ID})
	a.Milestones = orNoMilestones(ms[a.ID])
	return a, err
}

func orNoMilestones(ms []responsibility.Milestone) []responsibility.Milestone {
	if ms == nil {
		return []responsibility.Milestone{}
	}
	return ms
}

// responsibilityMilestones reads the milestones of the assignments, by
// assignment id, each in order.
func responsibilityMilestones(ctx context.Context, tx *Tx, ids []int64) (map[int64][]responsibility.Milestone, error) {
	out := map[int64][]responsibility.Milestone{}
	if len(ids) == 0 {
		return out, nil
	}
	type row struct {
		id int64
		m  responsibility.Milestone
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := queryAll(ctx, tx, func(s scanner) (row, error) {
		var r row
		var done sql.NullTime
		err := s.Scan(&r.id, &r.m.Seq, &r.m.Title, &r.m.Due, &done, &r.m.Note)
		r.m.Due, r.m.DoneAt = r.m.Due.UTC(), timePtr(done)
		return r, err
	}, `SELECT responsibility_id, seq, title, due, done_at, note FROM responsibility_milestones
		WHERE responsibility_id IN (?`+strings.Repeat(", ?", len(ids)-1)+`) ORDER BY responsibility_id, seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("list responsibility milestones: %w", err)
	}
	for _, r := range rows {
		out[r.id] = append(out[r.id], r.m)
	}
	return out, nil
}

// ResponsibilityFilter narrows the list of assignments; zero fields do
// not.
type ResponsibilityFilter struct {
	Kind     responsibility.Kind
	Status   responsibility.Status
	LeaderID int64
}

// ListResponsibilities returns the assignments that match, newest first,
// with their milestones. The district holds a few dozen (the article's
// 48); a city's would want paging.
func ListResponsibilities(ctx context.Context, tx *Tx, f ResponsibilityFilter) ([]*responsibility.Assignment, error) {
	where, args := []string{"1 = 1"}, []any{}
	if f.Kind != "" {
		where, args = append(where, "r.kind = ?"), append(args, f.Kind)
	}
	if f.Status != "" {
		where, args = append(where, "r.status = ?"), append(args, f.Status)
	}
	if f.LeaderID != 0 {
		where, args = append(where, "r.leader_id = ?"), append(args, f.LeaderID)
	}
	as, err := queryAll(ctx, tx, scanResponsibility, `SELECT `+responsibilityColumns+responsibilityFrom+` WHERE `+
		strings.Join(where, " AND ")+` ORDER BY r.created_at DESC, r.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("list responsibilities: %w", err)
	}
	ids := make([]int64, len(as))
	for i, a := range as {
		ids[i] = a.ID
	}
	ms, err := responsibilityMilestones(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		a.Milestones = orNoMilestones(ms[a.ID])
	}
	return as, nil
}

// DueMilestone is a milestone not done of an open assignment, for the
// reminders.
type DueMilestone struct {
	AssignmentID int64
	Title        string // the assignment's
	LeaderID     int64
	Milestone    responsibility.Milestone
}

// DueMilestones returns the milestones not done nor reminded of the open
// assignments (not resolved nor stable) due from one day to before
// another, by day.
func DueMilestones(ctx context.Context, tx *Tx, from, to time.Time) ([]DueMilestone, error) {
	out, err := queryAll(ctx, tx, func(s scanner) (DueMilestone, error) {
		var d DueMilestone
		err := s.Scan(&d.AssignmentID, &d.Title, &d.LeaderID, &d.Milestone.Seq, &d.Milestone.Title, &d.Milestone.Due)
		d.Milestone.Due = d.Milestone.Due.UTC()
		return d, err
	}, `SELECT r.id, r.title, r.leader_id, m.seq, m.title, m.due FROM responsibility_milestones m
		JOIN responsibilities r ON r.id = m.responsibility_id
		WHERE m.done_at IS NULL AND m.reminded_at IS NULL AND m.due >= ? AND m.due < ? AND r.status NOT IN ('resolved', 'stable')
		ORDER BY m.due, r.id, m.seq`, from.UTC(), to.UTC())
	if err != nil {
		return nil, fmt.Errorf("due milestones: %w", err)
	}
	return out, nil
}

// MarkMilestoneReminded records that the leader was reminded of a
// milestone.
func MarkMilestoneReminded(ctx context.Context, tx *Tx, id int64, seq int, at time.Time) error {
	if _, err := tx.Exec(ctx, `UPDATE responsibility_milestones SET reminded_at = ? WHERE responsibility_id = ? AND seq = ?`,
		at.UTC(), id, seq); err != nil {
		return fmt.Errorf("mark milestone reminded: %w", err)
	}
	return nil
}
