package app

import (
	"context"
	"encoding/json"

	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// MapArea is a unit's boundary with its name, for the maps of the pages.
type MapArea struct {
	UnitID  int64           `json:"unit_id"`
	Name    string          `json:"name"`
	Kind    org.UnitKind    `json:"kind"`
	GeoJSON json.RawMessage `json:"geojson"`
}

// MapAreas returns the boundaries of the district, its streets and towns
// and its communities, named: the base layer of every map (there are no
// online map tiles). They are public geography, so residents' pages get
// them too; grids, which are many and small, only with grids set.
func (s *Service) MapAreas(ctx context.Context, grids bool) ([]MapArea, error) {
	var out []MapArea
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		bs, err := store.ListBoundaries(ctx, tx)
		if err != nil {
			return err
		}
		units, err := store.ListUnits(ctx, tx, "")
		if err != nil {
			return err
		}
		byID := map[int64]*org.Unit{}
		for _, u := range units {
			byID[u.ID] = u
		}
		for _, b := range bs {
			u := byID[b.UnitID]
			if u == nil || (u.Kind == org.KindGrid && !grids) {
				continue
			}
			out = append(out, MapArea{UnitID: u.ID, Name: u.Name, Kind: u.Kind, GeoJSON: json.RawMessage(b.GeoJSON)})
		}
		return nil
	})
	return out, err
}
