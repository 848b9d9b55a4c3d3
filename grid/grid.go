// Package grid is the domain of grid management (网格化管理, S9/S10) and of
// the screening ledger (大排查台账, S6): the grid report and its loop after
// GB/T 30428 (收集→立案→派遣→处置→反馈→核查→结案), the ledger item and its
// tick-off (逐个销号) and re-inspection (回头看), and the field diary
// (民情日记) drafted from what the system already knows. It holds the
// lifecycle tables, who may act, and the input checks; no I/O.
package grid

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/ticket"
)

// Limits of free text.
const (
	MaxTitle   = 100
	MaxText    = 2000
	MaxAddress = 200
	MaxDiary   = ticket.MaxNote
)

// checkText returns an EINVALID error on field when s is blank but
// required, longer than max, not UTF-8 or holds control characters (the
// ticket's check of free text).
func checkText(field, s string, max int, required bool) error {
	if required && strings.TrimSpace(s) == "" {
		return minsheng.FieldError(field, "%s is required", field).Because("required")
	}
	if n := utf8.RuneCountInString(s); n > max {
		return minsheng.FieldError(field, "%s is %d characters long; the limit is %d", field, n, max).Because("too_long")
	}
	return ticket.CheckNote(field, s, false)
}

// step returns where an action leads from a status by a rule of a
// lifecycle table: ECONFLICT when the status is not among the rule's
// from, the status itself when the rule leads nowhere new (to "").
func step[S ~string](from S, allowed []S, to S, action, noun string) (S, error) {
	if !slices.Contains(allowed, from) {
		return "", minsheng.Errorf(minsheng.ECONFLICT, "cannot %s %s that is %s", action, noun, from)
	}
	if to == "" {
		return from, nil
	}
	return to, nil
}

// CheckNote checks the free text that comes with an action.
func CheckNote(field, s string, required bool) error { return checkText(field, s, MaxText, required) }

// checkPoint checks an optional WGS84 point given as two pointers.
func checkPoint(lat, lng *float64) error {
	if (lat == nil) != (lng == nil) {
		return minsheng.FieldError("lat", "lat and lng must be given together")
	}
	if lat != nil {
		if *lat < -90 || *lat > 90 {
			return minsheng.FieldError("lat", "lat must be between -90 and 90")
		}
		if *lng < -180 || *lng > 180 {
			return minsheng.FieldError("lng", "lng must be between -180 and 180")
		}
	}
	return nil
}

// mayAny reports whether the user holds one of the roles.
func mayAny(u *org.User, roles []org.Role) bool { return u != nil && u.HasAny(roles...) }
