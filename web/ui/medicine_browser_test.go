package ui_test

import (
	"context"
	"fmt"
	"image/color"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	appmed "github.com/minsheng/minsheng/app/medicine"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store/storetest"
)

// TestBrowserMedicine drives Chromium through the special-medicine post's
// main loop: an agent opens a request from a hotline ticket with a photo
// of the prescription → the post verifies it, records a pharmacy without
// stock, finds it at a hospital and sends it with a volunteer driver →
// the driver, on a 390 px phone, records two handovers with a photo each
// (the phone's camera), the delivery and the patient's confirmation →
// the request's page shows the photos, the ticket is answered and the
// desk's figures count it. Screenshots go to testdata/artifacts.
func TestBrowserMedicine(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	f := apptest.New(t, db)
	ctx := context.Background()
	if _, err := f.Svc.CreateUser(ctx, kit.System(), app.NewUser{Username: "driver1", Name: "李建国", Role: org.RoleDriver,
		UnitID: f.District.ID, Password: apptest.Password}); err != nil {
		t.Fatal(err)
	}
	meds := appmed.New(f.Svc.Kit(), f.Svc)
	tk := f.Register(t)

	r := newBrowserRun(t, f, "medicine", 1366)
	base := r.base
	flash := func(words string) string {
		return fmt.Sprintf(`//div[contains(@class,"flash")][contains(., %q)]`, words)
	}
	prescription := photo(t, "处方.png", color.RGBA{200, 200, 200, 255})
	atPharmacy := photo(t, "药房交接.png", color.RGBA{40, 160, 90, 255})
	atHome := photo(t, "入户交接.png", color.RGBA{220, 120, 40, 255})

	// 1. The agent opens the request from the ticket; a 0 quantity is
	// refused in Chinese and keeps what was typed.
	agent := r.person()
	r.signIn(agent, "agent")
	r.do(agent, "fill the request",
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
	if msg := r.text(agent, "p.ferr"); !strings.Contains(msg, "数量") {
		t.Errorf("the refusal of a 0 quantity says %q", msg)
	}
	if v, _ := chromedp.Run(agent, chromedp.Value(chromedp.CSS(`input[name="medicine"]`))); v != "注射用重组人促红素" {
		t.Errorf("the refused form lost the medicine: %q", v)
	}
	r.shot(agent, "refused")
	r.do(agent, "open the request with the prescription's photo",
		chromedp.SetValue(chromedp.CSS(`input[name="quantity"]`), "4"),
		chromedp.SetUploadFiles(chromedp.CSS(`#open-form input[type="file"]`), []string{prescription}),
		chromedp.Click(chromedp.CSS("#open")),
		chromedp.WaitVisible(flash("已登记用药需求")),
		chromedp.WaitVisible(chromedp.CSS("#prescription-photos img")),
	)
	opened, err := meds.TicketRequests(ctx, f.Users["agent"], tk.Number)
	if err != nil || len(opened) != 1 {
		t.Fatalf("requests of the ticket: %d (%v)", len(opened), err)
	}
	id := fmt.Sprint(opened[0].ID)

	// 2. The post verifies, sources and sends it out.
	disp := r.person()
	r.signIn(disp, "dispatcher")
	r.do(disp, "open the desk", chromedp.Navigate(base+"/medicine"), chromedp.WaitVisible(chromedp.CSS(`a[href="/medicine/requests/`+id+`"]`)))
	r.shot(disp, "desk")
	r.do(disp, "verify", chromedp.Click(chromedp.CSS(`a[href="/medicine/requests/`+id+`"]`)), chromedp.WaitVisible(chromedp.CSS("#verify")),
		chromedp.Click(chromedp.CSS("#verify")), chromedp.WaitVisible(chromedp.CSS("#source")))
	r.do(disp, "source", chromedp.Click(chromedp.CSS("#source")), chromedp.WaitVisible(chromedp.CSS("#attempt-form")))
	r.do(disp, "a pharmacy without stock",
		chromedp.SendKeys(chromedp.CSS(`#attempt-form input[name="place"]`), "仁济大药房海湖店"),
		chromedp.SendKeys(chromedp.CSS(`#attempt-form input[name="note"]`), "无货"),
		chromedp.Click(chromedp.CSS("#attempt")), chromedp.WaitVisible(chromedp.CSS("#medicine-attempts")))
	r.do(disp, "found at the hospital",
		chromedp.SendKeys(chromedp.CSS(`#sourced-form input[name="place"]`), "青海省人民医院药剂科"),
		chromedp.SetValue(chromedp.CSS(`#sourced-form select[name="place_kind"]`), "hospital"),
		chromedp.SetValue(chromedp.CSS(`#sourced-form input[name="expected_at"]`), "2026-03-03T10:00"),
		chromedp.Click(chromedp.CSS("#sourced")), chromedp.WaitVisible(chromedp.CSS("#deliver-form")))
	r.do(disp, "send with the driver",
		chromedp.SetValue(chromedp.CSS(`#deliver-form select[name="carrier_id"]`), fmt.Sprint(mustUser(t, f, "driver1"))),
		chromedp.Click(chromedp.CSS("#deliver")), chromedp.WaitVisible(flash("已安排配送")))
	if s := r.text(disp, "#medicine-status"); s != "配送中" {
		t.Errorf("status after sending out: %q", s)
	}
	r.shot(disp, "sent")

	// 3. The driver, on a phone: two handovers with a photo each,
	// delivered, confirmed.
	driver := r.phone()
	r.signIn(driver, "driver1")
	card := "#delivery-" + id
	r.do(driver, "see the delivery", chromedp.Navigate(base+"/medicine/deliveries"), chromedp.WaitVisible(chromedp.CSS(card)))
	r.fits(driver, "the deliveries page")
	if c, err := chromedp.Run(driver, chromedp.Evaluate[string](`document.querySelector("`+card+` .handover-form input[type=file]").getAttribute("capture")`)); err != nil || c != "environment" {
		t.Errorf("the handover's photo does not open the phone's camera: capture=%q (%v)", c, err)
	}
	r.shot(driver, "delivery-phone")
	r.do(driver, "show the patient's phone (recorded)",
		chromedp.Click(chromedp.CSS(card+" details.reveal summary")),
		chromedp.Click(chromedp.CSS(card+" details.reveal button")), chromedp.WaitVisible(chromedp.CSS(card+" .revealed")))
	if s := r.text(driver, card+" .revealed"); !strings.Contains(s, "13997001234") {
		t.Errorf("the revealed patient: %q", s)
	}
	r.do(driver, "back to the list", chromedp.Navigate(base+"/medicine/deliveries"), chromedp.WaitVisible(chromedp.CSS(card)))
	r.do(driver, "hospital → driver (prefilled), with a photo",
		chromedp.SetUploadFiles(chromedp.CSS(card+` .handover-form input[type="file"]`), []string{atPharmacy}),
		chromedp.Click(chromedp.CSS(card+" .handover")), chromedp.WaitVisible(flash("已记录交接")),
		chromedp.WaitVisible(chromedp.CSS(card+" .legs li:nth-child(1) .medicine-photo img")))
	r.do(driver, "driver → family, with a photo",
		chromedp.SetValue(chromedp.CSS(card+` .handover-form input[name="handed_to"]`), "患者家属"),
		chromedp.SetUploadFiles(chromedp.CSS(card+` .handover-form input[type="file"]`), []string{atHome}),
		chromedp.Click(chromedp.CSS(card+" .handover")),
		chromedp.WaitVisible(`//ol[contains(@class,"legs")]/li[contains(., "患者家属")]//img`))
	if legs := r.text(driver, card+" .legs"); !strings.Contains(legs, "青海省人民医院药剂科 → 李建国") || !strings.Contains(legs, "李建国 → 患者家属") {
		t.Errorf("the legs shown: %q", legs)
	}
	// Each photo is shown, loaded from the server, beside its own leg. An
	// image may still be loading when it becomes visible: wait until both
	// have loaded (or the poll's minute is over), then count.
	perLeg := `Array.from(document.querySelectorAll("` + card + ` .legs li")).map(li =>
		Array.from(li.querySelectorAll("img")).filter(i => i.complete && i.naturalWidth === 160).length)`
	chromedp.Run(driver, chromedp.Poll[bool](`(c => c.length === 2 && c[0] === 1 && c[1] === 1)(`+perLeg+`)`,
		chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(time.Minute)))
	loaded, err := chromedp.Run(driver, chromedp.Evaluate[[]int](perLeg))
	if err != nil || len(loaded) != 2 || loaded[0] != 1 || loaded[1] != 1 {
		t.Errorf("photos loaded per leg on the phone: %v (%v)", loaded, err)
	}
	r.fits(driver, "the deliveries page with photos")
	r.shot(driver, "handovers-phone")
	r.do(driver, "delivered", chromedp.Click(chromedp.CSS(card+" .delivered")), chromedp.WaitVisible(chromedp.CSS(card+" .confirm")))
	r.shot(driver, "delivered-phone")
	r.do(driver, "confirmed",
		chromedp.SendKeys(chromedp.CSS(card+` input[name="note"]`), "患者本人签收"),
		chromedp.Click(chromedp.CSS(card+" .confirm")), chromedp.WaitVisible(flash("患者已确认")))
	r.shot(driver, "done-phone")

	// 4. The request's page shows the prescription and both legs' photos;
	// the ticket is answered; the desk counts the delivery.
	r.do(disp, "the request's page", chromedp.Navigate(base+"/medicine/requests/"+id), chromedp.WaitVisible(chromedp.CSS("#medicine-handovers")))
	shown, err := chromedp.Run(disp, chromedp.Evaluate[[]int](`[document.querySelectorAll("#prescription-photos img").length].concat(
		Array.from(document.querySelectorAll("#medicine-handovers li")).map(li => li.querySelectorAll("img").length))`))
	if err != nil || fmt.Sprint(shown) != "[1 1 1]" {
		t.Errorf("photos of the prescription and of each leg on the request's page: %v (%v)", shown, err)
	}
	if tl := r.text(disp, "#medicine-timeline"); strings.Count(tl, "1 张照片") != 3 {
		t.Errorf("the timeline does not show the three uploads: %q", tl)
	}
	r.shot(disp, "request-photos")
	r.do(agent, "open the ticket", chromedp.Navigate(base+"/t/"+tk.Number), chromedp.WaitVisible(chromedp.CSS("main")))
	if body := r.text(agent, "main"); !strings.Contains(body, "已登记用药需求") || !strings.Contains(body, "送达患者并经本人确认") {
		t.Errorf("the ticket's page does not show the outcome: %q", body)
	}
	r.shot(agent, "ticket")
	r.do(disp, "the desk's figures", chromedp.Navigate(base+"/medicine"), chromedp.WaitVisible(chromedp.CSS("#medicine-figures")))
	if s := r.text(disp, "#fig-confirmed"); !strings.HasPrefix(s, "1") {
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
