package ticket

import (
	"fmt"
	"strings"
	"time"

	"github.com/minsheng/minsheng"

	"github.com/minsheng/minsheng/calendar"
)

// Span is a time allowance, in one of three measures: whole working days
// on the calendar (the deadline is the end of the last one), hours of office
// time on working days, or clock hours for urgent work, which does not wait
// for office days.
type Span struct {
	WorkingDays  int     `json:"working_days,omitempty"`
	WorkingHours float64 `json:"working_hours,omitempty"`
	Hours        int     `json:"hours,omitempty"`
}

// From returns the deadline for the span starting at t.
func (s Span) From(cal *calendar.Calendar, t time.Time) time.Time {
	switch {
	case s.Hours > 0:
		return t.Add(time.Duration(s.Hours) * time.Hour)
	case s.WorkingHours > 0:
		return cal.AddWorkingHours(t, s.WorkingHours)
	}
	return cal.Due(t, s.WorkingDays)
}

// Validate checks that exactly one measure is set, within sensible bounds.
func (s Span) Validate(field string) error {
	set := 0
	if s.WorkingDays != 0 {
		set++
		if s.WorkingDays < 0 || s.WorkingDays > 365 {
			return minsheng.FieldError(field, "%s: working_days must be between 1 and 365", field)
		}
	}
	if s.WorkingHours != 0 {
		set++
		if !(s.WorkingHours > 0 && s.WorkingHours <= 2000) { // NaN too
			return minsheng.FieldError(field, "%s: working_hours must be between 0 and 2000", field)
		}
	}
	if s.Hours != 0 {
		set++
		if s.Hours < 0 || s.Hours > 24*365 {
			return minsheng.FieldError(field, "%s: hours must be between 1 and 8760", field)
		}
	}
	if set != 1 {
		return minsheng.FieldError(field, "%s needs exactly one of working_days, working_hours or hours", field)
	}
	return nil
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

// Validate checks the three spans.
func (s SLA) Validate() error {
	if err := s.Acknowledge.Validate("acknowledge"); err != nil {
		return err
	}
	if err := s.Reply.Validate("reply"); err != nil {
		return err
	}
	return s.Callback.Validate("callback")
}

// SLARule sets the allowances for requests of a category (and everything
// below it), optionally only of one kind or urgency. The most specific rule
// that matches a ticket wins; DefaultSLA applies when none does.
type SLARule struct {
	ID           int64   `json:"id"`
	CategoryID   int64   `json:"category_id,omitempty"`
	CategoryPath string  `json:"-"`
	Kind         Kind    `json:"kind,omitempty"`
	Urgency      Urgency `json:"urgency,omitempty"`
	SLA          SLA     `json:"sla"`
}

// PickSLA returns the allowances for a ticket of the category (by path),
// kind and urgency: the matching rule with the deepest category, then one
// naming the urgency, then one naming the kind; DefaultSLA when none matches.
func PickSLA(rules []SLARule, categoryPath string, k Kind, u Urgency) SLA {
	best, bestScore := -1, -1
	for i, r := range rules {
		if r.CategoryPath != "" && (categoryPath == "" || !strings.HasPrefix(categoryPath, r.CategoryPath)) {
			continue
		}
		if (r.Kind != "" && r.Kind != k) || (r.Urgency != "" && r.Urgency != u) {
			continue
		}
		score := strings.Count(r.CategoryPath, "/") * 4
		if r.Urgency != "" {
			score += 2
		}
		if r.Kind != "" {
			score++
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	if best < 0 {
		return DefaultSLA(k, u)
	}
	return rules[best].SLA
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
