package calendar

import (
	"sort"
	"time"

	"github.com/minsheng/minsheng"
)

// Holiday is one holiday period of a year's notice, first and last day
// included.
type Holiday struct {
	Name  string `json:"name"`
	First string `json:"first"` // YYYY-MM-DD
	Last  string `json:"last"`  // YYYY-MM-DD
}

// Workday is a make-up working day (调休上班), always a weekend day.
type Workday struct {
	Date string `json:"date"` // YYYY-MM-DD
	Name string `json:"name,omitempty"`
}

// Year is the State Council's notice for one year: its holidays and make-up
// working days. Admins load each new year's notice.
type Year struct {
	Year     int       `json:"year"`
	Holidays []Holiday `json:"holidays"`
	Workdays []Workday `json:"workdays"`
}

// yearSlack is how far outside its year a notice may reach: a New Year
// holiday can start on 30 or 31 December.
const yearSlack = 31

// Validate checks a year's notice: dates well formed and within the year
// (a month's slack at either end), each holiday's first day not after its
// last and at most 15 days long, no two holidays overlapping, make-up days
// on weekends, not inside a holiday and not repeated.
func (y Year) Validate() error {
	if y.Year < 2000 || y.Year > 2100 {
		return minsheng.FieldError("year", "year %d is out of range", y.Year).Because("out_of_range")
	}
	lo := Date{y.Year, time.January, 1}.AddDays(-yearSlack)
	hi := Date{y.Year, time.December, 31}.AddDays(yearSlack)
	inRange := func(d Date) bool { return !d.Start().Before(lo.Start()) && !d.Start().After(hi.Start()) }
	type span struct {
		name        string
		first, last Date
	}
	var spans []span
	for i, h := range y.Holidays {
		if h.Name == "" {
			return minsheng.FieldError("holidays", "holiday %d has no name", i+1).Because("holiday")
		}
		f, err := ParseDate(h.First)
		if err != nil {
			return minsheng.FieldError("holidays", "holiday %s: first: %v", h.Name, err).Because("holiday")
		}
		l, err := ParseDate(h.Last)
		if err != nil {
			return minsheng.FieldError("holidays", "holiday %s: last: %v", h.Name, err).Because("holiday")
		}
		if !inRange(f) || !inRange(l) {
			return minsheng.FieldError("holidays", "holiday %s (%s to %s) is not in %d", h.Name, f, l, y.Year).Because("holiday")
		}
		if l.Start().Before(f.Start()) {
			return minsheng.FieldError("holidays", "holiday %s ends (%s) before it starts (%s)", h.Name, l, f).Because("holiday")
		}
		if l.Start().Sub(f.Start()) > 15*24*time.Hour {
			return minsheng.FieldError("holidays", "holiday %s is longer than 15 days", h.Name).Because("holiday")
		}
		spans = append(spans, span{h.Name, f, l})
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].first.Start().Before(spans[j].first.Start()) })
	for i := 1; i < len(spans); i++ {
		if !spans[i].first.Start().After(spans[i-1].last.Start()) {
			return minsheng.FieldError("holidays", "holidays %s and %s overlap", spans[i-1].name, spans[i].name).Because("holiday")
		}
	}
	seen := map[Date]bool{}
	for _, w := range y.Workdays {
		d, err := ParseDate(w.Date)
		if err != nil {
			return minsheng.FieldError("workdays", "make-up working day: %v", err).Because("workday")
		}
		if !inRange(d) {
			return minsheng.FieldError("workdays", "make-up working day %s is not in %d", d, y.Year).Because("workday")
		}
		if wd := d.Start().Weekday(); wd != time.Saturday && wd != time.Sunday {
			return minsheng.FieldError("workdays", "make-up working day %s is a %s, not a weekend day", d, wd).Because("workday")
		}
		if seen[d] {
			return minsheng.FieldError("workdays", "make-up working day %s is listed twice", d).Because("workday")
		}
		seen[d] = true
		for _, s := range spans {
			if !d.Start().Before(s.first.Start()) && !d.Start().After(s.last.Start()) {
				return minsheng.FieldError("workdays", "make-up working day %s falls inside holiday %s", d, s.name).Because("workday")
			}
		}
	}
	return nil
}

// FromYears builds a calendar from validated notices.
func FromYears(years ...Year) (*Calendar, error) {
	holidays, workdays := map[Date]string{}, map[Date]string{}
	for _, y := range years {
		if err := y.Validate(); err != nil {
			return nil, err
		}
		for _, h := range y.Holidays {
			f, _ := ParseDate(h.First)
			l, _ := ParseDate(h.Last)
			for d := f; ; d = d.AddDays(1) {
				holidays[d] = h.Name
				if d == l {
					break
				}
			}
		}
		for _, w := range y.Workdays {
			d, _ := ParseDate(w.Date)
			name := w.Name
			if name == "" {
				name = "调休上班"
			}
			workdays[d] = name
		}
	}
	return New(holidays, workdays), nil
}
