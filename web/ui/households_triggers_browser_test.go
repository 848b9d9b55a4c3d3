package ui_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/minsheng/minsheng/app/apptest"
	hh "github.com/minsheng/minsheng/app/household"
	"github.com/minsheng/minsheng/household"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// TestBrowserHouseholdTriggers opens proactive service on a phone (390
// px) as the district admin in a real Chromium: the order the daily job
// opened is listed at its first step; the admin sets "no contact" to 7
// days for 独居老人 and 失能, and the page shows the rule saved.
func TestBrowserHouseholdTriggers(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	f := apptest.New(t, db)
	ctx := context.Background()
	svc := hh.New(f.Svc.Kit(), f.Svc)
	now := f.Clock.Now()
	id := household.CompleteIDNumber("63010419480312002")
	if _, err := svc.Register(ctx, f.Users["handler"], household.NewHousehold{GridID: f.Grid.ID, Consent: true, Address: "光华苑 1 号楼 101 室",
		Members: []household.NewMember{{Name: "祁桂兰", IDNumber: id, Phone: "13897001234", Relation: household.RelationHead}},
		Tags: []household.NewTag{{Tag: household.TagAloneElderly, IDNumber: id, Source: "入户核实", Since: now.AddDate(0, -2, 0),
			RecheckBy: now.AddDate(1, 0, 0)}}}); err != nil {
		t.Fatal(err)
	}
	f.Clock.Advance(11 * 24 * time.Hour)
	if err := f.DB.Write(ctx, func(tx *store.Tx) error { _, err := svc.RunTriggers(ctx, tx); return err }); err != nil {
		t.Fatal(err)
	}
	r := newBrowserRun(t, f, "triggers", 390)
	c := r.person()
	r.do(c, "the admin signs in on a phone and opens proactive service",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(r.base+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), "admin"),
		chromedp.SendKeys(chromedp.CSS("#password"), apptest.Password),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS("#logout")),
		chromedp.Navigate(r.base+"/household-triggers"),
		chromedp.WaitVisible(chromedp.CSS("#hht-orders")),
	)
	if s := r.text(c, "#hht-orders"); !strings.Contains(s, "独居老人 11 天未联系") || !strings.Contains(s, "当前：包联干部") || strings.Contains(s, "祁桂兰") {
		t.Errorf("the orders read %q", s)
	}
	if w, err := chromedp.Run(c, chromedp.Evaluate[float64](`document.documentElement.scrollWidth`)); err != nil || w > 390 {
		t.Errorf("the page is %v px wide on a 390 px phone (%v)", w, err)
	}
	r.do(c, "set no contact to 7 days for the elderly living alone and the disabled",
		chromedp.SetValue(chromedp.CSS(`#form-rule-no_contact input[name="days"]`), "7"),
		chromedp.Click(chromedp.CSS(`#form-rule-no_contact input[value="disabled_care"]`)),
		chromedp.Submit(chromedp.CSS("#form-rule-no_contact")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if v, err := chromedp.Run(c, chromedp.Value(chromedp.CSS(`#form-rule-no_contact input[name="days"]`))); err != nil || v != "7" {
		t.Errorf("days after saving: %q %v", v, err)
	}
	if ok, err := chromedp.Run(c, chromedp.Evaluate[bool](`document.querySelector('#form-rule-no_contact input[value="disabled_care"]').checked`)); err != nil || !ok {
		t.Errorf("失能 not ticked after saving (%v)", err)
	}
	img, err := chromedp.Run(c, chromedp.FullScreenshot(100))
	if err == nil {
		os.WriteFile(filepath.Join(artifacts(t), "households-triggers-phone.png"), img, 0o644)
	}
}
