package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
)

// cmdStats looks after the dashboards' summaries:
//
//	minsheng stats rebuild   count the summaries again from the tickets
//
// A rebuild runs in one transaction: the dashboards show the old figures
// until it commits, and ticket changes meanwhile wait for it (SQLite) or
// add their difference after it (PostgreSQL), so it may run on a live
// database. It is needed after an upgrade that adds a dimension
// (migration 0011) or if the summaries were damaged.
func cmdStats(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("stats: want rebuild")
	}
	sub, args := args[0], args[1:]
	c, fs := commandFlags("stats "+sub, getenv, stderr, false)
	if err := parse(fs, args); err != nil {
		return err
	}
	switch sub {
	case "rebuild":
		db, err := c.open(ctx)
		if err != nil {
			return err
		}
		defer db.Close()
		start := time.Now()
		n, err := app.New(app.Config{DB: db}).RebuildStats(ctx, kit.System())
		if err != nil {
			return fmt.Errorf("stats rebuild: %w", err)
		}
		fmt.Fprintf(stdout, "summaries rebuilt from %d tickets in %.1fs\n", n, time.Since(start).Seconds())
		return nil
	}
	return fmt.Errorf("stats: unknown subcommand %q; want rebuild", sub)
}
