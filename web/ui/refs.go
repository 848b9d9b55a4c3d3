package ui

import (
	"context"
	"strconv"
	"strings"

	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/ticket"
)

// refs are the units and categories, read once per page to name ids and
// fill pickers. Both tables are small (hundreds of rows in a district).
type refs struct {
	lang     string
	Units    []*org.Unit
	unitByID map[int64]*org.Unit
	Cats     []*ticket.Category
	catByID  map[int64]*ticket.Category
}

func (u *UI) loadRefs(ctx context.Context, p *page) (*refs, error) {
	units, err := u.svc.ListUnits(ctx)
	if err != nil {
		return nil, err
	}
	cats, err := u.svc.ListCategories(ctx)
	if err != nil {
		return nil, err
	}
	rf := &refs{lang: p.Lang, Units: units, Cats: cats, unitByID: map[int64]*org.Unit{}, catByID: map[int64]*ticket.Category{}}
	for _, x := range units {
		rf.unitByID[x.ID] = x
	}
	for _, c := range cats {
		rf.catByID[c.ID] = c
	}
	return rf, nil
}

// UnitName names a unit by id ("" for 0).
func (rf *refs) UnitName(id int64) string {
	if x := rf.unitByID[id]; x != nil {
		return x.Name
	}
	return ""
}

// UnitActive reports whether a unit is in use (not disabled).
func (rf *refs) UnitActive(id int64) bool {
	x := rf.unitByID[id]
	return x != nil && x.Active
}

// UnitIndent is the indent of a unit in the tree lists: one wide space a
// level below the district.
func (rf *refs) UnitIndent(id int64) string {
	x := rf.unitByID[id]
	if x == nil {
		return ""
	}
	return strings.Repeat("\u3000", max(strings.Count(x.Path, "/")-2, 0))
}

// catName names a category in the page's language.
func (rf *refs) catName(c *ticket.Category) string {
	if rf.lang == "en" && c.NameEN != "" {
		return c.NameEN
	}
	return c.Name
}

// CatPath names a category with its ancestors: 城乡建设 › 物业管理 › 电梯故障.
func (rf *refs) CatPath(id int64) string {
	c := rf.catByID[id]
	if c == nil {
		return ""
	}
	var parts []string
	for _, s := range strings.Split(strings.Trim(c.Path, "/"), "/") {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil && rf.catByID[id] != nil {
			parts = append(parts, rf.catName(rf.catByID[id]))
		}
	}
	if len(parts) == 0 {
		return rf.catName(c)
	}
	return strings.Join(parts, " › ")
}

// option is one entry of a picker.
type option struct {
	ID       int64
	Label    string
	Depth    int
	Disabled bool
	Search   string // what the picker's filter matches
}

// UnitOptions lists the units as a tree for the dispatch picker: the root
// and the hotline centre cannot handle tickets and are shown but disabled.
func (rf *refs) UnitOptions() []option {
	var out []option
	for _, x := range rf.Units { // in path order: parents before children
		d := strings.Count(x.Path, "/") - 2
		out = append(out, option{ID: x.ID, Label: strings.Repeat("\u3000", d) + x.Name, Depth: d,
			Disabled: x.ParentID == 0 || x.Kind == org.KindCentre || !x.Active, Search: x.Name + " " + x.Code})
	}
	return out
}

// CatOptions lists the active categories with their full paths, for the
// category picker with search.
func (rf *refs) CatOptions() []option {
	var out []option
	for _, c := range rf.Cats {
		if !c.Active {
			continue
		}
		p := rf.CatPath(c.ID)
		out = append(out, option{ID: c.ID, Label: p, Depth: c.Level - 1, Search: p + " " + c.Name + " " + c.NameEN + " " + c.Code})
	}
	return out
}

// ShortUnitOptions lists the units a dispatcher picks from on a work-list
// row: the units right below the district (streets, towns, departments),
// and the suggested unit wherever it is. The ticket page has the whole tree.
func (rf *refs) ShortUnitOptions(suggested int64) []option {
	var out []option
	for _, x := range rf.Units {
		d := strings.Count(x.Path, "/") - 2
		if !x.Active {
			continue
		}
		if (d == 1 && x.Kind != org.KindCentre) || (x.ID == suggested && d > 1) {
			out = append(out, option{ID: x.ID, Label: x.Name, Depth: d})
		}
	}
	return out
}

// UnitKind returns a unit's kind by id.
func (rf *refs) UnitKind(id int64) org.UnitKind {
	if x := rf.unitByID[id]; x != nil {
		return x.Kind
	}
	return ""
}

// UnitCode returns a unit's code by id.
func (rf *refs) UnitCode(id int64) string {
	if x := rf.unitByID[id]; x != nil {
		return x.Code
	}
	return ""
}
