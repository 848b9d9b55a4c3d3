package medicine_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	appmed "github.com/minsheng/minsheng/app/medicine"
	med "github.com/minsheng/minsheng/medicine"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

var ctx = context.Background()

const patientPhone = "13997001234"

type post struct {
	*apptest.Fixture
	svc             *appmed.Service
	driver, driver2 *org.User
}

func newPost(t *testing.T, db *store.DB) *post {
	t.Helper()
	p := &post{Fixture: apptest.New(t, db)}
	p.svc = appmed.New(p.Svc.Kit(), p.Svc)
	for i, name := range []string{"李建国", "王德明"} {
		username := "driver" // the demo driver's login, as the fleet's seed names it
		if i > 0 {
			username = "driver2"
		}
		u, err := p.Svc.CreateUser(ctx, kit.System(), app.NewUser{Username: username, Name: name,
			Role: org.RoleDriver, UnitID: p.District.ID, Password: apptest.Password})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Svc.SetContact(ctx, kit.System(), u.Username, app.Contact{Phone: "1380000000" + string(rune('1'+i))}); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			p.driver = u
		} else {
			p.driver2 = u
		}
	}
	return p
}

func need() med.Need {
	return med.Need{PatientName: "张秀兰", PatientPhone: patientPhone, Address: "海湖佳苑3号楼2单元501", Medicine: "注射用重组人促红素",
		Spec: "10000IU", Quantity: 4, Unit: "支", Chronic: true, DaysSupply: 28, Urgency: med.UrgencyUrgent, Prescription: true}
}

func (p *post) mustAct(t *testing.T, user *org.User, id int64, a med.Action, s med.Step) *appmed.View {
	t.Helper()
	v, err := p.svc.Act(ctx, user, id, a, s)
	if err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	return v
}

func ticketNotes(t *testing.T, p *post, number string) (string, ticket.Status) {
	t.Helper()
	tv := apptest.MustView(t, p.Fixture, "dispatcher", number)
	var notes []string
	for _, e := range tv.Events {
		notes = append(notes, e.Note)
	}
	return strings.Join(notes, "\n"), tv.Ticket.Status
}

