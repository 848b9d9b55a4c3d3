// Package household holds the use cases of the household registry and its
// visits (issue 14): registering households, their change requests and
// their approval, pairing cadres with households and reassigning them in
// bulk, the cadre's due list, recording visits — where each concern opens a
// work order through the ticket engine's seam, linked both ways, and the
// cadre is told to return with its outcome — missed and rescheduled visits,
// the coverage by grid, and the audited reveal of a member's personal data.
//
// Members' names, ID numbers and phones are masked in every shape it
// returns, except the answer to Reveal.
package household

import (
	"context"
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/household"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/personal"
	"github.com/minsheng/minsheng/store"
)

// Object types of the timeline, the audit log and the links.
const (
	ObjectHousehold = "household"
	ObjectPerson    = "household_person"
	ObjectVisit     = "household_visit"
	ObjectChange    = "household_change"
	// RelationConcern links a visit to a ticket one of its concerns opened.
	RelationConcern = "concern"
)

// Service runs the household use cases.
type Service struct {
	kit     *kit.Kit
	tickets *app.Service
}

// New returns the household use cases over the shared kit and the ticket
// engine, and hooks them to the engine's ticket events (a reply or a close
// of a ticket that a visit's concern opened reminds the cadre to return).
// The hook is idempotent, so building the service twice over the same
// engine does no harm.
func New(k *kit.Kit, tickets *app.Service) *Service {
	s := &Service{kit: k, tickets: tickets}
	tickets.OnTicketEvent("households", s.onTicketEvent)
	return s
}

func (s *Service) now() time.Time { return s.kit.Now() }

// mayRead reports whether the actor sees a household: registry staff over
// its unit, or its current cadre.
func mayRead(actor *org.User, h *household.Household, cadreID int64) bool {
	return actor.Active && (kit.IsSystem(actor) || actor.SeesAs(h.UnitPath, household.RegistryRoles...) || (cadreID != 0 && cadreID == actor.ID))
}

// mayApprove is household.MayApprove, true for the system actor.
func mayApprove(actor *org.User, path string) bool {
	return kit.IsSystem(actor) || (actor.Active && household.MayApprove(actor, path))
}

// mayRequest is household.MayRequest, true for the system actor.
func mayRequest(actor *org.User, path string) bool {
	return kit.IsSystem(actor) || (actor.Active && household.MayRequest(actor, path))
}

// currentCadre returns the id of the household's cadre (0: none).
func currentCadre(ctx context.Context, tx *store.Tx, hid int64) (*household.Pairing, error) {
	ps, err := store.CurrentPairings(ctx, tx, 0, []int64{hid})
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	return ps[0], nil
}

func cadreID(p *household.Pairing) int64 {
	if p == nil {
		return 0
	}
	return p.CadreID
}

// loadVisible loads a household the actor may see, with its current
// pairing: ENOTFOUND otherwise.
func (s *Service) loadVisible(ctx context.Context, tx *store.Tx, actor *org.User, id int64) (*household.Household, *household.Pairing, error) {
	if err := kit.Require(actor, household.RegistryRoles...); err != nil {
		return nil, nil, err
	}
	h, err := store.GetHousehold(ctx, tx, id)
	if err != nil {
		return nil, nil, err
	}
	p, err := currentCadre(ctx, tx, id)
	if err != nil {
		return nil, nil, err
	}
	if !mayRead(actor, h, cadreID(p)) {
		return nil, nil, minsheng.Errorf(minsheng.ENOTFOUND, "household %d not found", id)
	}
	return h, p, nil
}

// Masked returns a copy of the household whose members' names, ID numbers
// and phones are masked.
func Masked(h *household.Household) *household.Household {
	c := *h
	c.Members = make([]*household.Person, len(h.Members))
	for i, p := range h.Members {
		m := *p
		m.Name, m.IDNumber, m.Phone = personal.MaskName(p.Name), personal.MaskIDNumber(p.IDNumber), personal.MaskPhone(p.Phone)
		c.Members[i] = &m
	}
	return &c
}

// grid loads the grid a household is placed in: EINVALID on "grid_id"
// when the unit is not a grid.
func grid(ctx context.Context, tx *store.Tx, id int64) (*org.Unit, error) {
	u, err := store.GetUnit(ctx, tx, id)
	if minsheng.IsCode(err, minsheng.ENOTFOUND) || (err == nil && u.Kind != org.KindGrid) {
		return nil, minsheng.FieldError("grid_id", "the household is placed in a grid")
	}
	return u, err
}

