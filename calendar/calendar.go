// Package calendar knows which days are working days in China: weekdays,
// less the public holidays, plus the make-up working days (调休) that the
// State Council announces each year. Deadlines of work orders are counted in
// its working days.
package calendar

import (
	"fmt"
	"time"
)

// China is the time zone of the calendar: China Standard Time, UTC+8 all
// year (no daylight saving), so no tz database is needed.
var China = time.FixedZone("CST", 8*60*60)

// Date is a calendar day without time of day.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the day on which t falls in China.
func DateOf(t time.Time) Date {
	y, m, d := t.In(China).Date()
	return Date{y, m, d}
}

// ParseDate reads YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.ParseInLocation("2006-01-02", s, China)
	if err != nil {
		return Date{}, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// String formats the date as YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// Start returns midnight at the start of the day in China.
func (d Date) Start() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, China) }

// End returns the last second of the day in China: deadlines "within N
// working days" end then.
func (d Date) End() time.Time { return d.Start().AddDate(0, 0, 1).Add(-time.Second) }

// AddDays returns the day n days later (earlier when n < 0).
func (d Date) AddDays(n int) Date { return DateOf(d.Start().AddDate(0, 0, n).Add(time.Hour)) }

// Calendar holds the days that differ from the plain weekday rule.
// The zero value treats Monday to Friday as working days.
type Calendar struct {
	holidays map[Date]string // day off on a weekday (or any day), with the holiday's name
	workdays map[Date]string // make-up working day on a weekend
	hours    []Period        // office hours; nil means DefaultOfficeHours
}

// New returns a calendar with the given exceptions.
func New(holidays, workdays map[Date]string) *Calendar {
	return &Calendar{holidays: holidays, workdays: workdays}
}

// IsWorkday reports whether d is a working day.
func (c *Calendar) IsWorkday(d Date) bool {
	if _, ok := c.workdays[d]; ok {
		return true
	}
	if _, ok := c.holidays[d]; ok {
		return false
	}
	wd := d.Start().Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// Holiday returns the name of the holiday on d, if d is a day off that
// would otherwise be a working day or falls in a holiday period.
func (c *Calendar) Holiday(d Date) (string, bool) {
	name, ok := c.holidays[d]
	return name, ok
}

// AddWorkingDays returns the n-th working day after the day d (d itself
// does not count). n must be positive.
func (c *Calendar) AddWorkingDays(d Date, n int) Date {
	for n > 0 {
		d = d.AddDays(1)
		if c.IsWorkday(d) {
			n--
		}
	}
	return d
}

// Due returns the deadline for "within n working days" of the moment t:
// the end of the n-th working day after the day of t.
func (c *Calendar) Due(t time.Time, n int) time.Time {
	return c.AddWorkingDays(DateOf(t), n).End()
}
