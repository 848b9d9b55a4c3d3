package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/minsheng/minsheng/household"
)

// This file holds the roll-up of the coverage counts per street: the
// household_day_counts of a street's grids summed per kind and day, kept
// by bumpDayCount in the same transaction, so that the coverage of a
// district by street reads a few rows a street and day.

// StreetPath returns the path of the street (the level below the
// district) a unit's path lies in; "" for the district itself.
func StreetPath(path string) string {
	parts := strings.SplitAfterN(path, "/", 4)
	if len(parts) < 4 {
		return ""
	}
	return parts[0] + parts[1] + parts[2]
}

func bumpStreetCount(ctx context.Context, tx *Tx, unitPath, kind string, day time.Time, delta int) error {
	street := StreetPath(unitPath)
	if street == "" {
		return nil
	}
	if _, err := tx.Exec(ctx, `INSERT INTO household_street_day_counts (street_path, kind, day, n) VALUES (?, ?, ?, ?)
		ON CONFLICT (street_path, kind, day) DO UPDATE SET n = household_street_day_counts.n + excluded.n`, street, kind, day, delta); err != nil {
		return fmt.Errorf("count household by street: %w", err)
	}
	if delta < 0 {
		if _, err := tx.Exec(ctx, `DELETE FROM household_street_day_counts WHERE street_path = ? AND kind = ? AND day = ? AND n <= 0`,
			street, kind, day); err != nil {
			return fmt.Errorf("count household by street: %w", err)
		}
	}
	return nil
}

// HouseholdStreetCoverage counts, per street at or below the paths (a
// district's path: its streets), what HouseholdCoverage counts per grid,
// from the roll-up.
func HouseholdStreetCoverage(ctx context.Context, tx *Tx, paths []string, visitedSince, today, soon time.Time) ([]household.StreetCoverage, error) {
	where, args := "1 = 1", []any{household.Day(visitedSince).UTC(), today.UTC(), soon.UTC(), today.UTC()}
	if c, a := pathsCond(paths, "street_path"); c != "" {
		where, args = c, append(args, a...)
	}
	out, err := queryAll(ctx, tx, func(s scanner) (household.StreetCoverage, error) {
		var c household.StreetCoverage
		err := s.Scan(&c.UnitID, &c.UnitName, &c.Households, &c.Visited, &c.Due, &c.Overdue)
		return c, err
	}, `SELECT COALESCE(u.id, 0), COALESCE(u.name, ''), g.n, g.visited, g.due, g.overdue FROM (
		SELECT street_path,
			SUM(CASE WHEN kind = 'due' THEN n ELSE 0 END) AS n,
			SUM(CASE WHEN kind = 'visit' AND day >= ? THEN n ELSE 0 END) AS visited,
			SUM(CASE WHEN kind = 'due' AND day >= ? AND day < ? THEN n ELSE 0 END) AS due,
			SUM(CASE WHEN kind = 'due' AND day < ? THEN n ELSE 0 END) AS overdue
		FROM household_street_day_counts WHERE `+where+` GROUP BY street_path) g LEFT JOIN units u ON u.path = g.street_path
		WHERE g.n > 0 ORDER BY g.street_path`, args...)
	if err != nil {
		return nil, fmt.Errorf("household coverage by street: %w", err)
	}
	return out, nil
}
