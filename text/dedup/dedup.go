// Package dedup finds open tickets that report the same thing as a new one
// (重复件): near-duplicate text, found through MinHash signatures over
// character shingles with locality-sensitive hashing (LSH banding), plus
// nearness in place and time and the same caller. Each candidate gets a
// score in [0, 1] with the reasons behind it, for the agent or dispatcher to
// confirm before merging.
//
// The Index keeps everything in memory, about 360 bytes per ticket, and
// answers a lookup in well under a millisecond at a million open tickets
// (BenchmarkCandidates). It is safe for concurrent use: lookups share a
// read lock, Add and Remove take the write lock. A server builds it from the
// open tickets at start and keeps it current as tickets open and close.
package dedup

import (
	"math"
	"slices"
	"sync"
	"time"

	"github.com/minsheng/minsheng/text"
)

// Config tunes the index. Start from DefaultConfig.
type Config struct {
	// Shingle is the number of units (characters or words) per shingle.
	Shingle int
	// Bands × Rows is the MinHash signature length; a pair of texts becomes
	// a candidate when all Rows values of some band agree, which happens
	// with probability 1−(1−J^Rows)^Bands for Jaccard similarity J.
	Bands, Rows int
	// Radius is the distance (meters) within which two tickets are "at the
	// same place"; beyond 20 × Radius they are at different places.
	Radius float64
	// Window: tickets further apart in time are never duplicates.
	Window time.Duration
	// MinScore is the least score a candidate needs to be returned.
	MinScore float64
	// Limit is the number of characters of a text that are read.
	Limit int
	// MaxScan caps how many tickets one lookup examines per bucket (newest
	// first), so that a flood of identical texts cannot slow lookups down.
	MaxScan int
}

// DefaultConfig returns settings measured on hotspot.csv (docs/text.md).
func DefaultConfig() Config {
	return Config{Shingle: 2, Bands: 20, Rows: 3, Radius: 300, Window: 30 * 24 * time.Hour,
		MinScore: 0.4, Limit: 2000, MaxScan: 500}
}

// Candidate is an indexed ticket that may report the same thing.
type Candidate struct {
	ID int64 `json:"id"`
	// Score in [0, 1]: how likely the two are the same matter.
	Score float64 `json:"score"`
	// Text is the estimated Jaccard similarity of the two texts' shingles.
	Text float64 `json:"text_similarity"`
	// Meters between the two places; negative when either has none.
	Meters float64 `json:"meters"`
	// Apart is the time between the two tickets.
	Apart     time.Duration `json:"apart"`
	SamePhone bool          `json:"same_phone"`
}

// NoPlace is the latitude/longitude to pass for a ticket without a point.
var NoPlace = math.NaN()

// maxSig is the longest signature, Bands × Rows.
const maxSig = 128

// doc is one indexed ticket.
type doc struct {
	id       int64
	sig      []uint8 // low 8 bits of each MinHash value (b-bit MinHash)
	shingles uint16  // how many (capped)
	lat, lng float32
	hasPlace bool
	at       int64 // unix seconds
	phone    uint64
	alive    bool
}

// Index holds open tickets for duplicate lookups.
type Index struct {
	cfg  Config
	a, b []uint64 // MinHash: h_i(x) = (a_i·x + b_i) >> 32

	mu    sync.RWMutex
	docs  []doc
	byID  map[int64]int32
	live  int
	bands []chain          // one per band, keyed by the band's hash
	cells map[uint64]int32 // geo cell → newest doc
	cellN []int32          // next older doc in the same cell
	phone map[uint64]int32 // phone hash → newest doc
	phN   []int32          // next older doc with the same phone
	sigs  []uint8          // signatures, len(docs) × Bands·Rows
}

// chain is a hash table of linked lists: head[h & mask] is the newest doc
// whose band hashes to h (buckets shared by several hashes are merged,
// which only adds candidates that scoring then rejects), next[d] the next
// older one.
type chain struct {
	head []int32
	next []int32
	mask uint64
}

// NewIndex returns an empty index. Expected is the number of tickets it
// will hold (it grows past it, but sizes its hash tables by it).
func NewIndex(cfg Config, expected int) *Index {
	d := DefaultConfig()
	if cfg.Shingle <= 0 {
		cfg.Shingle = d.Shingle
	}
	if cfg.Bands <= 0 || cfg.Rows <= 0 || cfg.Bands*cfg.Rows > maxSig {
		cfg.Bands, cfg.Rows = d.Bands, d.Rows
	}
	if cfg.Radius <= 0 {
		cfg.Radius = d.Radius
	}
	if cfg.Window <= 0 {
		cfg.Window = d.Window
	}
	if cfg.Limit <= 0 {
		cfg.Limit = d.Limit
	}
	if cfg.MaxScan <= 0 {
		cfg.MaxScan = d.MaxScan
	}
	n := cfg.Bands * cfg.Rows
	ix := &Index{cfg: cfg, a: make([]uint64, n), b: make([]uint64, n),
		byID: map[int64]int32{}, cells: map[uint64]int32{}, phone: map[uint64]int32{}}
	s := uint64(0x1234567)
	for i := range n {
		s += 0x9e3779b97f4a7c15
		ix.a[i] = text.Combine(s, 1) | 1
		ix.b[i] = text.Combine(s, 2)
	}
	size := 1 << 16
	for size < expected {
		size <<= 1
	}
	ix.bands = make([]chain, cfg.Bands)
	for i := range ix.bands {
		ix.bands[i] = chain{head: filled(size), mask: uint64(size - 1)}
	}
	return ix
}

