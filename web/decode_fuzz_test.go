package web

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/ticket"
)

// FuzzDecodeTicket feeds decode the body of a new ticket. Whatever the
// bytes, it must not panic, must refuse with an application error (never an
// internal one), and must accept only a JSON object in valid UTF-8: a
// string that encoding/json would have repaired with U+FFFD is refused.
// The seeds run in every `go test`; `go test -fuzz FuzzDecodeTicket ./web`
// explores further.
func FuzzDecodeTicket(f *testing.F) {
	for _, seed := range []string{
		`{"title":"路灯不亮","kind":"help","caller_phone":"13897001234"}`,
		`{"title":"x","kind":"complaint","lat":36.6,"lng":101.7,"category_id":3,"urgency":"urgent"}`,
		`{"description":"a\u00e9\ud83d\ude00b","kind":"help"}`,
		`{"title":"\ud800","kind":"help"}`,
		`{"title":"\udc00\ud800x","kind":"help"}`,
		"{\"title\":\"\xff\xfe\",\"kind\":\"help\"}",
		"{\"\xc3\x28\":1}",
		`{"title":"a","title":"b"}`,
		`{"TITLE":"a"}`,
		`{"title":`,
		`[]`, `null`, ``, `"x"`, `{}`,
		`{"title":"a\\ud800","kind":"help"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest("POST", "/api/v1/tickets", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		var in ticket.NewTicket
		err := decode(httptest.NewRecorder(), r, &in)
		if err != nil {
			if c := minsheng.ErrorCode(err); c != minsheng.EINVALID && c != minsheng.ETOOLARGE {
				t.Fatalf("decode(%q) = %v: code %q, want invalid or too_large", body, err, c)
			}
			return
		}
		if !json.Valid(body) {
			t.Fatalf("decode accepted malformed JSON %q", body)
		}
		if !utf8.Valid(body) {
			t.Fatalf("decode accepted invalid UTF-8 %q", body)
		}
		for _, s := range []string{in.Title, in.Description, in.CallerName, in.Address} {
			if strings.ContainsRune(s, utf8.RuneError) && !bytes.Contains(body, []byte("\uFFFD")) &&
				!bytes.Contains(bytes.ToLower(body), []byte(`\ufffd`)) {
				t.Fatalf("decode(%q) put U+FFFD into %q: an invalid string was repaired", body, s)
			}
		}
	})
}
