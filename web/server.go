// Package web serves the platform over HTTP: the JSON API under /api/v1
// (described by the OpenAPI document it serves), health and readiness
// checks, and Prometheus metrics. The core's routes are listed in
// routes(); each capability's routes, interfaces (Open311 GeoReport v2
// under /open311/v2/) and OpenAPI fragment come in through Mount. Every
// handler returns an error, and writeError is the one place that turns
// errors into responses.
package web

import (
	"context"
	_ "embed"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/capability"
)

//go:embed openapi.json
var openapiJSON []byte

// Server is the HTTP front of a Service.
type Server struct {
	svc     *app.Service
	log     *slog.Logger
	version string
	reg     *prometheus.Registry
	metrics *metrics
	mux     *http.ServeMux
	rm      *recordingMux
	handler http.Handler
	csrf    *http.CrossOriginProtection
	clock   minsheng.Clock

	// doc is the OpenAPI document: the core's and the mounted
	// capabilities' fragments; docJSON is it as served.
	doc     *openAPIDoc
	docJSON []byte

	// What the Open311 interface needs (Open311Interface).
	publicURL, open311Jurisdiction string

	realIPHeader    string
	perIP, perPhone *limiter
	statsPerIP      *limiter // reads of the published statistics (statslimit.go)

	// notFoundPage draws the HTML 404 page for browsers (MountPages).
	notFoundPage http.HandlerFunc
}

// Config holds what a Server needs.
type Config struct {
	Service *app.Service
	Logger  *slog.Logger
	Version string

	// PublicPerIP and PublicPerPhone limit the new requests residents may
	// send without an account (POST /api/v1/public/tickets), per client
	// address and per caller phone. Zero values take DefaultPublicPerIP
	// and DefaultPublicPerPhone.
	PublicPerIP, PublicPerPhone Rate
	// StatsPerIP limits the reads of the published statistics (the /stats
	// pages and GET /api/v1/stats/public) per client address; zero takes
	// DefaultStatsPerIP.
	StatsPerIP Rate
	// RealIPHeader names the header in which a reverse proxy in front
	// passes the client's address (X-Real-IP, X-Forwarded-For). Empty: the
	// connection's address. Set it only behind a proxy that overwrites it.
	RealIPHeader string
	// Clock is what the rate limits read; nil: the service's clock.
	Clock minsheng.Clock

	// PublicURL is the scheme and host (and path, behind a proxy that
	// strips one) at which clients reach the server, e.g.
	// "https://12345.chengxi.gov.cn". Open311 makes its links (media_url,
	// the discovery document) from it; empty: from the request's Host
	// header, which a client can set, so set it in production. With https
	// every cookie is Secure and HSTS is sent, even when a TLS proxy in
	// front talks plain HTTP to the server (withHTTPS).
	PublicURL string
	// Open311Jurisdiction, when set, is the only jurisdiction_id Open311
	// accepts; requests naming another get 404.
	Open311Jurisdiction string
}

// NewServer returns a Server with its routes and middleware in place.
func NewServer(c Config) *Server {
	s := &Server{svc: c.Service, log: c.Logger, version: c.Version, reg: prometheus.NewRegistry(), realIPHeader: c.RealIPHeader,
		publicURL: c.PublicURL, open311Jurisdiction: c.Open311Jurisdiction}
	if s.log == nil {
		s.log = slog.Default()
	}
	if c.Clock == nil {
		c.Clock = c.Service.Clock()
	}
	s.perIP = newLimiter(c.PublicPerIP, DefaultPublicPerIP, c.Clock)
	s.perPhone = newLimiter(c.PublicPerPhone, DefaultPublicPerPhone, c.Clock)
	s.statsPerIP = newLimiter(c.StatsPerIP, DefaultStatsPerIP, c.Clock)
	s.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.metrics = newMetrics(s.reg)
	s.reg.MustRegister(replicaCollector{c.Service})
	s.clock = c.Clock
	doc, err := parseOpenAPI(openapiJSON)
	if err != nil {
		panic(err) // the embedded document is checked by the tests
	}
	s.doc = doc
	if s.docJSON, err = doc.marshal(); err != nil {
		panic(err)
	}
	s.mux = http.NewServeMux()
	s.rm = &recordingMux{ServeMux: s.mux}
	s.routes(s.rm)
	csrf := http.NewCrossOriginProtection()
	s.csrf = csrf
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, minsheng.Errorf(minsheng.EFORBIDDEN, "cross-origin request refused: a page of another site may not send this request"))
	}))
	s.handler = s.withRequestID(s.withRecover(s.withMetrics(s.withStatsLimit(s.withAuth(s.withReadPosition(csrf.Handler(s.mux)))))))
	if strings.HasPrefix(c.PublicURL, "https://") {
		s.handler = withHTTPS(s.handler)
	}
	return s
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// handlerFunc is an HTTP handler that returns its error instead of writing it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (s *Server) handle(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// router is what routes are registered on: a recordingMux over the
// server's mux, or a bare ServeMux in tests.
type router interface {
	Handle(pattern string, h http.Handler)
}

