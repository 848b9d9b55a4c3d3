package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
)

// cmdMap loads the district's base layer: "map import FILE.geojson"
// replaces its roads and places (docs/maps.md).
func cmdMap(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		return errors.New("map: want import FILE (a GeoJSON FeatureCollection of named roads and places)")
	}
	args = args[1:]
	c, fs := commandFlags("map import", getenv, stderr, false)
	var pos []string
	for len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		pos, args = append(pos, args[0]), args[1:]
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New("map import: want one GeoJSON file")
	}
	b, err := os.ReadFile(pos[0])
	if err != nil {
		return err
	}
	db, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := app.New(app.Config{DB: db}).ImportBaseLayer(ctx, kit.System(), b)
	if err != nil {
		return fmt.Errorf("map import %s: %w", pos[0], err)
	}
	fmt.Fprintf(stdout, "base layer: %d roads and places\n", n)
	return nil
}
