package ticket

import (
	"fmt"
	"time"

	"github.com/minsheng/minsheng/calendar"
)

// Span is a time allowance: whole working days on the calendar, or clock
// hours for urgent work, which does not wait for office days.
type Span struct {
	WorkingDays int `json:"working_days,omitempty"`
	Hours       int `json:"hours,omitempty"`
}

// From returns the deadline for the span starting at t.
func (s Span) From(cal *calendar.Calendar, t time.Time) time.Time {
	if s.Hours > 0 {
		return t.Add(time.Duration(s.Hours) * time.Hour)
	}
	return cal.Due(t, s.WorkingDays)
}

// SLA holds the allowances for one kind of request: to acknowledge after
// dispatch (签收时限), to reply after dispatch (办理时限), and to call the
// caller back after the reply.
type SLA struct {
	Acknowledge Span `json:"acknowledge"`
	Reply       Span `json:"reply"`
	Callback    Span `json:"callback"`
}

// DefaultSLA returns the allowances used when a category sets none (DESIGN
// §3): inquiries 3 working days, help, complaints and reports 7, suggestions
// 15; urgent work in hours.
func DefaultSLA(k Kind, u Urgency) SLA {
	switch u {
	case UrgencyCritical:
		return SLA{Acknowledge: Span{Hours: 1}, Reply: Span{Hours: 4}, Callback: Span{WorkingDays: 1}}
	case UrgencyUrgent:
		return SLA{Acknowledge: Span{Hours: 2}, Reply: Span{Hours: 24}, Callback: Span{WorkingDays: 1}}
	}
	reply := 7
	switch k {
	case KindInquiry, KindPraise:
		reply = 3
	case KindSuggestion:
		reply = 15
	}
	return SLA{Acknowledge: Span{WorkingDays: 1}, Reply: Span{WorkingDays: reply}, Callback: Span{WorkingDays: 2}}
}

// SetDispatchDeadlines sets the acknowledge and reply deadlines of a ticket
// dispatched (or redispatched) at t, and clears the callback deadline.
func (t *Ticket) SetDispatchDeadlines(cal *calendar.Calendar, sla SLA, at time.Time) {
	ack := sla.Acknowledge.From(cal, at)
	reply := sla.Reply.From(cal, at)
	t.AcknowledgeBy, t.ReplyBy, t.CallbackBy = &ack, &reply, nil
}

// SetCallbackDeadline sets the callback deadline of a ticket replied at t.
func (t *Ticket) SetCallbackDeadline(cal *calendar.Calendar, sla SLA, at time.Time) {
	cb := sla.Callback.From(cal, at)
	t.CallbackBy = &cb
}

// FormatNumber makes the human-readable ticket number from the day of
// registration and the day's sequence: 20261126-00042. It is read out over
// the phone, so it has digits only, and sorts by time.
func FormatNumber(day calendar.Date, seq int64) string {
	return fmt.Sprintf("%04d%02d%02d-%05d", day.Year, day.Month, day.Day, seq)
}
