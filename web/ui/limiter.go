package ui

import (
	"sync"
	"time"
)

// Limiter allows each key (an address, a phone number) at most n events
// in any window of the given length: a token bucket that holds n tokens
// and gains one every window/n. Its clock is injected, so tests move time
// instead of sleeping. It is safe for concurrent use and forgets keys whose
// bucket is full again, so it does not grow without bound.
type Limiter struct {
	mu      sync.Mutex
	n       float64
	every   time.Duration // one token per this
	now     func() time.Time
	buckets map[string]*bucket
	sweep   time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

// NewLimiter returns a limiter of n events per window.
func NewLimiter(n int, window time.Duration, now func() time.Time) *Limiter {
	if n < 1 {
		n = 1
	}
	return &Limiter{n: float64(n), every: window / time.Duration(n), now: now, buckets: map[string]*bucket{}}
}

// Allow takes a token for the key and reports whether there was one.
func (l *Limiter) Allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Sub(l.sweep) > l.every*time.Duration(l.n) {
		l.forgetFull(now)
		l.sweep = now
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: l.n, at: now}
		l.buckets[key] = b
	}
	l.refill(b, now)
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

func (l *Limiter) refill(b *bucket, now time.Time) {
	if d := now.Sub(b.at); d > 0 {
		b.tokens = min(l.n, b.tokens+float64(d)/float64(l.every))
		b.at = now
	}
}

// forgetFull drops the buckets that have refilled completely: they
// behave as new ones.
func (l *Limiter) forgetFull(now time.Time) {
	for k, b := range l.buckets {
		l.refill(b, now)
		if b.tokens >= l.n {
			delete(l.buckets, k)
		}
	}
}
