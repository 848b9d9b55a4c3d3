package jobs

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/minsheng/minsheng/store"
)

// A RowQueue is work kept in rows of its own table rather than as jobs:
// each row says itself when it is due and who holds it. The outbox is one
// (notify): a job per message would be one more row written with every
// event, claimed, finished and pruned, for work the message's own row can
// track. The scheduler runs a RowQueue's batches beside its jobs, in Run
// and RunOnce, with the jobs' lease, batch size, concurrency, attempts and
// back-off: Claim leases due items, Work does each one's effect outside any
// transaction, and Settle records every outcome of the batch in one
// transaction under the lease.
type RowQueue[T any] struct {
	// Name names the queue in logs.
	Name string
	// Due reports, on a read transaction, whether an item is due at now; it
	// lets an idle scheduler skip the write transaction of a claim.
	Due func(ctx context.Context, tx *store.Tx, now time.Time) (bool, error)
	// Claim leases up to c.Limit due items to c.Token until c.LeaseUntil,
	// the longest due first, and counts an attempt on each.
	Claim func(ctx context.Context, tx *store.Tx, c store.Claim) ([]T, error)
	// Attempts is how many times the item has been claimed, this time
	// included.
	Attempts func(item T) int
	// Work does the item's effect. It may run more than once for one item
	// (when a process dies between the effect and its record), so it must
	// give the receiver an id to de-duplicate by. It may note on the item
	// what Settle should write (a response code).
	Work func(ctx context.Context, item T) error
	// Settle records the outcomes, out[i] being items[i]'s, in tx, for the
	// items the claim with the token still holds, and returns how many it
	// recorded; the others' leases were lost.
	Settle func(ctx context.Context, tx *store.Tx, token string, items []T, out []Outcome) (int, error)

	lastFull atomic.Bool // the last claim filled a whole batch
}

// Outcome is what became of one item of a RowQueue's batch.
type Outcome struct {
	// Err is why Work failed; nil if it succeeded.
	Err error
	// Dead is set, with Err, when the item is tried no more: it failed
	// permanently (Permanent) or ran out of attempts.
	Dead bool
	// RetryAt is, with Err and not Dead, when to try again.
	RetryAt time.Time
}

// rowQueue is a RowQueue of any item type, as the scheduler holds it.
type rowQueue interface {
	runBatch(ctx context.Context, s *Scheduler) (int, error)
}

// Register makes the scheduler work off the queue beside its jobs. It
// panics if the scheduler has started.
func (q *RowQueue[T]) Register(s *Scheduler) {
	if s.started.Load() {
		panic("jobs: RowQueue registered after the scheduler started")
	}
	if q.Name == "" || q.Due == nil || q.Claim == nil || q.Attempts == nil || q.Work == nil || q.Settle == nil {
		panic("jobs: a RowQueue needs a name and every function")
	}
	s.rowQueues = append(s.rowQueues, q)
}

// runBatch claims one batch of the queue, works it and records it, as the
// scheduler's runJobBatch does for jobs. It returns the number of items
// claimed.
func (q *RowQueue[T]) runBatch(ctx context.Context, s *Scheduler) (int, error) {
	now := s.now()
	if !q.lastFull.Load() {
		var due bool
		if err := s.db.Read(ctx, func(tx *store.Tx) error {
			var err error
			due, err = q.Due(ctx, tx, now)
			return err
		}); err != nil || !due {
			return 0, err
		}
	}
	token := fmt.Sprintf("%s/%d", s.opts.Node, s.claims.Add(1))
	var items []T
	if err := s.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		items, err = q.Claim(ctx, tx, store.Claim{
			Now: now, LeaseUntil: now.Add(s.opts.Lease), Node: s.opts.Node, Token: token, Limit: s.opts.Batch,
		})
		return err
	}); err != nil || len(items) == 0 {
		q.lastFull.Store(false)
		return 0, err
	}
	q.lastFull.Store(len(items) == s.opts.Batch)
	s.stats.Claimed.Add(int64(len(items)))

	started := time.Now()
	bctx, cancel := context.WithDeadline(context.WithoutCancel(ctx), started.Add(s.opts.Lease))
	defer cancel()
	out := make([]Outcome, len(items))
	s.parallel(bctx, len(items), started.Add(s.opts.Lease*3/4), func(ctx context.Context, i int) {
		out[i].Err = safeRun(func() error { return q.Work(ctx, items[i]) })
	})
	var t tally
	at := s.now()
	for i, o := range out {
		if o.Err == nil {
			t.done++
			continue
		}
		n := q.Attempts(items[i])
		if n >= s.opts.MaxAttempts || IsPermanent(o.Err) {
			out[i].Dead = true
			t.dead++
			s.log.Error("queue item dead", "queue", q.Name, "attempt", n, "err", o.Err)
			continue
		}
		out[i].RetryAt = at.Add(Backoff(n, s.opts.BackoffBase, s.opts.BackoffMax))
		t.retried++
		s.log.Warn("queue item failed; will retry", "queue", q.Name, "attempt", n, "at", out[i].RetryAt, "err", o.Err)
	}

	var held int
	err := s.record(bctx, len(items), func(ctx context.Context) error {
		return s.db.Write(ctx, func(tx *store.Tx) error {
			var err error
			held, err = q.Settle(ctx, tx, token, items, out)
			return err
		})
	})
	if err != nil {
		// Nothing of the batch was recorded: its items are claimed again
		// when the lease ends.
		return len(items), fmt.Errorf("record batch of %d %s: %w", len(items), q.Name, err)
	}
	if lost := len(items) - held; lost > 0 {
		// Which of the outcomes were lost is not told apart: count them as
		// lost rather than done.
		s.log.Warn("queue leases lost", "queue", q.Name, "items", lost)
		s.stats.Lost.Add(int64(lost))
		t.done = max(t.done-int64(lost), 0)
	}
	s.stats.Done.Add(t.done)
	s.stats.Retried.Add(t.retried)
	s.stats.Dead.Add(t.dead)
	return len(items), nil
}

// safeRun runs f and turns a panic into an error.
func safeRun(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return f()
}
