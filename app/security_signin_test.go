package app_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// countChecks replaces the password check with a fast one that gives the
// same answers (the fixture's password, never the dummy hash) and counts
// the checks.
func countChecks(f *apptest.Fixture) *atomic.Int64 {
	var n atomic.Int64
	f.Svc.WrapPasswordCheck(func(func(string, string) error) func(string, string) error {
		return func(hash, password string) error {
			n.Add(1)
			if hash == org.DummyHash || password != apptest.Password {
				return org.ErrPasswordMismatch
			}
			return nil
		}
	})
	return &n
}

func login(f *apptest.Fixture, username, password, addr string) error {
	_, _, err := f.Svc.Login(context.Background(), username, password, addr)
	return err
}

// A flood of concurrent sign-ins runs at most GOMAXPROCS password checks
// at once; the others are refused at once with ERATELIMIT and a wait, not
// queued behind the running checks.
func TestSecuritySignInFloodCapsHashing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		capN := runtime.GOMAXPROCS(0)
		const attempts = 50
		var running, most atomic.Int64
		started, release := make(chan struct{}, attempts), make(chan struct{})
		f.Svc.WrapPasswordCheck(func(check func(string, string) error) func(string, string) error {
			return func(hash, password string) error {
				n := running.Add(1)
				defer running.Add(-1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				started <- struct{}{}
				<-release // held until every other attempt has had its answer
				return org.ErrPasswordMismatch
			}
		})
		results := make(chan error, attempts)
		for i := range attempts {
			go func() { results <- login(f, "admin", "guess", fmt.Sprintf("198.51.100.%d", i)) }()
		}
		for range capN {
			<-started
		}
		// While capN checks hold the semaphore, every other attempt
		// returns: refused, without waiting for a check to end.
		for range attempts - capN {
			err := <-results
			if !minsheng.IsCode(err, minsheng.ERATELIMIT) {
				t.Fatalf("an attempt over the cap: %v, want rate_limited", err)
			}
			if secs, ok := app.RetryAfter(err); !ok || secs < 1 {
				t.Errorf("refusal without a wait: %v", err)
			}
		}
		close(release)
		for range capN {
			if err := <-results; !minsheng.IsCode(err, minsheng.EUNAUTHORIZED) {
				t.Errorf("a checked attempt: %v, want unauthorized", err)
			}
		}
		if got := most.Load(); got != int64(capN) {
			t.Errorf("at most %d checks ran at once, want exactly the cap %d", got, capN)
		}
	})
}

// The memory a sign-in flood takes is bounded by the cap on password
// checks, not by the number of attempts: each argon2id check holds 64 MiB,
// so without the cap 50 concurrent attempts take 3.2 GB. With the cap the
// Go heap stays under 2×GOMAXPROCS×64 MiB + 64 MiB above where it started
// (twice the live checks: the collector lets the heap reach twice what is
// live before it runs). The figures are logged (go test -v).
func TestSecuritySignInFloodMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real argon2id checks")
	}
	f := apptest.New(t, storetest.Open(t, "sqlite"))
	capN := runtime.GOMAXPROCS(0)
	const waves, attempts = 3, 50
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	var peakHeap, peakSys atomic.Uint64
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peakHeap.Load() {
				peakHeap.Store(m.HeapInuse)
			}
			peakSys.Store(m.Sys)
			select {
			case <-done:
				return
			default:
				runtime.Gosched()
			}
		}
	}()
	var refused, checked atomic.Int64
	start := time.Now()
	for w := range waves {
		var wg sync.WaitGroup
		for i := range attempts {
			wg.Go(func() {
				err := login(f, "admin", "guess", fmt.Sprintf("203.0.113.%d", w*attempts+i))
				if minsheng.IsCode(err, minsheng.ERATELIMIT) {
					refused.Add(1)
				} else {
					checked.Add(1)
				}
			})
		}
		wg.Wait()
	}
	close(done)
	<-sampled
	const mib = 1 << 20
	bound := uint64(2*capN*64+64) * mib
	grewHeap := peakHeap.Load() - min(before.HeapInuse, peakHeap.Load())
	grewSys := peakSys.Load() - min(before.Sys, peakSys.Load())
	t.Logf("%d waves of %d concurrent sign-ins in %v, cap %d: %d checked, %d refused; heap in use grew by %d MiB (peak %d MiB), memory from the OS by %d MiB (to %d MiB); bound %d MiB",
		waves, attempts, time.Since(start).Round(time.Millisecond), capN, checked.Load(), refused.Load(),
		grewHeap/mib, peakHeap.Load()/mib, grewSys/mib, peakSys.Load()/mib, bound/mib)
	if grewHeap > bound || grewSys > bound {
		t.Errorf("a flood took %d MiB of heap, %d MiB from the OS, over the bound %d MiB", grewHeap/mib, grewSys/mib, bound/mib)
	}
	if refused.Load() == 0 {
		t.Errorf("no attempt was refused: the flood did not reach the cap")
	}
}

