// Package backup copies the platform's data into a folder and puts it back:
// the SQLite database (a consistent copy taken while the server writes),
// the attachments folder, and a manifest with each file's size and
// SHA-256, so that a damaged or altered backup is refused before anything
// is replaced. A PostgreSQL database is backed up with PostgreSQL's own
// tools (pg_dump, continuous archiving); the backup then holds the
// attachments and the manifest.
package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/minsheng/minsheng/store"
)

// The names inside a backup folder.
const (
	ManifestName = "manifest.json"
	DatabaseName = "minsheng.db" // SQLite only
	FilesDir     = "files"       // the attachments, laid out as in the attachments folder
)

// Format is the manifest's format version; Verify refuses another.
const Format = 1

// Manifest describes a backup. It is written last, so a folder without one
// is an unfinished backup.
type Manifest struct {
	Format        int       `json:"format"`
	CreatedAt     time.Time `json:"created_at"`      // when the database copy began
	Program       string    `json:"program_version"` // the minsheng that took it
	Dialect       string    `json:"dialect"`         // sqlite or postgres
	SchemaVersion int64     `json:"schema_version"`  // the newest migration applied
	Database      string    `json:"database,omitempty"`
	Files         []File    `json:"files"` // every file of the backup but the manifest
}

// File is one file of a backup, its path relative to the backup's folder
// with forward slashes.
type File struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Options say what to back up and where.
type Options struct {
	DB      *store.DB
	Files   string    // the attachments folder
	Dest    string    // the backup's folder: new, or empty
	Now     time.Time // the time written in the manifest
	Program string    // the program's version
}

// Take backs up the database (SQLite: a consistent copy; PostgreSQL:
// nothing, see the package comment) and then the attachments into
// o.Dest, and writes the manifest. The attachments are copied after the
// database, so every attachment the copied database refers to is there
// (an attachment is stored before the ticket that refers to it). On
// failure the folder is removed.
func Take(ctx context.Context, o Options) (m *Manifest, err error) {
	if err := newFolder(o.Dest); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(o.Dest)
		}
	}()
	m = &Manifest{Format: Format, CreatedAt: o.Now.UTC(), Program: o.Program, Dialect: o.DB.Dialect().String()}
	if m.SchemaVersion, err = o.DB.SchemaVersion(ctx); err != nil {
		return nil, err
	}
	if o.DB.Dialect() == store.SQLite {
		dst := filepath.Join(o.Dest, DatabaseName)
		if err := o.DB.VacuumInto(ctx, dst); err != nil {
			return nil, fmt.Errorf("backup: %w", err)
		}
		f, err := sum(dst, DatabaseName)
		if err != nil {
			return nil, err
		}
		m.Database = DatabaseName
		m.Files = append(m.Files, f)
	}
	files, err := copyTree(ctx, o.Files, filepath.Join(o.Dest, FilesDir), FilesDir)
	if err != nil {
		return nil, fmt.Errorf("backup attachments: %w", err)
	}
	m.Files = append(m.Files, files...)
	if err := writeManifest(o.Dest, m); err != nil {
		return nil, err
	}
	return m, nil
}

// newFolder creates dir, which must not exist or be empty.
func newFolder(dir string) error {
	entries, err := os.ReadDir(dir)
	if err == nil && len(entries) > 0 {
		return fmt.Errorf("backup: %s is not empty", dir)
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("backup: %w", err)
	}
	return os.MkdirAll(dir, 0o750)
}

