package ui_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/blob"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/demo"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

// phoneWidth is the width of the phone the pages are checked on (CSS
// pixels: an iPhone 12 to 15).
const phoneWidth = 390

// phoneCheck measures a page at phone width: how wide the document is, the
// links, buttons and fields that lie beyond the screen's edges without a
// scrolling box around them (cut off: out of reach), and the cells of
// tables shown as cards that have no label or are empty lines. It returns
// the links of the page too, for the walk.
const phoneCheck = `(function(){
	var W = window.innerWidth, out = {width: document.documentElement.scrollWidth, inner: W, cut: [], unlabelled: [], links: []};
	function name(el) {
		var s = el.tagName.toLowerCase();
		if (el.id) s += "#" + el.id;
		if (el.className && typeof el.className === "string") s += "." + el.className.trim().split(/\s+/).join(".");
		return s + " " + JSON.stringify((el.textContent || "").trim().slice(0, 24));
	}
	// A table of figures may scroll sideways in its own box; navigation
	// (the console's tabs, the top bar) may not: a tab scrolled out of
	// sight is a tab cut off.
	function scrolled(el) {
		if (el.closest("nav, .tabs, header")) return false;
		for (var p = el.parentElement; p && p !== document.body; p = p.parentElement) {
			var o = getComputedStyle(p).overflowX;
			if (o === "auto" || o === "scroll") return true;
		}
		return false;
	}
	function shown(el) {
		var r = el.getBoundingClientRect(), s = getComputedStyle(el);
		return r.width > 0 && r.height > 0 && s.visibility !== "hidden";
	}
	document.querySelectorAll("a[href], button, input, select, textarea, [role=tab]").forEach(function (el) {
		if (!shown(el) || el.closest(".leaflet-container, .chart, .sr-only, .hp")) return; // .hp: the portal's trap for robots, off-screen on purpose
		var r = el.getBoundingClientRect();
		if ((r.right > W + 1 || r.left < -1) && !scrolled(el)) out.cut.push(name(el) + " at " + Math.round(r.left) + "–" + Math.round(r.right));
	});
	if (out.width > W) {
		document.querySelectorAll("body *").forEach(function (el) {
			if (!shown(el) || scrolled(el) || el.closest(".leaflet-container")) return;
			var r = el.getBoundingClientRect();
			if (r.right > W + 1 && out.cut.length < 12) out.cut.push("wide: " + name(el) + " to " + Math.round(r.right));
		});
	}
	document.querySelectorAll("table.list td").forEach(function (td) {
		if (!shown(td) || getComputedStyle(td).display !== "block" || td.colSpan > 1 || td.classList.contains("empty")) return;
		var controls = td.querySelector("input, select, button, img, canvas, form");
		if (!td.getAttribute("data-label") && !controls && td.parentElement.children.length > 1) out.unlabelled.push("no label: " + name(td));
		else if (!td.textContent.trim() && !controls) out.unlabelled.push("empty line: " + td.getAttribute("data-label"));
	});
	document.querySelectorAll("a[href]").forEach(function (a) { out.links.push(a.getAttribute("href")); });
	return out;
})()`

type phoneResult struct {
	Width      int      `json:"width"`
	Inner      int      `json:"inner"`
	Cut        []string `json:"cut"`
	Unlabelled []string `json:"unlabelled"`
	Links      []string `json:"links"`
}

// pageKey names the page a link opens, so that the walk opens each page
// once: ticket numbers, ids and codes in the path are one page, the query
// is ignored.
var pageIDs = regexp.MustCompile(`/(\d[\w-]*|[a-z]+\.[\w.]+)(/|$)`)

func pageKey(href string) string {
	path, _, _ := strings.Cut(href, "?")
	path, _, _ = strings.Cut(path, "#")
	if strings.HasPrefix(path, "/t/") {
		return "/t/*"
	}
	if strings.HasPrefix(path, "/admin/categories/") {
		return "/admin/categories/*"
	}
	return pageIDs.ReplaceAllString(path, "/*$2")
}

