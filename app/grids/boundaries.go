package grids

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/geo"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// MaxBoundaryFeatures is how many units' areas one upload may set.
const MaxBoundaryFeatures = 2000

// BoundaryUpload is what an upload of grid boundaries changed.
type BoundaryUpload struct {
	Units []string `json:"units"` // the codes of the units whose area was set, in the file's order
}

// UploadBoundaries sets the areas of units (grids, communities, streets)
// from a GeoJSON FeatureCollection, each feature naming its unit by the
// property "code" and holding a Polygon or MultiPolygon. Every feature is
// checked before anything is written: a feature that names no unit, a
// unit outside the actor's admin grants, a unit named twice or a shape
// that is not a valid polygon refuses the whole file (EINVALID on
// "features[i]"), and nothing changes. One transaction; one audit entry
// per unit, as for the core's boundary route.
func (s *Service) UploadBoundaries(ctx context.Context, actor *org.User, geojson []byte) (*BoundaryUpload, error) {
	if err := kit.RequireAdmin(actor); err != nil {
		return nil, err
	}
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			Type       string          `json:"type"`
			Properties map[string]any  `json:"properties"`
			Geometry   json.RawMessage `json:"geometry"`
		} `json:"features"`
	}
	dec := json.NewDecoder(bytes.NewReader(geojson))
	if err := dec.Decode(&fc); err != nil || fc.Type != "FeatureCollection" {
		return nil, minsheng.FieldError("geojson", "the file must be a GeoJSON FeatureCollection").Because("grid_geojson")
	}
	if len(fc.Features) == 0 || len(fc.Features) > MaxBoundaryFeatures {
		return nil, minsheng.FieldError("geojson", "the file must hold 1 to %d features", MaxBoundaryFeatures).Because("grid_features_count")
	}
	type area struct {
		code  string
		shape *geo.Shape
		raw   json.RawMessage
	}
	areas := make([]area, len(fc.Features))
	for i, f := range fc.Features {
		field := "features[" + strconv.Itoa(i) + "]"
		code, _ := f.Properties["code"].(string)
		if f.Type != "Feature" || code == "" {
			return nil, minsheng.FieldError(field, "feature %d must be a Feature with the property \"code\" naming its unit", i).Because("grid_feature_code")
		}
		shape, err := geo.Parse(f.Geometry)
		if err != nil {
			return nil, minsheng.FieldError(field, "feature %d (%s): %v", i, code, err).Because("grid_feature_shape")
		}
		areas[i] = area{code: code, shape: shape, raw: f.Geometry}
	}
	out := &BoundaryUpload{}
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		seen := map[string]bool{}
		now := s.now()
		for i, a := range areas {
			field := "features[" + strconv.Itoa(i) + "]"
			u, err := store.GetUnitByCode(ctx, tx, a.code)
			if err != nil && !minsheng.IsCode(err, minsheng.ENOTFOUND) {
				return err
			}
			if u == nil || !seesAs(actor, u.Path, org.RoleAdmin) {
				return minsheng.FieldError(field, "feature %d names unit %q, which is not among your units", i, a.code).Because("grid_feature_unit")
			}
			if seen[a.code] {
				return minsheng.FieldError(field, "feature %d names unit %q a second time", i, a.code).Because("grid_feature_twice")
			}
			seen[a.code] = true
			if err := store.PutBoundary(ctx, tx, u.ID, string(bytes.TrimSpace(a.raw)), a.shape.Box, now); err != nil {
				return err
			}
			b := a.shape.Box
			box := fmt.Sprintf("%.5f,%.5f,%.5f,%.5f", b.MinLat, b.MinLng, b.MaxLat, b.MaxLng)
			if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: "unit", ObjectID: u.ID, Action: "set_boundary",
				Data: map[string]string{"box": box, "source": "geojson_upload"}}); err != nil {
				return err
			}
			out.Units = append(out.Units, a.code)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
