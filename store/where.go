package store

import (
	"strings"
	"time"
)

// where gathers the conditions a list's filter sets, with their
// arguments, for the list queries of the nouns.
type where struct {
	conds []string
	args  []any
}

// addIf adds the condition with its arguments when on.
func (w *where) addIf(on bool, cond string, args ...any) {
	if on {
		w.add(cond, args...)
	}
}

// add adds a condition and its arguments.
func (w *where) add(cond string, args ...any) {
	w.conds, w.args = append(w.conds, cond), append(w.args, args...)
}

// between adds col >= from and col < to for the bounds that are set.
func (w *where) between(col string, from, to *time.Time) {
	if from != nil {
		w.add(col+" >= ?", from.UTC())
	}
	if to != nil {
		w.add(col+" < ?", to.UTC())
	}
}

// paths adds the condition that one of the columns lies at or below one of
// the unit paths (pathsCond), when there are any.
func (w *where) paths(paths []string, cols ...string) {
	if c, a := pathsCond(paths, cols...); c != "" {
		w.add(c, a...)
	}
}

// whereIn adds col IN (the values) when there are any.
func whereIn[T any](w *where, col string, vals []T) {
	if len(vals) == 0 {
		return
	}
	args := make([]any, len(vals))
	for i, v := range vals {
		args[i] = v
	}
	w.add(col+" IN ("+placeholders(len(vals))+")", args...)
}

// String is the clause: " WHERE a AND b", or "" without a condition.
func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}
