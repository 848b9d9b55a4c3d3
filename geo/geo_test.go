package geo

import (
	"strings"
	"testing"
)

// A square with a square hole, and a second square apart.
const district = `{"type":"Feature","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[
 [[[101.70,36.60],[101.80,36.60],[101.80,36.70],[101.70,36.70],[101.70,36.60]],
  [[101.74,36.64],[101.76,36.64],[101.76,36.66],[101.74,36.66],[101.74,36.64]]],
 [[[101.90,36.60],[101.95,36.60],[101.95,36.65],[101.90,36.60]]]
]}}`

func TestContains(t *testing.T) {
	s, err := Parse([]byte(district))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		p    Point
		in   bool
	}{
		{"inside the first square", Point{36.61, 101.71}, true},
		{"in the hole", Point{36.65, 101.75}, false},
		{"inside the triangle", Point{36.61, 101.94}, true},
		{"beside the triangle, inside its box", Point{36.64, 101.91}, false},
		{"outside everything", Point{36.50, 101.75}, false},
	}
	for _, c := range cases {
		if got := s.Contains(c.p); got != c.in {
			t.Errorf("%s: Contains = %v, want %v", c.name, got, c.in)
		}
	}
	if s.Box != (Box{36.60, 101.70, 36.70, 101.95}) {
		t.Errorf("box = %+v", s.Box)
	}
}

func TestRectangleRoundTrip(t *testing.T) {
	b := Box{36.6, 101.7, 36.62, 101.73}
	s, err := Parse(Rectangle(b))
	if err != nil {
		t.Fatal(err)
	}
	if !s.Contains(Point{36.61, 101.71}) || s.Contains(Point{36.63, 101.71}) || s.Area() <= 0 {
		t.Fatalf("rectangle %+v", s)
	}
}

func TestParseRejects(t *testing.T) {
	bad := map[string]string{
		"not JSON":                         `{`,
		"a point":                          `{"type":"Point","coordinates":[101.7,36.6]}`,
		"open ring":                        `{"type":"Polygon","coordinates":[[[101.7,36.6],[101.8,36.6],[101.8,36.7],[101.7,36.7]]]}`,
		"short ring":                       `{"type":"Polygon","coordinates":[[[101.7,36.6],[101.8,36.6],[101.7,36.6]]]}`,
		"lat and lng swapped out of range": `{"type":"Polygon","coordinates":[[[36.6,101.7],[36.7,101.7],[36.7,101.8],[36.6,101.7]]]}`,
		"empty feature":                    `{"type":"Feature"}`,
	}
	for name, in := range bad {
		if _, err := Parse([]byte(in)); err == nil || !strings.HasPrefix(err.Error(), "GeoJSON") {
			t.Errorf("%s: Parse = %v, want a GeoJSON error", name, err)
		}
	}
}
