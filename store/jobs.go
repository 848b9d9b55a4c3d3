package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/minsheng/minsheng"
)

// JobStatus is where a background job stands.
type JobStatus string

// Job statuses. A job is pending until a process claims it, running while
// that process holds its lease, and ends done, dead (out of attempts) or
// cancelled.
const (
	JobPending   JobStatus = "pending"
	JobRunning   JobStatus = "running"
	JobDone      JobStatus = "done"
	JobDead      JobStatus = "dead"
	JobCancelled JobStatus = "cancelled"
)

// JobStatuses lists every job status.
var JobStatuses = []JobStatus{JobPending, JobRunning, JobDone, JobDead, JobCancelled}

// Job is one row of the jobs table. The scheduler in package jobs gives it
// meaning; this package only keeps it.
type Job struct {
	ID      int64
	Kind    string
	Key     string // empty: no key
	Payload []byte // JSON
	Status  JobStatus
	// RunAt is when a pending job is due; for a running job, when the lease
	// of the process that runs it ends.
	RunAt time.Time
	// Attempts counts the claims of the job, the one running now included.
	Attempts  int
	Node      string // the process that claimed it last
	LastError string
	CreatedAt time.Time
	UpdatedAt time.Time
	DoneAt    *time.Time
}

const jobColumns = `id, kind, COALESCE(job_key, ''), payload, status, run_at, attempts, node, last_error,
	created_at, updated_at, done_at`

func scanJob(s scanner) (*Job, error) {
	var j Job
	var payload string
	var done sql.NullTime
	if err := s.Scan(&j.ID, &j.Kind, &j.Key, &payload, &j.Status, &j.RunAt, &j.Attempts, &j.Node, &j.LastError,
		&j.CreatedAt, &j.UpdatedAt, &done); err != nil {
		return nil, err
	}
	j.Payload = []byte(payload)
	j.RunAt, j.CreatedAt, j.UpdatedAt = j.RunAt.UTC(), j.CreatedAt.UTC(), j.UpdatedAt.UTC()
	j.DoneAt = timePtr(done)
	return &j, nil
}

// rowIDEpoch is the start of the time part of ids made by newRowID.
var rowIDEpoch = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// lastRowID is the last id newRowID handed out in this process. It is the
// one piece of process-wide state in this package, as the id allocator is:
// uniqueness is a property of the process, not of a DB value.
var lastRowID atomic.Int64

// newRowID makes an id for a row written inside a transaction, where NextID
// may not be called (it needs the write connection on SQLite): the
// milliseconds since 2020 in the high bits and a random number in the low
// 22, counting up from the last id of this process so that ids made in the
// same millisecond by one process never collide. Two processes collide
// with a chance of about one in four million per millisecond in which both
// make ids; the inserts that use these ids detect that and try a new one.
func newRowID() int64 {
	var b [4]byte
	rand.Read(b[:])
	ms := time.Since(rowIDEpoch).Milliseconds()
	cand := ms<<22 | int64(binary.BigEndian.Uint32(b[:])&(1<<22-1))
	for {
		last := lastRowID.Load()
		id := max(cand, last+1)
		if lastRowID.CompareAndSwap(last, id) {
			return id
		}
	}
}

