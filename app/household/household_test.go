package household_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	hh "github.com/minsheng/minsheng/app/household"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/household"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

var ctx = context.Background()

type env struct {
	*apptest.Fixture
	hh *hh.Service
}

func newEnv(t *testing.T, db *store.DB) *env {
	f := apptest.New(t, db)
	return &env{Fixture: f, hh: hh.New(f.Svc.Kit(), f.Svc)}
}

// elderly is an 独居老人 household of the fixture's grid.
func (e *env) elderly(seq string) household.NewHousehold {
	now := e.Clock.Now()
	id := household.CompleteIDNumber("6301041948031" + seq)
	return household.NewHousehold{GridID: e.Grid.ID, Address: "海湖佳苑 3 号楼 2 单元 50" + seq[3:],
		Members: []household.NewMember{{Name: "马秀英", IDNumber: id, Phone: "13897001234", Relation: household.RelationHead}},
		Tags: []household.NewTag{{Tag: household.TagAloneElderly, IDNumber: id, Source: "入户核实", Since: now.AddDate(0, -1, 0),
			RecheckBy: now.AddDate(1, 0, 0)}},
		Consent: true}
}

func (e *env) register(t *testing.T, in household.NewHousehold) *household.Household {
	t.Helper()
	h, err := e.hh.Register(ctx, e.Users["handler"], in)
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	return h
}

func code(err error) string { return minsheng.ErrorCode(err) }

func field(err error) string {
	if e, ok := err.(*minsheng.Error); ok {
		return e.Field
	}
	return ""
}

func TestRegister(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		h := e.register(t, e.elderly("0001"))
		if h.IntervalDays != 7 || h.Members[0].Name != "马**" || !strings.Contains(h.Members[0].IDNumber, "****") || h.Members[0].Phone != "138****1234" {
			t.Errorf("registered %+v member %+v: want a 7-day plan and masked data", h, h.Members[0])
		}
		// The same person in another household is refused on their field,
		// and nothing is written.
		dup := e.elderly("0002")
		dup.Members = append(dup.Members, household.NewMember{Name: "马秀英", IDNumber: household.CompleteIDNumber("63010419480310001"), Relation: household.RelationSpouse})
		_, err := e.hh.Register(ctx, e.Users["handler"], dup)
		if code(err) != minsheng.EINVALID || field(err) != "members[1].id_number" {
			t.Fatalf("a person in two households: %v", err)
		}
		bad := e.elderly("0003")
		bad.Members[0].IDNumber = bad.Members[0].IDNumber[:17] + "0"
		if bad.Members[0].IDNumber == e.elderly("0003").Members[0].IDNumber {
			bad.Members[0].IDNumber = bad.Members[0].IDNumber[:17] + "1"
		}
		if _, err := e.hh.Register(ctx, e.Users["handler"], bad); field(err) != "members[0].id_number" {
			t.Fatalf("a wrong check digit: %v", err)
		}
		list, err := e.hh.List(ctx, e.Users["handler"], 0, 100, 0)
		if err != nil || len(list) != 1 {
			t.Fatalf("list = %d households, %v; want the one registered", len(list), err)
		}
		// A grid worker does not register; staff of another street neither.
		if _, err := e.hh.Register(ctx, e.Users["grid_worker"], e.elderly("0004")); code(err) != minsheng.EFORBIDDEN {
			t.Errorf("grid worker registers: %v", err)
		}
		if _, err := e.hh.Register(ctx, e.Users["other_handler"], e.elderly("0004")); field(err) != "grid_id" {
			t.Errorf("another street's handler registers: %v", err)
		}
		// Nor is a household placed outside a grid.
		in := e.elderly("0004")
		in.GridID = e.Community.ID
		if _, err := e.hh.Register(ctx, e.Users["handler"], in); field(err) != "grid_id" {
			t.Errorf("a household in a community: %v", err)
		}
		// Other streets do not see it.
		if _, err := e.hh.Get(ctx, e.Users["other_handler"], h.ID); code(err) != minsheng.ENOTFOUND {
			t.Errorf("another street's handler sees it: %v", err)
		}
		v, err := e.hh.Get(ctx, e.Users["handler"], h.ID)
		if err != nil || len(v.Timeline) != 1 || v.Timeline[0].Action != "register" || !v.May["reveal"] {
			t.Fatalf("view %+v, %v: want the registration on the timeline", v, err)
		}
		for k, val := range v.Timeline[0].Data {
			if strings.Contains(val, "马秀英") || strings.Contains(val, "1389700") {
				t.Errorf("timeline data %s=%s holds personal data", k, val)
			}
		}
	})
}

