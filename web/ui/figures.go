package ui

import (
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/calendar"
)

// The figures' helpers of the dashboard, the report and the public page
// (issue 13: rankings, periods, rows that explain totals).

// topTen is how many units a ranking (十佳) shows.
const topTen = 10

// Ranked returns the ranked units of a ranking, at most ten: the units
// that did not qualify (too few tickets, or none) are not listed with a
// score, since a score beside them reads as a place.
func (p *page) Ranked(rows []app.RankRow) []app.RankRow {
	var out []app.RankRow
	for _, r := range rows {
		if r.Qualified && len(out) < topTen {
			out = append(out, r)
		}
	}
	return out
}

// Unranked counts the units of a ranking that did not qualify.
func (p *page) Unranked(rows []app.RankRow) int {
	n := 0
	for _, r := range rows {
		if !r.Qualified {
			n++
		}
	}
	return n
}

// HasOther reports whether a breakdown by unit has the row of what the
// units below do not hold (app.OtherKey).
func (p *page) HasOther(rows []app.RatesRow) bool {
	for _, r := range rows {
		if r.Key == app.OtherKey {
			return true
		}
	}
	return false
}

// Span writes a period with its dates: 2026-10-01 至 2026-10-31.
func (p *page) Span(from, to string) string { return p.T("period.span", from, to) }

// PrevSpan writes the period before a report's, of the same length, with
// its dates and the length said (the report's §1 compares calendar months,
// its tables the period of the same length: both are labelled).
func (p *page) PrevSpan(r *app.RatesReport) string {
	from, err1 := calendar.ParseDate(r.From)
	to, err2 := calendar.ParseDate(r.To)
	if err1 != nil || err2 != nil {
		return ""
	}
	days := int(to.Start().Sub(from.Start()).Hours()/24) + 1
	prevTo := from.AddDays(-1)
	return p.T("period.prev_equal", prevTo.AddDays(1-days).String(), prevTo.String(), days)
}
