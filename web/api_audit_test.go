package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/web"
)

// auditRows returns every entry of the audit log, newest first, straight
// from the store.
func (e *env) auditRows(t *testing.T) []store.AuditEntry {
	t.Helper()
	var out []store.AuditEntry
	err := e.f.DB.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		out, err = store.ListAuditLog(context.Background(), tx, store.AuditFilter{Limit: store.MaxAuditPage})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == store.MaxAuditPage {
		t.Fatal("more audit entries than one read holds")
	}
	return out
}

// adminWrite is an administrative call of the JSON API: what it sends,
// what it must write to the audit log, and a refused variant that must
// write nothing.
type adminWrite struct {
	pattern string // the route, as routes() registers it
	path    func() string
	body    any
	status  int
	object  string
	id      func(body []byte) int64 // the object's id, from the answer
	action  string
	detail  []string // what the entry's detail must hold
	// refused is sent to refusedPath (path when empty) and must be
	// answered refusedStatus (400 when 0) without an audit entry.
	refused       any
	refusedPath   string
	refusedStatus int
}

// stringIDOf reads the "id" of a JSON answer that writes ids as strings.
func stringIDOf(body []byte) int64 {
	var v struct {
		ID int64 `json:"id,string"`
	}
	json.Unmarshal(body, &v)
	return v.ID
}

// idOf reads the "id" of a JSON answer.
func idOf(body []byte) int64 {
	var v struct {
		ID int64 `json:"id"`
	}
	json.Unmarshal(body, &v)
	return v.ID
}

// adminWriteRoutes returns the administrative routes of the JSON API that
// change something, the capabilities' included: every route but reads,
// tickets (their own timeline and checks), the residents' routes, and
// signing in and out. The audit walk and the street admin's walk
// (TestSecurityStreetAdmin) must each cover all of them.
func adminWriteRoutes(srv *web.Server) []string {
	var out []string
	for _, route := range web.Routes(srv) {
		method, path, ok := strings.Cut(route, " ")
		if !ok || method == "GET" || !strings.HasPrefix(path, "/api/v1/") {
			continue
		}
		// Field work is not administration: rides (the ride capability:
		// each step writes the ride's timeline and audit entry, checked in
		// app/ride) and grid workers' reports, checks and diaries (the
		// grids capability, web/api_grids_test.go), and medicine requests
		// (the medicine capability: each step writes its timeline and
		// audit entry, checked in app/medicine). The fleet's vehicles
		// and drivers and the screening ledger are administration.
		if strings.HasPrefix(path, "/api/v1/tickets") || strings.HasPrefix(path, "/api/v1/public/") ||
			strings.HasPrefix(path, "/api/v1/rides/") || strings.HasPrefix(path, "/api/v1/grids/") ||
			strings.HasPrefix(path, "/api/v1/medicine/") ||
			path == "/api/v1/login" || path == "/api/v1/logout" {
			continue
		}
		// Mediation cases are mediators' casework with a timeline of their
		// own, walked by role and scope in api_mediation_test.go.
		if strings.HasPrefix(path, "/api/v1/mediation/") {
			continue
		}
		out = append(out, route)
	}
	return out
}

