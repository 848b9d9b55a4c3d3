package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/routing"
	"github.com/minsheng/minsheng/ticket"
)

// box is a rectangle of the map, in degrees (WGS84).
type box struct{ minLat, minLng, maxLat, maxLng float64 }

// The demo district covers a rectangle west of Xining's centre. Its streets
// tile it in two rows of four; each street is cut into strips, one per
// community, and each community into bands, one per grid. The shapes are
// made up; they only have to hold together, so that every point of a ticket
// lies in the community of its address.
var districtArea = box{36.600, 101.700, 36.650, 101.780}

// streetCells places the streets (in the order of streets) on the 2×4 tiling:
// row 0 is the northern half, columns run west to east.
var streetCells = [][2]int{{0, 1}, {0, 2}, {1, 1}, {1, 2}, {0, 3}, {1, 3}, {0, 0}, {1, 0}}

// streetArea returns the area of the i-th street.
func streetArea(i int) box {
	cell := streetCells[i%len(streetCells)]
	h := (districtArea.maxLat - districtArea.minLat) / 2
	w := (districtArea.maxLng - districtArea.minLng) / 4
	top := districtArea.maxLat - float64(cell[0])*h
	left := districtArea.minLng + float64(cell[1])*w
	return box{top - h, left, top, left + w}
}

// strip returns the i-th of n strips of the box, west to east.
func (b box) strip(i, n int) box {
	w := (b.maxLng - b.minLng) / float64(n)
	return box{b.minLat, b.minLng + float64(i)*w, b.maxLat, b.minLng + float64(i+1)*w}
}

// band returns the i-th of n bands of the box, north to south.
func (b box) band(i, n int) box {
	h := (b.maxLat - b.minLat) / float64(n)
	return box{b.maxLat - float64(i+1)*h, b.minLng, b.maxLat - float64(i)*h, b.maxLng}
}

// point returns a random point well inside the box, rounded to about a
// metre.
func (b box) point(r *rand.Rand) (lat, lng float64) {
	const margin = 0.1
	lat = b.minLat + (margin+(1-2*margin)*r.Float64())*(b.maxLat-b.minLat)
	lng = b.minLng + (margin+(1-2*margin)*r.Float64())*(b.maxLng-b.minLng)
	return math.Round(lat*1e5) / 1e5, math.Round(lng*1e5) / 1e5
}

// geoJSON returns the box as a GeoJSON Polygon.
func (b box) geoJSON() []byte {
	return fmt.Appendf(nil, `{"type":"Polygon","coordinates":[[[%.5f,%.5f],[%.5f,%.5f],[%.5f,%.5f],[%.5f,%.5f],[%.5f,%.5f]]]}`,
		b.minLng, b.minLat, b.maxLng, b.minLat, b.maxLng, b.maxLat, b.minLng, b.maxLat, b.minLng, b.minLat)
}

