package medicine_test

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	appmed "github.com/minsheng/minsheng/app/medicine"
	med "github.com/minsheng/minsheng/medicine"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// tinyPNG is a 1×1 PNG image.
var tinyPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cb\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")

func reason(err error) string {
	if e, ok := err.(*minsheng.Error); ok {
		return e.Reason
	}
	return ""
}

// A request keeps photos of its prescription (when opened and later), of
// each handover and of the delivery, from the blob store: a PDF or a
// seventh photo is refused and nothing is written; photos go with a
// handover or the delivery only; the post, the agents and the carrier see
// them, another driver does not; every upload is on the timeline.
func TestPhotos(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPost(t, db)
		agent, disp := p.Users["agent"], p.Users["dispatcher"]
		photo := func() app.Upload {
			t.Helper()
			up, err := p.svc.PutPhoto("处方.png", bytes.NewReader(tinyPNG))
			if err != nil {
				t.Fatal(err)
			}
			return up
		}
		pdf := []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
		if _, err := p.svc.PutPhoto("处方.pdf", bytes.NewReader(pdf)); reason(err) != "photo_type" {
			t.Errorf("a PDF as a photo: %v", err)
		}
		if _, err := p.svc.PutPhoto("处方.txt", bytes.NewReader([]byte("not a photo at all"))); reason(err) != "photo_type" {
			t.Errorf("a text file as a photo: %v", err)
		}

		// Opened with the prescription's photo: the prescription is seen.
		n := need()
		n.Prescription = false
		seven := []app.Upload{photo(), photo(), photo(), photo(), photo(), photo(), photo()}
		if _, err := p.svc.Open(ctx, agent, appmed.NewRequest{Need: n}, seven...); reason(err) != "too_many_photos" {
			t.Fatalf("seven photos of a prescription: %v", err)
		}
		v, err := p.svc.Open(ctx, agent, appmed.NewRequest{Need: n}, photo())
		if err != nil {
			t.Fatal(err)
		}
		id := v.ID
		v, err = p.svc.Get(ctx, disp, id)
		if err != nil || !v.Prescription || len(v.PhotosOf(med.PhotoPrescription, 0)) != 1 {
			t.Fatalf("the opened request's prescription: %v %d photos (%v)", v.Prescription, len(v.Photos), err)
		}
		// More of the prescription later, up to six.
		if _, err := p.svc.AddPhotos(ctx, disp, id, med.PhotoPrescription, 0, seven[:6]...); reason(err) != "too_many_photos" {
			t.Errorf("a seventh photo of the prescription: %v", err)
		}
		if _, err := p.svc.AddPhotos(ctx, agent, id, med.PhotoPrescription, 0, seven[:2]...); err != nil {
			t.Fatal(err)
		}
		// A handover's photo before any delivery: the status does not allow it.
		if _, err := p.svc.AddPhotos(ctx, disp, id, med.PhotoHandover, 1, photo()); !minsheng.IsCode(err, minsheng.ECONFLICT) {
			t.Errorf("a handover's photo of a request just opened: %v", err)
		}
		// A photo goes with no other step than a handover or the delivery.
		if _, err := p.svc.Act(ctx, disp, id, med.ActionVerify, med.Step{}, photo()); reason(err) != "photo_not_here" {
			t.Errorf("a photo with the verification: %v", err)
		}
		p.mustAct(t, disp, id, med.ActionVerify, med.Step{})
		p.mustAct(t, disp, id, med.ActionSource, med.Step{})
		at := p.Clock.Now().Add(3 * time.Hour)
		p.mustAct(t, disp, id, med.ActionSourced, med.Step{Place: "省人民医院药房", PlaceKind: med.PlaceHospital, ExpectedAt: &at})
		p.mustAct(t, disp, id, med.ActionDeliver, med.Step{Mode: med.ModeDriver, CarrierID: p.driver.ID})

		// The driver: two handovers with photos, a bad one refused whole.
		if _, err := p.svc.Act(ctx, p.driver, id, med.ActionHandover, med.Step{From: "药房", To: "李建国"}, seven...); reason(err) != "too_many_photos" {
			t.Errorf("a handover with seven photos: %v", err)
		}
		if _, err := p.svc.Act(ctx, p.driver2, id, med.ActionHandover, med.Step{From: "药房", To: "王德明"}, photo()); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
			t.Errorf("another driver hands over with a photo: %v", err)
		}
		p.mustActPhotos(t, p.driver, id, med.ActionHandover, med.Step{From: "省人民医院药房", To: "李建国"}, photo())
		p.mustActPhotos(t, p.driver, id, med.ActionHandover, med.Step{From: "李建国", To: "患者家属"}, photo(), photo())
		// A photo of the first leg sent later; no third leg.
		if _, err := p.svc.AddPhotos(ctx, p.driver, id, med.PhotoHandover, 3, photo()); reason(err) != "no_such_leg" {
			t.Errorf("a photo of a leg that was not: %v", err)
		}
		if _, err := p.svc.AddPhotos(ctx, agent, id, med.PhotoHandover, 1, photo()); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Errorf("an agent adds a handover's photo: %v", err)
		}
		if _, err := p.svc.AddPhotos(ctx, p.driver, id, med.PhotoHandover, 1, photo()); err != nil {
			t.Fatal(err)
		}
		if _, err := p.svc.AddPhotos(ctx, p.driver, id, med.PhotoDelivery, 0, photo()); !minsheng.IsCode(err, minsheng.ECONFLICT) {
			t.Errorf("a delivery's photo before the delivery: %v", err)
		}
		p.mustActPhotos(t, p.driver, id, med.ActionDelivered, med.Step{}, photo())
		v = p.mustAct(t, p.driver, id, med.ActionConfirm, med.Step{Note: "本人签收"})

		if got := [4]int{len(v.PhotosOf(med.PhotoPrescription, 0)), len(v.PhotosOf(med.PhotoHandover, 1)),
			len(v.PhotosOf(med.PhotoHandover, 2)), len(v.PhotosOf(med.PhotoDelivery, 0))}; got != [4]int{3, 2, 2, 1} {
			t.Errorf("photos of prescription, leg 1, leg 2, delivery: %v", got)
		}
		var uploads int
		for _, e := range v.Timeline {
			if e.Data["photos"] != "" {
				uploads++
			}
		}
		if uploads != 6 { // opened, prescription later, two handovers, leg 1 later, delivered
			t.Errorf("%d events with photos on the timeline; want 6", uploads)
		}

		// Who sees them: the post, the agents and the carrier; not another driver.
		ph := v.PhotosOf(med.PhotoHandover, 2)[0]
		for _, u := range []string{"dispatcher", "agent"} {
			got, f, err := p.svc.OpenPhoto(ctx, p.Users[u], id, ph.ID)
			if err != nil {
				t.Fatalf("%s opens the photo: %v", u, err)
			}
			b, _ := io.ReadAll(f)
			f.Close()
			if !bytes.Equal(b, tinyPNG) || got.ContentType != "image/png" || got.Leg != 2 {
				t.Errorf("%s: photo %+v, %d bytes", u, got, len(b))
			}
		}
		if _, f, err := p.svc.OpenPhoto(ctx, p.driver, id, ph.ID); err != nil {
			t.Errorf("the carrier opens the photo: %v", err)
		} else {
			f.Close()
		}
		for _, u := range []string{"handler", "leader"} {
			if _, _, err := p.svc.OpenPhoto(ctx, p.Users[u], id, ph.ID); !minsheng.IsCode(err, minsheng.ENOTFOUND) && !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
				t.Errorf("%s opens the photo: %v", u, err)
			}
		}
		if _, _, err := p.svc.OpenPhoto(ctx, p.driver2, id, ph.ID); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
			t.Errorf("another driver opens the photo: %v", err)
		}
		// A photo is opened through its own request only.
		other, err := p.svc.Open(ctx, agent, appmed.NewRequest{Need: need()})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := p.svc.OpenPhoto(ctx, disp, other.ID, ph.ID); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
			t.Errorf("a photo through another request: %v", err)
		}
	})
}

func (p *post) mustActPhotos(t *testing.T, user *org.User, id int64, a med.Action, s med.Step, photos ...app.Upload) *appmed.View {
	t.Helper()
	v, err := p.svc.Act(ctx, user, id, a, s, photos...)
	if err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	return v
}
