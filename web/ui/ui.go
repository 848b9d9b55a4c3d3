// Package ui serves the platform's web pages: sign-in, the hotline desk
// for agents, the dispatch console, the unit inbox for handlers, the ticket
// page, the admin pages, and the resident portal with its tracking page.
//
// The pages are rendered on the server with html/template and made livelier
// with htmx (partial updates of lists and rows); every form also works as a
// plain POST without JavaScript. Templates and static files are embedded
// and parsed once, in New: a missing or broken template fails the start.
// The front-end libraries (htmx, Leaflet, ECharts) are not in the
// repository: `go generate ./web/ui` fetches the versions locked in
// package-lock.json into static/vendor (see cmd/assets).
//
// The package does not authenticate requests itself: the server in front
// of it (package web) finds the user of the session cookie and the UI asks
// for it through Config.CurrentUser; the same server wraps everything in
// cross-origin (CSRF) protection. Every handler returns an error, and
// UI.fail is the one place that turns errors into pages.
package ui

//go:generate go run ../../cmd/assets -lock ../../package-lock.json -out static/vendor

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/capability"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/web/httpstatus"
)

//go:embed templates/*.html templates/*/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// DefaultSessionCookie is the cookie that holds a browser session; it is
// the one the JSON API's sign-in sets (web.SessionCookie).
const DefaultSessionCookie = "minsheng_session"

// Config holds what the pages need.
type Config struct {
	Service *app.Service
	Logger  *slog.Logger
	// CurrentUser returns the signed-in user of a request, or an
	// EUNAUTHORIZED error (the server's session middleware decides).
	CurrentUser func(*http.Request) (*org.User, error)
	// RequestID returns the id of a request, shown on error pages; nil
	// reads the X-Request-Id response header.
	RequestID func(context.Context) string
	// SessionCookie names the session cookie; "" means DefaultSessionCookie.
	SessionCookie string
	// Now is the clock of the portal's rate limits; nil means time.Now.
	Now func() time.Time
	// Portal limits submissions from the resident portal; zero fields take
	// the DefaultPortalLimits.
	Portal PortalLimits
}

// PortalLimits are the abuse limits of the resident portal.
type PortalLimits struct {
	PerIP       int           // submissions per address …
	IPWindow    time.Duration // … in this window
	PerPhone    int           // submissions per phone number …
	PhoneWindow time.Duration // … in this window
	// Lookups of a request by number and phone (/track): per address and
	// per ticket number (whether it exists or not) in LookupWindow.
	LookupPerIP     int
	LookupPerNumber int
	LookupWindow    time.Duration
}

// DefaultPortalLimits allow a family behind one address a few requests an
// hour and one phone number a handful a day.
var DefaultPortalLimits = PortalLimits{PerIP: 10, IPWindow: time.Hour, PerPhone: 5, PhoneWindow: 24 * time.Hour,
	LookupPerIP: 20, LookupPerNumber: 5, LookupWindow: time.Hour}

// UI is the web pages, an http.Handler.
type UI struct {
	svc         *app.Service
	log         *slog.Logger
	currentUser func(*http.Request) (*org.User, error)
	requestID   func(context.Context) string
	cookie      string
	pages       map[string]*template.Template
	static      fs.FS
	vendorOK    bool
	ipLimit     *Limiter
	phoneLimit  *Limiter
	geoLimit    *Limiter // addresses placed on maps, per client address
	// lookupIP and lookupNumber limit the lookups by number and phone.
	lookupIP, lookupNumber *Limiter
	mux                    *http.ServeMux

	// messages are the page texts: the core's catalogue and the mounted
	// capabilities' (Mount); caps are the mounted capabilities.
	messages map[string][2]string
	caps     []capability.Capability
}

// pageNames lists every page template; each is parsed with the layout and
// the partials, and New fails if one is missing or broken.
var pageNames = []string{
	"login", "error", "portal", "portal_done", "track", "track_lookup",
	"desk", "console", "inbox", "ticket", "tickets", "kb", "kb_article",
	"admin_units", "admin_users", "admin_categories", "admin_kb", "admin_kb_edit",
	"admin_dispatch", "admin_routing", "admin_calendar", "admin_webhooks",
	"admin_audit", "tokens",
	"search",
	"dashboard", "map", "stats", "report", "hotspots",
}

// vendorFiles are the library files the pages load; New warns when one is
// missing (go generate ./web/ui was not run).
var vendorFiles = []string{"htmx.min.js", "leaflet/leaflet.js", "leaflet/leaflet.css", "echarts.min.js"}