// Unknown and known usernames cost the same (a check against a dummy
// hash), fail with the same code and message, and lock the same way.
func TestSecuritySignInNoEnumeration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		checks := countChecks(f)
		known := login(f, "admin", "guess", "192.0.2.10")
		unknown := login(f, "no-such-user", "guess", "192.0.2.10")
		if minsheng.ErrorCode(known) != minsheng.ErrorCode(unknown) || minsheng.ErrorMessage(known) != minsheng.ErrorMessage(unknown) {
			t.Errorf("known user: %v; unknown user: %v", known, unknown)
		}
		if checks.Load() != 2 {
			t.Errorf("%d password checks for two attempts: the unknown user is not checked", checks.Load())
		}
		for range app.MaxFailedLogins - 1 {
			login(f, "admin", "guess", "192.0.2.10")
			login(f, "no-such-user", "guess", "192.0.2.10")
		}
		known = login(f, "admin", "guess", "192.0.2.10")
		unknown = login(f, "no-such-user", "guess", "192.0.2.10")
		if minsheng.ErrorMessage(known) != minsheng.ErrorMessage(unknown) {
			t.Errorf("locked: known user %v; unknown user %v", known, unknown)
		}
		if _, ok := app.LockedFor(unknown); !ok {
			t.Errorf("the unknown user is not locked like a known one: %v", unknown)
		}
	})
}

// A locked account refuses without checking the password, even the right
// one, until the lock ends.
func TestSecuritySignInLockedNotHashed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		checks := countChecks(f)
		for range app.MaxFailedLogins {
			if err := login(f, "admin", "guess", "192.0.2.20"); !minsheng.IsCode(err, minsheng.EUNAUTHORIZED) {
				t.Fatalf("wrong password: %v", err)
			}
		}
		n := checks.Load()
		for range 10 {
			err := login(f, "admin", apptest.Password, "192.0.2.20")
			if _, ok := app.LockedFor(err); !ok || !minsheng.IsCode(err, minsheng.EUNAUTHORIZED) {
				t.Fatalf("locked account, right password: %v", err)
			}
		}
		if got := checks.Load() - n; got != 0 {
			t.Errorf("%d password checks while locked, want 0", got)
		}
		f.Clock.Advance(app.LockoutDuration)
		if err := login(f, "admin", apptest.Password, "192.0.2.20"); err != nil {
			t.Errorf("after the lock-out: %v", err)
		}
	})
}

// Failures from one address lock the account for that address only: the
// admin signs in from another. Many addresses together make the account
// back off for everyone, for a minute at first.
func TestSecuritySignInLockPerAddress(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		countChecks(f)
		for range 3 * app.MaxFailedLogins {
			login(f, "admin", "guess", "192.0.2.66")
		}
		if err := login(f, "admin", apptest.Password, "192.0.2.66"); !minsheng.IsCode(err, minsheng.EUNAUTHORIZED) {
			t.Fatalf("the attacker's address, right password: %v, want locked", err)
		}
		if err := login(f, "admin", apptest.Password, "198.51.100.1"); err != nil {
			t.Fatalf("the admin from another address: %v", err)
		}

		// GlobalFailedLogins failures from many addresses: a back-off for all.
		for i := range app.GlobalFailedLogins {
			login(f, "admin", "guess", fmt.Sprintf("203.0.113.%d", i/app.MaxFailedLogins))
		}
		err := login(f, "admin", apptest.Password, "198.51.100.1")
		if _, ok := app.LockedFor(err); !ok {
			t.Fatalf("after %d failures from many addresses: %v, want the account-wide back-off", app.GlobalFailedLogins, err)
		}
		f.Clock.Advance(app.GlobalBackoff)
		if err := login(f, "admin", apptest.Password, "198.51.100.1"); err != nil {
			t.Errorf("after the back-off: %v", err)
		}
	})
}

// One address gets DefaultSignInLimits.PerAddress attempts a window, over
// any usernames; the next is refused without a check, with a wait.
func TestSecuritySignInPerAddressLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		checks := countChecks(f)
		lim := app.DefaultSignInLimits
		for i := range lim.PerAddress {
			if err := login(f, fmt.Sprintf("user%d", i), "guess", "192.0.2.99"); !minsheng.IsCode(err, minsheng.EUNAUTHORIZED) {
				t.Fatalf("attempt %d: %v", i+1, err)
			}
		}
		n := checks.Load()
		err := login(f, "admin", apptest.Password, "192.0.2.99")
		secs, ok := app.RetryAfter(err)
		if !minsheng.IsCode(err, minsheng.ERATELIMIT) || !ok {
			t.Fatalf("attempt %d from one address: %v, want rate_limited", lim.PerAddress+1, err)
		}
		if want := int(lim.AddressWindow / time.Duration(lim.PerAddress) / time.Second); secs != want {
			t.Errorf("retry after %d s, want %d", secs, want)
		}
		if checks.Load() != n {
			t.Errorf("a refused attempt was checked")
		}
		if err := login(f, "admin", apptest.Password, "192.0.2.100"); err != nil {
			t.Errorf("another address: %v", err)
		}
		f.Clock.Advance(lim.AddressWindow / time.Duration(lim.PerAddress))
		if err := login(f, "admin", apptest.Password, "192.0.2.99"); err != nil {
			t.Errorf("after the wait: %v", err)
		}
	})
}
