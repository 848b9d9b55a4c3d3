package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng/app/apptest"
)

// newResponsibility is an assignment of the fixture's leader, with the
// unit and two milestones.
func newResponsibility(e *env, unitID int64) map[string]any {
	return map[string]any{"kind": "petition", "title": "某小区业主反映物业公司多收取暖费问题", "goal": "退还多收费用，息诉罢访",
		"leader_id": e.f.Users["leader"].ID, "unit_id": unitID, "milestones": []map[string]any{
			{"title": "领导接访", "due": apptest.Start.AddDate(0, 0, 3).Format(time.RFC3339)},
			{"title": "书面答复", "due": apptest.Start.AddDate(0, 0, 20).Format(time.RFC3339)}}}
}

func respPath(id *int64, rest string) func() string {
	return func() string { return "/api/v1/responsibilities/" + itoa(*id) + rest }
}

// responsibilityAdminWrites are the responsibility routes in the walk of
// audited writes, as the district's admin.
func responsibilityAdminWrites(t *testing.T, e *env) []adminWrite {
	var id int64
	on := func([]byte) int64 { return id }
	tk := e.f.Dispatched(t)
	return []adminWrite{
		{pattern: "POST /api/v1/responsibilities", path: func() string { return "/api/v1/responsibilities" }, status: http.StatusCreated,
			body: newResponsibility(e, e.f.Street.ID), object: "responsibility", action: "assign", detail: []string{"kind=petition", "milestones=2"},
			id:      func(b []byte) int64 { id = idOf(b); return id },
			refused: map[string]any{"kind": "petition", "title": "某信访件", "goal": "化解", "leader_id": e.f.Users["agent"].ID, "unit_id": e.f.Street.ID}},
		{pattern: "POST /api/v1/responsibilities/{id}/milestones/{seq}/done", path: respPath(&id, "/milestones/1/done"), status: http.StatusOK,
			body: map[string]any{"note": "已接访"}, object: "responsibility", id: on, action: "milestone_done", detail: []string{"seq=1", "to=working"},
			refusedPath: "/api/v1/responsibilities/0/milestones/9/done", refused: map[string]any{}, refusedStatus: http.StatusNotFound},
		{pattern: "POST /api/v1/responsibilities/{id}/milestones", path: respPath(&id, "/milestones"), status: http.StatusCreated,
			body:   map[string]any{"title": "回访", "due": apptest.Start.AddDate(0, 1, 0).Format(time.RFC3339)},
			object: "responsibility", id: on, action: "milestone_add", detail: []string{"seq=3"}, refused: map[string]any{"title": "回访"}},
		{pattern: "POST /api/v1/responsibilities/{id}/tickets", path: respPath(&id, "/tickets"), status: http.StatusOK,
			body: map[string]any{"ticket": tk.Number}, object: "responsibility", id: on, action: "link_ticket", detail: []string{"ticket=" + tk.Number},
			refused: map[string]any{"ticket": "20260101-99999"}},
		{pattern: "POST /api/v1/responsibilities/{id}/actions", path: respPath(&id, "/actions"), status: http.StatusOK,
			body: map[string]any{"action": "resolve", "note": "已退还多收费用"}, object: "responsibility", id: on, action: "resolve",
			detail: []string{"to=resolved"}, refused: map[string]any{"action": "resolve"}},
	}
}

// responsibilityStreetCalls are the responsibility routes in the street
// admin's walk: assigning leaders is the district's; the street's matters
// are the street admin's to work on, another street's are not.
func responsibilityStreetCalls(t *testing.T, e *env) []streetCall {
	f := e.f
	var in, out int64
	in = idOf(mustOK(t, e.do(t, "POST", "/api/v1/responsibilities", "admin", newResponsibility(e, f.Street.ID))))
	out = idOf(mustOK(t, e.do(t, "POST", "/api/v1/responsibilities", "admin", newResponsibility(e, f.OtherStreet.ID))))
	tk := f.Dispatched(t)
	return []streetCall{
		{name: "assign a leader", pattern: "POST /api/v1/responsibilities", path: func() string { return "/api/v1/responsibilities" },
			status: http.StatusForbidden, body: newResponsibility(e, f.Street.ID)},
		{name: "milestone done in the street", pattern: "POST /api/v1/responsibilities/{id}/milestones/{seq}/done",
			path: respPath(&in, "/milestones/1/done"), status: http.StatusOK, body: map[string]any{}},
		{name: "milestone done in another street", pattern: "POST /api/v1/responsibilities/{id}/milestones/{seq}/done",
			path: respPath(&out, "/milestones/1/done"), status: http.StatusForbidden, body: map[string]any{}},
		{name: "milestone added in the street", pattern: "POST /api/v1/responsibilities/{id}/milestones", path: respPath(&in, "/milestones"),
			status: http.StatusCreated, body: map[string]any{"title": "回访", "due": apptest.Start.AddDate(0, 1, 0).Format(time.RFC3339)}},
		{name: "milestone added in another street", pattern: "POST /api/v1/responsibilities/{id}/milestones", path: respPath(&out, "/milestones"),
			status: http.StatusForbidden, body: map[string]any{"title": "回访", "due": apptest.Start.AddDate(0, 1, 0).Format(time.RFC3339)}},
		{name: "ticket linked in the street", pattern: "POST /api/v1/responsibilities/{id}/tickets", path: respPath(&in, "/tickets"),
			status: http.StatusOK, body: map[string]any{"ticket": tk.Number}},
		{name: "ticket linked in another street", pattern: "POST /api/v1/responsibilities/{id}/tickets", path: respPath(&out, "/tickets"),
			status: http.StatusForbidden, body: map[string]any{"ticket": tk.Number}},
		{name: "action in the street", pattern: "POST /api/v1/responsibilities/{id}/actions", path: respPath(&in, "/actions"),
			status: http.StatusOK, body: map[string]any{"action": "resolve", "note": "已化解"}},
		{name: "action in another street", pattern: "POST /api/v1/responsibilities/{id}/actions", path: respPath(&out, "/actions"),
			status: http.StatusForbidden, body: map[string]any{"action": "start"}},
	}
}

