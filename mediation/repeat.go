package mediation

import (
	"strings"
	"time"
	"unicode"
)

// RepeatWindow is how far back a dispute counts as a repeat of an earlier
// one at the same address or between the same people.
const RepeatWindow = 365 * 24 * time.Hour

// Prior is an earlier case as repeat detection reads it.
type Prior struct {
	CaseID       int64
	Number       string
	RegisteredAt time.Time
	Address      string
	Parties      []PartyKey
}

// PartyKey identifies a party for repeat detection: a phone or an ID
// number (names alone are too often shared).
type PartyKey struct {
	Phone    string
	IDNumber string
}

// Repeat is an earlier case a new one repeats, and why.
type Repeat struct {
	CaseID  int64  `json:"case_id,string"`
	Number  string `json:"number"`
	Address bool   `json:"same_address"`
	Party   bool   `json:"same_party"`
}

// NormalizeAddress reduces an address to what compares: no spaces or
// punctuation, full-width digits and letters as ASCII, lower case.
func NormalizeAddress(a string) string {
	var b strings.Builder
	for _, r := range a {
		switch {
		case r >= '０' && r <= '９':
			b.WriteRune('0' + (r - '０'))
		case r >= 'Ａ' && r <= 'Ｚ':
			b.WriteRune('a' + (r - 'Ａ'))
		case r >= 'ａ' && r <= 'ｚ':
			b.WriteRune('a' + (r - 'ａ'))
		case unicode.IsSpace(r) || unicode.IsPunct(r) || r == '－' || r == '—':
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// FindRepeats returns the earlier cases that the new one (registered at
// at, at the address, between the parties) repeats: registered within
// RepeatWindow before at, at the same address (normalized, at least 6
// characters so that "小区" alone matches nothing) or sharing a party's phone
// or ID number. Newest first, as priors are given newest first.
func FindRepeats(at time.Time, address string, parties []PartyKey, priors []Prior) []Repeat {
	addr := NormalizeAddress(address)
	var out []Repeat
	for _, p := range priors {
		if !p.RegisteredAt.Before(at) || at.Sub(p.RegisteredAt) > RepeatWindow {
			continue
		}
		r := Repeat{CaseID: p.CaseID, Number: p.Number}
		r.Address = len([]rune(addr)) >= 6 && NormalizeAddress(p.Address) == addr
		r.Party = shareParty(parties, p.Parties)
		if r.Address || r.Party {
			out = append(out, r)
		}
	}
	return out
}

func shareParty(a, b []PartyKey) bool {
	for _, x := range a {
		for _, y := range b {
			if (x.Phone != "" && x.Phone == y.Phone) || (x.IDNumber != "" && x.IDNumber == y.IDNumber) {
				return true
			}
		}
	}
	return false
}
