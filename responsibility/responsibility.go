// Package responsibility is the domain of the leaders' responsibility
// assignments (包保, 三包): a leader of the district personally takes charge
// of a petition case (信访件), a key project or a key enterprise, with its
// goal, milestones due on given days and the work orders linked to it, and
// follows it from assigned to working, resolved and stable (息诉) — or
// reopened when the matter comes back. Pure Go, no I/O: the lifecycle
// table, who may act, input checks and the overdue count the leaders'
// board ranks by. The use cases are in app/responsibility.
package responsibility

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
)

// Kind is what a leader takes charge of: the three of 三包.
type Kind string

// Kinds.
const (
	KindPetition   Kind = "petition"   // 信访件: a petition case
	KindProject    Kind = "project"    // 重点项目: a key project
	KindEnterprise Kind = "enterprise" // 重点企业: a key enterprise
)

// Kinds lists the kinds in order.
var Kinds = []Kind{KindPetition, KindProject, KindEnterprise}

// Status is where an assignment stands.
type Status string

// Statuses.
const (
	StatusAssigned Status = "assigned" // a leader is in charge; work not started
	StatusWorking  Status = "working"
	StatusResolved Status = "resolved" // the matter is solved
	StatusStable   Status = "stable"   // 息诉: settled, the petitioner (or the enterprise) has no further demand
	StatusReopened Status = "reopened" // the matter came back after it was resolved
)

// Statuses lists the statuses in order.
var Statuses = []Status{StatusAssigned, StatusWorking, StatusResolved, StatusStable, StatusReopened}

// Open reports whether the assignment still needs work: its milestones
// can be overdue and count on the board.
func (s Status) Open() bool { return s != StatusResolved && s != StatusStable }

// Action moves an assignment.
type Action string

// Actions.
const (
	ActionStart     Action = "start"     // begin (or begin again) the work
	ActionResolve   Action = "resolve"   // the matter is solved: what was done is required
	ActionStabilize Action = "stabilize" // 息诉: settled for good, how it was confirmed is required
	ActionReopen    Action = "reopen"    // it came back: why is required
)

// Actions lists the actions in order.
var Actions = []Action{ActionStart, ActionResolve, ActionStabilize, ActionReopen}

type rule struct {
	from     []Status
	to       Status
	needNote bool
}

// rules is the lifecycle in one table.
var rules = map[Action]rule{
	ActionStart:     {from: []Status{StatusAssigned, StatusReopened}, to: StatusWorking},
	ActionResolve:   {from: []Status{StatusWorking}, to: StatusResolved, needNote: true},
	ActionStabilize: {from: []Status{StatusResolved}, to: StatusStable, needNote: true},
	ActionReopen:    {from: []Status{StatusResolved, StatusStable}, to: StatusReopened, needNote: true},
}

// Next returns the status the action leads to from the status: EINVALID
// (field "action") for an unknown action, ECONFLICT when the action is not
// allowed from the status.
func Next(from Status, a Action) (Status, error) {
	r, ok := rules[a]
	if !ok {
		return "", minsheng.FieldError("action", "unknown action %q", a)
	}
	if !slices.Contains(r.from, from) {
		return "", minsheng.Errorf(minsheng.ECONFLICT, "cannot %s an assignment that is %s", a, from)
	}
	return r.to, nil
}

// NeedsNote reports whether the action needs a note (what was done, how
// it was confirmed, why it came back).
func NeedsNote(a Action) bool { return rules[a].needNote }

// Allowed lists the actions allowed from the status, in order.
func Allowed(from Status) []Action {
	var out []Action
	for _, a := range Actions {
		if _, err := Next(from, a); err == nil {
			out = append(out, a)
		}
	}
	return out
}

// Milestone is a step toward the goal, due on a day.
type Milestone struct {
	Seq    int        `json:"seq"`
	Title  string     `json:"title"`
	Due    time.Time  `json:"due"`               // the day it is due (midnight, China)
	DoneAt *time.Time `json:"done_at,omitempty"` // when it was recorded done
	Note   string     `json:"note,omitempty"`    // what was done
}

// Overdue reports whether the milestone is not done and its due day has
// ended at now.
func (m Milestone) Overdue(now time.Time) bool {
	return m.DoneAt == nil && !now.Before(m.Due.Add(24*time.Hour))
}

// Assignment is one matter a leader has taken charge of.
type Assignment struct {
	ID         int64       `json:"id"`
	Kind       Kind        `json:"kind"`
	Title      string      `json:"title"`   // the case, project or enterprise
	Summary    string      `json:"summary"` // what the matter is
	Goal       string      `json:"goal"`    // what taking charge must achieve
	LeaderID   int64       `json:"leader_id"`
	LeaderName string      `json:"leader_name,omitempty"`
	UnitID     int64       `json:"unit_id"` // the unit that does the work
	UnitName   string      `json:"unit_name,omitempty"`
	UnitPath   string      `json:"-"`
	Status     Status      `json:"status"`
	Milestones []Milestone `json:"milestones"`
	CreatedAt  time.Time   `json:"created_at"`
	UpdatedAt  time.Time   `json:"updated_at"`
	Version    int         `json:"version"`
}

