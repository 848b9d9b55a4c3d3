package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
)

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyUser
	keyAuthErr
)

// SessionCookie is the name of the browser session cookie.
const SessionCookie = "minsheng_session"

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(keyRequestID).(string)
	return id
}

var requestIDRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// withRequestID gives every request an id: the client's X-Request-Id when
// it is sane, a new one otherwise. It is echoed in the response, in problem
// documents and on every log line about the request.
func (s *Server) withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !requestIDRE.MatchString(id) {
			b := make([]byte, 8)
			rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-Id", id)
		ctx := minsheng.WithClientAddr(context.WithValue(r.Context(), keyRequestID, id), s.clientAddr(r))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// withRecover turns a panic into a logged internal error.
func (s *Server) withRecover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.ErrorContext(r.Context(), "panic", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				s.writeError(w, r, fmt.Errorf("panic: %v", p))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inFlight prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "minsheng_http_requests_total", Help: "HTTP requests by route and status code.",
		}, []string{"method", "route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "minsheng_http_request_duration_seconds", Help: "HTTP request duration by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"method", "route"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "minsheng_http_requests_in_flight", Help: "HTTP requests being served.",
		}),
	}
	reg.MustRegister(m.requests, m.duration, m.inFlight)
	return m
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// withMetrics counts and times requests by route pattern (not by path, which
// would hold ticket numbers) and logs one line per request. The log line has
// no query string: it may hold a phone number.
func (s *Server) withMetrics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		s.metrics.inFlight.Inc()
		defer s.metrics.inFlight.Dec()
		next.ServeHTTP(sw, r)
		// The mux sets r.Pattern only on the copy of the request that
		// reaches it (withAuth makes a new one), so ask it here.
		_, route := s.mux.Handler(r)
		if route == "" {
			route = "unmatched"
		} else if _, p, ok := strings.Cut(route, " "); ok {
			route = p
		}
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		d := time.Since(start)
		s.metrics.requests.WithLabelValues(r.Method, route, strconv.Itoa(sw.status)).Inc()
		s.metrics.duration.WithLabelValues(r.Method, route).Observe(d.Seconds())
		if route != "/healthz" && route != "/metrics" {
			s.log.InfoContext(r.Context(), "request", "method", r.Method, "route", route, "status", sw.status,
				"bytes", sw.bytes, "ms", float64(d.Microseconds())/1000)
		}
	})
}

// withAuth finds the user of a bearer token or a session cookie. Requests
// without either go on anonymously; handlers that need a user call
// currentUser. A bad credential is remembered and reported then, so that
// public routes still work with a stale cookie.
func (s *Server) withAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		var u *org.User
		var err error
		if h := r.Header.Get("Authorization"); h != "" {
			tok, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				err = minsheng.Errorf(minsheng.EUNAUTHORIZED, "the Authorization header must be \"Bearer TOKEN\"")
			} else {
				u, err = s.svc.TokenUser(ctx, strings.TrimSpace(tok))
			}
		} else if c, cerr := r.Cookie(SessionCookie); cerr == nil && c.Value != "" {
			u, err = s.svc.SessionUser(ctx, c.Value)
		}
		if u != nil {
			ctx = context.WithValue(ctx, keyUser, u)
		} else if err != nil {
			ctx = context.WithValue(ctx, keyAuthErr, err)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// currentUser returns the signed-in user, or EUNAUTHORIZED.
func currentUser(r *http.Request) (*org.User, error) {
	if u, ok := r.Context().Value(keyUser).(*org.User); ok {
		return u, nil
	}
	if err, ok := r.Context().Value(keyAuthErr).(error); ok {
		return nil, err
	}
	return nil, minsheng.Errorf(minsheng.EUNAUTHORIZED, "sign in first, or send an API token as \"Authorization: Bearer TOKEN\"")
}

func notFoundError(r *http.Request) error {
	return minsheng.Errorf(minsheng.ENOTFOUND, "no such page: %s %s", r.Method, r.URL.Path)
}

// LogHandler wraps a slog.Handler so that every record logged with a
// request's context carries its request id.
func LogHandler(h slog.Handler) slog.Handler { return ctxLogHandler{h} }

type ctxLogHandler struct{ slog.Handler }

func (h ctxLogHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := requestID(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h ctxLogHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return ctxLogHandler{h.Handler.WithAttrs(as)}
}

func (h ctxLogHandler) WithGroup(name string) slog.Handler {
	return ctxLogHandler{h.Handler.WithGroup(name)}
}
