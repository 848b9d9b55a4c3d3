package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
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

// DimPlaceCategory is the dimension of the places of one top-level
// category: the district's map of needs filtered by category. The category
// is in the dimension's name ("place:12") and the place in val, so that
// the map of a year reads one range of the primary key, as with DimPlace.
// Only its received counts mean anything. It is kept for the district (the
// root unit) alone: below it, a unit's day has few tickets spread over
// thousands of places × categories, so such rows would be nearly one per
// ticket (ten million more at ten million tickets), and a smaller unit's
// map reads its own tickets quickly enough.
func DimPlaceCategory(categoryRoot int64) string {
	return DimPlace + ":" + strconv.FormatInt(categoryRoot, 10)
}

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
	hour := strconv.Itoa(int(local.Weekday())*24 + local.Hour())
	created := stats.DayOf(t.CreatedAt)
	place := strconv.FormatInt(t.LocationUnitID, 10)
	placeCat := DimPlaceCategory(categoryRoot)
	for _, f := range stats.Facts(t) {
		for _, u := range units {
			if f.Day == created && f.Received != 0 {
				d.row(f.Day, u, DimHour, hour).Received += sign * f.Received
				if t.LocationUnitID != 0 {
					d.row(f.Day, u, DimPlace, place).Received += sign * f.Received
					if categoryRoot != 0 && u == units[0] {
						d.row(f.Day, u, placeCat, place).Received += sign * f.Received
					}
				}
			}
			for _, dv := range dims {
				d.row(f.Day, u, dv[0], dv[1]).Add(f.Counters, sign)
			}
		}
	}
}

// row returns the counts of a summary row, adding it when new.
func (d StatDeltas) row(day stats.Day, unitID int64, dim, val string) *stats.Counters {
	k := StatKey{Day: day, UnitID: unitID, Dim: dim, Val: val}
	c := d[k]
	if c == nil {
		c = &stats.Counters{}
		d[k] = c
	}
	return c
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
// zero. On PostgreSQL it adds them to this connection's delta rows
// (statfold.go). On SQLite it adds them to ticket_stats just before the
// commit (Tx.Defer), together with those of the other writes of the group
// commit: the writes of a batch mostly count on the same rows (today's,
// of the same units), so a batch upserts each row once instead of once per
// write. Rows are written in key order so that concurrent transactions on
// PostgreSQL lock them in the same order and cannot deadlock.
func ApplyStats(ctx context.Context, tx *Tx, d StatDeltas) error {
	if tx.Dialect() == Postgres {
		return applyStats(ctx, tx, d, true)
	}
	tx.Defer(func(tx *Tx) error {
		if tx.stats == nil {
			tx.stats = StatDeltas{}
		}
		tx.stats.merge(d)
		return nil
	})
	return nil
}

// merge adds the changes of o.
func (d StatDeltas) merge(o StatDeltas) {
	for k, c := range o {
		d.row(k.Day, k.UnitID, k.Dim, k.Val).Add(*c, 1)
	}
}

// applyStats writes the changes into the delta rows, or straight into
// ticket_stats.
func applyStats(ctx context.Context, tx *Tx, d StatDeltas, delta bool) error {
	type row struct {
		k StatKey
		c *stats.Counters
	}
	rows := make([]row, 0, len(d))
	for k, c := range d {
		if !c.Zero() {
			rows = append(rows, row{k, c})
		}
	}
	slices.SortFunc(rows, func(x, y row) int {
		a, b := &x.k, &y.k
		if c := cmp.Compare(a.UnitID, b.UnitID); c != 0 {
			return c
		}
		if c := strings.Compare(a.Dim, b.Dim); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Day, b.Day); c != 0 {
			return c
		}
		return strings.Compare(a.Val, b.Val)
	})
	// Many rows per statement: a bulk load touches millions.
	cols := 4 + len(stats.Columns)
	args := make([]any, 0, len(rows)*cols)
	for _, r := range rows {
		args = append(args, int(r.k.Day), r.k.UnitID, r.k.Dim, r.k.Val)
		for _, v := range r.c.Values() {
			args = append(args, v)
		}
	}
	write := func() error { return bulkExec(ctx, tx, upsertStatsHead, upsertStatsTail, cols, args) }
	if delta {
		write = func() error { return applyStatDeltas(ctx, tx, cols, args) }
	}
	if err := write(); err != nil {
		return fmt.Errorf("apply stats: %w", err)
	}
	return nil
}

// upsertStatsHead and upsertStatsTail surround the rows of the statement
// that adds counts to the summaries.
var (
	upsertStatsHead = `INSERT INTO ticket_stats (day, unit_id, dim, val, ` + strings.Join(stats.Columns, ", ") + `) VALUES `
	upsertStatsTail = ` ON CONFLICT (unit_id, dim, day, val) DO UPDATE SET ` + func() string {
		set := make([]string, len(stats.Columns))
		for i, c := range stats.Columns {
			set[i] = c + " = ticket_stats." + c + " + excluded." + c
		}
		return strings.Join(set, ", ")
	}()
)

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
	// Val, when set, keeps only that value of the dimension (one
	// category's rows, read through the (unit_id, dim, val, day) index).
	Val   string
	ByDay bool
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
	where := `dim = ? AND day >= ? AND day <= ? AND unit_id IN (` + strings.Join(ph, ", ") + `)`
	if q.Val != "" {
		where += ` AND val = ?`
		args = append(args, q.Val)
	}
	from := "ticket_stats"
	if tx.Dialect() == Postgres {
		from = statsSource
	}
	out, err := queryAll(ctx, tx, scanStatRow, `SELECT `+sel+`, `+strings.Join(sums, ", ")+` FROM `+from+`
		WHERE `+where+` GROUP BY `+group+` ORDER BY `+group, args...)
	if err != nil {
		return nil, fmt.Errorf("sum stats: %w", err)
	}
	return out, nil
}

