// Package storetest opens real databases for tests: a fresh SQLite file
// always, and a fresh PostgreSQL schema as well when MINSHENG_TEST_POSTGRES
// holds a connection URL. Each test gets its own database or schema, so tests
// can run in parallel and leave nothing behind.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/minsheng/minsheng/store"
)

// EnvPostgres names the variable that holds the PostgreSQL URL for tests.
const EnvPostgres = "MINSHENG_TEST_POSTGRES"

// Each runs fn as a subtest once per available dialect ("sqlite", and
// "postgres" when EnvPostgres is set), each on a new migrated database.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, d := range Dialects() {
		t.Run(d, func(t *testing.T) {
			fn(t, Open(t, d))
		})
	}
}

// Dialects lists the dialects tests can run on here.
func Dialects() []string {
	if os.Getenv(EnvPostgres) != "" {
		return []string{"sqlite", "postgres"}
	}
	return []string{"sqlite"}
}

// Open returns a new migrated database of the dialect, closed and removed
// when the test ends.
func Open(t testing.TB, dialect string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), DSN(t, dialect))
	if err != nil {
		t.Fatalf("open %s: %v", dialect, err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", dialect, err)
	}
	return db
}

// DSN returns the connection string of a new, empty database of the
// dialect: a file in the test's temporary folder, or a new PostgreSQL schema
// (dropped when the test ends) selected through search_path.
func DSN(t testing.TB, dialect string) string {
	t.Helper()
	switch dialect {
	case "sqlite":
		return "sqlite:" + filepath.Join(t.TempDir(), "test.db")
	case "postgres":
		base := os.Getenv(EnvPostgres)
		if base == "" {
			t.Skipf("%s is not set: PostgreSQL tests skipped", EnvPostgres)
		}
		b := make([]byte, 6)
		rand.Read(b)
		schema := "t_" + hex.EncodeToString(b)
		admin, err := sql.Open("pgx", base)
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close()
		if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
			t.Fatalf("create schema: %v", err)
		}
		t.Cleanup(func() {
			a, err := sql.Open("pgx", base)
			if err != nil {
				return
			}
			defer a.Close()
			a.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		})
		u, err := url.Parse(base)
		if err != nil {
			t.Fatalf("%s: %v", EnvPostgres, err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String()
	}
	t.Fatalf("unknown dialect %q", dialect)
	return ""
}
