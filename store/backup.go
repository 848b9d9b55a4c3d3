package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
)

// VacuumInto writes a consistent copy of a SQLite database into the file
// at path, which must not exist yet. It reads one snapshot of the database
// in a read transaction of a connection of its own, so writers go on
// committing (WAL) while it runs and the copy holds exactly the
// transactions committed before it began. It is SQLite's "VACUUM INTO":
// the online backup API (".backup") restarts whenever a writer commits and
// never finishes under a steady load.
func (db *DB) VacuumInto(ctx context.Context, path string) error {
	if db.dialect != SQLite {
		return errors.New("vacuum into: only SQLite databases are copied this way (PostgreSQL: pg_dump)")
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("vacuum into: %s already exists", path)
	}
	src := strings.TrimPrefix(db.dsn, "sqlite:")
	conn, err := sql.Open("sqlite", "file:"+src+"?"+sqliteParams)
	if err != nil {
		return fmt.Errorf("vacuum into: %w", err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("vacuum into %s: %w", path, db.mapError(err))
	}
	return nil
}

// SchemaVersion returns the number of the newest migration applied to the
// database, 0 for a database never migrated.
func (db *DB) SchemaVersion(ctx context.Context) (int64, error) {
	var v sql.NullInt64
	if err := db.read.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		if ok, _ := db.hasTable(ctx, "schema_migrations"); !ok {
			return 0, nil
		}
		return 0, fmt.Errorf("schema version: %w", db.mapError(err))
	}
	return v.Int64, nil
}

// LatestSchemaVersion returns the number of the newest migration this
// binary holds for the dialect: a database whose SchemaVersion is higher
// was written by a newer binary.
func LatestSchemaVersion(d Dialect) (int64, error) {
	ms, err := (&DB{dialect: d}).migrations()
	if err != nil || len(ms) == 0 {
		return 0, err
	}
	return int64(ms[len(ms)-1].version), nil
}

// hasTable reports whether the table exists in the database's schema.
func (db *DB) hasTable(ctx context.Context, name string) (bool, error) {
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`
	if db.dialect == Postgres {
		q = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1`
	}
	var n int
	err := db.read.QueryRowContext(ctx, q, name).Scan(&n)
	return n > 0, err
}