func filled(n int) []int32 {
	s := make([]int32, n)
	for i := range s {
		s[i] = -1
	}
	return s
}

// signature returns the MinHash values of the text's shingles (32 bits
// each) and how many shingles it had.
func (ix *Index) signature(s string) ([maxSig]uint32, int) {
	var sig [maxSig]uint32
	n := ix.cfg.Bands * ix.cfg.Rows
	for i := range n {
		sig[i] = math.MaxUint32
	}
	sh := text.Shingles(s, ix.cfg.Shingle, ix.cfg.Limit)
	a, b := ix.a[:n], ix.b[:n]
	for _, x := range sh {
		for i := range a {
			v := uint32((a[i]*x + b[i]) >> 32)
			if v < sig[i] {
				sig[i] = v
			}
		}
	}
	return sig, len(sh)
}

func (ix *Index) bandHash(sig *[maxSig]uint32, band int) uint64 {
	h := uint64(band) + 1
	r := ix.cfg.Rows
	for _, v := range sig[band*r : band*r+r] {
		h = text.Combine(h, uint64(v))
	}
	return h
}

// cellKey names the geo cell of a point, moved by dx, dy cells. A cell's
// edge is the radius (100 m at least), so the 3×3 block around a point holds
// every point within the radius, and few beyond.
func (ix *Index) cellKey(lat, lng float64, dx, dy int) uint64 {
	size := max(ix.cfg.Radius, 100) / 111320
	y := int64(math.Floor(lat/size)) + int64(dy)
	// Longitude cells are as wide in meters as latitude ones at this latitude.
	x := int64(math.Floor(lng*math.Cos(lat*math.Pi/180)/size)) + int64(dx)
	return uint64(y)<<32 ^ uint64(uint32(x))
}

func hasPlace(lat, lng float64) bool {
	return !math.IsNaN(lat) && !math.IsNaN(lng) && !(lat == 0 && lng == 0) &&
		lat >= -90 && lat <= 90 && lng >= -180 && lng <= 180
}

func phoneKey(p string) uint64 {
	var digits []byte
	for i := 0; i < len(p); i++ {
		if p[i] >= '0' && p[i] <= '9' {
			digits = append(digits, p[i])
		}
	}
	// The last 11 digits: "+86 139…" and "139…" are the same caller.
	if len(digits) > 11 {
		digits = digits[len(digits)-11:]
	}
	if len(digits) < 5 {
		return 0
	}
	h := uint64(14695981039346656037)
	for _, c := range digits {
		h = (h ^ uint64(c)) * 1099511628211
	}
	return h | 1
}

// Add indexes an open ticket: its text (title and description together),
// its place (NoPlace when unknown; 0,0 counts as unknown too), when it was
// made and the caller's phone ("" when unknown). Adding an id again
// replaces the earlier entry.
func (ix *Index) Add(id int64, txt string, lat, lng float64, at time.Time, phone string) {
	sig, ns := ix.signature(txt)
	ok := ns > 0
	n := ix.cfg.Bands * ix.cfg.Rows
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if old, found := ix.byID[id]; found {
		ix.remove(old)
	}
	d := int32(len(ix.docs))
	e := doc{id: id, shingles: uint16(min(ns, math.MaxUint16)), at: at.Unix(), phone: phoneKey(phone), alive: true}
	if hasPlace(lat, lng) {
		e.lat, e.lng, e.hasPlace = float32(lat), float32(lng), true
	}
	for i := range n {
		ix.sigs = append(ix.sigs, uint8(sig[i]))
	}
	ix.docs = append(ix.docs, e)
	ix.byID[id] = d
	ix.live++
	for bnd := range ix.bands {
		c := &ix.bands[bnd]
		next := int32(-1)
		if ok {
			p := ix.bandHash(&sig, bnd) & c.mask
			next = c.head[p]
			c.head[p] = d
		}
		c.next = append(c.next, next)
	}
	next := int32(-1)
	if e.hasPlace {
		k := ix.cellKey(lat, lng, 0, 0)
		if h, ok := ix.cells[k]; ok {
			next = h
		}
		ix.cells[k] = d
	}
	ix.cellN = append(ix.cellN, next)
	next = -1
	if e.phone != 0 {
		if h, ok := ix.phone[e.phone]; ok {
			next = h
		}
		ix.phone[e.phone] = d
	}
	ix.phN = append(ix.phN, next)
}

// Remove takes a ticket out of the index (closed, merged, invalid). It
// reports whether the ticket was there. Its memory is not reclaimed: see
// Dead.
func (ix *Index) Remove(id int64) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	d, ok := ix.byID[id]
	if !ok {
		return false
	}
	ix.remove(d)
	return true
}

