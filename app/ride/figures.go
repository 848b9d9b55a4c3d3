package ride

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/org"
	rd "github.com/minsheng/minsheng/ride"
	"github.com/minsheng/minsheng/store"
)

// Count is the fleet's figures over some rides: trips made (completed),
// people carried on them, unmet needs, cancellations and no-shows, and
// the rides asked for in all.
type Count struct {
	Requested int `json:"requested"`
	Trips     int `json:"trips"`
	People    int `json:"people"`
	Unmet     int `json:"unmet"`
	Cancelled int `json:"cancelled"`
	NoShow    int `json:"no_show"`
}

func (c *Count) add(f store.RideFact) {
	c.Requested++
	switch f.Status {
	case rd.StatusCompleted:
		c.Trips++
		c.People += f.Passengers
	case rd.StatusUnmet:
		c.Unmet++
	case rd.StatusCancelled:
		c.Cancelled++
	case rd.StatusNoShow:
		c.NoShow++
	}
}

// Figures are the fleet's figures for a period: in all, by month of the
// pickup and by purpose, with the median time from request to a driver's
// acceptance.
type Figures struct {
	From, To time.Time      `json:"-"`
	Total    Count          `json:"total"`
	Months   []MonthCount   `json:"months"`
	Purposes []PurposeCount `json:"purposes"`
	// Teams counts the rides taken on by the drivers of each team (分队),
	// by team name; drivers of no team under "".
	Teams []TeamCount `json:"teams"`
	// MedianAcceptMinutes is the median of the minutes from request to
	// acceptance over the accepted rides; -1 when there is none.
	MedianAcceptMinutes int `json:"median_accept_minutes"`
}

// MonthCount is the figures of one month ("2026-03").
type MonthCount struct {
	Month string `json:"month"`
	Count
}

// TeamCount is the figures of one team: its drivers and the rides they
// took on.
type TeamCount struct {
	Team    string `json:"team"`
	Drivers int    `json:"drivers"`
	Count
}

// PurposeCount is the figures of one purpose.
type PurposeCount struct {
	Purpose rd.Purpose `json:"purpose"`
	Count
}

// MaxFiguresSpan is the longest period of the figures.
const MaxFiguresSpan = 3 * 366 * 24 * time.Hour

// Figures counts the rides with a pickup in [from, to), for the desk and
// the leaders.
func (s *Service) Figures(ctx context.Context, actor *org.User, from, to time.Time) (*Figures, error) {
	if err := requireDesk(actor); err != nil {
		if kit.Require(actor, org.RoleLeader) != nil {
			return nil, err
		}
	}
	if !to.After(from) || to.Sub(from) > MaxFiguresSpan {
		return nil, minsheng.FieldError("to", "the period must end after it starts, within three years")
	}
	var facts []store.RideFact
	var drivers []*rd.Driver
	if err := s.kit.Read(ctx, func(tx *store.Tx) error {
		var err error
		if facts, err = store.ListRideFacts(ctx, tx, from, to); err != nil {
			return err
		}
		drivers, err = store.ListRideDrivers(ctx, tx)
		return err
	}); err != nil {
		return nil, err
	}
	out := &Figures{From: from, To: to, MedianAcceptMinutes: -1, Teams: []TeamCount{}}
	months := map[string]*Count{}
	purposes := map[rd.Purpose]*Count{}
	var minutes []int
	teamOf := map[int64]string{}
	teams := map[string]*TeamCount{}
	for _, d := range drivers {
		teamOf[d.ID] = d.Team
		if teams[d.Team] == nil {
			teams[d.Team] = &TeamCount{Team: d.Team}
		}
		teams[d.Team].Drivers++
	}
	for _, f := range facts {
		out.Total.add(f)
		if f.DriverID != 0 {
			teams[teamOf[f.DriverID]].add(f)
		}
		m := calendar.DateOf(f.PickupAt).Start().Format("2006-01")
		if months[m] == nil {
			months[m] = &Count{}
		}
		months[m].add(f)
		if purposes[f.Purpose] == nil {
			purposes[f.Purpose] = &Count{}
		}
		purposes[f.Purpose].add(f)
		if f.Minutes >= 0 {
			minutes = append(minutes, f.Minutes)
		}
	}
	for _, m := range slices.Sorted(maps.Keys(months)) {
		out.Months = append(out.Months, MonthCount{m, *months[m]})
	}
	for _, p := range rd.Purposes {
		if c := purposes[p]; c != nil {
			out.Purposes = append(out.Purposes, PurposeCount{p, *c})
		}
	}
	for _, name := range slices.Sorted(maps.Keys(teams)) {
		if name != "" || len(teams) > 1 {
			out.Teams = append(out.Teams, *teams[name])
		}
	}
	if len(minutes) > 0 {
		slices.Sort(minutes)
		out.MedianAcceptMinutes = minutes[len(minutes)/2]
	}
	return out, nil
}
