package app_test

// Benchmarks of the use cases that every ticket goes through, on each
// dialect: registration, and dispatch followed by acknowledgement. They add
// to the store benchmarks what the use cases do around the transaction
// (validation, the idempotency check, permission checks, masking). See
// docs/performance.md.
//
//	go test ./app -run '^$' -bench . -benchtime 3s

import (
	"context"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

// benchService returns the fixture's district with a service on the real
// clock that logs nothing.
func benchService(b *testing.B, dialect string) (*apptest.Fixture, *app.Service) {
	b.Helper()
	f := apptest.New(b, storetest.Open(b, dialect))
	return f, app.New(app.Config{DB: f.DB, Logger: slog.New(slog.DiscardHandler)})
}

func benchTicketIn(f *apptest.Fixture, i int) ticket.NewTicket {
	in := apptest.NewTicket()
	in.Title = in.Title + "（" + strconv.Itoa(i) + "）"
	in.CategoryID = f.Category.ID
	return in
}

// benchReport adds the median and 99th percentile of the samples, in
// milliseconds.
func benchReport(b *testing.B, ds []time.Duration) {
	if len(ds) == 0 {
		return
	}
	slices.Sort(ds)
	q := func(p float64) float64 { return float64(ds[int(p*float64(len(ds)-1))]) / float64(time.Millisecond) }
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
}

// BenchmarkCreateTicket registers tickets with an idempotency key, as the
// API does, one at a time ("serial") and from 16 goroutines per core
// ("parallel").
func BenchmarkCreateTicket(b *testing.B) {
	for _, d := range storetest.Dialects() {
		b.Run(d, func(b *testing.B) {
			f, svc := benchService(b, d)
			agent := f.Users["agent"]
			bg := context.Background()
			var n atomic.Int64
			create := func() (time.Duration, error) {
				i := int(n.Add(1))
				start := time.Now()
				_, created, err := svc.CreateTicket(bg, agent, benchTicketIn(f, i), "bench-"+strconv.Itoa(i))
				if err == nil && !created {
					b.Errorf("key %d replayed", i)
				}
				return time.Since(start), err
			}
			b.Run("serial", func(b *testing.B) {
				ds := make([]time.Duration, 0, b.N)
				b.ReportAllocs()
				for b.Loop() {
					dur, err := create()
					if err != nil {
						b.Fatal(err)
					}
					ds = append(ds, dur)
				}
				b.StopTimer()
				benchReport(b, ds)
			})
			b.Run("parallel", func(b *testing.B) {
				var mu sync.Mutex
				var ds []time.Duration
				b.SetParallelism(16)
				b.ReportAllocs()
				b.RunParallel(func(pb *testing.PB) {
					var mine []time.Duration
					for pb.Next() {
						dur, err := create()
						if err != nil {
							b.Error(err)
							return
						}
						mine = append(mine, dur)
					}
					mu.Lock()
					ds = append(ds, mine...)
					mu.Unlock()
				})
				b.StopTimer()
				benchReport(b, ds)
			})
		})
	}
}

// BenchmarkTransition dispatches a registered ticket to a community and has
// the community's handler acknowledge it: two use cases, two transactions
// per op.
func BenchmarkTransition(b *testing.B) {
	for _, d := range storetest.Dialects() {
		b.Run(d, func(b *testing.B) {
			b.StopTimer() // the district and the tickets are made outside the timer
			f, svc := benchService(b, d)
			bg := context.Background()
			numbers := make([]string, b.N)
			for i := range numbers {
				t, _, err := svc.CreateTicket(bg, f.Users["agent"], benchTicketIn(f, i), "")
				if err != nil {
					b.Fatal(err)
				}
				numbers[i] = t.Number
			}
			ds := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			b.StartTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				if _, err := svc.Dispatch(bg, f.Users["dispatcher"], numbers[i], f.Community.ID, ""); err != nil {
					b.Fatal(err)
				}
				if _, err := svc.Acknowledge(bg, f.Users["handler"], numbers[i], "已签收"); err != nil {
					b.Fatal(err)
				}
				ds = append(ds, time.Since(start))
			}
			b.StopTimer()
			benchReport(b, ds)
		})
	}
}
