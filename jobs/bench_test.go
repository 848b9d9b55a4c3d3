package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/minsheng/minsheng/jobs"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// BenchmarkWorkOff measures how long schedulers take to work off 100,000
// due jobs (MINSHENG_BENCH_JOBS to change), each of which writes one row in
// its transaction, on each available dialect: one scheduler, and three at
// once on the same database (as three server processes would). Enqueuing
// is not timed. Run it with:
//
//	MINSHENG_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test \
//	  go test -run '^$' -bench WorkOff -benchtime 1x ./jobs/
func BenchmarkWorkOff(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("MINSHENG_BENCH_JOBS")); err == nil && v > 0 {
		n = v
	}
	for _, dialect := range storetest.Dialects() {
		for _, nodes := range []int{1, 3} {
			b.Run(fmt.Sprintf("%s/schedulers=%d", dialect, nodes), func(b *testing.B) {
				benchWorkOff(b, dialect, n, nodes)
			})
		}
	}
}

func benchWorkOff(b *testing.B, dialect string, n, nodes int) {
	var total time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := storetest.Open(b, dialect)
		mustEffects(b, db)
		enqueued := time.Now()
		mustEnqueueMany(b, db, n)
		enqueueTime := time.Since(enqueued)

		scheds := make([]*jobs.Scheduler, nodes)
		for k := range scheds {
			scheds[k] = jobs.New(db, jobs.Options{Logger: quiet})
			scheds[k].Register("effect", effect(fmt.Sprint("node", k)))
		}
		var mu sync.Mutex
		var wg sync.WaitGroup
		var claimed int
		var err error
		b.StartTimer()
		start := time.Now()
		for _, s := range scheds {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got, e := s.RunOnce(context.Background())
				mu.Lock()
				claimed, err = claimed+got, errors.Join(err, e)
				mu.Unlock()
			}()
		}
		wg.Wait()
		took := time.Since(start)
		b.StopTimer()
		total += took
		if err != nil {
			b.Fatal(err)
		}
		if rows, distinct := effectCounts(b, db); claimed != n || rows != n || distinct != n {
			b.Fatalf("claimed %d, %d effects of %d jobs; want %d", claimed, rows, distinct, n)
		}
		b.Logf("%s, %d scheduler(s): enqueued %d jobs in %v; worked them off in %v (%.0f jobs/s)",
			dialect, nodes, n, enqueueTime.Round(time.Millisecond), took.Round(time.Millisecond), float64(n)/took.Seconds())
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "s/op")
	b.ReportMetric(float64(n)*float64(b.N)/total.Seconds(), "jobs/s")
}

// mustEnqueueMany enqueues n due jobs, a thousand per transaction.
func mustEnqueueMany(tb testing.TB, db *store.DB, n int) {
	tb.Helper()
	ctx := context.Background()
	now := time.Now()
	for i := 0; i < n; i += 1000 {
		err := db.Write(ctx, func(tx *store.Tx) error {
			for k := i; k < min(n, i+1000); k++ {
				if _, err := jobs.Enqueue(ctx, tx, jobs.Spec{Kind: "effect", Key: fmt.Sprint("bench:", k), RunAt: now}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}
