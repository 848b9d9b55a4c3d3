package store

import "context"

// MigrateTo applies the migrations up to the version: a database of an
// older schema, for the tests of a migration's conversion.
func (db *DB) MigrateTo(ctx context.Context, version int) error { return db.migrate(ctx, version) }
