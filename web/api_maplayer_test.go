package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/minsheng/minsheng/app"
)

// A district admin loads the base layer through the API; every signed-in
// user reads it and places addresses by it; an address it does not know
// is "not found", and a layer with a bad feature is refused naming it.
func TestBaseLayerAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		layer := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"海湖路"},` +
			`"geometry":{"type":"LineString","coordinates":[[101.70,36.62],[101.74,36.62]]}},{"type":"Feature",` +
			`"properties":{"name":"兴海家园"},"geometry":{"type":"Point","coordinates":[101.715,36.625]}}]}`
		if r := e.do(t, "PUT", "/api/v1/map/layer", "admin", layer); r.status != http.StatusOK || string(r.body) != `{"features":2}`+"\n" {
			t.Fatalf("import: %s", r)
		}
		bad := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"甲","kind":"river"},"geometry":{"type":"Point","coordinates":[101,36]}}]}`
		r := e.do(t, "PUT", "/api/v1/map/layer", "admin", bad)
		var problem struct{ Code, Field string }
		json.Unmarshal(r.body, &problem)
		if r.status != http.StatusBadRequest || problem.Field != "features[0].properties.kind" {
			t.Fatalf("bad layer: %s", r)
		}
		r = e.do(t, "GET", "/api/v1/map/geocode?address="+url.QueryEscape("海湖路12号兴海家园3号楼"), "handler", nil)
		var m app.GeoMatch
		if json.Unmarshal(r.body, &m); r.status != http.StatusOK || m.Name != "兴海家园" || m.Lat != 36.625 {
			t.Fatalf("geocode: %s", r)
		}
		if r := e.do(t, "GET", "/api/v1/map/geocode?address="+url.QueryEscape("不存在的地方"), "handler", nil); r.status != http.StatusNotFound {
			t.Fatalf("unknown address: %s", r)
		}
		if r := e.do(t, "GET", "/api/v1/map/layer", "handler", nil); r.status != http.StatusOK || !json.Valid(r.body) {
			t.Fatalf("layer: %s", r)
		}
	})
}
