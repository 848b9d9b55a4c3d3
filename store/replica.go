package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Read replicas (PostgreSQL streaming replication).
//
// With UseReplicas, a Read whose context allows it (WithReplicaReads) runs
// on a replica, in turn, instead of the primary. Writes, and reads inside
// a Write, always run on the primary.
//
// Read-your-writes: a context may carry a Position, the end of the WAL of
// its caller's last write. After every Write with a Position in its
// context the primary's WAL position is recorded in it; a Read goes to a
// replica only when that replica has replayed at least that far, else to
// the primary. The replicas' replay positions are polled (a replica only
// moves forward, so a polled position that is far enough is far enough
// now); until the next poll the caller reads from the primary.
//
// A replica that does not answer, is not (or no longer) a standby, or lags
// more than ReplicaOptions.MaxLag behind the primary is skipped until a
// poll finds it well again. A replica whose transaction cannot begin is
// marked down at once and the read runs on the primary.

// LSN is a position in PostgreSQL's write-ahead log, in bytes.
type LSN uint64

// String writes the LSN as PostgreSQL does: 16/B374D848.
func (l LSN) String() string { return fmt.Sprintf("%X/%X", uint64(l)>>32, uint64(l)&0xFFFFFFFF) }

// ParseLSN reads an LSN written as String writes it.
func ParseLSN(s string) (LSN, error) {
	hi, lo, ok := strings.Cut(s, "/")
	h, err1 := strconv.ParseUint(hi, 16, 32)
	l, err2 := strconv.ParseUint(lo, 16, 32)
	if !ok || err1 != nil || err2 != nil {
		return 0, fmt.Errorf("%q is not a WAL position (like 16/B374D848)", s)
	}
	return LSN(h<<32 | l), nil
}

// Position is how far in the primary's WAL the writes of one reader (a
// user, a session, an API client) have gone. Its zero value is the start:
// any replica will do. It is safe for concurrent use; it only moves
// forward.
type Position struct {
	lsn atomic.Uint64
	at  atomic.Int64 // unix nanoseconds of the last Advance that moved it
}

// LSN returns the position.
func (p *Position) LSN() LSN {
	if p == nil {
		return 0
	}
	return LSN(p.lsn.Load())
}

// Advance moves the position to l if l is further.
func (p *Position) Advance(l LSN) {
	if p == nil {
		return
	}
	for {
		old := p.lsn.Load()
		if uint64(l) <= old {
			return
		}
		if p.lsn.CompareAndSwap(old, uint64(l)) {
			p.at.Store(time.Now().UnixNano())
			return
		}
	}
}

type replicaCtxKey int

const (
	ctxPosition replicaCtxKey = iota
	ctxReplicaReads
)

// WithPosition returns a context whose Writes record their WAL position in
// p and whose Reads skip the replicas that have not replayed up to it. A
// nil p changes nothing.
func WithPosition(ctx context.Context, p *Position) context.Context {
	if p == nil {
		return ctx
	}
	return context.WithValue(ctx, ctxPosition, p)
}

// PositionFrom returns the Position in ctx, or nil.
func PositionFrom(ctx context.Context) *Position {
	p, _ := ctx.Value(ctxPosition).(*Position)
	return p
}

// WithReplicaReads returns a context whose Reads may run on a replica.
// Reads are on the primary unless their context says so: a read whose
// result decides a write, or that must see another user's write at once,
// keeps the plain context.
func WithReplicaReads(ctx context.Context) context.Context {
	return context.WithValue(ctx, ctxReplicaReads, true)
}

// ReplicaOptions tune UseReplicas; zero fields take the defaults.
type ReplicaOptions struct {
	// MaxLag: a replica further behind the primary than this is skipped.
	// Default 10 s.
	MaxLag time.Duration
	// Poll: how often the replicas' replay positions (and the primary's
	// WAL position, for their lag) are read. Default 200 ms.
	Poll time.Duration
}

// ReplicaStat describes one replica, for metrics and tests.
type ReplicaStat struct {
	Name   string        // host:port/database of its URL
	Up     bool          // reads may go to it (answers, is a standby, lag ≤ MaxLag)
	Lag    time.Duration // how far behind the primary it was at the last poll
	Replay LSN           // the WAL it had replayed at the last poll
	Reads  int64         // reads it has served
	Err    string        // why it is not up, if it is not
}

type replica struct {
	name   string
	pool   *sql.DB
	up     atomic.Bool
	replay atomic.Uint64
	lag    atomic.Int64
	reads  atomic.Int64
	err    atomic.Value // string
}

type walSample struct {
	at  time.Time
	lsn LSN
}

type replicaSet struct {
	db    *DB
	list  []*replica
	next  atomic.Uint32
	opts  ReplicaOptions
	stop  chan struct{}
	done  chan struct{}
	reads atomic.Int64 // replica-eligible reads that ran on the primary

	mu      sync.Mutex
	samples []walSample // the primary's WAL position at each poll, oldest first
	readers map[string]*Position
	pruned  time.Time
}

