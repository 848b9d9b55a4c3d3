// Package geo places points in areas: it reads the GeoJSON boundaries of
// units (Polygon, MultiPolygon, or a Feature holding one) and answers
// whether a point lies inside. Coordinates are WGS84; GeoJSON writes them as
// [longitude, latitude]. Maps of a district are small, so plain ray casting
// over the rings, behind a bounding-box test, is fast enough.
package geo

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
)

// Point is a WGS84 position.
type Point struct{ Lat, Lng float64 }

// Box is a bounding box.
type Box struct{ MinLat, MinLng, MaxLat, MaxLng float64 }

// Contains reports whether p lies in the box (edges included).
func (b Box) Contains(p Point) bool {
	return p.Lat >= b.MinLat && p.Lat <= b.MaxLat && p.Lng >= b.MinLng && p.Lng <= b.MaxLng
}

// Ring is a closed line: its first and last points are equal.
type Ring []Point

// Polygon is an outer ring and its holes.
type Polygon []Ring

// Shape is an area made of one or more polygons.
type Shape struct {
	Polygons []Polygon
	Box      Box
}

// Contains reports whether p lies inside the shape: inside an outer ring
// and outside that polygon's holes.
func (s *Shape) Contains(p Point) bool {
	if !s.Box.Contains(p) {
		return false
	}
	for _, poly := range s.Polygons {
		if len(poly) == 0 || !poly[0].contains(p) {
			continue
		}
		inHole := false
		for _, hole := range poly[1:] {
			if hole.contains(p) {
				inHole = true
				break
			}
		}
		if !inHole {
			return true
		}
	}
	return false
}

// contains is the even-odd ray-casting test.
func (r Ring) contains(p Point) bool {
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		a, b := r[i], r[j]
		if (a.Lat > p.Lat) != (b.Lat > p.Lat) &&
			p.Lng < (b.Lng-a.Lng)*(p.Lat-a.Lat)/(b.Lat-a.Lat)+a.Lng {
			in = !in
		}
	}
	return in
}

// Area returns the shape's approximate area in square degrees (outer
// rings less holes): enough to prefer the smaller of two areas that both
// contain a point.
func (s *Shape) Area() float64 {
	var total float64
	for _, poly := range s.Polygons {
		for i, ring := range poly {
			a := math.Abs(ring.signedArea())
			if i == 0 {
				total += a
			} else {
				total -= a
			}
		}
	}
	return total
}

func (r Ring) signedArea() float64 {
	var a float64
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		a += r[j].Lng*r[i].Lat - r[i].Lng*r[j].Lat
	}
	return a / 2
}

type geometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
	Geometry    *geometry       `json:"geometry"` // when the object is a Feature
}

// Parse reads a GeoJSON Polygon or MultiPolygon geometry, or a Feature
// whose geometry is one. It checks that rings are closed, have at least
// four positions, and that coordinates are valid longitudes and latitudes.
func Parse(b []byte) (*Shape, error) {
	var g geometry
	if err := json.Unmarshal(b, &g); err != nil {
		return nil, fmt.Errorf("GeoJSON: %w", err)
	}
	if g.Type == "Feature" {
		if g.Geometry == nil {
			return nil, errors.New("GeoJSON: the feature has no geometry")
		}
		g = *g.Geometry
	}
	var polys [][][][2]float64
	switch g.Type {
	case "Polygon":
		var p [][][2]float64
		if err := json.Unmarshal(g.Coordinates, &p); err != nil {
			return nil, fmt.Errorf("GeoJSON Polygon coordinates: %w", err)
		}
		polys = [][][][2]float64{p}
	case "MultiPolygon":
		if err := json.Unmarshal(g.Coordinates, &polys); err != nil {
			return nil, fmt.Errorf("GeoJSON MultiPolygon coordinates: %w", err)
		}
	default:
		return nil, fmt.Errorf("GeoJSON: want a Polygon or MultiPolygon, not %q", g.Type)
	}
	if len(polys) == 0 {
		return nil, errors.New("GeoJSON: no polygon")
	}
	s := &Shape{Box: Box{MinLat: 90, MinLng: 180, MaxLat: -90, MaxLng: -180}}
	for pi, p := range polys {
		if len(p) == 0 {
			return nil, fmt.Errorf("GeoJSON: polygon %d has no ring", pi)
		}
		var poly Polygon
		for ri, raw := range p {
			if len(raw) < 4 {
				return nil, fmt.Errorf("GeoJSON: polygon %d ring %d has %d positions; a ring needs at least 4", pi, ri, len(raw))
			}
			if raw[0] != raw[len(raw)-1] {
				return nil, fmt.Errorf("GeoJSON: polygon %d ring %d is not closed", pi, ri)
			}
			ring := make(Ring, len(raw))
			for k, c := range raw {
				lng, lat := c[0], c[1]
				if lng < -180 || lng > 180 || lat < -90 || lat > 90 {
					return nil, fmt.Errorf("GeoJSON: position [%g, %g] is not a longitude and latitude", lng, lat)
				}
				ring[k] = Point{Lat: lat, Lng: lng}
				if ri == 0 {
					s.Box.MinLat, s.Box.MaxLat = min(s.Box.MinLat, lat), max(s.Box.MaxLat, lat)
					s.Box.MinLng, s.Box.MaxLng = min(s.Box.MinLng, lng), max(s.Box.MaxLng, lng)
				}
			}
			poly = append(poly, ring)
		}
		s.Polygons = append(s.Polygons, poly)
	}
	return s, nil
}

// Rectangle returns the GeoJSON Polygon of a box, for generated maps.
func Rectangle(b Box) []byte {
	ring := [][2]float64{{b.MinLng, b.MinLat}, {b.MaxLng, b.MinLat}, {b.MaxLng, b.MaxLat}, {b.MinLng, b.MaxLat}, {b.MinLng, b.MinLat}}
	out, _ := json.Marshal(map[string]any{"type": "Polygon", "coordinates": [][][2]float64{ring}})
	return out
}