// InsertJob writes a new pending job and sets j.ID, j.Status, j.CreatedAt
// and j.UpdatedAt. A job with a key is not written when a live (pending or
// running) job with the same key exists, or, with once, when any job with
// the key is still kept (done, dead or cancelled ones included); the result
// then is false.
func InsertJob(ctx context.Context, tx *Tx, j *Job, once bool, now time.Time) (bool, error) {
	if j.Kind == "" {
		return false, errors.New("insert job: no kind")
	}
	if len(j.Payload) == 0 {
		j.Payload = []byte("{}")
	}
	var key any
	if j.Key != "" {
		key = j.Key
		if once {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE job_key = ?`, j.Key).Scan(&n); err != nil {
				return false, fmt.Errorf("insert job %s: %w", j.Key, err)
			}
			if n > 0 {
				return false, nil
			}
		}
	}
	now = now.UTC().Truncate(time.Microsecond)
	for try := 0; try < 5; try++ {
		id := newRowID()
		// ON CONFLICT DO NOTHING without a target covers both the live-key
		// index and the primary key, so that neither aborts the caller's
		// transaction on PostgreSQL; which of the two it was is told apart
		// below.
		res, err := tx.Exec(ctx, `INSERT INTO jobs (id, kind, job_key, payload, status, run_at, attempts, node,
			last_error, created_at, updated_at)
			VALUES (?, ?, ?, ?, 'pending', ?, 0, '', '', ?, ?) ON CONFLICT DO NOTHING`,
			id, j.Kind, key, string(j.Payload), j.RunAt.UTC().Truncate(time.Microsecond), now, now)
		if err != nil {
			return false, fmt.Errorf("insert job %s: %w", j.Kind, err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			j.ID, j.Status, j.CreatedAt, j.UpdatedAt = id, JobPending, now, now
			return true, nil
		}
		if j.Key != "" {
			var n int
			err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE job_key = ? AND status IN ('pending', 'running')`, j.Key).Scan(&n)
			if err != nil {
				return false, fmt.Errorf("insert job %s: %w", j.Key, err)
			}
			if n > 0 {
				return false, nil
			}
		}
		// The id was taken by another process: try another.
	}
	return false, fmt.Errorf("insert job %s: no free id after 5 tries", j.Kind)
}

// kindList returns "?, ?, …" for the kinds and the kinds as arguments.
func kindList(kinds []string) (string, []any) {
	args := make([]any, len(kinds))
	for i, k := range kinds {
		args[i] = k
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(kinds)), ", "), args
}

