package ui_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Assigning a leader a matter from the form: refused without a goal (in
// Chinese, what was typed kept, the milestone rows too), then assigned and
// shown; a handler of the unit works on it, an agent has no board.
func TestResponsibilityPages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.f
		admin := e.signedIn(t, "admin")
		r := admin.get("/responsibility/new")
		if r.status != http.StatusOK || !strings.Contains(r.body, `name="leader_id"`) {
			t.Fatalf("the form: %d", r.status)
		}
		form := url.Values{"kind": {"enterprise"}, "title": {"某光伏组件制造企业"}, "goal": {""}, "leader_id": {itoa(f.Users["leader"].ID)},
			"unit_id": {itoa(f.Street.ID)}, "ms_title": {"走访企业", "", "", ""}, "ms_due": {"2026-03-20", "", "", ""}}
		r = admin.post("/responsibility", form)
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "请填写「包保目标」。") || !strings.Contains(r.body, `value="某光伏组件制造企业"`) ||
			!strings.Contains(r.body, `value="走访企业"`) || !strings.Contains(r.body, `value="2026-03-20"`) {
			t.Fatalf("without a goal: %d %s", r.status, r.body)
		}
		form.Set("goal", "帮助企业解决融资难题")
		r = admin.post("/responsibility", form)
		if r.status != http.StatusOK || !strings.Contains(r.body, "已保存") || !strings.Contains(r.body, "帮助企业解决融资难题") ||
			!strings.Contains(r.body, "走访企业") || !strings.Contains(r.body, "重点企业") {
			t.Fatalf("assigned: %d %s", r.status, r.body)
		}
		h := e.signedIn(t, "street_handler")
		r = h.get("/responsibility")
		if r.status != http.StatusOK || !strings.Contains(r.body, "某光伏组件制造企业") {
			t.Fatalf("the street's handler's board: %d", r.status)
		}
		other := e.signedIn(t, "other_handler")
		if r := other.get("/responsibility"); r.status != http.StatusOK || strings.Contains(r.body, "某光伏组件制造企业") {
			t.Errorf("another street's handler sees the matter: %d", r.status)
		}
		if r := e.signedIn(t, "agent").get("/responsibility"); r.status != http.StatusForbidden {
			t.Errorf("an agent's board: %d", r.status)
		}
	})
}
