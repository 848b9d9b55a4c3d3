package finance

import "strings"

// creditCodeChars are the characters of a 统一社会信用代码 (GB 32100-2015) in
// the order of their values 0..30: the digits and the capital letters but
// I, O, S, V and Z.
const creditCodeChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditCodeWeights are the weights of the first 17 characters.
var creditCodeWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// NormalizeCreditCode trims a credit code and writes it in capitals, as
// printed on a business licence.
func NormalizeCreditCode(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// CreditCodeCheck returns the check character for the first 17
// characters of a credit code, and false if they hold a character a code
// may not hold.
func CreditCodeCheck(first17 string) (byte, bool) {
	if len(first17) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(creditCodeChars, first17[i])
		if v < 0 {
			return 0, false
		}
		sum += v * creditCodeWeights[i]
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return creditCodeChars[c], true
}

// ValidCreditCode reports whether s (normalized) is a well-formed
// 统一社会信用代码: 18 characters of the code's alphabet whose last is the
// check character of the first 17 (GB 32100-2015).
func ValidCreditCode(s string) bool {
	if len(s) != 18 {
		return false
	}
	c, ok := CreditCodeCheck(s[:17])
	return ok && s[17] == c
}
