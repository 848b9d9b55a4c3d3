package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/open311"
	"github.com/minsheng/minsheng/store"
)

func TestOpen311Command(t *testing.T) {
	ctx := context.Background()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "m.db")
	env := func(string) string { return "" }
	runOK := func(args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		if err := run(ctx, append(args, "-db", dsn), env, &out, &errOut); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, errOut.String())
		}
		return out.String()
	}
	lastLine := func(s string) string {
		lines := strings.Split(strings.TrimSpace(s), "\n")
		return lines[len(lines)-1]
	}
	key1 := lastLine(runOK("open311", "key", "FixMyStreet"))
	key2 := lastLine(runOK("open311", "key", "FixMyStreet", "-rate", "30"))
	if !strings.HasPrefix(key1, open311.APIClientKeyPrefix) || key1 == key2 {
		t.Fatalf("keys %q, %q", key1, key2)
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tickets := app.New(app.Config{DB: db})
	svc := open311.New(tickets.Kit(), tickets)
	if _, err := svc.AuthenticateAPIKey(ctx, key1); err == nil {
		t.Fatal("the first key still works after a new one")
	}
	c, err := svc.AuthenticateAPIKey(ctx, key2)
	if err != nil || c.RatePerMinute != 30 {
		t.Fatalf("second key: %+v, %v", c, err)
	}
	if out := runOK("open311", "list"); !strings.Contains(out, "FixMyStreet") || !strings.Contains(out, "30/min") || !strings.Contains(out, "never used") {
		t.Fatalf("list = %q", out)
	}
	runOK("open311", "revoke", "FixMyStreet")
	if _, err := svc.AuthenticateAPIKey(ctx, key2); err == nil {
		t.Fatal("a revoked key works")
	}
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"open311", "revoke", "-db", dsn}, env, &out, &errOut); err == nil {
		t.Fatal("revoke without a name worked")
	}
	if err := run(ctx, []string{"open311", "revoke", "nobody", "-db", dsn}, env, &out, &errOut); err == nil {
		t.Fatal("revoke of an unknown client worked")
	}
}
