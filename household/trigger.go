package household

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
)

// This file holds the rules of proactive service (未诉先办): a household
// that needs care is served before anyone calls. A rule opens a proactive
// work order for a household when no cadre has been in contact with it for
// N days, on a heat or cold alert day an admin entered, or when one of its
// tags is past its recheck day; a proactive order nobody acts on is
// escalated in steps, from the household's cadre to the grid worker, the
// community and the street. Evaluate and NextStep are pure: the job that
// runs them (app/household) reads the facts and writes what they say.

// RuleKind is a kind of trigger rule.
type RuleKind string

// Rule kinds.
const (
	RuleNoContact RuleKind = "no_contact" // no visit for Days days
	RuleAlertDay  RuleKind = "alert_day"  // a heat or cold alert day
	RuleRecheck   RuleKind = "recheck"    // a tag's recheck day has passed
)

// RuleKinds lists the rule kinds in order.
var RuleKinds = []RuleKind{RuleNoContact, RuleAlertDay, RuleRecheck}

// Rule is one trigger rule as a district admin sets it.
type Rule struct {
	Kind    RuleKind `json:"kind"`
	Enabled bool     `json:"enabled"`
	// Days is N of "no contact for N days" (no_contact only).
	Days int `json:"days"`
	// Tags are the tags of the households the rule looks at: for an alert
	// day, the tags an admin's alert applies to unless it names its own;
	// for a recheck, the tags whose recheck day is watched (none: all).
	Tags []Tag `json:"tags"`
	// EscalateDays is how long a proactive order opened by the rule may
	// wait unacted on before it is escalated one step.
	EscalateDays int        `json:"escalate_days"`
	UpdatedAt    *time.Time `json:"updated_at,omitempty"`
	UpdatedBy    int64      `json:"updated_by,omitempty"`
}

// DefaultRules are the rules before an admin changes them: 独居老人 not
// visited for 10 days; on an alert day, households of elderly living
// alone, disabled care and serious illness; every tag's recheck day; an
// unacted order escalated every 2 days.
func DefaultRules() []Rule {
	return []Rule{
		{Kind: RuleNoContact, Enabled: true, Days: 10, Tags: []Tag{TagAloneElderly}, EscalateDays: 2},
		{Kind: RuleAlertDay, Enabled: true, Tags: []Tag{TagAloneElderly, TagDisabledCare, TagSeriousIllness}, EscalateDays: 1},
		{Kind: RuleRecheck, Enabled: true, Tags: []Tag{}, EscalateDays: 3},
	}
}

// Limits of a rule.
const (
	MaxRuleDays     = 365
	MaxEscalateDays = 30
)

// Validate returns an EINVALID error naming the field at fault.
func (r *Rule) Validate() error {
	if !slices.Contains(RuleKinds, r.Kind) {
		return minsheng.FieldError("kind", "the rule is one of no_contact, alert_day, recheck")
	}
	if r.Kind == RuleNoContact && (r.Days < 1 || r.Days > MaxRuleDays) {
		return minsheng.FieldError("days", "days is from 1 to %d", MaxRuleDays).Because("out_of_range")
	}
	if r.EscalateDays < 1 || r.EscalateDays > MaxEscalateDays {
		return minsheng.FieldError("escalate_days", "escalation is after 1 to %d days", MaxEscalateDays).Because("out_of_range")
	}
	if err := checkTags(r.Tags); err != nil {
		return err
	}
	if r.Kind != RuleRecheck && len(r.Tags) == 0 {
		return minsheng.FieldError("tags", "choose at least one tag").Because("choose")
	}
	return nil
}

func checkTags(tags []Tag) error {
	for i, t := range tags {
		if !t.Valid() {
			return minsheng.FieldError("tags", "unknown tag %q", t).Because("tag_unknown")
		}
		if slices.Contains(tags[:i], t) {
			return minsheng.FieldError("tags", "tag %q twice", t).Because("tag_unknown")
		}
	}
	return nil
}

// AlertKind is the kind of an alert day.
type AlertKind string

