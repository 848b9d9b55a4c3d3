package ui

import (
	"net/http"
	"strconv"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/ticket"
)

// mapMeasures are what the areas of the map of needs can be shaded by.
var mapMeasures = []string{"volume", "closure", "on_time", "satisfaction"}

// mapData is the map of needs page.
type mapData struct {
	Q        dashQuery
	Units    []option
	Presets  []preset
	Cats     []*ticket.Category // top-level categories, to filter by
	Category int64
	Measures []string
	Measure  string
	Level    string // street or community: the areas shaded
	Map      *app.MapData
	Text     map[string]string
}

// mapPage shows the map of needs (民情图): the units' boundaries (no online
// tiles) shaded by volume or by a rate, and the tickets as clusters of
// points; a click on an area or a cluster opens the tickets behind it. The
// page's script reads the clusters for each view from GET /api/v1/stats/map.
func (u *UI) mapPage(w http.ResponseWriter, r *http.Request, me *org.User) error {
	ctx := r.Context()
	p := u.newPage(w, r, me, "/map")
	p.Title = p.T("map.title")
	rf, err := u.loadRefs(ctx, p)
	if err != nil {
		return err
	}
	p.R = rf
	q, err := u.readDashQuery(r, me, rf)
	if err != nil {
		return err
	}
	d := mapData{Q: q, Units: unitChoices(rf, me), Measures: mapMeasures, Measure: "volume", Level: "street",
		Text: textsFor(p, append(dashText, "map.level_street", "map.level_community", "map.open_list", "map.cluster_tip",
			"map.measure.volume", "map.measure.closure", "map.measure.on_time", "map.measure.satisfaction", "map.legend_none"))}
	d.Presets = presets(calendar.DateOf(u.svc.Clock().Now()))
	for _, c := range rf.Cats {
		if c.ParentID == 0 && c.Active {
			d.Cats = append(d.Cats, c)
		}
	}
	qs := r.URL.Query()
	if v := qs.Get("category_id"); v != "" {
		if d.Category, err = strconv.ParseInt(v, 10, 64); err != nil {
			return minsheng.FieldError("category_id", "category_id must be an id")
		}
	}
	if v := qs.Get("measure"); v != "" {
		d.Measure = v
		if !contains(mapMeasures, v) {
			return minsheng.FieldError("measure", "measure must be one of volume, closure, on_time, satisfaction")
		}
	}
	if v := qs.Get("level"); v == "community" {
		d.Level = v
	}
	if d.Map, err = u.svc.MapData(ctx, me, app.MapQuery{UnitID: q.Unit.ID, From: q.From, To: q.To, CategoryID: d.Category}); err != nil {
		return err
	}
	p.Data = d
	u.render(w, http.StatusOK, p, "map")
	return nil
}

func contains(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}
