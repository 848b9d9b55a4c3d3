package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/jobs"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// start is the fake clock's start: Monday 2 March 2026, 07:00 in China.
var start = time.Date(2026, 3, 2, 7, 0, 0, 0, calendar.China)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// testLogger passes the scheduler's warnings and errors to the test's log,
// so that a failure says what the scheduler saw.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// newScheduler returns a scheduler on the fake clock with short, testable
// settings.
func newScheduler(db *store.DB, clock minsheng.Clock, node string) *jobs.Scheduler {
	return jobs.New(db, jobs.Options{
		Node: node, Clock: clock, Lease: 30 * time.Second, Batch: 10, MaxAttempts: 3,
		BackoffBase: time.Minute, BackoffMax: 10 * time.Minute, Logger: quiet,
	})
}

// mustEffects creates the table in which test handlers record what they
// did: one row per effect, with no unique constraint, so that a doubled
// effect shows as a second row instead of an error.
func mustEffects(t testing.TB, db *store.DB) {
	t.Helper()
	err := db.Write(context.Background(), func(tx *store.Tx) error {
		_, err := tx.Exec(context.Background(), `CREATE TABLE effects (job_id BIGINT NOT NULL, node TEXT NOT NULL, note TEXT NOT NULL DEFAULT '')`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// effect is a handler that records its job in effects.
func effect(node string) jobs.Handler {
	return func(ctx context.Context, tx *store.Tx, j *jobs.Job) error {
		_, err := tx.Exec(ctx, `INSERT INTO effects (job_id, node) VALUES (?, ?)`, j.ID, node)
		return err
	}
}

// effectCounts returns the number of effect rows and of distinct jobs in them.
func effectCounts(t testing.TB, db *store.DB) (rows, distinct int) {
	t.Helper()
	err := db.Read(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), `SELECT COUNT(*), COUNT(DISTINCT job_id) FROM effects`).Scan(&rows, &distinct)
	})
	if err != nil {
		t.Fatal(err)
	}
	return rows, distinct
}

func mustEnqueue(t testing.TB, db *store.DB, sp jobs.Spec) bool {
	t.Helper()
	var ok bool
	err := db.Write(context.Background(), func(tx *store.Tx) error {
		var err error
		ok, err = jobs.Enqueue(context.Background(), tx, sp)
		return err
	})
	if err != nil {
		t.Fatalf("enqueue %+v: %v", sp, err)
	}
	return ok
}

func mustJob(t testing.TB, db *store.DB, key string) *jobs.Job {
	t.Helper()
	var list []*store.Job
	err := db.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		list, err = store.ListJobs(context.Background(), tx, store.JobFilter{Key: key})
		return err
	})
	if err != nil || len(list) == 0 {
		t.Fatalf("job %s: %v (%d found)", key, err, len(list))
	}
	return list[0]
}

func mustRunOnce(t testing.TB, s *jobs.Scheduler) int {
	t.Helper()
	n, err := s.RunOnce(context.Background())
	if err != nil {
		t.Fatalf("RunOnce: %v", err)
	}
	return n
}

func TestRunsOnlyDueJobs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		clock := minsheng.NewFakeClock(start)
		mustEffects(t, db)
		s := newScheduler(db, clock, "a")
		s.Register("effect", effect("a"))
		mustEnqueue(t, db, jobs.Spec{Kind: "effect", Key: "now", RunAt: start})
		mustEnqueue(t, db, jobs.Spec{Kind: "effect", Key: "later", RunAt: start.Add(time.Hour)})
		mustEnqueue(t, db, jobs.Spec{Kind: "unknown", Key: "other", RunAt: start})

		if n := mustRunOnce(t, s); n != 1 {
			t.Fatalf("first run claimed %d jobs, want 1 (the due one)", n)
		}
		if j := mustJob(t, db, "now"); j.Status != store.JobDone || j.Attempts != 1 || j.Node != "a" {
			t.Fatalf("due job: %+v", j)
		}
		if j := mustJob(t, db, "later"); j.Status != store.JobPending {
			t.Fatalf("later job is %s before its time", j.Status)
		}
		clock.Advance(time.Hour)
		if n := mustRunOnce(t, s); n != 1 {
			t.Fatalf("second run claimed %d jobs, want 1", n)
		}
		if j := mustJob(t, db, "other"); j.Status != store.JobPending {
			t.Fatalf("a job of a kind this scheduler does not know was claimed: %s", j.Status)
		}
		if rows, distinct := effectCounts(t, db); rows != 2 || distinct != 2 {
			t.Fatalf("effects: %d rows, %d jobs; want 2 and 2", rows, distinct)
		}
	})
}

func TestEnqueueIsIdempotentByKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		clock := minsheng.NewFakeClock(start)
		mustEffects(t, db)
		s := newScheduler(db, clock, "a")
		s.Register("effect", effect("a"))
		key := "remind:ticket:123:reply:v4"
		if !mustEnqueue(t, db, jobs.Spec{Kind: "effect", Key: key, RunAt: start}) {
			t.Fatal("first enqueue refused")
		}
		if mustEnqueue(t, db, jobs.Spec{Kind: "effect", Key: key, RunAt: start}) {
			t.Fatal("second enqueue of a pending key accepted")
		}
		// Two enqueues in one transaction: the second is refused too.
		err := db.Write(context.Background(), func(tx *store.Tx) error {
			for i := 0; i < 2; i++ {
				ok, err := jobs.Enqueue(context.Background(), tx, jobs.Spec{Kind: "effect", Key: "tx-key", RunAt: start})
				if err != nil {
					return err
				}
				if ok != (i == 0) {
					return fmt.Errorf("enqueue %d in one tx returned %v", i, ok)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := mustRunOnce(t, s); n != 2 {
			t.Fatalf("ran %d jobs, want 2", n)
		}
		// Once the job has run, a plain enqueue makes a new one, a Once
		// enqueue does not.
		if mustEnqueue(t, db, jobs.Spec{Kind: "effect", Key: key, RunAt: start, Once: true}) {
			t.Fatal("Once enqueue accepted although the job ran")
		}
		if !mustEnqueue(t, db, jobs.Spec{Kind: "effect", Key: key, RunAt: start}) {
			t.Fatal("enqueue after the job ran refused")
		}
		if _, err := jobs.Enqueue(context.Background(), nil, jobs.Spec{Kind: "effect"}); err == nil {
			t.Fatal("enqueue without RunAt accepted")
		}
	})
}

// flaky fails its first `failures` attempts, writing an effect each time
// before failing, and records its effect on success.
func flaky(failures int) jobs.Handler {
	return func(ctx context.Context, tx *store.Tx, j *jobs.Job) error {
		if _, err := tx.Exec(ctx, `INSERT INTO effects (job_id, node, note) VALUES (?, 'a', ?)`, j.ID, fmt.Sprint("attempt ", j.Attempts)); err != nil {
			return err
		}
		if j.Attempts <= failures {
			return fmt.Errorf("attempt %d failed", j.Attempts)
		}
		return nil
	}
}

func TestRetryWithBackoffRollsBackFailedAttempts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		clock := minsheng.NewFakeClock(start)
		mustEffects(t, db)
		s := newScheduler(db, clock, "a")
		s.Register("flaky", flaky(2))
		mustEnqueue(t, db, jobs.Spec{Kind: "flaky", Key: "k", RunAt: start})

		for attempt, wait := 1, time.Minute; attempt <= 2; attempt, wait = attempt+1, wait*2 {
			now := clock.Now()
			if n := mustRunOnce(t, s); n != 1 {
				t.Fatalf("attempt %d: ran %d jobs", attempt, n)
			}
			j := mustJob(t, db, "k")
			if j.Status != store.JobPending || j.Attempts != attempt || j.LastError != fmt.Sprintf("attempt %d failed", attempt) {
				t.Fatalf("after failure %d: %+v", attempt, j)
			}
			// Exponential back-off with jitter: between half and all of base·2^(n-1).
			if d := j.RunAt.Sub(now); d < wait/2 || d > wait {
				t.Fatalf("after failure %d the retry is %v later, want between %v and %v", attempt, d, wait/2, wait)
			}
			if n := mustRunOnce(t, s); n != 0 {
				t.Fatalf("a job was retried before its back-off ended")
			}
			clock.Set(j.RunAt)
		}
		if n := mustRunOnce(t, s); n != 1 {
			t.Fatal("third attempt did not run")
		}
		if j := mustJob(t, db, "k"); j.Status != store.JobDone || j.Attempts != 3 {
			t.Fatalf("after success: %+v", j)
		}
		// The failed attempts' writes were rolled back: one effect, the third.
		var notes []string
		db.Read(context.Background(), func(tx *store.Tx) error {
			rows, err := tx.Query(context.Background(), `SELECT note FROM effects`)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var n string
				rows.Scan(&n)
				notes = append(notes, n)
			}
			return rows.Err()
		})
		if len(notes) != 1 || notes[0] != "attempt 3" {
			t.Fatalf("effects %q, want only the successful attempt's", notes)
		}
	})
}

