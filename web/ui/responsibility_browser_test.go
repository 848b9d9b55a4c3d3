package ui_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/minsheng/minsheng/app/apptest"
	appresp "github.com/minsheng/minsheng/app/responsibility"
	"github.com/minsheng/minsheng/responsibility"
	"github.com/minsheng/minsheng/store/storetest"
)

// TestBrowserResponsibilityBoard walks the leader's main loop on a phone
// (390 px) in a real Chromium: the board (包保台账) ranks the leader with
// an overdue milestone first → the matter's page → the milestone recorded
// done (the board no longer counts it) → resolving refused without saying
// what was done (in Chinese, the form kept) → marked resolved, on the
// timeline. Screenshots go to testdata/artifacts.
func TestBrowserResponsibilityBoard(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	f := apptest.New(t, db)
	ctx := context.Background()
	svc := appresp.New(f.Svc.Kit(), f.Svc)
	now := f.Clock.Now()
	overdue, err := svc.Create(ctx, f.Users["admin"], responsibility.New{Kind: responsibility.KindPetition, Title: "某小区业主反映物业公司多收取暖费问题",
		Goal: "退还多收费用，息诉罢访", LeaderID: f.Users["leader"].ID, UnitID: f.Street.ID, Milestones: []responsibility.Milestone{
			{Title: "领导接访，听取诉求", Due: now.AddDate(0, 0, 2)}, {Title: "书面答复", Due: now.AddDate(0, 0, 30)}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Create(ctx, f.Users["admin"], responsibility.New{Kind: responsibility.KindProject, Title: "兴海路老旧小区改造",
		Goal: "年内完工", LeaderID: f.Users["leader"].ID, UnitID: f.Dept.ID, Milestones: []responsibility.Milestone{
			{Title: "开工", Due: now.AddDate(0, 1, 0)}}}); err != nil {
		t.Fatal(err)
	}
	f.Clock.Advance(5 * 24 * time.Hour) // the first milestone is overdue
	r := newBrowserRun(t, f, "responsibility", 390)
	c := r.person()

	r.do(c, "the leader signs in on a phone and opens the board",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(r.base+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), "leader"),
		chromedp.SendKeys(chromedp.CSS("#password"), apptest.Password),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS("#logout")),
		chromedp.Navigate(r.base+"/responsibility"),
		chromedp.WaitVisible(chromedp.CSS("#resp-leaders")),
	)
	if s := r.text(c, "#resp-overdue .kpi-v"); s != "1" {
		t.Errorf("overdue matters read %q, want 1", s)
	}
	if s := r.text(c, "#resp-leaders tbody tr .resp-overdue-ms"); s != "1" {
		t.Errorf("the leader's overdue milestones read %q, want 1", s)
	}
	items := r.text(c, "#resp-items")
	if !strings.HasPrefix(items, "信访件") || !strings.Contains(items, "1 个节点逾期") || !strings.Contains(items, "重点项目") {
		t.Errorf("the matters read %q: want the overdue petition case first", items)
	}
	r.fits(c, "the board")
	r.shot(c, "01-board-phone")

	r.do(c, "open the overdue matter and record its first milestone done",
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`li[data-id="%d"] a`, overdue.ID))),
		chromedp.WaitVisible(chromedp.CSS("#form-done-1")),
		chromedp.SendKeys(chromedp.CSS(`#form-done-1 input[name="note"]`), "已接访业主代表，听取诉求"),
		chromedp.Submit(chromedp.CSS("#form-done-1")),
		chromedp.WaitVisible(chromedp.CSS("#form-resolve")),
	)
	if s := r.text(c, "#resp-status"); s != "推进中" {
		t.Errorf("status after the first milestone: %q", s)
	}
	if s := r.text(c, "#ms-1"); !strings.Contains(s, "✓") || !strings.Contains(s, "已接访业主代表") {
		t.Errorf("the first milestone reads %q", s)
	}
	r.fits(c, "the matter")
	r.shot(c, "02-milestone-done")

	r.do(c, "mark it resolved without saying what was done",
		chromedp.Submit(chromedp.CSS("#form-resolve")),
		chromedp.WaitVisible(chromedp.CSS("#form-resolve .ferr")),
	)
	if s := r.text(c, "#form-resolve .ferr"); !strings.Contains(s, "请填写化解情况") {
		t.Errorf("the refusal reads %q", s)
	}
	r.do(c, "say what was done and mark it resolved",
		chromedp.SendKeys(chromedp.CSS(`#form-resolve textarea[name="note"]`), "物业公司已退还多收取暖费，业主代表签字确认"),
		chromedp.Submit(chromedp.CSS("#form-resolve")),
		chromedp.WaitVisible(chromedp.CSS("#form-stabilize")),
	)
	if s := r.text(c, "#resp-status"); s != "已化解" {
		t.Errorf("status after resolving: %q", s)
	}
	if s := r.text(c, ".timeline"); !strings.Contains(s, "节点完成") || !strings.Contains(s, "逾期") || !strings.Contains(s, "物业公司已退还") {
		t.Errorf("the timeline reads %q", s)
	}
	r.shot(c, "03-resolved")

	r.do(c, "back to the board", chromedp.Navigate(r.base+"/responsibility"), chromedp.WaitVisible(chromedp.CSS("#resp-leaders")))
	if s := r.text(c, "#resp-overdue .kpi-v"); s != "0" {
		t.Errorf("overdue matters after resolving read %q, want 0", s)
	}
}
