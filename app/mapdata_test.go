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
			if i%2 == 0 {
				in.CategoryID = f.Category.ID
			}
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
		root := f.Category.ParentID
		// The leader's map with and without a category filter (the
		// district's places by category are summarised), a street's
		// handler's map (its own tickets).
		for _, c := range []struct {
			who      string
			category int64
		}{{"leader", 0}, {"leader", root}, {"other_handler", 0}, {"other_handler", root}} {
			who, actor := c.who, u[c.who]
			all, _, err := s.ExportTickets(ctx, actor, app.ListQuery{CategoryTree: c.category})
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
			if c.category != 0 && (want == 0 || want == len(all)) && who == "leader" {
				t.Fatalf("%d of %d tickets in the category: the test wants some in and some out", want, len(all))
			}
			for _, zoom := range []int{8, 12, 14, 17} {
				m, err := s.MapData(ctx, actor, app.MapQuery{From: from, To: to, Zoom: zoom, CategoryID: c.category})
				if err != nil {
					t.Fatal(err)
				}
				var sum int64
				for _, cl := range m.Clusters {
					sum += cl.Count
					if len(cl.Places) == 0 {
						continue // clusters of points (below the district, by category): checked by their sum
					}
					cf, ct := from.Start(), to.AddDays(1).Start()
					list, _, err := s.ExportTickets(ctx, actor, app.ListQuery{Places: cl.Places, CategoryTree: c.category, CreatedFrom: &cf, CreatedTo: &ct})
					if err != nil {
						t.Fatal(err)
					}
					if int64(len(list)) != cl.Count {
						t.Errorf("%s, category %d, zoom %d: a cluster of %d lists %d tickets", who, c.category, zoom, cl.Count, len(list))
					}
				}
				if who == "leader" && c.category == 0 && zoom == 17 && (len(m.Clusters) < 3 || want < 30) {
					t.Errorf("zoom 17: %d clusters of %d tickets; the test wants more", len(m.Clusters), want)
				}
				if sum != m.Located || (who == "leader" && sum != int64(want)) {
					t.Errorf("%s, category %d, zoom %d: clusters hold %d, located %d, the tickets %d", who, c.category, zoom, sum, m.Located, want)
				}
				if who == "leader" && c.category != 0 && len(m.Clusters) > 0 && len(m.Clusters[0].Places) == 0 {
					t.Errorf("the district's map by category was not read from the summaries")
				}
			}
		}
	})
}
