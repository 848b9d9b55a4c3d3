package web

import (
	"net/http"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
)

// routesHotSpots lists the route of the hot-spot board (热点).
func (s *Server) routesHotSpots(mux router) {
	mux.Handle("GET /api/v1/hotspots", s.handle(s.hotSpots))
}

// hotSpots answers GET /api/v1/hotspots: unit_id (default the user's own
// unit) and days (the window, 1 to 30, default 7). The board is shared and
// may be a few minutes old (as_of).
func (s *Server) hotSpots(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if err := knownParams(q, "unit_id", "days"); err != nil {
		return err
	}
	unitID, err := intParam(q, "unit_id")
	if err != nil {
		return err
	}
	days, err := intParam(q, "days")
	if err != nil {
		return err
	}
	if q.Has("days") && (days < 1 || days > app.MaxHotSpotDays) {
		return minsheng.FieldError("days", "days must be from 1 to %d", app.MaxHotSpotDays)
	}
	b, err := s.svc.HotSpots(r.Context(), u, app.HotSpotQuery{UnitID: unitID, Days: int(days)})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}
