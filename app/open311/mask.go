package open311

// Masking of personal data in public texts.

import (
	"regexp"
	"strings"

	"github.com/minsheng/minsheng/personal"
)

func maskEmail(e string) string {
	local, domain, ok := strings.Cut(e, "@")
	if !ok {
		return personal.MaskName(e)
	}
	return personal.MaskName(local) + "@" + domain
}

var emailRE = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`)

// asciiDigits turns full-width digits into ASCII and leaves the rest.
func asciiDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return '0' + (r - '０')
		}
		return r
	}, s)
}

// MaskPersonal masks what looks like personal data in text shown to the
// public: mobile numbers (138****5678), landlines, ID card and bank card
// numbers, and emails. Ticket numbers and dates are left as they are.
func MaskPersonal(s string) string {
	if s == "" {
		return s
	}
	s = emailRE.ReplaceAllStringFunc(s, maskEmail)
	var b strings.Builder
	b.Grow(len(s))
	rs := []rune(s)
	isDigit := func(r rune) bool { return r >= '0' && r <= '9' || r >= '０' && r <= '９' }
	prev, prevEnd := "", -1 // the last run of digits and where it ended
	for i := 0; i < len(rs); {
		if !isDigit(rs[i]) {
			b.WriteRune(rs[i])
			i++
			continue
		}
		j := i
		for j < len(rs) && isDigit(rs[j]) {
			j++
		}
		if j < len(rs) && j-i == 17 && (rs[j] == 'X' || rs[j] == 'x') {
			j++ // an ID card number ending in X
		}
		run := string(rs[i:j])
		d := asciiDigits(run) // full-width digits to ASCII, nothing else changed
		n := len(d)
		afterAreaCode := i > 0 && prevEnd == i-1 && rs[i-1] == '-' && (len(prev) == 3 || len(prev) == 4) && prev[0] == '0'
		switch {
		case n == 11 && d[0] == '1': // mobile
			b.WriteString(personal.MaskPhone(d))
		case n == 13 && strings.HasPrefix(d, "861"): // mobile with country code
			b.WriteString("86" + personal.MaskPhone(d[2:]))
		case n >= 15: // ID card, bank card
			b.WriteString(strings.Repeat("*", n-4) + d[n-4:])
		case n >= 10 && n <= 12 && d[0] == '0': // landline with area code
			b.WriteString(d[:3] + strings.Repeat("*", n-5) + d[n-2:])
		case (n == 7 || n == 8) && afterAreaCode: // landline after 0971-
			b.WriteString(strings.Repeat("*", n-2) + d[n-2:])
		default:
			b.WriteString(run)
		}
		prev, prevEnd = d, j
		i = j
	}
	return b.String()
}
