package ride

import (
	"context"
	"slices"
	"time"

	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/org"
	rd "github.com/minsheng/minsheng/ride"
	"github.com/minsheng/minsheng/store"
)

// Desk is the fleet desk's work: the rides waiting for a driver (the
// escalated first), and those taken on from today on.
type Desk struct {
	Waiting  []*View `json:"waiting"`
	Upcoming []*View `json:"upcoming"`
}

// Desk returns the fleet desk's work.
func (s *Service) Desk(ctx context.Context, actor *org.User) (*Desk, error) {
	if err := requireDesk(actor); err != nil {
		return nil, err
	}
	out := &Desk{}
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		today := calendar.DateOf(s.now()).Start()
		open, err := store.ListRides(ctx, tx, store.RideFilter{Statuses: []rd.Status{rd.StatusRequested, rd.StatusScheduled, rd.StatusOffered}, Limit: 200})
		if err != nil {
			return err
		}
		for _, r := range open {
			v, err := s.view(ctx, tx, r, true)
			if err != nil {
				return err
			}
			v.Timeline = nil
			out.Waiting = append(out.Waiting, v)
		}
		slices.SortStableFunc(out.Waiting, func(a, b *View) int {
			if a.Escalated != b.Escalated {
				if a.Escalated {
					return -1
				}
				return 1
			}
			return 0
		})
		taken, err := store.ListRides(ctx, tx, store.RideFilter{Statuses: []rd.Status{rd.StatusAccepted, rd.StatusEnRoute, rd.StatusPickedUp},
			From: &today, Limit: 200})
		if err != nil {
			return err
		}
		for _, r := range taken {
			v, err := s.view(ctx, tx, r, true)
			if err != nil {
				return err
			}
			v.Timeline, v.Offers = nil, nil
			out.Upcoming = append(out.Upcoming, v)
		}
		// Rides whose driver reported a problem first.
		slices.SortStableFunc(out.Upcoming, func(a, b *View) int {
			if (a.Problem != "") != (b.Problem != "") {
				if a.Problem != "" {
					return -1
				}
				return 1
			}
			return 0
		})
		return nil
	})
	return out, err
}

// DriverDay is what a driver's phone page shows: the offers waiting for
// their answer, and their rides from today on (today's first).
type DriverDay struct {
	Driver *rd.Driver `json:"driver"`
	Offers []*View    `json:"offers"`
	Rides  []*View    `json:"rides"`
}

// DriverDay returns the actor's offers and rides; for a user holding the
// driver grant whom the desk has not registered as a driver yet, no
// driver and nothing else.
func (s *Service) DriverDay(ctx context.Context, actor *org.User) (*DriverDay, error) {
	if err := kit.Require(actor, org.RoleDriver); err != nil {
		return nil, err
	}
	out := &DriverDay{}
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		d, err := actorDriver(ctx, tx, actor)
		if err != nil {
			return err
		}
		if d == nil {
			return nil // not registered by the desk yet: nothing offered
		}
		out.Driver = d
		offers, err := store.ListDriverOffers(ctx, tx, d.ID, rd.OfferOpen)
		if err != nil {
			return err
		}
		for _, o := range offers {
			r, err := load(ctx, tx, o.RideID)
			if err != nil {
				return err
			}
			v, err := s.view(ctx, tx, r, false)
			if err != nil {
				return err
			}
			v.Offers = []*rd.Offer{o}
			out.Offers = append(out.Offers, v)
		}
		today := calendar.DateOf(s.now()).Start()
		until := today.AddDate(0, 0, 8)
		rides, err := store.ListRides(ctx, tx, store.RideFilter{DriverID: d.ID, From: &today, To: &until,
			Statuses: []rd.Status{rd.StatusAccepted, rd.StatusEnRoute, rd.StatusPickedUp, rd.StatusCompleted}})
		if err != nil {
			return err
		}
		for _, r := range rides {
			v, err := s.view(ctx, tx, r, !r.Status.Final()) // a running ride: the problem its driver reported
			if err != nil {
				return err
			}
			v.Timeline, v.Offers = nil, nil
			out.Rides = append(out.Rides, v)
		}
		return nil
	})
	return out, err
}

// Today reports whether the time falls on the day of now, in China.
func (s *Service) Today(t time.Time) bool { return calendar.DateOf(t) == calendar.DateOf(s.now()) }

// TicketRides returns the rides booked from a ticket the actor may see.
func (s *Service) TicketRides(ctx context.Context, actor *org.User, ref string) ([]*View, error) {
	var out []*View
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		t, err := s.tickets.LoadVisibleTx(ctx, tx, actor, ref)
		if err != nil {
			return err
		}
		rs, err := store.ListRides(ctx, tx, store.RideFilter{TicketID: t.ID, Limit: 1000})
		if err != nil {
			return err
		}
		for _, r := range rs {
			v, err := s.view(ctx, tx, r, false)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return nil
	})
	return out, err
}
