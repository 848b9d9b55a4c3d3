package web

import (
	_ "embed"
	"net/http"
	"strconv"

	"github.com/minsheng/minsheng"
	appemploy "github.com/minsheng/minsheng/app/employ"
	"github.com/minsheng/minsheng/capability"
	"github.com/minsheng/minsheng/employ"
	"github.com/minsheng/minsheng/org"
)

// EmployAPI returns job matching's JSON routes (城西e就业): employers and
// their verification and arrears flag, posts and their lifecycle,
// seekers, applications, the seeker's reveal, the follow-ups of assisted
// placements and the figures. Their document is openapi_employ.json.
func (s *Server) EmployAPI(svc *appemploy.Service) []capability.Route {
	a := &employAPI{svc: svc}
	h := func(pattern string, fn handlerFunc) capability.Route {
		return capability.Route{Pattern: pattern, Handler: s.handle(fn)}
	}
	return []capability.Route{
		h("GET /api/v1/employ/employers", a.employers),
		h("POST /api/v1/employ/employers", a.registerEmployer),
		h("POST /api/v1/employ/employers/{id}/verify", a.verify),
		h("POST /api/v1/employ/employers/{id}/arrears", a.arrears),
		h("GET /api/v1/employ/posts", a.posts),
		h("POST /api/v1/employ/posts", a.createPost),
		h("GET /api/v1/employ/posts/{id}", a.post),
		h("PUT /api/v1/employ/posts/{id}", a.editPost),
		h("POST /api/v1/employ/posts/{id}/actions/{action}", a.actPost),
		h("POST /api/v1/employ/posts/{id}/applications", a.apply),
		h("POST /api/v1/employ/applications/{id}/actions/{action}", a.actApplication),
		h("GET /api/v1/employ/seekers", a.seekers),
		h("POST /api/v1/employ/seekers", a.registerSeeker),
		h("GET /api/v1/employ/seekers/{id}", a.seeker),
		h("PUT /api/v1/employ/seekers/{id}", a.updateSeeker),
		h("POST /api/v1/employ/seekers/{id}/reveal", a.reveal),
		h("POST /api/v1/employ/seekers/{id}/caseworker", a.caseworker),
		h("GET /api/v1/employ/me", a.me),
		h("GET /api/v1/employ/follow-ups", a.followUps),
		h("POST /api/v1/employ/follow-ups/{id}/{month}", a.recordFollowUp),
		h("GET /api/v1/employ/figures", a.figures),
	}
}

//go:embed openapi_employ.json
var employOpenAPI []byte

// EmployOpenAPI is the OpenAPI fragment of the job matching routes.
func EmployOpenAPI() []byte { return employOpenAPI }

type employAPI struct {
	svc *appemploy.Service
}

func (a *employAPI) employers(w http.ResponseWriter, r *http.Request) error {
	if err := knownParams(r.URL.Query()); err != nil {
		return err
	}
	return answer(w, r, http.StatusOK, func(u *org.User) (map[string]any, error) {
		es, err := a.svc.Employers(r.Context(), u)
		return map[string]any{"employers": orEmpty(es)}, err
	})
}

func (a *employAPI) registerEmployer(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusCreated, func(u *org.User, in appemploy.EmployerInput) (*employ.Employer, error) {
		return a.svc.RegisterEmployer(r.Context(), u, in)
	})
}

func (a *employAPI) verify(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "employer")
	if err != nil {
		return err
	}
	return answer(w, r, http.StatusOK, func(u *org.User) (*employ.Employer, error) {
		return a.svc.VerifyEmployer(r.Context(), u, id)
	})
}

func (a *employAPI) arrears(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "employer")
	if err != nil {
		return err
	}
	return userWrite(w, r, http.StatusOK, func(u *org.User, in struct {
		Arrears bool   `json:"arrears"`
		Note    string `json:"note"`
	}) (*employ.Employer, error) {
		return a.svc.FlagArrears(r.Context(), u, id, in.Arrears, in.Note)
	})
}

func (a *employAPI) posts(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := knownParams(q, "status", "limit"); err != nil {
		return err
	}
	limit, err := intParam(q, "limit")
	if err != nil {
		return err
	}
	return answer(w, r, http.StatusOK, func(u *org.User) (map[string]any, error) {
		ps, err := a.svc.Posts(r.Context(), u, appemploy.PostFilter{Status: employ.PostStatus(q.Get("status")), Limit: int(limit)})
		return map[string]any{"posts": orEmpty(ps)}, err
	})
}

func (a *employAPI) createPost(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusCreated, func(u *org.User, in appemploy.PostInput) (*employ.Post, error) {
		return a.svc.CreatePost(r.Context(), u, in)
	})
}

