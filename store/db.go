// Package store keeps the platform's data in SQL, on embedded SQLite
// (modernc.org/sqlite, pure Go) or on PostgreSQL (pgx). The same code serves
// both: queries are written with ? placeholders and rebound for PostgreSQL,
// and every other dialect difference lives in dialect.go and the
// per-dialect migration folders.
//
// Use cases open one transaction with DB.Write (or DB.Read) and pass the
// *Tx to the functions of this package, one file per noun. A Write inside
// another fails with ErrNestedWrite; ids for rows written in a Write come
// from Tx.NextID.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// DB is an open database. On SQLite it holds two pools: one connection for
// writes (SQLite has one writer at a time; queuing in Go is cheaper than
// SQLITE_BUSY retries) and several read-only connections, which WAL lets
// run beside the writer. On PostgreSQL both are the same pool.
type DB struct {
	write   *sql.DB
	read    *sql.DB
	dialect Dialect
	dsn     string

	ids idAllocator

	rebound sync.Map // query with ? → query with $n (PostgreSQL only)

	// Prepared statements of each SQLite pool (nil on PostgreSQL, where
	// pgx keeps its own per connection).
	writeStmts, readStmts *stmtCache

	batch *batcher // SQLite: writes that queue are committed together

	ckpt *checkpointer // SQLite: copies the WAL into the database off the write path

	folder *statFolder // PostgreSQL: folds the summaries' delta rows (statfold.go)

	numbers numberBlocks // PostgreSQL: ticket numbers handed out by this process (numbers.go)

	months ticketMonths // PostgreSQL: the months whose ticket partitions this process has made or seen (partitions.go)

	replicas atomic.Pointer[replicaSet] // PostgreSQL: streaming replicas for reads (replica.go), or nil
}

// sqliteParams are the connection settings of every SQLite connection.
const sqliteParams = "_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)" +
	"&_pragma=synchronous(NORMAL)&_time_format=sqlite"

// Open connects to the database named by dsn: "sqlite:PATH" (PATH may be
// ":memory:" only for throwaway use, since each connection would get its own
// database) or a "postgres://" / "postgresql://" URL. It does not migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	db := &DB{dsn: dsn}
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		db.dialect = SQLite
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == "" {
			return nil, errors.New("open database: sqlite: needs a file path")
		}
		params := sqliteParams
		// The WAL is copied into the database (a checkpoint, two fsyncs)
		// by a connection of its own in the background (checkpoint.go).
		// The writer does it itself only past 50,000 pages (200 MB), as
		// a backstop: with SQLite's 1,000, at about 45 pages a ticket, it
		// stalled for a checkpoint every 20 tickets, a quarter of its time
		// under load, and every write queued behind (docs/performance.md).
		// temp_store(MEMORY) keeps the savepoints' journals of the group
		// commit (batch.go) in memory instead of temporary files.
		w, err := sql.Open("sqlite", "file:"+path+"?"+params+
			"&_pragma=wal_autocheckpoint(50000)&_pragma=temp_store(MEMORY)&_txlock=immediate")
		if err != nil {
			return nil, fmt.Errorf("open database: %w", err)
		}
		w.SetMaxOpenConns(1)
		w.SetMaxIdleConns(1)
		w.SetConnMaxLifetime(0)
		r, err := sql.Open("sqlite", "file:"+path+"?"+params+"&_pragma=query_only(1)")
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("open database: %w", err)
		}
		n := max(4, runtime.GOMAXPROCS(0)*2)
		r.SetMaxOpenConns(n)
		r.SetMaxIdleConns(n)
		db.write, db.read = w, r
		db.writeStmts, db.readStmts = newStmtCache(w), newStmtCache(r)
		db.batch = &batcher{db: db}
		if db.ckpt, err = startCheckpointer("file:"+path+"?"+params, checkpointInterval); err != nil {
			w.Close()
			r.Close()
			return nil, fmt.Errorf("open database: %w", err)
		}
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		db.dialect = Postgres
		p, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open database: %w", err)
		}
		p.SetMaxOpenConns(32)
		p.SetMaxIdleConns(32)
		db.write, db.read = p, p
		db.folder = startStatFolder(db, statFoldInterval)
	default:
		return nil, fmt.Errorf("open database: %q is neither sqlite:PATH nor a postgres:// URL", redactDSN(dsn))
	}
	// The first write connection creates the SQLite file and switches it to
	// WAL before any reader opens it.
	if err := db.write.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", redactDSN(dsn), err)
	}
	return db, nil
}

