package grid

import (
	"fmt"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
)

// DiaryStatus is where a field diary (民情日记) stands: the system drafts
// it from the day's work, the grid worker edits and submits it, the
// community reads it and comments.
type DiaryStatus string

// Diary statuses.
const (
	DiaryDraft     DiaryStatus = "draft"
	DiarySubmitted DiaryStatus = "submitted"
	DiaryRead      DiaryStatus = "read" // the community has read it
)

// DiaryStatuses lists every status.
var DiaryStatuses = []DiaryStatus{DiaryDraft, DiarySubmitted, DiaryRead}

// DiaryAction is something done to a diary.
type DiaryAction string

// Diary actions.
const (
	DiaryEdit    DiaryAction = "edit"    // the author rewrites the text
	DiarySubmit  DiaryAction = "submit"  // the author hands it in
	DiaryMark    DiaryAction = "read"    // the community marks it read
	DiaryComment DiaryAction = "comment" // the community (or the author) comments
)

// DiaryActions lists every action.
var DiaryActions = []DiaryAction{DiaryEdit, DiarySubmit, DiaryMark, DiaryComment}

// Readers are the community's staff who read and comment diaries (their
// grant must cover the diary's grid: the app's check).
var Readers = []org.Role{org.RoleHandler, org.RoleLeader, org.RoleAdmin}

type diaryRule struct {
	from   []DiaryStatus
	to     DiaryStatus // "": stays
	author bool        // only the author; otherwise only Readers (comment: both)
}

var diaryRules = map[DiaryAction]diaryRule{
	DiaryEdit:    {from: []DiaryStatus{DiaryDraft}, author: true},
	DiarySubmit:  {from: []DiaryStatus{DiaryDraft}, to: DiarySubmitted, author: true},
	DiaryMark:    {from: []DiaryStatus{DiarySubmitted}, to: DiaryRead},
	DiaryComment: {from: []DiaryStatus{DiarySubmitted, DiaryRead}},
}

// NextDiary returns the status the action leads to, or ECONFLICT.
func NextDiary(from DiaryStatus, a DiaryAction) (DiaryStatus, error) {
	r, ok := diaryRules[a]
	if !ok {
		return "", minsheng.FieldError("action", "unknown action %q", a)
	}
	return step(from, r.from, r.to, string(a), "a diary")
}

// CheckDiaryActor returns EFORBIDDEN unless the user may take the action
// on a diary written by authorID: the author edits and submits; readers
// mark read; both comment.
func CheckDiaryActor(u *org.User, authorID int64, a DiaryAction) error {
	r, ok := diaryRules[a]
	if !ok {
		return minsheng.FieldError("action", "unknown action %q", a)
	}
	if u == nil || !u.Active {
		return minsheng.Errorf(minsheng.EFORBIDDEN, "sign in first")
	}
	isAuthor := u.ID == authorID
	switch {
	case r.author && isAuthor:
		return nil
	case r.author:
		return minsheng.Errorf(minsheng.EFORBIDDEN, "only the author may %s a diary", a)
	case a == DiaryComment && isAuthor, mayAny(u, Readers) && !isAuthor:
		return nil
	}
	return minsheng.Errorf(minsheng.EFORBIDDEN, "your role may not %s diaries", a)
}

// CheckDiaryText checks a diary's text.
func CheckDiaryText(s string) error { return checkText("text", s, MaxDiary, true) }

// DayFacts is what the system knows of a grid worker's day: the diary is
// drafted from it, so that nothing is typed twice.
type DayFacts struct {
	Day      time.Time // the day, in the district's time zone
	Reports  []FactReport
	Checks   []FactCheck
	Tickets  []FactTicket // work orders they registered that are not grid reports
	Findings []FactItem   // ledger items they recorded
	TickOffs []FactItem   // ledger items they ticked off or re-inspected
	Visits   []FactVisit  // households they visited (the registry's visits)
	Stations []FactStation
}

