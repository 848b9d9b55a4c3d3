package responsibility

import (
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
)

func TestLifecycle(t *testing.T) {
	cases := []struct {
		name string
		from Status
		a    Action
		to   Status
		code string
	}{
		{"start an assigned matter", StatusAssigned, ActionStart, StatusWorking, ""},
		{"start again a reopened one", StatusReopened, ActionStart, StatusWorking, ""},
		{"resolve while working", StatusWorking, ActionResolve, StatusResolved, ""},
		{"settle a resolved one (息诉)", StatusResolved, ActionStabilize, StatusStable, ""},
		{"reopen a resolved one", StatusResolved, ActionReopen, StatusReopened, ""},
		{"reopen a settled one", StatusStable, ActionReopen, StatusReopened, ""},
		{"no resolving before the work starts", StatusAssigned, ActionResolve, "", minsheng.ECONFLICT},
		{"no settling what is not resolved", StatusWorking, ActionStabilize, "", minsheng.ECONFLICT},
		{"no reopening what is open", StatusWorking, ActionReopen, "", minsheng.ECONFLICT},
		{"no starting what is resolved", StatusResolved, ActionStart, "", minsheng.ECONFLICT},
		{"a settled one stays settled unless reopened", StatusStable, ActionResolve, "", minsheng.ECONFLICT},
		{"unknown action", StatusWorking, Action("close"), "", minsheng.EINVALID},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			to, err := Next(c.from, c.a)
			if c.code != "" {
				if minsheng.ErrorCode(err) != c.code {
					t.Fatalf("Next(%s, %s) = %v, want %s", c.from, c.a, err, c.code)
				}
				return
			}
			if err != nil || to != c.to {
				t.Fatalf("Next(%s, %s) = %s, %v; want %s", c.from, c.a, to, err, c.to)
			}
		})
	}
}

func TestNotes(t *testing.T) {
	for _, c := range []struct {
		a    Action
		note string
		ok   bool
	}{
		{ActionStart, "", true},
		{ActionResolve, "", false},
		{ActionResolve, "  ", false},
		{ActionResolve, "已协调物业退还多收费用", true},
		{ActionStabilize, "", false},
		{ActionReopen, "", false},
		{ActionReopen, "信访人再次来访", true},
	} {
		err := CheckNote(c.a, c.note)
		if (err == nil) != c.ok {
			t.Errorf("CheckNote(%s, %q) = %v", c.a, c.note, err)
		}
		if err != nil && (err.(*minsheng.Error).Field != "note" || err.(*minsheng.Error).Reason != "note_required") {
			t.Errorf("CheckNote(%s, %q) names %+v", c.a, c.note, err)
		}
	}
}

func TestValidate(t *testing.T) {
	good := func() New {
		return New{Kind: KindPetition, Title: "某小区业主反映物业费纠纷", Goal: "年底前化解", LeaderID: 1, UnitID: 2,
			Milestones: []Milestone{{Title: "接访", Due: time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)}}}
	}
	cases := []struct {
		name  string
		edit  func(*New)
		field string
	}{
		{"good", func(*New) {}, ""},
		{"unknown kind", func(n *New) { n.Kind = "road" }, "kind"},
		{"no title", func(n *New) { n.Title = "   " }, "title"},
		{"long title", func(n *New) { n.Title = string(make([]rune, 101)) }, "title"},
		{"no goal", func(n *New) { n.Goal = "" }, "goal"},
		{"no leader", func(n *New) { n.LeaderID = 0 }, "leader_id"},
		{"no unit", func(n *New) { n.UnitID = 0 }, "unit_id"},
		{"milestone without a title", func(n *New) { n.Milestones[0].Title = "" }, "milestones.0.title"},
		{"milestone without a day", func(n *New) { n.Milestones[0].Due = time.Time{} }, "milestones.0.due"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := good()
			c.edit(&n)
			n.Normalize()
			err := n.Validate()
			if c.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if e, ok := err.(*minsheng.Error); !ok || e.Code != minsheng.EINVALID || e.Field != c.field {
				t.Fatalf("got %v, want invalid %s", err, c.field)
			}
		})
	}
}

