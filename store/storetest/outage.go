package storetest

import (
	"context"
	"io"
	"net"
	"net/url"
	"os"
	"sync"
	"testing"

	"github.com/minsheng/minsheng/store"
)

// Outage is a new migrated PostgreSQL database reached through a TCP relay
// that the test cuts and mends, to lose the database under a running
// server the way an outage, a restart or a failover loses it.
type Outage struct {
	DB    *store.DB
	t     testing.TB
	relay *relay
}

// OpenOutage returns a database behind a relay; it skips the test when
// EnvPostgres is not set (there is no SQLite server to lose).
func OpenOutage(t testing.TB) *Outage {
	t.Helper()
	if os.Getenv(EnvPostgres) == "" {
		t.Skipf("%s is not set: the outage test needs a PostgreSQL server to lose", EnvPostgres)
	}
	u, err := url.Parse(DSN(t, "postgres"))
	if err != nil {
		t.Fatal(err)
	}
	r := startRelay(t, "127.0.0.1:0", u.Host)
	u.Host = r.addr
	db, err := store.Open(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return &Outage{DB: db, t: t, relay: r}
}

// Cut closes the relay's listener and every connection through it: open
// connections are cut, new ones refused.
func (o *Outage) Cut() { o.relay.stop() }

// Mend listens again on the same address: the database is back.
func (o *Outage) Mend() { o.relay = startRelay(o.t, o.relay.addr, o.relay.target) }

// relay forwards TCP connections from addr to target until stopped.
type relay struct {
	addr, target string
	ln           net.Listener
	mu           sync.Mutex
	conns        []net.Conn
}

func startRelay(t testing.TB, addr, target string) *relay {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("relay: %v", err)
	}
	r := &relay{addr: ln.Addr().String(), target: target, ln: ln}
	t.Cleanup(r.stop)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			r.mu.Lock()
			r.conns = append(r.conns, c, s)
			r.mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
	return r
}

// stop closes the listener and cuts every connection, as a server that
// goes away does.
func (r *relay) stop() {
	r.ln.Close()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.conns {
		c.Close()
	}
	r.conns = nil
}
