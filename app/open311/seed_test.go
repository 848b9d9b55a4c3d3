package open311_test

import (
	"testing"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/app/open311"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// The demo's family disputes are private: a phone call about the support
// of a parent is not in the public listing, and nor is anything below it.
func TestSeedDemoPrivate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		o := use311(f)
		fam, err := f.Svc.CreateCategory(ctx, kit.System(), app.NewCategory{ParentID: f.Category.ParentID, Code: "dispute.family", Name: "家庭纠纷"})
		if err != nil {
			t.Fatal(err)
		}
		support, err := f.Svc.CreateCategory(ctx, kit.System(), app.NewCategory{ParentID: fam.ID, Code: "dispute.family.support", Name: "赡养纠纷"})
		if err != nil {
			t.Fatal(err)
		}
		if err := o.SeedDemo(ctx); err != nil { // the other codes are not in the fixture: skipped
			t.Fatal(err)
		}
		in := apptest.NewTicket()
		in.CategoryID = support.ID
		in.Title, in.Description = "赡养纠纷", "儿子不支付母亲的赡养费，住海湖路18号3单元。"
		call, _, err := f.Svc.CreateTicket(ctx, f.Users["agent"], in, "")
		if err != nil {
			t.Fatal(err)
		}
		page, err := o.PublicRequests(ctx, open311.PublicRequestQuery{})
		if err != nil || len(page.Requests) != 0 {
			t.Fatalf("listed = %+v, %v", page, err)
		}
		r, err := o.PublicRequest(ctx, call.Number)
		if err != nil || !r.Private || r.Address != "" || r.Lat != nil || r.Description != "" {
			t.Fatalf("by number = %+v, %v", r, err)
		}
		svcs, err := o.Open311Services(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range svcs {
			if s.Category.Code == "dispute.family.support" && !s.Private {
				t.Fatalf("service below a private category is not private: %+v", s)
			}
		}
	})
}
