package classify

// table maps feature hashes to dense indexes with open addressing: one
// probe sequence over two flat arrays is several times faster than a Go
// map for the few hundred look-ups of each message.
type table struct {
	keys []uint64 // 0 marks an empty slot
	vals []int32
	mask uint64
}

// zeroKey stands in for the hash 0, which marks empty slots.
const zeroKey = 0x9e3779b97f4a7c15

func newTable(keys []uint64) table {
	size := 16
	for size < len(keys)*2 {
		size *= 2
	}
	t := table{keys: make([]uint64, size), vals: make([]int32, size), mask: uint64(size - 1)}
	for i, k := range keys {
		if k == 0 {
			k = zeroKey
		}
		p := k & t.mask
		for t.keys[p] != 0 {
			p = (p + 1) & t.mask
		}
		t.keys[p] = k
		t.vals[p] = int32(i)
	}
	return t
}

// get returns the index of hash h, or −1.
func (t *table) get(h uint64) int32 {
	if h == 0 {
		h = zeroKey
	}
	p := h & t.mask
	for {
		k := t.keys[p]
		if k == h {
			return t.vals[p]
		}
		if k == 0 {
			return -1
		}
		p = (p + 1) & t.mask
	}
}