// Every administrative call of the JSON API writes exactly one audit entry,
// naming the object it changed and the admin who changed it, in the
// transaction of the change; a refused call writes none. The walk covers
// every route that changes something, the capabilities' included, except
// tickets (their own timeline), the residents' routes, and signing in and
// out.
func TestAdminWritesAreAudited(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.f
		var ruleID, slaID, articleID, hookID, clientID, attrID, tokenID, liftID, campaignID, itemID int64
		var vehicleID, driverID int64
		driverUser, err := f.Svc.CreateUser(context.Background(), kit.System(), app.NewUser{Username: "driver1", Name: "李建国",
			Role: org.RoleDriver, UnitID: f.District.ID, Password: apptest.Password})
		if err != nil {
			t.Fatal(err)
		}
		polygon := `{"type":"Polygon","coordinates":[[[101.7,36.6],[101.8,36.6],[101.8,36.7],[101.7,36.7],[101.7,36.6]]]}`
		sla := map[string]any{"acknowledge": map[string]int{"working_days": 1}, "reply": map[string]int{"working_days": 5},
			"callback": map[string]int{"working_days": 2}}
		settings := map[string]any{"max_returns": 3, "max_extensions": 1, "max_extension_days": 10, "remind_before_hours": 4,
			"escalate_after_days": 1}
		badSettings := map[string]any{"max_returns": 99, "max_extensions": 1, "max_extension_days": 10, "remind_before_hours": 4,
			"escalate_after_days": 1}
		fixed := func(p string) func() string { return func() string { return p } }
		is := func(id int64) func([]byte) int64 { return func([]byte) int64 { return id } }
		households := setUpHouseholds(t, e) // the households capability
		calls := []adminWrite{
			{pattern: "POST /api/v1/units", path: fixed("/api/v1/units"), status: http.StatusCreated,
				body:   map[string]any{"parent_id": f.District.ID, "kind": "street", "code": "nanchuan", "name": "南川街道"},
				object: "unit", id: idOf, action: "create", detail: []string{"code=nanchuan", "parent_id=" + itoa(f.District.ID)},
				refused: map[string]any{"parent_id": f.District.ID, "kind": "street", "code": "bad code", "name": "x"}},
			{pattern: "POST /api/v1/categories", path: fixed("/api/v1/categories"), status: http.StatusCreated,
				body:   map[string]any{"parent_id": f.Category.ID, "code": "city.property.lift", "name": "电梯维修"},
				object: "category", id: func(b []byte) int64 { liftID = idOf(b); return liftID }, action: "create", detail: []string{"code=city.property.lift"},
				refused: map[string]any{"parent_id": f.Category.ID, "code": "", "name": "电梯维修"}},
			{pattern: "PATCH /api/v1/categories/{id}", path: func() string { return "/api/v1/categories/" + itoa(liftID) }, status: http.StatusOK,
				body:   map[string]any{"name": "电梯维保", "active": false},
				object: "category", id: func([]byte) int64 { return liftID }, action: "update",
				detail:  []string{"code=city.property.lift", "name=电梯维修 → 电梯维保", "active=true → false"},
				refused: map[string]any{"name": " "}},
			{pattern: "PATCH /api/v1/units/{id}", path: fixed("/api/v1/units/" + itoa(f.OtherStreet.ID)), status: http.StatusOK,
				body:   map[string]any{"active": false},
				object: "unit", id: is(f.OtherStreet.ID), action: "update", detail: []string{"active=true → false"},
				refused: map[string]any{"name": ""}},
			{pattern: "POST /api/v1/users", path: fixed("/api/v1/users"), status: http.StatusCreated,
				body: map[string]any{"username": "agent2", "name": "新坐席", "role": "agent", "unit_id": f.District.ID,
					"password": "a-long-password"},
				object: "user", id: idOf, action: "create", detail: []string{"username=agent2", "role=agent"},
				refused: map[string]any{"username": "Agent 2", "name": "新坐席", "role": "agent", "unit_id": f.District.ID,
					"password": "a-long-password"}},
			{pattern: "PATCH /api/v1/users/{username}", path: fixed("/api/v1/users/agent"), status: http.StatusOK,
				body:   map[string]any{"role": "dispatcher", "password": "another-long-password"},
				object: "user", id: is(f.Users["agent"].ID), action: "update",
				detail:  []string{"role=agent → dispatcher", "password=changed"},
				refused: map[string]any{"role": "king"}},
			{pattern: "POST /api/v1/users/{username}/tokens", path: fixed("/api/v1/users/leader/tokens"), status: http.StatusCreated,
				body:   map[string]any{"name": "大屏", "expires_at": "2027-03-02T09:00:00Z"},
				object: "api_token", id: func(b []byte) int64 { tokenID = idOf(b); return tokenID }, action: "create",
				detail: []string{"username=leader", "name=大屏", "expires_at=2027-03-02T09:00:00Z"}, refused: map[string]any{"name": ""}},
			{pattern: "DELETE /api/v1/users/{username}/tokens/{id}", path: func() string { return "/api/v1/users/leader/tokens/" + itoa(tokenID) },
				status: http.StatusNoContent, object: "api_token", id: func([]byte) int64 { return tokenID }, action: "revoke",
				detail: []string{"username=leader"}, refusedPath: "/api/v1/users/leader/tokens/999999", refusedStatus: http.StatusNotFound},
			{pattern: "PUT /api/v1/units/{id}/boundary", path: fixed("/api/v1/units/" + itoa(f.Community.ID) + "/boundary"),
				status: http.StatusOK, body: polygon, object: "unit", id: is(f.Community.ID), action: "set_boundary",
				detail: []string{"box=36.60000,101.70000,36.70000,101.80000"}, refused: `{"type":"Point","coordinates":[1,2]}`},
			{pattern: "PUT /api/v1/map/layer", path: fixed("/api/v1/map/layer"), status: http.StatusOK,
				body: `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"海湖路"},` +
					`"geometry":{"type":"LineString","coordinates":[[101.70,36.62],[101.74,36.62]]}},{"type":"Feature",` +
					`"properties":{"name":"兴海家园"},"geometry":{"type":"Point","coordinates":[101.715,36.625]}}]}`,
				object: "map_layer", id: is(1), action: "import", detail: []string{"roads=1", "places=1"},
				refused: `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":""},"geometry":{"type":"Point","coordinates":[101,36]}}]}`},
			{pattern: "POST /api/v1/routing-rules", path: fixed("/api/v1/routing-rules"), status: http.StatusCreated,
				body:   map[string]any{"name": "燃气", "keywords": []string{"燃气"}, "unit_id": f.Dept.ID},
				object: "routing_rule", id: func(b []byte) int64 { ruleID = idOf(b); return ruleID }, action: "create",
				detail:  []string{"name=燃气", "unit_id=" + itoa(f.Dept.ID)},
				refused: map[string]any{"name": "燃气", "keywords": []string{"燃气"}}},
			{pattern: "PUT /api/v1/routing-rules/{id}", path: func() string { return "/api/v1/routing-rules/" + itoa(ruleID) },
				status: http.StatusOK, body: map[string]any{"name": "燃气", "keywords": []string{"燃气", "煤气"}, "unit_id": f.Dept.ID, "priority": 5},
				object: "routing_rule", id: func([]byte) int64 { return ruleID }, action: "update",
				detail:  []string{"priority=0 → 5", "keywords=燃气 → 燃气,煤气"},
				refused: map[string]any{"name": "", "keywords": []string{"燃气"}, "unit_id": f.Dept.ID}},
			{pattern: "DELETE /api/v1/routing-rules/{id}", path: func() string { return "/api/v1/routing-rules/" + itoa(ruleID) },
				status: http.StatusNoContent, object: "routing_rule", id: func([]byte) int64 { return ruleID }, action: "delete",
				detail: []string{"name=燃气"}, refusedPath: "/api/v1/routing-rules/999999", refusedStatus: http.StatusNotFound},
			{pattern: "POST /api/v1/sla-rules", path: fixed("/api/v1/sla-rules"), status: http.StatusCreated,
				body:   map[string]any{"category_id": f.Category.ID, "urgency": "urgent", "sla": sla},
				object: "sla_rule", id: func(b []byte) int64 { slaID = idOf(b); return slaID }, action: "create",
				detail:  []string{"category_id=" + itoa(f.Category.ID), "urgency=urgent"},
				refused: map[string]any{"kind": "help"}},
			{pattern: "DELETE /api/v1/sla-rules/{id}", path: func() string { return "/api/v1/sla-rules/" + itoa(slaID) },
				status: http.StatusNoContent, object: "sla_rule", id: func([]byte) int64 { return slaID }, action: "delete",
				detail: []string{"urgency=urgent"}, refusedPath: "/api/v1/sla-rules/999999", refusedStatus: http.StatusNotFound},
			{pattern: "PUT /api/v1/calendar/{year}", path: fixed("/api/v1/calendar/2027"), status: http.StatusOK,
				body: map[string]any{"year": 2027, "holidays": []map[string]string{{"name": "元旦", "first": "2027-01-01", "last": "2027-01-03"}},
					"workdays": []string{}},
				object: "calendar_year", id: is(2027), action: "import", detail: []string{"holidays=1"},
				refused: map[string]any{"year": 2028, "holidays": []string{}, "workdays": []string{}}},
			{pattern: "PUT /api/v1/settings/dispatch", path: fixed("/api/v1/settings/dispatch"), status: http.StatusOK,
				body: settings, object: "dispatch_settings", id: is(0), action: "update", detail: []string{"max_returns=2 → 3"},
				refused: badSettings},

			// The knowledge base and webhooks.
			{pattern: "POST /api/v1/kb/articles", path: fixed("/api/v1/kb/articles"), status: http.StatusCreated,
				body:   map[string]any{"title": "电梯停运怎么办", "body": "先联系物业维保单位。", "category_id": f.Category.ID},
				object: "article", id: func(b []byte) int64 { articleID = idOf(b); return articleID }, action: "create",
				detail: []string{"category_id=" + itoa(f.Category.ID)}, refused: map[string]any{"body": "没有标题"}},
			{pattern: "PUT /api/v1/kb/articles/{id}", path: func() string { return "/api/v1/kb/articles/" + itoa(articleID) },
				status: http.StatusOK, body: map[string]any{"title": "电梯停运怎么办", "body": "先联系物业维保单位。", "active": false},
				object: "article", id: func([]byte) int64 { return articleID }, action: "update",
				refused: map[string]any{"title": "", "body": "x", "active": true}},
			{pattern: "POST /api/v1/webhooks", path: fixed("/api/v1/webhooks"), status: http.StatusCreated,
				body:   map[string]any{"name": "督查系统", "url": "https://example.org/hook"},
				object: "webhook", id: func(b []byte) int64 {
					var v struct{ Webhook struct{ ID int64 } }
					json.Unmarshal(b, &v)
					hookID = v.Webhook.ID
					return hookID
				}, action: "create", detail: []string{"url=https://example.org/hook"},
				refused: map[string]any{"name": "x", "url": "ftp://example.org/hook"}},
			{pattern: "PATCH /api/v1/webhooks/{id}", path: func() string { return "/api/v1/webhooks/" + itoa(hookID) },
				status: http.StatusOK, body: map[string]any{"active": false}, object: "webhook", id: func([]byte) int64 { return hookID },
				action: "deactivate", refused: map[string]any{}},

			// Open311's client applications and service settings (the
			// open311 capability).
			{pattern: "POST /api/v1/open311/clients", path: fixed("/api/v1/open311/clients"), status: http.StatusCreated,
				body:   map[string]any{"name": "FixMyStreet"},
				object: "api_client", id: func(b []byte) int64 {
					var v struct{ Client struct{ ID int64 } }
					json.Unmarshal(b, &v)
					clientID = v.Client.ID
					return clientID
				}, action: "create", detail: []string{"name=FixMyStreet"}, refused: map[string]any{"name": "x", "rate_per_minute": -1}},
			{pattern: "PATCH /api/v1/open311/clients/{name}", path: fixed("/api/v1/open311/clients/FixMyStreet"), status: http.StatusOK,
				body: map[string]any{"rate_per_minute": 30}, object: "api_client", id: func([]byte) int64 { return clientID },
				action: "set_rate", detail: []string{"rate_per_minute=0 → 30"}, refused: map[string]any{"rate_per_minute": -1}},
			{pattern: "POST /api/v1/open311/clients/{name}/key", path: fixed("/api/v1/open311/clients/FixMyStreet/key"),
				status: http.StatusOK, object: "api_client", id: func([]byte) int64 { return clientID }, action: "rotate_key",
				refusedPath: "/api/v1/open311/clients/nobody/key", refusedStatus: http.StatusNotFound},
			{pattern: "POST /api/v1/open311/clients/{name}/revoke", path: fixed("/api/v1/open311/clients/FixMyStreet/revoke"),
				status: http.StatusOK, object: "api_client", id: func([]byte) int64 { return clientID }, action: "revoke",
				refusedPath: "/api/v1/open311/clients/nobody/revoke", refusedStatus: http.StatusNotFound},
			{pattern: "PATCH /api/v1/open311/services/{code}", path: fixed("/api/v1/open311/services/" + f.Category.Code),
				status: http.StatusOK, body: map[string]any{"private": true}, object: "open311_service", id: is(f.Category.ID),
				action: "update", detail: []string{"private=false → true"}, refused: map[string]any{"description": strings.Repeat("长", 501)}},
			{pattern: "POST /api/v1/open311/services/{code}/attributes", path: fixed("/api/v1/open311/services/" + f.Category.Code + "/attributes"),
				status: http.StatusCreated, body: map[string]any{"code": "floor", "datatype": "number", "description": "楼层"},
				object: "category_attribute", id: func(b []byte) int64 { attrID = idOf(b); return attrID }, action: "create",
				detail: []string{"code=floor"}, refused: map[string]any{"code": "bad code", "datatype": "number", "description": "楼层"}},
			{pattern: "PATCH /api/v1/open311/services/{code}/attributes/{attr}", path: fixed("/api/v1/open311/services/" + f.Category.Code + "/attributes/floor"),
				status: http.StatusOK, body: map[string]any{"required": true}, object: "category_attribute", id: func([]byte) int64 { return attrID },
				action: "update", detail: []string{"required=true"}, refused: map[string]any{"datatype": "nonsense"}},
			{pattern: "DELETE /api/v1/open311/services/{code}/attributes/{attr}", path: fixed("/api/v1/open311/services/" + f.Category.Code + "/attributes/floor"),
				status: http.StatusNoContent, object: "category_attribute", id: func([]byte) int64 { return attrID }, action: "delete",
				refusedPath: "/api/v1/open311/services/" + f.Category.Code + "/attributes/nothing", refusedStatus: http.StatusNotFound},

			// The volunteer fleet's vehicles and drivers (the ride
			// capability; ids are strings in its answers).
			{pattern: "POST /api/v1/ride-vehicles", path: fixed("/api/v1/ride-vehicles"), status: http.StatusCreated,
				body:   map[string]any{"plate": "青A12345", "seats": 4, "insurance_until": "2027-12-31T00:00:00+08:00", "active": true},
				object: "ride_vehicle", id: func(b []byte) int64 { vehicleID = stringIDOf(b); return vehicleID }, action: "create",
				detail: []string{"plate=青A12345"}, refused: map[string]any{"plate": "ABC", "seats": 4, "insurance_until": "2027-12-31T00:00:00+08:00"}},
			{pattern: "PUT /api/v1/ride-vehicles/{id}", path: func() string { return "/api/v1/ride-vehicles/" + itoa(vehicleID) },
				status: http.StatusOK, body: map[string]any{"plate": "青A12345", "seats": 6, "wheelchair": true, "insurance_until": "2027-12-31T00:00:00+08:00", "active": true},
				object: "ride_vehicle", id: func([]byte) int64 { return vehicleID }, action: "update", detail: []string{"wheelchair=true"},
				refused: map[string]any{"plate": "青A12345", "seats": 0, "insurance_until": "2027-12-31T00:00:00+08:00"}},
			{pattern: "POST /api/v1/ride-drivers", path: fixed("/api/v1/ride-drivers"), status: http.StatusCreated,
				body: map[string]any{"user_id": itoa(driverUser.ID), "phone": "13800001111", "active": true,
					"documents": []map[string]string{{"kind": "license", "until": "2028-01-01T00:00:00+08:00"}}},
				object: "ride_driver", id: func(b []byte) int64 { driverID = stringIDOf(b); return driverID }, action: "create",
				detail: []string{"doc_license=2028-01-01"}, refused: map[string]any{"user_id": itoa(driverUser.ID), "phone": "13800001111"}},
			{pattern: "PUT /api/v1/ride-drivers/{id}", path: func() string { return "/api/v1/ride-drivers/" + itoa(driverID) },
				status: http.StatusOK, body: map[string]any{"name": "李建国", "phone": "13800001111", "active": false,
					"documents": []map[string]string{{"kind": "license", "until": "2028-01-01T00:00:00+08:00"}}},
				object: "ride_driver", id: func([]byte) int64 { return driverID }, action: "update", detail: []string{"active=false"},
				refused: map[string]any{"name": "李建国", "phone": "123"}},
			// The screening ledger (the grids capability).
			{pattern: "POST /api/v1/ledger/campaigns", path: fixed("/api/v1/ledger/campaigns"), status: http.StatusCreated,
				body:   map[string]any{"title": "大排查", "unit_id": f.Street.ID, "deadline": "2026-04-01T00:00:00Z"},
				object: "ledger_campaign", id: func(b []byte) int64 { campaignID = idOf(b); return campaignID }, action: "create",
				detail:  []string{"unit=xinghailu", "deadline=2026-04-01"},
				refused: map[string]any{"title": "", "unit_id": f.Street.ID, "deadline": "2026-04-01T00:00:00Z"}},
			{pattern: "POST /api/v1/ledger/campaigns/{id}/items", path: func() string { return "/api/v1/ledger/campaigns/" + itoa(campaignID) + "/items" },
				status: http.StatusCreated, body: map[string]any{"problem": "消防通道堵塞", "place": "3号楼", "unit_id": f.Grid.ID},
				object: "ledger_item", id: func(b []byte) int64 { itemID = idOf(b); return itemID }, action: "found",
				detail: []string{"seq=1"}, refused: map[string]any{"problem": "", "place": "3号楼", "unit_id": f.Grid.ID}},
			{pattern: "POST /api/v1/ledger/items/{id}/actions", path: func() string { return "/api/v1/ledger/items/" + itoa(itemID) + "/actions" },
				status: http.StatusOK, body: map[string]any{"action": "assign", "responsible_unit_id": f.Community.ID},
				object: "ledger_item", id: func([]byte) int64 { return itemID }, action: "assign", detail: []string{"to=assigned"},
				refused: map[string]any{"action": "assign"}},
			{pattern: "POST /api/v1/grid-boundaries", path: fixed("/api/v1/grid-boundaries"), status: http.StatusOK,
				body:   `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"haihu-1"},"geometry":` + polygon + `}]}`,
				object: "unit", id: is(f.Grid.ID), action: "set_boundary", detail: []string{"source=geojson_upload"},
				refused: `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"nowhere"},"geometry":` + polygon + `}]}`},
		}

		calls = append(calls, householdAdminWrites(e, households)...)

		// The walk covers every administrative route.
		for _, route := range adminWriteRoutes(e.srv) {
			if !slices.ContainsFunc(calls, func(c adminWrite) bool { return c.pattern == route }) {
				t.Errorf("%s changes something but is not in the walk", route)
			}
		}

		admin := f.Users["admin"]
		for _, c := range calls {
			t.Run(c.pattern, func(t *testing.T) {
				before := e.auditRows(t)
				refusedPath := c.refusedPath
				if refusedPath == "" {
					refusedPath = c.path()
				}
				want := c.refusedStatus
				if want == 0 {
					want = http.StatusBadRequest
				}
				method, _, _ := strings.Cut(c.pattern, " ")
				if r := e.do(t, method, refusedPath, "admin", c.refused); r.status != want {
					t.Fatalf("refused call: %s; want %d", r, want)
				}
				if after := e.auditRows(t); len(after) != len(before) {
					t.Fatalf("a refused call wrote %d audit entries: %+v", len(after)-len(before), after[0])
				}

				r := e.do(t, method, c.path(), "admin", c.body)
				mustStatus(t, r, c.status)
				after := e.auditRows(t)
				if len(after) != len(before)+1 {
					t.Fatalf("%d new audit entries, want 1", len(after)-len(before))
				}
				got := after[0]
				if got.Object != c.object || got.ObjectID != c.id(r.body) || got.Action != c.action || got.ActorID != admin.ID {
					t.Errorf("entry %s %d %s by %d; want %s %d %s by admin %d", got.Object, got.ObjectID, got.Action, got.ActorID,
						c.object, c.id(r.body), c.action, admin.ID)
				}
				for _, d := range c.detail {
					if !strings.Contains(got.Detail, d) {
						t.Errorf("detail %q lacks %q", got.Detail, d)
					}
				}
				if strings.Contains(got.Detail, "password\"") || strings.Contains(got.Detail, "long-password") {
					t.Errorf("detail shows a password: %q", got.Detail)
				}
			})
		}
	})
}

