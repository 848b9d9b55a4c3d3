package household

import (
	"fmt"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/org"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, calendar.China) }

func TestIntervalDays(t *testing.T) {
	for _, c := range []struct {
		name string
		tags []Tag
		want int
	}{
		{"none", nil, DefaultVisitDays},
		{"alone elderly", []Tag{TagAloneElderly}, 7},
		{"low income", []Tag{TagSubsistence}, 30},
		{"shortest wins", []Tag{TagSubsistence, TagAloneElderly, TagDisability}, 7},
		{"unknown ignored", []Tag{"x"}, DefaultVisitDays},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := IntervalDays(c.tags); got != c.want {
				t.Errorf("IntervalDays(%v) = %d, want %d", c.tags, got, c.want)
			}
		})
	}
}

func TestNextDueAndState(t *testing.T) {
	since := time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC)  // 11:00 in China
	last := time.Date(2026, 11, 20, 17, 0, 0, 0, time.UTC) // 21 Nov 01:00 in China
	early := time.Date(2026, 11, 19, 2, 0, 0, 0, time.UTC)
	resched := day(2026, 11, 24)
	for _, c := range []struct {
		name    string
		last    *time.Time
		resched *time.Time
		days    int
		want    time.Time
	}{
		{"never visited counts from registration", nil, nil, 7, day(2026, 11, 8)},
		{"from the last visit's day in China", &last, nil, 7, day(2026, 11, 28)},
		{"rescheduled after the last visit", &early, &resched, 30, day(2026, 11, 24)},
		{"a visit after the rescheduling wins", &last, &early, 30, day(2026, 12, 21)},
		{"rescheduled, never visited", nil, &resched, 90, day(2026, 11, 24)},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := NextDue(c.last, since, c.days, c.resched); !got.Equal(c.want) {
				t.Errorf("NextDue = %v, want %v", got, c.want)
			}
		})
	}
	due := day(2026, 12, 7)
	for _, c := range []struct {
		now  time.Time
		want DueState
		late int
	}{
		{day(2026, 12, 1), StateOK, 0},
		{day(2026, 12, 5), StateDue, 0},
		{day(2026, 12, 7).Add(23 * time.Hour), StateDue, 0},
		{day(2026, 12, 8), StateOverdue, 1},
		{day(2026, 12, 17).Add(time.Hour), StateOverdue, 10},
	} {
		if got := StateAt(due, c.now); got != c.want {
			t.Errorf("StateAt(%v) = %s, want %s", c.now, got, c.want)
		}
		if got := DaysOverdue(due, c.now); got != c.late {
			t.Errorf("DaysOverdue(%v) = %d, want %d", c.now, got, c.late)
		}
	}
}

func TestNewHouseholdValidate(t *testing.T) {
	now := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
	head := NewMember{Name: "马秀英", IDNumber: CompleteIDNumber("63010419480312002"), Phone: "13897001234", Relation: RelationHead}
	spouse := NewMember{Name: "韩德明", IDNumber: CompleteIDNumber("63010419460101001"), Relation: RelationSpouse}
	tag := NewTag{Tag: TagAloneElderly, IDNumber: head.IDNumber, Source: "入户核实", Since: day(2026, 1, 5), RecheckBy: day(2027, 1, 5)}
	valid := func() NewHousehold {
		return NewHousehold{GridID: 3, Address: "海湖佳苑 3 号楼 2 单元 501", Members: []NewMember{head, spouse}, Tags: []NewTag{tag}, Consent: true}
	}
	badCheck := head
	badCheck.IDNumber = head.IDNumber[:17] + map[bool]string{true: "1", false: "2"}[head.IDNumber[17] != '1']
	for _, c := range []struct {
		name  string
		edit  func(*NewHousehold)
		field string
	}{
		{"valid", func(*NewHousehold) {}, ""},
		{"a phone with dashes is normalized", func(n *NewHousehold) { n.Members[0].Phone = " 138-9700-1234 " }, ""},
		{"no grid", func(n *NewHousehold) { n.GridID = 0 }, "grid_id"},
		{"no address", func(n *NewHousehold) { n.Address = "  " }, "address"},
		{"no members", func(n *NewHousehold) { n.Members = nil }, "members"},
		{"wrong check digit", func(n *NewHousehold) { n.Members[0] = badCheck }, "members[0].id_number"},
		{"duplicate member", func(n *NewHousehold) { n.Members[1].IDNumber = head.IDNumber }, "members[1].id_number"},
		{"bad phone", func(n *NewHousehold) { n.Members[1].Phone = "12345" }, "members[1].phone"},
		{"no head", func(n *NewHousehold) { n.Members[0].Relation = RelationSpouse }, "members"},
		{"two heads", func(n *NewHousehold) { n.Members[1].Relation = RelationHead }, "members"},
		{"unknown relation", func(n *NewHousehold) { n.Members[1].Relation = "cousin" }, "members[1].relation"},
		{"unknown tag", func(n *NewHousehold) { n.Tags[0].Tag = "rich" }, "tags[0].tag"},
		{"tag without source", func(n *NewHousehold) { n.Tags[0].Source = "" }, "tags[0].source"},
		{"tag from the future", func(n *NewHousehold) { n.Tags[0].Since = day(2026, 12, 9) }, "tags[0].since"},
		{"recheck before since", func(n *NewHousehold) { n.Tags[0].RecheckBy = day(2025, 1, 1) }, "tags[0].recheck_by"},
		{"tag of a stranger", func(n *NewHousehold) { n.Tags[0].IDNumber = CompleteIDNumber("63010419900101001") }, "tags[0].id_number"},
		{"no consent", func(n *NewHousehold) { n.Consent = false }, "consent"},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := valid()
			n.Members = append([]NewMember{}, n.Members...)
			n.Tags = append([]NewTag{}, n.Tags...)
			c.edit(&n)
			n.Normalize()
			err := n.Validate(now)
			if c.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var e *minsheng.Error
			if !asError(err, &e) || e.Code != minsheng.EINVALID || e.Field != c.field {
				t.Fatalf("err = %v, want invalid on %s", err, c.field)
			}
		})
	}
}

