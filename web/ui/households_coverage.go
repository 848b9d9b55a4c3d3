package ui

import (
	"net/http"
	"strconv"

	"github.com/minsheng/minsheng/org"
)

// The coverage page: per grid (of a street, a community, a grid) or, for
// the whole district, per street from the roll-up, as a table and a map
// of the same figures (households-coverage.js shades the areas).

// coverageRow is one row of the coverage: a grid or a street.
type coverageRow struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Households int    `json:"households"`
	Visited    int    `json:"visited"`
	Due        int    `json:"due"`
	Overdue    int    `json:"overdue"`
}

// coverageData is the coverage page.
type coverageData struct {
	hhFmt
	Level string // grid or street: what the rows are
	Rows  []coverageRow
}

// Href is where a row leads: a street's grids, a grid's households.
func (d coverageData) Href(r coverageRow) string {
	if d.Level == "street" {
		return "/household-coverage?unit_id=" + strconv.FormatInt(r.ID, 10)
	}
	return "/households?grid_id=" + strconv.FormatInt(r.ID, 10)
}

func (u *householdPages) drawCoverage(w http.ResponseWriter, r *http.Request, me *org.User) error {
	ctx := r.Context()
	unit, _ := strconv.ParseInt(r.URL.Query().Get("unit_id"), 10, 64)
	unit = max(unit, 0)
	d := coverageData{Level: "grid", Rows: []coverageRow{}}
	byStreet, err := u.hh.ByStreet(ctx, me, unit)
	if err != nil {
		return err
	}
	if byStreet {
		d.Level = "street"
		cs, err := u.hh.CoverageByStreet(ctx, me, unit)
		if err != nil {
			return err
		}
		for _, c := range cs {
			d.Rows = append(d.Rows, coverageRow{c.UnitID, c.UnitName, c.Households, c.Visited, c.Due, c.Overdue})
		}
	} else {
		cs, err := u.hh.Coverage(ctx, me, unit)
		if err != nil {
			return err
		}
		for _, c := range cs {
			d.Rows = append(d.Rows, coverageRow{c.UnitID, c.UnitName, c.Households, c.Visited, c.Due, c.Overdue})
		}
	}
	return u.render(w, r, me, "coverage", "/households", http.StatusOK, nil, d)
}
