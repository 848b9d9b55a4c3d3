package store

// QueuedWrites reports how many writes wait for their turn in SQLite's
// group commit (0 on PostgreSQL), for the tests of package store_test.
func QueuedWrites(db *DB) int {
	if db.batch == nil {
		return 0
	}
	return db.batch.queued()
}
