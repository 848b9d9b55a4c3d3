package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/minsheng/minsheng/stats"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// TestThreeNodesOnePostgres runs three "minsheng serve" processes on one
// PostgreSQL database and registers tickets through all of them at once:
// every ticket answered 201 is there once, with a number of its own, and
// the summaries the nodes kept (delta rows folded in the background) are
// exactly what "minsheng stats rebuild" counts again from the tickets.
func TestThreeNodesOnePostgres(t *testing.T) {
	dsn := storetest.DSN(t, "postgres") // skips without MINSHENG_TEST_POSTGRES
	// The first node migrates and seeds; the others start on its data.
	nodes := []*server{startServer(t, t.TempDir(), "-db", dsn, "-demo-tickets", "0")}
	for range 2 {
		nodes = append(nodes, startServer(t, t.TempDir(), "-db", dsn))
	}
	dir := t.TempDir()
	agent := lastLine(minsheng(t, dir, "user", "token", "agent", "-db", dsn))

	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	count := func() (tickets, received int64) {
		t.Helper()
		err := db.Read(ctx, func(tx *store.Tx) error {
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM tickets`).Scan(&tickets); err != nil {
				return err
			}
			return tx.QueryRow(ctx, `SELECT COALESCE(SUM(received), 0) FROM (
				SELECT unit_id, dim, received FROM ticket_stats UNION ALL SELECT unit_id, dim, received FROM ticket_stats_delta) s
				WHERE dim = 'all' AND unit_id = (SELECT id FROM units WHERE parent_id IS NULL)`).Scan(&received)
		})
		if err != nil {
			t.Fatal(err)
		}
		return tickets, received
	}
	tickets0, received0 := count()

	const clients, each = 4, 25 // per node
	var mu sync.Mutex
	numbers := map[string]int{} // number → node
	var failures []string
	var wg sync.WaitGroup
	for n, srv := range nodes {
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					var created struct{ Number string }
					code, err := post(srv.url+"/api/v1/tickets", agent, map[string]any{
						"title": "路灯不亮", "description": fmt.Sprintf("节点 %d 客户 %d 第 %d 件：西关大街路灯不亮。", n, c, i),
						"kind": "report", "caller_phone": "13909710001", "address": "西关大街120号",
					}, &created)
					mu.Lock()
					switch {
					case err != nil || code != http.StatusCreated:
						failures = append(failures, fmt.Sprintf("node %d: %d %v", n, code, err))
					case numbers[created.Number] != 0:
						failures = append(failures, fmt.Sprintf("number %s given by node %d and node %d", created.Number, numbers[created.Number]-1, n))
					default:
						numbers[created.Number] = n + 1
					}
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("%d failures, first: %s", len(failures), failures[0])
	}
	want := int64(len(nodes) * clients * each)
	tickets1, received1 := count()
	if int64(len(numbers)) != want || tickets1-tickets0 != want {
		t.Fatalf("%d numbers answered, %d tickets written; want %d", len(numbers), tickets1-tickets0, want)
	}
	if received1-received0 != want {
		t.Errorf("the district's summaries count %d more tickets received, want %d", received1-received0, want)
	}
	// Each number is there once, for one ticket.
	list := make([]string, 0, len(numbers))
	for n := range numbers {
		list = append(list, "'"+n+"'")
	}
	var found, distinct int64
	if err := db.Read(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT COUNT(*), COUNT(DISTINCT number) FROM tickets WHERE number IN (`+strings.Join(list, ", ")+`)`).Scan(&found, &distinct)
	}); err != nil {
		t.Fatal(err)
	}
	if found != want || distinct != want {
		t.Errorf("the answered numbers name %d tickets (%d distinct), want %d", found, distinct, want)
	}

	// The summaries the nodes kept are exactly a recount from the tickets.
	kept := summaryRows(t, db)
	minsheng(t, dir, "stats", "rebuild", "-db", dsn)
	recounted := summaryRows(t, db)
	if len(kept) == 0 {
		t.Fatal("no summaries")
	}
	for k, v := range recounted {
		if kept[k] != v {
			t.Errorf("summary %s: kept %q, recounted %q", k, kept[k], v)
		}
	}
	for k, v := range kept {
		if _, ok := recounted[k]; !ok {
			t.Errorf("summary %s: kept %q, not in the recount", k, v)
		}
	}
}

// summaryRows returns the non-zero summaries, folded and not yet folded,
// by unit, dimension, day and value.
func summaryRows(t *testing.T, db *store.DB) map[string]string {
	t.Helper()
	ctx := context.Background()
	cols := strings.Join(stats.Columns, ", ")
	sums := make([]string, len(stats.Columns))
	for i, c := range stats.Columns {
		sums[i] = "CAST(SUM(" + c + ") AS BIGINT)"
	}
	out := map[string]string{}
	err := db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT unit_id, dim, day, val, `+strings.Join(sums, ", ")+` FROM (
			SELECT unit_id, dim, day, val, `+cols+` FROM ticket_stats
			UNION ALL SELECT unit_id, dim, day, val, `+cols+` FROM ticket_stats_delta) s
			GROUP BY unit_id, dim, day, val`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var unit, day int64
			var dim, val string
			var c stats.Counters
			if err := rows.Scan(append([]any{&unit, &dim, &day, &val}, c.Pointers()...)...); err != nil {
				return err
			}
			if !c.Zero() {
				out[fmt.Sprintf("%d/%s/%d/%s", unit, dim, day, val)] = fmt.Sprint(c.Values())
			}
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// post sends a JSON body with a bearer token and decodes the answer; unlike
// api it may be called from any goroutine.
func post(url, token string, body, into any) (int, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err = io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode != http.StatusCreated {
		return resp.StatusCode, fmt.Errorf("%s", b)
	}
	return resp.StatusCode, json.Unmarshal(b, into)
}