// FactVisit is a household visit made that day, as the visit was
// recorded (the registry's data, read only).
type FactVisit struct {
	Address  string
	Visited  bool   // someone was met; false: nobody was home (rescheduled)
	Met      string // who was met
	Note     string
	Concerns int // concerns raised, each a work order
}

// FactStation is a resident's request taken at a micro-station that day.
type FactStation struct {
	Station, Title, Ticket string
	Answered               bool
}

// FactReport is a grid report filed that day.
type FactReport struct {
	Category, Title, Address, Ticket string
}

// FactCheck is a 核查 made that day.
type FactCheck struct {
	Title, Ticket string
	Passed        bool
}

// FactTicket is a work order registered that day.
type FactTicket struct {
	Number, Title string
}

// FactItem is a ledger item touched that day.
type FactItem struct {
	Campaign, Problem, Place string
}

// Empty reports whether nothing happened that the system knows of.
func (f DayFacts) Empty() bool {
	return len(f.Reports)+len(f.Checks)+len(f.Tickets)+len(f.Findings)+len(f.TickOffs)+len(f.Visits)+len(f.Stations) == 0
}

// Draft writes the diary's first text from the day's facts, in the
// district's language (Chinese). The worker adds what only they know
// (what residents said, what they saw) and submits.
func Draft(f DayFacts) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s 民情日记\n", f.Day.Format("2006年1月2日"))
	section := func(title string, n int, line func(i int) string) {
		if n == 0 {
			return
		}
		fmt.Fprintf(&b, "\n%s（%d）\n", title, n)
		for i := range n {
			fmt.Fprintf(&b, "%d. %s\n", i+1, line(i))
		}
	}
	section("巡查上报", len(f.Reports), func(i int) string {
		r := f.Reports[i]
		name := r.Category
		if c, ok := CategoryByCode(r.Category); ok {
			name = c.Name
		}
		return fmt.Sprintf("%s：%s（%s，工单%s）", name, r.Title, r.Address, r.Ticket)
	})
	section("现场核查", len(f.Checks), func(i int) string {
		c := f.Checks[i]
		res := "通过，已结案"
		if !c.Passed {
			res = "未通过，已退回重办"
		}
		return fmt.Sprintf("%s（工单%s）：%s", c.Title, c.Ticket, res)
	})
	section("入户走访", len(f.Visits), func(i int) string {
		v := f.Visits[i]
		if !v.Visited {
			return v.Address + "：未遇到人，已改约"
		}
		line := v.Address + "：见到" + v.Met
		if v.Concerns > 0 {
			line += fmt.Sprintf("，反映问题%d件已登记工单", v.Concerns)
		}
		if v.Note != "" {
			line += "。" + clip(v.Note, 60)
		}
		return line
	})
	section("微管站受理", len(f.Stations), func(i int) string {
		st := f.Stations[i]
		res := "已登记转派"
		if st.Answered {
			res = "现场办结"
		}
		return fmt.Sprintf("%s：%s（工单%s，%s）", st.Station, st.Title, st.Ticket, res)
	})
	section("代群众登记诉求", len(f.Tickets), func(i int) string {
		return fmt.Sprintf("%s（工单%s）", f.Tickets[i].Title, f.Tickets[i].Number)
	})
	section("大排查发现", len(f.Findings), func(i int) string {
		return fmt.Sprintf("%s：%s（%s）", f.Findings[i].Campaign, f.Findings[i].Problem, f.Findings[i].Place)
	})
	section("销号与回头看", len(f.TickOffs), func(i int) string {
		return fmt.Sprintf("%s：%s（%s）", f.TickOffs[i].Campaign, f.TickOffs[i].Problem, f.TickOffs[i].Place)
	})
	if f.Empty() {
		b.WriteString("\n今日系统中没有记录的工作。\n")
	}
	b.WriteString("\n民情记事：\n")
	return b.String()
}

// clip cuts s to n characters, marking the cut.
func clip(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n]) + "…"
}
