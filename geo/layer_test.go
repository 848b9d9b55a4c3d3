package geo

import (
	"errors"
	"math"
	"testing"

	"github.com/minsheng/minsheng"
)

const layer = `{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"name":"海湖路"},"geometry":{"type":"LineString","coordinates":[[101.70,36.62],[101.72,36.62],[101.74,36.62]]}},
 {"type":"Feature","properties":{"name":"兴海家园","kind":"place"},"geometry":{"type":"Point","coordinates":[101.715,36.625]}},
 {"type":"Feature","properties":{"name":"兴海"},"geometry":{"type":"Polygon","coordinates":[[[101.70,36.60],[101.72,36.60],[101.72,36.62],[101.70,36.62],[101.70,36.60]]]}}
]}`

func TestParseLayer(t *testing.T) {
	fs, err := ParseLayer([]byte(layer))
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 3 || fs[0].Kind != KindRoad || fs[1].Kind != KindPlace || fs[2].Kind != KindPlace {
		t.Fatalf("features %+v", fs)
	}
	near := func(p Point, lat, lng float64) bool { return math.Abs(p.Lat-lat) < 1e-9 && math.Abs(p.Lng-lng) < 1e-9 }
	if !near(fs[0].At, 36.62, 101.72) || !near(fs[1].At, 36.625, 101.715) || !near(fs[2].At, 36.61, 101.71) {
		t.Errorf("anchors %v %v %v: want the road's middle, the point, the outline's centre", fs[0].At, fs[1].At, fs[2].At)
	}
}

func TestParseLayerRefusesBadInput(t *testing.T) {
	for _, tc := range []struct{ in, field string }{
		{`[]`, "layer"},
		{`{"type":"Feature"}`, "type"},
		{`{"type":"FeatureCollection","features":[{"properties":{"name":" "},"geometry":{"type":"Point","coordinates":[101,36]}}]}`, "features[0].properties.name"},
		{`{"type":"FeatureCollection","features":[{"properties":{"name":"甲"},"geometry":{"type":"Point","coordinates":[36,101]}}]}`, "features[0].geometry"},
		{`{"type":"FeatureCollection","features":[{"properties":{"name":"甲"},"geometry":{"type":"LineString","coordinates":[[101,36]]}}]}`, "features[0].geometry"},
		{`{"type":"FeatureCollection","features":[{"properties":{"name":"甲"},"geometry":{"type":"GeometryCollection","geometries":[]}}]}`, "features[0].geometry"},
		{`{"type":"FeatureCollection","features":[{"properties":{"name":"甲","kind":"river"},"geometry":{"type":"Point","coordinates":[101,36]}}]}`, "features[0].properties.kind"},
		{`{"type":"FeatureCollection","features":[{"properties":{"name":"甲"}}]}`, "features[0].geometry"},
	} {
		_, err := ParseLayer([]byte(tc.in))
		var me *minsheng.Error
		if !errors.As(err, &me) || me.Code != minsheng.EINVALID || me.Field != tc.field {
			t.Errorf("%s: %v; want an error on %s", tc.in, err, tc.field)
		}
	}
}

func TestGazetteerLocate(t *testing.T) {
	fs, err := ParseLayer([]byte(layer))
	if err != nil {
		t.Fatal(err)
	}
	g := NewGazetteer(fs)
	for addr, want := range map[string]string{
		"海湖路12号兴海家园3号楼": "兴海家园", // the place, not the road
		"海湖路 88 号":      "海湖路",
		"兴海家园":          "兴海家园", // the longer of two names it holds
		"西宁市城西区":        "",
		"":              "",
	} {
		f, ok := g.Locate(addr)
		if ok != (want != "") || f.Name != want {
			t.Errorf("Locate(%q) = %q, %v; want %q", addr, f.Name, ok, want)
		}
	}
}
