package ride

import (
	"context"
	"time"

	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/jobs"
	rd "github.com/minsheng/minsheng/ride"
	"github.com/minsheng/minsheng/store"
)

// JobPreassign is the night-before pre-assignment: every evening at 20:00
// (China) tomorrow's rides nobody was offered yet are offered to their
// best suggested drivers.
const JobPreassign = "ride.preassign"

// PreassignAt is when the pre-assignment runs: each day at 20:00 in China.
var PreassignAt = jobs.Daily(20, 0, calendar.China)

// PreassignResult tells what one pre-assignment did.
type PreassignResult struct {
	Offered  int // rides offered to drivers
	NoDriver int // rides no eligible driver could be found for: left to the desk
}

// PreassignJob is the periodic job's handler (JobPreassign, PreassignAt).
func (s *Service) PreassignJob(ctx context.Context, tx *store.Tx, _ *jobs.Job) error {
	res, err := s.PreassignTx(ctx, tx)
	if err == nil && (res.Offered > 0 || res.NoDriver > 0) {
		s.log.InfoContext(ctx, "ride pre-assignment", "offered", res.Offered, "no_driver", res.NoDriver)
	}
	return err
}

// PreassignTx offers tomorrow's rides (in China) that wait for a driver —
// requested (scheduled first) or scheduled, never those offered or taken —
// each to its PreassignOffers best eligible drivers, as the system and in
// tx; drivers have until 07:00 tomorrow to answer (or the ride's latest
// dispatch time, if earlier), and the usual offer timeout follows. A driver
// is offered at most one ride of any two that overlap, so that one night's
// offers do not pile on the same volunteer; the drivers offered tonight
// are remembered while the rides are taken in pickup order. It does
// nothing twice: a second run finds the rides offered.
func (s *Service) PreassignTx(ctx context.Context, tx *store.Tx) (*PreassignResult, error) {
	now := s.now()
	tomorrow := calendar.DateOf(now).Start().AddDate(0, 0, 1)
	after := tomorrow.AddDate(0, 0, 1)
	rs, err := store.ListRides(ctx, tx, store.RideFilter{Statuses: []rd.Status{rd.StatusRequested, rd.StatusScheduled},
		From: &tomorrow, To: &after, Limit: 10_000})
	if err != nil {
		return nil, err
	}
	answerBy := tomorrow.Add(7 * time.Hour)
	sys := kit.System()
	res := &PreassignResult{}
	tonight := map[int64][]time.Time{} // pickups offered to each driver tonight
	for _, r := range rs {
		if r.Status == rd.StatusRequested {
			if err := s.step(ctx, tx, sys, r, rd.ActionSchedule, kit.Change{Note: "前一晚预派"}, nil); err != nil {
				return nil, err
			}
		}
		if !s.unmetAt(r).After(now) {
			continue // too late to offer: the unmet-need job takes it
		}
		cs, _, _, err := s.candidates(ctx, tx, r)
		if err != nil {
			return nil, err
		}
		var ids []int64
		for _, sg := range rd.Suggest(rd.Need{At: r.PickupAt, Area: r.Area, Passengers: r.Passengers, Wheelchair: r.Wheelchair}, cs) {
			if len(ids) == s.cfg.PreassignOffers {
				break
			}
			if !sg.Eligible || s.overlaps(tonight[sg.DriverID], r.PickupAt) {
				continue
			}
			ids = append(ids, sg.DriverID)
		}
		if len(ids) == 0 {
			res.NoDriver++
			continue
		}
		if err := s.offerTx(ctx, tx, sys, r, ids, answerBy); err != nil {
			return nil, err
		}
		for _, id := range ids {
			tonight[id] = append(tonight[id], r.PickupAt)
		}
		res.Offered++
	}
	return res, nil
}

// overlaps reports whether a pickup at is within the span of one of the
// pickups.
func (s *Service) overlaps(pickups []time.Time, at time.Time) bool {
	for _, p := range pickups {
		if d := at.Sub(p); d < s.cfg.Span && d > -s.cfg.Span {
			return true
		}
	}
	return false
}
