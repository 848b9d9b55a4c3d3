package app_test

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/stats"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

// randomHistory drives n tickets through random but legal lives on the
// fake clock, over about two months from apptest.Start.
func randomHistory(t *testing.T, f *apptest.Fixture, rng *rand.Rand, n int) {
	t.Helper()
	s, u := f.Svc, f.Users
	units := []*org.Unit{f.Community, f.OtherStreet, f.Dept, f.Grid}
	handlers := map[int64]*org.User{f.Community.ID: u["handler"], f.OtherStreet.ID: u["other_handler"], f.Dept.ID: u["dept_handler"], f.Grid.ID: u["street_handler"]}
	kinds := ticket.Kinds
	channels := []ticket.Channel{ticket.ChannelPhone, ticket.ChannelWeb, ticket.ChannelGrid}
	tick := func(maxHours int) { f.Clock.Advance(time.Duration(rng.IntN(maxHours*60)+1) * time.Minute) }
	yes, no := true, false
	sats := ticket.Satisfactions
	var first string
	for i := 0; i < n; i++ {
		f.Clock.Set(apptest.Start.Add(time.Duration(rng.IntN(60*24)) * time.Hour))
		in := ticket.NewTicket{Description: "随机工单 " + strconv.Itoa(i), Kind: kinds[rng.IntN(len(kinds))], Channel: channels[rng.IntN(len(channels))]}
		if rng.IntN(3) > 0 {
			in.CategoryID = f.Category.ID
		}
		tk, _, err := s.CreateTicket(ctx, u["agent"], in, "")
		if err != nil {
			t.Fatal(err)
		}
		n := tk.Number
		if first == "" {
			first = n
		}
		must := func(_ *ticket.Ticket, err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("ticket %d: %v", i, err)
			}
		}
		switch p := rng.IntN(20); {
		case p == 0:
			must(s.Invalidate(ctx, u["agent"], n, "测试电话"))
			continue
		case p == 1 && i > 0:
			must(s.Merge(ctx, u["dispatcher"], n, first, ""))
			continue
		case p < 4:
			tick(2)
			must(s.ResolveAtIntake(ctx, u["agent"], n, "已答复"))
			if rng.IntN(2) == 0 {
				tick(48)
				must(s.Callback(ctx, u["agent"], n, app.CallbackResult{Resolved: &yes, Satisfaction: sats[rng.IntN(3)]}))
				must(s.Close(ctx, u["dispatcher"], n, ""))
			}
			continue
		case p == 4:
			continue // left registered
		}
		unit := units[rng.IntN(len(units))]
		tick(5)
		must(s.Dispatch(ctx, u["dispatcher"], n, unit.ID, ""))
		if rng.IntN(6) == 0 {
			tick(30)
			must(s.Return(ctx, handlers[unit.ID], n, app.ReturnWrongArea, "不属于本单位"))
			unit = units[rng.IntN(len(units))]
			tick(5)
			must(s.Redispatch(ctx, u["dispatcher"], n, unit.ID, ""))
		}
		if rng.IntN(8) == 0 {
			continue // never acknowledged
		}
		tick(40) // sometimes after the acknowledge deadline
		must(s.Acknowledge(ctx, handlers[unit.ID], n, ""))
		if rng.IntN(7) == 0 {
			continue // still in hand, perhaps overdue
		}
		tick(24 * 12) // sometimes after the reply deadline
		must(s.Reply(ctx, handlers[unit.ID], n, "已办理"))
		if rng.IntN(4) == 0 {
			continue
		}
		tick(72)
		res := &yes
		if rng.IntN(4) == 0 {
			res = &no
		}
		sat := sats[rng.IntN(3)]
		must(s.Callback(ctx, u["agent"], n, app.CallbackResult{Resolved: res, Satisfaction: sat}))
		if sat == ticket.Unsatisfied && rng.IntN(2) == 0 {
			must(s.Reopen(ctx, u["dispatcher"], n, "不满意"))
			if rng.IntN(2) == 0 {
				tick(24 * 8)
				must(s.Reply(ctx, handlers[unit.ID], n, "重新办理"))
			}
			continue
		}
		must(s.Close(ctx, u["dispatcher"], n, ""))
	}
}

