package synth_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/demo"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/synth"
)

// BenchmarkGenerate fills a new SQLite database (the demo district) with
// synthetic tickets, 200,000 by default (MINSHENG_BENCH_GENERATE=N for
// another count), and reports tickets per second and per CPU-second of
// the process (the machine may be shared). To see where the time goes:
//
//	go test ./synth -run '^$' -bench Generate -benchtime 1x -cpuprofile /tmp/synth.cpu
//	go tool pprof -top -cum synth.test /tmp/synth.cpu
func BenchmarkGenerate(b *testing.B) {
	n := 200_000
	if v := os.Getenv("MINSHENG_BENCH_GENERATE"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			b.Fatalf("MINSHENG_BENCH_GENERATE=%q", v)
		}
	}
	ctx := context.Background()
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, calendar.China)
	var total time.Duration
	var cpu time.Duration
	for i := range b.N {
		b.StopTimer()
		db, err := store.Open(ctx, "sqlite:"+filepath.Join(b.TempDir(), "gen.db"))
		if err != nil {
			b.Fatal(err)
		}
		if err := db.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		if _, err := demo.Seed(ctx, db, demo.Options{Tickets: -1, Now: now, Logger: slog.New(slog.DiscardHandler)}); err != nil {
			b.Fatal(err)
		}
		c0 := processCPU()
		b.StartTimer()
		res, err := synth.Generate(ctx, db, synth.Options{Tickets: n, Now: now, Seed: uint64(i + 1)})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		total += res.Elapsed
		cpu += processCPU() - c0
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/total.Seconds(), "tickets/s")
	if cpu > 0 {
		b.ReportMetric(float64(n*b.N)/cpu.Seconds(), "tickets/cpu-s")
	}
}
