// Package synth fills a database with synthetic tickets for benchmarks and
// demos: millions of realistic requests across the district's units,
// categories, kinds, channels and every status, spread over years with the
// weekly and daily rhythm of a hotline, written in bulk together with their
// dashboard summaries. Unlike the demo district's tickets, which live
// through the real use cases, these are written directly: each gets its
// register event and its final state, not the events in between.
package synth

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/geo"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/stats"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// Options controls a run.
type Options struct {
	Tickets  int
	Now      time.Time // tickets fall in the Years before Now
	Years    int       // default 2
	Seed     uint64
	Progress io.Writer // a progress bar is drawn here when set
}

// Result tells what was written.
type Result struct {
	Tickets int
	Elapsed time.Duration
}

// batch is how many tickets go in one transaction.
const batch = 10000

type unitRef struct {
	id   int64
	path string
	kind org.UnitKind
}

type catRef struct {
	id, root int64
	name     string
	rootName string
}

// Generate writes o.Tickets tickets into a database that holds a district
// (units and categories).
func Generate(ctx context.Context, db *store.DB, o Options) (*Result, error) {
	start := time.Now()
	if o.Tickets <= 0 {
		return &Result{}, nil
	}
	if o.Years <= 0 {
		o.Years = 2
	}
	var units []*org.Unit
	var cats []*ticket.Category
	var counters map[string]int64
	var bounds []store.Boundary
	err := db.Read(ctx, func(tx *store.Tx) error {
		var err error
		if units, err = store.ListUnits(ctx, tx, ""); err != nil {
			return err
		}
		if bounds, err = store.ListBoundaries(ctx, tx); err != nil {
			return err
		}
		if counters, err = store.ListCounters(ctx, tx, "ticket:"); err != nil {
			return err
		}
		cats, err = store.ListCategories(ctx, tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	var root *org.Unit
	var handlers []unitRef
	for _, u := range units {
		switch {
		case u.ParentID == 0:
			root = u
		case u.Kind != org.KindGrid && u.Kind != org.KindCentre:
			handlers = append(handlers, unitRef{u.ID, u.Path, u.Kind})
		}
	}
	if root == nil || len(handlers) == 0 {
		return nil, fmt.Errorf("synth: the database holds no district to fill (seed the demo first)")
	}
	var leaves []catRef
	names := map[int64]string{}
	for _, c := range cats {
		names[c.ID] = c.Name
	}
	for _, c := range cats {
		if c.Level == ticket.MaxCategoryLevel || !hasChild(cats, c.ID) {
			first, _, _ := strings.Cut(strings.TrimPrefix(c.Path, "/"), "/")
			var r int64
			fmt.Sscan(first, &r)
			leaves = append(leaves, catRef{c.ID, r, c.Name, names[r]})
		}
	}
	firstID, err := db.ReserveIDs(ctx, o.Tickets)
	if err != nil {
		return nil, err
	}
	if err := db.MakeTicketMonths(ctx, o.Now.AddDate(-o.Years, 0, -1), o.Now); err != nil {
		return nil, err
	}
	g := &gen{rng: rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15)), cal: calendar.China2026(), root: root,
		handlers: handlers, cats: leaves, now: o.Now, nextID: firstID, db: db, perDay: map[calendar.Date]int64{}}
	g.places(units, bounds)
	// Numbers go on after those the day already has.
	for name, v := range counters {
		if d, err := calendar.ParseDate(strings.TrimPrefix(name, "ticket:")); err == nil {
			g.perDay[d] = v
		}
	}
	load, err := store.BeginBulkLoad(ctx, db)
	if err != nil {
		return nil, err
	}
	done, err := g.fill(ctx, db, o)
	if endErr := load.End(ctx); err == nil {
		err = endErr
	}
	if err != nil {
		return nil, err
	}
	err = db.Write(ctx, func(tx *store.Tx) error {
		for day, v := range g.perDay {
			if err := store.RaiseCounter(ctx, tx, "ticket:"+day.String(), v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &Result{Tickets: done, Elapsed: time.Since(start)}, nil
}

// statsFlush bounds the summary rows the generator gathers in memory
// (about 200 bytes each): when that many have gathered, all are written.
const statsFlush = 2 << 20

// statsSettled is how far behind the tickets being made a day's summaries
// are final enough to write. A ticket counts on the days it was received,
// dispatched, replied to, called back and closed, nearly always within a
// few weeks; so when statsSplit rows have gathered, the days older than
// that are written and dropped from memory, and most summary rows are
// written once (an upsert: a late ticket adds to its row).
const statsSettled = 60 * 24 * time.Hour

// statsSplit is a variable so that tests can make the generator write
// settled summaries often.
var statsSplit = 1 << 19

// work is what the making goroutine hands the writer: a batch of tickets,
// or summaries to write.
type work struct {
	tickets []*ticket.Ticket
	stats   store.StatDeltas
}

// fill makes the tickets in one goroutine and writes them in another, so
// that making them (and their summaries) costs the writer nothing: SQLite
// has one writer, and the machine has more than one core. Each batch
// commits on its own; the summaries of settled days are written as they
// settle (statsSettled), the rest at the end. A fill cut short leaves tickets without their
// summaries ("minsheng stats rebuild" repairs them).
func (g *gen) fill(ctx context.Context, db *store.DB, o Options) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan work, 2)
	send := func(w work) bool {
		select {
		case ch <- w:
			return true
		case <-ctx.Done():
			return false
		}
	}
	from := o.Now.AddDate(-o.Years, 0, 0)
	span := o.Now.Sub(from)
	go func() {
		defer close(ch)
		acc := store.StatDeltas{}
		splitAt := statsSplit
		for done := 0; done < o.Tickets; {
			n := min(batch, o.Tickets-done)
			// Each batch covers its share of the span, so that numbers
			// of a day stay in order and every batch is chronological.
			lo := from.Add(time.Duration(float64(span) * float64(done) / float64(o.Tickets)))
			hi := from.Add(time.Duration(float64(span) * float64(done+n) / float64(o.Tickets)))
			ts := g.batch(n, lo, hi)
			for _, t := range ts {
				path := t.IntakeUnitPath
				if t.UnitID != 0 {
					path = t.UnitPath
				}
				acc.Ticket(t, path, g.rootOf(t.CategoryID), 1)
			}
			if !send(work{tickets: ts}) {
				return
			}
			if len(acc) >= splitAt {
				settled := settledStats(acc, stats.DayOf(lo.Add(-statsSettled)))
				if len(acc) >= statsFlush {
					settled, acc = acc, store.StatDeltas{}
				}
				splitAt = len(acc) + statsSplit
				if len(settled) > 0 && !send(work{stats: settled}) {
					return
				}
			}
			done += n
		}
		send(work{stats: acc})
	}()
	start := time.Now()
	bar := newBar(o.Progress, o.Tickets, start)
	done := 0
	for w := range ch {
		var err error
		if w.stats != nil {
			err = db.Write(ctx, func(tx *store.Tx) error { return store.ApplyStats(ctx, tx, w.stats) })
		} else {
			err = db.WriteTickets(ctx, w.tickets)
		}
		if err != nil {
			return done, err
		}
		done += len(w.tickets)
		bar.update(done)
	}
	if err := ctx.Err(); err != nil {
		return done, err
	}
	bar.finish()
	return done, nil
}

// settledStats moves the rows of days before day out of acc.
func settledStats(acc store.StatDeltas, day stats.Day) store.StatDeltas {
	out := store.StatDeltas{}
	for k, c := range acc {
		if k.Day < day {
			out[k] = c
			delete(acc, k)
		}
	}
	return out
}

func hasChild(cats []*ticket.Category, id int64) bool {
	for _, c := range cats {
		if c.ParentID == id {
			return true
		}
	}
	return false
}

type gen struct {
	rng      *rand.Rand
	areas    []area           // the smallest units with a boundary (grids in the demo)
	areasOf  map[int64][]area // by handling unit: the areas below it
	cal      *calendar.Calendar
	root     *org.Unit
	handlers []unitRef
	cats     []catRef
	now      time.Time
	nextID   int64 // the allocator's id of the next ticket (db.TicketIDAt makes the ticket's)
	db       *store.DB
	perDay   map[calendar.Date]int64
	roots    map[int64]int64
}

// area is a unit's boundary where tickets' points are placed.
type area struct {
	id    int64
	path  string
	box   geo.Box
	shape *geo.Shape
}

// places collects the smallest areas (those with no bounded unit below
// them) and, for every handling unit, the areas that lie below it.
func (g *gen) places(units []*org.Unit, bounds []store.Boundary) {
	g.areasOf = map[int64][]area{}
	for _, b := range bounds {
		leaf := true
		for _, o := range bounds {
			if o.UnitID != b.UnitID && strings.HasPrefix(o.UnitPath, b.UnitPath) {
				leaf = false
				break
			}
		}
		if !leaf {
			continue
		}
		sh, err := geo.Parse([]byte(b.GeoJSON))
		if err != nil {
			continue
		}
		g.areas = append(g.areas, area{b.UnitID, b.UnitPath, b.Box, sh})
	}
	for _, h := range g.handlers {
		for _, a := range g.areas {
			if strings.HasPrefix(a.path, h.path) {
				g.areasOf[h.id] = append(g.areasOf[h.id], a)
			}
		}
	}
}

// locate gives most tickets a point: in an area of the handling unit when
// it has any, anywhere in the district otherwise (departments). About one
// call in eight gives no place that can be pinned.
func (g *gen) locate(t *ticket.Ticket, unitID int64) {
	r := g.rng
	if len(g.areas) == 0 || r.IntN(8) == 0 {
		return
	}
	as := g.areasOf[unitID]
	if len(as) == 0 {
		as = g.areas
	}
	a := as[r.IntN(len(as))]
	p := geo.Point{Lat: (a.box.MinLat + a.box.MaxLat) / 2, Lng: (a.box.MinLng + a.box.MaxLng) / 2}
	for range 8 {
		q := geo.Point{Lat: a.box.MinLat + r.Float64()*(a.box.MaxLat-a.box.MinLat), Lng: a.box.MinLng + r.Float64()*(a.box.MaxLng-a.box.MinLng)}
		if a.shape.Contains(q) {
			p = q
			break
		}
	}
	lat, lng := math.Round(p.Lat*1e6)/1e6, math.Round(p.Lng*1e6)/1e6
	t.Lat, t.Lng = &lat, &lng
	t.LocationUnitID, t.LocationUnitPath = a.id, a.path
}

func (g *gen) rootOf(id int64) int64 {
	if g.roots == nil {
		g.roots = map[int64]int64{}
		for _, c := range g.cats {
			g.roots[c.id] = c.root
		}
	}
	return g.roots[id]
}

// hourWeight is the share of calls by hour of day: busy in office hours,
// quiet at night.
var hourWeight = [24]int{1, 1, 1, 1, 1, 2, 3, 6, 10, 14, 14, 12, 8, 9, 12, 13, 12, 10, 8, 6, 5, 4, 3, 2}

// batch makes n tickets created between lo and hi, oldest first.
func (g *gen) batch(n int, lo, hi time.Time) []*ticket.Ticket {
	ts := make([]*ticket.Ticket, 0, n)
	span := hi.Sub(lo)
	times := make([]time.Time, n)
	for i := range times {
		at := lo.Add(time.Duration(g.rng.Int64N(int64(span) + 1)))
		// Move the time within its day by the hourly rhythm, and thin
		// weekends a little by moving some of them to the Friday before.
		d := calendar.DateOf(at)
		if wd := d.Start().Weekday(); (wd == time.Saturday || wd == time.Sunday) && g.rng.IntN(3) > 0 {
			d = d.AddDays(-int(wd-time.Friday+7) % 7)
		}
		at = d.Start().Add(time.Duration(pickHour(g.rng))*time.Hour + time.Duration(g.rng.IntN(3600))*time.Second)
		if at.After(g.now) {
			at = g.now.Add(-time.Duration(g.rng.IntN(3600)) * time.Second)
		}
		times[i] = at
	}
	sortTimes(times)
	for _, at := range times {
		ts = append(ts, g.ticket(at))
	}
	return ts
}

func pickHour(r *rand.Rand) int {
	total := 0
	for _, w := range hourWeight {
		total += w
	}
	x := r.IntN(total)
	for h, w := range hourWeight {
		if x < w {
			return h
		}
		x -= w
	}
	return 12
}

func sortTimes(ts []time.Time) {
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
}
