package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
	"github.com/minsheng/minsheng/web"
)

// TestSecurityInvalidUTF8 checks that the JSON API refuses strings that are
// not valid UTF-8 — raw bytes or an escaped lone surrogate — with 400
// naming the field, as the form and Open311 paths do, instead of storing
// them repaired with U+FFFD.
func TestSecurityInvalidUTF8(t *testing.T) {
	tests := []bad{
		{name: "raw invalid bytes in title", body: "{\"title\":\"路灯\xff不亮\",\"kind\":\"help\"}", field: "title"},
		{name: "truncated sequence in description", body: "{\"description\":\"\xe8\xb7\",\"kind\":\"help\"}", field: "description"},
		{name: "lone high surrogate", body: `{"title":"a\ud800b","kind":"help"}`, field: "title"},
		{name: "lone low surrogate", body: `{"title":"x","kind":"help","address":"\udc00"}`, field: "address"},
		{name: "reversed pair", body: `{"title":"\udc00\ud800","kind":"help"}`, field: "title"},
		{name: "invalid field name", body: "{\"title\":\"x\",\"kind\":\"help\",\"\xc3\x28\":1}", field: ""},
	}
	eachEnv(t, func(t *testing.T, e *env) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				e.mustRefuse(t, "POST", "/api/v1/tickets", "agent", tc)
				if n := e.count(t); n != 0 {
					t.Fatalf("%d tickets written", n)
				}
			})
		}
		// A valid surrogate pair (an emoji) and an escaped backslash
		// before "ud800" are fine.
		r := e.do(t, "POST", "/api/v1/tickets", "agent", `{"title":"灯\ud83d\udca1 \\ud800","kind":"help"}`)
		mustStatus(t, r, 201)
	})
}

// TestSecurityCookiesBehindTLSProxy checks that with an https public URL
// the session cookie is Secure and HSTS is sent even though the request
// reaches the server in plain HTTP (a TLS proxy in front), and that
// without one neither is claimed.
func TestSecurityCookiesBehindTLSProxy(t *testing.T) {
	tests := []struct {
		name, publicURL string
		secure          bool
	}{
		{"https public URL", "https://12345.chengxi.example", true},
		{"http public URL", "http://10.0.0.5:8080", false},
		{"no public URL", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, storetest.Open(t, "sqlite"), func(c *web.Config) { c.PublicURL = tc.publicURL })
			r := e.login(t, "dispatcher", apptest.Password)
			mustStatus(t, r, http.StatusOK)
			cookies := r.hdr.Values("Set-Cookie")
			if len(cookies) == 0 {
				t.Fatal("no Set-Cookie")
			}
			for _, line := range cookies {
				c, err := http.ParseSetCookie(line)
				if err != nil {
					t.Fatalf("Set-Cookie %q: %v", line, err)
				}
				if c.Secure != tc.secure || !c.HttpOnly {
					t.Errorf("Set-Cookie %q: Secure %v HttpOnly %v, want Secure %v and HttpOnly", line, c.Secure, c.HttpOnly, tc.secure)
				}
			}
			hsts := e.do(t, "GET", "/api/v1/me", "agent", nil).hdr.Get("Strict-Transport-Security")
			if (hsts != "") != tc.secure {
				t.Errorf("Strict-Transport-Security %q, want it sent: %v", hsts, tc.secure)
			}
		})
	}
}

// TestSecurityPublicStatsCachedAndLimited checks, on a fake clock, that
// the published statistics are counted at most once a minute (a crowd of
// readers does not reach the database) and that one client address may
// read them only StatsPerIP times: then 429 with Retry-After, for the
// JSON and the /stats pages alike, while another address still may.
func TestSecurityPublicStatsCachedAndLimited(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		get := func(path, addr string) *httptest.ResponseRecorder {
			// Around the harness, to set the client's address.
			req := httptest.NewRequest("GET", path, nil)
			req.RemoteAddr = addr + ":4321"
			rec := httptest.NewRecorder()
			e.srv.ServeHTTP(rec, req)
			return rec
		}
		read := func(addr string) app.PublicStats {
			t.Helper()
			rec := get("/api/v1/stats/public", addr)
			if rec.Code != http.StatusOK {
				t.Fatalf("stats: %d %s", rec.Code, rec.Body)
			}
			var ps app.PublicStats
			if err := json.Unmarshal(rec.Body.Bytes(), &ps); err != nil {
				t.Fatal(err)
			}
			return ps
		}
		first := read("192.0.2.1")
		e.create(t, "agent", ticket.NewTicket{Title: "路灯不亮", Kind: ticket.KindHelp})
		e.f.Clock.Advance(30 * time.Second)
		if again := read("192.0.2.1"); !again.AsOf.Equal(first.AsOf) || again.District.Counts != first.District.Counts {
			t.Errorf("counted again within a minute: as of %s, then %s", first.AsOf, again.AsOf)
		}
		// The bucket holds 3 reads and regains one every 20 s: full again
		// after 30 s, so two more reads empty it.
		read("192.0.2.1")
		read("192.0.2.1")
		rec := get("/api/v1/stats/public", "192.0.2.1")
		if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
			t.Errorf("read over the limit: %d, Retry-After %q; want 429 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
		}
		mustMatchDoc(t, "GET", "/api/v1/stats/public", rec)
		if rec := get("/stats", "192.0.2.1"); rec.Code != http.StatusTooManyRequests {
			t.Errorf("the /stats page over the limit: %d, want 429", rec.Code)
		}
		read("198.51.100.7") // another address is not held back

		e.f.Clock.Advance(61 * time.Second)
		fresh := read("192.0.2.1")
		if !fresh.AsOf.After(first.AsOf) || fresh.District.Counts == first.District.Counts {
			t.Errorf("after a minute the figures are not counted again: as of %s, counts %+v", fresh.AsOf, fresh.District.Counts)
		}
	}, func(c *web.Config) { c.StatsPerIP = web.Rate{N: 3, Per: time.Minute} })
}
