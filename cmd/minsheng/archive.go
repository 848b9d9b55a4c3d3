package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/store"
)

// cmdArchive moves a month's tickets out of the live tables on
// PostgreSQL (store.DB.ArchiveTicketMonth).
func cmdArchive(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, fs := commandFlags("archive", getenv, stderr, false)
	arg, err := oneArgument(fs, args, "month (YYYY-MM)")
	if err != nil {
		return err
	}
	d, err := calendar.ParseDate(arg + "-01")
	if err != nil {
		return fmt.Errorf("archive: %q is not a month (YYYY-MM)", arg)
	}
	if sqlitePath(c.DB) != "" {
		return fmt.Errorf("archive: tickets are kept by month on PostgreSQL only; a SQLite database keeps them all")
	}
	db, err := store.Open(ctx, c.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	a, err := db.ArchiveTicketMonth(ctx, int64(d.Year*100+int(d.Month)), time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "archived %d tickets of %s into schema %s\n", a.Tickets, arg, a.Schema)
	tables := make([]string, 0, len(a.Related))
	for t := range a.Related {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	for _, t := range tables {
		fmt.Fprintf(stdout, "  %s: %d rows\n", t, a.Related[t])
	}
	return nil
}
