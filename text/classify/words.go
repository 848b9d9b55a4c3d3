package classify

import (
	"math"
	"slices"

	"github.com/minsheng/minsheng/text"
)

// Word features. Chinese is written without spaces, and the character
// n-grams see at most three characters at a time. Words are found in the
// training text itself, with no dictionary: a run of two to WordLen
// characters is a word when it occurs often enough (WordMinFreq), when its
// characters stick together far more than chance would put them side by
// side (cohesion: for every way of cutting it in two, how much more often
// the whole occurs than the two parts would meet at random), and when it
// stands beside many different characters on both sides (boundary
// entropy: "物业公" is always followed by "司", so it is a piece of a word,
// not one). A message is then cut into words by forward maximum matching
// against that lexicon; its features are its words of two characters or
// more and each pair of adjacent words, which spans up to twice WordLen
// characters: "小区 物业", "拖欠 工资".

// Salts keep word features apart from the character n-grams of the same
// characters.
const (
	saltWord   = 0x3f1d_7a11
	saltWordBi = 0x3f1d_7a12
)

// wordBoundary stands for the start or end of a run as a neighbour.
const wordBoundary = 0

// hanRuns calls fn with the unit hashes of each run of Han characters of
// s (runs end at punctuation, spaces, letters and digits). It reuses buf
// and returns it.
func hanRuns(s string, limit int, buf []uint64, fn func([]uint64)) []uint64 {
	buf = buf[:0]
	text.Scan(s, limit, func(u text.Unit) {
		if (u.Break || u.Kind != text.Han) && len(buf) > 0 {
			fn(buf)
			buf = buf[:0]
		}
		if u.Kind == text.Han {
			buf = append(buf, u.Hash)
		}
	})
	if len(buf) > 0 {
		fn(buf)
	}
	return buf
}

// seqHash is the hash of a sequence of units, the same as the n-gram
// hash grams gives it.
func seqHash(units []uint64) uint64 {
	h := units[len(units)-1]
	for j := len(units) - 2; j >= 0; j-- {
		h = text.Combine(units[j], h)
	}
	return h
}

// discoverWords returns the lexicon of the examples' text (see above), as
// sequence hashes, sorted.
func discoverWords(examples []Example, o *Options) []uint64 {
	maxLen := o.WordLen
	var buf []uint64
	each := func(fn func([]uint64)) {
		for _, e := range examples {
			if e.Label == "" {
				continue
			}
			buf = hanRuns(e.Title, o.Limit, buf, fn)
			buf = hanRuns(e.Body, o.Limit, buf, fn)
		}
	}
	// Pass 1: how often each sequence of 1..maxLen characters occurs.
	count := map[uint64]int32{}
	total := 0
	each(func(run []uint64) {
		total += len(run)
		for j := range run {
			g := run[j]
			count[g]++
			for k := 1; k < maxLen && j-k >= 0; k++ {
				g = text.Combine(run[j-k], g)
				count[g]++
			}
		}
	})
	// Pass 2: the frequent sequences whose characters cohere; their
	// neighbours on each side.
	minFreq := int32(o.WordMinFreq)
	coheres := map[uint64]bool{}
	type sides struct{ left, right map[uint64]int32 }
	nb := map[uint64]*sides{}
	each(func(run []uint64) {
		for i := range run {
			for n := 2; n <= maxLen && i+n <= len(run); n++ {
				w := run[i : i+n]
				h := seqHash(w)
				if count[h] < minFreq {
					break // a longer sequence is rarer still
				}
				ok, seen := coheres[h]
				if !seen {
					ok = cohesion(w, count, total) >= o.WordCohesion
					coheres[h] = ok
				}
				if !ok {
					continue
				}
				s := nb[h]
				if s == nil {
					s = &sides{map[uint64]int32{}, map[uint64]int32{}}
					nb[h] = s
				}
				l, r := uint64(wordBoundary), uint64(wordBoundary)
				if i > 0 {
					l = run[i-1]
				}
				if i+n < len(run) {
					r = run[i+n]
				}
				s.left[l]++
				s.right[r]++
			}
		}
	})
	var words []uint64
	for h, s := range nb {
		if min(entropy(s.left), entropy(s.right)) >= o.WordEntropy {
			words = append(words, h)
		}
	}
	slices.Sort(words)
	return words
}

// cohesion is, over every cut of w into two parts, the least ratio of how
// often w occurs to how often its parts would meet by chance.
func cohesion(w []uint64, count map[uint64]int32, total int) float64 {
	c := float64(count[seqHash(w)]) * float64(total)
	least := math.Inf(1)
	for k := 1; k < len(w); k++ {
		a, b := float64(count[seqHash(w[:k])]), float64(count[seqHash(w[k:])])
		least = min(least, c/(a*b))
	}
	return least
}

// entropy is the entropy (in nats) of a word's neighbours on one side;
// each start or end of a run counts as a neighbour of its own.
func entropy(m map[uint64]int32) float64 {
	var n float64
	for _, c := range m {
		n += float64(c)
	}
	var e float64
	for h, c := range m {
		if h == wordBoundary {
			e += float64(c) / n * math.Log(n)
			continue
		}
		p := float64(c) / n
		e -= p * math.Log(p)
	}
	return e
}

// addWords adds the word features of s to c: the words of two characters or
// more, and each pair of adjacent words, found by forward maximum matching
// against the lexicon.
func (m *Model) addWords(c *counter, s string, w float32) {
	if m.lexicon == nil {
		return
	}
	maxLen := m.opt.WordLen
	c.run = hanRuns(s, m.opt.Limit, c.run, func(run []uint64) {
		var prev uint64
		for i := 0; i < len(run); {
			n := 1
			h := run[i]
			for l := min(maxLen, len(run)-i); l >= 2; l-- {
				if g := seqHash(run[i : i+l]); m.lexicon.get(g) >= 0 {
					n, h = l, g
					break
				}
			}
			if n > 1 {
				c.add(text.Combine(saltWord, h), w)
			}
			if i > 0 {
				c.add(text.Combine(saltWordBi, text.Combine(prev, h)), w)
			}
			prev = h
			i += n
		}
	})
}
