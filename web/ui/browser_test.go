package ui_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/platform"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
	"github.com/minsheng/minsheng/web"
	"github.com/minsheng/minsheng/web/ui"
)

// chromium finds Debian's Chromium (or MINSHENG_CHROMIUM).
func chromium() string {
	if p := os.Getenv("MINSHENG_CHROMIUM"); p != "" {
		return p
	}
	for _, p := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	return ""
}

// artifacts is where the screenshots go: testdata/artifacts at the root
// of the repository (gitignored).
func artifacts(t *testing.T) string {
	dir, err := filepath.Abs(filepath.Join("..", "..", "testdata", "artifacts"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// box is a GeoJSON polygon for the fixture's boundaries.
func box(minLat, minLng, maxLat, maxLng float64) []byte {
	return fmt.Appendf(nil, `{"type":"Polygon","coordinates":[[[%f,%f],[%f,%f],[%f,%f],[%f,%f],[%f,%f]]]}`,
		minLng, minLat, maxLng, minLat, maxLng, maxLat, minLng, maxLat, minLng, minLat)
}

// photo writes a small PNG (a street lamp, roughly) for the file inputs.
func photo(t *testing.T, name string, c color.RGBA) string {
	img := image.NewRGBA(image.Rect(0, 0, 160, 120))
	for y := 0; y < 120; y++ {
		for x := 0; x < 160; x++ {
			img.Set(x, y, color.RGBA{R: uint8(40 + y/2), G: uint8(60 + y/3), B: 110, A: 255})
			if x > 74 && x < 84 && y > 30 {
				img.Set(x, y, color.RGBA{60, 60, 60, 255})
			}
			if (x-79)*(x-79)+(y-28)*(y-28) < 90 {
				img.Set(x, y, c)
			}
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBrowserLoop drives a real headless Chromium through the whole loop:
// a resident submits on the portal from a phone-sized screen with a photo
// → the agent finds it by phone at the desk → the dispatcher dispatches it
// from the console → the handler acknowledges and replies with a photo in
// the inbox → the resident opens the tracking link and rates it → the
// dispatcher closes it. Every page is saved as a screenshot in
// testdata/artifacts.
func TestBrowserLoop(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	f := apptest.New(t, db)
	ctx := context.Background()
	admin := f.Users["admin"]
	for _, b := range []struct {
		u    *org.Unit
		area []byte
	}{
		{f.District, box(36.60, 101.70, 36.65, 101.78)},
		{f.Street, box(36.60, 101.70, 36.65, 101.76)},
		{f.Community, box(36.61, 101.72, 36.64, 101.755)},
		{f.OtherStreet, box(36.60, 101.76, 36.65, 101.78)},
	} {
		if err := f.Svc.SetBoundary(ctx, admin, b.u.ID, b.area); err != nil {
			t.Fatal(err)
		}
	}
	r := newBrowserRun(t, f, "loop", 1366)
	// Each person has their own browser context: their own cookies.
	row := func(number string) string { // the work-list row of a ticket
		return fmt.Sprintf(`//article[contains(@class,"row")][.//a[normalize-space()=%q]]`, number)
	}

	// 1. A resident on a phone: the portal, in Chinese, with a photo and a
	// point clicked on the map.
	resident := r.person()
	r.do(resident, "open the portal on a phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(r.base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#portal-form")),
		chromedp.WaitVisible(chromedp.CSS(".map .leaflet-interactive, .map path")),
	)
	if lang, _ := chromedp.Run(resident, chromedp.AttributeValue(chromedp.CSS("html"), "lang")); lang.Value != "zh-CN" {
		t.Fatalf("the portal is in %q; want Chinese", lang.Value)
	}
	lamp := photo(t, "路灯.png", color.RGBA{250, 220, 90, 255})
	r.do(resident, "fill in the request",
		chromedp.SendKeys(chromedp.CSS("#description"), "文汇路和海湖路路口的路灯一周都不亮了，晚上过马路很危险。"),
		chromedp.SetValue(chromedp.CSS("#kind"), "help"),
		chromedp.SetUploadFiles(chromedp.CSS("#photos"), []string{lamp}),
		chromedp.ScrollIntoView(chromedp.CSS(".map")),
		chromedp.Click(chromedp.CSS(".map")),
		chromedp.SendKeys(chromedp.CSS("#address"), "文汇路与海湖路交叉口"),
		chromedp.SendKeys(chromedp.CSS("#caller_phone"), "13912345678"),
	)
	if lat, _ := chromedp.Run(resident, chromedp.Value(chromedp.CSS("#lat"))); lat == "" {
		t.Fatal("a click on the map did not set the point")
	}
	// The file picker speaks the page's language, not the browser's.
	if pick, names := r.text(resident, "#portal-form .file-pick"), r.text(resident, "#portal-form .file-names"); pick != "选择文件" || names != "路灯.png" {
		t.Errorf("the file picker reads %q / %q; want 选择文件 / 路灯.png", pick, names)
	}
	r.shot(resident, "portal-phone")
	r.do(resident, "submit", chromedp.Click(chromedp.CSS("#portal-submit")), chromedp.WaitVisible(chromedp.CSS("#ticket-number")))
	number := r.text(resident, "#ticket-number")
	link, err := chromedp.Run(resident, chromedp.AttributeValue(chromedp.CSS("#track-link"), "href"))
	if err != nil || !strings.Contains(link.Value, "token=") {
		t.Fatalf("tracking link: %v %v", link, err)
	}
	r.shot(resident, "portal-receipt-phone")
	t.Logf("the resident registered %s", number)

	// 2. The agent finds it by the caller's phone at the desk.
	agent := r.person()
	r.do(agent, "desktop", chromedp.EmulateViewport(1366, 900))
	r.signIn(agent, "agent")
	r.do(agent, "look the caller up",
		chromedp.WaitVisible(chromedp.CSS("#desk-form")),
		chromedp.SendKeys(chromedp.CSS("#caller_phone"), "13912345678"),
		chromedp.WaitVisible(fmt.Sprintf(`//div[@id="history"]//a[normalize-space()=%q]`, number)),
		chromedp.SendKeys(chromedp.CSS("#description"), "路口路灯不亮了"),
		chromedp.WaitVisible(fmt.Sprintf(`//div[@id="similar"]//a[normalize-space()=%q]`, number)),
	)
	r.shot(agent, "desk")

	// 3. The dispatcher dispatches it from the console to the suggested
	// street.
	dispatcher := r.person()
	r.do(dispatcher, "desktop", chromedp.EmulateViewport(1366, 900))
	r.signIn(dispatcher, "dispatcher")
	r.do(dispatcher, "open the new queue",
		chromedp.Navigate(r.base+"/console?q=new"),
		chromedp.WaitVisible(row(number)),
	)
	sel, err := chromedp.Run(dispatcher, chromedp.Value(row(number)+`//select[@name="unit_id"]`))
	if err != nil || sel != fmt.Sprint(f.Street.ID) {
		t.Errorf("the dispatch picker is preset to unit %q; want the suggested street %d (%v)", sel, f.Street.ID, err)
	}
	r.shot(dispatcher, "console-new")
	r.do(dispatcher, "dispatch",
		chromedp.SetValue(row(number)+`//select[@name="unit_id"]`, fmt.Sprint(f.Street.ID)),
		chromedp.Click(row(number)+`//button[contains(@class,"primary")]`),
		chromedp.WaitVisible(row(number)+`//p[contains(@class,"ok")]`),
	)
	r.shot(dispatcher, "console-dispatched")

	// 4. The street's handler acknowledges and replies with a photo.
	handler := r.person()
	r.do(handler, "desktop", chromedp.EmulateViewport(1366, 900))
	r.signIn(handler, "street_handler")
	fixed := photo(t, "已修复.png", color.RGBA{255, 250, 200, 255})
	r.do(handler, "acknowledge in the inbox",
		chromedp.Navigate(r.base+"/inbox"),
		chromedp.WaitVisible(row(number)),
	)
	r.shot(handler, "inbox")
	r.do(handler, "acknowledge",
		chromedp.Click(row(number)+`//form[contains(@action,"/acknowledge")]//button`),
		chromedp.WaitVisible(row(number)+`//p[contains(@class,"ok")]`),
		chromedp.Click(row(number)+`//details/summary[contains(.,"办结回复")]`),
		chromedp.SendKeys(row(number)+`//textarea[@name="reply"]`, "已更换路口两盏路灯的灯泡和镇流器，当晚恢复照明。"),
		chromedp.SetUploadFiles(row(number)+`//input[@type="file"]`, []string{fixed}),
	)
	r.shot(handler, "inbox-reply")
	r.do(handler, "reply",
		chromedp.Click(row(number)+`//form[contains(@action,"/reply")]//button`),
		chromedp.WaitVisible(row(number)+`//p[contains(@class,"ok")][contains(.,"已办结回复")]`),
	)
	r.shot(handler, "inbox-replied")

	// 5. The resident opens the tracking link on the phone and rates it.
	r.do(resident, "open the tracking link",
		chromedp.Navigate(r.base+link.Value),
		chromedp.WaitVisible(chromedp.CSS("#track-reply")),
		chromedp.WaitVisible(chromedp.CSS(".gallery img")),
	)
	if body := r.text(resident, "main"); strings.Contains(body, f.Users["street_handler"].Name) {
		t.Error("the tracking page names the staff member")
	}
	r.shot(resident, "track-phone")
	r.do(resident, "rate",
		chromedp.Click(chromedp.CSS("#rate-resolved-yes")),
		chromedp.Click(chromedp.CSS("#rate-satisfied")),
		chromedp.Click(chromedp.CSS("#rate-submit")),
		chromedp.WaitVisible(chromedp.CSS("#rated")),
	)
	r.shot(resident, "track-rated-phone")

	// 6. The dispatcher closes it from the callback queue.
	r.do(dispatcher, "close",
		chromedp.Navigate(r.base+"/console?q=callback"),
		chromedp.WaitVisible(row(number)),
		chromedp.Click(row(number)+`//form[contains(@action,"/close")]//button`),
		chromedp.WaitVisible(row(number)+`//p[contains(@class,"ok")][contains(.,"已结案")]`),
	)
	r.shot(dispatcher, "console-closed")
	r.do(dispatcher, "the ticket page",
		chromedp.Navigate(r.base+"/t/"+number),
		chromedp.WaitVisible(chromedp.CSS("#ticket-number")),
		chromedp.WaitVisible(chromedp.CSS(".t-side .map path")),
	)
	r.do(dispatcher, "reveal the caller",
		chromedp.SendKeys(chromedp.CSS("#reveal-reason"), "回访来电人"),
		chromedp.Click(chromedp.CSS("#reveal")),
		chromedp.WaitVisible(chromedp.CSS("#caller-revealed")),
	)
	r.shot(dispatcher, "ticket")
	v, err := f.Svc.GetTicket(ctx, f.Users["dispatcher"], number)
	if err != nil || v.Ticket.Status != ticket.StatusClosed || v.Ticket.Satisfaction != ticket.Satisfied || len(v.Attachments) != 2 {
		t.Fatalf("at the end: %+v, %v", v, err)
	}
	audit, err := f.Svc.TicketAudit(ctx, f.Users["admin"], number)
	if err != nil || len(audit) != 1 {
		t.Fatalf("the reveal was not audited: %v %v", audit, err)
	}

	// The same pages in English, on a phone.
	r.do(dispatcher, "switch to English on a phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Click(chromedp.CSS("#lang-switch")),
		chromedp.WaitVisible(`//h2[normalize-space()="Timeline"]`),
	)
	r.shot(dispatcher, "ticket-en-phone")
}

// servePages starts the API and the pages over the fixture, as serve does,
// and returns the base URL.
func servePages(t *testing.T, f *apptest.Fixture) string {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	srv := web.NewServer(web.Config{Service: f.Svc, Logger: log, Version: "test"})
	pages, err := ui.New(ui.Config{Service: f.Svc, Logger: log, CurrentUser: web.CurrentUser, RequestID: web.RequestID})
	if err != nil {
		t.Fatal(err)
	}
	if !pages.VendorOK() {
		t.Fatal("the front-end libraries are not built in: run `go generate ./web/ui` before the tests (the README's test command does)")
	}
	if err := platform.Mount(platform.Parts{Tickets: f.Svc, Server: srv, Pages: pages}); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts.URL
}

// startBrowser starts headless Chromium at exe with a window width, closed
// when the test ends; the returned context times out after 10 minutes (a loaded machine is slow;
// a step that hangs still ends the test).
func startBrowser(t *testing.T, ctx context.Context, exe string, width int) context.Context {
	t.Helper()
	alloc, cancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(width, 900),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("accept-lang", "zh-CN,zh"), chromedp.Flag("lang", "zh-CN"),
	)
	t.Cleanup(cancel)
	browser, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	browser, cancel = context.WithTimeout(browser, 10*time.Minute)
	t.Cleanup(cancel)
	if err := chromedp.Do(browser); err != nil { // starts Chromium
		t.Fatalf("start %s: %v", exe, err)
	}
	return browser
}
