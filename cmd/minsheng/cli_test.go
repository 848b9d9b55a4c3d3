package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The command line: a bare "minsheng" prints the usage and fails (it
// never starts a server); help and -h succeed, for the program, every
// command and every subcommand, without touching a database; the usage
// lists every command; unknown commands and subcommands fail.
func TestCommandHelp(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "never.db")
	env := func(k string) string {
		if k == "MINSHENG_DB" {
			return "sqlite:" + dbPath
		}
		return ""
	}
	tests := []struct {
		args   string
		ok     bool
		stdout string // what the standard output holds
		stderr string // what the standard error holds
	}{
		{args: "", ok: false, stderr: "minsheng serve"},
		{args: "-h", ok: true, stdout: "Usage:"},
		{args: "--help", ok: true, stdout: "Usage:"},
		{args: "help", ok: true, stdout: "Usage:"},
		{args: "version", ok: true, stdout: "minsheng"},
		{args: "frobnicate", ok: false, stderr: "Usage:"},
		{args: "serve -h", ok: true, stderr: "-addr"},
		{args: "migrate -h", ok: true, stderr: "-db"},
		{args: "seed -h", ok: true, stderr: "-tickets"},
		{args: "load -h", ok: true, stderr: "-clients"},
		{args: "archive -h", ok: true, stderr: "-db"},
		{args: "user -h", ok: true, stdout: "minsheng user create"},
		{args: "user", ok: false, stderr: "minsheng user passwd"},
		{args: "user create -h", ok: true, stderr: "-username"},
		{args: "user passwd -h", ok: true, stderr: "-password"},
		{args: "user token -h", ok: true, stderr: "-expires"},
		{args: "user token revoke -h", ok: true, stderr: "-all"},
		{args: "user frob", ok: false, stderr: "minsheng user"},
		{args: "calendar -h", ok: true, stdout: "minsheng calendar due"},
		{args: "calendar help", ok: true, stdout: "minsheng calendar import"},
		{args: "calendar due -h", ok: true, stderr: "-db"},
		{args: "calendar import -h", ok: true, stderr: "-db"},
		{args: "calendar frob", ok: false, stderr: "minsheng calendar show"},
		{args: "stats -h", ok: true, stdout: "minsheng stats rebuild"},
		{args: "stats rebuild -h", ok: true, stderr: "-db"},
		{args: "stats frob", ok: false},
		{args: "open311 -h", ok: true, stdout: "minsheng open311 key"},
		{args: "open311 key -h", ok: true, stderr: "-rate"},
		{args: "open311 frob", ok: false},
		{args: "jobs -h", ok: true, stdout: "minsheng jobs list"},
		{args: "jobs list -h", ok: true, stderr: "-status"},
		{args: "jobs frob", ok: false},
		{args: "notify -h", ok: true, stdout: "minsheng notify webhook"},
		{args: "notify webhook -h", ok: true, stdout: "minsheng notify webhook"},
		{args: "notify contact -h", ok: true, stderr: "-email"},
		{args: "notify deliveries -h", ok: true, stderr: "-ticket"},
		{args: "notify frob", ok: false},
		{args: "classify -h", ok: true, stdout: "minsheng classify eval"},
		{args: "classify eval -h", ok: true},
		{args: "classify train -h", ok: true},
	}
	for _, tc := range tests {
		t.Run(strings.ReplaceAll("minsheng "+tc.args, " ", "_"), func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), strings.Fields(tc.args), env, &out, &errOut)
			if (err == nil) != tc.ok {
				t.Errorf("error %v, want ok=%v\nstdout: %s\nstderr: %s", err, tc.ok, out.String(), errOut.String())
			}
			if !strings.Contains(out.String(), tc.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tc.stdout, out.String())
			}
			if !strings.Contains(errOut.String(), tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, errOut.String())
			}
			if _, err := os.Stat(dbPath); err == nil {
				t.Fatalf("%q opened the database", tc.args)
			}
		})
	}
	// The usage lists every command and every subcommand.
	var out bytes.Buffer
	run(context.Background(), []string{"help"}, env, &out, &out)
	for _, c := range commands() {
		if !strings.Contains(out.String(), "minsheng "+c.name) {
			t.Errorf("the usage does not list %s", c.name)
		}
		for _, s := range c.subs {
			if !strings.Contains(out.String(), "minsheng "+c.name) || !strings.Contains(out.String(), " "+s) {
				t.Errorf("the usage does not list %s %s", c.name, s)
			}
		}
	}
}