func (ix *Index) remove(d int32) {
	ix.docs[d].alive = false
	delete(ix.byID, ix.docs[d].id)
	ix.live--
}

// Len returns the number of tickets in the index.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.live
}

// Dead returns the number of removed entries still taking space (and
// lookup time); build a new index from the open tickets when it nears Len.
func (ix *Index) Dead() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.docs) - ix.live
}

// Candidates returns the indexed tickets that may report the same thing as
// the given one, best first, at most limit of them, each scoring at least
// Config.MinScore. The ticket itself (same id, if it is indexed) is never
// returned: pass its id, or 0 for a ticket not yet saved.
func (ix *Index) Candidates(id int64, txt string, lat, lng float64, at time.Time, phone string, limit int) []Candidate {
	sig, ns := ix.signature(txt)
	ok := ns > 0
	q := query{id: id, shingles: ns, at: at.Unix(), phone: phoneKey(phone), lat: lat, lng: lng, place: hasPlace(lat, lng)}
	n := ix.cfg.Bands * ix.cfg.Rows
	for i := range n {
		q.sig[i] = uint8(sig[i])
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var out []Candidate
	// A ticket may be reached through several bands, its cell and its
	// phone: it is scored each time (cheaper than remembering it) and the
	// copies are dropped after sorting.
	consider := func(d int32) {
		if c, ok := ix.score(&q, d); ok {
			out = append(out, c)
		}
	}
	walk := func(d int32, next []int32) {
		for scanned := 0; d >= 0 && scanned < ix.cfg.MaxScan; d, scanned = next[d], scanned+1 {
			consider(d)
		}
	}
	if ok {
		for bnd := range ix.bands {
			c := &ix.bands[bnd]
			walk(c.head[ix.bandHash(&sig, bnd)&c.mask], c.next)
		}
	}
	if q.place {
		for dx := -1; dx <= 1; dx++ {
			for dy := -1; dy <= 1; dy++ {
				if h, ok := ix.cells[ix.cellKey(lat, lng, dx, dy)]; ok {
					walk(h, ix.cellN)
				}
			}
		}
	}
	if q.phone != 0 {
		if h, ok := ix.phone[q.phone]; ok {
			walk(h, ix.phN)
		}
	}
	slices.SortFunc(out, func(a, b Candidate) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return int(b.ID - a.ID)
	})
	out = slices.CompactFunc(out, func(a, b Candidate) bool { return a.ID == b.ID })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

type query struct {
	id       int64
	sig      [maxSig]uint8
	shingles int
	at       int64
	phone    uint64
	lat, lng float64
	place    bool
}

// score rates doc d against the query; false when it is not a candidate.
func (ix *Index) score(q *query, d int32) (Candidate, bool) {
	e := &ix.docs[d]
	if !e.alive || e.id == q.id {
		return Candidate{}, false
	}
	apart := q.at - e.at
	if apart < 0 {
		apart = -apart
	}
	if apart > int64(ix.cfg.Window/time.Second) {
		return Candidate{}, false
	}
	c := Candidate{ID: e.id, Meters: -1, Apart: time.Duration(apart) * time.Second}
	if q.shingles > 0 && e.shingles > 0 {
		n := ix.cfg.Bands * ix.cfg.Rows
		s := ix.sigs[int(d)*n : int(d)*n+n]
		agree := 0
		for i, v := range s {
			if v == q.sig[i] {
				agree++
			}
		}
		// b-bit MinHash: unequal values agree by chance 1 time in 256.
		const chance = 1.0 / 256
		c.Text = max(0, (float64(agree)/float64(n)-chance)/(1-chance))
	}
	// Two short texts that agree say less than two long ones: "路灯不亮"
	// twice may be two lamps. Below 20 shingles the text counts less.
	score := c.Text * min(1, 0.4+float64(min(q.shingles, int(e.shingles)))/20)
	if q.place && e.hasPlace {
		c.Meters = meters(q.lat, q.lng, float64(e.lat), float64(e.lng))
		r := ix.cfg.Radius
		switch {
		case c.Meters <= r:
			score += 0.15
		case c.Meters >= 20*r:
			score -= 0.4
		default:
			score += 0.15 - 0.55*(c.Meters-r)/(19*r)
		}
	}
	if q.phone != 0 && q.phone == e.phone {
		c.SamePhone = true
		score += 0.25
	}
	if apart <= 24*3600 {
		score += 0.05
	}
	c.Score = min(max(score, 0), 1)
	return c, c.Score >= ix.cfg.MinScore
}

// meters is the distance between two points, on the equirectangular
// approximation: within 0.1% of the great-circle distance at the few
// kilometres that matter here, and far cheaper.
func meters(lat1, lng1, lat2, lng2 float64) float64 {
	const r = 6371000 * math.Pi / 180
	x := (lng2 - lng1) * math.Cos((lat1+lat2)*math.Pi/360)
	y := lat2 - lat1
	return r * math.Sqrt(x*x+y*y)
}
