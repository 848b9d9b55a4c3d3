package grid

import (
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/ticket"
)

func user(id int64, roles ...org.Role) *org.User {
	u := &org.User{ID: id, Role: roles[0], Active: true, UnitPath: "/1/"}
	var gs []org.Grant
	for _, r := range roles {
		gs = append(gs, org.Grant{Role: r})
	}
	u.SetGrants(gs)
	return u
}

// TestItemLifecycle walks every status × action of the ledger.
func TestItemLifecycle(t *testing.T) {
	want := map[ItemStatus]map[ItemAction]ItemStatus{
		ItemFound:      {ItemAssign: ItemAssigned, ItemOpenTicket: ItemRectifying},
		ItemAssigned:   {ItemAssign: ItemAssigned, ItemStart: ItemRectifying, ItemOpenTicket: ItemRectifying},
		ItemRectifying: {ItemSubmit: ItemSubmitted},
		ItemSubmitted:  {ItemReturn: ItemRectifying, ItemTickOff: ItemTickedOff},
		ItemTickedOff:  {ItemRecheck: ItemTickedOff, ItemRelapse: ItemReopened},
		ItemReopened:   {ItemAssign: ItemAssigned, ItemOpenTicket: ItemRectifying},
	}
	for _, s := range ItemStatuses {
		for _, a := range ItemActions {
			got, err := NextItem(s, a)
			to, ok := want[s][a]
			switch {
			case ok && (err != nil || got != to):
				t.Errorf("%s + %s = %s, %v; want %s", s, a, got, err, to)
			case !ok && !minsheng.IsCode(err, minsheng.ECONFLICT):
				t.Errorf("%s + %s = %s, %v; want a conflict", s, a, got, err)
			}
		}
	}
	if _, err := NextItem(ItemFound, "burn"); !minsheng.IsCode(err, minsheng.EINVALID) {
		t.Errorf("unknown action: %v", err)
	}
}

// TestItemActors checks who may take each action, and that a tick-off is
// made by another person than who submitted.
func TestItemActors(t *testing.T) {
	roles := []org.Role{org.RoleAdmin, org.RoleLeader, org.RoleDispatcher, org.RoleHandler, org.RoleGridWorker, org.RoleAgent}
	want := map[ItemAction][]org.Role{
		ItemAssign:  {org.RoleAdmin, org.RoleLeader, org.RoleDispatcher},
		ItemStart:   {org.RoleHandler},
		ItemSubmit:  {org.RoleHandler},
		ItemReturn:  {org.RoleAdmin, org.RoleLeader, org.RoleGridWorker},
		ItemTickOff: {org.RoleAdmin, org.RoleLeader, org.RoleGridWorker},
		ItemRecheck: {org.RoleAdmin, org.RoleLeader, org.RoleGridWorker},
		ItemRelapse: {org.RoleAdmin, org.RoleLeader, org.RoleGridWorker},
		// Those who may register work orders.
		ItemOpenTicket: {org.RoleDispatcher, org.RoleGridWorker},
	}
	for _, a := range ItemActions {
		for _, r := range roles {
			err := CheckItemActor(user(5, r), Item{Status: ItemSubmitted, SubmittedBy: 9}, a)
			allowed := false
			for _, w := range want[a] {
				allowed = allowed || w == r
			}
			if allowed != (err == nil) {
				t.Errorf("%s may %s: got %v, want allowed=%v", r, a, err, allowed)
			}
		}
	}
	if err := CheckItemActor(user(9, org.RoleLeader), Item{Status: ItemSubmitted, SubmittedBy: 9}, ItemTickOff); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
		t.Errorf("tick-off by the submitter: %v", err)
	}
	if err := CheckItemActor(user(5, org.RoleGridWorker), Item{Status: ItemFound, OpenTicket: true}, ItemOpenTicket); !minsheng.IsCode(err, minsheng.ECONFLICT) {
		t.Errorf("a second work order while one is open: %v", err)
	}
	if got := AvailableItemActions(user(5, org.RoleHandler), Item{Status: ItemAssigned}); len(got) != 1 || got[0] != ItemStart {
		t.Errorf("handler on an assigned item: %v", got)
	}
	if !NeedsEvidence(ItemTickOff) || !NeedsEvidence(ItemSubmit) || NeedsEvidence(ItemAssign) {
		t.Error("evidence rules")
	}
}

// TestReportCheck walks every status × result of the 核查.
func TestReportCheck(t *testing.T) {
	for _, s := range ReportStatuses {
		for _, r := range []CheckResult{CheckPass, CheckFail} {
			got, err := NextCheck(s, r)
			var want ReportStatus
			switch {
			case r == CheckPass && (s == ReportAwaitingCheck || s == ReportCheckFailed):
				want = ReportVerified
			case r == CheckFail && s == ReportAwaitingCheck:
				want = ReportCheckFailed
			}
			if want == "" && !minsheng.IsCode(err, minsheng.ECONFLICT) || want != "" && got != want {
				t.Errorf("%s check %s = %s, %v; want %q", s, r, got, err, want)
			}
		}
	}
	if _, err := NextCheck(ReportAwaitingCheck, "maybe"); !minsheng.IsCode(err, minsheng.EINVALID) {
		t.Errorf("unknown result: %v", err)
	}
}