func TestDeadAfterMaxAttemptsAndRetry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		clock := minsheng.NewFakeClock(start)
		mustEffects(t, db)
		s := newScheduler(db, clock, "a")
		s.Register("flaky", flaky(3)) // MaxAttempts is 3: it never gets to succeed
		s.Register("bad", func(ctx context.Context, tx *store.Tx, j *jobs.Job) error {
			var p struct{ N int }
			return jobs.Decode(j, &p) // the payload is not JSON: a permanent error
		})
		mustEnqueue(t, db, jobs.Spec{Kind: "flaky", Key: "k", RunAt: start})
		mustEnqueue(t, db, jobs.Spec{Kind: "bad", Key: "bad", Payload: []byte("not json"), RunAt: start})
		for i := 0; i < 3; i++ {
			mustRunOnce(t, s)
			clock.Advance(time.Hour)
		}
		j := mustJob(t, db, "k")
		if j.Status != store.JobDead || j.Attempts != 3 || j.LastError != "attempt 3 failed" {
			t.Fatalf("after 3 failures: %+v", j)
		}
		if b := mustJob(t, db, "bad"); b.Status != store.JobDead || b.Attempts != 1 {
			t.Fatalf("a permanent failure was retried: %+v", b)
		}
		if n := mustRunOnce(t, s); n != 0 {
			t.Fatal("a dead job ran")
		}
		if rows, _ := effectCounts(t, db); rows != 0 {
			t.Fatalf("%d effects of failed attempts kept", rows)
		}
		// Someone fixes the cause and retries it: it gets a fresh set of attempts.
		err := db.Write(context.Background(), func(tx *store.Tx) error { return jobs.Retry(context.Background(), tx, j.ID, clock.Now()) })
		if err != nil {
			t.Fatal(err)
		}
		err = db.Write(context.Background(), func(tx *store.Tx) error { return jobs.Retry(context.Background(), tx, j.ID, clock.Now()) })
		if !minsheng.IsCode(err, minsheng.ECONFLICT) {
			t.Fatalf("retry of a pending job: %v, want conflict", err)
		}
		mustRunOnce(t, s)
		if j := mustJob(t, db, "k"); j.Status != store.JobPending || j.Attempts != 1 {
			t.Fatalf("after retry: %+v", j)
		}
	})
}

func TestCancelByKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		clock := minsheng.NewFakeClock(start)
		mustEffects(t, db)
		s := newScheduler(db, clock, "a")
		s.Register("effect", effect("a"))
		mustEnqueue(t, db, jobs.Spec{Kind: "effect", Key: "remind:1", RunAt: start.Add(time.Hour)})
		mustEnqueue(t, db, jobs.Spec{Kind: "effect", Key: "remind:2", RunAt: start.Add(time.Hour)})
		var n int
		err := db.Write(context.Background(), func(tx *store.Tx) error {
			var err error
			n, err = jobs.Cancel(context.Background(), tx, "remind:1", clock.Now())
			return err
		})
		if err != nil || n != 1 {
			t.Fatalf("Cancel = %d, %v", n, err)
		}
		clock.Advance(2 * time.Hour)
		if got := mustRunOnce(t, s); got != 1 {
			t.Fatalf("ran %d jobs, want only the one not cancelled", got)
		}
		if j := mustJob(t, db, "remind:1"); j.Status != store.JobCancelled {
			t.Fatalf("cancelled job is %s", j.Status)
		}
		// The key is free again after a cancel.
		if !mustEnqueue(t, db, jobs.Spec{Kind: "effect", Key: "remind:1", RunAt: clock.Now()}) {
			t.Fatal("enqueue after cancel refused")
		}
	})
}

