package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
	"github.com/minsheng/minsheng/web"
)

// With a read replica, lists, search, figures and Open311 are served by
// it; a user who has just created a ticket sees it in their list at once
// even while the replica has stopped replaying, another user does not
// until it replays, and the position cookie carries the write to a
// reader the server does not know (as another app node would be).
func TestReplicaReads(t *testing.T) {
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
	e := newEnv(t, db)
	rep := storetest.StartReplica(t)
	rep.WaitFor(ctx)
	if err := db.UseReplicas(ctx, []string{rep.URL(dsn)}, store.ReplicaOptions{MaxLag: time.Hour, Poll: 20 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	replicaReads := func() int64 {
		for deadline := time.Now().Add(storetest.Patience); ; time.Sleep(10 * time.Millisecond) {
			stats, _ := db.Replicas()
			if stats[0].Up {
				return stats[0].Reads
			}
			if time.Now().After(deadline) {
				t.Fatalf("the replica is not up: %+v", stats[0])
			}
		}
	}

	before := replicaReads()
	for _, path := range []string{"/api/v1/tickets", "/api/v1/search?q=" + url.QueryEscape("路灯"), "/api/v1/stats/rates",
		"/api/v1/stats/series", "/api/v1/units", "/open311/v2/services.json", "/open311/v2/requests.json"} {
		r := e.do(t, "GET", path, "dispatcher", nil)
		mustStatus(t, r, http.StatusOK)
		if n := replicaReads(); n == before {
			t.Errorf("GET %s read nothing on the replica", path)
		} else {
			before = n
		}
	}

	if m := e.do(t, "GET", "/metrics", "", nil); !strings.Contains(string(m.body), "minsheng_db_replica_up{replica=") {
		t.Errorf("/metrics does not show the replica:\n%s", m.body)
	}

	rep.Exec(`SELECT pg_wal_replay_pause()`)
	created := e.do(t, "POST", "/api/v1/tickets", "agent", apptest.NewTicket())
	tk := mustJSON[ticket.Ticket](t, created, http.StatusCreated)
	var cookie *http.Cookie
	for _, c := range (&http.Response{Header: created.hdr}).Cookies() {
		if c.Name == web.PositionCookie {
			cookie = c
		}
	}
	if cookie == nil {
		t.Fatalf("the creation set no %s cookie: %v", web.PositionCookie, created.hdr)
	}
	has := func(ts []ticket.Ticket) bool {
		return slices.ContainsFunc(ts, func(x ticket.Ticket) bool { return x.ID == tk.ID })
	}
	if !has(e.list(t, "agent", url.Values{})) {
		t.Fatal("the agent who created the ticket does not see it in their list")
	}
	e.view(t, "agent", tk.Number)
	before = replicaReads()
	if has(e.list(t, "dispatcher", url.Values{})) {
		t.Fatal("the dispatcher's list has the ticket: it was not read on the paused replica")
	}
	if replicaReads() == before {
		t.Fatal("the dispatcher's list was not read on the replica")
	}
	page := mustJSON[struct {
		Tickets []ticket.Ticket `json:"tickets"`
	}](t, e.do(t, "GET", "/api/v1/tickets", "dispatcher", nil, "Cookie", cookie.Name+"="+cookie.Value), http.StatusOK)
	if !has(page.Tickets) {
		t.Fatal("with the agent's position cookie the list lacks the ticket")
	}

	rep.Exec(`SELECT pg_wal_replay_resume()`)
	for deadline := time.Now().Add(storetest.Patience); !has(e.list(t, "dispatcher", url.Values{})); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the dispatcher does not see the ticket %s after the replica resumed", storetest.Patience)
		}
	}
}