// OverdueMilestones counts the milestones overdue at now; none when the
// assignment is resolved or stable (nothing is owed any more).
func (a *Assignment) OverdueMilestones(now time.Time) int {
	if !a.Status.Open() {
		return 0
	}
	n := 0
	for _, m := range a.Milestones {
		if m.Overdue(now) {
			n++
		}
	}
	return n
}

// Done counts the milestones done.
func (a *Assignment) Done() int {
	n := 0
	for _, m := range a.Milestones {
		if m.DoneAt != nil {
			n++
		}
	}
	return n
}

// NextDue returns the first milestone not done, nil when none is left.
func (a *Assignment) NextDue() *Milestone {
	for i := range a.Milestones {
		if a.Milestones[i].DoneAt == nil {
			return &a.Milestones[i]
		}
	}
	return nil
}

// CheckActor returns nil if the user may work on the assignment: the
// leader in charge, an admin or leader over its unit, or staff (handler)
// of that unit; EFORBIDDEN otherwise.
func CheckActor(u *org.User, a *Assignment) error {
	if u == nil {
		return minsheng.Errorf(minsheng.EUNAUTHORIZED, "sign in first")
	}
	if !u.Active {
		return minsheng.Errorf(minsheng.EFORBIDDEN, "account is disabled")
	}
	if u.ID == a.LeaderID || (a.UnitPath != "" && u.SeesAs(a.UnitPath, org.RoleAdmin, org.RoleLeader, org.RoleHandler)) {
		return nil
	}
	return minsheng.Errorf(minsheng.EFORBIDDEN, "only the leader in charge, the responsible unit, its leaders and admins work on an assignment")
}

// MaySee reports whether the user may read the assignment: whoever may
// work on it, and any leader or admin of the district (the board is
// theirs).
func MaySee(u *org.User, a *Assignment) bool {
	if u == nil || !u.Active {
		return false
	}
	return CheckActor(u, a) == nil || u.HasAny(org.RoleLeader, org.RoleAdmin)
}

// Limits of the texts.
const (
	MaxTitle   = 100
	MaxSummary = 1000
	MaxGoal    = 500
	MaxNote    = 500
)

// New is an assignment as the district makes it.
type New struct {
	Kind       Kind        `json:"kind"`
	Title      string      `json:"title"`
	Summary    string      `json:"summary"`
	Goal       string      `json:"goal"`
	LeaderID   int64       `json:"leader_id"`
	UnitID     int64       `json:"unit_id"`
	Milestones []Milestone `json:"milestones"`
}

// Normalize trims the texts and puts the milestones' days at midnight
// (China), numbered from 1.
func (n *New) Normalize() {
	n.Title, n.Summary, n.Goal = strings.TrimSpace(n.Title), strings.TrimSpace(n.Summary), strings.TrimSpace(n.Goal)
	for i := range n.Milestones {
		n.Milestones[i].Seq, n.Milestones[i].Title = i+1, strings.TrimSpace(n.Milestones[i].Title)
		if !n.Milestones[i].Due.IsZero() {
			n.Milestones[i].Due = Day(n.Milestones[i].Due)
		}
	}
}

// Validate returns an EINVALID error naming the first field at fault.
func (n *New) Validate() error {
	switch {
	case !slices.Contains(Kinds, n.Kind):
		return minsheng.FieldError("kind", "kind is one of petition, project, enterprise")
	case n.Title == "":
		return minsheng.FieldError("title", "a title is required").Because("required")
	case utf8.RuneCountInString(n.Title) > MaxTitle:
		return minsheng.FieldError("title", "at most %d characters", MaxTitle).Because("too_long")
	case utf8.RuneCountInString(n.Summary) > MaxSummary:
		return minsheng.FieldError("summary", "at most %d characters", MaxSummary).Because("too_long")
	case n.Goal == "":
		return minsheng.FieldError("goal", "the goal of taking charge is required").Because("required")
	case utf8.RuneCountInString(n.Goal) > MaxGoal:
		return minsheng.FieldError("goal", "at most %d characters", MaxGoal).Because("too_long")
	case n.LeaderID == 0:
		return minsheng.FieldError("leader_id", "the leader in charge is required").Because("required")
	case n.UnitID == 0:
		return minsheng.FieldError("unit_id", "the responsible unit is required").Because("required")
	}
	for i, m := range n.Milestones {
		if err := CheckMilestone(fmt.Sprintf("milestones.%d.", i), m); err != nil {
			return err
		}
	}
	return nil
}

