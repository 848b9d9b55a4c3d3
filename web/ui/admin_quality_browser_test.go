package ui_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/store/storetest"
)

// TestBrowserSuggestionQuality opens the dispatch settings page as the
// district's admin on a phone: the threshold's meaning and the drift
// warning stand beside the setting, and the quality tables fit the
// screen's width.
func TestBrowserSuggestionQuality(t *testing.T) {
	exe := chromium()
	if exe == "" {
		t.Skip("Chromium is not installed (apt-get install chromium); the browser test needs it")
	}
	f := apptest.New(t, storetest.Open(t, "sqlite"))
	ctx := context.Background()
	f.SaveModel(t, app.ModelUnit, f.UnitExamples(), `{"accuracy": 0.99}`)
	for i := range 50 {
		tk, _, err := f.Svc.CreateTicket(ctx, f.Users["agent"], apptest.Lift(), "")
		if err != nil {
			t.Fatal(err)
		}
		unit, handler := f.Community.ID, "handler"
		if i < 4 {
			unit, handler = f.Dept.ID, "dept_handler"
		}
		apptest.OK(t)(f.Svc.Dispatch(ctx, f.Users["dispatcher"], tk.Number, unit, ""))
		apptest.OK(t)(f.Svc.Acknowledge(ctx, f.Users[handler], tk.Number, ""))
	}
	base := servePages(t, f)
	browser := startBrowser(t, ctx, exe, 390)
	admin, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(admin,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), "admin"),
		chromedp.SendKeys(chromedp.CSS("#password"), apptest.Password),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS("#logout")),
		chromedp.Navigate(base+"/admin/dispatch"),
		chromedp.WaitVisible(chromedp.CSS("#threshold-quality")),
		chromedp.WaitVisible(chromedp.CSS("#drift-warning")),
		chromedp.WaitVisible(chromedp.CSS("#quality-units")),
	); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(admin, chromedp.Evaluate[string](`document.getElementById('threshold-quality').innerText`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"自动派单未开启。近 90 天分类模型的建议整体错误率 8.0%（n=50）", "错误率不超过 10%：置信度 ≥ "} {
		if !strings.Contains(text, want) {
			t.Errorf("beside the setting: %q lacks %q", text, want)
		}
	}
	// The setting and its meaning are in one card.
	same, err := chromedp.Run(admin, chromedp.Evaluate[bool](
		`document.getElementById('settings').closest('section') === document.getElementById('threshold-quality').closest('section')`))
	if err != nil || !same {
		t.Errorf("the threshold's meaning is not beside the setting: %v", err)
	}
	width, err := chromedp.Run(admin, chromedp.Evaluate[float64](`document.documentElement.scrollWidth`))
	if err != nil || width > 391 {
		t.Errorf("the page is %v px wide on a 390 px phone (%v)", width, err)
	}
	img, err := chromedp.Run(admin, chromedp.FullScreenshot(90))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(artifacts(t), "admin-dispatch-quality-phone.png")
	if err := os.WriteFile(p, img, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", p)
}