// rawRates recomputes the counts of DESIGN §4 straight from ticket rows,
// for the tickets that count for the subtree below path, grouped by key.
func rawRates(tks []*ticket.Ticket, path string, from, to calendar.Date, now time.Time, key func(*ticket.Ticket) string) map[string]stats.Counters {
	in := func(at *time.Time) bool {
		if at == nil {
			return false
		}
		d := calendar.DateOf(*at)
		return !d.Start().Before(from.Start()) && !d.Start().After(to.Start())
	}
	out := map[string]stats.Counters{}
	for _, t := range tks {
		p := t.IntakeUnitPath
		if t.UnitID != 0 {
			p = t.UnitPath
		}
		if !strings.HasPrefix(p, path) {
			continue
		}
		c := out[key(t)]
		if in(&t.CreatedAt) {
			c.Received++
			switch t.Status {
			case ticket.StatusInvalid:
				c.Invalid++
			case ticket.StatusMerged:
				c.Merged++
			case ticket.StatusClosed:
				c.Closed++
			}
			// The funnel: how far this valid ticket of the cohort got.
			stood := t.RepliedAt != nil && (t.Status == ticket.StatusReplied || t.Status == ticket.StatusClosed)
			if t.Status != ticket.StatusInvalid && t.Status != ticket.StatusMerged && (t.UnitID != 0 || t.AcknowledgeBy != nil) {
				c.FunnelDispatched++
				if t.AcknowledgedAt != nil || stood {
					c.FunnelAcknowledged++
				}
				if stood {
					c.FunnelReplied++
					if t.Status == ticket.StatusClosed {
						c.FunnelClosed++
					}
				}
			}
		}
		if in(t.AcknowledgeBy) {
			c.AckDue++
			if t.AcknowledgedAt != nil && !t.AcknowledgedAt.After(*t.AcknowledgeBy) {
				c.AckOnTime++
			}
		}
		inHand := t.Status == ticket.StatusDispatched || t.Status == ticket.StatusAcknowledged || t.Status == ticket.StatusReopened
		if in(t.ReplyBy) && (t.Status == ticket.StatusReplied || t.Status == ticket.StatusClosed) && t.UnitID != 0 {
			c.Replied++
			if !t.RepliedAt.After(*t.ReplyBy) {
				c.RepliedOnTime++
			}
		}
		if in(t.ReplyBy) && inHand && t.ReplyBy.Before(now) {
			c.OpenDue++ // here: open AND past the deadline
		}
		if in(t.CallbackAt) && t.Satisfaction != "" {
			c.Callbacks++
			if t.Resolved != nil && *t.Resolved {
				c.Resolved++
			}
			if t.Satisfaction == ticket.Satisfied {
				c.Satisfied++
			}
			if t.Satisfaction == ticket.BasicallySatisfied {
				c.BasicallySatisfied++
			}
		}
		out[key(t)] = c
	}
	return out
}

func TestRatesFromSummariesEqualRawRecount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		rng := rand.New(rand.NewPCG(7, 11))
		randomHistory(t, f, rng, 150)
		end := apptest.Start.Add(75 * 24 * time.Hour)
		f.Clock.Set(end)
		assertRatesEqualRaw(t, f, db, end)
	})
}

