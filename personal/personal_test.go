package personal

import "testing"

func TestMask(t *testing.T) {
	cases := []struct{ in, phone, name string }{
		{"13897001234", "138****1234", ""},
		{"09716112345", "097****2345", ""},
		{"6112345", "*****45", ""},
		{"", "", ""},
	}
	for _, c := range cases {
		if got := MaskPhone(c.in); got != c.phone {
			t.Errorf("MaskPhone(%q) = %q, want %q", c.in, got, c.phone)
		}
	}
	names := map[string]string{"王秀兰": "王**", "李明": "李*", "张": "*", "": "", "Alice": "A****"}
	for in, want := range names {
		if got := MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalizePhone(t *testing.T) {
	cases := map[string]string{
		"+86 138-9700-1234": "13897001234",
		"１３８９７００１２３４":       "13897001234",
		" (0971) 6112345 ":  "09716112345",
		"8613897001234":     "13897001234",
		"0086 13897001234":  "13897001234",
		"86123":             "86123",
	}
	for in, want := range cases {
		if got := NormalizePhone(in); got != want {
			t.Errorf("NormalizePhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidPhone(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"13897001234", true}, {"+86 138 9700 1234", true}, {"0971-6112345", true}, {"(010) 12345678", true},
		{"6112345", true}, {"61123456", true}, {"4008123123", true},
		{"12345", false}, {"12345678901", false}, {"1389700123", false}, {"0012345678", false}, {"097161123456789", false},
		{"0123", false}, {"612345", false}, {"138abc", false}, {"", false}, {"+44 20 7946 0000", false},
	} {
		if got := ValidPhone(NormalizePhone(tc.in)); got != tc.want {
			t.Errorf("ValidPhone(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestIDNumber(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"11010519491231002X", true}, {"11010519491231002x", true}, {"１１０１０５１９４９１２３１００２Ｘ", true},
		{"110105194912310021", false}, // wrong check character
		{"11010519491331002X", false}, // month 13
		{"1101051949123100", false},   // too short
		{"", false}, {"11010519491231002Y", false},
	} {
		if got := ValidIDNumber(NormalizeIDNumber(tc.in)); got != tc.want {
			t.Errorf("ValidIDNumber(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	if got := MaskIDNumber("11010519491231002X"); got != "110105********002X" {
		t.Errorf("MaskIDNumber = %q", got)
	}
	if got := MaskIDNumber("12345"); got != "*****" {
		t.Errorf("MaskIDNumber(short) = %q", got)
	}
}