// The post's main loop: an agent opens a request from a hotline ticket;
// the post verifies it, asks a pharmacy (out of stock) and a hospital
// (found), sends it with a volunteer driver; the driver hands it over
// twice and delivers it; the patient's confirmation answers the ticket,
// which waits for the callback.
func TestMainLoop(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPost(t, db)
		tk := p.Register(t)
		agent, disp := p.Users["agent"], p.Users["dispatcher"]
		v, err := p.svc.Open(ctx, agent, appmed.NewRequest{Need: need(), Ticket: tk.Number})
		if err != nil {
			t.Fatal(err)
		}
		if v.PatientPhone == patientPhone || v.PatientName == "张秀兰" || v.TicketNumber != tk.Number {
			t.Errorf("opened request not masked or not linked: %+v", v.Request)
		}
		id := v.ID
		p.mustAct(t, disp, id, med.ActionVerify, med.Step{Note: "已核对处方"})
		p.mustAct(t, disp, id, med.ActionSource, med.Step{})
		p.mustAct(t, disp, id, med.ActionAttempt, med.Step{Place: "仁济大药房", Note: "无货"})
		expected := p.Clock.Now().Add(26 * time.Hour)
		p.mustAct(t, disp, id, med.ActionAttempt, med.Step{Place: "省人民医院药房", PlaceKind: med.PlaceHospital, InStock: true, ExpectedAt: &expected})
		p.mustAct(t, disp, id, med.ActionSourced, med.Step{Place: "省人民医院药房", PlaceKind: med.PlaceHospital, ExpectedAt: &expected})

		// Only an active volunteer driver carries.
		if _, err := p.svc.Act(ctx, disp, id, med.ActionDeliver, med.Step{Mode: med.ModeDriver, CarrierID: p.Users["handler"].ID}); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Errorf("delivery by a handler: %v", err)
		}
		v = p.mustAct(t, disp, id, med.ActionDeliver, med.Step{Mode: med.ModeDriver, CarrierID: p.driver.ID})
		if v.Status != med.StatusDelivering || v.CarrierName != "李建国" {
			t.Errorf("after deliver: %s %q", v.Status, v.CarrierName)
		}
		// The driver and the patient are told, once each.
		var toPatient, toDriver int
		_ = db.Read(ctx, func(tx *store.Tx) error {
			ds, err := store.ListDeliveries(ctx, tx, store.DeliveryFilter{Object: appmed.ObjectRequest, ObjectID: id})
			for _, d := range ds {
				switch d.Recipient {
				case patientPhone:
					toPatient++
				case "13800000001":
					toDriver++
				}
			}
			return err
		})
		if toPatient != 1 || toDriver != 1 {
			t.Errorf("SMS to the patient %d, to the driver %d; want 1 and 1", toPatient, toDriver)
		}

		// Another driver neither sees nor hands it over; an agent may not.
		if _, err := p.svc.Act(ctx, p.driver2, id, med.ActionHandover, med.Step{From: "a", To: "b"}); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
			t.Errorf("another driver hands over: %v", err)
		}
		if _, err := p.svc.Act(ctx, agent, id, med.ActionHandover, med.Step{From: "a", To: "b"}); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Errorf("an agent hands over: %v", err)
		}
		list, err := p.svc.Deliveries(ctx, p.driver)
		if err != nil || len(list) != 1 || list[0].ID != id {
			t.Fatalf("driver's deliveries %+v %v", list, err)
		}
		p.mustAct(t, p.driver, id, med.ActionHandover, med.Step{From: "省人民医院药房", To: "李建国"})
		p.mustAct(t, p.driver, id, med.ActionHandover, med.Step{From: "李建国", To: "张秀兰家属"})
		if _, err := p.svc.Act(ctx, p.driver, id, med.ActionDelivered, med.Step{Quantity: 5}); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Errorf("more delivered than asked: %v", err)
		}
		p.mustAct(t, p.driver, id, med.ActionDelivered, med.Step{})
		v = p.mustAct(t, p.driver, id, med.ActionConfirm, med.Step{Note: "患者本人签收"})
		if v.Status != med.StatusConfirmed || len(v.Handovers) != 2 || len(v.Attempts) != 2 || v.RunOutAt == nil || v.DeliveredQty != 4 {
			t.Errorf("confirmed: %s handovers %d attempts %d run-out %v qty %d", v.Status, len(v.Handovers), len(v.Attempts), v.RunOutAt, v.DeliveredQty)
		}
		notes, status := ticketNotes(t, p, tk.Number)
		if status != ticket.StatusResolvedAtIntake || !strings.Contains(notes, "已登记用药需求") || !strings.Contains(notes, "经本人确认") {
			t.Errorf("ticket %s:\n%s", status, notes)
		}
		// The timeline holds every step, each with its audit entry.
		if len(v.Timeline) != 11 {
			t.Errorf("timeline has %d events, want 11", len(v.Timeline))
		}
		_ = db.Read(ctx, func(tx *store.Tx) error {
			es, err := store.ListAuditLog(ctx, tx, store.AuditFilter{Object: appmed.ObjectRequest, ObjectID: &id})
			if err != nil || len(es) != 11 {
				t.Errorf("%d audit entries (%v), want 11", len(es), err)
			}
			return nil
		})
		f, err := p.svc.Figures(ctx, p.Users["leader"], p.Clock.Now().AddDate(0, 0, -1), p.Clock.Now().AddDate(0, 0, 1))
		if err != nil || f.Requests != 1 || f.Confirmed != 1 || f.Patients != 1 || f.Chronic != 1 || f.MedianDeliveryHours < 0 {
			t.Errorf("figures %+v %v", f, err)
		}
	})
}

