package web

import (
	_ "embed"
	"net/http"
	"strconv"

	hh "github.com/minsheng/minsheng/app/household"
	"github.com/minsheng/minsheng/capability"
	"github.com/minsheng/minsheng/household"
	"github.com/minsheng/minsheng/org"
)

// HouseholdAPI returns the JSON routes of the households capability: the
// registry, change requests and their decisions, pairing, the cadre's due
// list, visits and missed visits, the coverage by grid, and the reveal of
// a member's personal data. Their document is openapi_households.json.
func (s *Server) HouseholdAPI(svc *hh.Service) []capability.Route {
	a := &householdAPI{svc: svc, s: s}
	h := func(pattern string, fn handlerFunc) capability.Route {
		return capability.Route{Pattern: pattern, Handler: s.handle(fn)}
	}
	return []capability.Route{
		h("GET /api/v1/households", a.list),
		h("POST /api/v1/households", a.register),
		h("GET /api/v1/households/due", a.due),
		h("GET /api/v1/households/coverage", a.coverage),
		h("GET /api/v1/households/{id}", a.get),
		h("POST /api/v1/households/{id}/visits", a.visit),
		h("POST /api/v1/households/{id}/missed-visits", a.missed),
		h("POST /api/v1/households/{id}/pairing", a.pair),
		h("POST /api/v1/households/{id}/changes", a.requestChange),
		h("GET /api/v1/household-changes", a.changes),
		h("POST /api/v1/household-changes/{id}/decision", a.decide),
		h("POST /api/v1/household-pairings/reassign", a.reassign),
		h("POST /api/v1/household-people/{id}/reveal", a.reveal),
	}
}

//go:embed openapi_households.json
var householdsOpenAPI []byte

// HouseholdsOpenAPI is the OpenAPI fragment of the households routes.
func HouseholdsOpenAPI() []byte { return householdsOpenAPI }

type householdAPI struct {
	svc *hh.Service
	s   *Server
}

// withID reads the signed-in user and the id in the path.
func withID(r *http.Request, what string) (*org.User, int64, error) {
	u, err := currentUser(r)
	if err != nil {
		return nil, 0, err
	}
	id, err := pathID(r, "id", what)
	return u, id, err
}

// oneParam reads the one whole-number query parameter a route takes (0
// when absent); any other parameter is refused.
func oneParam(r *http.Request, name string) (int64, error) {
	q := r.URL.Query()
	if err := knownParams(q, name); err != nil {
		return 0, err
	}
	return intParam(q, name)
}

// unitAnswer answers what the signed-in user reads of one unit (the
// unit_id parameter; 0 when absent).
func unitAnswer(w http.ResponseWriter, r *http.Request, read func(u *org.User, unit int64) (any, error)) error {
	return answer(w, r, http.StatusOK, func(u *org.User) (any, error) {
		unit, err := oneParam(r, "unit_id")
		if err != nil {
			return nil, err
		}
		return read(u, unit)
	})
}

// coverageJSON is a coverage answer: its rows under key, with the days
// that count a household as visited and as due soon.
func coverageJSON(key string, rows any) map[string]any {
	return map[string]any{key: rows, "visited_days": hh.CoverageDays, "due_soon_days": household.DueSoonDays}
}

func (a *householdAPI) list(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if err := knownParams(q, "grid_id", "limit", "offset"); err != nil {
		return err
	}
	grid, err := intParam(q, "grid_id")
	if err != nil {
		return err
	}
	limit, err := intParam(q, "limit")
	if err != nil {
		return err
	}
	offset, err := intParam(q, "offset")
	if err != nil {
		return err
	}
	if limit == 0 {
		limit = 100
	}
	hs, err := a.svc.List(r.Context(), u, grid, int(limit), int(offset))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"households": orEmpty(hs)})
	return nil
}

