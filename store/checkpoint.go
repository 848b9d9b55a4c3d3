package store

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// checkpointInterval is how often the background checkpointer copies the
// WAL into the database file.
const checkpointInterval = 250 * time.Millisecond

// checkpointer copies SQLite's WAL into the database file from a
// connection of its own, in PASSIVE mode (it waits for no reader and no
// writer), every checkpointInterval. Left to the writer, a checkpoint runs
// inside the commit that crosses the WAL's size limit, and every write
// queued behind that commit waits for it. The writer still checkpoints
// itself if the WAL reaches 50,000 pages (200 MB), should this one fall
// behind.
type checkpointer struct {
	conn *sql.DB
	stop chan struct{}
	done chan struct{}

	closeOnce sync.Once
	closeErr  error
}

// startCheckpointer opens the checkpointer's connection and, when every
// is above zero, checkpoints at that interval until closed.
func startCheckpointer(dsn string, every time.Duration) (*checkpointer, error) {
	conn, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	conn.SetMaxOpenConns(1)
	conn.SetMaxIdleConns(1)
	c := &checkpointer{conn: conn, stop: make(chan struct{}), done: make(chan struct{})}
	if every <= 0 {
		close(c.done)
		return c, nil
	}
	go c.run(every)
	return c, nil
}

func (c *checkpointer) run(every time.Duration) {
	defer close(c.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			// A failure (the file busy, a disk error) is left to the next
			// tick and, at worst, to the writer's own checkpoint.
			c.checkpoint(context.Background())
		}
	}
}

// checkpoint copies what it can of the WAL into the database now.
func (c *checkpointer) checkpoint(ctx context.Context) error {
	_, err := c.conn.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`)
	return err
}

// close stops the checkpointer and closes its connection; closing again
// (a DB closed twice) does nothing.
func (c *checkpointer) close() error {
	c.closeOnce.Do(func() {
		close(c.stop)
		<-c.done
		c.closeErr = c.conn.Close()
	})
	return c.closeErr
}