// auditPage reads GET /api/v1/audit as the user.
func (e *env) auditPage(t *testing.T, user string, q url.Values) app.AuditPage {
	t.Helper()
	return mustJSON[app.AuditPage](t, e.do(t, "GET", "/api/v1/audit?"+q.Encode(), user, nil), http.StatusOK)
}

// The audit log filters by object, actor and time, pages newest first
// without losing or repeating an entry, and is for admins of the district
// (leaders: the entries about a ticket they see).
func TestAuditLogAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.f
		admin := f.Users["admin"]
		// The fixture was set up by the system actor on 2 March; the admin
		// changes things on 3 and 4 March.
		f.Clock.Advance(24 * time.Hour)
		for i := range 3 {
			mustStatus(t, e.do(t, "POST", "/api/v1/units", "admin",
				map[string]any{"parent_id": f.District.ID, "kind": "street", "code": "s" + strconv.Itoa(i), "name": "街道" + strconv.Itoa(i)}),
				http.StatusCreated)
		}
		f.Clock.Advance(24 * time.Hour)
		mustStatus(t, e.do(t, "PATCH", "/api/v1/users/handler", "admin", map[string]any{"active": false}), http.StatusOK)
		tk := e.create(t, "agent", apptest.NewTicket())
		f.Clock.Advance(time.Minute)
		mustStatus(t, e.do(t, "POST", "/api/v1/tickets/"+tk.Number+"/reveal", "dispatcher", map[string]string{"reason": "回访"}), http.StatusOK)

		t.Run("object", func(t *testing.T) {
			p := e.auditPage(t, "admin", url.Values{"object": {"user"}, "object_id": {itoa(f.Users["handler"].ID)}})
			if len(p.Entries) != 2 || p.Entries[0].Action != "update" || p.Entries[1].Action != "create" || p.Next != "" {
				t.Fatalf("handler's entries: %+v", p)
			}
			if d := p.Entries[0].Detail; !strings.Contains(d, "active=true → false") {
				t.Errorf("deactivation detail %q", d)
			}
			if e0 := p.Entries[0]; e0.ActorUsername != "admin" || e0.ActorName != admin.Name {
				t.Errorf("actor of the update: %q %q", e0.ActorUsername, e0.ActorName)
			}
			if e1 := p.Entries[1]; e1.ActorID != 0 || e1.ActorUsername != "" {
				t.Errorf("the fixture's user was not made by the system actor: %+v", e1)
			}
		})
		t.Run("actor", func(t *testing.T) {
			p := e.auditPage(t, "admin", url.Values{"actor": {"admin"}})
			if len(p.Entries) != 4 {
				t.Fatalf("%d entries by admin, want 4: %+v", len(p.Entries), p.Entries)
			}
			for _, x := range p.Entries {
				if x.ActorID != admin.ID {
					t.Errorf("entry by %d in the admin's", x.ActorID)
				}
			}
			sys := e.auditPage(t, "admin", url.Values{"actor": {"system"}, "limit": {"500"}})
			if len(sys.Entries) == 0 {
				t.Fatal("no entry by the system actor")
			}
			for _, x := range sys.Entries {
				if x.ActorID != 0 {
					t.Errorf("entry by %d among the system's", x.ActorID)
				}
			}
			mustProblem(t, e.do(t, "GET", "/api/v1/audit?actor=nobody", "admin", nil), http.StatusBadRequest, "invalid", "actor")
		})
		t.Run("time", func(t *testing.T) {
			day := e.auditPage(t, "admin", url.Values{"from": {"2026-03-03"}, "to": {"2026-03-03"}})
			if len(day.Entries) != 3 || day.Entries[0].Object != "unit" {
				t.Fatalf("3 March: %+v", day.Entries)
			}
			since := e.auditPage(t, "admin", url.Values{"from": {"2026-03-04T09:00:00+08:00"}})
			if len(since.Entries) != 2 || since.Entries[0].Action != "reveal_personal" || since.Entries[1].Object != "user" {
				t.Fatalf("since 4 March 09:00: %+v", since.Entries)
			}
			mustProblem(t, e.do(t, "GET", "/api/v1/audit?from=yesterday", "admin", nil), http.StatusBadRequest, "invalid", "from")
			mustProblem(t, e.do(t, "GET", "/api/v1/audit?from=2026-03-04&to=2026-03-02", "admin", nil), http.StatusBadRequest, "invalid", "to")
		})
		t.Run("paging", func(t *testing.T) {
			all := e.auditPage(t, "admin", url.Values{"limit": {"500"}})
			var paged []store.AuditEntry
			q := url.Values{"limit": {"4"}}
			for pages := 0; ; pages++ {
				if pages > len(all.Entries) {
					t.Fatal("paging does not end")
				}
				p := e.auditPage(t, "admin", q)
				if len(p.Entries) > 4 {
					t.Fatalf("a page of %d entries", len(p.Entries))
				}
				paged = append(paged, p.Entries...)
				if p.Next == "" {
					break
				}
				q.Set("cursor", p.Next)
			}
			if len(paged) != len(all.Entries) || len(paged) < 20 {
				t.Fatalf("paged %d entries, in one page %d", len(paged), len(all.Entries))
			}
			for i := range paged {
				if paged[i].ID != all.Entries[i].ID {
					t.Fatalf("entry %d: %d paged, %d in one page", i, paged[i].ID, all.Entries[i].ID)
				}
				if i > 0 && paged[i].At.After(paged[i-1].At) {
					t.Fatalf("entry %d is newer than the one before", i)
				}
			}
			mustProblem(t, e.do(t, "GET", "/api/v1/audit?cursor=x", "admin", nil), http.StatusBadRequest, "invalid", "cursor")
			mustProblem(t, e.do(t, "GET", "/api/v1/audit?limit=0", "admin", nil), http.StatusBadRequest, "invalid", "limit")
			mustProblem(t, e.do(t, "GET", "/api/v1/audit?limit=501", "admin", nil), http.StatusBadRequest, "invalid", "limit")
			mustProblem(t, e.do(t, "GET", "/api/v1/audit?user=admin", "admin", nil), http.StatusBadRequest, "invalid", "user")
		})
		t.Run("who", func(t *testing.T) {
			for _, who := range []string{"agent", "dispatcher", "street_handler", "leader"} {
				mustProblem(t, e.do(t, "GET", "/api/v1/audit", who, nil), http.StatusForbidden, "forbidden", "")
			}
			mustProblem(t, e.do(t, "GET", "/api/v1/audit", "", nil), http.StatusUnauthorized, "unauthorized", "")
			// A leader reads the entries about a ticket they see.
			p := e.auditPage(t, "leader", url.Values{"object": {"ticket"}, "object_id": {itoa(tk.ID)}})
			if len(p.Entries) != 1 || p.Entries[0].Action != "reveal_personal" || p.Entries[0].ActorUsername != "dispatcher" {
				t.Fatalf("the ticket's entries: %+v", p.Entries)
			}
			// An agent may not, even about one ticket.
			mustProblem(t, e.do(t, "GET", fmt.Sprintf("/api/v1/audit?object=ticket&object_id=%d", tk.ID), "agent", nil),
				http.StatusForbidden, "forbidden", "")
		})
	})
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
