package ui_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	appride "github.com/minsheng/minsheng/app/ride"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/ride"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// TestBrowserRide drives Chromium through the fleet's main loop: an agent
// books a recurring dialysis ride (every Tuesday and Thursday) from a
// hotline ticket → the dispatcher schedules the first and offers it to the
// suggested driver → the driver, on a 390 px phone, accepts (and only now
// is the rider told), sets off, picks the rider up and arrives → the
// ticket's page shows the trip. Screenshots go to testdata/artifacts.
func TestBrowserRide(t *testing.T) {
	exe := chromium()
	if exe == "" {
		t.Skip("Chromium is not installed (apt-get install chromium); the browser test needs it")
	}
	db := storetest.Open(t, "sqlite")
	f := apptest.New(t, db)
	ctx := context.Background()
	rides := appride.New(f.Svc.Kit(), f.Svc, appride.Config{})
	u, err := f.Svc.CreateUser(ctx, kit.System(), app.NewUser{Username: "driver1", Name: "李建国", Role: org.RoleDriver,
		UnitID: f.District.ID, Password: apptest.Password})
	if err != nil {
		t.Fatal(err)
	}
	until := time.Date(2027, 12, 31, 0, 0, 0, 0, calendar.China)
	v, err := rides.SaveVehicle(ctx, f.Users["dispatcher"], ride.Vehicle{Plate: "青A10001", Seats: 4, InsuranceUntil: until, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	slots, _ := ride.ParseAvailability("1-7 06:00-20:00")
	if _, err := rides.SaveDriver(ctx, f.Users["dispatcher"], ride.Driver{UserID: u.ID, Phone: "13800000001", VehicleID: v.ID, Active: true,
		Areas: []string{"xinghailu"}, Availability: slots, Documents: []ride.Document{{Kind: ride.DocLicense, Until: until}}}); err != nil {
		t.Fatal(err)
	}
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
		p := filepath.Join(shots, fmt.Sprintf("ride-%02d-%s.png", n, name))
		if err := os.WriteFile(p, img, 0o644); err != nil {
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

	// flash finds the message that follows an action, by its words (the
	// page before may show another).
	flash := func(words string) string {
		return fmt.Sprintf(`//div[contains(@class,"flash")][contains(., %q)]`, words)
	}

	// 1. The agent books the dialysis series from the ticket. The
	// fixture's clock is Monday 2 March 2026 09:00.
	agent := person()
	signIn(agent, "agent")
	do(agent, "book the series",
		chromedp.Navigate(base+"/rides/book?ticket="+tk.Number),
		chromedp.WaitVisible(chromedp.CSS("#book-form")),
		chromedp.SetValue(chromedp.CSS(`select[name="purpose"]`), "dialysis"),
		chromedp.SendKeys(chromedp.CSS(`input[name="rider_name"]`), "马桂英"),
		chromedp.SendKeys(chromedp.CSS(`input[name="rider_phone"]`), "13997001234"),
		chromedp.SendKeys(chromedp.CSS(`input[name="pickup"]`), "海湖佳苑3号楼2单元"),
		chromedp.SendKeys(chromedp.CSS(`input[name="destination"]`), "城西区人民医院透析中心"),
		chromedp.SetValue(chromedp.CSS(`input[name="pickup_at"]`), "2026-03-03T07:30"),
		chromedp.SetValue(chromedp.CSS(`input[name="passengers"]`), "2"),
		chromedp.SetValue(chromedp.CSS(`input[name="area"]`), "xinghailu"),
		chromedp.Click(chromedp.CSS(`input[name="repeat_weekday"][value="2"]`)),
		chromedp.Click(chromedp.CSS(`input[name="repeat_weekday"][value="4"]`)),
		chromedp.SetValue(chromedp.CSS(`input[name="repeat_until"]`), "2026-03-12"),
	)
	shot(agent, "book")
	do(agent, "submit the booking", chromedp.Click(chromedp.CSS("#book")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	booked, err := rides.TicketRides(ctx, f.Users["agent"], tk.Number)
	if err != nil || len(booked) != 4 {
		t.Fatalf("booked %d rides (%v), want Tue 3, Thu 5, Tue 10, Thu 12", len(booked), err)
	}
	id := fmt.Sprint(booked[0].ID)

	// 2. The dispatcher schedules the first ride and offers it to the
	// suggested driver, whose reasons are shown.
	disp := person()
	signIn(disp, "dispatcher")
	do(disp, "open the desk", chromedp.Navigate(base+"/rides"), chromedp.WaitVisible(chromedp.CSS(`a[href="/rides/`+id+`"]`)))
	shot(disp, "desk")
	do(disp, "schedule", chromedp.Click(chromedp.CSS(`a[href="/rides/`+id+`"]`)), chromedp.WaitVisible(chromedp.CSS("#schedule")),
		chromedp.Click(chromedp.CSS("#schedule")), chromedp.WaitVisible(chromedp.CSS("#suggestions")))
	if reasons := text(disp, "#suggestions"); !strings.Contains(reasons, "李建国") || !strings.Contains(reasons, "服务该片区") {
		t.Errorf("suggestions without the driver or the reasons: %q", reasons)
	}
	do(disp, "offer", chromedp.Click(chromedp.CSS(`#suggestions input[name="driver_id"]`)))
	shot(disp, "suggestions")
	do(disp, "send the offer", chromedp.Click(chromedp.CSS("#offer")), chromedp.WaitVisible(flash("已派单")))
	if s := text(disp, "#ride-status"); s != "已派单待接" {
		t.Errorf("ride status after the offer: %q", s)
	}
	smsToRider := func() int {
		t.Helper()
		n := 0
		_ = db.Read(ctx, func(tx *store.Tx) error {
			ds, err := store.ListDeliveries(ctx, tx, store.DeliveryFilter{Object: appride.ObjectRide, ObjectID: booked[0].ID})
			for _, d := range ds {
				if d.Recipient == "13997001234" {
					n++
				}
			}
			return err
		})
		return n
	}
	if smsToRider() != 0 {
		t.Fatal("the rider was told before a driver accepted")
	}

	// 3. The driver, on a phone: accept, set off, pick up, arrive.
	driver := person()
	do(driver, "phone-sized screen", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
	signIn(driver, "driver1")
	do(driver, "see the offer", chromedp.WaitVisible(chromedp.CSS("#offer-"+id)))
	if w, err := chromedp.Run(driver, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); err != nil || w > 390 {
		t.Errorf("the driver's page is %d px wide on a 390 px screen (%v)", w, err)
	}
	shot(driver, "driver-offer-phone")
	do(driver, "accept", chromedp.Click(chromedp.CSS("#offer-"+id+" .accept")), chromedp.WaitVisible(chromedp.CSS("#trip-"+id+" .start")))
	if smsToRider() != 1 {
		t.Errorf("the rider was told %d times after the acceptance, want once", smsToRider())
	}
	do(driver, "set off",
		chromedp.SendKeys(chromedp.CSS("#trip-"+id+` input[name="odometer"]`), "52000"),
		chromedp.Click(chromedp.CSS("#trip-"+id+" .start")), chromedp.WaitVisible(chromedp.CSS("#trip-"+id+" .pickup")))
	do(driver, "pick up", chromedp.Click(chromedp.CSS("#trip-"+id+" .pickup")), chromedp.WaitVisible(chromedp.CSS("#trip-"+id+" .complete")))
	shot(driver, "driver-trip-phone")
	// A delay on the way: reported from the phone, the desk is told.
	do(driver, "report a delay",
		chromedp.Click(chromedp.CSS("#trip-"+id+" details.report summary")),
		chromedp.SetValue(chromedp.CSS("#trip-"+id+` select[name="problem"]`), "delay"),
		chromedp.SendKeys(chromedp.CSS("#trip-"+id+` details.report input[name="note"]`), "海湖路堵车，预计晚到15分钟"),
		chromedp.Click(chromedp.CSS("#trip-"+id+" .report-problem")), chromedp.WaitVisible(flash("已报告调度员")))
	if s := text(driver, "#trip-"+id+" details.report summary"); !strings.Contains(s, "路况延误") {
		t.Errorf("the trip's report shows %q", s)
	}
	shot(driver, "driver-problem-phone")
	do(disp, "the desk sees the report", chromedp.Navigate(base+"/rides/"+id), chromedp.WaitVisible(chromedp.CSS("#ride-problem")))
	do(driver, "arrive",
		chromedp.SendKeys(chromedp.CSS("#trip-"+id+` input[name="odometer"]`), "52018"),
		chromedp.Click(chromedp.CSS("#trip-"+id+" .complete")), chromedp.WaitVisible(flash("行程已完成")))
	if s := text(driver, "#trip-"+id+" .ride-status"); s != "已完成" {
		t.Errorf("the trip shows %q after arrival", s)
	}
	shot(driver, "driver-done-phone")

	// 4. The ticket shows the trip.
	do(agent, "open the ticket", chromedp.Navigate(base+"/t/"+tk.Number), chromedp.WaitVisible(chromedp.CSS("main")))
	if body := text(agent, "main"); !strings.Contains(body, "爱心车队：3月3日 07:30 的用车已完成") || !strings.Contains(body, "已登记用车 4 趟") {
		t.Errorf("the ticket's page does not show the rides: %q", body)
	}
	shot(agent, "ticket")
}
