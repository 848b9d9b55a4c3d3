package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// binary is the minsheng program built once for the end-to-end tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "minsheng-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "minsheng")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build minsheng: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// server is a running minsheng serve process.
type server struct {
	cmd    *exec.Cmd
	url    string
	stdout *bytes.Buffer
	logs   *lockedBuffer
	exited chan error
}

type lockedBuffer struct {
	ch  chan struct{}
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.ch <- struct{}{}
	defer func() { <-b.ch }()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.ch <- struct{}{}
	defer func() { <-b.ch }()
	return b.buf.String()
}

var urlRE = regexp.MustCompile(`running at (http://\S+)`)

// startServer runs "minsheng serve" in dir with the args and waits until it
// prints its URL.
func startServer(t *testing.T, dir string, args ...string) *server {
	t.Helper()
	s := &server{stdout: &bytes.Buffer{}, logs: &lockedBuffer{ch: make(chan struct{}, 1)}, exited: make(chan error, 1)}
	s.cmd = exec.Command(binary, append([]string{"serve", "-addr", "127.0.0.1:0"}, args...)...)
	s.cmd.Dir = dir
	s.cmd.Stderr = s.logs
	pipe, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			line := sc.Text()
			s.stdout.WriteString(line + "\n")
			if m := urlRE.FindStringSubmatch(line); m != nil {
				found <- m[1]
			}
		}
		s.exited <- s.cmd.Wait()
	}()
	t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			s.cmd.Process.Kill()
		}
	})
	select {
	case s.url = <-found:
	case err := <-s.exited:
		t.Fatalf("server exited before serving: %v\n%s", err, s.logs.String())
	case <-time.After(5 * time.Minute): // seeding the demo on a crowded machine
		t.Fatalf("server did not start\n%s", s.logs.String())
	}
	return s
}