// createBoundaries gives the district, every street, community and grid its
// area, so that tickets are placed in their grid and the maps have shapes.
func createBoundaries(ctx context.Context, svc *app.Service, admin *org.User, w *world) error {
	set := func(u *org.Unit, b box) error {
		if err := svc.SetBoundary(ctx, admin, u.ID, b.geoJSON()); err != nil {
			return fmt.Errorf("boundary of %s: %w", u.Code, err)
		}
		return nil
	}
	if err := set(w.district, districtArea); err != nil {
		return err
	}
	for _, s := range w.streets {
		if err := set(s.unit, s.area); err != nil {
			return err
		}
		for _, c := range s.communities {
			if err := set(c.unit, c.area); err != nil {
				return err
			}
			for g, gu := range c.grids {
				if err := set(gu, c.area.band(g, len(c.grids))); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// createBaseLayer draws the demo's base layer along its addresses: each
// street's four roads (two running west–east, two north–south, across its
// area) and each community's estates as named points inside it, so that
// an address the demo writes (海湖路12号兴海家园3号楼) is placed in the
// community it belongs to. A real district loads its own roads and
// places instead (minsheng map import; docs/maps.md).
func createBaseLayer(ctx context.Context, svc *app.Service, admin *org.User, w *world) error {
	var fs []string
	feature := func(name, kind, geometry string) {
		fs = append(fs, fmt.Sprintf(`{"type":"Feature","properties":{"name":%q,"kind":%q},"geometry":%s}`, name, kind, geometry))
	}
	for _, s := range w.streets {
		a, roads := s.area, s.def.roads
		for i, name := range roads {
			f := float64(i/2+1) / 3 // a third and two thirds across
			if i%2 == 0 {
				lat := a.minLat + f*(a.maxLat-a.minLat)
				feature(name, "road", fmt.Sprintf(`{"type":"LineString","coordinates":[[%.5f,%.5f],[%.5f,%.5f]]}`, a.minLng, lat, a.maxLng, lat))
			} else {
				lng := a.minLng + f*(a.maxLng-a.minLng)
				feature(name, "road", fmt.Sprintf(`{"type":"LineString","coordinates":[[%.5f,%.5f],[%.5f,%.5f]]}`, lng, a.minLat, lng, a.maxLat))
			}
		}
		for _, c := range s.communities {
			for i, name := range c.def.estates {
				b := c.area.band(i, len(c.def.estates))
				lat := (b.minLat + b.maxLat) / 2
				lng := b.minLng + (0.3+0.4*float64(i%2))*(b.maxLng-b.minLng)
				feature(name, "place", fmt.Sprintf(`{"type":"Point","coordinates":[%.5f,%.5f]}`, lng, lat))
			}
		}
	}
	layer := `{"type":"FeatureCollection","features":[` + strings.Join(fs, ",") + `]}`
	if _, err := svc.ImportBaseLayer(ctx, admin, []byte(layer)); err != nil {
		return fmt.Errorf("base layer: %w", err)
	}
	return nil
}

// heatingSLA is the deadline rule the demo's admins set for heating
// complaints in the heating season: acknowledge within two office hours,
// reply within three working days.
var heatingSLA = ticket.SLA{
	Acknowledge: ticket.Span{WorkingHours: 2},
	Reply:       ticket.Span{WorkingDays: 3},
	Callback:    ticket.Span{WorkingDays: 2},
}

// createRules sets the district's routing rules (requests of a category
// that one department handles are suggested to it; gas leaks and burst
// heating pipes go to the utility at once) and its deadline rules. It
// returns the deadline rules, which the planner applies as the app does.
func createRules(ctx context.Context, svc *app.Service, admin *org.User, w *world, cats map[string]*ticket.Category) ([]ticket.SLARule, error) {
	// A category gets a rule when all its requests go to one department.
	dept := map[string]string{}
	auto := map[string]bool{}
	var order []string
	for _, req := range requests {
		to := req.to
		if to == toCommunity || to == toStreet {
			to = ""
		}
		if prev, ok := dept[req.cat]; ok {
			if prev != to {
				dept[req.cat] = ""
			}
			continue
		}
		dept[req.cat] = to
		auto[req.cat] = req.auto
		order = append(order, req.cat)
	}
	for _, code := range order {
		unit := w.depts[dept[code]]
		if unit == nil {
			continue
		}
		cat := cats[code]
		_, err := svc.CreateRoutingRule(ctx, admin, routing.Rule{
			Name: cat.Name + "：" + unit.Name, Priority: 10, CategoryID: cat.ID, UnitID: unit.ID, AutoDispatch: auto[code],
		})
		if err != nil {
			return nil, fmt.Errorf("routing rule for %s: %w", code, err)
		}
	}
	rule, err := svc.CreateSLARule(ctx, admin, ticket.SLARule{CategoryID: cats["city.heating"].ID, Urgency: ticket.UrgencyNormal, SLA: heatingSLA})
	if err != nil {
		return nil, fmt.Errorf("deadline rule: %w", err)
	}
	return []ticket.SLARule{*rule}, nil
}
