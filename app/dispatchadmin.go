package app

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/geo"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/routing"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// requireStaff lets every active staff user read the dispatch setup.
func requireStaff(actor *org.User) error {
	if actor == nil || !actor.Active {
		return minsheng.Errorf(minsheng.EFORBIDDEN, "sign in first")
	}
	if !actor.Staff() {
		return minsheng.Errorf(minsheng.EFORBIDDEN, "role %s is not a staff role", rolesOf(actor))
	}
	return nil
}

// rolesOf writes the user's roles for a message: "agent+leader".
func rolesOf(u *org.User) string { return strings.ReplaceAll(roleNames(u.Roles()), ", ", "+") }

// visiblePaths returns the subtrees whose work orders the user sees, for
// the lists' filters (org.User.WorkScopes): nil when one of them is the
// whole district, which needs no condition. A user without a staff role
// sees none: EFORBIDDEN.
func visiblePaths(actor *org.User) ([]string, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	paths := actor.WorkScopes()
	for _, p := range paths {
		if strings.Count(p, "/") <= 2 {
			return nil, nil
		}
	}
	return paths, nil
}

// checkDistrictAdmin allows district-wide setup (routing and deadline
// rules, the calendar, settings) only to admins of the district itself, not
// to admins of a street. The shell and the seeder act as the system actor.
func (s *Service) checkDistrictAdmin(actor *org.User) error {
	return kit.RequireDistrictAdmin(actor)
}

// adminWrite runs an admin's change in a transaction, records it (the
// change fn returns, in the same transaction), and drops the cached
// dispatch configuration, so that this server uses the change at once (the
// others within configTTL).
func (s *Service) adminWrite(ctx context.Context, actor *org.User, fn func(tx *store.Tx) (kit.Change, error)) error {
	if err := kit.RequireAdmin(actor); err != nil {
		return err
	}
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		c, err := fn(tx)
		if err != nil {
			return err
		}
		c.Actor = actor
		_, err = s.kit.Record(ctx, tx, c)
		return err
	})
	s.invalidateConfig()
	return err
}

// ruleData is what a change of a routing rule records about it.
func ruleData(r *routing.Rule) map[string]string {
	return map[string]string{"name": r.Name, "priority": strconv.Itoa(r.Priority), "category_id": idStr(r.CategoryID),
		"kind": string(r.Kind), "area_unit_id": idStr(r.AreaUnitID), "keywords": strings.Join(r.Keywords, ","),
		"unit_id": idStr(r.UnitID), "auto_dispatch": strconv.FormatBool(r.AutoDispatch), "active": strconv.FormatBool(r.Active)}
}

// slaData is what a change of a deadline rule records about it.
func slaData(r *ticket.SLARule) map[string]string {
	b, _ := json.Marshal(r.SLA)
	return map[string]string{"category_id": idStr(r.CategoryID), "kind": string(r.Kind), "urgency": string(r.Urgency), "sla": string(b)}
}

// ListRoutingRules returns the routing rules, highest priority first.
func (s *Service) ListRoutingRules(ctx context.Context, actor *org.User) ([]routing.Rule, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	var out []routing.Rule
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = store.ListRoutingRules(ctx, tx)
		return err
	})
	return out, err
}

// checkRuleRefs checks that a rule's category, area and unit exist.
func checkRuleRefs(ctx context.Context, tx *store.Tx, r *routing.Rule) error {
	if r.CategoryID != 0 {
		if _, err := store.GetCategory(ctx, tx, r.CategoryID); err != nil {
			return minsheng.FieldError("category_id", "category %d does not exist", r.CategoryID).Because("category_unknown")
		}
	}
	if r.AreaUnitID != 0 {
		if _, err := store.GetUnit(ctx, tx, r.AreaUnitID); err != nil {
			return minsheng.FieldError("area_unit_id", "unit %d does not exist", r.AreaUnitID).Because("unit_unknown")
		}
	}
	u, err := store.GetUnit(ctx, tx, r.UnitID)
	if err != nil {
		return minsheng.FieldError("unit_id", "unit %d does not exist", r.UnitID).Because("unit_unknown")
	}
	if u.ParentID == 0 {
		return minsheng.FieldError("unit_id", "%s does not handle tickets", u.Name).Because("unit_not_handling")
	}
	if !u.Active {
		return minsheng.FieldError("unit_id", "%s is disabled", u.Name).Because("unit_disabled")
	}
	return nil
}

