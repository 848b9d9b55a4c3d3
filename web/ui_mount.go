package web

import (
	"context"
	"net/http"

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

// MountPages registers the pages' routes. Their patterns are more specific
// than the catch-all "/", which keeps answering unknown paths (and every
// unknown /api/ path) with a JSON problem. Call it once, before serving.
func (s *Server) MountPages(p Pages) { p.Register(s.mux) }

// CurrentUser returns the user that the session middleware found for the
// request, or an EUNAUTHORIZED error: the pages' Config.CurrentUser.
func CurrentUser(r *http.Request) (*org.User, error) { return currentUser(r) }

// RequestID returns the id the middleware gave the request: the pages show
// it on error pages.
func RequestID(ctx context.Context) string { return requestID(ctx) }
