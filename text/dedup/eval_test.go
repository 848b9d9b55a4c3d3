package dedup

import (
	"encoding/csv"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"
)

const hotspotCSV = "../../../shared/data/complaints/hotspot.csv"

// message is one row of hotspot.csv.
type message struct {
	id, user, title, body string
	at                    time.Time
}

// mustHotspot reads the shared hot-spot messages, or skips the test.
func mustHotspot(t testing.TB) []message {
	t.Helper()
	f, err := os.Open(hotspotCSV)
	if os.IsNotExist(err) {
		t.Skipf("%s not found: the shared data is not beside this checkout", hotspotCSV)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []message
	for _, x := range recs[1:] {
		if len(x) < 5 {
			continue
		}
		out = append(out, message{id: x[0], user: x[1], title: x[2], at: parseTime(x[3]), body: x[4]})
	}
	return out
}

func parseTime(s string) time.Time {
	for _, layout := range []string{"2006/1/2 15:04:05", "2006-01-02 15:04:05", "2006/01/02 15:04:05", "2006/1/2 15:04"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t
		}
	}
	return time.Time{}
}

// edit makes the kind of copy a second caller or a re-submission gives:
// a greeting, characters dropped, inserted and swapped, punctuation
// changed, half- and full-width mixed, the end cut or a line added.
func edit(r *rand.Rand, s string) string {
	rs := []rune(s)
	if r.IntN(2) == 0 && len(rs) > 40 {
		rs = rs[:len(rs)*(70+r.IntN(25))/100] // cut the end
	}
	filler := []rune("的了是在有我们这个很也")
	var out []rune
	switch r.IntN(3) {
	case 0:
		out = append(out, []rune("您好，")...)
	case 1:
		out = append(out, []rune("领导：")...)
	}
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch p := r.IntN(100); {
		case p < 4: // dropped
			continue
		case p < 8: // inserted
			out = append(out, filler[r.IntN(len(filler))], c)
		case p < 10 && i+1 < len(rs): // swapped
			out = append(out, rs[i+1], c)
			i++
		case c == '，':
			out = append(out, []rune(", ，。 ")[r.IntN(4)])
		case c >= '0' && c <= '9' && r.IntN(2) == 0:
			out = append(out, c+0xFEE0) // full-width digit
		default:
			out = append(out, c)
		}
	}
	if r.IntN(3) == 0 {
		out = append(out, []rune("。请尽快处理！！")...)
	}
	return string(out)
}

type prCount struct{ tp, fp, expected, found int }

func (c prCount) precision() float64 { return float64(c.tp) / float64(max(c.tp+c.fp, 1)) }
func (c prCount) recall() float64    { return float64(c.found) / float64(max(c.expected, 1)) }

// TestSharedDataPrecisionRecall measures the duplicate finder on a set built
// from hotspot.csv (described in docs/text.md): all 4,326 messages are
// indexed (user id as the caller's phone, no place); then
//   - 400 edited copies (see edit) from new callers are looked up: the
//     original must be found;
//   - every message whose exact title another message also has (the
//     board's real repeats) is looked up by its own id: the others of its
//     title within the time window must be found.
//
// A returned candidate counts as right when it is the original of the copy
// or shares the query's title.
func TestSharedDataPrecisionRecall(t *testing.T) {
	msgs := mustHotspot(t)
	ix := NewIndex(DefaultConfig(), len(msgs))
	byTitle := map[string][]int{}
	for i, m := range msgs {
		ix.Add(int64(i+1), m.title+"\n"+m.body, NoPlace, NoPlace, m.at, m.user)
		byTitle[m.title] = append(byTitle[m.title], i)
	}
	window := DefaultConfig().Window
	r := rand.New(rand.NewPCG(11, 11))
	var copies, repeats prCount
	var lookups []time.Duration
	check := func(c *prCount, q int, txt string, at time.Time, phone string, self int64, want map[int64]bool) {
		start := time.Now()
		got := ix.Candidates(self, txt, NoPlace, NoPlace, at, phone, 10)
		lookups = append(lookups, time.Since(start))
		c.expected += len(want)
		for _, g := range got {
			i := int(g.ID - 1)
			if want[g.ID] || msgs[i].title == msgs[q].title {
				c.tp++
			} else {
				c.fp++
				if c.fp <= 3 && testing.Verbose() {
					t.Logf("false positive %.2f: %q ~ %q", g.Score, msgs[q].title, msgs[i].title)
				}
			}
			if want[g.ID] {
				c.found++
			}
		}
	}
	for range 400 {
		q := r.IntN(len(msgs))
		m := msgs[q]
		txt := edit(r, m.title) + "\n" + edit(r, m.body)
		check(&copies, q, txt, m.at.Add(time.Duration(r.IntN(72))*time.Hour), "", 0, map[int64]bool{int64(q + 1): true})
	}
	for _, group := range byTitle {
		if len(group) < 2 {
			continue
		}
		for _, q := range group {
			want := map[int64]bool{}
			for _, o := range group {
				d := msgs[o].at.Sub(msgs[q].at)
				if o != q && d < window && d > -window {
					want[int64(o+1)] = true
				}
			}
			if len(want) == 0 {
				continue
			}
			m := msgs[q]
			check(&repeats, q, m.title+"\n"+m.body, m.at, m.user, int64(q+1), want)
		}
	}
	var total time.Duration
	for _, d := range lookups {
		total += d
	}
	t.Logf("edited copies: precision %.3f recall %.3f (%d of %d found, %d wrong candidates)",
		copies.precision(), copies.recall(), copies.found, copies.expected, copies.fp)
	t.Logf("real repeats: precision %.3f recall %.3f (%d of %d found, %d wrong candidates)",
		repeats.precision(), repeats.recall(), repeats.found, repeats.expected, repeats.fp)
	t.Logf("%d lookups in an index of %d, mean %v", len(lookups), ix.Len(), total/time.Duration(len(lookups)))
	// Precision here is a lower bound: most "wrong" candidates are the same
	// matter under another title (see docs/text.md).
	if copies.recall() < 0.95 || copies.precision() < 0.85 {
		t.Errorf("edited copies: precision %.3f recall %.3f, want ≥ 0.85 and ≥ 0.95", copies.precision(), copies.recall())
	}
	if repeats.recall() < 0.8 || repeats.precision() < 0.7 {
		t.Errorf("real repeats: precision %.3f recall %.3f, want ≥ 0.7 and ≥ 0.8", repeats.precision(), repeats.recall())
	}
}
