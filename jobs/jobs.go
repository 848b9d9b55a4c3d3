// Package jobs runs background work from a table of jobs that every server
// process polls, so that each job takes effect once however many processes
// there are and whichever of them dies (DESIGN §5).
//
// A job is enqueued inside the transaction of the change that calls for it
// (Enqueue), so it exists exactly when the change does. A process claims a
// batch of due jobs with a lease: the jobs are its own until the lease ends,
// after which any process may claim them again. A Handler runs inside the
// transaction that marks its job done, and that transaction commits only if
// the claim still holds (the row still carries the claim's token): so a
// handler's database writes happen exactly once, even when a process is
// killed half-way or stalls past its lease and another takes the job over.
// Work with effects outside the database (sending a message) cannot be
// rolled back; it runs before that transaction (RegisterWork) and so happens
// at least once, and its receivers de-duplicate by an id it sends along.
//
// Failed jobs are tried again after an exponential back-off with jitter,
// up to Options.MaxAttempts; then they are dead, with the last error, until
// someone retries them. Periodic jobs (Every) are ordinary jobs whose
// handler enqueues the next occurrence. A RowQueue is work kept in rows of
// its own table instead (the outbox's messages), which the scheduler claims,
// works and records in batches beside the jobs, by the same rules. The
// design and the figures are in docs/jobs.md.
package jobs

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/store"
)

// Job is a job as its handler sees it. Attempts counts the claims of the job,
// this one included.
type Job = store.Job

// Handler does a job's work in tx, the transaction that also marks the job
// done; if the handler returns an error, or the lease turns out to be lost,
// everything it wrote is rolled back. It must write only through tx: another
// write transaction or store.DB.NextID opened inside it fails with
// store.ErrNestedWrite (take ids with tx.NextID). It may enqueue jobs.
//
// When a Handler is the commit step of a Work, j.Status tells what the job
// becomes in the same transaction: done, pending (to be tried again) or dead.
type Handler func(ctx context.Context, tx *store.Tx, j *Job) error

// Work does a job's work outside any transaction, for effects that the
// database cannot roll back: an HTTP call, an e-mail. It may run more than
// once for one job (when a process dies after the effect and before the
// record of it), so it must tell the receiver an id to de-duplicate by. It
// returns an error if the work failed, and optionally a Handler, the commit
// step, which runs in the transaction that records the outcome (done, or
// failed) under the job's lease: there it writes what the work did, exactly
// once.
type Work func(ctx context.Context, j *Job) (commit Handler, err error)

// Options configure a Scheduler. Zero fields take the defaults.
type Options struct {
	// Node names this process in the jobs it claims. Default: the host name
	// and a random suffix, new for each process.
	Node  string
	Clock minsheng.Clock // default: the system clock
	// Lease is how long a claimed batch belongs to this process; after it,
	// another process may take the jobs over. Work gets three quarters of it.
	// Default 60s.
	Lease time.Duration
	// PollInterval is how long Run waits when nothing was due. Default 1s.
	PollInterval time.Duration
	Batch        int // jobs claimed at a time; default 100
	Concurrency  int // Work run in parallel within a batch; default 8
	MaxAttempts  int // tries before a job is dead; default 10
	// BackoffBase and BackoffMax bound the wait before a retry: the n-th
	// failure waits BackoffBase·2^(n-1), at most BackoffMax, with jitter
	// taking up to half of it off. Defaults 10s and 1h.
	BackoffBase time.Duration
	BackoffMax  time.Duration
	// Retention is how long done and cancelled jobs are kept. Default 7 days.
	Retention time.Duration
	Logger    *slog.Logger // default slog.Default()
}