// Register enters a household in the registry with its members and tags:
// community staff of its grid. A member already in a household is refused
// on their field (members[i].id_number), and nothing is written.
func (s *Service) Register(ctx context.Context, actor *org.User, in household.NewHousehold) (*household.Household, error) {
	if err := kit.Require(actor, household.ApproverRoles...); err != nil {
		return nil, err
	}
	in.Normalize()
	now := s.now()
	if err := in.Validate(now); err != nil {
		return nil, err
	}
	var out *household.Household
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		g, err := grid(ctx, tx, in.GridID)
		if err != nil {
			return err
		}
		if !mayApprove(actor, g.Path) {
			return minsheng.FieldError("grid_id", "the grid lies outside the units you keep")
		}
		h, err := s.registerTx(ctx, tx, actor, g, in, now, nil)
		out = h
		return err
	})
	if err != nil {
		return nil, err
	}
	return Masked(out), nil
}

// registerTx writes a household, checked and placed in its grid g, with
// its members, tags and the "register" event (extra data added to it): a
// member already in a household is refused on their field.
func (s *Service) registerTx(ctx context.Context, tx *store.Tx, actor *org.User, g *org.Unit, in household.NewHousehold, now time.Time,
	extra map[string]string) (*household.Household, error) {
	if err := checkUnregistered(ctx, tx, in.Members, "members"); err != nil {
		return nil, err
	}
	id, err := tx.NextID(ctx)
	if err != nil {
		return nil, err
	}
	h := &household.Household{ID: id, UnitID: g.ID, UnitPath: g.Path, Address: in.Address, ConsentAt: now, ConsentBy: actor.ID,
		CreatedAt: now, UpdatedAt: now}
	byID := map[string]int64{}
	for _, m := range in.Members {
		pid, err := tx.NextID(ctx)
		if err != nil {
			return nil, err
		}
		byID[m.IDNumber] = pid
		h.Members = append(h.Members, &household.Person{ID: pid, HouseholdID: h.ID, Name: m.Name, IDNumber: m.IDNumber,
			Phone: m.Phone, Relation: m.Relation, CreatedAt: now})
	}
	for _, t := range in.Tags {
		h.Tags = append(h.Tags, &household.TagRecord{HouseholdID: h.ID, PersonID: byID[t.IDNumber], Tag: t.Tag, Source: t.Source,
			Since: household.Day(t.Since).UTC(), RecheckBy: household.Day(t.RecheckBy).UTC(), CreatedAt: now})
	}
	h.Replan()
	if err := store.InsertHousehold(ctx, tx, h); err != nil {
		return nil, err
	}
	for _, p := range h.Members {
		if err := store.InsertPerson(ctx, tx, p); err != nil {
			return nil, err
		}
	}
	for _, t := range h.Tags {
		if err := store.InsertTag(ctx, tx, t); err != nil {
			return nil, err
		}
	}
	data := map[string]string{"grid": g.Code, "members": strconv.Itoa(len(h.Members)), "tags": tagList(h.Tags),
		"interval_days": strconv.Itoa(h.IntervalDays)}
	maps.Copy(data, extra)
	_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectHousehold, ObjectID: h.ID, Action: "register", Data: data})
	return h, err
}

// checkUnregistered refuses members already in a household of the
// registry, on their field.
func checkUnregistered(ctx context.Context, tx *store.Tx, ms []household.NewMember, field string) error {
	for i, m := range ms {
		p, err := store.FindPersonByIDNumber(ctx, tx, m.IDNumber)
		if minsheng.IsCode(err, minsheng.ENOTFOUND) {
			continue
		}
		if err != nil {
			return err
		}
		f := field + ".id_number"
		if field == "members" {
			f = "members[" + strconv.Itoa(i) + "].id_number"
		}
		return minsheng.FieldError(f, "this person is already a member of household %d", p.HouseholdID)
	}
	return nil
}

func (s *Service) insertPerson(ctx context.Context, tx *store.Tx, hid int64, m household.NewMember, now time.Time) (*household.Person, error) {
	id, err := tx.NextID(ctx)
	if err != nil {
		return nil, err
	}
	p := &household.Person{ID: id, HouseholdID: hid, Name: m.Name, IDNumber: m.IDNumber, Phone: m.Phone, Relation: m.Relation, CreatedAt: now}
	return p, store.InsertPerson(ctx, tx, p)
}

func tagList(ts []*household.TagRecord) string {
	var out []string
	for _, t := range ts {
		out = append(out, string(t.Tag))
	}
	return strings.Join(out, ",")
}

// View is a household as its page shows it: masked members, its cadres
// (the current one last), visits, the tickets its concerns opened, its
// change requests and its timeline, and what the actor may do.
type View struct {
	Household *household.Household  `json:"household"`
	Pairings  []*household.Pairing  `json:"pairings"`
	Visits    []*household.Visit    `json:"visits"`
	Concerns  []*household.Concern  `json:"concerns"`
	Changes   []*household.Change   `json:"changes"`
	Timeline  []store.TimelineEvent `json:"timeline"`
	May       map[string]bool       `json:"may"`
	// Cadres are the staff who may be paired with it (those of its
	// street), for community staff.
	Cadres []Cadre `json:"cadres,omitempty"`
	// Photos are those of its visits (by visit_id).
	Photos []*household.VisitPhoto `json:"photos"`
}