// The cadre's day: the due list, a visit whose concern becomes a ticket
// linked both ways, the ticket's reply reminding the cadre, the next visit
// taking the answer back.
func TestVisitConcernBecomesTicket(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		gw := e.Users["grid_worker"]
		h := e.register(t, e.elderly("0001"))
		later := e.register(t, func() household.NewHousehold {
			in := e.elderly("0002")
			in.Tags = nil
			return in
		}())
		for _, id := range []int64{h.ID, later.ID} {
			if err := e.hh.Pair(ctx, e.Users["handler"], id, gw.ID); err != nil {
				t.Fatal(err)
			}
		}
		e.Clock.Advance(6 * 24 * time.Hour)
		due, err := e.hh.Due(ctx, gw, 50)
		if err != nil {
			t.Fatal(err)
		}
		if len(due.Due) != 1 || due.Due[0].Household.ID != h.ID || due.Due[0].State != household.StateDue {
			t.Fatalf("due list %+v: want the elderly household, due (the untagged one is due in 90 days)", due.Due)
		}
		e.Clock.Advance(3 * 24 * time.Hour)
		due, _ = e.hh.Due(ctx, gw, 50)
		if len(due.Due) != 1 || due.Due[0].State != household.StateOverdue || due.Due[0].DaysOverdue != 2 {
			t.Fatalf("due list %+v: want it 2 days overdue", due.Due)
		}

		// A visit in the future is refused and writes nothing.
		now := e.Clock.Now()
		if _, err := e.hh.RecordVisit(ctx, gw, h.ID, household.NewVisit{At: now.Add(2 * time.Hour), Met: "本人",
			Concerns: []household.NewConcern{{Description: "楼道灯坏了"}}}); field(err) != "at" {
			t.Fatalf("future visit: %v", err)
		}
		rec, err := e.hh.RecordVisit(ctx, gw, h.ID, household.NewVisit{At: now.Add(-time.Hour), Met: "本人", Note: "身体尚好",
			Concerns: []household.NewConcern{{Description: "卫生间水管漏水，楼下邻居家天花板渗水"}, {Description: " "}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(rec.Tickets) != 1 {
			t.Fatalf("tickets = %d, want one per concern", len(rec.Tickets))
		}
		tk := rec.Tickets[0]
		tv := apptest.MustView(t, e.Fixture, "dispatcher", tk.Number)
		if tv.Ticket.Channel != "grid" || tv.Ticket.Address != h.Address {
			t.Errorf("ticket %+v: want the grid channel and the household's address", tv.Ticket)
		}
		err = db.Read(ctx, func(tx *store.Tx) error {
			ls, err := store.ListLinks(ctx, tx, "ticket", tk.ID)
			if err != nil {
				return err
			}
			if len(ls) != 1 || ls[0].FromType != hh.ObjectVisit || ls[0].FromID != rec.Visit.ID || ls[0].Relation != hh.RelationConcern {
				t.Errorf("links of the ticket = %+v, want the visit", ls)
			}
			back, err := store.ListLinks(ctx, tx, hh.ObjectVisit, rec.Visit.ID)
			if err != nil {
				return err
			}
			if len(back) != 1 || back[0].ToID != tk.ID {
				t.Errorf("links of the visit = %+v, want the ticket", back)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		due, _ = e.hh.Due(ctx, gw, 50)
		if len(due.Due) != 0 || len(due.ToReturn) != 0 {
			t.Fatalf("after the visit: %+v, want nothing due", due)
		}

		// The ticket is handled; its reply puts it on the cadre's list.
		if _, err := e.Svc.Dispatch(ctx, e.Users["dispatcher"], tk.Number, e.Community.ID, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Svc.Acknowledge(ctx, e.Users["handler"], tk.Number, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Svc.Reply(ctx, e.Users["handler"], tk.Number, "已联系物业更换水管"); err != nil {
			t.Fatal(err)
		}
		due, _ = e.hh.Due(ctx, gw, 50)
		if len(due.ToReturn) != 1 || due.ToReturn[0].TicketNumber != tk.Number || due.ToReturn[0].TicketStatus != "replied" {
			t.Fatalf("to return = %+v, want the replied ticket", due.ToReturn)
		}
		// The next visit takes it back.
		e.Clock.Advance(24 * time.Hour)
		rec2, err := e.hh.RecordVisit(ctx, gw, h.ID, household.NewVisit{At: e.Clock.Now(), Met: "本人", Note: "告知维修结果"})
		if err != nil || rec2.Returned != 1 {
			t.Fatalf("second visit %+v, %v: want one outcome returned", rec2, err)
		}
		due, _ = e.hh.Due(ctx, gw, 50)
		if len(due.ToReturn) != 0 {
			t.Errorf("to return after the visit: %+v", due.ToReturn)
		}
		v, err := e.hh.Get(ctx, e.Users["handler"], h.ID)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, ev := range v.Timeline {
			actions = append(actions, ev.Action)
		}
		if got := strings.Join(actions, ","); got != "register,pair,visit,concern_answered,visit" {
			t.Errorf("timeline %s", got)
		}
		if len(v.Concerns) != 1 || v.Concerns[0].ReturnedAt == nil {
			t.Errorf("concerns %+v, want returned", v.Concerns)
		}
		if !household.Day(v.Household.NextDueAt).Equal(household.Day(e.Clock.Now()).AddDate(0, 0, 7)) {
			t.Errorf("next due %v, want a week after the last visit", v.Household.NextDueAt)
		}

		// Missed: rescheduled to a day that becomes the due day.
		to := e.Clock.Now().AddDate(0, 0, 2)
		if _, err := e.hh.MissVisit(ctx, gw, later.ID, household.MissedVisit{At: e.Clock.Now(), Reason: "家中无人", RescheduledTo: to}); err != nil {
			t.Fatal(err)
		}
		v, _ = e.hh.Get(ctx, gw, later.ID)
		if !v.Household.NextDueAt.Equal(household.Day(to).UTC()) || v.Visits[0].Outcome != household.OutcomeMissed {
			t.Errorf("after a missed visit: due %v, visits %+v", v.Household.NextDueAt, v.Visits)
		}
		// Someone else's household is not the grid worker's of another street.
		if _, err := e.hh.RecordVisit(ctx, e.Users["other_handler"], h.ID, household.NewVisit{At: e.Clock.Now(), Met: "本人"}); code(err) != minsheng.ENOTFOUND {
			t.Errorf("another street's handler records a visit: %v", err)
		}
		cov, err := e.hh.Coverage(ctx, e.Users["handler"], 0)
		if err != nil || len(cov) != 1 || cov[0].Households != 2 || cov[0].Visited != 1 || cov[0].Due != 1 {
			t.Errorf("coverage %+v, %v", cov, err)
		}
	})
}

func TestChangeRequests(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		gw, staff := e.Users["grid_worker"], e.Users["handler"]
		in := e.elderly("0001")
		in.Members = append(in.Members, household.NewMember{Name: "韩德明", IDNumber: household.CompleteIDNumber("63010419700101001"), Relation: household.RelationChild})
		h := e.register(t, in)
		other := e.register(t, e.elderly("0002"))
		child := h.Members[1].ID

		newborn := &household.NewMember{Name: "韩小军", IDNumber: household.CompleteIDNumber("63010420260101001"), Relation: household.RelationGrandchild}
		add, err := e.hh.RequestChange(ctx, gw, h.ID, household.ChangeInput{Kind: household.ChangeAddMember, Member: newborn, Reason: "新生儿落户"})
		if err != nil {
			t.Fatal(err)
		}
		if add.Input.Member.Name != "韩**" {
			t.Errorf("a change shows its new member masked: %+v", add.Input.Member)
		}
		// The one who asked neither approves; staff of another street neither.
		if _, err := e.hh.DecideChange(ctx, gw, add.ID, household.ChangeApprove, ""); code(err) != minsheng.EFORBIDDEN {
			t.Errorf("requester approves: %v", err)
		}
		if _, err := e.hh.DecideChange(ctx, e.Users["other_handler"], add.ID, household.ChangeApprove, ""); code(err) != minsheng.ENOTFOUND {
			t.Errorf("another street approves: %v", err)
		}
		if _, err := e.hh.DecideChange(ctx, staff, add.ID, household.ChangeApprove, "核实无误"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.hh.DecideChange(ctx, staff, add.ID, household.ChangeReject, ""); code(err) != minsheng.ECONFLICT {
			t.Errorf("decided twice: %v", err)
		}
		// Removing a stranger, or the head, is refused at the request.
		if _, err := e.hh.RequestChange(ctx, gw, h.ID, household.ChangeInput{Kind: household.ChangeRemoveMember, PersonID: other.Members[0].ID, Reason: "迁出"}); field(err) != "person_id" {
			t.Errorf("remove a stranger: %v", err)
		}
		head, _ := e.hh.RequestChange(ctx, gw, h.ID, household.ChangeInput{Kind: household.ChangeHead, PersonID: child, Reason: "老人年迈"})
		if _, err := e.hh.DecideChange(ctx, staff, head.ID, household.ChangeApprove, ""); err != nil {
			t.Fatal(err)
		}
		merge, _ := e.hh.RequestChange(ctx, gw, h.ID, household.ChangeInput{Kind: household.ChangeMerge, OtherID: other.ID, Reason: "合户"})
		if _, err := e.hh.DecideChange(ctx, staff, merge.ID, household.ChangeApprove, ""); err != nil {
			t.Fatal(err)
		}
		v, err := e.hh.Get(ctx, staff, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Household.Members) != 4 || v.Household.Head().ID != child || len(v.Household.Tags) != 2 {
			t.Errorf("after add, head, merge: members %d, head %+v, tags %d", len(v.Household.Members), v.Household.Head(), len(v.Household.Tags))
		}
		o, _ := e.hh.Get(ctx, staff, other.ID)
		if o.Household.DissolvedAt == nil {
			t.Errorf("the merged household is not dissolved")
		}
		// Split the newborn and the old head off.
		var leave []int64
		for _, m := range v.Household.Members {
			if m.ID != child && m.Relation != household.RelationOther || m.Relation == household.RelationOther && m.ID == h.Members[0].ID {
				leave = append(leave, m.ID)
			}
		}
		split, err := e.hh.RequestChange(ctx, gw, h.ID, household.ChangeInput{Kind: household.ChangeSplit, PersonIDs: leave, PersonID: leave[0],
			Address: "海湖佳苑 5 号楼 101", Reason: "分户"})
		if err != nil {
			t.Fatal(err)
		}
		withdrawn, _ := e.hh.RequestChange(ctx, gw, h.ID, household.ChangeInput{Kind: household.ChangeRemoveMember, PersonID: leave[0], Reason: "x"})
		if _, err := e.hh.DecideChange(ctx, staff, withdrawn.ID, household.ChangeWithdraw, ""); code(err) != minsheng.EFORBIDDEN {
			t.Errorf("staff withdraws another's request: %v", err)
		}
		if _, err := e.hh.DecideChange(ctx, gw, withdrawn.ID, household.ChangeWithdraw, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := e.hh.DecideChange(ctx, staff, split.ID, household.ChangeApprove, ""); err != nil {
			t.Fatal(err)
		}
		list, _ := e.hh.List(ctx, staff, 0, 100, 0)
		if len(list) != 2 {
			t.Fatalf("households after merge and split: %d, want 2", len(list))
		}
		pending, _ := e.hh.Changes(ctx, staff, household.ChangeRequested)
		if len(pending) != 0 {
			t.Errorf("pending changes %+v", pending)
		}
		v, _ = e.hh.Get(ctx, staff, h.ID)
		var actions []string
		for _, ev := range v.Timeline {
			actions = append(actions, ev.Action)
		}
		if got := strings.Join(actions, ","); !strings.Contains(got, "change_requested,change_approved") || !strings.Contains(got, "change_withdrawn") {
			t.Errorf("timeline %s", got)
		}
	})
}

func TestPairingAndReveal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		gw, staff := e.Users["grid_worker"], e.Users["handler"]
		var ids []int64
		for _, seq := range []string{"0001", "0002", "0003"} {
			h := e.register(t, e.elderly(seq))
			ids = append(ids, h.ID)
			if err := e.hh.Pair(ctx, staff, h.ID, gw.ID); err != nil {
				t.Fatal(err)
			}
		}
		newGW, err := e.Svc.CreateUser(ctx, kit.System(), app.NewUser{Username: "gw_new", Name: "新网格员", Role: org.RoleGridWorker, UnitID: e.Grid.ID, Password: apptest.Password})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.hh.Reassign(ctx, e.Users["other_handler"], gw.ID, newGW.ID, ""); code(err) != minsheng.EFORBIDDEN {
			t.Errorf("another street reassigns: %v", err)
		}
		n, err := e.hh.Reassign(ctx, staff, gw.ID, newGW.ID, "人员调整")
		if err != nil || n != 3 {
			t.Fatalf("reassign = %d, %v", n, err)
		}
		v, _ := e.hh.Get(ctx, staff, ids[0])
		if len(v.Pairings) != 2 || v.Pairings[0].To == nil || v.Pairings[1].CadreID != newGW.ID {
			t.Errorf("pairings %+v: want the history and the new cadre", v.Pairings)
		}
		// The old cadre no longer reveals; the new one does, with a reason.
		pid := v.Household.Members[0].ID
		if _, err := e.hh.Reveal(ctx, gw, pid, "回访", ""); code(err) != minsheng.EFORBIDDEN {
			t.Errorf("the former cadre reveals: %v", err)
		}
		if _, err := e.hh.Reveal(ctx, newGW, pid, "", ""); field(err) != "reason" {
			t.Errorf("reveal without a reason: %v", err)
		}
		p, err := e.hh.Reveal(ctx, newGW, pid, "电话联系老人", "10.0.0.1")
		if err != nil || p.Name != "马秀英" || p.Phone != "13897001234" {
			t.Fatalf("reveal = %+v, %v", p, err)
		}
		if _, err := e.hh.Reveal(ctx, e.Users["leader"], pid, "看看", ""); code(err) != minsheng.EFORBIDDEN {
			t.Errorf("a leader reveals: %v", err)
		}
		err = db.Read(ctx, func(tx *store.Tx) error {
			a, err := store.ListAudit(ctx, tx, hh.ObjectPerson, pid)
			if err != nil {
				return err
			}
			if len(a) != 1 || a[0].ActorID != newGW.ID || !strings.Contains(a[0].Detail, "电话联系老人") {
				t.Errorf("audit of the person %+v, want the one reveal", a)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
