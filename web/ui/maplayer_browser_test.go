package ui_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/store/storetest"
)

// The maps draw the district's own roads and places, and typing an
// address on the portal places the point where the base layer says —
// until the resident places it by hand (issue #13, item 13).
func TestBrowserBaseLayerAndAddress(t *testing.T) {
	exe := chromium()
	if exe == "" {
		t.Skip("Chromium is not installed (apt-get install chromium); the browser test needs it")
	}
	db := storetest.Open(t, "sqlite")
	f := apptest.New(t, db)
	ctx := context.Background()
	if err := f.Svc.SetBoundary(ctx, f.Users["admin"], f.District.ID, box(36.60, 101.70, 36.65, 101.78)); err != nil {
		t.Fatal(err)
	}
	layer := `{"type":"FeatureCollection","features":[` +
		`{"type":"Feature","properties":{"name":"海湖路"},"geometry":{"type":"LineString","coordinates":[[101.70,36.62],[101.78,36.62]]}},` +
		`{"type":"Feature","properties":{"name":"兴海家园"},"geometry":{"type":"Point","coordinates":[101.715,36.625]}}]}`
	if _, err := f.Svc.ImportBaseLayer(ctx, f.Users["admin"], []byte(layer)); err != nil {
		t.Fatal(err)
	}
	base := servePages(t, f)
	browser := startBrowser(t, ctx, exe, 390)
	c, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	defer cancel()
	value := func(sel string) string {
		v, _ := chromedp.Run(c, chromedp.Value(chromedp.CSS(sel)))
		return v
	}
	waitValue := func(sel, want string) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			if value(sel) == want {
				return
			}
		}
		t.Fatalf("%s is %q; want %q", sel, value(sel), want)
	}
	if err := chromedp.Do(c,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#portal-form")),
		chromedp.WaitReady(chromedp.CSS(".map .leaflet-tooltip.base-label")),
		chromedp.SendKeys(chromedp.CSS("#address"), "海湖路12号兴海家园3号楼"),
	); err != nil {
		t.Fatal(err)
	}
	waitValue("#lat", "36.625000")
	if got := value("#lng"); got != "101.715000" {
		t.Fatalf("lng %q; want the estate's 101.715000", got)
	}
	time.Sleep(time.Second) // the map's zoom animation, for the screenshot only
	img, err := chromedp.Run(c, chromedp.FullScreenshot(100))
	if err == nil {
		os.WriteFile(filepath.Join(artifacts(t), "portal-address-placed.png"), img, 0o644)
	}
	// Placed by hand, the point stays where the resident put it.
	if err := chromedp.Do(c,
		chromedp.ScrollIntoView(chromedp.CSS(".map")),
		chromedp.Click(chromedp.CSS(".map")),
	); err != nil {
		t.Fatal(err)
	}
	byHand := value("#lat")
	if byHand == "36.625000" || byHand == "" {
		t.Fatalf("a click left the point at %q", byHand)
	}
	if err := chromedp.Do(c, chromedp.SendKeys(chromedp.CSS("#address"), "，海湖路")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1200 * time.Millisecond) // longer than the typing pause before a lookup
	if got := value("#lat"); got != byHand {
		t.Fatalf("typing moved a point placed by hand from %s to %s", byHand, got)
	}
}
