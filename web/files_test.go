package web_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/minsheng/minsheng/ticket"
	"github.com/minsheng/minsheng/web"
)

// fileAt is the address of a ticket's file.
func fileAt(ref string, id int64) string {
	return fmt.Sprintf("/api/v1/tickets/%s/attachments/%d", ref, id)
}

// mustFile checks that the answer is the file, served safely.
func mustFile(t *testing.T, r *res, body []byte, contentType, disposition string) {
	t.Helper()
	mustStatus(t, r, http.StatusOK)
	if !bytes.Equal(r.body, body) {
		t.Fatalf("got %d other bytes", len(r.body))
	}
	h := r.hdr
	if h.Get("Content-Type") != contentType || h.Get("X-Content-Type-Options") != "nosniff" ||
		h.Get("Content-Security-Policy") != "sandbox" || !strings.HasPrefix(h.Get("Content-Disposition"), disposition+";") {
		t.Errorf("headers %v", h)
	}
}

func TestAttachments(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		tk := e.ticketIn(t, "dispatched")
		path := "/api/v1/tickets/" + tk.Number + "/attachments"
		got := mustJSON[ticket.Ticket](t, e.form(t, path, "handler", []part{
			field("note", "现场照片和回执"), file(`C:\photos\井盖.png`, pngBytes), file("回执.pdf", pdfBytes),
		}), http.StatusOK)
		if got.Status != ticket.StatusDispatched || got.Version != tk.Version+1 {
			t.Errorf("after attach: %s, version %d", got.Status, got.Version)
		}
		v := e.view(t, "dispatcher", tk.Number)
		ev := v.Events[len(v.Events)-1]
		if ev.Action != ticket.ActionAttach || ev.Note != "现场照片和回执" || len(v.Attachments) != 2 {
			t.Fatalf("event %+v, %d files", ev, len(v.Attachments))
		}
		photo, scan := v.Attachments[0], v.Attachments[1]
		if photo.Name != "井盖.png" || photo.ContentType != "image/png" || photo.EventSeq != ev.Seq || scan.ContentType != "application/pdf" {
			t.Errorf("files %+v", v.Attachments)
		}

		r := e.do(t, "GET", fileAt(tk.Number, photo.ID), "handler", nil)
		mustFile(t, r, pngBytes, "image/png", "inline")
		if cd := r.hdr.Get("Content-Disposition"); cd != `inline; filename="__.png"; filename*=UTF-8''%E4%BA%95%E7%9B%96.png` {
			t.Errorf("Content-Disposition %s", cd)
		}
		mustFile(t, e.do(t, "GET", fileAt(tk.Number, scan.ID), "leader", nil), pdfBytes, "application/pdf", "attachment")
		r = e.do(t, "GET", fileAt(tk.Number, photo.ID), "handler", nil, "Range", "bytes=0-7")
		if mustStatus(t, r, http.StatusPartialContent); !bytes.Equal(r.body, pngBytes[:8]) {
			t.Errorf("range: %q", r.body)
		}
		etag := e.do(t, "GET", fileAt(tk.Number, photo.ID), "handler", nil).hdr.Get("ETag")
		mustStatus(t, e.do(t, "GET", fileAt(tk.Number, photo.ID), "handler", nil, "If-None-Match", etag), http.StatusNotModified)
		for _, c := range []struct {
			user, path string
			status     int
			code       string
		}{
			{"other_handler", fileAt(tk.Number, photo.ID), 404, "not_found"},
			{"", fileAt(tk.Number, photo.ID), 401, "unauthorized"},
			{"handler", fileAt(tk.Number, 999999), 404, "not_found"},
			{"handler", "/api/v1/tickets/" + tk.Number + "/attachments/x1", 404, "not_found"},
			{"handler", fileAt(e.ticketIn(t, "registered").Number, photo.ID), 404, "not_found"}, // another ticket's id
		} {
			mustProblem(t, e.do(t, "GET", c.path, c.user, nil), c.status, c.code, "")
		}
	})
}

