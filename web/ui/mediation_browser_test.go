package ui_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

// TestBrowserMediationLoop drives Chromium through the mediation centre's
// main loop: the agent turns a dispute call into a case; the mediator, on
// a phone, accepts it, schedules and records a session, records an
// agreement in two instalments (first refused with its error worded in
// Chinese), records both performed, and closes the case after the return
// visit. The pages are saved in testdata/artifacts.
func TestBrowserMediationLoop(t *testing.T) {
	exe := chromium()
	if exe == "" {
		t.Skip("Chromium is not installed (apt-get install chromium); the browser test needs it")
	}
	db := storetest.Open(t, "sqlite")
	f := apptest.New(t, db)
	ctx := context.Background()
	if _, err := f.Svc.CreateUser(ctx, kit.System(), app.NewUser{Username: "mediator", Name: "冶秀兰", Role: org.RoleMediator,
		UnitID: f.District.ID, Password: apptest.Password}); err != nil {
		t.Fatal(err)
	}
	cat, err := f.Svc.CreateCategory(ctx, kit.System(), app.NewCategory{Code: "dispute", Name: "矛盾纠纷"})
	if err != nil {
		t.Fatal(err)
	}
	tk, _, err := f.Svc.CreateTicket(ctx, f.Users["agent"], ticket.NewTicket{Title: "楼上漏水协商不成", Description: "楼上卫生间漏水，请求调解。",
		Kind: ticket.KindHelp, CallerName: "王秀兰", CallerPhone: "13897001234", Address: "海湖路18号3号楼502室", CategoryID: cat.ID}, "")
	if err != nil {
		t.Fatal(err)
	}
	base := servePages(t, f)
	shots := artifacts(t)
	browser := startBrowser(t, ctx, exe, 1366)
	person := func() context.Context {
		c, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
		t.Cleanup(cancel)
		return c
	}
	n := 0
	shot := func(c context.Context, name string) {
		t.Helper()
		n++
		img, err := chromedp.Run(c, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(shots, fmt.Sprintf("mediation-%02d-%s.png", n, name)), img, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	do := func(c context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(c, steps...); err != nil {
			loc, _ := chromedp.Run(c, chromedp.Location())
			html, _ := chromedp.Run(c, chromedp.OuterHTML(chromedp.CSS("main")))
			t.Fatalf("%s: %v (at %s)\n%s", what, err, loc, html)
		}
	}
	text := func(c context.Context, sel string) string {
		t.Helper()
		s, err := chromedp.Run(c, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}
	signIn := func(c context.Context, username string) {
		t.Helper()
		do(c, "sign in as "+username, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.CSS("#username")),
			chromedp.SendKeys(chromedp.CSS("#username"), username), chromedp.SendKeys(chromedp.CSS("#password"), apptest.Password),
			chromedp.Click(chromedp.CSS("#login-submit")), chromedp.WaitVisible(chromedp.CSS("#logout")))
	}

	// 1. The agent turns the call into a case of the street's centre.
	agent := person()
	signIn(agent, "agent")
	do(agent, "open the case form from the ticket", chromedp.Navigate(base+"/mediation?ticket="+tk.Number),
		chromedp.WaitVisible(chromedp.CSS("#form-register")),
		chromedp.SetValue(chromedp.CSS(`#form-register select[name="type"]`), "neighbour"),
		chromedp.SendKeys(chromedp.CSS(`#form-register input[name="title"]`), "楼上漏水赔偿纠纷"),
		chromedp.SendKeys(chromedp.CSS(`#form-register input[name="applicant_name"]`), "王秀兰"),
		chromedp.SendKeys(chromedp.CSS(`#form-register input[name="applicant_phone"]`), "13897001234"),
		chromedp.SendKeys(chromedp.CSS(`#form-register input[name="respondent_name"]`), "李建国"),
		chromedp.SendKeys(chromedp.CSS(`#form-register input[name="respondent_phone"]`), "13997005678"))
	shot(agent, "register")
	do(agent, "register", chromedp.Submit(chromedp.CSS("#form-register")), chromedp.WaitVisible(chromedp.CSS(".flash, #med-new")))
	number := "TJ" + apptest.Start.Format("20060102") + "-0001"

	// 2. The mediator, on a phone.
	med := person()
	do(med, "phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
	signIn(med, "mediator")
	do(med, "the list", chromedp.Navigate(base+"/mediation"), chromedp.WaitVisible(chromedp.CSS("#med-cases")))
	shot(med, "list-phone")
	do(med, "open the case", chromedp.Click(chromedp.CSS(`#med-cases a.num`)), chromedp.WaitVisible(chromedp.CSS("#case-number")))
	if got := text(med, "#case-number"); got != number {
		t.Fatalf("case %s, want %s", got, number)
	}
	if got := text(med, "#case-ticket"); got != tk.Number {
		t.Errorf("the case names ticket %q, want %s", got, tk.Number)
	}
	if strings.Contains(text(med, "#parties"), "13897001234") {
		t.Error("a party's phone is shown unmasked")
	}
	do(med, "accept", chromedp.Click(chromedp.CSS("#form-accept button")), chromedp.WaitVisible(chromedp.CSS("#form-session")))
	do(med, "schedule a session",
		chromedp.SetValue(chromedp.CSS(`#form-session input[name="at"]`), "2026-03-03T09:30"),
		chromedp.SendKeys(chromedp.CSS(`#form-session input[name="place"]`), "兴海路街道调解室"),
		chromedp.Click(chromedp.CSS("#form-session button")), chromedp.WaitVisible(chromedp.CSS(`#session-1 textarea[name="record"]`)))
	do(med, "record the session",
		chromedp.SendKeys(chromedp.CSS(`#session-1 textarea[name="record"]`), "双方同意由被申请人修复防水并赔偿3000元。"),
		chromedp.Click(chromedp.CSS("#session-1 button")), chromedp.WaitVisible(chromedp.CSS("#form-agreement")))
	if got := text(med, "#case-status"); got != "调解中" {
		t.Errorf("after the session: %q", got)
	}
	agreement := func(firstDue string) {
		do(med, "fill in the agreement",
			chromedp.SetValue(chromedp.CSS(`#form-agreement textarea[name="terms"]`), "李建国修复卫生间防水，并分两期赔偿王秀兰3000元。"),
			chromedp.SetValue(chromedp.CSS(`#form-agreement input[name="effective"]`), "2026-03-03"),
			chromedp.SetValue(chromedp.CSS(`#form-agreement input[name="amount"]`), "3000"),
			chromedp.SetValue(chromedp.CSS(`#form-agreement input[name="instalments"]`), "2"),
			chromedp.SetValue(chromedp.CSS(`#form-agreement input[name="first_due"]`), firstDue),
			chromedp.Click(chromedp.CSS("#form-agreement button")))
	}
	agreement("2026-03-01")
	do(med, "the refusal", chromedp.WaitVisible(chromedp.CSS("#form-agreement .ferr")))
	if got := text(med, "#form-agreement .ferr"); !strings.Contains(got, "履行日") {
		t.Errorf("the refusal reads %q; want it in Chinese about the instalment's day", got)
	}
	shot(med, "agreement-refused-phone")
	agreement("2026-03-15")
	do(med, "the schedule", chromedp.WaitVisible(chromedp.CSS("#schedule")))
	if got := text(med, "#case-status"); got != "协议履行中" {
		t.Errorf("after the agreement: %q", got)
	}
	shot(med, "agreement-phone")
	do(med, "first instalment", chromedp.Click(chromedp.CSS("#instalment-1 button")), chromedp.WaitVisible(chromedp.CSS("#instalment-1 .ok")))
	do(med, "second instalment", chromedp.Click(chromedp.CSS("#instalment-2 button")), chromedp.WaitVisible(chromedp.CSS("#form-visit")))
	if got := text(med, "#case-status"); got != "履行完毕" {
		t.Errorf("after both instalments: %q", got)
	}
	do(med, "the return visit",
		chromedp.SetValue(chromedp.CSS(`#form-visit select[name="result"]`), "performed"),
		chromedp.SetValue(chromedp.CSS(`#form-visit select[name="satisfaction"]`), "satisfied"),
		chromedp.SendKeys(chromedp.CSS(`#form-visit textarea[name="note"]`), "电话回访：防水已修好，赔偿已付清。"),
		chromedp.Click(chromedp.CSS("#form-visit button")), chromedp.WaitVisible(chromedp.CSS("#visits .visit")))
	if got := text(med, "#visits .visit"); !strings.Contains(got, "履行到位") || !strings.Contains(got, "满意") {
		t.Errorf("the visit reads %q", got)
	}
	do(med, "close after the return visit",
		chromedp.SendKeys(chromedp.CSS(`#form-close input[name="note"]`), "回访：双方满意。"),
		chromedp.Click(chromedp.CSS("#form-close button")),
		// The old page has a timeline too: wait for the form to go with it.
		chromedp.WaitNotPresent(chromedp.CSS("#form-close")), chromedp.WaitVisible(chromedp.CSS("#case-timeline")))
	if got := text(med, "#case-status"); got != "已结案" {
		t.Errorf("after closing: %q", got)
	}
	if tl := text(med, "#case-timeline"); !strings.Contains(tl, "达成调解协议") || !strings.Contains(tl, "结案") {
		t.Errorf("timeline: %s", tl)
	}
	shot(med, "closed-phone")
}
