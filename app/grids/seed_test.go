package grids_test

import (
	"log/slog"
	"testing"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/grids"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/demo"
	"github.com/minsheng/minsheng/grid"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// The demo's part lives through the use cases: the street's campaign found
// 173 problems and ticked off 156, every grid worker's reports reached
// their stage of the loop, and their diaries were submitted. It logs how
// long the capability's seed took.
func TestSeedDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the demo district")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
		if _, err := demo.Seed(ctx, db, demo.Options{Tickets: 20, Now: now, Logger: slog.New(slog.DiscardHandler)}); err != nil {
			t.Fatal(err)
		}
		tickets := app.New(app.Config{DB: db, Logger: slog.New(slog.DiscardHandler)})
		s := grids.New(tickets.Kit(), tickets)
		start := time.Now()
		if err := grids.SeedDemo(ctx, s); err != nil {
			t.Fatal(err)
		}
		t.Logf("grids seed: %v", time.Since(start).Round(time.Millisecond))
		sys := kit.System()
		cs, err := s.ListCampaigns(ctx, sys)
		if err != nil || len(cs) != 1 {
			t.Fatalf("campaigns %d, %v", len(cs), err)
		}
		l, err := s.GetLedger(ctx, sys, cs[0].ID, grids.LedgerQuery{})
		if err != nil || l.Progress.Found != 173 || l.Progress.TickedOff != 156 || l.Progress.Reopened != 3 || l.Progress.Overdue == 0 {
			t.Fatalf("ledger %+v, %v", l.Progress, err)
		}
		pub, err := s.PublicLedger(ctx, cs[0].ID)
		if err != nil || pub.Progress != l.Progress {
			t.Errorf("the public summary does not match: %+v", pub.Progress)
		}
		rs, err := s.ListReports(ctx, sys, grids.ReportQuery{})
		if err != nil || len(rs) == 0 {
			t.Fatalf("reports %d, %v", len(rs), err)
		}
		byStatus := map[grid.ReportStatus]int{}
		for _, r := range rs {
			byStatus[r.Status]++
		}
		if byStatus[grid.ReportClosed] == 0 || byStatus[grid.ReportAwaitingCheck] == 0 || byStatus[grid.ReportRegistered]+byStatus[grid.ReportDispatched] == 0 {
			t.Errorf("report stages %v", byStatus)
		}
		ds, err := s.ListDiaries(ctx, sys)
		if err != nil || len(ds) == 0 {
			t.Errorf("diaries %d, %v", len(ds), err)
		}
		fig, err := s.StationFigures(ctx, sys)
		if err != nil || fig.Answered < 140 || fig.Referred == 0 || len(fig.Stations) == 0 {
			t.Errorf("station figures %+v, %v", fig, err)
		}
		t.Logf("%d reports %v, %d diaries, stations %+v", len(rs), byStatus, len(ds), fig)
	})
}
