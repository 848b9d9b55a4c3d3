package calendar

import "time"

// holidayRange lists a holiday as a first and last day.
type holidayRange struct {
	name        string
	first, last Date
}

// china2026 is the State Council's notice of 2025-11-04 on the 2026
// holidays (DESIGN §3): days off and make-up working days.
var china2026 = struct {
	off []holidayRange
	on  []Date
}{
	off: []holidayRange{
		{"元旦", Date{2026, time.January, 1}, Date{2026, time.January, 3}},
		{"春节", Date{2026, time.February, 15}, Date{2026, time.February, 23}},
		{"清明节", Date{2026, time.April, 4}, Date{2026, time.April, 6}},
		{"劳动节", Date{2026, time.May, 1}, Date{2026, time.May, 5}},
		{"端午节", Date{2026, time.June, 19}, Date{2026, time.June, 21}},
		{"中秋节", Date{2026, time.September, 25}, Date{2026, time.September, 27}},
		{"国庆节", Date{2026, time.October, 1}, Date{2026, time.October, 7}},
	},
	on: []Date{
		{2026, time.January, 4}, {2026, time.February, 14}, {2026, time.February, 28},
		{2026, time.May, 9}, {2026, time.September, 20}, {2026, time.October, 10},
	},
}

// China2026 returns the calendar of mainland China for 2026. Other years
// fall back to the weekday rule until an admin loads their notice.
func China2026() *Calendar {
	holidays := map[Date]string{}
	for _, h := range china2026.off {
		for d := h.first; ; d = d.AddDays(1) {
			holidays[d] = h.name
			if d == h.last {
				break
			}
		}
	}
	workdays := map[Date]string{}
	for _, d := range china2026.on {
		workdays[d] = "调休上班"
	}
	return New(holidays, workdays)
}
