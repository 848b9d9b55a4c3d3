package open311

import (
	"math"
	"sync"
	"time"
)

// limiter is a set of token buckets, one per API client (or per address
// for requests without a key): a bucket holds up to burst tokens, gains
// rate tokens a minute, and each request takes one. It lives in the
// process: with several servers behind a load balancer, each allows the
// rate on its own.
type limiter struct {
	now func() time.Time

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(now func() time.Time) *limiter {
	return &limiter{now: now, buckets: map[string]*bucket{}}
}

// allow takes a token from the key's bucket. When there is none it says how
// long until there is one. A rate of 0 or less allows everything.
func (l *limiter) allow(key string, perMinute, burst int) (bool, time.Duration) {
	if perMinute <= 0 {
		return true, 0
	}
	burst = max(burst, 1)
	rate := float64(perMinute) / 60 // tokens a second
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: float64(burst), last: now}
		l.buckets[key] = b
	}
	if d := now.Sub(b.last).Seconds(); d > 0 {
		b.tokens = math.Min(float64(burst), b.tokens+d*rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / rate * float64(time.Second))
	return false, wait
}

// sweep forgets buckets idle for ten minutes (full again at any rate of a
// request a minute or more), at most once a minute.
func (l *limiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < time.Minute {
		return
	}
	l.lastSweep = now
	for k, b := range l.buckets {
		if now.Sub(b.last) > 10*time.Minute {
			delete(l.buckets, k)
		}
	}
}
