package store

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/minsheng/minsheng/stats"
)

// On PostgreSQL the summaries are written as delta rows, one set per
// connection, and folded into ticket_stats in the background (migration
// 202612071700_stats_deltas). Every change to a ticket adds to the day's
// rows of its unit and each unit above; written straight into ticket_stats
// those rows were locked by one change after the other until each commit,
// so creations ran one at a time on any number of app nodes
// (docs/performance.md). A delta row is keyed by the server process of the
// connection (pg_backend_pid()), which runs one transaction at a time, so
// no two transactions ever wait for each other's delta rows.
//
// Readers add ticket_stats and the deltas in one statement (SumStats), and
// the fold moves rows from one to the other in one statement, so a reader
// sees every committed change exactly once at every moment.

// statFoldInterval is how often the folder of each process tries to fold.
const statFoldInterval = time.Second

// statFoldLock is the advisory lock key of the fold: one fold at a time
// across every process on the database; a rebuild waits for it.
const statFoldLock = 0x6d73_7374_6674 // "msstft"

// statCols is the list of counter columns, comma-separated.
var statCols = strings.Join(stats.Columns, ", ")

// applyStatDeltas adds the rows (day, unit_id, dim, val, counts…; cols
// values each) to this connection's delta rows.
func applyStatDeltas(ctx context.Context, tx *Tx, cols int, args []any) error {
	one := "(pg_backend_pid(), " + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	rows := len(args) / cols
	for start := 0; start < rows; start += bulkRows {
		n := min(bulkRows, rows-start)
		var b strings.Builder
		b.WriteString(upsertDeltaHead)
		for i := range n {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(one)
		}
		b.WriteString(upsertDeltaTail)
		if _, err := tx.Exec(ctx, b.String(), args[start*cols:(start+n)*cols]...); err != nil {
			return err
		}
	}
	return nil
}

var (
	upsertDeltaHead = `INSERT INTO ticket_stats_delta (slot, day, unit_id, dim, val, ` + statCols + `) VALUES `
	upsertDeltaTail = ` ON CONFLICT (slot, unit_id, dim, day, val) DO UPDATE SET ` + func() string {
		set := make([]string, len(stats.Columns))
		for i, c := range stats.Columns {
			set[i] = c + " = ticket_stats_delta." + c + " + excluded." + c
		}
		return strings.Join(set, ", ")
	}()
	// foldStats moves the delta rows that no transaction holds (those of
	// transactions in progress wait for the next fold) into ticket_stats,
	// summed by key, in one statement.
	foldStats = `WITH moved AS (
		DELETE FROM ticket_stats_delta
		WHERE ctid = ANY(ARRAY(SELECT ctid FROM ticket_stats_delta FOR UPDATE SKIP LOCKED))
		RETURNING day, unit_id, dim, val, ` + statCols + `)
	INSERT INTO ticket_stats (day, unit_id, dim, val, ` + statCols + `)
	SELECT day, unit_id, dim, val, ` + func() string {
		s := make([]string, len(stats.Columns))
		for i, c := range stats.Columns {
			s[i] = "SUM(" + c + ")::BIGINT"
		}
		return strings.Join(s, ", ")
	}() + ` FROM moved GROUP BY unit_id, dim, day, val ORDER BY unit_id, dim, day, val` + upsertStatsTail
	// statsSource is what SumStats reads on PostgreSQL: the folded rows
	// and the deltas not folded yet.
	statsSource = `(SELECT day, unit_id, dim, val, ` + statCols + ` FROM ticket_stats
		UNION ALL SELECT day, unit_id, dim, val, ` + statCols + ` FROM ticket_stats_delta) s`
)

// FoldStats adds the summaries' delta rows into ticket_stats and returns
// how many rows of ticket_stats it added to. It does nothing on SQLite (no deltas),
// nor while another process folds or a rebuild runs. Each PostgreSQL
// database handle runs it every second in the background; readers never
// need it to have run.
func (db *DB) FoldStats(ctx context.Context) (int64, error) {
	if db.dialect != Postgres {
		return 0, nil
	}
	var n int64
	err := db.Write(ctx, func(tx *Tx) error {
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock(?)`, int64(statFoldLock)).Scan(&ok); err != nil || !ok {
			return err
		}
		res, err := tx.Exec(ctx, foldStats)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("fold stats: %w", err)
	}
	return n, nil
}

// statFolder runs FoldStats every statFoldInterval until closed.
type statFolder struct {
	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

func startStatFolder(db *DB, every time.Duration) *statFolder {
	f := &statFolder{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(f.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-f.stop:
				return
			case <-t.C:
				// A failure (the database away, the schema not
				// migrated yet) is left to the next tick: readers
				// count the deltas meanwhile.
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				db.FoldStats(ctx)
				cancel()
			}
		}
	}()
	return f
}

func (f *statFolder) close() {
	f.closeOnce.Do(func() {
		close(f.stop)
		<-f.done
	})
}
