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
	"github.com/minsheng/minsheng/org"
)

// The post's main loop over the JSON API, every answer checked against the
// OpenAPI document by the harness: an agent opens a request from a ticket,
// the post sources it and sends it with a volunteer driver, the driver
// hands it over, delivers it and has it confirmed; the ticket is answered.
// Bad input names its field and writes nothing.
func TestMedicineAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		drv, err := e.f.Svc.CreateUser(ctx, kit.System(), app.NewUser{Username: "driver1", Name: "李建国", Role: org.RoleDriver,
			UnitID: e.f.District.ID, Password: apptest.Password})
		if err != nil {
			t.Fatal(err)
		}
		e.addToken(t, "driver1")
		tk := e.f.Register(t)
		need := map[string]any{"ticket": tk.Number, "patient_name": "张秀兰", "patient_phone": "13997001234", "address": "海湖佳苑3号楼",
			"medicine": "注射用重组人促红素", "spec": "10000IU", "quantity": 0, "unit": "支", "chronic": true, "days_supply": 28,
			"urgency": "urgent"}
		r := e.do(t, "POST", "/api/v1/medicine/requests", "agent", need)
		if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), `"field":"quantity"`) {
			t.Fatalf("a 0 quantity: %s", r)
		}
		var list struct {
			Open []any `json:"open"`
		}
		json.Unmarshal(mustOK(t, e.do(t, "GET", "/api/v1/medicine/requests", "dispatcher", nil)), &list)
		if len(list.Open) != 0 {
			t.Fatalf("a refused request was written: %+v", list)
		}
		need["quantity"] = 4
		r = e.do(t, "POST", "/api/v1/medicine/requests", "agent", need)
		mustStatus(t, r, http.StatusCreated)
		var v struct {
			ID           string `json:"id"`
			Status       string `json:"status"`
			PatientPhone string `json:"patient_phone"`
			TicketNumber string `json:"ticket_number"`
		}
		json.Unmarshal(r.body, &v)
		if v.PatientPhone != "139****1234" || v.TicketNumber != tk.Number {
			t.Errorf("opened %+v", v)
		}
		base := "/api/v1/medicine/requests/" + v.ID
		step := func(user, action string, body any) {
			t.Helper()
			mustOK(t, e.do(t, "POST", base+"/actions/"+action, user, body))
		}
		step("dispatcher", "verify", nil)
		if r := e.do(t, "POST", base+"/actions/deliver", "dispatcher", map[string]any{"mode": "pickup"}); r.status != http.StatusConflict {
			t.Errorf("deliver before sourcing: %s", r)
		}
		step("dispatcher", "source", map[string]any{})
		step("dispatcher", "attempt", map[string]any{"place": "仁济大药房", "place_kind": "pharmacy", "note": "无货"})
		step("dispatcher", "sourced", map[string]any{"place": "省人民医院药房", "place_kind": "hospital", "expected_at": "2026-03-03T10:00:00+08:00"})
		var carriers struct {
			Carriers []struct {
				ID string `json:"id"`
			} `json:"carriers"`
		}
		json.Unmarshal(mustOK(t, e.do(t, "GET", "/api/v1/medicine/carriers", "dispatcher", nil)), &carriers)
		if len(carriers.Carriers) != 1 || carriers.Carriers[0].ID != itoa(drv.ID) {
			t.Fatalf("carriers %+v", carriers)
		}
		step("dispatcher", "deliver", map[string]any{"mode": "driver", "carrier_id": itoa(drv.ID)})
		var ds struct {
			Deliveries []struct {
				ID string `json:"id"`
			} `json:"deliveries"`
		}
		json.Unmarshal(mustOK(t, e.do(t, "GET", "/api/v1/medicine/deliveries", "driver1", nil)), &ds)
		if len(ds.Deliveries) != 1 || ds.Deliveries[0].ID != v.ID {
			t.Fatalf("deliveries %+v", ds)
		}
		if r := e.do(t, "POST", base+"/actions/handover", "driver1", map[string]any{"handed_from": "省人民医院药房"}); r.status != http.StatusBadRequest ||
			!strings.Contains(string(r.body), `"field":"handed_to"`) {
			t.Errorf("a handover to nobody: %s", r)
		}
		step("driver1", "handover", map[string]any{"handed_from": "省人民医院药房", "handed_to": "李建国"})
		step("driver1", "handover", map[string]any{"handed_from": "李建国", "handed_to": "患者家属"})
		step("driver1", "delivered", nil)
		step("driver1", "confirm", map[string]any{"note": "本人签收"})
		if r := e.do(t, "POST", base+"/actions/fly", "dispatcher", nil); r.status != http.StatusBadRequest {
			t.Errorf("unknown action: %s", r)
		}
		var got struct {
			Status    string `json:"status"`
			Handovers []any  `json:"handovers"`
			Attempts  []any  `json:"attempts"`
		}
		json.Unmarshal(mustOK(t, e.do(t, "GET", base, "agent", nil)), &got)
		if got.Status != "confirmed" || len(got.Handovers) != 2 || len(got.Attempts) != 1 {
			t.Errorf("request %+v", got)
		}
		var tr struct {
			Requests []any `json:"requests"`
		}
		json.Unmarshal(mustOK(t, e.do(t, "GET", "/api/v1/tickets/"+tk.Number+"/medicine", "agent", nil)), &tr)
		if len(tr.Requests) != 1 {
			t.Errorf("ticket's requests %+v", tr)
		}
		if r := e.do(t, "POST", base+"/reveal", "dispatcher", map[string]any{"reason": "电话回访"}); r.status != http.StatusOK ||
			!strings.Contains(string(r.body), "13997001234") || r.hdr.Get("Cache-Control") != "no-store" {
			t.Errorf("reveal: %s", r)
		}
		var fig struct {
			Requests  int `json:"requests"`
			Confirmed int `json:"confirmed"`
		}
		json.Unmarshal(mustOK(t, e.do(t, "GET", "/api/v1/medicine/figures?from=2026-03-01&to=2026-03-31", "leader", nil)), &fig)
		if fig.Requests != 1 || fig.Confirmed != 1 {
			t.Errorf("figures %+v", fig)
		}
		if r := e.do(t, "GET", "/api/v1/medicine/figures?from=2026-03-01", "leader", nil); r.status != http.StatusBadRequest {
			t.Errorf("figures without to: %s", r)
		}
		if r := e.do(t, "GET", "/api/v1/medicine/deliveries", "handler", nil); r.status != http.StatusForbidden {
			t.Errorf("a handler's deliveries: %s", r)
		}
	})
}

func init() {
	// Medicine requests are field work: each step writes its timeline and
	// audit entry (checked in app/medicine).
	registerWalk("medicine", capabilityWalk{casework: []string{"/api/v1/medicine/"}})
}
