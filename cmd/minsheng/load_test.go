package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/web"
)

// loadFigure returns the number after "name:" in the output of minsheng
// load, failing the test if there is none.
func loadFigure(t *testing.T, out, name string) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + name + `:\s+(\d+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no %q line in the output:\n%s", name, out)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// loadCount counts the rows of a table.
func loadCount(t *testing.T, db *store.DB, table string) int {
	t.Helper()
	var n int
	err := db.Read(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n)
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestLoadCreatesTicketsOverHTTP(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	f := apptest.New(t, db)
	srv := httptest.NewServer(web.NewServer(web.Config{Service: f.Svc}))
	defer srv.Close()
	token, err := f.Svc.CreateAPIToken(context.Background(), kit.System(), "agent", "load test")
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	getenv := func(k string) string {
		if k == "MINSHENG_TOKEN" {
			return token
		}
		return ""
	}
	err = run(context.Background(), []string{"load", "-url", srv.URL, "-clients", "4", "-n", "40"}, getenv, &out, &errOut)
	if err != nil {
		t.Fatalf("load: %v\n%s%s", err, out.String(), errOut.String())
	}
	o := out.String()
	if got := loadFigure(t, o, "created"); got != 40 {
		t.Errorf("created %d, want 40\n%s", got, o)
	}
	if got := loadFigure(t, o, "errors"); got != 0 {
		t.Errorf("errors %d, want 0\n%s", got, o)
	}
	for _, want := range []string{"tickets/s", "p50", "p90", "p99", "max", "elapsed:"} {
		if !strings.Contains(o, want) {
			t.Errorf("the output lacks %q:\n%s", want, o)
		}
	}
	// The tickets exist, each from its own request (its own key), and they
	// are not all alike.
	if n := loadCount(t, db, "tickets"); n != 40 {
		t.Errorf("%d tickets in the database, want 40", n)
	}
	if n := loadCount(t, db, "idempotency_keys"); n != 40 {
		t.Errorf("%d idempotency keys in the database, want 40", n)
	}
	var titles, kinds int
	err = db.Read(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), `SELECT COUNT(DISTINCT title), COUNT(DISTINCT kind) FROM tickets`).Scan(&titles, &kinds)
	})
	if err != nil {
		t.Fatal(err)
	}
	if titles < 10 || kinds < 3 {
		t.Errorf("40 tickets with %d titles and %d kinds: want varied tickets", titles, kinds)
	}
}

// With several URLs and -scale, load measures one node, then both, and
// prints the figures side by side; the clients are spread over the nodes.
func TestLoadScaleAcrossNodes(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	f := apptest.New(t, db)
	var hits [2]atomic.Int64
	var urls []string
	for i, svc := range []*app.Service{f.Svc, f.Node(t).Svc} {
		h := web.NewServer(web.Config{Service: svc})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost {
				hits[i].Add(1)
			}
			h.ServeHTTP(w, r)
		}))
		defer srv.Close()
		urls = append(urls, srv.URL)
	}
	token, err := f.Svc.CreateAPIToken(context.Background(), kit.System(), "agent", "load test")
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	err = run(context.Background(), []string{"load", "-url", strings.Join(urls, ","), "-scale", "-clients", "4", "-n", "20", "-token", token},
		func(string) string { return "" }, &out, &errOut)
	if err != nil {
		t.Fatalf("load: %v\n%s%s", err, out.String(), errOut.String())
	}
	o := out.String()
	table := regexp.MustCompile(`(?m)^([12]) +20 +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +0$`).FindAllStringSubmatch(o, -1)
	if len(table) != 2 || table[0][1] != "1" || table[1][1] != "2" {
		t.Errorf("no table of 1 and 2 nodes with 20 tickets each:\n%s", o)
	}
	if n := loadCount(t, db, "tickets"); n != 40 {
		t.Errorf("%d tickets in the database, want 40", n)
	}
	// The first run sends to the first node only; the second to both.
	if a, b := hits[0].Load(), hits[1].Load(); a < 21 || b == 0 || a+b != 40 {
		t.Errorf("the nodes were sent %d and %d tickets, want the first 20 to the first and the next 20 to both", a, b)
	}
}

func TestLoadSelf(t *testing.T) {
	path := filepath.Join(t.TempDir(), "self.db")
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"load", "-self", "-db", "sqlite:" + path, "-clients", "3", "-n", "25"},
		func(string) string { return "" }, &out, &errOut)
	if err != nil {
		t.Fatalf("load -self: %v\n%s%s", err, out.String(), errOut.String())
	}
	o := out.String()
	if got := loadFigure(t, o, "created"); got != 25 {
		t.Errorf("created %d, want 25\n%s", got, o)
	}
	if got := loadFigure(t, o, "errors"); got != 0 {
		t.Errorf("errors %d, want 0\n%s", got, o)
	}
	if !strings.Contains(o, "127.0.0.1") {
		t.Errorf("the in-process server is not on the loopback address:\n%s", o)
	}
	db, err := store.Open(context.Background(), "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n := loadCount(t, db, "tickets"); n != 25 {
		t.Errorf("%d tickets in the database, want 25", n)
	}
}

func TestLoadStopsAfterDuration(t *testing.T) {
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"load", "-self", "-clients", "2", "-n", "0", "-duration", "300ms"},
		func(string) string { return "" }, &out, &errOut)
	if err != nil {
		t.Fatalf("load: %v\n%s%s", err, out.String(), errOut.String())
	}
	if got := loadFigure(t, out.String(), "created"); got == 0 {
		t.Errorf("nothing created in 300ms:\n%s", out.String())
	}
}

func TestLoadRefuses(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"no bound", []string{"-n", "0"}, "-n or -duration"},
		{"no clients", []string{"-clients", "0"}, "-clients"},
		{"db without self", []string{"-db", "sqlite:x.db"}, "-db goes with -self"},
		{"no token", []string{"-url", "http://127.0.0.1:1"}, "token"},
		{"bad url", []string{"-url", "127.0.0.1:1", "-token", "x"}, "http://"},
		{"token refused", []string{"-url", "http://127.0.0.1:1", "-token", "x"}, "did not accept the token"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), append([]string{"load"}, c.args...), func(string) string { return "" }, &out, &errOut)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("load %v: error %v, want one about %q", c.args, err, c.want)
			}
		})
	}
}
