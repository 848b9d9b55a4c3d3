package text_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/minsheng/minsheng/text"
)

// FuzzTokens cuts any text, valid UTF-8 or not, into search tokens: it
// never panics, every token is non-empty, holds no space (the full-text
// index splits Terms on spaces) and is folded, and Cut keeps to its limit.
// The seeds run in every `go test`; run longer with
// `go test -run '^$' -fuzz FuzzTokens ./text`.
func FuzzTokens(f *testing.F) {
	for _, s := range []string{
		"小区电梯停运三天无人维修",
		"海湖路18号3号楼，电话13897001234",
		"ＡＢＣ　全角ＡＢＣ１２３",
		"Mixed 中英文 text, with punctuation!?",
		"\xff\xfe无效\x80字节",
		"𠀀𠀁 扩展B区汉字",
		"e\u0301 combining ﬁ ligature",
		"",
		strings.Repeat("长", 3000),
	} {
		f.Add(s, 20)
	}
	f.Fuzz(func(t *testing.T, s string, limit int) {
		for _, tok := range text.Tokens(s) {
			if tok == "" || strings.ContainsAny(tok, " \t\n") {
				t.Fatalf("token %q of %q", tok, s)
			}
			if text.FoldString(tok) != tok {
				t.Fatalf("token %q of %q is not folded", tok, s)
			}
		}
		if got, want := text.Terms(s), strings.Join(text.Tokens(s), " "); got != want {
			t.Fatalf("Terms(%q) = %q, want %q", s, got, want)
		}
		limit = limit % 10000
		c := text.Cut(s, limit)
		if n := utf8.RuneCountInString(c); limit >= 0 && n > limit || !strings.HasPrefix(s, c) {
			t.Fatalf("Cut(%q, %d) = %q", s, limit, c)
		}
		text.Shingles(s, 3, 100)
	})
}
