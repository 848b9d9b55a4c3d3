package web_test

import (
	"bytes"
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

// Photos of a medicine request over the JSON API, every answer checked
// against the OpenAPI document by the harness: the prescription's by the
// agent, a handover's by the carrier; a PDF, seven photos, a leg that was
// not, a status that does not allow them and someone who may not see the
// request are refused; the photo is served to the carrier, not to others.
func TestMedicinePhotosAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		drv, err := e.f.Svc.CreateUser(ctx, kit.System(), app.NewUser{Username: "driver1", Name: "李建国", Role: org.RoleDriver,
			UnitID: e.f.District.ID, Password: apptest.Password})
		if err != nil {
			t.Fatal(err)
		}
		e.addToken(t, "driver1")
		r := e.do(t, "POST", "/api/v1/medicine/requests", "agent", map[string]any{"patient_name": "张秀兰", "patient_phone": "13997001234",
			"address": "海湖佳苑3号楼", "medicine": "注射用重组人促红素", "quantity": 4, "urgency": "urgent"})
		mustStatus(t, r, http.StatusCreated)
		var v struct {
			ID string `json:"id"`
		}
		json.Unmarshal(r.body, &v)
		base := "/api/v1/medicine/requests/" + v.ID
		type photo struct {
			ID  string `json:"id"`
			Of  string `json:"of"`
			Leg int    `json:"leg"`
		}
		var got struct {
			Prescription bool    `json:"prescription"`
			Photos       []photo `json:"photos"`
		}

		pdf := []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
		if r := e.form(t, base+"/photos", "agent", []part{field("of", "prescription"), file("处方.pdf", pdf)}); r.status != http.StatusBadRequest ||
			!strings.Contains(string(r.body), `"reason":"photo_type"`) {
			t.Errorf("a PDF as a photo: %s", r)
		}
		seven := []part{field("of", "prescription")}
		for range 7 {
			seven = append(seven, file("处方.png", pngBytes))
		}
		if r := e.form(t, base+"/photos", "agent", seven); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), `"reason":"too_many_photos"`) {
			t.Errorf("seven photos: %s", r)
		}
		if r := e.form(t, base+"/photos", "handler", []part{field("of", "prescription"), file("处方.png", pngBytes)}); r.status != http.StatusNotFound {
			t.Errorf("a handler adds a photo: %s", r)
		}
		if r := e.form(t, base+"/photos", "dispatcher", []part{field("of", "handover"), field("leg", "1"), file("交接.png", pngBytes)}); r.status != http.StatusConflict {
			t.Errorf("a handover's photo before the delivery: %s", r)
		}
		r = e.form(t, base+"/photos", "agent", []part{field("of", "prescription"), file("处方.png", pngBytes)})
		mustStatus(t, r, http.StatusCreated)
		json.Unmarshal(r.body, &got)
		if !got.Prescription || len(got.Photos) != 1 || got.Photos[0].Of != "prescription" {
			t.Fatalf("after the prescription's photo: %+v", got)
		}

		step := func(user, action string, body any) {
			t.Helper()
			mustOK(t, e.do(t, "POST", base+"/actions/"+action, user, body))
		}
		step("dispatcher", "verify", nil)
		step("dispatcher", "source", nil)
		step("dispatcher", "sourced", map[string]any{"place": "省人民医院药房", "place_kind": "hospital", "expected_at": "2026-03-03T10:00:00+08:00"})
		step("dispatcher", "deliver", map[string]any{"mode": "driver", "carrier_id": itoa(drv.ID)})
		step("driver1", "handover", map[string]any{"handed_from": "省人民医院药房", "handed_to": "李建国"})
		if r := e.form(t, base+"/photos", "driver1", []part{field("of", "handover"), field("leg", "2"), file("交接.png", pngBytes)}); r.status != http.StatusBadRequest ||
			!strings.Contains(string(r.body), `"reason":"no_such_leg"`) {
			t.Errorf("a photo of a leg that was not: %s", r)
		}
		r = e.form(t, base+"/photos", "driver1", []part{field("of", "handover"), field("leg", "1"), file("交接.png", pngBytes)})
		mustStatus(t, r, http.StatusCreated)
		json.Unmarshal(mustOK(t, e.do(t, "GET", base, "dispatcher", nil)), &got)
		if len(got.Photos) != 2 || got.Photos[1].Of != "handover" || got.Photos[1].Leg != 1 {
			t.Fatalf("the request's photos: %+v", got.Photos)
		}

		url := base + "/photos/" + got.Photos[1].ID
		r = e.do(t, "GET", url, "driver1", nil)
		if r.status != http.StatusOK || !bytes.Equal(r.body, pngBytes) || r.hdr.Get("Content-Type") != "image/png" ||
			!strings.Contains(r.hdr.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("the carrier reads the photo: %d %q", r.status, r.hdr.Get("Content-Type"))
		}
		mustStatus(t, e.do(t, "GET", url, "handler", nil), http.StatusNotFound)
		mustStatus(t, e.do(t, "GET", url, "", nil), http.StatusUnauthorized)
	})
}
