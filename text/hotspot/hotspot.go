// Package hotspot finds hot spots (热点): groups of requests about the same
// matter — the same topic, usually at the same place — that arrive within a
// rolling window, ranked by how many there are, how fast they grow and how
// many different people raise them, so that leaders can act before more
// people call (未诉先办).
//
// Detect is a pure function over a slice of requests: the caller loads the
// requests of the window and the one before it (for growth) and shows the
// result on a board. Clustering is single-pass "leader" clustering over
// TF-IDF vectors of character bigrams, with an inverted index of each
// request's rarest bigrams to find the clusters worth comparing, so it
// runs in about linear time (BenchmarkDetect).
package hotspot

import (
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/minsheng/minsheng/text"
)

// Item is one request.
type Item struct {
	ID    int64
	Title string
	Body  string
	// Lat, Lng: the point, when known (0, 0 means unknown).
	Lat, Lng float64
	At       time.Time
	// Caller identifies who asked (a phone number or an account), for
	// counting distinct people; "" when unknown.
	Caller string
}

// Config tunes detection. Start from DefaultConfig.
type Config struct {
	Window    time.Duration // the rolling window that is ranked
	Threshold float64       // least cosine similarity to join a cluster
	MinCount  int           // least requests in the window for a hot spot
	Keywords  int           // rarest bigrams per request used to find clusters
	Samples   int           // sample requests per hot spot
	Limit     int           // characters read per request
}

// DefaultConfig returns the settings used on hotspot.csv (docs/text.md).
func DefaultConfig() Config {
	return Config{Window: 30 * 24 * time.Hour, Threshold: 0.2, MinCount: 3, Keywords: 12, Samples: 5, Limit: 1000}
}

// Spot is one hot spot.
type Spot struct {
	// Title is the title of the request closest to the cluster's centre.
	Title string `json:"title"`
	// Terms are the words and phrases that characterise the cluster most,
	// grown from the bigrams its members share.
	Terms []string `json:"terms"`
	// Count is the number of requests in the window; Previous in the
	// window of the same length before it.
	Count    int `json:"count"`
	Previous int `json:"previous"`
	// Growth is (Count − Previous) / max(Previous, 1).
	Growth float64 `json:"growth"`
	// Callers is the number of distinct callers in the window (requests
	// without a caller count as distinct); Places the number of distinct
	// ~1 km cells of those with a point.
	Callers int `json:"callers"`
	Places  int `json:"places"`
	// Trend counts the window's requests per day, oldest first.
	Trend []int `json:"trend"`
	// Samples are ids of requests in the window, the most typical first.
	Samples []int64 `json:"samples"`
	// Members are the ids of all the requests in the window, the most
	// typical first, for the caller to show where they come from.
	Members []int64 `json:"-"`
	// Score orders the board: volume, weighted up by growth and by how
	// many different people are affected.
	Score float64 `json:"score"`
}

// titleWeight multiplies the weight of title bigrams.
const titleWeight = 3

type vec struct {
	h []uint64
	w []float64
}

type cluster struct {
	centroid map[uint64]float64
	members  []int
}

