package ui_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/synth"
)

// TestBrowserDashboards opens the leader's dashboard, the map of needs, the
// monthly report and the public figures in a real headless Chromium over a
// year of synthetic tickets; checks that every chart drew its data, that the
// map drew its areas and clusters, that a click on a heat-map cell and on a
// cluster opens the tickets behind them; and saves screenshots in
// testdata/artifacts (dash-*.png).
func TestBrowserDashboards(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	f := apptest.New(t, db)
	ctx := context.Background()
	admin := f.Users["admin"]
	for _, b := range []struct {
		u    *org.Unit
		area []byte
	}{
		{f.District, box(36.60, 101.70, 36.65, 101.78)},
		{f.Street, box(36.60, 101.70, 36.65, 101.745)},
		{f.Community, box(36.61, 101.71, 36.64, 101.74)},
		{f.Grid, box(36.62, 101.715, 36.635, 101.73)},
		{f.OtherStreet, box(36.60, 101.745, 36.65, 101.78)},
	} {
		if err := f.Svc.SetBoundary(ctx, admin, b.u.ID, b.area); err != nil {
			t.Fatal(err)
		}
	}
	now := f.Clock.Now()
	if _, err := synth.Generate(ctx, db, synth.Options{Tickets: 4000, Now: now, Years: 1, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	r := newBrowserRun(t, f, "dash", 1440)
	location := func(c context.Context) string {
		t.Helper()
		loc, err := chromedp.Run(c, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		return loc
	}
	evalNum := func(c context.Context, js string) float64 {
		t.Helper()
		v, err := chromedp.Run(c, chromedp.Evaluate[float64](js))
		if err != nil {
			t.Fatalf("evaluate %s: %v", js, err)
		}
		return v
	}
	// seriesSum counts the data of a chart's first series and adds it up
	// (numbers, or the last number of each [x, y, value] item); -1 when
	// the chart has no ECharts instance or no canvas.
	seriesSum := func(c context.Context, id string) (points int, sum float64) {
		t.Helper()
		r, err := chromedp.Run(c, chromedp.Evaluate[[]float64](fmt.Sprintf(`(function(){
			var el = document.getElementById(%q), c = el && echarts.getInstanceByDom(el);
			if (!c || !el.querySelector('canvas')) return [-1, 0];
			var d = c.getOption().series[0].data, s = 0;
			d.forEach(function (v) { if (v && typeof v === 'object') v = Array.isArray(v) ? v[v.length-1] : v.value; if (typeof v === 'number') s += v; });
			return [d.length, s];
		})()`, id)))
		if err != nil || len(r) != 2 {
			t.Fatalf("chart %s: %v %v", id, r, err)
		}
		return int(r[0]), r[1]
	}
	media := func(m string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m})
			return err
		})
	}
	rowsShown := func(c context.Context) int {
		return int(evalNum(c, `document.querySelectorAll('table.list tbody tr td a.num').length`))
	}

	leader := r.person()
	r.do(leader, "sign in",
		chromedp.Navigate(r.base+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), "leader"),
		chromedp.SendKeys(chromedp.CSS("#password"), apptest.Password),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS("#logout")),
	)
	if loc := location(leader); !strings.HasSuffix(loc, "/dashboard") {
		t.Errorf("the leader's home is %s, want the dashboard", loc)
	}
	r.do(leader, "open the dashboard for a year",
		chromedp.Navigate(r.base+"/dashboard?period=days365"),
		chromedp.WaitVisible(chromedp.CSS("#chart-heat canvas")),
		chromedp.Sleep(800*time.Millisecond), // ECharts animates its first frames
	)
	for _, id := range []string{"chart-intake", "chart-funnel", "chart-units", "chart-cats", "chart-heat"} {
		if n, sum := seriesSum(leader, id); n <= 0 || sum <= 0 {
			t.Errorf("%s drew %d points adding up to %v; want data", id, n, sum)
		}
	}
	if n, _ := seriesSum(leader, "chart-heat"); n != 7*24 {
		t.Errorf("the heat map has %d cells, want 168", n)
	}
	r.shot(leader, "dashboard")
	// Issue 13: the intake chart shows the whole year its caption names
	// (it opened zoomed on three months); the funnel never widens and its
	// narrowest stage holds its label; the ranking lists no unit below
	// its stated threshold.
	extent, err := chromedp.Run(leader, chromedp.Evaluate[[]float64](`(function(){
		var c = echarts.getInstanceByDom(document.getElementById('chart-intake'));
		var e = c.getModel().getComponent('xAxis', 0).axis.scale.getExtent();
		return [e[0], e[1], c.getOption().series[0].data.length];
	})()`))
	if err != nil || len(extent) != 3 || extent[0] != 0 || extent[1] != extent[2]-1 || extent[2] < 365 {
		t.Errorf("the intake chart shows bars %v of its days (%v); want all of a year", extent, err)
	}
	caption, _ := chromedp.Run(leader, chromedp.Text(chromedp.CSS("#intake-caption")))
	if !regexp.MustCompile(`^\d{4}-\d{2}-\d{2} 至 \d{4}-\d{2}-\d{2}，即所选截止日前一年`).MatchString(caption) {
		t.Errorf("the intake caption is %q", caption)
	}
	funnel, err := chromedp.Run(leader, chromedp.Evaluate[[]float64](`(function(){
		var c = echarts.getInstanceByDom(document.getElementById('chart-funnel'));
		var data = c.getModel().getSeriesByIndex(0).getData(), n = data.count(), out = [];
		for (var i = 0; i < n; i++) out.push(data.get('value', i));
		var g = data.getItemGraphicEl(n - 1), tx = g.getTextContent();
		var r = tx.getBoundingRect().clone(); r.applyTransform(tx.getComputedTransform());
		var b = g.getBoundingRect().clone(); b.applyTransform(g.getComputedTransform());
		return out.concat([r.x, r.x + r.width, b.x, b.x + b.width]);
	})()`))
	if err != nil || len(funnel) != 9 {
		t.Fatalf("the funnel: %v %v", funnel, err)
	}
	for i := 1; i < 5; i++ {
		if funnel[i] > funnel[i-1] {
			t.Errorf("the funnel widens: %v", funnel[:5])
		}
	}
	if label, stage := funnel[5:7], funnel[7:9]; label[0] < stage[0]-1 || label[1] > stage[1]+1 {
		t.Errorf("the last stage's label spans %v, its stage %v: the label is cut", label, stage)
	}
	threshold, _ := chromedp.Run(leader, chromedp.Text(chromedp.CSS("#rank-threshold")))
	if !strings.Contains(threshold, "不少于 10 件") {
		t.Errorf("the ranking does not state its threshold: %q", threshold)
	}
	low, _ := chromedp.Run(leader, chromedp.Evaluate[float64](`Array.prototype.filter.call(document.querySelectorAll('#rankings tbody tr'),
		function (tr) { var c = tr.cells; return c.length > 3 && parseInt(c[3].textContent.replace(/,/g, ''), 10) < 10; }).length`))
	if low != 0 {
		t.Errorf("%v units below the threshold are ranked", low)
	}
	r.do(leader, "group by month", chromedp.Click(chromedp.CSS(`[data-group="month"]`)), chromedp.Sleep(300*time.Millisecond))
	if n, _ := seriesSum(leader, "chart-intake"); n < 12 || n > 13 {
		t.Errorf("by month the intake chart has %d bars, want 12 or 13", n)
	}

	// A click on the busiest cell of the heat map opens its tickets.
	r.do(leader, "scroll to the heat map", chromedp.ScrollIntoView(chromedp.CSS("#chart-heat")), chromedp.Sleep(200*time.Millisecond))
	xy, err := chromedp.Run(leader, chromedp.Evaluate[[]float64](`(function(){
		var el = document.getElementById('chart-heat'), c = echarts.getInstanceByDom(el);
		var d = c.getOption().series[0].data, best = d[0];
		d.forEach(function (v) { if (v[2] > best[2]) best = v; });
		var p = c.convertToPixel({seriesIndex: 0}, [best[0], best[1]]), r = el.getBoundingClientRect();
		return [p[0] + r.left, p[1] + r.top];
	})()`))
	if err != nil || len(xy) != 2 {
		t.Fatalf("heat-map cell: %v %v", xy, err)
	}
	r.do(leader, "click the busiest heat-map cell",
		chromedp.MouseClickXY(xy[0], xy[1]),
		chromedp.WaitVisible(chromedp.CSS("#drill-filters")),
	)
	if loc := location(leader); !regexp.MustCompile(`/tickets\?.*hour=\d+`).MatchString(loc) {
		t.Errorf("the heat-map cell opened %s", loc)
	}
	if rowsShown(leader) == 0 {
		t.Error("the busiest heat-map cell lists no tickets")
	}
	r.shot(leader, "drill-heatmap")

	// The map of needs: shaded areas and clusters; a cluster opens its
	// tickets.
	r.do(leader, "open the map",
		chromedp.Navigate(r.base+"/map?period=days365"),
		chromedp.WaitReady(chromedp.CSS("#needs-map[data-ready-map]")),
		chromedp.WaitVisible(chromedp.CSS(".mcluster")),
	)
	areas := evalNum(leader, `document.querySelectorAll('#needs-map path.leaflet-interactive').length`)
	clusters := evalNum(leader, `document.querySelectorAll('#needs-map .mcluster').length`)
	if areas < 2 || clusters < 1 {
		t.Errorf("the map drew %v areas and %v clusters", areas, clusters)
	}
	r.shot(leader, "map")
	r.do(leader, "shade communities by satisfaction",
		chromedp.Navigate(r.base+"/map?period=days365&measure=satisfaction&level=community"),
		chromedp.WaitReady(chromedp.CSS("#needs-map[data-ready-map]")),
		chromedp.WaitVisible(chromedp.CSS(".mcluster")),
	)
	r.shot(leader, "map-satisfaction")
	count, _ := chromedp.Run(leader, chromedp.Text(chromedp.CSS(".mcluster span")))
	r.do(leader, "click a cluster",
		chromedp.Click(chromedp.CSS(".mcluster")),
		chromedp.WaitVisible(chromedp.CSS("#drill-filters")),
	)
	if loc := location(leader); !strings.Contains(loc, "place=") {
		t.Errorf("the cluster opened %s", loc)
	}
	if rowsShown(leader) == 0 {
		t.Errorf("the cluster of %s lists no tickets", count)
	}

	// The hot-spot board: ranked spots, each with its trend drawn.
	r.do(leader, "open the hot-spot board",
		chromedp.Navigate(r.base+"/hotspots?days=30"),
		chromedp.WaitVisible(chromedp.CSS("#hotspots")),
		chromedp.WaitVisible(chromedp.CSS("#spark-0 canvas")),
	)
	spots := evalNum(leader, `document.querySelectorAll('#hotspots tr.hotspot').length`)
	drawn := evalNum(leader, `document.querySelectorAll('#hotspots .spark canvas').length`)
	if spots < 1 || drawn != spots {
		t.Errorf("the board shows %v spots and %v trend lines", spots, drawn)
	}
	if n, sum := seriesSum(leader, "spark-0"); n != 30 || sum <= 0 {
		t.Errorf("the first spot's trend has %d days adding up to %v, want 30 days with requests", n, sum)
	}
	// With the line drawn, its counts are for screen readers only.
	if w := evalNum(leader, `document.querySelector('#hotspots .hot-trend').getBoundingClientRect().width`); w > 1 {
		t.Errorf("the counts beside a drawn trend line still take %vpx", w)
	}
	r.shot(leader, "hotspots")

	// The monthly report, on screen and as printed.
	r.do(leader, "open the report",
		chromedp.Navigate(r.base+"/report?month=2026-02"),
		chromedp.WaitVisible(chromedp.CSS("#report-summary")),
	)
	r.shot(leader, "report")
	// Every period of the report is labelled with its dates.
	periods, _ := chromedp.Run(leader, chromedp.Text(chromedp.CSS("#report-kpis")))
	if !strings.Contains(periods, "2026年2月（2026-02-01 至 2026-02-28）") || !strings.Contains(periods, "2026年1月（2026-01-01 至 2026-01-31）") {
		t.Errorf("the report's §1 does not date its months: %q", periods)
	}
	prev, _ := chromedp.Run(leader, chromedp.Text(chromedp.CSS("#rates-table tr.prev th")))
	if !strings.Contains(prev, "2026-01-04 至 2026-01-31，与本期等长 28 天") {
		t.Errorf("the report's §2 period before is %q", prev)
	}
	r.do(leader, "print media", media("print"))
	if shown, _ := chromedp.Run(leader, chromedp.Evaluate[bool](`getComputedStyle(document.querySelector('header.top')).display !== 'none'`)); shown {
		t.Error("the printed report shows the navigation bar")
	}
	r.shot(leader, "report-print")
	r.do(leader, "screen media", media(""))

	// The public figures, without signing in, on a desktop and a phone.
	resident := r.person()
	r.do(resident, "open the public figures",
		chromedp.Navigate(r.base+"/stats?month=2026-02"),
		chromedp.WaitVisible(chromedp.CSS("#chart-trend canvas")),
		chromedp.Sleep(800*time.Millisecond),
	)
	if n, sum := seriesSum(resident, "chart-trend"); n != 12 || sum <= 0 {
		t.Errorf("the trend chart drew %d months adding up to %v", n, sum)
	}
	body, err := chromedp.Run(resident, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	if m := regexp.MustCompile(`1[3-9]\d{9}|\d{3}\*{4}\d{4}|\d{8}-\d{5}`).FindString(body); m != "" {
		t.Errorf("the public page shows %q", m)
	}
	if !strings.Contains(body, "办结率") || !strings.Contains(body, f.Street.Name) {
		t.Error("the public page lacks the rates by street")
	}
	r.shot(resident, "stats")
	r.do(resident, "on a phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(r.base+"/stats?month=2026-02"),
		chromedp.WaitVisible(chromedp.CSS("#chart-trend canvas")),
		chromedp.Sleep(800*time.Millisecond),
	)
	r.shot(resident, "stats-phone")
}
