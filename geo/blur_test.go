package geo

import (
	"math"
	"testing"
)

func TestBlur(t *testing.T) {
	for _, c := range []struct {
		name string
		in   Point
		want Point
	}{
		{"rounds down", Point{36.61712, 101.77821}, Point{36.617, 101.778}},
		{"rounds up", Point{36.61751, 101.77869}, Point{36.618, 101.779}},
		{"on the grid stays", Point{36.617, 101.778}, Point{36.617, 101.778}},
		{"south and west", Point{-33.86882, -151.20929}, Point{-33.869, -151.209}},
	} {
		if got := Blur(c.in); got != c.want {
			t.Errorf("%s: Blur(%v) = %v, want %v", c.name, c.in, got, c.want)
		}
	}
	// Nowhere in a district is a point moved more than ~72 m, and the
	// points of one 100 m cell all give the same answer.
	const mPerDeg = 111_320.0
	first := Blur(Point{36.6166, 101.7776})
	for i := range 50 {
		for j := range 50 {
			p := Point{36.6166 + float64(i)*0.00002, 101.7776 + float64(j)*0.00002}
			b := Blur(p)
			dy := (b.Lat - p.Lat) * mPerDeg
			dx := (b.Lng - p.Lng) * mPerDeg * math.Cos(p.Lat*math.Pi/180)
			if d := math.Hypot(dx, dy); d > 72 {
				t.Fatalf("Blur(%v) = %v, %0.f m away", p, b, d)
			}
			if i < 40 && j < 40 && b != first {
				t.Fatalf("Blur(%v) = %v, want the cell's %v", p, b, first)
			}
		}
	}
}