// TestRatesEqualRawRecountConcurrentWriters drives random histories on
// three app nodes at once (each its own database handle, as separate
// processes have), while the summaries' delta rows are folded meanwhile
// (PostgreSQL), and checks the rates against a raw recount, and that every
// ticket has a number of its own.
func TestRatesEqualRawRecountConcurrentWriters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		nodes := []*apptest.Fixture{f.Node(t), f.Node(t), f.Node(t)}
		stop := make(chan struct{})
		folded := make(chan error, 1)
		go func() {
			var err error
			for err == nil {
				select {
				case <-stop:
					folded <- nil
					return
				case <-time.After(20 * time.Millisecond):
				}
				_, err = db.FoldStats(ctx)
			}
			folded <- err
		}()
		t.Run("writers", func(t *testing.T) {
			for i, n := range nodes {
				t.Run(strconv.Itoa(i), func(t *testing.T) {
					t.Parallel()
					randomHistory(t, n, rand.New(rand.NewPCG(uint64(i)+20, 11)), 60)
				})
			}
		})
		close(stop)
		if err := <-folded; err != nil {
			t.Fatal(err)
		}
		end := apptest.Start.Add(75 * 24 * time.Hour)
		f.Clock.Set(end)
		assertRatesEqualRaw(t, f, db, end)
		var tickets, numbers int
		if err := db.Read(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT COUNT(*), COUNT(DISTINCT number) FROM tickets`).Scan(&tickets, &numbers)
		}); err != nil {
			t.Fatal(err)
		}
		if tickets != 180 || numbers != tickets {
			t.Errorf("%d tickets with %d distinct numbers, want 180 each", tickets, numbers)
		}
	})
}

// assertRatesEqualRaw checks the rates of the district, a street and a
// department, by every breakdown and over several periods, against a
// count from the raw tickets.
func assertRatesEqualRaw(t *testing.T, f *apptest.Fixture, db *store.DB, end time.Time) {
	t.Helper()
	{
		var all []*ticket.Ticket
		if err := db.Read(ctx, func(tx *store.Tx) error {
			var err error
			all, err = store.ListTickets(ctx, tx, store.TicketFilter{Limit: 10000})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		root := strconv.FormatInt(f.Category.ParentID, 10)
		keys := map[string]func(*ticket.Ticket) string{
			app.ByNone:    func(*ticket.Ticket) string { return "" },
			app.ByKind:    func(t *ticket.Ticket) string { return string(t.Kind) },
			app.ByChannel: func(t *ticket.Ticket) string { return string(t.Channel) },
			app.ByCategory: func(t *ticket.Ticket) string {
				if t.CategoryID == 0 {
					return "0"
				}
				return root
			},
		}
		d := func(s string) calendar.Date { v, _ := calendar.ParseDate(s); return v }
		periods := [][2]calendar.Date{{d("2026-03-01"), d("2026-05-31")}, {d("2026-03-09"), d("2026-03-22")}, {d("2026-04-01"), d("2026-04-30")}}
		for _, unit := range []*org.Unit{f.District, f.Street, f.Dept} {
			for _, p := range periods {
				for by, key := range keys {
					rep, err := f.Svc.Rates(ctx, f.Users["leader"], app.RatesQuery{UnitID: unit.ID, From: p[0], To: p[1], By: by})
					if err != nil {
						t.Fatal(err)
					}
					want := rawRates(all, unit.Path, p[0], p[1], end, key)
					got := map[string]app.RatesRow{}
					if by == app.ByNone {
						got[""] = rep.Total
					}
					for _, r := range rep.Rows {
						got[r.Key] = r
					}
					for k, w := range want {
						g := got[k]
						gc := g.Counts
						gc.OpenDue = g.OverdueOpen // compare open-and-overdue with the raw count
						wc := w
						if gc != wc {
							t.Errorf("%s %s..%s by %q key %q:\nsummary %+v\nraw     %+v", unit.Name, p[0], p[1], by, k, gc, wc)
						}
						wr := stats.Compute(w, w.OpenDue, stats.DefaultWeights)
						if !sameRate(g.Rates.OnTime, wr.OnTime) || !sameRate(g.Rates.Closure, wr.Closure) || !sameRate(g.Rates.Satisfaction, wr.Satisfaction) {
							t.Errorf("%s by %q key %q: rates differ: %+v vs %+v", unit.Name, by, k, g.Rates, wr)
						}
					}
				}
			}
		}
		// By unit: the district's children add up to the district.
		rep, err := f.Svc.Rates(ctx, f.Users["leader"], app.RatesQuery{From: d("2026-03-01"), To: d("2026-05-31"), By: app.ByUnit})
		if err != nil {
			t.Fatal(err)
		}
		var sum int64
		var other *app.RatesRow
		for i, r := range rep.Rows {
			if r.Key == app.OtherKey {
				other = &rep.Rows[i]
				continue
			}
			sum += r.Counts.Received
		}
		intake := rawRates(all, f.District.Path, d("2026-03-01"), d("2026-05-31"), end, func(t *ticket.Ticket) string {
			if t.UnitID == 0 {
				return "intake"
			}
			return "unit"
		})
		if sum != intake["unit"].Received || rep.Total.Counts.Received != sum+intake["intake"].Received {
			t.Errorf("by unit: children received %d, dispatched tickets %d, total %d", sum, intake["unit"].Received, rep.Total.Counts.Received)
		}
		// The row "未分派 / 其他" holds the rest (tickets of the district
		// itself), so the rows add up to the total.
		var rows stats.Counters
		for _, r := range rep.Rows {
			rows.Add(r.Counts, 1)
		}
		if rows != rep.Total.Counts {
			t.Errorf("by unit: the rows add up to %+v, the total is %+v (other row %+v)", rows, rep.Total.Counts, other)
		}
		if rep.Total.Counts.Received < 100 || rep.Total.Rates.Composite == nil {
			t.Fatalf("the history is too thin to test: %+v", rep.Total)
		}
		t.Logf("district, March–May: %+v overdue open %d; closure %.3f on-time %.3f composite %.1f", rep.Total.Counts, rep.Total.OverdueOpen,
			*rep.Total.Rates.Closure.Value, *rep.Total.Rates.OnTime.Value, *rep.Total.Rates.Composite)
	}
}

// TestStatsRebuildRestoresSummaries damages the summaries (rows lost,
// counts wrong, a dimension missing) and checks that a rebuild gives back
// exactly the summaries kept by the ticket changes, and rates equal to a
// count from the raw tickets.
func TestStatsRebuildRestoresSummaries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		rng := rand.New(rand.NewPCG(3, 5))
		randomHistory(t, f, rng, 120)
		end := apptest.Start.Add(75 * 24 * time.Hour)
		f.Clock.Set(end)
		before := statRows(t, db)
		if len(before) < 100 {
			t.Fatalf("only %d summary rows: the history is too thin to test", len(before))
		}
		// The damage below is to ticket_stats: on PostgreSQL the changes
		// are first kept as delta rows, which are folded into it here.
		foldAll(t, db)
		err := db.Write(ctx, func(tx *store.Tx) error {
			for _, q := range []string{
				`DELETE FROM ticket_stats WHERE dim = 'hour' OR dim LIKE 'place%'`,
				`DELETE FROM ticket_stats WHERE day % 3 = 0`,
				`UPDATE ticket_stats SET received = received + 7, closed = closed * 2`,
			} {
				if _, err := tx.Exec(ctx, q); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := statRows(t, db); len(got) == len(before) {
			t.Fatal("the summaries were not damaged")
		}
		n, err := f.Svc.RebuildStats(ctx, kit.System())
		if err != nil {
			t.Fatal(err)
		}
		var tickets int
		if err := db.Read(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT COUNT(*) FROM tickets`).Scan(&tickets)
		}); err != nil {
			t.Fatal(err)
		}
		if n != tickets {
			t.Errorf("rebuilt from %d tickets, the database holds %d", n, tickets)
		}
		after := statRows(t, db)
		for k, v := range before {
			if after[k] != v {
				t.Errorf("row %s: rebuilt %q, kept by the changes %q", k, after[k], v)
			}
		}
		for k, v := range after {
			if _, ok := before[k]; !ok {
				t.Errorf("row %s: rebuilt %q, not kept by the changes", k, v)
			}
		}
		assertRatesEqualRaw(t, f, db, end)
	})
}

