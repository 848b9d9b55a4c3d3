package ui

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/minsheng/minsheng"
)

// Typed addresses are placed on the map as the user types, so the pages
// may ask often; this bounds what one address can ask for.
const (
	geocodePerIP  = 120
	geocodeWindow = time.Minute
)

// mapBase serves the district's base layer (roads and places) that every
// map draws under its areas. It is public, like the areas: no one's
// personal data is in it.
func (u *UI) mapBase(w http.ResponseWriter, r *http.Request) error {
	b, err := u.svc.BaseLayer(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/geo+json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, err = w.Write(b)
	return err
}

// mapGeocode places a typed address by the base layer: the forms' maps
// move their point there until the user places it by hand. It answers
// {"found": false} when the address names no road or place.
func (u *UI) mapGeocode(w http.ResponseWriter, r *http.Request) error {
	if !u.geoLimit.Allow(clientIP(r)) {
		return minsheng.Errorf(minsheng.ERATELIMIT, "too many addresses looked up; try again in a minute")
	}
	addr := r.URL.Query().Get("q")
	if addr == "" || len(addr) > 300 {
		return minsheng.FieldError("q", "an address of 1 to 300 bytes is needed")
	}
	m, err := u.svc.Geocode(r.Context(), addr)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "private, max-age=300")
	if m == nil {
		_, err = w.Write([]byte(`{"found":false}`))
		return err
	}
	return json.NewEncoder(w).Encode(struct {
		Found bool    `json:"found"`
		Name  string  `json:"name"`
		Kind  string  `json:"kind"`
		Lat   float64 `json:"lat"`
		Lng   float64 `json:"lng"`
	}{true, m.Name, m.Kind, m.Lat, m.Lng})
}
