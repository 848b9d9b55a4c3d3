package classify

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/minsheng/minsheng/text/dedup"
)

// NearDuplicateText is the least estimated Jaccard similarity of two
// messages' character-pair shingles for them to count as the same message
// (a resident posting again, a template several people filled in): such
// messages are kept on one side of a split.
const NearDuplicateText = 0.5

// Groups assigns each example a group: messages whose texts are near
// duplicates (NearDuplicateText), directly or through others, share one.
// It returns the group of each example, numbered from 0.
func Groups(examples []Example) []int {
	cfg := dedup.DefaultConfig()
	cfg.MinScore = 0 // the text similarity alone decides, below
	cfg.Window = math.MaxInt64
	ix := dedup.NewIndex(cfg, len(examples))
	at := time.Unix(0, 0)
	texts := make([]string, len(examples))
	for i, e := range examples {
		texts[i] = e.Title + "\n" + e.Body
		ix.Add(int64(i+1), texts[i], dedup.NoPlace, dedup.NoPlace, at, "")
	}
	parent := make([]int, len(examples))
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
	for i := range examples {
		for _, c := range ix.Candidates(int64(i+1), texts[i], dedup.NoPlace, dedup.NoPlace, at, "", 50) {
			if c.Text >= NearDuplicateText {
				a, b := find(i), find(int(c.ID-1))
				if a != b {
					parent[a] = b
				}
			}
		}
	}
	ids := map[int]int{}
	out := make([]int, len(examples))
	for i := range examples {
		r := find(i)
		g, ok := ids[r]
		if !ok {
			g = len(ids)
			ids[r] = g
		}
		out[i] = g
	}
	return out
}

// GroupFolds splits the examples into k folds that never split a group:
// the groups are shuffled (seeded), then each, largest first, goes to the
// fold with the fewest examples so far. It returns the fold of each
// example.
func GroupFolds(groups []int, k int, seed uint64) []int {
	size := map[int]int{}
	for _, g := range groups {
		size[g]++
	}
	order := make([]int, 0, len(size))
	for g := range size {
		order = append(order, g)
	}
	slices.Sort(order)
	r := rand.New(rand.NewPCG(seed, 3))
	r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(size[b], size[a]) })
	foldOf := map[int]int{}
	load := make([]int, k)
	for _, g := range order {
		f := 0
		for i := range load {
			if load[i] < load[f] {
				f = i
			}
		}
		foldOf[g] = f
		load[f] += size[g]
	}
	out := make([]int, len(groups))
	for i, g := range groups {
		out[i] = foldOf[g]
	}
	return out
}