// AnyJobDue reports whether a job of one of the kinds can be claimed at now:
// a cheap read that lets an idle scheduler skip the write transaction of a
// claim.
func AnyJobDue(ctx context.Context, tx *Tx, kinds []string, now time.Time) (bool, error) {
	if len(kinds) == 0 {
		return false, nil
	}
	if err := queuePlan(ctx, tx); err != nil {
		return false, err
	}
	list, args := kindList(kinds)
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT id FROM jobs
		WHERE status IN ('pending', 'running') AND run_at <= ? AND kind IN (`+list+`) ORDER BY run_at LIMIT 1) due`,
		append([]any{now.UTC()}, args...)...).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("jobs due: %w", err)
	}
	return n > 0, nil
}

// queuePlan makes PostgreSQL read the due jobs in the order of the
// jobs_due index for the rest of the transaction. Its statistics lag behind
// a queue that fills and drains fast: right after a burst of jobs it
// believes few are due, and then chooses to fetch every due row with a
// bitmap scan and sort them all for each batch, which makes working off a
// backlog quadratic (100,000 jobs took 54 s instead of 6 s). Reading the
// index in order stops after the batch whatever the statistics say.
// The PostgreSQL-derived engines (KingbaseES, openGauss, PolarDB) have
// the setting too; it has not been tried on them.
func queuePlan(ctx context.Context, tx *Tx) error {
	if tx.db.dialect != Postgres {
		return nil
	}
	_, err := tx.Exec(ctx, `SET LOCAL enable_bitmapscan = off`)
	return err
}

// Claim says which jobs a process takes and for how long.
type Claim struct {
	Kinds      []string  // only jobs of these kinds
	Now        time.Time // jobs due at or before this moment
	LeaseUntil time.Time // the claimed jobs are the process's until then
	Node       string
	Token      string // unique to this claim; completing a job requires it
	Limit      int
}

// ClaimJobs takes up to c.Limit due jobs, the longest due first: pending
// jobs whose time has come and running jobs whose lease has ended (their
// process died or stalled). Each is set running under c.Token until
// c.LeaseUntil and has its attempts counted up.
//
// The claim is one UPDATE whose outer WHERE repeats the claimability test
// of its subquery. On PostgreSQL two processes may select the same ids; the
// second one's UPDATE waits for the first's row locks and then re-checks the
// outer WHERE on the rows as the first left them (running, leased into the
// future), so that it skips them: a job is never claimed twice at once. On
// SQLite the write transaction holds the database lock.
func ClaimJobs(ctx context.Context, tx *Tx, c Claim) ([]*Job, error) {
	if len(c.Kinds) == 0 || c.Limit <= 0 {
		return nil, nil
	}
	list, kinds := kindList(c.Kinds)
	now := c.Now.UTC()
	if err := queuePlan(ctx, tx); err != nil {
		return nil, err
	}
	args := []any{c.Node, c.Token, c.LeaseUntil.UTC().Truncate(time.Microsecond), now, now}
	args = append(args, kinds...)
	args = append(args, c.Limit, now)
	out, err := queryAll(ctx, tx, scanJob, `UPDATE jobs SET status = 'running', attempts = attempts + 1, node = ?,
		lease_token = ?, run_at = ?, updated_at = ?
		WHERE id IN (SELECT id FROM jobs WHERE status IN ('pending', 'running') AND run_at <= ?
			AND kind IN (`+list+`) ORDER BY run_at LIMIT ?)
		AND status IN ('pending', 'running') AND run_at <= ?
		RETURNING `+jobColumns, args...)
	if err != nil {
		return nil, fmt.Errorf("claim jobs: %w", err)
	}
	return out, nil
}

// FinishJob marks a running job done, provided the claim with the token
// still holds it. It returns false when the lease was lost: the job was
// claimed again by another process after the lease ended, or cancelled; the
// caller must then roll back whatever it did for the job in tx.
func FinishJob(ctx context.Context, tx *Tx, id int64, token string, now time.Time) (bool, error) {
	now = now.UTC().Truncate(time.Microsecond)
	res, err := tx.Exec(ctx, `UPDATE jobs SET status = 'done', lease_token = NULL, done_at = ?, updated_at = ?
		WHERE id = ? AND lease_token = ? AND status = 'running'`, now, now, id, token)
	if err != nil {
		return false, fmt.Errorf("finish job %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// FinishJobs marks done those of the running jobs with the ids that the
// claim with the token still holds, and returns their ids: one statement
// for a whole batch. The others' leases were lost.
func FinishJobs(ctx context.Context, tx *Tx, ids []int64, token string, now time.Time) (map[int64]bool, error) {
	held := make(map[int64]bool, len(ids))
	if len(ids) == 0 {
		return held, nil
	}
	now = now.UTC().Truncate(time.Microsecond)
	args := make([]any, 0, len(ids)+3)
	args = append(args, now, now)
	for _, id := range ids {
		args = append(args, id)
	}
	args = append(args, token)
	list := strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")
	rows, err := tx.Query(ctx, `UPDATE jobs SET status = 'done', lease_token = NULL, done_at = ?, updated_at = ?
		WHERE id IN (`+list+`) AND lease_token = ? AND status = 'running' RETURNING id`, args...)
	if err != nil {
		return nil, fmt.Errorf("finish jobs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("finish jobs: %w", err)
		}
		held[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("finish jobs: %w", tx.db.mapError(err))
	}
	return held, nil
}

// FailJob records a failed attempt of a running job held by the token: the
// job becomes pending again at runAt, or dead when status is JobDead. It
// returns false when the lease was lost, as FinishJob does.
func FailJob(ctx context.Context, tx *Tx, id int64, token string, status JobStatus, runAt time.Time, lastError string, now time.Time) (bool, error) {
	if status != JobPending && status != JobDead {
		return false, fmt.Errorf("fail job %d: status %s", id, status)
	}
	now = now.UTC().Truncate(time.Microsecond)
	res, err := tx.Exec(ctx, `UPDATE jobs SET status = ?, run_at = ?, last_error = ?, lease_token = NULL, updated_at = ?
		WHERE id = ? AND lease_token = ? AND status = 'running'`,
		status, runAt.UTC().Truncate(time.Microsecond), lastError, now, id, token)
	if err != nil {
		return false, fmt.Errorf("fail job %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// CancelJobs cancels the live jobs with the key and returns how many there
// were. A running one's process then finds its lease lost and rolls back
// what it did for the job.
func CancelJobs(ctx context.Context, tx *Tx, key string, now time.Time) (int, error) {
	res, err := tx.Exec(ctx, `UPDATE jobs SET status = 'cancelled', lease_token = NULL, updated_at = ?
		WHERE job_key = ? AND status IN ('pending', 'running')`, now.UTC().Truncate(time.Microsecond), key)
	if err != nil {
		return 0, fmt.Errorf("cancel jobs %s: %w", key, err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// RetryJob makes a dead or cancelled job pending again, due at now, with its
// attempts counted from zero. It returns ENOTFOUND for no such job, and
// ECONFLICT when the job is not dead or cancelled, or when another live job
// has its key.
func RetryJob(ctx context.Context, tx *Tx, id int64, now time.Time) error {
	j, err := GetJob(ctx, tx, id)
	if err != nil {
		return err
	}
	if j.Status != JobDead && j.Status != JobCancelled {
		return conflictf("job %d is %s; only dead or cancelled jobs can be retried", id, j.Status)
	}
	now = now.UTC().Truncate(time.Microsecond)
	_, err = tx.Exec(ctx, `UPDATE jobs SET status = 'pending', attempts = 0, run_at = ?, updated_at = ?, done_at = NULL
		WHERE id = ?`, now, now, id)
	if IsUnique(err) {
		return conflictf("another live job has the key %s", j.Key)
	}
	if err != nil {
		return fmt.Errorf("retry job %d: %w", id, err)
	}
	return nil
}

// GetJob returns the job with the id, or ENOTFOUND.
func GetJob(ctx context.Context, tx *Tx, id int64) (*Job, error) {
	return getOne(ctx, tx, scanJob, "job", id, `SELECT `+jobColumns+` FROM jobs WHERE id = ?`, id)
}

// JobFilter selects jobs for a list. Zero fields do not filter.
type JobFilter struct {
	Status JobStatus
	Kind   string
	Key    string
	Limit  int // default 100
}

// ListJobs returns jobs matching the filter, the most recently changed
// first.
func ListJobs(ctx context.Context, tx *Tx, f JobFilter) ([]*Job, error) {
	var w where
	w.addIf(f.Status != "", "status = ?", f.Status)
	w.addIf(f.Kind != "", "kind = ?", f.Kind)
	w.addIf(f.Key != "", "job_key = ?", f.Key)
	if f.Limit <= 0 {
		f.Limit = 100
	}
	out, err := queryAll(ctx, tx, scanJob, `SELECT `+jobColumns+` FROM jobs`+w.String()+
		` ORDER BY updated_at DESC, id DESC LIMIT ?`, append(w.args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("list jobs: %w", err)
	}
	return out, nil
}

// CountJobs returns how many jobs there are in each status.
func CountJobs(ctx context.Context, tx *Tx) (map[JobStatus]int, error) {
	rows, err := tx.Query(ctx, `SELECT status, COUNT(*) FROM jobs GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("count jobs: %w", err)
	}
	defer rows.Close()
	out := map[JobStatus]int{}
	for rows.Next() {
		var s JobStatus
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("count jobs: %w", err)
		}
		out[s] = n
	}
	return out, rows.Err()
}

