package app

import (
	"context"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/geo"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/stats"
	"github.com/minsheng/minsheng/store"
)

// MapQuery selects the map of needs (民情图) of a unit's subtree.
type MapQuery struct {
	UnitID   int64         // 0: the user's unit
	From, To calendar.Date // received in these days, inclusive
	// CategoryID limits the map to a top-level category (the summaries,
	// which shade the areas, count by top-level category); 0: all.
	CategoryID int64
	// Zoom is the map's zoom level (Leaflet's): it sets the size of the
	// cells that points are clustered in, about 64 pixels. 0: 13.
	Zoom int
	Box  *geo.Box // the part of the map in view; nil: all of it
}

// MapCluster is the tickets of one cell of the grid: drawn at the mean of
// their points, listed by the cell's box.
type MapCluster struct {
	Lat   float64 `json:"lat"`
	Lng   float64 `json:"lng"`
	Count int64   `json:"count"`
	// Box bounds the cluster: south, west, north, east.
	Box [4]float64 `json:"box"`
	// Places are the units (grids) whose tickets the cluster counts; the
	// ticket list takes them (place=…). Empty when the cluster was made
	// from the points themselves (with a category): then the box.
	Places []int64 `json:"places,omitempty"`
}

// MapAreaStat is a street, town or community with its figures for the period,
// to shade it by volume or by a rate.
type MapAreaStat struct {
	UnitID      int64          `json:"unit_id"`
	ParentID    int64          `json:"parent_id"`
	Name        string         `json:"name"`
	Kind        org.UnitKind   `json:"kind"`
	Counts      stats.Counters `json:"counts"`
	OverdueOpen int64          `json:"overdue_open"`
	Rates       stats.Rates    `json:"rates"`
}

// MapData is what the map of needs draws: the areas with their figures
// (counted by handling unit, from the summaries) and the tickets' points
// clustered on a grid (by where they are).
type MapData struct {
	Unit     *org.Unit     `json:"unit"`
	From     string        `json:"from"`
	To       string        `json:"to"`
	Zoom     int           `json:"zoom"`
	Cell     float64       `json:"cell"` // the side of a cell, in degrees
	Located  int64         `json:"located"`
	Clusters []MapCluster  `json:"clusters"`
	Areas    []MapAreaStat `json:"areas"`
	AsOf     time.Time     `json:"as_of"`
}

// Map zoom levels the clustering accepts.
const (
	MinMapZoom     = 8
	MaxMapZoom     = 19
	DefaultMapZoom = 13
)

// CellSize returns the side, in degrees, of the cells that points are
// clustered in at a zoom level: a quarter of a 256-pixel tile, 64 pixels.
func CellSize(zoom int) float64 { return 360 / math.Exp2(float64(zoom)) / 4 }

