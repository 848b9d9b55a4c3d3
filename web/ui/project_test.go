package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	appproject "github.com/minsheng/minsheng/app/project"
	"github.com/minsheng/minsheng/project"
)

// The public page without signing in, a resident's suggestion becoming a
// ticket, and the staff page's reports with refusals worded in Chinese.
func TestProjectPages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		svc := appproject.New(e.f.Svc.Kit(), e.f.Svc)
		start := e.f.Clock.Now()
		if _, err := svc.Create(context.Background(), e.f.Users["admin"], appproject.NewProject{Year: 2026, Code: "2026-01",
			Title: "老旧小区院落改造", Area: "兴海路街道", BudgetYuan: 4835000, UnitID: e.f.Street.ID, Leader: "副区长 王志刚",
			Milestones: []project.Milestone{{Title: "完成设计", Planned: start.AddDate(0, 1, 0)}, {Title: "竣工", Planned: start.AddDate(0, 6, 0)}}}); err != nil {
			t.Fatal(err)
		}
		anon := e.browser(t)
		r := anon.get("/projects")
		if r.status != http.StatusOK || !strings.Contains(r.body, "老旧小区院落改造") || !strings.Contains(r.body, "483.5") ||
			strings.Contains(r.body, "王志刚") {
			t.Fatalf("the public page: %d", r.status)
		}
		r = anon.post("/projects/2026-01/suggest", url.Values{"text": {""}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "请填写意见建议") {
			t.Errorf("an empty suggestion: %d", r.status)
		}
		r = anon.post("/projects/2026-01/suggest", url.Values{"text": {"施工期间请注意夜间噪音"}, "phone": {"13897001234"}})
		if r.status != http.StatusOK || !strings.Contains(r.body, `id="suggest-done"`) {
			t.Fatalf("the suggestion: %d", r.status)
		}
		h := e.signedIn(t, "street_handler")
		page := "/projects/manage/2026-01"
		if r := h.post(page+"/report", url.Values{"progress": {"101"}}); r.status != http.StatusBadRequest || !strings.Contains(r.body, "进度应为 0 到 100") {
			t.Errorf("progress over 100: %d", r.status)
		}
		if r := h.post(page+"/act/delay", url.Values{"explanation": {""}}); r.status != http.StatusBadRequest || !strings.Contains(r.body, "标记滞后须说明原因") {
			t.Errorf("a delay without its explanation: %d", r.status)
		}
		if r := h.post(page+"/report", url.Values{"progress": {"30"}, "reached": {"1"}, "milestone": {"1"}, "actual": {"2026-03-02"}, "evidence": {"设计批复"}}); r.status != http.StatusOK ||
			!strings.Contains(r.body, `id="project-progress">30%`) {
			t.Errorf("the report: %d", r.status)
		}
		if r := e.signedIn(t, "other_handler").post(page+"/report", url.Values{"progress": {"90"}}); r.status != http.StatusForbidden {
			t.Errorf("another street's handler reported: %d", r.status)
		}
		x := e.signedIn(t, "leader").get("/projects/export.xlsx?year=2026")
		if x.status != http.StatusOK || !strings.HasPrefix(x.hdr.Get("Content-Type"), "application/vnd.openxmlformats") || !strings.HasPrefix(x.body, "PK") {
			t.Errorf("the export: %d %s", x.status, x.hdr.Get("Content-Type"))
		}
	})
}