// recordingMux registers routes on a ServeMux and keeps their patterns.
type recordingMux struct {
	*http.ServeMux
	patterns []string
}

func (m *recordingMux) Handle(pattern string, h http.Handler) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.Handle(pattern, h)
}

// routes lists the core's routes (capabilities add theirs with Mount).
// Every route with a method is in the OpenAPI document; the catch-all and
// the capabilities' interfaces (Open311) are not.
func (s *Server) routes(mux router) {
	mux.Handle("GET /healthz", s.handle(s.healthz))
	mux.Handle("GET /readyz", s.handle(s.readyz))
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))

	mux.Handle("GET /api/v1/openapi.json", s.handle(s.openapi))
	mux.Handle("POST /api/v1/login", s.handle(s.login))
	mux.Handle("POST /api/v1/logout", s.handle(s.logout))
	mux.Handle("GET /api/v1/me", s.handle(s.me))

	mux.Handle("GET /api/v1/tickets", s.handle(s.listTickets))
	mux.Handle("GET /api/v1/search", s.handle(s.search))
	mux.Handle("POST /api/v1/tickets", s.handle(s.createTicket))
	mux.Handle("GET /api/v1/tickets/{ref}", s.handle(s.getTicket))
	mux.Handle("GET /api/v1/tickets/{ref}/audit", s.handle(s.ticketAudit))
	mux.Handle("POST /api/v1/tickets/{ref}/reveal", s.handle(s.revealCaller))
	mux.Handle("POST /api/v1/tickets/{ref}/dispatch", s.handle(s.dispatch))
	mux.Handle("POST /api/v1/tickets/{ref}/redispatch", s.handle(s.redispatch))
	mux.Handle("POST /api/v1/tickets/{ref}/categorize", s.handle(s.categorize))
	mux.Handle("POST /api/v1/tickets/{ref}/acknowledge", s.handle(s.acknowledge))
	mux.Handle("POST /api/v1/tickets/{ref}/return", s.handle(s.returnTicket))
	mux.Handle("POST /api/v1/tickets/{ref}/reply", s.handle(s.reply))
	mux.Handle("POST /api/v1/tickets/{ref}/resolve-at-intake", s.handle(s.resolveAtIntake))
	mux.Handle("POST /api/v1/tickets/{ref}/callback", s.handle(s.callback))
	mux.Handle("POST /api/v1/tickets/{ref}/close", s.handle(s.closeTicket))
	mux.Handle("POST /api/v1/tickets/{ref}/reopen", s.handle(s.reopen))
	mux.Handle("POST /api/v1/tickets/{ref}/merge", s.handle(s.merge))
	mux.Handle("POST /api/v1/tickets/{ref}/invalidate", s.handle(s.invalidate))
	mux.Handle("POST /api/v1/tickets/{ref}/remind", s.handle(s.remind))
	mux.Handle("POST /api/v1/tickets/{ref}/supervise", s.handle(s.supervise))
	mux.Handle("POST /api/v1/tickets/{ref}/extension", s.handle(s.requestExtension))
	mux.Handle("POST /api/v1/tickets/{ref}/extension/approve", s.handle(s.approveExtension))
	mux.Handle("POST /api/v1/tickets/{ref}/extension/refuse", s.handle(s.refuseExtension))
	mux.Handle("POST /api/v1/tickets/{ref}/attachments", s.handle(s.attach))
	mux.Handle("GET /api/v1/tickets/{ref}/attachments/{id}", s.handle(s.getAttachment))

	mux.Handle("POST /api/v1/public/tickets", s.handle(s.createPublicTicket))
	mux.Handle("GET /api/v1/public/tickets/{number}", s.handle(s.trackTicket))
	mux.Handle("POST /api/v1/public/tickets/{number}/rating", s.handle(s.rateTicket))
	mux.Handle("GET /api/v1/public/tickets/{number}/attachments/{id}", s.handle(s.getTrackedAttachment))

	mux.Handle("GET /api/v1/units", s.handle(s.listUnits))
	mux.Handle("POST /api/v1/units", s.handle(s.createUnit))
	mux.Handle("PATCH /api/v1/units/{id}", s.handle(s.updateUnit))
	mux.Handle("GET /api/v1/categories", s.handle(s.listCategories))
	mux.Handle("POST /api/v1/categories", s.handle(s.createCategory))
	mux.Handle("PATCH /api/v1/categories/{id}", s.handle(s.updateCategory))
	mux.Handle("GET /api/v1/users", s.handle(s.listUsers))
	mux.Handle("POST /api/v1/users", s.handle(s.createUser))
	mux.Handle("PATCH /api/v1/users/{username}", s.handle(s.updateUser))
	mux.Handle("GET /api/v1/users/{username}/tokens", s.handle(s.listAPITokens))
	mux.Handle("POST /api/v1/users/{username}/tokens", s.handle(s.createAPIToken))
	mux.Handle("DELETE /api/v1/users/{username}/tokens/{id}", s.handle(s.revokeAPIToken))
	mux.Handle("GET /api/v1/boundaries", s.handle(s.listBoundaries))
	mux.Handle("PUT /api/v1/units/{id}/boundary", s.handle(s.setBoundary))
	mux.Handle("GET /api/v1/map/layer", s.handle(s.getBaseLayer))
	mux.Handle("PUT /api/v1/map/layer", s.handle(s.putBaseLayer))
	mux.Handle("GET /api/v1/map/geocode", s.handle(s.geocode))

	mux.Handle("GET /api/v1/routing-rules", s.handle(s.listRoutingRules))
	mux.Handle("POST /api/v1/routing-rules", s.handle(s.createRoutingRule))
	mux.Handle("PUT /api/v1/routing-rules/{id}", s.handle(s.updateRoutingRule))
	mux.Handle("DELETE /api/v1/routing-rules/{id}", s.handle(s.deleteRoutingRule))
	mux.Handle("GET /api/v1/sla-rules", s.handle(s.listSLARules))
	mux.Handle("POST /api/v1/sla-rules", s.handle(s.createSLARule))
	mux.Handle("DELETE /api/v1/sla-rules/{id}", s.handle(s.deleteSLARule))
	mux.Handle("GET /api/v1/calendar", s.handle(s.listCalendarYears))
	mux.Handle("PUT /api/v1/calendar/{year}", s.handle(s.putCalendarYear))
	mux.Handle("GET /api/v1/calendar/due", s.handle(s.dueDate))
	mux.Handle("GET /api/v1/settings/dispatch", s.handle(s.dispatchSettings))
	mux.Handle("PUT /api/v1/settings/dispatch", s.handle(s.setDispatchSettings))

	s.routesKnowledge(mux)
	s.routesWebhooks(mux)
	s.routesStats(mux)
	s.routesHotSpots(mux)
	s.routesAudit(mux)
	s.routesQuality(mux)

	mux.Handle("/", s.handle(s.notFound))
}

