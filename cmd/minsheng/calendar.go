package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/calendar"
)

// cmdCalendar checks and loads the working calendar from the shell:
//
//	minsheng calendar due FROM N     the day on which N working days after FROM end
//	minsheng calendar import FILE    load a year's notice (JSON) into the database
//	minsheng calendar show           print the notices in force
//
// "due" reads the database's calendar when one exists (-db, or minsheng.db
// in the working directory) and otherwise the shipped 2026 notice, so that
// it works anywhere.
func cmdCalendar(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("calendar: want due, import or show")
	}
	sub, args := args[0], args[1:]
	c, fs := commandFlags("calendar "+sub, getenv, stderr, false)
	// Positional arguments come first: "calendar due 2026-09-30 3 -db …".
	var pos []string
	for len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		pos, args = append(pos, args[0]), args[1:]
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	svc, closeDB, err := calendarService(ctx, c, sub == "due", getenv)
	if err != nil {
		return err
	}
	defer closeDB()
	switch sub {
	case "due":
		if len(pos) != 2 {
			return errors.New("calendar due: want FROM (YYYY-MM-DD) and N (working days)")
		}
		from, err := calendar.ParseDate(pos[0])
		if err != nil {
			return fmt.Errorf("calendar due: %w", err)
		}
		n, err := strconv.Atoi(pos[1])
		if err != nil {
			return fmt.Errorf("calendar due: N must be a whole number of working days, not %q", pos[1])
		}
		due, err := svc.DueDate(ctx, from, n)
		if err != nil {
			return fmt.Errorf("calendar due: %w", err)
		}
		fmt.Fprintln(stdout, due)
	case "import":
		if len(pos) != 1 {
			return errors.New("calendar import: want one JSON file holding a year's notice")
		}
		b, err := os.ReadFile(pos[0])
		if err != nil {
			return err
		}
		var y calendar.Year
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&y); err != nil {
			return fmt.Errorf("calendar import %s: %w", pos[0], err)
		}
		if err := svc.ImportCalendarYear(ctx, kit.System(), y); err != nil {
			return fmt.Errorf("calendar import %s: %w", pos[0], err)
		}
		fmt.Fprintf(stdout, "loaded the %d notice: %d holidays, %d make-up working days\n", y.Year, len(y.Holidays), len(y.Workdays))
	case "show":
		years, err := svc.CalendarYears(ctx)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(years)
	default:
		return fmt.Errorf("calendar: unknown subcommand %q; want due, import or show", sub)
	}
	return nil
}

// calendarService opens the configured database. For a read-only look
// ("due") with the default SQLite file absent, it uses a throwaway
// database so that nothing is created in the working directory.
func calendarService(ctx context.Context, c *Config, readOnly bool, getenv func(string) string) (*app.Service, func(), error) {
	if readOnly && c.DB == DefaultConfig().DB && getenv("MINSHENG_DB") == "" {
		if _, err := os.Stat(strings.TrimPrefix(c.DB, "sqlite:")); errors.Is(err, os.ErrNotExist) {
			dir, err := os.MkdirTemp("", "minsheng-calendar")
			if err != nil {
				return nil, nil, err
			}
			c.DB = "sqlite:" + dir + "/calendar.db"
			db, err := c.open(ctx)
			if err != nil {
				os.RemoveAll(dir)
				return nil, nil, err
			}
			return app.New(app.Config{DB: db}), func() { db.Close(); os.RemoveAll(dir) }, nil
		}
	}
	db, err := c.open(ctx)
	if err != nil {
		return nil, nil, err
	}
	return app.New(app.Config{DB: db}), func() { db.Close() }, nil
}
