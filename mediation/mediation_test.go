package mediation

import (
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
)

// The whole lifecycle, every status × action: where it leads, or "" when
// it is refused with a conflict naming the current status.
func TestLifecycleEveryStatusAndAction(t *testing.T) {
	S := func(s Status) string { return string(s) }
	want := map[Status]map[Action]Status{
		StatusRegistered:    {ActionAccept: StatusAccepted, ActionDecline: StatusDeclined},
		StatusAccepted:      {ActionInvestigate: StatusInvestigating, ActionMediate: StatusInMediation},
		StatusDeclined:      {},
		StatusInvestigating: {ActionMediate: StatusInMediation, ActionFail: StatusFailed},
		StatusInMediation:   {ActionAgree: StatusAgreement, ActionFail: StatusFailed},
		StatusAgreement:     {ActionPerform: StatusPerforming, ActionComplete: StatusPerformed},
		StatusFailed:        {ActionClose: StatusClosed},
		StatusPerforming:    {ActionComplete: StatusPerformed, ActionDefault: StatusDefaulted},
		StatusPerformed:     {ActionClose: StatusClosed},
		StatusDefaulted:     {ActionComplete: StatusPerformed, ActionResume: StatusPerforming, ActionClose: StatusClosed},
		StatusClosed:        {},
	}
	if len(want) != len(Statuses) {
		t.Fatalf("the table covers %d statuses of %d", len(want), len(Statuses))
	}
	for _, s := range Statuses {
		for _, a := range Actions {
			t.Run(S(s)+"/"+string(a), func(t *testing.T) {
				got, err := Next(s, a)
				exp, ok := want[s][a]
				if ok {
					if err != nil || got != exp {
						t.Errorf("Next = %q, %v; want %q", got, err, exp)
					}
					return
				}
				if minsheng.ErrorCode(err) != minsheng.ECONFLICT || !strings.HasSuffix(minsheng.ErrorMessage(err), " is "+S(s)) {
					t.Errorf("Next = %q, %v; want a conflict naming %s", got, err, s)
				}
			})
		}
	}
	if _, err := Next(StatusRegistered, "fly"); minsheng.ErrorCode(err) != minsheng.EINVALID {
		t.Errorf("unknown action: %v", err)
	}
	for _, s := range Statuses {
		if s.Final() != (len(want[s]) == 0) {
			t.Errorf("%s: Final = %v, but it has %d ways out", s, s.Final(), len(want[s]))
		}
	}
}

func user(id int64, path string, roles ...org.Role) *org.User {
	u := &org.User{ID: id, Username: "u", Active: true, UnitPath: path}
	gs := []org.Grant{}
	for _, r := range roles {
		gs = append(gs, org.Grant{Role: r})
	}
	u.SetGrants(gs)
	return u
}

// Who may act: mediators over the case's unit take every action; admins
// only close; leaders, agents and mediators of another street none.
func TestWhoMayAct(t *testing.T) {
	const caseUnit = "/1/5/"
	mediator := user(1, "/1/5/", org.RoleMediator)
	districtMediator := user(2, "/1/", org.RoleMediator)
	otherStreet := user(3, "/1/9/", org.RoleMediator)
	admin := user(4, "/1/", org.RoleAdmin)
	leader := user(5, "/1/", org.RoleLeader)
	agent := user(6, "/1/", org.RoleAgent)
	off := user(7, "/1/5/", org.RoleMediator)
	off.Active = false
	for _, a := range Actions {
		for _, tc := range []struct {
			name string
			u    *org.User
			ok   bool
		}{
			{"mediator of the street", mediator, true},
			{"mediator of the district", districtMediator, true},
			{"mediator of another street", otherStreet, false},
			{"admin", admin, a == ActionClose},
			{"leader", leader, false},
			{"agent", agent, false},
			{"disabled mediator", off, false},
			{"nobody", nil, false},
		} {
			t.Run(string(a)+"/"+tc.name, func(t *testing.T) {
				err := CheckActor(tc.u, caseUnit, a)
				if (err == nil) != tc.ok {
					t.Errorf("CheckActor = %v, want allowed %v", err, tc.ok)
				}
			})
		}
	}
	if got := AvailableActions(StatusRegistered, mediator, caseUnit); len(got) != 2 || got[0] != ActionAccept || got[1] != ActionDecline {
		t.Errorf("a registered case offers %v", got)
	}
	if got := AvailableActions(StatusInMediation, mediator, caseUnit); len(got) != 1 || got[0] != ActionFail {
		t.Errorf("in mediation (agreement by its form) offers %v", got)
	}
	if got := AvailableActions(StatusPerformed, admin, caseUnit); len(got) != 1 || got[0] != ActionClose {
		t.Errorf("an admin on a performed case: %v", got)
	}
	if !NeedsNote(ActionDecline) || !NeedsNote(ActionFail) || NeedsNote(ActionAccept) {
		t.Error("a decline and a failure need their reason, nothing else")
	}
}

