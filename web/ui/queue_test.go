package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/minsheng/minsheng/ticket"
)

// The console's queues come in pages of 20, and a dispatcher closes the
// tickets answered at intake in bulk with one note.
func TestConsolePagesAndBulkClose(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := e.f
		var numbers []string
		for range 23 {
			tk := f.Register(t)
			if _, err := f.Svc.ResolveAtIntake(ctx, f.Users["agent"], tk.Number, "已告知办理地点和所需材料。"); err != nil {
				t.Fatal(err)
			}
			numbers = append(numbers, tk.Number)
		}
		d := e.signedIn(t, "dispatcher")
		first := d.get("/console?q=callback")
		if n := strings.Count(first.body, `<article class="row card"`); n != 20 {
			t.Fatalf("first page has %d rows; want 20", n)
		}
		if !strings.Contains(first.body, "第 1 / 2 页，共 23 件") || !strings.Contains(first.body, `href="/console?q=callback&amp;page=2"`) {
			t.Fatal("first page lacks its pager")
		}
		second := d.get("/console?q=callback&page=2")
		if n := strings.Count(second.body, `<article class="row card"`); n != 3 || !strings.Contains(second.body, `id="pager-prev"`) {
			t.Fatalf("second page has %d rows", n)
		}
		if n := strings.Count(first.body, `form="bulk-close"`); n != 20 || !strings.Contains(first.body, `id="bulk-close"`) {
			t.Fatalf("%d rows to select for the bulk close", n)
		}
		// No note: refused, nothing closed, the page says why.
		r := d.post("/console/close", url.Values{"q": {"callback"}, "ref": numbers[:2]})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, `class="ferr"`) {
			t.Fatalf("bulk close without a note: %d", r.status)
		}
		r = d.post("/console/close", url.Values{"q": {"callback"}, "page": {"1"}, "ref": numbers[:21], "note": {"直接办结件，已当场答复，予以结案。"}})
		if r.status != http.StatusOK || !strings.Contains(r.body, "已结案 21 件，未结案 0 件。") {
			t.Fatalf("bulk close: %d", r.status)
		}
		if n := strings.Count(r.body, `<article class="row card"`); n != 2 {
			t.Fatal("the page after the bulk close still shows the closed tickets")
		}
		for _, n := range numbers[:21] {
			v, err := f.Svc.GetTicket(ctx, f.Users["dispatcher"], n)
			if err != nil || v.Ticket.Status != ticket.StatusClosed {
				t.Fatalf("%s not closed", n)
			}
		}
		// Closing again what is closed: reported, not an error page.
		r = d.post("/console/close", url.Values{"q": {"callback"}, "ref": numbers[:1], "note": {"再次结案"}})
		if r.status != http.StatusOK || !strings.Contains(r.body, "已结案 0 件，未结案 1 件。") || !strings.Contains(r.body, "状态已变化") {
			t.Fatalf("closing a closed ticket: %d", r.status)
		}
		// Agents do not close.
		if r := e.signedIn(t, "agent").post("/console/close", url.Values{"ref": numbers[21:], "note": {"x"}}); r.status != http.StatusForbidden {
			t.Fatalf("agent's bulk close: %d", r.status)
		}
	})
}