// Mount adds a capability's JSON routes, other interfaces and OpenAPI
// fragment. Call it for every capability before serving; a route or an
// OpenAPI entry that is already defined is an error.
func (s *Server) Mount(c capability.Capability) (err error) {
	defer func() {
		// ServeMux panics on a pattern that conflicts with another.
		if p := recover(); p != nil {
			err = fmt.Errorf("capability %s: %v", c.Name, p)
		}
	}()
	if len(c.OpenAPI) > 0 {
		if err := s.doc.merge(c.Name, c.OpenAPI); err != nil {
			return err
		}
		if s.docJSON, err = s.doc.marshal(); err != nil {
			return err
		}
	}
	for _, r := range c.API {
		s.rm.Handle(r.Pattern, r.Handler)
	}
	// An interface knows its prefix (no StripPrefix), and the metrics see
	// its route ("/open311/v2/").
	for _, r := range c.Interfaces {
		s.rm.Handle(r.Pattern, r.Handler)
	}
	// Clients of these authenticate with a key in the request, never with
	// the session cookie, so a page of another site gains nothing by
	// sending one: apps and portals of other sites may post to them.
	for _, p := range c.NoCookiePatterns {
		s.csrf.AddInsecureBypassPattern(p)
	}
	return nil
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) error {
	if s.notFoundPage != nil && wantsHTML(r) {
		s.notFoundPage(w, r)
		return nil
	}
	return notFoundError(r)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": s.version})
	return nil
}

// readyz answers 200 only when the database answers and its schema is the
// one this binary expects, so a load balancer sends no traffic before.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	db := s.svc.DB()
	status := map[string]string{"database": "ok", "schema": "current"}
	code := http.StatusOK
	if err := db.Ping(ctx); err != nil {
		s.log.WarnContext(ctx, "readiness: database unreachable", "err", err)
		status["database"], code = "unreachable", http.StatusServiceUnavailable
	} else if ok, err := db.SchemaCurrent(ctx); err != nil || !ok {
		status["schema"], code = "outdated", http.StatusServiceUnavailable
	}
	writeJSON(w, code, status)
	return nil
}

func (s *Server) openapi(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, err := w.Write(s.docJSON)
	return err
}
