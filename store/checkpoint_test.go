package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestCheckpointerCopiesTheWAL checks that writes stay in the WAL until
// the checkpointer copies them into the database file: the writer no
// longer checkpoints inside its commits.
func TestCheckpointerCopiesTheWAL(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ckpt.db")
	db, err := Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// Drive the checkpoints by hand from here on.
	if err := db.ckpt.close(); err != nil {
		t.Fatal(err)
	}
	if db.ckpt, err = startCheckpointer("file:"+path+"?_pragma=busy_timeout(10000)", 0); err != nil {
		t.Fatal(err)
	}
	if err := db.ckpt.checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	size := func() int64 {
		t.Helper()
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return st.Size()
	}
	before := size()
	// About 2,000 pages in forty commits: more than SQLite's default
	// checkpoint size, well under the writer's own limit.
	for i := range 40 {
		err := db.Write(ctx, func(tx *Tx) error {
			for j := range 50 {
				name := fmt.Sprintf("ckpt-%02d-%02d-%s", i, j, string(make([]byte, 3000)))
				if _, err := tx.Exec(ctx, `INSERT INTO counters (name, value) VALUES (?, 1)`, name); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if after := size(); after != before {
		t.Fatalf("the database file grew from %d to %d bytes before any checkpoint: the writer checkpointed", before, after)
	}
	if err := db.ckpt.checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	if after := size(); after < before+5_000_000 {
		t.Fatalf("after the checkpoint the database file has %d bytes (was %d): the WAL was not copied", after, before)
	}
}
