package jobs_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/minsheng/minsheng/jobs"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// The worker processes of TestProcesses are this test binary run again with
// these variables set; it then acts as a server process that runs the
// scheduler (TestHelperWorker), so that no test handler ships in the
// product binary.
const (
	envWorkerDSN  = "MINSHENG_JOBS_WORKER_DSN"
	envWorkerNode = "MINSHENG_JOBS_WORKER_NODE"
	// envWorkerStall makes the worker stall for good inside the
	// transaction of a job, after writing the file envWorkerMarker: the
	// first job after it has done at least this many and the gate of the
	// other workers is open.
	envWorkerStall  = "MINSHENG_JOBS_WORKER_STALL"
	envWorkerMarker = "MINSHENG_JOBS_WORKER_MARKER"
	// envWorkerGate names a folder: the worker writes ready-NODE in it
	// when it is ready and starts once the file go-NODE is there.
	envWorkerGate = "MINSHENG_JOBS_WORKER_GATE"
)

// workerLease is the lease of the worker processes: short, so that the
// test does not wait long for the killed worker's jobs.
const workerLease = 3 * time.Second

// TestHelperWorker is not a test: it is the body of a worker process
// started by TestProcesses.
func TestHelperWorker(t *testing.T) {
	dsn := os.Getenv(envWorkerDSN)
	if dsn == "" {
		t.Skip("helper process of TestProcesses")
	}
	node := os.Getenv(envWorkerNode)
	stallAt, _ := strconv.Atoi(os.Getenv(envWorkerStall))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	s := jobs.New(db, jobs.Options{Node: node, Lease: workerLease, PollInterval: 20 * time.Millisecond, Batch: 5, Logger: log})
	var handled atomic.Int64
	s.Register("effect", func(ctx context.Context, tx *store.Tx, j *jobs.Job) error {
		if _, err := tx.Exec(ctx, `INSERT INTO effects (job_id, node) VALUES (?, ?)`, j.ID, node); err != nil {
			return err
		}
		if handled.Add(1) > int64(stallAt) && stallAt > 0 && exists(filepath.Join(os.Getenv(envWorkerGate), "go-w2")) {
			// Die mid-run: the effect above is written but not committed,
			// the batch's jobs are claimed, and this process hangs until
			// the test kills it.
			os.WriteFile(os.Getenv(envWorkerMarker), []byte(node), 0o644)
			select {}
		}
		return nil
	})
	gate := os.Getenv(envWorkerGate)
	os.WriteFile(filepath.Join(gate, "ready-"+node), nil, 0o644)
	for {
		if exists(filepath.Join(gate, "go-"+node)) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	// Stop when no job is left to do.
	go func() {
		for ctx.Err() == nil {
			var live int
			err := db.Read(ctx, func(tx *store.Tx) error {
				return tx.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE status IN ('pending', 'running')`).Scan(&live)
			})
			if err == nil && live == 0 {
				cancel()
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	if err := s.Run(ctx); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "worker %s: claimed %d, done %d, lost %d\n", node,
		s.Stats().Claimed.Load(), s.Stats().Done.Load(), s.Stats().Lost.Load())
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// worker is a running worker process.
type worker struct {
	node   string
	cmd    *exec.Cmd
	out    *syncBuffer
	exited chan struct{} // closed when the process has exited
	err    error         // how it exited
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func startWorker(t *testing.T, dsn, gate, node string, env ...string) *worker {
	t.Helper()
	w := &worker{node: node, out: &syncBuffer{}, exited: make(chan struct{})}
	w.cmd = exec.Command(os.Args[0], "-test.run=^TestHelperWorker$", "-test.count=1", "-test.timeout=5m")
	w.cmd.Env = append(os.Environ(), append([]string{envWorkerDSN + "=" + dsn, envWorkerNode + "=" + node, envWorkerGate + "=" + gate}, env...)...)
	w.cmd.Stdout, w.cmd.Stderr = w.out, w.out
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		w.err = w.cmd.Wait()
		close(w.exited)
	}()
	t.Cleanup(func() {
		w.cmd.Process.Kill()
		<-w.exited
		if t.Failed() {
			t.Logf("worker %s output:\n%s", node, w.out.String())
		}
	})
	return w
}

// TestProcesses proves that each job takes effect exactly once with three
// real processes on one database, one of them killed with SIGKILL in the
// middle of a batch: its committed jobs stay done once, its uncommitted
// ones are rolled back by the database and taken over by the others when
// its lease ends. It runs on SQLite (three processes on one file) and, when
// MINSHENG_TEST_POSTGRES is set, on PostgreSQL.
func TestProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			if dialect == "postgres" && os.Getenv(storetest.EnvPostgres) == "" {
				t.Skipf("%s is not set: the PostgreSQL run needs a server", storetest.EnvPostgres)
			}
			testProcesses(t, dialect)
		})
	}
}

func testProcesses(t *testing.T, dialect string) {
	const n = 600
	ctx := context.Background()
	dsn := storetest.DSN(t, dialect)
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	mustEffects(t, db)
	err = db.Write(ctx, func(tx *store.Tx) error {
		for i := 0; i < n; i++ {
			if _, err := jobs.Enqueue(ctx, tx, jobs.Spec{Kind: "effect", Key: fmt.Sprint("job-", i), RunAt: time.Now().Add(-time.Second)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	gate := t.TempDir()
	marker := filepath.Join(t.TempDir(), "stalled")
	// The victim starts first, so that it surely has work (on SQLite a
	// process can lose the race for the write lock many times in a row).
	// Once it has committed a batch the others start, and it stalls in the
	// transaction of its next batch after its sixth job.
	victim := startWorker(t, dsn, gate, "victim", envWorkerStall+"=6", envWorkerMarker+"="+marker)
	others := []*worker{startWorker(t, dsn, gate, "w2"), startWorker(t, dsn, gate, "w3")}

	deadline := time.Now().Add(2 * time.Minute)
	for _, w := range append(others, victim) {
		for {
			if _, err := os.Stat(filepath.Join(gate, "ready-"+w.node)); err == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("worker %s did not start within 2 minutes:\n%s", w.node, w.out.String())
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	open := func(node string) {
		if err := os.WriteFile(filepath.Join(gate, "go-"+node), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	open("victim")
	for {
		var done int
		err := db.Read(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT COUNT(*) FROM effects WHERE node = 'victim'`).Scan(&done)
		})
		if err != nil {
			t.Fatal(err)
		}
		if done > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the victim did no job within 2 minutes:\n%s", victim.out.String())
		}
		time.Sleep(2 * time.Millisecond)
	}
	open("w3")
	open("w2")
	for {
		if _, err := os.Stat(marker); err == nil {
			break
		}
		select {
		case <-victim.exited:
			t.Fatalf("the victim exited before it stalled (%v):\n%s", victim.err, victim.out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the victim did not stall within 2 minutes:\n%s", victim.out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	stalledAt := time.Now() // the victim claimed its last batch before this
	// The victim hangs inside its transaction, holding its batch.
	var held []int64
	err = db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id FROM jobs WHERE node = 'victim' AND status = 'running'`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			held = append(held, id)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(held) == 0 {
		t.Fatal("the stalled victim holds no jobs")
	}
	if err := victim.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-victim.exited
	killedAt := time.Now()

	for _, w := range others {
		select {
		case <-w.exited:
			if w.err != nil {
				t.Fatalf("worker %s: %v\n%s", w.node, w.err, w.out.String())
			}
		case <-time.After(time.Until(deadline)):
			t.Fatalf("worker %s did not finish within 2 minutes", w.node)
		}
	}
	t.Logf("%s: victim killed holding %d jobs; the others finished %v later", dialect, len(held), time.Since(killedAt).Round(time.Millisecond))

	rows, distinct := effectCounts(t, db)
	if rows != n || distinct != n {
		t.Fatalf("%d effects of %d distinct jobs; want each of %d jobs exactly once", rows, distinct, n)
	}
	var notDone, victimEffects, victimJobs int
	err = db.Read(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE status <> 'done'`).Scan(&notDone); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE node = 'victim'`).Scan(&victimJobs); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT COUNT(*) FROM effects WHERE node = 'victim'`).Scan(&victimEffects)
	})
	if err != nil {
		t.Fatal(err)
	}
	if notDone != 0 {
		t.Fatalf("%d jobs not done", notDone)
	}
	// What the victim committed before its last batch stays, once; the
	// effects it wrote in its last transaction (at least two) are gone.
	if victimEffects != victimJobs || victimEffects == 0 {
		t.Fatalf("the victim left %d effects and %d jobs done; want the same number, at least one", victimEffects, victimJobs)
	}
	// The jobs the victim held were taken over after its lease.
	for _, id := range held {
		var j *store.Job
		var by string
		err := db.Read(ctx, func(tx *store.Tx) error {
			var err error
			if j, err = store.GetJob(ctx, tx, id); err != nil {
				return err
			}
			return tx.QueryRow(ctx, `SELECT node FROM effects WHERE job_id = ?`, id).Scan(&by)
		})
		if err != nil {
			t.Fatal(err)
		}
		if j.Status != store.JobDone || j.Attempts != 2 || by == "victim" || j.Node == "victim" {
			t.Fatalf("job %d held by the victim: status %s, attempts %d, done by %s (effect by %s); want done on the second attempt by another worker",
				id, j.Status, j.Attempts, j.Node, by)
		}
		if earliest := stalledAt.Add(workerLease - time.Second); j.DoneAt.Before(earliest) {
			t.Fatalf("job %d was taken over at %v, before the victim's lease could have ended (%v)", id, j.DoneAt, earliest)
		}
	}
}
