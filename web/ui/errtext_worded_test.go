package ui_test

import (
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/platform"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/web"
	"github.com/minsheng/minsheng/web/ui"
)

// Every reason an error of the code base gives, and every field it names
// literally, has its text in both languages among the texts of the pages
// with every capability mounted: a page never falls back to a generic
// text for want of a key. A capability words its own reasons and fields in
// its Messages; texts two capabilities share are in errorMessages.
func TestEveryErrorReasonAndFieldIsWorded(t *testing.T) {
	msgs := mountedMessages(t)
	reasonRE := regexp.MustCompile(`\.Because\("([^"]+)"\)|Reason:\s*"([^"]+)"`)
	fieldRE := regexp.MustCompile(`FieldError\("([^"]+)"|Field:\s*"([^"]+)"`)
	reasons, fields := map[string]string{}, map[string]string{}
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range reasonRE.FindAllStringSubmatch(string(b), -1) {
			reasons[m[1]+m[2]] = path
		}
		for _, m := range fieldRE.FindAllStringSubmatch(string(b), -1) {
			fields[m[1]+m[2]] = path
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(reasons) < 20 || len(fields) < 50 {
		t.Fatalf("found %d reasons and %d fields: has the source moved?", len(reasons), len(fields))
	}
	for r, path := range reasons {
		m, ok := msgs["why."+r]
		if !ok || m[1] == "" {
			t.Errorf("reason %q (%s) has no text why.%s in both languages", r, path, r)
		}
	}
	for f, path := range fields {
		if ui.FieldLabel(msgs, f) == "" {
			t.Errorf("field %q (%s) has no name field.%s", f, path, strings.ToLower(f))
		}
	}
}

// mountedMessages are the texts of the pages with every capability
// mounted, as a server has them.
func mountedMessages(t *testing.T) map[string][2]string {
	t.Helper()
	f := apptest.New(t, storetest.Open(t, "sqlite"))
	log := slog.New(slog.DiscardHandler)
	srv := web.NewServer(web.Config{Service: f.Svc, Logger: log, Version: "test"})
	pages, err := ui.New(ui.Config{Service: f.Svc, Logger: log, CurrentUser: web.CurrentUser, RequestID: web.RequestID})
	if err != nil {
		t.Fatal(err)
	}
	if err := platform.Mount(platform.Parts{Tickets: f.Svc, Server: srv, Pages: pages}); err != nil {
		t.Fatal(err)
	}
	return pages.Messages()
}
