package ui_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
)

// TestAdminSuggestionQuality: the dispatch settings page shows, beside the
// automatic-dispatch threshold, how often suggestions were right per unit,
// what the threshold means as an error rate once there are enough cases
// (and says so while there are too few), and warns when the classifier
// has drifted below its held-out accuracy; in the page's language.
func TestAdminSuggestionQuality(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := e.f
		f.SaveModel(t, app.ModelUnit, f.UnitExamples(), `{"accuracy": 0.99}`)
		settle := func(unitID int64, handler string) {
			t.Helper()
			tk, _, err := f.Svc.CreateTicket(ctx, f.Users["agent"], apptest.Lift(), "")
			if err != nil {
				t.Fatal(err)
			}
			apptest.OK(t)(f.Svc.Dispatch(ctx, f.Users["dispatcher"], tk.Number, unitID, ""))
			apptest.OK(t)(f.Svc.Acknowledge(ctx, f.Users[handler], tk.Number, ""))
		}
		for range 4 {
			settle(f.Dept.ID, "dept_handler")
		}
		admin := e.signedIn(t, "admin")
		r := admin.get("/admin/dispatch")
		if r.status != http.StatusOK {
			t.Fatalf("%d", r.status)
		}
		for _, want := range []string{`id="suggestion-quality"`, "派单建议准确率（近 90 天）", "海湖社区", "0.0%（0/4）",
			"近 90 天只有 4 条已定的分类模型建议，少于 50 条，尚不足以估计错误率。"} {
			if !strings.Contains(r.body, want) {
				t.Errorf("with 4 cases the page lacks %q", want)
			}
		}
		if strings.Contains(r.body, `id="drift-warning"`) {
			t.Error("drift warned on 4 cases")
		}

		for range 46 {
			settle(f.Community.ID, "handler")
		}
		st, err := f.Svc.DispatchSettings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		st.AutoDispatchConfidence = 0.5
		if err := f.Svc.SetDispatchSettings(ctx, f.Users["admin"], st); err != nil {
			t.Fatal(err)
		}
		r = admin.get("/admin/dispatch")
		for _, want := range []string{"置信度 ≥ 0.50：近 90 天此类建议错误率 8.0%（n=50）", "92.0%（46/50）",
			"错误率不超过 2%：没有哪个置信度能做到", "错误率不超过 10%：置信度 ≥ ", "（覆盖 100% 的建议）",
			`id="drift-warning"`, "比训练时留出数据上的准确率 99.0% 低 5 个百分点以上", "minsheng classify train"} {
			if !strings.Contains(r.body, want) {
				t.Errorf("with 50 cases the page lacks %q", want)
			}
		}
		// A threshold above every suggestion: too few at or above it.
		st.AutoDispatchConfidence = 1
		if err := f.Svc.SetDispatchSettings(ctx, f.Users["admin"], st); err != nil {
			t.Fatal(err)
		}
		if r := admin.get("/admin/dispatch"); !strings.Contains(r.body, "置信度 ≥ 1.00：近 90 天只有 0 条达到此置信度的已定建议，少于 50 条，尚不足以估计错误率。") {
			t.Errorf("a threshold above every suggestion is not said to have too few cases: %s", r.body[strings.Index(r.body, `id="threshold-quality"`):][:600])
		}
		st.AutoDispatchConfidence = 0.5
		if err := f.Svc.SetDispatchSettings(ctx, f.Users["admin"], st); err != nil {
			t.Fatal(err)
		}
		en := admin.get("/admin/dispatch", "Cookie", "lang=en")
		for _, want := range []string{"Confidence ≥ 0.50: over the last 90 days such suggestions were wrong 8.0% of the time (n=50)",
			"92.0% (46/50)", "The classifier may be out of date", "Suggested unit"} {
			if !strings.Contains(en.body, want) {
				t.Errorf("the English page lacks %q", want)
			}
		}
		if strings.Contains(en.body, "置信度") || strings.Contains(en.body, "待定") {
			t.Error("Chinese on the English page")
		}
		// Not for dispatchers: the page itself is for admins.
		if r := e.signedIn(t, "dispatcher").get("/admin/dispatch"); r.status != http.StatusForbidden || strings.Contains(r.body, "suggestion-quality") {
			t.Errorf("dispatcher: %d", r.status)
		}
	})
}
