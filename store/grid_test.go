package store_test

import (
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/grid"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

func mustGridUser(t *testing.T, db *store.DB, name string, u *org.Unit) *org.User {
	t.Helper()
	id, err := db.NextID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	usr := &org.User{ID: id, Username: name, Name: name, Role: org.RoleGridWorker, UnitID: u.ID, UnitPath: u.Path, Active: true, CreatedAt: time.Now()}
	if err := db.Write(ctx, func(tx *store.Tx) error { return store.InsertUser(ctx, tx, usr) }); err != nil {
		t.Fatal(err)
	}
	return usr
}

func mustWrite(t *testing.T, db *store.DB, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := db.Write(ctx, fn); err != nil {
		t.Fatal(err)
	}
}

func TestGridReportRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		district := mustUnit(t, db, "chengxi")
		g1 := mustChildUnit(t, db, district, org.KindGrid, "g1")
		g2 := mustChildUnit(t, db, district, org.KindGrid, "g2")
		w := mustGridUser(t, db, "gw", g1)
		now := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
		var reports []*store.GridReport
		for i, g := range []*org.Unit{g1, g1, g2} {
			tk := mustTicket(t, db, g, now, func(tk *ticket.Ticket) { tk.CreatedBy = w.ID })
			lat, lng := 36.6, 101.7
			r := &store.GridReport{ID: tk.ID + 1000, GridID: g.ID, GridPath: g.Path, ReporterID: w.ID, Class: grid.ClassPart,
				Category: []string{"P01", "P01", "E05"}[i], Title: "井盖缺失", Description: "d", Address: "a", Lat: &lat, Lng: &lng,
				TicketID: tk.ID, Status: grid.ReportRegistered, ReportedAt: now.Add(time.Duration(i) * time.Minute), UpdatedAt: now}
			mustWrite(t, db, func(tx *store.Tx) error { return store.InsertGridReport(ctx, tx, r) })
			reports = append(reports, r)
		}
		// An ordinary ticket of the worker shows in the diary's tickets;
		// the ones that carry reports do not.
		mustTicket(t, db, g1, now, func(tk *ticket.Ticket) { tk.CreatedBy = w.ID; tk.Title = "代登记" })
		r := reports[0]
		passed := false
		r.Status, r.CheckedAt, r.CheckedBy, r.CheckPassed, r.CheckNote, r.Checks, r.FailedChecks = grid.ReportCheckFailed, &now, w.ID, &passed, "未修好", 1, 1
		mustWrite(t, db, func(tx *store.Tx) error { return store.UpdateGridReport(ctx, tx, r) })
		err := db.Read(ctx, func(tx *store.Tx) error {
			got, err := store.GetGridReportByTicket(ctx, tx, r.TicketID)
			if err != nil {
				return err
			}
			if got.Status != grid.ReportCheckFailed || got.CheckPassed == nil || *got.CheckPassed || got.GridName != "g1" || got.Ticket == "" ||
				got.Lat == nil || !got.CheckedAt.Equal(now) {
				t.Errorf("got %+v", got)
			}
			if _, err := store.GetGridReport(ctx, tx, 1); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
				t.Errorf("missing: %v", err)
			}
			list, err := store.ListGridReports(ctx, tx, store.GridReportFilter{Paths: []string{g1.Path}})
			if err != nil || len(list) != 2 || list[0].ID != reports[1].ID {
				t.Errorf("list g1: %d, %v", len(list), err)
			}
			list, _ = store.ListGridReports(ctx, tx, store.GridReportFilter{Statuses: []grid.ReportStatus{grid.ReportCheckFailed}})
			if len(list) != 1 {
				t.Errorf("list failed: %d", len(list))
			}
			fig, err := store.CountGridReports(ctx, tx, store.GridReportFilter{})
			if err != nil || fig.Total != 3 || fig.Checked != 1 || fig.PassedFirst != 0 || fig.FailedChecks != 1 ||
				len(fig.ByCategory) != 2 || fig.ByCategory[0] != (store.GridCount{Key: "E05", Count: 1}) || fig.ByGrid[0].Key != "g1" {
				t.Errorf("figures %+v, %v", fig, err)
			}
			checks, err := store.GridChecks(ctx, tx, w.ID, now, now.Add(time.Hour))
			if err != nil || len(checks) != 1 {
				t.Errorf("checks %d, %v", len(checks), err)
			}
			tks, err := store.TicketsCreatedBy(ctx, tx, w.ID, now, now.Add(time.Hour))
			if err != nil || len(tks) != 1 || tks[0].Title != "代登记" {
				t.Errorf("tickets %+v, %v", tks, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestLedgerRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		district := mustUnit(t, db, "chengxi")
		street := mustChildUnit(t, db, district, org.KindStreet, "s1")
		other := mustChildUnit(t, db, district, org.KindStreet, "s2")
		w := mustGridUser(t, db, "gw", street)
		now := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
		c := &store.LedgerCampaign{ID: 900, Title: "安全隐患大排查", UnitID: street.ID, UnitPath: street.Path, Deadline: now.AddDate(0, 1, 0), CreatedAt: now}
		mustWrite(t, db, func(tx *store.Tx) error { return store.InsertCampaign(ctx, tx, c) })
		past, future := now.Add(-time.Hour), now.Add(time.Hour)
		var items []*store.LedgerItem
		for i := range 5 {
			it := &store.LedgerItem{ID: int64(1000 + i), CampaignID: c.ID, Problem: "消防通道堵塞", Severity: grid.SeverityNormal, Place: "3号楼",
				UnitID: street.ID, UnitPath: street.Path, Status: grid.ItemFound, FoundBy: w.ID, FoundAt: now, UpdatedAt: now, Deadline: &past}
			if i >= 3 {
				it.ResponsibleID, it.ResponsiblePath, it.Deadline = other.ID, other.Path, &future
			}
			mustWrite(t, db, func(tx *store.Tx) error { return store.InsertLedgerItem(ctx, tx, it) })
			items = append(items, it)
		}
		if items[4].Seq != 5 {
			t.Errorf("seq %d", items[4].Seq)
		}
		it := items[0]
		it.Status, it.TickedOffBy, it.TickedOffAt, it.Evidence = grid.ItemTickedOff, w.ID, &now, "已清理"
		mustWrite(t, db, func(tx *store.Tx) error { return store.UpdateLedgerItem(ctx, tx, it) })
		stale := *items[0]
		stale.Version = 1
		if err := db.Write(ctx, func(tx *store.Tx) error { return store.UpdateLedgerItem(ctx, tx, &stale) }); !minsheng.IsCode(err, minsheng.ECONFLICT) {
			t.Errorf("stale update: %v", err)
		}
		err := db.Read(ctx, func(tx *store.Tx) error {
			got, err := store.GetLedgerItem(ctx, tx, it.ID)
			if err != nil || got.Status != grid.ItemTickedOff || got.TickedOffName != "gw" || got.Version != 2 || got.Overdue(now) {
				t.Errorf("got %+v, %v", got, err)
			}
			total, units, err := store.LedgerProgress(ctx, tx, store.LedgerFilter{CampaignID: c.ID}, now)
			if err != nil || total.Found != 5 || total.TickedOff != 1 || total.Overdue != 2 || len(units) != 2 || units[1].Found != 2 {
				t.Errorf("progress %+v %+v, %v", total, units, err)
			}
			late, _ := store.ListLedgerItems(ctx, tx, store.LedgerFilter{CampaignID: c.ID, OverdueAt: &now})
			if len(late) != 2 {
				t.Errorf("overdue %d", len(late))
			}
			mine, _ := store.ListLedgerItems(ctx, tx, store.LedgerFilter{CampaignID: c.ID, Paths: []string{other.Path}})
			if len(mine) != 2 {
				t.Errorf("other street's items %d", len(mine))
			}
			// A street's staff see the district's campaigns and their own.
			cs, err := store.ListCampaigns(ctx, tx, []string{street.Path})
			if err != nil || len(cs) != 1 {
				t.Errorf("campaigns %d, %v", len(cs), err)
			}
			cs, _ = store.ListCampaigns(ctx, tx, []string{other.Path})
			if len(cs) != 0 {
				t.Errorf("another street's campaigns %d", len(cs))
			}
			found, checked, err := store.LedgerItemsTouched(ctx, tx, w.ID, now, now.Add(time.Minute))
			if err != nil || len(found) != 5 || len(checked) != 1 {
				t.Errorf("touched %d %d, %v", len(found), len(checked), err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestDiaryRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		district := mustUnit(t, db, "chengxi")
		g := mustChildUnit(t, db, district, org.KindGrid, "g1")
		w := mustGridUser(t, db, "gw", g)
		now := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
		d := &store.FieldDiary{ID: 50, AuthorID: w.ID, GridID: g.ID, GridPath: g.Path, Day: "2026-12-07", Text: "草稿", Status: grid.DiaryDraft, CreatedAt: now, UpdatedAt: now}
		mustWrite(t, db, func(tx *store.Tx) error { return store.InsertDiary(ctx, tx, d) })
		dup := *d
		dup.ID = 51
		if err := db.Write(ctx, func(tx *store.Tx) error { return store.InsertDiary(ctx, tx, &dup) }); !minsheng.IsCode(err, minsheng.ECONFLICT) {
			t.Errorf("second diary of a day: %v", err)
		}
		d.Status, d.SubmittedAt, d.Text = grid.DiarySubmitted, &now, "改过"
		mustWrite(t, db, func(tx *store.Tx) error { return store.UpdateDiary(ctx, tx, d) })
		err := db.Read(ctx, func(tx *store.Tx) error {
			got, err := store.GetDiaryOfDay(ctx, tx, w.ID, "2026-12-07")
			if err != nil || got.Text != "改过" || got.Status != grid.DiarySubmitted || got.GridName != "g1" || got.SubmittedAt == nil {
				t.Errorf("got %+v, %v", got, err)
			}
			list, err := store.ListDiaries(ctx, tx, store.DiaryFilter{Paths: []string{district.Path}, Submitted: true})
			if err != nil || len(list) != 1 {
				t.Errorf("list %d, %v", len(list), err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestLedgerCountsFollowChanges: the counts kept in the items' own
// transactions give the same progress as counting the items, after random
// changes of status, responsible unit and deadline (before, on and after
// today, around now), scoped or not; RebuildLedgerCounts agrees.
func TestLedgerCountsFollowChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		district := mustUnit(t, db, "chengxi")
		a := mustChildUnit(t, db, district, org.KindStreet, "a")
		b := mustChildUnit(t, db, district, org.KindStreet, "b")
		now := time.Date(2026, 12, 7, 5, 0, 0, 0, time.UTC) // 13:00 in China
		c := &store.LedgerCampaign{ID: 900, Title: "大排查", UnitID: district.ID, UnitPath: district.Path, Deadline: now, CreatedAt: now}
		mustWrite(t, db, func(tx *store.Tx) error { return store.InsertCampaign(ctx, tx, c) })
		deadlines := []*time.Time{nil}
		for _, d := range []time.Duration{-50 * time.Hour, -3 * time.Hour, -time.Minute, time.Minute, 8 * time.Hour, 40 * time.Hour} {
			x := now.Add(d)
			deadlines = append(deadlines, &x)
		}
		units := []*org.Unit{nil, a, b}
		rnd := uint64(7)
		next := func(n int) int { rnd = rnd*6364136223846793005 + 1442695040888963407; return int(rnd>>33) % n }
		var items []*store.LedgerItem
		for i := range 60 {
			found := []*org.Unit{a, b}[i%2]
			it := &store.LedgerItem{ID: int64(1000 + i), CampaignID: c.ID, Problem: "隐患", Severity: grid.SeverityNormal, Place: "1号楼",
				UnitID: found.ID, UnitPath: found.Path, Status: grid.ItemFound, FoundAt: now, UpdatedAt: now, Deadline: deadlines[next(len(deadlines))]}
			mustWrite(t, db, func(tx *store.Tx) error { return store.InsertLedgerItem(ctx, tx, it) })
			items = append(items, it)
		}
		for range 300 {
			it := items[next(len(items))]
			it.Status = grid.ItemStatuses[next(len(grid.ItemStatuses))]
			if r := units[next(len(units))]; r != nil {
				it.ResponsibleID, it.ResponsiblePath = r.ID, r.Path
			} else {
				it.ResponsibleID, it.ResponsiblePath = 0, ""
			}
			it.Deadline = deadlines[next(len(deadlines))]
			mustWrite(t, db, func(tx *store.Tx) error { return store.UpdateLedgerItem(ctx, tx, it) })
		}
		check := func(paths []string) {
			t.Helper()
			err := db.Read(ctx, func(tx *store.Tx) error {
				total, per, err := store.LedgerProgress(ctx, tx, store.LedgerFilter{CampaignID: c.ID, Paths: paths}, now)
				if err != nil {
					return err
				}
				all, err := store.ListLedgerItems(ctx, tx, store.LedgerFilter{CampaignID: c.ID, Paths: paths})
				if err != nil {
					return err
				}
				var want grid.Progress
				byUnit := map[int64]*grid.Progress{}
				for _, it := range all {
					if byUnit[it.ResponsibleID] == nil {
						byUnit[it.ResponsibleID] = &grid.Progress{}
					}
					want.Add(it.Status, 1)
					byUnit[it.ResponsibleID].Add(it.Status, 1)
					if it.Overdue(now) {
						want.Overdue++
						byUnit[it.ResponsibleID].Overdue++
					}
				}
				if total != want || len(per) != len(byUnit) {
					t.Errorf("paths %v: progress %+v over %d units; counting the items %+v over %d", paths, total, len(per), want, len(byUnit))
				}
				for _, u := range per {
					if u.Progress != *byUnit[u.UnitID] {
						t.Errorf("paths %v, unit %d: %+v; want %+v", paths, u.UnitID, u.Progress, *byUnit[u.UnitID])
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		check(nil)
		check([]string{a.Path})
		mustWrite(t, db, func(tx *store.Tx) error { return store.RebuildLedgerCounts(ctx, tx, c.ID) })
		check(nil)
		check([]string{b.Path})
	})
}
