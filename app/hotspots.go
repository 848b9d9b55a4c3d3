package app

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/text/hotspot"
	"github.com/minsheng/minsheng/ticket"
)

// The hot-spot board (热点): clusters of similar requests of the last days
// (text/hotspot), ranked by volume, growth and how many people they
// affect, so that leaders can act before more people call (未诉先办).
//
// Detection reads every request of two windows and costs CPU (≈0.3 ms a
// request), so a board is kept per unit and window for hotSpotTTL and
// shared by everyone who asks for it; after that the old board is shown
// while a new one is computed in the background. Only the first request
// for a board (or one older than hotSpotMaxStale) waits for it.

// Limits of the board.
const (
	DefaultHotSpotDays = 7
	MaxHotSpotDays     = 30
	// maxHotSpotTickets bounds the requests read for one board (both
	// windows); beyond it the newest are used and the board says so.
	maxHotSpotTickets = 50000
	// maxHotSpots is how many spots a board shows.
	maxHotSpots = 20
	// hotSpotAreas is how many areas a spot names.
	hotSpotAreas = 5
	hotSpotTTL   = 3 * time.Minute
	// hotSpotMaxStale: a board older than this is not shown while a new
	// one is computed; the request waits instead.
	hotSpotMaxStale = time.Hour
)

// HotSpotQuery selects a board.
type HotSpotQuery struct {
	UnitID int64 // 0: the user's own unit
	// Days is the window: the last Days calendar days (China time) up to
	// and including today, compared with the Days before. 0 means 7;
	// at most 30.
	Days int
}

// HotSpotArea is a community (or, for requests placed no deeper, a street
// or town) that requests of a spot come from.
type HotSpotArea struct {
	UnitID int64  `json:"unit_id"`
	Name   string `json:"name"`
	Count  int    `json:"count"`
}

// HotSpot is one cluster of similar requests: what text/hotspot found
// (title, shared terms, count and the count before, growth, distinct
// callers, ~1 km places, the daily trend aligned with the board's Dates,
// score), ranked, with where the requests come from and the most typical
// of them.
type HotSpot struct {
	Rank int `json:"rank"`
	hotspot.Spot
	// Areas are the communities the requests come from, most first (at
	// most five); AreaCount how many there are in all. OtherAreas counts
	// the requests of the areas not listed and Unplaced those with no
	// known area, so that the areas' counts, OtherAreas and Unplaced add
	// up to Count.
	AreaCount  int           `json:"area_count"`
	Areas      []HotSpotArea `json:"areas"`
	OtherAreas int           `json:"other_areas"`
	Unplaced   int           `json:"unplaced"`
	// Samples are the most typical requests, caller data masked (they
	// replace the spot's sample ids).
	Samples []ticket.Ticket `json:"samples"`
}

// OtherAreaCount is how many areas the requests come from beyond those
// listed.
func (h HotSpot) OtherAreaCount() int { return h.AreaCount - len(h.Areas) }

// HotSpotBoard is the hot spots of a unit's subtree.
type HotSpotBoard struct {
	Unit *org.Unit `json:"unit"`
	Days int       `json:"days"`
	// From and To are the window's first and last days; Dates every day
	// of it, oldest first.
	From  string   `json:"from"`
	To    string   `json:"to"`
	Dates []string `json:"dates"`
	// Requests is the number of requests read (both windows); Truncated
	// is true when there were more than the board reads, and only the
	// newest were used.
	Requests  int       `json:"requests"`
	Truncated bool      `json:"truncated"`
	Spots     []HotSpot `json:"spots"`
	// AsOf is when the board was computed: it may be a few minutes old.
	AsOf time.Time `json:"as_of"`
}

// hotSpotCache keeps the boards computed here.
type hotSpotCache struct {
	mu      sync.Mutex
	entries map[hotSpotKey]*hotSpotEntry
}

type hotSpotKey struct {
	unitID int64
	days   int
}

