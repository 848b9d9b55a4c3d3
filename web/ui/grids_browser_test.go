package ui_test

import (
	"context"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/grids"
	"github.com/minsheng/minsheng/grid"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

// TestBrowserGridWorker drives headless Chromium at 390 px through the
// grid worker's loop: they report a broken manhole cover with a photo and a
// point on the map from the phone page → the centre dispatches it and the
// community replies → the worker checks it on the spot from the same page
// and the ticket closes; then they tick off a ledger item on its page, and
// take residents' requests at their micro-station: one answered on the
// spot (resolved at intake), one registered for the centre.
// Screenshots go to testdata/artifacts (grid-*.png).
func TestBrowserGridWorker(t *testing.T) {
	exe := chromium()
	if exe == "" {
		t.Skip("Chromium is not installed (apt-get install chromium); the browser test needs it")
	}
	db := storetest.Open(t, "sqlite")
	f := apptest.New(t, db)
	ctx := context.Background()
	if err := f.Svc.SetBoundary(ctx, f.Users["admin"], f.Grid.ID, box(36.61, 101.72, 36.64, 101.755)); err != nil {
		t.Fatal(err)
	}
	base := servePages(t, f)
	shots := artifacts(t)
	c := startBrowser(t, ctx, exe, 390)
	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(c, steps...); err != nil {
			html, _ := chromedp.Run(c, chromedp.OuterHTML(chromedp.CSS("main")))
			t.Fatalf("%s: %v\n%s", what, err, html)
		}
	}
	shot := func(name string) {
		t.Helper()
		img, err := chromedp.Run(c, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(shots, "grid-"+name+".png"), img, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run("sign in on a phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), "grid_worker"),
		chromedp.SendKeys(chromedp.CSS("#password"), apptest.Password),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS("#logout")),
	)
	cover := photo(t, "井盖.png", color.RGBA{90, 90, 90, 255})
	run("report from the phone page",
		chromedp.Navigate(base+"/grid"),
		chromedp.WaitVisible(chromedp.CSS("#report-form")),
	)
	shot("phone-page")
	run("fill in the report",
		chromedp.WaitVisible(chromedp.CSS(".map .leaflet-container, .map.leaflet-container")),
		chromedp.SetValue(chromedp.CSS("#category"), "P01"),
		chromedp.SendKeys(chromedp.CSS("#description"), "海湖路18号门口雨水井盖缺失，夜间行人容易踩空。"),
		chromedp.SendKeys(chromedp.CSS("#address"), "海湖路18号"),
		chromedp.SetUploadFiles(chromedp.CSS(`#report-form input[type="file"]`), []string{cover}),
		chromedp.ScrollIntoView(chromedp.CSS(".map")),
		chromedp.Click(chromedp.CSS(".map")),
	)
	if lat, _ := chromedp.Run(c, chromedp.Value(chromedp.CSS("#lat"))); lat == "" {
		t.Fatal("a tap on the map did not set the point")
	}
	if w, _ := chromedp.Run(c, chromedp.Evaluate[int]("document.documentElement.scrollWidth")); w > 390 {
		t.Errorf("the phone page is %d px wide; want it to fit 390", w)
	}
	shot("report-phone")
	run("submit", chromedp.Click(chromedp.CSS("#report-submit")), chromedp.WaitVisible(chromedp.CSS("#mine a.num")))
	number, err := chromedp.Run(c, chromedp.Text(chromedp.CSS("#mine a.num")))
	if err != nil {
		t.Fatal(err)
	}
	number = strings.TrimSpace(number)

	// The centre and the community do their part.
	if _, err := f.Svc.Dispatch(ctx, f.Users["dispatcher"], number, f.Community.ID, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Svc.Acknowledge(ctx, f.Users["handler"], number, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Svc.Reply(ctx, f.Users["handler"], number, "已更换新井盖。"); err != nil {
		t.Fatal(err)
	}
	run("the reply waits for the check",
		chromedp.Navigate(base+"/grid"),
		chromedp.WaitVisible(chromedp.CSS("#awaiting .check-item")),
	)
	shot("awaiting-check-phone")
	run("check on the spot",
		chromedp.SendKeys(chromedp.CSS("#awaiting input[name=note]"), "现场查看，井盖已更换牢固。"),
		chromedp.Click(chromedp.CSS(`#awaiting button[value="pass"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash, [role=status]")),
	)
	shot("checked-phone")
	v, err := f.Svc.GetTicket(ctx, f.Users["dispatcher"], number)
	if err != nil || v.Ticket.Status != ticket.StatusClosed {
		t.Fatalf("ticket after the check: %v %v", v.Ticket.Status, err)
	}

	// The ledger: an item rectified by the community, ticked off by the
	// grid worker on its page.
	s := grids.New(f.Svc.Kit(), f.Svc)
	cp, err := s.CreateCampaign(ctx, f.Users["leader"], grid.NewCampaign{Title: "安全隐患大排查", UnitID: f.Street.ID, Deadline: f.Clock.Now().Add(30 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	it, err := s.AddItem(ctx, f.Users["grid_worker"], cp.ID, grid.NewItem{Problem: "3号楼消防通道堆放杂物", Place: "海湖小区3号楼", UnitID: f.Grid.ID, Responsible: f.Community.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []grids.ItemInput{{Action: grid.ItemStart}, {Action: grid.ItemSubmit, Note: "杂物已清理"}} {
		if _, err := s.ActOnItem(ctx, f.Users["handler"], it.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	run("tick the item off",
		chromedp.Navigate(fmt.Sprintf("%s/ledger/items/%d", base, it.ID)),
		chromedp.WaitVisible(chromedp.CSS("#act-tick_off")),
		chromedp.SendKeys(chromedp.CSS(".action-tick_off input[name=note]"), "现场核验，通道畅通。"),
		chromedp.Click(chromedp.CSS("#act-tick_off")),
		chromedp.WaitVisible(`//span[@id="item-status"][normalize-space()="已销号"]`),
	)
	shot("ticked-off-phone")
	run("the campaign's progress",
		chromedp.Navigate(fmt.Sprintf("%s/ledger/campaigns/%d", base, cp.ID)),
		chromedp.WaitVisible(`//span[@id="ticked-count"][contains(., "已销号 1 个")]`),
	)
	shot("ledger-phone")

	// The micro-station: a request answered on the spot, another referred.
	st, err := s.SaveStation(ctx, f.Users["leader"], 0, grid.NewStation{Name: "海湖社区网格微管站", UnitID: f.Community.ID,
		Address: "海湖路18号党群服务中心", Hours: "周一至周五 8:30–18:00", Services: []string{"政策咨询", "开具证明"},
		StaffIDs: []int64{f.Users["grid_worker"].ID}})
	if err != nil {
		t.Fatal(err)
	}
	run("open the station from the phone page",
		chromedp.Navigate(base+"/grid"),
		chromedp.Click(chromedp.CSS("#my-stations")),
		chromedp.WaitVisible(chromedp.CSS("#stations")),
		chromedp.Click(fmt.Sprintf(`//a[@href="/grid/stations/%d"]`, st.ID)),
		chromedp.WaitVisible(chromedp.CSS("#take-form")),
	)
	run("a request answered on the spot",
		chromedp.SetValue(chromedp.CSS("#take-service"), "政策咨询"),
		chromedp.SendKeys(chromedp.CSS("#take-description"), "咨询高龄津贴怎么申请"),
		chromedp.SendKeys(chromedp.CSS("#take-name"), "李桂英"),
		chromedp.SendKeys(chromedp.CSS("#take-phone"), "13897005678"),
		chromedp.SendKeys(chromedp.CSS("#take-answer"), "已告知携带身份证和户口本到社区办理，当场填写申请表。"),
	)
	if w, _ := chromedp.Run(c, chromedp.Evaluate[int]("document.documentElement.scrollWidth")); w > 390 {
		t.Errorf("the station page is %d px wide; want it to fit 390", w)
	}
	shot("station-take-phone")
	run("take it",
		chromedp.Click(chromedp.CSS("#take-submit")),
		chromedp.WaitVisible(`//section[@id="recent"]//span[contains(., "现场办结")]`),
	)
	shot("station-answered-phone")
	run("a request for a unit",
		chromedp.SendKeys(chromedp.CSS("#take-description"), "3号楼楼道灯坏了一个月"),
		chromedp.SendKeys(chromedp.CSS("#take-name"), "张建国"),
		chromedp.SendKeys(chromedp.CSS("#take-phone"), "13897001111"),
		chromedp.Click(chromedp.CSS("#take-submit")),
		chromedp.WaitVisible(`//section[@id="recent"]//span[contains(., "转派工单")]`),
	)
	fig, err := s.StationFigures(ctx, f.Users["leader"])
	if err != nil || fig.Requests != 2 || fig.Answered != 1 || fig.Referred != 1 {
		t.Fatalf("station figures after the phone's requests: %+v %v", fig, err)
	}
	v2, err := s.GetStation(ctx, f.Users["leader"], st.ID)
	if err != nil || len(v2.Recent) != 2 {
		t.Fatalf("station %+v %v", v2, err)
	}
	for _, q := range v2.Recent {
		tv, err := f.Svc.GetTicket(ctx, f.Users["dispatcher"], q.Ticket)
		want := ticket.StatusRegistered
		if q.Answered {
			want = ticket.StatusResolvedAtIntake
		}
		if err != nil || tv.Ticket.Status != want || tv.Ticket.Channel != ticket.ChannelStation {
			t.Errorf("ticket %s of the station: %v %v", q.Ticket, tv.Ticket.Status, err)
		}
	}

	// A campaign with a checklist: the grid worker checks a place on the
	// phone, and the "no" becomes a ledger item.
	ck, err := s.CreateCampaign(ctx, f.Users["leader"], grid.NewCampaign{Title: "消防安全大排查", UnitID: f.Street.ID,
		Deadline: f.Clock.Now().Add(30 * 24 * time.Hour), Checklist: grid.ParseChecklist("消防通道是否畅通\n数字|楼道内停放电动车数量")})
	if err != nil {
		t.Fatal(err)
	}
	run("the checklist on the phone",
		chromedp.Navigate(fmt.Sprintf("%s/ledger/campaigns/%d", base, ck.ID)),
		chromedp.WaitVisible(chromedp.CSS("#inspect-form")),
		chromedp.SendKeys(chromedp.CSS(`#inspect-form input[name="place"]`), "海湖小区3号楼"),
		chromedp.Click(chromedp.CSS(`#inspect-form input[name="answer_0"][value="no"]`)),
		chromedp.SendKeys(chromedp.CSS(`#inspect-form input[name="note_0"]`), "一楼堆放纸箱"),
		chromedp.SendKeys(chromedp.CSS(`#inspect-form input[name="answer_1"]`), "0"),
	)
	if w, _ := chromedp.Run(c, chromedp.Evaluate[int]("document.documentElement.scrollWidth")); w > 390 {
		t.Errorf("the ledger page is %d px wide; want it to fit 390", w)
	}
	shot("checklist-phone")
	run("record the check",
		chromedp.Click(chromedp.CSS("#inspect-submit")),
		chromedp.WaitVisible(`//span[@id="found-count"][contains(., "排查发现 1 个问题")]`),
	)
}
