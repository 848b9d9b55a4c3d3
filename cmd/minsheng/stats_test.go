package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/minsheng/minsheng/store"
)

// TestStatsRebuild empties the summaries of a seeded database and checks
// that "minsheng stats rebuild" counts them again from every ticket.
func TestStatsRebuild(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the demo district; skipped in -short")
	}
	ctx := context.Background()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "m.db")
	var out, errOut bytes.Buffer
	env := func(string) string { return "" }
	if err := run(ctx, []string{"seed", "-db", dsn, "-demo-tickets", "40"}, env, &out, &errOut); err != nil {
		t.Fatalf("seed: %v\n%s", err, errOut.String())
	}
	count := func(q string) int {
		t.Helper()
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var n int
		if err := db.Read(ctx, func(tx *store.Tx) error { return tx.QueryRow(ctx, q).Scan(&n) }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	received := `SELECT COALESCE(SUM(received), 0) FROM ticket_stats WHERE dim = 'all' AND unit_id = (SELECT id FROM units WHERE parent_id IS NULL)`
	want := count(received)
	if want == 0 {
		t.Fatal("the seeded summaries count no tickets")
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM ticket_stats`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out.Reset()
	if err := run(ctx, []string{"stats", "rebuild", "-db", dsn}, env, &out, &errOut); err != nil {
		t.Fatalf("stats rebuild: %v\n%s", err, errOut.String())
	}
	tickets := count(`SELECT COUNT(*) FROM tickets`)
	if !strings.Contains(out.String(), "rebuilt from ") || !strings.Contains(out.String(), " "+strconv.Itoa(tickets)+" tickets") {
		t.Errorf("output %q does not name the %d tickets", out.String(), tickets)
	}
	if got := count(received); got != want {
		t.Errorf("after the rebuild the district received %d, before %d", got, want)
	}
}