// TestFollow folds the ticket's life onto the loop, and refuses a close
// before the 核查 passed.
func TestFollow(t *testing.T) {
	cases := []struct {
		from ReportStatus
		a    ticket.Action
		to   ticket.Status
		want ReportStatus
	}{
		{ReportRegistered, ticket.ActionDispatch, ticket.StatusDispatched, ReportDispatched},
		{ReportDispatched, ticket.ActionAcknowledge, ticket.StatusAcknowledged, ReportHandling},
		{ReportDispatched, ticket.ActionReturn, ticket.StatusReturned, ReportDispatched},
		{ReportHandling, ticket.ActionReply, ticket.StatusReplied, ReportAwaitingCheck},
		{ReportAwaitingCheck, ticket.ActionCallback, ticket.StatusReplied, ReportAwaitingCheck},
		{ReportCheckFailed, ticket.ActionAttach, ticket.StatusReplied, ReportCheckFailed},
		{ReportCheckFailed, ticket.ActionReopen, ticket.StatusReopened, ReportHandling},
		{ReportVerified, ticket.ActionClose, ticket.StatusClosed, ReportClosed},
		{ReportClosed, ticket.ActionCallback, ticket.StatusClosed, ReportClosed},
		{ReportClosed, ticket.ActionClose, ticket.StatusClosed, ReportClosed}, // told twice
		{ReportClosed, ticket.ActionReopen, ticket.StatusReopened, ReportHandling},
		{ReportRegistered, ticket.ActionResolveAtIntake, ticket.StatusResolvedAtIntake, ReportClosed},
		{ReportRegistered, ticket.ActionInvalidate, ticket.StatusInvalid, ReportCancelled},
		{ReportRegistered, ticket.ActionMerge, ticket.StatusMerged, ReportCancelled},
	}
	for _, c := range cases {
		if got, err := Follow(c.from, c.a, c.to); err != nil || got != c.want {
			t.Errorf("%s after %s → %s = %s, %v; want %s", c.from, c.a, c.to, got, err, c.want)
		}
	}
	for _, s := range []ReportStatus{ReportAwaitingCheck, ReportCheckFailed, ReportHandling} {
		if _, err := Follow(s, ticket.ActionClose, ticket.StatusClosed); !minsheng.IsCode(err, minsheng.ECONFLICT) {
			t.Errorf("close from %s: %v", s, err)
		}
	}
}

// TestDiaryLifecycle walks every status × action and who may act.
func TestDiaryLifecycle(t *testing.T) {
	want := map[DiaryStatus]map[DiaryAction]DiaryStatus{
		DiaryDraft:     {DiaryEdit: DiaryDraft, DiarySubmit: DiarySubmitted},
		DiarySubmitted: {DiaryMark: DiaryRead, DiaryComment: DiarySubmitted},
		DiaryRead:      {DiaryComment: DiaryRead},
	}
	for _, s := range DiaryStatuses {
		for _, a := range DiaryActions {
			got, err := NextDiary(s, a)
			to, ok := want[s][a]
			if ok && (err != nil || got != to) || !ok && !minsheng.IsCode(err, minsheng.ECONFLICT) {
				t.Errorf("%s + %s = %s, %v", s, a, got, err)
			}
		}
	}
	author, reader, other := user(1, org.RoleGridWorker), user(2, org.RoleHandler), user(3, org.RoleGridWorker)
	for _, c := range []struct {
		u  *org.User
		a  DiaryAction
		ok bool
	}{
		{author, DiaryEdit, true}, {author, DiarySubmit, true}, {author, DiaryMark, false}, {author, DiaryComment, true},
		{reader, DiaryEdit, false}, {reader, DiarySubmit, false}, {reader, DiaryMark, true}, {reader, DiaryComment, true},
		{other, DiaryEdit, false}, {other, DiaryMark, false}, {other, DiaryComment, false},
	} {
		if err := CheckDiaryActor(c.u, 1, c.a); (err == nil) != c.ok {
			t.Errorf("user %d %s: %v, want ok=%v", c.u.ID, c.a, err, c.ok)
		}
	}
}

func TestDraft(t *testing.T) {
	day := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	got := Draft(DayFacts{Day: day,
		Reports: []FactReport{{Category: "P01", Title: "井盖缺失", Address: "海湖路18号", Ticket: "T1"}},
		Checks:  []FactCheck{{Title: "垃圾堆放", Ticket: "T0", Passed: true}},
	})
	for _, w := range []string{"2026年12月7日", "巡查上报（1）", "公用设施类：井盖缺失（海湖路18号，工单T1）", "现场核查（1）", "通过，已结案"} {
		if !strings.Contains(got, w) {
			t.Errorf("draft lacks %q:\n%s", w, got)
		}
	}
	if strings.Contains(got, "代群众登记") {
		t.Errorf("draft has an empty section:\n%s", got)
	}
	if !strings.Contains(Draft(DayFacts{Day: day}), "没有记录") {
		t.Error("empty day")
	}
}

