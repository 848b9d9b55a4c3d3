package grid

import "slices"

// Class is the GB/T 30428.2 kind of a grid report: a broken or missing
// public part (部件: a manhole cover, a street lamp) or an event (事件:
// rubbish piled up, a street stall).
type Class string

// Classes.
const (
	ClassPart  Class = "part"  // 部件
	ClassEvent Class = "event" // 事件
)

// Valid reports whether c is a known class.
func (c Class) Valid() bool { return c == ClassPart || c == ClassEvent }

// Category is one major category (大类) of GB/T 30428.2 and the district's
// ticket category it is routed as (its code in the category tree; "" leaves
// the choice to the classifier and the dispatcher).
type Category struct {
	Code     string // ours: "P01" … "E06" (P: 部件, E: 事件, then the standard's order)
	Class    Class
	Name     string // Chinese, as the standard names it
	NameEN   string
	District string // the district's category code
}

// Categories are the major categories of GB/T 30428.2, in the standard's
// order, with the demo district's categories they map to. A district with
// other category codes maps them in its setup; a code that does not exist
// is left to the classifier.
var Categories = []Category{
	{"P01", ClassPart, "公用设施类", "Public utilities", "urban.facility.manhole"},
	{"P02", ClassPart, "道路交通类", "Roads and traffic", "urban.facility.road"},
	{"P03", ClassPart, "市容环境类", "Cityscape and sanitation", "urban.sanitation.toilet"},
	{"P04", ClassPart, "园林绿化类", "Parks and greenery", "urban.sanitation"},
	{"P05", ClassPart, "房屋土地类", "Buildings and land", "city.housing"},
	{"P06", ClassPart, "其他设施类", "Other facilities", "urban.facility"},
	{"E01", ClassEvent, "市容环境类", "Cityscape and sanitation", "urban.sanitation.garbage"},
	{"E02", ClassEvent, "宣传广告类", "Advertising", "urban.order.ads"},
	{"E03", ClassEvent, "施工管理类", "Construction", "env.air.dust"},
	{"E04", ClassEvent, "突发事件类", "Emergencies", ""},
	{"E05", ClassEvent, "街面秩序类", "Street order", "urban.order.vendor"},
	{"E06", ClassEvent, "其他事件类", "Other events", ""},
}

// CategoryByCode returns the major category with the code.
func CategoryByCode(code string) (Category, bool) {
	i := slices.IndexFunc(Categories, func(c Category) bool { return c.Code == code })
	if i < 0 {
		return Category{}, false
	}
	return Categories[i], true
}