// blockingWork is a Work kind whose work waits until released, and whose
// commit step records an effect for the node.
type blockingWork struct {
	started chan int64
	release chan struct{}
}

func (b *blockingWork) work(node string) jobs.Work {
	return func(ctx context.Context, j *jobs.Job) (jobs.Handler, error) {
		if b != nil {
			b.started <- j.ID
			<-b.release
		}
		return func(ctx context.Context, tx *store.Tx, j *jobs.Job) error {
			_, err := tx.Exec(ctx, `INSERT INTO effects (job_id, node) VALUES (?, ?)`, j.ID, node)
			return err
		}, nil
	}
}

func TestExpiredLeaseIsTakenOverAndTheStaleRunRolledBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		clock := minsheng.NewFakeClock(start)
		mustEffects(t, db)
		slow := &blockingWork{started: make(chan int64, 1), release: make(chan struct{})}
		a := newScheduler(db, clock, "a")
		a.RegisterWork("send", slow.work("a"))
		b := newScheduler(db, clock, "b")
		b.RegisterWork("send", (*blockingWork)(nil).work("b"))
		mustEnqueue(t, db, jobs.Spec{Kind: "send", Key: "k", RunAt: start})

		done := make(chan error, 1)
		go func() { _, err := a.RunOnce(context.Background()); done <- err }()
		<-slow.started // a holds the job and stalls
		if n := mustRunOnce(t, b); n != 0 {
			t.Fatal("b took a job whose lease holds")
		}
		clock.Advance(31 * time.Second) // a's lease has ended
		if n := mustRunOnce(t, b); n != 1 {
			t.Fatalf("b claimed %d jobs after the lease ended, want 1", n)
		}
		close(slow.release) // a wakes up and tries to record the job
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if got := a.Stats().Lost.Load(); got != 1 {
			t.Fatalf("a lost %d leases, want 1", got)
		}
		var node string
		db.Read(context.Background(), func(tx *store.Tx) error {
			return tx.QueryRow(context.Background(), `SELECT node FROM effects`).Scan(&node)
		})
		if rows, _ := effectCounts(t, db); rows != 1 || node != "b" {
			t.Fatalf("%d effects (last by %q); want exactly b's", rows, node)
		}
		if j := mustJob(t, db, "k"); j.Status != store.JobDone || j.Attempts != 2 || j.Node != "b" {
			t.Fatalf("job: %+v", j)
		}
	})
}

func TestCancelWhileRunningRollsBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		clock := minsheng.NewFakeClock(start)
		mustEffects(t, db)
		slow := &blockingWork{started: make(chan int64, 1), release: make(chan struct{})}
		a := newScheduler(db, clock, "a")
		a.RegisterWork("send", slow.work("a"))
		mustEnqueue(t, db, jobs.Spec{Kind: "send", Key: "k", RunAt: start})
		done := make(chan error, 1)
		go func() { _, err := a.RunOnce(context.Background()); done <- err }()
		<-slow.started
		err := db.Write(context.Background(), func(tx *store.Tx) error {
			_, err := jobs.Cancel(context.Background(), tx, "k", clock.Now())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		close(slow.release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if rows, _ := effectCounts(t, db); rows != 0 {
			t.Fatal("the commit step of a cancelled job was kept")
		}
		if j := mustJob(t, db, "k"); j.Status != store.JobCancelled {
			t.Fatalf("job is %s, want cancelled", j.Status)
		}
	})
}

