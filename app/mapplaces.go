package app

import (
	"context"
	"encoding/json"
	"strconv"
	"sync"
	"time"

	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/geo"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// baseLayerTTL is how long a server keeps the base layer it read: another
// server's import shows within this time (this server's at once).
const baseLayerTTL = time.Minute

// baseLayer is the district's base layer as served and searched, read
// from the database at most once per baseLayerTTL.
type baseLayer struct {
	mu      sync.Mutex
	at      time.Time
	geojson []byte
	gaz     *geo.Gazetteer
}

// ImportBaseLayer replaces the district's base layer — its roads and named
// places, drawn under every map and used to place typed addresses — with
// the GeoJSON FeatureCollection given (geo.ParseLayer says what it holds).
// District admins only; the import is audited with the number of roads
// and places. Bad input changes nothing. It returns how many features
// were taken.
func (s *Service) ImportBaseLayer(ctx context.Context, actor *org.User, data []byte) (int, error) {
	if err := kit.RequireDistrictAdmin(actor); err != nil {
		return 0, err
	}
	features, err := geo.ParseLayer(data)
	if err != nil {
		return 0, err
	}
	places := make([]store.MapPlace, len(features))
	roads := 0
	for i, f := range features {
		places[i] = store.MapPlace{Name: f.Name, Kind: f.Kind, Lat: f.At.Lat, Lng: f.At.Lng, Geometry: string(f.Geometry)}
		if f.Kind == geo.KindRoad {
			roads++
		}
	}
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		if err := store.ReplaceMapPlaces(ctx, tx, places); err != nil {
			return err
		}
		_, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: "map_layer", ObjectID: 1, Action: "import",
			Data: map[string]string{"roads": strconv.Itoa(roads), "places": strconv.Itoa(len(places) - roads)}})
		return err
	})
	if err != nil {
		return 0, err
	}
	s.layer.mu.Lock()
	s.layer.at = time.Time{} // read again on the next use
	s.layer.mu.Unlock()
	return len(places), nil
}

// BaseLayer returns the district's base layer as a GeoJSON
// FeatureCollection (properties name and kind), for maps to draw under
// the areas. It is public: roads and place names are no one's personal
// data.
func (s *Service) BaseLayer(ctx context.Context) ([]byte, error) {
	b, _, err := s.loadBaseLayer(ctx)
	return b, err
}

// GeoMatch is where a typed address is placed.
type GeoMatch struct {
	Name string  `json:"name"` // the road or place of the base layer it names
	Kind string  `json:"kind"` // road or place
	Lat  float64 `json:"lat"`
	Lng  float64 `json:"lng"`
}

// Geocode places an address by the base layer's names: at the place
// (estate, building) it names, else on the road it names; nil when it
// names neither. A road is placed at its middle: house numbers are not
// known to the layer.
func (s *Service) Geocode(ctx context.Context, address string) (*GeoMatch, error) {
	_, gaz, err := s.loadBaseLayer(ctx)
	if err != nil {
		return nil, err
	}
	f, ok := gaz.Locate(address)
	if !ok {
		return nil, nil
	}
	return &GeoMatch{Name: f.Name, Kind: f.Kind, Lat: f.At.Lat, Lng: f.At.Lng}, nil
}

func (s *Service) loadBaseLayer(ctx context.Context) ([]byte, *geo.Gazetteer, error) {
	l := &s.layer
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now() // a cache's age, not a business time
	if l.gaz != nil && now.Sub(l.at) < baseLayerTTL && !l.at.IsZero() {
		return l.geojson, l.gaz, nil
	}
	var places []store.MapPlace
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		places, err = store.ListMapPlaces(ctx, tx)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	type feature struct {
		Type       string            `json:"type"`
		Geometry   json.RawMessage   `json:"geometry"`
		Properties map[string]string `json:"properties"`
	}
	fc := struct {
		Type     string    `json:"type"`
		Features []feature `json:"features"`
	}{Type: "FeatureCollection", Features: make([]feature, 0, len(places))}
	features := make([]geo.Feature, 0, len(places))
	for _, p := range places {
		fc.Features = append(fc.Features, feature{Type: "Feature", Geometry: json.RawMessage(p.Geometry),
			Properties: map[string]string{"name": p.Name, "kind": p.Kind}})
		features = append(features, geo.Feature{Name: p.Name, Kind: p.Kind, At: geo.Point{Lat: p.Lat, Lng: p.Lng}})
	}
	b, err := json.Marshal(fc)
	if err != nil {
		return nil, nil, err
	}
	l.geojson, l.gaz, l.at = b, geo.NewGazetteer(features), now
	return l.geojson, l.gaz, nil
}
