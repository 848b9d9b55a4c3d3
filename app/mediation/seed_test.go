package mediation_test

import (
	"log/slog"
	"testing"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	appmed "github.com/minsheng/minsheng/app/mediation"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/demo"
	"github.com/minsheng/minsheng/mediation"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// The demo's cases are lived through the use cases, each as far as its
// story goes: one closed after its return visit, one signed by SMS code
// and waiting for the worker's confirmation, a party added later.
func TestSeedDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the demo district; skipped in -short")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 12, 7, 10, 0, 0, 0, calendar.China)
		if _, err := demo.Seed(ctx, db, demo.Options{Tickets: 60, Now: now, Seed: 1}); err != nil {
			t.Fatal(err)
		}
		// The real clock, as the demo is seeded: a repeat is registered
		// after the case it repeats.
		tickets := app.New(app.Config{DB: db, Logger: slog.New(slog.DiscardHandler)})
		svc := appmed.New(tickets.Kit(), tickets)
		if err := appmed.Seed(ctx, svc); err != nil {
			t.Fatal(err)
		}
		cs := must[[]*mediation.Case](t)(svc.List(ctx, kit.System(), appmed.ListFilter{}))
		byTitle := map[string]*appmed.CaseView{}
		for _, c := range cs {
			byTitle[c.Title] = must[*appmed.CaseView](t)(svc.Get(ctx, kit.System(), c.Number))
		}
		if len(cs) != 9 {
			t.Fatalf("%d cases", len(cs))
		}
		if v := byTitle["噪音扰邻纠纷"]; v.Case.Status != mediation.StatusClosed || len(v.Visits) != 1 || v.Visits[0].Satisfaction != mediation.Satisfied {
			t.Errorf("the noise case: %s, visits %+v", v.Case.Status, v.Visits)
		}
		v := byTitle["保洁员工资纠纷"]
		if v.Case.Status != mediation.StatusAgreement || v.Agreement == nil || v.Agreement.SignedAt != nil || len(v.Signatures) != 2 ||
			v.Signatures[0].CodeSentAt == nil {
			t.Errorf("the wages case: %s, agreement %+v, signatures %+v", v.Case.Status, v.Agreement, v.Signatures)
		}
		if v := byTitle["楼上漏水再次发生"]; len(v.Parties) != 3 || len(v.Case.Repeats) == 0 {
			t.Errorf("the repeat case: %d parties, repeats %+v", len(v.Parties), v.Case.Repeats)
		}
	})
}
