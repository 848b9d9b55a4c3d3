package geo

import "math"

// BlurStep is the size, in degrees, of the grid that public points are
// snapped to: 0.001° is about 111 m north–south everywhere and 80–100 m
// east–west across China (89 m at Xining, 36.6°N).
const BlurStep = 0.001

// Blur returns the point of the public grid nearest to p: each coordinate
// rounded to BlurStep. It is deterministic (the same point always gives the
// same answer, so that averaging many answers does not reveal the true
// place) and moves a point by at most about 72 m (half the diagonal of a cell). The SQL of the public
// listing's distance filter rounds the same way (store.ListPublicTickets).
func Blur(p Point) Point {
	return Point{Lat: blur(p.Lat), Lng: blur(p.Lng)}
}

func blur(x float64) float64 {
	// Multiplying by the whole number of steps per degree, rounding, then
	// dividing gives the shortest decimal (36.617, not 36.617000000000004)
	// and is what the SQL does (ROUND(lat * 1000) / 1000.0).
	return math.Round(x*(1/BlurStep)) / (1 / BlurStep)
}
