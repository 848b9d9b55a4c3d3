package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
	"github.com/minsheng/minsheng/web"
)

// mediationEnv adds a mediator of the street, an admin of the other
// street and a dispute category to the test district, and registers a
// dispute call.
func mediationEnv(t *testing.T, e *env) *ticket.Ticket {
	t.Helper()
	ctx := context.Background()
	f := e.f
	for _, u := range []app.NewUser{
		{Username: "mediator", Name: "调解员", Role: org.RoleMediator, UnitID: f.Street.ID, Password: apptest.Password},
		{Username: "other_admin", Name: "虎台管理员", Role: org.RoleAdmin, UnitID: f.OtherStreet.ID, Password: apptest.Password},
	} {
		usr, err := f.Svc.CreateUser(ctx, kit.System(), u)
		if err != nil {
			t.Fatal(err)
		}
		f.Users[u.Username] = usr
		e.addToken(t, u.Username)
	}
	root, err := f.Svc.CreateCategory(ctx, kit.System(), app.NewCategory{Code: "dispute", Name: "矛盾纠纷"})
	if err != nil {
		t.Fatal(err)
	}
	tk, _, err := f.Svc.CreateTicket(ctx, f.Users["agent"], ticket.NewTicket{Title: "邻居漏水", Description: "楼上漏水协商不成",
		Kind: ticket.KindHelp, CallerName: "王秀兰", CallerPhone: "13897001234", Address: "海湖路18号", CategoryID: root.ID}, "")
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// The main loop over the JSON API, every answer checked against the
// OpenAPI document by the harness: a dispute ticket becomes a case, is
// mediated in a session to an agreement with two instalments, performed
// and closed; bad input names its field.
func TestMediationAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		tk := mediationEnv(t, e)
		var c struct {
			ID     string `json:"id"`
			Number string `json:"number"`
		}
		json.Unmarshal(mustOK(t, e.do(t, "POST", "/api/v1/mediation/cases", "agent", map[string]any{
			"type": "neighbour", "title": "楼上漏水纠纷", "ticket": tk.Number, "unit_id": itoa(e.f.Street.ID),
			"parties": []map[string]any{{"side": "applicant", "name": "王秀兰", "phone": "13897001234"},
				{"side": "respondent", "name": "李建国", "phone": "13997005678"}}})), &c)
		base := "/api/v1/mediation/cases/" + c.Number
		if r := e.do(t, "POST", base+"/agreement", "mediator", map[string]any{"terms": "x", "sign_mode": "paper",
			"effective": "2026-03-02T09:00:00+08:00"}); r.status != http.StatusConflict {
			t.Errorf("an agreement before mediation: %s", r)
		}
		mustOK(t, e.do(t, "POST", base+"/actions/accept", "mediator", map[string]any{}))
		if r := e.do(t, "POST", base+"/actions/decline", "mediator", map[string]any{}); r.status != http.StatusConflict {
			t.Errorf("declined an accepted case: %s", r)
		}
		mustOK(t, e.do(t, "POST", base+"/sessions", "mediator", map[string]any{"at": "2026-03-03T09:00:00+08:00", "place": "调解室"}))
		mustOK(t, e.do(t, "POST", base+"/sessions/1/record", "mediator", map[string]any{"record": "双方同意赔偿"}))
		mustOK(t, e.do(t, "POST", base+"/notes", "mediator", map[string]any{"body": "共同记录", "session": 1}))
		r := e.do(t, "POST", base+"/agreement", "mediator", map[string]any{"terms": "赔偿 2000 元", "sign_mode": "fax",
			"effective": "2026-03-02T09:00:00+08:00"})
		if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), `"field":"sign_mode"`) {
			t.Errorf("bad sign mode: %s", r)
		}
		mustOK(t, e.do(t, "POST", base+"/agreement", "mediator", map[string]any{"terms": "赔偿 2000 元", "sign_mode": "sms",
			"effective": "2026-03-02T09:00:00+08:00", "schedule": []map[string]any{
				{"due": "2026-03-10T00:00:00+08:00", "amount_fen": 100000}, {"due": "2026-04-10T00:00:00+08:00", "amount_fen": 100000}}}))
		// Signed by SMS code: not in force until both parties have given
		// the codes of their SMS.
		if r := e.do(t, "POST", base+"/instalments/1/paid", "mediator", nil); r.status != http.StatusConflict {
			t.Errorf("paid before it was signed: %s", r)
		}
		var sv struct {
			Signatures []struct {
				PartyID string `json:"party_id"`
				Signed  string `json:"signed_at"`
			} `json:"signatures"`
		}
		json.Unmarshal(mustOK(t, e.do(t, "GET", base, "mediator", nil)), &sv)
		codes := map[string]string{}
		e.f.DB.Read(context.Background(), func(tx *store.Tx) error {
			ds, _ := store.ListDeliveries(context.Background(), tx, store.DeliveryFilter{Channel: "sms"})
			for _, d := range ds {
				if d.Template == "mediation.sign_code" {
					codes[d.Recipient] = regexp.MustCompile(`验证码：(\d{6})`).FindStringSubmatch(d.Body)[1]
				}
			}
			return nil
		})
		if len(sv.Signatures) != 2 || len(codes) != 2 {
			t.Fatalf("signatures %+v, codes to %d phones", sv.Signatures, len(codes))
		}
		wrong := "000000"
		if codes["13897001234"] == wrong {
			wrong = "111111"
		}
		r = e.do(t, "POST", base+"/signatures/"+sv.Signatures[0].PartyID+"/confirm", "mediator", map[string]any{"code": wrong})
		if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), `"reason":"code_wrong"`) {
			t.Errorf("a wrong code: %s", r)
		}
		if r := e.do(t, "POST", base+"/signatures/send", "mediator", map[string]any{"party_id": sv.Signatures[0].PartyID}); r.status != http.StatusTooManyRequests {
			t.Errorf("a new code at once: %s", r)
		}
		mustOK(t, e.do(t, "POST", base+"/signatures/"+sv.Signatures[0].PartyID+"/confirm", "mediator", map[string]any{"code": codes["13897001234"]}))
		mustOK(t, e.do(t, "POST", base+"/signatures/"+sv.Signatures[1].PartyID+"/confirm", "mediator", map[string]any{"code": codes["13997005678"]}))
		mustOK(t, e.do(t, "POST", base+"/instalments/1/paid", "mediator", nil))
		mustOK(t, e.do(t, "POST", base+"/judicial", "mediator", nil))
		mustOK(t, e.do(t, "POST", base+"/instalments/2/paid", "mediator", nil))
		if r := e.do(t, "POST", base+"/actions/close", "mediator", map[string]any{"note": "回访满意"}); r.status != http.StatusConflict ||
			!strings.Contains(string(r.body), `"reason":"visit_required"`) {
			t.Errorf("closed before the return visit: %s", r)
		}
		mustOK(t, e.do(t, "POST", base+"/visits", "mediator", map[string]any{"result": "performed", "satisfaction": "satisfied", "note": "电话回访"}))
		mustOK(t, e.do(t, "POST", base+"/actions/close", "mediator", map[string]any{"note": "回访满意"}))
		var v struct {
			Case struct {
				Status string `json:"status"`
			} `json:"case"`
			Parties []struct {
				ID    string `json:"id"`
				Phone string `json:"phone"`
			} `json:"parties"`
			TicketNumber string `json:"ticket_number"`
		}
		json.Unmarshal(mustOK(t, e.do(t, "GET", base, "leader", nil)), &v)
		if v.Case.Status != "closed" || v.TicketNumber != tk.Number || v.Parties[0].Phone != "138****1234" {
			t.Errorf("case as the leader sees it: %+v", v)
		}
		if r := e.do(t, "POST", base+"/parties/"+v.Parties[0].ID+"/reveal", "mediator", map[string]any{"reason": "电话回访"}); r.status != http.StatusOK ||
			!strings.Contains(string(r.body), "13897001234") || r.hdr.Get("Cache-Control") != "no-store" {
			t.Errorf("reveal: %s", r)
		}
		mustOK(t, e.do(t, "GET", "/api/v1/mediation/cases?status=closed", "mediator", nil))
		var fig struct {
			Cases           int     `json:"cases"`
			PerformanceRate float64 `json:"performance_rate"`
		}
		json.Unmarshal(mustOK(t, e.do(t, "GET", "/api/v1/mediation/figures?since=2026-01-01", "leader", nil)), &fig)
		if fig.Cases != 1 || fig.PerformanceRate != 1 {
			t.Errorf("figures %+v", fig)
		}
		if r := e.do(t, "GET", "/api/v1/mediation/cases?colour=red", "leader", nil); r.status != http.StatusBadRequest {
			t.Errorf("unknown parameter: %s", r)
		}
	})
}

