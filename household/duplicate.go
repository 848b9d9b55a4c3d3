package household

import (
	"slices"
	"strings"
	"unicode"

	"github.com/minsheng/minsheng/text"
)

// The registry refuses a person twice (the ID number is unique), so the
// duplicates it can still hold are the same person entered under a
// mistyped number, and the same household entered twice by two people.
// FindDuplicates looks for both among households that share a member's
// name: a pair of households is suggested when those members' ID numbers
// differ in one or two characters or name the same birth date, or when
// their addresses are alike (SameAddress).

// Reasons a pair of households is suggested.
const (
	DupIDNumber = "id_number" // a member of each, the same name, ID numbers one or two characters apart or the same birth date
	DupAddress  = "address"   // a member of each with the same name, and addresses alike
)

// Duplicate is a pair of households that may be one: A registered first.
type Duplicate struct {
	A       *Household `json:"a"`
	B       *Household `json:"b"`
	Reasons []string   `json:"reasons"`
	// Merging says a merge of the two is already requested.
	Merging bool `json:"merging"`
}

// AddressSimilarity is how alike two addresses must be (Dice coefficient
// of their character bigrams, once normalized) to count as the same.
const AddressSimilarity = 0.8

// maxNameBlock caps how many households sharing a name are compared
// pairwise (a very common name).
const maxNameBlock = 200

// FindDuplicates returns the likely duplicate pairs among households (not
// dissolved, with their members), the surest first.
func FindDuplicates(hs []*Household) []Duplicate {
	byName := map[string][]*Household{}
	for _, h := range hs {
		seen := map[string]bool{}
		for _, p := range h.Members {
			if !seen[p.Name] {
				seen[p.Name] = true
				byName[p.Name] = append(byName[p.Name], h)
			}
		}
	}
	type key struct{ a, b int64 }
	found := map[key]*Duplicate{}
	var order []key
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, name := range names {
		block := byName[name]
		if len(block) < 2 || len(block) > maxNameBlock {
			continue
		}
		for i, x := range block {
			for _, y := range block[i+1:] {
				a, b := x, y
				if b.ID < a.ID {
					a, b = b, a
				}
				k := key{a.ID, b.ID}
				var reasons []string
				if nearIDs(a, b, name) {
					reasons = append(reasons, DupIDNumber)
				}
				if SameAddress(a.Address, b.Address) {
					reasons = append(reasons, DupAddress)
				}
				if len(reasons) == 0 {
					continue
				}
				d := found[k]
				if d == nil {
					d = &Duplicate{A: a, B: b}
					found[k] = d
					order = append(order, k)
				}
				for _, r := range reasons {
					if !slices.Contains(d.Reasons, r) {
						d.Reasons = append(d.Reasons, r)
					}
				}
			}
		}
	}
	out := make([]Duplicate, 0, len(order))
	for _, k := range order {
		d := found[k]
		slices.Sort(d.Reasons)
		out = append(out, *d)
	}
	slices.SortStableFunc(out, func(x, y Duplicate) int {
		if len(x.Reasons) != len(y.Reasons) {
			return len(y.Reasons) - len(x.Reasons)
		}
		if x.A.ID != y.A.ID {
			return int(x.A.ID - y.A.ID)
		}
		return int(x.B.ID - y.B.ID)
	})
	return out
}

// nearIDs reports whether a member of a and one of b, both named name,
// have ID numbers one or two characters apart or the same birth date.
func nearIDs(a, b *Household, name string) bool {
	for _, p := range a.Members {
		if p.Name != name {
			continue
		}
		for _, q := range b.Members {
			if q.Name == name && NearIDNumbers(p.IDNumber, q.IDNumber) {
				return true
			}
		}
	}
	return false
}

// NearIDNumbers reports whether two ID numbers may be one person's: equal
// but for one or two characters (a typo, two digits swapped), or the same
// birth date (characters 7 to 14).
func NearIDNumbers(x, y string) bool {
	if len(x) != 18 || len(y) != 18 {
		return false
	}
	diff := 0
	for i := range 18 {
		if x[i] != y[i] {
			diff++
		}
	}
	return diff <= 2 || x[6:14] == y[6:14]
}

// NormalizeAddress puts an address in a form where the ways of writing
// the same place agree: half-width, no spaces or punctuation, 栋 and 幢
// as 号楼, without 室 and 号.
func NormalizeAddress(s string) string {
	s = text.FoldString(s)
	s = strings.NewReplacer("号楼", "#", "栋", "#", "幢", "#", "单元", "-", "室", "", "号", "", "之", "-").Replace(s)
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || (unicode.IsPunct(r) && r != '#' && r != '-') {
			return -1
		}
		return r
	}, s)
}

// SameAddress reports whether two addresses may be one place: alike
// (AddressDice at least AddressSimilarity) with the same numbers in the
// same order (so that flat 501 is not 502 of the same building).
func SameAddress(x, y string) bool {
	return slices.Equal(numbers(NormalizeAddress(x)), numbers(NormalizeAddress(y))) && AddressDice(x, y) >= AddressSimilarity
}

func numbers(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
}

// AddressDice is how alike two addresses are: the Dice coefficient of
// the character bigrams of their normalized forms (1: the same).
func AddressDice(x, y string) float64 {
	a, b := bigrams(NormalizeAddress(x)), bigrams(NormalizeAddress(y))
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	common := 0
	for g, n := range a {
		common += min(n, b[g])
	}
	total := 0
	for _, n := range a {
		total += n
	}
	for _, n := range b {
		total += n
	}
	return 2 * float64(common) / float64(total)
}

func bigrams(s string) map[string]int {
	r := []rune(s)
	out := map[string]int{}
	for i := 0; i+1 < len(r); i++ {
		out[string(r[i:i+2])]++
	}
	if len(r) == 1 {
		out[s]++
	}
	return out
}