func TestWorkFailureRecordedByCommitStep(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		clock := minsheng.NewFakeClock(start)
		mustEffects(t, db)
		s := newScheduler(db, clock, "a")
		var statuses []store.JobStatus
		s.RegisterWork("send", func(ctx context.Context, j *jobs.Job) (jobs.Handler, error) {
			return func(ctx context.Context, tx *store.Tx, j *jobs.Job) error {
				statuses = append(statuses, j.Status)
				_, err := tx.Exec(ctx, `INSERT INTO effects (job_id, node, note) VALUES (?, 'a', ?)`, j.ID, string(j.Status))
				return err
			}, errors.New("receiver down")
		})
		mustEnqueue(t, db, jobs.Spec{Kind: "send", Key: "k", RunAt: start})
		for i := 0; i < 3; i++ {
			mustRunOnce(t, s)
			clock.Advance(time.Hour)
		}
		want := []store.JobStatus{store.JobPending, store.JobPending, store.JobDead}
		if fmt.Sprint(statuses) != fmt.Sprint(want) {
			t.Fatalf("commit step saw %v, want %v", statuses, want)
		}
		if rows, _ := effectCounts(t, db); rows != 3 {
			t.Fatalf("%d failure records, want 3", rows)
		}
	})
}

func TestHandlerPanicIsAFailure(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		clock := minsheng.NewFakeClock(start)
		s := newScheduler(db, clock, "a")
		s.Register("boom", func(ctx context.Context, tx *store.Tx, j *jobs.Job) error { panic("boom") })
		mustEnqueue(t, db, jobs.Spec{Kind: "boom", Key: "k", RunAt: start})
		mustRunOnce(t, s)
		if j := mustJob(t, db, "k"); j.Status != store.JobPending || j.LastError != "panic: boom" {
			t.Fatalf("after a panic: %+v", j)
		}
	})
}

func TestPeriodicDailyRunsOncePerDayAcrossNodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		clock := minsheng.NewFakeClock(start) // 07:00 China time
		var runs []string
		var mu sync.Mutex
		digest := func(node string) jobs.Handler {
			return func(ctx context.Context, tx *store.Tx, j *jobs.Job) error {
				var o jobs.Occurrence
				if err := jobs.Decode(j, &o); err != nil {
					return err
				}
				mu.Lock()
				runs = append(runs, o.At.In(calendar.China).Format("01-02 15:04"))
				mu.Unlock()
				return nil
			}
		}
		nodes := []*jobs.Scheduler{newScheduler(db, clock, "a"), newScheduler(db, clock, "b"), newScheduler(db, clock, "c")}
		for i, s := range nodes {
			s.Every("digest", jobs.Daily(8, 0, calendar.China), digest(string(rune('a'+i))))
		}
		for _, s := range nodes {
			if n := mustRunOnce(t, s); n != 0 {
				t.Fatalf("digest ran at 07:00")
			}
		}
		for day := 0; day < 3; day++ {
			clock.Set(time.Date(2026, 3, 2+day, 8, 0, 0, 0, calendar.China))
			for _, s := range nodes {
				mustRunOnce(t, s)
			}
			clock.Advance(3 * time.Hour)
			for _, s := range nodes {
				mustRunOnce(t, s)
			}
		}
		want := "[03-02 08:00 03-03 08:00 03-04 08:00]"
		if fmt.Sprint(runs) != want {
			t.Fatalf("digest ran at %v, want %s", runs, want)
		}
	})
}

func TestDaily(t *testing.T) {
	next := jobs.Daily(8, 0, calendar.China)
	cases := []struct{ after, want string }{
		{"2026-03-02 07:59:59", "2026-03-02 08:00:00"},
		{"2026-03-02 08:00:00", "2026-03-03 08:00:00"},
		{"2026-02-28 23:00:00", "2026-03-01 08:00:00"},
		{"2026-12-31 09:00:00", "2027-01-01 08:00:00"},
	}
	for _, c := range cases {
		after, _ := time.ParseInLocation(time.DateTime, c.after, calendar.China)
		if got := next(after).In(calendar.China).Format(time.DateTime); got != c.want {
			t.Errorf("Daily(8:00) after %s = %s, want %s", c.after, got, c.want)
		}
	}
}

