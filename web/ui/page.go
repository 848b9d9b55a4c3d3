package ui

import (
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/personal"
	"github.com/minsheng/minsheng/ticket"
)

// china is the time zone the pages show times in.
var china = time.FixedZone("CST", 8*3600)

// page is the data of every template: who is signed in, in which
// language, the navigation of their roles, and the page's own data.
type page struct {
	Lang      string
	User      *org.User
	Title     string
	Nav       []navItem
	Active    string // the nav entry of this page
	Path      string // the request's path and query, for the language switch
	RequestID string
	VendorOK  bool
	Flash     string // a message after a successful action
	Warning   string // something the user should see to (next year's calendar missing)
	Form      *formState
	R         *refs // units and categories, on pages that name them
	Data      any
	now       time.Time
	msgs      map[string][2]string // the UI's messages
	// errShown records that a form showed the refused form's error;
	// else the layout shows it above the page (Unshown).
	errShown bool
}

// navItem is one link of the navigation bar.
type navItem struct {
	Key, Href string
}

// districtPages are the admins' pages of district-wide setup and the
// whole audit log, which only admins of the whole district may change or
// read (kit.RequireDistrictAdmin): an admin of a street is not shown them. A capability marks its own entries
// with capability.NavItem.District.
var districtPages = map[string]bool{"/admin/categories": true, "/admin/kb": true, "/admin/dispatch": true,
	"/admin/routing": true, "/admin/calendar": true, "/admin/webhooks": true, "/admin/audit": true}

// navFor lists the pages of a role, the first being its home.
func navFor(role org.Role) []navItem {
	switch role {
	case org.RoleAgent:
		return []navItem{{"nav.desk", "/desk"}, {"nav.tickets", "/tickets"}, {"nav.kb", "/kb"}}
	case org.RoleDispatcher:
		return []navItem{{"nav.console", "/console"}, {"nav.desk", "/desk"}, {"nav.tickets", "/tickets"}, {"nav.dashboard", "/dashboard"},
			{"nav.map", "/map"}, {"nav.hotspots", "/hotspots"}, {"nav.kb", "/kb"}}
	case org.RoleHandler:
		return []navItem{{"nav.inbox", "/inbox"}, {"nav.tickets", "/tickets"}, {"nav.dashboard", "/dashboard"}}
	case org.RoleGridWorker:
		return []navItem{{"nav.report", "/desk"}, {"nav.tickets", "/tickets"}}
	case org.RoleAdmin:
		return []navItem{{"nav.units", "/admin/units"}, {"nav.users", "/admin/users"}, {"nav.categories", "/admin/categories"},
			{"nav.admin_kb", "/admin/kb"}, {"nav.dispatch", "/admin/dispatch"}, {"nav.routing", "/admin/routing"},
			{"nav.audit", "/admin/audit"},
			{"nav.calendar", "/admin/calendar"}, {"nav.webhooks", "/admin/webhooks"}, {"nav.tickets", "/tickets"}, {"nav.dashboard", "/dashboard"}}
	case org.RoleLeader:
		return []navItem{{"nav.dashboard", "/dashboard"}, {"nav.map", "/map"}, {"nav.hotspots", "/hotspots"}, {"nav.tickets", "/tickets"}}
	case org.RoleMediator:
		// The mediation cases' pages come with their capability.
		return []navItem{{"nav.tickets", "/tickets"}, {"nav.kb", "/kb"}}
	}
	return nil // outside roles: their modules add their portals
}

// userNav is the navigation of a user: the pages of each of their roles,
// the primary role's first (its home leads), each page once. A page that
// two roles name differently (the desk is "report" for grid workers) keeps
// the first role's name.
func userNav(me *org.User) []navItem {
	var out []navItem
	seen := map[string]bool{}
	district := kit.RequireDistrictAdmin(me) == nil
	for _, role := range me.Roles() {
		for _, n := range navFor(role) {
			if !seen[n.Href] && (district || !districtPages[n.Href]) {
				seen[n.Href] = true
				out = append(out, n)
			}
		}
	}
	return out
}

// home returns the first page of a user's navigation, the capabilities'
// entries included; the portal for a user whose roles have no page yet.
func (u *UI) homeOf(me *org.User) string {
	if n := u.navOf(me); len(n) > 0 {
		return n[0].Href
	}
	return "/portal"
}

func (u *UI) newPage(w http.ResponseWriter, r *http.Request, me *org.User, active string) *page {
	p := &page{Lang: langOf(r), User: me, Active: active, Path: r.URL.RequestURI(), RequestID: u.reqID(w, r),
		VendorOK: u.vendorOK, now: u.svc.Clock().Now(), msgs: u.messages}
	if me != nil {
		p.Nav = u.navOf(me)
	}
	if ok := r.URL.Query().Get("ok"); ok != "" && p.has("ok."+ok) {
		p.Flash = p.T("ok." + ok)
	}
	return p
}

// has reports whether the message key is defined.
func (p *page) has(key string) bool {
	_, ok := p.msgs[key]
	return ok
}

// navOf lists the pages of the user's roles and the mounted capabilities'
// entries for them, the primary role's home first.
func (u *UI) navOf(me *org.User) []navItem {
	nav := userNav(me)
	district := kit.RequireDistrictAdmin(me) == nil
	for _, c := range u.caps {
		for _, n := range c.Nav {
			if me.HasAny(n.Roles...) && (!n.District || district) && !slices.ContainsFunc(nav, func(x navItem) bool { return x.Href == n.Path }) {
				nav = append(nav, navItem{n.Label, n.Path})
			}
		}
	}
	return nav
}