// CheckMilestone returns an EINVALID error about a milestone's title or
// day, its fields named with the prefix ("milestones.0." or "").
func CheckMilestone(prefix string, m Milestone) error {
	if strings.TrimSpace(m.Title) == "" {
		return minsheng.FieldError(prefix+"title", "a milestone needs a title").Because("required")
	}
	if utf8.RuneCountInString(m.Title) > MaxTitle {
		return minsheng.FieldError(prefix+"title", "at most %d characters", MaxTitle).Because("too_long")
	}
	if m.Due.IsZero() {
		return minsheng.FieldError(prefix+"due", "a milestone needs the day it is due").Because("required")
	}
	return nil
}

// CheckNote returns an EINVALID error (field "note") when an action that
// needs a note has none, or a note is too long.
func CheckNote(a Action, note string) error {
	if NeedsNote(a) && strings.TrimSpace(note) == "" {
		return minsheng.FieldError("note", "say what was done, how it was confirmed, or why it came back").Because("note_required")
	}
	if utf8.RuneCountInString(note) > MaxNote {
		return minsheng.FieldError("note", "at most %d characters", MaxNote).Because("too_long")
	}
	return nil
}

// LeaderRow is one leader's line on the board (包保台账).
type LeaderRow struct {
	LeaderID          int64          `json:"leader_id"`
	LeaderName        string         `json:"leader_name"`
	Items             int            `json:"items"`
	Open              int            `json:"open"`
	OverdueItems      int            `json:"overdue_items"`      // open assignments with an overdue milestone
	OverdueMilestones int            `json:"overdue_milestones"` // their overdue milestones
	ByKind            map[Kind]int   `json:"by_kind"`
	ByStatus          map[Status]int `json:"by_status"`
}

// Board ranks the leaders of the assignments by what is overdue: most
// overdue milestones first, then most overdue assignments, then most open
// ones, then by name. It never counts visits or activity: a leader whose
// matters are on time is at the bottom, whatever they did.
func Board(as []*Assignment, now time.Time) []LeaderRow {
	rows := map[int64]*LeaderRow{}
	var order []int64
	for _, a := range as {
		r := rows[a.LeaderID]
		if r == nil {
			r = &LeaderRow{LeaderID: a.LeaderID, LeaderName: a.LeaderName, ByKind: map[Kind]int{}, ByStatus: map[Status]int{}}
			rows[a.LeaderID] = r
			order = append(order, a.LeaderID)
		}
		r.Items++
		r.ByKind[a.Kind]++
		r.ByStatus[a.Status]++
		if a.Status.Open() {
			r.Open++
		}
		if n := a.OverdueMilestones(now); n > 0 {
			r.OverdueItems++
			r.OverdueMilestones += n
		}
	}
	out := make([]LeaderRow, 0, len(order))
	for _, id := range order {
		out = append(out, *rows[id])
	}
	slices.SortStableFunc(out, func(a, b LeaderRow) int {
		switch {
		case a.OverdueMilestones != b.OverdueMilestones:
			return b.OverdueMilestones - a.OverdueMilestones
		case a.OverdueItems != b.OverdueItems:
			return b.OverdueItems - a.OverdueItems
		case a.Open != b.Open:
			return b.Open - a.Open
		}
		return strings.Compare(a.LeaderName, b.LeaderName)
	})
	return out
}

// Figures are the counts of the assignments: by kind and status, and how
// many are overdue.
type Figures struct {
	Total             int                     `json:"total"`
	ByKind            map[Kind]int            `json:"by_kind"`
	ByStatus          map[Status]int          `json:"by_status"`
	ByKindStatus      map[Kind]map[Status]int `json:"by_kind_status"`
	OverdueItems      int                     `json:"overdue_items"`
	OverdueMilestones int                     `json:"overdue_milestones"`
}

// Count works out the figures at now.
func Count(as []*Assignment, now time.Time) Figures {
	f := Figures{ByKind: map[Kind]int{}, ByStatus: map[Status]int{}, ByKindStatus: map[Kind]map[Status]int{}}
	for _, k := range Kinds {
		f.ByKindStatus[k] = map[Status]int{}
	}
	for _, a := range as {
		f.Total++
		f.ByKind[a.Kind]++
		f.ByStatus[a.Status]++
		f.ByKindStatus[a.Kind][a.Status]++
		if n := a.OverdueMilestones(now); n > 0 {
			f.OverdueItems++
			f.OverdueMilestones += n
		}
	}
	return f
}

// China is the zone in which a milestone's day is counted.
var China = time.FixedZone("CST", 8*3600)

// Day returns midnight (China) starting the day of t, in UTC.
func Day(t time.Time) time.Time {
	d := t.In(China)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, China).UTC()
}
