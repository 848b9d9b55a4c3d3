package text

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestTokens(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"chinese unigrams and bigrams", "路灯不亮", []string{"路", "路灯", "灯", "灯不", "不", "不亮", "亮"}},
		{"punctuation breaks bigrams", "路灯，不亮", []string{"路", "路灯", "灯", "不", "不亮", "亮"}},
		{"place codes and numbers", "A3区12号楼", []string{"a3", "区", "12", "号", "号楼", "楼"}},
		{"full-width folded", "ＡＢＣ１２３　Ｈｅｌｌｏ！", []string{"abc123", "hello"}},
		{"latin lower-cased", "Wi-Fi坏了", []string{"wi", "fi", "坏", "坏了", "了"}},
		{"mixed scripts", "Straße 道路 Ремонт", []string{"straße", "道", "道路", "路", "ремонт"}},
		{"kana and hangul are characters", "バス공사", []string{"バ", "バス", "ス", "ス공", "공", "공사", "사"}},
		{"empty", "", nil},
		{"punctuation only", "！？。，…、“”（）", nil},
		{"emoji only", "😀🚧💩👍🏻", nil},
		{"invalid UTF-8", "\xff路\xfe灯", []string{"路", "灯"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Tokens(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("Tokens(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTerms(t *testing.T) {
	if got, want := Terms("海湖路 A3"), "海 海湖 湖 湖路 路 a3"; got != want {
		t.Errorf("Terms = %q, want %q", got, want)
	}
}

func TestLongTextIsCut(t *testing.T) {
	long := strings.Repeat("路灯不亮", 1_000_000)
	start := time.Now()
	n := 0
	Scan(long, DefaultLimit, func(Unit) { n++ })
	if n != DefaultLimit {
		t.Errorf("scanned %d units of a 4,000,000-character text, want the limit %d", n, DefaultLimit)
	}
	if got := len([]rune(Cut(long, 5))); got != 5 {
		t.Errorf("Cut to 5 gave %d characters", got)
	}
	if Cut("路灯", 0) != "" || Cut("路灯", 9) != "路灯" {
		t.Error("Cut at 0 or past the end is wrong")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v", d)
	}
}

func TestShingles(t *testing.T) {
	a := Shingles("海湖路路灯不亮", 2, DefaultLimit)
	b := Shingles("海湖路，路灯不亮！！", 2, DefaultLimit)
	c := Shingles("ＨＡＩＨＵ路路灯", 2, DefaultLimit)
	if len(a) != 6 {
		t.Errorf("%d shingles of 7 characters, want 6", len(a))
	}
	// Punctuation splits the text: "路路" is no longer a shingle.
	if len(b) != 5 {
		t.Errorf("%d shingles with a comma, want 5", len(b))
	}
	if len(c) == 0 || len(Shingles("", 2, 100)) != 0 || len(Shingles("😀！", 2, 100)) != 0 {
		t.Error("shingles of mixed, empty or emoji text wrong")
	}
	// A stretch shorter than k still gives one shingle.
	if got := Shingles("灯", 3, 100); len(got) != 1 {
		t.Errorf("one character, k=3: %d shingles, want 1", len(got))
	}
}
