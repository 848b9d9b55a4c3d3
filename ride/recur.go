package ride

import (
	"slices"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/calendar"
)

// Limits of a recurring ride (a series).
const (
	MaxSeries     = 60 // rides in one series
	MaxSeriesDays = 92 // days from the first ride to the last
)

// Repeat asks for a ride to recur: on the weekdays, at the first ride's
// time of day (in China), up to and including the day Until.
type Repeat struct {
	Weekdays []time.Weekday `json:"weekdays"`
	Until    time.Time      `json:"until"`
}

// Expand returns the pickup times of a series that starts with the ride at
// first: first itself, then every later day on one of the weekdays through
// Until, at first's time of day in China. EINVALID on "repeat_weekdays"
// or "repeat_until" when the rule is empty, ends before it starts, spans
// more than MaxSeriesDays or holds more than MaxSeries rides.
func (r Repeat) Expand(first time.Time) ([]time.Time, error) {
	if len(r.Weekdays) == 0 {
		return nil, minsheng.FieldError("repeat_weekdays", "choose the weekdays the ride recurs on")
	}
	for _, w := range r.Weekdays {
		if w < time.Sunday || w > time.Saturday {
			return nil, minsheng.FieldError("repeat_weekdays", "%d is not a weekday", w)
		}
	}
	start := calendar.DateOf(first)
	end := calendar.DateOf(r.Until)
	if r.Until.IsZero() || end.Start().Before(start.Start()) {
		return nil, minsheng.FieldError("repeat_until", "the last day of the series is before its first ride")
	}
	if end.Start().Sub(start.Start()) > MaxSeriesDays*24*time.Hour {
		return nil, minsheng.FieldError("repeat_until", "a series spans at most %d days", MaxSeriesDays)
	}
	local := first.In(calendar.China)
	out := []time.Time{first}
	for d := start.Start().AddDate(0, 0, 1); !d.After(end.Start()); d = d.AddDate(0, 0, 1) {
		if !slices.Contains(r.Weekdays, d.Weekday()) {
			continue
		}
		out = append(out, time.Date(d.Year(), d.Month(), d.Day(), local.Hour(), local.Minute(), 0, 0, calendar.China))
		if len(out) > MaxSeries {
			return nil, minsheng.FieldError("repeat_until", "a series holds at most %d rides", MaxSeries)
		}
	}
	return out, nil
}
