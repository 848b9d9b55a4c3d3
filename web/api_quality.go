package web

import (
	"net/http"

	"github.com/minsheng/minsheng"

	"github.com/minsheng/minsheng/app"
)

// routesQuality lists the route of the dispatch suggestions' quality.
func (s *Server) routesQuality(mux router) {
	mux.Handle("GET /api/v1/settings/dispatch/quality", s.handle(s.suggestionQuality))
}

// suggestionQuality answers GET /api/v1/settings/dispatch/quality: days
// (the period, 1 to 366, default 90). District admins only.
func (s *Server) suggestionQuality(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if err := knownParams(q, "days"); err != nil {
		return err
	}
	days, err := intParam(q, "days")
	if err != nil {
		return err
	}
	if q.Has("days") && (days < 1 || days > app.MaxQualityDays) {
		return minsheng.FieldError("days", "days must be from 1 to %d", app.MaxQualityDays)
	}
	out, err := s.svc.SuggestionQuality(r.Context(), u, app.QualityQuery{Days: int(days)})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
