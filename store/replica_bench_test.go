package store_test

import (
	"context"
	"database/sql"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// BenchmarkReplica measures, against a streaming replica started by the
// benchmark on the same machine (storetest.StartReplica), the newest list
// page read by 32 clients on the primary alone and on the replica, and the
// replica's lag: how long after a ticket's creation commits the replica
// has replayed it, with 32 clients creating tickets.
//
//	MINSHENG_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test \
//	  go test ./store -run '^$' -bench BenchmarkReplica -benchtime 5s
func BenchmarkReplica(b *testing.B) {
	ctx := context.Background()
	dsn := storetest.DSN(b, "postgres")
	db, err := store.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	o := newBenchOrg(b, db)
	benchFill(b, db, o, 20_000, 1)
	rep := storetest.StartReplica(b)
	rep.WaitFor(ctx)
	if err := db.UseReplicas(ctx, []string{rep.URL(dsn)}, store.ReplicaOptions{}); err != nil {
		b.Fatal(err)
	}
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		if stats, _ := db.Replicas(); stats[0].Up {
			break
		} else if time.Now().After(deadline) {
			b.Fatalf("the replica is not up: %+v", stats[0])
		}
	}

	list := func(b *testing.B, ctx context.Context) {
		before, _ := db.Replicas()
		b.SetParallelism(16)
		b.ResetTimer()
		start := time.Now()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				err := db.Read(ctx, func(tx *store.Tx) error {
					_, err := store.ListTickets(ctx, tx, store.TicketFilter{Limit: 51})
					return err
				})
				if err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.StopTimer()
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "reads/s")
		after, _ := db.Replicas()
		b.ReportMetric(float64(after[0].Reads-before[0].Reads)/float64(b.N), "on-replica")
	}
	b.Run("list/primary", func(b *testing.B) { list(b, ctx) })
	b.Run("list/replica", func(b *testing.B) { list(b, store.WithReplicaReads(ctx)) })

	b.Run("lag", func(b *testing.B) {
		// One connection asks the replica how far it has replayed, as
		// often as it answers, and records when each position was
		// first reached.
		rdb, err := sql.Open("pgx", rep.URL(dsn))
		if err != nil {
			b.Fatal(err)
		}
		defer rdb.Close()
		type commit struct {
			lsn store.LSN
			at  time.Time
		}
		var mu sync.Mutex
		var commits []commit
		var lags []time.Duration
		stop := make(chan struct{})
		watched := make(chan struct{})
		go func() {
			defer close(watched)
			for {
				var l int64
				err := rdb.QueryRowContext(ctx, `SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::bigint`).Scan(&l)
				now := time.Now()
				mu.Lock()
				if err == nil {
					kept := commits[:0]
					for _, c := range commits {
						if store.LSN(l) >= c.lsn {
							lags = append(lags, now.Sub(c.at))
						} else {
							kept = append(kept, c)
						}
					}
					commits = kept
				}
				n := len(commits)
				mu.Unlock()
				select {
				case <-stop:
					if n == 0 || err != nil {
						return
					}
				default:
				}
			}
		}()
		var seq sync.Mutex
		var seed uint64 = 500
		n := 0
		b.SetParallelism(16)
		b.ResetTimer()
		start := time.Now()
		b.RunParallel(func(pb *testing.PB) {
			seq.Lock()
			seed++
			g := newBenchGen(o, seed)
			seq.Unlock()
			for pb.Next() {
				seq.Lock()
				n++
				key := "lag-" + strconv.Itoa(n)
				seq.Unlock()
				p := &store.Position{}
				if err := benchCreate(store.WithPosition(ctx, p), db, o, g.newRegistered(time.Now()), key); err != nil {
					b.Error(err)
					return
				}
				mu.Lock()
				commits = append(commits, commit{lsn: p.LSN(), at: time.Now()})
				mu.Unlock()
			}
		})
		b.StopTimer()
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "creates/s")
		close(stop)
		<-watched
		benchLatency(b, lags)
		stats, _ := db.Replicas()
		b.ReportMetric(float64(stats[0].Lag)/float64(time.Millisecond), "polled-lag-ms")
	})
}
