package store_test

import (
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/project"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// A project and its milestones read back as written; a stale version and a
// code taken twice are refused.
func TestProjectRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		u := mustUnit(t, db, "chengxi")
		now := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
		p := &project.Project{ID: 1, Year: 2026, Code: "2026-01", Title: "老旧小区改造", BudgetYuan: 4835000, UnitID: u.ID, UnitPath: u.Path,
			Status: project.StatusPlanned, UpdatedAt: now, Version: 1,
			Milestones: []project.Milestone{{Seq: 1, Title: "立项", Planned: now}, {Seq: 2, Title: "完工", Planned: now.AddDate(0, 3, 0)}}}
		if err := db.Write(ctx, func(tx *store.Tx) error { return store.InsertProject(ctx, tx, p) }); err != nil {
			t.Fatal(err)
		}
		dup := *p
		dup.ID = 2
		if err := db.Write(ctx, func(tx *store.Tx) error { return store.InsertProject(ctx, tx, &dup) }); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Errorf("a code twice: %v", err)
		}
		err := db.Write(ctx, func(tx *store.Tx) error {
			got, err := store.GetProject(ctx, tx, "2026-01")
			if err != nil {
				return err
			}
			if got.UnitName != "城西区" || len(got.Milestones) != 2 || !got.Milestones[1].Planned.Equal(now.AddDate(0, 3, 0)) {
				t.Errorf("got %+v", got)
			}
			got.Milestones[0].Actual, got.Milestones[0].Evidence = &now, "立项批复"
			got.Progress, got.Status, got.Version = 30, project.StatusInProgress, got.Version+1
			if err := store.UpdateProject(ctx, tx, got); err != nil {
				return err
			}
			if err := store.UpdateProject(ctx, tx, got); !minsheng.IsCode(err, minsheng.ECONFLICT) {
				t.Errorf("stale version: %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Read(ctx, func(tx *store.Tx) error {
			ps, err := store.ListProjects(ctx, tx, 2026)
			if err != nil || len(ps) != 1 || ps[0].Progress != 30 || ps[0].Milestones[0].Actual == nil || ps[0].Milestones[0].Evidence != "立项批复" {
				t.Errorf("list %+v %v", ps, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
