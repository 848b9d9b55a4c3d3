package mediation_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	appmed "github.com/minsheng/minsheng/app/mediation"
	"github.com/minsheng/minsheng/jobs"
	"github.com/minsheng/minsheng/mediation"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

var ctx = context.Background()

type fixture struct {
	*apptest.Fixture
	med      *appmed.Service
	mediator *org.User // of the street, the case's
	other    *org.User // another mediator of the street
	dispute  *ticket.Category
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	f := &fixture{Fixture: apptest.New(t, db)}
	f.med = appmed.New(f.Svc.Kit(), f.Svc)
	hash, _ := org.HashPassword(apptest.Password)
	var err error
	for _, name := range []string{"mediator", "mediator2"} {
		u, err := f.Svc.CreateUserWithHash(ctx, app.NewUser{Username: name, Name: name + "姓名", Role: org.RoleMediator, UnitID: f.Street.ID}, hash)
		if err != nil {
			t.Fatal(err)
		}
		f.Users[name] = u
	}
	f.mediator, f.other = f.Users["mediator"], f.Users["mediator2"]
	root, err := f.Svc.CreateCategory(ctx, kit.System(), app.NewCategory{Code: "dispute", Name: "矛盾纠纷"})
	if err != nil {
		t.Fatal(err)
	}
	if f.dispute, err = f.Svc.CreateCategory(ctx, kit.System(), app.NewCategory{ParentID: root.ID, Code: "dispute.neighbour", Name: "邻里纠纷"}); err != nil {
		t.Fatal(err)
	}
	return f
}

