package household_test

import (
	"log/slog"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	hh "github.com/minsheng/minsheng/app/household"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/demo"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// The demo's households: every grid has its households, paired with a
// grid worker, visited, some overdue, some concerns became tickets and a
// few were answered; the demo grid worker has visits due. The seed's time
// is logged (go test -v -run TestSeed).
func TestSeed(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the demo district; skipped in -short")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
		if _, err := demo.Seed(ctx, db, demo.Options{Tickets: -1, Now: now}); err != nil {
			t.Fatal(err)
		}
		tickets := app.New(app.Config{DB: db, Clock: minsheng.NewFakeClock(now), Logger: slog.New(slog.DiscardHandler)})
		svc := hh.New(tickets.Kit(), tickets)
		start := time.Now()
		if err := hh.Seed(ctx, svc); err != nil {
			t.Fatal(err)
		}
		took := time.Since(start)
		var households, visits, concerns, answered, paired, proactive, alerts int
		err := db.Read(ctx, func(tx *store.Tx) error {
			for q, dst := range map[string]*int{
				`SELECT COUNT(*) FROM households`:                                       &households,
				`SELECT COUNT(*) FROM household_visits`:                                 &visits,
				`SELECT COUNT(*) FROM household_concerns`:                               &concerns,
				`SELECT COUNT(*) FROM household_concerns WHERE answered_at IS NOT NULL`: &answered,
				`SELECT COUNT(*) FROM household_proactive WHERE closed_at IS NULL`:      &proactive,
				`SELECT COUNT(*) FROM household_alert_days`:                             &alerts,
				`SELECT COUNT(*) FROM household_pairings WHERE to_at IS NULL`:           &paired,
			} {
				if err := tx.QueryRow(ctx, q).Scan(dst); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("seeded %d households, %d visits, %d concerns (%d answered), %d proactive orders in %v", households, visits, concerns, answered,
			proactive, took.Round(time.Millisecond))
		if err := db.Read(ctx, func(tx *store.Tx) error {
			rs, err := tx.Query(ctx, `SELECT rule, COUNT(*) FROM household_proactive GROUP BY rule`)
			if err != nil {
				return err
			}
			defer rs.Close()
			for rs.Next() {
				var r string
				var n int
				rs.Scan(&r, &n)
				t.Logf("rule %s: %d", r, n)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if proactive == 0 || proactive > 40 || alerts != 1 {
			t.Errorf("the job opened %d proactive orders (want a few), %d alert days", proactive, alerts)
		}
		if households < 200 || paired != households || visits < households || concerns == 0 || answered == 0 {
			t.Errorf("seed: %d households (%d paired), %d visits, %d concerns, %d answered", households, paired, visits, concerns, answered)
		}
		var gw *org.User
		if err := db.Read(ctx, func(tx *store.Tx) (err error) {
			gw, err = store.GetUserByUsername(ctx, tx, "grid_worker")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		due, err := svc.Due(ctx, gw, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(due.Due) == 0 {
			t.Errorf("the demo grid worker has no visit due")
		}
		cov, err := svc.Coverage(ctx, gw, 0)
		if err != nil {
			t.Fatal(err)
		}
		overdue := 0
		for _, c := range cov {
			overdue += c.Overdue
		}
		if overdue == 0 {
			t.Errorf("no overdue household in the demo: coverage %+v", cov)
		}
		// Seeding again adds nothing.
		if err := hh.Seed(ctx, svc); err != nil {
			t.Fatal(err)
		}
	})
}

// The demo's import: a list of a grid imported, paired with its cadre,
// and one of its widows registered again by hand — found as a duplicate.
func TestSeedImport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		svc := hh.New(f.Svc.Kit(), f.Svc)
		if err := hh.SeedImport(ctx, svc); err != nil {
			t.Fatal(err)
		}
		hs, err := svc.List(ctx, kit.System(), f.Grid.ID, 500, 0)
		if err != nil || len(hs) != 9 {
			t.Fatalf("%d households, want the 8 imported and the duplicate: %v", len(hs), err)
		}
		d, err := svc.Duplicates(ctx, kit.System(), 0)
		if err != nil || len(d.Pairs) != 1 || len(d.Pairs[0].Reasons) != 2 {
			t.Fatalf("duplicates: %+v %v", d, err)
		}
		if err := hh.SeedImport(ctx, svc); err != nil {
			t.Fatal(err)
		}
		if hs, _ := svc.List(ctx, kit.System(), f.Grid.ID, 500, 0); len(hs) != 9 {
			t.Errorf("a second seed added households: %d", len(hs))
		}
	})
}