// Cadre is a staff member who may be paired with a household.
type Cadre struct {
	ID   int64    `json:"id"`
	Name string   `json:"name"`
	Role org.Role `json:"role"`
}

// streetOf returns the path of the street (the level below the district)
// of a unit's path, or the path itself when it is shallower.
func streetOf(path string) string {
	parts := strings.SplitAfterN(path, "/", 4)
	if len(parts) < 4 {
		return path
	}
	return strings.Join(parts[:3], "")
}

// Get returns a household's view: ENOTFOUND when the actor may not see it.
func (s *Service) Get(ctx context.Context, actor *org.User, id int64) (*View, error) {
	var v View
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		h, p, err := s.loadVisible(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		h.State = household.StateAt(h.NextDueAt, s.now())
		v.Household = Masked(h)
		if v.Pairings, err = store.ListPairings(ctx, tx, id); err != nil {
			return err
		}
		if v.Visits, err = store.ListVisits(ctx, tx, id, 50); err != nil {
			return err
		}
		if v.Concerns, err = store.ListConcerns(ctx, tx, store.ConcernFilter{HouseholdID: id}); err != nil {
			return err
		}
		if v.Changes, err = store.ListChanges(ctx, tx, store.ChangeFilter{HouseholdID: id}); err != nil {
			return err
		}
		if v.Timeline, err = store.ListTimeline(ctx, tx, ObjectHousehold, id); err != nil {
			return err
		}
		if v.Photos, err = store.ListVisitPhotos(ctx, tx, id); err != nil {
			return err
		}
		v.Photos = nonNil(v.Photos)
		v.Pairings, v.Visits, v.Concerns, v.Changes, v.Timeline = nonNil(v.Pairings), nonNil(v.Visits), nonNil(v.Concerns),
			nonNil(v.Changes), nonNil(v.Timeline)
		isCadre := cadreID(p) == actor.ID
		v.May = map[string]bool{
			"reveal":  mayReveal(actor, h, cadreID(p)),
			"visit":   isCadre || mayRequest(actor, h.UnitPath),
			"request": mayRequest(actor, h.UnitPath),
			"pair":    mayApprove(actor, h.UnitPath),
		}
		if v.May["pair"] {
			us, err := store.ListUsers(ctx, tx, []string{streetOf(h.UnitPath)})
			if err != nil {
				return err
			}
			for _, u := range us {
				if u.Active && u.Staff() {
					v.Cadres = append(v.Cadres, Cadre{ID: u.ID, Name: u.Name, Role: u.Role})
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// nonNil returns s, or an empty slice for nil (JSON lists are never null).
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// List returns the households of a grid, or of every unit the actor sees
// (gridID 0), by address, masked.
func (s *Service) List(ctx context.Context, actor *org.User, gridID int64, limit, offset int) ([]*household.Household, error) {
	if err := kit.Require(actor, household.RegistryRoles...); err != nil {
		return nil, err
	}
	f := store.HouseholdFilter{UnitID: gridID, Limit: min(max(limit, 1), 500), Offset: max(offset, 0)}
	if !kit.IsSystem(actor) {
		f.Paths = actor.ScopesAs(household.RegistryRoles...)
	}
	var out []*household.Household
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		hs, err := store.ListHouseholds(ctx, tx, f)
		now := s.now()
		for _, h := range hs {
			h.State = household.StateAt(h.NextDueAt, now)
			out = append(out, Masked(h))
		}
		return err
	})
	return out, err
}

// mayReveal reports whether the actor may see a member's personal data
// unmasked: community staff of the household's unit, and its cadre.
func mayReveal(actor *org.User, h *household.Household, cadre int64) bool {
	return mayApprove(actor, h.UnitPath) || (cadre != 0 && cadre == actor.ID)
}

// Reveal returns a member unmasked, for community staff and the
// household's cadre, with a reason: audited and limited by the ticket
// engine's RevealTx, shared with every capability.
func (s *Service) Reveal(ctx context.Context, actor *org.User, personID int64, reason, ip string) (*household.Person, error) {
	var out *household.Person
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		p, err := store.GetPerson(ctx, tx, personID)
		if err != nil {
			return err
		}
		h, pair, err := s.loadVisible(ctx, tx, actor, p.HouseholdID)
		if minsheng.IsCode(err, minsheng.ENOTFOUND) {
			return minsheng.Errorf(minsheng.ENOTFOUND, "person %d not found", personID)
		}
		if err != nil {
			return err
		}
		if !mayReveal(actor, h, cadreID(pair)) {
			return minsheng.Errorf(minsheng.EFORBIDDEN, "only the household's cadre and community staff may see its members' personal data")
		}
		if err := s.tickets.RevealTx(ctx, tx, actor, app.Reveal{Object: ObjectPerson, ObjectID: p.ID, Reason: reason, IP: ip}); err != nil {
			return err
		}
		out = p
		return nil
	})
	return out, err
}
