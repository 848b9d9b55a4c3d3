package ui_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store/storetest"
)

// evilName is markup an admin could type as a unit's or a category's name.
const evilName = `<img src=x onerror=alert(1)>`

// Names typed by admins show as text in the charts' and maps' tooltips,
// which are HTML (issue 12, item 11): a street and a category named with
// markup appear as that markup's text on the dashboard's charts, on the map
// of needs and on a ticket's map, and no element is made of them.
func TestSecurityTooltipsShowNamesAsText(t *testing.T) {
	exe := chromium()
	if exe == "" {
		t.Skip("Chromium is not installed (apt-get install chromium); the browser test needs it")
	}
	db := storetest.Open(t, "sqlite")
	f := apptest.New(t, db)
	ctx := context.Background()
	sys := kit.System()
	street, err := f.Svc.CreateUnit(ctx, sys, app.NewUnit{ParentID: f.District.ID, Kind: org.KindStreet, Code: "evil", Name: evilName})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := f.Svc.CreateCategory(ctx, sys, app.NewCategory{Code: "evil", Name: evilName})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []struct {
		u    *org.Unit
		area []byte
	}{
		{f.District, box(36.60, 101.70, 36.65, 101.78)},
		{street, box(36.60, 101.70, 36.65, 101.745)},
		{f.OtherStreet, box(36.60, 101.745, 36.65, 101.78)},
	} {
		if err := f.Svc.SetBoundary(ctx, sys, b.u.ID, b.area); err != nil {
			t.Fatal(err)
		}
	}
	var number string
	for range 3 {
		in := apptest.NewTicket()
		in.CategoryID = cat.ID
		lat, lng := 36.62, 101.72
		in.Lat, in.Lng = &lat, &lng
		tk, _, err := f.Svc.CreateTicket(ctx, f.Users["agent"], in, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Svc.Dispatch(ctx, f.Users["dispatcher"], tk.Number, street.ID, ""); err != nil {
			t.Fatal(err)
		}
		number = tk.Number
	}
	f.Clock.Advance(time.Hour)

	base := servePages(t, f)
	browser := startBrowser(t, ctx, exe, 1440)
	c, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(c, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	// An alert would stop the page: count it instead.
	do("catch alerts", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: `window.alert = function () { window.__alerts = (window.__alerts || 0) + 1; };`})
		return err
	}))
	// shown reports whether the element's text holds the name, and whether
	// the page holds an element made of it or has called alert.
	check := func(where, sel string) {
		t.Helper()
		r, err := chromedp.Run(c, chromedp.Evaluate[[]bool](fmt.Sprintf(`(function(){
			var el = document.querySelector(%q);
			return [!!el && el.innerText.indexOf(%q) >= 0, !!document.querySelector('img[src="x"]'), !!window.__alerts];
		})()`, sel, evilName)))
		if err != nil || len(r) != 3 {
			t.Fatalf("%s: %v %v", where, r, err)
		}
		if !r[0] {
			t.Errorf("%s: the tooltip does not show the name as text", where)
		}
		if r[1] || r[2] {
			t.Errorf("%s: the name became markup (an <img> element: %v, alert called: %v)", where, r[1], r[2])
		}
	}

	do("sign in",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), "leader"),
		chromedp.SendKeys(chromedp.CSS("#password"), apptest.Password),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS("#logout")),
	)
	do("open the dashboard",
		chromedp.Navigate(base+"/dashboard?period=days30"),
		chromedp.WaitVisible(chromedp.CSS("#chart-cats canvas")),
		chromedp.WaitVisible(chromedp.CSS("#chart-units canvas")),
	)
	for _, tc := range []struct{ id, axis string }{{"chart-units", "xAxis"}, {"chart-cats", "yAxis"}} {
		// Show the tooltip of the bar with the name, as a hover does.
		i, err := chromedp.Run(c, chromedp.Evaluate[float64](fmt.Sprintf(`(function(){
			var ch = echarts.getInstanceByDom(document.getElementById(%q));
			var i = ch.getOption().%s[0].data.indexOf(%q);
			if (i >= 0) ch.dispatchAction({type: "showTip", seriesIndex: 0, dataIndex: i});
			return i;
		})()`, tc.id, tc.axis, evilName)))
		if err != nil || i < 0 {
			t.Fatalf("%s: the bar of the name: %v %v", tc.id, i, err)
		}
		do("let the tooltip draw", chromedp.Sleep(300*time.Millisecond))
		check(tc.id, "#"+tc.id)
	}

	do("open the map of needs",
		chromedp.Navigate(base+"/map?period=days30"),
		chromedp.WaitReady(chromedp.CSS("#needs-map[data-ready-map]")),
	)
	opened, err := chromedp.Run(c, chromedp.Evaluate[bool](fmt.Sprintf(`(function(){
		var found = false;
		document.getElementById("needs-map")._areas.eachLayer(function (l) {
			if (l.feature.properties.name === %q) { l.openTooltip(l.getBounds().getCenter()); found = true; }
		});
		return found;
	})()`, evilName)))
	if err != nil || !opened {
		t.Fatalf("the map has no area of the street: %v", err)
	}
	check("map of needs", "#needs-map .leaflet-tooltip")

	do("open the ticket's map",
		chromedp.Navigate(base+"/t/"+number),
		chromedp.WaitVisible(chromedp.CSS(".leaflet-tooltip.area-label")),
	)
	check("ticket map", ".leaflet-tooltip-pane")
}
