package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/minsheng/minsheng/org"
)

// Pages is what serves the HTML pages beside the API (package web/ui):
// it registers its routes on the server's mux, so that they run behind the
// same middleware as the API — request ids, sessions, cross-origin (CSRF)
// protection, metrics by route. Package web does not import web/ui; main
// builds the pages and mounts them.
type Pages interface {
	Register(mux *http.ServeMux)
}

// notFoundPage is what pages may add: the HTML page for an unknown path.
type notFoundPage interface {
	NotFound(w http.ResponseWriter, r *http.Request)
}

// MountPages registers the pages' routes. Their patterns are more specific
// than the catch-all "/", which answers unknown paths: browsers (Accept:
// text/html) get the pages' 404 page, API clients and every unknown
// /api/ path a JSON problem. Call it once, before serving.
func (s *Server) MountPages(p Pages) {
	p.Register(s.mux)
	if nf, ok := p.(notFoundPage); ok {
		s.notFoundPage = nf.NotFound
	}
}

// wantsHTML reports whether an unknown path was asked for by a browser
// rather than an API client.
func wantsHTML(r *http.Request) bool {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		return false
	}
	return strings.Contains(r.Header.Get("Accept"), "text/html")
}

// CurrentUser returns the user that the session middleware found for the
// request, or an EUNAUTHORIZED error: the pages' Config.CurrentUser.
func CurrentUser(r *http.Request) (*org.User, error) { return currentUser(r) }

// RequestID returns the id the middleware gave the request: the pages show
// it on error pages.
func RequestID(ctx context.Context) string { return requestID(ctx) }
