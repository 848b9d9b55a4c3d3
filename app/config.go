package app

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/geo"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/routing"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// Settings are the district's dispatch limits, set by admins.
type Settings struct {
	// MaxReturns is how many times a ticket may be returned; the
	// dispatch after that is final (审定).
	MaxReturns int `json:"max_returns"`
	// MaxExtensions is how many extensions one ticket may get, and
	// MaxExtensionDays how many working days one may add.
	MaxExtensions    int `json:"max_extensions"`
	MaxExtensionDays int `json:"max_extension_days"`
	// RemindBeforeHours: a reminder goes out this many working hours
	// before a reply deadline.
	RemindBeforeHours float64 `json:"remind_before_hours"`
	// EscalateAfterDays: an overdue ticket is supervised again, at the
	// handling unit's parent, this many working days after its deadline.
	EscalateAfterDays int `json:"escalate_after_days"`
	// AutoDispatchConfidence: a new ticket that no routing rule dispatched
	// is dispatched by the system to the handling unit the classifier
	// predicts, when it predicts it with at least this confidence
	// (softmax, 0–1). 0 switches it off; otherwise 0.5–1.0 (0.9 is right
	// about 98.6% of the time on held-out data, docs/text.md).
	AutoDispatchConfidence float64 `json:"auto_dispatch_confidence"`
}

// DefaultSettings are used until an admin changes them.
var DefaultSettings = Settings{MaxReturns: 2, MaxExtensions: 1, MaxExtensionDays: 10, RemindBeforeHours: 4, EscalateAfterDays: 1}

func (st Settings) validate() error {
	switch {
	case st.MaxReturns < 0 || st.MaxReturns > 20:
		return minsheng.FieldError("max_returns", "max_returns must be between 0 and 20")
	case st.MaxExtensions < 0 || st.MaxExtensions > 10:
		return minsheng.FieldError("max_extensions", "max_extensions must be between 0 and 10")
	case st.MaxExtensionDays < 1 || st.MaxExtensionDays > 60:
		return minsheng.FieldError("max_extension_days", "max_extension_days must be between 1 and 60")
	case !(st.RemindBeforeHours >= 0 && st.RemindBeforeHours <= 200): // NaN too
		return minsheng.FieldError("remind_before_hours", "remind_before_hours must be between 0 and 200")
	case st.EscalateAfterDays < 1 || st.EscalateAfterDays > 30:
		return minsheng.FieldError("escalate_after_days", "escalate_after_days must be between 1 and 30")
	case st.AutoDispatchConfidence != 0 && !(st.AutoDispatchConfidence >= 0.5 && st.AutoDispatchConfidence <= 1):
		return minsheng.FieldError("auto_dispatch_confidence", "auto_dispatch_confidence must be 0 (off) or between 0.5 and 1")
	}
	return nil
}

const settingsKey = "dispatch"

// configTTL is how long a process trusts its copy of the dispatch
// configuration; changes made on another server are seen after at most this.
const configTTL = 30 * time.Second

// area is a unit's boundary, parsed.
type area struct {
	unitID int64
	path   string
	kind   org.UnitKind
	name   string
	active bool // a disabled unit's area still places tickets but is not suggested
	shape  *geo.Shape
}

// dispatchConfig is what routing and deadlines read on every ticket, kept
// in memory: rules, deadline rules, areas, the calendar, the settings.
type dispatchConfig struct {
	loaded   time.Time
	rules    []routing.Rule
	sla      []ticket.SLARule
	areas    []area // deepest first
	cal      *calendar.Calendar
	settings Settings
}

type configCache struct {
	mu  sync.Mutex
	cfg *dispatchConfig
}

