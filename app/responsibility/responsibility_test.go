package responsibility_test

import (
	"context"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/apptest"
	appresp "github.com/minsheng/minsheng/app/responsibility"
	dom "github.com/minsheng/minsheng/responsibility"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

var ctx = context.Background()

func field(err error) string {
	if e, ok := err.(*minsheng.Error); ok {
		return e.Code + ":" + e.Field
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

// A leader takes charge of a petition case: milestones done (the first
// starts the work), a work order linked, resolved with what was done,
// settled (息诉), reopened when it comes back — each step on the timeline,
// the board counting the overdue milestone until it is done.
func TestAssignmentLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		svc := appresp.New(f.Svc.Kit(), f.Svc)
		start := f.Clock.Now()
		in := dom.New{Kind: dom.KindPetition, Title: "某小区业主反映物业公司多收取暖费问题", Goal: "退还多收费用，息诉罢访",
			LeaderID: f.Users["leader"].ID, UnitID: f.Street.ID, Milestones: []dom.Milestone{
				{Title: "领导接访", Due: start.AddDate(0, 0, 3)}, {Title: "书面答复", Due: start.AddDate(0, 0, 20)}}}
		if _, err := svc.Create(ctx, f.Users["handler"], in); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Errorf("a handler assigned a leader: %v", err)
		}
		notLeader := in
		notLeader.LeaderID = f.Users["agent"].ID
		if _, err := svc.Create(ctx, f.Users["admin"], notLeader); field(err) != "invalid:leader_id" {
			t.Errorf("an agent in charge: %v", err)
		}
		noDay := in
		noDay.Milestones = []dom.Milestone{{Title: "接访"}}
		if _, err := svc.Create(ctx, f.Users["admin"], noDay); field(err) != "invalid:milestones.0.due" {
			t.Errorf("a milestone without its day: %v", err)
		}
		a, err := svc.Create(ctx, f.Users["admin"], in)
		if err != nil {
			t.Fatal(err)
		}
		if a.Status != dom.StatusAssigned || a.LeaderName == "" || len(a.Milestones) != 2 {
			t.Fatalf("created %+v", a)
		}
		// A handler of another street neither sees nor works on it.
		if _, err := svc.DoneMilestone(ctx, f.Users["other_handler"], a.ID, 1, ""); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
			t.Errorf("another street's handler: %v", err)
		}
		if _, err := svc.Act(ctx, f.Users["leader"], a.ID, dom.ActionResolve, "已解决"); !minsheng.IsCode(err, minsheng.ECONFLICT) {
			t.Errorf("resolved before working: %v", err)
		}
		// Five days on, the first milestone is overdue on the board.
		f.Clock.Advance(5 * 24 * time.Hour)
		b, err := svc.Board(ctx, f.Users["leader"], appresp.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Leaders) != 1 || b.Leaders[0].OverdueMilestones != 1 || b.Figures.OverdueItems != 1 || b.Items[0].Overdue != 1 {
			t.Errorf("board %+v", b)
		}
		got, err := svc.DoneMilestone(ctx, f.Users["leader"], a.ID, 1, "已接访，听取业主诉求")
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != dom.StatusWorking || got.Milestones[0].DoneAt == nil {
			t.Errorf("after the first milestone: %+v", got)
		}
		if _, err := svc.DoneMilestone(ctx, f.Users["leader"], a.ID, 1, ""); !minsheng.IsCode(err, minsheng.ECONFLICT) {
			t.Errorf("done twice: %v", err)
		}
		if _, err := svc.DoneMilestone(ctx, f.Users["leader"], a.ID, 9, ""); field(err) != "invalid:seq" {
			t.Errorf("no such milestone: %v", err)
		}
		tk := f.Register(t)
		if _, err := svc.LinkTicket(ctx, f.Users["leader"], a.ID, tk.Number); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.LinkTicket(ctx, f.Users["leader"], a.ID, tk.Number); field(err) != "invalid:ticket" {
			t.Errorf("linked twice: %v", err)
		}
		if _, err := svc.LinkTicket(ctx, f.Users["leader"], a.ID, "2026-0000000"); field(err) != "invalid:ticket" {
			t.Errorf("no such ticket: %v", err)
		}
		if _, err := svc.AddMilestone(ctx, f.Users["leader"], a.ID, dom.Milestone{Title: "回访", Due: start.AddDate(0, 1, 0)}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Act(ctx, f.Users["leader"], a.ID, dom.ActionResolve, " "); field(err) != "invalid:note" {
			t.Errorf("resolved without saying how: %v", err)
		}
		for _, step := range []struct {
			a    dom.Action
			note string
			to   dom.Status
		}{
			{dom.ActionResolve, "物业已退还多收费用", dom.StatusResolved},
			{dom.ActionStabilize, "回访业主代表，无新诉求", dom.StatusStable},
			{dom.ActionReopen, "部分业主再次来访", dom.StatusReopened},
			{dom.ActionStart, "", dom.StatusWorking},
		} {
			got, err := svc.Act(ctx, f.Users["leader"], a.ID, step.a, step.note)
			if err != nil || got.Status != step.to {
				t.Fatalf("%s: %v %v", step.a, got, err)
			}
		}
		d, err := svc.Get(ctx, f.Users["leader"], a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Tickets) != 1 || d.Tickets[0].Number != tk.Number || len(d.Milestones) != 3 || !d.MayWork {
			t.Errorf("detail %+v", d)
		}
		var actions []string
		for _, e := range d.Timeline {
			actions = append(actions, e.Action)
		}
		want := []string{"assign", "milestone_done", "link_ticket", "milestone_add", "resolve", "stabilize", "reopen", "start"}
		if len(actions) != len(want) {
			t.Fatalf("timeline %v, want %v", actions, want)
		}
		for i := range want {
			if actions[i] != want[i] {
				t.Errorf("timeline %v, want %v", actions, want)
				break
			}
		}
		if d.Timeline[1].Data["late"] != "1" {
			t.Errorf("the first milestone was done late: %v", d.Timeline[1].Data)
		}
		// The ticket links back to the assignment.
		err = db.Read(ctx, func(tx *store.Tx) error {
			ls, err := store.ListLinks(ctx, tx, "ticket", tk.ID)
			if err != nil || len(ls) != 1 || ls[0].FromType != appresp.Object || ls[0].FromID != a.ID {
				t.Errorf("links of the ticket %+v %v", ls, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// An agent has no board.
		if _, err := svc.Get(ctx, f.Users["agent"], a.ID); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
			t.Errorf("an agent read it: %v", err)
		}
	})
}

// The demo's 48 matters: 12 petition cases, 21 key projects and 15 key
// enterprises over the fixture's leader and the six the demo adds, every stage of the lifecycle, some
// overdue, the board ranking them.
func TestSeed(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	f := apptest.New(t, db)
	for i := 0; i < 3; i++ {
		f.Register(t)
	}
	svc := appresp.New(f.Svc.Kit(), f.Svc)
	if err := appresp.Seed(ctx, svc); err != nil {
		t.Fatal(err)
	}
	b, err := svc.Board(ctx, f.Users["leader"], appresp.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	fg := b.Figures
	if fg.Total != 48 || fg.ByKind[dom.KindPetition] != 12 || fg.ByKind[dom.KindProject] != 21 || fg.ByKind[dom.KindEnterprise] != 15 {
		t.Errorf("figures %+v", fg)
	}
	for _, s := range dom.Statuses {
		if fg.ByStatus[s] == 0 {
			t.Errorf("no matter is %s: %v", s, fg.ByStatus)
		}
	}
	if len(b.Leaders) != 7 || fg.OverdueItems == 0 {
		t.Errorf("%d leaders, %d overdue", len(b.Leaders), fg.OverdueItems)
	}
	for i := 1; i < len(b.Leaders); i++ {
		if b.Leaders[i].OverdueMilestones > b.Leaders[i-1].OverdueMilestones {
			t.Errorf("board not ranked by overdue milestones: %+v", b.Leaders)
		}
	}
	if err := appresp.Seed(ctx, svc); err != nil {
		t.Fatal(err)
	}
	if b2, _ := svc.Board(ctx, f.Users["leader"], appresp.Filter{}); b2.Figures.Total != 48 {
		t.Errorf("seeded twice: %d", b2.Figures.Total)
	}
}