func TestAttachmentsRefused(t *testing.T) {
	big := append(bytes.Clone(pngBytes), make([]byte, ticket.MaxAttachmentSize)...)
	ten := make([]part, 10)
	for i := range ten {
		ten[i] = file(fmt.Sprintf("%d.png", i), pngBytes)
	}
	good, ct := formBody(t, file("a.png", pngBytes))
	tests := []struct {
		bad
		parts []part
	}{
		{bad: bad{name: "no file", field: "file"}, parts: []part{field("note", "没有文件")}},
		{bad: bad{name: "a script named .png", field: "file"}, parts: []part{file("photo.png", []byte("<html><script>alert(1)</script>"))}},
		{bad: bad{name: "a text file after a photo", field: "file"}, parts: []part{file("a.png", pngBytes), file("b.png", []byte("hello"))}},
		{bad: bad{name: "an empty file", field: "file"}, parts: []part{file("a.png", nil)}},
		{bad: bad{name: "a file over 10 MiB", status: 413, code: "too_large"}, parts: []part{file("big.png", big)}},
		{bad: bad{name: "ten files", field: "file"}, parts: ten},
		{bad: bad{name: "unknown field", field: "comment"}, parts: []part{field("comment", "x"), file("a.png", pngBytes)}},
		{bad: bad{name: "note twice", field: "note"}, parts: []part{field("note", "x"), field("note", "y"), file("a.png", pngBytes)}},
		{bad: bad{name: "note as a file", field: "note"}, parts: []part{{name: "note", filename: "note.txt", body: []byte("x")}, file("a.png", pngBytes)}},
		{bad: bad{name: "note of 4001 characters", field: "note"}, parts: []part{field("note", strings.Repeat("注", 4001)), file("a.png", pngBytes)}},
		{bad: bad{name: "note over 64 KiB", field: "note"}, parts: []part{field("note", strings.Repeat("x", 65<<10)), file("a.png", pngBytes)}},
		{bad: bad{name: "note not UTF-8", field: "note"}, parts: []part{field("note", "\xff\xfe"), file("a.png", pngBytes)}},
		{bad: bad{name: "truncated body", body: good[:len(good)-20], hdr: []string{"Content-Type", ct}}},
		{bad: bad{name: "JSON", body: map[string]string{"note": "x"}}},
		{bad: bad{name: "by a leader", user: "leader", status: 403, code: "forbidden"}, parts: []part{file("a.png", pngBytes)}},
		{bad: bad{name: "by another street", user: "other_handler", status: 404, code: "not_found"}, parts: []part{file("a.png", pngBytes)}},
		{bad: bad{name: "no credentials", user: "-", status: 401, code: "unauthorized"}, parts: []part{file("a.png", pngBytes)}},
	}
	eachEnv(t, func(t *testing.T, e *env) {
		tk := e.ticketIn(t, "dispatched")
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				if tc.parts != nil {
					body, ct := formBody(t, tc.parts...)
					tc.body, tc.hdr = body, []string{"Content-Type", ct}
				}
				e.mustRefuse(t, "POST", "/api/v1/tickets/"+tk.Number+"/attachments", "handler", tc.bad)
				if v := e.view(t, "dispatcher", tk.Number); v.Ticket.Version != tk.Version || len(v.Attachments) != 0 {
					t.Fatalf("a refused upload changed the ticket: version %d, %d files", v.Ticket.Version, len(v.Attachments))
				}
			})
		}
		// The whole body is limited too, whatever it holds: here a preamble
		// (which multipart readers skip) before a good form.
		preamble := io.LimitReader(lines{}, web.MaxUploadBody)
		r := e.do(t, "POST", "/api/v1/tickets/"+tk.Number+"/attachments", "handler", io.MultiReader(preamble, bytes.NewReader(good)), "Content-Type", ct)
		mustProblem(t, r, http.StatusRequestEntityTooLarge, "too_large", "")
	})
}

// lines reads as endless lines of text.
type lines struct{}

func (lines) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = "abcdefghijklmno\n"[i%16]
	}
	return len(p), nil
}

func TestReplyWithPhotos(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		tk := e.ticketIn(t, "acknowledged")
		path := "/api/v1/tickets/" + tk.Number + "/reply"
		mustProblem(t, e.form(t, path, "handler", []part{file("a.png", pngBytes)}), http.StatusBadRequest, "invalid", "reply")
		mustProblem(t, e.form(t, path, "handler", []part{field("reply", "好"), field("answer", "x")}), http.StatusBadRequest, "invalid", "answer")
		got := mustJSON[ticket.Ticket](t, e.form(t, path, "handler", []part{
			field("reply", "已修好，见照片。"), file("修好前.png", pngBytes), file("修好后.gif", gifBytes),
		}), http.StatusOK)
		if got.Status != ticket.StatusReplied || got.Reply != "已修好，见照片。" {
			t.Fatalf("after reply: %s %q", got.Status, got.Reply)
		}
		v := e.view(t, "handler", tk.Number)
		last := v.Events[len(v.Events)-1]
		if len(v.Attachments) != 2 || v.Attachments[1].EventSeq != last.Seq || last.Action != ticket.ActionReply {
			t.Fatalf("files %+v, last event %+v", v.Attachments, last)
		}
		mustFile(t, e.do(t, "GET", fileAt(tk.Number, v.Attachments[1].ID), "agent", nil), gifBytes, "image/gif", "inline")
		// A reply without files still works as a form.
		tk2 := e.ticketIn(t, "acknowledged")
		e.form(t, "/api/v1/tickets/"+tk2.Number+"/reply", "handler", []part{field("reply", "已处理")})
		if v := e.view(t, "handler", tk2.Number); v.Ticket.Status != ticket.StatusReplied || len(v.Attachments) != 0 {
			t.Errorf("form reply without files: %s, %d files", v.Ticket.Status, len(v.Attachments))
		}
	})
}