func asError(err error, e **minsheng.Error) bool {
	x, ok := err.(*minsheng.Error)
	*e = x
	return ok
}

func TestNewVisitValidate(t *testing.T) {
	now := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
	lat, lng := 36.62, 101.75
	for _, c := range []struct {
		name  string
		v     NewVisit
		field string
	}{
		{"valid", NewVisit{At: now.Add(-time.Hour), Met: "本人", Concerns: []NewConcern{{Description: "楼道灯坏了"}, {Description: " "}}}, ""},
		{"a phone's clock a minute ahead", NewVisit{At: now.Add(time.Minute), Met: "本人"}, ""},
		{"future", NewVisit{At: now.Add(time.Hour), Met: "本人"}, "at"},
		{"tomorrow", NewVisit{At: now.AddDate(0, 0, 1), Met: "本人"}, "at"},
		{"too old", NewVisit{At: now.AddDate(0, 0, -91), Met: "本人"}, "at"},
		{"nobody met", NewVisit{At: now, Met: " "}, "met"},
		{"half a location", NewVisit{At: now, Met: "本人", Lat: &lat}, "lat"},
		{"location", NewVisit{At: now, Met: "本人", Lat: &lat, Lng: &lng}, ""},
		{"bad urgency", NewVisit{At: now, Met: "本人", Concerns: []NewConcern{{Description: "漏水", Urgency: "panic"}}}, "concerns[0].urgency"},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.v.Normalize()
			err := c.v.Validate(now)
			if got := fieldOf(err); got != c.field {
				t.Fatalf("err = %v, want field %q", err, c.field)
			}
		})
	}
	v := NewVisit{At: now, Met: "本人", Concerns: []NewConcern{{Description: " 漏水 "}, {Description: ""}}}
	v.Normalize()
	if len(v.Concerns) != 1 || v.Concerns[0].Description != "漏水" || v.Concerns[0].Urgency != "normal" {
		t.Errorf("concerns = %+v, want one, trimmed, normal urgency", v.Concerns)
	}

	for _, c := range []struct {
		name  string
		m     MissedVisit
		field string
	}{
		{"valid", MissedVisit{At: now, Reason: "家中无人", RescheduledTo: now.AddDate(0, 0, 2)}, ""},
		{"no reason", MissedVisit{At: now, RescheduledTo: now.AddDate(0, 0, 2)}, "reason"},
		{"rescheduled to the past", MissedVisit{At: now, Reason: "家中无人", RescheduledTo: now.AddDate(0, 0, -1)}, "rescheduled_to"},
		{"rescheduled too far", MissedVisit{At: now, Reason: "家中无人", RescheduledTo: now.AddDate(0, 0, 40)}, "rescheduled_to"},
		{"attempt in the future", MissedVisit{At: now.Add(time.Hour), Reason: "家中无人", RescheduledTo: now.AddDate(0, 0, 2)}, "at"},
	} {
		t.Run("missed "+c.name, func(t *testing.T) {
			if got := fieldOf(c.m.Validate(now)); got != c.field {
				t.Fatalf("field %q, want %q", got, c.field)
			}
		})
	}
}

func fieldOf(err error) string {
	if err == nil {
		return ""
	}
	var e *minsheng.Error
	if !asError(err, &e) {
		return "not an application error: " + err.Error()
	}
	return e.Field
}

// Every status × action: only a requested change moves, to the status of
// the action; everything else is a conflict naming the status.
func TestChangeLifecycle(t *testing.T) {
	want := map[ChangeAction]ChangeStatus{ChangeApprove: ChangeApproved, ChangeReject: ChangeRejected, ChangeWithdraw: ChangeWithdrawn}
	for _, s := range ChangeStatuses {
		for _, a := range ChangeActions {
			t.Run(fmt.Sprintf("%s/%s", s, a), func(t *testing.T) {
				got, err := NextChange(s, a)
				if s == ChangeRequested {
					if err != nil || got != want[a] {
						t.Fatalf("NextChange = %s, %v; want %s", got, err, want[a])
					}
					return
				}
				if minsheng.ErrorCode(err) != minsheng.ECONFLICT {
					t.Fatalf("NextChange from %s = %s, %v; want a conflict", s, got, err)
				}
			})
		}
	}
	if _, err := NextChange(ChangeRequested, "apply"); fieldOf(err) != "action" {
		t.Errorf("unknown action: %v", err)
	}
}

