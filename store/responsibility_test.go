package store_test

import (
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/responsibility"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// An assignment and its milestones read back as written, with its
// leader's and unit's names; a milestone is done once; a stale version is
// refused; the list filters by kind, status and leader.
func TestResponsibilityRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		u := mustUnit(t, db, "chengxi")
		leader := mustGridUser(t, db, "王志刚", u)
		other := mustGridUser(t, db, "鲁文斌", u)
		now := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
		day := responsibility.Day(now)
		a := &responsibility.Assignment{ID: 1001, Kind: responsibility.KindPetition, Title: "某小区业主反映物业费纠纷", Goal: "化解",
			LeaderID: leader.ID, UnitID: u.ID, UnitPath: u.Path, Status: responsibility.StatusAssigned, CreatedAt: now, UpdatedAt: now,
			Version: 1, Milestones: []responsibility.Milestone{{Seq: 1, Title: "接访", Due: day}, {Seq: 2, Title: "答复", Due: day.AddDate(0, 0, 10)}}}
		b := &responsibility.Assignment{ID: 1002, Kind: responsibility.KindEnterprise, Title: "青海某建材公司", Goal: "帮助融资",
			LeaderID: other.ID, UnitID: u.ID, UnitPath: u.Path, Status: responsibility.StatusWorking, CreatedAt: now.Add(time.Hour),
			UpdatedAt: now, Version: 1}
		mustWrite(t, db, func(tx *store.Tx) error {
			if err := store.InsertResponsibility(ctx, tx, a); err != nil {
				return err
			}
			return store.InsertResponsibility(ctx, tx, b)
		})
		mustWrite(t, db, func(tx *store.Tx) error {
			got, err := store.GetResponsibility(ctx, tx, a.ID)
			if err != nil {
				return err
			}
			if got.LeaderName != "王志刚" || got.UnitName != "城西区" || len(got.Milestones) != 2 || !got.Milestones[1].Due.Equal(day.AddDate(0, 0, 10)) ||
				got.Milestones[0].DoneAt != nil {
				t.Errorf("got %+v", got)
			}
			done := now.Add(time.Hour)
			if err := store.DoneResponsibilityMilestone(ctx, tx, a.ID, responsibility.Milestone{Seq: 1, DoneAt: &done, Note: "已接访"}); err != nil {
				return err
			}
			if err := store.DoneResponsibilityMilestone(ctx, tx, a.ID, responsibility.Milestone{Seq: 1, DoneAt: &done}); !minsheng.IsCode(err, minsheng.ECONFLICT) {
				t.Errorf("done twice: %v", err)
			}
			if err := store.InsertResponsibilityMilestone(ctx, tx, a.ID, responsibility.Milestone{Seq: 3, Title: "回访", Due: day.AddDate(0, 1, 0)}); err != nil {
				return err
			}
			got.Status, got.UpdatedAt, got.Version = responsibility.StatusWorking, now, got.Version+1
			if err := store.UpdateResponsibility(ctx, tx, got); err != nil {
				return err
			}
			if err := store.UpdateResponsibility(ctx, tx, got); !minsheng.IsCode(err, minsheng.ECONFLICT) {
				t.Errorf("stale version: %v", err)
			}
			return nil
		})
		err := db.Read(ctx, func(tx *store.Tx) error {
			if _, err := store.GetResponsibility(ctx, tx, 999); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
				t.Errorf("missing: %v", err)
			}
			all, err := store.ListResponsibilities(ctx, tx, store.ResponsibilityFilter{})
			if err != nil {
				return err
			}
			if len(all) != 2 || all[0].ID != b.ID || len(all[1].Milestones) != 3 || all[1].Milestones[0].Note != "已接访" ||
				all[1].Milestones[0].DoneAt == nil || all[1].Status != responsibility.StatusWorking || len(all[0].Milestones) != 0 {
				t.Errorf("list %+v", all)
			}
			for _, c := range []struct {
				f    store.ResponsibilityFilter
				want int64
			}{
				{store.ResponsibilityFilter{Kind: responsibility.KindEnterprise}, b.ID},
				{store.ResponsibilityFilter{LeaderID: leader.ID}, a.ID},
				{store.ResponsibilityFilter{Status: responsibility.StatusWorking, Kind: responsibility.KindPetition}, a.ID},
			} {
				got, err := store.ListResponsibilities(ctx, tx, c.f)
				if err != nil || len(got) != 1 || got[0].ID != c.want {
					t.Errorf("%+v: %v %v", c.f, got, err)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