// statRows returns the summaries' non-zero rows, keyed by unit, dimension,
// day and value: the rows of ticket_stats with the delta rows not folded
// into them yet (PostgreSQL).
// foldAll folds every delta row into ticket_stats (PostgreSQL). FoldStats
// does nothing while the handle's background folder is folding, and that
// fold may not have taken every row, so it is repeated until none is left.
func foldAll(t *testing.T, db *store.DB) {
	t.Helper()
	for i := 0; ; i++ {
		if _, err := db.FoldStats(ctx); err != nil {
			t.Fatal(err)
		}
		var left int
		if err := db.Read(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT COUNT(*) FROM ticket_stats_delta`).Scan(&left)
		}); err != nil {
			t.Fatal(err)
		}
		if left == 0 {
			return
		}
		if i == 1000 {
			t.Fatalf("%d delta rows are still not folded", left)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func statRows(t *testing.T, db *store.DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	cols := strings.Join(stats.Columns, ", ")
	sums := make([]string, len(stats.Columns))
	for i, c := range stats.Columns {
		sums[i] = "CAST(SUM(" + c + ") AS BIGINT)"
	}
	err := db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT unit_id, dim, day, val, `+strings.Join(sums, ", ")+` FROM (
			SELECT unit_id, dim, day, val, `+cols+` FROM ticket_stats
			UNION ALL SELECT unit_id, dim, day, val, `+cols+` FROM ticket_stats_delta) s
			GROUP BY unit_id, dim, day, val`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var unit, day int64
			var dim, val string
			var c stats.Counters
			if err := rows.Scan(append([]any{&unit, &dim, &day, &val}, c.Pointers()...)...); err != nil {
				return err
			}
			if c.Zero() {
				continue
			}
			out[fmt.Sprintf("%d/%s/%d/%s", unit, dim, day, val)] = fmt.Sprint(c.Values())
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameRate(a, b stats.Rate) bool {
	return a.Numerator == b.Numerator && a.Denominator == b.Denominator
}

func TestRankings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		randomHistory(t, f, rand.New(rand.NewPCG(3, 5)), 80)
		d := func(s string) calendar.Date { v, _ := calendar.ParseDate(s); return v }
		rows, err := f.Svc.Rankings(ctx, f.Users["leader"], app.RankQuery{From: d("2026-03-01"), To: d("2026-05-31"), MinVolume: 5})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 { // the district's children: two streets and a department
			t.Fatalf("%d rows, want 3", len(rows))
		}
		prev := 101.0
		for i, r := range rows {
			if r.Qualified != (r.Counts.Received >= 5 && r.Rates.Composite != nil) {
				t.Errorf("%s qualified=%v with %d received", r.Label, r.Qualified, r.Counts.Received)
			}
			if r.Qualified {
				if r.Place != i+1 || *r.Rates.Composite > prev {
					t.Errorf("%s at place %d (row %d) with score %v after %v", r.Label, r.Place, i, *r.Rates.Composite, prev)
				}
				prev = *r.Rates.Composite
			} else if r.Place != 0 {
				t.Errorf("unqualified %s has place %d", r.Label, r.Place)
			}
		}
		if _, err := f.Svc.Rankings(ctx, f.Users["leader"], app.RankQuery{From: d("2026-03-01"), To: d("2026-05-31"), MinVolume: -1}); err == nil {
			t.Fatal("negative minimum accepted")
		}
	})
}

