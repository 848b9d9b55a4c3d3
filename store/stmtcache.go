package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// maxCachedStmts bounds the statements kept per pool. The store's queries
// are a few dozen texts; the bound keeps a stream of generated texts from
// growing the cache without end.
const maxCachedStmts = 500

// stmtCache keeps the prepared statements of one SQLite pool. The driver
// compiles every statement it is given from its text; for the few
// statements of a ticket's creation that was a quarter of the server's CPU
// time under load (docs/performance.md). database/sql prepares a cached
// statement once on each connection of the pool and reuses it in every
// transaction on that connection.
//
// A statement is prepared after the first transaction that uses it ends:
// preparing needs a connection of the pool, and the one write connection
// is held by that transaction.
type stmtCache struct {
	pool *sql.DB

	mu      sync.RWMutex
	stmts   map[string]*sql.Stmt
	pending map[string]bool
	closed  bool

	preparing sync.WaitGroup // prepareLater's goroutines, which close waits for
}

func newStmtCache(pool *sql.DB) *stmtCache {
	return &stmtCache{pool: pool, stmts: map[string]*sql.Stmt{}, pending: map[string]bool{}}
}

// get returns the statement prepared for the query, or nil.
func (c *stmtCache) get(query string) *sql.Stmt {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.stmts[query]
}

// prepareLater prepares the queries in the background.
func (c *stmtCache) prepareLater(queries []string) {
	c.mu.Lock()
	var todo []string
	for _, q := range queries {
		if c.closed || c.pending[q] || c.stmts[q] != nil || len(c.stmts)+len(c.pending) >= maxCachedStmts {
			continue
		}
		c.pending[q] = true
		todo = append(todo, q)
	}
	if len(todo) > 0 {
		c.preparing.Add(1)
	}
	c.mu.Unlock()
	if len(todo) == 0 {
		return
	}
	go func() {
		defer c.preparing.Done()
		for _, q := range todo {
			s, err := c.pool.PrepareContext(context.Background(), q)
			c.mu.Lock()
			delete(c.pending, q)
			if err == nil && !c.closed {
				c.stmts[q], s = s, nil
			}
			c.mu.Unlock()
			if s != nil {
				s.Close()
			}
		}
	}()
}

// close closes the statements; the pool is closed after. It first waits
// for statements being prepared, so that no connection is in use when the
// pool closes (an SQLite file is then left with nothing open on it).
func (c *stmtCache) close() error {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.preparing.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for q, s := range c.stmts {
		errs = append(errs, s.Close())
		delete(c.stmts, q)
	}
	return errors.Join(errs...)
}
