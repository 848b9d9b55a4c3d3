package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/web"
)

// TestSecurityDatabaseOutage loses the PostgreSQL server under a running
// API (the store reaches it through a TCP relay that the test shuts: open
// connections are cut, new ones refused) and checks that a creation, a
// read, a sign-in and the public statistics answer 503 with Retry-After and the code "unavailable", not 500,
// and that the server answers normally again once the database is back.
func TestSecurityDatabaseOutage(t *testing.T) {
	outage := storetest.OpenOutage(t)
	e := newEnv(t, outage.DB)
	mustStatus(t, e.do(t, "POST", "/api/v1/tickets", "agent", valid+`}`), http.StatusCreated)

	outage.Cut()
	for _, rq := range []struct{ method, path, body string }{
		{"POST", "/api/v1/tickets", valid + `}`},
		{"GET", "/api/v1/tickets", ""},
		{"POST", "/api/v1/login", `{"username":"agent","password":"` + apptest.Password + `"}`},
		{"GET", "/api/v1/stats/public", ""},
	} {
		// Sent around the harness, which would fail the test at the first
		// outage log line; the answer is checked against the document here.
		req := httptest.NewRequest(rq.method, rq.path, strings.NewReader(rq.body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+e.tokens["agent"])
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		var p web.Problem
		json.Unmarshal(rec.Body.Bytes(), &p)
		if rec.Code != http.StatusServiceUnavailable || p.Code != "unavailable" {
			t.Errorf("%s %s during the outage: %d %s, want 503 unavailable", rq.method, rq.path, rec.Code, rec.Body)
		}
		if rec.Header().Get("Retry-After") == "" {
			t.Errorf("%s %s during the outage: no Retry-After", rq.method, rq.path)
		}
		if leakRE.Match(rec.Body.Bytes()) {
			t.Errorf("%s %s: the answer shows internals: %s", rq.method, rq.path, rec.Body)
		}
		mustMatchDoc(t, rq.method, rq.path, rec)
	}
	if !strings.Contains(e.logs.String(), "database unavailable") {
		t.Errorf("the outage is not in the log:\n%s", e.logs)
	}

	outage.Mend()
	mustStatus(t, e.do(t, "POST", "/api/v1/tickets", "agent", valid+`}`), http.StatusCreated)
	if n := len(e.list(t, "agent", nil)); n != 2 {
		t.Errorf("%d tickets after the outage, want 2", n)
	}
}

// mustMatchDoc checks an answer recorded around the harness against the
// OpenAPI document: its status documented for the operation, with the
// required headers and the documented body.
func mustMatchDoc(t *testing.T, method, path string, rec *httptest.ResponseRecorder) {
	t.Helper()
	r := &res{status: rec.Code, hdr: rec.Header(), body: rec.Body.Bytes()}
	for _, p := range openAPI(t).check(method, path, "", nil, r) {
		t.Errorf("%s %s → %d: OpenAPI: %s", method, path, rec.Code, p)
	}
}