// Detect returns the hot spots among items as of now: clusters with at
// least MinCount requests in (now−Window, now], best first. Items outside
// (now−2·Window, now] are ignored; those in the earlier window count only
// towards Previous.
func Detect(items []Item, now time.Time, cfg Config) []Spot {
	d := DefaultConfig()
	if cfg.Window <= 0 {
		cfg.Window = d.Window
	}
	if cfg.Threshold <= 0 {
		cfg.Threshold = d.Threshold
	}
	if cfg.MinCount <= 0 {
		cfg.MinCount = d.MinCount
	}
	if cfg.Keywords <= 0 {
		cfg.Keywords = d.Keywords
	}
	if cfg.Samples <= 0 {
		cfg.Samples = d.Samples
	}
	if cfg.Limit <= 0 {
		cfg.Limit = d.Limit
	}
	start, prevStart := now.Add(-cfg.Window), now.Add(-2*cfg.Window)
	var use []Item
	for _, it := range items {
		if it.At.After(prevStart) && !it.At.After(now) {
			use = append(use, it)
		}
	}
	sort.SliceStable(use, func(i, j int) bool { return use[i].At.Before(use[j].At) })

	// Bigram sets and document frequencies.
	names := map[uint64]string{}
	sets := make([][]uint64, len(use))
	tw := make([]map[uint64]bool, len(use)) // bigrams of the title
	df := map[uint64]int{}
	for i, it := range use {
		title := bigrams(it.Title, cfg.Limit, names)
		tw[i] = make(map[uint64]bool, len(title))
		for _, h := range title {
			tw[i][h] = true
		}
		sets[i] = title
		for _, h := range bigrams(it.Body, cfg.Limit, names) {
			if !tw[i][h] {
				sets[i] = append(sets[i], h)
			}
		}
		for _, h := range sets[i] {
			df[h]++
		}
	}
	n := float64(len(use))
	vecs := make([]vec, len(use))
	keys := make([][]uint64, len(use))
	for i, s := range sets {
		v := vec{h: s, w: make([]float64, len(s))}
		var norm float64
		for k, h := range s {
			// Bigrams in most requests ("请问", "小区") say little.
			w := math.Log(1 + n/float64(df[h]))
			if tw[i][h] {
				// The title names the matter; the body tells a story.
				w *= titleWeight
			}
			v.w[k] = w
			norm += w * w
		}
		norm = math.Sqrt(norm)
		for k := range v.w {
			v.w[k] /= norm
		}
		vecs[i] = v
		// Keywords: the rarest bigrams that another request also has.
		ks := slices.Clone(s)
		ks = slices.DeleteFunc(ks, func(h uint64) bool { return df[h] < 2 })
		slices.SortFunc(ks, func(a, b uint64) int { return df[a] - df[b] })
		keys[i] = ks[:min(len(ks), cfg.Keywords)]
	}

	// Leader clustering in time order.
	var cls []*cluster
	byKey := map[uint64][]int{} // keyword → clusters
	for i, v := range vecs {
		best, bestSim := -1, cfg.Threshold
		seen := map[int]bool{}
		for _, k := range keys[i] {
			for _, c := range byKey[k] {
				if seen[c] {
					continue
				}
				seen[c] = true
				if s := cosine(v, cls[c].centroid); s >= bestSim {
					best, bestSim = c, s
				}
			}
		}
		if best < 0 {
			best = len(cls)
			cls = append(cls, &cluster{centroid: map[uint64]float64{}})
		}
		c := cls[best]
		c.members = append(c.members, i)
		for k, h := range v.h {
			c.centroid[h] += v.w[k]
		}
		normalise(c.centroid)
		for _, k := range keys[i] {
			if l := byKey[k]; len(l) == 0 || l[len(l)-1] != best {
				byKey[k] = append(l, best)
			}
		}
	}

	cls = merge(cls, cfg.Threshold)

	var spots []Spot
	days := int(math.Ceil(cfg.Window.Hours() / 24))
	for _, c := range cls {
		var in []int
		prev := 0
		for _, m := range c.members {
			if use[m].At.After(start) {
				in = append(in, m)
			} else {
				prev++
			}
		}
		if len(in) < cfg.MinCount {
			continue
		}
		sp := Spot{Count: len(in), Previous: prev, Trend: make([]int, days)}
		sp.Growth = float64(sp.Count-prev) / float64(max(prev, 1))
		callers, cells := map[string]bool{}, map[[2]int]bool{}
		for _, m := range in {
			it := use[m]
			if it.Caller != "" {
				callers[it.Caller] = true
			} else {
				callers["#"+strconv.Itoa(m)] = true
			}
			if it.Lat != 0 || it.Lng != 0 {
				cells[[2]int{int(math.Floor(it.Lat * 100)), int(math.Floor(it.Lng * 100))}] = true
			}
			day := int(it.At.Sub(start).Hours() / 24)
			sp.Trend[min(max(day, 0), days-1)]++
		}
		sp.Callers, sp.Places = len(callers), len(cells)
		// Most typical first: by similarity to the centre.
		slices.SortStableFunc(in, func(a, b int) int {
			sa, sb := cosine(vecs[a], c.centroid), cosine(vecs[b], c.centroid)
			switch {
			case sa > sb:
				return -1
			case sa < sb:
				return 1
			}
			return 0
		})
		sp.Title = use[in[0]].Title
		if sp.Title == "" {
			sp.Title = text.Cut(use[in[0]].Body, 40)
		}
		sp.Members = make([]int64, len(in))
		for k, m := range in {
			sp.Members[k] = use[m].ID
		}
		sp.Samples = sp.Members[:min(len(in), cfg.Samples):min(len(in), cfg.Samples)]
		sp.Terms = topTerms(in, use, sets, tw, df, n, names, 5, cfg.Limit)
		sp.Score = float64(sp.Count) * (1 + min(max(sp.Growth, 0), 3)/3) * (0.5 + 0.5*float64(sp.Callers)/float64(sp.Count))
		spots = append(spots, sp)
	}
	slices.SortStableFunc(spots, func(a, b Spot) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return b.Count - a.Count
	})
	return spots
}

