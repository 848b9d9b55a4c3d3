package classify

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// toy is a small hand-written training set: enough for a model to learn
// a few obvious words, not meant to measure quality.
var toy = []Example{
	{Title: "小区垃圾无人清运", Body: "垃圾堆放发臭，环卫不来清运", Label: "环境"},
	{Title: "工地噪音扰民", Body: "夜间施工噪音很大，影响休息", Label: "环境"},
	{Title: "河道污染", Body: "工厂往河里排污水，鱼都死了", Label: "环境"},
	{Title: "养老保险怎么交", Body: "灵活就业人员养老保险缴费标准是多少", Label: "社保"},
	{Title: "拖欠工资", Body: "公司拖欠三个月工资不发，请劳动监察处理", Label: "社保"},
	{Title: "医保报销比例", Body: "门诊医保报销比例和起付线是多少", Label: "社保"},
	{Title: "公交线路调整", Body: "希望增开公交线路，早高峰等车太久", Label: "交通"},
	{Title: "路口红绿灯坏了", Body: "红绿灯不亮，车辆乱行很危险", Label: "交通"},
	{Title: "出租车拒载", Body: "出租车司机拒载还绕路", Label: "交通"},
}

func mustTrain(t testing.TB, ex []Example, opt Options) *Model {
	t.Helper()
	m, err := Train(ex, opt)
	if err != nil {
		t.Fatalf("train: %v", err)
	}
	return m
}

func TestPredictFindsObviousLabel(t *testing.T) {
	m := mustTrain(t, toy, DefaultOptions())
	tests := []struct {
		name, title, body, want string
	}{
		{"title only", "垃圾清运不及时", "", "环境"},
		{"body only", "", "单位拖欠工资怎么办", "社保"},
		{"full-width and Latin", "ＢＵＳ公交线路", "公交车太少 bus", "交通"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := m.Predict(tt.title, tt.body)
			if len(ps) != 3 {
				t.Fatalf("got %d predictions, want one per label (3)", len(ps))
			}
			if ps[0].Label != tt.want {
				t.Errorf("top label %q, want %q (all: %v)", ps[0].Label, tt.want, ps)
			}
			if best, _ := m.Best(tt.title, tt.body); best != ps[0].Label {
				t.Errorf("Best says %q, Predict %q", best, ps[0].Label)
			}
		})
	}
}

func TestPredictBadInput(t *testing.T) {
	m := mustTrain(t, toy, DefaultOptions())
	long := strings.Repeat("垃圾清运不及时，", 100000) // 800,000 characters
	tests := []struct{ name, title, body string }{
		{"empty", "", ""},
		{"punctuation only", "！！！？？", "。。。，，，……"},
		{"emoji only", "😡😡😡", "🚧🚌💩"},
		{"very long", "", long},
		{"invalid UTF-8", "\xff\xfe垃圾", "\xc3"},
		{"mixed scripts", "Straße Ремонт 道路", "العربية 공사 バス"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			ps := m.Predict(tt.title, tt.body)
			if len(ps) != len(m.Labels()) {
				t.Fatalf("got %d predictions, want %d", len(ps), len(m.Labels()))
			}
			var sum float64
			for i, p := range ps {
				if p.Confidence < 0 || p.Confidence > 1 || p.Confidence != p.Confidence {
					t.Errorf("confidence %v of %q out of [0,1]", p.Confidence, p.Label)
				}
				if i > 0 && p.Confidence > ps[i-1].Confidence {
					t.Errorf("predictions not sorted: %v", ps)
				}
				sum += p.Confidence
			}
			if sum < 0.999 || sum > 1.001 {
				t.Errorf("confidences sum to %v, want 1", sum)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("took %v: long text must be cut at the limit", d)
			}
		})
	}
	// A message with nothing to go on must not look certain.
	if ps := m.Predict("", "！！😀"); ps[0].Confidence > 0.9 {
		t.Errorf("empty message predicted with confidence %.2f", ps[0].Confidence)
	}
}

func TestTrainNeedsTwoLabels(t *testing.T) {
	tests := []struct {
		name string
		ex   []Example
	}{
		{"none", nil},
		{"one label", []Example{{Title: "a", Label: "x"}, {Title: "b", Label: "x"}}},
		{"unlabelled", []Example{{Title: "a"}, {Title: "b"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Train(tt.ex, DefaultOptions()); !errors.Is(err, ErrTooFewLabels) {
				t.Errorf("err = %v, want ErrTooFewLabels", err)
			}
		})
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	m := mustTrain(t, toy, DefaultOptions())
	b, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	m2, err := Load(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range append(toy, Example{Title: "没见过的话", Body: "完全无关"}) {
		p1, p2 := m.Predict(e.Title, e.Body), m2.Predict(e.Title, e.Body)
		for i := range p1 {
			if p1[i] != p2[i] {
				t.Fatalf("%q: loaded model predicts %v, original %v", e.Title, p2, p1)
			}
		}
	}
	for _, bad := range [][]byte{nil, []byte("not a model"), b[:len(b)/2]} {
		if _, err := Load(bad); !errors.Is(err, ErrFormat) {
			t.Errorf("Load(%d bytes of junk) err = %v, want ErrFormat", len(bad), err)
		}
	}
}

// TestSharedDataHoldout trains on a random 80% of the shared training data
// and checks the quality on the other 20%: the figure a district would see.
func TestSharedDataHoldout(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on 10,000 messages; skipped in -short")
	}
	ex := mustShared(t)
	perm := rand.New(rand.NewPCG(7, 7)).Perm(len(ex))
	var train, test []Example
	for i, j := range perm {
		if i%5 == 0 {
			test = append(test, ex[j])
		} else {
			train = append(train, ex[j])
		}
	}
	m := mustTrain(t, train, DefaultOptions())
	truth := make([]string, len(test))
	pred := make([]string, len(test))
	// Confidence must mean something: confident suggestions are right
	// more often than unsure ones, and at 0.9 almost always.
	var hiN, hiOK, loN, loOK int
	for i, e := range test {
		ps := m.Predict(e.Title, e.Body)
		truth[i], pred[i] = e.Label, ps[0].Label
		ok := ps[0].Label == e.Label
		if ps[0].Confidence >= 0.9 {
			hiN++
			if ok {
				hiOK++
			}
		} else {
			loN++
			if ok {
				loOK++
			}
		}
	}
	rep := Score(truth, pred)
	t.Logf("held-out: macro-F1 %.4f accuracy %.4f (%d cases)", rep.MacroF1, rep.Accuracy, rep.N)
	if rep.MacroF1 < 0.92 {
		t.Errorf("held-out macro-F1 %.4f, want at least 0.92", rep.MacroF1)
	}
	hi, lo := float64(hiOK)/float64(hiN), float64(loOK)/float64(loN)
	t.Logf("confidence ≥ 0.9: %d of %d right (%.3f); below: %d of %d (%.3f)", hiOK, hiN, hi, loOK, loN, lo)
	if hi < 0.97 || hi <= lo {
		t.Errorf("confidence ≥ 0.9 is right %.3f of the time, below it %.3f: confidence is not informative", hi, lo)
	}
}
