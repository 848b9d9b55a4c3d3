package app

import (
	"context"
	"errors"
	"math"
	"runtime"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// Sign-in limits. A password check costs 64 MiB and a core for a tenth of
// a second (argon2id, org.HashPassword), so what an outsider can make the
// server do is bounded before the check, not after it.
//
// Failures lock a username out per client address (MaxFailedLogins, then
// LockoutDuration): one address cannot lock an account for the others.
// Over all addresses, GlobalFailedLogins failures make the account back
// off for everyone for GlobalBackoff, doubling with each further
// GlobalFailedLogins up to LockoutDuration: guessing from many addresses
// stays slow, and locking the admin out takes many addresses and lasts
// minutes at a time.
const (
	MaxFailedLogins    = 5
	LockoutDuration    = 15 * time.Minute
	GlobalFailedLogins = 50
	GlobalBackoff      = time.Minute
	// failureMemory: counts untouched this long start again from zero
	// (and their rows are deleted).
	failureMemory = 24 * time.Hour
)

// SignInLimits bound the work that sign-in attempts make the server do.
// Zero fields take DefaultSignInLimits (Hashes: runtime.GOMAXPROCS).
type SignInLimits struct {
	// Hashes is how many password checks may run at once; an attempt
	// over it is refused at once (ERATELIMIT) rather than queued, so
	// that a flood neither holds memory nor piles up goroutines.
	Hashes int
	// PerAddress attempts per AddressWindow from one client address.
	// Each server process counts on its own (see docs/security.md).
	PerAddress    int
	AddressWindow time.Duration
}

// DefaultSignInLimits: 20 attempts a minute from one address is more
// than an office behind one address needs at 09:00.
var DefaultSignInLimits = SignInLimits{PerAddress: 20, AddressWindow: time.Minute}

// signIn is the sign-in guard of a Service.
type signIn struct {
	hashes  chan struct{} // a semaphore: one token per running password check
	perAddr *addrLimiter
	check   func(hash, password string) error // org.CheckPassword; tests wrap it
}

func newSignIn(l SignInLimits, clock minsheng.Clock) *signIn {
	d := DefaultSignInLimits
	if l.Hashes <= 0 {
		l.Hashes = runtime.GOMAXPROCS(0)
	}
	if l.PerAddress <= 0 || l.AddressWindow <= 0 {
		l.PerAddress, l.AddressWindow = d.PerAddress, d.AddressWindow
	}
	return &signIn{
		hashes:  make(chan struct{}, l.Hashes),
		perAddr: &addrLimiter{n: float64(l.PerAddress), every: l.AddressWindow / time.Duration(l.PerAddress), clock: clock, buckets: map[string]*addrBucket{}},
		check:   org.CheckPassword,
	}
}

// WaitError is a sign-in refused for a while: too many attempts at once
// or from one address (code ERATELIMIT), or a lock-out (EUNAUTHORIZED,
// Locked). Wait is how long until trying again can succeed: the API's
// Retry-After, the page's minutes.
type WaitError struct {
	Wait   time.Duration
	Locked bool
	Err    *minsheng.Error
}

func (e *WaitError) Error() string { return e.Err.Error() }
func (e *WaitError) Unwrap() error { return e.Err }

// RetryAfter returns how long to wait after a refusal that may succeed
// later (a *WaitError), in whole seconds, at least one.
func RetryAfter(err error) (int, bool) {
	var w *WaitError
	if !errors.As(err, &w) {
		return 0, false
	}
	return max(1, int(math.Ceil(w.Wait.Seconds()))), true
}

// LockedFor returns the minutes left of a lock-out, when err is one.
func LockedFor(err error) (int, bool) {
	var w *WaitError
	if !errors.As(err, &w) || !w.Locked {
		return 0, false
	}
	return int(w.Wait/time.Minute) + 1, true
}

func rateLimited(wait time.Duration, why string) error {
	secs := max(1, int(math.Ceil(wait.Seconds())))
	return &WaitError{Wait: wait, Err: minsheng.Errorf(minsheng.ERATELIMIT, "%s; try again in %d seconds", why, secs)}
}

// loginKey is the username as the failure counts know it: trimmed, and
// cut short, since any username may be tried (and counted).
func loginKey(username string) string {
	s := strings.TrimSpace(username)
	for len(s) > 64 {
		_, n := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-n]
	}
	return strings.ToValidUTF8(s, "?")
}