func (o *Options) defaults() {
	if o.Node == "" {
		o.Node = NewNode()
	}
	if o.Clock == nil {
		o.Clock = minsheng.SystemClock{}
	}
	if o.Lease <= 0 {
		o.Lease = 60 * time.Second
	}
	if o.PollInterval <= 0 {
		o.PollInterval = time.Second
	}
	if o.Batch <= 0 {
		o.Batch = 100
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 10
	}
	if o.BackoffBase <= 0 {
		o.BackoffBase = 10 * time.Second
	}
	if o.BackoffMax <= 0 {
		o.BackoffMax = time.Hour
	}
	if o.BackoffMax < o.BackoffBase {
		o.BackoffMax = o.BackoffBase
	}
	if o.Retention <= 0 {
		o.Retention = 7 * 24 * time.Hour
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// NewNode returns a new random node name: the host name and 8 hex digits.
func NewNode() string {
	host, _ := os.Hostname()
	if i := strings.IndexByte(host, '.'); i > 0 {
		host = host[:i]
	}
	if host == "" {
		host = "node"
	}
	b := make([]byte, 4)
	rand.Read(b)
	return host + "-" + hex.EncodeToString(b)
}

// kind is how the scheduler runs one kind of job.
type kind struct {
	handler Handler
	work    Work
}

// periodic is a kind that recurs.
type periodic struct {
	kind string
	next func(after time.Time) time.Time
}

// Scheduler claims due jobs of the kinds registered with it and runs them.
// Register every kind before Run.
type Scheduler struct {
	db   *store.DB
	opts Options
	log  *slog.Logger

	kinds     map[string]kind
	names     []string // registered kinds, sorted
	periodic  []periodic
	started   atomic.Bool
	claims    atomic.Int64 // numbers the claims of this process, for tokens
	lastFull  atomic.Bool  // the last claim of jobs filled a whole batch
	rowQueues []rowQueue

	stats Stats
}

// Stats counts what a scheduler has done since it started, jobs and the
// items of row queues together.
type Stats struct {
	Claimed atomic.Int64 // jobs and items claimed
	Done    atomic.Int64 // jobs and items done
	Retried atomic.Int64 // failed attempts that will be tried again
	Dead    atomic.Int64 // those that ran out of attempts or failed permanently
	Lost    atomic.Int64 // those whose lease was lost before they were recorded
	// RecordRetries counts the tries to record a batch that failed and
	// were made again.
	RecordRetries atomic.Int64
}

// New returns a scheduler over db.
func New(db *store.DB, o Options) *Scheduler {
	o.defaults()
	return &Scheduler{db: db, opts: o, log: o.Logger.With("node", o.Node), kinds: map[string]kind{}}
}

// Node returns the name of this process in the jobs it claims.
func (s *Scheduler) Node() string { return s.opts.Node }

// Stats returns the scheduler's counters.
func (s *Scheduler) Stats() *Stats { return &s.stats }

// Register makes the scheduler run jobs of the kind with h. It panics if
// the kind is registered twice or the scheduler has started: both are
// programming errors.
func (s *Scheduler) Register(kindName string, h Handler) {
	s.register(kindName, kind{handler: h})
}

// RegisterWork makes the scheduler run jobs of the kind with w, for work
// outside the database (see Work).
func (s *Scheduler) RegisterWork(kindName string, w Work) {
	s.register(kindName, kind{work: w})
}

func (s *Scheduler) register(name string, k kind) {
	if s.started.Load() {
		panic("jobs: Register after the scheduler started")
	}
	if name == "" || (k.handler == nil && k.work == nil) {
		panic("jobs: Register needs a kind and a handler")
	}
	if _, dup := s.kinds[name]; dup {
		panic("jobs: kind " + name + " registered twice")
	}
	s.kinds[name] = k
	s.names = append(s.names, name)
	slices.Sort(s.names)
}

// Every registers a periodic kind: h runs at each moment next returns, on
// one process only. next(after) must return a moment strictly after
// `after`; Daily makes such a function. Each occurrence is an ordinary job
// keyed by its kind and moment, enqueued (once) by the handler of the
// previous one, in its transaction; Run and RunOnce enqueue the next
// occurrence if there is none yet, so that the chain starts, and restarts
// after an occurrence died.
func (s *Scheduler) Every(kindName string, next func(after time.Time) time.Time, h Handler) {
	s.Register(kindName, func(ctx context.Context, tx *store.Tx, j *Job) error {
		if err := h(ctx, tx, j); err != nil {
			return err
		}
		_, err := enqueueOccurrence(ctx, tx, kindName, next(s.now()))
		return err
	})
	s.periodic = append(s.periodic, periodic{kind: kindName, next: next})
}

// Occurrence is the payload of a periodic job: the moment it stands for.
type Occurrence struct {
	At time.Time `json:"at"`
}

func enqueueOccurrence(ctx context.Context, tx *store.Tx, kindName string, at time.Time) (bool, error) {
	at = at.UTC().Truncate(time.Microsecond)
	return Enqueue(ctx, tx, Spec{
		Kind: kindName, Key: kindName + "@" + at.Format(time.RFC3339Nano),
		Payload: Occurrence{At: at}, RunAt: at, Once: true,
	})
}

// Daily returns a schedule for Every: each day at hour:minute in loc
// (calendar.China for China time).
func Daily(hour, minute int, loc *time.Location) func(after time.Time) time.Time {
	return func(after time.Time) time.Time {
		t := after.In(loc)
		next := time.Date(t.Year(), t.Month(), t.Day(), hour, minute, 0, 0, loc)
		for !next.After(after) {
			t = t.AddDate(0, 0, 1)
			next = time.Date(t.Year(), t.Month(), t.Day(), hour, minute, 0, 0, loc)
		}
		return next
	}
}

// ensurePeriodic enqueues the next occurrence of every periodic kind
// unless it is there already.
func (s *Scheduler) ensurePeriodic(ctx context.Context) error {
	if len(s.periodic) == 0 {
		return nil
	}
	now := s.now()
	return s.db.Write(ctx, func(tx *store.Tx) error {
		for _, p := range s.periodic {
			if _, err := enqueueOccurrence(ctx, tx, p.kind, p.next(now)); err != nil {
				return err
			}
		}
		return nil
	})
}

// Spec describes a job to enqueue.
type Spec struct {
	Kind string
	// Key names the job, so that enqueuing is idempotent: while a job with
	// the key is pending or running, another is not enqueued. Put what makes
	// the job distinct in it, e.g. "remind:ticket:123:reply:v4". Empty: no key.
	Key string
	// Payload is stored as JSON: []byte and json.RawMessage as they are,
	// anything else through json.Marshal; nil as {}.
	Payload any
	// RunAt is when the job becomes due. It is required: pass the use
	// case's now for "at once", so that tests on a fake clock see the job.
	RunAt time.Time
	// Once refuses the job also when a finished (done, dead or cancelled)
	// job with the key is still kept, so that a job that has run is not
	// enqueued again by a late writer. Finished jobs are kept for
	// Options.Retention.
	Once bool
}

// Enqueue writes a job in the caller's transaction, so that the job exists
// exactly when the caller's change commits. It returns false when a job
// with the key is already there (see Spec.Key and Spec.Once).
func Enqueue(ctx context.Context, tx *store.Tx, sp Spec) (bool, error) {
	if sp.Kind == "" {
		return false, errors.New("enqueue: no kind")
	}
	if sp.RunAt.IsZero() {
		return false, fmt.Errorf("enqueue %s: no RunAt", sp.Kind)
	}
	var payload []byte
	switch p := sp.Payload.(type) {
	case nil:
		payload = []byte("{}")
	case []byte:
		payload = p
	case json.RawMessage:
		payload = p
	default:
		b, err := json.Marshal(p)
		if err != nil {
			return false, fmt.Errorf("enqueue %s: payload: %w", sp.Kind, err)
		}
		payload = b
	}
	j := &store.Job{Kind: sp.Kind, Key: sp.Key, Payload: payload, RunAt: sp.RunAt}
	return store.InsertJob(ctx, tx, j, sp.Once, time.Now())
}

// Queue enqueues jobs without running any: for processes and tests that
// only write (the app package's Scheduler interface). Its zero value is
// ready to use.
type Queue struct{}

// Enqueue writes a job with the key and the JSON payload in the caller's
// transaction; a job with the same key already pending or running stands
// for it.
func (Queue) Enqueue(ctx context.Context, tx *store.Tx, kind, key string, payload []byte, runAt time.Time) error {
	_, err := Enqueue(ctx, tx, Spec{Kind: kind, Key: key, Payload: payload, RunAt: runAt})
	return err
}

// Enqueue is Queue.Enqueue, so that a Scheduler can be handed to the use
// cases as the place where they enqueue.
func (s *Scheduler) Enqueue(ctx context.Context, tx *store.Tx, kind, key string, payload []byte, runAt time.Time) error {
	return Queue{}.Enqueue(ctx, tx, kind, key, payload, runAt)
}

// Cancel cancels the pending or running jobs with the key, in the caller's
// transaction, and returns how many it cancelled. A running job's handler
// writes are then rolled back (its lease is gone); its Work may already have
// happened.
func Cancel(ctx context.Context, tx *store.Tx, key string, now time.Time) (int, error) {
	return store.CancelJobs(ctx, tx, key, now)
}

// Retry makes a dead or cancelled job pending again at now with a fresh
// count of attempts. It returns ENOTFOUND or ECONFLICT (the job is not dead
// or cancelled, or another live job has its key).
func Retry(ctx context.Context, tx *store.Tx, id int64, now time.Time) error {
	return store.RetryJob(ctx, tx, id, now)
}

// Decode unmarshals a job's JSON payload into v.
func Decode(j *Job, v any) error {
	if err := json.Unmarshal(j.Payload, v); err != nil {
		return Permanent(fmt.Errorf("job %d payload: %w", j.ID, err))
	}
	return nil
}

// permanentError marks an error that retrying cannot cure.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent wraps err so that the job fails at once, without retries (a
// malformed payload, a thing that no longer exists): it goes dead with err.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

func (s *Scheduler) now() time.Time {
	return s.opts.Clock.Now().UTC().Truncate(time.Microsecond)
}

// Backoff returns how long to wait before trying a job again after its
// attempts-th failure: base·2^(attempts-1), at most max, less a random
// part of up to half of it, so that jobs that failed together do not retry
// together.
func Backoff(attempts int, base, max time.Duration) time.Duration {
	d := base
	for i := 1; i < attempts && d < max; i++ {
		d *= 2
	}
	d = min(d, max)
	half := d / 2
	return d - time.Duration(mrand.Int64N(int64(half)+1))
}

// Run claims and runs due jobs until ctx is cancelled, waiting
// PollInterval when nothing is due. A batch in hand when ctx is cancelled
// is finished first (within its lease). Every hour it also deletes old
// finished jobs and checks the chains of periodic jobs.
func (s *Scheduler) Run(ctx context.Context) error {
	s.started.Store(true)
	s.log.Info("job scheduler started", "kinds", s.names, "lease", s.opts.Lease.String(), "batch", s.opts.Batch)
	var lastHousekeeping time.Time
	for {
		if time.Since(lastHousekeeping) >= time.Hour {
			s.housekeeping(ctx)
			lastHousekeeping = time.Now()
		}
		n, err := s.runBatch(ctx)
		if ctx.Err() != nil {
			s.log.Info("job scheduler stopped")
			return nil
		}
		if err != nil {
			s.log.Error("job batch", "err", err)
		}
		if n > 0 && err == nil {
			continue // more may be due
		}
		wait := s.opts.PollInterval
		wait += time.Duration(mrand.Int64N(int64(wait)/5+1)) - wait/10 // ±10%, so that nodes spread out
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			s.log.Info("job scheduler stopped")
			return nil
		case <-t.C:
		}
	}
}

func (s *Scheduler) housekeeping(ctx context.Context) {
	if err := s.ensurePeriodic(ctx); err != nil && ctx.Err() == nil {
		s.log.Error("periodic jobs", "err", err)
	}
	before := s.now().Add(-s.opts.Retention)
	for ctx.Err() == nil {
		var n int
		err := s.db.Write(ctx, func(tx *store.Tx) error {
			var err error
			n, err = store.PruneJobs(ctx, tx, before, 1000)
			return err
		})
		if err != nil {
			if ctx.Err() == nil {
				s.log.Error("prune jobs", "err", err)
			}
			return
		}
		if n < 1000 {
			return
		}
	}
}

// RunOnce works off every job that is due now on the scheduler's clock and
// returns how many it claimed. Jobs that fail are rescheduled into the
// future, so RunOnce ends. It is for tests and for one-off commands.
func (s *Scheduler) RunOnce(ctx context.Context) (int, error) {
	s.started.Store(true)
	if err := s.ensurePeriodic(ctx); err != nil {
		return 0, err
	}
	total := 0
	for {
		n, err := s.runBatch(ctx)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// outcome is what the Work phase of one job came to.
type outcome struct {
	commit Handler
	err    error
}

// runBatch runs one batch of jobs and one of each row queue, and returns
// the number of jobs and items claimed.
func (s *Scheduler) runBatch(ctx context.Context) (int, error) {
	n, err := s.runJobBatch(ctx)
	for _, q := range s.rowQueues {
		if err != nil {
			break
		}
		var m int
		m, err = q.runBatch(ctx, s)
		n += m
	}
	return n, err
}

// runJobBatch claims one batch and runs it: the Work of its jobs in parallel,
// then one transaction that records every job of the batch, each inside a
// savepoint so that one job's failure or lost lease undoes only its own
// writes. It returns the number of jobs claimed.
func (s *Scheduler) runJobBatch(ctx context.Context) (int, error) {
	if len(s.names) == 0 {
		return 0, nil
	}
	now := s.now()
	// Peek first, on a read connection: an idle scheduler then never takes
	// the write lock (SQLite) or row locks. After a full batch more is
	// likely due, and the peek is skipped.
	if !s.lastFull.Load() {
		var due bool
		if err := s.db.Read(ctx, func(tx *store.Tx) error {
			var err error
			due, err = store.AnyJobDue(ctx, tx, s.names, now)
			return err
		}); err != nil || !due {
			return 0, err
		}
	}
	token := fmt.Sprintf("%s/%d", s.opts.Node, s.claims.Add(1))
	var batch []*Job
	if err := s.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		batch, err = store.ClaimJobs(ctx, tx, store.Claim{
			Kinds: s.names, Now: now, LeaseUntil: now.Add(s.opts.Lease),
			Node: s.opts.Node, Token: token, Limit: s.opts.Batch,
		})
		return err
	}); err != nil || len(batch) == 0 {
		s.lastFull.Store(false)
		return 0, err
	}
	s.lastFull.Store(len(batch) == s.opts.Batch)
	s.stats.Claimed.Add(int64(len(batch)))
	slices.SortFunc(batch, func(a, b *Job) int { return cmp.Compare(a.ID, b.ID) })

	// The batch is finished even when ctx is cancelled (shutdown), within
	// the lease: a job cut short would only wait for its lease to end.
	started := time.Now()
	bctx, cancel := context.WithDeadline(context.WithoutCancel(ctx), started.Add(s.opts.Lease))
	defer cancel()

	outcomes := make([]outcome, len(batch))
	s.parallel(bctx, len(batch), started.Add(s.opts.Lease*3/4), func(ctx context.Context, i int) {
		if w := s.kinds[batch[i].Kind].work; w != nil {
			outcomes[i].commit, outcomes[i].err = safeWork(ctx, w, batch[i])
		}
	})

	var t tally
	err := s.record(bctx, len(batch), func(ctx context.Context) (err error) {
		t, err = s.recordOnce(ctx, batch, token, outcomes)
		return err
	})
	if err != nil {
		// Nothing of the batch was recorded: its jobs are claimed again
		// when the lease ends.
		return len(batch), fmt.Errorf("record batch of %d jobs: %w", len(batch), err)
	}
	done, retried, dead, lost := t.done, t.retried, t.dead, t.lost
	s.stats.Done.Add(done)
	s.stats.Retried.Add(retried)
	s.stats.Dead.Add(dead)
	s.stats.Lost.Add(lost)
	if lost > 0 {
		s.log.Warn("job leases lost", "jobs", lost)
	}
	return len(batch), nil
}

// record runs once, which records in one transaction what became of a
// batch of n jobs or items. The work is done by then and must not be lost
// to a passing failure of the database (a refused connection, a deadlock
// victim), so when once fails it is tried again, after a short and growing
// pause, until the lease's deadline in ctx. Trying again is safe: a
// try whose commit did succeed finished the batch under its token, and the
// next try finds the leases gone and writes nothing.
func (s *Scheduler) record(ctx context.Context, n int, once func(context.Context) error) error {
	pause := 10 * time.Millisecond
	for try := 1; ; try++ {
		err := once(ctx)
		if err == nil || ctx.Err() != nil {
			return err
		}
		s.stats.RecordRetries.Add(1)
		s.log.Warn("recording a batch failed; trying again", "size", n, "try", try, "err", err)
		timer := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			timer.Stop()
			return err
		case <-timer.C:
		}
		pause = min(2*pause, time.Second)
	}
}

