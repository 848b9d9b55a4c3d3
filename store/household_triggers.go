package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/household"
)

// This file holds proactive service (未诉先办, household/trigger.go): the
// trigger rules, the alert days, the facts the rules read, and the
// proactive work orders the rules opened with their escalation.

// TriggerRules returns the rules as the admin set them, each kind missing
// from the table as its default, in the order of household.RuleKinds.
func TriggerRules(ctx context.Context, tx *Tx) ([]household.Rule, error) {
	set, err := queryAll(ctx, tx, func(s scanner) (household.Rule, error) {
		var r household.Rule
		var tags string
		var at time.Time
		err := s.Scan(&r.Kind, &r.Enabled, &r.Days, &tags, &r.EscalateDays, &at, &r.UpdatedBy)
		at = at.UTC()
		r.Tags, r.UpdatedAt = household.ParseTags(tags), &at
		return r, err
	}, `SELECT kind, enabled, days, tags, escalate_days, updated_at, COALESCE(updated_by, 0) FROM household_trigger_rules`)
	if err != nil {
		return nil, fmt.Errorf("trigger rules: %w", err)
	}
	out := household.DefaultRules()
	for i := range out {
		for _, r := range set {
			if r.Kind == out[i].Kind {
				out[i] = r
			}
		}
	}
	return out, nil
}

// SaveTriggerRule writes a rule (its kind's row, made or replaced).
func SaveTriggerRule(ctx context.Context, tx *Tx, r household.Rule) error {
	var at time.Time
	if r.UpdatedAt != nil {
		at = r.UpdatedAt.UTC()
	}
	_, err := tx.Exec(ctx, `INSERT INTO household_trigger_rules (kind, enabled, days, tags, escalate_days, updated_at, updated_by)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kind) DO UPDATE SET enabled = excluded.enabled, days = excluded.days,
		tags = excluded.tags, escalate_days = excluded.escalate_days, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		r.Kind, r.Enabled, r.Days, household.FormatTags(r.Tags), r.EscalateDays, at, nullID(r.UpdatedBy))
	if err != nil {
		return fmt.Errorf("save trigger rule: %w", err)
	}
	return nil
}

// InsertAlertDay writes an alert day.
func InsertAlertDay(ctx context.Context, tx *Tx, a *household.AlertDay) error {
	_, err := tx.Exec(ctx, `INSERT INTO household_alert_days (id, day, kind, tags, note, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.Day.UTC(), a.Kind, household.FormatTags(a.Tags), a.Note, nullID(a.CreatedBy), a.CreatedAt.UTC())
	if err != nil {
		return fmt.Errorf("insert alert day: %w", err)
	}
	return nil
}

// ListAlertDays returns the alert days from one day on (zero: all), by day.
func ListAlertDays(ctx context.Context, tx *Tx, from time.Time) ([]household.AlertDay, error) {
	out, err := queryAll(ctx, tx, func(s scanner) (household.AlertDay, error) {
		var a household.AlertDay
		var tags string
		err := s.Scan(&a.ID, &a.Day, &a.Kind, &tags, &a.Note, &a.CreatedBy, &a.CreatedAt)
		a.Day, a.CreatedAt, a.Tags = household.Day(a.Day), a.CreatedAt.UTC(), household.ParseTags(tags)
		return a, err
	}, `SELECT id, day, kind, tags, note, COALESCE(created_by, 0), created_at FROM household_alert_days WHERE day >= ? ORDER BY day, id`,
		from.UTC())
	if err != nil {
		return nil, fmt.Errorf("list alert days: %w", err)
	}
	return out, nil
}

// TriggerFacts reads what the rules look at of every household that
// holds a tag (dissolved ones left out): its last visit (or registration)
// and its tags with their recheck days, by household id. It reads every
// tagged household: the daily job's one pass.
func TriggerFacts(ctx context.Context, tx *Tx) ([]household.Facts, error) {
	type row struct {
		id      int64
		contact time.Time
		tag     household.TagRecord
	}
	rows, err := queryAll(ctx, tx, func(s scanner) (row, error) {
		var r row
		var last sql.NullTime
		var created time.Time
		err := s.Scan(&r.id, &last, &created, &r.tag.Tag, &r.tag.RecheckBy)
		r.contact = created.UTC()
		if last.Valid {
			r.contact = last.Time.UTC()
		}
		r.tag.RecheckBy = r.tag.RecheckBy.UTC()
		return r, err
	}, `SELECT h.id, h.last_visit_at, h.created_at, t.tag, t.recheck_by FROM households h
		JOIN household_tags t ON t.household_id = h.id WHERE h.dissolved_at IS NULL ORDER BY h.id, t.tag, t.person_id`)
	if err != nil {
		return nil, fmt.Errorf("trigger facts: %w", err)
	}
	var out []household.Facts
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1].HouseholdID != r.id {
			out = append(out, household.Facts{HouseholdID: r.id, LastContact: r.contact})
		}
		r.tag.HouseholdID = r.id
		f := &out[len(out)-1]
		f.Tags = append(f.Tags, r.tag)
	}
	return out, nil
}

