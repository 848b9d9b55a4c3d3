package ui

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// TestEveryMessageKeyExists catches a core template that names a text
// the catalogue lacks (it would show the bare key to users). A
// capability's templates are checked by Mount, at start.
func TestEveryMessageKeyExists(t *testing.T) {
	keys, err := templateKeys(templateFS, "templates/*.html")
	if err != nil || len(keys) == 0 {
		t.Fatalf("templates: %v", err)
	}
	for _, k := range keys {
		if _, ok := catalogue[k]; !ok {
			t.Errorf("message %q is not in the catalogue", k)
		}
	}
	// Keys built at run time: the enum groups, the actions' messages and
	// the error pages.
	for _, group := range []string{"status", "kind", "urgency", "channel", "role", "sat", "reason", "ev", "queue", "unitkind"} {
		found := false
		for k := range catalogue {
			found = found || strings.HasPrefix(k, group+".")
		}
		if !found {
			t.Errorf("no messages for enum group %q", group)
		}
	}
	for _, code := range []string{"not_found", "forbidden", "unauthorized", "conflict", "invalid", "rate_limited", "too_large", "internal"} {
		for _, k := range []string{"err." + code, "err." + code + ".help"} {
			if _, ok := catalogue[k]; !ok {
				t.Errorf("error page message %q missing", k)
			}
		}
	}
	for k, m := range catalogue {
		if m[0] == "" && !strings.HasSuffix(k, ".help") {
			t.Errorf("message %q has no Chinese text", k)
		}
	}
}

func TestMissingOrBrokenTemplateFailsTheStart(t *testing.T) {
	good := fstest.MapFS{}
	files, _ := fs.Glob(templateFS, "templates/*.html")
	capFiles, _ := fs.Glob(templateFS, "templates/*/*.html")
	files = append(files, capFiles...)
	for _, f := range files {
		b, _ := fs.ReadFile(templateFS, f)
		good[f] = &fstest.MapFile{Data: b}
	}
	if _, err := parsePages(good); err != nil {
		t.Fatalf("the shipped templates: %v", err)
	}
	missing := fstest.MapFS{}
	for k, v := range good {
		if k != "templates/inbox.html" {
			missing[k] = v
		}
	}
	if _, err := parsePages(missing); err == nil || !strings.Contains(err.Error(), "inbox") {
		t.Fatalf("a missing page template: err = %v", err)
	}
	broken := fstest.MapFS{}
	for k, v := range good {
		broken[k] = v
	}
	broken["templates/desk.html"] = &fstest.MapFile{Data: []byte(`{{define "content"}}{{if}}{{end}}`)}
	if _, err := parsePages(broken); err == nil {
		t.Fatal("a broken template parsed")
	}
}

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	l := NewLimiter(3, time.Hour, func() time.Time { return now })
	for i := 0; i < 3; i++ {
		if !l.Allow("a") {
			t.Fatalf("event %d refused", i+1)
		}
	}
	if l.Allow("a") {
		t.Fatal("fourth event in the hour allowed")
	}
	if !l.Allow("b") {
		t.Fatal("another key is limited too")
	}
	now = now.Add(20 * time.Minute) // one token back
	if !l.Allow("a") || l.Allow("a") {
		t.Fatal("after 20 minutes exactly one more event should pass")
	}
	now = now.Add(5 * time.Hour)
	l.Allow("c") // sweeps
	if len(l.buckets) != 1 {
		t.Fatalf("%d buckets kept; full ones should be forgotten", len(l.buckets))
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/console?q=new": "/console?q=new", "": "/d", "//evil.example": "/d", "https://evil.example/": "/d",
		"/\\evil.example": "/d", "javascript:alert(1)": "/d",
	} {
		if got := safeNext(in, "/d"); got != want {
			t.Errorf("safeNext(%q) = %q; want %q", in, got, want)
		}
	}
}
