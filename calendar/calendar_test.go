package calendar

import "testing"

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