type hotSpotEntry struct {
	board   *HotSpotBoard // nil until computed
	at      time.Time     // when board was computed, by the service's clock
	running chan struct{} // closed when the computation in progress ends; nil if none
	err     error         // of the last computation
}

// HotSpots returns the hot spots of the last days among the requests
// taken in or handled in a unit's subtree. Every staff user may read the
// board of their unit and the units below it; a unit outside is reported
// as not found. The board is shared and may be up to a few minutes old
// (AsOf); its tickets never show callers' data.
func (s *Service) HotSpots(ctx context.Context, actor *org.User, q HotSpotQuery) (*HotSpotBoard, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	if q.Days == 0 {
		q.Days = DefaultHotSpotDays
	}
	if q.Days < 1 || q.Days > MaxHotSpotDays {
		return nil, minsheng.FieldError("days", "days must be from 1 to %d", MaxHotSpotDays)
	}
	var u *org.Unit
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		u, err = s.visibleUnit(ctx, tx, actor, q.UnitID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.hotSpotBoard(ctx, u, q.Days)
}

// hotSpotBoard returns the cached board of the unit and window, computing
// it (once, however many ask) when there is none fresh enough.
func (s *Service) hotSpotBoard(ctx context.Context, u *org.Unit, days int) (*HotSpotBoard, error) {
	c := &s.hot
	key := hotSpotKey{u.ID, days}
	now := s.clock.Now()
	c.mu.Lock()
	if c.entries == nil {
		c.entries = map[hotSpotKey]*hotSpotEntry{}
	}
	e := c.entries[key]
	if e == nil {
		e = &hotSpotEntry{}
		c.entries[key] = e
	}
	age := now.Sub(e.at)
	usable := e.board != nil && age < hotSpotMaxStale && calendar.DateOf(e.at) == calendar.DateOf(now)
	if usable && age < hotSpotTTL {
		b := e.board
		c.mu.Unlock()
		return b, nil
	}
	if e.running == nil {
		done := make(chan struct{})
		e.running = done
		s.goBackground(func() {
			// Not the request's context: the board outlives the request
			// that asked first.
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			b, err := s.computeHotSpots(ctx, u, days)
			c.mu.Lock()
			if err == nil {
				e.board, e.at = b, s.clock.Now()
			} else {
				s.log.Warn("hot spots", "unit", u.ID, "days", days, "err", err)
			}
			e.err, e.running = err, nil
			c.mu.Unlock()
			close(done)
		})
	}
	if usable {
		// Stale but recent: show it while the new one is computed.
		b := e.board
		c.mu.Unlock()
		return b, nil
	}
	done := e.running
	c.mu.Unlock()
	select {
	case <-done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e.err != nil {
		return nil, e.err
	}
	return e.board, nil
}

// computeHotSpots reads the requests of the two windows and detects the
// hot spots.
func (s *Service) computeHotSpots(ctx context.Context, u *org.Unit, days int) (*HotSpotBoard, error) {
	now := s.now()
	today := calendar.DateOf(now)
	first := today.AddDays(1 - days)
	end := today.AddDays(1).Start() // the window ends at midnight tonight
	since := today.AddDays(1 - 2*days).Start()
	b := &HotSpotBoard{Unit: u, Days: days, From: first.String(), To: today.String(), Spots: []HotSpot{}, AsOf: now}
	for d := first; !today.Start().Before(d.Start()); d = d.AddDays(1) {
		b.Dates = append(b.Dates, d.String())
	}
	var statuses []ticket.Status
	for _, st := range ticket.Statuses {
		// Merged duplicates are people calling about the same matter:
		// they count. Invalid ones (test calls, harassment) do not.
		if st != ticket.StatusInvalid {
			statuses = append(statuses, st)
		}
	}
	f := store.TicketFilter{Statuses: statuses, CreatedFrom: &since, CreatedTo: &end, Limit: maxHotSpotTickets + 1}
	if strings.Count(u.Path, "/") > 2 { // below the root: the subtree only
		f.VisiblePaths = []string{u.Path}
	}
	var list []*ticket.Ticket
	var units []*org.Unit
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		if list, err = store.ListTickets(ctx, tx, f); err != nil {
			return err
		}
		units, err = store.ListUnits(ctx, tx, "")
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(list) > maxHotSpotTickets {
		list, b.Truncated = list[:maxHotSpotTickets], true
	}
	b.Requests = len(list)
	byID := make(map[int64]*ticket.Ticket, len(list))
	items := make([]hotspot.Item, 0, len(list))
	for _, t := range list {
		byID[t.ID] = t
		it := hotspot.Item{ID: t.ID, Title: t.Title, Body: t.Description, At: t.CreatedAt, Caller: t.CallerPhone}
		if t.Lat != nil && t.Lng != nil {
			it.Lat, it.Lng = *t.Lat, *t.Lng
		}
		items = append(items, it)
	}
	cfg := hotspot.DefaultConfig()
	cfg.Window = time.Duration(days) * 24 * time.Hour
	spots := hotspot.Detect(items, end, cfg)
	if len(spots) > maxHotSpots {
		spots = spots[:maxHotSpots]
	}
	unitByID := make(map[int64]*org.Unit, len(units))
	for _, x := range units {
		unitByID[x.ID] = x
	}
	for i, sp := range spots {
		h := HotSpot{Rank: i + 1, Spot: sp, Areas: []HotSpotArea{}, Samples: []ticket.Ticket{}}
		if h.Terms == nil {
			h.Terms = []string{}
		}
		if len(h.Trend) > len(b.Dates) { // a window of whole days: never, but do not index past Dates
			h.Trend = h.Trend[len(h.Trend)-len(b.Dates):]
		}
		for _, id := range sp.Samples {
			if t := byID[id]; t != nil {
				h.Samples = append(h.Samples, t.Mask())
			}
		}
		h.Areas, h.AreaCount, h.OtherAreas, h.Unplaced = areasOf(sp.Members, byID, unitByID)
		b.Spots = append(b.Spots, h)
	}
	return b, nil
}

// areasOf counts the communities the tickets come from: the community
// (else street or town) around the ticket's point, else that of its
// handling unit when that is a place. It returns the biggest few, how
// many areas there are, how many requests the others hold, and how many
// requests have no known area.
func areasOf(ids []int64, tickets map[int64]*ticket.Ticket, units map[int64]*org.Unit) (top []HotSpotArea, areas, others, unplaced int) {
	counts := map[int64]int{}
	var order []int64
	for _, id := range ids {
		t := tickets[id]
		var a *org.Unit
		if t != nil {
			if a = areaOf(t.LocationUnitPath, units); a == nil {
				a = areaOf(t.UnitPath, units)
			}
		}
		if a == nil {
			unplaced++
			continue
		}
		if counts[a.ID] == 0 {
			order = append(order, a.ID)
		}
		counts[a.ID]++
	}
	out := make([]HotSpotArea, 0, len(order))
	for _, id := range order {
		out = append(out, HotSpotArea{UnitID: id, Name: units[id].Name, Count: counts[id]})
	}
	// Most requests first; ties in the order met (most typical first).
	slices.SortStableFunc(out, func(a, b HotSpotArea) int { return b.Count - a.Count })
	for _, a := range out[min(len(out), hotSpotAreas):] {
		others += a.Count
	}
	return out[:min(len(out), hotSpotAreas)], len(out), others, unplaced
}

// areaOf returns the community on a unit path (a grid's community, a
// community itself), else its street or town; nil when the path names no
// place (a department, the district).
func areaOf(path string, units map[int64]*org.Unit) *org.Unit {
	var street *org.Unit
	for _, p := range strings.Split(strings.Trim(path, "/"), "/") {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			continue
		}
		x := units[id]
		if x == nil {
			continue
		}
		switch x.Kind {
		case org.KindCommunity:
			return x
		case org.KindStreet, org.KindTown:
			street = x
		}
	}
	return street
}
