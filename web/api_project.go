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
// with the responsible leaders and health. Changes are made on the staff
// pages. Their document is openapi_project.json.
func (s *Server) ProjectAPI(svc *project.Service) []capability.Route {
	a := &projectAPI{svc: svc, s: s}
	return []capability.Route{
		{Pattern: "GET /api/v1/public/projects", Handler: s.handle(a.public)},
		{Pattern: "GET /api/v1/projects", Handler: s.handle(a.list)},
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