// TestRankingsSkipUnitsWithoutTickets: a unit that received nothing in
// the period, but whose older ticket was called back in it, has a
// composite score of 100.0 from that callback alone; it is not ranked,
// even when the caller asks for no minimum volume.
func TestRankingsSkipUnitsWithoutTickets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		s, u := f.Svc, f.Users
		must := func(_ *ticket.Ticket, err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		tk, _, err := s.CreateTicket(ctx, u["agent"], apptest.NewTicket(), "")
		if err != nil {
			t.Fatal(err)
		}
		must(s.Dispatch(ctx, u["dispatcher"], tk.Number, f.OtherStreet.ID, ""))
		must(s.Acknowledge(ctx, u["other_handler"], tk.Number, ""))
		must(s.Reply(ctx, u["other_handler"], tk.Number, "已办结"))
		f.Clock.Advance(40 * 24 * time.Hour)
		yes := true
		must(s.Callback(ctx, u["agent"], tk.Number, app.CallbackResult{Resolved: &yes, Satisfaction: ticket.Satisfied}))
		day := calendar.DateOf(f.Clock.Now())
		rows, err := s.Rankings(ctx, u["leader"], app.RankQuery{From: day, To: day})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if r.Key == strconv.FormatInt(f.OtherStreet.ID, 10) {
				if r.Rates.Composite == nil || r.Counts.Received != 0 {
					t.Fatalf("the street's day: %+v, want a score from the callback and nothing received", r)
				}
				if r.Qualified || r.Place != 0 {
					t.Errorf("%s received nothing and is ranked %d (score %.1f)", r.Label, r.Place, *r.Rates.Composite)
				}
			}
		}
	})
}