// recordOnce is one try of record. The fast path records the whole batch
// with one statement and runs the handlers one after the other; if one
// fails, that transaction is rolled back and the batch recorded again with
// a savepoint around each job.
func (s *Scheduler) recordOnce(ctx context.Context, batch []*Job, token string, outcomes []outcome) (tally, error) {
	var t tally
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		t, err = s.settleFast(ctx, tx, batch, token, outcomes)
		return err
	})
	if !errors.Is(err, errSlowPath) {
		return t, err
	}
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		t = tally{}
		for i, j := range batch {
			res, err := s.settle(ctx, tx, j, token, outcomes[i])
			if err != nil {
				return err
			}
			t.add(res)
		}
		return nil
	})
	return t, err
}

// parallel runs fn for 0 ≤ i < n, at most Concurrency at a time, each
// with the deadline, and waits for them all.
func (s *Scheduler) parallel(ctx context.Context, n int, deadline time.Time, fn func(ctx context.Context, i int)) {
	sem := make(chan struct{}, s.opts.Concurrency)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			wctx, cancel := context.WithDeadline(ctx, deadline)
			defer cancel()
			fn(wctx, i)
		}()
	}
	wg.Wait()
}

// tally counts what became of the jobs of a batch.
type tally struct{ done, retried, dead, lost int64 }

