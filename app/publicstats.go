package app

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/stats"
	"github.com/minsheng/minsheng/store"
)

// PublicRow is one unit's published figures for a month: counts and
// rates, nothing about any person.
type PublicRow struct {
	UnitID      int64          `json:"unit_id"`
	Name        string         `json:"name"`
	Kind        org.UnitKind   `json:"kind"`
	Counts      stats.Counters `json:"counts"`
	OverdueOpen int64          `json:"overdue_open"`
	Rates       stats.Rates    `json:"rates"`
}

// PublicMonth is the district's intake and closure in one month.
type PublicMonth struct {
	Month    string     `json:"month"` // YYYY-MM
	Received int64      `json:"received"`
	Closed   int64      `json:"closed"`
	Closure  stats.Rate `json:"closure"`
}

// PublicStats are the figures the district publishes (公开): for a month,
// the whole district and each street, town and department below it, and
// the district's last twelve months.
type PublicStats struct {
	Month    string      `json:"month"`
	District PublicRow   `json:"district"`
	Rows     []PublicRow `json:"rows"`
	// Other is what the rows leave out of the district's figures (tickets
	// not yet dispatched, handled at the district itself or by units not
	// listed), so that the rows and it add up to the district; nil when
	// nothing is left.
	Other *RatesRow     `json:"other,omitempty"`
	Trend []PublicMonth `json:"trend"`
	AsOf  time.Time     `json:"as_of"`
}

// ParseMonth reads a month written YYYY-MM.
func ParseMonth(s string) (calendar.Date, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return calendar.Date{}, minsheng.FieldError("month", "month must be written YYYY-MM")
	}
	return calendar.Date{Year: t.Year(), Month: t.Month(), Day: 1}, nil
}

// MonthEnd returns the last day of the month that starts on first.
func MonthEnd(first calendar.Date) calendar.Date {
	return calendar.DateOf(first.Start().AddDate(0, 1, 0).Add(-time.Hour))
}

// PublicStatsTTL is how long the published figures of a month are served
// from memory: anyone may ask for them, as often as they like, and they
// change by the minute, so a crowd of readers costs one count a minute.
const PublicStatsTTL = time.Minute

// publicStatsCache holds the figures of each month asked for (at most one
// entry a month since 2000), with the time they were counted.
type publicStatsCache struct {
	mu sync.Mutex
	m  map[calendar.Date]publicStatsEntry
}

type publicStatsEntry struct {
	stats *PublicStats
	at    time.Time
}

// PublicStats returns the published figures of a month (its first day):
// they need no account, so they hold only counts and rates. A month after
// the current one is refused. The figures may be up to PublicStatsTTL old
// (their AsOf says when they were counted); callers must not change them.
func (s *Service) PublicStats(ctx context.Context, month calendar.Date) (*PublicStats, error) {
	month.Day = 1
	cur := calendar.DateOf(s.now())
	if month.Year > cur.Year || (month.Year == cur.Year && month.Month > cur.Month) {
		return nil, minsheng.FieldError("month", "month %04d-%02d has not begun", month.Year, month.Month).Because("month_not_begun")
	}
	if month.Year < 2000 {
		return nil, minsheng.FieldError("month", "month %04d-%02d is too early", month.Year, month.Month)
	}
	now := s.clock.Now()
	c := &s.pubStats
	c.mu.Lock()
	e, ok := c.m[month]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < PublicStatsTTL && !now.Before(e.at) {
		return e.stats, nil
	}
	ps, err := s.countPublicStats(ctx, month)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = map[calendar.Date]publicStatsEntry{}
	}
	c.m[month] = publicStatsEntry{stats: ps, at: now}
	c.mu.Unlock()
	return ps, nil
}

// countPublicStats counts a month's published figures in the database.
func (s *Service) countPublicStats(ctx context.Context, month calendar.Date) (*PublicStats, error) {
	out := &PublicStats{Month: fmt.Sprintf("%04d-%02d", month.Year, month.Month), Rows: []PublicRow{}, Trend: []PublicMonth{}, AsOf: s.now()}
	now := s.clock.Now()
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		units, err := store.ListUnits(ctx, tx, "")
		if err != nil {
			return err
		}
		var root *org.Unit
		for _, u := range units {
			if u.ParentID == 0 {
				root = u
				break
			}
		}
		if root == nil {
			return nil // nothing set up yet: nothing to publish
		}
		kinds := map[int64]org.UnitKind{}
		for _, u := range units {
			kinds[u.ID] = u.Kind
		}
		end := MonthEnd(month)
		total, err := s.ratesRows(ctx, tx, root, month, end, ByNone, now, stats.DefaultWeights)
		if err != nil {
			return err
		}
		out.District = PublicRow{UnitID: root.ID, Name: root.Name, Kind: root.Kind, Counts: total[0].Counts,
			OverdueOpen: total[0].OverdueOpen, Rates: total[0].Rates}
		rows, err := s.ratesRows(ctx, tx, root, month, end, ByUnit, now, stats.DefaultWeights)
		if err != nil {
			return err
		}
		// Streets and towns first, then departments; the hotline centre,
		// which handles nothing, is left out.
		for _, pass := range []func(org.UnitKind) bool{
			func(k org.UnitKind) bool { return k == org.KindStreet || k == org.KindTown },
			func(k org.UnitKind) bool { return k == org.KindDepartment },
		} {
			for _, r := range rows {
				id, _ := strconv.ParseInt(r.Key, 10, 64)
				if !pass(kinds[id]) {
					continue
				}
				out.Rows = append(out.Rows, PublicRow{UnitID: id, Name: r.Label, Kind: kinds[id], Counts: r.Counts,
					OverdueOpen: r.OverdueOpen, Rates: r.Rates})
			}
		}
		shown := make([]RatesRow, len(out.Rows))
		for i, r := range out.Rows {
			shown[i] = RatesRow{Counts: r.Counts, OverdueOpen: r.OverdueOpen}
		}
		if other, ok := OtherRow(total[0], shown, stats.DefaultWeights); ok {
			out.Other = &other
		}
		// The twelve months up to this one, from the daily summaries.
		first := calendar.DateOf(month.Start().AddDate(0, -11, 0).Add(time.Hour))
		days, err := store.SumStats(ctx, tx, store.StatQuery{UnitIDs: []int64{root.ID}, From: dayOf(first), To: dayOf(end), Dim: store.DimAll, ByDay: true})
		if err != nil {
			return err
		}
		byMonth := map[int]*stats.Counters{}
		for _, d := range days {
			m := int(d.Day) / 100
			if byMonth[m] == nil {
				byMonth[m] = &stats.Counters{}
			}
			byMonth[m].Add(d.Counters, 1)
		}
		for m := first; !m.Start().After(month.Start()); m = calendar.DateOf(m.Start().AddDate(0, 1, 0).Add(time.Hour)) {
			c := byMonth[m.Year*100+int(m.Month)]
			if c == nil {
				c = &stats.Counters{}
			}
			r := stats.Compute(*c, 0, stats.DefaultWeights)
			out.Trend = append(out.Trend, PublicMonth{Month: fmt.Sprintf("%04d-%02d", m.Year, m.Month), Received: c.Received,
				Closed: c.Closed, Closure: r.Closure})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
