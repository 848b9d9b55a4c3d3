package ticket

import (
	"math"
	"testing"
	"time"

	"github.com/minsheng/minsheng/calendar"
)

func TestDispatchDeadlines(t *testing.T) {
	cal := calendar.China2026()
	cst := calendar.China
	cases := []struct {
		name       string
		kind       Kind
		urgency    Urgency
		at         time.Time
		ack, reply string
	}{
		{"complaint on a Thursday before Spring Festival", KindComplaint, UrgencyNormal,
			time.Date(2026, 2, 12, 10, 0, 0, 0, cst), "2026-02-13 23:59:59", "2026-02-28 23:59:59"},
		{"inquiry the day before National Day", KindInquiry, UrgencyNormal,
			time.Date(2026, 9, 30, 16, 0, 0, 0, cst), "2026-10-08 23:59:59", "2026-10-10 23:59:59"},
		{"suggestion", KindSuggestion, UrgencyNormal,
			time.Date(2026, 3, 2, 9, 0, 0, 0, cst), "2026-03-03 23:59:59", "2026-03-23 23:59:59"},
		{"urgent help counts clock hours", KindHelp, UrgencyUrgent,
			time.Date(2026, 2, 15, 22, 0, 0, 0, cst), "2026-02-16 00:00:00", "2026-02-16 22:00:00"},
		{"critical", KindHelp, UrgencyCritical,
			time.Date(2026, 10, 1, 8, 0, 0, 0, cst), "2026-10-01 09:00:00", "2026-10-01 12:00:00"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var tk Ticket
			tk.SetDispatchDeadlines(cal, DefaultSLA(tc.kind, tc.urgency), tc.at)
			got := func(p *time.Time) string { return p.In(cst).Format("2006-01-02 15:04:05") }
			if got(tk.AcknowledgeBy) != tc.ack || got(tk.ReplyBy) != tc.reply {
				t.Fatalf("ack %s reply %s; want %s and %s", got(tk.AcknowledgeBy), got(tk.ReplyBy), tc.ack, tc.reply)
			}
		})
	}
}

func TestFormatNumber(t *testing.T) {
	if got := FormatNumber(calendar.Date{Year: 2026, Month: 11, Day: 26}, 42); got != "20261126-00042" {
		t.Fatalf("FormatNumber = %s", got)
	}
}

func TestPickSLA(t *testing.T) {
	days := func(n int) SLA {
		return SLA{Acknowledge: Span{WorkingHours: 4}, Reply: Span{WorkingDays: n}, Callback: Span{WorkingDays: 2}}
	}
	rules := []SLARule{
		{ID: 1, CategoryPath: "/1/", SLA: days(10)},                     // 城乡建设
		{ID: 2, CategoryPath: "/1/2/", SLA: days(5)},                    // 物业管理
		{ID: 3, CategoryPath: "/1/2/", Kind: KindInquiry, SLA: days(2)}, // 物业咨询
		{ID: 4, Urgency: UrgencyUrgent, SLA: SLA{Acknowledge: Span{Hours: 1}, Reply: Span{Hours: 12}, Callback: Span{WorkingDays: 1}}},
		{ID: 5, CategoryPath: "/9/", Urgency: UrgencyUrgent, SLA: days(1)}, // another tree
	}
	cases := []struct {
		name     string
		path     string
		kind     Kind
		urgency  Urgency
		replyDay int
		hours    int
	}{
		{"deepest category wins", "/1/2/3/", KindComplaint, UrgencyNormal, 5, 0},
		{"kind narrows", "/1/2/3/", KindInquiry, UrgencyNormal, 2, 0},
		{"parent category", "/1/7/", KindComplaint, UrgencyNormal, 10, 0},
		{"urgent rule without category", "/4/", KindHelp, UrgencyUrgent, 0, 12},
		{"category beats urgency-only", "/1/2/", KindHelp, UrgencyUrgent, 5, 0},
		{"no match falls back to the default", "/4/", KindSuggestion, UrgencyNormal, 15, 0},
		{"no category", "", KindInquiry, UrgencyNormal, 3, 0},
	}
	for _, tc := range cases {
		got := PickSLA(rules, tc.path, tc.kind, tc.urgency)
		if got.Reply.WorkingDays != tc.replyDay || got.Reply.Hours != tc.hours {
			t.Errorf("%s: reply %+v, want %d days / %d hours", tc.name, got.Reply, tc.replyDay, tc.hours)
		}
	}
}

func TestSpanValidate(t *testing.T) {
	good := []Span{{WorkingDays: 3}, {WorkingHours: 4.5}, {Hours: 2}}
	for _, s := range good {
		if err := s.Validate("reply"); err != nil {
			t.Errorf("%+v: %v", s, err)
		}
	}
	bad := []Span{{}, {WorkingDays: 3, Hours: 2}, {WorkingDays: -1}, {Hours: 100000}, {WorkingHours: math.NaN()}, {WorkingHours: math.Inf(1)}}
	for _, s := range bad {
		if err := s.Validate("reply"); err == nil {
			t.Errorf("%+v accepted", s)
		}
	}
}
