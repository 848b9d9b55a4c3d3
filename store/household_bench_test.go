package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng/household"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// Size of the households benchmark: a city's registry.
const (
	hhBenchHouseholds = 500_000
	hhBenchStreets    = 10
	hhBenchPerStreet  = 10 // communities
	hhBenchPerComm    = 4  // grids
	hhBenchCadres     = 5_000
)

// benchRegistry fills a database with hhBenchHouseholds households spread
// over the grids of hhBenchStreets streets, each paired with one of
// hhBenchCadres cadres, due over the two months around benchNow.
func benchRegistry(b *testing.B, dialect string) (*store.DB, []*org.Unit, []*org.Unit, int64) {
	b.Helper()
	ctx := context.Background()
	db := storetest.Open(b, dialect)
	now := benchNow
	var streets, communities, grids []*org.Unit
	id := int64(0)
	next := func() int64 { id++; return id }
	start := time.Now()
	err := db.Write(ctx, func(tx *store.Tx) error {
		root := &org.Unit{ID: next(), Kind: org.KindDistrict, Code: "d", Name: "城西区", CreatedAt: now}
		root.Path = org.ChildPath("", root.ID)
		units := []*org.Unit{root}
		for s := range hhBenchStreets {
			st := &org.Unit{ID: next(), ParentID: root.ID, Kind: org.KindStreet, Code: fmt.Sprintf("s%d", s), Name: "街道", CreatedAt: now}
			st.Path = org.ChildPath(root.Path, st.ID)
			units, streets = append(units, st), append(streets, st)
			for c := range hhBenchPerStreet {
				cm := &org.Unit{ID: next(), ParentID: st.ID, Kind: org.KindCommunity, Code: fmt.Sprintf("s%dc%d", s, c), Name: "社区", CreatedAt: now}
				cm.Path = org.ChildPath(st.Path, cm.ID)
				units, communities = append(units, cm), append(communities, cm)
				for g := range hhBenchPerComm {
					gr := &org.Unit{ID: next(), ParentID: cm.ID, Kind: org.KindGrid, Code: fmt.Sprintf("s%dc%dg%d", s, c, g), Name: "网格", CreatedAt: now}
					gr.Path = org.ChildPath(cm.Path, gr.ID)
					units, grids = append(units, gr), append(grids, gr)
				}
			}
		}
		for _, u := range units {
			if err := store.InsertUnit(ctx, tx, u); err != nil {
				return err
			}
		}
		for c := range hhBenchCadres {
			g := grids[c%len(grids)]
			if err := store.InsertUser(ctx, tx, &org.User{ID: next(), Username: fmt.Sprintf("cadre%d", c), Name: "干部", Role: org.RoleGridWorker,
				UnitID: g.ID, Active: true, CreatedAt: now}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	firstCadre := id - hhBenchCadres + 1
	type countKey struct {
		grid *org.Unit
		kind string
		day  time.Time
	}
	counts := map[countKey]int{}
	const batch = 500
	for lo := 0; lo < hhBenchHouseholds; lo += batch * 20 {
		err := db.Write(ctx, func(tx *store.Tx) error {
			for lo2 := lo; lo2 < min(lo+batch*20, hhBenchHouseholds); lo2 += batch {
				var hv, pv []string
				var ha, pa []any
				for i := lo2; i < min(lo2+batch, hhBenchHouseholds); i++ {
					hid := int64(1_000_000 + i)
					g := grids[i%len(grids)]
					due := now.AddDate(0, 0, i%61-30)
					last := due.AddDate(0, 0, -30)
					hv = append(hv, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
					ha = append(ha, hid, g.ID, g.Path, "地址", now, 30, last, due, now, now)
					pv = append(pv, "(?, ?, ?, ?)")
					// Cadres keep households of one grid: cadre c has the
					// households i with i % hhBenchCadres == c.
					pa = append(pa, int64(2_000_000+i), hid, firstCadre+int64(i%hhBenchCadres), now)
					counts[countKey{g, "due", household.Day(due).UTC()}]++
					counts[countKey{g, "visit", household.Day(last).UTC()}]++
				}
				if _, err := tx.Exec(ctx, `INSERT INTO households (id, unit_id, unit_path, address, consent_at, interval_days, last_visit_at,
					next_due_at, created_at, updated_at) VALUES `+strings.Join(hv, ", "), ha...); err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, `INSERT INTO household_pairings (id, household_id, cadre_id, from_at) VALUES `+strings.Join(pv, ", "), pa...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	err = db.Write(ctx, func(tx *store.Tx) error {
		type streetKey struct {
			street, kind string
			day          time.Time
		}
		streetCounts := map[streetKey]int{}
		for k, n := range counts {
			if _, err := tx.Exec(ctx, `INSERT INTO household_day_counts (unit_id, unit_path, kind, day, n) VALUES (?, ?, ?, ?, ?)`,
				k.grid.ID, k.grid.Path, k.kind, k.day, n); err != nil {
				return err
			}
			streetCounts[streetKey{store.StreetPath(k.grid.Path), k.kind, k.day}] += n
		}
		for k, n := range streetCounts {
			if _, err := tx.Exec(ctx, `INSERT INTO household_street_day_counts (street_path, kind, day, n) VALUES (?, ?, ?, ?)`,
				k.street, k.kind, k.day, n); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := db.Write(ctx, func(tx *store.Tx) error { _, err := tx.Exec(ctx, `ANALYZE`); return err }); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: %d households, %d cadres, %d grids loaded in %v", dialect, hhBenchHouseholds, hhBenchCadres, len(grids), time.Since(start).Round(time.Second))
	return db, streets, communities, firstCadre
}

// BenchmarkHouseholds measures the cadre's due list and the coverage by
// grid (of a community, a street, the whole district) and by street (the
// district's table, from the roll-up) over 500,000
// households: go test ./store -run '^$' -bench Households -benchtime 50x.
func BenchmarkHouseholds(b *testing.B) {
	for _, d := range storetest.Dialects() {
		b.Run(d, func(b *testing.B) {
			db, streets, communities, firstCadre := benchRegistry(b, d)
			ctx := context.Background()
			today := household.Day(benchNow)
			soon := today.AddDate(0, 0, household.DueSoonDays+1)
			since := benchNow.AddDate(0, 0, -30)
			b.Run("due_list", func(b *testing.B) {
				i := 0
				for b.Loop() {
					i++
					err := db.Read(ctx, func(tx *store.Tx) error {
						hs, err := store.DueHouseholds(ctx, tx, firstCadre+int64(i%hhBenchCadres), soon, 200)
						if err == nil && len(hs) == 0 {
							err = fmt.Errorf("empty due list")
						}
						return err
					})
					if err != nil {
						b.Fatal(err)
					}
				}
			})
			for _, c := range []struct {
				name string
				path string
				min  int
			}{{"coverage_community", communities[3].Path, hhBenchPerComm}, {"coverage_street", streets[2].Path, hhBenchPerStreet * hhBenchPerComm},
				{"coverage_district", "/1/", hhBenchStreets * hhBenchPerStreet * hhBenchPerComm}} {
				b.Run(c.name, func(b *testing.B) {
					for b.Loop() {
						err := db.Read(ctx, func(tx *store.Tx) error {
							cov, err := store.HouseholdCoverage(ctx, tx, []string{c.path}, since, today, soon)
							if err == nil && len(cov) != c.min {
								err = fmt.Errorf("%d grids, want %d", len(cov), c.min)
							}
							return err
						})
						if err != nil {
							b.Fatal(err)
						}
					}
				})
			}
			// The district's table by street reads the roll-up.
			b.Run("coverage_district_by_street", func(b *testing.B) {
				for b.Loop() {
					err := db.Read(ctx, func(tx *store.Tx) error {
						cov, err := store.HouseholdStreetCoverage(ctx, tx, []string{"/1/"}, since, today, soon)
						n := 0
						for _, c := range cov {
							n += c.Households
						}
						if err == nil && (len(cov) != hhBenchStreets || n != hhBenchHouseholds) {
							err = fmt.Errorf("%d streets with %d households, want %d with %d", len(cov), n, hhBenchStreets, hhBenchHouseholds)
						}
						return err
					})
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
