package web_test

import (
	"testing"
)

// TestSecurityInvalidUTF8 checks that the JSON API refuses strings that are
// not valid UTF-8 — raw bytes or an escaped lone surrogate — with 400
// naming the field, as the form and Open311 paths do, instead of storing
// them repaired with U+FFFD.
func TestSecurityInvalidUTF8(t *testing.T) {
	tests := []bad{
		{name: "raw invalid bytes in title", body: "{\"title\":\"路灯\xff不亮\",\"kind\":\"help\"}", field: "title"},
		{name: "truncated sequence in description", body: "{\"description\":\"\xe8\xb7\",\"kind\":\"help\"}", field: "description"},
		{name: "lone high surrogate", body: `{"title":"a\ud800b","kind":"help"}`, field: "title"},
		{name: "lone low surrogate", body: `{"title":"x","kind":"help","address":"\udc00"}`, field: "address"},
		{name: "reversed pair", body: `{"title":"\udc00\ud800","kind":"help"}`, field: "title"},
		{name: "invalid field name", body: "{\"title\":\"x\",\"kind\":\"help\",\"\xc3\x28\":1}", field: ""},
	}
	eachEnv(t, func(t *testing.T, e *env) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				e.mustRefuse(t, "POST", "/api/v1/tickets", "agent", tc)
				if n := e.count(t); n != 0 {
					t.Fatalf("%d tickets written", n)
				}
			})
		}
		// A valid surrogate pair (an emoji) and an escaped backslash
		// before "ud800" are fine.
		r := e.do(t, "POST", "/api/v1/tickets", "agent", `{"title":"灯\ud83d\udca1 \\ud800","kind":"help"}`)
		mustStatus(t, r, 201)
	})
}
