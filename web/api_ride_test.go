package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/org"
)

// A ride's steps over the JSON API, every answer checked against the
// OpenAPI document by the harness: booked from a ticket, scheduled,
// offered, accepted, started; the driver reports a breakdown and the desk
// shows it; bad input names its field; steps out of turn are conflicts.
func TestRideAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		du, err := e.f.Svc.CreateUser(ctx, kit.System(), app.NewUser{Username: "driver1", Name: "李建国", Role: org.RoleDriver,
			UnitID: e.f.District.ID, Password: apptest.Password})
		if err != nil {
			t.Fatal(err)
		}
		e.addToken(t, "driver1")
		var veh, drv struct {
			ID string `json:"id"`
		}
		json.Unmarshal(mustOK(t, e.do(t, "POST", "/api/v1/ride-vehicles", "admin", map[string]any{"plate": "青A10001", "seats": 4,
			"insurance_until": "2027-12-31T00:00:00+08:00", "active": true})), &veh)
		json.Unmarshal(mustOK(t, e.do(t, "POST", "/api/v1/ride-drivers", "admin", map[string]any{"user_id": itoa(du.ID), "availability": []map[string]any{{"weekday": 2, "from": 360, "to": 1320}}, "documents": []map[string]any{{"kind": "license", "until": "2028-01-01T00:00:00+08:00"}},
			"phone": "13800000001", "vehicle_id": veh.ID, "active": true})), &drv)
		tk := e.f.Register(t)
		pickup := e.f.Clock.Now().In(calendar.China).Add(24 * time.Hour).Format(time.RFC3339)
		var booked struct {
			Rides []struct {
				ID string `json:"id"`
			} `json:"rides"`
		}
		json.Unmarshal(mustOK(t, e.do(t, "POST", "/api/v1/tickets/"+tk.Number+"/rides", "agent", map[string]any{"rider_name": "马桂英",
			"rider_phone": "13997001234", "pickup": "胜利路12号", "destination": "省人民医院", "pickup_at": pickup, "passengers": 1,
			"purpose": "hospital"})), &booked)
		if len(booked.Rides) != 1 {
			t.Fatalf("booked %+v", booked)
		}
		base := "/api/v1/rides/" + booked.Rides[0].ID
		if r := e.do(t, "POST", base+"/start", "driver1", nil); r.status != http.StatusForbidden && r.status != http.StatusConflict {
			t.Errorf("start before the offer: %s", r)
		}
		mustOK(t, e.do(t, "POST", base+"/schedule", "dispatcher", map[string]any{"note": "已核实"}))
		if r := e.do(t, "POST", base+"/offer", "dispatcher", map[string]any{"driver_ids": []string{"x"}}); r.status != http.StatusBadRequest ||
			!strings.Contains(string(r.body), `"field":"driver_ids"`) {
			t.Errorf("offer to a non-id: %s", r)
		}
		var sg struct {
			Suggestions []struct {
				DriverID string `json:"driver_id"`
			} `json:"suggestions"`
		}
		json.Unmarshal(mustOK(t, e.do(t, "GET", base+"/suggestions", "dispatcher", nil)), &sg)
		if len(sg.Suggestions) != 1 || sg.Suggestions[0].DriverID != drv.ID {
			t.Fatalf("suggestions %+v, driver %s", sg, drv.ID)
		}
		mustOK(t, e.do(t, "POST", base+"/offer", "dispatcher", map[string]any{"driver_ids": []string{drv.ID}}))
		mustOK(t, e.do(t, "POST", base+"/accept", "driver1", nil))
		if r := e.do(t, "POST", base+"/accept", "driver1", nil); r.status != http.StatusConflict {
			t.Errorf("accepting twice: %s", r)
		}
		mustOK(t, e.do(t, "POST", base+"/start", "driver1", map[string]any{"odometer": 52000}))
		if r := e.do(t, "POST", base+"/report", "driver1", map[string]any{"problem": "flat"}); r.status != http.StatusBadRequest ||
			!strings.Contains(string(r.body), `"field":"problem"`) {
			t.Errorf("an unknown problem: %s", r)
		}
		if r := e.do(t, "POST", base+"/report", "dispatcher", map[string]any{"problem": "breakdown"}); r.status != http.StatusForbidden {
			t.Errorf("the desk reports for the driver: %s", r)
		}
		var v struct {
			Status  string `json:"status"`
			Problem string `json:"problem"`
		}
		json.Unmarshal(mustOK(t, e.do(t, "POST", base+"/report", "driver1", map[string]any{"problem": "breakdown", "note": "水温过高"})), &v)
		if v.Status != "en_route" {
			t.Errorf("after the report: %+v", v)
		}
		var desk struct {
			Upcoming []struct {
				ID      string `json:"id"`
				Problem string `json:"problem"`
			} `json:"upcoming"`
		}
		json.Unmarshal(mustOK(t, e.do(t, "GET", "/api/v1/rides", "dispatcher", nil)), &desk)
		if len(desk.Upcoming) != 1 || desk.Upcoming[0].Problem != "breakdown" {
			t.Errorf("desk %+v", desk)
		}
		json.Unmarshal(mustOK(t, e.do(t, "GET", base, "dispatcher", nil)), &v)
		if v.Problem != "breakdown" {
			t.Errorf("ride %+v", v)
		}
		mustOK(t, e.do(t, "GET", "/api/v1/rides/figures?from=2026-03-01&to=2026-03-31", "dispatcher", nil))
		if r := e.do(t, "GET", "/api/v1/rides/figures?from=2026-03-01", "dispatcher", nil); r.status != http.StatusBadRequest {
			t.Errorf("figures without to: %s", r)
		}
		if r := e.do(t, "GET", base, "", nil); r.status != http.StatusUnauthorized {
			t.Errorf("a ride without credentials: %s", r)
		}
	})
}

func init() {
	// Rides are field work: each step writes the ride's timeline and audit
	// entry (checked in app/ride) and is walked by role in this file. The
	// fleet's vehicles and drivers are administration, in the central
	// walks.
	registerWalk("ride", capabilityWalk{casework: []string{"/api/v1/rides/"}})
}