// PruneJobs deletes up to limit done and cancelled jobs last changed before
// the moment, and returns how many. Dead jobs stay until retried or
// deleted by hand: they need a person's attention.
func PruneJobs(ctx context.Context, tx *Tx, before time.Time, limit int) (int, error) {
	res, err := tx.Exec(ctx, `DELETE FROM jobs WHERE id IN (SELECT id FROM jobs
		WHERE status IN ('done', 'cancelled') AND updated_at < ? LIMIT ?)`, before.UTC(), limit)
	if err != nil {
		return 0, fmt.Errorf("prune jobs: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// Savepoint starts a savepoint in the transaction. The scheduler runs each
// job of a batch inside one, so that a failed job's writes are undone while
// the others of the batch commit.
func (tx *Tx) Savepoint(ctx context.Context, name string) error {
	_, err := tx.tx.ExecContext(ctx, "SAVEPOINT "+name)
	return tx.db.mapError(err)
}

// RollbackTo undoes everything done in the transaction since the savepoint,
// which stays open.
func (tx *Tx) RollbackTo(ctx context.Context, name string) error {
	_, err := tx.tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT "+name)
	return tx.db.mapError(err)
}

// Release ends the savepoint, keeping what was done since it.
func (tx *Tx) Release(ctx context.Context, name string) error {
	_, err := tx.tx.ExecContext(ctx, "RELEASE SAVEPOINT "+name)
	return tx.db.mapError(err)
}

func conflictf(format string, args ...any) error {
	return minsheng.Errorf(minsheng.ECONFLICT, format, args...)
}
