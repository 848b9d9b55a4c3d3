package store

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/stats"
	"github.com/minsheng/minsheng/ticket"
)

// Stat dimensions: every count is kept in total and broken down by kind,
// channel and top-level category.
const (
	DimAll      = "all"
	DimKind     = "kind"
	DimChannel  = "channel"
	DimCategory = "category"
	// DimHour breaks counts down by the weekday and hour the ticket was
	// received: val is weekday×24+hour (Sunday 0), in China's time, for the
	// dashboard's heat map. Only its received counts mean anything.
	DimHour = "hour"
	// DimPlace breaks counts down by where the ticket is: val is the id of
	// the unit its point lies in (a grid, usually), for the map of needs.
	// Only its received counts mean anything; tickets without a located
	// point have no row.
	DimPlace = "place"
)

// StatKey is one row of the summaries.
type StatKey struct {
	Day    stats.Day
	UnitID int64
	Dim    string
	Val    string
}

// StatDeltas accumulates the changes of a transaction to the summaries.
type StatDeltas map[StatKey]*stats.Counters

// Ticket adds (sign +1) or removes (sign -1) what a ticket counts: on each
// of its days, for its unit and every unit above (unitPath), in every
// dimension. categoryRoot is the id of its top-level category (0: none).
func (d StatDeltas) Ticket(t *ticket.Ticket, unitPath string, categoryRoot int64, sign int64) {
	if t == nil {
		return
	}
	units := pathIDs(unitPath)
	dims := [4][2]string{{DimAll, ""}, {DimKind, string(t.Kind)}, {DimChannel, string(t.Channel)},
		{DimCategory, strconv.FormatInt(categoryRoot, 10)}}
	local := t.CreatedAt.In(calendar.China)
	hour := [2]string{DimHour, strconv.Itoa(int(local.Weekday())*24 + local.Hour())}
	created := stats.DayOf(t.CreatedAt)
	place := strconv.FormatInt(t.LocationUnitID, 10)
	for _, f := range stats.Facts(t) {
		for _, u := range units {
			if f.Day == created && f.Received != 0 {
				k := StatKey{Day: f.Day, UnitID: u, Dim: hour[0], Val: hour[1]}
				c := d[k]
				if c == nil {
					c = &stats.Counters{}
					d[k] = c
				}
				c.Received += sign * f.Received
				if t.LocationUnitID != 0 {
					k := StatKey{Day: f.Day, UnitID: u, Dim: DimPlace, Val: place}
					c := d[k]
					if c == nil {
						c = &stats.Counters{}
						d[k] = c
					}
					c.Received += sign * f.Received
				}
			}
			for _, dv := range dims {
				k := StatKey{Day: f.Day, UnitID: u, Dim: dv[0], Val: dv[1]}
				c := d[k]
				if c == nil {
					c = &stats.Counters{}
					d[k] = c
				}
				c.Add(f.Counters, sign)
			}
		}
	}
}

