package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	appmed "github.com/minsheng/minsheng/app/medicine"
	med "github.com/minsheng/minsheng/medicine"
	"github.com/minsheng/minsheng/org"
)

// Photos of a medicine request from the pages: the prescription's with
// the form that opens the request (a PDF refused in Chinese, the typed
// medicine kept), a handover's from the driver's phone page (seven refused
// whole); the request's page shows them and serves them to the post and
// the carrier, never to another driver or to someone signed out.
func TestMedicinePhotoPages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := e.f
		svc := appmed.New(f.Svc.Kit(), f.Svc)
		for _, u := range []string{"driver1", "driver2"} {
			if _, err := f.Svc.CreateUser(ctx, kit.System(), app.NewUser{Username: u, Name: "司机" + u[6:], Role: org.RoleDriver,
				UnitID: f.District.ID, Password: apptest.Password}); err != nil {
				t.Fatal(err)
			}
		}
		form := url.Values{"patient_name": {"张秀兰"}, "patient_phone": {"13997001234"}, "address": {"海湖佳苑3号楼2单元501"},
			"medicine": {"注射用重组人促红素"}, "quantity": {"4"}, "urgency": {"urgent"}}
		agent := e.signedIn(t, "agent")
		pdf := []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
		r := agent.postFiles("/medicine/requests", form, map[string][]byte{"处方.pdf": pdf})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "照片须为") || !strings.Contains(r.body, "注射用重组人促红素") {
			t.Fatalf("a PDF as the prescription's photo: %d", r.status)
		}
		r = agent.postFiles("/medicine/requests", form, map[string][]byte{"处方.png": pngBytes})
		if r.status != http.StatusOK || !strings.Contains(r.body, "已登记用药需求") {
			t.Fatalf("opened with the prescription's photo: %d %s", r.status, r.body)
		}
		id := regexp.MustCompile(`/medicine/requests/(\d+)`).FindStringSubmatch(r.url)
		if id == nil {
			t.Fatalf("not on the request's page: %s", r.url)
		}
		disp := f.Users["dispatcher"]
		rid, _ := strconv.ParseInt(id[1], 10, 64)
		mustAct := func(a med.Action, s med.Step) {
			t.Helper()
			if _, err := svc.Act(ctx, disp, rid, a, s); err != nil {
				t.Fatalf("%s: %v", a, err)
			}
		}
		mustAct(med.ActionVerify, med.Step{})
		mustAct(med.ActionSource, med.Step{})
		at := f.Clock.Now().Add(2 * time.Hour)
		mustAct(med.ActionSourced, med.Step{Place: "省人民医院药剂科", PlaceKind: med.PlaceHospital, ExpectedAt: &at})
		mustAct(med.ActionDeliver, med.Step{Mode: med.ModeDriver, CarrierID: mustUser(t, f, "driver1")})

		driver := e.signedIn(t, "driver1")
		leg := url.Values{"handed_from": {"省人民医院药剂科"}, "handed_to": {"司机1"}}
		seven := map[string][]byte{}
		for _, n := range []string{"1", "2", "3", "4", "5", "6", "7"} {
			seven[n+".png"] = pngBytes
		}
		if r := driver.postFiles("/medicine/deliveries/"+id[1]+"/handover", leg, seven); r.status != http.StatusBadRequest ||
			!strings.Contains(r.body, "最多 6 张") {
			t.Fatalf("a handover with seven photos: %d", r.status)
		}
		r = driver.postFiles("/medicine/deliveries/"+id[1]+"/handover", leg, map[string][]byte{"交接.png": pngBytes})
		if r.status != http.StatusOK || !strings.Contains(r.body, "已记录交接") {
			t.Fatalf("a handover with a photo: %d", r.status)
		}
		if n := len(regexp.MustCompile(`<img src="/medicine/requests/`+id[1]+`/photos/\d+"`).FindAllString(r.body, -1)); n != 1 {
			t.Errorf("the driver's page shows %d photos of the handover; want 1", n)
		}

		staff := e.signedIn(t, "dispatcher")
		r = staff.get("/medicine/requests/" + id[1])
		imgs := regexp.MustCompile(`<img src="(/medicine/requests/\d+/photos/\d+)"`).FindAllStringSubmatch(r.body, -1)
		if len(imgs) != 2 || !strings.Contains(r.body, `id="prescription-photos"`) || !strings.Contains(r.body, "1 张照片") {
			t.Fatalf("the request's page shows %d photos", len(imgs))
		}
		for _, who := range []*browser{staff, driver, agent} {
			if r := who.get(imgs[1][1]); r.status != http.StatusOK || r.hdr.Get("Content-Type") != "image/png" ||
				!strings.Contains(r.hdr.Get("Content-Security-Policy"), "sandbox") {
				t.Errorf("the photo: %d %q", r.status, r.hdr.Get("Content-Type"))
			}
		}
		if r := e.signedIn(t, "driver2").get(imgs[1][1]); r.status != http.StatusNotFound {
			t.Errorf("another driver opens the photo: %d", r.status)
		}
		if r := e.browser(t).get(imgs[1][1]); r.status == http.StatusOK && strings.HasPrefix(r.hdr.Get("Content-Type"), "image/") {
			t.Errorf("someone signed out opens the photo")
		}
		// The carrier sends a photo of the first leg later, from the request's
		// page; a leg that was not is refused in Chinese.
		if r := driver.get("/medicine/requests/" + id[1]); !strings.Contains(r.body, "补传本段交接照片") {
			t.Errorf("the carrier is not offered a later photo of the leg")
		}
		if r := driver.postFiles("/medicine/requests/"+id[1]+"/photos", url.Values{"of": {"handover"}, "leg": {"9"}},
			map[string][]byte{"补拍.png": pngBytes}); r.status != http.StatusBadRequest || !strings.Contains(r.body, "没有这一段交接记录") {
			t.Errorf("a photo of a leg that was not: %d", r.status)
		}
		if r := driver.postFiles("/medicine/requests/"+id[1]+"/photos", url.Values{"of": {"handover"}, "leg": {"1"}},
			map[string][]byte{"补拍.png": pngBytes}); r.status != http.StatusOK || !strings.Contains(r.body, "照片已保存") {
			t.Errorf("a later photo of the leg: %d", r.status)
		}
		// A photo of the prescription added later, from the request's page.
		r = staff.postFiles("/medicine/requests/"+id[1]+"/photos", url.Values{"of": {"prescription"}}, map[string][]byte{"背面.png": pngBytes})
		if r.status != http.StatusOK || !strings.Contains(r.body, "照片已保存") ||
			len(regexp.MustCompile(`<img src="/medicine/requests/\d+/photos/\d+"`).FindAllString(r.body, -1)) != 4 {
			t.Errorf("a prescription photo added later: %d", r.status)
		}
	})
}