func TestOverdueAndBoard(t *testing.T) {
	day := func(d int) time.Time { return Day(time.Date(2026, 3, d, 12, 0, 0, 0, China)) }
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, China)
	done := now
	ms := func(dues ...int) []Milestone {
		var out []Milestone
		for i, d := range dues {
			out = append(out, Milestone{Seq: i + 1, Title: "节点", Due: day(d)})
		}
		return out
	}
	if (Milestone{Due: day(9)}).Overdue(now) != true {
		t.Error("a milestone due yesterday is overdue")
	}
	if (Milestone{Due: day(10)}).Overdue(now) {
		t.Error("a milestone due today is not overdue yet")
	}
	if (Milestone{Due: day(1), DoneAt: &done}).Overdue(now) {
		t.Error("a milestone done is never overdue")
	}
	as := []*Assignment{
		// 王: one matter, on time.
		{LeaderID: 1, LeaderName: "王志刚", Kind: KindProject, Status: StatusWorking, Milestones: ms(20, 30)},
		// 鲁: two overdue milestones on one matter.
		{LeaderID: 2, LeaderName: "鲁文斌", Kind: KindPetition, Status: StatusWorking, Milestones: ms(1, 5, 30)},
		// 马: one overdue milestone on each of two matters, and a resolved
		// matter whose late milestone no longer counts.
		{LeaderID: 3, LeaderName: "马海林", Kind: KindEnterprise, Status: StatusAssigned, Milestones: ms(8)},
		{LeaderID: 3, LeaderName: "马海林", Kind: KindPetition, Status: StatusReopened, Milestones: ms(2)},
		{LeaderID: 3, LeaderName: "马海林", Kind: KindPetition, Status: StatusResolved, Milestones: ms(1)},
		// 韩: nothing overdue, two open matters.
		{LeaderID: 4, LeaderName: "韩晓梅", Kind: KindProject, Status: StatusWorking, Milestones: ms(11)},
		{LeaderID: 4, LeaderName: "韩晓梅", Kind: KindProject, Status: StatusAssigned},
	}
	b := Board(as, now)
	want := []struct {
		name              string
		overdueMilestones int
		overdueItems      int
		open              int
	}{
		{"鲁文斌", 2, 1, 1},
		{"马海林", 2, 2, 2},
		{"韩晓梅", 0, 0, 2},
		{"王志刚", 0, 0, 1},
	}
	if len(b) != len(want) {
		t.Fatalf("board has %d rows", len(b))
	}
	// 鲁 and 马 both have two overdue milestones; 马 has more overdue
	// matters and comes first.
	want[0], want[1] = want[1], want[0]
	for i, w := range want {
		r := b[i]
		if r.LeaderName != w.name || r.OverdueMilestones != w.overdueMilestones || r.OverdueItems != w.overdueItems || r.Open != w.open {
			t.Errorf("row %d = %s %d/%d/%d, want %+v", i, r.LeaderName, r.OverdueMilestones, r.OverdueItems, r.Open, w)
		}
	}
	f := Count(as, now)
	if f.Total != 7 || f.ByKind[KindPetition] != 3 || f.ByKind[KindProject] != 3 || f.ByKind[KindEnterprise] != 1 ||
		f.ByStatus[StatusWorking] != 3 || f.OverdueItems != 3 || f.OverdueMilestones != 4 || f.ByKindStatus[KindPetition][StatusResolved] != 1 {
		t.Errorf("figures %+v", f)
	}
}

func TestWhoMayAct(t *testing.T) {
	a := &Assignment{LeaderID: 7, UnitPath: "/d/s1/"}
	cases := []struct {
		name string
		u    *org.User
		ok   bool
	}{
		{"the leader in charge", &org.User{ID: 7, Role: org.RoleLeader, UnitPath: "/d/s2/", Active: true}, true},
		{"a handler of the unit", &org.User{ID: 8, Role: org.RoleHandler, UnitPath: "/d/s1/", Active: true}, true},
		{"the district's admin", &org.User{ID: 9, Role: org.RoleAdmin, UnitPath: "/d/", Active: true}, true},
		{"a handler of another street", &org.User{ID: 10, Role: org.RoleHandler, UnitPath: "/d/s2/", Active: true}, false},
		{"a grid worker of the unit", &org.User{ID: 11, Role: org.RoleGridWorker, UnitPath: "/d/s1/", Active: true}, false},
		{"the leader, disabled", &org.User{ID: 7, Role: org.RoleLeader, UnitPath: "/d/s2/"}, false},
	}
	for _, c := range cases {
		if err := CheckActor(c.u, a); (err == nil) != c.ok {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	if !MaySee(&org.User{ID: 12, Role: org.RoleLeader, UnitPath: "/d/s2/", Active: true}, a) {
		t.Error("another leader reads the board's matters")
	}
	if MaySee(&org.User{ID: 13, Role: org.RoleAgent, UnitPath: "/d/", Active: true}, a) {
		t.Error("an agent reads a leader's matter")
	}
}