// Without a ticket, opening a request opens one for it, the patient as the
// caller; nowhere to be had answers the ticket with the reason.
func TestOpensTicketAndNotAvailable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPost(t, db)
		disp := p.Users["dispatcher"]
		n := need()
		n.Urgency = med.UrgencyLife
		v, err := p.svc.Open(ctx, p.Users["agent"], appmed.NewRequest{Need: n})
		if err != nil {
			t.Fatal(err)
		}
		tv := apptest.MustView(t, p.Fixture, "dispatcher", v.TicketNumber)
		if tv.Ticket.Urgency != ticket.UrgencyCritical || tv.Ticket.Kind != ticket.KindHelp || !strings.Contains(tv.Ticket.Title, "注射用重组人促红素") {
			t.Errorf("opened ticket %+v", tv.Ticket)
		}
		p.mustAct(t, disp, v.ID, med.ActionVerify, med.Step{})
		p.mustAct(t, disp, v.ID, med.ActionSource, med.Step{})
		if _, err := p.svc.Act(ctx, disp, v.ID, med.ActionNotAvailable, med.Step{}); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Errorf("not available without a reason: %v", err)
		}
		p.mustAct(t, disp, v.ID, med.ActionNotAvailable, med.Step{Reason: "全省断货，已建议复诊换药"})
		notes, status := ticketNotes(t, p, v.TicketNumber)
		if status != ticket.StatusResolvedAtIntake || !strings.Contains(notes, "全省断货") {
			t.Errorf("ticket %s:\n%s", status, notes)
		}
		if _, err := p.svc.Act(ctx, disp, v.ID, med.ActionCancel, med.Step{Reason: "x"}); !minsheng.IsCode(err, minsheng.ECONFLICT) {
			t.Errorf("cancel after the end: %v", err)
		}
	})
}

// Bad input is refused with the field at fault and writes nothing: no
// request, no ticket event.
func TestBadInputWritesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPost(t, db)
		tk := p.Register(t)
		before, _ := ticketNotes(t, p, tk.Number)
		for _, tc := range []struct {
			name  string
			edit  func(*appmed.NewRequest)
			field string
		}{
			{"zero quantity", func(r *appmed.NewRequest) { r.Quantity = 0 }, "quantity"},
			{"negative quantity", func(r *appmed.NewRequest) { r.Quantity = -1 }, "quantity"},
			{"no medicine", func(r *appmed.NewRequest) { r.Medicine = " " }, "medicine"},
			{"bad phone", func(r *appmed.NewRequest) { r.PatientPhone = "110" }, "patient_phone"},
			{"unknown ticket", func(r *appmed.NewRequest) { r.Ticket = "20990101-99999" }, "ticket"},
		} {
			in := appmed.NewRequest{Need: need(), Ticket: tk.Number}
			tc.edit(&in)
			_, err := p.svc.Open(ctx, p.Users["agent"], in)
			if e, ok := err.(*minsheng.Error); !ok || e.Code != minsheng.EINVALID || e.Field != tc.field {
				t.Errorf("%s: %v, want EINVALID on %s", tc.name, err, tc.field)
			}
		}
		if _, err := p.svc.Open(ctx, p.Users["handler"], appmed.NewRequest{Need: need(), Ticket: tk.Number}); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Errorf("a handler opens a request: %v", err)
		}
		d, err := p.svc.List(ctx, p.Users["dispatcher"])
		if err != nil || len(d.Open) != 0 {
			t.Errorf("requests after refusals: %+v %v", d, err)
		}
		if after, _ := ticketNotes(t, p, tk.Number); after != before {
			t.Errorf("the ticket changed:\n%s", after)
		}
	})
}

// The patient is revealed to the post (audited), not to a driver who does
// not carry the medicine; the agent who took the call may cancel, not
// verify; the ticket hears why.
func TestCancelAndReveal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPost(t, db)
		tk := p.Register(t)
		v, err := p.svc.Open(ctx, p.Users["agent"], appmed.NewRequest{Need: need(), Ticket: tk.Number})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.svc.RevealPatient(ctx, p.driver, v.ID, "送药联系"); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
			t.Errorf("a driver not carrying it reveals the patient: %v", err)
		}
		pt, err := p.svc.RevealPatient(ctx, p.Users["dispatcher"], v.ID, "核实处方")
		if err != nil || pt.Phone != patientPhone || pt.Name != "张秀兰" {
			t.Errorf("reveal %+v %v", pt, err)
		}
		if _, err := p.svc.Act(ctx, p.Users["agent"], v.ID, med.ActionVerify, med.Step{}); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Errorf("an agent verifies: %v", err)
		}
		p.mustAct(t, p.Users["agent"], v.ID, med.ActionCancel, med.Step{Reason: "家属已自行购得"})
		notes, _ := ticketNotes(t, p, tk.Number)
		if !strings.Contains(notes, "家属已自行购得") {
			t.Errorf("ticket notes:\n%s", notes)
		}
	})
}
