package ticket

import (
	"strings"
	"testing"

	"github.com/minsheng/minsheng"
)

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

func ptr(f float64) *float64 { return &f }

func TestValidate(t *testing.T) {
	valid := func() NewTicket {
		return NewTicket{Title: "路灯不亮", Description: "海湖路路灯坏了一周", Kind: KindReport, CallerPhone: "13897001234"}
	}
	cases := []struct {
		name  string
		edit  func(*NewTicket)
		field string // "" means valid
	}{
		{"valid", func(*NewTicket) {}, ""},
		{"title from description", func(n *NewTicket) { n.Title = "" }, ""},
		{"no text", func(n *NewTicket) { n.Title, n.Description = "", "  " }, "description"},
		{"title 200 Chinese characters", func(n *NewTicket) { n.Title = strings.Repeat("路", 200) }, ""},
		{"title 201 characters", func(n *NewTicket) { n.Title = strings.Repeat("路", 201) }, "title"},
		{"description 4001 characters", func(n *NewTicket) { n.Description = strings.Repeat("灯", 4001) }, "description"},
		{"unknown kind", func(n *NewTicket) { n.Kind = "rant" }, "kind"},
		{"missing kind", func(n *NewTicket) { n.Kind = "" }, "kind"},
		{"unknown urgency", func(n *NewTicket) { n.Urgency = "asap" }, "urgency"},
		{"unknown channel", func(n *NewTicket) { n.Channel = "pigeon" }, "channel"},
		{"phone with letters", func(n *NewTicket) { n.CallerPhone = "138abc" }, "caller_phone"},
		{"lat without lng", func(n *NewTicket) { n.Lat = ptr(36.6) }, "lat"},
		{"lat out of range", func(n *NewTicket) { n.Lat, n.Lng = ptr(91), ptr(101) }, "lat"},
		{"lng out of range", func(n *NewTicket) { n.Lat, n.Lng = ptr(36), ptr(181) }, "lng"},
		{"control characters", func(n *NewTicket) { n.Title = "路灯\x00" }, "title"},
		{"invalid UTF-8", func(n *NewTicket) { n.Description = "\xff\xfe" }, "description"},
		{"negative category", func(n *NewTicket) { n.CategoryID = -1 }, "category_id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n := valid()
			tc.edit(&n)
			n.Normalize()
			err := n.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want ok", err)
				}
				return
			}
			e, ok := err.(*minsheng.Error)
			if !ok || e.Code != minsheng.EINVALID || e.Field != tc.field {
				t.Fatalf("Validate = %v, want invalid field %s", err, tc.field)
			}
		})
	}
}

func TestNormalizeDefaults(t *testing.T) {
	n := NewTicket{Description: "  第一行说明问题\n第二行补充  ", Kind: KindHelp}
	n.Normalize()
	if n.Title != "第一行说明问题" || n.Urgency != UrgencyNormal || n.Channel != ChannelPhone {
		t.Fatalf("Normalize = %+v", n)
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
