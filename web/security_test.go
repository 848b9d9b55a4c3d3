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
)

// streetCall is one administrative call of the JSON API made by an admin
// of a street: what it sends and what it must be answered.
type streetCall struct {
	name    string
	pattern string // the route, as routes() registers it
	path    func() string
	body    any
	status  int // 403 for district-wide objects, 404 (or the field's 400) for objects out of sight, success inside the street
}

// An admin whose grant covers one street administers that street's users
// and units and nothing district-wide: categories, webhooks, Open311
// clients and services, the knowledge base, routing and deadline rules,
// the calendar and the settings are refused (403), objects outside the
// street are out of sight (404, or 400 naming the field that points
// outside), and a refused call changes nothing (no audit entry). The walk
// covers every administrative write route (adminWriteRoutes), so that a new
// route fails here until its scope is decided.
func TestSecurityStreetAdmin(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.f
		ctx := context.Background()
		sa, err := f.Svc.CreateUser(ctx, kit.System(), app.NewUser{Username: "street_admin", Name: "街道管理员",
			Grants: []org.Grant{{Role: org.RoleAdmin}}, UnitID: f.Street.ID, Password: apptest.Password})
		if err != nil {
			t.Fatal(err)
		}
		if sa.UnitPath != f.Street.Path {
			t.Fatalf("street admin in %s, want %s", sa.UnitPath, f.Street.Path)
		}
		e.addToken(t, "street_admin")

		// District-wide objects, made by the district's admin.
		sla := map[string]any{"acknowledge": map[string]int{"working_days": 1}, "reply": map[string]int{"working_days": 5},
			"callback": map[string]int{"working_days": 2}}
		rule := idOf(mustOK(t, e.do(t, "POST", "/api/v1/routing-rules", "admin",
			map[string]any{"name": "燃气", "keywords": []string{"燃气"}, "unit_id": f.Dept.ID})))
		slaRule := idOf(mustOK(t, e.do(t, "POST", "/api/v1/sla-rules", "admin",
			map[string]any{"category_id": f.Category.ID, "urgency": "urgent", "sla": sla})))
		article := idOf(mustOK(t, e.do(t, "POST", "/api/v1/kb/articles", "admin",
			map[string]any{"title": "电梯停运怎么办", "body": "先联系物业维保单位。"})))
		var hook struct{ Webhook struct{ ID int64 } }
		json.Unmarshal(mustOK(t, e.do(t, "POST", "/api/v1/webhooks", "admin",
			map[string]any{"name": "督查系统", "url": "https://example.org/hook"})), &hook)
		mustOK(t, e.do(t, "POST", "/api/v1/open311/clients", "admin", map[string]any{"name": "FixMyStreet"}))
		svc := "/api/v1/open311/services/" + f.Category.Code
		mustOK(t, e.do(t, "POST", svc+"/attributes", "admin", map[string]any{"code": "floor", "datatype": "number", "description": "楼层"}))

		// A district campaign of the screening ledger and an item of it
		// found in the street (the grids capability).
		campaign := idOf(mustOK(t, e.do(t, "POST", "/api/v1/ledger/campaigns", "admin",
			map[string]any{"title": "大排查", "unit_id": f.District.ID, "deadline": "2026-04-01T00:00:00Z",
				"checklist": []map[string]string{{"question": "消防通道是否畅通", "type": "yesno"}}})))
		ledgerItem := idOf(mustOK(t, e.do(t, "POST", "/api/v1/ledger/campaigns/"+itoa(campaign)+"/items", "admin",
			map[string]any{"problem": "消防通道堵塞", "place": "3号楼", "unit_id": f.Grid.ID})))

		// A station of the district's (the grids capability).
		districtStation := idOf(mustOK(t, e.do(t, "POST", "/api/v1/grid-stations", "admin",
			map[string]any{"name": "区微管站", "unit_id": f.District.ID, "address": "区政府", "hours": "9:00–17:00", "services": []string{"政策咨询"}})))

		// A token of a user in the street, and one of the district's admin.
		streetToken := idOf(mustOK(t, e.do(t, "POST", "/api/v1/users/handler/tokens", "admin", map[string]any{"name": "巡查"})))
		districtToken := idOf(mustOK(t, e.do(t, "POST", "/api/v1/users/admin/tokens", "admin", map[string]any{"name": "运维"})))

		fixed := func(p string) func() string { return func() string { return p } }
		settings := map[string]any{"max_returns": 3, "max_extensions": 1, "max_extension_days": 10, "remind_before_hours": 4,
			"escalate_after_days": 1}
		polygon := `{"type":"Polygon","coordinates":[[[101.7,36.6],[101.8,36.6],[101.8,36.7],[101.7,36.7],[101.7,36.6]]]}`
		calls := []streetCall{
			// The street's own users and units.
			{name: "unit in the street", pattern: "POST /api/v1/units", path: fixed("/api/v1/units"), status: http.StatusCreated,
				body: map[string]any{"parent_id": f.Street.ID, "kind": "community", "code": "xinhe", "name": "新河社区"}},
			{name: "unit under the district", pattern: "POST /api/v1/units", path: fixed("/api/v1/units"), status: http.StatusBadRequest,
				body: map[string]any{"parent_id": f.District.ID, "kind": "street", "code": "nanchuan", "name": "南川街道"}},
			{name: "user in the street", pattern: "POST /api/v1/users", path: fixed("/api/v1/users"), status: http.StatusCreated,
				body: map[string]any{"username": "street_agent", "name": "街道坐席", "role": "handler", "unit_id": f.Community.ID,
					"password": "a-long-password"}},
			{name: "user in the district", pattern: "POST /api/v1/users", path: fixed("/api/v1/users"), status: http.StatusBadRequest,
				body: map[string]any{"username": "agent2", "name": "新坐席", "role": "agent", "unit_id": f.District.ID,
					"password": "a-long-password"}},
			{name: "district admin for a street user", pattern: "POST /api/v1/users", path: fixed("/api/v1/users"),
				status: http.StatusBadRequest,
				body: map[string]any{"username": "boss", "name": "越权", "grants": []string{"admin@" + f.District.Code},
					"unit_id": f.Community.ID, "password": "a-long-password"}},
			{name: "change a street user", pattern: "PATCH /api/v1/users/{username}", path: fixed("/api/v1/users/handler"),
				status: http.StatusOK, body: map[string]any{"name": "网格长"}},
			{name: "change a district user", pattern: "PATCH /api/v1/users/{username}", path: fixed("/api/v1/users/admin"),
				status: http.StatusNotFound, body: map[string]any{"password": "another-long-password"}},
			{name: "change another street's user", pattern: "PATCH /api/v1/users/{username}", path: fixed("/api/v1/users/other_handler"),
				status: http.StatusNotFound, body: map[string]any{"name": "x"}},
			{name: "boundary in the street", pattern: "PUT /api/v1/units/{id}/boundary",
				path: fixed("/api/v1/units/" + itoa(f.Community.ID) + "/boundary"), status: http.StatusOK, body: polygon},
			{name: "boundary of another street", pattern: "PUT /api/v1/units/{id}/boundary",
				path: fixed("/api/v1/units/" + itoa(f.OtherStreet.ID) + "/boundary"), status: http.StatusNotFound, body: polygon},

			// API tokens of the street's users, not of others.
			{name: "token for a street user", pattern: "POST /api/v1/users/{username}/tokens", path: fixed("/api/v1/users/handler/tokens"),
				status: http.StatusCreated, body: map[string]any{"name": "手机"}},
			{name: "token for a district user", pattern: "POST /api/v1/users/{username}/tokens", path: fixed("/api/v1/users/admin/tokens"),
				status: http.StatusNotFound, body: map[string]any{"name": "后门"}},
			{name: "revoke a street user's token", pattern: "DELETE /api/v1/users/{username}/tokens/{id}",
				path: fixed("/api/v1/users/handler/tokens/" + itoa(streetToken)), status: http.StatusNoContent},
			{name: "revoke the district admin's token", pattern: "DELETE /api/v1/users/{username}/tokens/{id}",
				path: fixed("/api/v1/users/admin/tokens/" + itoa(districtToken)), status: http.StatusNotFound},

			// District-wide setup.
			{name: "rename a unit of the street", pattern: "PATCH /api/v1/units/{id}", path: fixed("/api/v1/units/" + itoa(f.Community.ID)),
				status: http.StatusForbidden, body: map[string]any{"name": "新名"}},
			{pattern: "PATCH /api/v1/categories/{id}", path: fixed("/api/v1/categories/" + itoa(f.Category.ID)), status: http.StatusForbidden,
				body: map[string]any{"active": false}},
			{pattern: "POST /api/v1/categories", path: fixed("/api/v1/categories"), status: http.StatusForbidden,
				body: map[string]any{"parent_id": f.Category.ID, "code": "city.property.lift", "name": "电梯维修"}},
			{pattern: "POST /api/v1/routing-rules", path: fixed("/api/v1/routing-rules"), status: http.StatusForbidden,
				body: map[string]any{"name": "街道", "keywords": []string{"路灯"}, "unit_id": f.Street.ID}},
			{pattern: "PUT /api/v1/routing-rules/{id}", path: fixed("/api/v1/routing-rules/" + itoa(rule)), status: http.StatusForbidden,
				body: map[string]any{"name": "燃气", "keywords": []string{"燃气"}, "unit_id": f.Street.ID, "priority": 9}},
			{pattern: "DELETE /api/v1/routing-rules/{id}", path: fixed("/api/v1/routing-rules/" + itoa(rule)), status: http.StatusForbidden},
			{pattern: "POST /api/v1/sla-rules", path: fixed("/api/v1/sla-rules"), status: http.StatusForbidden,
				body: map[string]any{"category_id": f.Category.ID, "urgency": "normal", "sla": sla}},
			{pattern: "DELETE /api/v1/sla-rules/{id}", path: fixed("/api/v1/sla-rules/" + itoa(slaRule)), status: http.StatusForbidden},
			{pattern: "PUT /api/v1/map/layer", path: fixed("/api/v1/map/layer"), status: http.StatusForbidden,
				body: `{"type":"FeatureCollection","features":[]}`},
			{pattern: "PUT /api/v1/calendar/{year}", path: fixed("/api/v1/calendar/2027"), status: http.StatusForbidden,
				body: map[string]any{"year": 2027, "holidays": []map[string]string{}, "workdays": []string{}}},
			{pattern: "PUT /api/v1/settings/dispatch", path: fixed("/api/v1/settings/dispatch"), status: http.StatusForbidden, body: settings},
			{pattern: "POST /api/v1/kb/articles", path: fixed("/api/v1/kb/articles"), status: http.StatusForbidden,
				body: map[string]any{"title": "街道须知", "body": "正文"}},
			{pattern: "PUT /api/v1/kb/articles/{id}", path: fixed("/api/v1/kb/articles/" + itoa(article)), status: http.StatusForbidden,
				body: map[string]any{"title": "改写", "body": "正文", "active": false}},
			{pattern: "POST /api/v1/webhooks", path: fixed("/api/v1/webhooks"), status: http.StatusForbidden,
				body: map[string]any{"name": "窃听", "url": "https://attacker.example/hook"}},
			{pattern: "PATCH /api/v1/webhooks/{id}", path: fixed("/api/v1/webhooks/" + itoa(hook.Webhook.ID)),
				status: http.StatusForbidden, body: map[string]any{"active": false}},
			{pattern: "POST /api/v1/open311/clients", path: fixed("/api/v1/open311/clients"), status: http.StatusForbidden,
				body: map[string]any{"name": "Mine"}},

			// The screening ledger (grids): campaigns and items of the
			// street's units, not of the district's.
			{name: "campaign of the street", pattern: "POST /api/v1/ledger/campaigns", path: fixed("/api/v1/ledger/campaigns"),
				status: http.StatusCreated, body: map[string]any{"title": "街道大排查", "unit_id": f.Street.ID, "deadline": "2026-04-01T00:00:00Z"}},
			{name: "campaign of the district", pattern: "POST /api/v1/ledger/campaigns", path: fixed("/api/v1/ledger/campaigns"),
				status: http.StatusForbidden, body: map[string]any{"title": "全区大排查", "unit_id": f.District.ID, "deadline": "2026-04-01T00:00:00Z"}},
			{name: "item in the street", pattern: "POST /api/v1/ledger/campaigns/{id}/items", path: fixed("/api/v1/ledger/campaigns/" + itoa(campaign) + "/items"),
				status: http.StatusCreated, body: map[string]any{"problem": "楼道堆物", "place": "5号楼", "unit_id": f.Community.ID}},
			{name: "item in another street", pattern: "POST /api/v1/ledger/campaigns/{id}/items", path: fixed("/api/v1/ledger/campaigns/" + itoa(campaign) + "/items"),
				status: http.StatusForbidden, body: map[string]any{"problem": "楼道堆物", "place": "5号楼", "unit_id": f.OtherStreet.ID}},
			{name: "inspection in the street", pattern: "POST /api/v1/ledger/campaigns/{id}/inspections", path: fixed("/api/v1/ledger/campaigns/" + itoa(campaign) + "/inspections"),
				status: http.StatusCreated, body: map[string]any{"unit_id": f.Grid.ID, "place": "5号楼", "answers": []map[string]any{{"index": 0, "value": "yes"}}}},
			{name: "inspection in another street", pattern: "POST /api/v1/ledger/campaigns/{id}/inspections", path: fixed("/api/v1/ledger/campaigns/" + itoa(campaign) + "/inspections"),
				status: http.StatusForbidden, body: map[string]any{"unit_id": f.OtherStreet.ID, "place": "5号楼", "answers": []map[string]any{{"index": 0, "value": "no"}}}},
			{name: "import into the street", pattern: "POST /api/v1/ledger/campaigns/{id}/import", path: fixed("/api/v1/ledger/campaigns/" + itoa(campaign) + "/import"),
				status: http.StatusCreated, body: map[string]any{"xlsx": ledgerXLSX(t, []any{1, "楼道堆物", "", "一般", "5号楼", "haihu", "", ""})}},
			{name: "import into another street", pattern: "POST /api/v1/ledger/campaigns/{id}/import", path: fixed("/api/v1/ledger/campaigns/" + itoa(campaign) + "/import"),
				status: http.StatusBadRequest, body: map[string]any{"xlsx": ledgerXLSX(t, []any{1, "楼道堆物", "", "一般", "5号楼", "hutai", "", ""})}},
			{pattern: "POST /api/v1/ledger/items/{id}/actions", path: fixed("/api/v1/ledger/items/" + itoa(ledgerItem) + "/actions"),
				status: http.StatusOK, body: map[string]any{"action": "assign", "responsible_unit_id": f.Community.ID}},
			{name: "grid areas in the street", pattern: "POST /api/v1/grid-boundaries", path: fixed("/api/v1/grid-boundaries"), status: http.StatusOK,
				body: `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"haihu-1"},"geometry":` + polygon + `}]}`},
			{name: "grid areas in another street", pattern: "POST /api/v1/grid-boundaries", path: fixed("/api/v1/grid-boundaries"), status: http.StatusBadRequest,
				body: `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"hutai"},"geometry":` + polygon + `}]}`},
			{name: "station in the street", pattern: "POST /api/v1/grid-stations", path: fixed("/api/v1/grid-stations"), status: http.StatusCreated,
				body: map[string]any{"name": "海湖微管站", "unit_id": f.Community.ID, "address": "海湖路18号", "hours": "9:00–17:00", "services": []string{"政策咨询"}}},
			{name: "station in another street", pattern: "POST /api/v1/grid-stations", path: fixed("/api/v1/grid-stations"), status: http.StatusBadRequest,
				body: map[string]any{"name": "虎台微管站", "unit_id": f.OtherStreet.ID, "address": "虎台路1号", "hours": "9:00–17:00", "services": []string{"政策咨询"}}},
			{name: "district's station", pattern: "PUT /api/v1/grid-stations/{id}", path: fixed("/api/v1/grid-stations/" + itoa(districtStation)), status: http.StatusNotFound,
				body: map[string]any{"name": "区微管站", "unit_id": f.District.ID, "address": "区政府", "hours": "9:00–17:00", "services": []string{"政策咨询"}}},
			{pattern: "PATCH /api/v1/open311/clients/{name}", path: fixed("/api/v1/open311/clients/FixMyStreet"),
				status: http.StatusForbidden, body: map[string]any{"rate_per_minute": 1}},
			{pattern: "POST /api/v1/open311/clients/{name}/key", path: fixed("/api/v1/open311/clients/FixMyStreet/key"),
				status: http.StatusForbidden},
			{pattern: "POST /api/v1/open311/clients/{name}/revoke", path: fixed("/api/v1/open311/clients/FixMyStreet/revoke"),
				status: http.StatusForbidden},
			{pattern: "PATCH /api/v1/open311/services/{code}", path: fixed(svc), status: http.StatusForbidden,
				body: map[string]any{"private": true}},
			{pattern: "POST /api/v1/open311/services/{code}/attributes", path: fixed(svc + "/attributes"), status: http.StatusForbidden,
				body: map[string]any{"code": "room", "datatype": "number", "description": "房间"}},
			{pattern: "PATCH /api/v1/open311/services/{code}/attributes/{attr}", path: fixed(svc + "/attributes/floor"),
				status: http.StatusForbidden, body: map[string]any{"required": true}},
			{pattern: "DELETE /api/v1/open311/services/{code}/attributes/{attr}", path: fixed(svc + "/attributes/floor"),
				status: http.StatusForbidden},

			// The volunteer fleet is the district's (the ride capability).
			{pattern: "POST /api/v1/ride-vehicles", path: fixed("/api/v1/ride-vehicles"), status: http.StatusForbidden,
				body: map[string]any{"plate": "青A12345", "seats": 4, "insurance_until": "2027-12-31T00:00:00+08:00"}},
			{pattern: "PUT /api/v1/ride-vehicles/{id}", path: fixed("/api/v1/ride-vehicles/1"), status: http.StatusForbidden,
				body: map[string]any{"plate": "青A12345", "seats": 4, "insurance_until": "2027-12-31T00:00:00+08:00"}},
			{pattern: "POST /api/v1/ride-drivers", path: fixed("/api/v1/ride-drivers"), status: http.StatusForbidden,
				body: map[string]any{"user_id": itoa(f.Users["handler"].ID)}},
			{pattern: "PUT /api/v1/ride-drivers/{id}", path: fixed("/api/v1/ride-drivers/1"), status: http.StatusForbidden,
				body: map[string]any{"name": "x"}},
		}

		calls = append(calls, capabilityStreetCalls(t, e)...)

		for _, route := range adminWriteRoutes(e.srv) {
			if !slices.ContainsFunc(calls, func(c streetCall) bool { return c.pattern == route }) {
				t.Errorf("%s changes something but is not in the street admin's walk", route)
			}
		}

		for _, c := range calls {
			name := c.name
			if name == "" {
				name = c.pattern
			}
			t.Run(name, func(t *testing.T) {
				before := e.auditRows(t)
				method, _, _ := strings.Cut(c.pattern, " ")
				r := e.do(t, method, c.path(), "street_admin", c.body)
				mustStatus(t, r, c.status)
				after := e.auditRows(t)
				ok := c.status < 300
				switch {
				case ok && len(after) != len(before)+1:
					t.Errorf("%d new audit entries, want 1", len(after)-len(before))
				case ok && after[0].ActorID != sa.ID:
					t.Errorf("entry by %d, want the street admin %d", after[0].ActorID, sa.ID)
				case !ok && len(after) != len(before):
					t.Errorf("a refused call wrote %d audit entries", len(after)-len(before))
				}
			})
		}

		// Nor does the street admin see the district's webhooks (with
		// their addresses) or Open311 clients.
		for _, p := range []string{"/api/v1/webhooks", "/api/v1/open311/clients"} {
			mustStatus(t, e.do(t, "GET", p, "street_admin", nil), http.StatusForbidden)
			mustStatus(t, e.do(t, "GET", p, "admin", nil), http.StatusOK)
		}
	})
}

// mustOK requires a 2xx answer and returns its body.
func mustOK(t *testing.T, r *res) []byte {
	t.Helper()
	if r.status < 200 || r.status > 299 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	return r.body
}

// The JSON reveal asks for a reason (400 without one) and keeps it in the
// audit entry.
func TestSecurityRevealAsksForAReason(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		tk := e.f.Dispatched(t)
		path := "/api/v1/tickets/" + tk.Number + "/reveal"
		mustStatus(t, e.do(t, "POST", path, "agent", nil), http.StatusBadRequest)
		mustStatus(t, e.do(t, "POST", path, "agent", map[string]string{"reason": " "}), http.StatusBadRequest)
		mustStatus(t, e.do(t, "POST", path, "agent", map[string]string{"reason": "回访来电人"}), http.StatusOK)
		if rows := e.auditRows(t); rows[0].Action != "reveal_personal" || !strings.Contains(rows[0].Detail, "reason=回访来电人") {
			t.Errorf("audit entry %+v", rows[0])
		}
	})
}