// Private notes are the case's own mediator's; reveals are for mediators.
func TestWhoMaySeeWhat(t *testing.T) {
	own := user(1, "/1/5/", org.RoleMediator)
	colleague := user(2, "/1/5/", org.RoleMediator)
	admin := user(3, "/1/", org.RoleAdmin)
	leader := user(4, "/1/", org.RoleLeader)
	agent := user(5, "/1/", org.RoleAgent)
	for _, tc := range []struct {
		name                 string
		u                    *org.User
		see, reveal, private bool
	}{
		{"own mediator", own, true, true, true},
		{"another mediator", colleague, true, true, false},
		{"admin", admin, true, false, false},
		{"leader", leader, true, false, false},
		{"agent", agent, false, false, false},
		{"nobody", nil, false, false, false},
	} {
		if got := MaySee(tc.u, "/1/5/"); got != tc.see {
			t.Errorf("%s: MaySee = %v", tc.name, got)
		}
		if got := MayReveal(tc.u, "/1/5/"); got != tc.reveal {
			t.Errorf("%s: MayReveal = %v", tc.name, got)
		}
		if got := MayReadPrivate(tc.u, 1); got != tc.private {
			t.Errorf("%s: MayReadPrivate = %v", tc.name, got)
		}
	}
	if MayReadPrivate(own, 0) {
		t.Error("a case without a mediator has no reader of private notes")
	}
}

func cst(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, China) }

func TestJudicialDeadline(t *testing.T) {
	for _, tc := range []struct {
		name      string
		effective time.Time
		want      time.Time
	}{
		{"1 March: until 31 March", cst(2026, 3, 1, 10), cst(2026, 4, 1, 0)},
		{"late at night counts as that day", cst(2026, 12, 7, 23), cst(2027, 1, 7, 0)},
		{"across February", cst(2026, 2, 10, 9), cst(2026, 3, 13, 0)},
		{"UTC evening is the next day in China", time.Date(2026, 5, 1, 17, 0, 0, 0, time.UTC), cst(2026, 6, 2, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := JudicialDeadline(tc.effective); !got.Equal(tc.want) {
				t.Errorf("deadline %v, want %v", got.In(China), tc.want)
			}
		})
	}
	eff := cst(2026, 3, 1, 10)
	for _, tc := range []struct {
		now  time.Time
		left int
	}{{cst(2026, 3, 1, 11), 30}, {cst(2026, 3, 30, 8), 1}, {cst(2026, 3, 31, 23), 0}, {cst(2026, 4, 1, 0), -1}} {
		if got := JudicialDaysLeft(eff, tc.now); got != tc.left {
			t.Errorf("at %v: %d days left, want %d", tc.now, got, tc.left)
		}
	}
}

