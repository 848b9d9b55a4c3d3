package finance_test

import (
	"testing"

	"github.com/minsheng/minsheng/app/apptest"
	appfin "github.com/minsheng/minsheng/app/finance"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/finance"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// The demo programme is lived through the use cases: 32 banks and 219
// products, a year of demands with disbursements, late claims on the
// league table, declines with remedies, and this week's demands waiting
// on the banks; seeding again adds nothing.
func TestSeed(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the demo district; skipped in -short")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		fin := appfin.New(f.Svc.Kit(), f.Svc)
		if err := appfin.Seed(ctx, fin); err != nil {
			t.Fatal(err)
		}
		if err := appfin.Seed(ctx, fin); err != nil {
			t.Fatal(err)
		}
		s := must[*appfin.Setup](t)(fin.ListSetup(ctx, kit.System()))
		if len(s.Banks) != 32 || len(s.Products) != 219 {
			t.Fatalf("%d banks, %d products", len(s.Banks), len(s.Products))
		}
		from := f.Clock.Now().AddDate(-1, 0, -1).Format("2006-01-02")
		fig := must[*appfin.Figures](t)(fin.Figures(ctx, f.Users["leader"], appfin.FiguresQuery{From: from}))
		late := 0
		for _, b := range fig.ByBank {
			late += b.ClaimedLate
		}
		t.Logf("demands %d, matched %d, granted %d, sent %d, disbursed %d (%d yuan), declined %d, late claims %d",
			fig.Demands, fig.Matched, fig.Granted, fig.Total.Sent, fig.Total.Disbursed, fig.Total.DisbursedAmount, fig.Total.Declined, late)
		if fig.Demands < 100 || fig.Granted < 30 || fig.Total.DisbursedAmount <= 0 || fig.Total.Declined == 0 || late == 0 || len(fig.Declines) == 0 {
			t.Errorf("figures %+v", fig.Total)
		}
		var bank *org.User
		if err := db.Read(ctx, func(tx *store.Tx) (err error) { bank, err = store.GetUserByUsername(ctx, tx, "bank"); return }); err != nil {
			t.Fatal(err)
		}
		inbox, b, err := fin.Inbox(ctx, bank, "", appfin.InboxQuery{Open: true})
		if err != nil || b.Code != "qhbank" {
			t.Fatalf("bank's inbox: %v %v", b, err)
		}
		if len(inbox) == 0 {
			t.Error("the demo login bank has nothing waiting")
		}
		open := must[[]appfin.DemandRow](t)(fin.ListDemands(ctx, kit.System(), appfin.DemandQuery{Status: finance.DemandOpen}))
		if len(open) == 0 {
			t.Error("no open demand in the demo")
		}
	})
}
