package ui

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/minsheng/minsheng/capability"
	"github.com/minsheng/minsheng/org"
)

// Register adds every page route to mux, the core's and the mounted
// capabilities' (Mount). The server in front registers
// them on its own mux beside the JSON API, so that its middleware
// (request ids, sessions, CSRF protection, metrics by route) applies.
func (u *UI) Register(mux *http.ServeMux) {
	staffRoles := []org.Role{org.RoleAgent, org.RoleDispatcher, org.RoleGridWorker}
	desk := []org.Role{org.RoleAgent, org.RoleDispatcher}

	mux.Handle("GET /{$}", u.handle(u.home))
	mux.Handle("GET /static/", u.staticHandler())
	// Browsers ask for /favicon.ico on pages without an icon link (and
	// on other answers): the same SVG.
	mux.Handle("GET /favicon.ico", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r2 := r.Clone(r.Context())
		r2.URL.Path = "/static/favicon.svg"
		u.staticHandler().ServeHTTP(w, r2)
	}))
	mux.Handle("GET /lang/{lang}", u.handle(u.setLang))
	mux.Handle("GET /map/areas.json", u.handle(u.mapAreas))
	mux.Handle("GET /map/base.json", u.handle(u.mapBase))  // roads and places (maplayer.go)
	mux.Handle("GET /map/geocode", u.handle(u.mapGeocode)) // a typed address placed

	// Sign-in.
	mux.Handle("GET /login", u.handle(u.loginPage))
	mux.Handle("POST /login", u.handle(u.login))
	mux.Handle("POST /logout", u.handle(u.logout))

	// Residents.
	mux.Handle("GET /portal", u.handle(u.portalPage))
	mux.Handle("POST /portal", u.handle(u.portalSubmit))
	mux.Handle("GET /portal/category", u.handle(u.portalCategory))
	mux.Handle("GET /track", u.handle(u.trackLookupPage))
	mux.Handle("POST /track", u.handle(u.trackLookup))
	mux.Handle("GET /track/{number}", u.handle(u.trackPage))
	mux.Handle("POST /track/{number}/rate", u.handle(u.trackRate))
	mux.Handle("GET /track/{number}/files/{id}", u.handle(u.trackFile))

	// The hotline desk (agents, dispatchers; grid workers report there).
	mux.Handle("GET /desk", u.staff(u.deskPage, staffRoles...))
	mux.Handle("POST /desk", u.staff(u.deskSubmit, staffRoles...))
	mux.Handle("GET /desk/history", u.staff(u.deskHistory, desk...))
	mux.Handle("GET /desk/similar", u.staff(u.deskSimilar, staffRoles...))
	mux.Handle("GET /desk/kb", u.staff(u.deskKB))

	// Dispatch console, unit inbox, ticket lists and pages.
	mux.Handle("GET /console", u.staff(u.consolePage, org.RoleDispatcher, org.RoleLeader))
	mux.Handle("POST /console/close", u.staff(u.consoleClose, org.RoleDispatcher)) // bulk close (console.go)
	mux.Handle("GET /inbox", u.staff(u.inboxPage))
	mux.Handle("GET /tickets", u.staff(u.ticketsPage))
	mux.Handle("GET /t/{ref}", u.staff(u.ticketPage))
	mux.Handle("GET /search", u.staff(u.searchPage))
	mux.Handle("POST /t/{ref}/{action}", u.staff(u.ticketAction))
	mux.Handle("GET /t/{ref}/files/{id}", u.staff(u.ticketFile))

	// API tokens: one's own (tokens.go); an admin's view is under /admin/users.
	mux.Handle("GET /account/tokens", u.staff(u.tokensPage))
	mux.Handle("POST /account/tokens", u.staff(u.tokenCreate))
	mux.Handle("POST /account/tokens/{id}/revoke", u.staff(u.tokenRevoke))

	// Knowledge base for staff.
	mux.Handle("GET /kb", u.staff(u.kbPage))
	mux.Handle("GET /kb/{id}", u.staff(u.kbArticle))

	// Admin pages.
	admin := org.RoleAdmin
	mux.Handle("GET /admin", u.staff(func(w http.ResponseWriter, r *http.Request, _ *org.User) error {
		redirect(w, r, "/admin/units")
		return nil
	}, admin))
	mux.Handle("GET /admin/units", u.staff(u.adminUnits, admin))
	mux.Handle("POST /admin/units", u.staff(u.adminCreateUnit, admin))
	mux.Handle("POST /admin/units/{id}", u.staff(u.adminUpdateUnit, admin))
	mux.Handle("GET /admin/users", u.staff(u.adminUsers, admin))
	mux.Handle("POST /admin/users", u.staff(u.adminCreateUser, admin))
	mux.Handle("POST /admin/users/{username}", u.staff(u.adminUpdateUser, admin))
	mux.Handle("GET /admin/users/{username}/tokens", u.staff(u.tokensPage, admin))
	mux.Handle("POST /admin/users/{username}/tokens/{id}/revoke", u.staff(u.tokenRevoke, admin))
	mux.Handle("GET /admin/categories", u.staff(u.adminCategories, admin))
	mux.Handle("POST /admin/categories", u.staff(u.adminCreateCategory, admin))
	mux.Handle("POST /admin/categories/{id}", u.staff(u.adminUpdateCategory, admin))
	mux.Handle("GET /admin/kb", u.staff(u.adminKB, admin))
	mux.Handle("GET /admin/kb/new", u.staff(u.adminKBEdit, admin))
	mux.Handle("GET /admin/kb/{id}", u.staff(u.adminKBEdit, admin))
	mux.Handle("POST /admin/kb", u.staff(u.adminKBSave, admin))
	mux.Handle("POST /admin/kb/{id}", u.staff(u.adminKBSave, admin))
	// Dispatch setup: settings and deadline rules, routing rules, the
	// working-day calendar, webhooks (admin_dispatch.go).
	mux.Handle("GET /admin/dispatch", u.staff(u.adminDispatch, admin))
	mux.Handle("POST /admin/dispatch/settings", u.staff(u.adminSaveSettings, admin))
	mux.Handle("POST /admin/dispatch/sla", u.staff(u.adminCreateSLARule, admin))
	mux.Handle("POST /admin/dispatch/sla/{id}/delete", u.staff(u.adminDeleteSLARule, admin))
	mux.Handle("GET /admin/routing", u.staff(u.adminRouting, admin))
	mux.Handle("POST /admin/routing", u.staff(u.adminCreateRoutingRule, admin))
	mux.Handle("POST /admin/routing/{id}", u.staff(u.adminUpdateRoutingRule, admin))
	mux.Handle("POST /admin/routing/{id}/delete", u.staff(u.adminDeleteRoutingRule, admin))
	mux.Handle("GET /admin/calendar", u.staff(u.adminCalendar, admin))
	mux.Handle("POST /admin/calendar", u.staff(u.adminImportCalendar, admin))
	mux.Handle("POST /admin/calendar/json", u.staff(u.adminImportCalendarJSON, admin))
	mux.Handle("GET /admin/webhooks", u.staff(u.adminWebhooks, admin))
	mux.Handle("POST /admin/webhooks", u.staff(u.adminCreateWebhook, admin))
	mux.Handle("POST /admin/webhooks/{id}/{switch}", u.staff(u.adminSetWebhookActive, admin))
	u.registerAudit(mux) // the audit log (admin_audit.go)

	// Dashboards, the map of needs, the monthly report, exports, and the
	// public figures (dashboard.go).
	u.registerDashboards(mux)
	mux.Handle("GET /hotspots", u.staff(u.hotSpotsPage, dashRoles...)) // the hot-spot board (hotspots.go)

	// The pages of the mounted capabilities.
	for _, c := range u.caps {
		for _, r := range c.Pages {
			mux.Handle(r.Pattern, r.Handler)
		}
	}
}

