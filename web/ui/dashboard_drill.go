package ui

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/ticket"
)

// listFilters are the filters of the ticket list page that the dashboards
// link to, so that every figure opens the tickets behind it:
//
//	created_from, created_to  days of receipt, YYYY-MM-DD, both inclusive
//	unit                      taken in or handled by this unit or one below it
//	category                  this category or one below it
//	kind, status              exactly
//	overdue=1                 in hand past the reply deadline
//	hour                      received on weekday×24+hour (Sunday 0), China time
//	box                       with a point inside south,west,north,east
//	place                     with a point in one of these units (grids), ids separated by commas
var listFilters = []string{"created_from", "created_to", "unit", "category", "kind", "status", "overdue", "hour", "box", "place"}

// filterChip is one active filter, shown above the list.
type filterChip struct {
	Key, Label string
}

// readListFilters fills a list query from the page's query string and
// describes the filters for the page. It returns the query string of the
// filters alone, for the next page and the exports.
func readListFilters(p *page, q url.Values, lq *app.ListQuery) ([]filterChip, string, error) {
	var chips []filterChip
	keep := url.Values{}
	for _, k := range listFilters {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			keep.Set(k, v)
		}
	}
	date := func(name string) (*calendar.Date, error) {
		v := keep.Get(name)
		if v == "" {
			return nil, nil
		}
		d, err := calendar.ParseDate(v)
		if err != nil {
			return nil, minsheng.FieldError(name, "%s must be a date (YYYY-MM-DD)", name)
		}
		return &d, nil
	}
	from, err := date("created_from")
	if err != nil {
		return nil, "", err
	}
	to, err := date("created_to")
	if err != nil {
		return nil, "", err
	}
	if from != nil {
		t := from.Start()
		lq.CreatedFrom = &t
	}
	if to != nil {
		t := to.AddDays(1).Start()
		lq.CreatedTo = &t
	}
	switch {
	case from != nil && to != nil && *from == *to:
		chips = append(chips, filterChip{"created", p.T("drill.day", from.String())})
	case from != nil || to != nil:
		f, t := "…", "…"
		if from != nil {
			f = from.String()
		}
		if to != nil {
			t = to.String()
		}
		chips = append(chips, filterChip{"created", p.T("drill.days", f, t)})
	}
	id := func(name string) (int64, error) {
		v := keep.Get(name)
		if v == "" {
			return 0, nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return 0, minsheng.FieldError(name, "%s must be an id", name)
		}
		return n, nil
	}
	if lq.Under, err = id("unit"); err != nil {
		return nil, "", err
	}
	if lq.Under != 0 {
		name := ""
		if p.R != nil {
			name = p.R.UnitName(lq.Under)
		}
		chips = append(chips, filterChip{"unit", p.T("drill.unit", name)})
	}
	// category=0 is the dashboards' 未分类 row: tickets without one.
	if keep.Get("category") == "0" {
		lq.Uncategorised = true
		chips = append(chips, filterChip{"category", p.T("drill.category", p.T("drill.uncategorised"))})
	} else if lq.CategoryTree, err = id("category"); err != nil {
		return nil, "", err
	}
	if lq.CategoryTree != 0 {
		name := ""
		if p.R != nil {
			name = p.R.CatPath(lq.CategoryTree)
		}
		chips = append(chips, filterChip{"category", p.T("drill.category", name)})
	}
	if v := keep.Get("kind"); v != "" {
		lq.Kind = ticket.Kind(v)
		chips = append(chips, filterChip{"kind", p.T("t.kind") + "：" + p.E("kind", v)})
	}
	if v := keep.Get("status"); v != "" {
		lq.Statuses = []ticket.Status{ticket.Status(v)}
	}
	if v := keep.Get("overdue"); v != "" {
		lq.Overdue = v == "1" || v == "true"
		if lq.Overdue {
			chips = append(chips, filterChip{"overdue", p.T("drill.overdue")})
		}
	}
	if v := keep.Get("hour"); v != "" {
		h, err := strconv.Atoi(v)
		if err != nil || h < 0 || h >= 7*24 {
			return nil, "", minsheng.FieldError("hour", "hour must be weekday×24+hour, 0 to 167")
		}
		lq.HourOfWeek = &h
		chips = append(chips, filterChip{"hour", p.T("drill.hour", p.T(fmt.Sprintf("wd.%d", h/24)), h%24, h%24+1)})
	}
	if v := keep.Get("box"); v != "" {
		b, err := app.ParseBox(v)
		if err != nil {
			return nil, "", err
		}
		lq.Box = &b
		chips = append(chips, filterChip{"box", p.T("drill.box")})
	}
	if v := keep.Get("place"); v != "" {
		var names []string
		for _, part := range strings.Split(v, ",") {
			id, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
			if err != nil || id <= 0 {
				return nil, "", minsheng.FieldError("place", "place must be unit ids separated by commas")
			}
			lq.Places = append(lq.Places, id)
			if p.R != nil && len(names) < 3 {
				names = append(names, p.R.UnitName(id))
			}
		}
		label := strings.Join(names, "、")
		if len(lq.Places) > len(names) {
			label = p.T("drill.places_more", label, len(lq.Places))
		}
		chips = append(chips, filterChip{"place", p.T("drill.place", label)})
	}
	return chips, keep.Encode(), nil
}