// New parses the templates and returns the pages. It fails if a template
// is missing or does not parse.
func New(c Config) (*UI, error) {
	if c.Service == nil || c.CurrentUser == nil {
		return nil, errors.New("ui: Config.Service and Config.CurrentUser are required")
	}
	u := &UI{svc: c.Service, log: c.Logger, currentUser: c.CurrentUser, requestID: c.RequestID, cookie: c.SessionCookie,
		messages: maps.Clone(catalogue)}
	for k, v := range errorMessages {
		if _, ok := u.messages[k]; ok {
			return nil, fmt.Errorf("ui: message %q is in the catalogue and in errorMessages", k)
		}
		u.messages[k] = v
	}
	if u.log == nil {
		u.log = slog.Default()
	}
	if u.cookie == "" {
		u.cookie = DefaultSessionCookie
	}
	now := c.Now
	if now == nil {
		now = time.Now
	}
	lim := c.Portal
	def := DefaultPortalLimits
	if lim.PerIP == 0 {
		lim.PerIP, lim.IPWindow = def.PerIP, def.IPWindow
	}
	if lim.PerPhone == 0 {
		lim.PerPhone, lim.PhoneWindow = def.PerPhone, def.PhoneWindow
	}
	u.ipLimit = NewLimiter(lim.PerIP, lim.IPWindow, now)
	u.phoneLimit = NewLimiter(lim.PerPhone, lim.PhoneWindow, now)
	u.geoLimit = NewLimiter(geocodePerIP, geocodeWindow, now)
	if lim.LookupPerIP == 0 || lim.LookupPerNumber == 0 || lim.LookupWindow == 0 {
		lim.LookupPerIP, lim.LookupPerNumber, lim.LookupWindow = def.LookupPerIP, def.LookupPerNumber, def.LookupWindow
	}
	u.lookupIP = NewLimiter(lim.LookupPerIP, lim.LookupWindow, now)
	u.lookupNumber = NewLimiter(lim.LookupPerNumber, lim.LookupWindow, now)

	var err error
	if u.pages, err = parsePages(templateFS); err != nil {
		return nil, err
	}
	if u.static, err = fs.Sub(staticFS, "static"); err != nil {
		return nil, err
	}
	u.vendorOK = true
	for _, f := range vendorFiles {
		if _, err := fs.Stat(u.static, "vendor/"+f); err != nil {
			u.vendorOK = false
			u.log.Warn("web pages: front-end libraries are missing; run `go generate ./web/ui` and rebuild. The pages work without their scripts (no maps, no live updates).",
				"missing", "web/ui/static/vendor/"+f)
			break
		}
	}
	u.mux = http.NewServeMux()
	u.Register(u.mux)
	u.mux.Handle("/", http.HandlerFunc(u.NotFound))
	return u, nil
}

// NotFound answers a path that no page has with the HTML 404 page, in the
// browser's language. The server in front calls it for browsers (it
// answers API clients with a JSON problem).
func (u *UI) NotFound(w http.ResponseWriter, r *http.Request) {
	u.handle(func(w http.ResponseWriter, r *http.Request) error {
		return minsheng.Errorf(minsheng.ENOTFOUND, "no such page").Because("page_not_found")
	}).ServeHTTP(w, r)
}

// parsePages parses each page with the layout and the partials.
func parsePages(fsys fs.FS) (map[string]*template.Template, error) {
	base, err := template.New("").Funcs(funcs).ParseFS(fsys, "templates/layout.html", "templates/partials.html")
	if err != nil {
		return nil, fmt.Errorf("ui templates: %w", err)
	}
	pages := map[string]*template.Template{}
	// A capability's templates are in a folder of its own,
	// templates/<capability>/NAME.html, and named "<capability>/NAME".
	names := slices.Clone(pageNames)
	dirs, err := fs.ReadDir(fsys, "templates")
	if err != nil {
		return nil, fmt.Errorf("ui templates: %w", err)
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		files, err := fs.Glob(fsys, "templates/"+d.Name()+"/*.html")
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			names = append(names, d.Name()+"/"+strings.TrimSuffix(path.Base(f), ".html"))
		}
	}
	for _, name := range names {
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if t, err = t.ParseFS(fsys, "templates/"+name+".html"); err != nil {
			return nil, fmt.Errorf("ui template %s: %w", name, err)
		}
		if t.Lookup("content") == nil {
			return nil, fmt.Errorf("ui template %s: no {{define \"content\"}}", name)
		}
		pages[name] = t
	}
	return pages, nil
}

// ServeHTTP serves the pages on their own (the server in front normally
// registers the routes on its own mux with Register).
func (u *UI) ServeHTTP(w http.ResponseWriter, r *http.Request) { u.mux.ServeHTTP(w, r) }

// VendorOK reports whether the front-end libraries are built in.
func (u *UI) VendorOK() bool { return u.vendorOK }

// handlerFunc is a page handler that returns its error.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (u *UI) handle(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		if hd.Get("Content-Security-Policy") == "" {
			hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "+
				"script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
		}
		if err := h(w, r); err != nil {
			u.fail(w, r, err)
		}
	})
}

