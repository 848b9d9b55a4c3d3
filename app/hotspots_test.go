package app_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

// HotSpotHistory gives the fixture a hot spot and noise:
//
//   - 8 days before now, one call about the street lamps of 幸福路 and two
//     unrelated ones;
//   - now (Tuesday 10 March 2026, from 09:00), five calls from five callers
//     about the lamps at points in 海湖社区, dispatched to the community;
//     three calls from one caller about night-market smoke on 文汇路; five
//     unrelated calls.
//
// It returns the lamp tickets of today.
func hotSpotHistory(t *testing.T, f *apptest.Fixture) []*ticket.Ticket {
	t.Helper()
	box := []byte(`{"type":"Polygon","coordinates":[[[101.72,36.61],[101.755,36.61],[101.755,36.64],[101.72,36.64],[101.72,36.61]]]}`)
	if err := f.Svc.SetBoundary(ctx, f.Users["admin"], f.Community.ID, box); err != nil {
		t.Fatal(err)
	}
	n := 0
	create := func(title, desc, phone string, lat float64) *ticket.Ticket {
		t.Helper()
		n++
		in := apptest.NewTicket()
		in.Title, in.Description, in.CallerPhone = title, desc, phone
		if lat != 0 {
			lng := 101.73 + float64(n)*0.0001
			in.Lat, in.Lng = &lat, &lng
		}
		tk, _, err := f.Svc.CreateTicket(ctx, f.Users["agent"], in, "")
		if err != nil {
			t.Fatal(err)
		}
		f.Clock.Advance(20 * time.Minute)
		return tk
	}
	create("幸福路路灯坏了", "幸福路路灯坏了好几天，晚上一片漆黑", "13900000001", 0)
	create("咨询医保报销比例", "门诊报销比例是多少", "13900000002", 0)
	create("建议增开公交线路", "希望增开到火车站的公交", "13900000003", 0)
	f.Clock.Advance(8 * 24 * time.Hour)
	var lamps []*ticket.Ticket
	for i := range 5 {
		tk := create("幸福路路灯不亮", fmt.Sprintf("幸福路%d号附近的路灯晚上不亮，走路很危险", 10+i), fmt.Sprintf("1390000010%d", i), 36.62)
		ok(t)(f.Svc.Dispatch(ctx, f.Users["dispatcher"], tk.Number, f.Community.ID, ""))
		lamps = append(lamps, tk)
	}
	for i := range 3 {
		create("文汇路夜市油烟扰民", fmt.Sprintf("文汇路夜市烧烤油烟%d点还不停", 22+i), "13900000200", 0)
	}
	create("小区暖气不热", "暖气温度只有十二度", "13900000301", 0)
	create("孩子入学咨询", "户口不在本区能否入学", "13900000302", 0)
	create("噪音扰民投诉", "楼下商铺音响太吵", "13900000303", 0)
	create("自来水发黄", "早上放出来的水是黄色的", "13900000304", 0)
	create("养老补贴怎么申请", "八十岁老人补贴在哪里申请", "13900000305", 0)
	return lamps
}

func mustHotSpots(t *testing.T, f *apptest.Fixture, user string, q app.HotSpotQuery) *app.HotSpotBoard {
	t.Helper()
	b, err := f.Svc.HotSpots(ctx, f.Users[user], q)
	if err != nil {
		t.Fatalf("hot spots as %s: %v", user, err)
	}
	return b
}

