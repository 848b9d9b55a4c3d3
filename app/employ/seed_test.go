package employ_test

import (
	"log/slog"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	appemploy "github.com/minsheng/minsheng/app/employ"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/demo"
	"github.com/minsheng/minsheng/employ"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// The demo's job matching is lived through the use cases: employers
// verified and one flagged, posts published and expired, seekers hired
// and followed up; the demo logins see their work.
func TestSeedDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the demo district; skipped in -short")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 12, 7, 10, 0, 0, 0, calendar.China)
		if _, err := demo.Seed(ctx, db, demo.Options{Tickets: 20, Now: now, Seed: 1}); err != nil {
			t.Fatal(err)
		}
		clock := minsheng.NewFakeClock(now)
		quiet := slog.New(slog.DiscardHandler)
		tickets := app.New(app.Config{DB: db, Clock: clock, Logger: quiet})
		svc := appemploy.New(kit.New(db, clock, quiet), tickets, appemploy.Config{})
		if err := svc.Seed(ctx); err != nil {
			t.Fatal(err)
		}
		if err := svc.Seed(ctx); err != nil {
			t.Fatalf("a second seed: %v", err)
		}
		user := func(name string) *org.User {
			var u *org.User
			if err := db.Read(ctx, func(tx *store.Tx) (err error) { u, err = store.GetUserByUsername(ctx, tx, name); return }); err != nil {
				t.Fatal(err)
			}
			return u
		}
		f, err := svc.Figures(ctx, user("leader"))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("figures %+v", f)
		if f.Employers != 7 || f.Flagged != 1 || f.Placements < 3 || f.HardPlaced < 2 || f.Posts[employ.PostExpired] == 0 ||
			f.Posts[employ.PostInReview] != 1 || f.Posts[employ.PostPublished] < 3 || f.Retention[0].Done == 0 || f.DaysToPlacement == nil {
			t.Errorf("figures %+v", f)
		}
		me, err := svc.Me(ctx, user("worker"))
		if err != nil || len(me.Openings) == 0 {
			t.Errorf("the worker's openings: %+v %v", me, err)
		}
		ps, err := svc.Posts(ctx, user("employer"), appemploy.PostFilter{})
		if err != nil || len(ps) < 3 {
			t.Errorf("the employer's posts: %d %v", len(ps), err)
		}
		fs, err := svc.FollowUps(ctx, user("grid_worker"), true)
		if err != nil || len(fs) < 6 {
			t.Errorf("the grid worker's follow-ups: %d %v", len(fs), err)
		}
	})
}
