package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/web"
)

// employEnv adds two employers' accounts and a seeker's account to the
// test district.
func employEnv(t *testing.T, e *env) {
	t.Helper()
	for _, u := range []app.NewUser{
		{Username: "boss", Name: "王经理", Role: org.RoleEmployer, UnitID: e.f.District.ID, Password: apptest.Password},
		{Username: "boss2", Name: "李经理", Role: org.RoleEmployer, UnitID: e.f.District.ID, Password: apptest.Password},
		{Username: "worker", Name: "祁小军", Role: org.RoleWorker, UnitID: e.f.District.ID, Password: apptest.Password},
	} {
		usr, err := e.f.Svc.CreateUser(context.Background(), kit.System(), u)
		if err != nil {
			t.Fatal(err)
		}
		e.f.Users[u.Username] = usr
		e.addToken(t, u.Username)
	}
}

type idOnly struct {
	ID string `json:"id"`
}

// The main loop over the JSON API, every answer checked against the
// OpenAPI document by the harness: an employer registers and is verified,
// its post is reviewed and published, a seeker applies and is hired;
// bad input names its field and reason.
func TestEmployAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		employEnv(t, e)
		r := e.do(t, "POST", "/api/v1/employ/employers", "boss", map[string]any{"name": "惠民超市", "credit_code": "91350100M000100Y44",
			"contact_name": "王经理", "contact_phone": "13897001234"})
		if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), `"reason":"credit_code_invalid"`) {
			t.Errorf("bad credit code: %s", r)
		}
		var emp idOnly
		json.Unmarshal(mustOK(t, e.do(t, "POST", "/api/v1/employ/employers", "boss", map[string]any{"name": "惠民超市",
			"credit_code": "91350100M000100Y43", "contact_name": "王经理", "contact_phone": "13897001234"})), &emp)
		mustOK(t, e.do(t, "POST", "/api/v1/employ/employers/"+emp.ID+"/verify", "street_handler", nil))
		post := map[string]any{"employer_id": emp.ID, "title": "理货员", "occupation": "4-01-02", "kind": "full_time",
			"salary_min": 4000, "salary_max": 3000, "area": "兴海路街道"}
		r = e.do(t, "POST", "/api/v1/employ/posts", "boss", post)
		if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), `"field":"salary_max"`) {
			t.Errorf("salary min above max: %s", r)
		}
		post["salary_min"] = 3000
		post["salary_max"] = 4000
		var p idOnly
		json.Unmarshal(mustOK(t, e.do(t, "POST", "/api/v1/employ/posts", "boss", post)), &p)
		mustOK(t, e.do(t, "POST", "/api/v1/employ/posts/"+p.ID+"/actions/submit", "boss", map[string]any{}))
		if r := e.do(t, "POST", "/api/v1/employ/posts/"+p.ID+"/actions/approve", "boss", map[string]any{}); r.status != http.StatusForbidden {
			t.Errorf("an employer approved its own post: %s", r)
		}
		mustOK(t, e.do(t, "POST", "/api/v1/employ/posts/"+p.ID+"/actions/approve", "street_handler", map[string]any{}))

		mustOK(t, e.do(t, "POST", "/api/v1/employ/seekers", "worker", map[string]any{"name": "祁小军", "phone": "13997001237",
			"skills": []string{"4-01"}, "kinds": []string{"full_time"}, "area": "兴海路街道", "consent": true}))
		var me struct {
			Seeker struct {
				ID    string `json:"id"`
				Phone string `json:"phone"`
			} `json:"seeker"`
			Openings []struct {
				Match struct {
					Score int `json:"score"`
				} `json:"match"`
			} `json:"openings"`
		}
		json.Unmarshal(mustOK(t, e.do(t, "GET", "/api/v1/employ/me", "worker", nil)), &me)
		// The seeker's own profile: their own phone in full.
		if len(me.Openings) != 1 || me.Openings[0].Match.Score != 100 || me.Seeker.Phone != "13997001237" {
			t.Fatalf("the seeker's view: %+v", me)
		}
		var a idOnly
		json.Unmarshal(mustOK(t, e.do(t, "POST", "/api/v1/employ/posts/"+p.ID+"/applications", "worker", map[string]any{})), &a)
		for _, act := range []string{"view", "interview", "offer", "hire"} {
			mustOK(t, e.do(t, "POST", "/api/v1/employ/applications/"+a.ID+"/actions/"+act, "boss", map[string]any{}))
		}
		r = e.do(t, "POST", "/api/v1/employ/seekers/"+me.Seeker.ID+"/reveal", "boss", map[string]any{"reason": "通知报到"})
		if r.status != http.StatusOK || !strings.Contains(string(r.body), "13997001237") || r.hdr.Get("Cache-Control") != "no-store" {
			t.Errorf("reveal: %s", r)
		}
		var v struct {
			Status     string `json:"status"`
			Applicants []struct {
				Status string `json:"status"`
			} `json:"applicants"`
		}
		json.Unmarshal(mustOK(t, e.do(t, "GET", "/api/v1/employ/posts/"+p.ID, "boss", nil)), &v)
		if v.Status != "filled" || len(v.Applicants) != 1 || v.Applicants[0].Status != "hired" {
			t.Errorf("the post after the hire: %+v", v)
		}
		var fig struct {
			Placements int `json:"placements"`
		}
		json.Unmarshal(mustOK(t, e.do(t, "GET", "/api/v1/employ/figures", "leader", nil)), &fig)
		if fig.Placements != 1 {
			t.Errorf("figures %+v", fig)
		}
		mustOK(t, e.do(t, "GET", "/api/v1/employ/posts?status=filled", "boss", nil))
		mustOK(t, e.do(t, "GET", "/api/v1/employ/employers", "street_handler", nil))
		mustOK(t, e.do(t, "POST", "/api/v1/employ/seekers/"+me.Seeker.ID+"/caseworker", "grid_worker", map[string]any{}))
		var mine struct {
			Seekers []struct {
				ID string `json:"id"`
			} `json:"seekers"`
		}
		json.Unmarshal(mustOK(t, e.do(t, "GET", "/api/v1/employ/seekers?mine=true", "grid_worker", nil)), &mine)
		if len(mine.Seekers) != 1 || mine.Seekers[0].ID != me.Seeker.ID {
			t.Errorf("the caseworker's seekers after taking one: %+v", mine)
		}
		if r := e.do(t, "POST", "/api/v1/employ/seekers/"+me.Seeker.ID+"/caseworker", "grid_worker",
			map[string]any{"user_id": itoa(e.f.Users["handler"].ID)}); r.status != http.StatusForbidden {
			t.Errorf("a caseworker assigned someone else: %s", r)
		}
		mustOK(t, e.do(t, "GET", "/api/v1/employ/follow-ups?all=true", "grid_worker", nil))
		if r := e.do(t, "GET", "/api/v1/employ/posts?colour=red", "boss", nil); r.status != http.StatusBadRequest {
			t.Errorf("unknown parameter: %s", r)
		}
	})
}

