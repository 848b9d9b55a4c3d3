package store

import "context"

// MigrateTo applies the migrations up to the version: a database of an
// older schema, for the tests of a migration's conversion.
func (db *DB) MigrateTo(ctx context.Context, version int) error { return db.migrate(ctx, version) }

// QueuedWrites reports how many writes wait for their turn in SQLite's
// group commit (0 on PostgreSQL), for the tests of package store_test.
func QueuedWrites(db *DB) int {
	if db.batch == nil {
		return 0
	}
	return db.batch.queued()
}
