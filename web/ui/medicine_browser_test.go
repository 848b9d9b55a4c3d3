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
	appmed "github.com/minsheng/minsheng/app/medicine"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store/storetest"
)

// TestBrowserMedicine drives Chromium through the special-medicine post's
// main loop: an agent opens a request from a hotline ticket → the post
// verifies it, records a pharmacy without stock, finds it at a hospital
// and sends it with a volunteer driver → the driver, on a 390 px phone,
// records two handovers, the delivery and the patient's confirmation →
// the ticket is answered and the desk's figures count it. Screenshots go
// to testdata/artifacts.
func TestBrowserMedicine(t *testing.T) {
	exe := chromium()
	if exe == "" {
		t.Skip("Chromium is not installed (apt-get install chromium); the browser test needs it")
	}
	db := storetest.Open(t, "sqlite")
	f := apptest.New(t, db)
	ctx := context.Background()
	if _, err := f.Svc.CreateUser(ctx, kit.System(), app.NewUser{Username: "driver1", Name: "李建国", Role: org.RoleDriver,
		UnitID: f.District.ID, Password: apptest.Password}); err != nil {
		t.Fatal(err)
	}
	meds := appmed.New(f.Svc.Kit(), f.Svc)
	tk := f.Register(t)

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
		if err := os.WriteFile(filepath.Join(shots, fmt.Sprintf("medicine-%02d-%s.png", n, name)), img, 0o644); err != nil {
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
		do(c, "sign in as "+username,
			chromedp.Navigate(base+"/login"),
			chromedp.WaitVisible(chromedp.CSS("#username")),
			chromedp.SendKeys(chromedp.CSS("#username"), username),
			chromedp.SendKeys(chromedp.CSS("#password"), apptest.Password),
			chromedp.Click(chromedp.CSS("#login-submit")),
			chromedp.WaitVisible(chromedp.CSS("#logout")),
		)
	}
	flash := func(words string) string {
		return fmt.Sprintf(`//div[contains(@class,"flash")][contains(., %q)]`, words)
	}

	// 1. The agent opens the request from the ticket; a 0 quantity is
	// refused in Chinese and keeps what was typed.
	agent := person()
	signIn(agent, "agent")
	do(agent, "fill the request",
		chromedp.Navigate(base+"/medicine?ticket="+tk.Number),
		chromedp.WaitVisible(chromedp.CSS("#open-form")),
		chromedp.SetValue(chromedp.CSS(`select[name="urgency"]`), "life_threatening"),
		chromedp.SendKeys(chromedp.CSS(`input[name="patient_name"]`), "张秀兰"),
		chromedp.SendKeys(chromedp.CSS(`input[name="patient_phone"]`), "13997001234"),
		chromedp.SendKeys(chromedp.CSS(`input[name="address"]`), "海湖佳苑3号楼2单元501"),
		chromedp.SendKeys(chromedp.CSS(`input[name="medicine"]`), "注射用重组人促红素"),
		chromedp.SendKeys(chromedp.CSS(`input[name="spec"]`), "10000IU"),
		chromedp.SetValue(chromedp.CSS(`input[name="quantity"]`), "0"),
		chromedp.SetValue(chromedp.CSS(`input[name="unit"]`), "支"),
		chromedp.Click(chromedp.CSS(`input[name="chronic"]`)),
		chromedp.SetValue(chromedp.CSS(`input[name="days_supply"]`), "28"),
		// The browser's own check would stop a 0 before the server sees it.
		chromedp.Evaluate[chromedp.Void](`document.getElementById("open-form").noValidate = true`),
		chromedp.Click(chromedp.CSS("#open")),
		chromedp.WaitVisible(chromedp.CSS("p.ferr")),
	)
	if msg := text(agent, "p.ferr"); !strings.Contains(msg, "数量") {
		t.Errorf("the refusal of a 0 quantity says %q", msg)
	}
	if v, _ := chromedp.Run(agent, chromedp.Value(chromedp.CSS(`input[name="medicine"]`))); v != "注射用重组人促红素" {
		t.Errorf("the refused form lost the medicine: %q", v)
	}
	shot(agent, "refused")
	do(agent, "open the request",
		chromedp.SetValue(chromedp.CSS(`input[name="quantity"]`), "4"),
		chromedp.Click(chromedp.CSS("#open")),
		chromedp.WaitVisible(flash("已登记用药需求")),
	)
	opened, err := meds.TicketRequests(ctx, f.Users["agent"], tk.Number)
	if err != nil || len(opened) != 1 {
		t.Fatalf("requests of the ticket: %d (%v)", len(opened), err)
	}
	id := fmt.Sprint(opened[0].ID)

	// 2. The post verifies, sources and sends it out.
	disp := person()
	signIn(disp, "dispatcher")
	do(disp, "open the desk", chromedp.Navigate(base+"/medicine"), chromedp.WaitVisible(chromedp.CSS(`a[href="/medicine/requests/`+id+`"]`)))
	shot(disp, "desk")
	do(disp, "verify", chromedp.Click(chromedp.CSS(`a[href="/medicine/requests/`+id+`"]`)), chromedp.WaitVisible(chromedp.CSS("#verify")),
		chromedp.Click(chromedp.CSS("#verify")), chromedp.WaitVisible(chromedp.CSS("#source")))
	do(disp, "source", chromedp.Click(chromedp.CSS("#source")), chromedp.WaitVisible(chromedp.CSS("#attempt-form")))
	do(disp, "a pharmacy without stock",
		chromedp.SendKeys(chromedp.CSS(`#attempt-form input[name="place"]`), "仁济大药房海湖店"),
		chromedp.SendKeys(chromedp.CSS(`#attempt-form input[name="note"]`), "无货"),
		chromedp.Click(chromedp.CSS("#attempt")), chromedp.WaitVisible(chromedp.CSS("#medicine-attempts")))
	do(disp, "found at the hospital",
		chromedp.SendKeys(chromedp.CSS(`#sourced-form input[name="place"]`), "青海省人民医院药剂科"),
		chromedp.SetValue(chromedp.CSS(`#sourced-form select[name="place_kind"]`), "hospital"),
		chromedp.SetValue(chromedp.CSS(`#sourced-form input[name="expected_at"]`), "2026-03-03T10:00"),
		chromedp.Click(chromedp.CSS("#sourced")), chromedp.WaitVisible(chromedp.CSS("#deliver-form")))
	do(disp, "send with the driver",
		chromedp.SetValue(chromedp.CSS(`#deliver-form select[name="carrier_id"]`), fmt.Sprint(mustUser(t, f, "driver1"))),
		chromedp.Click(chromedp.CSS("#deliver")), chromedp.WaitVisible(flash("已安排配送")))
	if s := text(disp, "#medicine-status"); s != "配送中" {
		t.Errorf("status after sending out: %q", s)
	}
	shot(disp, "sent")

	// 3. The driver, on a phone: two handovers, delivered, confirmed.
	driver := person()
	do(driver, "phone-sized screen", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
	signIn(driver, "driver1")
	card := "#delivery-" + id
	do(driver, "see the delivery", chromedp.Navigate(base+"/medicine/deliveries"), chromedp.WaitVisible(chromedp.CSS(card)))
	if w, err := chromedp.Run(driver, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); err != nil || w > 390 {
		t.Errorf("the deliveries page is %d px wide on a 390 px screen (%v)", w, err)
	}
	shot(driver, "delivery-phone")
	do(driver, "show the patient's phone (recorded)",
		chromedp.Click(chromedp.CSS(card+" details.reveal summary")),
		chromedp.Click(chromedp.CSS(card+" details.reveal button")), chromedp.WaitVisible(chromedp.CSS(card+" .revealed")))
	if s := text(driver, card+" .revealed"); !strings.Contains(s, "13997001234") {
		t.Errorf("the revealed patient: %q", s)
	}
	do(driver, "back to the list", chromedp.Navigate(base+"/medicine/deliveries"), chromedp.WaitVisible(chromedp.CSS(card)))
	do(driver, "hospital → driver (prefilled)", chromedp.Click(chromedp.CSS(card+" .handover")), chromedp.WaitVisible(flash("已记录交接")))
	do(driver, "driver → family",
		chromedp.SetValue(chromedp.CSS(card+` .handover-form input[name="handed_to"]`), "患者家属"),
		chromedp.Click(chromedp.CSS(card+" .handover")),
		chromedp.WaitVisible(`//ol[contains(@class,"legs")]/li[contains(., "患者家属")]`))
	if legs := text(driver, card+" .legs"); !strings.Contains(legs, "青海省人民医院药剂科 → 李建国") || !strings.Contains(legs, "李建国 → 患者家属") {
		t.Errorf("the legs shown: %q", legs)
	}
	do(driver, "delivered", chromedp.Click(chromedp.CSS(card+" .delivered")), chromedp.WaitVisible(chromedp.CSS(card+" .confirm")))
	shot(driver, "delivered-phone")
	do(driver, "confirmed",
		chromedp.SendKeys(chromedp.CSS(card+` input[name="note"]`), "患者本人签收"),
		chromedp.Click(chromedp.CSS(card+" .confirm")), chromedp.WaitVisible(flash("患者已确认")))
	shot(driver, "done-phone")

	// 4. The ticket is answered; the desk counts the delivery.
	do(agent, "open the ticket", chromedp.Navigate(base+"/t/"+tk.Number), chromedp.WaitVisible(chromedp.CSS("main")))
	if body := text(agent, "main"); !strings.Contains(body, "已登记用药需求") || !strings.Contains(body, "送达患者并经本人确认") {
		t.Errorf("the ticket's page does not show the outcome: %q", body)
	}
	shot(agent, "ticket")
	do(disp, "the desk's figures", chromedp.Navigate(base+"/medicine"), chromedp.WaitVisible(chromedp.CSS("#medicine-figures")))
	if s := text(disp, "#fig-confirmed"); !strings.HasPrefix(s, "1") {
		t.Errorf("confirmed on the desk: %q", s)
	}
}

// mustUser returns the id of the fixture's user.
func mustUser(t *testing.T, f *apptest.Fixture, username string) int64 {
	t.Helper()
	us, err := f.Svc.ListUsers(context.Background(), kit.System())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range us {
		if u.Username == username {
			return u.ID
		}
	}
	t.Fatalf("no user %s", username)
	return 0
}
