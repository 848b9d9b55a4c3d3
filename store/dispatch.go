package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/geo"
	"github.com/minsheng/minsheng/routing"
	"github.com/minsheng/minsheng/ticket"
)

// Boundary is a unit's area as stored: its GeoJSON and bounding box.
type Boundary struct {
	UnitID   int64
	UnitPath string
	GeoJSON  string
	Box      geo.Box
}

// PutBoundary sets (or replaces) a unit's boundary.
func PutBoundary(ctx context.Context, tx *Tx, unitID int64, geojson string, box geo.Box, at time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO unit_boundaries (unit_id, geojson, min_lat, min_lng, max_lat, max_lng, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (unit_id) DO UPDATE SET geojson = excluded.geojson, min_lat = excluded.min_lat,
			min_lng = excluded.min_lng, max_lat = excluded.max_lat, max_lng = excluded.max_lng, updated_at = excluded.updated_at`,
		unitID, geojson, box.MinLat, box.MinLng, box.MaxLat, box.MaxLng, at.UTC())
	if IsForeignKey(err) {
		return notFound("unit", unitID)
	}
	if err != nil {
		return fmt.Errorf("put boundary: %w", err)
	}
	return nil
}

// DeleteBoundary removes a unit's boundary.
func DeleteBoundary(ctx context.Context, tx *Tx, unitID int64) error {
	_, err := tx.Exec(ctx, `DELETE FROM unit_boundaries WHERE unit_id = ?`, unitID)
	return err
}

// ListBoundaries returns every unit boundary with the unit's path.
func ListBoundaries(ctx context.Context, tx *Tx) ([]Boundary, error) {
	out, err := queryAll(ctx, tx, scanBoundary, `SELECT b.unit_id, u.path, b.geojson, b.min_lat, b.min_lng, b.max_lat, b.max_lng
		FROM unit_boundaries b JOIN units u ON u.id = b.unit_id ORDER BY u.path`)
	if err != nil {
		return nil, fmt.Errorf("list boundaries: %w", err)
	}
	return out, nil
}

func scanBoundary(s scanner) (Boundary, error) {
	var b Boundary
	err := s.Scan(&b.UnitID, &b.UnitPath, &b.GeoJSON, &b.Box.MinLat, &b.Box.MinLng, &b.Box.MaxLat, &b.Box.MaxLng)
	return b, err
}

// InsertRoutingRule writes a new rule.
func InsertRoutingRule(ctx context.Context, tx *Tx, r *routing.Rule) error {
	_, err := tx.Exec(ctx, `INSERT INTO routing_rules (id, name, priority, category_id, kind, area_unit_id, keywords,
		unit_id, auto_dispatch, active, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.Name, r.Priority, nullID(r.CategoryID), r.Kind, nullID(r.AreaUnitID), strings.Join(r.Keywords, "\n"),
		r.UnitID, r.AutoDispatch, r.Active, r.CreatedAt.UTC())
	if err != nil {
		return fmt.Errorf("insert routing rule: %w", err)
	}
	return nil
}

// UpdateRoutingRule writes a rule's fields.
func UpdateRoutingRule(ctx context.Context, tx *Tx, r *routing.Rule) error {
	return changeOne(ctx, tx, "update routing rule", notFound("routing rule", r.ID),
		`UPDATE routing_rules SET name = ?, priority = ?, category_id = ?, kind = ?, area_unit_id = ?,
		keywords = ?, unit_id = ?, auto_dispatch = ?, active = ? WHERE id = ?`,
		r.Name, r.Priority, nullID(r.CategoryID), r.Kind, nullID(r.AreaUnitID), strings.Join(r.Keywords, "\n"),
		r.UnitID, r.AutoDispatch, r.Active, r.ID)
}

// DeleteRoutingRule removes a rule.
func DeleteRoutingRule(ctx context.Context, tx *Tx, id int64) error {
	return changeOne(ctx, tx, "delete routing rule", notFound("routing rule", id), `DELETE FROM routing_rules WHERE id = ?`, id)
}

// ListRoutingRules returns every rule with the paths of its category and
// area filled in.
func ListRoutingRules(ctx context.Context, tx *Tx) ([]routing.Rule, error) {
	out, err := queryAll(ctx, tx, scanRoutingRule, `SELECT r.id, r.name, r.priority, COALESCE(r.category_id, 0), COALESCE(c.path, ''), r.kind,
		COALESCE(r.area_unit_id, 0), COALESCE(u.path, ''), r.keywords, r.unit_id, r.auto_dispatch, r.active, r.created_at
		FROM routing_rules r LEFT JOIN categories c ON c.id = r.category_id LEFT JOIN units u ON u.id = r.area_unit_id
		ORDER BY r.priority DESC, r.id`)
	if err != nil {
		return nil, fmt.Errorf("list routing rules: %w", err)
	}
	return out, nil
}

func scanRoutingRule(s scanner) (routing.Rule, error) {
	var r routing.Rule
	var kws string
	if err := s.Scan(&r.ID, &r.Name, &r.Priority, &r.CategoryID, &r.CategoryPath, &r.Kind, &r.AreaUnitID, &r.AreaPath,
		&kws, &r.UnitID, &r.AutoDispatch, &r.Active, &r.CreatedAt); err != nil {
		return r, err
	}
	if kws != "" {
		r.Keywords = strings.Split(kws, "\n")
	}
	r.CreatedAt = r.CreatedAt.UTC()
	return r, nil
}

// InsertSLARule writes a deadline rule.
func InsertSLARule(ctx context.Context, tx *Tx, r *ticket.SLARule, at time.Time) error {
	b, err := json.Marshal(r.SLA)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO sla_rules (id, category_id, kind, urgency, sla, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		r.ID, nullID(r.CategoryID), r.Kind, r.Urgency, string(b), at.UTC())
	if err != nil {
		return fmt.Errorf("insert sla rule: %w", err)
	}
	return nil
}

// DeleteSLARule removes a deadline rule.
func DeleteSLARule(ctx context.Context, tx *Tx, id int64) error {
	return changeOne(ctx, tx, "delete sla rule", notFound("deadline rule", id), `DELETE FROM sla_rules WHERE id = ?`, id)
}

// ListSLARules returns every deadline rule with its category's path.
func ListSLARules(ctx context.Context, tx *Tx) ([]ticket.SLARule, error) {
	out, err := queryAll(ctx, tx, scanSLARule, `SELECT r.id, COALESCE(r.category_id, 0), COALESCE(c.path, ''), r.kind, r.urgency, r.sla
		FROM sla_rules r LEFT JOIN categories c ON c.id = r.category_id ORDER BY r.id`)
	if err != nil {
		return nil, fmt.Errorf("list sla rules: %w", err)
	}
	return out, nil
}

func scanSLARule(s scanner) (ticket.SLARule, error) {
	var r ticket.SLARule
	var sla string
	if err := s.Scan(&r.ID, &r.CategoryID, &r.CategoryPath, &r.Kind, &r.Urgency, &sla); err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(sla), &r.SLA); err != nil {
		return r, fmt.Errorf("sla rule %d: %w", r.ID, err)
	}
	return r, nil
}

