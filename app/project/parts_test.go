package project_test

import (
	"testing"
	"time"

	"github.com/minsheng/minsheng/app/apptest"
	appproject "github.com/minsheng/minsheng/app/project"
	"github.com/minsheng/minsheng/project"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// A project split into parts: each part's unit reports its own progress;
// the parent's is theirs rolled up by budget, not reported; the parent is
// as late as its latest part, and completed only after every part.
func TestProjectParts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		svc := appproject.New(f.Svc.Kit(), f.Svc)
		now := f.Clock.Now()
		admin := f.Users["admin"]
		parent, err := svc.Create(ctx, admin, appproject.NewProject{Year: 2026, Code: "2026-03", Title: "老旧小区改造", BudgetYuan: 4000000,
			UnitID: f.District.ID})
		if err != nil {
			t.Fatal(err)
		}
		mk := func(code string, unit int64, budget int64) *project.Project {
			t.Helper()
			p, err := svc.Create(ctx, admin, appproject.NewProject{Year: 2026, Code: code, Title: "院落 " + code, BudgetYuan: budget,
				UnitID: unit, Parent: "2026-03", Milestones: []project.Milestone{{Title: "竣工", Planned: now.AddDate(0, 2, 0)}}})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		a, b := mk("2026-03-1", f.Street.ID, 3000000), mk("2026-03-2", f.OtherStreet.ID, 1000000)
		if a.Parent != "2026-03" {
			t.Errorf("the part's parent: %q", a.Parent)
		}
		if _, err := svc.Create(ctx, admin, appproject.NewProject{Year: 2026, Code: "2026-03-1-a", Title: "x", UnitID: f.Street.ID,
			Parent: a.Code}); reason(err) != "parent_invalid" {
			t.Errorf("a part of a part: %v", err)
		}
		if _, err := svc.Create(ctx, admin, appproject.NewProject{Year: 2026, Code: "2026-04-1", Title: "x", UnitID: f.Street.ID,
			Parent: "2026-99"}); reason(err) != "parent_unknown" {
			t.Errorf("a part of nothing: %v", err)
		}
		sixty := 60
		if _, err := svc.Report(ctx, admin, parent.Code, appproject.Update{Progress: &sixty}); reason(err) != "progress_rolled_up" {
			t.Errorf("the parent's progress reported: %v", err)
		}
		if _, err := svc.Report(ctx, f.Users["street_handler"], a.Code, appproject.Update{Progress: &sixty}); err != nil {
			t.Fatal(err)
		}
		v, tl, err := svc.Get(ctx, admin, parent.Code)
		if err != nil {
			t.Fatal(err)
		}
		if v.Progress != 45 || len(v.Parts) != 2 || tl[len(tl)-1].Action != "rollup" {
			t.Errorf("the parent: progress %d, parts %v, last event %s", v.Progress, v.Parts, tl[len(tl)-1].Action)
		}
		// The other street's part is delayed: the parent is red.
		if _, err := svc.Act(ctx, f.Users["other_handler"], b.Code, project.ActionDelay, "拆迁协商未完成"); err != nil {
			t.Fatal(err)
		}
		pub, err := svc.Public(ctx, 2026)
		if err != nil {
			t.Fatal(err)
		}
		if pub[0].Code != "2026-03" || pub[0].Health != project.Red || len(pub[0].Parts) != 2 || pub[1].Parent != "2026-03" {
			t.Errorf("the public list: %+v", pub[:2])
		}
		// Complete the first part: the parent cannot complete until both are.
		day := f.Clock.Now()
		f.Clock.Advance(time.Hour)
		if _, err := svc.Report(ctx, f.Users["street_handler"], a.Code, appproject.Update{Milestone: 1, Actual: &day}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Act(ctx, f.Users["street_handler"], a.Code, project.ActionComplete, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Act(ctx, admin, parent.Code, project.ActionStart, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Act(ctx, admin, parent.Code, project.ActionComplete, ""); reason(err) != "parts_open" {
			t.Errorf("the parent completed with a part open: %v", err)
		}
		if v, _, _ := svc.Get(ctx, admin, parent.Code); v.Progress != 75 {
			t.Errorf("after the first part's completion: %d", v.Progress)
		}
	})
}
