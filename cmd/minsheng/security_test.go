package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSecurityDemoOnPublicAddress: `minsheng serve` on an address other
// machines can reach refuses to seed the demo district, and refuses a
// database whose users still have the demo's published password, saying
// how to create the first real admin; -allow-demo-public starts it anyway.
func TestSecurityDemoOnPublicAddress(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the demo district; skipped in -short")
	}
	dir := t.TempDir()
	noEnv := func(string) string { return "" }
	serve := func(ctx context.Context, stdout io.Writer, db string, extra ...string) error {
		args := append([]string{"serve", "-addr", "0.0.0.0:0", "-db", "sqlite:" + filepath.Join(dir, db),
			"-files", filepath.Join(dir, "files"), "-demo-tickets", "5"}, extra...)
		return run(ctx, args, noEnv, stdout, io.Discard)
	}
	mustRefuse := func(t *testing.T, err error, want ...string) {
		t.Helper()
		if err == nil {
			t.Fatal("the server started")
		}
		for _, w := range append(want, "refusing", "minsheng user create", "-allow-demo-public") {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("the refusal does not say %q: %v", w, err)
			}
		}
	}

	t.Run("new database", func(t *testing.T) {
		var out bytes.Buffer
		mustRefuse(t, serve(context.Background(), &out, "new.db"), "-no-demo")
		if strings.Contains(out.String(), "seeding") {
			t.Errorf("the demo was seeded before the refusal: %s", out.String())
		}
	})
	if err := run(context.Background(), []string{"seed", "-db", "sqlite:" + filepath.Join(dir, "demo.db"), "-demo-tickets", "5"},
		noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	t.Run("demo database", func(t *testing.T) {
		mustRefuse(t, serve(context.Background(), io.Discard, "demo.db"), "admin", "minsheng-demo")
	})
	t.Run("allowed explicitly", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		pr, pw := io.Pipe()
		done := make(chan error, 1)
		go func() { done <- serve(ctx, pw, "demo.db", "-allow-demo-public"); pw.Close() }()
		started := make(chan bool, 1)
		go func() {
			sc := bufio.NewScanner(pr)
			ok := false
			for sc.Scan() {
				if strings.Contains(sc.Text(), "running at") && !ok {
					ok = true
					started <- true
				}
			}
			if !ok {
				started <- false
			}
		}()
		select {
		case ok := <-started:
			if !ok {
				t.Fatalf("the server did not start: %v", <-done)
			}
		case <-time.After(5 * time.Minute):
			t.Fatal("the server did not start")
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("serve: %v", err)
		}
	})
	t.Run("loopback", func(t *testing.T) {
		for _, addr := range []string{"127.0.0.1:0", "localhost:0", "[::1]:0"} {
			if !isLoopback(addr) {
				t.Errorf("%s is not loopback", addr)
			}
		}
		for _, addr := range []string{":8080", "0.0.0.0:8080", "[::]:8080", "10.0.0.5:8080", "example.org:80"} {
			if isLoopback(addr) {
				t.Errorf("%s is loopback", addr)
			}
		}
	})
}