// bigrams returns the distinct hashes of the adjacent Han pairs and the
// words of s, recording their text in names.
func bigrams(s string, limit int, names map[uint64]string) []uint64 {
	var out []uint64
	seen := map[uint64]bool{}
	var prev text.Unit
	text.Scan(s, limit, func(u text.Unit) {
		var h uint64
		var name string
		switch {
		case u.Kind == text.Han && !u.Break && prev.Kind == text.Han:
			h, name = text.Combine(prev.Hash, u.Hash), prev.Text+u.Text
		case u.Kind == text.Word:
			h, name = u.Hash, text.FoldString(u.Text)
		}
		prev = u
		if name == "" || seen[h] {
			return
		}
		seen[h] = true
		out = append(out, h)
		if _, ok := names[h]; !ok {
			names[h] = strings.Clone(name)
		}
	})
	return out
}

func cosine(v vec, c map[uint64]float64) float64 {
	var s float64
	for k, h := range v.h {
		s += v.w[k] * c[h]
	}
	return s
}

func normalise(c map[uint64]float64) {
	var norm float64
	for _, w := range c {
		norm += w * w
	}
	norm = math.Sqrt(norm)
	if norm == 0 {
		return
	}
	for h, w := range c {
		c[h] = w / norm
	}
}

// topTerms returns the k words of the matter that most members share (a
// place, a company, what is wrong) rather than of any one message: the
// bigrams most members share (rankBigrams), each grown into the phrase it
// stands in (grow), so the board shows 鑫盛装饰 and 暖气不热 instead of their
// pieces 盛装 and 气不. A bigram that is only a piece of a longer phrase the
// texts are too few to confirm is left out rather than shown broken.
func topTerms(members []int, use []Item, sets [][]uint64, title []map[uint64]bool, df map[uint64]int, n float64, names map[uint64]string, k, limit int) []string {
	// Each distinct text once: a message sent again by the same person
	// must not make its whole sentence look like a name.
	seen := map[string]bool{}
	var texts [][]text.Unit
	for _, m := range members {
		for _, s := range []string{use[m].Title, use[m].Body} {
			if s == "" || seen[s] {
				continue
			}
			seen[s] = true
			var us []text.Unit
			text.Scan(s, limit, func(u text.Unit) { us = append(us, u) })
			texts = append(texts, us)
		}
	}
	var out []string
	for _, h := range rankBigrams(members, sets, title, df, n, names, 4*k) {
		term, ok := grow(names[h], texts)
		if !ok || slices.ContainsFunc(out, func(o string) bool { return strings.Contains(o, term) || overlaps(o, term) }) {
			continue
		}
		// A longer phrase replaces the pieces of it already chosen.
		out = slices.DeleteFunc(out, func(o string) bool { return strings.Contains(term, o) })
		out = append(out, term)
		if len(out) == k {
			break
		}
	}
	return out
}

// Growing a bigram into its phrase: a neighbouring character joins when
// at least growShare of the phrase's occurrences have it and growMin
// occurrences remain, up to growMax characters.
const (
	growShare = 0.8
	growMin   = 3
	growMax   = 8
)

// edgeChars are characters that neither begin nor end a term: particles,
// negations and conjunctions that stand beside many words (暖气不 stays 暖气).
const edgeChars = "的了是在有和与及或不没很也都就还被把从对向给等又再只"

