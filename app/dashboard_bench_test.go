package app_test

// Benchmarks of the dashboards' queries on a large SQLite database: the
// demo district with synthetic tickets over two years (1,000,000 by
// default; MINSHENG_BENCH_TICKETS=10000000 for the figure). The
// database is built once and kept in the system's temporary folder under
// a name made from a hash of what decides its content (the ticket count,
// the seed, the generator's, the demo's and the schema's sources), so a
// second run starts at once. docs/dashboards.md holds the figures.
//
//	go test ./app -run '^$' -bench Dashboard -benchtime 20x
//	MINSHENG_BENCH_TICKETS=10000000 go test ./app -run '^$' -bench Dashboard -benchtime 20x -timeout 3h

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/demo"
	"github.com/minsheng/minsheng/geo"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/synth"
	"github.com/minsheng/minsheng/ticket"
)

// benchNow is the present of the benchmark database: its tickets fall in
// the two years before.
var benchNow = time.Date(2026, 11, 20, 12, 0, 0, 0, calendar.China)

// benchDB opens the benchmark database of the dialect, building it first
// if no run has: a SQLite file in the temporary folder, or a schema of the
// PostgreSQL database of MINSHENG_TEST_POSTGRES (where tickets and their
// events are partitioned by month).
func benchDB(b *testing.B, dialect string) *store.DB {
	b.Helper()
	n := 1_000_000
	if v := os.Getenv("MINSHENG_BENCH_TICKETS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			b.Fatalf("MINSHENG_BENCH_TICKETS=%q: want a positive number", v)
		}
	}
	h := sha256.New()
	fmt.Fprintf(h, "tickets %d seed 1 now %s\n", n, benchNow.Format(time.RFC3339))
	for _, pattern := range []string{"../synth/*.go", "../demo/*.go", "../store/migrations/" + dialect + "/*.sql", "../store/bulk.go", "../store/stats.go", "../stats/stats.go"} {
		files, _ := filepath.Glob(pattern)
		sort.Strings(files)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			body, err := os.ReadFile(f)
			if err != nil {
				b.Fatal(err)
			}
			fmt.Fprintf(h, "%s %d\n", filepath.ToSlash(f), len(body))
			h.Write(body)
		}
	}
	name := "minsheng-bench-" + strconv.Itoa(n) + "-" + hex.EncodeToString(h.Sum(nil))[:12]
	ctx := context.Background()
	var dsn string
	if dialect == "postgres" {
		dsn = benchPostgres(b, "dashbench_"+strconv.Itoa(n)+"_"+hex.EncodeToString(h.Sum(nil))[:12], n)
	} else {
		path := filepath.Join(os.TempDir(), name+".db")
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			b.Logf("building %s: the demo district and %d synthetic tickets (once; kept for later runs)", path, n)
			part := path + ".partial"
			for _, p := range []string{part, part + "-wal", part + "-shm"} {
				os.Remove(p)
			}
			if err := buildBenchDB(ctx, "sqlite:"+part, n); err != nil {
				b.Fatal(err)
			}
			if err := os.Rename(part, path); err != nil {
				b.Fatal(err)
			}
		}
		dsn = "sqlite:" + path
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// benchPostgres returns the URL of the schema that holds the benchmark
// data set, building it under another name first and renaming it when it
// is complete, so that an interrupted build is never used.
func benchPostgres(b *testing.B, schema string, n int) string {
	base := os.Getenv(storetest.EnvPostgres)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close()
	withPath := func(s string) string {
		u, err := url.Parse(base)
		if err != nil {
			b.Fatal(err)
		}
		q := u.Query()
		q.Set("search_path", s)
		u.RawQuery = q.Encode()
		return u.String()
	}
	var exists bool
	if err := admin.QueryRow(`SELECT EXISTS (SELECT 1 FROM information_schema.schemata WHERE schema_name = $1)`, schema).Scan(&exists); err != nil {
		b.Fatal(err)
	}
	if exists {
		return withPath(schema)
	}
	b.Logf("building schema %s: the demo district and %d synthetic tickets (once; kept for later runs)", schema, n)
	tmp := schema + "_building"
	for _, q := range []string{`DROP SCHEMA IF EXISTS ` + tmp + ` CASCADE`, `CREATE SCHEMA ` + tmp} {
		if _, err := admin.Exec(q); err != nil {
			b.Fatal(err)
		}
	}
	if err := buildBenchDB(context.Background(), withPath(tmp), n); err != nil {
		b.Fatal(err)
	}
	// What autovacuum would do after such a load (the CI machine's
	// PostgreSQL runs without it): the summaries' delta rows, written
	// and folded ten million times, leave dead rows that a read of the
	// deltas would otherwise walk through (0.6 s for none left).
	for _, q := range []string{`VACUUM ANALYZE`, `ALTER SCHEMA ` + tmp + ` RENAME TO ` + schema} {
		if _, err := admin.Exec(q); err != nil {
			b.Fatal(err)
		}
	}
	return withPath(schema)
}

// buildBenchDB fills the new database dsn with the demo district and n
// synthetic tickets.
func buildBenchDB(ctx context.Context, dsn string, n int) error {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	if _, err := demo.Seed(ctx, db, demo.Options{Tickets: -1, Now: benchNow, Logger: slog.New(slog.DiscardHandler)}); err != nil {
		return err
	}
	res, err := synth.Generate(ctx, db, synth.Options{Tickets: n, Now: benchNow, Seed: 1, Progress: os.Stderr})
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "generated %d tickets in %.1fs (%.0f tickets/s)\n", res.Tickets, res.Elapsed.Seconds(), float64(res.Tickets)/res.Elapsed.Seconds())
	return db.Close()
}

