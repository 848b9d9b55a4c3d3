// Package text turns Chinese (and mixed-script) citizen messages into the
// units that search, the dispatch classifier, the duplicate finder and the
// hot-spot detector work on. Chinese has no spaces, so every Han character
// is a unit; a run of Latin letters and digits (a word, a number, a place
// code such as "A3") is one unit; everything else — punctuation, symbols,
// emoji, spaces — only separates units. Full-width forms are folded to
// half-width and letters to lower case first, so "ＡＢＣ１２３" and "abc123"
// are the same word.
//
// The package does no I/O and keeps no state: every function is safe for
// concurrent use. Text longer than the limit is cut, never rejected.
package text

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// DefaultLimit is the number of characters read from a text by the
// functions that take no limit: about 10 pages, far more than any real
// message, and small enough that a pasted book cannot stall a request.
const DefaultLimit = 10000

// Kind tells what a unit is.
type Kind uint8

// Kinds of unit.
const (
	Han  Kind = iota + 1 // one CJK character (Han, kana or Hangul)
	Word                 // a run of letters and digits containing a letter
	Num                  // a run of digits
)

// Unit is one unit of a text, as Scan reports it.
type Unit struct {
	// Hash identifies the folded unit: equal units have equal hashes.
	Hash uint64
	Kind Kind
	// Break is true when the unit does not follow the previous one directly
	// (punctuation, space or the start of the text lies between them).
	// N-grams are not formed across a break.
	Break bool
	// Text is the unit as it stands in the input (not folded).
	Text string
}

// Fold maps a full-width form to its half-width twin (Ａ→A, １→1, ！→!,
// ideographic space → space) and letters to lower case.
func Fold(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		r -= 0xFEE0
	case r == 0x3000:
		return ' '
	}
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}
	if 0x3000 <= r && r <= 0x9FFF { // CJK punctuation, kana, ideographs: no case
		return r
	}
	return unicode.ToLower(r)
}

// IsCJK reports whether r is a character that stands as a unit on its own.
func IsCJK(r rune) bool {
	if r < 0x2E80 {
		return false
	}
	if 0x4E00 <= r && r <= 0x9FFF { // CJK Unified Ideographs: nearly all of Chinese text
		return true
	}
	return unicode.Is(unicode.Han, r) || unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

func isAlnum(r rune) (letter, digit bool) {
	if r < utf8.RuneSelf {
		return ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z'), '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r), unicode.IsDigit(r)
}

// Hash mixing: splitmix64's finaliser, good enough to spread n-gram hashes
// over a hash table and stable across versions (models store them).
func mix(h uint64) uint64 {
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return h
}

// Combine returns the hash of the sequence (a, b) from the hashes of a and
// b; n-gram hashes are built with it.
func Combine(a, b uint64) uint64 { return mix(a*0x9e3779b97f4a7c15 ^ b) }

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// Scan calls fn for each unit of the first limit characters of s, in order.
// It allocates nothing.
func Scan(s string, limit int, fn func(Unit)) {
	brk := true
	n := 0
	i := 0
	for i < len(s) && n < limit {
		r, size := utf8.DecodeRuneInString(s[i:])
		n++
		f := Fold(r)
		if IsCJK(f) {
			fn(Unit{Hash: mix(uint64(f) | 1<<40), Kind: Han, Break: brk, Text: s[i : i+size]})
			brk = false
			i += size
			continue
		}
		letter, digit := isAlnum(f)
		if !letter && !digit {
			brk = true
			i += size
			continue
		}
		// A run of letters and digits: one unit.
		start := i
		h := uint64(fnvOffset)
		hasLetter := false
		for {
			hasLetter = hasLetter || letter
			h = (h ^ uint64(f)) * fnvPrime
			i += size
			if i >= len(s) || n >= limit {
				break
			}
			r, size = utf8.DecodeRuneInString(s[i:])
			f = Fold(r)
			if IsCJK(f) {
				break
			}
			letter, digit = isAlnum(f)
			if !letter && !digit {
				break
			}
			n++
		}
		k := Num
		if hasLetter {
			k = Word
		}
		fn(Unit{Hash: mix(h), Kind: k, Break: brk, Text: s[start:i]})
		brk = false
	}
}

// FoldString folds every character of s (see Fold).
func FoldString(s string) string { return strings.Map(Fold, s) }

// Tokens returns the search tokens of s: each Han character, each pair of
// adjacent Han characters, and each word or number, folded, in order of
// appearance. A query is matched by requiring all of its tokens (or, for
// ranking, its bigrams); indexing both unigrams and bigrams lets one-
// character queries find something and longer ones find the right thing.
func Tokens(s string) []string {
	var out []string
	var prev string // previous Han character when adjacent
	Scan(s, DefaultLimit, func(u Unit) {
		switch u.Kind {
		case Han:
			c := FoldString(u.Text)
			if !u.Break && prev != "" {
				out = append(out, prev+c)
			}
			out = append(out, c)
			prev = c
		default:
			out = append(out, FoldString(u.Text))
			prev = ""
		}
	})
	return out
}

// Terms returns Tokens(s) joined by spaces: the form a full-text index that
// splits on spaces (SQLite FTS5 with the unicode61 tokenizer, PostgreSQL
// to_tsvector('simple', …)) stores and queries.
func Terms(s string) string { return strings.Join(Tokens(s), " ") }

// Cut returns s cut to at most limit characters (runes), on a character
// boundary.
func Cut(s string, limit int) string {
	if limit <= 0 {
		return ""
	}
	n := 0
	for i := range s {
		if n == limit {
			return s[:i]
		}
		n++
	}
	return s
}

// Shingles returns the distinct hashes of the k-unit shingles of s (k
// consecutive units, not across a break), at most limit characters read.
// A text shorter than k units in every stretch gives its longest stretches
// as shingles, so that short texts still have something to compare.
func Shingles(s string, k, limit int) []uint64 {
	if k < 1 {
		k = 1
	}
	var out []uint64
	seen := make(map[uint64]struct{})
	add := func(h uint64) {
		if _, ok := seen[h]; !ok {
			seen[h] = struct{}{}
			out = append(out, h)
		}
	}
	win := make([]uint64, 0, k)
	flush := func() {
		// A stretch shorter than k: use it whole.
		if len(win) > 0 && len(win) < k {
			h := win[0]
			for _, x := range win[1:] {
				h = Combine(h, x)
			}
			add(h)
		}
	}
	run := 0
	Scan(s, limit, func(u Unit) {
		if u.Break {
			if run < k {
				flush()
			}
			win = win[:0]
			run = 0
		}
		run++
		if len(win) == k {
			copy(win, win[1:])
			win = win[:k-1]
		}
		win = append(win, u.Hash)
		if len(win) == k {
			h := win[0]
			for _, x := range win[1:] {
				h = Combine(h, x)
			}
			add(h)
		}
	})
	if run < k {
		flush()
	}
	return out
}
