package geo

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
)

// The kinds of a base layer's features: roads are drawn as lines, places
// (estates, buildings, squares, landmarks) as named points or outlines.
const (
	KindRoad  = "road"
	KindPlace = "place"
)

// Limits of a base layer: a district's roads and places are a few
// thousand; the limits keep an upload from filling memory.
const (
	MaxLayerFeatures = 20000
	MaxLayerPoints   = 500000
	maxPlaceName     = 60
)

// Feature is one named road or place of a district's base layer.
type Feature struct {
	Name string
	Kind string // KindRoad or KindPlace
	// Geometry is the GeoJSON geometry as given (Point, LineString,
	// MultiLineString, Polygon or MultiPolygon).
	Geometry json.RawMessage
	// At is where an address naming it is placed: the point itself, the
	// middle of a road along its length, the centre of a place's outline.
	At Point
}

// ParseLayer reads a base layer: a GeoJSON FeatureCollection whose features
// have a "name" property and optionally a "kind" ("road" or "place"; by
// default lines are roads and the rest places). Coordinates must be WGS84
// [longitude, latitude]. An error names the feature and field at fault
// (features[3].properties.name) and nothing is taken.
func ParseLayer(b []byte) ([]Feature, error) {
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			Type       string          `json:"type"`
			Geometry   json.RawMessage `json:"geometry"`
			Properties struct {
				Name string `json:"name"`
				Kind string `json:"kind"`
			} `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		return nil, minsheng.FieldError("layer", "not GeoJSON: %v", err)
	}
	if fc.Type != "FeatureCollection" {
		return nil, minsheng.FieldError("type", "a base layer is a FeatureCollection, not %q", fc.Type)
	}
	if len(fc.Features) > MaxLayerFeatures {
		return nil, minsheng.FieldError("features", "at most %d features, not %d", MaxLayerFeatures, len(fc.Features))
	}
	out := make([]Feature, 0, len(fc.Features))
	points := 0
	for i, f := range fc.Features {
		at := func(field string) string { return fmt.Sprintf("features[%d].%s", i, field) }
		name := strings.TrimSpace(f.Properties.Name)
		if name == "" || utf8.RuneCountInString(name) > maxPlaceName {
			return nil, minsheng.FieldError(at("properties.name"), "a name of 1 to %d characters is needed", maxPlaceName)
		}
		g, n, err := readGeometry(f.Geometry)
		if err != nil {
			return nil, minsheng.FieldError(at("geometry"), "%v", err)
		}
		if points += n; points > MaxLayerPoints {
			return nil, minsheng.FieldError("features", "at most %d points in all", MaxLayerPoints)
		}
		kind := f.Properties.Kind
		switch kind {
		case "":
			kind = KindPlace
			if len(g.lines) > 0 {
				kind = KindRoad
			}
		case KindRoad, KindPlace:
		default:
			return nil, minsheng.FieldError(at("properties.kind"), "kind is %q or %q, not %q", KindRoad, KindPlace, kind)
		}
		out = append(out, Feature{Name: name, Kind: kind, Geometry: slices.Clone(f.Geometry), At: g.anchor()})
	}
	return out, nil
}

// shape is a geometry read for its anchor point.
type shape struct {
	points []Point
	lines  [][]Point
	rings  [][]Point // outer rings of polygons
}

// readGeometry checks a geometry and returns it and its number of points.
func readGeometry(raw json.RawMessage) (shape, int, error) {
	var g struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &g) != nil {
		return shape{}, 0, fmt.Errorf("a GeoJSON geometry is needed")
	}
	var s shape
	var err error
	switch g.Type {
	case "Point":
		var c []float64
		if err = json.Unmarshal(g.Coordinates, &c); err == nil {
			var p Point
			if p, err = position(c); err == nil {
				s.points = []Point{p}
			}
		}
	case "LineString":
		var c [][]float64
		if err = json.Unmarshal(g.Coordinates, &c); err == nil {
			var l []Point
			if l, err = line(c, 2); err == nil {
				s.lines = [][]Point{l}
			}
		}
	case "MultiLineString":
		var c [][][]float64
		if err = json.Unmarshal(g.Coordinates, &c); err == nil {
			for _, x := range c {
				var l []Point
				if l, err = line(x, 2); err != nil {
					break
				}
				s.lines = append(s.lines, l)
			}
		}
	case "Polygon":
		var c [][][]float64
		if err = json.Unmarshal(g.Coordinates, &c); err == nil && len(c) > 0 {
			var r []Point
			if r, err = line(c[0], 4); err == nil {
				s.rings = [][]Point{r}
			}
		}
	case "MultiPolygon":
		var c [][][][]float64
		if err = json.Unmarshal(g.Coordinates, &c); err == nil {
			for _, poly := range c {
				if len(poly) == 0 {
					continue
				}
				var r []Point
				if r, err = line(poly[0], 4); err != nil {
					break
				}
				s.rings = append(s.rings, r)
			}
		}
	default:
		return shape{}, 0, fmt.Errorf("geometry type %q is not a Point, LineString, MultiLineString, Polygon or MultiPolygon", g.Type)
	}
	if err != nil {
		return shape{}, 0, err
	}
	n := len(s.points)
	for _, l := range s.lines {
		n += len(l)
	}
	for _, r := range s.rings {
		n += len(r)
	}
	if n == 0 {
		return shape{}, 0, fmt.Errorf("the geometry has no coordinates")
	}
	return s, n, nil
}

// position reads a GeoJSON position: [longitude, latitude].
func position(c []float64) (Point, error) {
	if len(c) < 2 {
		return Point{}, fmt.Errorf("a position is [longitude, latitude]")
	}
	lng, lat := c[0], c[1]
	if math.IsNaN(lat) || math.IsNaN(lng) || lat < -90 || lat > 90 || lng < -180 || lng > 180 {
		return Point{}, fmt.Errorf("position [%v, %v] is not a WGS84 longitude and latitude", lng, lat)
	}
	return Point{Lat: lat, Lng: lng}, nil
}

// line reads a list of at least least positions.
func line(c [][]float64, least int) ([]Point, error) {
	if len(c) < least {
		return nil, fmt.Errorf("a line needs at least %d positions", least)
	}
	out := make([]Point, len(c))
	for i, x := range c {
		p, err := position(x)
		if err != nil {
			return nil, err
		}
		out[i] = p
	}
	return out, nil
}

// anchor is where an address naming the shape is placed: its point, the
// middle of its longest line along its length, or the mean of its largest
// ring's vertices.
func (s shape) anchor() Point {
	if len(s.points) > 0 {
		return s.points[0]
	}
	if len(s.lines) > 0 {
		longest, best := s.lines[0], -1.0
		for _, l := range s.lines {
			if d := length(l); d > best {
				longest, best = l, d
			}
		}
		return middle(longest)
	}
	largest := s.rings[0]
	for _, r := range s.rings {
		if len(r) > len(largest) {
			largest = r
		}
	}
	var p Point
	verts := largest[:len(largest)-1] // the ring closes on its first point
	for _, v := range verts {
		p.Lat += v.Lat
		p.Lng += v.Lng
	}
	p.Lat /= float64(len(verts))
	p.Lng /= float64(len(verts))
	return p
}

// length is a line's length in degrees (enough to find its middle).
func length(l []Point) float64 {
	var d float64
	for i := 1; i < len(l); i++ {
		d += math.Hypot(l[i].Lat-l[i-1].Lat, l[i].Lng-l[i-1].Lng)
	}
	return d
}

// middle returns the point halfway along the line.
func middle(l []Point) Point {
	half := length(l) / 2
	for i := 1; i < len(l); i++ {
		seg := math.Hypot(l[i].Lat-l[i-1].Lat, l[i].Lng-l[i-1].Lng)
		if seg >= half && seg > 0 {
			f := half / seg
			return Point{Lat: l[i-1].Lat + f*(l[i].Lat-l[i-1].Lat), Lng: l[i-1].Lng + f*(l[i].Lng-l[i-1].Lng)}
		}
		half -= seg
	}
	return l[len(l)-1]
}

// Gazetteer places addresses by the names of a district's roads and
// places: the address 海湖路12号兴海家园3号楼 is placed at 兴海家园, the most
// specific name it holds. It is read-only once built and safe for
// concurrent use.
type Gazetteer struct {
	names  []Feature // places first, then longer names first
	folded []string  // their names, folded
}

// NewGazetteer indexes the features by name.
func NewGazetteer(features []Feature) *Gazetteer {
	g := &Gazetteer{names: slices.Clone(features)}
	slices.SortStableFunc(g.names, func(a, b Feature) int {
		if a.Kind != b.Kind {
			if a.Kind == KindPlace {
				return -1
			}
			return 1
		}
		return utf8.RuneCountInString(b.Name) - utf8.RuneCountInString(a.Name)
	})
	for _, f := range g.names {
		g.folded = append(g.folded, fold(f.Name))
	}
	return g
}

// Locate returns the feature an address names, preferring a place (an
// estate, a building) to a road and a longer name to a shorter one; false
// when it names none. Spaces and full-width forms are ignored.
func (g *Gazetteer) Locate(address string) (Feature, bool) {
	a := fold(address)
	if a == "" {
		return Feature{}, false
	}
	for i, name := range g.folded {
		if name != "" && strings.Contains(a, name) {
			return g.names[i], true
		}
	}
	return Feature{}, false
}

// fold drops spaces and maps full-width letters and digits to ASCII.
func fold(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '\u3000' || r == '\t':
			return -1
		case r >= '！' && r <= '～':
			return r - '！' + '!'
		}
		return r
	}, s)
}