// minsheng runs a one-shot subcommand and returns its output.
func minsheng(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("minsheng %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// api calls the server with a bearer token and decodes the JSON answer.
func api(t *testing.T, method, url, token string, body any, into any) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if into != nil {
		if err := json.Unmarshal(b, into); err != nil {
			t.Fatalf("%s %s: %v: %s", method, url, err, b)
		}
	}
	return resp.StatusCode
}

// TestServeWithDemoAndToken follows the README: a first start on an empty
// directory creates minsheng.db and seeds the demo; a token made with
// "minsheng user token" works against the API; SIGTERM stops the server
// cleanly; a second start keeps the data and does not seed again.
func TestServeWithDemoAndToken(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			dir := t.TempDir()
			dbArgs := []string{}
			if dialect == "postgres" {
				dbArgs = []string{"-db", storetest.DSN(t, "postgres")}
			}
			srv := startServer(t, dir, append(dbArgs, "-demo-tickets", "60")...)
			if !strings.Contains(srv.stdout.String(), "Demo logins") || !strings.Contains(srv.stdout.String(), "dispatcher") {
				t.Fatalf("first start printed no demo logins:\n%s", srv.stdout)
			}
			if dialect == "sqlite" {
				if _, err := os.Stat(filepath.Join(dir, "minsheng.db")); err != nil {
					t.Fatalf("no minsheng.db in the working directory: %v", err)
				}
			}
			agent := lastLine(minsheng(t, dir, append([]string{"user", "token", "agent"}, dbArgs...)...))
			dispatcher := lastLine(minsheng(t, dir, append([]string{"user", "token", "-username", "dispatcher"}, dbArgs...)...))

			var me struct{ Username, Role string }
			if code := api(t, "GET", srv.url+"/api/v1/me", agent, nil, &me); code != 200 || me.Role != "agent" {
				t.Fatalf("/me = %d %+v", code, me)
			}
			var created struct {
				Number      string
				Status      string
				CallerPhone string `json:"caller_phone"`
			}
			code := api(t, "POST", srv.url+"/api/v1/tickets", agent, map[string]any{
				"title": "西关大街路灯不亮", "description": "西关大街120号附近连续五盏路灯不亮，夜间行人不安全。",
				"kind": "report", "caller_name": "赵敏", "caller_phone": "13909710001", "address": "西关大街120号",
			}, &created)
			if code != 201 || created.Status != "registered" || created.CallerPhone != "139****0001" {
				t.Fatalf("create = %d %+v", code, created)
			}
			var units struct {
				Units []struct {
					ID         int64
					Kind, Name string
				}
			}
			api(t, "GET", srv.url+"/api/v1/units", dispatcher, nil, &units)
			var street int64
			for _, u := range units.Units {
				if u.Kind == "street" {
					street = u.ID
					break
				}
			}
			var dispatched struct{ Status string }
			if code := api(t, "POST", srv.url+"/api/v1/tickets/"+created.Number+"/dispatch", dispatcher,
				map[string]any{"unit_id": street}, &dispatched); code != 200 || dispatched.Status != "dispatched" {
				t.Fatalf("dispatch = %d %+v", code, dispatched)
			}
			if code := api(t, "POST", srv.url+"/api/v1/tickets/"+created.Number+"/dispatch", agent,
				map[string]any{"unit_id": street}, nil); code != 403 {
				t.Fatalf("agent dispatching got %d, want 403", code)
			}
			var page struct{ Tickets []struct{ Number string } }
			api(t, "GET", srv.url+"/api/v1/tickets?status=dispatched&limit=200", dispatcher, nil, &page)
			found := false
			for _, tk := range page.Tickets {
				found = found || tk.Number == created.Number
			}
			if !found {
				t.Fatalf("dispatched ticket %s not in the dispatched list", created.Number)
			}
			for _, line := range strings.Split(srv.logs.String(), "\n") {
				if strings.Contains(line, "13909710001") || strings.Contains(line, "赵敏") {
					t.Fatalf("a log line holds the caller's personal data: %s", line)
				}
			}

			srv.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case err := <-srv.exited:
				if err != nil {
					t.Fatalf("server exited with %v after SIGTERM\n%s", err, srv.logs.String())
				}
			case <-time.After(30 * time.Second):
				t.Fatal("server did not stop after SIGTERM")
			}
			if !strings.Contains(srv.logs.String(), `"msg":"stopped"`) {
				t.Fatalf("no clean stop in the logs:\n%s", srv.logs.String())
			}

			again := startServer(t, dir, dbArgs...)
			if strings.Contains(again.stdout.String(), "Demo logins") {
				t.Fatal("second start seeded again")
			}
			var got struct{ Ticket struct{ Status string } }
			if code := api(t, "GET", again.url+"/api/v1/tickets/"+created.Number, dispatcher, nil, &got); code != 200 || got.Ticket.Status != "dispatched" {
				t.Fatalf("after restart: %d %+v", code, got)
			}
			var health map[string]string
			if code := api(t, "GET", again.url+"/readyz", "", nil, &health); code != 200 || health["schema"] != "current" {
				t.Fatalf("/readyz = %d %v", code, health)
			}
		})
	}
}