func (t *tally) add(status store.JobStatus) {
	switch status {
	case store.JobDone:
		t.done++
	case store.JobPending:
		t.retried++
	case store.JobDead:
		t.dead++
	default:
		t.lost++
	}
}

// errSlowPath rolls back the fast path's transaction when a job of the
// batch failed.
var errSlowPath = errors.New("a job failed: record the batch job by job")

// settleFast records a batch in which every Work succeeded: one statement
// marks done the jobs whose lease holds, and their handlers run in tx. It
// returns errSlowPath, for the caller to roll back, if any job failed.
func (s *Scheduler) settleFast(ctx context.Context, tx *store.Tx, batch []*Job, token string, outcomes []outcome) (tally, error) {
	var t tally
	ids := make([]int64, len(batch))
	for i, j := range batch {
		if outcomes[i].err != nil {
			return t, errSlowPath
		}
		ids[i] = j.ID
	}
	held, err := store.FinishJobs(ctx, tx, ids, token, s.now())
	if err != nil {
		return t, err
	}
	for i, j := range batch {
		if !held[j.ID] {
			s.log.Warn("job lease lost; nothing is recorded", "job", j.ID, "kind", j.Kind, "key", j.Key)
			t.lost++
			continue
		}
		h := s.kinds[j.Kind].handler
		if s.kinds[j.Kind].work != nil {
			h = outcomes[i].commit
		}
		j.Status = store.JobDone
		if h != nil {
			if err := safeHandle(ctx, tx, h, j); err != nil {
				return t, errSlowPath
			}
		}
		t.done++
	}
	return t, nil
}

