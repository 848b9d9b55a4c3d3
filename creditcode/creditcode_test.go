package creditcode

import "testing"

func TestValid(t *testing.T) {
	for _, c := range []struct {
		name string
		code string
		ok   bool
	}{
		{"published example", "91350100M000100Y43", true},
		{"lower case and spaces, normalized", Normalize(" 91350100m000100y43 "), true},
		{"lower case, not normalized", "91350100m000100y43", false},
		{"wrong check character", "91350100M000100Y44", false},
		{"check character X, wrong here", "91630100MA7LKQ1T0X", false},
		{"letter I is not in the alphabet", "91350100M000I00Y43", false},
		{"too short", "91350100M000100Y4", false},
		{"too long", "91350100M000100Y431", false},
		{"empty", "", false},
		{"check character 0 (sum divisible by 31)", WithCheck("91630100MA0000000"), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Valid(c.code); got != c.ok {
				t.Errorf("Valid(%q) = %v, want %v", c.code, got, c.ok)
			}
		})
	}
}

// Every 17-character body has exactly one check character.
func TestOneCheckCharacter(t *testing.T) {
	for _, body := range []string{"91630100MA7LKQ1T0", "91350100M000100Y4", "12100000400000624"} {
		n := 0
		for i := 0; i < len(chars); i++ {
			if Valid(body + string(chars[i])) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d check characters fit %s", n, body)
		}
	}
	if WithCheck("91350100M000100Y4") != "91350100M000100Y43" || WithCheck("123") != "" || WithCheck("91350100M000I00Y4") != "" {
		t.Error("WithCheck")
	}
}
