package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sync"
	"testing"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/platform"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
	"github.com/minsheng/minsheng/web"
)

// env is the fixture district behind the real router, with an API token
// for every fixture user.
type env struct {
	f      *apptest.Fixture
	srv    *web.Server
	tokens map[string]string
	logs   *lockedBuffer
}

// eachEnv runs fn on a fresh env on every available dialect. The options
// change the server's configuration.
func eachEnv(t *testing.T, fn func(t *testing.T, e *env), opts ...func(*web.Config)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, db *store.DB) { fn(t, newEnv(t, db, opts...)) })
}

func newEnv(t *testing.T, db *store.DB, opts ...func(*web.Config)) *env {
	t.Helper()
	openAPI(t) // load it here, not first in a goroutine
	e := &env{f: apptest.New(t, db), tokens: map[string]string{}, logs: &lockedBuffer{}}
	log := slog.New(web.LogHandler(slog.NewTextHandler(e.logs, nil)))
	c := web.Config{Service: e.f.Svc, Logger: log, Version: "test"}
	for _, o := range opts {
		o(&c)
	}
	e.srv = web.NewServer(c)
	if err := platform.Mount(platform.Parts{Tickets: e.f.Svc, Server: e.srv}); err != nil {
		t.Fatal(err)
	}
	for name := range e.f.Users {
		e.addToken(t, name)
	}
	return e
}

func (e *env) addToken(t *testing.T, username string) {
	t.Helper()
	tok, err := e.f.Svc.CreateAPIToken(context.Background(), kit.System(), username, "test")
	if err != nil {
		t.Fatalf("token for %s: %v", username, err)
	}
	e.tokens[username] = tok
}

// res is an answer of the server.
type res struct {
	status int
	hdr    http.Header
	body   []byte
}

func (r *res) String() string { return fmt.Sprintf("%d %s", r.status, r.body) }

// leakRE finds what an error answer must never show: SQL (its keywords in
// capitals, as the store writes them: "where" is an English word too),
// driver names, stack traces, file paths.
var leakRE = regexp.MustCompile(`\b(SELECT|INSERT|UPDATE|DELETE|WHERE|SQLSTATE)\b|(?i)\b(sqlite|pgx|pq)\b|sql:|goroutine|\.go:\d|/tmp/|/work/|/home/`)

// do sends a request through the real router as the fixture user (by
// username; "" for none). body is sent as is when it is a string or []byte,
// as JSON otherwise, and not at all when nil. hdr holds extra header
// name/value pairs. Every answer is checked against the OpenAPI document,
// for an X-Request-Id, and, when it is an error, for leaks of internals.
// It uses only t.Errorf, so goroutines may call it.
func (e *env) do(t *testing.T, method, path, user string, body any, hdr ...string) *res {
	t.Helper()
	var raw []byte
	var rd io.Reader // nil: no body
	switch b := body.(type) {
	case nil:
	case io.Reader: // sent without a Content-Length
		rd = b
	case string:
		raw = []byte(b)
	case []byte:
		raw = b
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			t.Errorf("marshal %T: %v", body, err)
		}
	}
	if _, ok := body.(io.Reader); body != nil && !ok {
		rd = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if user != "" {
		tok, ok := e.tokens[user]
		if !ok {
			t.Errorf("no token for user %q", user)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	r := &res{status: rec.Code, hdr: rec.Header(), body: rec.Body.Bytes()}
	if !requestIDRE.MatchString(r.hdr.Get("X-Request-Id")) {
		t.Errorf("%s %s: X-Request-Id is %q", method, path, r.hdr.Get("X-Request-Id"))
	}
	if r.status >= 400 && leakRE.Match(r.body) {
		t.Errorf("%s %s: the error answer shows internals: %s", method, path, r.body)
	}
	for _, p := range openAPI(t).check(method, path, req.Header.Get("Content-Type"), raw, r) {
		t.Errorf("%s %s → %d: OpenAPI: %s", method, path, r.status, p)
	}
	return r
}

var requestIDRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// mustStatus fails the test unless the answer has the status.
func mustStatus(t *testing.T, r *res, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d: %s", r.status, want, r.body)
	}
}

// mustJSON decodes a JSON answer with the status.
func mustJSON[T any](t *testing.T, r *res, status int) T {
	t.Helper()
	mustStatus(t, r, status)
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("decode %T: %v: %s", v, err, r.body)
	}
	return v
}

