package ui

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/ticket"
)

// reportData is the monthly report: a unit's month against the month
// before, by unit, category and kind, the ranking and the overdue work.
type reportData struct {
	Unit      *org.Unit
	Month     string
	From, To  calendar.Date
	Rates     *app.RatesReport // by unit
	Prev      app.RatesRow     // the calendar month before
	PrevMonth string
	// PrevFrom and PrevTo are the calendar month before: §1 compares
	// months, §2's table the period of the same length (both labelled).
	PrevFrom, PrevTo calendar.Date
	Cats             []app.RatesRow
	Kinds            []app.RatesRow
	Rank             []app.RankRow
	MinVolume        int64
	Overdue          []ticket.Ticket
	Units            []option
	Months           []string
	Generated        time.Time
}

// Change is the change of the received count from the month before.
func (d reportData) Change() int64 { return d.Rates.Total.Counts.Received - d.Prev.Counts.Received }

// reportPage is the printable monthly report (/report?month=YYYY-MM): the
// figures a district sends up each month, with every rate's parts and
// the definitions, laid out for A4 paper (print CSS).
func (u *UI) reportPage(w http.ResponseWriter, r *http.Request, me *org.User) error {
	ctx := r.Context()
	p := u.newPage(w, r, me, "/dashboard")
	rf, err := u.loadRefs(ctx, p)
	if err != nil {
		return err
	}
	p.R = rf
	q := r.URL.Query()
	today := calendar.DateOf(u.svc.Clock().Now())
	first := calendar.DateOf(time.Date(today.Year, today.Month, 1, 12, 0, 0, 0, china).AddDate(0, -1, 0))
	if v := q.Get("month"); v != "" {
		if first, err = app.ParseMonth(v); err != nil {
			return err
		}
	}
	d := reportData{From: first, To: app.MonthEnd(first), Month: fmt.Sprintf("%04d-%02d", first.Year, first.Month), MinVolume: 10,
		Units: unitChoices(rf, me), Generated: u.svc.Clock().Now()}
	if d.To.Start().After(today.Start()) {
		d.To = today
	}
	if d.From.Start().After(today.Start()) {
		return minsheng.FieldError("month", "month %s has not begun", d.Month).Because("month_not_begun")
	}
	unitID := me.UnitID
	if v := q.Get("unit_id"); v != "" {
		if unitID, err = strconv.ParseInt(v, 10, 64); err != nil {
			return minsheng.FieldError("unit_id", "unit_id must be an id")
		}
	}
	if d.Rates, err = u.svc.Rates(ctx, me, app.RatesQuery{UnitID: unitID, From: d.From, To: d.To, By: app.ByUnit}); err != nil {
		return err
	}
	d.Unit = d.Rates.Unit
	prevFirst := calendar.DateOf(first.Start().AddDate(0, -1, 0).Add(time.Hour))
	d.PrevMonth = fmt.Sprintf("%04d-%02d", prevFirst.Year, prevFirst.Month)
	d.PrevFrom, d.PrevTo = prevFirst, app.MonthEnd(prevFirst)
	prev, err := u.svc.Rates(ctx, me, app.RatesQuery{UnitID: unitID, From: d.PrevFrom, To: d.PrevTo})
	if err != nil {
		return err
	}
	d.Prev = prev.Total
	cats, err := u.svc.Rates(ctx, me, app.RatesQuery{UnitID: unitID, From: d.From, To: d.To, By: app.ByCategory})
	if err != nil {
		return err
	}
	d.Cats = cats.Rows
	sort.SliceStable(d.Cats, func(i, j int) bool { return d.Cats[i].Counts.Received > d.Cats[j].Counts.Received })
	if len(d.Cats) > 10 {
		d.Cats = d.Cats[:10]
	}
	kinds, err := u.svc.Rates(ctx, me, app.RatesQuery{UnitID: unitID, From: d.From, To: d.To, By: app.ByKind})
	if err != nil {
		return err
	}
	d.Kinds = kinds.Rows
	sort.SliceStable(d.Kinds, func(i, j int) bool { return d.Kinds[i].Counts.Received > d.Kinds[j].Counts.Received })
	if d.Rank, err = u.svc.Rankings(ctx, me, app.RankQuery{UnitID: unitID, From: d.From, To: d.To, MinVolume: d.MinVolume}); err != nil {
		return err
	}
	over, err := u.svc.ListTickets(ctx, me, app.ListQuery{Overdue: true, Under: unitID, Limit: 20})
	if err != nil {
		return err
	}
	d.Overdue = over.Tickets
	for i := range 24 {
		m := time.Date(today.Year, today.Month, 1, 12, 0, 0, 0, china).AddDate(0, -i, 0)
		d.Months = append(d.Months, m.Format("2006-01"))
	}
	p.Title = p.T("report.title", d.Unit.Name, p.MonthName(d.Month))
	p.Data = d
	u.render(w, http.StatusOK, p, "report")
	return nil
}

// Signed2 writes a change of a count with its sign: +120, −35.
func (p *page) Signed2(n int64) string {
	if n >= 0 {
		return "+" + thousands(n)
	}
	return "−" + thousands(-n)
}
