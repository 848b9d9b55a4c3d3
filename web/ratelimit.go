package web

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/minsheng/minsheng"
)

// Rate is a limit of N requests per period, with bursts of up to N.
type Rate struct {
	N   int
	Per time.Duration
}

// Default limits of residents' new requests. Each server process counts
// on its own, so behind a load balancer of k nodes a client may get up to
// k times as many.
var (
	DefaultPublicPerIP    = Rate{N: 10, Per: time.Minute}
	DefaultPublicPerPhone = Rate{N: 5, Per: time.Hour}
)

// maxBuckets bounds the memory of a limiter: with this many clients seen
// within one period, new ones are refused until the period has passed.
const maxBuckets = 100_000

// limiter keeps one token bucket per key (an address, a phone number):
// each holds up to rate.N tokens and regains them at rate.N per rate.Per.
// Buckets unused for a whole period are full, and are dropped.
type limiter struct {
	rate  Rate
	clock minsheng.Clock

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(r Rate, def Rate, clock minsheng.Clock) *limiter {
	if r.N <= 0 || r.Per <= 0 {
		r = def
	}
	return &limiter{rate: r, clock: clock, buckets: map[string]*bucket{}}
}

// allow takes a token from the key's bucket. When there is none it returns
// false and how long until there is one.
func (l *limiter) allow(key string) (bool, time.Duration) {
	now := l.clock.Now()
	perToken := l.rate.Per / time.Duration(l.rate.N)
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) >= l.rate.Per {
		for k, b := range l.buckets {
			if now.Sub(b.at) >= l.rate.Per {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			return false, l.rate.Per
		}
		b = &bucket{tokens: float64(l.rate.N), at: now}
		l.buckets[key] = b
	}
	if d := now.Sub(b.at); d > 0 {
		b.tokens = math.Min(float64(l.rate.N), b.tokens+float64(d)/float64(perToken))
		b.at = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) * float64(perToken))
}

// limit takes a token for the key, or sets Retry-After and returns a
// rate_limited problem.
func (l *limiter) limit(w http.ResponseWriter, key, what string) error {
	ok, wait := l.allow(key)
	if ok {
		return nil
	}
	secs := int(math.Ceil(wait.Seconds()))
	w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
	return minsheng.Errorf(minsheng.ERATELIMIT, "too many new requests %s; try again in %d seconds", what, max(secs, 1))
}

// remoteIP is the client's address: the connection's, or the one a reverse
// proxy in front passes in Config.RealIPHeader (the last one, when it holds
// a list like X-Forwarded-For).
func (s *Server) remoteIP(r *http.Request) string {
	if s.realIPHeader != "" {
		v := r.Header.Get(s.realIPHeader)
		if addr := strings.TrimSpace(v[strings.LastIndexByte(v, ',')+1:]); addr != "" {
			return addr
		}
	}
	return clientIP(r)
}

// clientAddr is the key of per-client limits: the client's address, with
// IPv6 clients counted by their /64 network, which one subscriber usually
// holds whole.
func (s *Server) clientAddr(r *http.Request) string {
	addr := s.remoteIP(r)
	ip := net.ParseIP(addr)
	if ip == nil {
		return addr
	}
	if ip.To4() == nil {
		return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
	return ip.String()
}