// The leaders' board over the API: a matter assigned, its first milestone
// overdue on the board until the leader records it done, a work order
// linked, resolved; refusals name their field.
func TestResponsibilityAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.f
		var a struct {
			ID     int64  `json:"id"`
			Status string `json:"status"`
		}
		json.Unmarshal(mustOK(t, e.do(t, "POST", "/api/v1/responsibilities", "leader", newResponsibility(e, f.Street.ID))), &a)
		if a.Status != "assigned" {
			t.Fatalf("assigned: %+v", a)
		}
		mustStatus(t, e.do(t, "POST", "/api/v1/responsibilities", "handler", newResponsibility(e, f.Street.ID)), http.StatusForbidden)
		bad := newResponsibility(e, f.Street.ID)
		bad["kind"] = "road"
		if r := e.do(t, "POST", "/api/v1/responsibilities", "admin", bad); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), `"field":"kind"`) {
			t.Errorf("unknown kind: %d %s", r.status, r.body)
		}
		f.Clock.Advance(5 * 24 * time.Hour)
		type board struct {
			Leaders []struct {
				LeaderName        string `json:"leader_name"`
				OverdueMilestones int    `json:"overdue_milestones"`
			} `json:"leaders"`
			Figures struct {
				Total        int            `json:"total"`
				ByKind       map[string]int `json:"by_kind"`
				OverdueItems int            `json:"overdue_items"`
			} `json:"figures"`
		}
		b := mustJSON[board](t, e.do(t, "GET", "/api/v1/responsibilities", "leader", nil), http.StatusOK)
		if b.Figures.Total != 1 || b.Figures.ByKind["petition"] != 1 || b.Figures.OverdueItems != 1 || b.Leaders[0].OverdueMilestones != 1 {
			t.Errorf("board %+v", b)
		}
		mustStatus(t, e.do(t, "GET", "/api/v1/responsibilities?kind=road", "leader", nil), http.StatusBadRequest)
		id := itoa(a.ID)
		mustOK(t, e.do(t, "POST", "/api/v1/responsibilities/"+id+"/milestones/1/done", "leader", map[string]any{"note": "已接访"}))
		tk := f.Dispatched(t)
		mustOK(t, e.do(t, "POST", "/api/v1/responsibilities/"+id+"/tickets", "leader", map[string]any{"ticket": tk.Number}))
		if r := e.do(t, "POST", "/api/v1/responsibilities/"+id+"/actions", "leader", map[string]any{"action": "resolve"}); r.status != http.StatusBadRequest ||
			!strings.Contains(string(r.body), `"field":"note"`) {
			t.Errorf("resolve without a note: %d %s", r.status, r.body)
		}
		mustStatus(t, e.do(t, "POST", "/api/v1/responsibilities/"+id+"/actions", "leader", map[string]any{"action": "stabilize", "note": "x"}),
			http.StatusConflict)
		mustOK(t, e.do(t, "POST", "/api/v1/responsibilities/"+id+"/actions", "leader", map[string]any{"action": "resolve", "note": "已退还"}))
		var d struct {
			Status  string `json:"status"`
			Tickets []struct {
				Number string `json:"number"`
			} `json:"tickets"`
			Timeline []struct {
				Action string `json:"action"`
			} `json:"timeline"`
		}
		json.Unmarshal(mustOK(t, e.do(t, "GET", "/api/v1/responsibilities/"+id, "leader", nil)), &d)
		if d.Status != "resolved" || len(d.Tickets) != 1 || d.Tickets[0].Number != tk.Number || len(d.Timeline) != 4 {
			t.Errorf("detail %+v", d)
		}
		b = mustJSON[board](t, e.do(t, "GET", "/api/v1/responsibilities", "leader", nil), http.StatusOK)
		if b.Figures.OverdueItems != 0 {
			t.Errorf("a resolved matter still overdue: %+v", b)
		}
		mustStatus(t, e.do(t, "GET", "/api/v1/responsibilities/"+id, "agent", nil), http.StatusNotFound)
	})
}

func init() {
	registerWalk("responsibility", capabilityWalk{audit: responsibilityAdminWrites, street: responsibilityStreetCalls})
}
