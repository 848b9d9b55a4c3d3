package web

import (
	_ "embed"
	"net/http"
	"strconv"
	"time"

	appresp "github.com/minsheng/minsheng/app/responsibility"
	"github.com/minsheng/minsheng/capability"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/responsibility"
)

// ResponsibilityAPI returns the JSON routes of the leaders' responsibility
// assignments (包保): the board with its figures, an assignment with its
// milestones, linked work orders and timeline, assigning a leader, the
// lifecycle's actions, milestones added and done, and work orders linked.
// Their document is openapi_responsibility.json.
func (s *Server) ResponsibilityAPI(svc *appresp.Service) []capability.Route {
	a := &responsibilityAPI{svc: svc}
	h := func(pattern string, fn handlerFunc) capability.Route {
		return capability.Route{Pattern: pattern, Handler: s.handle(fn)}
	}
	return []capability.Route{
		h("GET /api/v1/responsibilities", a.board),
		h("POST /api/v1/responsibilities", a.create),
		h("GET /api/v1/responsibilities/{id}", a.get),
		h("POST /api/v1/responsibilities/{id}/actions", a.act),
		h("POST /api/v1/responsibilities/{id}/milestones", a.addMilestone),
		h("POST /api/v1/responsibilities/{id}/milestones/{seq}/done", a.doneMilestone),
		h("POST /api/v1/responsibilities/{id}/tickets", a.link),
	}
}

//go:embed openapi_responsibility.json
var responsibilityOpenAPI []byte

// ResponsibilityOpenAPI is the OpenAPI fragment of the responsibility routes.
func ResponsibilityOpenAPI() []byte { return responsibilityOpenAPI }

type responsibilityAPI struct{ svc *appresp.Service }

func (a *responsibilityAPI) board(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := knownParams(q, "kind", "status", "leader_id"); err != nil {
		return err
	}
	leader, err := intParam(q, "leader_id")
	if err != nil {
		return err
	}
	f := appresp.Filter{Kind: responsibility.Kind(q.Get("kind")), Status: responsibility.Status(q.Get("status")), LeaderID: leader}
	return answer(w, r, http.StatusOK, func(u *org.User) (*appresp.Board, error) { return a.svc.Board(r.Context(), u, f) })
}

func (a *responsibilityAPI) create(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	var in responsibility.New
	if err := decode(w, r, &in); err != nil {
		return err
	}
	as, err := a.svc.Create(r.Context(), u, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/responsibilities/"+strconv.FormatInt(as.ID, 10))
	writeJSON(w, http.StatusCreated, as)
	return nil
}

func (a *responsibilityAPI) get(w http.ResponseWriter, r *http.Request) error {
	u, id, err := withID(r, "responsibility")
	if err != nil {
		return err
	}
	d, err := a.svc.Get(r.Context(), u, id)
	if err != nil {
		return err
	}
	d.Timeline, d.Actions = orEmpty(d.Timeline), orEmpty(d.Actions)
	writeJSON(w, http.StatusOK, d)
	return nil
}

type responsibilityActIn struct {
	Action responsibility.Action `json:"action"`
	Note   string                `json:"note"`
}

func (a *responsibilityAPI) act(w http.ResponseWriter, r *http.Request) error {
	return act(w, r, "responsibility", http.StatusOK, func(u *org.User, id int64, in responsibilityActIn) (any, error) {
		return a.svc.Act(r.Context(), u, id, in.Action, in.Note)
	})
}

type milestoneIn struct {
	Title string    `json:"title"`
	Due   time.Time `json:"due"`
}

func (a *responsibilityAPI) addMilestone(w http.ResponseWriter, r *http.Request) error {
	return act(w, r, "responsibility", http.StatusCreated, func(u *org.User, id int64, in milestoneIn) (any, error) {
		return a.svc.AddMilestone(r.Context(), u, id, responsibility.Milestone{Title: in.Title, Due: in.Due})
	})
}

type milestoneDoneIn struct {
	Note string `json:"note"`
}

func (a *responsibilityAPI) doneMilestone(w http.ResponseWriter, r *http.Request) error {
	seq, err := pathID(r, "seq", "milestone")
	if err != nil {
		return err
	}
	return act(w, r, "responsibility", http.StatusOK, func(u *org.User, id int64, in milestoneDoneIn) (any, error) {
		return a.svc.DoneMilestone(r.Context(), u, id, int(seq), in.Note)
	})
}

type linkTicketIn struct {
	Ticket string `json:"ticket"`
}

func (a *responsibilityAPI) link(w http.ResponseWriter, r *http.Request) error {
	return act(w, r, "responsibility", http.StatusOK, func(u *org.User, id int64, in linkTicketIn) (any, error) {
		return a.svc.LinkTicket(r.Context(), u, id, in.Ticket)
	})
}
