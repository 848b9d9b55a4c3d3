package store

import (
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"

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

// errUnavailable is joined to an error that means the database cannot be
// reached: the API answers 503 with Retry-After instead of 500.
var errUnavailable = minsheng.Errorf(minsheng.EUNAVAILABLE, "the database cannot be reached; try again in a moment")

// mapError turns driver errors that use cases act on into sentinel errors,
// by error type and code, once per dialect. Other errors pass unchanged.
func (db *DB) mapError(err error) error {
	if err == nil {
		return nil
	}
	if db.dialect == Postgres && pgUnreachable(err) {
		return errors.Join(errUnavailable, err)
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

// pgUnreachable reports whether a PostgreSQL error means the server cannot
// be reached or has dropped the connection: a failed connect, a network
// error, a connection closed under the driver, or a server error of class 08
// (connection exception), 57P01–57P03 (shut down, crashed, starting up) or
// 53300 (too many connections).
func pgUnreachable(err error) bool {
	var pe *pgconn.PgError
	var ce *pgconn.ConnectError
	var ne net.Error
	switch {
	case errors.As(err, &ce), errors.As(err, &ne),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, pgconn.ErrConnClosed),
		errors.Is(err, net.ErrClosed), errors.Is(err, io.ErrUnexpectedEOF):
		return true
	case errors.As(err, &pe):
		switch pe.Code {
		case "57P01", "57P02", "57P03", "53300":
			return true
		}
		return len(pe.Code) == 5 && pe.Code[:2] == "08"
	}
	return false
}

// IsUnique reports whether err is a unique-constraint violation.
func IsUnique(err error) bool { return errors.Is(err, errUnique) }

// IsForeignKey reports whether err is a foreign-key violation.
func IsForeignKey(err error) bool { return errors.Is(err, errForeignKey) }

// notFound returns the domain error for a missing thing; its reason
// names the thing ("routing rule" → routing_rule_not_found).
func notFound(what string, id any) error {
	return minsheng.Errorf(minsheng.ENOTFOUND, "%s %v not found", what, id).
		Because(strings.ReplaceAll(what, " ", "_") + "_not_found")
}