// config returns the dispatch configuration, reloading it when stale.
func (s *Service) config(ctx context.Context) (*dispatchConfig, error) {
	s.cfgCache.mu.Lock()
	defer s.cfgCache.mu.Unlock()
	if c := s.cfgCache.cfg; c != nil && time.Since(c.loaded) < configTTL {
		return c, nil
	}
	c := &dispatchConfig{loaded: time.Now(), settings: DefaultSettings}
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		if c.rules, err = store.ListRoutingRules(ctx, tx); err != nil {
			return err
		}
		if c.sla, err = store.ListSLARules(ctx, tx); err != nil {
			return err
		}
		years, err := store.ListCalendarYears(ctx, tx)
		if err != nil {
			return err
		}
		if c.cal, err = s.calendarFrom(years); err != nil {
			return err
		}
		if v, ok, err := store.GetSetting(ctx, tx, settingsKey); err != nil {
			return err
		} else if ok {
			if err := json.Unmarshal([]byte(v), &c.settings); err != nil {
				return err
			}
		}
		bs, err := store.ListBoundaries(ctx, tx)
		if err != nil {
			return err
		}
		units, err := store.ListUnits(ctx, tx, "")
		if err != nil {
			return err
		}
		byID := map[int64]*org.Unit{}
		for _, u := range units {
			byID[u.ID] = u
		}
		// The rules of a disabled unit no longer route (they stay, to
		// apply again if the unit is enabled).
		c.rules = slices.DeleteFunc(c.rules, func(r routing.Rule) bool {
			u := byID[r.UnitID]
			return u != nil && !u.Active
		})
		for _, b := range bs {
			shape, err := geo.Parse([]byte(b.GeoJSON))
			if err != nil {
				s.log.WarnContext(ctx, "skipping a bad unit boundary", "unit", b.UnitID, "err", err)
				continue
			}
			a := area{unitID: b.UnitID, path: b.UnitPath, shape: shape}
			if u := byID[b.UnitID]; u != nil {
				a.kind, a.name, a.active = u.Kind, u.Name, u.Active
			}
			c.areas = append(c.areas, a)
		}
		sort.SliceStable(c.areas, func(i, j int) bool {
			return strings.Count(c.areas[i].path, "/") > strings.Count(c.areas[j].path, "/")
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.cfgCache.cfg = c
	return c, nil
}

// invalidateConfig makes the next use reload the configuration.
func (s *Service) invalidateConfig() {
	s.cfgCache.mu.Lock()
	s.cfgCache.cfg = nil
	s.cfgCache.mu.Unlock()
}

// calendarFrom builds the working calendar: the stored notices, plus the
// shipped 2026 notice unless one is stored for 2026. A calendar injected in
// Config (tests) wins.
func (s *Service) calendarFrom(years []calendar.Year) (*calendar.Calendar, error) {
	if s.cal != nil {
		return s.cal, nil
	}
	has2026 := false
	for _, y := range years {
		has2026 = has2026 || y.Year == 2026
	}
	if !has2026 {
		years = append(years, calendar.China2026Notice)
	}
	return calendar.FromYears(years...)
}

// place returns the deepest unit whose boundary contains the point.
func (c *dispatchConfig) place(lat, lng *float64) *area {
	if lat == nil || lng == nil {
		return nil
	}
	p := geo.Point{Lat: *lat, Lng: *lng}
	for i := range c.areas {
		if c.areas[i].shape.Contains(p) {
			return &c.areas[i]
		}
	}
	return nil
}

// route places a new ticket and picks its suggested unit: the best routing
// rule's unit, else the street (or town) the point lies in. It returns the
// rule that decided, if any.
func (c *dispatchConfig) route(t *ticket.Ticket, categoryPath string) *routing.Rule {
	if a := c.place(t.Lat, t.Lng); a != nil {
		t.LocationUnitID, t.LocationUnitPath = a.unitID, a.path
	}
	r := routing.Best(c.rules, routing.Request{
		CategoryPath: categoryPath, Kind: t.Kind, LocationPath: t.LocationUnitPath, Text: t.Title + "\n" + t.Description,
	})
	if r != nil {
		t.SuggestedUnitID = r.UnitID
		return r
	}
	// No rule: the street or town around the point.
	for _, a := range c.areas {
		if (a.kind == org.KindStreet || a.kind == org.KindTown) && a.active && t.LocationUnitPath != "" && strings.HasPrefix(t.LocationUnitPath, a.path) {
			t.SuggestedUnitID = a.unitID
			break
		}
	}
	return nil
}

// slaFor returns the allowances for a ticket.
func (c *dispatchConfig) slaFor(t *ticket.Ticket, categoryPath string) ticket.SLA {
	return ticket.PickSLA(c.sla, categoryPath, t.Kind, t.Urgency)
}

// categoryPath returns the path of a ticket's category, "" without one.
func categoryPath(ctx context.Context, tx *store.Tx, id int64) (string, error) {
	if id == 0 {
		return "", nil
	}
	c, err := store.GetCategory(ctx, tx, id)
	if err != nil {
		return "", err
	}
	return c.Path, nil
}
