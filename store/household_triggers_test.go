package store_test

import (
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/household"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// Proactive service on both dialects: the rules read as their defaults
// until an admin saves one; alert days from a day on; the facts of the
// tagged households; one open proactive order per household and rule,
// another once it is closed; escalation kept.
func TestHouseholdTriggers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 7, 20, 0, 0, 0, 0, time.UTC)
		u := mustUnit(t, db, "chengxi")
		var hh []*household.Household
		mustWrite(t, db, func(tx *store.Tx) error {
			for i, tag := range []household.Tag{household.TagAloneElderly, household.TagSubsistence, ""} {
				id, err := tx.NextID(ctx)
				if err != nil {
					return err
				}
				h := &household.Household{ID: id, UnitID: u.ID, UnitPath: u.Path, Address: "海湖佳苑", ConsentAt: now, IntervalDays: 7,
					NextDueAt: now, CreatedAt: now.AddDate(0, 0, -30+i), UpdatedAt: now}
				if i == 0 {
					last := now.AddDate(0, 0, -12)
					h.LastVisitAt = &last
				}
				if err := store.InsertHousehold(ctx, tx, h); err != nil {
					return err
				}
				if tag != "" {
					if err := store.InsertTag(ctx, tx, &household.TagRecord{HouseholdID: id, Tag: tag, Source: "民政", Since: now,
						RecheckBy: now.AddDate(0, 0, i), CreatedAt: now}); err != nil {
						return err
					}
				}
				hh = append(hh, h)
			}
			return nil
		})
		tk := mustTicket(t, db, u, now, nil)
		tk2 := mustTicket(t, db, u, now, nil)
		admin := &org.User{ID: 9001, Username: "admin9001", Name: "祁海涛", Role: org.RoleAdmin, UnitID: u.ID, Active: true, CreatedAt: now}
		mustWrite(t, db, func(tx *store.Tx) error { return store.InsertUser(ctx, tx, admin) })
		mustWrite(t, db, func(tx *store.Tx) error {
			rs, err := store.TriggerRules(ctx, tx)
			if err != nil {
				return err
			}
			if len(rs) != 3 || rs[0].Kind != household.RuleNoContact || rs[0].Days != 10 || rs[0].UpdatedAt != nil {
				t.Errorf("default rules %+v", rs)
			}
			r := rs[0]
			r.Days, r.Enabled, r.Tags, r.UpdatedAt, r.UpdatedBy = 7, false, []household.Tag{household.TagAloneElderly, household.TagDisabledCare}, &now, admin.ID
			if err := store.SaveTriggerRule(ctx, tx, r); err != nil {
				return err
			}
			r.Days = 5
			if err := store.SaveTriggerRule(ctx, tx, r); err != nil {
				return err
			}
			rs, err = store.TriggerRules(ctx, tx)
			if err != nil {
				return err
			}
			if rs[0].Days != 5 || rs[0].Enabled || len(rs[0].Tags) != 2 || rs[0].UpdatedBy != admin.ID || rs[1].Kind != household.RuleAlertDay {
				t.Errorf("saved rules %+v", rs)
			}
			for i, d := range []int{-1, 0, 2} {
				a := &household.AlertDay{ID: int64(8000 + i), Day: household.Day(now.AddDate(0, 0, d)), Kind: household.AlertHeat, CreatedBy: admin.ID,
					CreatedAt: now, Tags: []household.Tag{household.TagAloneElderly}}
				if err := store.InsertAlertDay(ctx, tx, a); err != nil {
					return err
				}
			}
			as, err := store.ListAlertDays(ctx, tx, household.Day(now))
			if err != nil || len(as) != 2 || !as[0].Day.Equal(household.Day(now)) || as[0].Tags[0] != household.TagAloneElderly {
				t.Errorf("alert days %+v %v", as, err)
			}
			fs, err := store.TriggerFacts(ctx, tx)
			if err != nil {
				return err
			}
			if len(fs) != 2 || fs[0].HouseholdID != hh[0].ID || !fs[0].LastContact.Equal(*hh[0].LastVisitAt) ||
				!fs[1].LastContact.Equal(hh[1].CreatedAt) || fs[1].Tags[0].Tag != household.TagSubsistence {
				t.Errorf("facts %+v", fs)
			}
			return nil
		})
		p := &household.Proactive{ID: 7001, HouseholdID: hh[0].ID, UnitPath: u.Path, Rule: household.RuleNoContact, Reason: "独居老人 12 天未联系",
			TicketID: tk.ID, OpenedAt: now, SteppedAt: now}
		mustWrite(t, db, func(tx *store.Tx) error { return store.InsertProactive(ctx, tx, p) })
		again := *p
		again.ID, again.TicketID = 7002, tk2.ID
		if err := db.Write(ctx, func(tx *store.Tx) error { return store.InsertProactive(ctx, tx, &again) }); !minsheng.IsCode(err, minsheng.ECONFLICT) {
			t.Errorf("a second open order of the rule: %v", err)
		}
		mustWrite(t, db, func(tx *store.Tx) error {
			return store.StepProactive(ctx, tx, p.ID, household.StepGridWorker, now.Add(time.Hour))
		})
		mustWrite(t, db, func(tx *store.Tx) error {
			ps, err := store.ListProactive(ctx, tx, store.ProactiveFilter{Paths: []string{u.Path}, OpenOnly: true})
			if err != nil || len(ps) != 1 || ps[0].Step != household.StepGridWorker || ps[0].TicketNumber != tk.Number || ps[0].Address != "海湖佳苑" {
				t.Errorf("open %+v %v", ps, err)
			}
			return store.CloseProactive(ctx, tx, p.ID, now.Add(2*time.Hour))
		})
		mustWrite(t, db, func(tx *store.Tx) error { return store.InsertProactive(ctx, tx, &again) })
		mustWrite(t, db, func(tx *store.Tx) error {
			open, err := store.ListProactive(ctx, tx, store.ProactiveFilter{OpenOnly: true})
			all, err2 := store.ListProactive(ctx, tx, store.ProactiveFilter{HouseholdID: hh[0].ID})
			if err != nil || err2 != nil || len(open) != 1 || open[0].ID != again.ID || len(all) != 2 || all[1].ClosedAt == nil {
				t.Errorf("after closing: open %+v all %+v %v %v", open, all, err, err2)
			}
			got, err := store.GetProactive(ctx, tx, p.ID)
			if err != nil || got.ClosedAt == nil || got.Step != household.StepGridWorker {
				t.Errorf("get %+v %v", got, err)
			}
			if _, err := store.GetProactive(ctx, tx, 1); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
				t.Errorf("missing: %v", err)
			}
			return nil
		})
	})
}
