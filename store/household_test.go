package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/household"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// The registry on both dialects: a person is in one household at most, a
// household has one cadre at a time with the history kept, the due list
// reads the cadre's households by due day, and the coverage counts per
// grid.
func TestHouseholdRegistry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
		root := &org.Unit{ID: 1, Kind: org.KindDistrict, Code: "d", Name: "城西区", Path: "/1/", CreatedAt: now}
		g1 := &org.Unit{ID: 2, ParentID: 1, Kind: org.KindGrid, Code: "g1", Name: "第一网格", Path: "/1/2/", CreatedAt: now}
		g2 := &org.Unit{ID: 3, ParentID: 1, Kind: org.KindGrid, Code: "g2", Name: "第二网格", Path: "/1/3/", CreatedAt: now}
		cadre := &org.User{ID: 10, Username: "gw", Name: "张永福", Role: org.RoleGridWorker, UnitID: 2, Active: true, CreatedAt: now}
		other := &org.User{ID: 11, Username: "gw2", Name: "李文斌", Role: org.RoleGridWorker, UnitID: 3, Active: true, CreatedAt: now}
		day := func(d int) time.Time { return time.Date(2026, 12, d, 0, 0, 0, 0, time.UTC) }
		mk := func(id int64, grid *org.Unit, due time.Time, last *time.Time) *household.Household {
			return &household.Household{ID: id, UnitID: grid.ID, UnitPath: grid.Path, Address: "海湖佳苑", ConsentAt: now,
				IntervalDays: 7, NextDueAt: due, LastVisitAt: last, CreatedAt: now, UpdatedAt: now}
		}
		recent := day(3)
		hs := []*household.Household{mk(100, g1, day(1), nil), mk(101, g1, day(8), &recent), mk(102, g1, day(30), &recent), mk(103, g2, day(2), nil)}
		err := db.Write(ctx, func(tx *store.Tx) error {
			for _, u := range []*org.Unit{root, g1, g2} {
				if err := store.InsertUnit(ctx, tx, u); err != nil {
					return err
				}
			}
			for _, u := range []*org.User{cadre, other} {
				if err := store.InsertUser(ctx, tx, u); err != nil {
					return err
				}
			}
			for i, h := range hs {
				if err := store.InsertHousehold(ctx, tx, h); err != nil {
					return err
				}
				p := &household.Person{ID: 200 + int64(i), HouseholdID: h.ID, Name: "马秀英", IDNumber: "63010419480312002" + string(rune('0'+i)),
					Relation: household.RelationHead, CreatedAt: now}
				if err := store.InsertPerson(ctx, tx, p); err != nil {
					return err
				}
				cad := cadre
				if h.UnitID == g2.ID {
					cad = other
				}
				if err := store.InsertPairing(ctx, tx, &household.Pairing{ID: 300 + int64(i), HouseholdID: h.ID, CadreID: cad.ID, From: now}); err != nil {
					return err
				}
			}
			return store.InsertTag(ctx, tx, &household.TagRecord{HouseholdID: 100, PersonID: 200, Tag: household.TagAloneElderly,
				Source: "入户核实", Since: day(1), RecheckBy: day(1).AddDate(1, 0, 0), CreatedAt: now})
		})
		if err != nil {
			t.Fatal(err)
		}

		// The same ID number in another household is refused, and the
		// transaction leaves nothing.
		err = db.Write(ctx, func(tx *store.Tx) error {
			return store.InsertPerson(ctx, tx, &household.Person{ID: 299, HouseholdID: 101, Name: "马秀英",
				IDNumber: "630104194803120020", Relation: household.RelationSpouse, CreatedAt: now})
		})
		if !errors.Is(err, store.ErrPersonRegistered) {
			t.Fatalf("a person in two households: %v, want ErrPersonRegistered", err)
		}
		// A second current pairing of a household is refused.
		err = db.Write(ctx, func(tx *store.Tx) error {
			return store.InsertPairing(ctx, tx, &household.Pairing{ID: 399, HouseholdID: 100, CadreID: other.ID, From: now})
		})
		if minsheng.ErrorCode(err) != minsheng.ECONFLICT {
			t.Fatalf("second pairing: %v, want a conflict", err)
		}
		// Reassigned: the old pairing ends, the new one starts, both kept.
		err = db.Write(ctx, func(tx *store.Tx) error {
			if err := store.EndPairing(ctx, tx, 302, now); err != nil {
				return err
			}
			return store.InsertPairing(ctx, tx, &household.Pairing{ID: 398, HouseholdID: 102, CadreID: other.ID, From: now})
		})
		if err != nil {
			t.Fatal(err)
		}

		err = db.Read(ctx, func(tx *store.Tx) error {
			h, err := store.GetHousehold(ctx, tx, 100)
			if err != nil {
				return err
			}
			if len(h.Members) != 1 || h.Members[0].IDNumber != "630104194803120020" || len(h.Tags) != 1 || h.Tags[0].Tag != household.TagAloneElderly {
				t.Errorf("household 100 = %+v members %v tags %v", h, h.Members, h.Tags)
			}
			ps, err := store.ListPairings(ctx, tx, 102)
			if err != nil {
				return err
			}
			if len(ps) != 2 || ps[0].To == nil || ps[1].To != nil || ps[1].CadreName != "李文斌" {
				t.Errorf("pairings of 102 = %+v, want the ended one then the current one", ps)
			}
			due, err := store.DueHouseholds(ctx, tx, cadre.ID, day(9), 50)
			if err != nil {
				return err
			}
			if len(due) != 2 || due[0].ID != 100 || due[1].ID != 101 || len(due[0].Members) != 1 {
				t.Errorf("due list = %v, want 100 then 101 with members", ids(due))
			}
			cov, err := store.HouseholdCoverage(ctx, tx, []string{"/1/"}, day(1), day(7), day(10))
			if err != nil {
				return err
			}
			want := []household.Coverage{{UnitID: 2, UnitName: "第一网格", Households: 3, Visited: 2, Due: 1, Overdue: 1},
				{UnitID: 3, UnitName: "第二网格", Households: 1, Visited: 0, Due: 0, Overdue: 1}}
			if len(cov) != 2 || cov[0] != want[0] || cov[1] != want[1] {
				t.Errorf("coverage = %+v, want %+v", cov, want)
			}
			// The counts follow a household's plan: 100 visited and due
			// later, 103 dissolved.
			_, err = store.GetHousehold(ctx, tx, 100)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Write(ctx, func(tx *store.Tx) error {
			h, err := store.GetHousehold(ctx, tx, 100)
			if err != nil {
				return err
			}
			visit := day(6)
			h.LastVisitAt, h.NextDueAt = &visit, day(13)
			if err := store.UpdateHousehold(ctx, tx, h); err != nil {
				return err
			}
			o, err := store.GetHousehold(ctx, tx, 103)
			if err != nil {
				return err
			}
			o.DissolvedAt = &now
			return store.UpdateHousehold(ctx, tx, o)
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Read(ctx, func(tx *store.Tx) error {
			cov, err := store.HouseholdCoverage(ctx, tx, []string{"/1/"}, day(1), day(7), day(10))
			if err != nil {
				return err
			}
			want := household.Coverage{UnitID: 2, UnitName: "第一网格", Households: 3, Visited: 3, Due: 1, Overdue: 0}
			if len(cov) != 1 || cov[0] != want {
				t.Errorf("coverage after the changes = %+v, want %+v (and grid 3 gone)", cov, want)
			}
			only, err := store.HouseholdCoverage(ctx, tx, []string{"/1/2/"}, day(1), day(7), day(10))
			if err != nil {
				return err
			}
			if len(only) != 1 || only[0].UnitID != 2 {
				t.Errorf("coverage of grid 2 = %+v", only)
			}
			// The roll-up by street (here the units below the district are
			// the grids) follows the same changes.
			streets, err := store.HouseholdStreetCoverage(ctx, tx, []string{"/1/"}, day(1), day(7), day(10))
			if err != nil {
				return err
			}
			if sw := (household.StreetCoverage{UnitID: 2, UnitName: "第一网格", Households: 3, Visited: 3, Due: 1, Overdue: 0}); len(streets) != 1 || streets[0] != sw {
				t.Errorf("coverage by street = %+v, want %+v", streets, sw)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func ids(hs []*household.Household) []int64 {
	out := make([]int64, len(hs))
	for i, h := range hs {
		out[i] = h.ID
	}
	return out
}

// Visits at the same time in one street move the same count rows (a due
// day one leaves is the day another comes to): every transaction takes
// them in one order, so none waits on another in a circle. On PostgreSQL
// the rows were once taken in each change's own order, and the demo's
// seed (four grids at a time) deadlocked.
func TestHouseholdCountsUnderConcurrentVisits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
		day := func(d int) time.Time { return time.Date(2026, 12, d, 0, 0, 0, 0, time.UTC) }
		units := []*org.Unit{{ID: 1, Kind: org.KindDistrict, Code: "d", Name: "城西区", Path: "/1/", CreatedAt: now},
			{ID: 2, ParentID: 1, Kind: org.KindStreet, Code: "s", Name: "兴海路街道", Path: "/1/2/", CreatedAt: now},
			{ID: 3, ParentID: 2, Kind: org.KindGrid, Code: "g1", Name: "第一网格", Path: "/1/2/3/", CreatedAt: now},
			{ID: 4, ParentID: 2, Kind: org.KindGrid, Code: "g2", Name: "第二网格", Path: "/1/2/4/", CreatedAt: now}}
		hs := []*household.Household{
			{ID: 100, UnitID: 3, UnitPath: "/1/2/3/", Address: "海湖佳苑1号", ConsentAt: now, IntervalDays: 7, NextDueAt: day(10), CreatedAt: now, UpdatedAt: now},
			{ID: 101, UnitID: 4, UnitPath: "/1/2/4/", Address: "海湖佳苑2号", ConsentAt: now, IntervalDays: 7, NextDueAt: day(20), CreatedAt: now, UpdatedAt: now},
		}
		if err := db.Write(ctx, func(tx *store.Tx) error {
			for _, u := range units {
				if err := store.InsertUnit(ctx, tx, u); err != nil {
					return err
				}
			}
			for _, h := range hs {
				if err := store.InsertHousehold(ctx, tx, h); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		// Each household swings between the two days, in opposite phase:
		// one leaves day 10 for day 20 while the other leaves 20 for 10.
		const rounds = 40
		errs := make(chan error, 2)
		for i, h := range hs {
			go func() {
				for r := range rounds {
					visit := day(1 + r%5)
					h.LastVisitAt = &visit
					h.NextDueAt = day(10)
					if (r+i)%2 == 1 {
						h.NextDueAt = day(20)
					}
					if err := db.Write(ctx, func(tx *store.Tx) error { return store.UpdateHousehold(ctx, tx, h) }); err != nil {
						errs <- err
						return
					}
				}
				errs <- nil
			}()
		}
		for range hs {
			if err := <-errs; err != nil {
				t.Fatalf("a visit failed: %v", err)
			}
		}
		// The roll-up still adds up: two households due, one visit each.
		var due, visits int
		if err := db.Read(ctx, func(tx *store.Tx) error {
			if err := tx.QueryRow(ctx, `SELECT COALESCE(SUM(n), 0) FROM household_street_day_counts WHERE kind = 'due'`).Scan(&due); err != nil {
				return err
			}
			return tx.QueryRow(ctx, `SELECT COALESCE(SUM(n), 0) FROM household_street_day_counts WHERE kind = 'visit'`).Scan(&visits)
		}); err != nil {
			t.Fatal(err)
		}
		if due != 2 || visits != 2 {
			t.Errorf("the street counts %d due and %d visits, want 2 and 2", due, visits)
		}
	})
}