func TestInputs(t *testing.T) {
	lat := 36.6
	cases := []struct {
		in    NewReport
		field string
	}{
		{NewReport{Category: "P01", Description: "井盖缺失", Address: "海湖路"}, ""},
		{NewReport{Category: "X9", Description: "a", Address: "b"}, "category"},
		{NewReport{Category: "P01", Class: ClassEvent, Description: "a", Address: "b"}, "category"},
		{NewReport{Category: "E01", Address: "b"}, "description"},
		{NewReport{Category: "E01", Description: "a"}, "address"},
		{NewReport{Category: "E01", Description: "a", Address: "b", Lat: &lat}, "lat"},
	}
	for _, c := range cases {
		c.in.Normalize()
		err := c.in.Validate()
		var e *minsheng.Error
		if c.field == "" && err != nil || c.field != "" && (!asErr(err, &e) || e.Field != c.field) {
			t.Errorf("%+v: %v, want field %q", c.in, err, c.field)
		}
	}
	it := NewItem{Problem: "消防通道堵塞", Place: "3号楼", UnitID: 4}
	it.Normalize()
	if err := it.Validate(); err != nil || it.Severity != SeverityNormal {
		t.Errorf("item: %v", err)
	}
	it.Severity = "huge"
	if err := it.Validate(); !minsheng.IsCode(err, minsheng.EINVALID) {
		t.Errorf("severity: %v", err)
	}
}

func asErr(err error, e **minsheng.Error) bool {
	x, ok := err.(*minsheng.Error)
	*e = x
	return ok
}

func TestProgress(t *testing.T) {
	var p Progress
	p.Add(ItemTickedOff, 156)
	p.Add(ItemRectifying, 10)
	p.Add(ItemReopened, 7)
	if p.Found != 173 || p.TickedOff != 156 || p.Open() != 17 {
		t.Errorf("%+v", p)
	}
}

// TestStationChecks: a station names its services; a request is checked
// against them; distances are kilometres.
func TestStationChecks(t *testing.T) {
	n := NewStation{Name: " 海湖微管站 ", UnitID: 3, Address: "海湖路18号", Hours: "9:00–17:00", Services: []string{"政策咨询", " ", "政策咨询", "开具证明"},
		StaffIDs: []int64{4, 4, 0}}
	n.Normalize()
	if err := n.Validate(); err != nil || n.Name != "海湖微管站" || len(n.Services) != 2 || len(n.StaffIDs) != 1 {
		t.Fatalf("%+v %v", n, err)
	}
	n.Services = nil
	if err := n.Validate(); !minsheng.IsCode(err, minsheng.EINVALID) {
		t.Errorf("a station without services: %v", err)
	}
	r := NewStationRequest{Service: "代缴水费", Description: "x"}
	if err := r.Validate([]string{"政策咨询"}); !minsheng.IsCode(err, minsheng.EINVALID) {
		t.Errorf("a service the station does not offer: %v", err)
	}
	if d := DistanceKm(36.62, 101.75, 36.62, 101.76); d < 0.85 || d > 0.95 {
		t.Errorf("0.01° of longitude at 36.6°N: %.3f km", d)
	}
}

// TestChecklist: checklists are parsed one question a line and checked.
func TestChecklist(t *testing.T) {
	cs := ParseChecklist("消防通道是否畅通\n数字|电动车数量\n文字|其他\n是否|燃气是否关闭")
	if len(cs) != 4 || cs[1].Type != CheckNumber || cs[2].Type != CheckText || cs[3] != (Check{"燃气是否关闭", CheckYesNo}) {
		t.Fatalf("%+v", cs)
	}
	if err := CheckChecklist([]Check{{"", CheckYesNo}}); !minsheng.IsCode(err, minsheng.EINVALID) {
		t.Errorf("an empty question: %v", err)
	}
	in := NewInspection{UnitID: 1, Place: "3号楼", Answers: []Answer{{Index: 0, Value: "yes"}, {Index: 1, Value: "0"}, {Index: 2, Value: "楼道整洁"},
		{Index: 3, Value: "no"}}}
	found, err := in.Validate(cs)
	if err != nil || len(found) != 1 || found[0].Problem != "燃气是否关闭：否" {
		t.Fatalf("%+v %v", found, err)
	}
	in.Answers = append(in.Answers, Answer{Index: 3, Value: "yes"})
	if _, err := in.Validate(cs); !minsheng.IsCode(err, minsheng.EINVALID) {
		t.Errorf("a question answered twice: %v", err)
	}
}