func (a *employAPI) post(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "post")
	if err != nil {
		return err
	}
	return answer(w, r, http.StatusOK, func(u *org.User) (*appemploy.PostView, error) {
		return a.svc.Post(r.Context(), u, id)
	})
}

func (a *employAPI) editPost(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "post")
	if err != nil {
		return err
	}
	return userWrite(w, r, http.StatusOK, func(u *org.User, in appemploy.PostInput) (*employ.Post, error) {
		return a.svc.EditPost(r.Context(), u, id, in)
	})
}

func (a *employAPI) actPost(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "post")
	if err != nil {
		return err
	}
	return userWrite(w, r, http.StatusOK, func(u *org.User, in noteIn) (*employ.Post, error) {
		return a.svc.ActPost(r.Context(), u, id, employ.PostAction(r.PathValue("action")), in.Note)
	})
}

func (a *employAPI) apply(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "post")
	if err != nil {
		return err
	}
	return userWrite(w, r, http.StatusCreated, func(u *org.User, in struct {
		SeekerID int64  `json:"seeker_id,string"`
		Note     string `json:"note"`
	}) (*employ.Application, error) {
		return a.svc.Apply(r.Context(), u, id, in.SeekerID, in.Note)
	})
}

func (a *employAPI) actApplication(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "application")
	if err != nil {
		return err
	}
	return userWrite(w, r, http.StatusOK, func(u *org.User, in noteIn) (*employ.Application, error) {
		return a.svc.ActApplication(r.Context(), u, id, employ.AppAction(r.PathValue("action")), in.Note)
	})
}

func (a *employAPI) seekers(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := knownParams(q, "mine"); err != nil {
		return err
	}
	return answer(w, r, http.StatusOK, func(u *org.User) (map[string]any, error) {
		ks, err := a.svc.Seekers(r.Context(), u, q.Get("mine") == "true")
		return map[string]any{"seekers": orEmpty(ks)}, err
	})
}

func (a *employAPI) registerSeeker(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusCreated, func(u *org.User, in appemploy.SeekerInput) (*employ.Seeker, error) {
		return a.svc.RegisterSeeker(r.Context(), u, in)
	})
}

func (a *employAPI) seeker(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "seeker")
	if err != nil {
		return err
	}
	return answer(w, r, http.StatusOK, func(u *org.User) (*appemploy.SeekerView, error) {
		return a.svc.Seeker(r.Context(), u, id)
	})
}

func (a *employAPI) updateSeeker(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "seeker")
	if err != nil {
		return err
	}
	return userWrite(w, r, http.StatusOK, func(u *org.User, in appemploy.SeekerInput) (*employ.Seeker, error) {
		return a.svc.UpdateSeeker(r.Context(), u, id, in)
	})
}

func (a *employAPI) reveal(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "seeker")
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return userWrite(w, r, http.StatusOK, func(u *org.User, in struct {
		Reason string `json:"reason"`
	}) (*appemploy.Contact, error) {
		return a.svc.RevealSeeker(r.Context(), u, id, in.Reason, clientIP(r))
	})
}

func (a *employAPI) caseworker(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "seeker")
	if err != nil {
		return err
	}
	return userWrite(w, r, http.StatusOK, func(u *org.User, in struct {
		UserID int64 `json:"user_id,string"`
	}) (*employ.Seeker, error) {
		return a.svc.AssignCaseworker(r.Context(), u, id, in.UserID)
	})
}

func (a *employAPI) me(w http.ResponseWriter, r *http.Request) error {
	return answer(w, r, http.StatusOK, func(u *org.User) (*appemploy.SeekerView, error) {
		return a.svc.Me(r.Context(), u)
	})
}

func (a *employAPI) followUps(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := knownParams(q, "all"); err != nil {
		return err
	}
	return answer(w, r, http.StatusOK, func(u *org.User) (map[string]any, error) {
		fs, err := a.svc.FollowUps(r.Context(), u, q.Get("all") == "true")
		return map[string]any{"follow_ups": orEmpty(fs)}, err
	})
}

func (a *employAPI) recordFollowUp(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "application")
	if err != nil {
		return err
	}
	month, err := strconv.Atoi(r.PathValue("month"))
	if err != nil {
		return minsheng.Errorf(minsheng.ENOTFOUND, "follow-up %q not found", r.PathValue("month"))
	}
	return userWrite(w, r, http.StatusOK, func(u *org.User, in appemploy.FollowUpInput) (*employ.FollowUp, error) {
		return a.svc.RecordFollowUp(r.Context(), u, id, month, in)
	})
}

func (a *employAPI) figures(w http.ResponseWriter, r *http.Request) error {
	if err := knownParams(r.URL.Query()); err != nil {
		return err
	}
	return answer(w, r, http.StatusOK, func(u *org.User) (*appemploy.Figures, error) {
		return a.svc.Figures(r.Context(), u)
	})
}