// copyTree copies the regular files under src into dst (the attachments
// folder's "tmp", where uploads are written before they are complete, is
// left out) and returns them, named under prefix. A missing src is an
// empty folder.
func copyTree(ctx context.Context, src, dst, prefix string) ([]File, error) {
	var out []File
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == src && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			if rel == "tmp" {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		f, err := copyFile(path, filepath.Join(dst, rel))
		if err != nil {
			return err
		}
		f.Path = prefix + "/" + filepath.ToSlash(rel)
		out = append(out, f)
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, err
}

// copyFile copies src to dst (creating its folder) through a temporary
// file, synced and renamed into place, and returns its size and checksum.
func copyFile(src, dst string) (File, error) {
	in, err := os.Open(src)
	if err != nil {
		return File{}, err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return File{}, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".copy-*")
	if err != nil {
		return File{}, err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), in)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), dst)
	}
	if err != nil {
		return File{}, err
	}
	return File{Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// sum returns the size and checksum of the file at path, named name.
func sum(path, name string) (File, error) {
	f, err := os.Open(path)
	if err != nil {
		return File{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return File{}, fmt.Errorf("%s: %w", name, err)
	}
	return File{Path: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

func writeManifest(dir string, m *Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, ManifestName+".tmp")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o640); err != nil {
		return fmt.Errorf("backup manifest: %w", err)
	}
	return os.Rename(tmp, filepath.Join(dir, ManifestName))
}

// Verify reads the manifest of the backup in dir and checks that the
// folder holds exactly the files it lists, each with its size and
// checksum. It returns the manifest, or an error naming the first file that
// differs.
func Verify(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		return nil, fmt.Errorf("backup %s: no manifest (an unfinished backup, or not a backup): %w", dir, err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("backup %s: manifest: %w", dir, err)
	}
	if m.Format != Format {
		return nil, fmt.Errorf("backup %s: manifest format %d, this program reads %d", dir, m.Format, Format)
	}
	listed := map[string]File{}
	for _, f := range m.Files {
		if !filepath.IsLocal(filepath.FromSlash(f.Path)) || f.Path == ManifestName {
			return nil, fmt.Errorf("backup %s: the manifest lists %q, which is not a file of the backup", dir, f.Path)
		}
		listed[f.Path] = f
	}
	if m.Database != "" {
		if _, ok := listed[m.Database]; !ok {
			return nil, fmt.Errorf("backup %s: the manifest's database %q is not among its files", dir, m.Database)
		}
	}
	seen := map[string]bool{}
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel == ManifestName {
			return nil
		}
		want, ok := listed[rel]
		if !ok {
			return fmt.Errorf("backup %s: %s is not in the manifest", dir, rel)
		}
		got, err := sum(path, rel)
		if err != nil {
			return err
		}
		if got.Size != want.Size || got.SHA256 != want.SHA256 {
			return fmt.Errorf("backup %s: %s is damaged: its size or SHA-256 differs from the manifest's", dir, rel)
		}
		seen[rel] = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, f := range m.Files {
		if !seen[f.Path] {
			return nil, fmt.Errorf("backup %s: %s is missing", dir, f.Path)
		}
	}
	return &m, nil
}

// Target is where a backup is restored.
type Target struct {
	SQLite string // the database file, "" when the database is PostgreSQL
	Files  string // the attachments folder
	Force  bool   // replace an existing database
}

// Restore verifies the backup in src, then puts its database in place of
// t.SQLite (refused when a database is there, unless t.Force) and its
// attachments into t.Files (added beside those there: attachments are
// named by their content, so none is overwritten with another). Nothing is
// replaced when the backup is damaged, was written by a newer schema than
// this program knows, or holds no database for a SQLite target. The server
// must be stopped while it runs.
func Restore(src string, t Target) (*Manifest, error) {
	m, err := Verify(src)
	if err != nil {
		return nil, err
	}
	d := store.SQLite
	if m.Dialect == store.Postgres.String() {
		d = store.Postgres
	}
	latest, err := store.LatestSchemaVersion(d)
	if err != nil {
		return nil, err
	}
	if m.SchemaVersion > latest {
		return nil, fmt.Errorf("restore: the backup's schema (%d) is newer than this program's (%d); restore it with the minsheng that took it (%s)",
			m.SchemaVersion, latest, m.Program)
	}
	if t.SQLite != "" {
		if m.Database == "" {
			return nil, fmt.Errorf("restore: the backup holds no database (it was taken from %s); restore the database with that database's tools", m.Dialect)
		}
		if err := refuseExisting(t.SQLite, t.Force); err != nil {
			return nil, err
		}
	} else if m.Database != "" {
		return nil, errors.New("restore: the backup holds a SQLite database, and -db is not a SQLite file")
	}
	// Attachments first: a database in place never refers to an
	// attachment that is not there yet.
	for _, f := range m.Files {
		rel, ok := strings.CutPrefix(f.Path, FilesDir+"/")
		if !ok {
			continue
		}
		dst := filepath.Join(t.Files, filepath.FromSlash(rel))
		if have, err := sum(dst, rel); err == nil && have.SHA256 == f.SHA256 {
			continue
		}
		if got, err := copyFile(filepath.Join(src, filepath.FromSlash(f.Path)), dst); err != nil {
			return nil, fmt.Errorf("restore %s: %w", f.Path, err)
		} else if got.SHA256 != f.SHA256 {
			return nil, fmt.Errorf("restore %s: changed while it was copied", f.Path)
		}
	}
	if t.SQLite != "" {
		if err := putDatabase(filepath.Join(src, m.Database), t.SQLite, m); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// refuseExisting refuses a database file that exists and is not empty,
// unless force.
func refuseExisting(path string, force bool) error {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && st.Size() == 0) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if !force {
		return fmt.Errorf("restore: %s already holds a database; refusing to overwrite it (stop the server, and add -force to replace it)", path)
	}
	return nil
}

// putDatabase copies the backup's database beside path and renames it into
// place, after removing path's WAL and shared-memory files: SQLite would
// otherwise apply the old database's WAL to the restored one.
func putDatabase(src, path string, m *Manifest) error {
	var want File
	for _, f := range m.Files {
		if f.Path == m.Database {
			want = f
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	tmp := path + ".restore"
	got, err := copyFile(src, tmp)
	if err != nil {
		return fmt.Errorf("restore database: %w", err)
	}
	if got.SHA256 != want.SHA256 {
		os.Remove(tmp)
		return fmt.Errorf("restore database: %s changed while it was copied", src)
	}
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			os.Remove(tmp)
			return fmt.Errorf("restore database: %w", err)
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("restore database: %w", err)
	}
	return nil
}
