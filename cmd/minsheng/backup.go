package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/minsheng/minsheng/backup"
	"github.com/minsheng/minsheng/store"
)

// oneArgument parses the flags and returns the one argument after them.
func oneArgument(fs *flag.FlagSet, args []string, what string) (string, error) {
	if err := fs.Parse(args); err != nil {
		return "", err
	}
	if fs.NArg() != 1 {
		return "", fmt.Errorf("%s: want one %s after the flags, e.g. %s [-db …] /backups/minsheng-2026-12-07", fs.Name(), what, fs.Name())
	}
	return fs.Arg(0), nil
}

// sqlitePath returns the file of a sqlite: DSN, "" for PostgreSQL.
func sqlitePath(dsn string) string {
	p, ok := strings.CutPrefix(dsn, "sqlite:")
	if !ok {
		return ""
	}
	return p
}

// cmdBackup copies the database and the attachments of a running (or
// stopped) server into a new folder with a manifest of checksums.
func cmdBackup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, fs := commandFlags("backup", getenv, stderr, false)
	dest, err := oneArgument(fs, args, "destination folder")
	if err != nil {
		return err
	}
	if p := sqlitePath(c.DB); p != "" {
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("backup: the database %s: %w", p, err)
		}
	}
	// Not migrated: a backup copies the database as it is.
	db, err := store.Open(ctx, c.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	m, err := backup.Take(ctx, backup.Options{DB: db, Files: c.Files, Dest: dest, Now: start, Program: Version})
	if err != nil {
		return err
	}
	var size int64
	for _, f := range m.Files {
		size += f.Size
	}
	fmt.Fprintf(stdout, "backup %s: %d files, %.1f MB, schema %d, in %.1fs\n",
		dest, len(m.Files), float64(size)/1e6, m.SchemaVersion, time.Since(start).Seconds())
	if m.Database == "" {
		fmt.Fprintln(stdout, "The database (PostgreSQL) is not in this backup: only the attachments and the manifest are.\n"+
			"Back it up with PostgreSQL's tools: pg_dump -Fc (restore with pg_restore), or continuous archiving\n"+
			"(archive_command + pg_basebackup) for point-in-time recovery. See README, \"Backups\".")
	}
	return nil
}

// cmdRestore puts a verified backup in place of the database and adds its
// attachments to the attachments folder.
func cmdRestore(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, fs := commandFlags("restore", getenv, stderr, false)
	force := fs.Bool("force", false, "replace the database when one is there already")
	src, err := oneArgument(fs, args, "backup folder")
	if err != nil {
		return err
	}
	m, err := backup.Restore(src, backup.Target{SQLite: sqlitePath(c.DB), Files: c.Files, Force: *force})
	if err != nil {
		return err
	}
	if m.Database == "" {
		fmt.Fprintf(stdout, "restored the attachments of %s (taken %s) into %s.\n"+
			"The database is not in this backup: restore it with pg_restore (or your PostgreSQL recovery) to the same time.\n",
			src, m.CreatedAt.Format(time.RFC3339), c.Files)
		return nil
	}
	// The restored database opens and is migrated now, so a damaged copy
	// is reported here rather than at the server's start.
	db, err := c.open(ctx)
	if err != nil {
		return fmt.Errorf("restore: the restored database does not open: %w", err)
	}
	defer db.Close()
	if ok, err := db.SchemaCurrent(ctx); err != nil || !ok {
		return errors.Join(errors.New("restore: the restored database's schema is not current"), err)
	}
	fmt.Fprintf(stdout, "restored %s (taken %s, schema %d) into %s and %s\n",
		src, m.CreatedAt.Format(time.RFC3339), m.SchemaVersion, sqlitePath(c.DB), c.Files)
	return nil
}