func TestHotSpotBoard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		lamps := hotSpotHistory(t, f)

		b := mustHotSpots(t, f, "leader", app.HotSpotQuery{})
		if b.Days != 7 || b.To != "2026-03-10" || b.From != "2026-03-04" || len(b.Dates) != 7 || b.Dates[6] != "2026-03-10" {
			t.Errorf("window %d days %s..%s %v", b.Days, b.From, b.To, b.Dates)
		}
		if len(b.Spots) != 2 {
			t.Fatalf("%d spots, want the lamps and the night market: %+v", len(b.Spots), b.Spots)
		}
		top := b.Spots[0]
		if top.Rank != 1 || !strings.Contains(top.Title, "路灯") || top.Count != 5 || top.Previous != 1 || top.Growth != 4 || top.Callers != 5 {
			t.Errorf("top spot %q: rank %d, %d requests (%d before, growth %v), %d callers", top.Title, top.Rank, top.Count, top.Previous, top.Growth, top.Callers)
		}
		if top.Places != 1 || top.AreaCount != 1 || len(top.Areas) != 1 || top.Areas[0].Name != "海湖社区" || top.Areas[0].Count != 5 {
			t.Errorf("spread: %d places, areas %d %+v", top.Places, top.AreaCount, top.Areas)
		}
		for _, sp := range b.Spots {
			sum := sp.OtherAreas + sp.Unplaced
			for _, a := range sp.Areas {
				sum += a.Count
			}
			if sum != sp.Count {
				t.Errorf("spot %q: areas %+v, %d in other areas, %d unplaced add up to %d, not its %d requests",
					sp.Title, sp.Areas, sp.OtherAreas, sp.Unplaced, sum, sp.Count)
			}
		}
		if len(top.Trend) != 7 || top.Trend[6] != 5 || top.Trend[0] != 0 {
			t.Errorf("trend %v, want the five on the last day", top.Trend)
		}
		if len(top.Terms) == 0 || !strings.Contains(strings.Join(top.Terms, " "), "路灯") {
			t.Errorf("terms %v", top.Terms)
		}
		if len(top.Samples) != 5 {
			t.Fatalf("%d samples", len(top.Samples))
		}
		numbers := map[string]bool{}
		for _, l := range lamps {
			numbers[l.Number] = true
		}
		for _, s := range top.Samples {
			if !numbers[s.Number] {
				t.Errorf("sample %s %q is not a lamp request", s.Number, s.Title)
			}
			if !strings.Contains(s.CallerPhone, "****") || s.CallerName == apptest.NewTicket().CallerName || s.Number == "" {
				t.Errorf("sample %s shows caller %q %q", s.Number, s.CallerName, s.CallerPhone)
			}
		}
		second := b.Spots[1]
		if !strings.Contains(second.Title, "夜市") || second.Count != 3 || second.Callers != 1 {
			t.Errorf("second spot %q: %d requests, %d callers", second.Title, second.Count, second.Callers)
		}

		// A window of one day still has the lamps, compared with the day before.
		if b1 := mustHotSpots(t, f, "dispatcher", app.HotSpotQuery{Days: 1}); len(b1.Spots) == 0 || b1.Spots[0].Count != 5 || b1.Spots[0].Previous != 0 || len(b1.Dates) != 1 {
			t.Errorf("one day: %+v", b1.Spots)
		}

		// Visibility: the community's handler sees the lamps (handled
		// there), not the night market; a handler of another street sees
		// nothing of them, and may not ask for the community.
		hb := mustHotSpots(t, f, "handler", app.HotSpotQuery{})
		if len(hb.Spots) != 1 || hb.Spots[0].Count != 5 || hb.Unit.ID != f.Community.ID {
			t.Errorf("community handler sees %+v", hb.Spots)
		}
		if ob := mustHotSpots(t, f, "other_handler", app.HotSpotQuery{}); len(ob.Spots) != 0 || ob.Requests != 0 {
			t.Errorf("other street's handler sees %d requests, spots %+v", ob.Requests, ob.Spots)
		}
		if _, err := f.Svc.HotSpots(ctx, f.Users["other_handler"], app.HotSpotQuery{UnitID: f.Community.ID}); err == nil {
			t.Error("a handler of another street read the community's board")
		}
		if _, err := f.Svc.HotSpots(ctx, f.Users["leader"], app.HotSpotQuery{Days: 31}); minsheng.ErrorCode(err) != minsheng.EINVALID {
			t.Errorf("31 days: %v", err)
		}

		// The board is kept a few minutes: a new call shows after that.
		in := apptest.NewTicket()
		in.Title, in.Description, in.CallerPhone = "幸福路路灯还是不亮", "幸福路15号附近的路灯晚上不亮", "13900000199"
		ok(t)(func() (*ticket.Ticket, error) {
			tk, _, err := f.Svc.CreateTicket(ctx, f.Users["agent"], in, "")
			return tk, err
		}())
		if c := mustHotSpots(t, f, "leader", app.HotSpotQuery{}); c.Spots[0].Count != 5 || !c.AsOf.Equal(b.AsOf) {
			t.Errorf("within minutes the board changed: %d requests as of %v", c.Spots[0].Count, c.AsOf)
		}
		f.Clock.Advance(2 * time.Hour)
		if c := mustHotSpots(t, f, "leader", app.HotSpotQuery{}); c.Spots[0].Count != 6 {
			t.Errorf("hours later the board has %d lamp requests, want 6", c.Spots[0].Count)
		}
	})
}
