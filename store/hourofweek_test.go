package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

// TestListHourOfWeek lists heat-map cells (a weekday and hour in China)
// over periods that start and end inside an hour, hour by hour as
// ListTickets does for a bounded period, and checks them against the
// tickets' own times, against the row-by-row filter used without an end,
// and page by page.
func TestListHourOfWeek(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := newBenchOrg(t, db)
		g := newBenchGen(o, 7)
		var ts []*ticket.Ticket
		start := benchNow.AddDate(0, 0, -24)
		for d := range 23 {
			ts = append(ts, g.day(start.AddDate(0, 0, d), 50, func() int64 { return benchID(t, db) }, 0)...)
		}
		// Some on the very start of an hour.
		for i := 0; i < len(ts); i += 97 {
			at := ts[i].CreatedAt.In(calendar.China).Truncate(time.Hour)
			ts[i].CreatedAt, ts[i].UpdatedAt = at.UTC(), at.UTC()
		}
		if err := db.WriteTickets(ctx, ts); err != nil {
			t.Fatal(err)
		}
		cell := func(tk *ticket.Ticket) int {
			at := tk.CreatedAt.In(calendar.China)
			return int(at.Weekday())*24 + at.Hour()
		}
		from := start.Add(3*24*time.Hour + 9*time.Hour + 17*time.Minute)
		to := benchNow.AddDate(0, 0, -3).Add(-5*time.Hour - 41*time.Minute)
		list := func(f store.TicketFilter) []int64 {
			t.Helper()
			var got []*ticket.Ticket
			err := db.Read(ctx, func(tx *store.Tx) error {
				var err error
				got, err = store.ListTickets(ctx, tx, f)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			ids := make([]int64, len(got))
			for i, tk := range got {
				ids[i] = tk.ID
			}
			return ids
		}
		seen := 0
		for how := range 7 * 24 {
			var want []*ticket.Ticket
			for _, tk := range ts {
				if cell(tk) == how && !tk.CreatedAt.Before(from) && tk.CreatedAt.Before(to) {
					want = append(want, tk)
				}
			}
			slices.SortFunc(want, func(a, b *ticket.Ticket) int {
				if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
					return c
				}
				return int(b.ID - a.ID)
			})
			wantIDs := make([]int64, len(want))
			for i, tk := range want {
				wantIDs[i] = tk.ID
			}
			seen += len(want)
			h := how
			got := list(store.TicketFilter{HourOfWeek: &h, CreatedFrom: &from, CreatedTo: &to, Limit: 10000})
			if !slices.Equal(got, wantIDs) {
				t.Fatalf("cell %d: %v, want %v", how, got, wantIDs)
			}
			// Row by row (no end to the period): the same tickets.
			var rowwise []int64
			for _, id := range list(store.TicketFilter{HourOfWeek: &h, CreatedFrom: &from, Limit: 10000}) {
				if slices.Contains(wantIDs, id) {
					rowwise = append(rowwise, id)
				}
			}
			if !slices.Equal(rowwise, wantIDs) {
				t.Fatalf("cell %d row by row: %v, want %v", how, rowwise, wantIDs)
			}
			// Page by page, three at a time.
			var paged []int64
			f := store.TicketFilter{HourOfWeek: &h, CreatedFrom: &from, CreatedTo: &to, Limit: 3}
			for {
				page := list(f)
				paged = append(paged, page...)
				if len(page) < 3 {
					break
				}
				last := want[len(paged)-1]
				f.AfterCreated, f.AfterID = &last.CreatedAt, last.ID
			}
			if !slices.Equal(paged, wantIDs) {
				t.Fatalf("cell %d page by page: %v, want %v", how, paged, wantIDs)
			}
		}
		if seen < 500 {
			t.Fatalf("only %d tickets fell in the period", seen)
		}
	})
}
