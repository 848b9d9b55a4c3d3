package store

import (
	"io/fs"
	"path"
	"regexp"
	"slices"
	"testing"
	"time"
)

// Migrations made after the first fourteen are named by the minute they
// were written (YYYYMMDDHHMM_what.sql), so that work on several
// capabilities at once never picks the same number; both dialects hold the
// same names.
func TestMigrationNames(t *testing.T) {
	names := map[string][]string{}
	for _, d := range []Dialect{SQLite, Postgres} {
		entries, err := fs.ReadDir(migrations, path.Join("migrations", d.String()))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			names[d.String()] = append(names[d.String()], e.Name())
		}
	}
	if !slices.Equal(names["sqlite"], names["postgres"]) {
		t.Errorf("the dialects' migration folders differ:\nsqlite   %v\npostgres %v", names["sqlite"], names["postgres"])
	}
	legacy := regexp.MustCompile(`^00(0[1-9]|1[0-4])_[a-z0-9_]+\.sql$`)
	dated := regexp.MustCompile(`^(\d{12})_[a-z0-9_]+\.sql$`)
	for _, n := range names["sqlite"] {
		if legacy.MatchString(n) {
			continue
		}
		m := dated.FindStringSubmatch(n)
		if m == nil {
			t.Errorf("migration %s: name it YYYYMMDDHHMM_what.sql (the minute it was written)", n)
			continue
		}
		if _, err := time.Parse("200601021504", m[1]); err != nil {
			t.Errorf("migration %s: %s is not a date and time: %v", n, m[1], err)
		}
	}
}