// Mount adds a capability's pages, navigation entries and messages. Call
// it for every capability before Register. A message key that is already
// defined, a message without Chinese text, and a key that the
// capability's templates (templates/<name>/) use but neither it nor the
// core defines are errors: users would see a bare key.
func (u *UI) Mount(c capability.Capability) error {
	for k, v := range c.Messages {
		if _, ok := u.messages[k]; ok {
			return fmt.Errorf("capability %s: message %q is already defined", c.Name, k)
		}
		if v[0] == "" {
			return fmt.Errorf("capability %s: message %q has no Chinese text", c.Name, k)
		}
		u.messages[k] = v
	}
	used, err := templateKeys(templateFS, "templates/"+c.Name+"/*.html")
	if err != nil {
		return err
	}
	for _, k := range used {
		if _, ok := u.messages[k]; !ok {
			return fmt.Errorf("capability %s: its templates use message %q, which is not defined", c.Name, k)
		}
	}
	u.caps = append(u.caps, c)
	return nil
}

// templateKeyRE finds the message keys a template names ({{.T "key"}}).
var templateKeyRE = regexp.MustCompile(`\.T "([a-z_0-9.\-]+)"`)

// templateKeys lists the message keys named by the templates matching
// pattern, in order of appearance.
func templateKeys(fsys fs.FS, pattern string) ([]string, error) {
	files, err := fs.Glob(fsys, pattern)
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		for _, m := range templateKeyRE.FindAllStringSubmatch(string(b), -1) {
			keys = append(keys, m[1])
		}
	}
	return keys, nil
}