// Alert kinds.
const (
	AlertHeat AlertKind = "heat" // 高温预警
	AlertCold AlertKind = "cold" // 寒潮/低温预警
)

// AlertKinds lists the alert kinds.
var AlertKinds = []AlertKind{AlertHeat, AlertCold}

// AlertDay is a heat or cold alert day entered by an admin: on that day
// the households of its tags get a proactive order (a call or a visit).
type AlertDay struct {
	ID        int64     `json:"id"`
	Day       time.Time `json:"day"` // midnight, China
	Kind      AlertKind `json:"kind"`
	Tags      []Tag     `json:"tags"` // none: the alert_day rule's
	Note      string    `json:"note,omitempty"`
	CreatedBy int64     `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// MaxAlertNote is the longest note of an alert day.
const MaxAlertNote = 200

// Validate returns an EINVALID error naming the field at fault. An alert
// day is today or later.
func (a *AlertDay) Validate(now time.Time) error {
	if !slices.Contains(AlertKinds, a.Kind) {
		return minsheng.FieldError("kind", "the alert is heat or cold")
	}
	if a.Day.IsZero() {
		return minsheng.FieldError("day", "the alert's day is required").Because("required")
	}
	if a.Day.Before(Day(now)) {
		return minsheng.FieldError("day", "an alert day is today or later").Because("alert_past")
	}
	if utf8.RuneCountInString(a.Note) > MaxAlertNote {
		return minsheng.FieldError("note", "at most %d characters", MaxAlertNote).Because("too_long")
	}
	return checkTags(a.Tags)
}

// Facts are what the rules read of one household.
type Facts struct {
	HouseholdID int64
	// LastContact is its last visit, or its registration when never
	// visited.
	LastContact time.Time
	Tags        []TagRecord
}

func (f Facts) has(tags []Tag) bool {
	for _, t := range f.Tags {
		if slices.Contains(tags, t.Tag) {
			return true
		}
	}
	return false
}

// Hit is a proactive order a rule calls for.
type Hit struct {
	HouseholdID int64
	Rule        RuleKind
	// Reason says why, for the order's title and the timeline (no personal
	// data): "独居老人 12 天未联系".
	Reason string
	Tag    Tag        // the tag that matched
	Alert  *AlertDay  // the alert day, for alert_day
	Urgent bool       // alert days are urgent
	Since  *time.Time // the recheck day passed, for recheck
}

// TagNames are the tags' Chinese names, for the orders' titles (the
// orders are read by the handling units in Chinese).
var TagNames = map[Tag]string{
	TagAloneElderly: "独居老人", TagDisabledCare: "失能", TagDisability: "残疾", TagSubsistence: "低保",
	TagExtremePoverty: "特困", TagLeftBehindChild: "留守儿童", TagSeriousIllness: "重病",
}

// Evaluate returns the proactive orders the rules call for at now: one at
// most per household and rule, none where one is open already (open holds
// "household id/rule"). alerts are the alert days of today; days are
// China's.
func Evaluate(rules []Rule, alerts []AlertDay, facts []Facts, open map[string]bool, now time.Time) []Hit {
	today := Day(now)
	var out []Hit
	for _, r := range rules {
		if !r.Enabled {
			continue
		}
		for _, f := range facts {
			if open[OpenKey(f.HouseholdID, r.Kind)] {
				continue
			}
			if h, ok := evaluate(r, alerts, f, today); ok {
				out = append(out, h)
			}
		}
	}
	return out
}

func evaluate(r Rule, alerts []AlertDay, f Facts, today time.Time) (Hit, bool) {
	hit := Hit{HouseholdID: f.HouseholdID, Rule: r.Kind}
	switch r.Kind {
	case RuleNoContact:
		for _, t := range f.Tags {
			if !slices.Contains(r.Tags, t.Tag) {
				continue
			}
			days := int(today.Sub(Day(f.LastContact)).Hours() / 24)
			if days >= r.Days {
				hit.Tag, hit.Reason = t.Tag, fmt.Sprintf("%s %d 天未联系", TagNames[t.Tag], days)
				return hit, true
			}
			return hit, false
		}
	case RuleAlertDay:
		for i := range alerts {
			a := &alerts[i]
			if !a.Day.Equal(today) {
				continue
			}
			tags := a.Tags
			if len(tags) == 0 {
				tags = r.Tags
			}
			for _, t := range f.Tags {
				if slices.Contains(tags, t.Tag) {
					word := "高温"
					if a.Kind == AlertCold {
						word = "寒潮低温"
					}
					hit.Tag, hit.Alert, hit.Urgent = t.Tag, a, true
					hit.Reason = fmt.Sprintf("%s预警日关心%s", word, TagNames[t.Tag])
					return hit, true
				}
			}
		}
	case RuleRecheck:
		for _, t := range f.Tags {
			if len(r.Tags) > 0 && !slices.Contains(r.Tags, t.Tag) {
				continue
			}
			if Day(t.RecheckBy).Before(today) {
				since := t.RecheckBy
				hit.Tag, hit.Since = t.Tag, &since
				hit.Reason = fmt.Sprintf("%s认定已到复核日期（%s）", TagNames[t.Tag], Day(t.RecheckBy).Format(time.DateOnly))
				return hit, true
			}
		}
	}
	return hit, false
}

// OpenKey is the key of an open proactive order in Evaluate's open set.
func OpenKey(householdID int64, r RuleKind) string {
	return fmt.Sprint(householdID) + "/" + string(r)
}

// Step is a step of escalation: who is asked to act on a proactive order.
type Step int

// Steps, in order.
const (
	StepCadre      Step = iota // the household's cadre
	StepGridWorker             // the grid worker of its grid
	StepCommunity              // the community
	StepStreet                 // the street
)

// Steps lists the steps in order.
var Steps = []Step{StepCadre, StepGridWorker, StepCommunity, StepStreet}

// Names of the steps, for data and messages.
var stepNames = []string{"cadre", "grid_worker", "community", "street"}

// String names the step: cadre, grid_worker, community, street.
func (s Step) String() string {
	if s < 0 || int(s) >= len(stepNames) {
		return "unknown"
	}
	return stepNames[s]
}

// Proactive is a proactive order opened by a rule, and where it stands.
type Proactive struct {
	ID           int64      `json:"id"`
	HouseholdID  int64      `json:"household_id"`
	UnitPath     string     `json:"-"`
	Rule         RuleKind   `json:"rule"`
	Reason       string     `json:"reason"`
	TicketID     int64      `json:"ticket_id"`
	TicketNumber string     `json:"ticket_number,omitempty"`
	TicketStatus string     `json:"ticket_status,omitempty"`
	Address      string     `json:"address,omitempty"`
	OpenedAt     time.Time  `json:"opened_at"`
	Step         Step       `json:"step"`
	SteppedAt    time.Time  `json:"stepped_at"`
	ClosedAt     *time.Time `json:"closed_at,omitempty"`
}

// NextStep says whether an open proactive order is escalated at now: when
// nobody acted on it (actedOn false) for escalateDays since its last step,
// it goes one step up, to the street at most.
func NextStep(p Proactive, actedOn bool, escalateDays int, now time.Time) (Step, bool) {
	if actedOn || p.ClosedAt != nil || p.Step >= StepStreet || escalateDays < 1 {
		return p.Step, false
	}
	if now.Before(p.SteppedAt.Add(time.Duration(escalateDays) * 24 * time.Hour)) {
		return p.Step, false
	}
	return p.Step + 1, true
}

// FormatTags writes tags as the database keeps them: comma-separated.
func FormatTags(tags []Tag) string {
	s := make([]string, len(tags))
	for i, t := range tags {
		s[i] = string(t)
	}
	return strings.Join(s, ",")
}

// ParseTags reads tags as FormatTags writes them.
func ParseTags(s string) []Tag {
	out := []Tag{}
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, Tag(p))
		}
	}
	return out
}
