package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/minsheng/minsheng/geo"
)

// hourOfWeekExpr is the weekday×24+hour (Sunday 0) at which a ticket was
// received, in China's time (UTC+8, no daylight saving): the key of the
// summaries' "hour" dimension, for the heat map's drill-down.
func hourOfWeekExpr(d Dialect) string {
	if d == Postgres {
		return `CAST(EXTRACT(DOW FROM created_at + INTERVAL '8 hours') * 24 + EXTRACT(HOUR FROM created_at + INTERVAL '8 hours') AS INTEGER)`
	}
	return `(CAST(strftime('%w', created_at, '+8 hours') AS INTEGER) * 24 + CAST(strftime('%H', created_at, '+8 hours') AS INTEGER))`
}

// MapFilter selects the tickets of the map of needs: received in
// [From, To), with a point, below a unit, optionally of some categories and
// inside a box.
type MapFilter struct {
	// Path limits the map to tickets taken in by or handled by the unit
	// with this path or one below it; empty: everything.
	Path        string
	From, To    time.Time
	CategoryIDs []int64
	Box         *geo.Box
	// Cell is the side of the grid's square cells, in degrees.
	Cell float64
}

// MapCell is one cell of the grid with the tickets in it: X and Y number
// the cell from longitude −180 and latitude −90; Lat and Lng are the mean
// of its points, where the map draws the cluster.
type MapCell struct {
	X, Y     int64
	Count    int64
	Lat, Lng float64
}

// MapCells groups the tickets of the filter into the cells of a grid, in
// the database: the map gets one row per non-empty cell however many
// tickets there are.
func MapCells(ctx context.Context, tx *Tx, f MapFilter) ([]MapCell, error) {
	if f.Cell <= 0 {
		return nil, fmt.Errorf("map cells: cell size %v", f.Cell)
	}
	cellX, cellY := "CAST((lng + 180) / ? AS INTEGER)", "CAST((lat + 90) / ? AS INTEGER)" // truncation: the values are positive
	if tx.Dialect() == Postgres {
		cellX, cellY = "CAST(FLOOR((lng + 180) / ?) AS BIGINT)", "CAST(FLOOR((lat + 90) / ?) AS BIGINT)" // PostgreSQL's CAST rounds
	}
	where := []string{"created_at >= ?", "created_at < ?", "lat IS NOT NULL", "lng IS NOT NULL"}
	args := []any{f.Cell, f.Cell, f.From.UTC(), f.To.UTC()}
	if f.Path != "" {
		where = append(where, "((intake_unit_path >= ? AND intake_unit_path < ?) OR (unit_path >= ? AND unit_path < ?))")
		args = append(args, f.Path, f.Path+"~", f.Path, f.Path+"~")
	}
	if len(f.CategoryIDs) > 0 {
		where = append(where, "category_id IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(f.CategoryIDs)), ", ")+")")
		for _, id := range f.CategoryIDs {
			args = append(args, id)
		}
	}
	if f.Box != nil {
		where = append(where, "lat >= ? AND lat <= ? AND lng >= ? AND lng <= ?")
		args = append(args, f.Box.MinLat, f.Box.MaxLat, f.Box.MinLng, f.Box.MaxLng)
	}
	q := `SELECT ` + cellX + ` AS cx, ` + cellY + ` AS cy, COUNT(*), AVG(lat), AVG(lng) FROM tickets WHERE ` +
		strings.Join(where, " AND ") + ` GROUP BY cx, cy ORDER BY cx, cy`
	out, err := queryAll(ctx, tx, scanMapCell, q, args...)
	if err != nil {
		return nil, fmt.Errorf("map cells: %w", err)
	}
	return out, nil
}

func scanMapCell(s scanner) (MapCell, error) {
	var c MapCell
	err := s.Scan(&c.X, &c.Y, &c.Count, &c.Lat, &c.Lng)
	return c, err
}
