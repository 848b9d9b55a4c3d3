package app

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/stats"
	"github.com/minsheng/minsheng/store"
)

// Breakdowns of the rates.
const (
	ByNone     = ""
	ByUnit     = "unit" // the selected unit's children (the streets and departments of the district)
	ByKind     = "kind"
	ByChannel  = "channel"
	ByCategory = "category" // top-level categories
)

// RatesQuery selects the rates of a unit's subtree over a period.
type RatesQuery struct {
	UnitID   int64         // 0: the user's own unit
	From, To calendar.Date // inclusive
	By       string
	Weights  *stats.Weights // nil: stats.DefaultWeights
}

// RatesRow is the counts and rates of one group.
type RatesRow struct {
	Key         string         `json:"key"`
	Label       string         `json:"label"`
	Counts      stats.Counters `json:"counts"`
	OverdueOpen int64          `json:"overdue_open"`
	Rates       stats.Rates    `json:"rates"`
}

// RatesReport is the rates of a subtree and period, the same for the
// period before it, and a breakdown.
type RatesReport struct {
	Unit     *org.Unit     `json:"unit"`
	From     string        `json:"from"`
	To       string        `json:"to"`
	Weights  stats.Weights `json:"weights"`
	Total    RatesRow      `json:"total"`
	Previous RatesRow      `json:"previous"` // the period of the same length just before
	By       string        `json:"by,omitempty"`
	Rows     []RatesRow    `json:"rows"`
	AsOf     time.Time     `json:"as_of"`
}

// maxRatesDays bounds a period.
const maxRatesDays = 3 * 366

