package ticket

import (
	"strings"
	"testing"

	"github.com/minsheng/minsheng"
)

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
