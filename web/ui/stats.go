package ui

import (
	"fmt"
	"net/http"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/stats"
)

// statsData is the public page of figures.
type statsData struct {
	S      *app.PublicStats
	Months []string // the months to choose from, newest first
	Chart  statsChart
}

// statsChart is what the public page's script draws.
type statsChart struct {
	Text     map[string]string `json:"text"`
	Months   []string          `json:"months"`
	Received []int64           `json:"received"`
	Closed   []int64           `json:"closed"`
	Closure  []*float64        `json:"closure"`
}

// publicStats reads the month of the request (default: the last complete
// month) and returns its figures.
func (u *UI) publicStats(r *http.Request) (*app.PublicStats, error) {
	today := calendar.DateOf(u.svc.Clock().Now())
	month := calendar.DateOf(time.Date(today.Year, today.Month, 1, 12, 0, 0, 0, china).AddDate(0, -1, 0))
	if v := r.URL.Query().Get("month"); v != "" {
		var err error
		if month, err = app.ParseMonth(v); err != nil {
			return nil, err
		}
	}
	return u.svc.PublicStats(r.Context(), month)
}

// statsPage shows, to anyone, the figures the district publishes: per
// street and month, the requests received and closed and the rates, each
// with its parts. Nothing about any person is on it.
func (u *UI) statsPage(w http.ResponseWriter, r *http.Request) error {
	ps, err := u.publicStats(r)
	if err != nil {
		return err
	}
	p := u.newPage(w, r, u.user(r), "/stats")
	p.Title = p.T("stats.title")
	d := statsData{S: ps, Chart: statsChart{Text: textsFor(p, []string{"dash.received", "dash.closed", "rate.closure"})}}
	today := calendar.DateOf(u.svc.Clock().Now())
	for i := range 24 {
		m := time.Date(today.Year, today.Month, 1, 12, 0, 0, 0, china).AddDate(0, -i, 0)
		d.Months = append(d.Months, m.Format("2006-01"))
	}
	for _, m := range ps.Trend {
		d.Chart.Months = append(d.Chart.Months, m.Month)
		d.Chart.Received = append(d.Chart.Received, m.Received)
		d.Chart.Closed = append(d.Chart.Closed, m.Closed)
		d.Chart.Closure = append(d.Chart.Closure, m.Closure.Value)
	}
	p.Data = d
	if p.User == nil { // a page with a staff member's name on it is not for shared caches
		w.Header().Set("Cache-Control", "public, max-age=300")
	}
	u.render(w, http.StatusOK, p, "stats")
	return nil
}

// MonthName writes a month YYYY-MM in the page's language: 2026年10月.
func (p *page) MonthName(m string) string {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return m
	}
	if p.Lang == "en" {
		return t.Format("January 2006")
	}
	return fmt.Sprintf("%d年%d月", t.Year(), t.Month())
}

// Valid is the denominator of the closure rate: received less invalid and
// merged.
func (p *page) Valid(c stats.Counters) int64 { return c.Received - c.Invalid - c.Merged }
