package ui_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/minsheng/minsheng/app/apptest"
	appproject "github.com/minsheng/minsheng/app/project"
	"github.com/minsheng/minsheng/project"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// TestBrowserProjectsPublicPage opens the public page of the year's
// projects on a phone without signing in, sees the delayed project's
// explanation, and leaves a suggestion that becomes a ticket.
func TestBrowserProjectsPublicPage(t *testing.T) {
	exe := chromium()
	if exe == "" {
		t.Skip("Chromium is not installed (apt-get install chromium); the browser test needs it")
	}
	db := storetest.Open(t, "sqlite")
	f := apptest.New(t, db)
	ctx := context.Background()
	svc := appproject.New(f.Svc.Kit(), f.Svc)
	now := f.Clock.Now()
	for i, title := range []string{"老旧小区院落改造", "新增公共停车泊位"} {
		p, err := svc.Create(ctx, f.Users["admin"], appproject.NewProject{Year: 2026, Code: "2026-0" + string(rune('1'+i)), Title: title,
			Area: "兴海路街道", BudgetYuan: 4835000, UnitID: f.Street.ID,
			Milestones: []project.Milestone{{Title: "完成设计", Planned: now.AddDate(0, 0, -5)}, {Title: "竣工", Planned: now.AddDate(0, 6, 0)}}})
		if err != nil {
			t.Fatal(err)
		}
		if i == 1 {
			if _, err := svc.Act(ctx, f.Users["leader"], p.Code, project.ActionDelay, "地块征收未完成，开工推迟三个月"); err != nil {
				t.Fatal(err)
			}
		}
	}
	base := servePages(t, f)
	browser := startBrowser(t, ctx, exe, 1366)
	c, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	defer cancel()
	if err := chromedp.Do(c,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(base+"/projects"), chromedp.WaitVisible(chromedp.CSS("#project-2026-02 .explanation"))); err != nil {
		t.Fatal(err)
	}
	if s, _ := chromedp.Run(c, chromedp.Text(chromedp.CSS("#project-2026-02 .explanation"))); !strings.Contains(s, "地块征收") {
		t.Errorf("the delay's explanation reads %q", s)
	}
	img, err := chromedp.Run(c, chromedp.FullScreenshot(100))
	if err == nil {
		os.WriteFile(filepath.Join(artifacts(t), "projects-public-phone.png"), img, 0o644)
	}
	if err := chromedp.Do(c,
		chromedp.Click(chromedp.CSS("#project-2026-01 details.suggest summary")),
		chromedp.SendKeys(chromedp.CSS(`#project-2026-01 textarea[name="text"]`), "希望施工期间保留消防通道"),
		chromedp.Submit(chromedp.CSS(`#form-suggest-2026-01`)),
		chromedp.WaitVisible(chromedp.CSS("#suggest-done"))); err != nil {
		t.Fatal(err)
	}
	if s, _ := chromedp.Run(c, chromedp.Text(chromedp.CSS("#suggest-done a"))); !strings.HasPrefix(s, "2026") {
		t.Errorf("the suggestion's ticket number reads %q", s)
	}

	// The resident follows the first project by SMS: the phone, then the
	// code of the SMS (a wrong one first, refused in Chinese).
	const phone = "13912345678"
	if err := chromedp.Do(c,
		chromedp.Click(chromedp.CSS("#project-2026-01 details.follow summary")),
		chromedp.SendKeys(chromedp.CSS(`#form-follow-2026-01 input[name="phone"]`), phone),
		chromedp.Submit(chromedp.CSS(`#form-follow-2026-01`)),
		chromedp.WaitVisible(chromedp.CSS("#form-confirm-2026-01"))); err != nil {
		t.Fatal(err)
	}
	sms := func() []string {
		var out []string
		db.Read(ctx, func(tx *store.Tx) error {
			ds, err := store.ListDeliveries(ctx, tx, store.DeliveryFilter{Channel: "sms"})
			for _, d := range ds {
				if d.Recipient == phone {
					out = append(out, d.Body)
				}
			}
			return err
		})
		return out // newest first
	}
	code := regexp.MustCompile(`验证码：(\d{6})`).FindStringSubmatch(sms()[0])[1]
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	if err := chromedp.Do(c,
		chromedp.SendKeys(chromedp.CSS(`#form-confirm-2026-01 input[name="code"]`), wrong),
		chromedp.Submit(chromedp.CSS(`#form-confirm-2026-01`)),
		chromedp.WaitVisible(chromedp.CSS("#form-confirm-2026-01 .ferr"))); err != nil {
		t.Fatal(err)
	}
	if s, _ := chromedp.Run(c, chromedp.Text(chromedp.CSS("#form-confirm-2026-01 .ferr"))); !strings.Contains(s, "验证码不正确") {
		t.Errorf("a wrong code reads %q", s)
	}
	if err := chromedp.Do(c,
		chromedp.SendKeys(chromedp.CSS(`#form-confirm-2026-01 input[name="code"]`), code),
		chromedp.Submit(chromedp.CSS(`#form-confirm-2026-01`)),
		chromedp.WaitVisible(chromedp.CSS("#followed-2026-01"))); err != nil {
		t.Fatal(err)
	}
	img, err = chromedp.Run(c, chromedp.FullScreenshot(100))
	if err == nil {
		os.WriteFile(filepath.Join(artifacts(t), "projects-followed-phone.png"), img, 0o644)
	}

	// The street reaches the first milestone: the resident gets an SMS
	// with the link that stops them, and follows it.
	day := f.Clock.Now()
	if _, err := svc.Report(ctx, f.Users["street_handler"], "2026-01", appproject.Update{Milestone: 1, Actual: &day}); err != nil {
		t.Fatal(err)
	}
	last := sms()[0]
	if !strings.Contains(last, "已完成节点「完成设计」") {
		t.Fatalf("the milestone's SMS reads %q", last)
	}
	link := regexp.MustCompile(`/projects/unfollow\?token=[a-z2-7]+`).FindString(last)
	if err := chromedp.Do(c, chromedp.Navigate(base+link), chromedp.WaitVisible(chromedp.CSS("#form-unfollow")),
		chromedp.Submit(chromedp.CSS("#form-unfollow")), chromedp.WaitVisible(chromedp.CSS("#unfollow-done"))); err != nil {
		t.Fatal(err)
	}
	if s, _ := chromedp.Run(c, chromedp.Text(chromedp.CSS("#unfollow"))); !strings.Contains(s, "139****5678") || strings.Contains(s, phone) {
		t.Errorf("the unfollow page reads %q", s)
	}
	n := len(sms())
	day2 := f.Clock.Now()
	if _, err := svc.Report(ctx, f.Users["street_handler"], "2026-01", appproject.Update{Milestone: 2, Actual: &day2}); err != nil {
		t.Fatal(err)
	}
	if len(sms()) != n {
		t.Error("an SMS after unfollowing")
	}

	// Completed, the project is rated by the resident.
	if _, err := svc.Act(ctx, f.Users["street_handler"], "2026-01", project.ActionComplete, "已通过验收"); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(c, chromedp.Navigate(base+"/projects"),
		chromedp.Click(chromedp.CSS("#rating-2026-01 details.rate summary")),
		chromedp.SetValue(chromedp.CSS(`#form-rate-2026-01 select[name="stars"]`), "4"),
		chromedp.SendKeys(chromedp.CSS(`#form-rate-2026-01 input[name="phone"]`), phone),
		chromedp.Submit(chromedp.CSS("#form-rate-2026-01")),
		chromedp.WaitVisible(chromedp.CSS("#rated-2026-01"))); err != nil {
		t.Fatal(err)
	}
	if s, _ := chromedp.Run(c, chromedp.Text(chromedp.CSS("#rating-2026-01"))); !strings.Contains(s, "群众验收评价") || !strings.Contains(s, "1 人评价") {
		t.Errorf("the rating reads %q", s)
	}
}
