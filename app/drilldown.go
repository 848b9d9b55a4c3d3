package app

import (
	"context"
	"math"
	"strings"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/geo"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// drillDown turns the dashboards' filters of a list (a unit's subtree, a
// category's subtree, a cell of the heat map or of the map) into the
// store's filter: the tickets behind a figure.
func (s *Service) drillDown(ctx context.Context, actor *org.User, q ListQuery, f *store.TicketFilter) error {
	if q.HourOfWeek != nil {
		if *q.HourOfWeek < 0 || *q.HourOfWeek >= 7*24 {
			return minsheng.FieldError("hour_of_week", "hour_of_week must be weekday×24+hour, from 0 to 167")
		}
		f.HourOfWeek = q.HourOfWeek
	}
	if q.Box != nil {
		if err := checkBox(*q.Box); err != nil {
			return err
		}
		f.Box = q.Box
	}
	if len(q.Places) > 0 {
		if len(q.Places) > 500 {
			return minsheng.FieldError("place", "at most 500 places")
		}
		f.LocationUnitIDs = q.Places
	}
	if q.Under == 0 && q.CategoryTree == 0 {
		return nil
	}
	return s.db.Read(ctx, func(tx *store.Tx) error {
		if q.Under != 0 {
			u, err := s.visibleUnit(ctx, tx, actor, q.Under)
			if err != nil {
				return err
			}
			// The root's subtree is everything: no condition, which
			// keeps the lists' fast plans.
			// u lies within one of the user's subtrees (visibleUnit), so
			// its own is the narrower.
			if strings.Count(u.Path, "/") > 2 {
				f.VisiblePaths = []string{u.Path}
			}
		}
		if q.CategoryTree != 0 {
			ids, err := categoryTree(ctx, tx, q.CategoryTree)
			if err != nil {
				return err
			}
			f.CategoryIDs = ids
		}
		return nil
	})
}

// categoryTree returns the ids of a category and of every category below it.
func categoryTree(ctx context.Context, tx *store.Tx, id int64) ([]int64, error) {
	cats, err := store.ListCategories(ctx, tx)
	if err != nil {
		return nil, err
	}
	var path string
	for _, c := range cats {
		if c.ID == id {
			path = c.Path
		}
	}
	if path == "" {
		return nil, minsheng.FieldError("category", "category %d not found", id)
	}
	var out []int64
	for _, c := range cats {
		if strings.HasPrefix(c.Path, path) {
			out = append(out, c.ID)
		}
	}
	return out, nil
}

// checkBox checks a box of latitudes and longitudes.
func checkBox(b geo.Box) error {
	for _, v := range []float64{b.MinLat, b.MaxLat, b.MinLng, b.MaxLng} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return minsheng.FieldError("box", "the box must be four numbers")
		}
	}
	if b.MinLat < -90 || b.MaxLat > 90 || b.MinLng < -180 || b.MaxLng > 180 || b.MinLat > b.MaxLat || b.MinLng > b.MaxLng {
		return minsheng.FieldError("box", "the box must be south,west,north,east within latitudes ±90 and longitudes ±180")
	}
	return nil
}