// InsertProactive writes a proactive order; ECONFLICT when one of the same
// household and rule is open (the partial unique index).
func InsertProactive(ctx context.Context, tx *Tx, p *household.Proactive) error {
	_, err := tx.Exec(ctx, `INSERT INTO household_proactive (id, household_id, unit_path, rule, reason, ticket_id, opened_at, step, stepped_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.HouseholdID, p.UnitPath, p.Rule, p.Reason, p.TicketID, p.OpenedAt.UTC(), int(p.Step),
		p.SteppedAt.UTC())
	if IsUnique(err) {
		return minsheng.Errorf(minsheng.ECONFLICT, "household %d has an open proactive order of rule %s", p.HouseholdID, p.Rule)
	}
	if err != nil {
		return fmt.Errorf("insert proactive: %w", err)
	}
	return nil
}

// StepProactive records an order's escalation to a step.
func StepProactive(ctx context.Context, tx *Tx, id int64, step household.Step, at time.Time) error {
	if _, err := tx.Exec(ctx, `UPDATE household_proactive SET step = ?, stepped_at = ? WHERE id = ? AND closed_at IS NULL`,
		int(step), at.UTC(), id); err != nil {
		return fmt.Errorf("step proactive: %w", err)
	}
	return nil
}

// CloseProactive records an order closed (its ticket was answered or
// ended); the household and rule may get a new one.
func CloseProactive(ctx context.Context, tx *Tx, id int64, at time.Time) error {
	if _, err := tx.Exec(ctx, `UPDATE household_proactive SET closed_at = ? WHERE id = ? AND closed_at IS NULL`, at.UTC(), id); err != nil {
		return fmt.Errorf("close proactive: %w", err)
	}
	return nil
}

// ProactiveFilter narrows the list of proactive orders.
type ProactiveFilter struct {
	Paths       []string // the units' subtrees; none: all
	OpenOnly    bool
	HouseholdID int64
	Limit       int // 0: 500
}

// ListProactive returns proactive orders with their tickets' numbers and
// statuses and the households' addresses, open ones first, newest first.
func ListProactive(ctx context.Context, tx *Tx, f ProactiveFilter) ([]*household.Proactive, error) {
	where, args := "1 = 1", []any{}
	if cond, a := pathsCond(f.Paths, "p.unit_path"); cond != "" {
		where, args = where+" AND "+cond, append(args, a...)
	}
	if f.OpenOnly {
		where += " AND p.closed_at IS NULL"
	}
	if f.HouseholdID != 0 {
		where, args = where+" AND p.household_id = ?", append(args, f.HouseholdID)
	}
	if f.Limit <= 0 {
		f.Limit = 500
	}
	out, err := queryAll(ctx, tx, func(s scanner) (*household.Proactive, error) {
		var p household.Proactive
		var closed sql.NullTime
		var step int
		err := s.Scan(&p.ID, &p.HouseholdID, &p.UnitPath, &p.Rule, &p.Reason, &p.TicketID, &p.OpenedAt, &step, &p.SteppedAt, &closed,
			&p.TicketNumber, &p.TicketStatus, &p.Address)
		p.Step, p.OpenedAt, p.SteppedAt, p.ClosedAt = household.Step(step), p.OpenedAt.UTC(), p.SteppedAt.UTC(), timePtr(closed)
		return &p, err
	}, `SELECT p.id, p.household_id, p.unit_path, p.rule, p.reason, p.ticket_id, p.opened_at, p.step, p.stepped_at, p.closed_at,
		t.number, t.status, h.address FROM household_proactive p JOIN tickets t ON t.id = p.ticket_id JOIN households h ON h.id = p.household_id
		WHERE `+where+` ORDER BY CASE WHEN p.closed_at IS NULL THEN 0 ELSE 1 END, p.opened_at DESC, p.id DESC LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("list proactive: %w", err)
	}
	return out, nil
}

// GetProactive returns a proactive order by id, or ENOTFOUND.
func GetProactive(ctx context.Context, tx *Tx, id int64) (*household.Proactive, error) {
	var p household.Proactive
	var closed sql.NullTime
	var step int
	err := tx.QueryRow(ctx, `SELECT id, household_id, unit_path, rule, reason, ticket_id, opened_at, step, stepped_at, closed_at
		FROM household_proactive WHERE id = ?`, id).Scan(&p.ID, &p.HouseholdID, &p.UnitPath, &p.Rule, &p.Reason, &p.TicketID, &p.OpenedAt,
		&step, &p.SteppedAt, &closed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("proactive order", fmt.Sprint(id))
	}
	if err != nil {
		return nil, fmt.Errorf("get proactive: %w", err)
	}
	p.Step, p.OpenedAt, p.SteppedAt, p.ClosedAt = household.Step(step), p.OpenedAt.UTC(), p.SteppedAt.UTC(), timePtr(closed)
	return &p, nil
}
