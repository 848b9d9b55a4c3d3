package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/stats"
	"github.com/minsheng/minsheng/ticket"
)

// statsHistory gives the fixture four tickets on Monday 2 March 2026,
// between 09:00 and 10:00:
//
//	1 to the community (兴海路街道): acknowledged, replied, resolved and satisfied, closed; at a point
//	2 to 虎台街道: acknowledged, still in hand
//	3 invalid
//	4 to the community: dispatched, not acknowledged; at a point
func statsHistory(t *testing.T, e *env) {
	t.Helper()
	f := e.f
	box := []byte(`{"type":"Polygon","coordinates":[[[101.72,36.61],[101.755,36.61],[101.755,36.64],[101.72,36.64],[101.72,36.61]]]}`)
	if err := f.Svc.SetBoundary(context.Background(), f.Users["admin"], f.Community.ID, box); err != nil {
		t.Fatal(err)
	}
	at := func(lat, lng float64) ticket.NewTicket {
		in := apptest.NewTicket()
		in.Lat, in.Lng = &lat, &lng
		return in
	}
	t1 := e.create(t, "agent", at(36.62, 101.73))
	e.act(t, "dispatcher", t1.Number, "dispatch", map[string]any{"unit_id": f.Community.ID})
	f.Clock.Advance(10 * time.Minute)
	e.act(t, "handler", t1.Number, "acknowledge", nil)
	e.act(t, "handler", t1.Number, "reply", map[string]string{"reply": "已修好"})
	e.act(t, "agent", t1.Number, "callback", map[string]any{"resolved": true, "satisfaction": "satisfied"})
	e.act(t, "dispatcher", t1.Number, "close", nil)

	t2 := e.create(t, "agent", apptest.NewTicket())
	e.act(t, "dispatcher", t2.Number, "dispatch", map[string]any{"unit_id": f.OtherStreet.ID})
	e.act(t, "other_handler", t2.Number, "acknowledge", nil)

	t3 := e.create(t, "agent", apptest.NewTicket())
	e.act(t, "agent", t3.Number, "invalidate", map[string]string{"reason": "测试电话"})

	t4 := e.create(t, "agent", at(36.63, 101.74))
	e.act(t, "dispatcher", t4.Number, "dispatch", map[string]any{"unit_id": f.Community.ID})
}

const march = "from=2026-03-01&to=2026-03-31"

func value(r stats.Rate) string {
	if r.Value == nil {
		return fmt.Sprintf("%d/%d", r.Numerator, r.Denominator)
	}
	return fmt.Sprintf("%d/%d=%.4f", r.Numerator, r.Denominator, *r.Value)
}

