package store_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng/grid"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// BenchmarkLedgerProgress measures a campaign's counts per responsible
// unit (the ledger page's table, store.LedgerProgress) over a ledger of
// MINSHENG_BENCH_FINDINGS items (default 100,000; the target is
// 1,000,000 under 50 ms), spread over 200 responsible units, every status
// and deadlines on 30 days around now (a campaign's items share a few
// deadlines), on each available dialect. The
// items are bulk-loaded around the use cases, so their counts are rebuilt
// once (store.RebuildLedgerCounts) before the timing.
func BenchmarkLedgerProgress(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("MINSHENG_BENCH_FINDINGS")); err == nil && v > 0 {
		n = v
	}
	for _, d := range storetest.Dialects() {
		b.Run(fmt.Sprintf("%s/%d", d, n), func(b *testing.B) {
			db := storetest.Open(b, d)
			now := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
			district := &org.Unit{ID: benchID(b, db), Kind: org.KindDistrict, Code: "d", Name: "区", CreatedAt: now}
			district.Path = org.ChildPath("", district.ID)
			benchWrite(b, db, func(tx *store.Tx) error { return store.InsertUnit(ctx, tx, district) })
			var units []*org.Unit
			for i := range 200 {
				u := &org.Unit{ID: benchID(b, db), ParentID: district.ID, Kind: org.KindCommunity, Code: fmt.Sprintf("c%d", i), Name: fmt.Sprintf("社区%d", i), CreatedAt: now}
				u.Path = org.ChildPath(district.Path, u.ID)
				units = append(units, u)
			}
			benchWrite(b, db, func(tx *store.Tx) error {
				for _, u := range units {
					if err := store.InsertUnit(ctx, tx, u); err != nil {
						return err
					}
				}
				return nil
			})
			c := &store.LedgerCampaign{ID: benchID(b, db), Title: "大排查", UnitID: district.ID, UnitPath: district.Path, Deadline: now, CreatedAt: now}
			benchWrite(b, db, func(tx *store.Tx) error { return store.InsertCampaign(ctx, tx, c) })
			base := benchID(b, db) * 10
			const batch = 500
			start := time.Now()
			for lo := 0; lo < n; lo += batch * 20 {
				benchWrite(b, db, func(tx *store.Tx) error {
					for blo := lo; blo < min(lo+batch*20, n); blo += batch {
						var sb strings.Builder
						var args []any
						sb.WriteString(`INSERT INTO ledger_items (id, campaign_id, seq, problem, severity, place, unit_id, unit_path,
							responsible_unit_id, responsible_path, deadline, status, found_at, updated_at) VALUES `)
						for i := blo; i < min(blo+batch, n); i++ {
							if i > blo {
								sb.WriteString(",")
							}
							sb.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
							u := units[i%len(units)]
							// Every unit, status and deadline day together: the
							// counts table at its largest for the ledger.
							st := grid.ItemStatuses[(i/len(units))%len(grid.ItemStatuses)]
							day := (i / (len(units) * len(grid.ItemStatuses))) % 30
							args = append(args, base+int64(i), c.ID, i+1, "楼道堆物", grid.SeverityNormal, "3号楼", u.ID, u.Path, u.ID, u.Path,
								now.Add(time.Duration(day-15)*24*time.Hour+time.Duration(i%24)*time.Hour), st, now, now)
						}
						if _, err := tx.Exec(ctx, sb.String(), args...); err != nil {
							return err
						}
					}
					return nil
				})
			}
			benchWrite(b, db, func(tx *store.Tx) error { return store.RebuildLedgerCounts(ctx, tx, c.ID) })
			b.Logf("%d items written and counted in %v", n, time.Since(start).Round(time.Millisecond))
			b.ResetTimer()
			for b.Loop() {
				err := db.Read(ctx, func(tx *store.Tx) error {
					total, per, err := store.LedgerProgress(ctx, tx, store.LedgerFilter{CampaignID: c.ID}, now)
					if err == nil && (total.Found != n || len(per) != len(units)) {
						b.Fatalf("counts %+v over %d units", total, len(per))
					}
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