// disputeCall registers a hotline call about a leak as the agent.
func (f *fixture) disputeCall(t *testing.T) *ticket.Ticket {
	t.Helper()
	tk, _, err := f.Svc.CreateTicket(ctx, f.Users["agent"], ticket.NewTicket{Title: "楼上漏水协商不成", Description: "楼上住户卫生间漏水，多次协商未果，请求调解。",
		Kind: ticket.KindHelp, CallerName: "王秀兰", CallerPhone: "13897001234", Address: "海湖路18号3号楼502", CategoryID: f.dispute.ID}, "")
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func field(err error) string {
	if e, ok := err.(*minsheng.Error); ok {
		return e.Code + ":" + e.Field
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

// The loop: a dispute call becomes a case, goes through two
// sessions to an agreement with a two-instalment schedule; the first is
// reminded of and paid, the second is missed: the case defaults and the
// 司法确认 prompt names the deadline; paid late, the agreement is
// performed and the case closed. The ticket was answered with the outcome.
func TestDisputeCallToPerformedAgreement(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		tk := f.disputeCall(t)
		// The agent who took the call turns it into a case of the street's
		// mediation centre.
		c := must[*mediation.Case](t)(f.med.Register(ctx, f.Users["agent"], appmed.Registration{UnitID: f.Street.ID, NewCase: mediation.NewCase{
			Type: mediation.TypeNeighbour, Title: "楼上漏水", TicketRef: tk.Number,
			Parties: []mediation.NewParty{{Side: mediation.SideApplicant, Name: "王秀兰", Phone: "13897001234"},
				{Side: mediation.SideRespondent, Name: "李建国", Phone: "13997005678"}}}}))
		if c.Source != mediation.SourceHotline || c.TicketID != tk.ID || c.UnitPath != f.Street.Path || c.Address != tk.Address {
			t.Fatalf("case %+v", c)
		}
		err := db.Read(ctx, func(tx *store.Tx) error {
			ls, err := store.ListLinks(ctx, tx, "ticket", tk.ID)
			if err != nil || len(ls) != 1 || ls[0].FromType != appmed.ObjectCase || ls[0].FromID != c.ID {
				t.Errorf("ticket's links %+v %v", ls, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.med.Register(ctx, f.Users["dispatcher"], appmed.Registration{UnitID: f.Street.ID, NewCase: mediation.NewCase{Type: mediation.TypeNeighbour,
			Title: "again", TicketRef: tk.Number}}); !minsheng.IsCode(err, minsheng.ECONFLICT) {
			t.Errorf("a ticket made a case twice: %v", err)
		}
		must[*mediation.Case](t)(f.med.Act(ctx, f.mediator, c.Number, mediation.ActionAccept, ""))
		for i, at := range []time.Duration{24 * time.Hour, 72 * time.Hour} {
			s := must[*mediation.Session](t)(f.med.ScheduleSession(ctx, f.mediator, c.Number, appmed.NewSession{At: f.Clock.Now().Add(at), Place: "兴海路街道调解室", Participants: "双方当事人"}))
			f.Clock.Advance(at)
			must[*mediation.Session](t)(f.med.RecordSession(ctx, f.mediator, c.Number, s.Seq, "第"+string(rune('一'+i))+"次调解笔录"))
		}
		effective := f.Clock.Now()
		day := mediation.Day(effective)
		ag := must[*mediation.Agreement](t)(f.med.RecordAgreement(ctx, f.mediator, c.Number, mediation.NewAgreement{
			Terms: "李建国修复卫生间防水并赔偿王秀兰损失 3000 元，分两期支付。", SignMode: mediation.SignPaper, Effective: effective,
			Schedule: []mediation.Instalment{{Due: day.AddDate(0, 0, 10), AmountFen: 150000}, {Due: day.AddDate(0, 0, 40), AmountFen: 150000}}}))
		if !ag.JudicialDeadline.Equal(mediation.JudicialDeadline(effective)) {
			t.Errorf("deadline %v", ag.JudicialDeadline)
		}
		v := must[*appmed.CaseView](t)(f.med.Get(ctx, f.mediator, c.Number))
		if v.Case.Status != mediation.StatusPerforming || len(v.Sessions) != 2 || v.Sessions[1].HeldAt == nil || v.TicketNumber != tk.Number {
			t.Fatalf("after the agreement: %s, %d sessions", v.Case.Status, len(v.Sessions))
		}
		if got := apptest.MustView(t, f.Fixture, "agent", tk.Number).Ticket; got.Status != ticket.StatusResolvedAtIntake || got.Reply == "" {
			t.Errorf("the ticket was not answered with the outcome: %s %q", got.Status, got.Reply)
		}

		sched := jobs.New(db, jobs.Options{Clock: f.Clock, Logger: slog.New(slog.DiscardHandler)})
		sched.Register(appmed.JobInstalments, func(ctx context.Context, tx *store.Tx, j *jobs.Job) error {
			return f.med.RunInstalmentJob(ctx, tx, j.Payload)
		})
		run := func(to time.Time) {
			t.Helper()
			f.Clock.Set(to)
			if _, err := sched.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
		}
		actions := func() map[string]int {
			n := map[string]int{}
			for _, e := range must[*appmed.CaseView](t)(f.med.Get(ctx, f.mediator, c.Number)).Timeline {
				n[e.Action]++
			}
			return n
		}
		run(day.AddDate(0, 0, 6))
		if actions()["remind_instalment"] != 0 {
			t.Error("reminded 4 days early")
		}
		run(day.AddDate(0, 0, 7).Add(10 * time.Hour))
		if n := actions()["remind_instalment"]; n != 1 {
			t.Errorf("%d reminders 3 days before the first instalment", n)
		}
		err = db.Read(ctx, func(tx *store.Tx) error {
			ds, err := store.ListDeliveries(ctx, tx, store.DeliveryFilter{Object: appmed.ObjectCase, ObjectID: c.ID})
			if err != nil || len(ds) != 1 || ds[0].Recipient != "13997005678" {
				t.Errorf("the reminder SMS %+v %v, want one to the respondent", ds, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		must[*mediation.Agreement](t)(f.med.PayInstalment(ctx, f.mediator, c.Number, 1))
		run(day.AddDate(0, 0, 37).Add(10 * time.Hour))
		run(day.AddDate(0, 0, 40).Add(23 * time.Hour))
		if v := must[*appmed.CaseView](t)(f.med.Get(ctx, f.mediator, c.Number)); v.Case.Status != mediation.StatusPerforming {
			t.Errorf("defaulted on the day it is due: %s", v.Case.Status)
		}
		run(day.AddDate(0, 0, 41).Add(10 * time.Hour))
		v = must[*appmed.CaseView](t)(f.med.Get(ctx, f.mediator, c.Number))
		if v.Case.Status != mediation.StatusDefaulted || v.Agreement.JudicialPromptedAt != nil {
			t.Errorf("missed on day 40, after the 30 days: %s, prompted %v (the deadline had passed: no prompt)", v.Case.Status, v.Agreement.JudicialPromptedAt)
		}
		if n := actions(); n["remind_instalment"] != 2 || n["default"] != 1 {
			t.Errorf("timeline %v", n)
		}
		must[*mediation.Agreement](t)(f.med.PayInstalment(ctx, f.mediator, c.Number, 2))
		if _, err := f.med.Act(ctx, f.mediator, c.Number, mediation.ActionClose, ""); field(err) != "conflict:" {
			t.Errorf("closed before the return visit: %v", err)
		}
		must[*mediation.Visit](t)(f.med.ReturnVisit(ctx, f.mediator, c.Number, mediation.NewVisit{Result: mediation.VisitPerformed,
			Satisfaction: mediation.Satisfied, Note: "双方表示满意"}))
		must[*mediation.Case](t)(f.med.Act(ctx, f.mediator, c.Number, mediation.ActionClose, ""))
		v = must[*appmed.CaseView](t)(f.med.Get(ctx, f.mediator, c.Number))
		if v.Case.Status != mediation.StatusClosed || v.Case.ClosedAt == nil {
			t.Errorf("closed? %s", v.Case.Status)
		}
		fig := must[*appmed.Figures](t)(f.med.Figures(ctx, f.Users["leader"], apptest.Start, f.Clock.Now()))
		if fig.Cases != 1 || fig.Agreements != 1 || fig.SuccessRate != 1 || fig.Performed != 1 || fig.PerformanceRate != 1 ||
			fig.MeanDaysToAgreement != 4 || len(fig.BySource) != 1 || fig.BySource[0].Key != "hotline" {
			t.Errorf("figures %+v", fig)
		}
	})
}

// A missed instalment within the 30 days prompts for 司法确认, once,
// naming the days left; an application is then recorded before the
// deadline and refused after it.
func TestDefaultPromptsJudicialConfirmation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := f.walkIn(t, true)
		day := mediation.Day(f.Clock.Now())
		must[*mediation.Agreement](t)(f.med.RecordAgreement(ctx, f.mediator, c.Number, mediation.NewAgreement{Terms: "分两期还款",
			SignMode: mediation.SignPaper, Effective: f.Clock.Now(),
			Schedule: []mediation.Instalment{{Due: day.AddDate(0, 0, 5), AmountFen: 1000}, {Due: day.AddDate(0, 0, 25), AmountFen: 1000}}}))
		f.Clock.Set(day.AddDate(0, 0, 6).Add(12 * time.Hour))
		err := db.Write(ctx, func(tx *store.Tx) error {
			return f.med.RunInstalmentJob(ctx, tx, []byte(`{"case":"`+c.Number+`"}`))
		})
		if err != nil {
			t.Fatal(err)
		}
		v := must[*appmed.CaseView](t)(f.med.Get(ctx, f.mediator, c.Number))
		if v.Case.Status != mediation.StatusDefaulted || v.Agreement.JudicialPromptedAt == nil || v.JudicialDaysLeft == nil || *v.JudicialDaysLeft != 24 {
			t.Fatalf("status %s prompted %v days left %v", v.Case.Status, v.Agreement.JudicialPromptedAt, v.JudicialDaysLeft)
		}
		last := v.Timeline[len(v.Timeline)-1]
		if last.Action != "judicial_prompt" || last.Data["days_left"] != "24" || last.ActorID != 0 {
			t.Errorf("last event %+v", last)
		}
		cs := must[[]*mediation.Case](t)(f.med.List(ctx, f.mediator, appmed.ListFilter{}))
		if left := must[map[int64]int](t)(f.med.JudicialDaysLeft(ctx, f.mediator, cs)); len(left) != 1 || left[c.ID] != 24 {
			t.Errorf("the list's days left: %v", left)
		}
		if _, err := f.med.JudicialDaysLeft(ctx, f.Users["handler"], cs); err == nil {
			t.Error("a handler read the days left")
		}
		must[*mediation.Agreement](t)(f.med.ApplyJudicial(ctx, f.mediator, c.Number))
		if _, err := f.med.ApplyJudicial(ctx, f.mediator, c.Number); !minsheng.IsCode(err, minsheng.ECONFLICT) {
			t.Errorf("applied twice: %v", err)
		}
		if left := must[map[int64]int](t)(f.med.JudicialDaysLeft(ctx, f.mediator, cs)); len(left) != 0 {
			t.Errorf("still tracked once applied for: %v", left)
		}
	})
}

// walkIn registers and accepts a walk-in case with both sides (or the
// applicant alone), in mediation.
func (f *fixture) walkIn(t *testing.T, both bool) *mediation.Case {
	t.Helper()
	ps := []mediation.NewParty{{Side: mediation.SideApplicant, Name: "赵大海", Phone: "13800001111", IDNumber: "11010519491231002X"}}
	if both {
		ps = append(ps, mediation.NewParty{Side: mediation.SideRespondent, Kind: mediation.PartyOrganisation, Name: "某物业公司", AgentName: "孙经理", AgentPhone: "13800002222"})
	}
	c := must[*mediation.Case](t)(f.med.Register(ctx, f.mediator, appmed.Registration{NewCase: mediation.NewCase{
		Type: mediation.TypeProperty, Source: mediation.SourceWalkIn, Title: "物业费纠纷", Address: "海湖路20号", Parties: ps}}))
	must[*mediation.Case](t)(f.med.Act(ctx, f.mediator, c.Number, mediation.ActionAccept, ""))
	must[*mediation.Case](t)(f.med.Act(ctx, f.mediator, c.Number, mediation.ActionMediate, ""))
	return c
}

// Bad input is refused with its field and changes nothing.
func TestBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		one := f.walkIn(t, false)
		good := mediation.NewAgreement{Terms: "x", SignMode: mediation.SignPaper, Effective: f.Clock.Now()}
		if _, err := f.med.RecordAgreement(ctx, f.mediator, one.Number, good); field(err) != "invalid:parties" {
			t.Errorf("an agreement without a respondent: %v", err)
		}
		c := f.walkIn(t, true)
		bad := good
		bad.Schedule = []mediation.Instalment{{Due: f.Clock.Now().AddDate(0, 1, 0), AmountFen: 1}, {Due: f.Clock.Now(), AmountFen: 1}}
		if _, err := f.med.RecordAgreement(ctx, f.mediator, c.Number, bad); field(err) != "invalid:schedule.1.due" {
			t.Errorf("instalments out of order: %v", err)
		}
		if _, err := f.med.Act(ctx, f.mediator, c.Number, mediation.ActionFail, " "); field(err) != "invalid:note" {
			t.Errorf("a failure without where it is referred: %v", err)
		}
		if _, err := f.med.Act(ctx, f.mediator, c.Number, mediation.ActionAccept, ""); !minsheng.IsCode(err, minsheng.ECONFLICT) {
			t.Errorf("accepted twice: %v", err)
		}
		tk, _, err := f.Svc.CreateTicket(ctx, f.Users["agent"], apptest.NewTicket(), "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.med.Register(ctx, f.Users["agent"], appmed.Registration{NewCase: mediation.NewCase{Type: mediation.TypeOther, Title: "电梯", TicketRef: tk.Number}}); field(err) != "invalid:ticket" {
			t.Errorf("a ticket of no dispute category: %v", err)
		}
		v := must[*appmed.CaseView](t)(f.med.Get(ctx, f.mediator, c.Number))
		if v.Case.Status != mediation.StatusInMediation || v.Agreement != nil {
			t.Errorf("the refused changes left %s, %v", v.Case.Status, v.Agreement)
		}
		if _, err := f.med.Get(ctx, f.Users["agent"], c.Number); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Errorf("an agent read a case: %v", err)
		}
		if _, err := f.med.Act(ctx, f.Users["leader"], c.Number, mediation.ActionFail, "转法院"); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Errorf("a leader moved a case: %v", err)
		}
	})
}

// Private notes are read by the case's mediator only; parties are masked
// for all, revealed to a mediator with a reason, audited.
func TestPrivateNotesAndReveal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := f.walkIn(t, true)
		v := must[*appmed.CaseView](t)(f.med.Get(ctx, f.mediator, c.Number))
		applicant := v.Parties[0]
		if applicant.Name != "赵**" || applicant.Phone != "138****1111" || applicant.IDNumber != "110105********002X" ||
			v.Parties[1].Name != "某物业公司" || v.Parties[1].AgentName != "孙**" {
			t.Errorf("masked parties %+v", v.Parties)
		}
		must[*mediation.Note](t)(f.med.AddNote(ctx, f.mediator, c.Number, appmed.NewNote{Body: "双方同意面谈"}))
		must[*mediation.Note](t)(f.med.AddNote(ctx, f.mediator, c.Number, appmed.NewNote{Body: "申请人私下表示可接受一半", PartyID: applicant.ID}))
		if _, err := f.med.AddNote(ctx, f.other, c.Number, appmed.NewNote{Body: "x", PartyID: applicant.ID}); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Errorf("another mediator wrote a private note: %v", err)
		}
		for _, tc := range []struct {
			user  string
			notes int
		}{{"mediator", 2}, {"mediator2", 1}, {"admin", 1}, {"leader", 1}} {
			v := must[*appmed.CaseView](t)(f.med.Get(ctx, f.Users[tc.user], c.Number))
			if len(v.Notes) != tc.notes {
				t.Errorf("%s reads %d notes, want %d", tc.user, len(v.Notes), tc.notes)
			}
		}
		if _, err := f.med.RevealParty(ctx, f.other, c.Number, applicant.ID, "", ""); field(err) != "invalid:reason" {
			t.Errorf("a reveal without a reason: %v", err)
		}
		if _, err := f.med.RevealParty(ctx, f.Users["leader"], c.Number, applicant.ID, "核实", ""); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Errorf("a leader revealed: %v", err)
		}
		p := must[*mediation.Party](t)(f.med.RevealParty(ctx, f.other, c.Number, applicant.ID, "电话通知调解时间", "10.0.0.1"))
		if p.Phone != "13800001111" || p.Name != "赵大海" {
			t.Errorf("revealed %+v", p)
		}
		err := db.Read(ctx, func(tx *store.Tx) error {
			a, err := store.ListAudit(ctx, tx, appmed.ObjectParty, applicant.ID)
			if err != nil || len(a) != 1 || a[0].ActorID != f.other.ID {
				t.Errorf("audit of the reveal %+v %v", a, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// A second dispute at the same address within a year is flagged.
func TestRepeatDisputeFlagged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		first := f.walkIn(t, true)
		f.Clock.Advance(30 * 24 * time.Hour)
		again := must[*mediation.Case](t)(f.med.Register(ctx, f.mediator, appmed.Registration{NewCase: mediation.NewCase{
			Type: mediation.TypeNeighbour, Source: mediation.SourcePolice, ReferredBy: "西关派出所", Title: "又吵起来了", Address: "海湖路 20 号",
			Parties: []mediation.NewParty{{Side: mediation.SideApplicant, Name: "钱某"}}}}))
		if len(again.Repeats) != 1 || again.Repeats[0].Number != first.Number || !again.Repeats[0].Address {
			t.Errorf("repeats %+v", again.Repeats)
		}
		v := must[*appmed.CaseView](t)(f.med.Get(ctx, f.mediator, again.Number))
		if v.Timeline[len(v.Timeline)-1].Action != "repeat_flagged" {
			t.Errorf("no repeat_flagged event: %+v", v.Timeline)
		}
	})
}
