package backup

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng/blob"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// TestTakeVerifyRestore: on both dialects a backup holds the attachments
// (not the folder of unfinished uploads) with their checksums, and the
// SQLite database; restore puts back what it holds, refuses a SQLite target
// for a backup without a database, and an existing database without Force.
func TestTakeVerifyRestore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		files := t.TempDir()
		bs, err := blob.Open(files)
		if err != nil {
			t.Fatal(err)
		}
		b, err := bs.Put(strings.NewReader("%PDF-1.4 回执"), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(files, "tmp", "upload-half"), []byte("half"), 0o600)
		dest := filepath.Join(t.TempDir(), "b")
		now := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
		m, err := Take(ctx, Options{DB: db, Files: files, Dest: dest, Now: now, Program: "test"})
		if err != nil {
			t.Fatal(err)
		}
		latest, _ := store.LatestSchemaVersion(db.Dialect())
		if m.SchemaVersion != latest || !m.CreatedAt.Equal(now) || m.Dialect != db.Dialect().String() {
			t.Errorf("manifest %+v, latest schema %d", m, latest)
		}
		want := 1
		if db.Dialect() == store.SQLite {
			want = 2
		}
		if len(m.Files) != want {
			t.Fatalf("%d files in the backup, want %d: %+v", len(m.Files), want, m.Files)
		}
		if _, err := Take(ctx, Options{DB: db, Files: files, Dest: dest, Now: now}); err == nil {
			t.Error("a second backup into the same folder")
		}

		into := t.TempDir()
		target := Target{Files: filepath.Join(into, "files")}
		if db.Dialect() == store.SQLite {
			target.SQLite = filepath.Join(into, "minsheng.db")
		} else if _, err := Restore(dest, Target{SQLite: filepath.Join(into, "x.db"), Files: target.Files}); err == nil {
			t.Error("a backup without a database restored into a SQLite file")
		}
		if _, err := Restore(dest, target); err != nil {
			t.Fatal(err)
		}
		restored, err := blob.Open(target.Files)
		if err != nil {
			t.Fatal(err)
		}
		if f, err := restored.Open(b.SHA256); err != nil {
			t.Errorf("attachment not restored: %v", err)
		} else {
			f.Close()
		}
		if db.Dialect() == store.SQLite {
			if _, err := Restore(dest, target); err == nil || !strings.Contains(err.Error(), "-force") {
				t.Errorf("restore over a database: %v", err)
			}
			target.Force = true
			if _, err := Restore(dest, target); err != nil {
				t.Errorf("restore with force: %v", err)
			}
		}

		os.WriteFile(filepath.Join(dest, "extra"), []byte("x"), 0o600)
		if _, err := Verify(dest); err == nil || !strings.Contains(err.Error(), "not in the manifest") {
			t.Errorf("a file not in the manifest: %v", err)
		}
	})
}
