package open311_test

import (
	"net/http"
	"testing"

	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/web/open311"
)

// A client application with a key reads at least as fast as anyone
// without one (issue 12, item 10: keyed clients had a tenth of the
// anonymous rate); its writes keep the client's own, lower rate.
func TestSecurityKeyedReadsAtLeastAnonymous(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, func(c *open311.Config) { c.RatePerMinute, c.Burst, c.AnonymousPerMinute = 6, 1, 60 })
		// The anonymous bucket holds ten seconds' worth: 10 requests.
		for i := range 10 {
			if r := e.do(t, "GET", "/open311/v2/services.json", nil); r.status != 200 {
				t.Fatalf("anonymous read %d: %s", i+1, r)
			}
		}
		mustStatus(t, e.do(t, "GET", "/open311/v2/services.json", nil), http.StatusTooManyRequests)
		// So does a keyed client's, for reads.
		for i := range 10 {
			if r := e.do(t, "GET", "/open311/v2/services.json?api_key="+e.key, nil); r.status != 200 {
				t.Fatalf("keyed read %d: %s", i+1, r)
			}
		}
		mustStatus(t, e.do(t, "GET", "/open311/v2/services.json?api_key="+e.key, nil), http.StatusTooManyRequests)
		// Its writes have a bucket of their own, at the client's rate.
		mustStatus(t, e.do(t, "POST", "/open311/v2/requests.json", e.submission()), 201)
		mustStatus(t, e.do(t, "POST", "/open311/v2/requests.json", e.submission()), http.StatusTooManyRequests)
	})
}
