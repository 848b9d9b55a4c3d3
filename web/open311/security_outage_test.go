package open311_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/minsheng/minsheng/store/storetest"
)

// TestSecurityDatabaseOutage loses the PostgreSQL server under the Open311
// interface: a submission and the reads answer 503 with Retry-After and
// the spec's error list (in JSON and XML), never a 500 or internals, and
// the interface answers again once the database is back.
func TestSecurityDatabaseOutage(t *testing.T) {
	outage := storetest.OpenOutage(t)
	e := newEnv(t, outage.DB)
	mustStatus(t, e.do(t, "POST", "/open311/v2/requests.json", e.submission()), http.StatusCreated)

	outage.Cut()
	for _, rq := range []struct {
		method, path string
		body         any
	}{
		{"POST", "/open311/v2/requests.json", e.submission()},
		{"GET", "/open311/v2/requests.json", nil},
		{"GET", "/open311/v2/services.xml", nil},
	} {
		r := e.do(t, rq.method, rq.path, rq.body)
		if r.status != http.StatusServiceUnavailable || r.hdr.Get("Retry-After") == "" {
			t.Errorf("%s %s during the outage: %s, Retry-After %q; want 503 with Retry-After", rq.method, rq.path, r, r.hdr.Get("Retry-After"))
			continue
		}
		if strings.HasSuffix(rq.path, ".json") {
			var list []struct {
				Code        int    `json:"code"`
				Description string `json:"description"`
			}
			if err := json.Unmarshal(r.body, &list); err != nil || len(list) != 1 || list[0].Code != 503 || list[0].Description == "" {
				t.Errorf("%s %s: not the spec's error list: %s", rq.method, rq.path, r.body)
			}
		} else if n := parseXML(t, r.body); n.child("error") == nil || n.child("error").text("code") != "503" {
			t.Errorf("%s %s: not the spec's error list: %s", rq.method, rq.path, r.body)
		}
		if b := strings.ToLower(string(r.body)); strings.Contains(b, "dial") || strings.Contains(b, "127.0.0.1") || strings.Contains(b, "sqlstate") {
			t.Errorf("%s %s: the answer shows internals: %s", rq.method, rq.path, r.body)
		}
	}

	outage.Mend()
	mustStatus(t, e.do(t, "POST", "/open311/v2/requests.json", e.submission()), http.StatusCreated)
}
