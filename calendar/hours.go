package calendar

import "time"

// Period is a stretch of office time within a day, as offsets from midnight.
type Period struct{ Start, End time.Duration }

// DefaultOfficeHours are the usual office hours of a Chinese government
// office: 08:30–12:00 and 14:30–18:00.
var DefaultOfficeHours = []Period{
	{Start: 8*time.Hour + 30*time.Minute, End: 12 * time.Hour},
	{Start: 14*time.Hour + 30*time.Minute, End: 18 * time.Hour},
}

// OfficeHours returns the calendar's office periods.
func (c *Calendar) OfficeHours() []Period {
	if len(c.hours) == 0 {
		return DefaultOfficeHours
	}
	return c.hours
}

// WithOfficeHours returns a copy of the calendar with other office hours.
func (c *Calendar) WithOfficeHours(ps []Period) *Calendar {
	cp := *c
	cp.hours = ps
	return &cp
}

// AddWorkingHours returns the moment at which n hours of office time have
// passed after t, counting only office hours of working days: a request
// received on Friday at 17:00 with 2 working hours is due on Monday at 09:30.
func (c *Calendar) AddWorkingHours(t time.Time, n float64) time.Time {
	left := time.Duration(n * float64(time.Hour))
	t = t.In(China)
	day := DateOf(t)
	for i := 0; i < 3700; i++ { // ten years of days at most
		if c.IsWorkday(day) {
			start := day.Start()
			for _, p := range c.OfficeHours() {
				from, to := start.Add(p.Start), start.Add(p.End)
				if t.After(from) {
					from = t
				}
				if !from.Before(to) {
					continue
				}
				if avail := to.Sub(from); avail >= left {
					return from.Add(left)
				} else {
					left -= avail
				}
			}
		}
		day = day.AddDays(1)
		t = day.Start()
	}
	return t
}

// SubWorkingHours returns the moment n hours of office time before t: a
// reminder 4 working hours before a deadline at the end of a working day
// goes out at 11:30 that day.
func (c *Calendar) SubWorkingHours(t time.Time, n float64) time.Time {
	left := time.Duration(n * float64(time.Hour))
	t = t.In(China)
	day := DateOf(t)
	ps := c.OfficeHours()
	for i := 0; i < 3700; i++ {
		if c.IsWorkday(day) {
			start := day.Start()
			for k := len(ps) - 1; k >= 0; k-- {
				from, to := start.Add(ps[k].Start), start.Add(ps[k].End)
				if t.Before(to) {
					to = t
				}
				if !from.Before(to) {
					continue
				}
				if avail := to.Sub(from); avail >= left {
					return to.Add(-left)
				} else {
					left -= avail
				}
			}
		}
		day = day.AddDays(-1)
		t = day.End().Add(time.Second)
	}
	return t
}