// UseReplicas sends the Reads that allow it to the PostgreSQL streaming
// replicas at dsns (postgres:// URLs). A replica that cannot be reached
// now is kept and used once it answers; one that answers but is not a
// standby is refused. On SQLite it fails: SQLite has no replicas.
func (db *DB) UseReplicas(ctx context.Context, dsns []string, opts ReplicaOptions) error {
	if len(dsns) == 0 {
		return nil
	}
	if db.dialect != Postgres {
		return errors.New("read replicas need PostgreSQL: -db is SQLite, which has no replicas")
	}
	if db.replicas.Load() != nil {
		return errors.New("read replicas are already set")
	}
	if opts.MaxLag <= 0 {
		opts.MaxLag = 10 * time.Second
	}
	if opts.Poll <= 0 {
		opts.Poll = 200 * time.Millisecond
	}
	rs := &replicaSet{db: db, opts: opts, stop: make(chan struct{}), done: make(chan struct{}), readers: map[string]*Position{}}
	for _, dsn := range dsns {
		if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
			rs.closePools()
			return fmt.Errorf("read replica %q is not a postgres:// URL", redactDSN(dsn))
		}
		p, err := sql.Open("pgx", dsn)
		if err != nil {
			rs.closePools()
			return fmt.Errorf("read replica %s: %w", redactDSN(dsn), err)
		}
		p.SetMaxOpenConns(32)
		p.SetMaxIdleConns(32)
		rs.list = append(rs.list, &replica{name: replicaName(dsn), pool: p})
	}
	rs.poll(ctx)
	for _, r := range rs.list {
		if e, _ := r.err.Load().(string); e == errNotStandby {
			rs.closePools()
			return fmt.Errorf("read replica %s: %s", r.name, errNotStandby)
		}
	}
	db.replicas.Store(rs)
	go rs.loop()
	return nil
}

const errNotStandby = "the server is not a standby (pg_is_in_recovery() is false)"

// replicaName is host:port/database of a URL, with no user or password.
func replicaName(dsn string) string {
	s := redactDSN(dsn)
	if _, rest, ok := strings.Cut(s, "://"); ok {
		s = rest
	}
	if _, host, ok := strings.Cut(s, "@"); ok {
		s = host
	}
	s, _, _ = strings.Cut(s, "?")
	return s
}

// Replicas describes the replicas (none without UseReplicas, or on a nil
// DB), and tells
// how many replica-eligible reads ran on the primary instead.
func (db *DB) Replicas() (stats []ReplicaStat, primaryReads int64) {
	if db == nil {
		return nil, 0
	}
	rs := db.replicas.Load()
	if rs == nil {
		return nil, 0
	}
	for _, r := range rs.list {
		e, _ := r.err.Load().(string)
		stats = append(stats, ReplicaStat{Name: r.name, Up: r.up.Load(), Lag: time.Duration(r.lag.Load()),
			Replay: LSN(r.replay.Load()), Reads: r.reads.Load(), Err: e})
	}
	return stats, rs.reads.Load()
}

// ReaderPosition returns the Position of the reader named key (a user, an
// API client), kept in memory while it may matter: a position older than
// MaxLag is reached by every replica that is not skipped. A new reader, or
// key "", gets a fresh one (for key "", not kept). Without replicas it
// returns nil, which WithPosition ignores; so it does on a nil DB.
func (db *DB) ReaderPosition(key string) *Position {
	if db == nil {
		return nil
	}
	rs := db.replicas.Load()
	if rs == nil {
		return nil
	}
	if key == "" {
		return &Position{}
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	now := time.Now()
	if now.Sub(rs.pruned) > rs.keep() {
		rs.pruned = now
		for k, p := range rs.readers {
			if now.Sub(time.Unix(0, p.at.Load())) > rs.keep() {
				delete(rs.readers, k)
			}
		}
	}
	p := rs.readers[key]
	if p == nil {
		p = &Position{}
		p.at.Store(now.UnixNano())
		rs.readers[key] = p
	}
	return p
}

// ReaderPositionTTL is how long a reader's position matters: after it,
// every replica that reads may go to has replayed it.
func (db *DB) ReaderPositionTTL() time.Duration {
	if db == nil {
		return 0
	}
	if rs := db.replicas.Load(); rs != nil {
		return rs.keep()
	}
	return 0
}

func (rs *replicaSet) keep() time.Duration { return rs.opts.MaxLag + 3*rs.opts.Poll }

// readReplica runs fn on a replica if ctx allows it and one is far enough
// along. done is false when the read is left to the primary.
func (db *DB) readReplica(ctx context.Context, rs *replicaSet, fn func(*Tx) error) (done bool, err error) {
	if ok, _ := ctx.Value(ctxReplicaReads).(bool); !ok {
		return false, nil
	}
	r := rs.pick(PositionFrom(ctx).LSN())
	if r == nil {
		rs.reads.Add(1)
		return false, nil
	}
	sqlTx, err := r.pool.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		if ctx.Err() != nil {
			return true, fmt.Errorf("begin: %w", ctx.Err())
		}
		r.down(err)
		rs.reads.Add(1)
		return false, nil
	}
	r.reads.Add(1)
	return true, db.run(sqlTx, nil, false, fn)
}

