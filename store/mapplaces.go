package store

import (
	"context"
	"fmt"
)

// MapPlace is one road or named place of the district's base layer.
type MapPlace struct {
	ID       int64
	Name     string
	Kind     string // geo.KindRoad or geo.KindPlace
	Lat, Lng float64
	Geometry string // GeoJSON geometry
}

// ReplaceMapPlaces puts places in the place of the whole base layer.
func ReplaceMapPlaces(ctx context.Context, tx *Tx, places []MapPlace) error {
	if _, err := tx.Exec(ctx, `DELETE FROM map_places`); err != nil {
		return fmt.Errorf("clear map places: %w", err)
	}
	for i := range places {
		p := &places[i]
		id, err := tx.NextID(ctx)
		if err != nil {
			return err
		}
		p.ID = id
		if _, err := tx.Exec(ctx, `INSERT INTO map_places (id, name, kind, lat, lng, geometry) VALUES (?, ?, ?, ?, ?, ?)`,
			p.ID, p.Name, p.Kind, p.Lat, p.Lng, p.Geometry); err != nil {
			return fmt.Errorf("insert map place %q: %w", p.Name, err)
		}
	}
	return nil
}

// ListMapPlaces returns the base layer, roads and places by id.
func ListMapPlaces(ctx context.Context, tx *Tx) ([]MapPlace, error) {
	out, err := queryAll(ctx, tx, func(s scanner) (MapPlace, error) {
		var p MapPlace
		err := s.Scan(&p.ID, &p.Name, &p.Kind, &p.Lat, &p.Lng, &p.Geometry)
		return p, err
	}, `SELECT id, name, kind, lat, lng, geometry FROM map_places ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list map places: %w", err)
	}
	return out, nil
}