// Rates returns the district's rates (DESIGN §4) for a unit's subtree and
// period, read from the summaries, with the counts beside every rate.
// Leaders, dispatchers and admins may read any unit below theirs; handlers
// their own unit and below.
func (s *Service) Rates(ctx context.Context, actor *org.User, q RatesQuery) (*RatesReport, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	days := int(q.To.Start().Sub(q.From.Start()).Hours()/24) + 1
	if days < 1 || days > maxRatesDays {
		return nil, minsheng.FieldError("to", "the period must run forward and span at most %d days", maxRatesDays).Because("period")
	}
	switch q.By {
	case ByNone, ByUnit, ByKind, ByChannel, ByCategory:
	default:
		return nil, minsheng.FieldError("by", "by must be one of unit, kind, channel, category")
	}
	w := stats.DefaultWeights
	if q.Weights != nil {
		w = *q.Weights
		if w.Response < 0 || w.Resolution < 0 || w.Satisfaction < 0 || w.Response+w.Resolution+w.Satisfaction == 0 {
			return nil, minsheng.FieldError("weights", "weights must be non-negative and not all zero")
		}
	}
	r := &RatesReport{From: q.From.String(), To: q.To.String(), Weights: w, By: q.By, Rows: []RatesRow{}, AsOf: s.now()}
	now := s.clock.Now()
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		unitID := q.UnitID
		if unitID == 0 {
			unitID = actor.UnitID
		}
		u, err := store.GetUnit(ctx, tx, unitID)
		if err != nil || !actor.SeesWork(u.Path) {
			return minsheng.FieldError("unit_id", "unit %d not found", unitID)
		}
		r.Unit = u
		total, err := s.ratesRows(ctx, tx, u, q.From, q.To, ByNone, now, w)
		if err != nil {
			return err
		}
		if len(total) > 0 {
			r.Total = total[0]
		}
		prevTo := q.From.AddDays(-1)
		prev, err := s.ratesRows(ctx, tx, u, prevTo.AddDays(1-days), prevTo, ByNone, now, w)
		if err != nil {
			return err
		}
		if len(prev) > 0 {
			r.Previous = prev[0]
		}
		if q.By != ByNone {
			r.Rows, err = s.ratesRows(ctx, tx, u, q.From, q.To, q.By, now, w)
		}
		if err == nil && q.By == ByUnit {
			if other, ok := OtherRow(r.Total, r.Rows, w); ok {
				r.Rows = append(r.Rows, other)
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// OtherKey is the key of the row of a breakdown by unit that holds what
// the units below do not: tickets of the unit itself (taken in and not
// yet dispatched, or handled at its own level) and of units left out of
// a table. With it, the rows add up to the total.
const OtherKey = "other"

// OtherLabel names the OtherKey row (pages word it in their language).
const OtherLabel = "未分派 / 其他"

// OtherRow returns the total less the rows, as a row keyed OtherKey, and
// whether anything is left: every count of a unit is also counted in each
// unit above it, so the difference is never negative.
func OtherRow(total RatesRow, rows []RatesRow, w stats.Weights) (RatesRow, bool) {
	o := RatesRow{Key: OtherKey, Label: OtherLabel, Counts: total.Counts, OverdueOpen: total.OverdueOpen}
	for _, r := range rows {
		o.Counts.Add(r.Counts, -1)
		o.OverdueOpen -= r.OverdueOpen
	}
	if o.Counts.Zero() && o.OverdueOpen == 0 {
		return RatesRow{}, false
	}
	o.Rates = stats.Compute(o.Counts, o.OverdueOpen, w)
	return o, true
}

func dayOf(d calendar.Date) stats.Day { return stats.Day(d.Year*10000 + int(d.Month)*100 + d.Day) }

// ratesRows sums the summaries of a subtree and period and adds the open
// overdue tickets, grouped as asked.
func (s *Service) ratesRows(ctx context.Context, tx *store.Tx, u *org.Unit, from, to calendar.Date, by string, now time.Time, w stats.Weights) ([]RatesRow, error) {
	q := store.StatQuery{UnitIDs: []int64{u.ID}, From: dayOf(from), To: dayOf(to), Dim: store.DimAll}
	labels := map[string]string{}
	var children []*org.Unit
	switch by {
	case ByUnit:
		all, err := store.ListUnits(ctx, tx, u.Path)
		if err != nil {
			return nil, err
		}
		q.UnitIDs = nil
		for _, c := range all {
			if c.ParentID == u.ID {
				children = append(children, c)
				q.UnitIDs = append(q.UnitIDs, c.ID)
				labels[strconv.FormatInt(c.ID, 10)] = c.Name
			}
		}
	case ByKind:
		q.Dim = store.DimKind
	case ByChannel:
		q.Dim = store.DimChannel
	case ByCategory:
		q.Dim = store.DimCategory
		cats, err := store.ListCategories(ctx, tx)
		if err != nil {
			return nil, err
		}
		labels["0"] = "未分类"
		for _, c := range cats {
			if c.ParentID == 0 {
				labels[strconv.FormatInt(c.ID, 10)] = c.Name
			}
		}
	}
	sums, err := store.SumStats(ctx, tx, q)
	if err != nil {
		return nil, err
	}
	rows := map[string]*RatesRow{}
	var order []string
	key := func(sr store.StatRow) string {
		if by == ByUnit {
			return strconv.FormatInt(sr.UnitID, 10)
		}
		return sr.Val
	}
	for _, sr := range sums {
		k := key(sr)
		if rows[k] == nil {
			rows[k] = &RatesRow{Key: k, Label: labels[k]}
			order = append(order, k)
		}
		rows[k].Counts.Add(sr.Counters, 1)
	}
	if by == ByUnit { // every child, even one with nothing yet
		order = order[:0]
		for _, c := range children {
			k := strconv.FormatInt(c.ID, 10)
			if rows[k] == nil {
				rows[k] = &RatesRow{Key: k, Label: c.Name}
			}
			order = append(order, k)
		}
	}
	if by == ByNone && rows[""] == nil {
		rows[""] = &RatesRow{}
		order = []string{""}
	}
	var roots map[int64]int64
	if by == ByCategory {
		if roots, err = categoryRoots(ctx, tx); err != nil {
			return nil, err
		}
	}
	group := func(o store.OverdueOpen) []string {
		switch by {
		case ByUnit:
			for _, c := range children {
				if strings.HasPrefix(o.UnitPath, c.Path) {
					return []string{strconv.FormatInt(c.ID, 10)}
				}
			}
			return nil
		case ByKind:
			return []string{string(o.Kind)}
		case ByChannel:
			return []string{string(o.Channel)}
		case ByCategory:
			return []string{strconv.FormatInt(roots[o.CategoryID], 10)}
		}
		return []string{""}
	}
	overdue, err := overdueOpen(ctx, tx, q, sums, key, u.Path, from, to, now, group)
	if err != nil {
		return nil, err
	}
	var extra []string
	for k, n := range overdue {
		if rows[k] == nil {
			rows[k] = &RatesRow{Key: k, Label: labels[k]}
			extra = append(extra, k)
		}
		rows[k].OverdueOpen = n
	}
	sort.Strings(extra)
	order = append(order, extra...)
	out := make([]RatesRow, 0, len(order))
	for _, k := range order {
		row := rows[k]
		if row.Label == "" {
			row.Label = k
		}
		row.Rates = stats.Compute(row.Counts, row.OverdueOpen, w)
		out = append(out, *row)
	}
	return out, nil
}

// categoryRoots maps every category id to its top-level category's id.
func categoryRoots(ctx context.Context, tx *store.Tx) (map[int64]int64, error) {
	cats, err := store.ListCategories(ctx, tx)
	if err != nil {
		return nil, err
	}
	out := map[int64]int64{0: 0}
	for _, c := range cats {
		first, _, _ := strings.Cut(strings.TrimPrefix(c.Path, "/"), "/")
		out[c.ID], _ = strconv.ParseInt(first, 10, 64)
	}
	return out, nil
}

// RankQuery selects a ranking (十佳) of the units below a unit.
type RankQuery struct {
	UnitID    int64 // 0: the user's unit
	From, To  calendar.Date
	MinVolume int64 // units that received fewer tickets in the period do not qualify (at least 1: a unit without tickets never does)
	Weights   *stats.Weights
}

// RankRow is one unit's place in a ranking.
type RankRow struct {
	Place     int  `json:"place,omitempty"` // 0: did not qualify
	Qualified bool `json:"qualified"`
	RatesRow
}

// Rankings orders the units directly below a unit by composite score,
// highest first; units under the minimum volume (and always those that
// received nothing in the period: a score made only of callbacks or
// deadlines of older tickets ranked a unit without tickets at 100.0), or
// without any rate yet, come last, unranked. Ties keep the higher satisfaction first, then the
// unit's name.
func (s *Service) Rankings(ctx context.Context, actor *org.User, q RankQuery) ([]RankRow, error) {
	if q.MinVolume < 0 {
		return nil, minsheng.FieldError("min_volume", "min_volume must not be negative")
	}
	rep, err := s.Rates(ctx, actor, RatesQuery{UnitID: q.UnitID, From: q.From, To: q.To, By: ByUnit, Weights: q.Weights})
	if err != nil {
		return nil, err
	}
	min := max(q.MinVolume, 1)
	out := make([]RankRow, 0, len(rep.Rows))
	for _, r := range rep.Rows {
		if r.Key == OtherKey { // not a unit
			continue
		}
		out = append(out, RankRow{RatesRow: r, Qualified: r.Counts.Received >= min && r.Rates.Composite != nil})
	}
	score := func(r RankRow) (float64, float64) {
		var c, sat float64
		if r.Rates.Composite != nil {
			c = *r.Rates.Composite
		}
		if r.Rates.Satisfaction.Value != nil {
			sat = *r.Rates.Satisfaction.Value
		}
		return c, sat
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Qualified != b.Qualified {
			return a.Qualified
		}
		ca, sa := score(a)
		cb, sb := score(b)
		if ca != cb {
			return ca > cb
		}
		if sa != sb {
			return sa > sb
		}
		return a.Label < b.Label
	})
	place := 0
	for i := range out {
		if out[i].Qualified {
			place++
			out[i].Place = place
		}
	}
	return out, nil
}

// SeriesPoint is one day of a time series.
type SeriesPoint struct {
	Day    string         `json:"day"` // YYYY-MM-DD
	Counts stats.Counters `json:"counts"`
}

// Series returns the counts of a unit's subtree for each day of a period
// (days without tickets included, as zeros), for charts of intake over
// time; callers group days into weeks or months.
func (s *Service) Series(ctx context.Context, actor *org.User, unitID int64, from, to calendar.Date) ([]SeriesPoint, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	days := int(to.Start().Sub(from.Start()).Hours()/24) + 1
	if days < 1 || days > maxRatesDays {
		return nil, minsheng.FieldError("to", "the period must run forward and span at most %d days", maxRatesDays).Because("period")
	}
	var out []SeriesPoint
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		u, err := s.visibleUnit(ctx, tx, actor, unitID)
		if err != nil {
			return err
		}
		rows, err := store.SumStats(ctx, tx, store.StatQuery{UnitIDs: []int64{u.ID}, From: dayOf(from), To: dayOf(to), Dim: store.DimAll, ByDay: true})
		if err != nil {
			return err
		}
		byDay := map[stats.Day]stats.Counters{}
		for _, r := range rows {
			byDay[r.Day] = r.Counters
		}
		for d := from; !d.Start().After(to.Start()); d = d.AddDays(1) {
			out = append(out, SeriesPoint{Day: d.String(), Counts: byDay[dayOf(d)]})
		}
		return nil
	})
	return out, err
}

