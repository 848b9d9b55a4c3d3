// Package ride holds the use cases of the volunteer fleet (爱心车队,
// docs/ride.md): the fleet's vehicles and drivers, ride requests taken
// from hotline work orders and linked to them, scheduling, offers to
// drivers (the first to accept wins), the trip itself, and what a ride's
// outcome writes back to its ticket. Every use case is one transaction
// that leaves the ride's timeline event, its audit entry and its outbox
// messages through kit.Change.
//
// The rider is told (SMS through the outbox) only once a driver has
// accepted: never of an offer that may still fall through.
package ride

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/personal"
	rd "github.com/minsheng/minsheng/ride"
	"github.com/minsheng/minsheng/store"
)

// Object types of the timeline and the audit log.
const (
	ObjectRide    = "ride"
	ObjectVehicle = "ride_vehicle"
	ObjectDriver  = "ride_driver"
)

// Kinds of background jobs.
const (
	JobOfferTimeout = "ride.offer_timeout" // the offers of a ride ran out: escalate, or unmet need
	JobUnmet        = "ride.unmet"         // the ride's latest dispatch time: unmet need if nobody took it
)

// Config are the fleet's timings. Zero fields take the defaults.
type Config struct {
	// OfferWindow is how long drivers have to answer an offer. Default 30
	// minutes.
	OfferWindow time.Duration
	// UnmetLead is how long before the pickup a ride nobody took counts as
	// unmet need. Default 30 minutes.
	UnmetLead time.Duration
	// Span is how long a ride keeps its driver: two rides of one driver
	// with pickups closer than this overlap. Default 2 hours.
	Span time.Duration
	// PreassignOffers is how many drivers the night-before
	// pre-assignment offers each of tomorrow's rides to. Default 2.
	PreassignOffers int
}

// Service runs the fleet's use cases.
type Service struct {
	kit     *kit.Kit
	tickets *app.Service
	db      *store.DB
	log     *slog.Logger
	cfg     Config
}

// New returns the fleet's use cases over the shared kit and the ticket
// engine.
func New(k *kit.Kit, tickets *app.Service, cfg Config) *Service {
	if cfg.OfferWindow <= 0 {
		cfg.OfferWindow = 30 * time.Minute
	}
	if cfg.UnmetLead <= 0 {
		cfg.UnmetLead = 30 * time.Minute
	}
	if cfg.Span <= 0 {
		cfg.Span = 2 * time.Hour
	}
	if cfg.PreassignOffers <= 0 {
		cfg.PreassignOffers = 2
	}
	return &Service{kit: k, tickets: tickets, db: k.DB(), log: k.Log(), cfg: cfg}
}

func (s *Service) now() time.Time { return s.kit.Now() }

// fleetRoles may use the fleet desk: plan, offer, cancel, see riders.
var fleetRoles = []org.Role{org.RoleDispatcher}

// requireDesk lets in dispatchers (the fleet desk) and the district's
// admins.
func requireDesk(actor *org.User) error {
	if err := kit.Require(actor, fleetRoles...); err == nil {
		return nil
	}
	return kit.RequireDistrictAdmin(actor)
}

// actorDriver returns the driver record of the actor, or nil if they are
// not a driver of the fleet.
func actorDriver(ctx context.Context, tx *store.Tx, actor *org.User) (*rd.Driver, error) {
	if actor == nil || kit.IsSystem(actor) || !actor.Has(org.RoleDriver) {
		return nil, nil
	}
	d, err := store.GetRideDriverByUser(ctx, tx, actor.ID)
	if minsheng.IsCode(err, minsheng.ENOTFOUND) {
		return nil, nil
	}
	return d, err
}

// parties returns who the actor is to the ride: the desk, the rider's
// agent, an offered driver, the assigned driver, or other.
func (s *Service) parties(ctx context.Context, tx *store.Tx, actor *org.User, r *rd.Ride) ([]rd.Party, *rd.Driver, error) {
	if err := kit.Require(actor, org.AllRoles...); err != nil {
		return nil, nil, err
	}
	var out []rd.Party
	if requireDesk(actor) == nil {
		out = append(out, rd.PartyDispatcher)
	}
	if actor.Has(org.RoleAgent) {
		out = append(out, rd.PartyAgent)
	}
	d, err := actorDriver(ctx, tx, actor)
	if err != nil {
		return nil, nil, err
	}
	if d != nil {
		if r.DriverID == d.ID {
			out = append(out, rd.PartyAssigned)
		}
		offers, err := store.ListRideOffers(ctx, tx, r.ID)
		if err != nil {
			return nil, nil, err
		}
		for _, o := range offers {
			if o.DriverID == d.ID && o.Status == rd.OfferOpen {
				out = append(out, rd.PartyOffered)
			}
		}
	}
	if len(out) == 0 {
		out = append(out, rd.PartyOther)
	}
	return out, d, nil
}

// loadAs reads a ride in tx with who the actor is to it.
func (s *Service) loadAs(ctx context.Context, tx *store.Tx, actor *org.User, id int64) (*rd.Ride, []rd.Party, *rd.Driver, error) {
	r, err := load(ctx, tx, id)
	if err != nil {
		return nil, nil, nil, err
	}
	ps, d, err := s.parties(ctx, tx, actor, r)
	return r, ps, d, err
}

// load reads a ride in tx: ENOTFOUND if it does not exist.
func load(ctx context.Context, tx *store.Tx, id int64) (*rd.Ride, error) {
	return store.GetRide(ctx, tx, id)
}