// Close closes the pools.
func (db *DB) Close() error {
	var errs []error
	if db.folder != nil {
		db.folder.close()
	}
	if rs := db.replicas.Load(); rs != nil {
		errs = append(errs, rs.close())
	}
	errs = append(errs, db.numbers.close(), db.months.close())
	if db.ckpt != nil {
		errs = append(errs, db.ckpt.close())
	}
	for _, c := range []*stmtCache{db.writeStmts, db.readStmts} {
		if c != nil {
			errs = append(errs, c.close())
		}
	}
	if db.write != nil {
		errs = append(errs, db.write.Close())
	}
	if db.read != nil && db.read != db.write {
		errs = append(errs, db.read.Close())
	}
	return errors.Join(errs...)
}

// Dialect tells which database this is.
func (db *DB) Dialect() Dialect { return db.dialect }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.mapError(db.read.PingContext(ctx)) }

// Write runs fn in a read-write transaction and commits it if fn returns
// nil. On SQLite the transaction takes the write lock at BEGIN, so two
// writers never read the same row and then both change it; writes that
// queue meanwhile are committed together, each in a savepoint of its own
// (batch.go).
//
// A Write called by the fn of another Write (of this or another handle),
// or by anything fn calls in its goroutine, returns ErrNestedWrite at once:
// fn must pass its *Tx down. Writes from different goroutines run side by
// side as before (nested.go).
func (db *DB) Write(ctx context.Context, fn func(*Tx) error) error {
	if insideWrite() {
		return ErrNestedWrite
	}
	if db.batch != nil {
		return db.batch.write(ctx, fn)
	}
	return db.wrote(ctx, db.transact(ctx, db.write, db.writeStmts, true, fn))
}

// Read runs fn in a transaction on the read pool, for a consistent view
// over several queries. With replicas (UseReplicas) and a context that
// allows it (WithReplicaReads), it may run on a replica instead.
func (db *DB) Read(ctx context.Context, fn func(*Tx) error) error {
	if rs := db.replicas.Load(); rs != nil {
		if done, err := db.readReplica(ctx, rs, fn); done {
			return err
		}
	}
	return db.transact(ctx, db.read, db.readStmts, false, fn)
}

// ReadAlone runs fn on the read pool without a transaction: each statement
// sees the database as of its own start. It is for a fn that runs one
// statement (the user of a session or token, a lookup by key), which
// needs no transaction to be consistent: it saves Read's BEGIN and
// COMMIT, which on SQLite are two more statements compiled and run, and
// under load a tenth of the CPU time of a request that reads one row
// (docs/performance.md). A fn that reads twice and needs both reads to
// agree must use Read.
func (db *DB) ReadAlone(ctx context.Context, fn func(*Tx) error) error {
	tx := &Tx{pool: db.read, db: db, stmts: db.readStmts}
	defer func() {
		if len(tx.missed) > 0 {
			db.readStmts.prepareLater(tx.missed)
		}
	}()
	return fn(tx)
}

func (db *DB) transact(ctx context.Context, pool *sql.DB, stmts *stmtCache, write bool, fn func(*Tx) error) (err error) {
	sqlTx, err := pool.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", db.mapError(err))
	}
	return db.run(sqlTx, stmts, write, fn)
}

// run runs fn in the transaction sqlTx, begun on a pool whose statements
// are stmts, and commits it if fn returns nil.
func (db *DB) run(sqlTx *sql.Tx, stmts *stmtCache, write bool, fn func(*Tx) error) (err error) {
	tx := &Tx{tx: sqlTx, db: db, stmts: stmts, write: write}
	defer func() {
		if len(tx.missed) > 0 {
			stmts.prepareLater(tx.missed)
		}
	}()
	defer func() {
		if p := recover(); p != nil {
			sqlTx.Rollback()
			panic(p)
		}
		if err != nil {
			sqlTx.Rollback()
			return
		}
		if cerr := sqlTx.Commit(); cerr != nil {
			err = fmt.Errorf("commit: %w", db.mapError(cerr))
			return
		}
		db.ids.give(tx.ids)
	}()
	if !write {
		if err := fn(tx); err != nil {
			return err
		}
		return runDeferred(tx, tx.deferred)
	}
	// The deferred work too is inside the Write (nested.go).
	return runWriteFn(func(tx *Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return runDeferred(tx, tx.deferred)
	}, tx)
}

// Tx is a transaction. Its methods take queries with ? placeholders.
type Tx struct {
	tx   *sql.Tx // nil in ReadAlone: each statement runs on its own, on pool
	pool *sql.DB
	db   *DB

	stmts   *stmtCache      // nil: statements are not cached
	missed  []string        // statements not in the cache yet
	queried map[string]bool // queries that have had rows in this transaction

	// noCancel: statements run to their end even when their context is
	// done, since interrupting one would roll back a whole group commit.
	noCancel bool

	write bool    // a Write's transaction: NextID may reserve ids in it
	ids   idRange // ids reserved in this transaction (NextID)

	deferred []func(*Tx) error // see Defer

	stats StatDeltas // SQLite: the summaries' changes of the writes run so far, written by runDeferred
}

