package synth_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/stats"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/synth"
	"github.com/minsheng/minsheng/ticket"
)

func TestGenerate(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a large synthetic data set; skipped in -short")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := apptest.New(t, db)
		existing := f.Register(t) // a real ticket on the fixture's day: numbers must not collide
		now := time.Date(2026, 11, 26, 12, 0, 0, 0, calendar.China)
		f.Clock.Set(now)
		// Settled days' summaries are written every few thousand rows, as
		// at ten million tickets.
		defer synth.SetStatsSplit(5000)()
		var progress bytes.Buffer
		res, err := synth.Generate(ctx, db, synth.Options{Tickets: 25000, Now: now, Seed: 1, Progress: &progress})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("generated %d tickets in %v (%.0f/s)", res.Tickets, res.Elapsed, float64(res.Tickets)/res.Elapsed.Seconds())
		if res.Tickets != 25000 || !bytes.Contains(progress.Bytes(), []byte("100%")) {
			t.Fatalf("result %+v, progress %q", res, progress.String())
		}
		// Every status appears; the summaries agree with the tickets.
		seen := map[ticket.Status]int{}
		var all []*ticket.Ticket
		db.Read(ctx, func(tx *store.Tx) error {
			var err error
			all, err = store.ListTickets(ctx, tx, store.TicketFilter{Limit: 30000})
			return err
		})
		numbers := map[string]bool{}
		for _, tk := range all {
			seen[tk.Status]++
			if numbers[tk.Number] {
				t.Fatalf("number %s twice", tk.Number)
			}
			numbers[tk.Number] = true
			if tk.CreatedAt.Before(now.AddDate(-2, 0, -1)) || tk.CreatedAt.After(now) {
				t.Fatalf("ticket %s created at %v, outside the two years", tk.Number, tk.CreatedAt)
			}
		}
		if len(all) != 25001 || !numbers[existing.Number] {
			t.Fatalf("%d tickets", len(all))
		}
		for _, st := range []ticket.Status{ticket.StatusRegistered, ticket.StatusResolvedAtIntake, ticket.StatusDispatched,
			ticket.StatusAcknowledged, ticket.StatusReplied, ticket.StatusClosed, ticket.StatusReopened, ticket.StatusMerged, ticket.StatusInvalid} {
			if seen[st] == 0 {
				t.Errorf("no %s ticket among %v", st, seen)
			}
		}
		from, to := calendar.DateOf(now.AddDate(-2, 0, -1)), calendar.DateOf(now)
		rep, err := f.Svc.Rates(ctx, f.Users["leader"], app.RatesQuery{From: from, To: to})
		if err != nil {
			t.Fatal(err)
		}
		var want stats.Counters
		for _, tk := range all {
			for _, fact := range stats.Facts(tk) {
				d := fact.Day
				if d >= stats.Day(from.Year*10000+int(from.Month)*100+from.Day) && d <= stats.Day(to.Year*10000+int(to.Month)*100+to.Day) {
					want.Add(fact.Counters, 1)
				}
			}
		}
		if rep.Total.Counts != want {
			t.Fatalf("summaries %+v\nrecount   %+v", rep.Total.Counts, want)
		}
		c := rep.Total.Rates.Closure
		if c.Value == nil || *c.Value < 0.8 || *c.Value > 0.99 {
			t.Errorf("closure rate %+v is not like a real district's", c)
		}
		// New tickets continue after the generated numbers of today.
		next := f.Register(t)
		if numbers[next.Number] {
			t.Fatalf("a new ticket got generated number %s", next.Number)
		}
	})
}
