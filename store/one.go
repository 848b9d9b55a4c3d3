package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/minsheng/minsheng"
)

// This file holds the two shapes every noun of the store repeats: reading
// one row by its id (or number) and writing one row that must still be
// there as it was read.

// getOne reads the one row the query finds with scan. No row is the
// noun's ENOTFOUND (notFound(what, key)); other errors are wrapped as
// "get <what>: …".
func getOne[T any](ctx context.Context, tx *Tx, scan func(scanner) (T, error), what string, key any, query string, args ...any) (T, error) {
	v, err := scan(tx.QueryRow(ctx, query, args...))
	if errors.Is(err, sql.ErrNoRows) {
		var none T
		return none, notFound(what, key)
	}
	if err != nil {
		var none T
		return none, fmt.Errorf("get %s: %w", what, tx.db.mapError(err))
	}
	return v, nil
}

// changeOne runs a statement (UPDATE, DELETE) meant to change one row, and answers missing
// when it changed none: the noun's ENOTFOUND when only the id is matched,
// ECONFLICT when the WHERE also holds the version (or status) read, which
// another change moved first. A failure is wrapped as "<doing>: …".
func changeOne(ctx context.Context, tx *Tx, doing string, missing error, query string, args ...any) error {
	res, err := tx.Exec(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", doing, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return missing
	}
	return nil
}

// stale is the ECONFLICT of a versioned update whose row another change
// moved first.
func stale(what string) *minsheng.Error {
	return minsheng.Errorf(minsheng.ECONFLICT, "the %s was changed by someone else; reload it", what)
}
