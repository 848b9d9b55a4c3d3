package ticket

import (
	"strings"
	"unicode/utf8"

	"github.com/minsheng/minsheng/org"
)

// NormalizePhone removes spaces, dashes and a leading +86 country code, and
// turns full-width digits into ASCII.
func NormalizePhone(p string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(p) {
		switch {
		case r >= '０' && r <= '９':
			b.WriteRune('0' + (r - '０'))
		case r == ' ' || r == '-' || r == '(' || r == ')' || r == '　':
		default:
			b.WriteRune(r)
		}
	}
	s := b.String()
	// The country code, written +86, 0086 or 86 before a mobile number.
	for _, cc := range []string{"+86", "0086", "86"} {
		if rest, ok := strings.CutPrefix(s, cc); ok && (cc == "+86" || (len(rest) == 11 && rest[0] == '1')) {
			return rest
		}
	}
	return s
}

// ValidPhone reports whether p (normalized) is a mainland China phone
// number a caller can be reached at: a mobile (1[3-9] and 9 digits), a
// landline with its area code (0, a 2- or 3-digit code, 7 or 8 digits), a
// local landline without it (7 or 8 digits, not starting with 0 or 1), or
// a 400/800 number. Short numbers such as 12345 are service lines, not a
// caller's.
func ValidPhone(p string) bool {
	for _, r := range p {
		if r < '0' || r > '9' {
			return false
		}
	}
	switch n := len(p); {
	case n == 11 && p[0] == '1':
		return p[1] >= '3'
	case p == "" || p[0] == '1':
		return false
	case p[0] == '0':
		return n >= 10 && n <= 12 && p[1] != '0'
	case n == 10 && (strings.HasPrefix(p, "400") || strings.HasPrefix(p, "800")):
		return true
	default:
		return n == 7 || n == 8
	}
}

// MaskPhone hides the middle of a phone number: 13812341234 → 138****1234.
// Short numbers keep only their last two digits.
func MaskPhone(p string) string {
	if p == "" {
		return ""
	}
	if len(p) >= 11 {
		return p[:3] + "****" + p[len(p)-4:]
	}
	if len(p) > 4 {
		return strings.Repeat("*", len(p)-2) + p[len(p)-2:]
	}
	return strings.Repeat("*", len(p))
}

// MaskName keeps the first character of a name: 张三丰 → 张**.
func MaskName(n string) string {
	if n == "" {
		return ""
	}
	r, size := utf8.DecodeRuneInString(n)
	rest := utf8.RuneCountInString(n[size:])
	if rest == 0 {
		return "*"
	}
	return string(r) + strings.Repeat("*", rest)
}

// Mask returns a copy of the ticket with the caller's name and phone masked.
// API shapes are always masked; the full values are given only by an audited
// reveal.
func (t Ticket) Mask() Ticket {
	t.CallerName = MaskName(t.CallerName)
	t.CallerPhone = MaskPhone(t.CallerPhone)
	return t
}

// MayReveal reports whether the user may see the caller's personal data of
// the ticket: agents and dispatchers whose grant covers it, and handlers
// whose grant covers the handling unit (DESIGN §3 Privacy).
func MayReveal(u *org.User, t *Ticket) bool {
	if !u.Active || !Visible(u, t) {
		return false
	}
	desk := []org.Role{org.RoleAgent, org.RoleDispatcher}
	if u.SeesAs(t.IntakeUnitPath, desk...) {
		return true
	}
	return t.UnitPath != "" && u.SeesAs(t.UnitPath, append(desk, org.RoleHandler)...)
}