func TestBackoff(t *testing.T) {
	for attempts, want := range map[int]time.Duration{1: 10 * time.Second, 2: 20 * time.Second, 4: 80 * time.Second, 30: time.Hour} {
		lo, hi := time.Duration(1<<62), time.Duration(0)
		for i := 0; i < 500; i++ {
			d := jobs.Backoff(attempts, 10*time.Second, time.Hour)
			lo, hi = min(lo, d), max(hi, d)
		}
		if lo < want/2 || hi > want || hi-lo < want/4 {
			t.Errorf("Backoff(%d) spans %v..%v; want jittered within %v..%v", attempts, lo, hi, want/2, want)
		}
	}
}

// TestConcurrentSchedulersNeverShareAJob runs four schedulers in one process
// on the real clock against one database: every job takes effect once.
func TestConcurrentSchedulersNeverShareAJob(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		const n = 600
		mustEffects(t, db)
		ctx := context.Background()
		err := db.Write(ctx, func(tx *store.Tx) error {
			for i := 0; i < n; i++ {
				if _, err := jobs.Enqueue(ctx, tx, jobs.Spec{Kind: "effect", Key: fmt.Sprint("k", i), RunAt: time.Now()}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		rctx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		var claimed atomic.Int64
		for i := 0; i < 4; i++ {
			node := fmt.Sprint("node", i)
			s := jobs.New(db, jobs.Options{Node: node, Batch: 7, PollInterval: 5 * time.Millisecond, Logger: testLogger(t)})
			s.Register("effect", effect(node))
			wg.Add(1)
			go func() {
				defer wg.Done()
				s.Run(rctx)
				claimed.Add(s.Stats().Claimed.Load())
			}()
		}
		deadline := time.Now().Add(60 * time.Second)
		for {
			rows, _ := effectCounts(t, db)
			if rows >= n || time.Now().After(deadline) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		wg.Wait()
		rows, distinct := effectCounts(t, db)
		if rows != n || distinct != n {
			t.Fatalf("%d effects of %d jobs; want %d of %d", rows, distinct, n, n)
		}
		if claimed.Load() != n {
			t.Fatalf("%d claims for %d jobs: a job was claimed twice", claimed.Load(), n)
		}
	})
}

// TestRecordOutlivesALostConnection kills the database connection under
// the transaction that records a batch, twice: the batch is recorded on
// the next try, at once, and its effect is written once. Without the
// retry the job would wait for its lease to end.
func TestRecordOutlivesALostConnection(t *testing.T) {
	if !slices.Contains(storetest.Dialects(), "postgres") {
		t.Skip("needs PostgreSQL (" + storetest.EnvPostgres + "): the server ends the connection of the recording transaction")
	}
	db := storetest.Open(t, "postgres")
	mustEffects(t, db)
	clock := minsheng.NewFakeClock(start)
	s := jobs.New(db, jobs.Options{Clock: clock, Lease: time.Hour, Logger: testLogger(t)})
	var calls atomic.Int32
	s.Register("effect", func(ctx context.Context, tx *store.Tx, j *jobs.Job) error {
		if calls.Add(1) <= 2 {
			// The first try's fast path, then its slow path: each loses
			// its connection, so the whole try fails.
			_, err := tx.Exec(ctx, `SELECT pg_terminate_backend(pg_backend_pid())`)
			if err == nil {
				return errors.New("the connection outlived pg_terminate_backend")
			}
			return err
		}
		return effect("n")(ctx, tx, j)
	})
	mustEnqueue(t, db, jobs.Spec{Kind: "effect", Key: "k", RunAt: start})
	n, err := s.RunOnce(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("RunOnce = %d, %v; want 1 job claimed", n, err)
	}
	if rows, distinct := effectCounts(t, db); rows != 1 || distinct != 1 {
		t.Fatalf("%d effects of %d jobs; want 1 of 1", rows, distinct)
	}
	if j := mustJob(t, db, "k"); j.Status != store.JobDone || j.Attempts != 1 {
		t.Fatalf("job is %s after %d attempts; want done after 1", j.Status, j.Attempts)
	}
	if got := s.Stats().RecordRetries.Load(); got != 1 {
		t.Fatalf("%d record retries; want 1", got)
	}
}
