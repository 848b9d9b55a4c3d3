package classify

import (
	"math"
	"unicode/utf8"

	"github.com/minsheng/minsheng/text"
)

// counter collects hashed n-gram counts of one document.
type counter struct {
	hs  []uint64
	ws  []float32
	run []uint64 // the Han run being cut into words
}

func (c *counter) reset() { c.hs, c.ws = c.hs[:0], c.ws[:0] }

func (c *counter) add(h uint64, w float32) {
	c.hs = append(c.hs, h)
	c.ws = append(c.ws, w)
}

// grams adds the 1..maxN-gram hashes of s to c, each with weight w. Digit runs are replaced by their length class: which number
// a message quotes says nothing about who should handle it, that it quotes
// a long one (a phone number, an id) may.
func grams(c *counter, s string, limit, maxN int, w float32) {
	var win [8]uint64
	n := 0
	text.Scan(s, limit, func(u text.Unit) {
		h := u.Hash
		if u.Kind == text.Num {
			l := utf8.RuneCountInString(u.Text)
			if l > 6 {
				l = 6
			}
			h = text.Combine(0xd161, uint64(l))
		}
		if u.Break {
			n = 0
		}
		copy(win[1:maxN], win[:maxN-1])
		win[0] = h
		if n < maxN {
			n++
		}
		g := h
		c.add(g, w)
		for k := 1; k < n; k++ {
			g = text.Combine(win[k], g)
			c.add(g, w)
		}
	})
}

// extract turns a message into hashed n-gram and word weights (raw
// counts, title counts multiplied by the title weight).
func (m *Model) extract(c *counter, title, body string) {
	o := &m.opt
	c.reset()
	grams(c, title, o.Limit, o.MaxN, float32(o.TitleWeight))
	grams(c, body, o.Limit, o.MaxN, 1)
	m.addWords(c, title, float32(o.TitleWeight))
	m.addWords(c, body, 1)
}

// sparse is a document as feature indexes (each once, in no particular
// order) and values.
type sparse struct {
	idx []int32
	val []float32
}

// vectorizer turns counted hashes into feature vectors. Its slot array
// (one entry per feature, reset after each use) sums repeated features
// without sorting.
type vectorizer struct {
	slot []int32 // feature → 1 + position in the output, 0 if absent
}

// vectorize maps the counted hashes of c to feature indexes with t
// (unknown hashes dropped), sums equal features, applies sublinear tf ×
// idf and L2-normalises. It reuses dst's slices.
func (z *vectorizer) vectorize(c *counter, t *table, idf []float32, dst sparse) sparse {
	if len(z.slot) < len(idf) {
		z.slot = make([]int32, len(idf))
	}
	dst.idx, dst.val = dst.idx[:0], dst.val[:0]
	for i, h := range c.hs {
		j := t.get(h)
		if j < 0 {
			continue
		}
		if p := z.slot[j]; p > 0 {
			dst.val[p-1] += c.ws[i]
			continue
		}
		dst.idx = append(dst.idx, j)
		dst.val = append(dst.val, c.ws[i])
		z.slot[j] = int32(len(dst.idx))
	}
	var norm float64
	for k, j := range dst.idx {
		z.slot[j] = 0
		tf := dst.val[k]
		v := tf * idf[j]
		if tf > 1 {
			v = (1 + float32(math.Log(float64(tf)))) * idf[j]
		}
		dst.val[k] = v
		norm += float64(v) * float64(v)
	}
	if norm > 0 {
		inv := float32(1 / math.Sqrt(norm))
		for k := range dst.val {
			dst.val[k] *= inv
		}
	}
	return dst
}