// grow returns the phrase that the bigram (or word) term stands in across
// the texts: it adds the character before or after while nearly every
// occurrence has the same one. ok is false when the phrase is still a
// piece of something longer — a neighbour is fixed but the occurrences
// are too few to go on, or the phrase reached growMax (a sentence, not a
// term) — when it stands in one distinct text only, or when only edge
// characters remain. Words of letters or
// digits are returned as they are.
func grow(term string, texts [][]text.Unit) (phrase string, ok bool) {
	rs := []rune(term)
	if len(rs) != 2 || rs[0] < 0x2E80 {
		return term, true
	}
	type occ struct{ t, from, to int } // texts[t][from:to]
	var occs []occ
	for t, us := range texts {
		for i := 1; i < len(us); i++ {
			if us[i].Kind == text.Han && us[i-1].Kind == text.Han && !us[i].Break && us[i-1].Text+us[i].Text == term {
				occs = append(occs, occ{t, i - 1, i + 1})
			}
		}
	}
	// fixed returns the character beside every occurrence but a few, on
	// the left or the right; "" when there is none.
	fixed := func(left bool) string {
		next := map[string]int{}
		for _, o := range occs {
			us := texts[o.t]
			// A neighbour is a character or a word of letters or digits
			// (A市, 5G基站), never across a break.
			if left && o.from > 0 && !us[o.from].Break {
				next[us[o.from-1].Text]++
			} else if !left && o.to < len(us) && !us[o.to].Break {
				next[us[o.to].Text]++
			}
		}
		best, most := "", 0
		for c, n := range next {
			if n > most || n == most && c < best {
				best, most = c, n
			}
		}
		if len(occs) < 2 || best == "" || strings.Contains(edgeChars, best) || float64(most) < growShare*float64(len(occs)) {
			return ""
		}
		return best
	}
	if len(occs) < 2 {
		return "", false // in one text only: nothing says where it begins or ends
	}
	phrase = term
	for {
		c, left := fixed(true), true
		if c == "" {
			c, left = fixed(false), false
		}
		if c == "" {
			break // both ends open: a whole phrase
		}
		if len(occs) < growMin || utf8.RuneCountInString(phrase) >= growMax {
			return "", false
		}
		kept := occs[:0]
		for _, o := range occs {
			us := texts[o.t]
			if left && o.from > 0 && !us[o.from].Break && us[o.from-1].Text == c {
				kept = append(kept, occ{o.t, o.from - 1, o.to})
			} else if !left && o.to < len(us) && !us[o.to].Break && us[o.to].Text == c {
				kept = append(kept, occ{o.t, o.from, o.to + 1})
			}
		}
		occs = kept
		if left {
			phrase = c + phrase
		} else {
			phrase += c
		}
	}
	phrase = trimEdges(phrase)
	return phrase, phrase != ""
}

// overlaps reports whether the end of one phrase is the start of the
// other over at least two characters (市伊景园 and 伊景园滨河苑): the same
// name cut in two places.
func overlaps(a, b string) bool {
	for _, p := range [][2]string{{a, b}, {b, a}} {
		x, y := []rune(p[0]), []rune(p[1])
		for k := min(len(x), len(y)) - 1; k >= 2; k-- {
			if string(x[len(x)-k:]) == string(y[:k]) {
				return true
			}
		}
	}
	return false
}

// trimEdges removes edge characters from both ends of a Han phrase; "" when
// fewer than two characters remain.
func trimEdges(phrase string) string {
	r := []rune(phrase)
	for len(r) > 0 && strings.ContainsRune(edgeChars, r[0]) {
		r = r[1:]
	}
	for len(r) > 0 && strings.ContainsRune(edgeChars, r[len(r)-1]) {
		r = r[:len(r)-1]
	}
	if len(r) < 2 {
		return ""
	}
	return string(r)
}

// rankBigrams returns the k bigrams that most members share (in their
// titles counting more), weighted by how rare they are overall.
func rankBigrams(members []int, sets [][]uint64, title []map[uint64]bool, df map[uint64]int, n float64, names map[uint64]string, k int) []uint64 {
	count := map[uint64]int{}
	weight := map[uint64]float64{}
	for _, m := range members {
		for _, h := range sets[m] {
			count[h]++
			weight[h]++
			if title[m][h] {
				weight[h] += titleWeight - 1
			}
		}
	}
	score := func(h uint64) float64 { return weight[h] * math.Log(1+n/float64(df[h])) }
	var hs []uint64
	for h, c := range count {
		if c*2 >= len(members) || c >= 3 {
			hs = append(hs, h)
		}
	}
	slices.SortFunc(hs, func(a, b uint64) int {
		switch sa, sb := score(a), score(b); {
		case sa > sb:
			return -1
		case sa < sb:
			return 1
		}
		return strings.Compare(names[a], names[b])
	})
	return hs[:min(k, len(hs))]
}

