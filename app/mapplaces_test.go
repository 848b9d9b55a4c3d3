package app_test

import (
	"strings"
	"testing"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

const baseLayer = `{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"name":"海湖路"},"geometry":{"type":"LineString","coordinates":[[101.70,36.62],[101.74,36.62]]}},
 {"type":"Feature","properties":{"name":"兴海家园","kind":"place"},"geometry":{"type":"Point","coordinates":[101.715,36.625]}}
]}`

// A district admin loads the base layer; maps get it and typed addresses
// are placed by it. A street admin may not replace it, bad input changes
// nothing, and the import is audited.
func TestBaseLayerImportAndGeocode(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		s := f.Svc
		streetAdmin, err := s.CreateUser(ctx, f.Users["admin"], app.NewUser{Username: "street_admin", Name: "街道管理员",
			Role: org.RoleAdmin, UnitID: f.Street.ID, Password: "street-password"})
		if err != nil {
			t.Fatal(err)
		}
		if m, err := s.Geocode(ctx, "海湖路12号"); err != nil || m != nil {
			t.Fatalf("geocode without a layer: %+v, %v", m, err)
		}
		if _, err := s.ImportBaseLayer(ctx, streetAdmin, []byte(baseLayer)); minsheng.ErrorCode(err) != minsheng.EFORBIDDEN {
			t.Fatalf("street admin's import: %v; want forbidden", err)
		}
		n, err := s.ImportBaseLayer(ctx, f.Users["admin"], []byte(baseLayer))
		if err != nil || n != 2 {
			t.Fatalf("import: %d, %v", n, err)
		}
		m, err := s.Geocode(ctx, "海湖路12号兴海家园3号楼")
		if err != nil || m == nil || m.Name != "兴海家园" || m.Lat != 36.625 || m.Lng != 101.715 {
			t.Fatalf("geocode: %+v, %v", m, err)
		}
		if m, _ := s.Geocode(ctx, "海湖路88号"); m == nil || m.Kind != "road" || m.Lat != 36.62 || m.Lng != 101.72 {
			t.Fatalf("geocode on the road: %+v; want its middle", m)
		}
		bad := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"甲"},"geometry":{"type":"Point","coordinates":[500,36]}}]}`
		if _, err := s.ImportBaseLayer(ctx, f.Users["admin"], []byte(bad)); minsheng.ErrorCode(err) != minsheng.EINVALID {
			t.Fatalf("bad layer: %v", err)
		}
		b, err := s.BaseLayer(ctx)
		if err != nil || !strings.Contains(string(b), "兴海家园") || !strings.Contains(string(b), `"kind":"road"`) {
			t.Fatalf("layer after a refused import: %s, %v", b, err)
		}
		err = db.Read(ctx, func(tx *store.Tx) error {
			entries, err := store.ListAudit(ctx, tx, "map_layer", 1)
			if err != nil {
				return err
			}
			if len(entries) != 1 || entries[0].Action != "import" || entries[0].ActorID != f.Users["admin"].ID {
				t.Errorf("audit: %+v", entries)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
