// Package capability says what one capability of the platform (Open311,
// households and visits, rides, mediation …) adds to it, so that the
// server, the pages, the job runner and the demo seed can take it in
// without a central list that every capability edits. A capability's
// wiring function (platform/<name>.go) builds its Capability from its own
// use-case package and its files in web and web/ui; platform mounts every
// capability of its list the same way. See docs/architecture.md.
package capability

import (
	"context"
	"net/http"
	"time"

	"github.com/minsheng/minsheng/jobs"
	"github.com/minsheng/minsheng/org"
)

// Capability is everything one capability contributes. Every field is
// optional but Name.
type Capability struct {
	// Name is the capability's short name ("open311"): its docs page is
	// docs/<name>.md and its templates web/ui/templates/<name>/.
	Name string

	// API are its JSON routes under /api/v1, each documented in OpenAPI.
	API []Route
	// Interfaces are routes outside the JSON API and its document (the
	// Open311 GeoReport v2 interface at /open311/v2/).
	Interfaces []Route
	// NoCookiePatterns are route prefixes whose clients authenticate with
	// a key in the request, never with the session cookie, so cross-origin
	// requests to them are allowed (CSRF protection cannot be bypassed
	// through them).
	NoCookiePatterns []string
	// OpenAPI is its fragment of the OpenAPI document: an object with
	// "paths" and optionally "components"; merged into the served
	// document, where a path or component that another part already
	// defines is an error at start.
	OpenAPI []byte

	// Pages are its HTML pages, registered beside the core's.
	Pages []Route
	// Nav are its entries in the navigation bar, shown to users holding
	// one of their roles.
	Nav []NavItem
	// Messages are the texts of its pages by key: {Chinese, English}.
	// A key that the core or another capability defines is an error at
	// start.
	Messages map[string][2]string

	// Jobs are the kinds of background jobs it runs.
	Jobs []Job
	// Seed adds its part of the demo district, through its own use cases,
	// after the core's demo data exists.
	Seed func(ctx context.Context) error
}

// Route is one route: a ServeMux pattern ("POST /api/v1/open311/clients")
// and its handler.
type Route struct {
	Pattern string
	Handler http.Handler
}

// NavItem is one entry of the navigation bar.
type NavItem struct {
	Label string     // message key
	Path  string     // where it leads
	Roles []org.Role // who sees it: users holding any of these
	// District: the entry leads to district-wide setup, shown only to
	// admins of the whole district (kit.RequireDistrictAdmin), not to an
	// admin of a street, who could not open it.
	District bool
}

// Job is a kind of background job and what runs it.
type Job struct {
	Kind    string
	Handler jobs.Handler
	// Every, when set, makes the kind periodic: it runs at each moment
	// Every returns after the previous one (jobs.Daily gives a daily
	// schedule), once across all server processes. Unset, the kind runs
	// only when the capability enqueues it.
	Every func(after time.Time) time.Time
}