func TestSplitSchedule(t *testing.T) {
	s, err := SplitSchedule(100000, 3, cst(2026, 1, 31, 15), "赔偿款")
	if err != nil {
		t.Fatal(err)
	}
	wantDays := []time.Time{cst(2026, 1, 31, 0), cst(2026, 2, 28, 0), cst(2026, 3, 31, 0)}
	wantFen := []int64{33333, 33333, 33334}
	var sum int64
	for i, in := range s {
		if !in.Due.Equal(wantDays[i]) || in.AmountFen != wantFen[i] || in.Seq != i+1 {
			t.Errorf("instalment %d: %v %d, want %v %d", i+1, in.Due.In(China), in.AmountFen, wantDays[i], wantFen[i])
		}
		sum += in.AmountFen
	}
	if sum != 100000 {
		t.Errorf("the parts add to %d", sum)
	}
	for _, tc := range []struct {
		total int64
		n     int
		field string
	}{{100, 0, "instalments"}, {100, 61, "instalments"}, {0, 2, "amount"}, {2, 3, "amount"}} {
		_, err := SplitSchedule(tc.total, tc.n, cst(2026, 1, 1, 0), "")
		if e, ok := err.(*minsheng.Error); !ok || e.Field != tc.field {
			t.Errorf("SplitSchedule(%d, %d) = %v, want an error on %s", tc.total, tc.n, err, tc.field)
		}
	}
}

func TestInstalmentDueAndOverdue(t *testing.T) {
	in := Instalment{Due: Day(cst(2026, 6, 10, 0)), AmountFen: 5000}
	for _, tc := range []struct {
		now           time.Time
		soon, overdue bool
	}{
		{cst(2026, 6, 1, 9), false, false},
		{cst(2026, 6, 6, 23), false, false},
		{cst(2026, 6, 7, 0), true, false},
		{cst(2026, 6, 10, 23), true, false},
		{cst(2026, 6, 11, 0), false, true},
	} {
		if in.DueSoon(tc.now, 3) != tc.soon || in.Overdue(tc.now) != tc.overdue {
			t.Errorf("at %v: soon %v overdue %v", tc.now, in.DueSoon(tc.now, 3), in.Overdue(tc.now))
		}
	}
	paid := cst(2026, 6, 9, 0)
	in.PaidAt = &paid
	if in.Overdue(cst(2026, 7, 1, 0)) || in.DueSoon(cst(2026, 6, 9, 1), 3) {
		t.Error("a paid instalment is neither due nor overdue")
	}
}

func TestAgreementValidate(t *testing.T) {
	eff := cst(2026, 6, 1, 10)
	good := func() NewAgreement {
		return NewAgreement{Terms: "一方赔偿另一方 2000 元", SignMode: SignPaper, Effective: eff,
			Schedule: []Instalment{{Due: cst(2026, 6, 15, 0), AmountFen: 100000}, {Due: cst(2026, 7, 15, 0), AmountFen: 100000}}}
	}
	for _, tc := range []struct {
		name      string
		app, resp int
		change    func(*NewAgreement)
		field     string
	}{
		{"good", 1, 1, func(*NewAgreement) {}, ""},
		{"no parties", 0, 0, func(*NewAgreement) {}, "parties"},
		{"one side only", 2, 0, func(*NewAgreement) {}, "parties"},
		{"no terms", 1, 1, func(a *NewAgreement) { a.Terms = "  " }, "terms"},
		{"unknown sign mode", 1, 1, func(a *NewAgreement) { a.SignMode = "fax" }, "sign_mode"},
		{"no effective day", 1, 1, func(a *NewAgreement) { a.Effective = time.Time{} }, "effective"},
		{"out of order", 1, 1, func(a *NewAgreement) { a.Schedule[1].Due = cst(2026, 6, 14, 0) }, "schedule.1.due"},
		{"before the agreement", 1, 1, func(a *NewAgreement) { a.Schedule[0].Due = cst(2026, 5, 31, 0) }, "schedule.0.due"},
		{"negative", 1, 1, func(a *NewAgreement) { a.Schedule[0].AmountFen = -1 }, "schedule.0.amount_fen"},
		{"nothing to do", 1, 1, func(a *NewAgreement) { a.Schedule[0].AmountFen = 0 }, "schedule.0.what"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := good()
			tc.change(&a)
			err := a.Validate(tc.app, tc.resp)
			if e, ok := err.(*minsheng.Error); tc.field == "" && err != nil || tc.field != "" && (!ok || e.Field != tc.field) {
				t.Errorf("Validate = %v, want field %q", err, tc.field)
			}
		})
	}
}