// Login checks a username and password from a client address and starts
// a browser session, returning its secret.
//
// In this order, so that refusals cost no password check: too many
// attempts from the address → ERATELIMIT (WaitError); the username locked
// for this address or for all → EUNAUTHORIZED (WaitError, Locked); as
// many password checks running as the server has cores → ERATELIMIT
// (WaitError). Then the password is checked — against a dummy hash when
// the user does not exist, so that unknown and known usernames cost the
// same, count and lock the same, and fail with the same EUNAUTHORIZED.
func (s *Service) Login(ctx context.Context, username, password, addr string) (string, *org.User, error) {
	bad := minsheng.Errorf(minsheng.EUNAUTHORIZED, "wrong username or password")
	name := loginKey(username)
	if addr == "" {
		addr = "unknown"
	}
	g := s.signin
	if ok, wait := g.perAddr.allow(addr); !ok {
		return "", nil, rateLimited(wait, "too many sign-in attempts from your address")
	}
	now := s.now()
	var u *org.User
	var locked *WaitError
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		if locked, err = loginLocked(ctx, tx, name, addr, now); err != nil || locked != nil {
			return err
		}
		u, err = store.GetUserByUsername(ctx, tx, name)
		if minsheng.IsCode(err, minsheng.ENOTFOUND) {
			u, err = nil, nil
		}
		return err
	})
	if err != nil {
		return "", nil, err
	}
	if locked != nil {
		return "", nil, locked
	}

	select {
	case g.hashes <- struct{}{}:
	default:
		return "", nil, rateLimited(time.Second, "too many sign-ins at once")
	}
	hash := org.DummyHash
	if u != nil {
		hash = u.PasswordHash
	}
	pwErr := g.check(hash, password)
	<-g.hashes
	ok := u != nil && pwErr == nil && u.Active

	secret := org.NewSecret("mss_")
	// A failed attempt must be counted even though sign-in fails, so the
	// transaction commits and the failure is reported after it.
	var failure error
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		if !ok {
			locked, err := countLoginFailure(ctx, tx, name, addr, now)
			failure = bad
			if locked != nil { // the failure that locks says so at once
				failure = locked
			}
			return err
		}
		if err := store.ClearLoginFailures(ctx, tx, name, addr, now.Add(-failureMemory)); err != nil {
			return err
		}
		return store.InsertSession(ctx, tx, org.HashSecret(secret), u.ID, now, now.Add(SessionLifetime))
	})
	if err != nil {
		return "", nil, err
	}
	if failure != nil {
		return "", nil, failure
	}
	return secret, u, nil
}

// loginLocked returns a WaitError when the username is locked for the
// address or for every address.
func loginLocked(ctx context.Context, tx *store.Tx, name, addr string, now time.Time) (*WaitError, error) {
	var until time.Time
	for _, a := range []string{addr, store.GlobalAddr} {
		f, err := store.GetLoginFailures(ctx, tx, name, a)
		if err != nil {
			return nil, err
		}
		if f.LockedUntil != nil && now.Before(*f.LockedUntil) && f.LockedUntil.After(until) {
			until = *f.LockedUntil
		}
	}
	if until.IsZero() {
		return nil, nil
	}
	wait := until.Sub(now)
	return &WaitError{Wait: wait, Locked: true, Err: minsheng.Errorf(minsheng.EUNAUTHORIZED,
		"too many failed sign-ins; try again in %d minutes", int(wait/time.Minute)+1)}, nil
}

// countLoginFailure counts a failure for (username, address) and for the
// username over all addresses, locking either when it reaches its limit;
// it returns the lock-out that this failure started, if any.
func countLoginFailure(ctx context.Context, tx *store.Tx, name, addr string, now time.Time) (*WaitError, error) {
	for _, a := range []string{addr, store.GlobalAddr} {
		f, err := store.GetLoginFailures(ctx, tx, name, a)
		if err != nil {
			return nil, err
		}
		if now.Sub(f.UpdatedAt) >= failureMemory {
			f = store.LoginFailures{}
		}
		f.Failures++
		f.UpdatedAt = now
		switch {
		case a != store.GlobalAddr && f.Failures >= MaxFailedLogins:
			until := now.Add(LockoutDuration)
			f.LockedUntil, f.Failures = &until, 0
		case a == store.GlobalAddr && f.Failures%GlobalFailedLogins == 0:
			d := LockoutDuration
			if k := f.Failures/GlobalFailedLogins - 1; k < 5 {
				d = min(LockoutDuration, GlobalBackoff<<k)
			}
			until := now.Add(d)
			f.LockedUntil = &until
		}
		if err := store.SetLoginFailures(ctx, tx, name, a, f); err != nil {
			return nil, err
		}
	}
	if err := store.PruneLoginFailures(ctx, tx, now.Add(-failureMemory)); err != nil {
		return nil, err
	}
	return loginLocked(ctx, tx, name, addr, now)
}

// addrLimiter keeps one token bucket per client address: n tokens, one
// regained every `every`. Buckets full again are forgotten, and at most
// maxAddrBuckets are kept, so a flood from many addresses cannot make it
// grow without bound (new addresses are then refused until some refill).
type addrLimiter struct {
	n     float64
	every time.Duration
	clock minsheng.Clock

	mu      sync.Mutex
	buckets map[string]*addrBucket
	swept   time.Time
}

type addrBucket struct {
	tokens float64
	at     time.Time
}

const maxAddrBuckets = 100_000

func (l *addrLimiter) allow(key string) (bool, time.Duration) {
	now := l.clock.Now()
	window := l.every * time.Duration(l.n)
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) >= window {
		for k, b := range l.buckets {
			if now.Sub(b.at) >= window {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= maxAddrBuckets {
			return false, window
		}
		b = &addrBucket{tokens: l.n, at: now}
		l.buckets[key] = b
	}
	if d := now.Sub(b.at); d > 0 {
		b.tokens = min(l.n, b.tokens+float64(d)/float64(l.every))
		b.at = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) * float64(l.every))
}