// Who may act on a change request of a household in a grid of a
// community: every role × action, with the four-eyes rule.
func TestMayActOnChange(t *testing.T) {
	const community, grid, other = "/1/5/7/", "/1/5/7/12/", "/1/5/8/"
	user := func(id int64, role org.Role, scope string) *org.User {
		u := &org.User{ID: id, Active: true, UnitPath: scope}
		u.SetGrants([]org.Grant{{Role: role}})
		return u
	}
	requester := user(1, org.RoleGridWorker, grid)
	staff := user(2, org.RoleHandler, community)
	admin := user(3, org.RoleAdmin, "/1/")
	elsewhere := user(4, org.RoleHandler, other)
	leader := user(5, org.RoleLeader, "/1/")
	colleague := user(6, org.RoleGridWorker, grid)
	selfApprover := user(7, org.RoleHandler, community)
	disabled := user(8, org.RoleHandler, community)
	disabled.Active = false
	for _, c := range []struct {
		name string
		u    *org.User
		req  int64
		want map[ChangeAction]bool
	}{
		{"the grid worker who asked", requester, 1, map[ChangeAction]bool{ChangeWithdraw: true}},
		{"another grid worker", colleague, 1, map[ChangeAction]bool{}},
		{"community staff", staff, 1, map[ChangeAction]bool{ChangeApprove: true, ChangeReject: true}},
		{"district admin", admin, 1, map[ChangeAction]bool{ChangeApprove: true, ChangeReject: true}},
		{"staff of another community", elsewhere, 1, map[ChangeAction]bool{}},
		{"a leader oversees, does not approve", leader, 1, map[ChangeAction]bool{}},
		{"community staff who asked: four eyes", selfApprover, 7, map[ChangeAction]bool{ChangeWithdraw: true}},
		{"disabled account", disabled, 1, map[ChangeAction]bool{}},
	} {
		for _, a := range ChangeActions {
			if got := MayActOnChange(c.u, grid, c.req, a); got != c.want[a] {
				t.Errorf("%s may %s: %v, want %v", c.name, a, got, c.want[a])
			}
		}
	}
}

func TestChangeInputValidate(t *testing.T) {
	m := &NewMember{Name: "韩小军", IDNumber: CompleteIDNumber("63010420100101001"), Relation: RelationChild}
	for _, c := range []struct {
		name  string
		in    ChangeInput
		field string
	}{
		{"add", ChangeInput{Kind: ChangeAddMember, Member: m, Reason: "新生儿落户"}, ""},
		{"add without member", ChangeInput{Kind: ChangeAddMember, Reason: "x"}, "member"},
		{"add a second head", ChangeInput{Kind: ChangeAddMember, Member: &NewMember{Name: "a", IDNumber: m.IDNumber, Relation: RelationHead}, Reason: "x"}, "member.relation"},
		{"add with a bad ID", ChangeInput{Kind: ChangeAddMember, Member: &NewMember{Name: "a", IDNumber: "630104201001010011", Relation: RelationChild}, Reason: "x"}, "member.id_number"},
		{"remove", ChangeInput{Kind: ChangeRemoveMember, PersonID: 4, Reason: "迁出"}, ""},
		{"remove nobody", ChangeInput{Kind: ChangeRemoveMember, Reason: "迁出"}, "person_id"},
		{"head", ChangeInput{Kind: ChangeHead, PersonID: 4, Reason: "户主去世"}, ""},
		{"split", ChangeInput{Kind: ChangeSplit, PersonIDs: []int64{4, 5}, PersonID: 4, Address: "光华苑 1-101", Reason: "分户"}, ""},
		{"split, head not leaving", ChangeInput{Kind: ChangeSplit, PersonIDs: []int64{4, 5}, PersonID: 6, Address: "光华苑 1-101", Reason: "分户"}, "person_ids"},
		{"split without address", ChangeInput{Kind: ChangeSplit, PersonIDs: []int64{4}, PersonID: 4, Reason: "分户"}, "address"},
		{"merge", ChangeInput{Kind: ChangeMerge, OtherID: 9, Reason: "合户"}, ""},
		{"merge nothing", ChangeInput{Kind: ChangeMerge, Reason: "合户"}, "other_id"},
		{"no reason", ChangeInput{Kind: ChangeMerge, OtherID: 9}, "reason"},
		{"unknown kind", ChangeInput{Kind: "adopt", Reason: "x"}, "kind"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := fieldOf(c.in.Validate()); got != c.field {
				t.Fatalf("field %q, want %q", got, c.field)
			}
		})
	}
}

func TestCompleteIDNumber(t *testing.T) {
	// The example of GB 11643: 11010519491231002X.
	if got := CompleteIDNumber("11010519491231002"); got != "11010519491231002X" {
		t.Errorf("CompleteIDNumber = %s, want 11010519491231002X", got)
	}
}
