// Package household is the registry of households that need care and the
// visits cadres pay them (大走访, 分户联系): households placed in a grid,
// their members (residents' personal data), vulnerability tags with their
// source and recheck date, the visit plan of each tag and the due
// computation, visits and missed visits, and the lifecycle of change
// requests (add/remove a member, change the head, split, merge). Pure Go,
// no I/O: the use cases are in app/household, the SQL in store.
package household

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/personal"
)

// Relation is a member's place in the household.
type Relation string

// Relations, as a household register (户口簿) names them.
const (
	RelationHead       Relation = "head"       // 户主
	RelationSpouse     Relation = "spouse"     // 配偶
	RelationChild      Relation = "child"      // 子女
	RelationParent     Relation = "parent"     // 父母
	RelationGrandchild Relation = "grandchild" // 孙辈
	RelationOther      Relation = "other"      // 其他
)

// Relations lists every relation.
var Relations = []Relation{RelationHead, RelationSpouse, RelationChild, RelationParent, RelationGrandchild, RelationOther}

// Valid reports whether r is a known relation.
func (r Relation) Valid() bool { return slices.Contains(Relations, r) }

// Tag is a vulnerability tag: why a household needs care.
type Tag string

// Tags, as the district's civil-affairs lists name them.
const (
	TagAloneElderly    Tag = "alone_elderly"     // 独居老人
	TagDisabledCare    Tag = "disabled_care"     // 失能
	TagDisability      Tag = "disability"        // 残疾
	TagSubsistence     Tag = "subsistence"       // 低保
	TagExtremePoverty  Tag = "extreme_poverty"   // 特困
	TagLeftBehindChild Tag = "left_behind_child" // 留守儿童
	TagSeriousIllness  Tag = "serious_illness"   // 重病
)

// Tags lists every tag, the most frequently visited first.
var Tags = []Tag{TagAloneElderly, TagDisabledCare, TagExtremePoverty, TagSeriousIllness, TagLeftBehindChild, TagDisability, TagSubsistence}

// Valid reports whether t is a known tag.
func (t Tag) Valid() bool { return slices.Contains(Tags, t) }

// VisitPlan is how many days may pass between two visits of a household
// with the tag (the district's visit plan).
var VisitPlan = map[Tag]int{
	TagAloneElderly:    7,
	TagDisabledCare:    7,
	TagExtremePoverty:  14,
	TagSeriousIllness:  14,
	TagLeftBehindChild: 14,
	TagDisability:      30,
	TagSubsistence:     30,
}

// DefaultVisitDays is the plan of a household with no tag: 大走访 reaches
// every paired household once a quarter.
const DefaultVisitDays = 90

// DueSoonDays is how many days before its due date a visit shows in the
// cadre's list of today's visits.
const DueSoonDays = 2

// IntervalDays returns the visit interval of a household with the tags:
// the shortest of their plans, DefaultVisitDays with none.
func IntervalDays(tags []Tag) int {
	days := DefaultVisitDays
	for _, t := range tags {
		if d, ok := VisitPlan[t]; ok && d < days {
			days = d
		}
	}
	return days
}

// Day returns the start of t's day in China's time: visit plans count
// whole days.
func Day(t time.Time) time.Time {
	t = t.In(calendar.China)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, calendar.China)
}

// NextDue returns the day the next visit is due: interval days after the
// last visit, or after since (the day the household was registered or
// paired) when it was never visited; a rescheduled visit (a missed visit
// with a new date) moves it to that day while no visit came after the
// rescheduling.
func NextDue(lastVisit *time.Time, since time.Time, intervalDays int, rescheduledTo *time.Time) time.Time {
	base := since
	if lastVisit != nil {
		base = *lastVisit
	}
	due := Day(base).AddDate(0, 0, intervalDays)
	if rescheduledTo != nil && (lastVisit == nil || rescheduledTo.After(*lastVisit)) {
		due = Day(*rescheduledTo)
	}
	return due
}

// DueState is where a household stands against its visit plan.
type DueState string

// Due states.
const (
	StateOK      DueState = "ok"      // not due within DueSoonDays
	StateDue     DueState = "due"     // due today or within DueSoonDays
	StateOverdue DueState = "overdue" // the due day has passed
)

// StateAt returns the state of a household whose next visit is due on
// the day due, at now.
func StateAt(due, now time.Time) DueState {
	today := Day(now)
	switch {
	case Day(due).Before(today):
		return StateOverdue
	case !Day(due).After(today.AddDate(0, 0, DueSoonDays)):
		return StateDue
	default:
		return StateOK
	}
}

// DaysOverdue returns how many whole days the due day lies before now's
// day (0 when not overdue).
func DaysOverdue(due, now time.Time) int {
	d := int(Day(now).Sub(Day(due)).Hours() / 24)
	return max(d, 0)
}

// Limits of the registry's inputs.
const (
	MaxMembers      = 20
	MaxAddress      = 200
	MaxName         = 40
	MaxNote         = 1000
	MaxConcerns     = 10
	MaxTagSource    = 100
	MaxVisitBackDay = 90 // a visit recorded later than this many days is refused
)

// NewMember is a person as staff enter them.
type NewMember struct {
	Name     string   `json:"name"`
	IDNumber string   `json:"id_number"`
	Phone    string   `json:"phone"`
	Relation Relation `json:"relation"`
}

// Normalize trims the fields and puts the ID number and the phone in
// their printed form.
func (m *NewMember) Normalize() {
	m.Name = strings.TrimSpace(m.Name)
	m.IDNumber = personal.NormalizeIDNumber(m.IDNumber)
	m.Phone = personal.NormalizePhone(m.Phone)
	m.Relation = Relation(strings.TrimSpace(string(m.Relation)))
}

