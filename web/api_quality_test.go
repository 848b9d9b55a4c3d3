package web_test

import (
	"net/http"
	"testing"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
)

func TestSuggestionQualityAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.f.SaveModel(t, app.ModelUnit, e.f.UnitExamples(), `{"accuracy": 0.95}`)
		lift := apptest.Lift()
		// Acknowledged by the community, as suggested: right.
		tk := e.create(t, "agent", lift)
		e.act(t, "dispatcher", tk.Number, "dispatch", map[string]any{"unit_id": e.f.Community.ID})
		e.act(t, "handler", tk.Number, "acknowledge", nil)
		// Returned by the community, acknowledged by the department: wrong.
		tk = e.create(t, "agent", lift)
		e.act(t, "dispatcher", tk.Number, "dispatch", map[string]any{"unit_id": e.f.Community.ID})
		e.act(t, "handler", tk.Number, "return", map[string]any{"reason": "not_our_duty", "note": "不属于社区职责"})
		e.act(t, "dispatcher", tk.Number, "redispatch", map[string]any{"unit_id": e.f.Dept.ID})
		e.act(t, "dept_handler", tk.Number, "acknowledge", nil)
		// Not dispatched yet: pending.
		e.create(t, "agent", lift)

		q := mustJSON[app.SuggestionQuality](t, e.do(t, "GET", "/api/v1/settings/dispatch/quality", "admin", nil), http.StatusOK)
		if c := q.Classifier; q.Days != 90 || c.Decided != 2 || c.Right != 1 || c.Pending != 1 || c.RightRate == nil || *c.RightRate != 0.5 {
			t.Errorf("classifier over %d days: %+v", q.Days, c)
		}
		if len(q.Units) != 1 || q.Units[0].ID != e.f.Community.ID || q.Units[0].Name != "海湖社区" || q.Units[0].Classifier.Decided != 2 {
			t.Errorf("units %+v", q.Units)
		}
		if q.Threshold.Enough || q.Drift.Enough || q.Drift.HeldOutAccuracy == nil || *q.Drift.HeldOutAccuracy != 0.95 {
			t.Errorf("threshold %+v, drift %+v", q.Threshold, q.Drift)
		}
		if q := mustJSON[app.SuggestionQuality](t, e.do(t, "GET", "/api/v1/settings/dispatch/quality?days=30", "admin", nil), http.StatusOK); q.Days != 30 || q.Classifier.Decided != 2 {
			t.Errorf("30 days: %+v", q)
		}
		for _, bad := range []string{"0", "367", "-3", "x"} {
			mustProblem(t, e.do(t, "GET", "/api/v1/settings/dispatch/quality?days="+bad, "admin", nil), http.StatusBadRequest, "invalid", "days")
		}
		mustStatus(t, e.do(t, "GET", "/api/v1/settings/dispatch/quality?since=1", "admin", nil), http.StatusBadRequest)
		for _, u := range []string{"dispatcher", "leader", "handler"} {
			mustStatus(t, e.do(t, "GET", "/api/v1/settings/dispatch/quality", u, nil), http.StatusForbidden)
		}
		mustStatus(t, e.do(t, "GET", "/api/v1/settings/dispatch/quality", "", nil), http.StatusUnauthorized)
	})
}
