package medicine_test

import (
	"testing"

	"github.com/minsheng/minsheng"
	appmed "github.com/minsheng/minsheng/app/medicine"
	med "github.com/minsheng/minsheng/medicine"
	"github.com/minsheng/minsheng/store/storetest"
)

// The demo lives requests to every end through the use cases, leaves
// today's open at every stage with one delivery for the demo driver, and
// is seeded once.
func TestSeedDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the demo district; skipped in -short")
	}
	db := storetest.Open(t, "sqlite")
	p := newPost(t, db)
	got, err := p.svc.SeedDemo(ctx, appmed.SeedOptions{Days: 40, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got[med.StatusConfirmed] < 10 || got[med.StatusRequested] != 1 || got[med.StatusSourcing] != 1 || got[med.StatusSourced] != 1 ||
		got[med.StatusDelivering] != 1 {
		t.Errorf("demo requests by status: %v", got)
	}
	d, err := p.svc.Deliveries(ctx, p.driver)
	if err != nil || len(d) != 1 {
		t.Errorf("the demo driver carries %d (%v), want 1", len(d), err)
	}
	// The demo's drivers photograph their handovers; the photos open.
	var photographed int
	desk, err := p.svc.List(ctx, p.Users["dispatcher"])
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range desk.Ended {
		v, err := p.svc.Get(ctx, p.Users["dispatcher"], r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ph := v.PhotosOf(med.PhotoHandover, 1); len(ph) > 0 {
			photographed++
			_, f, err := p.svc.OpenPhoto(ctx, p.Users["dispatcher"], r.ID, ph[0].ID)
			if err != nil {
				t.Fatalf("a demo photo: %v", err)
			}
			f.Close()
		}
	}
	if photographed == 0 {
		t.Errorf("no request of the last week has a photo of its first handover")
	}
	if _, err := p.svc.SeedDemo(ctx, appmed.SeedOptions{Days: 5}); !minsheng.IsCode(err, minsheng.ECONFLICT) {
		t.Errorf("second seed: %v", err)
	}
}