// Every mediation write route is refused to those outside the case's
// scope — an admin of another street, an agent, a leader — and leaves
// the case's timeline as it was. A new write route fails this test until
// its scope is decided here.
func TestMediationWritesOutsideScope(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		tk := mediationEnv(t, e)
		var c struct {
			Number string `json:"number"`
		}
		json.Unmarshal(mustOK(t, e.do(t, "POST", "/api/v1/mediation/cases", "mediator", map[string]any{
			"type": "neighbour", "source": "walk_in", "title": "漏水",
			"parties": []map[string]any{{"side": "applicant", "name": "王秀兰"}, {"side": "respondent", "name": "李建国"}}})), &c)
		base := "/api/v1/mediation/cases/" + c.Number
		mustOK(t, e.do(t, "POST", base+"/actions/accept", "mediator", map[string]any{}))
		calls := map[string]struct {
			path string
			body any
		}{
			"POST /api/v1/mediation/cases": {"/api/v1/mediation/cases", map[string]any{"type": "neighbour", "title": "x", "ticket": tk.Number,
				"unit_id": itoa(e.f.Street.ID)}},
			"POST /api/v1/mediation/cases/{ref}/actions/{action}":        {base + "/actions/close", map[string]any{}},
			"POST /api/v1/mediation/cases/{ref}/sessions":                {base + "/sessions", map[string]any{"at": "2026-03-03T09:00:00+08:00", "place": "x"}},
			"POST /api/v1/mediation/cases/{ref}/sessions/{seq}/record":   {base + "/sessions/1/record", map[string]any{"record": "x"}},
			"POST /api/v1/mediation/cases/{ref}/notes":                   {base + "/notes", map[string]any{"body": "x"}},
			"POST /api/v1/mediation/cases/{ref}/agreement":               {base + "/agreement", map[string]any{"terms": "x", "sign_mode": "paper", "effective": "2026-03-02T09:00:00+08:00"}},
			"POST /api/v1/mediation/cases/{ref}/instalments/{seq}/paid":  {base + "/instalments/1/paid", nil},
			"POST /api/v1/mediation/cases/{ref}/judicial":                {base + "/judicial", nil},
			"POST /api/v1/mediation/cases/{ref}/parties/{id}/reveal":     {base + "/parties/1/reveal", map[string]any{"reason": "x"}},
			"POST /api/v1/mediation/cases/{ref}/parties":                 {base + "/parties", map[string]any{"side": "respondent", "name": "x"}},
			"POST /api/v1/mediation/cases/{ref}/signatures/send":         {base + "/signatures/send", map[string]any{}},
			"POST /api/v1/mediation/cases/{ref}/signatures/{id}/confirm": {base + "/signatures/1/confirm", map[string]any{"code": "123456"}},
			"POST /api/v1/mediation/cases/{ref}/scans":                   {base + "/scans", nil},
			"POST /api/v1/mediation/cases/{ref}/visits":                  {base + "/visits", map[string]any{"result": "performed", "satisfaction": "satisfied"}},
		}
		for _, route := range web.Routes(e.srv) {
			if strings.HasPrefix(route, "POST /api/v1/mediation/") {
				if _, ok := calls[route]; !ok {
					t.Errorf("%s is not in the walk", route)
				}
			}
		}
		timeline := func() int {
			var n int
			e.f.DB.Read(context.Background(), func(tx *store.Tx) error {
				cs, _ := store.ListMediationCases(context.Background(), tx, store.MediationFilter{})
				for _, c := range cs {
					tl, _ := store.ListTimeline(context.Background(), tx, "mediation_case", c.ID)
					n += len(tl)
				}
				return nil
			})
			return n
		}
		before := timeline()
		routes := make([]string, 0, len(calls))
		for r := range calls {
			routes = append(routes, r)
		}
		slices.Sort(routes)
		for _, user := range []string{"other_admin", "leader", "handler"} {
			for _, route := range routes {
				call := calls[route]
				r := e.do(t, "POST", call.path, user, call.body)
				if r.status != http.StatusForbidden && r.status != http.StatusNotFound {
					t.Errorf("%s as %s: %s, want 403 or 404", route, user, r)
				}
			}
		}
		if after := timeline(); after != before {
			t.Errorf("refused calls changed the timelines: %d events, then %d", before, after)
		}
	})
}

func init() {
	// Mediation cases are mediators' casework, walked by role and scope in
	// this file.
	registerWalk("mediation", capabilityWalk{casework: []string{"/api/v1/mediation/"}})
}
