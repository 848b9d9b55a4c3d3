package notify_test

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
	"github.com/minsheng/minsheng/notify"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// BenchmarkOutboxWorkOff measures how long schedulers take to send a
// backlog of 100,000 due SMS (MINSHENG_BENCH_MESSAGES to change) through a
// gateway that accepts at once, as after an outage: one scheduler, and
// three at once on one database (three server processes). Writing the
// backlog is not timed. Run it with:
//
//	MINSHENG_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test \
//	  go test -run '^$' -bench OutboxWorkOff -benchtime 1x ./notify/
func BenchmarkOutboxWorkOff(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("MINSHENG_BENCH_MESSAGES")); err == nil && v > 0 {
		n = v
	}
	for _, dialect := range storetest.Dialects() {
		for _, nodes := range []int{1, 3} {
			b.Run(fmt.Sprintf("%s/schedulers=%d", dialect, nodes), func(b *testing.B) {
				var total time.Duration
				for range b.N {
					total += benchOutboxWorkOff(b, dialect, n, nodes)
				}
				b.ReportMetric(float64(n)*float64(b.N)/total.Seconds(), "messages/s")
			})
		}
	}
}

// acceptingSMS is a gateway that accepts every message and counts them.
type acceptingSMS struct {
	mu   sync.Mutex
	refs map[string]int
}

func (g *acceptingSMS) SendSMS(_ context.Context, m notify.SMS) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.refs[m.Ref]++
	return 200, nil
}

func benchOutboxWorkOff(b *testing.B, dialect string, n, nodes int) time.Duration {
	b.StopTimer()
	ctx := context.Background()
	db := storetest.Open(b, dialect)
	at := time.Now().Add(-time.Minute)
	for done := 0; done < n; {
		k := min(1000, n-done)
		err := db.Write(ctx, func(tx *store.Tx) error {
			for i := range k {
				m := notify.Message{Channel: notify.ChannelSMS, To: "13897001234", Template: notify.ResidentAcknowledged,
					Lang: "zh", Body: "您反映的问题已签收", Object: "ride", ObjectID: int64(done + i + 1), EventSeq: 2, At: at}
				if _, err := notify.Enqueue(ctx, tx, m); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		done += k
	}
	gw := &acceptingSMS{refs: map[string]int{}}
	scheds := make([]*jobs.Scheduler, nodes)
	for k := range scheds {
		scheds[k] = jobs.New(db, jobs.Options{Logger: quiet})
		notify.New(notify.Config{DB: db, SMS: gw, Logger: quiet}).Register(scheds[k])
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
			got, e := s.RunOnce(ctx)
			mu.Lock()
			claimed, err = claimed+got, errors.Join(err, e)
			mu.Unlock()
		}()
	}
	wg.Wait()
	took := time.Since(start)
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	twice := 0
	for _, c := range gw.refs {
		if c > 1 {
			twice++
		}
	}
	if claimed != n || len(gw.refs) != n || twice != 0 {
		b.Fatalf("claimed %d, sent %d distinct messages (%d more than once); want %d once each", claimed, len(gw.refs), twice, n)
	}
	return took
}
