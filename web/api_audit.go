package web

import (
	"net/http"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/store"
)

// routesAudit lists the route of the audit log.
func (s *Server) routesAudit(mux router) {
	mux.Handle("GET /api/v1/audit", s.handle(s.auditLog))
}

// auditLog answers GET /api/v1/audit: a page of the audit log, newest
// first, filtered by object (type), object_id, actor (username), from and
// to; cursor is the next of the page before, limit its size. Admins of the
// district read it all; other admins and leaders the entries about a
// ticket they see (app.Service.AuditLog).
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if err := knownParams(q, "object", "object_id", "actor", "from", "to", "cursor", "limit"); err != nil {
		return err
	}
	aq := app.AuditQuery{Object: q.Get("object"), Actor: q.Get("actor"), Cursor: q.Get("cursor")}
	if q.Has("object_id") {
		id, err := intParam(q, "object_id")
		if err != nil {
			return err
		}
		aq.ObjectID = &id
	}
	if q.Has("limit") {
		n, err := intParam(q, "limit")
		if err != nil || n < 1 || n > store.MaxAuditPage {
			return minsheng.FieldError("limit", "limit must be from 1 to %d", store.MaxAuditPage)
		}
		aq.Limit = int(n)
	}
	if aq.From, err = app.ParseAuditTime("from", q.Get("from"), false); err != nil {
		return err
	}
	if aq.To, err = app.ParseAuditTime("to", q.Get("to"), true); err != nil {
		return err
	}
	page, err := s.svc.AuditLog(r.Context(), u, aq)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, page)
	return nil
}
