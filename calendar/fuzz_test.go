package calendar

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/minsheng/minsheng"
)

// FuzzYearImport feeds a year's notice, as `minsheng calendar import`, the
// admin page and PUT /api/v1/calendar/{year} read it (JSON, no unknown
// fields), to the validation and the calendar built from it. Whatever the
// text, nothing panics, a refusal is an EINVALID error, and an accepted
// notice gives a calendar in which every holiday day is a day off and every
// make-up day a working day. The seeds run in every `go test`;
// `go test -fuzz FuzzYearImport ./calendar` explores further.
func FuzzYearImport(f *testing.F) {
	for _, seed := range []string{
		`{"year":2027,"holidays":[{"name":"元旦","first":"2027-01-01","last":"2027-01-03"}],"workdays":[{"date":"2027-01-09"}]}`,
		`{"year":2026,"holidays":[{"name":"春节","first":"2026-02-15","last":"2026-02-23"},{"name":"国庆","first":"2026-10-01","last":"2026-10-07"}],"workdays":[{"date":"2026-02-14","name":"春节调休"},{"date":"2026-09-26"}]}`,
		`{"year":2027,"holidays":[{"name":"元旦","first":"2026-12-31","last":"2027-01-01"}]}`,
		`{"year":2027,"holidays":[{"name":"a","first":"2027-05-01","last":"2027-04-30"}]}`,
		`{"year":2027,"holidays":[{"name":"a","first":"2027-05-01","last":"2027-05-05"},{"name":"b","first":"2027-05-05","last":"2027-05-06"}]}`,
		`{"year":2027,"workdays":[{"date":"2027-02-30"},{"date":"2027-13-01"}]}`,
		`{"year":1999}`, `{"year":2101}`, `{}`, `null`, `{"year":"2027"}`,
		`{"year":2027,"holidays":[{"name":"","first":"2027-01-01","last":"2027-01-01"}]}`,
		`{"year":2027,"workdays":[{"date":"2027-01-09"},{"date":"2027-01-09"}]}`,
		`{"year":2027,"workdays":[{"date":"+2027-1-9"}]}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		var y Year
		dec := json.NewDecoder(strings.NewReader(text))
		dec.DisallowUnknownFields()
		if dec.Decode(&y) != nil {
			return
		}
		err := y.Validate()
		c, ferr := FromYears(y)
		if (err == nil) != (ferr == nil) {
			t.Fatalf("Validate = %v but FromYears = %v", err, ferr)
		}
		if err != nil {
			if !minsheng.IsCode(err, minsheng.EINVALID) {
				t.Fatalf("Validate(%s) = %v, want an EINVALID error", text, err)
			}
			return
		}
		for _, h := range y.Holidays {
			first, _ := ParseDate(h.First)
			last, _ := ParseDate(h.Last)
			for d, n := first, 0; ; d, n = d.AddDays(1), n+1 {
				if n > 16 {
					t.Fatalf("holiday %s runs past 16 days", h.Name)
				}
				if c.IsWorkday(d) {
					t.Fatalf("holiday %s: %s is a working day", h.Name, d)
				}
				if d == last {
					break
				}
			}
		}
		for _, w := range y.Workdays {
			d, _ := ParseDate(w.Date)
			if !c.IsWorkday(d) {
				t.Fatalf("make-up day %s is not a working day", d)
			}
			if back, err := ParseDate(d.String()); err != nil || back != d {
				t.Fatalf("date %s does not read back: %v, %v", d, back, err)
			}
		}
	})
}
