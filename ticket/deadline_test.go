package ticket

import (
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