func TestCommandLine(t *testing.T) {
	dir := t.TempDir()
	if out := minsheng(t, dir, "version"); !strings.HasPrefix(out, "minsheng ") {
		t.Fatalf("version printed %q", out)
	}
	minsheng(t, dir, "migrate", "-db", "sqlite:x.db")
	out := minsheng(t, dir, "seed", "-db", "sqlite:x.db", "-demo-tickets", "20")
	if !strings.Contains(out, "seeded") {
		t.Fatalf("seed printed %q", out)
	}
	// The capabilities' demo is seeded too (the projects' 20 民生实事,
	// the screening campaign), as serve seeds it.
	func() {
		db, err := store.Open(context.Background(), "sqlite:"+filepath.Join(dir, "x.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var projects, campaigns, pending int
		err = db.Read(context.Background(), func(tx *store.Tx) error {
			if err := tx.QueryRow(context.Background(), `SELECT COUNT(*) FROM projects`).Scan(&projects); err != nil {
				return err
			}
			if err := tx.QueryRow(context.Background(), `SELECT COUNT(*) FROM deliveries WHERE status = 'pending'`).Scan(&pending); err != nil {
				return err
			}
			return tx.QueryRow(context.Background(), `SELECT COUNT(*) FROM ledger_campaigns`).Scan(&campaigns)
		})
		if err != nil || projects == 0 || campaigns == 0 {
			t.Fatalf("after seed: %d projects, %d screening campaigns (%v); want the capabilities' demo", projects, campaigns, err)
		}
		// Their history's messages are not sent at the first start (they
		// would flood the log that shows the address and the logins).
		if pending != 0 {
			t.Fatalf("after seed: %d messages waiting to be sent; the demo's history sends none", pending)
		}
	}()
	cmd := exec.Command(binary, "seed", "-db", "sqlite:x.db")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "already holds data") {
		t.Fatalf("seeding twice: %v %s", err, out)
	}
	out = minsheng(t, dir, "user", "create", "-db", "sqlite:x.db", "-username", "zhangwei", "-name", "张伟",
		"-role", "handler,leader@xinghailu", "-unit", "xinghailu", "-password", "a-long-password")
	if !strings.Contains(out, "created user zhangwei (张伟, handler, leader@xinghailu)") {
		t.Fatalf("user create printed %q", out)
	}
	minsheng(t, dir, "user", "passwd", "-db", "sqlite:x.db", "-username", "zhangwei", "-password", "another-password")
	bad := exec.Command(binary, "user", "passwd", "-db", "sqlite:x.db", "-username", "zhangwei", "-password", "short")
	bad.Dir = dir
	if out, err := bad.CombinedOutput(); err == nil || !strings.Contains(string(out), "password") {
		t.Fatalf("short password accepted: %s", out)
	}
	if tok := lastLine(minsheng(t, dir, "user", "token", "zhangwei", "-db", "sqlite:x.db")); !strings.HasPrefix(tok, "mst_") {
		t.Fatalf("token line %q", tok)
	}
	// Tokens from the shell: listed, revoked one by id, then all.
	minsheng(t, dir, "user", "token", "create", "-username", "zhangwei", "-name", "一个月", "-expires", "720h", "-db", "sqlite:x.db")
	list := minsheng(t, dir, "user", "token", "list", "-username", "zhangwei", "-db", "sqlite:x.db")
	if lines := strings.Split(strings.TrimSpace(list), "\n"); len(lines) != 2 || !strings.Contains(lines[0], "一个月\texpires ") {
		t.Fatalf("token list printed %q", list)
	}
	id := strings.SplitN(list, "\t", 2)[0]
	if out := minsheng(t, dir, "user", "token", "revoke", "-username", "zhangwei", "-id", id, "-db", "sqlite:x.db"); !strings.Contains(out, "revoked 1 API token") {
		t.Fatalf("token revoke -id printed %q", out)
	}
	if out := minsheng(t, dir, "user", "token", "revoke", "-username", "zhangwei", "-all", "-db", "sqlite:x.db"); !strings.Contains(out, "revoked 1 API token") {
		t.Fatalf("token revoke -all printed %q", out)
	}
	if list := minsheng(t, dir, "user", "token", "list", "zhangwei", "-db", "sqlite:x.db"); strings.Count(list, "\trevoked ") != 2 {
		t.Fatalf("after revoking all, the list printed %q", list)
	}
	// The calendar from the shell: across National Day and its make-up Saturday.
	if got := lastLine(minsheng(t, dir, "calendar", "due", "2026-09-30", "3")); got != "2026-10-10" {
		t.Fatalf("calendar due 2026-09-30 3 = %s, want 2026-10-10", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "minsheng.db")); err == nil {
		t.Fatal("calendar due created minsheng.db")
	}
	notice := filepath.Join(dir, "2027.json")
	os.WriteFile(notice, []byte(`{"year":2027,"holidays":[{"name":"春节","first":"2027-02-06","last":"2027-02-13"}],"workdays":[{"date":"2027-02-14"}]}`), 0o644)
	minsheng(t, dir, "calendar", "import", notice, "-db", "sqlite:x.db")
	if got := lastLine(minsheng(t, dir, "calendar", "due", "2027-02-05", "1", "-db", "sqlite:x.db")); got != "2027-02-14" {
		t.Fatalf("after import, due 2027-02-05 1 = %s, want the make-up Sunday 2027-02-14", got)
	}
	os.WriteFile(notice, []byte(`{"year":2027,"holidays":[{"name":"甲","first":"2027-02-06","last":"2027-02-13"},{"name":"乙","first":"2027-02-10","last":"2027-02-15"}]}`), 0o644)
	overlap := exec.Command(binary, "calendar", "import", notice, "-db", "sqlite:x.db")
	overlap.Dir = dir
	if out, err := overlap.CombinedOutput(); err == nil || !strings.Contains(string(out), "overlap") {
		t.Fatalf("overlapping notice: %v %s", err, out)
	}

	unknown := exec.Command(binary, "frobnicate")
	if out, err := unknown.CombinedOutput(); err == nil || !strings.Contains(string(out), "unknown command") {
		t.Fatalf("unknown command: %v %s", err, out)
	}
	// A bare minsheng prints the usage and fails at once: no server, no
	// database (a server would run until the deadline kills it).
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	bare := exec.CommandContext(ctx, binary)
	bare.Dir = t.TempDir()
	usage, err := bare.CombinedOutput()
	if err == nil || ctx.Err() != nil || !strings.Contains(string(usage), "Usage:") || bare.ProcessState.ExitCode() != 1 {
		t.Fatalf("bare minsheng: %v (exit %d) %s", err, bare.ProcessState.ExitCode(), usage)
	}
	if files, _ := os.ReadDir(bare.Dir); len(files) != 0 {
		t.Fatalf("bare minsheng left %v", files)
	}
}

// TestSIGTERMUnderLoad stops the server while clients are creating tickets:
// every creation that was answered 201 is in the database with its timeline
// event, and nothing else is (no half-written or unanswered ticket).
func TestSIGTERMUnderLoad(t *testing.T) {
	dir := t.TempDir()
	srv := startServer(t, dir, "-demo-tickets", "0")
	token := lastLine(minsheng(t, dir, "user", "token", "agent"))
	dispatcher := lastLine(minsheng(t, dir, "user", "token", "dispatcher"))
	// The tickets the capabilities' demo opened (grid reports, visits'
	// concerns, rides) are there before the load and are not its.
	seeded := map[string]bool{}
	for cursor := ""; ; {
		var page struct {
			Tickets    []struct{ Number string }
			NextCursor string `json:"next_cursor"`
		}
		api(t, "GET", srv.url+"/api/v1/tickets?limit=200&cursor="+cursor, dispatcher, nil, &page)
		for _, tk := range page.Tickets {
			seeded[tk.Number] = true
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}

	answered := make(chan string, 10000)
	done := make(chan struct{})
	client := &http.Client{Timeout: 10 * time.Second}
	for w := 0; w < 8; w++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := 0; i < 2000; i++ {
				body := fmt.Sprintf(`{"description":"第%d号压力测试：路灯不亮","kind":"report","caller_phone":"1390000%04d"}`, i, i)
				req, _ := http.NewRequest("POST", srv.url+"/api/v1/tickets", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					return // the server has gone away
				}
				var tk struct{ Number string }
				json.NewDecoder(resp.Body).Decode(&tk)
				resp.Body.Close()
				if resp.StatusCode == http.StatusCreated {
					answered <- tk.Number
				}
			}
		}()
	}
	deadline := time.Now().Add(2 * time.Minute)
	for len(answered) < 200 {
		if time.Now().After(deadline) {
			t.Fatalf("only %d tickets created in 2 minutes\n%s", len(answered), srv.logs.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	srv.cmd.Process.Signal(syscall.SIGTERM)
	if err := <-srv.exited; err != nil {
		t.Fatalf("server exited with %v", err)
	}
	for w := 0; w < 8; w++ {
		<-done
	}
	close(answered)
	want := map[string]bool{}
	for n := range answered {
		want[n] = true
	}

	again := startServer(t, dir)
	got := map[string]bool{}
	cursor := ""
	for {
		var page struct {
			Tickets []struct {
				Number  string
				Version int
			}
			NextCursor string `json:"next_cursor"`
		}
		api(t, "GET", again.url+"/api/v1/tickets?limit=200&cursor="+cursor, dispatcher, nil, &page)
		for _, tk := range page.Tickets {
			if seeded[tk.Number] {
				continue
			}
			got[tk.Number] = true
			if tk.Version != 1 {
				t.Errorf("ticket %s has version %d after one registration", tk.Number, tk.Version)
			}
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	for n := range want {
		if !got[n] {
			t.Errorf("ticket %s was answered 201 but is not in the database", n)
		}
	}
	for n := range got {
		if !want[n] {
			t.Errorf("ticket %s is in the database but its creation was never answered", n)
		}
	}
	t.Logf("%d tickets created before SIGTERM, all accounted for", len(want))
}
