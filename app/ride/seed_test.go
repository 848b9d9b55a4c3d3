package ride_test

import (
	"log/slog"
	"testing"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	appride "github.com/minsheng/minsheng/app/ride"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/demo"
	"github.com/minsheng/minsheng/ride"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// The demo fleet is lived through the use cases: trips completed and
// their tickets closed, some cancelled, no-shows and unmet needs, and
// rides left open for the desk and the demo driver.
func TestSeedDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the demo district; skipped in -short")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 12, 7, 10, 0, 0, 0, calendar.China)
		if _, err := demo.Seed(ctx, db, demo.Options{Tickets: 20, Now: now, Seed: 1}); err != nil {
			t.Fatal(err)
		}
		tickets := app.New(app.Config{DB: db, Logger: slog.New(slog.DiscardHandler)})
		svc := appride.New(kit.New(db, nil, slog.New(slog.DiscardHandler)), tickets, appride.Config{})
		begin := time.Now()
		res, err := svc.SeedDemo(ctx, appride.SeedOptions{Now: now, Vehicles: 20, Days: 10, PerDay: 8, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("seeded %d vehicles and %v in %v", res.Vehicles, res.Rides, time.Since(begin))
		if res.Rides[ride.StatusCompleted] < 30 || res.Rides[ride.StatusUnmet] == 0 || res.Rides[ride.StatusCancelled] == 0 ||
			res.Rides[ride.StatusOffered] == 0 || res.Rides[ride.StatusRequested] < 16 {
			t.Errorf("rides %v", res.Rides)
		}
		if _, err := svc.SeedDemo(ctx, appride.SeedOptions{Now: now}); err == nil {
			t.Error("seeded twice")
		}
		var driver = mustUser(t, db, "driver")
		day, err := svc.DriverDay(ctx, driver)
		if err != nil || len(day.Offers) != 1 {
			t.Errorf("the demo driver's day: %+v %v", day, err)
		}
	})
}
