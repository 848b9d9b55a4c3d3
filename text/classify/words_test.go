package classify

import (
	"fmt"
	"testing"

	"github.com/minsheng/minsheng/text"
)

// units are the Han unit hashes of s.
func units(s string) []uint64 {
	var out []uint64
	text.Scan(s, 100, func(u text.Unit) { out = append(out, u.Hash) })
	return out
}

// Words are found without a dictionary: a sequence that recurs in many
// contexts is a word; a piece of one ("物业公", always followed by "司")
// and a chance meeting of characters are not.
func TestDiscoverWords(t *testing.T) {
	before := []string{"小区", "我们", "海湖", "新城", "这个", "楼下", "城西", "请问", "投诉", "反映"}
	after := []string{"不管", "收费", "乱收", "服务差", "态度", "违规", "拖延", "失职", "推诿", "漏水"}
	var ex []Example
	for i, b := range before {
		for j, a := range after {
			ex = append(ex, Example{Title: fmt.Sprintf("%s物业公司%s", b, a), Label: []string{"甲", "乙"}[(i+j)%2]})
		}
	}
	o := DefaultOptions()
	o.WordLen = 4
	// A small text: every character is frequent, so chance meetings are
	// likelier than in a real corpus.
	o.WordCohesion = 5
	o.fill()
	words := discoverWords(ex, &o)
	m := &Model{opt: o}
	m.setWords(words)
	if m.lexicon.get(seqHash(units("物业公司"))) < 0 {
		t.Error("物业公司 is not found as a word")
	}
	for _, piece := range []string{"物业公", "业公司", "区物业"} {
		if m.lexicon.get(seqHash(units(piece))) >= 0 {
			t.Errorf("%s is taken for a word", piece)
		}
	}
	// The message's features include the word and the pair it forms.
	var c counter
	m.addWords(&c, "小区物业公司不管", 1)
	want := map[uint64]bool{
		text.Combine(saltWord, seqHash(units("物业公司"))): false,
	}
	for _, h := range c.hs {
		if _, ok := want[h]; ok {
			want[h] = true
		}
	}
	for h, seen := range want {
		if !seen {
			t.Errorf("feature %x of 物业公司 missing", h)
		}
	}
}

// A model with words keeps its lexicon through storage, and a model
// trained without them has none.
func TestWordsStored(t *testing.T) {
	var ex []Example
	for i := range 40 {
		ex = append(ex, Example{Title: fmt.Sprintf("物业公司第%d次不管电梯", i), Label: "城乡建设"},
			Example{Title: fmt.Sprintf("拖欠工资第%d个月没发", i), Label: "劳动和社会保障"})
	}
	o := DefaultOptions()
	o.WordLen = 4
	o.WordCohesion = 5
	m, err := Train(ex, o)
	if err != nil {
		t.Fatal(err)
	}
	if m.Words() == 0 {
		t.Fatal("no words found")
	}
	data, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Load(data)
	if err != nil {
		t.Fatal(err)
	}
	if back.Words() != m.Words() {
		t.Errorf("%d words after loading, want %d", back.Words(), m.Words())
	}
	for _, e := range ex[:4] {
		a, _ := m.Best(e.Title, "")
		b, _ := back.Best(e.Title, "")
		if a != b || a != e.Label {
			t.Errorf("%s: %s before storing, %s after; want %s", e.Title, a, b, e.Label)
		}
	}
	plain, err := Train(ex, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if plain.Words() != 0 {
		t.Errorf("default options found %d words; word features are off by default", plain.Words())
	}
}
