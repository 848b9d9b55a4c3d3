package web

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/web/httpstatus"
)

// Problem is an RFC 9457 problem document with our stable code.
type Problem struct {
	Type          string `json:"type"`
	Title         string `json:"title"`
	Status        int    `json:"status"`
	Detail        string `json:"detail"`
	Code          string `json:"code"`
	Field         string `json:"field,omitempty"`
	Reason        string `json:"reason,omitempty"`
	CurrentStatus string `json:"current_status,omitempty"`
	RequestID     string `json:"request_id,omitempty"`
}

// writeError turns an error into a problem response. Only faults of ours
// (EINTERNAL) and outages (EUNAVAILABLE, 503 with Retry-After) are logged,
// with the full error; the client sees "internal error" or the outage's
// safe message, and the request id to quote.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := minsheng.ErrorCode(err)
	status := httpstatus.ForCode(code)
	p := Problem{
		Type:      "urn:minsheng:problem:" + code,
		Title:     http.StatusText(status),
		Status:    status,
		Detail:    minsheng.ErrorMessage(err),
		Code:      code,
		RequestID: requestID(r.Context()),
	}
	var e *minsheng.Error
	if errors.As(err, &e) {
		p.Field, p.Reason, p.CurrentStatus = e.Field, e.Reason, e.Status
	}
	switch code {
	case minsheng.EINTERNAL:
		s.log.ErrorContext(r.Context(), "request failed", "err", err, "method", r.Method, "path", r.URL.Path)
	case minsheng.EUNAVAILABLE:
		s.log.WarnContext(r.Context(), "request failed: database unavailable", "err", err, "method", r.Method, "path", r.URL.Path)
		w.Header().Set("Retry-After", httpstatus.RetryAfter)
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="minsheng"`)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(p)
}

// writeJSON writes v as a JSON response.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		slog.Debug("write response", "err", err)
	}
}
