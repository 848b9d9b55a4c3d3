package web

import (
	"net/http"
	"strings"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/ticket"
)

// search answers GET /api/v1/search: q (the text), status (repeatable or
// comma-separated), kind, channel, unit_id (the handling unit), limit. A query with nothing to search for (empty,
// punctuation, emoji) finds nothing; a long one is cut.
func (s *Server) search(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if err := knownParams(q, "q", "status", "kind", "channel", "unit_id", "limit"); err != nil {
		return err
	}
	sq := app.SearchQuery{Text: q.Get("q"), Kind: ticket.Kind(q.Get("kind")), Channel: ticket.Channel(q.Get("channel"))}
	if sq.UnitID, err = intParam(q, "unit_id"); err != nil {
		return err
	}
	for _, v := range q["status"] {
		for _, st := range strings.Split(v, ",") {
			if st = strings.TrimSpace(st); st != "" {
				sq.Statuses = append(sq.Statuses, ticket.Status(st))
			}
		}
	}
	limit, err := intParam(q, "limit")
	if err != nil {
		return err
	}
	if q.Has("limit") && limit == 0 {
		return minsheng.FieldError("limit", "limit must be between 1 and %d", app.MaxSearchResults)
	}
	sq.Limit = int(limit)
	res, err := s.svc.Search(r.Context(), u, sq)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}
