package ui_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/minsheng/minsheng/app/apptest"
)

// A browserRun is one browser test: the pages it drives, its headless
// Chromium, and the steps every browser test takes (people with cookies of
// their own, signing in, acting, reading, screenshots).
type browserRun struct {
	t       *testing.T
	base    string // the pages' URL
	browser context.Context
	name    string // prefix of the screenshots
	shots   string
	n       int
}

// newBrowserRun serves f's pages as serve does and starts Chromium with a
// window width (390 for a phone); it skips the test, saying why, when
// Chromium is not installed. Screenshots go to testdata/artifacts as
// <name>-NN-<what>.png.
func newBrowserRun(t *testing.T, f *apptest.Fixture, name string, width int) *browserRun {
	t.Helper()
	exe := chromium()
	if exe == "" {
		t.Skip("Chromium is not installed (apt-get install chromium); the browser test needs it")
	}
	base := servePages(t, f)
	return &browserRun{t: t, base: base, browser: startBrowser(t, context.Background(), exe, width), name: name, shots: artifacts(t)}
}

// person is someone at their own browser: their own cookies.
func (r *browserRun) person() context.Context {
	c, cancel := chromedp.NewContext(r.browser, chromedp.WithNewBrowserContext())
	r.t.Cleanup(cancel)
	return c
}

// phone is someone at their own phone: their own cookies, a screen 390
// pixels wide.
func (r *browserRun) phone() context.Context {
	c := r.person()
	r.do(c, "a phone's screen", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
	return c
}

// shot saves a screenshot of the whole page.
func (r *browserRun) shot(c context.Context, what string) {
	r.t.Helper()
	r.n++
	img, err := chromedp.Run(c, chromedp.FullScreenshot(100))
	if err != nil {
		r.t.Fatalf("screenshot %s: %v", what, err)
	}
	p := filepath.Join(r.shots, fmt.Sprintf("%s-%02d-%s.png", r.name, r.n, what))
	if err := os.WriteFile(p, img, 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// do runs steps, failing the test with where the browser was and what the
// page showed when one fails.
func (r *browserRun) do(c context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	r.t.Helper()
	if err := chromedp.Do(c, steps...); err != nil {
		loc, _ := chromedp.Run(c, chromedp.Location())
		html, _ := chromedp.Run(c, chromedp.OuterHTML(chromedp.CSS("main")))
		r.t.Fatalf("%s: %v (at %s)\n%s", what, err, loc, html)
	}
}

// text is the text of the first element sel matches, trimmed.
func (r *browserRun) text(c context.Context, sel string) string {
	r.t.Helper()
	s, err := chromedp.Run(c, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		r.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// fits fails the test when the page is wider than the screen: on a phone,
// a page must not scroll sideways.
func (r *browserRun) fits(c context.Context, page string) {
	r.t.Helper()
	w, err := chromedp.Run(c, chromedp.Evaluate[[]float64](`[document.documentElement.scrollWidth, window.innerWidth]`))
	switch {
	case err != nil || len(w) != 2:
		r.t.Errorf("the width of %s: %v %v", page, w, err)
	case w[0] > w[1]:
		r.t.Errorf("%s is %v px wide on a screen of %v px", page, w[0], w[1])
	}
}

// signIn signs in on the sign-in page with the fixture's password.
func (r *browserRun) signIn(c context.Context, username string) {
	r.t.Helper()
	r.do(c, "sign in as "+username, chromedp.Navigate(r.base+"/login"), chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), username), chromedp.SendKeys(chromedp.CSS("#password"), apptest.Password),
		chromedp.Click(chromedp.CSS("#login-submit")), chromedp.WaitVisible(chromedp.CSS("#logout")))
}

// submit clicks sel (a form's button or a link) and waits until the page
// it leads to has loaded. Waiting for an element is not enough when the
// old page has the same element: the test would read the old page.
func (r *browserRun) submit(c context.Context, what, sel string) {
	r.t.Helper()
	r.do(c, what, newPage(chromedp.Click(chromedp.CSS(sel))))
}

// newPage runs act, which leads to another page, and waits until that
// page is loaded: the old document carries a mark the new one does not.
func newPage(act chromedp.Action[chromedp.Void]) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](`window.__old = true`)(ctx, t)
			return err
		}),
		act,
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Poll[bool](`!window.__old && document.readyState === "complete"`)(ctx, t)
			return err
		}),
	)
}