// merge joins clusters whose centres are at least threshold alike: the
// single pass splits a matter among the clusters its first requests
// started, and their centres, averaged over several requests, match
// better than any one request does. Clusters are compared when they share
// one of their centres' heaviest bigrams; two rounds suffice in practice.
func merge(cls []*cluster, threshold float64) []*cluster {
	for range 2 {
		byTerm := map[uint64][]int{}
		heavy := make([][]uint64, len(cls))
		flat := make([]vec, len(cls))
		for i, c := range cls {
			flat[i] = sorted(c.centroid)
			heavy[i] = heaviest(c.centroid, 20)
			for _, h := range heavy[i] {
				byTerm[h] = append(byTerm[h], i)
			}
		}
		parent := make([]int, len(cls))
		for i := range parent {
			parent[i] = i
		}
		var find func(int) int
		find = func(i int) int {
			for parent[i] != i {
				parent[i] = parent[parent[i]]
				i = parent[i]
			}
			return i
		}
		merged := false
		for i := range cls {
			seen := map[int]bool{}
			for _, h := range heavy[i] {
				if len(byTerm[h]) > maxPosting {
					continue // a term this common says nothing about the matter
				}
				for _, j := range byTerm[h] {
					if j <= i || seen[j] {
						continue
					}
					seen[j] = true
					if find(i) != find(j) && dot(flat[i], flat[j]) >= threshold {
						parent[find(j)] = find(i)
						merged = true
					}
				}
			}
		}
		if !merged {
			return cls
		}
		groups := map[int]*cluster{}
		var out []*cluster
		for i, c := range cls {
			r := find(i)
			g, ok := groups[r]
			if !ok {
				g = &cluster{centroid: map[uint64]float64{}}
				groups[r] = g
				out = append(out, g)
			}
			// Centres weighted by size, so the sum is the members' sum.
			for h, w := range c.centroid {
				g.centroid[h] += w * float64(len(c.members))
			}
			g.members = append(g.members, c.members...)
		}
		for _, g := range out {
			normalise(g.centroid)
			slices.Sort(g.members)
		}
		cls = out
	}
	return cls
}

// maxPosting: a bigram heavy in more clusters than this is not used to
// pair them.
const maxPosting = 100

func heaviest(c map[uint64]float64, k int) []uint64 {
	// Keep the k heaviest in a small sorted buffer: centroids of big
	// clusters have thousands of terms.
	type hw struct {
		h uint64
		w float64
	}
	top := make([]hw, 0, k+1)
	for h, w := range c {
		if len(top) == k && (w < top[k-1].w || w == top[k-1].w && h > top[k-1].h) {
			continue
		}
		i := len(top)
		for i > 0 && (top[i-1].w < w || top[i-1].w == w && top[i-1].h > h) {
			i--
		}
		top = slices.Insert(top, i, hw{h, w})
		if len(top) > k {
			top = top[:k]
		}
	}
	out := make([]uint64, len(top))
	for i, x := range top {
		out[i] = x.h
	}
	return out
}

// sorted returns the centroid as a vector sorted by hash.
func sorted(c map[uint64]float64) vec {
	v := vec{h: make([]uint64, 0, len(c))}
	for h := range c {
		v.h = append(v.h, h)
	}
	slices.Sort(v.h)
	v.w = make([]float64, len(v.h))
	for k, h := range v.h {
		v.w[k] = c[h]
	}
	return v
}

// dot is the dot product of two hash-sorted vectors.
func dot(a, b vec) float64 {
	var s float64
	for i, j := 0, 0; i < len(a.h) && j < len(b.h); {
		switch {
		case a.h[i] < b.h[j]:
			i++
		case a.h[i] > b.h[j]:
			j++
		default:
			s += a.w[i] * b.w[j]
			i++
			j++
		}
	}
	return s
}
