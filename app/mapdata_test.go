package app_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

func rect(minLat, minLng, maxLat, maxLng float64) []byte {
	return fmt.Appendf(nil, `{"type":"Polygon","coordinates":[[[%f,%f],[%f,%f],[%f,%f],[%f,%f],[%f,%f]]]}`,
		minLng, minLat, maxLng, minLat, maxLng, maxLat, minLng, maxLat, minLng, minLat)
}

// TestMapClustersMatchTheLists checks the map of needs against the tickets
// themselves, with random tickets at random points: at every zoom the
// clusters count every located ticket of the period once, and each
// cluster's drill-down lists exactly its count.
func TestMapClustersMatchTheLists(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		s, u := f.Svc, f.Users
		for _, b := range []struct {
			unit *org.Unit
			area []byte
		}{
			{f.District, rect(36.60, 101.70, 36.65, 101.78)},
			{f.Street, rect(36.60, 101.70, 36.65, 101.745)},
			{f.Community, rect(36.61, 101.71, 36.64, 101.74)},
			{f.Grid, rect(36.62, 101.715, 36.635, 101.73)},
			{f.OtherStreet, rect(36.60, 101.745, 36.65, 101.78)},
		} {
			if err := s.SetBoundary(ctx, u["admin"], b.unit.ID, b.area); err != nil {
				t.Fatal(err)
			}
		}
		rng := rand.New(rand.NewPCG(5, 6))
		units := []*org.Unit{f.Community, f.OtherStreet, f.Dept, f.Grid}
		for i := range 120 {
			f.Clock.Set(apptest.Start.Add(time.Duration(rng.IntN(40*24)) * time.Hour))
			in := ticket.NewTicket{Description: fmt.Sprintf("随机工单 %d", i), Kind: ticket.KindHelp, Channel: ticket.ChannelPhone}
			if rng.IntN(5) > 0 {
				lat, lng := 36.59+rng.Float64()*0.07, 101.69+rng.Float64()*0.10 // some outside the district
				in.Lat, in.Lng = &lat, &lng
			}
			tk, _, err := s.CreateTicket(ctx, u["agent"], in, "")
			if err != nil {
				t.Fatal(err)
			}
			switch rng.IntN(4) {
			case 0:
				_, err = s.Invalidate(ctx, u["agent"], tk.Number, "测试电话")
			case 1, 2:
				_, err = s.Dispatch(ctx, u["dispatcher"], tk.Number, units[rng.IntN(len(units))].ID, "")
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		from, to := calendar.DateOf(apptest.Start.Add(5*24*time.Hour)), calendar.DateOf(apptest.Start.Add(30*24*time.Hour))
		for _, who := range []string{"leader", "other_handler"} {
			actor := u[who]
			all, _, err := s.ExportTickets(ctx, actor, app.ListQuery{})
			if err != nil {
				t.Fatal(err)
			}
			want := 0
			for _, tk := range all {
				d := calendar.DateOf(tk.CreatedAt)
				if tk.LocationUnitID != 0 && !d.Start().Before(from.Start()) && !d.Start().After(to.Start()) {
					want++
				}
			}
			for _, zoom := range []int{8, 12, 14, 17} {
				m, err := s.MapData(ctx, actor, app.MapQuery{From: from, To: to, Zoom: zoom})
				if err != nil {
					t.Fatal(err)
				}
				var sum int64
				for _, c := range m.Clusters {
					sum += c.Count
					cf, ct := from.Start(), to.AddDays(1).Start()
					list, _, err := s.ExportTickets(ctx, actor, app.ListQuery{Places: c.Places, CreatedFrom: &cf, CreatedTo: &ct})
					if err != nil {
						t.Fatal(err)
					}
					if int64(len(list)) != c.Count {
						t.Errorf("%s, zoom %d: a cluster of %d lists %d tickets", who, zoom, c.Count, len(list))
					}
				}
				if who == "leader" && zoom == 17 && (len(m.Clusters) < 3 || want < 30) {
					t.Errorf("zoom 17: %d clusters of %d tickets; the test wants more", len(m.Clusters), want)
				}
				if sum != m.Located || (who == "leader" && sum != int64(want)) {
					t.Errorf("%s, zoom %d: clusters hold %d, located %d, the tickets %d", who, zoom, sum, m.Located, want)
				}
			}
		}
	})
}
