package app

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/minsheng/minsheng"
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
// to admins of a street. actor nil means the shell or the seeder.
func (s *Service) checkDistrictAdmin(actor *org.User) error {
	if actor == nil {
		return nil
	}
	if err := requireAdmin(actor); err != nil {
		return err
	}
	if adminPaths(actor) != nil {
		return minsheng.Errorf(minsheng.EFORBIDDEN, "only admins of the district may change district-wide setup")
	}
	return nil
}

// adminWrite runs an admin's change in a transaction and drops the cached
// dispatch configuration, so that this server uses the change at once (the
// others within configTTL). actor nil means the shell or the seeder.
func (s *Service) adminWrite(ctx context.Context, actor *org.User, fn func(tx *store.Tx) error) error {
	if actor != nil {
		if err := requireAdmin(actor); err != nil {
			return err
		}
	}
	err := s.db.Write(ctx, fn)
	s.invalidateConfig()
	return err
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
			return minsheng.FieldError("category_id", "category %d does not exist", r.CategoryID)
		}
	}
	if r.AreaUnitID != 0 {
		if _, err := store.GetUnit(ctx, tx, r.AreaUnitID); err != nil {
			return minsheng.FieldError("area_unit_id", "unit %d does not exist", r.AreaUnitID)
		}
	}
	u, err := store.GetUnit(ctx, tx, r.UnitID)
	if err != nil {
		return minsheng.FieldError("unit_id", "unit %d does not exist", r.UnitID)
	}
	if u.ParentID == 0 {
		return minsheng.FieldError("unit_id", "%s does not handle tickets", u.Name)
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
	err = s.adminWrite(ctx, actor, func(tx *store.Tx) error {
		if err := checkRuleRefs(ctx, tx, &r); err != nil {
			return err
		}
		return store.InsertRoutingRule(ctx, tx, &r)
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
	err := s.adminWrite(ctx, actor, func(tx *store.Tx) error {
		if err := checkRuleRefs(ctx, tx, &r); err != nil {
			return err
		}
		if err := store.UpdateRoutingRule(ctx, tx, &r); err != nil {
			return err
		}
		rules, err := store.ListRoutingRules(ctx, tx)
		for i := range rules {
			if rules[i].ID == r.ID {
				out = &rules[i]
			}
		}
		return err
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
	return s.adminWrite(ctx, actor, func(tx *store.Tx) error { return store.DeleteRoutingRule(ctx, tx, id) })
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
	err = s.adminWrite(ctx, actor, func(tx *store.Tx) error {
		if r.CategoryID != 0 {
			c, err := store.GetCategory(ctx, tx, r.CategoryID)
			if err != nil {
				return minsheng.FieldError("category_id", "category %d does not exist", r.CategoryID)
			}
			r.CategoryPath = c.Path
		}
		return store.InsertSLARule(ctx, tx, &r, s.now())
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
	return s.adminWrite(ctx, actor, func(tx *store.Tx) error { return store.DeleteSLARule(ctx, tx, id) })
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
	var by int64
	if actor != nil {
		by = actor.ID
	}
	return s.adminWrite(ctx, actor, func(tx *store.Tx) error { return store.PutCalendarYear(ctx, tx, y, by, s.now()) })
}

// DueDate returns the day on which n working days after the day from end,
// on the calendar in force.
func (s *Service) DueDate(ctx context.Context, from calendar.Date, n int) (calendar.Date, error) {
	if n < 1 || n > 3650 {
		return calendar.Date{}, minsheng.FieldError("n", "the number of working days must be between 1 and 3650")
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
	if actor != nil {
		if err := requireAdmin(actor); err != nil {
			return err
		}
	}
	shape, err := geo.Parse(geojson)
	if err != nil {
		return minsheng.FieldError("geojson", "%s", err.Error())
	}
	return s.adminWrite(ctx, actor, func(tx *store.Tx) error {
		u, err := store.GetUnit(ctx, tx, unitID)
		if err != nil || (actor != nil && !actor.SeesAs(u.Path, org.RoleAdmin)) {
			return minsheng.Errorf(minsheng.ENOTFOUND, "unit %d not found", unitID)
		}
		return store.PutBoundary(ctx, tx, unitID, strings.TrimSpace(string(geojson)), shape.Box, s.now())
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
	return s.adminWrite(ctx, actor, func(tx *store.Tx) error { return store.PutSetting(ctx, tx, settingsKey, string(b), s.now()) })
}
