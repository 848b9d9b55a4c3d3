package ui_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	appmed "github.com/minsheng/minsheng/app/mediation"
	"github.com/minsheng/minsheng/mediation"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// TestBrowserMediationSignByCode drives Chromium through an agreement
// signed by SMS code: the mediator, on a phone, records it; it is not in
// force and both parties are awaited. The applicant, in the room, reads
// the code of their SMS to the mediator, who types it on the case page;
// the respondent opens the link of their SMS on their own phone (no
// sign-in), types a wrong code (refused in Chinese) and then the right
// one. The case is then in performance with its 司法确认 deadline.
func TestBrowserMediationSignByCode(t *testing.T) {
	exe := chromium()
	if exe == "" {
		t.Skip("Chromium is not installed (apt-get install chromium); the browser test needs it")
	}
	db := storetest.Open(t, "sqlite")
	f := apptest.New(t, db)
	ctx := context.Background()
	med, err := f.Svc.CreateUser(ctx, kit.System(), app.NewUser{Username: "mediator", Name: "冶秀兰", Role: org.RoleMediator,
		UnitID: f.District.ID, Password: apptest.Password})
	if err != nil {
		t.Fatal(err)
	}
	svc := appmed.New(f.Svc.Kit(), f.Svc)
	c, err := svc.Register(ctx, med, appmed.Registration{NewCase: mediation.NewCase{Type: mediation.TypeLabour, Source: mediation.SourceWalkIn,
		Title: "保洁员工资纠纷", Parties: []mediation.NewParty{{Side: mediation.SideApplicant, Name: "杨春花", Phone: "13897470012"},
			{Side: mediation.SideRespondent, Name: "鲁文斌", Phone: "13997470023"}}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []mediation.Action{mediation.ActionAccept, mediation.ActionMediate} {
		if _, err := svc.Act(ctx, med, c.Number, a, ""); err != nil {
			t.Fatal(err)
		}
	}
	// sms reads the newest signing SMS to a phone, as its owner would.
	codeRE, linkRE := regexp.MustCompile(`验证码：(\d{6})`), regexp.MustCompile(`/mediation/sign/[a-z2-7]+`)
	sms := func(phone string) (code, link string) {
		t.Helper()
		err := db.Read(ctx, func(tx *store.Tx) error {
			ds, err := store.ListDeliveries(ctx, tx, store.DeliveryFilter{Object: appmed.ObjectCase, ObjectID: c.ID})
			for _, d := range ds {
				if d.Recipient == phone && d.Template == "mediation.sign_code" && code == "" {
					code, link = codeRE.FindStringSubmatch(d.Body)[1], linkRE.FindString(d.Body)
				}
			}
			return err
		})
		if err != nil || code == "" {
			t.Fatalf("no signing SMS to %s: %v", phone, err)
		}
		return code, link
	}

	base := servePages(t, f)
	shots := artifacts(t)
	browser := startBrowser(t, ctx, exe, 1366)
	person := func() context.Context {
		pc, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
		t.Cleanup(cancel)
		if err := chromedp.Do(pc, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch)); err != nil {
			t.Fatal(err)
		}
		return pc
	}
	n := 0
	shot := func(pc context.Context, name string) {
		t.Helper()
		n++
		img, err := chromedp.Run(pc, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(shots, fmt.Sprintf("mediation-sign-%02d-%s.png", n, name)), img, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	do := func(pc context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(pc, steps...); err != nil {
			loc, _ := chromedp.Run(pc, chromedp.Location())
			html, _ := chromedp.Run(pc, chromedp.OuterHTML(chromedp.CSS("main")))
			t.Fatalf("%s: %v (at %s)\n%s", what, err, loc, html)
		}
	}
	text := func(pc context.Context, sel string) string {
		t.Helper()
		s, err := chromedp.Run(pc, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}

	// 1. The mediator records the agreement, to be signed by SMS code.
	mp := person()
	do(mp, "sign in", chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), "mediator"), chromedp.SendKeys(chromedp.CSS("#password"), apptest.Password),
		chromedp.Click(chromedp.CSS("#login-submit")), chromedp.WaitVisible(chromedp.CSS("#logout")))
	do(mp, "the agreement", chromedp.Navigate(base+"/mediation/cases/"+c.Number), chromedp.WaitVisible(chromedp.CSS("#form-agreement")),
		chromedp.SetValue(chromedp.CSS(`#form-agreement textarea[name="terms"]`), "鲁文斌分两期支付拖欠工资共 5600 元。"),
		chromedp.SetValue(chromedp.CSS(`#form-agreement select[name="sign_mode"]`), "sms"),
		chromedp.SetValue(chromedp.CSS(`#form-agreement input[name="amount"]`), "5600"),
		chromedp.SetValue(chromedp.CSS(`#form-agreement input[name="instalments"]`), "2"),
		chromedp.SetValue(chromedp.CSS(`#form-agreement input[name="first_due"]`), "2026-03-31"),
		chromedp.Click(chromedp.CSS("#form-agreement button")), chromedp.WaitVisible(chromedp.CSS("#signatures")))
	if got := text(mp, "#case-status"); got != "达成协议" {
		t.Errorf("after recording it: %q", got)
	}
	if got := text(mp, "#unsigned"); !strings.Contains(got, "短信确认后生效") {
		t.Errorf("the agreement's day reads %q", got)
	}
	if got := text(mp, "#signatures"); strings.Count(got, "待确认") != 2 {
		t.Errorf("signatures: %q", got)
	}
	shot(mp, "awaiting-phone")

	// 2. The applicant reads the code to the mediator.
	appCode, _ := sms("13897470012")
	applicant := "#signatures li:nth-child(1)"
	do(mp, "type the applicant's code", chromedp.SendKeys(chromedp.CSS(applicant+` input[name="code"]`), appCode),
		chromedp.Click(chromedp.CSS(applicant+" button.primary")), chromedp.WaitVisible(chromedp.CSS(applicant+" .ok")))
	if got := text(mp, applicant); !strings.Contains(got, "已签署") || !strings.Contains(got, "调解员录入") {
		t.Errorf("the applicant's signature reads %q", got)
	}

	// 3. The respondent opens the link of their SMS.
	respCode, link := sms("13997470023")
	rp := person()
	do(rp, "open the link", chromedp.Navigate(base+link), chromedp.WaitVisible(chromedp.CSS("#form-sign")))
	if got := text(rp, "#sign-terms"); got != "鲁文斌分两期支付拖欠工资共 5600 元。" {
		t.Errorf("the public page shows the terms %q", got)
	}
	if strings.Contains(text(rp, "main"), "鲁文斌 ") || strings.Contains(text(rp, "main"), "13997470023") {
		t.Error("the public page shows the party unmasked")
	}
	wrongCode := "000000"
	if respCode == wrongCode {
		wrongCode = "111111"
	}
	do(rp, "a wrong code", chromedp.SendKeys(chromedp.CSS("#sign-code"), wrongCode), chromedp.Click(chromedp.CSS("#sign-submit")),
		chromedp.WaitVisible(chromedp.CSS("#form-sign .ferr, #form-sign .form-error")))
	if got := text(rp, "#form-sign"); !strings.Contains(got, "验证码不正确") {
		t.Errorf("the refusal reads %q", got)
	}
	shot(rp, "wrong-code-phone")
	do(rp, "the right code", chromedp.SendKeys(chromedp.CSS("#sign-code"), respCode),
		chromedp.Click(chromedp.CSS("#sign-submit")), chromedp.WaitVisible(chromedp.CSS("#sign-done")))
	shot(rp, "signed-phone")

	// 4. The mediator sees the agreement in force and in performance.
	do(mp, "reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#schedule")))
	if got := text(mp, "#case-status"); got != "协议履行中" {
		t.Errorf("after both signed: %q", got)
	}
	if got := text(mp, "#judicial-last-day"); got != "2026-04-01" {
		t.Errorf("the 司法确认 deadline: %q", got)
	}
	if got := text(mp, "#case-timeline"); !strings.Contains(got, "协议各方签署完成") || !strings.Contains(got, "当事人确认签署") {
		t.Errorf("timeline: %s", got)
	}
	shot(mp, "in-force-phone")
}
