package ui_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/web/ui"
)

// A resident who lost the link finds the request by its number and phone;
// a wrong phone and a missing number get the same page; tries are limited
// per address and per number.
func TestTrackLookup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, ui.PortalLimits{LookupPerIP: 7, LookupPerNumber: 3, LookupWindow: time.Hour})
		tk := e.f.Register(t) // caller 13897001234
		b := e.browser(t)
		if r := b.get("/track"); r.status != http.StatusOK || !strings.Contains(r.body, `id="lookup-form"`) {
			t.Fatalf("GET /track: %d", r.status)
		}
		if r := b.get("/portal"); !strings.Contains(r.body, `href="/track"`) || !strings.Contains(r.body, `id="portal-public"`) {
			t.Fatal("the portal neither links to the lookup nor says what becomes public")
		}
		r := b.post("/track", url.Values{"number": {tk.Number}, "phone": {"138 9700 1234"}})
		if r.status != http.StatusOK || !strings.Contains(r.url, "/track/"+tk.Number+"?token=msr_") || !strings.Contains(r.body, `id="track-number"`) {
			t.Fatalf("lookup: %d %s", r.status, r.url)
		}
		if r.hdr.Get("Referrer-Policy") != "no-referrer" {
			t.Error("the tracking page leaks its token in Referer headers")
		}
		// Wrong phone, missing number: the same answer (the number typed
		// is kept, nothing else differs).
		wrong := b.post("/track", url.Values{"number": {tk.Number}, "phone": {"13900000000"}})
		missing := b.post("/track", url.Values{"number": {"20990101-00001"}, "phone": {"13897001234"}})
		strip := func(s string, n string) string { return strings.ReplaceAll(s, `value="`+n+`"`, `value="N"`) }
		if wrong.status != http.StatusBadRequest || missing.status != http.StatusBadRequest ||
			strip(strip(wrong.body, tk.Number), "13900000000") != strip(strip(missing.body, "20990101-00001"), "13897001234") {
			t.Fatalf("wrong phone %d and missing number %d answer differently:\n%s\n----\n%s", wrong.status, missing.status, wrong.body, missing.body)
		}
		// Per number: 3 an hour, used up (1 good + 1 wrong phone + this).
		b2 := e.browser(t)
		if r := b2.post("/track", url.Values{"number": {tk.Number}, "phone": {"13900000001"}}); r.status != http.StatusBadRequest {
			t.Fatalf("third try of the number: %d", r.status)
		}
		if r := b2.post("/track", url.Values{"number": {tk.Number}, "phone": {"13897001234"}}); r.status != http.StatusTooManyRequests {
			t.Fatalf("fourth try of the number, right phone: %d; want 429", r.status)
		}
		// The same for a number that does not exist: no way to tell them apart.
		for i := range 2 {
			if r := b2.post("/track", url.Values{"number": {"20990101-00002"}, "phone": {"13897001234"}}); r.status != http.StatusBadRequest {
				t.Fatalf("try %d of a missing number: %d", i+1, r.status)
			}
		}
		// Per address (all these browsers are at 127.0.0.1): 7 an hour,
		// used up by the seven tries above.
		if r := b2.post("/track", url.Values{"number": {"20990101-00003"}, "phone": {"13897001234"}}); r.status != http.StatusTooManyRequests {
			t.Fatalf("eighth try from the address: %d; want 429", r.status)
		}
		e.f.Clock.Advance(time.Hour)
		if r := b2.post("/track", url.Values{"number": {tk.Number}, "phone": {"13897001234"}}); r.status != http.StatusOK || !strings.Contains(r.url, "?token=") {
			t.Fatalf("an hour later: %d %s", r.status, r.url)
		}
	})
}
