package app

import (
	"context"
	"time"

	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/store"
)

// overdueOpen counts, by group, the tickets still in hand whose reply
// deadline fell in the period [from, to] and has passed: they count against
// the on-time rate. It reads them from the summaries, not from the tickets:
// the summaries' open_due counts the tickets in hand by the day of their
// reply deadline, and on every day before today a deadline has passed. Only
// today's deadlines, some passed and some not, are read from the tickets
// (one day's worth, through the (status, reply_by) index). So the rates
// cost the same at ten million tickets as at ten thousand.
//
// q is the summaries' query of the period (its To is the period's end),
// sums its rows, and key the group of a row; group gives the groups of an
// overdue ticket read from the tickets (several when groups nest, as the
// map's streets and communities do); path is the subtree.
func overdueOpen(ctx context.Context, tx *store.Tx, q store.StatQuery, sums []store.StatRow, key func(store.StatRow) string,
	path string, from, to calendar.Date, now time.Time, group func(store.OverdueOpen) []string) (map[string]int64, error) {
	out := map[string]int64{}
	today := calendar.DateOf(now)
	if today.Start().After(from.Start()) { // the period has past days
		for _, r := range sums {
			if r.OpenDue != 0 {
				out[key(r)] += r.OpenDue
			}
		}
		if !to.Start().Before(today.Start()) {
			// The period runs into today or later: take away the days
			// from today on (few rows, where the period's are many).
			tq := q
			tq.From = dayOf(today)
			tail, err := store.SumStats(ctx, tx, tq)
			if err != nil {
				return nil, err
			}
			for _, r := range tail {
				if r.OpenDue != 0 {
					out[key(r)] -= r.OpenDue
				}
			}
		}
	}
	if !today.Start().Before(from.Start()) && !today.Start().After(to.Start()) {
		list, err := store.ListOverdueOpen(ctx, tx, path, today.Start(), today.AddDays(1).Start(), now)
		if err != nil {
			return nil, err
		}
		for _, o := range list {
			for _, k := range group(o) {
				out[k]++
			}
		}
	}
	return out, nil
}
