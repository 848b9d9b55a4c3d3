package project

import (
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
)

func TestLifecycleEveryStatusAndAction(t *testing.T) {
	want := map[Status]map[Action]Status{
		StatusPlanned:    {ActionStart: StatusInProgress, ActionDelay: StatusDelayed},
		StatusInProgress: {ActionDelay: StatusDelayed, ActionComplete: StatusCompleted},
		StatusDelayed:    {ActionResume: StatusInProgress, ActionComplete: StatusCompleted},
		StatusCompleted:  {},
	}
	for _, s := range Statuses {
		for _, a := range Actions {
			got, err := Next(s, a)
			exp, ok := want[s][a]
			if ok && (err != nil || got != exp) || !ok && minsheng.ErrorCode(err) != minsheng.ECONFLICT {
				t.Errorf("%s/%s: %q %v, want %q", s, a, got, err, exp)
			}
		}
	}
	if _, err := Next(StatusPlanned, "demolish"); minsheng.ErrorCode(err) != minsheng.EINVALID {
		t.Errorf("unknown action: %v", err)
	}
	if !NeedsNote(ActionDelay) || NeedsNote(ActionStart) {
		t.Error("a delay, and only a delay, needs its explanation")
	}
}

func TestWhoMayAct(t *testing.T) {
	mk := func(path string, role org.Role, active bool) *org.User {
		u := &org.User{ID: 1, Active: active, UnitPath: path}
		u.SetGrants([]org.Grant{{Role: role}})
		return u
	}
	for _, tc := range []struct {
		name string
		u    *org.User
		ok   bool
	}{
		{"district admin", mk("/1/", org.RoleAdmin, true), true},
		{"district leader", mk("/1/", org.RoleLeader, true), true},
		{"handler of the unit", mk("/1/7/", org.RoleHandler, true), true},
		{"handler of another unit", mk("/1/8/", org.RoleHandler, true), false},
		{"agent", mk("/1/", org.RoleAgent, true), false},
		{"mediator", mk("/1/", org.RoleMediator, true), false},
		{"disabled admin", mk("/1/", org.RoleAdmin, false), false},
		{"nobody", nil, false},
	} {
		if err := CheckActor(tc.u, "/1/7/"); (err == nil) != tc.ok {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func day(m time.Month, d int) time.Time {
	return time.Date(2026, m, d, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
}

func TestHealth(t *testing.T) {
	done := day(3, 1)
	p := &Project{Status: StatusInProgress, Milestones: []Milestone{{Title: "a", Planned: day(3, 1), Actual: &done}, {Title: "b", Planned: day(6, 1)}}}
	for _, tc := range []struct {
		now  time.Time
		want RAG
	}{{day(5, 1), Green}, {day(6, 1).Add(20 * time.Hour), Green}, {day(6, 3), Amber}, {day(7, 5), Red}} {
		if got := p.Health(tc.now); got != tc.want {
			t.Errorf("at %v: %s, want %s", tc.now, got, tc.want)
		}
	}
	p.Status = StatusDelayed
	if p.Health(day(5, 1)) != Red {
		t.Error("a delayed project is red")
	}
	p.Status = StatusCompleted
	if p.Health(day(12, 1)) != Green || p.Done() != 1 {
		t.Error("a completed project is green")
	}
}

func TestChecks(t *testing.T) {
	for _, tc := range []struct {
		name  string
		ms    []Milestone
		field string
	}{
		{"good", []Milestone{{Title: "a", Planned: day(1, 1)}, {Title: "b", Planned: day(1, 1)}}, ""},
		{"out of order", []Milestone{{Title: "a", Planned: day(2, 1)}, {Title: "b", Planned: day(1, 1)}}, "milestones.1.planned"},
		{"no title", []Milestone{{Planned: day(2, 1)}}, "milestones.0.title"},
		{"no day", []Milestone{{Title: "a"}}, "milestones.0.planned"},
	} {
		err := CheckMilestones(tc.ms)
		if e, ok := err.(*minsheng.Error); tc.field == "" && err != nil || tc.field != "" && (!ok || e.Field != tc.field) {
			t.Errorf("%s: %v, want field %q", tc.name, err, tc.field)
		}
	}
	if CheckProgress(101) == nil || CheckProgress(-1) == nil || CheckProgress(100) != nil {
		t.Error("progress is 0..100")
	}
}

// A parent's progress is its parts' rolled up: weighted by budget when
// every part has one, else a plain mean, rounded down.
func TestRollUp(t *testing.T) {
	part := func(progress int, budget int64, st Status) *Project {
		return &Project{Progress: progress, BudgetYuan: budget, Status: st}
	}
	for _, tc := range []struct {
		name  string
		parts []*Project
		want  int
	}{
		{"none", nil, 0},
		{"one", []*Project{part(40, 0, StatusInProgress)}, 40},
		{"by budget", []*Project{part(100, 3000000, StatusCompleted), part(0, 1000000, StatusPlanned)}, 75},
		{"a part without a budget: plain mean", []*Project{part(100, 3000000, StatusCompleted), part(0, 0, StatusPlanned)}, 50},
		{"rounded down", []*Project{part(100, 0, StatusCompleted), part(100, 0, StatusCompleted), part(99, 0, StatusInProgress)}, 99},
		{"all done", []*Project{part(100, 1, StatusCompleted), part(100, 2, StatusCompleted)}, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := RollUp(tc.parts); got != tc.want {
				t.Errorf("RollUp = %d, want %d", got, tc.want)
			}
			allDone := len(tc.parts) > 0 && tc.want == 100
			if err := CheckPartsDone(tc.parts); (err == nil) != (allDone || len(tc.parts) == 0) {
				t.Errorf("CheckPartsDone = %v", err)
			}
		})
	}
	for _, tc := range [][3]RAG{{Green, Green, Green}, {Green, Amber, Amber}, {Red, Amber, Red}, {Amber, Red, Red}, {Amber, Green, Amber}} {
		if got := Worst(tc[0], tc[1]); got != tc[2] {
			t.Errorf("Worst(%s, %s) = %s", tc[0], tc[1], got)
		}
	}
}

// Only a completed project is rated, with 1 to 5 stars; the average is
// shown to one decimal.
func TestRatings(t *testing.T) {
	for _, s := range Statuses {
		for _, stars := range []int{0, 1, 5, 6} {
			err := CheckRating(s, stars)
			switch {
			case s != StatusCompleted:
				if minsheng.ErrorCode(err) != minsheng.ECONFLICT {
					t.Errorf("%s, %d stars: %v", s, stars, err)
				}
			case stars < 1 || stars > 5:
				if minsheng.ErrorCode(err) != minsheng.EINVALID {
					t.Errorf("%s, %d stars: %v", s, stars, err)
				}
			case err != nil:
				t.Errorf("%s, %d stars: %v", s, stars, err)
			}
		}
	}
	if r := NewRating(3, 14); r.Count != 3 || r.Average != 4.7 {
		t.Errorf("NewRating(3, 14) = %+v", r)
	}
	if r := NewRating(0, 0); r.Count != 0 || r.Average != 0 {
		t.Errorf("no ratings: %+v", r)
	}
}
