package web

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
)

// DefaultStatsPerIP is how often one client address may read the published
// statistics: a page with its exports, reloaded every second, fits; a
// crowd hammering the server does not. The figures themselves are counted
// at most once a minute (app.PublicStatsTTL).
var DefaultStatsPerIP = Rate{N: 60, Per: time.Minute}

// isPublicStats reports whether the request reads the published
// statistics, which anyone may ask for without an account.
func isPublicStats(r *http.Request) bool {
	p := r.URL.Path
	return p == "/api/v1/stats/public" || p == "/stats" || strings.HasPrefix(p, "/stats/")
}

// withStatsLimit limits the reads of the published statistics per client
// address (StatsPerIP); over it, 429 with Retry-After.
func (s *Server) withStatsLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isPublicStats(r) {
			if ok, wait := s.statsPerIP.allow(s.clientAddr(r)); !ok {
				secs := max(int(math.Ceil(wait.Seconds())), 1)
				w.Header().Set("Retry-After", strconv.Itoa(secs))
				s.writeError(w, r, minsheng.Errorf(minsheng.ERATELIMIT,
					"too many reads of the statistics from your address; try again in %d seconds", secs))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
