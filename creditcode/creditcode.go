// Package creditcode checks the 统一社会信用代码 (unified social credit
// code, GB 32100-2015) that identifies every business and organisation in
// China: 18 characters, the last a check character computed from the
// first 17. Employers in job matching and businesses in finance matching
// are registered by it. No I/O.
package creditcode

import "strings"

// chars are the characters of a code in the order of their values 0..30:
// the digits and the capital letters but I, O, S, V and Z.
const chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// weights are the weights of the first 17 characters (3^i mod 31).
var weights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// Normalize removes spaces from a code and writes it in capitals, as
// printed on a business licence.
func Normalize(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// Check returns the check character for the first 17 characters of a
// code, and false if they are not 17 characters of the code's alphabet.
func Check(first17 string) (byte, bool) {
	if len(first17) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(chars, first17[i])
		if v < 0 {
			return 0, false
		}
		sum += v * weights[i]
	}
	return chars[(31-sum%31)%31], true
}

// Valid reports whether s (normalized) is a well-formed code: 18
// characters of the alphabet whose last is the check character of the
// first 17.
func Valid(s string) bool {
	if len(s) != 18 {
		return false
	}
	c, ok := Check(s[:17])
	return ok && s[17] == c
}

// WithCheck returns the 17 characters of a code's body followed by their
// check character, or "" if the body is not 17 characters of the
// alphabet: the demo makes its codes with it.
func WithCheck(body string) string {
	c, ok := Check(body)
	if !ok {
		return ""
	}
	return body + string(c)
}
