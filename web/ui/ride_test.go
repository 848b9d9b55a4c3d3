package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	appride "github.com/minsheng/minsheng/app/ride"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/ride"
)

// The fleet's pages word refused forms from the error's code and field in
// the page's language; a driver who comes second to a ride is told so on
// the phone page; the fleet's forms keep to the desk.
func TestRidePages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := e.f
		rides := appride.New(f.Svc.Kit(), f.Svc, appride.Config{})
		until := time.Date(2027, 12, 31, 0, 0, 0, 0, calendar.China)
		var driverIDs []int64
		for i, name := range []string{"李建国", "王德明"} {
			username := "driver" + strconv.Itoa(i+1)
			u, err := f.Svc.CreateUser(ctx, kit.System(), app.NewUser{Username: username, Name: name, Role: org.RoleDriver,
				UnitID: f.District.ID, Password: apptest.Password})
			if err != nil {
				t.Fatal(err)
			}
			v, err := rides.SaveVehicle(ctx, f.Users["dispatcher"], ride.Vehicle{Plate: "青A1000" + strconv.Itoa(i+1), Seats: 4, InsuranceUntil: until, Active: true})
			if err != nil {
				t.Fatal(err)
			}
			d, err := rides.SaveDriver(ctx, f.Users["dispatcher"], ride.Driver{UserID: u.ID, Phone: "1380000000" + strconv.Itoa(i+1), VehicleID: v.ID,
				Active: true, Documents: []ride.Document{{Kind: ride.DocLicense, Until: until}}})
			if err != nil {
				t.Fatal(err)
			}
			driverIDs = append(driverIDs, d.ID)
		}
		tk := f.Register(t)

		agent := e.signedIn(t, "agent")
		bad := url.Values{"ticket": {tk.Number}, "purpose": {"hospital"}, "rider_name": {"马桂英"}, "rider_phone": {"13997001234"},
			"pickup": {"胜利路12号"}, "destination": {"省人民医院"}, "pickup_at": {"2026-03-03T07:30"}, "passengers": {"0"}}
		r := agent.post("/rides/book", bad)
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "乘车人数须在 1 到 7 人之间") || strings.Contains(r.body, "passengers must be") {
			t.Errorf("refused booking on a zh page: %d", r.status)
		}
		if !strings.Contains(r.body, `value="马桂英"`) {
			t.Error("the refused form lost what the agent typed")
		}
		agent.get("/lang/en?next=/rides/book")
		r = agent.post("/rides/book", bad)
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "Passengers must be 1 to 7.") || strings.Contains(r.body, "乘车人数须在") {
			t.Errorf("refused booking on an en page: %d", r.status)
		}
		bad.Set("passengers", "2")
		bad.Set("appointment_at", "2026-03-03T07:00")
		if r := agent.post("/rides/book", bad); !strings.Contains(r.body, "The appointment must be after the pickup.") {
			t.Errorf("appointment before the pickup: %d", r.status)
		}
		bad.Del("appointment_at")
		if r := agent.post("/rides/book", bad); r.status != http.StatusOK || !strings.Contains(r.url, "/t/"+tk.Number) {
			t.Fatalf("booking: %d %s", r.status, r.url)
		}
		booked, err := rides.TicketRides(ctx, f.Users["agent"], tk.Number)
		if err != nil || len(booked) != 1 {
			t.Fatalf("booked %v %v", booked, err)
		}
		id := strconv.FormatInt(booked[0].ID, 10)

		disp := e.signedIn(t, "dispatcher")
		if r := disp.post("/rides/"+id+"/offer", url.Values{"driver_id": {strconv.FormatInt(driverIDs[0], 10)}}); r.status != http.StatusBadRequest ||
			!strings.Contains(r.body, "该用车已有变化") {
			t.Errorf("offering a requested ride (not scheduled yet): %d %s", r.status, r.body[strings.Index(r.body, "<main"):])
		}
		if r := disp.post("/rides/"+id+"/schedule", url.Values{}); r.status != http.StatusOK || !strings.Contains(r.body, "已排班") {
			t.Fatalf("schedule: %d", r.status)
		}
		if r := disp.post("/rides/"+id+"/offer", url.Values{}); r.status != http.StatusBadRequest || !strings.Contains(r.body, "请选择可承接的司机") {
			t.Errorf("offering to nobody: %d", r.status)
		}
		if r := disp.post("/rides/"+id+"/offer", url.Values{"driver_id": {strconv.FormatInt(driverIDs[0], 10), strconv.FormatInt(driverIDs[1], 10)}}); r.status != http.StatusOK {
			t.Fatalf("offer: %d", r.status)
		}

		d1, d2 := e.signedIn(t, "driver1"), e.signedIn(t, "driver2")
		if r := d1.post("/rides/driver/"+id+"/accept", url.Values{}); r.status != http.StatusOK || !strings.Contains(r.body, "已接单，乘车人已收到通知") {
			t.Fatalf("first accept: %d", r.status)
		}
		if r := d2.post("/rides/driver/"+id+"/accept", url.Values{}); r.status != http.StatusBadRequest || !strings.Contains(r.body, "可能已被其他司机接单") {
			t.Errorf("second accept: %d", r.status)
		}
		if r := d2.get("/rides/" + id); r.status != http.StatusForbidden {
			t.Errorf("a driver opens the desk's ride page: %d", r.status)
		}
		if r := d1.post("/rides/driver/"+id+"/start", url.Values{"odometer": {"abc"}}); r.status != http.StatusBadRequest || !strings.Contains(r.body, "里程表读数须是数字") {
			t.Errorf("a bad odometer: %d", r.status)
		}

		// The fleet's forms.
		if r := disp.post("/rides/fleet/vehicles", url.Values{"plate": {"ABC"}, "seats": {"4"}, "insurance_until": {"2027-01-01"}}); r.status != http.StatusBadRequest ||
			!strings.Contains(r.body, "车牌无效或已登记") {
			t.Errorf("a bad plate: %d", r.status)
		}
		if r := disp.post("/rides/fleet/vehicles", url.Values{"plate": {"青A20001"}, "seats": {"6"}, "wheelchair": {"1"}, "active": {"1"},
			"insurance_until": {"2027-01-01"}}); r.status != http.StatusOK || !strings.Contains(r.body, "青A20001") {
			t.Errorf("a new vehicle: %d", r.status)
		}
		if r := disp.post("/rides/fleet/drivers", url.Values{"username": {"handler"}, "doc_license": {"2027-01-01"}}); r.status != http.StatusBadRequest ||
			!strings.Contains(r.body, "没有“司机”角色") {
			t.Errorf("a handler as a driver: %d", r.status)
		}
		handler := e.signedIn(t, "handler")
		for _, p := range []string{"/rides", "/rides/fleet", "/rides/figures", "/rides/driver"} {
			if r := handler.get(p); r.status != http.StatusForbidden {
				t.Errorf("a handler opens %s: %d", p, r.status)
			}
		}
		if r := e.signedIn(t, "leader").get("/rides/figures?from=2026-03-01&to=2026-03-31"); r.status != http.StatusOK || !strings.Contains(r.body, "完成行程") {
			t.Errorf("figures: %d", r.status)
		}
		if r := disp.get("/rides"); r.status != http.StatusOK || !strings.Contains(r.body, "/rides/"+id) {
			t.Errorf("desk: %d", r.status)
		}

		// The trips as a workbook, for the desk; a driver's own record.
		for who, c := range map[string]*browser{"dispatcher": disp, "driver1": d1} {
			r := c.get("/rides/export.xlsx?from=2026-03-01&to=2026-03-31")
			if r.status != http.StatusOK || !strings.HasPrefix(r.body, "PK") {
				t.Errorf("%s's export: %d %.40q", who, r.status, r.body)
			}
		}
		if r := handler.get("/rides/export.xlsx"); r.status != http.StatusForbidden {
			t.Errorf("a handler exports the trips: %d", r.status)
		}
		if r := disp.get("/rides/export.xlsx?from=2026-13-01"); r.status != http.StatusBadRequest {
			t.Errorf("a bad date: %d", r.status)
		}
	})
}