func scanStatRow(s scanner) (StatRow, error) {
	var r StatRow
	var day int
	err := s.Scan(append([]any{&r.UnitID, &day, &r.Val}, r.Counters.Pointers()...)...)
	r.Day = stats.Day(day)
	return r, err
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
	out, err := queryAll(ctx, tx, scanOverdueOpen, `SELECT unit_path, kind, channel, COALESCE(category_id, 0) FROM tickets
		WHERE status IN ('dispatched', 'acknowledged', 'reopened') AND reply_by >= ? AND reply_by < ?
		AND unit_path >= ? AND unit_path < ?`, from.UTC(), to.UTC(), path, path+"~")
	if err != nil {
		return nil, fmt.Errorf("overdue open: %w", err)
	}
	return out, nil
}

func scanOverdueOpen(s scanner) (OverdueOpen, error) {
	var o OverdueOpen
	err := s.Scan(&o.UnitPath, &o.Kind, &o.Channel, &o.CategoryID)
	return o, err
}

// StatUnitPath is the unit a ticket counts for in the summaries: its
// handling unit once it has one, the unit that took it in before.
func StatUnitPath(t *ticket.Ticket) string {
	if t.UnitID != 0 {
		return t.UnitPath
	}
	return t.IntakeUnitPath
}

// rebuildFlush is how many summary rows RebuildStats gathers in memory
// before writing them (about 200 MB).
const rebuildFlush = 1 << 20

// RebuildStats replaces every summary with one counted again from the
// tickets, in tx, and returns the number of tickets read. Run in one
// transaction it is safe beside live work: on SQLite it holds the one
// write lock, so no ticket changes meanwhile; on PostgreSQL it first locks
// ticket_stats against writes, so a ticket change waits to write its
// summaries until the rebuild commits and then adds its difference to the
// rebuilt rows (a change committed before the lock is read with the
// tickets). It also waits for a fold in progress and locks the delta
// rows, which it empties: a change's deltas are in the tickets it reads.
// Readers see the old summaries until the commit.
func RebuildStats(ctx context.Context, tx *Tx) (int, error) {
	if tx.Dialect() == Postgres {
		for _, q := range []string{`SELECT pg_advisory_xact_lock(` + strconv.FormatInt(statFoldLock, 10) + `)`,
			`LOCK TABLE ticket_stats_delta IN EXCLUSIVE MODE`, `LOCK TABLE ticket_stats IN EXCLUSIVE MODE`,
			`DELETE FROM ticket_stats_delta`} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return 0, fmt.Errorf("rebuild stats: %w", err)
			}
		}
	}
	roots := map[int64]int64{}
	rows, err := tx.Query(ctx, `SELECT id, path FROM categories`)
	if err != nil {
		return 0, fmt.Errorf("rebuild stats: %w", err)
	}
	for rows.Next() {
		var id int64
		var path string
		if err := rows.Scan(&id, &path); err != nil {
			rows.Close()
			return 0, fmt.Errorf("rebuild stats: %w", err)
		}
		first, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
		roots[id], _ = strconv.ParseInt(first, 10, 64)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("rebuild stats: %w", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM ticket_stats`); err != nil {
		return 0, fmt.Errorf("rebuild stats: %w", err)
	}
	const page = 10000
	n := 0
	d := StatDeltas{}
	for after := int64(0); ; {
		ts, err := ticketsAfter(ctx, tx, after, page)
		if err != nil {
			return n, fmt.Errorf("rebuild stats: %w", err)
		}
		for _, t := range ts {
			d.Ticket(t, StatUnitPath(t), roots[t.CategoryID], 1)
			after = t.ID
		}
		n += len(ts)
		if len(d) >= rebuildFlush || len(ts) < page {
			if err := applyStats(ctx, tx, d, false); err != nil {
				return n, fmt.Errorf("rebuild stats: %w", err)
			}
			d = StatDeltas{}
		}
		if len(ts) < page {
			break
		}
	}
	if _, err := tx.Exec(ctx, `DELETE FROM settings WHERE key = ?`, statsRebuildKey); err != nil {
		return n, fmt.Errorf("rebuild stats: %w", err)
	}
	return n, nil
}

// statsRebuildKey is the settings row that marks summaries older than
// their dimensions (migration 0011): value names what is missing.
const statsRebuildKey = "stats.rebuild_needed"

// StatsRebuildNeeded reports whether the summaries lack a dimension for
// the tickets written before it was added (until RebuildStats runs).
func StatsRebuildNeeded(ctx context.Context, tx *Tx) (bool, error) {
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM settings WHERE key = ?`, statsRebuildKey).Scan(&n); err != nil {
		return false, fmt.Errorf("stats rebuild needed: %w", err)
	}
	return n > 0, nil
}

// ticketsAfter returns up to limit tickets with an id above after, by id.
func ticketsAfter(ctx context.Context, tx *Tx, after int64, limit int) ([]*ticket.Ticket, error) {
	return queryAll(ctx, tx, scanTicket, `SELECT `+ticketColumns+` FROM tickets WHERE id > ? ORDER BY id LIMIT `+strconv.Itoa(limit), after)
}
