// Package personal holds the checks and masks of residents' personal
// data — names, phone numbers and resident ID numbers — shared by the work
// order and every capability that keeps people (households, rides,
// mediation parties). Pure Go, no I/O. Who may see the unmasked values is
// each capability's rule; the reveal itself is audited through the
// ticket seam (app.Service.RevealTx).
package personal

import (
	"strings"
	"unicode/utf8"
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

// NormalizeIDNumber removes spaces and turns full-width digits and a
// lower-case x into the form printed on the card.
func NormalizeIDNumber(s string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r >= '０' && r <= '９':
			b.WriteRune('0' + (r - '０'))
		case r == 'x' || r == 'ｘ' || r == 'Ｘ':
			b.WriteRune('X')
		case r == ' ' || r == '　':
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// idWeights are the weights of the first 17 digits of a resident ID number
// (GB 11643-1999), and idCheck the check character by the weighted sum
// modulo 11.
var (
	idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	idCheck   = "10X98765432"
)

// ValidIDNumber reports whether s (normalized) is an 18-character resident
// ID number: 17 digits, a plausible date of birth in positions 7–14, and
// the check character of GB 11643.
func ValidIDNumber(s string) bool {
	if len(s) != 18 {
		return false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		sum += int(s[i]-'0') * idWeights[i]
	}
	if s[17] != idCheck[sum%11] {
		return false
	}
	month := int(s[10]-'0')*10 + int(s[11]-'0')
	day := int(s[12]-'0')*10 + int(s[13]-'0')
	year := int(s[6]-'0')*1000 + int(s[7]-'0')*100 + int(s[8]-'0')*10 + int(s[9]-'0')
	return year >= 1900 && month >= 1 && month <= 12 && day >= 1 && day <= 31
}

// MaskIDNumber keeps the first six characters (the place of registration)
// and the last four of an ID number: 110105********123X.
func MaskIDNumber(s string) string {
	n := utf8.RuneCountInString(s)
	if n <= 10 {
		return strings.Repeat("*", n)
	}
	r := []rune(s)
	return string(r[:6]) + strings.Repeat("*", n-10) + string(r[n-4:])
}