func (a *householdAPI) register(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	var in household.NewHousehold
	if err := decode(w, r, &in); err != nil {
		return err
	}
	h, err := a.svc.Register(r.Context(), u, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/households/"+strconv.FormatInt(h.ID, 10))
	writeJSON(w, http.StatusCreated, h)
	return nil
}

func (a *householdAPI) get(w http.ResponseWriter, r *http.Request) error {
	u, id, err := withID(r, "household")
	if err != nil {
		return err
	}
	v, err := a.svc.Get(r.Context(), u, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (a *householdAPI) due(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	if err := knownParams(r.URL.Query()); err != nil {
		return err
	}
	d, err := a.svc.Due(r.Context(), u, 200)
	if err != nil {
		return err
	}
	d.ToReturn = orEmpty(d.ToReturn)
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (a *householdAPI) coverage(w http.ResponseWriter, r *http.Request) error {
	return unitAnswer(w, r, func(u *org.User, unit int64) (any, error) {
		c, err := a.svc.Coverage(r.Context(), u, unit)
		return coverageJSON("grids", c), err
	})
}

// act runs a write on the object whose id is in the path with the
// decoded body, and answers what it returns with the status (no body for
// 204).
func act[In any](w http.ResponseWriter, r *http.Request, what string, status int, run func(u *org.User, id int64, in In) (any, error)) error {
	u, id, err := withID(r, what)
	if err != nil {
		return err
	}
	var in In
	if err := decode(w, r, &in); err != nil {
		return err
	}
	out, err := run(u, id, in)
	if err != nil {
		return err
	}
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return nil
	}
	writeJSON(w, status, out)
	return nil
}

func (a *householdAPI) visit(w http.ResponseWriter, r *http.Request) error {
	return act(w, r, "household", http.StatusCreated, func(u *org.User, id int64, in household.NewVisit) (any, error) {
		rec, err := a.svc.RecordVisit(r.Context(), u, id, in)
		if err == nil {
			rec.Tickets = orEmpty(rec.Tickets)
		}
		return rec, err
	})
}

func (a *householdAPI) missed(w http.ResponseWriter, r *http.Request) error {
	return act(w, r, "household", http.StatusCreated, func(u *org.User, id int64, in household.MissedVisit) (any, error) {
		return a.svc.MissVisit(r.Context(), u, id, in)
	})
}

// cadreIn is the body of a pairing.
type cadreIn struct {
	CadreID int64 `json:"cadre_id"`
}

func (a *householdAPI) pair(w http.ResponseWriter, r *http.Request) error {
	return act(w, r, "household", http.StatusNoContent, func(u *org.User, id int64, in cadreIn) (any, error) {
		return nil, a.svc.Pair(r.Context(), u, id, in.CadreID)
	})
}

func (a *householdAPI) requestChange(w http.ResponseWriter, r *http.Request) error {
	return act(w, r, "household", http.StatusCreated, func(u *org.User, id int64, in household.ChangeInput) (any, error) {
		return a.svc.RequestChange(r.Context(), u, id, in)
	})
}

func (a *householdAPI) changes(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if err := knownParams(q, "status"); err != nil {
		return err
	}
	cs, err := a.svc.Changes(r.Context(), u, household.ChangeStatus(q.Get("status")))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"changes": cs})
	return nil
}

// decisionIn is the body of a decision on a change request.
type decisionIn struct {
	Action household.ChangeAction `json:"action"`
	Note   string                 `json:"note"`
}

func (a *householdAPI) decide(w http.ResponseWriter, r *http.Request) error {
	return act(w, r, "change request", http.StatusOK, func(u *org.User, id int64, in decisionIn) (any, error) {
		return a.svc.DecideChange(r.Context(), u, id, in.Action, in.Note)
	})
}

func (a *householdAPI) reassign(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	var in struct {
		FromCadreID int64  `json:"from_cadre_id"`
		ToCadreID   int64  `json:"to_cadre_id"`
		Note        string `json:"note"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	n, err := a.svc.Reassign(r.Context(), u, in.FromCadreID, in.ToCadreID, in.Note)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]int{"moved": n})
	return nil
}

func (a *householdAPI) reveal(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	return act(w, r, "person", http.StatusOK, func(u *org.User, id int64, in reasonIn) (any, error) {
		return a.svc.Reveal(r.Context(), u, id, in.Reason, a.s.remoteIP(r))
	})
}