// savepoint is the name of the savepoint around each job of a batch.
const savepoint = "job"

// settle records one job of a batch in tx: done with its handler's writes,
// or failed (pending again after a back-off, or dead). It returns the
// status given, or "" when the lease was lost and nothing was recorded. An
// error means the transaction itself is broken.
func (s *Scheduler) settle(ctx context.Context, tx *store.Tx, j *Job, token string, o outcome) (store.JobStatus, error) {
	if err := tx.Savepoint(ctx, savepoint); err != nil {
		return "", err
	}
	k := s.kinds[j.Kind]
	h, err := k.handler, o.err
	if k.work != nil {
		h = o.commit
	}
	now := s.now()
	if err == nil {
		ok, ferr := store.FinishJob(ctx, tx, j.ID, token, now)
		if ferr != nil {
			return "", ferr
		}
		if !ok {
			return s.lose(ctx, tx, j)
		}
		j.Status = store.JobDone
		if h != nil {
			err = safeHandle(ctx, tx, h, j)
		}
		if err == nil {
			return store.JobDone, tx.Release(ctx, savepoint)
		}
		// Undo the handler's writes and the finish; record the failure.
		if rerr := tx.RollbackTo(ctx, savepoint); rerr != nil {
			return "", rerr
		}
		h = nil // the commit step failed: do not run it again as a failure record
	}
	status, runAt := store.JobPending, now.Add(Backoff(j.Attempts, s.opts.BackoffBase, s.opts.BackoffMax))
	if j.Attempts >= s.opts.MaxAttempts || IsPermanent(err) {
		status, runAt = store.JobDead, now
	}
	msg := err.Error()
	if len(msg) > 2000 {
		msg = msg[:2000]
	}
	for {
		ok, ferr := store.FailJob(ctx, tx, j.ID, token, status, runAt, msg, now)
		if ferr != nil {
			return "", ferr
		}
		if !ok {
			return s.lose(ctx, tx, j)
		}
		j.Status, j.LastError = status, msg
		if h == nil || k.work == nil {
			break
		}
		// The commit step of a failed Work records the failure, e.g. in a
		// delivery log.
		if cerr := safeHandle(ctx, tx, h, j); cerr == nil {
			break
		} else {
			s.log.Error("job failure record", "job", j.ID, "kind", j.Kind, "err", cerr)
		}
		if rerr := tx.RollbackTo(ctx, savepoint); rerr != nil {
			return "", rerr
		}
		h = nil
	}
	log := s.log.With("job", j.ID, "kind", j.Kind, "key", j.Key, "attempt", j.Attempts, "err", msg)
	if status == store.JobDead {
		log.Error("job dead")
	} else {
		log.Warn("job failed; will retry", "at", runAt)
	}
	return status, tx.Release(ctx, savepoint)
}

// lose undoes what was done for a job whose lease was lost.
func (s *Scheduler) lose(ctx context.Context, tx *store.Tx, j *Job) (store.JobStatus, error) {
	s.log.Warn("job lease lost; its writes are rolled back", "job", j.ID, "kind", j.Kind, "key", j.Key)
	if err := tx.RollbackTo(ctx, savepoint); err != nil {
		return "", err
	}
	return "", tx.Release(ctx, savepoint)
}

func safeHandle(ctx context.Context, tx *store.Tx, h Handler, j *Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return h(ctx, tx, j)
}

func safeWork(ctx context.Context, w Work, j *Job) (commit Handler, err error) {
	defer func() {
		if p := recover(); p != nil {
			commit, err = nil, fmt.Errorf("panic: %v", p)
		}
	}()
	return w(ctx, j)
}
