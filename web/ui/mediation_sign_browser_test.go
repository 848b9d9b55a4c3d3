package ui_test

import (
	"context"
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

	r := newBrowserRun(t, f, "mediation-sign", 1366)

	// 1. The mediator records the agreement, to be signed by SMS code.
	mp := r.phone()
	r.do(mp, "sign in", chromedp.Navigate(r.base+"/login"), chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), "mediator"), chromedp.SendKeys(chromedp.CSS("#password"), apptest.Password),
		chromedp.Click(chromedp.CSS("#login-submit")), chromedp.WaitVisible(chromedp.CSS("#logout")))
	r.do(mp, "the agreement", chromedp.Navigate(r.base+"/mediation/cases/"+c.Number), chromedp.WaitVisible(chromedp.CSS("#form-agreement")),
		chromedp.SetValue(chromedp.CSS(`#form-agreement textarea[name="terms"]`), "鲁文斌分两期支付拖欠工资共 5600 元。"),
		chromedp.SetValue(chromedp.CSS(`#form-agreement select[name="sign_mode"]`), "sms"),
		chromedp.SetValue(chromedp.CSS(`#form-agreement input[name="amount"]`), "5600"),
		chromedp.SetValue(chromedp.CSS(`#form-agreement input[name="instalments"]`), "2"),
		chromedp.SetValue(chromedp.CSS(`#form-agreement input[name="first_due"]`), "2026-03-31"),
		chromedp.Click(chromedp.CSS("#form-agreement button")), chromedp.WaitVisible(chromedp.CSS("#signatures")))
	if got := r.text(mp, "#case-status"); got != "达成协议" {
		t.Errorf("after recording it: %q", got)
	}
	if got := r.text(mp, "#unsigned"); !strings.Contains(got, "短信确认后生效") {
		t.Errorf("the agreement's day reads %q", got)
	}
	if got := r.text(mp, "#signatures"); strings.Count(got, "待确认") != 2 {
		t.Errorf("signatures: %q", got)
	}
	r.shot(mp, "awaiting-phone")

	// 2. The applicant reads the code to the mediator.
	appCode, _ := sms("13897470012")
	applicant := "#signatures li:nth-child(1)"
	r.do(mp, "type the applicant's code", chromedp.SendKeys(chromedp.CSS(applicant+` input[name="code"]`), appCode),
		chromedp.Click(chromedp.CSS(applicant+" button.primary")), chromedp.WaitVisible(chromedp.CSS(applicant+" .ok")))
	if got := r.text(mp, applicant); !strings.Contains(got, "已签署") || !strings.Contains(got, "调解员录入") {
		t.Errorf("the applicant's signature reads %q", got)
	}

	// 3. The respondent opens the link of their SMS.
	respCode, link := sms("13997470023")
	rp := r.phone()
	r.do(rp, "open the link", chromedp.Navigate(r.base+link), chromedp.WaitVisible(chromedp.CSS("#form-sign")))
	if got := r.text(rp, "#sign-terms"); got != "鲁文斌分两期支付拖欠工资共 5600 元。" {
		t.Errorf("the public page shows the terms %q", got)
	}
	if strings.Contains(r.text(rp, "main"), "鲁文斌 ") || strings.Contains(r.text(rp, "main"), "13997470023") {
		t.Error("the public page shows the party unmasked")
	}
	wrongCode := "000000"
	if respCode == wrongCode {
		wrongCode = "111111"
	}
	r.do(rp, "a wrong code", chromedp.SendKeys(chromedp.CSS("#sign-code"), wrongCode), chromedp.Click(chromedp.CSS("#sign-submit")),
		chromedp.WaitVisible(chromedp.CSS("#form-sign .ferr, #form-sign .form-error")))
	if got := r.text(rp, "#form-sign"); !strings.Contains(got, "验证码不正确") {
		t.Errorf("the refusal reads %q", got)
	}
	r.shot(rp, "wrong-code-phone")
	r.do(rp, "the right code", chromedp.SendKeys(chromedp.CSS("#sign-code"), respCode),
		chromedp.Click(chromedp.CSS("#sign-submit")), chromedp.WaitVisible(chromedp.CSS("#sign-done")))
	r.shot(rp, "signed-phone")

	// 4. The mediator sees the agreement in force and in performance.
	r.do(mp, "reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#schedule")))
	if got := r.text(mp, "#case-status"); got != "协议履行中" {
		t.Errorf("after both signed: %q", got)
	}
	if got := r.text(mp, "#judicial-last-day"); got != "2026-04-01" {
		t.Errorf("the 司法确认 deadline: %q", got)
	}
	if got := r.text(mp, "#case-timeline"); !strings.Contains(got, "协议各方签署完成") || !strings.Contains(got, "当事人确认签署") {
		t.Errorf("timeline: %s", got)
	}
	r.shot(mp, "in-force-phone")
}