// Validate checks one member; prefix names the field ("members[2].").
func (m *NewMember) Validate(prefix string) error {
	if m.Name == "" || utf8.RuneCountInString(m.Name) > MaxName {
		return minsheng.FieldError(prefix+"name", "a member's name is required, at most %d characters", MaxName)
	}
	if !personal.ValidIDNumber(m.IDNumber) {
		return minsheng.FieldError(prefix+"id_number", "not a valid resident ID number (18 characters with its check digit)")
	}
	if m.Phone != "" && !personal.ValidPhone(m.Phone) {
		return minsheng.FieldError(prefix+"phone", "not a valid phone number")
	}
	if !m.Relation.Valid() {
		return minsheng.FieldError(prefix+"relation", "unknown relation %q", m.Relation)
	}
	return nil
}

// NewTag is a vulnerability tag as staff enter it: of one member (by the
// member's ID number) or of the whole household (no ID number).
type NewTag struct {
	Tag       Tag       `json:"tag"`
	IDNumber  string    `json:"id_number,omitempty"`
	Source    string    `json:"source"`     // where it comes from: 民政低保名册, 入户核实 …
	Since     time.Time `json:"since"`      // the day it was established
	RecheckBy time.Time `json:"recheck_by"` // the day it must be checked again
}

// Validate checks a tag; prefix names the field ("tags[0].").
func (t *NewTag) Validate(prefix string, now time.Time) error {
	t.Source = strings.TrimSpace(t.Source)
	t.IDNumber = personal.NormalizeIDNumber(t.IDNumber)
	switch {
	case !t.Tag.Valid():
		return minsheng.FieldError(prefix+"tag", "unknown tag %q", t.Tag)
	case t.Source == "" || utf8.RuneCountInString(t.Source) > MaxTagSource:
		return minsheng.FieldError(prefix+"source", "a tag's source is required, at most %d characters", MaxTagSource)
	case t.Since.IsZero() || Day(t.Since).After(Day(now)):
		return minsheng.FieldError(prefix+"since", "the day a tag was established is required and may not be in the future")
	case t.RecheckBy.IsZero() || !Day(t.RecheckBy).After(Day(t.Since)):
		return minsheng.FieldError(prefix+"recheck_by", "the recheck day is required and comes after the day the tag was established")
	}
	return nil
}

// NewHousehold is a household as staff register it.
type NewHousehold struct {
	GridID  int64       `json:"grid_id"` // the grid it lies in
	Address string      `json:"address"`
	Members []NewMember `json:"members"`
	Tags    []NewTag    `json:"tags"`
	// Consent says the household agreed to be registered and visited
	// (recorded with who recorded it and when).
	Consent bool `json:"consent"`
}

// Normalize trims the fields.
func (n *NewHousehold) Normalize() {
	n.Address = strings.TrimSpace(n.Address)
	for i := range n.Members {
		n.Members[i].Normalize()
	}
}

// Validate checks a new household: an address, one to MaxMembers members
// each valid, no ID number twice, exactly one head, valid tags naming a
// member of the household, and consent.
func (n *NewHousehold) Validate(now time.Time) error {
	if n.GridID <= 0 {
		return minsheng.FieldError("grid_id", "the grid the household lies in is required")
	}
	if n.Address == "" || utf8.RuneCountInString(n.Address) > MaxAddress {
		return minsheng.FieldError("address", "the address is required, at most %d characters", MaxAddress)
	}
	if len(n.Members) == 0 || len(n.Members) > MaxMembers {
		return minsheng.FieldError("members", "a household has 1 to %d members", MaxMembers)
	}
	if err := CheckMembers(n.Members, "members"); err != nil {
		return err
	}
	heads := 0
	for _, m := range n.Members {
		if m.Relation == RelationHead {
			heads++
		}
	}
	if heads != 1 {
		return minsheng.FieldError("members", "a household has exactly one head (it has %d)", heads)
	}
	for i := range n.Tags {
		t := &n.Tags[i]
		prefix := "tags[" + itoa(i) + "]."
		if err := t.Validate(prefix, now); err != nil {
			return err
		}
		if t.IDNumber != "" && !slices.ContainsFunc(n.Members, func(m NewMember) bool { return m.IDNumber == t.IDNumber }) {
			return minsheng.FieldError(prefix+"id_number", "a tag names a member of the household")
		}
	}
	if !n.Consent {
		return minsheng.FieldError("consent", "the household's consent to be registered and visited is required")
	}
	return nil
}

// CheckMembers validates members and refuses an ID number given twice
// (EINVALID on field "<field>[i].id_number").
func CheckMembers(ms []NewMember, field string) error {
	seen := map[string]bool{}
	for i := range ms {
		prefix := field + "[" + itoa(i) + "]."
		if err := ms[i].Validate(prefix); err != nil {
			return err
		}
		if seen[ms[i].IDNumber] {
			return minsheng.FieldError(prefix+"id_number", "the same person is entered twice")
		}
		seen[ms[i].IDNumber] = true
	}
	return nil
}

func itoa(i int) string { return strconv.Itoa(i) }

// idWeights are the weights of the first 17 digits of a resident ID
// number (GB 11643).
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// CompleteIDNumber appends to 17 digits the check character of GB 11643,
// making an ID number personal.ValidIDNumber accepts (for demo data and
// tests; a person's number comes from their card).
func CompleteIDNumber(first17 string) string {
	sum := 0
	for i := 0; i < 17 && i < len(first17); i++ {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return first17 + string("10X98765432"[sum%11])
}