func TestStatsRates(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		statsHistory(t, e)
		f := e.f
		rep := mustJSON[app.RatesReport](t, e.do(t, "GET", "/api/v1/stats/rates?by=unit&"+march, "leader", nil), http.StatusOK)
		c := rep.Total.Counts
		if c.Received != 4 || c.Invalid != 1 || c.Closed != 1 || c.AckDue != 3 || c.AckOnTime != 2 || c.Callbacks != 1 {
			t.Fatalf("total counts %+v", c)
		}
		r := rep.Total.Rates
		if value(r.Closure) != "1/3=0.3333" || value(r.Response) != "2/3=0.6667" || value(r.Resolution) != "1/1=1.0000" ||
			value(r.Satisfaction) != "1/1=1.0000" {
			t.Errorf("rates: closure %s response %s resolution %s satisfaction %s", value(r.Closure), value(r.Response),
				value(r.Resolution), value(r.Satisfaction))
		}
		if rep.Unit.ID != f.District.ID || rep.From != "2026-03-01" || rep.To != "2026-03-31" || rep.Previous.Counts.Received != 0 {
			t.Errorf("report: unit %d %s–%s, previous %+v", rep.Unit.ID, rep.From, rep.To, rep.Previous.Counts)
		}
		got := map[string]int64{}
		for _, row := range rep.Rows {
			got[row.Label] = row.Counts.Received
		}
		// The invalid ticket never left the intake: it is in the row
		// "未分派 / 其他" (key "other"), so the rows add up to the total.
		if got[f.Street.Name] != 2 || got[f.OtherStreet.Name] != 1 || got[f.Dept.Name] != 0 || got[app.OtherLabel] != 1 || len(rep.Rows) != 4 ||
			rep.Rows[3].Key != app.OtherKey {
			t.Errorf("by unit: %v", got)
		}

		// A handler sees their own unit by default, and no other street.
		mine := mustJSON[app.RatesReport](t, e.do(t, "GET", "/api/v1/stats/rates?"+march, "handler", nil), http.StatusOK)
		if mine.Unit.ID != f.Community.ID || mine.Total.Counts.Received != 2 {
			t.Errorf("the handler's rates: unit %d, %+v", mine.Unit.ID, mine.Total.Counts)
		}
		mustProblem(t, e.do(t, "GET", fmt.Sprintf("/api/v1/stats/rates?unit_id=%d&%s", f.Street.ID, march), "other_handler", nil),
			http.StatusBadRequest, "invalid", "unit_id")

		// Breakdowns by category and kind.
		byKind := mustJSON[app.RatesReport](t, e.do(t, "GET", "/api/v1/stats/rates?by=kind&"+march, "dispatcher", nil), http.StatusOK)
		if len(byKind.Rows) != 1 || byKind.Rows[0].Key != "complaint" || byKind.Rows[0].Counts.Received != 4 {
			t.Errorf("by kind: %+v", byKind.Rows)
		}
		mustJSON[app.RatesReport](t, e.do(t, "GET", "/api/v1/stats/rates?by=category&weights=1,1,1&"+march, "admin", nil), http.StatusOK)

		for _, c := range []struct{ query, field string }{
			{"by=street", "by"},
			{"from=2026-03-10&to=2026-03-01", "to"},
			{"from=2026-3-1", "from"},
			{"weights=1,2", "weights"},
			{"weights=0,0,0", "weights"},
			{"colour=red", "colour"},
		} {
			mustProblem(t, e.do(t, "GET", "/api/v1/stats/rates?"+c.query, "leader", nil), http.StatusBadRequest, "invalid", c.field)
		}
		mustProblem(t, e.do(t, "GET", "/api/v1/stats/rates", "", nil), http.StatusUnauthorized, "unauthorized", "")
	})
}

func TestStatsRankingsSeriesHeatMap(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		statsHistory(t, e)
		f := e.f
		rank := mustJSON[struct {
			MinVolume int64         `json:"min_volume"`
			Rows      []app.RankRow `json:"rows"`
		}](t, e.do(t, "GET", "/api/v1/stats/rankings?min_volume=2&"+march, "leader", nil), http.StatusOK)
		if len(rank.Rows) != 3 || rank.Rows[0].Label != f.Street.Name || rank.Rows[0].Place != 1 || !rank.Rows[0].Qualified ||
			rank.Rows[1].Qualified || rank.Rows[1].Place != 0 || rank.MinVolume != 2 {
			t.Errorf("rankings: %+v", rank.Rows)
		}

		series := mustJSON[struct {
			Points []app.SeriesPoint `json:"points"`
		}](t, e.do(t, "GET", "/api/v1/stats/series?from=2026-03-01&to=2026-03-07", "leader", nil), http.StatusOK)
		if len(series.Points) != 7 || series.Points[1].Day != "2026-03-02" || series.Points[1].Counts.Received != 4 || series.Points[0].Counts.Received != 0 {
			t.Errorf("series: %+v", series.Points)
		}

		heat := mustJSON[struct {
			Cells [7][24]int64 `json:"cells"`
		}](t, e.do(t, "GET", "/api/v1/stats/heatmap?"+march, "leader", nil), http.StatusOK)
		var sum int64
		for _, d := range heat.Cells {
			for _, v := range d {
				sum += v
			}
		}
		if heat.Cells[1][9] != 4 || sum != 4 { // Monday, 09:00–10:00
			t.Errorf("heat map: Monday 9h %d, total %d", heat.Cells[1][9], sum)
		}
		mustProblem(t, e.do(t, "GET", "/api/v1/stats/rankings?min_volume=-1", "leader", nil), http.StatusBadRequest, "invalid", "min_volume")
		mustProblem(t, e.do(t, "GET", "/api/v1/stats/series?from=2020-01-01&to=2026-01-01", "leader", nil), http.StatusBadRequest, "invalid", "to")
	})
}