// HeatMap returns how many tickets a unit's subtree received in a period
// by weekday (0 Sunday … 6 Saturday) and hour (0–23), China time.
func (s *Service) HeatMap(ctx context.Context, actor *org.User, unitID int64, from, to calendar.Date) (*[7][24]int64, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	var out [7][24]int64
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		u, err := s.visibleUnit(ctx, tx, actor, unitID)
		if err != nil {
			return err
		}
		rows, err := store.SumStats(ctx, tx, store.StatQuery{UnitIDs: []int64{u.ID}, From: dayOf(from), To: dayOf(to), Dim: store.DimHour})
		if err != nil {
			return err
		}
		for _, r := range rows {
			if v, err := strconv.Atoi(r.Val); err == nil && v >= 0 && v < 7*24 {
				out[v/24][v%24] += r.Received
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// visibleUnit returns the unit (the user's own for 0) if the user may see it.
func (s *Service) visibleUnit(ctx context.Context, tx *store.Tx, actor *org.User, unitID int64) (*org.Unit, error) {
	if unitID == 0 {
		unitID = actor.UnitID
	}
	u, err := store.GetUnit(ctx, tx, unitID)
	if err != nil || !actor.SeesWork(u.Path) {
		return nil, minsheng.FieldError("unit_id", "unit %d not found", unitID)
	}
	return u, nil
}