// PutCalendarYear stores (or replaces) a year's notice.
func PutCalendarYear(ctx context.Context, tx *Tx, y calendar.Year, by int64, at time.Time) error {
	b, err := json.Marshal(y)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO calendar_years (year, notice, updated_at, updated_by) VALUES (?, ?, ?, ?)
		ON CONFLICT (year) DO UPDATE SET notice = excluded.notice, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		y.Year, string(b), at.UTC(), nullID(by))
	if err != nil {
		return fmt.Errorf("put calendar year: %w", err)
	}
	return nil
}

// ListCalendarYears returns the stored notices by year.
func ListCalendarYears(ctx context.Context, tx *Tx) ([]calendar.Year, error) {
	out, err := queryAll(ctx, tx, scanCalendarYear, `SELECT notice FROM calendar_years ORDER BY year`)
	if err != nil {
		return nil, fmt.Errorf("list calendar years: %w", err)
	}
	return out, nil
}

func scanCalendarYear(s scanner) (calendar.Year, error) {
	var notice string
	var y calendar.Year
	if err := s.Scan(&notice); err != nil {
		return y, err
	}
	if err := json.Unmarshal([]byte(notice), &y); err != nil {
		return y, fmt.Errorf("calendar year: %w", err)
	}
	return y, nil
}

// GetSetting reads a setting; ok is false when it was never set.
func GetSetting(ctx context.Context, tx *Tx, key string) (value string, ok bool, err error) {
	err = tx.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("get setting %s: %w", key, err)
	}
	return value, true, nil
}

// PutSetting writes a setting.
func PutSetting(ctx context.Context, tx *Tx, key, value string, at time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, key, value, at.UTC())
	if err != nil {
		return fmt.Errorf("put setting %s: %w", key, err)
	}
	return nil
}
