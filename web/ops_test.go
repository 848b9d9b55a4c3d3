package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/minsheng/minsheng/app/apptest"
)

func TestHealthAndReadiness(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		h := mustJSON[map[string]string](t, e.do(t, "GET", "/healthz", "", nil), http.StatusOK)
		if h["status"] != "ok" || h["version"] != "test" {
			t.Errorf("healthz: %v", h)
		}
		ready := mustJSON[map[string]string](t, e.do(t, "GET", "/readyz", "", nil), http.StatusOK)
		if ready["database"] != "ok" || ready["schema"] != "current" {
			t.Errorf("readyz: %v", ready)
		}

		// With the database gone: not ready, and faults show no internals.
		e.f.DB.Close()
		ready = mustJSON[map[string]string](t, e.do(t, "GET", "/readyz", "", nil), http.StatusServiceUnavailable)
		if ready["database"] != "unreachable" {
			t.Errorf("readyz without a database: %v", ready)
		}
		mustStatus(t, e.do(t, "GET", "/healthz", "", nil), http.StatusOK)
		for _, path := range []string{"/api/v1/me", "/api/v1/tickets"} {
			p := mustProblem(t, e.do(t, "GET", path, "agent", nil), http.StatusInternalServerError, "internal", "")
			if p.Detail != "internal error" {
				t.Errorf("%s: detail %q", path, p.Detail)
			}
		}
		if !strings.Contains(e.logs.String(), "database is closed") {
			t.Errorf("the fault is not logged for the operators:\n%s", e.logs)
		}
	})
}

func TestRequestIDs(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		tests := []struct {
			name, sent string
			echoed     bool
		}{
			{"sane", "lb-7f3a.2_x", true},
			{"none", "", false},
			{"with spaces", "a b", false},
			{"too long", strings.Repeat("a", 65), false},
			{"injection", "x\nlevel=ERROR", false},
		}
		seen := map[string]bool{}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				r := e.do(t, "GET", "/api/v1/tickets/20260302-99999", "agent", nil, "X-Request-Id", tc.sent)
				p := mustProblem(t, r, http.StatusNotFound, "not_found", "")
				id := r.hdr.Get("X-Request-Id")
				if tc.echoed != (id == tc.sent) || p.RequestID != id || seen[id] {
					t.Errorf("sent %q, got %q (problem %q)", tc.sent, id, p.RequestID)
				}
				seen[id] = true
				if !strings.Contains(e.logs.String(), "request_id="+id) {
					t.Errorf("no log line carries the request id %s", id)
				}
			})
		}
	})
}

func TestMetrics(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		tk := e.create(t, "agent", apptest.NewTicket())
		for range 3 {
			e.view(t, "agent", tk.Number)
		}
		e.do(t, "GET", "/api/v1/tickets/20260302-99999", "agent", nil)
		e.do(t, "GET", "/no/such/page", "", nil)
		r := e.do(t, "GET", "/metrics", "", nil)
		mustStatus(t, r, http.StatusOK)
		body := string(r.body)
		for _, want := range []string{
			`minsheng_http_requests_total{code="200",method="GET",route="/api/v1/tickets/{ref}"} 3`,
			`minsheng_http_requests_total{code="404",method="GET",route="/api/v1/tickets/{ref}"} 1`,
			`minsheng_http_requests_total{code="201",method="POST",route="/api/v1/tickets"} 1`,
			`minsheng_http_request_duration_seconds_count{method="GET",route="/api/v1/tickets/{ref}"} 4`,
			`minsheng_http_requests_in_flight 1`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
		// Paths never become labels: they hold ticket numbers and are unbounded.
		if m := regexp.MustCompile(`route="[^"]*(20260302|no/such)[^"]*"`).FindString(body); m != "" {
			t.Errorf("a path became a label: %s", m)
		}
	})
}

// TestLogsKeepCallersPrivate checks that the caller's phone, which a
// search puts in the query string, reaches no log line.
func TestLogsKeepCallersPrivate(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		tk := e.create(t, "agent", apptest.NewTicket())
		e.do(t, "GET", "/api/v1/tickets?caller_phone=13897001234", "agent", nil)
		e.do(t, "GET", "/api/v1/tickets?caller_phone=13897001234", "leader", nil)
		e.do(t, "POST", "/api/v1/tickets/"+tk.Number+"/reveal", "agent", map[string]string{"reason": "回访"})
		logs := e.logs.String()
		if !strings.Contains(logs, "route=/api/v1/tickets") {
			t.Fatalf("no request was logged:\n%s", logs)
		}
		for _, secret := range []string{"13897001234", "王秀兰"} {
			if strings.Contains(logs, secret) {
				t.Errorf("the logs hold %s:\n%s", secret, logs)
			}
		}
	})
}