// step moves a loaded ride by the action (as the lifecycle allows it),
// writes it guarded by its version and records the change.
func (s *Service) step(ctx context.Context, tx *store.Tx, actor *org.User, r *rd.Ride, a rd.Action, c kit.Change, fn func(now time.Time)) error {
	next, err := rd.Next(r.Status, a)
	if err != nil {
		return err
	}
	now := s.now()
	from := r.Status
	r.Status = next
	if fn != nil {
		fn(now)
	}
	r.Version++
	r.UpdatedAt = now
	if err := store.UpdateRide(ctx, tx, r); err != nil {
		return err
	}
	c.Actor, c.Object, c.ObjectID, c.Action = actor, ObjectRide, r.ID, string(a)
	if c.Data == nil {
		c.Data = map[string]string{}
	}
	if from != next {
		c.Data["status"] = string(from) + " → " + string(next)
	}
	_, err = s.kit.Record(ctx, tx, c)
	return err
}

// View is a ride as a user may see it: the rider masked, with what the
// pages show beside it.
type View struct {
	*rd.Ride
	TicketNumber string                `json:"ticket_number,omitempty"`
	DriverName   string                `json:"driver_name,omitempty"`
	Plate        string                `json:"plate,omitempty"`
	Offers       []*rd.Offer           `json:"offers,omitempty"`
	Timeline     []store.TimelineEvent `json:"timeline,omitempty"`
	Escalated    bool                  `json:"escalated,omitempty"` // its offers ran out unanswered
	// Problem is the last problem its driver reported while it runs.
	Problem rd.Problem `json:"problem,omitempty"`
	// HouseholdID is the rider's household in the registry (read only).
	HouseholdID int64 `json:"household_id,string,omitempty"`
}

// mask returns a copy of the ride with the rider's name and phone masked.
func mask(r *rd.Ride) *rd.Ride {
	c := *r
	c.RiderName, c.RiderPhone = personal.MaskName(r.RiderName), personal.MaskPhone(r.RiderPhone)
	return &c
}

// view builds the masked view of a ride, with its ticket's number, its
// driver and plate; full adds its offers and timeline.
func (s *Service) view(ctx context.Context, tx *store.Tx, r *rd.Ride, full bool) (*View, error) {
	v := &View{Ride: mask(r)}
	if r.TicketID != 0 {
		t, err := store.GetTicket(ctx, tx, r.TicketID)
		if err != nil {
			return nil, err
		}
		v.TicketNumber = t.Number
	}
	if r.DriverID != 0 {
		d, err := store.GetRideDriver(ctx, tx, r.DriverID)
		if err != nil {
			return nil, err
		}
		v.DriverName = d.Name
	}
	if r.VehicleID != 0 {
		veh, err := store.GetRideVehicle(ctx, tx, r.VehicleID)
		if err != nil {
			return nil, err
		}
		v.Plate = veh.Plate
	}
	if !full {
		return v, nil
	}
	var err error
	if r.PersonID != 0 {
		if v.HouseholdID, err = store.RegistryHousehold(ctx, tx, r.PersonID); err != nil {
			return nil, err
		}
	}
	if v.Offers, err = store.ListRideOffers(ctx, tx, r.ID); err != nil {
		return nil, err
	}
	if v.Timeline, err = store.ListTimeline(ctx, tx, ObjectRide, r.ID); err != nil {
		return nil, err
	}
	v.Escalated = slices.ContainsFunc(v.Timeline, func(e store.TimelineEvent) bool { return e.Action == "escalate" }) && r.Status.Open()
	if !r.Status.Final() {
		for _, e := range v.Timeline {
			if e.Action == string(rd.ActionReport) {
				v.Problem = rd.Problem(e.Data["problem"])
			}
		}
	}
	return v, nil
}

// Get returns a ride with its offers and timeline, to the desk, the
// agents, and the drivers it was offered to.
func (s *Service) Get(ctx context.Context, actor *org.User, id int64) (*View, error) {
	var v *View
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		r, ps, d, err := s.loadAs(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if slices.Equal(ps, []rd.Party{rd.PartyOther}) && !offeredEver(ctx, tx, d, r.ID) {
			return minsheng.Errorf(minsheng.ENOTFOUND, "no ride %d", id)
		}
		v, err = s.view(ctx, tx, r, true)
		return err
	})
	return v, err
}

// offeredEver reports whether the ride was ever offered to the driver.
func offeredEver(ctx context.Context, tx *store.Tx, d *rd.Driver, rideID int64) bool {
	if d == nil {
		return false
	}
	offers, err := store.ListRideOffers(ctx, tx, rideID)
	return err == nil && slices.ContainsFunc(offers, func(o *rd.Offer) bool { return o.DriverID == d.ID })
}

// Rider is a ride's rider unmasked: the answer of a reveal.
type Rider struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
}

// RevealRider returns the rider's name and phone to the desk, the agents
// and the ride's assigned driver (who must reach the rider), with a
// reason; the reveal is audited and limited (app.Service.RevealTx).
func (s *Service) RevealRider(ctx context.Context, actor *org.User, id int64, reason string) (*Rider, error) {
	var out *Rider
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		r, ps, _, err := s.loadAs(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(ps, func(p rd.Party) bool {
			return p == rd.PartyDispatcher || p == rd.PartyAgent || p == rd.PartyAssigned
		}) {
			return minsheng.Errorf(minsheng.EFORBIDDEN, "only the fleet desk, agents and the ride's driver may see the rider")
		}
		if err := s.tickets.RevealTx(ctx, tx, actor, app.Reveal{Object: ObjectRide, ObjectID: r.ID, Reason: reason,
			IP: minsheng.ClientAddr(ctx)}); err != nil {
			return err
		}
		out = &Rider{Name: r.RiderName, Phone: r.RiderPhone}
		return nil
	})
	return out, err
}
