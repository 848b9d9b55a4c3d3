package ui

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/org"
)

// hotSpotDays are the windows the board offers with one click.
var hotSpotDays = []int{1, 3, 7, 14, 30}

// hotData is the hot-spot board page.
type hotData struct {
	Board   *app.HotSpotBoard
	Units   []option
	Days    []int
	Chart   hotChart
	Maximum int // the largest day count of any spot, for the sparklines' common scale
}

// hotChart is what the page's script draws: one sparkline per spot.
type hotChart struct {
	Dates  []string `json:"dates"`
	Trends [][]int  `json:"trends"`
	Max    int      `json:"max"`
	Label  string   `json:"label"`
}

// hotSpotsPage shows the hot-spot board (热点) of a unit: clusters of
// similar requests of the last days, for leaders to act before more
// people call. unit_id and days select it; the board is shared and a few
// minutes old at most.
func (u *UI) hotSpotsPage(w http.ResponseWriter, r *http.Request, me *org.User) error {
	ctx := r.Context()
	p := u.newPage(w, r, me, "/hotspots")
	p.Title = p.T("hot.title")
	rf, err := u.loadRefs(ctx, p)
	if err != nil {
		return err
	}
	p.R = rf
	q := app.HotSpotQuery{}
	if v := r.URL.Query().Get("unit_id"); v != "" {
		if q.UnitID, err = strconv.ParseInt(v, 10, 64); err != nil || q.UnitID <= 0 {
			return minsheng.FieldError("unit_id", "unit_id must be an id")
		}
		if x := rf.unitByID[q.UnitID]; x == nil || !me.SeesWork(x.Path) {
			return minsheng.Errorf(minsheng.ENOTFOUND, "unit %d not found", q.UnitID)
		}
	}
	if v := r.URL.Query().Get("days"); v != "" {
		if q.Days, err = strconv.Atoi(v); err != nil || q.Days < 1 || q.Days > app.MaxHotSpotDays {
			return minsheng.FieldError("days", "days must be from 1 to %d", app.MaxHotSpotDays)
		}
	}
	b, err := u.svc.HotSpots(ctx, me, q)
	if err != nil {
		return err
	}
	d := hotData{Board: b, Units: unitChoices(rf, me), Days: hotSpotDays}
	d.Chart = hotChart{Dates: b.Dates, Trends: [][]int{}, Label: p.T("hot.requests")}
	for _, s := range b.Spots {
		d.Chart.Trends = append(d.Chart.Trends, s.Trend)
		for _, n := range s.Trend {
			d.Chart.Max = max(d.Chart.Max, n)
		}
	}
	d.Maximum = d.Chart.Max
	p.Data = d
	u.render(w, http.StatusOK, p, "hotspots")
	return nil
}

// Growth writes a spot's change from the window before: "+150%", or
// "new" when there was nothing before.
func (p *page) Growth(s app.HotSpot) string {
	if s.Previous == 0 {
		return p.T("hot.new")
	}
	return fmt.Sprintf("%+.0f%%", 100*s.Growth)
}