func TestStatsMap(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		statsHistory(t, e)
		f := e.f
		m := mustJSON[app.MapData](t, e.do(t, "GET", "/api/v1/stats/map?zoom=13&"+march, "leader", nil), http.StatusOK)
		var n int64
		for _, c := range m.Clusters {
			n += c.Count
			if c.Lat < c.Box[0] || c.Lat > c.Box[2] || c.Lng < c.Box[1] || c.Lng > c.Box[3] {
				t.Errorf("cluster %+v lies outside its cell", c)
			}
		}
		if m.Located != 2 || n != 2 || m.Zoom != 13 {
			t.Errorf("map: located %d, clusters %+v", m.Located, m.Clusters)
		}
		areas := map[int64]app.MapAreaStat{}
		for _, a := range m.Areas {
			areas[a.UnitID] = a
		}
		if areas[f.Street.ID].Counts.Received != 2 || areas[f.Community.ID].Counts.Received != 2 || areas[f.OtherStreet.ID].Counts.Received != 1 {
			t.Errorf("areas: %+v", m.Areas)
		}
		// Zoomed far out, both points fall in one cell; a box away from
		// them holds none.
		far := mustJSON[app.MapData](t, e.do(t, "GET", "/api/v1/stats/map?zoom=8&"+march, "leader", nil), http.StatusOK)
		if len(far.Clusters) != 1 || far.Clusters[0].Count != 2 {
			t.Errorf("zoom 8: %+v", far.Clusters)
		}
		none := mustJSON[app.MapData](t, e.do(t, "GET", "/api/v1/stats/map?box=30,100,31,101&"+march, "leader", nil), http.StatusOK)
		if len(none.Clusters) != 0 {
			t.Errorf("box: %+v", none.Clusters)
		}
		// Another street's handler sees neither the points nor the
		// figures of 兴海路街道.
		other := mustJSON[app.MapData](t, e.do(t, "GET", "/api/v1/stats/map?"+march, "other_handler", nil), http.StatusOK)
		if other.Located != 0 || len(other.Areas) != 1 || other.Areas[0].UnitID != f.OtherStreet.ID {
			t.Errorf("other street's map: located %d, areas %+v", other.Located, other.Areas)
		}
		mustProblem(t, e.do(t, "GET", "/api/v1/stats/map?zoom=3", "leader", nil), http.StatusBadRequest, "invalid", "zoom")
		mustProblem(t, e.do(t, "GET", "/api/v1/stats/map?box=1,2,3", "leader", nil), http.StatusBadRequest, "invalid", "box")
		mustProblem(t, e.do(t, "GET", fmt.Sprintf("/api/v1/stats/map?category_id=%d", f.Category.ID), "leader", nil), http.StatusBadRequest, "invalid", "category_id")
	})
}

func TestStatsPublic(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		statsHistory(t, e)
		f := e.f
		r := e.do(t, "GET", "/api/v1/stats/public?month=2026-03", "", nil)
		ps := mustJSON[app.PublicStats](t, r, http.StatusOK)
		if ps.District.Counts.Received != 4 || ps.District.Counts.Closed != 1 || value(ps.District.Rates.Closure) != "1/3=0.3333" {
			t.Errorf("district: %+v", ps.District)
		}
		if len(ps.Rows) != 3 || ps.Rows[0].Name != f.Street.Name || ps.Rows[0].Counts.Received != 2 || ps.Rows[2].Name != f.Dept.Name {
			t.Errorf("rows: %+v", ps.Rows)
		}
		if len(ps.Trend) != 12 || ps.Trend[11].Month != "2026-03" || ps.Trend[11].Received != 4 || ps.Trend[0].Month != "2025-04" {
			t.Errorf("trend: %+v", ps.Trend)
		}
		in := apptest.NewTicket()
		for _, personal := range []string{in.CallerName, in.CallerPhone, "王**", "138****1234", in.Address, f.Users["handler"].Name} {
			if bytes.Contains(r.body, []byte(personal)) {
				t.Errorf("the published figures show %q", personal)
			}
		}
		mustProblem(t, e.do(t, "GET", "/api/v1/stats/public?month=2026-04", "", nil), http.StatusBadRequest, "invalid", "month")
		mustProblem(t, e.do(t, "GET", "/api/v1/stats/public?month=March", "", nil), http.StatusBadRequest, "invalid", "month")
	})
}
