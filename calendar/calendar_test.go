package calendar

import (
	"testing"
	"time"
)

func mustDate(t *testing.T, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestChina2026(t *testing.T) {
	c := China2026()
	days := []struct {
		day  string
		work bool
	}{
		{"2026-01-01", false}, // 元旦
		{"2026-01-04", true},  // Sunday, make-up working day
		{"2026-02-14", true},  // Saturday, make-up working day
		{"2026-02-16", false}, // Spring Festival, a Monday
		{"2026-02-23", false}, // last day of the Spring Festival
		{"2026-02-24", true},
		{"2026-02-28", true}, // Saturday, make-up working day
		{"2026-03-01", false},
		{"2026-10-07", false},
		{"2026-10-10", true}, // Saturday, make-up working day
		{"2026-10-11", false},
	}
	for _, d := range days {
		if got := c.IsWorkday(mustDate(t, d.day)); got != d.work {
			t.Errorf("IsWorkday(%s) = %v, want %v", d.day, got, d.work)
		}
	}
}

func TestAddWorkingDays(t *testing.T) {
	c := China2026()
	cases := []struct {
		name, from string
		n          int
		want       string
	}{
		{"plain week", "2026-03-02", 3, "2026-03-05"},
		{"over a weekend", "2026-03-06", 1, "2026-03-09"},
		{"into the make-up Saturday before Spring Festival", "2026-02-13", 1, "2026-02-14"},
		{"across Spring Festival", "2026-02-14", 1, "2026-02-24"},
		{"seven days across Spring Festival and the make-up Saturday", "2026-02-12", 7, "2026-02-28"},
		{"across National Day", "2026-09-30", 1, "2026-10-08"},
		{"onto the make-up Saturday after National Day", "2026-10-09", 1, "2026-10-10"},
		{"fifteen days over National Day", "2026-09-24", 15, "2026-10-22"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := c.AddWorkingDays(mustDate(t, tc.from), tc.n)
			if got.String() != tc.want {
				t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tc.from, tc.n, got, tc.want)
			}
		})
	}
}

func TestAddWorkingHours(t *testing.T) {
	c := China2026()
	at := func(s string) time.Time {
		t.Helper()
		v, err := time.ParseInLocation("2006-01-02 15:04", s, China)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		name, from string
		hours      float64
		want       string
	}{
		{"within the morning", "2026-03-02 09:00", 2, "2026-03-02 11:00"},
		{"over lunch", "2026-03-02 11:00", 2, "2026-03-02 15:30"},
		{"before office hours", "2026-03-02 07:00", 1, "2026-03-02 09:30"},
		{"Friday evening to Monday", "2026-03-06 17:00", 2, "2026-03-09 09:30"},
		{"into the make-up Saturday before Spring Festival", "2026-02-13 17:30", 1, "2026-02-14 09:00"},
		{"across Spring Festival", "2026-02-14 17:00", 2, "2026-02-24 09:30"},
		{"across National Day", "2026-09-30 16:00", 7, "2026-10-08 16:00"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := c.AddWorkingHours(at(tc.from), tc.hours).In(China).Format("2006-01-02 15:04")
			if got != tc.want {
				t.Errorf("AddWorkingHours(%s, %g) = %s, want %s", tc.from, tc.hours, got, tc.want)
			}
		})
	}
}

func TestYearValidate(t *testing.T) {
	if err := China2026Notice.Validate(); err != nil {
		t.Fatalf("2026 notice: %v", err)
	}
	bad := map[string]Year{
		"overlapping holidays":  {Year: 2027, Holidays: []Holiday{{"甲", "2027-05-01", "2027-05-05"}, {"乙", "2027-05-05", "2027-05-06"}}},
		"ends before it starts": {Year: 2027, Holidays: []Holiday{{"甲", "2027-05-05", "2027-05-01"}}},
		"out of the year":       {Year: 2027, Holidays: []Holiday{{"甲", "2029-05-01", "2029-05-02"}}},
		"bad date":              {Year: 2027, Holidays: []Holiday{{"甲", "2027-13-01", "2027-13-02"}}},
		"workday on a weekday":  {Year: 2027, Workdays: []Workday{{Date: "2027-03-03"}}},
		"workday in a holiday":  {Year: 2027, Holidays: []Holiday{{"甲", "2027-05-01", "2027-05-05"}}, Workdays: []Workday{{Date: "2027-05-01"}}},
		"workday twice":         {Year: 2027, Workdays: []Workday{{Date: "2027-03-06"}, {Date: "2027-03-06"}}},
		"no name":               {Year: 2027, Holidays: []Holiday{{"", "2027-05-01", "2027-05-02"}}},
		"too long":              {Year: 2027, Holidays: []Holiday{{"甲", "2027-05-01", "2027-05-30"}}},
	}
	for name, y := range bad {
		if err := y.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// A New Year holiday that starts in December is fine.
	ok := Year{Year: 2027, Holidays: []Holiday{{"元旦", "2026-12-31", "2027-01-02"}}}
	if err := ok.Validate(); err != nil {
		t.Errorf("new year across years: %v", err)
	}
}

func TestSubWorkingHours(t *testing.T) {
	c := China2026()
	cases := []struct {
		from  time.Time
		hours float64
		want  string
	}{
		{Date{2026, 3, 4}.End(), 4, "2026-03-04 11:30"},
		{Date{2026, 3, 4}.End(), 8, "2026-03-03 17:00"},                    // a day holds 7 office hours
		{time.Date(2026, 2, 24, 9, 0, 0, 0, China), 2, "2026-02-14 16:30"}, // back over Spring Festival to the make-up Saturday
	}
	for _, tc := range cases {
		if got := c.SubWorkingHours(tc.from, tc.hours).In(China).Format("2006-01-02 15:04"); got != tc.want {
			t.Errorf("SubWorkingHours(%s, %g) = %s, want %s", tc.from, tc.hours, got, tc.want)
		}
	}
}
