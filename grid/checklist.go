package grid

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
)

// A campaign's checklist (排查清单) is what its finders check at each
// place they visit: questions answered yes or no, with a number, or in
// words. An inspection answers them once for a place; an answer that shows
// a problem — a "no", or any answer marked a problem — becomes a ledger
// item, so that nothing found is typed twice.

// CheckType is the kind of answer a question takes.
type CheckType string

// Check types.
const (
	CheckYesNo  CheckType = "yesno"  // 是否: "no" is a problem
	CheckNumber CheckType = "number" // a count or a measure
	CheckText   CheckType = "text"   // in words
)

// Valid reports whether t is a known type.
func (t CheckType) Valid() bool { return t == CheckYesNo || t == CheckNumber || t == CheckText }

// Limits of a checklist.
const (
	MaxChecks       = 50
	MaxQuestion     = 200
	MaxAnswer       = 500
	MaxInspectPlace = MaxAddress
)

// Check is one question of a checklist.
type Check struct {
	Question string    `json:"question"`
	Type     CheckType `json:"type"`
}

// CheckChecklist returns an EINVALID error on "checklist" naming the first
// question at fault.
func CheckChecklist(cs []Check) error {
	if len(cs) > MaxChecks {
		return minsheng.FieldError("checklist", "at most %d questions", MaxChecks).Because("grid_checklist")
	}
	for i, c := range cs {
		field := "checklist[" + strconv.Itoa(i) + "]"
		if !c.Type.Valid() {
			return minsheng.FieldError(field, "question %d: type must be yesno, number or text", i+1).Because("grid_checklist")
		}
		if strings.TrimSpace(c.Question) == "" || utf8.RuneCountInString(c.Question) > MaxQuestion || strings.ContainsAny(c.Question, "\r\n") {
			return minsheng.FieldError(field, "question %d must be one line of 1 to %d characters", i+1, MaxQuestion).Because("grid_checklist")
		}
	}
	return nil
}

// ParseChecklist reads a checklist written one question a line, its type
// first when it is not yes/no: "数字|楼内电动车数量", "文字|其他情况",
// "消防通道是否畅通".
func ParseChecklist(s string) []Check {
	var out []Check
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		c := Check{Question: line, Type: CheckYesNo}
		if kind, q, ok := strings.Cut(line, "|"); ok {
			switch strings.TrimSpace(kind) {
			case "数字", "number":
				c = Check{Question: strings.TrimSpace(q), Type: CheckNumber}
			case "文字", "text":
				c = Check{Question: strings.TrimSpace(q), Type: CheckText}
			case "是否", "yesno":
				c = Check{Question: strings.TrimSpace(q), Type: CheckYesNo}
			}
		}
		out = append(out, c)
	}
	return out
}

// Answer is the answer to one question of the checklist, by its index.
type Answer struct {
	Index   int    `json:"index"`
	Value   string `json:"value"`             // "yes"/"no", a number, or words
	Problem bool   `json:"problem,omitempty"` // the finder marks it a problem (any type)
	Note    string `json:"note,omitempty"`    // what the problem is, for the ledger item
}

// NewInspection is a place checked against a campaign's checklist.
type NewInspection struct {
	UnitID   int64    `json:"unit_id"`
	Place    string   `json:"place"`
	Category string   `json:"category"` // the ledger category of what it finds
	Answers  []Answer `json:"answers"`
}

// Validate checks the answers against the checklist and returns the
// problems found: one NewItem per answer that shows one (its problem is
// the question, the answer and the note).
func (n *NewInspection) Validate(cs []Check) ([]NewItem, error) {
	n.Place, n.Category = strings.TrimSpace(n.Place), strings.TrimSpace(n.Category)
	if len(cs) == 0 {
		return nil, minsheng.Errorf(minsheng.ECONFLICT, "the campaign has no checklist").Because("grid_no_checklist")
	}
	if err := checkText("place", n.Place, MaxInspectPlace, true); err != nil {
		return nil, err
	}
	if n.UnitID <= 0 {
		return nil, minsheng.FieldError("unit_id", "unit_id is required").Because("choose")
	}
	seen := map[int]bool{}
	var found []NewItem
	for _, a := range n.Answers {
		field := "answers[" + strconv.Itoa(a.Index) + "]"
		if a.Index < 0 || a.Index >= len(cs) || seen[a.Index] {
			return nil, minsheng.FieldError("answers", "answer %d names no question, or one answered twice", a.Index).Because("grid_answer")
		}
		seen[a.Index] = true
		a.Value, a.Note = strings.TrimSpace(a.Value), strings.TrimSpace(a.Note)
		c := cs[a.Index]
		problem := a.Problem
		switch c.Type {
		case CheckYesNo:
			if a.Value != "yes" && a.Value != "no" {
				return nil, minsheng.FieldError(field, "answer %d must be yes or no", a.Index+1).Because("grid_answer")
			}
			problem = problem || a.Value == "no"
		case CheckNumber:
			if _, err := strconv.ParseFloat(a.Value, 64); err != nil && a.Value != "" {
				return nil, minsheng.FieldError(field, "answer %d must be a number", a.Index+1).Because("grid_answer")
			}
		}
		if err := checkText(field, a.Value, MaxAnswer, false); err != nil {
			return nil, err
		}
		if err := checkText(field, a.Note, MaxAnswer, false); err != nil {
			return nil, err
		}
		if !problem {
			continue
		}
		p := c.Question
		switch {
		case c.Type == CheckYesNo:
			p += "：否"
		case a.Value != "":
			p += "：" + a.Value
		}
		if a.Note != "" {
			p += "。" + a.Note
		}
		found = append(found, NewItem{Problem: p, Category: n.Category, Place: n.Place, UnitID: n.UnitID})
	}
	if len(seen) != len(cs) {
		return nil, minsheng.FieldError("answers", "answer every question of the checklist (%d of %d answered)", len(seen), len(cs)).Because("grid_answer_all")
	}
	return found, nil
}