// staff wraps a handler that needs a signed-in user granted one of the roles
// (none: any staff role, org.Roles). Without a session a page asks to sign
// in.
func (u *UI) staff(h func(w http.ResponseWriter, r *http.Request, me *org.User) error, roles ...org.Role) http.Handler {
	return u.handle(func(w http.ResponseWriter, r *http.Request) error {
		me, err := u.currentUser(r)
		if err != nil {
			return err
		}
		if !me.Active {
			return minsheng.Errorf(minsheng.EUNAUTHORIZED, "account disabled")
		}
		if len(roles) == 0 {
			roles = org.Roles
		}
		if !me.HasAny(roles...) {
			return minsheng.Errorf(minsheng.EFORBIDDEN, "role %s may not open this page", strings.Join(roleStrings(me.Roles()), "+"))
		}
		return h(w, r, me)
	})
}

func roleStrings(roles []org.Role) []string {
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = string(r)
	}
	return out
}

// user returns the signed-in user or nil: for pages that serve both
// residents and staff.
func (u *UI) user(r *http.Request) *org.User {
	me, err := u.currentUser(r)
	if err != nil || me == nil || !me.Active {
		return nil
	}
	return me
}

// reqID returns the request's id for error pages.
func (u *UI) reqID(w http.ResponseWriter, r *http.Request) string {
	if u.requestID != nil {
		if id := u.requestID(r.Context()); id != "" {
			return id
		}
	}
	return w.Header().Get("X-Request-Id")
}

// errorPage is what the error page shows.
type errorPage struct {
	Status  int
	Code    string
	Detail  string // the error worded in the page's language
	Current string // the ticket's status, on conflicts
}

// fail is the one place that turns an error into a page. Without a
// session, a GET asks to sign in; faults of ours are logged and shown as
// "internal error" with the request id; other errors show their safe
// message. Answers to htmx requests are fragments.
func (u *UI) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := minsheng.ErrorCode(err)
	status := httpstatus.ForCode(code)
	if code == minsheng.EUNAUTHORIZED && r.Method == http.MethodGet && !isHTMX(r) {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	if code == minsheng.EUNAUTHORIZED && isHTMX(r) {
		w.Header().Set("HX-Redirect", "/login")
	}
	ep := errorPage{Status: status, Code: code}
	if code == minsheng.EUNAVAILABLE {
		u.log.WarnContext(r.Context(), "page failed: database unavailable", "err", err, "method", r.Method, "path", r.URL.Path)
		w.Header().Set("Retry-After", httpstatus.RetryAfter)
	}
	if code == minsheng.EINTERNAL {
		u.log.ErrorContext(r.Context(), "page failed", "err", err, "method", r.Method, "path", r.URL.Path)
	}
	p := u.newPage(w, r, u.user(r), "error")
	if code != minsheng.EINTERNAL {
		ep.Detail = p.sayDetail(err)
		if e := errorOf(err); e != nil {
			ep.Current = e.Status
		}
	}
	p.Title = p.T(errorTitleKey(code))
	p.Data = ep
	w.Header().Set("Cache-Control", "no-store")
	if isHTMX(r) {
		u.renderFragment(w, status, p, "error", "error-box")
		return
	}
	u.render(w, status, p, "error")
}

func errorTitleKey(code string) string {
	switch code {
	case minsheng.ENOTFOUND, minsheng.EFORBIDDEN, minsheng.EUNAUTHORIZED, minsheng.ECONFLICT, minsheng.EINVALID,
		minsheng.ERATELIMIT, minsheng.ETOOLARGE, minsheng.EIDEMPOTENCY:
		return "err." + code
	}
	return "err.internal"
}

func isHTMX(r *http.Request) bool { return r.Header.Get("HX-Request") == "true" }

// render writes a whole page.
func (u *UI) render(w http.ResponseWriter, status int, p *page, name string) {
	u.execute(w, status, p, name, "layout")
}

// renderFragment writes one template of a page: the answer to an htmx
// request.
func (u *UI) renderFragment(w http.ResponseWriter, status int, p *page, pageName, fragment string) {
	u.execute(w, status, p, pageName, fragment)
}

func (u *UI) execute(w http.ResponseWriter, status int, p *page, pageName, tmpl string) {
	t, ok := u.pages[pageName]
	if !ok {
		u.log.Error("unknown page template", "page", pageName)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if p.Form != nil && tmpl == "layout" {
		// A first pass learns whether a form shows the error, so that
		// the layout shows it above the page when none does.
		t.ExecuteTemplate(io.Discard, "content", p)
	}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, tmpl, p); err != nil {
		u.log.Error("render page", "page", pageName, "template", tmpl, "err", err)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintf(w, "内部错误 internal error (request %s)\n", p.RequestID)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if w.Header().Get("Cache-Control") == "" {
		w.Header().Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(b.String()))
}

// redirect answers a successful form post: a See Other to the next page,
// which htmx follows as well.
func redirect(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// safeNext returns a local path to go to after a form, or def.
func safeNext(next, def string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return def
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return def
	}
	return next
}