// home sends staff to the first page of their role and shows residents
// the portal.
func (u *UI) home(w http.ResponseWriter, r *http.Request) error {
	if me := u.user(r); me != nil {
		redirect(w, r, u.homeOf(me))
		return nil
	}
	return u.portalPage(w, r)
}

// staticHandler serves the embedded files. The libraries and our own
// files change only with a new build, so browsers may keep them a day.
func (u *UI) staticHandler() http.Handler {
	files := http.StripPrefix("/static/", http.FileServerFS(u.static))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") || strings.Contains(r.URL.Path, "/.") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=86400")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	})
}

// mapAreas serves the boundaries that maps draw as their base layer.
func (u *UI) mapAreas(w http.ResponseWriter, r *http.Request) error {
	areas, err := u.svc.MapAreas(r.Context(), r.URL.Query().Get("grids") == "1" && u.user(r) != nil)
	if err != nil {
		return err
	}
	type feature struct {
		Type       string          `json:"type"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties map[string]any  `json:"properties"`
	}
	fc := struct {
		Type     string    `json:"type"`
		Features []feature `json:"features"`
	}{Type: "FeatureCollection", Features: []feature{}}
	for _, a := range areas {
		geom := a.GeoJSON
		// A stored Feature keeps its geometry; a bare geometry is used as is.
		var probe struct {
			Type     string          `json:"type"`
			Geometry json.RawMessage `json:"geometry"`
		}
		if json.Unmarshal(geom, &probe) == nil && probe.Type == "Feature" {
			geom = probe.Geometry
		}
		fc.Features = append(fc.Features, feature{Type: "Feature", Geometry: geom,
			Properties: map[string]any{"unit_id": a.UnitID, "name": a.Name, "kind": a.Kind}})
	}
	w.Header().Set("Content-Type", "application/geo+json")
	w.Header().Set("Cache-Control", "private, max-age=300")
	return json.NewEncoder(w).Encode(fc)
}

// setLang remembers the chosen language for a year and goes back.
func (u *UI) setLang(w http.ResponseWriter, r *http.Request) error {
	lang := r.PathValue("lang")
	if lang != "zh" && lang != "en" {
		lang = "zh"
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: int((365 * 24 * time.Hour).Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	redirect(w, r, safeNext(r.URL.Query().Get("next"), "/"))
	return nil
}
