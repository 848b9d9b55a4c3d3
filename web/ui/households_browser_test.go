package ui_test

import (
	"context"
	"fmt"
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

// TestBrowserCadreVisit walks the grid worker's phone-sized page (390 px)
// in a real Chromium: today's due visits → the visit form, refused once
// (a time in the future) with what was typed kept and the error in
// Chinese → saved with a concern → the work order it opened, linked to
// the visit, opens from the list. Screenshots go to testdata/artifacts.
func TestBrowserCadreVisit(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	f := apptest.New(t, db)
	ctx := context.Background()
	svc := hh.New(f.Svc.Kit(), f.Svc)
	now := f.Clock.Now()
	var ids []int64
	for i, name := range []string{"马秀英", "韩德明"} {
		id := household.CompleteIDNumber(fmt.Sprintf("6301041948031%04d", i+1))
		h, err := svc.Register(ctx, f.Users["handler"], household.NewHousehold{GridID: f.Grid.ID, Consent: true,
			Address: fmt.Sprintf("海湖佳苑 3 号楼 2 单元 50%d 室", i+1),
			Members: []household.NewMember{{Name: name, IDNumber: id, Phone: "13897001234", Relation: household.RelationHead}},
			Tags: []household.NewTag{{Tag: household.TagAloneElderly, IDNumber: id, Source: "入户核实", Since: now.AddDate(0, -1, 0),
				RecheckBy: now.AddDate(1, 0, 0)}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.Pair(ctx, f.Users["handler"], h.ID, f.Users["grid_worker"].ID); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, h.ID)
	}
	f.Clock.Advance(8 * 24 * time.Hour) // both a day overdue
	r := newBrowserRun(t, f, "households", 390)
	c := r.person()

	r.do(c, "sign in on a phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(r.base+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), "grid_worker"),
		chromedp.SendKeys(chromedp.CSS("#password"), apptest.Password),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS("#logout")),
		chromedp.Navigate(r.base+"/visits"),
		chromedp.WaitVisible(chromedp.CSS("#hh-due-list")),
	)
	list := r.text(c, "#hh-due-list")
	if !strings.Contains(list, "逾期 1 天") || !strings.Contains(list, "独居老人") || strings.Contains(list, "马秀英") || !strings.Contains(list, "马**") {
		t.Errorf("due list %q: want both households a day overdue, tagged, names masked", list)
	}
	r.fits(c, "the due list")
	r.shot(c, "01-due-phone")

	first := fmt.Sprintf(`li[data-household="%d"] a.button`, ids[0])
	concern := "卫生间水管漏水，楼下邻居家天花板渗水"
	future := f.Clock.Now().Add(3 * time.Hour).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04")
	r.do(c, "open the visit form and send it with a time in the future",
		chromedp.Click(chromedp.CSS(first)),
		chromedp.WaitVisible(chromedp.CSS("#hh-visit-form")),
		chromedp.SetValue(chromedp.CSS(`input[name="at"]`), future),
		chromedp.SendKeys(chromedp.CSS(`input[name="met"]`), "本人"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="note"]`), "身体尚好，独自做饭"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="concern0"]`), concern),
		chromedp.SetValue(chromedp.CSS(`select[name="urgency0"]`), "urgent"),
		chromedp.Click(chromedp.CSS("#hh-visit-save")),
		chromedp.WaitVisible(chromedp.CSS("#hh-visit .ferr")),
	)
	if msg := r.text(c, "#hh-visit .ferr"); !strings.Contains(msg, "走访时间不能晚于现在") {
		t.Errorf("error %q: want it worded in Chinese from its field", msg)
	}
	kept, _ := chromedp.Run(c, chromedp.Value(chromedp.CSS(`textarea[name="concern0"]`)))
	urg, _ := chromedp.Run(c, chromedp.Value(chromedp.CSS(`select[name="urgency0"]`)))
	met, _ := chromedp.Run(c, chromedp.Value(chromedp.CSS(`input[name="met"]`)))
	if kept != concern || urg != "urgent" || met != "本人" {
		t.Errorf("the refused form kept concern %q, urgency %q, met %q", kept, urg, met)
	}
	r.fits(c, "the visit form")
	r.shot(c, "02-visit-refused-phone")

	past := f.Clock.Now().Add(-time.Hour).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04")
	r.do(c, "save the visit",
		chromedp.SetValue(chromedp.CSS(`input[name="at"]`), past),
		chromedp.Click(chromedp.CSS("#hh-visit-save")),
		chromedp.WaitVisible(chromedp.CSS("#hh-opened")),
	)
	number := r.text(c, "#hh-opened a.num")
	if remaining := r.text(c, "#hh-due-list"); strings.Contains(remaining, "501") || !strings.Contains(remaining, "502") {
		t.Errorf("due list after the visit %q: want only the other household", remaining)
	}
	r.shot(c, "03-visit-saved-phone")

	// The ticket exists, linked to the visit, and opens from the list.
	err := db.Read(ctx, func(tx *store.Tx) error {
		cs, err := store.ListConcerns(ctx, tx, store.ConcernFilter{HouseholdID: ids[0]})
		if err != nil {
			return err
		}
		if len(cs) != 1 || cs[0].TicketNumber != number {
			t.Fatalf("concerns %+v, want the ticket %s", cs, number)
		}
		ls, err := store.ListLinks(ctx, tx, "ticket", cs[0].TicketID)
		if err != nil {
			return err
		}
		if len(ls) != 1 || ls[0].FromType != hh.ObjectVisit || ls[0].FromID != cs[0].VisitID {
			t.Errorf("links of the ticket %+v: want its visit", ls)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	r.do(c, "open the ticket", chromedp.Click(chromedp.CSS("#hh-opened a.num")), chromedp.WaitVisible(chromedp.CSS("main h1, main .t-head")))
	page := r.text(c, "main")
	if !strings.Contains(page, number) || !strings.Contains(page, "水管漏水") {
		t.Errorf("the ticket page does not show %s and the concern: %.300s", number, page)
	}
	r.shot(c, "04-ticket-phone")
}
