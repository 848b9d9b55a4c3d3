package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	appproject "github.com/minsheng/minsheng/app/project"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/project"
	"github.com/minsheng/minsheng/web"
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

// The write routes as the staff pages use them, each answer checked
// against the OpenAPI document: a district admin commits to a project,
// the responsible unit reports progress and a milestone, delays it with
// its explanation (shown in public), resumes and completes it; bad input
// names its field; those outside the project's scope are refused and
// change nothing. A new write route fails this test until it is walked.
func TestProjectWriteAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		streetAdmin, err := e.f.Svc.CreateUser(ctx, kit.System(), app.NewUser{Username: "street_admin", Name: "街道管理员",
			Role: org.RoleAdmin, UnitID: e.f.Street.ID, Password: apptest.Password})
		if err != nil {
			t.Fatal(err)
		}
		e.f.Users[streetAdmin.Username] = streetAdmin
		e.addToken(t, "street_admin")
		walked := map[string]bool{}
		do := func(pattern, method, path, user string, body any, want int) *res {
			t.Helper()
			walked[pattern] = true
			r := e.do(t, method, path, user, body)
			if r.status != want {
				t.Errorf("%s %s as %s: %s, want %d", method, path, user, r, want)
			}
			return r
		}
		const create, act, report = "POST /api/v1/projects", "POST /api/v1/projects/{code}/actions/{action}", "POST /api/v1/projects/{code}/report"
		np := map[string]any{"year": 2026, "code": "2026-09", "title": "老旧小区改造", "unit_id": itoa(e.f.Dept.ID), "budget_yuan": 4835000,
			"leader": "副区长 李晓梅", "milestones": []map[string]any{{"title": "设计", "planned": "2026-03-10T00:00:00+08:00"},
				{"title": "完工", "planned": "2026-06-30T00:00:00+08:00"}}}
		do(create, "POST", "/api/v1/projects", "street_admin", np, http.StatusForbidden)
		do(create, "POST", "/api/v1/projects", "dept_handler", np, http.StatusForbidden)
		bad := map[string]any{"year": 2026, "code": "2026-10", "title": "x", "unit_id": itoa(e.f.Dept.ID),
			"milestones": []map[string]any{{"title": "b", "planned": "2026-06-30T00:00:00+08:00"}, {"title": "a", "planned": "2026-03-10T00:00:00+08:00"}}}
		if r := do(create, "POST", "/api/v1/projects", "admin", bad, http.StatusBadRequest); !strings.Contains(string(r.body), `"field":"milestones.1.planned"`) {
			t.Errorf("milestones out of order: %s", r)
		}
		do(create, "POST", "/api/v1/projects", "admin", np, http.StatusCreated)
		if r := do(create, "POST", "/api/v1/projects", "admin", np, http.StatusBadRequest); !strings.Contains(string(r.body), `"field":"code"`) {
			t.Errorf("a code twice: %s", r)
		}

		base := "/api/v1/projects/2026-09"
		do(report, "POST", base+"/report", "other_handler", map[string]any{"progress": 10}, http.StatusForbidden)
		if r := do(report, "POST", base+"/report", "dept_handler", map[string]any{"progress": 150}, http.StatusBadRequest); !strings.Contains(string(r.body), `"field":"progress"`) {
			t.Errorf("progress over 100: %s", r)
		}
		if r := do(report, "POST", base+"/report", "dept_handler", map[string]any{"milestone": 2, "actual": "2026-03-02T00:00:00+08:00"},
			http.StatusBadRequest); !strings.Contains(string(r.body), `"field":"milestone"`) {
			t.Errorf("the second milestone before the first: %s", r)
		}
		r := do(report, "POST", base+"/report", "dept_handler", map[string]any{"progress": 30, "milestone": 1,
			"actual": "2026-03-02T00:00:00+08:00", "evidence": "设计方案已批复"}, http.StatusOK)
		if !strings.Contains(string(r.body), `"status":"in_progress"`) || !strings.Contains(string(r.body), `"progress":30`) {
			t.Errorf("after the report: %s", r)
		}
		do(act, "POST", base+"/actions/delay", "other_handler", map[string]any{"explanation": "x"}, http.StatusForbidden)
		if r := do(act, "POST", base+"/actions/delay", "dept_handler", map[string]any{}, http.StatusBadRequest); !strings.Contains(string(r.body), `"field":"explanation"`) {
			t.Errorf("a delay without its explanation: %s", r)
		}
		do(act, "POST", base+"/actions/delay", "dept_handler", map[string]any{"explanation": "雨季施工受阻，顺延一个月"}, http.StatusOK)
		if r := e.do(t, "GET", "/api/v1/public/projects?year=2026", "", nil); !strings.Contains(string(r.body), "雨季施工受阻") {
			t.Errorf("the public list lacks the delay's explanation: %s", r)
		}
		do(act, "POST", base+"/actions/complete", "dept_handler", map[string]any{}, http.StatusBadRequest)
		do(act, "POST", base+"/actions/resume", "leader", map[string]any{}, http.StatusOK)
		do(act, "POST", base+"/actions/fly", "leader", map[string]any{}, http.StatusBadRequest)
		var got struct {
			Project struct {
				Status string `json:"status"`
			} `json:"project"`
			Timeline []struct {
				Action string `json:"action"`
			} `json:"timeline"`
		}
		if err := json.Unmarshal(mustOK(t, e.do(t, "GET", base, "handler", nil)), &got); err != nil {
			t.Fatal(err)
		}
		if got.Project.Status != "in_progress" || len(got.Timeline) != 4 {
			t.Errorf("the project: %+v", got)
		}
		// Photos of the progress, multipart, by the responsible unit.
		const photos = "POST /api/v1/projects/{code}/photos"
		walked[photos] = true
		if r := e.form(t, base+"/photos", "other_handler", []part{{name: "file", filename: "a.png", body: pngBytes}}); r.status != http.StatusForbidden {
			t.Errorf("photos by another street: %s", r)
		}
		if r := e.form(t, base+"/photos", "dept_handler", []part{{name: "file", filename: "a.pdf", body: pdfBytes}}); r.status != http.StatusBadRequest ||
			!strings.Contains(string(r.body), `"reason":"photo_type"`) {
			t.Errorf("a PDF as a photo: %s", r)
		}
		if r := e.form(t, base+"/photos", "dept_handler", []part{{name: "milestone", body: []byte("1")}, {name: "file", filename: "设计.png", body: pngBytes}}); r.status != http.StatusCreated {
			t.Errorf("a photo: %s", r)
		}
		if r := e.do(t, "GET", "/api/v1/public/projects?year=2026", "", nil); !strings.Contains(string(r.body), "设计.png") {
			t.Errorf("the public list lacks the photo: %s", r)
		}
		if r := e.do(t, "GET", "/api/v1/projects/2099-99", "handler", nil); r.status != http.StatusNotFound {
			t.Errorf("no such project: %s", r)
		}
		for _, route := range web.Routes(e.srv) {
			if m, p, _ := strings.Cut(route, " "); m != "GET" && strings.HasPrefix(p, "/api/v1/projects") && !walked[route] {
				t.Errorf("%s is not in the walk", route)
			}
		}
	})
}

func init() {
	// Projects are reported on by their responsible units, walked by role
	// and scope in TestProjectWriteAPI.
	registerWalk("project", capabilityWalk{casework: []string{"/api/v1/projects"}})
}
