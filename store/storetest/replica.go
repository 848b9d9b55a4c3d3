package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Patience is how long the replica tests wait for a replica to catch up or
// come back: it replays the WAL of the whole test cluster, which other
// tests may be loading.
const Patience = 3 * time.Minute

// Replica is a PostgreSQL streaming replica of the cluster at
// MINSHENG_TEST_POSTGRES, started by a test in a folder of its own.
type Replica struct {
	t       testing.TB
	dir     string
	port    int
	bin     string
	primary string // the primary's URL
}

// StartReplica takes a base backup (pg_basebackup) of the test cluster and
// starts it as a hot standby streaming from it, on a free port, as the
// operating system's postgres user; it stops and removes it when the test
// ends. It skips the test, saying why, where that cannot be done: no
// MINSHENG_TEST_POSTGRES, no PostgreSQL binaries, no postgres user to run
// them as, or a primary that refuses replication connections (pg_hba.conf
// needs "host replication all 127.0.0.1/32 trust"; .ci/run adds it).
func StartReplica(t testing.TB) *Replica {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Skipf("%s is not set: the replica tests need the PostgreSQL test cluster", EnvPostgres)
	}
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_basebackup")
	if len(bins) == 0 {
		t.Skip("no /usr/lib/postgresql/*/bin/pg_basebackup: cannot start a replica")
	}
	bin := filepath.Dir(bins[len(bins)-1])
	pg, err := user.Lookup("postgres")
	if err != nil || os.Geteuid() != 0 {
		t.Skip("a replica is started as the postgres user, which needs root and a postgres user")
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvPostgres, err)
	}
	parent, err := os.MkdirTemp("", "minsheng-replica-")
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := strconv.Atoi(pg.Uid)
	gid, _ := strconv.Atoi(pg.Gid)
	if err := os.Chown(parent, uid, gid); err != nil {
		t.Fatal(err)
	}
	r := &Replica{t: t, dir: filepath.Join(parent, "data"), port: freePort(t), bin: bin, primary: base}
	t.Cleanup(func() {
		r.stop("immediate") // its data is thrown away
		os.RemoveAll(parent)
	})
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "5432"
	}
	// -R writes standby.signal and primary_conninfo; -X stream copies the
	// WAL written during the backup; -c fast does not wait for a checkpoint.
	out, err := r.asPostgres(bin+"/pg_basebackup", "-h", host, "-p", port, "-U", u.User.Username(),
		"-D", r.dir, "-R", "-X", "stream", "-c", "fast")
	if err != nil {
		if strings.Contains(out, "pg_hba.conf") || strings.Contains(out, "replication") {
			t.Skipf("the primary refuses replication connections (add \"host replication all 127.0.0.1/32 trust\" "+
				"to its pg_hba.conf, as .ci/run does): %s", out)
		}
		t.Fatalf("pg_basebackup: %v: %s", err, out)
	}
	// Debian keeps the configuration outside the data folder; the replica
	// gets its own.
	conf := fmt.Sprintf("port = %d\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\n"+
		"hot_standby = on\nhot_standby_feedback = on\nmax_connections = 100\nshared_buffers = 128MB\n"+
		"fsync = off\nlogging_collector = off\n", r.port, parent)
	hba := "local all all trust\nhost all all 127.0.0.1/32 trust\n"
	for name, text := range map[string]string{"postgresql.conf": conf, "pg_hba.conf": hba} {
		p := filepath.Join(r.dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		os.Chown(p, uid, gid)
	}
	os.Remove(filepath.Join(r.dir, "postmaster.pid"))
	r.Start()
	return r
}

func (r *Replica) asPostgres(name string, args ...string) (string, error) {
	cmd := exec.Command("runuser", append([]string{"-u", "postgres", "--", name}, args...)...)
	cmd.Dir = "/"
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// Start starts the replica (again) and waits until it accepts reads.
func (r *Replica) Start() {
	r.t.Helper()
	out, err := r.asPostgres(r.bin+"/pg_ctl", "-D", r.dir, "-l", filepath.Join(filepath.Dir(r.dir), "log"), "-w", "-t", "300", "start")
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(filepath.Dir(r.dir), "log"))
		r.t.Fatalf("start replica: %v: %s\n%s", err, out, log)
	}
}

// Stop stops the replica, closing its connections (pg_ctl stop -m fast:
// after an immediate stop it would replay all the WAL since its last
// restart point when started again, which on the busy shared test
// cluster can take minutes).
func (r *Replica) Stop() { r.stop("fast") }

func (r *Replica) stop(mode string) {
	if _, err := os.Stat(filepath.Join(r.dir, "postmaster.pid")); err != nil {
		return
	}
	r.asPostgres(r.bin+"/pg_ctl", "-D", r.dir, "-m", mode, "-w", "-t", "120", "stop")
}

// URL is the replica's URL for the database and search_path of the
// primary's URL dsn (as DSN returns it).
func (r *Replica) URL(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		r.t.Fatal(err)
	}
	u.Host = net.JoinHostPort("127.0.0.1", strconv.Itoa(r.port))
	return u.String()
}

// Exec runs a statement on the replica (pg_wal_replay_pause(), …).
func (r *Replica) Exec(query string) {
	r.t.Helper()
	db, err := sql.Open("pgx", r.URL(r.primary))
	if err != nil {
		r.t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query); err != nil {
		r.t.Fatalf("replica: %s: %v", query, err)
	}
}

// WaitFor waits until the replica has replayed everything the primary has
// written so far.
func (r *Replica) WaitFor(ctx context.Context) {
	r.t.Helper()
	p, err := sql.Open("pgx", r.primary)
	if err != nil {
		r.t.Fatal(err)
	}
	defer p.Close()
	var lsn string
	if err := p.QueryRowContext(ctx, `SELECT pg_current_wal_lsn()::text`).Scan(&lsn); err != nil {
		r.t.Fatal(err)
	}
	s, err := sql.Open("pgx", r.URL(r.primary))
	if err != nil {
		r.t.Fatal(err)
	}
	defer s.Close()
	for deadline := time.Now().Add(Patience); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		var ok bool
		if err := s.QueryRowContext(ctx, `SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn`, lsn).Scan(&ok); err == nil && ok {
			return
		}
	}
	r.t.Fatalf("the replica has not replayed %s in %s", lsn, Patience)
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