// pick returns the next replica, in turn, that is up and has replayed
// need, or nil.
func (rs *replicaSet) pick(need LSN) *replica {
	n := uint32(len(rs.list))
	start := rs.next.Add(1)
	for i := range n {
		r := rs.list[(start+i)%n]
		if r.up.Load() && LSN(r.replay.Load()) >= need {
			return r
		}
	}
	return nil
}

func (r *replica) down(err error) {
	r.up.Store(false)
	r.err.Store(err.Error())
}

// wrote records, after a Write that succeeded, the primary's WAL position
// in the Position of ctx: the write's commit record ends at or before it.
// It returns the Write's error unchanged.
func (db *DB) wrote(ctx context.Context, err error) error {
	if err != nil || db.replicas.Load() == nil {
		return err
	}
	p := PositionFrom(ctx)
	if p == nil {
		return nil
	}
	var l int64
	if qerr := db.write.QueryRowContext(context.WithoutCancel(ctx),
		`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint`).Scan(&l); qerr != nil {
		// The write is committed; without its position, this reader
		// reads from the primary until its entry is forgotten.
		p.Advance(LSN(math.MaxUint64))
		return nil
	}
	p.Advance(LSN(l))
	return nil
}

func (rs *replicaSet) loop() {
	defer close(rs.done)
	t := time.NewTicker(rs.opts.Poll)
	defer t.Stop()
	for {
		select {
		case <-rs.stop:
			return
		case <-t.C:
			rs.poll(context.Background())
		}
	}
}

// poll reads the primary's WAL position, then each replica's replay
// position, and decides which replicas reads may go to.
func (rs *replicaSet) poll(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, max(time.Second, 5*rs.opts.Poll))
	defer cancel()
	var primary int64
	if err := rs.db.write.QueryRowContext(ctx, `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint`).Scan(&primary); err == nil {
		rs.mu.Lock()
		rs.samples = append(rs.samples, walSample{at: time.Now(), lsn: LSN(primary)})
		// Keep the samples of MaxLag and one before.
		cut := 0
		for cut < len(rs.samples)-1 && time.Since(rs.samples[cut+1].at) > rs.opts.MaxLag {
			cut++
		}
		rs.samples = rs.samples[cut:]
		rs.mu.Unlock()
	}
	var wg sync.WaitGroup
	for _, r := range rs.list {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rs.check(ctx, r)
		}()
	}
	wg.Wait()
}

func (rs *replicaSet) check(ctx context.Context, r *replica) {
	var standby bool
	var replay sql.NullInt64
	err := r.pool.QueryRowContext(ctx, `SELECT pg_is_in_recovery(), pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::bigint`).
		Scan(&standby, &replay)
	switch {
	case err != nil:
		r.down(err)
		return
	case !standby || !replay.Valid:
		r.down(errors.New(errNotStandby))
		return
	}
	r.replay.Store(uint64(replay.Int64))
	rs.mu.Lock()
	lag := replicaLag(rs.samples, LSN(replay.Int64), time.Now())
	rs.mu.Unlock()
	r.lag.Store(int64(lag))
	if lag > rs.opts.MaxLag {
		r.down(fmt.Errorf("lags %s behind the primary (more than %s)", lag.Round(time.Millisecond), rs.opts.MaxLag))
		return
	}
	r.err.Store("")
	r.up.Store(true)
}

// replicaLag is how long, at now, a replica that has replayed up to
// replay has been missing WAL that the primary had: the age of the oldest
// sample of the primary's WAL position it has not reached (0 if it has
// reached the newest; the age of the oldest kept if it has reached none).
// It errs short by at most one poll.
func replicaLag(samples []walSample, replay LSN, now time.Time) time.Duration {
	for i := len(samples) - 1; i >= 0; i-- {
		if replay >= samples[i].lsn {
			if i == len(samples)-1 {
				return 0
			}
			return now.Sub(samples[i+1].at)
		}
	}
	if len(samples) == 0 {
		return 0
	}
	return now.Sub(samples[0].at)
}

func (rs *replicaSet) close() error {
	close(rs.stop)
	<-rs.done
	return rs.closePools()
}

func (rs *replicaSet) closePools() error {
	var errs []error
	for _, r := range rs.list {
		errs = append(errs, r.pool.Close())
	}
	return errors.Join(errs...)
}
