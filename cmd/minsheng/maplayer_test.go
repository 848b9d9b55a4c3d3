package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/store"
)

// "minsheng map import FILE" loads a district's own roads and places; a
// bad file is refused naming the feature at fault and leaves the layer as
// it was.
func TestMapImportCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "m.db")
	env := func(string) string { return "" }
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("roads.geojson", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"海湖路"},`+
		`"geometry":{"type":"LineString","coordinates":[[101.70,36.62],[101.74,36.62]]}}]}`)
	bad := write("bad.geojson", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":""},`+
		`"geometry":{"type":"Point","coordinates":[101.7,36.6]}}]}`)
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"map", "import", good, "-db", dsn}, env, &out, &errOut); err != nil || !strings.Contains(out.String(), "1 roads and places") {
		t.Fatalf("import: %v %s %s", err, out.String(), errOut.String())
	}
	err := run(ctx, []string{"map", "import", bad, "-db", dsn}, env, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "features[0].properties.name") {
		t.Fatalf("bad file: %v", err)
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m, err := app.New(app.Config{DB: db}).Geocode(ctx, "海湖路88号")
	if err != nil || m == nil || m.Name != "海湖路" {
		t.Fatalf("after a refused import the road is gone: %+v, %v", m, err)
	}
}
