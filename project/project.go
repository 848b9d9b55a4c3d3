// Package project is the domain of the district's public livelihood
// projects (民生实事): the year's committed projects with their area,
// budget, responsible unit and leader, milestones with planned and actual
// dates and evidence, progress, their lifecycle and who may move it, and
// the red/amber/green status computed from the milestones. Pure Go, no
// I/O; the use cases are in app/project.
package project

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
)

// Status is where a project stands.
type Status string

// Statuses.
const (
	StatusPlanned    Status = "planned"
	StatusInProgress Status = "in_progress"
	StatusDelayed    Status = "delayed" // carries its explanation
	StatusCompleted  Status = "completed"
)

// Statuses lists the statuses in order.
var Statuses = []Status{StatusPlanned, StatusInProgress, StatusDelayed, StatusCompleted}

// Action moves a project.
type Action string

// Actions.
const (
	ActionStart    Action = "start"
	ActionDelay    Action = "delay" // an explanation is required
	ActionResume   Action = "resume"
	ActionComplete Action = "complete"
)

// Actions lists the actions in order.
var Actions = []Action{ActionStart, ActionDelay, ActionResume, ActionComplete}

type rule struct {
	from     []Status
	to       Status
	needNote bool
}

// rules is the lifecycle in one table. Who may act is the same for every
// action (CheckActor): the district's admins and leaders, and the staff
// of the responsible unit.
var rules = map[Action]rule{
	ActionStart:    {from: []Status{StatusPlanned}, to: StatusInProgress},
	ActionDelay:    {from: []Status{StatusPlanned, StatusInProgress}, to: StatusDelayed, needNote: true},
	ActionResume:   {from: []Status{StatusDelayed}, to: StatusInProgress},
	ActionComplete: {from: []Status{StatusInProgress, StatusDelayed}, to: StatusCompleted},
}

// Next returns the status the action leads to, EINVALID for an unknown
// action, ECONFLICT when not allowed from the status.
func Next(from Status, a Action) (Status, error) {
	r, ok := rules[a]
	if !ok {
		return "", minsheng.FieldError("action", "unknown action %q", a)
	}
	if !slices.Contains(r.from, from) {
		return "", minsheng.Errorf(minsheng.ECONFLICT, "cannot %s a project that is %s", a, from)
	}
	return r.to, nil
}

// NeedsNote reports whether the action needs an explanation.
func NeedsNote(a Action) bool { return rules[a].needNote }

// CheckActor returns nil if the user may change a project whose
// responsible unit has the path: an admin or leader over it (the
// district's cover every project), or staff (handler) of that unit.
func CheckActor(u *org.User, unitPath string) error {
	if u == nil {
		return minsheng.Errorf(minsheng.EUNAUTHORIZED, "sign in first")
	}
	if !u.Active {
		return minsheng.Errorf(minsheng.EFORBIDDEN, "account is disabled")
	}
	if unitPath != "" && u.SeesAs(unitPath, org.RoleAdmin, org.RoleLeader, org.RoleHandler) {
		return nil
	}
	return minsheng.Errorf(minsheng.EFORBIDDEN, "only the responsible unit, its leaders and admins update a project")
}

// Milestone is a step of a project.
type Milestone struct {
	Seq      int        `json:"seq"`
	Title    string     `json:"title"`
	Planned  time.Time  `json:"planned"`          // the day it is planned for (China midnight)
	Actual   *time.Time `json:"actual,omitempty"` // the day it was reached
	Evidence string     `json:"evidence,omitempty"`
}

