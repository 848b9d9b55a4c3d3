// Package routing decides where a request belongs: which handling unit a
// new ticket should go to, by the admins' routing rules over its category,
// kind, place and words. It does no I/O; the app package loads the rules
// and places the ticket's point in its grid, community and street first.
package routing

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/ticket"
)

// Rule sends matching requests to a handling unit. Every condition that is
// set must hold: the ticket's category is the rule's or below it, its kind
// is the rule's, its place lies in the rule's area, and its text contains
// at least one of the keywords.
type Rule struct {
	ID           int64       `json:"id"`
	Name         string      `json:"name"`
	Priority     int         `json:"priority"` // higher wins
	CategoryID   int64       `json:"category_id,omitempty"`
	CategoryPath string      `json:"-"`
	Kind         ticket.Kind `json:"kind,omitempty"`
	AreaUnitID   int64       `json:"area_unit_id,omitempty"`
	AreaPath     string      `json:"-"`
	Keywords     []string    `json:"keywords,omitempty"`
	UnitID       int64       `json:"unit_id"`
	// AutoDispatch sends matching tickets to the unit at registration,
	// without a dispatcher.
	AutoDispatch bool      `json:"auto_dispatch"`
	Active       bool      `json:"active"`
	CreatedAt    time.Time `json:"created_at"`
}

// Request is what a rule is matched against.
type Request struct {
	CategoryPath string      // "" when the ticket has no category
	Kind         ticket.Kind //
	LocationPath string      // path of the unit the ticket's point lies in, or ""
	Text         string      // title and description
}

// Validate checks a rule's fields (not whether the ids exist).
func (r *Rule) Validate() error {
	r.Name = strings.TrimSpace(r.Name)
	if r.Name == "" || utf8.RuneCountInString(r.Name) > 100 {
		return minsheng.FieldError("name", "name is required, at most 100 characters").Because("required")
	}
	if r.UnitID <= 0 {
		return minsheng.FieldError("unit_id", "unit_id (where matching requests go) is required").Because("unit_required")
	}
	if r.Kind != "" && !r.Kind.Valid() {
		return minsheng.FieldError("kind", "unknown kind %q", r.Kind)
	}
	if r.Priority < -1000 || r.Priority > 1000 {
		return minsheng.FieldError("priority", "priority must be between -1000 and 1000")
	}
	var kws []string
	for _, k := range r.Keywords {
		if k = strings.TrimSpace(k); k != "" {
			if utf8.RuneCountInString(k) > 50 {
				return minsheng.FieldError("keywords", "keyword %q is longer than 50 characters", k)
			}
			kws = append(kws, k)
		}
	}
	if len(kws) > 50 {
		return minsheng.FieldError("keywords", "at most 50 keywords")
	}
	r.Keywords = kws
	if r.CategoryID == 0 && r.Kind == "" && r.AreaUnitID == 0 && len(r.Keywords) == 0 {
		return minsheng.FieldError("category_id", "a rule needs at least one condition: category, kind, area or keywords").Because("rule_condition")
	}
	return nil
}

// Matches reports whether the rule applies to the request.
func (r *Rule) Matches(q Request) bool {
	if !r.Active {
		return false
	}
	if r.CategoryPath != "" && !strings.HasPrefix(q.CategoryPath, r.CategoryPath) {
		return false
	}
	if r.Kind != "" && r.Kind != q.Kind {
		return false
	}
	if r.AreaPath != "" && !strings.HasPrefix(q.LocationPath, r.AreaPath) {
		return false
	}
	if len(r.Keywords) > 0 {
		text := strings.ToLower(q.Text)
		found := false
		for _, k := range r.Keywords {
			if strings.Contains(text, strings.ToLower(k)) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// specificity counts a rule's conditions, to break ties of priority.
func (r *Rule) specificity() int {
	n := strings.Count(r.CategoryPath, "/") + strings.Count(r.AreaPath, "/")
	if r.Kind != "" {
		n++
	}
	if len(r.Keywords) > 0 {
		n++
	}
	return n
}

// Best returns the rule that decides the request: the matching rule of
// highest priority, then the most specific, then the oldest; nil if none
// matches.
func Best(rules []Rule, q Request) *Rule {
	var best *Rule
	for i := range rules {
		r := &rules[i]
		if !r.Matches(q) {
			continue
		}
		if best == nil || r.Priority > best.Priority ||
			(r.Priority == best.Priority && (r.specificity() > best.specificity() ||
				(r.specificity() == best.specificity() && r.ID < best.ID))) {
			best = r
		}
	}
	return best
}