// walkable reports whether a link opens a page (not a file, an export, a
// language switch, a sign-out, or an action of the API).
func walkable(href string) bool {
	if !strings.HasPrefix(href, "/") || strings.HasPrefix(href, "//") {
		return false
	}
	for _, skip := range []string{"/static/", "/lang/", "/logout", "/api/", "/export/", "/files/", "/open311/", "/healthz", "/metrics", "/readyz", ".json", ".xlsx", ".csv"} {
		if strings.Contains(href, skip) {
			return false
		}
	}
	return true
}

// TestBrowserPhoneLayout (issue 13, item 20) walks every page each role
// reaches (from its home and every link on the way) and the public pages,
// in Chromium at 390 px wide, over the demo district: no page scrolls
// sideways, no link, button or field is cut off beyond the screen's edge
// (the console's tabs were), and the tables shown as cards label every line
// and show no empty ones. It also types a common question at the hotline
// desk and sees an article of the demo's knowledge base (item 9). Screenshots
// go to testdata/artifacts (phone-*.png).
func TestBrowserPhoneLayout(t *testing.T) {
	exe := chromium()
	if exe == "" {
		t.Skip("Chromium is not installed (apt-get install chromium); the browser test needs it")
	}
	ctx := context.Background()
	db := storetest.Open(t, "sqlite")
	now := time.Date(2026, 11, 20, 10, 30, 0, 0, calendar.China)
	res, err := demo.Seed(ctx, db, demo.Options{Tickets: 160, Now: now, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	clock := minsheng.NewFakeClock(now)
	// The walk signs in again every few pages, all from 127.0.0.1 on a
	// stopped clock: more than the per-address limit of sign-ins allows.
	svc := app.New(app.Config{DB: db, Clock: clock, Blobs: blobs, Logger: slog.New(slog.DiscardHandler),
		SignIn: app.SignInLimits{PerAddress: 1000, AddressWindow: time.Minute}})
	t.Cleanup(svc.Wait)
	// A resident's request, for the tracking page.
	in := ticket.NewTicket{Title: "路灯不亮", Description: "小区门口路灯一周不亮，晚上很黑。", CallerName: "李华", CallerPhone: "13897005678",
		Address: "兴海路街道海湖小区", Kind: ticket.KindHelp}
	receipt, _, err := svc.CreatePublicTicket(ctx, in, app.PublicIntake{Channel: ticket.ChannelWeb})
	if err != nil {
		t.Fatal(err)
	}
	base := servePages(t, &apptest.Fixture{Svc: svc, DB: db, Clock: clock})
	shots := artifacts(t)
	all := os.Getenv("MINSHENG_PHONE_SHOTS") != "" // a screenshot of every page, not only of those that fail

	var roles []string
	for _, u := range res.Usernames {
		if org.Role(u).Valid() {
			roles = append(roles, u)
		}
	}
	if len(roles) < 6 {
		t.Fatalf("the demo has logins %v: want one for each staff role", res.Usernames)
	}
	pages := 0
	// person opens a phone-sized browser, signed in as who (a resident
	// when empty). Each browser has the helper's three minutes, so a walk
	// takes a new one every few pages.
	person := func(who string) context.Context {
		c := startBrowser(t, ctx, exe, phoneWidth)
		steps := []chromedp.Action[chromedp.Void]{chromedp.EmulateViewport(phoneWidth, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile)}
		if who != "" {
			steps = append(steps,
				chromedp.Navigate(base+"/login"),
				chromedp.WaitVisible(chromedp.CSS("#username")),
				chromedp.SendKeys(chromedp.CSS("#username"), who),
				chromedp.SendKeys(chromedp.CSS("#password"), demo.Password),
				chromedp.Click(chromedp.CSS("#login-submit")),
				chromedp.WaitVisible(chromedp.CSS("#logout")),
			)
		}
		if err := chromedp.Do(c, steps...); err != nil {
			t.Fatalf("%s signs in: %v", orAnon(who), err)
		}
		return c
	}
	walk := func(who string, start []string) {
		var c context.Context
		seen := map[string]bool{}
		queue := append([]string(nil), start...)
		for len(queue) > 0 && len(seen) < 45 {
			href := queue[0]
			queue = queue[1:]
			if seen[pageKey(href)] {
				continue
			}
			if len(seen)%8 == 0 {
				c = person(who)
			}
			seen[pageKey(href)] = true
			err := chromedp.Do(c, chromedp.Navigate(base+href), chromedp.WaitReady(chromedp.CSS("body")), chromedp.Sleep(350*time.Millisecond))
			if err != nil {
				t.Errorf("%s opens %s: %v", who, href, err)
				continue
			}
			r, err := chromedp.Run(c, chromedp.Evaluate[phoneResult](phoneCheck))
			if err != nil {
				t.Errorf("%s measures %s: %v", who, href, err)
				continue
			}
			pages++
			loc, _ := chromedp.Run(c, chromedp.Location())
			bad := r.Width > r.Inner || len(r.Cut) > 0 || len(r.Unlabelled) > 0
			if bad {
				t.Errorf("%s, %s (%s) at %d px: the page is %d px wide; cut off: %v; cards: %v", orAnon(who), href, loc, r.Inner, r.Width,
					r.Cut, first(r.Unlabelled, 5))
			}
			if bad || all {
				img, err := chromedp.Run(c, chromedp.FullScreenshot(100))
				if err == nil {
					name := fmt.Sprintf("phone-%s%s.png", orAnon(who), strings.NewReplacer("/", "-", "*", "x").Replace(pageKey(href)))
					_ = os.WriteFile(filepath.Join(shots, name), img, 0o644)
				}
			}
			for _, l := range r.Links {
				if walkable(l) && !seen[pageKey(l)] {
					queue = append(queue, l)
				}
			}
		}
		keys := make([]string, 0, len(seen))
		for k := range seen {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		t.Logf("%s: %d pages: %s", orAnon(who), len(keys), strings.Join(keys, " "))
	}
	walk("", []string{"/", "/portal", "/stats", "/login", "/track/" + receipt.Ticket.Number + "?token=" + receipt.Token})
	for _, who := range roles {
		walk(who, []string{"/", "/report", "/tickets", "/search?q=电梯", "/kb"})
	}
	if pages < 40 {
		t.Errorf("the walk opened only %d pages", pages)
	}

	// Item 9: at the desk, typing a common question shows an article of
	// the demo's knowledge base.
	c := person("agent")
	err = chromedp.Do(c,
		chromedp.Navigate(base+"/desk"),
		chromedp.WaitVisible(chromedp.CSS("#kb-q")),
		chromedp.SendKeys(chromedp.CSS("#kb-q"), "家里暖气不热"),
		chromedp.WaitVisible(chromedp.CSS("#kb-results .kb-hit summary")),
	)
	if err != nil {
		t.Fatalf("typing a question at the desk: %v", err)
	}
	title, err := chromedp.Run(c, chromedp.Text(chromedp.CSS("#kb-results .kb-hit summary")))
	if err != nil || !strings.Contains(title, "供暖") {
		t.Errorf("typing 家里暖气不热 shows %q (%v), want the article on heating", title, err)
	}
	img, err := chromedp.Run(c, chromedp.FullScreenshot(100))
	if err == nil {
		_ = os.WriteFile(filepath.Join(shots, "phone-desk-kb.png"), img, 0o644)
	}
}

func orAnon(who string) string {
	if who == "" {
		return "resident"
	}
	return who
}

func first(v []string, n int) []string {
	if len(v) > n {
		return v[:n]
	}
	return v
}