// mustProblem checks that the answer is a problem document with the status,
// the code and the field ("" for none), and returns it.
func mustProblem(t *testing.T, r *res, status int, code, field string) web.Problem {
	t.Helper()
	if mt, _, _ := mime.ParseMediaType(r.hdr.Get("Content-Type")); mt != "application/problem+json" {
		t.Fatalf("Content-Type %q, want application/problem+json: %s", r.hdr.Get("Content-Type"), r.body)
	}
	p := mustJSON[web.Problem](t, r, status)
	if p.Status != status || p.Code != code || p.Field != field {
		t.Fatalf("problem status %d code %q field %q, want %d %q %q: %s", p.Status, p.Code, p.Field, status, code, field, r.body)
	}
	if p.Detail == "" || p.RequestID != r.hdr.Get("X-Request-Id") {
		t.Fatalf("problem without detail or with request_id %q (header %q): %s", p.RequestID, r.hdr.Get("X-Request-Id"), r.body)
	}
	return p
}

// create registers a ticket over HTTP and returns it.
func (e *env) create(t *testing.T, user string, in ticket.NewTicket) ticket.Ticket {
	t.Helper()
	return mustJSON[ticket.Ticket](t, e.do(t, "POST", "/api/v1/tickets", user, in), http.StatusCreated)
}

// act takes an action on a ticket and returns the changed ticket.
func (e *env) act(t *testing.T, user, ref, action string, body any) ticket.Ticket {
	t.Helper()
	return mustJSON[ticket.Ticket](t, e.do(t, "POST", "/api/v1/tickets/"+ref+"/"+action, user, body), http.StatusOK)
}

// view reads a ticket with its timeline.
func (e *env) view(t *testing.T, user, ref string) app.TicketView {
	t.Helper()
	return mustJSON[app.TicketView](t, e.do(t, "GET", "/api/v1/tickets/"+ref, user, nil), http.StatusOK)
}

// list pages through every ticket the user sees with the query, and
// returns them in order.
func (e *env) list(t *testing.T, user string, q url.Values) []ticket.Ticket {
	t.Helper()
	var all []ticket.Ticket
	for {
		page := mustJSON[app.TicketPage](t, e.do(t, "GET", "/api/v1/tickets?"+q.Encode(), user, nil), http.StatusOK)
		all = append(all, page.Tickets...)
		if page.NextCursor == "" {
			return all
		}
		q = cloneValues(q)
		q.Set("cursor", page.NextCursor)
	}
}

func cloneValues(q url.Values) url.Values {
	c := url.Values{}
	for k, v := range q {
		c[k] = append([]string(nil), v...)
	}
	return c
}

// count returns how many tickets exist (the dispatcher sees them all).
func (e *env) count(t *testing.T) int {
	t.Helper()
	return len(e.list(t, "dispatcher", url.Values{"limit": {"200"}}))
}

// lockedBuffer collects log output from concurrent requests.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// parallel runs fn n times at once, released together, and waits.
func parallel(n int, fn func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			fn(i)
		}()
	}
	close(start)
	wg.Wait()
}

// sameStrings reports whether two lists hold the same strings in any order.
func sameStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, s := range a {
		seen[s]++
	}
	for _, s := range b {
		if seen[s]--; seen[s] < 0 {
			return false
		}
	}
	return true
}

// part is one part of a multipart/form-data body: a text field, or a file
// part named "file" when filename is set.
type part struct {
	name, filename string
	body           []byte
}

func field(name, value string) part { return part{name: name, body: []byte(value)} }
func file(filename string, body []byte) part {
	return part{name: "file", filename: filename, body: body}
}

// form sends a multipart/form-data body of the parts.
func (e *env) form(t *testing.T, path, user string, parts []part, hdr ...string) *res {
	t.Helper()
	body, ct := formBody(t, parts...)
	return e.do(t, "POST", path, user, body, append([]string{"Content-Type", ct}, hdr...)...)
}

// formBody returns a multipart/form-data body and its Content-Type.
func formBody(t *testing.T, parts ...part) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, p := range parts {
		var w io.Writer
		var err error
		if p.filename != "" {
			w, err = mw.CreateFormFile(p.name, p.filename)
		} else {
			w, err = mw.CreateFormField(p.name)
		}
		if err != nil {
			t.Fatal(err)
		}
		w.Write(p.body)
	}
	mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}

// Files of each kind the server tells apart by their content.
var (
	pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cb\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")
	gifBytes = []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
	pdfBytes = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
)
