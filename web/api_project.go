package web

import (
	_ "embed"
	"net/http"
	"strconv"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/project"
	"github.com/minsheng/minsheng/capability"
	"github.com/minsheng/minsheng/org"
	dom "github.com/minsheng/minsheng/project"
)

// ProjectAPI returns the project capability's JSON routes: the public list
// of a year's projects (no sign-in, no personal data) and the staff list
// with the responsible leaders and health, and the changes the staff pages
// make: a project created (district admins), moved through its lifecycle,
// its progress and milestones reported. Their document is
// openapi_project.json.
func (s *Server) ProjectAPI(svc *project.Service) []capability.Route {
	a := &projectAPI{svc: svc, s: s}
	return []capability.Route{
		{Pattern: "GET /api/v1/public/projects", Handler: s.handle(a.public)},
		{Pattern: "GET /api/v1/projects", Handler: s.handle(a.list)},
		{Pattern: "POST /api/v1/projects", Handler: s.handle(a.create)},
		{Pattern: "GET /api/v1/projects/{code}", Handler: s.handle(a.get)},
		{Pattern: "POST /api/v1/projects/{code}/actions/{action}", Handler: s.handle(a.act)},
		{Pattern: "POST /api/v1/projects/{code}/report", Handler: s.handle(a.report)},
		{Pattern: "POST /api/v1/projects/{code}/photos", Handler: s.handle(a.photos)},
	}
}

//go:embed openapi_project.json
var projectOpenAPI []byte

// ProjectOpenAPI is the OpenAPI fragment of the project routes.
func ProjectOpenAPI() []byte { return projectOpenAPI }

type projectAPI struct {
	svc *project.Service
	s   *Server
}

func (a *projectAPI) year(r *http.Request) (int, error) {
	q := r.URL.Query()
	if err := knownParams(q, "year"); err != nil {
		return 0, err
	}
	if v := q.Get("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 2000 || y > 2100 {
			return 0, minsheng.FieldError("year", "year must be a year such as 2026")
		}
		return y, nil
	}
	return a.s.clock.Now().In(dom.China).Year(), nil
}

func (a *projectAPI) public(w http.ResponseWriter, r *http.Request) error {
	y, err := a.year(r)
	if err != nil {
		return err
	}
	ps, err := a.svc.Public(r.Context(), y)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	writeJSON(w, http.StatusOK, map[string]any{"year": y, "projects": orEmpty(ps)})
	return nil
}

func (a *projectAPI) list(w http.ResponseWriter, r *http.Request) error {
	y, err := a.year(r)
	if err != nil {
		return err
	}
	return answer(w, r, http.StatusOK, func(u *org.User) (map[string]any, error) {
		vs, err := a.svc.List(r.Context(), u, y)
		return map[string]any{"year": y, "projects": orEmpty(vs)}, err
	})
}

// view is a project as the API answers a change: with its health now.
func (a *projectAPI) view(p *dom.Project, err error) (*project.View, error) {
	if err != nil {
		return nil, err
	}
	return &project.View{Project: p, Health: p.Health(a.s.clock.Now())}, nil
}

func (a *projectAPI) create(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusCreated, func(u *org.User, in project.NewProject) (*project.View, error) {
		return a.view(a.svc.Create(r.Context(), u, in))
	})
}

func (a *projectAPI) get(w http.ResponseWriter, r *http.Request) error {
	return answer(w, r, http.StatusOK, func(u *org.User) (map[string]any, error) {
		v, tl, err := a.svc.Get(r.Context(), u, r.PathValue("code"))
		return map[string]any{"project": v, "timeline": orEmpty(tl)}, err
	})
}

func (a *projectAPI) act(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusOK, func(u *org.User, in struct {
		Explanation string `json:"explanation"`
	}) (*project.View, error) {
		return a.view(a.svc.Act(r.Context(), u, r.PathValue("code"), dom.Action(r.PathValue("action")), in.Explanation))
	})
}

func (a *projectAPI) report(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusOK, func(u *org.User, in project.Update) (*project.View, error) {
		return a.view(a.svc.Report(r.Context(), u, r.PathValue("code"), in))
	})
}

// photos takes photos of a project's progress (multipart: file parts and
// an optional milestone number).
func (a *projectAPI) photos(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	// Who may not update the project is refused before the files are read.
	v, _, err := a.svc.Get(r.Context(), u, r.PathValue("code"))
	if err != nil {
		return err
	}
	if err := dom.CheckActor(u, v.UnitPath); err != nil {
		return err
	}
	f, err := a.s.readForm(w, r, "milestone")
	if err != nil {
		return err
	}
	m := 0
	if s := f.values["milestone"]; s != "" {
		if m, err = strconv.Atoi(s); err != nil {
			return minsheng.FieldError("milestone", "milestone must be a number")
		}
	}
	ps, err := a.svc.AddPhotos(r.Context(), u, r.PathValue("code"), m, f.files...)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"photos": ps})
	return nil
}