// TestFunnelNeverWidens: the status funnel counts one cohort (the valid
// tickets received in the period) through its stages, so no stage holds
// more than the one before, for any unit and period (the funnel of the
// rates' own date bases widened: 39 → 32 → 19 → 50 → 2).
func TestFunnelNeverWidens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		randomHistory(t, f, rand.New(rand.NewPCG(11, 13)), 90)
		f.Clock.Set(apptest.Start.Add(75 * 24 * time.Hour))
		d := func(s string) calendar.Date { v, _ := calendar.ParseDate(s); return v }
		checked := 0
		for _, u := range []*org.Unit{f.District, f.Street, f.Community, f.OtherStreet, f.Dept} {
			for _, p := range [][2]string{{"2026-03-01", "2026-05-31"}, {"2026-03-09", "2026-03-22"}, {"2026-04-01", "2026-04-30"}} {
				rep, err := f.Svc.Rates(ctx, f.Users["leader"], app.RatesQuery{UnitID: u.ID, From: d(p[0]), To: d(p[1]), By: app.ByUnit})
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range append(rep.Rows, rep.Total) {
					c := r.Counts
					stages := []int64{c.Received - c.Invalid - c.Merged, c.FunnelDispatched, c.FunnelAcknowledged, c.FunnelReplied, c.FunnelClosed}
					for i := 1; i < len(stages); i++ {
						if stages[i] > stages[i-1] || stages[i] < 0 {
							t.Errorf("%s %s %s–%s: the funnel widens: %v", u.Name, r.Label, p[0], p[1], stages)
							break
						}
					}
					if c.FunnelClosed > c.Closed {
						t.Errorf("%s %s: %d closed through dispatch, %d closed in all", u.Name, r.Label, c.FunnelClosed, c.Closed)
					}
					checked++
				}
			}
		}
		total, err := f.Svc.Rates(ctx, f.Users["leader"], app.RatesQuery{From: d("2026-03-01"), To: d("2026-05-31")})
		if err != nil {
			t.Fatal(err)
		}
		if c := total.Total.Counts; c.FunnelReplied == 0 || c.FunnelClosed == 0 || c.FunnelAcknowledged == c.FunnelDispatched && c.FunnelReplied == c.FunnelAcknowledged {
			t.Fatalf("the history is too thin to test the funnel: %+v (%d rows checked)", c, checked)
		}
	})
}

func TestSeriesAndHeatMap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		randomHistory(t, f, rand.New(rand.NewPCG(9, 9)), 60)
		d := func(s string) calendar.Date { v, _ := calendar.ParseDate(s); return v }
		series, err := f.Svc.Series(ctx, f.Users["leader"], 0, d("2026-03-01"), d("2026-05-31"))
		if err != nil {
			t.Fatal(err)
		}
		var total int64
		for _, p := range series {
			total += p.Counts.Received
		}
		if len(series) != 92 || total != 60 {
			t.Fatalf("%d days, %d received; want 92 days and 60 tickets", len(series), total)
		}
		hm, err := f.Svc.HeatMap(ctx, f.Users["leader"], 0, d("2026-03-01"), d("2026-05-31"))
		if err != nil {
			t.Fatal(err)
		}
		var cells int64
		for wd := range hm {
			for h := range hm[wd] {
				cells += hm[wd][h]
			}
		}
		if cells != 60 {
			t.Fatalf("heat map holds %d tickets, want 60", cells)
		}
		// Cell by cell, as recounted from the tickets' creation times.
		var all []*ticket.Ticket
		db.Read(ctx, func(tx *store.Tx) error {
			var err error
			all, err = store.ListTickets(ctx, tx, store.TicketFilter{Limit: 1000})
			return err
		})
		var want [7][24]int64
		for _, tk := range all {
			l := tk.CreatedAt.In(calendar.China)
			want[l.Weekday()][l.Hour()]++
		}
		if *hm != want {
			t.Fatalf("heat map %v\nwant     %v", *hm, want)
		}
		if _, err := f.Svc.Series(ctx, f.Users["other_handler"], f.Street.ID, d("2026-03-01"), d("2026-03-02")); err == nil {
			t.Fatal("a handler of another street read this street's series")
		}
	})
}
