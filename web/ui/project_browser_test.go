package ui_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/minsheng/minsheng/app/apptest"
	appproject "github.com/minsheng/minsheng/app/project"
	"github.com/minsheng/minsheng/project"
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
		chromedp.Click(chromedp.CSS("#project-2026-01 summary")),
		chromedp.SendKeys(chromedp.CSS(`#project-2026-01 textarea[name="text"]`), "希望施工期间保留消防通道"),
		chromedp.Submit(chromedp.CSS(`#project-2026-01 form`)),
		chromedp.WaitVisible(chromedp.CSS("#suggest-done"))); err != nil {
		t.Fatal(err)
	}
	if s, _ := chromedp.Run(c, chromedp.Text(chromedp.CSS("#suggest-done a"))); !strings.HasPrefix(s, "2026") {
		t.Errorf("the suggestion's ticket number reads %q", s)
	}
}