// MapData returns the map of needs of a unit's subtree and period: its
// streets, towns and communities with their counts and rates, and its
// tickets' points grouped into cells whose size follows the zoom. Staff
// see the units they may see.
func (s *Service) MapData(ctx context.Context, actor *org.User, q MapQuery) (*MapData, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	days := int(q.To.Start().Sub(q.From.Start()).Hours()/24) + 1
	if days < 1 || days > maxRatesDays {
		return nil, minsheng.FieldError("to", "the period must run forward and span at most %d days", maxRatesDays).Because("period")
	}
	if q.Zoom == 0 {
		q.Zoom = DefaultMapZoom
	}
	if q.Zoom < MinMapZoom || q.Zoom > MaxMapZoom {
		return nil, minsheng.FieldError("zoom", "zoom must be from %d to %d", MinMapZoom, MaxMapZoom)
	}
	if q.Box != nil {
		if err := checkBox(*q.Box); err != nil {
			return nil, err
		}
	}
	out := &MapData{From: q.From.String(), To: q.To.String(), Zoom: q.Zoom, Cell: CellSize(q.Zoom),
		Clusters: []MapCluster{}, Areas: []MapAreaStat{}, AsOf: s.now()}
	now := s.clock.Now()
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		u, err := s.visibleUnit(ctx, tx, actor, q.UnitID)
		if err != nil {
			return err
		}
		out.Unit = u
		var cats []int64
		if q.CategoryID != 0 {
			c, err := store.GetCategory(ctx, tx, q.CategoryID)
			if err != nil || c.ParentID != 0 {
				return minsheng.FieldError("category_id", "category %d is not a top-level category", q.CategoryID)
			}
			if cats, err = categoryTree(ctx, tx, c.ID); err != nil {
				return err
			}
		}
		switch {
		case q.CategoryID == 0:
			err = s.placeClusters(ctx, tx, u, q, store.DimPlace, out)
		case u.ParentID == 0:
			// The district's places by category are summarised too,
			// unless the summaries predate that (migration 0011, until
			// "minsheng stats rebuild").
			var old bool
			if old, err = store.StatsRebuildNeeded(ctx, tx); err != nil {
				return err
			}
			if !old {
				err = s.placeClusters(ctx, tx, u, q, store.DimPlaceCategory(q.CategoryID), out)
				break
			}
			fallthrough
		default:
			err = s.pointClusters(ctx, tx, u, q, cats, out)
		}
		if err != nil {
			return err
		}
		out.Areas, err = s.areaStats(ctx, tx, u, q, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// placeClusters clusters the tickets of the period by the units their
// points lie in (grids), from the summaries of dimension dim (DimPlace, or
// DimPlaceCategory for the district): as fast for ten million tickets as
// for ten. Each place is drawn at the centre of its boundary, places are
// merged by the cells of the zoom, and a cluster lists its places for the
// drill-down.
func (s *Service) placeClusters(ctx context.Context, tx *store.Tx, u *org.Unit, q MapQuery, dim string, out *MapData) error {
	rows, err := store.SumStats(ctx, tx, store.StatQuery{UnitIDs: []int64{u.ID}, From: dayOf(q.From), To: dayOf(q.To), Dim: dim})
	if err != nil || len(rows) == 0 {
		return err
	}
	bounds, err := store.ListBoundaries(ctx, tx)
	if err != nil {
		return err
	}
	boxes := map[int64]geo.Box{}
	for _, b := range bounds {
		boxes[b.UnitID] = b.Box
	}
	type acc struct {
		n, lat, lng float64
		box         geo.Box
		places      []int64
	}
	cells := map[[2]int64]*acc{}
	var keys [][2]int64
	for _, r := range rows {
		id, err := strconv.ParseInt(r.Val, 10, 64)
		b, ok := boxes[id]
		if err != nil || !ok || r.Received <= 0 {
			continue
		}
		c := geo.Point{Lat: (b.MinLat + b.MaxLat) / 2, Lng: (b.MinLng + b.MaxLng) / 2}
		if q.Box != nil && !q.Box.Contains(c) {
			continue
		}
		k := [2]int64{int64(math.Floor((c.Lng + 180) / out.Cell)), int64(math.Floor((c.Lat + 90) / out.Cell))}
		a := cells[k]
		if a == nil {
			a = &acc{box: b}
			cells[k] = a
			keys = append(keys, k)
		}
		n := float64(r.Received)
		a.n += n
		a.lat += n * c.Lat
		a.lng += n * c.Lng
		a.box = geo.Box{MinLat: min(a.box.MinLat, b.MinLat), MinLng: min(a.box.MinLng, b.MinLng), MaxLat: max(a.box.MaxLat, b.MaxLat), MaxLng: max(a.box.MaxLng, b.MaxLng)}
		a.places = append(a.places, id)
	}
	for _, k := range keys {
		a := cells[k]
		out.Located += int64(a.n)
		out.Clusters = append(out.Clusters, MapCluster{Lat: a.lat / a.n, Lng: a.lng / a.n, Count: int64(a.n), Places: a.places,
			Box: [4]float64{a.box.MinLat, a.box.MinLng, a.box.MaxLat, a.box.MaxLng}})
	}
	return nil
}

// pointClusters clusters the tickets of the period and category by their
// points, in the database, for a unit below the district (the summaries
// cross places with categories for the district alone): a scan of the
// unit's tickets of the period.
func (s *Service) pointClusters(ctx context.Context, tx *store.Tx, u *org.Unit, q MapQuery, cats []int64, out *MapData) error {
	f := store.MapFilter{From: q.From.Start(), To: q.To.AddDays(1).Start(), CategoryIDs: cats, Box: q.Box, Cell: out.Cell}
	if strings.Count(u.Path, "/") > 2 {
		f.Path = u.Path
	}
	cells, err := store.MapCells(ctx, tx, f)
	if err != nil {
		return err
	}
	for _, c := range cells {
		out.Located += c.Count
		west, south := float64(c.X)*out.Cell-180, float64(c.Y)*out.Cell-90
		out.Clusters = append(out.Clusters, MapCluster{Lat: c.Lat, Lng: c.Lng, Count: c.Count,
			Box: [4]float64{south, west, south + out.Cell, west + out.Cell}})
	}
	return nil
}

// areaStats reads the figures of the streets, towns and communities of a
// subtree (the unit itself too when it is one) from the summaries.
func (s *Service) areaStats(ctx context.Context, tx *store.Tx, u *org.Unit, q MapQuery, now time.Time) ([]MapAreaStat, error) {
	units, err := store.ListUnits(ctx, tx, u.Path)
	if err != nil {
		return nil, err
	}
	var areas []*org.Unit
	var ids []int64
	for _, x := range units {
		switch x.Kind {
		case org.KindStreet, org.KindTown, org.KindCommunity:
			areas = append(areas, x)
			ids = append(ids, x.ID)
		}
	}
	if len(areas) == 0 {
		return []MapAreaStat{}, nil
	}
	sq := store.StatQuery{UnitIDs: ids, From: dayOf(q.From), To: dayOf(q.To), Dim: store.DimAll}
	val := ""
	if q.CategoryID != 0 {
		sq.Dim, val = store.DimCategory, strconv.FormatInt(q.CategoryID, 10)
		sq.Val = val
	}
	sums, err := store.SumStats(ctx, tx, sq)
	if err != nil {
		return nil, err
	}
	counts := map[int64]stats.Counters{}
	for _, r := range sums {
		if r.Val == val {
			counts[r.UnitID] = r.Counters
		}
	}
	var roots map[int64]int64
	if q.CategoryID != 0 {
		if roots, err = categoryRoots(ctx, tx); err != nil {
			return nil, err
		}
	}
	key := func(r store.StatRow) string {
		if r.Val != val {
			return "-" // another category
		}
		return strconv.FormatInt(r.UnitID, 10)
	}
	late, err := overdueOpen(ctx, tx, sq, sums, key, u.Path, q.From, q.To, now, func(o store.OverdueOpen) []string {
		if roots != nil && roots[o.CategoryID] != q.CategoryID {
			return nil
		}
		var in []string
		for _, a := range areas {
			if strings.HasPrefix(o.UnitPath, a.Path) {
				in = append(in, strconv.FormatInt(a.ID, 10))
			}
		}
		return in
	})
	if err != nil {
		return nil, err
	}
	out := make([]MapAreaStat, 0, len(areas))
	for _, a := range areas {
		n := late[strconv.FormatInt(a.ID, 10)]
		out = append(out, MapAreaStat{UnitID: a.ID, ParentID: a.ParentID, Name: a.Name, Kind: a.Kind, Counts: counts[a.ID],
			OverdueOpen: n, Rates: stats.Compute(counts[a.ID], n, stats.DefaultWeights)})
	}
	return out, nil
}

// ParseBox reads a box written south,west,north,east (the order of
// Leaflet's LatLngBounds.toBBoxString is west,south,east,north; ours
// keeps latitude first, as points are written).
func ParseBox(v string) (geo.Box, error) {
	parts := strings.Split(v, ",")
	var f [4]float64
	if len(parts) != 4 {
		return geo.Box{}, minsheng.FieldError("box", "box must be south,west,north,east")
	}
	for i, p := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return geo.Box{}, minsheng.FieldError("box", "box must be south,west,north,east")
		}
		f[i] = x
	}
	return geo.Box{MinLat: f[0], MinLng: f[1], MaxLat: f[2], MaxLng: f[3]}, nil
}
