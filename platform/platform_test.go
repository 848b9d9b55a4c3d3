package platform_test

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/platform"
	"github.com/minsheng/minsheng/web"
	"github.com/minsheng/minsheng/web/ui"
)

// parts builds the core pieces without a database: building and mounting
// capabilities touches none.
func parts(t *testing.T) platform.Parts {
	t.Helper()
	tickets := app.New(app.Config{Logger: slog.New(slog.DiscardHandler)})
	srv := web.NewServer(web.Config{Service: tickets, Logger: slog.New(slog.DiscardHandler)})
	pages, err := ui.New(ui.Config{Service: tickets, Logger: slog.New(slog.DiscardHandler), CurrentUser: web.CurrentUser})
	if err != nil {
		t.Fatal(err)
	}
	return platform.Parts{Tickets: tickets, Server: srv, Pages: pages}
}

// Every capability mounts beside the core, brings its docs page, and keeps
// its JSON routes under /api/v1 with a method (so that the OpenAPI test
// holds them to the document).
func TestCapabilitiesMount(t *testing.T) {
	p := parts(t)
	if err := platform.Mount(p); err != nil {
		t.Fatalf("mount: %v", err)
	}
	caps := platform.Capabilities(p)
	if len(caps) == 0 {
		t.Fatal("no capabilities")
	}
	seen := map[string]bool{}
	for _, c := range caps {
		if c.Name == "" || seen[c.Name] {
			t.Errorf("capability name %q is empty or taken twice", c.Name)
		}
		seen[c.Name] = true
		if _, err := os.Stat(filepath.Join("..", "docs", c.Name+".md")); err != nil {
			t.Errorf("capability %s has no docs page docs/%s.md: %v", c.Name, c.Name, err)
		}
		for _, r := range c.API {
			method, path, ok := strings.Cut(r.Pattern, " ")
			if !ok || method == "" || !strings.HasPrefix(path, "/api/v1/") {
				t.Errorf("capability %s: API route %q needs a method and a path under /api/v1/", c.Name, r.Pattern)
			}
		}
		for _, n := range c.Nav {
			if _, ok := c.Messages[n.Label]; !ok {
				t.Errorf("capability %s: nav entry %q has no message of its own", c.Name, n.Label)
			}
			if len(n.Roles) == 0 {
				t.Errorf("capability %s: nav entry %s is shown to no role", c.Name, n.Path)
			}
		}
	}
}

// A capability whose routes, OpenAPI entries or messages another part
// already defines is refused at start, not served half.
func TestTwiceMountedCapabilityIsRefused(t *testing.T) {
	p := parts(t)
	c := platform.Capabilities(p)[0]
	if err := p.Server.Mount(c); err != nil {
		t.Fatalf("first mount: %v", err)
	}
	if err := p.Server.Mount(c); err == nil {
		t.Error("the server mounted the same capability twice")
	}
	if err := p.Pages.Mount(c); err != nil {
		t.Fatalf("first mount of the pages: %v", err)
	}
	if len(c.Messages) > 0 {
		if err := p.Pages.Mount(c); err == nil {
			t.Error("the pages took the same messages twice")
		}
	}
}