func TestNewCaseValidate(t *testing.T) {
	good := func() NewCase {
		return NewCase{Type: TypeNeighbour, Source: SourceWalkIn, Title: "楼上漏水", Parties: []NewParty{
			{Side: SideApplicant, Name: "王小明", Phone: "138 0000 1234"}, {Side: SideRespondent, Name: "李华"}}}
	}
	for _, tc := range []struct {
		name   string
		change func(*NewCase)
		field  string
	}{
		{"good", func(*NewCase) {}, ""},
		{"a referral names its court", func(n *NewCase) { n.Source = SourceCourt }, "referred_by"},
		{"a hotline case names its ticket", func(n *NewCase) { n.Source = SourceHotline }, "ticket"},
		{"a ticket makes it a hotline case", func(n *NewCase) { n.Source = ""; n.TicketRef = "20261201-0001" }, ""},
		{"no parties", func(n *NewCase) { n.Parties = nil }, "parties"},
		{"no applicant", func(n *NewCase) { n.Parties = n.Parties[1:] }, "parties"},
		{"bad phone", func(n *NewCase) { n.Parties[0].Phone = "12345" }, "parties.0.phone"},
		{"bad ID", func(n *NewCase) { n.Parties[1].IDNumber = "110105199001011234" }, "parties.1.id_number"},
		{"nameless", func(n *NewCase) { n.Parties[1].Name = " " }, "parties.1.name"},
		{"unknown type", func(n *NewCase) { n.Type = "war" }, "type"},
		{"long title", func(n *NewCase) { n.Title = strings.Repeat("漏", MaxTitle+1) }, "title"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := good()
			tc.change(&n)
			n.Normalize()
			err := n.Validate()
			if e, ok := err.(*minsheng.Error); tc.field == "" && err != nil || tc.field != "" && (!ok || e.Field != tc.field) {
				t.Errorf("Validate = %v, want field %q", err, tc.field)
			}
		})
	}
	n := good()
	n.Normalize()
	if n.Parties[0].Phone != "13800001234" || n.Parties[0].Kind != PartyPerson {
		t.Errorf("normalized party %+v", n.Parties[0])
	}
}

func TestFindRepeats(t *testing.T) {
	now := cst(2026, 12, 7, 10)
	priors := []Prior{
		{CaseID: 1, Number: "A", RegisteredAt: now.AddDate(0, -2, 0), Address: "海湖路 12 号 3 单元 502", Parties: []PartyKey{{Phone: "13900000001"}}},
		{CaseID: 2, Number: "B", RegisteredAt: now.AddDate(0, -6, 0), Address: "别处", Parties: []PartyKey{{IDNumber: "63010219800101001X"}}},
		{CaseID: 3, Number: "C", RegisteredAt: now.AddDate(-1, 0, -2), Address: "海湖路12号3单元502"},
		{CaseID: 4, Number: "D", RegisteredAt: now.AddDate(0, -1, 0), Address: "小区"},
		{CaseID: 5, Number: "E", RegisteredAt: now.Add(time.Hour), Address: "海湖路12号3单元502"},
	}
	got := FindRepeats(now, "海湖路１２号３单元５０２", []PartyKey{{Phone: "13800000000", IDNumber: "63010219800101001X"}}, priors)
	if len(got) != 2 || got[0].CaseID != 1 || !got[0].Address || got[0].Party || got[1].CaseID != 2 || got[1].Address || !got[1].Party {
		t.Errorf("repeats %+v, want case 1 by address and case 2 by party (3 is over a year old, 4 too vague, 5 later)", got)
	}
	if got := FindRepeats(now, "小区", nil, priors); len(got) != 0 {
		t.Errorf("a vague address matched %+v", got)
	}
}

func TestYuan(t *testing.T) {
	if Yuan(150050) != "1500.50" || Yuan(5) != "0.05" || Yuan(-100) != "-1.00" {
		t.Error(Yuan(150050), Yuan(5), Yuan(-100))
	}
}
