package store

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/minsheng/minsheng"
)

// Dialect is the SQL dialect of a database.
type Dialect int

// Dialects.
const (
	SQLite Dialect = iota + 1
	Postgres
)

func (d Dialect) String() string {
	switch d {
	case SQLite:
		return "sqlite"
	case Postgres:
		return "postgres"
	}
	return "unknown"
}

// errUnique is returned (wrapped) when an insert or update breaks a unique
// constraint; use cases turn it into a domain error that names the field.
var errUnique = errors.New("unique constraint violated")

// errForeignKey is returned (wrapped) when a referenced row does not exist.
var errForeignKey = errors.New("foreign key violated")

// mapError turns driver errors that use cases act on into sentinel errors,
// by error code, once per dialect. Other errors pass unchanged.
func (db *DB) mapError(err error) error {
	if err == nil {
		return nil
	}
	switch db.dialect {
	case SQLite:
		var se *sqlite.Error
		if errors.As(err, &se) {
			switch se.Code() {
			case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
				return errors.Join(errUnique, err)
			case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
				return errors.Join(errForeignKey, err)
			}
		}
	case Postgres:
		var pe *pgconn.PgError
		if errors.As(err, &pe) {
			switch pe.Code {
			case "23505":
				return errors.Join(errUnique, err)
			case "23503":
				return errors.Join(errForeignKey, err)
			}
		}
	}
	return err
}

// IsUnique reports whether err is a unique-constraint violation.
func IsUnique(err error) bool { return errors.Is(err, errUnique) }

// IsForeignKey reports whether err is a foreign-key violation.
func IsForeignKey(err error) bool { return errors.Is(err, errForeignKey) }

// notFound returns the domain error for a missing thing.
func notFound(what string, id any) error {
	return minsheng.Errorf(minsheng.ENOTFOUND, "%s %v not found", what, id)
}
