package store

import (
	"context"
	"fmt"
)

// LatestModelVersion returns the newest version of the named model, or 0
// when none was saved: a cheap check before reading a model's bytes again.
func LatestModelVersion(ctx context.Context, tx *Tx, name string) (int64, error) {
	var v int64
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM models WHERE name = ?`, name).Scan(&v); err != nil {
		return 0, fmt.Errorf("model version %s: %w", name, err)
	}
	return v, nil
}