// Project is one committed livelihood project.
type Project struct {
	ID          int64       `json:"id,string"`
	Year        int         `json:"year"`
	Code        string      `json:"code"` // 2026-01 …
	Title       string      `json:"title"`
	Category    string      `json:"category"`
	Area        string      `json:"area"`
	Summary     string      `json:"summary"`
	BudgetYuan  int64       `json:"budget_yuan"`
	UnitID      int64       `json:"unit_id,string"`
	UnitName    string      `json:"unit_name"`
	UnitPath    string      `json:"-"`
	Leader      string      `json:"leader"` // the responsible official (包案领导), by name and title
	Status      Status      `json:"status"`
	Progress    int         `json:"progress"`
	Explanation string      `json:"explanation,omitempty"` // why it is delayed
	Milestones  []Milestone `json:"milestones"`
	// ParentID and Parent (its code) name the project this one is a part
	// of; a parent's progress is rolled up from its parts (RollUp).
	ParentID  int64     `json:"parent_id,string,omitempty"`
	Parent    string    `json:"parent,omitempty"`
	Photos    []Photo   `json:"photos,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int       `json:"version"`
}

// RAG is a project's red/amber/green status.
type RAG string

// RAG values.
const (
	Green RAG = "green"
	Amber RAG = "amber"
	Red   RAG = "red"
)

// AmberDays is how long a milestone may be past its planned day
// unreached before the project is red rather than amber.
const AmberDays = 30

// Health computes the red/amber/green status at now: green when no
// milestone is past its planned day unreached (or it is completed); amber
// when one is, by at most AmberDays; red when one is by more, or the
// project is delayed.
func (p *Project) Health(now time.Time) RAG {
	if p.Status == StatusCompleted {
		return Green
	}
	if p.Status == StatusDelayed {
		return Red
	}
	worst := Green
	for _, m := range p.Milestones {
		if m.Actual != nil || !now.After(m.Planned.Add(24*time.Hour)) {
			continue
		}
		if now.Sub(m.Planned) > AmberDays*24*time.Hour {
			return Red
		}
		worst = Amber
	}
	return worst
}

// Done counts the milestones reached.
func (p *Project) Done() int {
	n := 0
	for _, m := range p.Milestones {
		if m.Actual != nil {
			n++
		}
	}
	return n
}

// CheckMilestones returns an EINVALID error naming the first milestone at
// fault: each needs a title and a planned day, in order of their days.
func CheckMilestones(ms []Milestone) error {
	for i, m := range ms {
		f := fmt.Sprintf("milestones.%d.", i)
		if strings.TrimSpace(m.Title) == "" || utf8.RuneCountInString(m.Title) > 100 {
			return minsheng.FieldError(f+"title", "a milestone needs a title of at most 100 characters")
		}
		if m.Planned.IsZero() {
			return minsheng.FieldError(f+"planned", "a milestone needs its planned day")
		}
		if i > 0 && m.Planned.Before(ms[i-1].Planned) {
			return minsheng.FieldError(f+"planned", "milestones must be in order of their planned days")
		}
		if utf8.RuneCountInString(m.Evidence) > 500 {
			return minsheng.FieldError(f+"evidence", "the evidence is longer than 500 characters")
		}
	}
	return nil
}

// CheckProgress returns an EINVALID error unless 0 ≤ p ≤ 100.
func CheckProgress(p int) error {
	if p < 0 || p > 100 {
		return minsheng.FieldError("progress", "progress is a percentage from 0 to 100")
	}
	return nil
}

// China is the zone in which a milestone's day is counted.
var China = time.FixedZone("CST", 8*3600)

// Day returns midnight (China) starting the day of t.
func Day(t time.Time) time.Time {
	d := t.In(China)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, China).UTC()
}

// Child projects. A project may be split into parts (sub-projects) of one
// level: each part has its own unit, milestones and progress, and the
// parent's progress is theirs rolled up. A parent is completed only once
// every part is.

// RollUp returns a parent's progress from its parts': their mean weighted
// by budget when every part has one, else their plain mean, rounded down
// so that a parent shows 100 only when every part does.
func RollUp(parts []*Project) int {
	if len(parts) == 0 {
		return 0
	}
	var sum, weights int64
	byBudget := true
	for _, c := range parts {
		byBudget = byBudget && c.BudgetYuan > 0
	}
	for _, c := range parts {
		w := int64(1)
		if byBudget {
			w = c.BudgetYuan
		}
		sum += int64(c.Progress) * w
		weights += w
	}
	return int(sum / weights)
}

// Worst returns the worse of two health statuses (red over amber over
// green): a parent is as late as its latest part.
func Worst(a, b RAG) RAG {
	rank := map[RAG]int{Green: 0, Amber: 1, Red: 2}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// CheckPartsDone returns an ECONFLICT error with its reason unless every
// part is completed: a parent is completed after its parts.
func CheckPartsDone(parts []*Project) error {
	for _, c := range parts {
		if c.Status != StatusCompleted {
			return minsheng.Errorf(minsheng.ECONFLICT, "part %s is not completed", c.Code).Because("parts_open")
		}
	}
	return nil
}

// Photo is a photo of a project's progress, shown in public: of a
// milestone (its number) or of the project (0).
type Photo struct {
	ID          int64     `json:"id,string"`
	ProjectID   int64     `json:"-"`
	Milestone   int       `json:"milestone,omitempty"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"-"`
	CreatedBy   int64     `json:"-"`
	CreatedAt   time.Time `json:"created_at"`
}

// MaxPhotos is the most photos a project keeps.
const MaxPhotos = 30

// Acceptance ratings (群众验收评价): once a project is completed, residents
// rate it from 1 to 5 stars, one rating per phone, shown next to it.

// CheckRating returns an error unless a project in the status may be rated
// with the stars: ECONFLICT before it is completed, EINVALID outside 1–5.
func CheckRating(s Status, stars int) error {
	if s != StatusCompleted {
		return minsheng.Errorf(minsheng.ECONFLICT, "a project is rated once it is completed").Because("not_completed")
	}
	if stars < 1 || stars > 5 {
		return minsheng.FieldError("stars", "from 1 to 5 stars").Because("choose")
	}
	return nil
}

// Rating sums up a project's ratings.
type Rating struct {
	Count   int     `json:"count"`
	Average float64 `json:"average"` // to one decimal; 0 without ratings
}

// NewRating sums up count ratings of sum stars.
func NewRating(count, sum int) Rating {
	if count == 0 {
		return Rating{}
	}
	return Rating{Count: count, Average: float64(int(float64(sum)/float64(count)*10+0.5)) / 10}
}