// benchDialects are the dialects the benchmark runs on:
// MINSHENG_BENCH_DIALECT (sqlite or postgres) or every one available.
func benchDialects() []string {
	if v := os.Getenv("MINSHENG_BENCH_DIALECT"); v != "" {
		return []string{v}
	}
	return storetest.Dialects()
}

// BenchmarkDashboard times each query of the leader's dashboard, of the
// map and of the public page, for the district's leader: a year for the
// rates, rankings, series and heat map (the longest period the dashboard
// offers by default), the current month and a year for the map.
func BenchmarkDashboard(b *testing.B) {
	for _, d := range benchDialects() {
		b.Run(d, func(b *testing.B) { benchDashboard(b, benchDB(b, d)) })
	}
}

func benchDashboard(b *testing.B, db *store.DB) {
	ctx := context.Background()
	svc := app.New(app.Config{DB: db, Clock: minsheng.NewFakeClock(benchNow), Logger: slog.New(slog.DiscardHandler)})
	var leader *org.User
	var street *org.Unit
	var category, topCategory int64
	var n int64
	err := db.Read(ctx, func(tx *store.Tx) error {
		var err error
		if leader, err = store.GetUserByUsername(ctx, tx, "leader"); err != nil {
			return err
		}
		units, err := store.ListUnits(ctx, tx, "")
		if err != nil {
			return err
		}
		for _, u := range units {
			if u.Kind == org.KindStreet && street == nil {
				street = u
			}
		}
		cats, err := store.ListCategories(ctx, tx)
		if err != nil {
			return err
		}
		category = cats[0].ID
		for _, c := range cats {
			if c.ParentID == 0 {
				topCategory = c.ID
				break
			}
		}
		return tx.QueryRow(ctx, `SELECT COUNT(*) FROM tickets`).Scan(&n)
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d tickets; leader of %s; street %s", n, leader.UnitPath, street.Name)
	today := calendar.DateOf(benchNow)
	yearAgo := today.AddDays(-364)
	month := calendar.Date{Year: today.Year, Month: today.Month, Day: 1}
	hour := 1*24 + 10 // Monday 10:00
	district := geo.Box{MinLat: 36.60, MinLng: 101.70, MaxLat: 36.65, MaxLng: 101.78}
	cases := []struct {
		name string
		run  func() error
	}{
		{"rates-year", func() error {
			_, err := svc.Rates(ctx, leader, app.RatesQuery{From: yearAgo, To: today})
			return err
		}},
		{"rates-by-unit-year", func() error {
			_, err := svc.Rates(ctx, leader, app.RatesQuery{From: yearAgo, To: today, By: app.ByUnit})
			return err
		}},
		{"rates-by-category-year", func() error {
			_, err := svc.Rates(ctx, leader, app.RatesQuery{From: yearAgo, To: today, By: app.ByCategory})
			return err
		}},
		{"rankings-year", func() error {
			_, err := svc.Rankings(ctx, leader, app.RankQuery{From: yearAgo, To: today, MinVolume: 100})
			return err
		}},
		{"series-year", func() error {
			_, err := svc.Series(ctx, leader, 0, yearAgo, today)
			return err
		}},
		{"heatmap-year", func() error {
			_, err := svc.HeatMap(ctx, leader, 0, yearAgo, today)
			return err
		}},
		{"overdue-first-page", func() error {
			_, err := svc.ListTickets(ctx, leader, app.ListQuery{Overdue: true, Limit: 20})
			return err
		}},
		{"public-month", func() error {
			_, err := svc.PublicStats(ctx, month)
			return err
		}},
		{"map-month", func() error {
			_, err := svc.MapData(ctx, leader, app.MapQuery{From: month, To: today, Zoom: 13, Box: &district})
			return err
		}},
		{"map-year", func() error {
			_, err := svc.MapData(ctx, leader, app.MapQuery{From: yearAgo, To: today, Zoom: 13, Box: &district})
			return err
		}},
		{"map-year-category", func() error {
			_, err := svc.MapData(ctx, leader, app.MapQuery{From: yearAgo, To: today, Zoom: 13, Box: &district, CategoryID: topCategory})
			return err
		}},
		{"list-newest-first-page", func() error {
			_, err := svc.ListTickets(ctx, leader, app.ListQuery{Limit: 50})
			return err
		}},
		{"list-dispatched-first-page", func() error {
			_, err := svc.ListTickets(ctx, leader, app.ListQuery{Statuses: []ticket.Status{ticket.StatusDispatched}, Limit: 50})
			return err
		}},
		{"drill-street-year-first-page", func() error {
			from, to := yearAgo.Start(), today.AddDays(1).Start()
			_, err := svc.ListTickets(ctx, leader, app.ListQuery{Under: street.ID, CreatedFrom: &from, CreatedTo: &to, Limit: 50})
			return err
		}},
		{"drill-category-year-first-page", func() error {
			from, to := yearAgo.Start(), today.AddDays(1).Start()
			_, err := svc.ListTickets(ctx, leader, app.ListQuery{CategoryTree: category, CreatedFrom: &from, CreatedTo: &to, Limit: 50})
			return err
		}},
		{"drill-heatmap-cell-year-first-page", func() error {
			from, to := yearAgo.Start(), today.AddDays(1).Start()
			_, err := svc.ListTickets(ctx, leader, app.ListQuery{HourOfWeek: &hour, CreatedFrom: &from, CreatedTo: &to, Limit: 50})
			return err
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			if err := c.run(); err != nil { // warm the page cache once
				b.Fatal(err)
			}
			var ds []time.Duration
			for b.Loop() {
				t0 := time.Now()
				if err := c.run(); err != nil {
					b.Fatal(err)
				}
				ds = append(ds, time.Since(t0))
			}
			benchReport(b, ds)
		})
	}
}