// T translates a message key into the page's language; args fill its
// verbs as fmt does. An unknown key shows as itself, so that a missing
// translation is visible but harmless.
func (p *page) T(key string, args ...any) string {
	m, ok := p.msgs[key]
	if !ok {
		return key
	}
	s := m[0]
	if p.Lang == "en" && m[1] != "" {
		s = m[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// E translates an enum value: E "status" "replied" → 已办结回复.
func (p *page) E(group string, v any) string {
	s := fmt.Sprint(v)
	if s == "" {
		return ""
	}
	key := group + "." + s
	if !p.has(key) {
		return s
	}
	return p.T(key)
}

// RoleNames names the user's roles in the page's language, the primary
// first: "坐席、领导".
func (p *page) RoleNames(u *org.User) string {
	var parts []string
	for _, r := range u.Roles() {
		parts = append(parts, p.E("role", r))
	}
	sep := "、"
	if p.Lang == "en" {
		sep = ", "
	}
	return strings.Join(parts, sep)
}

// Time formats a time in China's zone.
func (p *page) Time(t any) string {
	switch v := t.(type) {
	case time.Time:
		if v.IsZero() {
			return ""
		}
		return v.In(china).Format("2006-01-02 15:04")
	case *time.Time:
		if v == nil {
			return ""
		}
		return v.In(china).Format("2006-01-02 15:04")
	}
	return ""
}

// Due classifies a deadline for colouring: "overdue", "today" (due before
// the end of today in China) or "ok"; "" without a deadline.
func (p *page) Due(t *time.Time) string {
	if t == nil {
		return ""
	}
	now := p.now.In(china)
	switch {
	case t.Before(now):
		return "overdue"
	case t.Before(time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, china)):
		return "today"
	}
	return "ok"
}

// Ago says how long ago a time was, roughly.
func (p *page) Ago(t time.Time) string {
	d := p.now.Sub(t)
	switch {
	case d < time.Minute:
		return p.T("ago.now")
	case d < time.Hour:
		return p.T("ago.min", int(d.Minutes()))
	case d < 48*time.Hour:
		return p.T("ago.hour", int(d.Hours()))
	}
	return p.T("ago.day", int(d.Hours()/24))
}

// formState is a form sent back with an error: which form, which field
// is at fault, the error (worded in the page's language by Say) or a
// message already worded, and what the user typed.
type formState struct {
	Action  string
	Field   string
	Err     error
	Message string
	Values  map[string][]string
}

// Bad reports whether the form of the action has an error on the field
// (any field when field is "").
func (p *page) Bad(action, field string) bool {
	return p.Form != nil && p.Form.Action == action && (field == "" || p.Form.Field == field)
}

// Err returns the error message of the action's form, or "".
func (p *page) Err(action string) string {
	if p.Form == nil || p.Form.Action != action {
		return ""
	}
	p.errShown = true
	if p.Form.Message != "" || p.Form.Err == nil {
		return p.Form.Message
	}
	return p.Say(p.Form.Err)
}

// Unshown returns the refused form's error when no form of the page shows
// it (the form is not on the page in the object's state), or "".
func (p *page) Unshown() string {
	if p.Form == nil || p.errShown {
		return ""
	}
	if p.Form.Message != "" || p.Form.Err == nil {
		return p.Form.Message
	}
	return p.Say(p.Form.Err)
}

// V returns what the user typed into a field of the action's form.
func (p *page) V(action, field string) string {
	if p.Form == nil || p.Form.Action != action {
		return ""
	}
	if v := p.Form.Values[field]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// pair passes the page along with one item to a partial template.
type pair struct {
	P *page
	X any
}

var funcs = template.FuncMap{
	"pair":  func(p *page, x any) pair { return pair{p, x} },
	"mask":  personal.MaskPhone,
	"deref": func(b *bool) bool { return b != nil && *b },
	"pct":   func(f float64) float64 { return f * 100 },
	// more reports whether a description says more than its title (a
	// title made from the description's start says nothing new).
	"more": func(title, desc string) bool {
		t := strings.TrimSuffix(strings.TrimSpace(title), "…")
		d := strings.TrimSpace(desc)
		return d != "" && d != t
	},
	"mapOf": func(lat, lng string, pick bool) mapSpec { return mapSpec{Lat: lat, Lng: lng, Pick: pick} },
	"join":  strings.Join,
	"itoa":  func(v int64) string { return strconv.FormatInt(v, 10) },
	"isImage": func(ct string) bool {
		return strings.HasPrefix(ct, "image/")
	},
	"kb": func(size int64) string {
		if size < 1024 {
			return fmt.Sprintf("%d B", size)
		}
		if size < 1<<20 {
			return fmt.Sprintf("%.0f KB", float64(size)/1024)
		}
		return fmt.Sprintf("%.1f MB", float64(size)/(1<<20))
	},
	"coord": func(f *float64) string {
		if f == nil {
			return ""
		}
		return strconv.FormatFloat(*f, 'f', 6, 64)
	},
	"seq": func(n int) []int {
		s := make([]int, n)
		for i := range s {
			s[i] = i + 1
		}
		return s
	},
	// grants writes a user's grants as the admin form takes them.
	"grants": org.FormatGrants,
}

// ReturnReasons lists the reasons a unit may give for a return.
func (p *page) ReturnReasons() []app.ReturnReason { return app.ReturnReasons }

// Satisfactions lists the answers of a callback.
func (p *page) Satisfactions() []ticket.Satisfaction { return ticket.Satisfactions }

// mapSpec is a map on a page: its marker, and whether a click sets the
// point of the form around it.
type mapSpec struct {
	Lat, Lng string
	Pick     bool
}