// pathIDs returns the ids in a unit path "/1/5/23/".
func pathIDs(path string) []int64 {
	var out []int64
	for _, p := range strings.Split(strings.Trim(path, "/"), "/") {
		if id, err := strconv.ParseInt(p, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

// ApplyStats writes the accumulated changes, skipping rows that net to
// zero. Rows are written in key order so that concurrent transactions on
// PostgreSQL lock them in the same order and cannot deadlock.
func ApplyStats(ctx context.Context, tx *Tx, d StatDeltas) error {
	keys := make([]StatKey, 0, len(d))
	for k, c := range d {
		if !c.Zero() {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.UnitID != b.UnitID {
			return a.UnitID < b.UnitID
		}
		if a.Dim != b.Dim {
			return a.Dim < b.Dim
		}
		if a.Day != b.Day {
			return a.Day < b.Day
		}
		return a.Val < b.Val
	})
	// Many rows per statement: a bulk load touches tens of thousands.
	cols := 4 + len(stats.Columns)
	per := 30000 / cols // parameters per statement: under SQLite's 32,766 and PostgreSQL's 65,535
	for start := 0; start < len(keys); start += per {
		chunk := keys[start:min(start+per, len(keys))]
		args := make([]any, 0, len(chunk)*cols)
		for _, k := range chunk {
			args = append(args, int(k.Day), k.UnitID, k.Dim, k.Val)
			for _, v := range d[k].Values() {
				args = append(args, v)
			}
		}
		if _, err := tx.Exec(ctx, upsertStats(len(chunk)), args...); err != nil {
			return fmt.Errorf("apply stats: %w", err)
		}
	}
	return nil
}

// upsertStats returns the statement that adds rows of counts to the
// summaries.
func upsertStats(rows int) string {
	set := make([]string, len(stats.Columns))
	for i, c := range stats.Columns {
		set[i] = c + " = ticket_stats." + c + " + excluded." + c
	}
	return `INSERT INTO ticket_stats (day, unit_id, dim, val, ` + strings.Join(stats.Columns, ", ") + `) VALUES ` +
		valuesList(rows, 4+len(stats.Columns)) + ` ON CONFLICT (unit_id, dim, day, val) DO UPDATE SET ` + strings.Join(set, ", ")
}

// StatRow is a sum of counts for one group.
type StatRow struct {
	UnitID int64     `json:"unit_id"`
	Day    stats.Day `json:"day,omitempty"`
	Val    string    `json:"val,omitempty"`
	stats.Counters
}

// StatQuery selects summed counts: for the units (each one's subtree, as a
// separate group), the days from From to To inclusive, one dimension,
// optionally split by day.
type StatQuery struct {
	UnitIDs  []int64
	From, To stats.Day
	Dim      string
	ByDay    bool
}

// SumStats returns the summed counts of the query, one row per unit (and
// value, and day when ByDay).
func SumStats(ctx context.Context, tx *Tx, q StatQuery) ([]StatRow, error) {
	if len(q.UnitIDs) == 0 {
		return nil, nil
	}
	sums := make([]string, len(stats.Columns))
	for i, c := range stats.Columns {
		sums[i] = "SUM(" + c + ")"
	}
	group := "unit_id, val"
	sel := "unit_id, 0, val"
	if q.ByDay {
		group, sel = "unit_id, val, day", "unit_id, day, val"
	}
	args := []any{q.Dim, int(q.From), int(q.To)}
	ph := make([]string, len(q.UnitIDs))
	for i, id := range q.UnitIDs {
		ph[i] = "?"
		args = append(args, id)
	}
	rows, err := tx.Query(ctx, `SELECT `+sel+`, `+strings.Join(sums, ", ")+` FROM ticket_stats
		WHERE dim = ? AND day >= ? AND day <= ? AND unit_id IN (`+strings.Join(ph, ", ")+`)
		GROUP BY `+group+` ORDER BY `+group, args...)
	if err != nil {
		return nil, fmt.Errorf("sum stats: %w", err)
	}
	defer rows.Close()
	var out []StatRow
	for rows.Next() {
		var r StatRow
		var day int
		dest := append([]any{&r.UnitID, &day, &r.Val}, r.Counters.Pointers()...)
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("sum stats: %w", err)
		}
		r.Day = stats.Day(day)
		out = append(out, r)
	}
	return out, rows.Err()
}

// OverdueOpen is a ticket still in hand past its reply deadline, with what
// the rates break it down by.
type OverdueOpen struct {
	UnitPath   string
	Kind       ticket.Kind
	Channel    ticket.Channel
	CategoryID int64
}

// ListOverdueOpen returns the tickets in hand whose reply deadline lies in
// [from, to) and before now, below the unit path. Such tickets count
// against the on-time rate: time, not an event, makes them overdue, so they
// are read from the tickets (few, through the status and reply_by index).
func ListOverdueOpen(ctx context.Context, tx *Tx, path string, from, to, now time.Time) ([]OverdueOpen, error) {
	if now.Before(to) {
		to = now
	}
	rows, err := tx.Query(ctx, `SELECT unit_path, kind, channel, COALESCE(category_id, 0) FROM tickets
		WHERE status IN ('dispatched', 'acknowledged', 'reopened') AND reply_by >= ? AND reply_by < ?
		AND unit_path >= ? AND unit_path < ?`, from.UTC(), to.UTC(), path, path+"~")
	if err != nil {
		return nil, fmt.Errorf("overdue open: %w", err)
	}
	defer rows.Close()
	var out []OverdueOpen
	for rows.Next() {
		var o OverdueOpen
		if err := rows.Scan(&o.UnitPath, &o.Kind, &o.Channel, &o.CategoryID); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}
