package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

// openWithReplica opens a migrated PostgreSQL test database, starts a
// streaming replica of the cluster, and sends the reads that allow it to
// the replica. It waits until the replica is in use.
func openWithReplica(t *testing.T, maxLag time.Duration) (*store.DB, *storetest.Replica, *benchOrg, string) {
	t.Helper()
	ctx := context.Background()
	dsn := storetest.DSN(t, "postgres")
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	o := newBenchOrg(t, db)
	rep := storetest.StartReplica(t)
	rep.WaitFor(ctx)
	if err := db.UseReplicas(ctx, []string{rep.URL(dsn)}, store.ReplicaOptions{MaxLag: maxLag, Poll: 20 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	waitReplica(t, db, true)
	return db, rep, o, dsn
}

// waitReplica waits until the poller finds the replica up (or down).
func waitReplica(t *testing.T, db *store.DB, up bool) store.ReplicaStat {
	t.Helper()
	for deadline := time.Now().Add(storetest.Patience); ; time.Sleep(10 * time.Millisecond) {
		stats, _ := db.Replicas()
		if len(stats) != 1 {
			t.Fatalf("replicas: %+v", stats)
		}
		if stats[0].Up == up || time.Now().After(deadline) {
			if stats[0].Up != up {
				t.Fatalf("the replica is not up=%v after %s: %+v", up, storetest.Patience, stats[0])
			}
			return stats[0]
		}
	}
}

// findTicket reads the ticket in a Read with ctx, and tells whether it
// was there.
func findTicket(t *testing.T, ctx context.Context, db *store.DB, id int64) bool {
	t.Helper()
	err := db.Read(ctx, func(tx *store.Tx) error {
		_, err := store.GetTicket(ctx, tx, id)
		return err
	})
	if minsheng.ErrorCode(err) == minsheng.ENOTFOUND {
		return false
	}
	if err != nil {
		t.Fatalf("read ticket %d: %v", id, err)
	}
	return true
}

// listed tells whether the ticket is on the first page of the newest
// tickets, read with ctx.
func listed(t *testing.T, ctx context.Context, db *store.DB, id int64) bool {
	t.Helper()
	var ts []*ticket.Ticket
	err := db.Read(ctx, func(tx *store.Tx) (err error) {
		ts, err = store.ListTickets(ctx, tx, store.TicketFilter{Limit: 51})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range ts {
		if tk.ID == id {
			return true
		}
	}
	return false
}

func replicaReads(db *store.DB) int64 {
	stats, _ := db.Replicas()
	return stats[0].Reads
}

// A user who has just written reads it back at once, even while the
// replica has stopped replaying; another user's reads are served by the
// replica, which does not have it yet; reads go to the primary when the
// replica is down, and to it again when it is back; and a replica that
// lags too far is skipped.
func TestReplicaReads(t *testing.T) {
	// A long MaxLag: the paused replica stays in use, so that the test
	// shows which reads go to it.
	db, rep, o, dsn := openWithReplica(t, time.Hour)
	base := context.Background()
	writer := store.WithReplicaReads(store.WithPosition(base, &store.Position{}))
	other := store.WithReplicaReads(store.WithPosition(base, &store.Position{}))

	rep.Exec(`SELECT pg_wal_replay_pause()`)
	g := newBenchGen(o, 7)
	tk := g.newRegistered(time.Now())
	if err := benchCreate(writer, db, o, tk, "replica-1"); err != nil {
		t.Fatal(err)
	}
	if store.PositionFrom(writer).LSN() == 0 {
		t.Fatal("the write did not record its WAL position")
	}

	before := replicaReads(db)
	if findTicket(t, other, db, tk.ID) || listed(t, other, db, tk.ID) {
		t.Fatal("another user's read found the new ticket: it did not run on the paused replica")
	}
	if got := replicaReads(db) - before; got != 2 {
		t.Fatalf("the replica served %d of the other user's 2 reads", got)
	}
	before = replicaReads(db)
	if !findTicket(t, writer, db, tk.ID) || !listed(t, writer, db, tk.ID) {
		t.Fatal("the user who created the ticket does not see it")
	}
	if got := replicaReads(db) - before; got != 0 {
		t.Fatalf("the replica, which has not replayed the write, served %d of the writer's reads", got)
	}
	if !findTicket(t, base, db, tk.ID) {
		t.Fatal("a read without replica reads (on the primary) does not see the ticket")
	}

	// Replay again: the other user sees the ticket on the replica, and
	// the writer's reads go to the replica once it has the write.
	rep.Exec(`SELECT pg_wal_replay_resume()`)
	for deadline := time.Now().Add(storetest.Patience); !findTicket(t, other, db, tk.ID); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the resumed replica has not replayed the ticket in %s", storetest.Patience)
		}
	}
	for deadline := time.Now().Add(storetest.Patience); ; time.Sleep(10 * time.Millisecond) {
		before = replicaReads(db)
		if !listed(t, writer, db, tk.ID) {
			t.Fatal("the writer's list lost the ticket")
		}
		if replicaReads(db) > before {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the writer's reads do not go to the replica that has their write")
		}
	}

	// Down: reads still answer, from the primary, with the newest data.
	rep.Stop()
	tk2 := g.newRegistered(time.Now())
	if err := benchCreate(base, db, o, tk2, "replica-2"); err != nil {
		t.Fatal(err)
	}
	if !findTicket(t, other, db, tk2.ID) {
		t.Fatal("with the replica down, a read did not see the newest ticket")
	}
	st := waitReplica(t, db, false)
	if st.Err == "" {
		t.Fatalf("a replica that is down has no reason: %+v", st)
	}
	_, onPrimary := db.Replicas()
	if onPrimary == 0 {
		t.Fatal("no read counted on the primary while the replica was down")
	}

	// Back: in use again.
	rep.Start()
	waitReplica(t, db, true)
	for deadline := time.Now().Add(storetest.Patience); ; time.Sleep(10 * time.Millisecond) {
		before = replicaReads(db)
		if findTicket(t, other, db, tk2.ID) && replicaReads(db) > before {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("reads do not go to the replica after it came back")
		}
	}

	// A replica further behind than MaxLag is skipped, and used again
	// once it has caught up (another app node, with a short MaxLag).
	short, err := db.Another(base)
	if err != nil {
		t.Fatal(err)
	}
	defer short.Close()
	if err := short.UseReplicas(base, []string{rep.URL(dsn)}, store.ReplicaOptions{MaxLag: 300 * time.Millisecond,
		Poll: 20 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	waitReplica(t, short, true)
	rep.Exec(`SELECT pg_wal_replay_pause()`)
	tk3 := g.newRegistered(time.Now())
	if err := benchCreate(base, short, o, tk3, "replica-3"); err != nil {
		t.Fatal(err)
	}
	if st = waitReplica(t, short, false); !strings.Contains(st.Err, "lags") {
		t.Fatalf("the paused replica is down for another reason: %+v", st)
	}
	before = replicaReads(short)
	if !findTicket(t, other, short, tk3.ID) {
		t.Fatal("a read while the replica lags did not see the newest ticket")
	}
	if replicaReads(short) != before {
		t.Fatal("the lagging replica served a read")
	}
	rep.Exec(`SELECT pg_wal_replay_resume()`)
	waitReplica(t, short, true)
}

// Replicas are PostgreSQL's: on SQLite the option is refused, and so is a
// "replica" that is not a standby.
func TestReplicaRefused(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, "sqlite")
	err := db.UseReplicas(ctx, []string{"postgres://127.0.0.1:1/x"}, store.ReplicaOptions{})
	if err == nil || !strings.Contains(err.Error(), "PostgreSQL") {
		t.Fatalf("SQLite with a replica: %v", err)
	}
	dsn := storetest.DSN(t, "postgres")
	pg, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	err = pg.UseReplicas(ctx, []string{dsn}, store.ReplicaOptions{})
	if err == nil || !strings.Contains(err.Error(), "not a standby") {
		t.Fatalf("the primary given as its own replica: %v", err)
	}
	if stats, _ := pg.Replicas(); len(stats) != 0 {
		t.Fatalf("a refused replica is in use: %+v", stats)
	}
}
