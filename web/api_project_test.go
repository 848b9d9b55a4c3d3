package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	appproject "github.com/minsheng/minsheng/app/project"
	"github.com/minsheng/minsheng/project"
)

// The public list answers without a sign-in and without the leader's
// name; the staff list needs one. Both are checked against the OpenAPI
// document by the harness.
func TestProjectAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		svc := appproject.New(e.f.Svc.Kit(), e.f.Svc)
		if _, err := svc.Create(context.Background(), e.f.Users["admin"], appproject.NewProject{Year: 2026, Code: "2026-01", Title: "新增学位",
			UnitID: e.f.Dept.ID, Leader: "副区长 李晓梅", Milestones: []project.Milestone{{Title: "招生", Planned: e.f.Clock.Now().AddDate(0, 5, 0)}}}); err != nil {
			t.Fatal(err)
		}
		r := e.do(t, "GET", "/api/v1/public/projects?year=2026", "", nil)
		if r.status != http.StatusOK || !strings.Contains(string(r.body), "新增学位") || strings.Contains(string(r.body), "李晓梅") {
			t.Errorf("public: %s", r)
		}
		if r := e.do(t, "GET", "/api/v1/public/projects?year=12", "", nil); r.status != http.StatusBadRequest {
			t.Errorf("a bad year: %s", r)
		}
		if r := e.do(t, "GET", "/api/v1/projects", "", nil); r.status != http.StatusUnauthorized {
			t.Errorf("staff list without a user: %s", r)
		}
		if r := e.do(t, "GET", "/api/v1/projects?year=2026", "handler", nil); r.status != http.StatusOK || !strings.Contains(string(r.body), "李晓梅") {
			t.Errorf("staff list: %s", r)
		}
	})
}
