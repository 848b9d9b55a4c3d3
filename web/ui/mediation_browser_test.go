package ui_test

import (
	"context"
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
	r := newBrowserRun(t, f, "mediation", 1366)

	// 1. The agent turns the call into a case of the street's centre.
	agent := r.person()
	r.signIn(agent, "agent")
	r.do(agent, "open the case form from the ticket", chromedp.Navigate(r.base+"/mediation?ticket="+tk.Number),
		chromedp.WaitVisible(chromedp.CSS("#form-register")),
		chromedp.SetValue(chromedp.CSS(`#form-register select[name="type"]`), "neighbour"),
		chromedp.SendKeys(chromedp.CSS(`#form-register input[name="title"]`), "楼上漏水赔偿纠纷"),
		chromedp.SendKeys(chromedp.CSS(`#form-register input[name="applicant_name"]`), "王秀兰"),
		chromedp.SendKeys(chromedp.CSS(`#form-register input[name="applicant_phone"]`), "13897001234"),
		chromedp.SendKeys(chromedp.CSS(`#form-register input[name="respondent_name"]`), "李建国"),
		chromedp.SendKeys(chromedp.CSS(`#form-register input[name="respondent_phone"]`), "13997005678"))
	r.shot(agent, "register")
	r.do(agent, "register", chromedp.Submit(chromedp.CSS("#form-register")), chromedp.WaitVisible(chromedp.CSS(".flash, #med-new")))
	number := "TJ" + apptest.Start.Format("20060102") + "-0001"

	// 2. The mediator, on a phone.
	med := r.person()
	r.do(med, "phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
	r.signIn(med, "mediator")
	r.do(med, "the list", chromedp.Navigate(r.base+"/mediation"), chromedp.WaitVisible(chromedp.CSS("#med-cases")))
	r.shot(med, "list-phone")
	r.do(med, "open the case", chromedp.Click(chromedp.CSS(`#med-cases a.num`)), chromedp.WaitVisible(chromedp.CSS("#case-number")))
	if got := r.text(med, "#case-number"); got != number {
		t.Fatalf("case %s, want %s", got, number)
	}
	if got := r.text(med, "#case-ticket"); got != tk.Number {
		t.Errorf("the case names ticket %q, want %s", got, tk.Number)
	}
	if strings.Contains(r.text(med, "#parties"), "13897001234") {
		t.Error("a party's phone is shown unmasked")
	}
	r.do(med, "accept", chromedp.Click(chromedp.CSS("#form-accept button")), chromedp.WaitVisible(chromedp.CSS("#form-session")))
	r.do(med, "schedule a session",
		chromedp.SetValue(chromedp.CSS(`#form-session input[name="at"]`), "2026-03-03T09:30"),
		chromedp.SendKeys(chromedp.CSS(`#form-session input[name="place"]`), "兴海路街道调解室"),
		chromedp.Click(chromedp.CSS("#form-session button")), chromedp.WaitVisible(chromedp.CSS(`#session-1 textarea[name="record"]`)))
	r.do(med, "record the session",
		chromedp.SendKeys(chromedp.CSS(`#session-1 textarea[name="record"]`), "双方同意由被申请人修复防水并赔偿3000元。"),
		chromedp.Click(chromedp.CSS("#session-1 button")), chromedp.WaitVisible(chromedp.CSS("#form-agreement")))
	if got := r.text(med, "#case-status"); got != "调解中" {
		t.Errorf("after the session: %q", got)
	}
	agreement := func(firstDue string) {
		r.do(med, "fill in the agreement",
			chromedp.SetValue(chromedp.CSS(`#form-agreement textarea[name="terms"]`), "李建国修复卫生间防水，并分两期赔偿王秀兰3000元。"),
			chromedp.SetValue(chromedp.CSS(`#form-agreement input[name="effective"]`), "2026-03-03"),
			chromedp.SetValue(chromedp.CSS(`#form-agreement input[name="amount"]`), "3000"),
			chromedp.SetValue(chromedp.CSS(`#form-agreement input[name="instalments"]`), "2"),
			chromedp.SetValue(chromedp.CSS(`#form-agreement input[name="first_due"]`), firstDue),
			chromedp.Click(chromedp.CSS("#form-agreement button")))
	}
	agreement("2026-03-01")
	r.do(med, "the refusal", chromedp.WaitVisible(chromedp.CSS("#form-agreement .ferr")))
	if got := r.text(med, "#form-agreement .ferr"); !strings.Contains(got, "履行日") {
		t.Errorf("the refusal reads %q; want it in Chinese about the instalment's day", got)
	}
	r.shot(med, "agreement-refused-phone")
	agreement("2026-03-15")
	r.do(med, "the schedule", chromedp.WaitVisible(chromedp.CSS("#schedule")))
	if got := r.text(med, "#case-status"); got != "协议履行中" {
		t.Errorf("after the agreement: %q", got)
	}
	r.shot(med, "agreement-phone")
	r.do(med, "first instalment", chromedp.Click(chromedp.CSS("#instalment-1 button")), chromedp.WaitVisible(chromedp.CSS("#instalment-1 .ok")))
	r.do(med, "second instalment", chromedp.Click(chromedp.CSS("#instalment-2 button")), chromedp.WaitVisible(chromedp.CSS("#form-visit")))
	if got := r.text(med, "#case-status"); got != "履行完毕" {
		t.Errorf("after both instalments: %q", got)
	}
	r.do(med, "the return visit",
		chromedp.SetValue(chromedp.CSS(`#form-visit select[name="result"]`), "performed"),
		chromedp.SetValue(chromedp.CSS(`#form-visit select[name="satisfaction"]`), "satisfied"),
		chromedp.SendKeys(chromedp.CSS(`#form-visit textarea[name="note"]`), "电话回访：防水已修好，赔偿已付清。"),
		chromedp.Click(chromedp.CSS("#form-visit button")), chromedp.WaitVisible(chromedp.CSS("#visits .visit")))
	if got := r.text(med, "#visits .visit"); !strings.Contains(got, "履行到位") || !strings.Contains(got, "满意") {
		t.Errorf("the visit reads %q", got)
	}
	r.do(med, "close after the return visit",
		chromedp.SendKeys(chromedp.CSS(`#form-close input[name="note"]`), "回访：双方满意。"),
		chromedp.Click(chromedp.CSS("#form-close button")),
		// The old page has a timeline too: wait for the form to go with it.
		chromedp.WaitNotPresent(chromedp.CSS("#form-close")), chromedp.WaitVisible(chromedp.CSS("#case-timeline")))
	if got := r.text(med, "#case-status"); got != "已结案" {
		t.Errorf("after closing: %q", got)
	}
	if tl := r.text(med, "#case-timeline"); !strings.Contains(tl, "达成调解协议") || !strings.Contains(tl, "结案") {
		t.Errorf("timeline: %s", tl)
	}
	r.shot(med, "closed-phone")
}
