package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations
var migrations embed.FS

// migration is one numbered SQL file.
type migration struct {
	version int
	name    string
	sql     string
}

func (db *DB) migrations() ([]migration, error) {
	dir := path.Join("migrations", db.dialect.String())
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var out []migration
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a number and _", name)
		}
		b, err := fs.ReadFile(migrations, path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: name, sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i := 1; i < len(out); i++ {
		if out[i].version == out[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s have the same number", out[i-1].name, out[i].name)
		}
	}
	return out, nil
}

// Migrate applies the migrations that have not run yet, in the order of
// their numbers, each in its own
// transaction together with its row in schema_migrations. On PostgreSQL the
// version table is locked for the duration, so that servers starting
// together do not apply the same migration twice. On PostgreSQL it then
// makes the partitions of this month's and next month's tickets
// (partitions.go), so that a server's first tickets find them.
func (db *DB) Migrate(ctx context.Context) error {
	if err := db.migrate(ctx, 0); err != nil {
		return err
	}
	now := time.Now()
	return db.MakeTicketMonths(ctx, now, now)
}

// migrate applies the migrations up to the version (all for 0); tests use
// it to make a database of an older schema.
func (db *DB) migrate(ctx context.Context, upTo int) error {
	ms, err := db.migrations()
	if err != nil {
		return err
	}
	if err := db.Write(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)`); err != nil {
			return err
		}
		return widenVersion(ctx, tx)
	}); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	for _, m := range ms {
		if upTo > 0 && m.version > upTo {
			break
		}
		err := db.Write(ctx, func(tx *Tx) error {
			if db.dialect == Postgres {
				if _, err := tx.Exec(ctx, `LOCK TABLE schema_migrations IN SHARE ROW EXCLUSIVE MODE`); err != nil {
					return err
				}
			}
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.version, m.name, time.Now().UTC())
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

// SchemaCurrent reports whether every migration of this binary has been
// applied, and the database holds none that the binary does not know (it
// was migrated by a newer binary).
func (db *DB) SchemaCurrent(ctx context.Context) (bool, error) {
	ms, err := db.migrations()
	if err != nil {
		return false, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	applied := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return false, err
		}
		applied[v] = true
	}
	if err := rows.Err(); err != nil {
		return false, err
	}
	if len(applied) != len(ms) {
		return false, nil
	}
	for _, m := range ms {
		if !applied[m.version] {
			return false, nil
		}
	}
	return true, nil
}

// widenVersion makes schema_migrations.version a 64-bit integer on
// PostgreSQL databases made before migrations were named by date
// (YYYYMMDDHHMM_name.sql does not fit in a 32-bit INTEGER). SQLite's
// INTEGER is already 64 bits.
func widenVersion(ctx context.Context, tx *Tx) error {
	if tx.db.dialect != Postgres {
		return nil
	}
	var typ string
	err := tx.QueryRow(ctx, `SELECT data_type FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = 'schema_migrations' AND column_name = 'version'`).Scan(&typ)
	if err != nil {
		return fmt.Errorf("schema_migrations.version: %w", err)
	}
	if typ == "bigint" {
		return nil
	}
	_, err = tx.Exec(ctx, `ALTER TABLE schema_migrations ALTER COLUMN version TYPE BIGINT`)
	return err
}