// Every job matching write route is refused to those who are not its
// party — a leader, an agent, another employer — and writes no audit
// entry. A new write route fails this test until its parties are decided
// here.
func TestEmployWritesOutsideScope(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		employEnv(t, e)
		var emp, p, k, a idOnly
		json.Unmarshal(mustOK(t, e.do(t, "POST", "/api/v1/employ/employers", "boss", map[string]any{"name": "惠民超市",
			"credit_code": "91350100M000100Y43", "contact_name": "王经理", "contact_phone": "13897001234"})), &emp)
		mustOK(t, e.do(t, "POST", "/api/v1/employ/employers/"+emp.ID+"/verify", "admin", nil))
		post := map[string]any{"employer_id": emp.ID, "title": "理货员", "occupation": "4-01-02", "salary_min": 3000, "salary_max": 4000, "area": "兴海路街道"}
		json.Unmarshal(mustOK(t, e.do(t, "POST", "/api/v1/employ/posts", "boss", post)), &p)
		mustOK(t, e.do(t, "POST", "/api/v1/employ/posts/"+p.ID+"/actions/submit", "boss", map[string]any{}))
		mustOK(t, e.do(t, "POST", "/api/v1/employ/posts/"+p.ID+"/actions/approve", "admin", map[string]any{}))
		json.Unmarshal(mustOK(t, e.do(t, "POST", "/api/v1/employ/seekers", "grid_worker", map[string]any{"name": "马小花", "phone": "13997001234",
			"skills": []string{"4-01"}, "kinds": []string{"full_time"}, "area": "兴海路街道", "hard": true, "consent": true})), &k)
		json.Unmarshal(mustOK(t, e.do(t, "POST", "/api/v1/employ/posts/"+p.ID+"/applications", "grid_worker", map[string]any{"seeker_id": k.ID})), &a)
		seeker := map[string]any{"name": "马小花", "phone": "13997001234", "skills": []string{"4-01"}, "kinds": []string{"full_time"}, "area": "兴海路街道"}
		calls := map[string]struct {
			path string
			body any
		}{
			"POST /api/v1/employ/employers":                          {"/api/v1/employ/employers", map[string]any{"name": "x", "credit_code": "91350100M000100Y43", "contact_name": "x", "contact_phone": "13897001234"}},
			"POST /api/v1/employ/employers/{id}/verify":              {"/api/v1/employ/employers/" + emp.ID + "/verify", nil},
			"POST /api/v1/employ/employers/{id}/arrears":             {"/api/v1/employ/employers/" + emp.ID + "/arrears", map[string]any{"arrears": true, "note": "x"}},
			"POST /api/v1/employ/posts":                              {"/api/v1/employ/posts", post},
			"PUT /api/v1/employ/posts/{id}":                          {"/api/v1/employ/posts/" + p.ID, post},
			"POST /api/v1/employ/posts/{id}/actions/{action}":        {"/api/v1/employ/posts/" + p.ID + "/actions/close", map[string]any{}},
			"POST /api/v1/employ/posts/{id}/applications":            {"/api/v1/employ/posts/" + p.ID + "/applications", map[string]any{"seeker_id": k.ID}},
			"POST /api/v1/employ/applications/{id}/actions/{action}": {"/api/v1/employ/applications/" + a.ID + "/actions/reject", map[string]any{}},
			"POST /api/v1/employ/seekers":                            {"/api/v1/employ/seekers", seeker},
			"PUT /api/v1/employ/seekers/{id}":                        {"/api/v1/employ/seekers/" + k.ID, seeker},
			"POST /api/v1/employ/seekers/{id}/reveal":                {"/api/v1/employ/seekers/" + k.ID + "/reveal", map[string]any{"reason": "x"}},
			"POST /api/v1/employ/seekers/{id}/caseworker":            {"/api/v1/employ/seekers/" + k.ID + "/caseworker", map[string]any{}},
			"POST /api/v1/employ/follow-ups/{id}/{month}":            {"/api/v1/employ/follow-ups/" + a.ID + "/1", map[string]any{"outcome": "employed"}},
		}
		for _, route := range web.Routes(e.srv) {
			method, path, _ := strings.Cut(route, " ")
			if method != "GET" && strings.HasPrefix(path, "/api/v1/employ/") {
				if _, ok := calls[route]; !ok {
					t.Errorf("%s is not in the walk", route)
				}
			}
		}
		audit := func() int {
			var n int
			e.f.DB.Read(context.Background(), func(tx *store.Tx) error {
				es, _ := store.ListAuditLog(context.Background(), tx, store.AuditFilter{Limit: store.MaxAuditPage})
				n = len(es)
				return nil
			})
			return n
		}
		before := audit()
		routes := make([]string, 0, len(calls))
		for r := range calls {
			routes = append(routes, r)
		}
		slices.Sort(routes)
		for _, user := range []string{"leader", "agent", "boss2"} {
			for _, route := range routes {
				call := calls[route]
				method, _, _ := strings.Cut(route, " ")
				if user == "boss2" && route == "POST /api/v1/employ/employers" {
					continue // any employer registers its own company
				}
				r := e.do(t, method, call.path, user, call.body)
				if user == "boss2" && route == "POST /api/v1/employ/posts" && r.status == http.StatusBadRequest &&
					strings.Contains(string(r.body), `"field":"employer_id"`) {
					continue // another's employer is not one of its own
				}
				if r.status != http.StatusForbidden && r.status != http.StatusNotFound {
					t.Errorf("%s as %s: %s, want 403 or 404", route, user, r)
				}
			}
		}
		if after := audit(); after != before {
			t.Errorf("refused calls wrote the audit log: %d entries, then %d", before, after)
		}
	})
}

func init() {
	// Job matching is the casework of employment staff, employers and
	// seekers, walked by role in this file.
	registerWalk("employ", capabilityWalk{casework: []string{"/api/v1/employ/"}})
}