// Defer runs fn in the transaction after the write's own function has
// returned without error, just before the commit; an error of fn fails
// the write (in a group commit, every write of the batch: the transaction
// is rolled back). It is for writes to SQLite's FTS5 index: FTS5 moves its
// pending changes to disk at every savepoint, and the group commit opens
// one for each write of a batch, so indexing inside them wrote a segment
// per ticket and then merged them (15% of a ticket's creation under load).
func (tx *Tx) Defer(fn func(*Tx) error) { tx.deferred = append(tx.deferred, fn) }

// runDeferred runs the functions given to Defer, in order, and then writes
// the summaries' changes they gathered (ApplyStats on SQLite).
func runDeferred(tx *Tx, fns []func(*Tx) error) error {
	for _, fn := range fns {
		if err := fn(tx); err != nil {
			return err
		}
	}
	if len(tx.stats) > 0 {
		d := tx.stats
		tx.stats = nil
		return applyStats(context.Background(), tx, d, false)
	}
	return nil
}

// Dialect tells which database the transaction is on.
func (tx *Tx) Dialect() Dialect { return tx.db.dialect }

// Exec runs a statement.
func (tx *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	query = tx.db.rebind(query)
	if tx.noCancel {
		ctx = context.WithoutCancel(ctx)
	}
	if s := tx.stmt(ctx, query); s != nil {
		res, err := s.ExecContext(ctx, args...)
		return res, tx.db.mapError(err)
	}
	res, err := tx.conn().ExecContext(ctx, query, args...)
	return res, tx.db.mapError(err)
}

// Query runs a query that returns rows.
func (tx *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	query = tx.db.rebind(query)
	if tx.noCancel {
		ctx = context.WithoutCancel(ctx)
	}
	// The first rows of a query in a transaction may come from its prepared
	// statement; later ones may not, since the first may still be open.
	if tx.stmts != nil && !tx.queried[query] {
		if tx.queried == nil {
			tx.queried = map[string]bool{}
		}
		tx.queried[query] = true
		if s := tx.stmt(ctx, query); s != nil {
			rows, err := s.QueryContext(ctx, args...)
			return rows, tx.db.mapError(err)
		}
	}
	rows, err := tx.conn().QueryContext(ctx, query, args...)
	return rows, tx.db.mapError(err)
}

// queryAll runs a query and returns its rows, each read by scan.
func queryAll[T any](ctx context.Context, tx *Tx, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, tx.db.mapError(rows.Err())
}

// scanString reads a row of one text column, for queryAll.
func scanString(s scanner) (string, error) {
	var v string
	err := s.Scan(&v)
	return v, err
}

// QueryRow runs a query that returns at most one row.
func (tx *Tx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	query = tx.db.rebind(query)
	if tx.noCancel {
		ctx = context.WithoutCancel(ctx)
	}
	if s := tx.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return tx.conn().QueryRowContext(ctx, query, args...)
}

// conn is what the statements of tx run on: its transaction, or the pool
// in ReadAlone.
func (tx *Tx) conn() interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	QueryRowContext(context.Context, string, ...any) *sql.Row
} {
	if tx.tx == nil {
		return tx.pool
	}
	return tx.tx
}

// stmt returns the prepared statement of the query for use in tx, or nil
// when it has none yet (it is then prepared after the transaction).
//
// A prepared SQLite statement can be stepped by one result at a time.
// Exec and QueryRow read their result at once. Query leaves its rows open
// to the caller, who may run the same query again before closing them, so
// it uses the prepared statement only for the first rows of a query in a
// transaction; every transaction must close its rows before it ends.
func (tx *Tx) stmt(ctx context.Context, query string) *sql.Stmt {
	if tx.stmts == nil {
		return nil
	}
	if s := tx.stmts.get(query); s != nil {
		if tx.tx == nil {
			return s // ReadAlone: the pool's statement, on any connection
		}
		return tx.tx.StmtContext(ctx, s)
	}
	tx.missed = append(tx.missed, query)
	return nil
}

// rebind turns ? placeholders into $1, $2 … for PostgreSQL. Queries in this
// package never contain a literal question mark.
func (db *DB) rebind(q string) string {
	if db.dialect != Postgres {
		return q
	}
	if v, ok := db.rebound.Load(q); ok {
		return v.(string)
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteByte(q[i])
	}
	out := b.String()
	db.rebound.Store(q, out)
	return out
}

// redactDSN hides a password in a URL so that it never reaches a log.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Another opens a second handle on the same database, with pools of its
// own, as another process (another app node) would.
func (db *DB) Another(ctx context.Context) (*DB, error) { return Open(ctx, db.dsn) }