// CreateRoutingRule adds a routing rule.
func (s *Service) CreateRoutingRule(ctx context.Context, actor *org.User, r routing.Rule) (*routing.Rule, error) {
	if err := s.checkDistrictAdmin(actor); err != nil {
		return nil, err
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	id, err := s.db.NextID(ctx)
	if err != nil {
		return nil, err
	}
	r.ID, r.CreatedAt, r.Active = id, s.now(), true
	err = s.adminWrite(ctx, actor, func(tx *store.Tx) (kit.Change, error) {
		if err := checkRuleRefs(ctx, tx, &r); err != nil {
			return kit.Change{}, err
		}
		return kit.Change{Object: "routing_rule", ObjectID: r.ID, Action: "create", Data: ruleData(&r)},
			store.InsertRoutingRule(ctx, tx, &r)
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// UpdateRoutingRule replaces a routing rule's fields.
func (s *Service) UpdateRoutingRule(ctx context.Context, actor *org.User, r routing.Rule) (*routing.Rule, error) {
	if err := s.checkDistrictAdmin(actor); err != nil {
		return nil, err
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	var out *routing.Rule
	err := s.adminWrite(ctx, actor, func(tx *store.Tx) (kit.Change, error) {
		if err := checkRuleRefs(ctx, tx, &r); err != nil {
			return kit.Change{}, err
		}
		rules, err := store.ListRoutingRules(ctx, tx)
		if err != nil {
			return kit.Change{}, err
		}
		var before *routing.Rule
		for i := range rules {
			if rules[i].ID == r.ID {
				before = &rules[i]
			}
		}
		if err := store.UpdateRoutingRule(ctx, tx, &r); err != nil {
			return kit.Change{}, err
		}
		if rules, err = store.ListRoutingRules(ctx, tx); err != nil {
			return kit.Change{}, err
		}
		for i := range rules {
			if rules[i].ID == r.ID {
				out = &rules[i]
			}
		}
		data := map[string]string{}
		if before != nil && out != nil {
			old, cur := ruleData(before), ruleData(out)
			for k := range cur {
				changed(data, k, old[k], cur[k])
			}
		}
		return kit.Change{Object: "routing_rule", ObjectID: r.ID, Action: "update", Data: data}, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteRoutingRule removes a routing rule.
func (s *Service) DeleteRoutingRule(ctx context.Context, actor *org.User, id int64) error {
	if err := s.checkDistrictAdmin(actor); err != nil {
		return err
	}
	return s.adminWrite(ctx, actor, func(tx *store.Tx) (kit.Change, error) {
		c := kit.Change{Object: "routing_rule", ObjectID: id, Action: "delete"}
		rules, err := store.ListRoutingRules(ctx, tx)
		if err != nil {
			return c, err
		}
		for i := range rules {
			if rules[i].ID == id {
				c.Data = ruleData(&rules[i])
			}
		}
		return c, store.DeleteRoutingRule(ctx, tx, id)
	})
}

// ListSLARules returns the deadline rules.
func (s *Service) ListSLARules(ctx context.Context, actor *org.User) ([]ticket.SLARule, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	var out []ticket.SLARule
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = store.ListSLARules(ctx, tx)
		return err
	})
	return out, err
}

// CreateSLARule adds a deadline rule for a category (and below), kind and
// urgency; any of the three may be left open.
func (s *Service) CreateSLARule(ctx context.Context, actor *org.User, r ticket.SLARule) (*ticket.SLARule, error) {
	if err := s.checkDistrictAdmin(actor); err != nil {
		return nil, err
	}
	if r.Kind != "" && !r.Kind.Valid() {
		return nil, minsheng.FieldError("kind", "unknown kind %q", r.Kind)
	}
	if r.Urgency != "" && !r.Urgency.Valid() {
		return nil, minsheng.FieldError("urgency", "unknown urgency %q", r.Urgency)
	}
	if err := r.SLA.Validate(); err != nil {
		return nil, err
	}
	id, err := s.db.NextID(ctx)
	if err != nil {
		return nil, err
	}
	r.ID = id
	err = s.adminWrite(ctx, actor, func(tx *store.Tx) (kit.Change, error) {
		if r.CategoryID != 0 {
			c, err := store.GetCategory(ctx, tx, r.CategoryID)
			if err != nil {
				return kit.Change{}, minsheng.FieldError("category_id", "category %d does not exist", r.CategoryID).Because("category_unknown")
			}
			r.CategoryPath = c.Path
		}
		return kit.Change{Object: "sla_rule", ObjectID: r.ID, Action: "create", Data: slaData(&r)},
			store.InsertSLARule(ctx, tx, &r, s.now())
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// DeleteSLARule removes a deadline rule.
func (s *Service) DeleteSLARule(ctx context.Context, actor *org.User, id int64) error {
	if err := s.checkDistrictAdmin(actor); err != nil {
		return err
	}
	return s.adminWrite(ctx, actor, func(tx *store.Tx) (kit.Change, error) {
		c := kit.Change{Object: "sla_rule", ObjectID: id, Action: "delete"}
		rules, err := store.ListSLARules(ctx, tx)
		if err != nil {
			return c, err
		}
		for i := range rules {
			if rules[i].ID == id {
				c.Data = slaData(&rules[i])
			}
		}
		return c, store.DeleteSLARule(ctx, tx, id)
	})
}

// CalendarYears returns the notices in force: those admins loaded, and the
// shipped 2026 one unless replaced.
func (s *Service) CalendarYears(ctx context.Context) ([]calendar.Year, error) {
	var years []calendar.Year
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		years, err = store.ListCalendarYears(ctx, tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, y := range years {
		if y.Year == 2026 {
			return years, nil
		}
	}
	return append([]calendar.Year{calendar.China2026Notice}, years...), nil
}

// CalendarWarnFrom is the month from which the district's admins are
// warned that next year's holiday notice is not loaded (the State Council
// publishes it in late October or November).
const CalendarWarnFrom = time.November

// MissingCalendarYear returns next year when its notice should be loaded
// and is not: from CalendarWarnFrom on (in China's time), deadlines that
// reach into next year would be counted without its holidays. 0: nothing
// is missing.
func (s *Service) MissingCalendarYear(ctx context.Context) (int, error) {
	now := s.clock.Now().In(calendar.China)
	if now.Month() < CalendarWarnFrom {
		return 0, nil
	}
	years, err := s.CalendarYears(ctx)
	if err != nil {
		return 0, err
	}
	next := now.Year() + 1
	for _, y := range years {
		if y.Year == next {
			return 0, nil
		}
	}
	return next, nil
}

// ImportCalendarYear loads (or replaces) a year's holiday notice after
// validating it: dates in range, no overlapping holidays, make-up days on
// weekends outside holidays.
func (s *Service) ImportCalendarYear(ctx context.Context, actor *org.User, y calendar.Year) error {
	if err := s.checkDistrictAdmin(actor); err != nil {
		return err
	}
	if err := y.Validate(); err != nil {
		return err
	}
	return s.adminWrite(ctx, actor, func(tx *store.Tx) (kit.Change, error) {
		years, err := store.ListCalendarYears(ctx, tx)
		if err != nil {
			return kit.Change{}, err
		}
		action := "import"
		for _, old := range years {
			if old.Year == y.Year {
				action = "replace"
			}
		}
		return kit.Change{Object: "calendar_year", ObjectID: int64(y.Year), Action: action,
				Data: map[string]string{"holidays": strconv.Itoa(len(y.Holidays)), "workdays": strconv.Itoa(len(y.Workdays))}},
			store.PutCalendarYear(ctx, tx, y, actor.ID, s.now())
	})
}

// DueDate returns the day on which n working days after the day from end,
// on the calendar in force.
func (s *Service) DueDate(ctx context.Context, from calendar.Date, n int) (calendar.Date, error) {
	if n < 1 || n > 3650 {
		return calendar.Date{}, minsheng.FieldError("n", "the number of working days must be between 1 and 3650").Because("out_of_range")
	}
	cfg, err := s.config(ctx)
	if err != nil {
		return calendar.Date{}, err
	}
	return cfg.cal.AddWorkingDays(from, n), nil
}

// BoundaryView is a unit's boundary for maps.
type BoundaryView struct {
	UnitID  int64           `json:"unit_id"`
	GeoJSON json.RawMessage `json:"geojson"`
}

// ListBoundaries returns every unit boundary (for the maps).
func (s *Service) ListBoundaries(ctx context.Context, actor *org.User) ([]BoundaryView, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	var out []BoundaryView
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		bs, err := store.ListBoundaries(ctx, tx)
		for _, b := range bs {
			out = append(out, BoundaryView{UnitID: b.UnitID, GeoJSON: json.RawMessage(b.GeoJSON)})
		}
		return err
	})
	return out, err
}

// SetBoundary sets a unit's boundary from GeoJSON (a Polygon, a
// MultiPolygon or a Feature holding one).
func (s *Service) SetBoundary(ctx context.Context, actor *org.User, unitID int64, geojson []byte) error {
	if err := kit.RequireAdmin(actor); err != nil {
		return err
	}
	shape, err := geo.Parse(geojson)
	if err != nil {
		return minsheng.FieldError("geojson", "%s", err.Error())
	}
	return s.adminWrite(ctx, actor, func(tx *store.Tx) (kit.Change, error) {
		u, err := store.GetUnit(ctx, tx, unitID)
		if err != nil || !actor.SeesAs(u.Path, org.RoleAdmin) {
			return kit.Change{}, minsheng.Errorf(minsheng.ENOTFOUND, "unit %d not found", unitID)
		}
		b := shape.Box
		box := strconv.FormatFloat(b.MinLat, 'f', 5, 64) + "," + strconv.FormatFloat(b.MinLng, 'f', 5, 64) + "," +
			strconv.FormatFloat(b.MaxLat, 'f', 5, 64) + "," + strconv.FormatFloat(b.MaxLng, 'f', 5, 64)
		return kit.Change{Object: "unit", ObjectID: unitID, Action: "set_boundary", Data: map[string]string{"box": box}},
			store.PutBoundary(ctx, tx, unitID, strings.TrimSpace(string(geojson)), shape.Box, s.now())
	})
}

// DispatchSettings returns the district's dispatch limits.
func (s *Service) DispatchSettings(ctx context.Context) (Settings, error) {
	cfg, err := s.config(ctx)
	if err != nil {
		return Settings{}, err
	}
	return cfg.settings, nil
}

// SetDispatchSettings changes the district's dispatch limits.
func (s *Service) SetDispatchSettings(ctx context.Context, actor *org.User, st Settings) error {
	if err := s.checkDistrictAdmin(actor); err != nil {
		return err
	}
	if err := st.validate(); err != nil {
		return err
	}
	b, err := json.Marshal(st)
	if err != nil {
		return minsheng.Errorf(minsheng.EINVALID, "settings cannot be stored: %v", err)
	}
	return s.adminWrite(ctx, actor, func(tx *store.Tx) (kit.Change, error) {
		old := DefaultSettings
		if v, ok, err := store.GetSetting(ctx, tx, settingsKey); err != nil {
			return kit.Change{}, err
		} else if ok {
			if err := json.Unmarshal([]byte(v), &old); err != nil {
				return kit.Change{}, err
			}
		}
		data := map[string]string{}
		changed(data, "max_returns", old.MaxReturns, st.MaxReturns)
		changed(data, "max_extensions", old.MaxExtensions, st.MaxExtensions)
		changed(data, "max_extension_days", old.MaxExtensionDays, st.MaxExtensionDays)
		changed(data, "remind_before_hours", old.RemindBeforeHours, st.RemindBeforeHours)
		changed(data, "escalate_after_days", old.EscalateAfterDays, st.EscalateAfterDays)
		changed(data, "auto_dispatch_confidence", old.AutoDispatchConfidence, st.AutoDispatchConfidence)
		return kit.Change{Object: "dispatch_settings", Action: "update", Data: data},
			store.PutSetting(ctx, tx, settingsKey, string(b), s.now())
	})
}
