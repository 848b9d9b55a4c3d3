package hotspot

import (
	"encoding/csv"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

const hotspotCSV = "../../../shared/data/complaints/hotspot.csv"

func mustHotspot(t testing.TB) []Item {
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
	var out []Item
	for i, x := range recs[1:] {
		if len(x) < 5 {
			continue
		}
		out = append(out, Item{ID: int64(i + 1), Title: x[2], Body: x[4], At: parseTime(x[3]), Caller: x[1]})
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

var now = time.Date(2026, 4, 10, 18, 0, 0, 0, time.UTC)

func days(d float64) time.Duration { return time.Duration(d * 24 * float64(time.Hour)) }

func TestDetect(t *testing.T) {
	var items []Item
	add := func(n int, title, body string, ago time.Duration, step time.Duration, callers bool) {
		for i := range n {
			it := Item{ID: int64(len(items) + 1), Title: title, Body: fmt.Sprintf(body, i), At: now.Add(-ago + time.Duration(i)*step)}
			if callers {
				it.Caller = fmt.Sprintf("1390000%04d", len(items))
			} else {
				it.Caller = "13900009999"
			}
			items = append(items, it)
		}
	}
	// A growing matter: 8 calls in the last three days, 1 the month before.
	add(8, "幸福路路灯不亮", "幸福路%d号附近的路灯晚上不亮，走路很危险", days(3), 8*time.Hour, true)
	add(1, "幸福路路灯坏了", "幸福路%d号路灯坏了好几天", days(40), 0, true)
	// A steady one: 5 now, 6 before, all from one persistent caller.
	add(5, "文汇路夜市油烟扰民", "文汇路夜市烧烤油烟%d点还不停", days(20), days(3), false)
	add(6, "文汇路夜市油烟扰民", "文汇路夜市烧烤油烟%d点还不停", days(50), days(3), false)
	// Too few to be a spot, and unrelated requests.
	add(2, "小区暖气不热", "暖气温度只有%d度", days(5), time.Hour, true)
	add(1, "咨询医保报销", "门诊报销比例是多少%d", days(2), 0, true)
	add(1, "建议增开公交线路", "希望增开%d路公交", days(1), 0, true)
	// Outside both windows, and in the future: ignored.
	add(5, "幸福路路灯不亮", "幸福路%d号附近的路灯晚上不亮", days(200), time.Hour, true)
	add(5, "幸福路路灯不亮", "幸福路%d号附近的路灯晚上不亮", -days(1), time.Hour, true)

	spots := Detect(items, now, DefaultConfig())
	if len(spots) != 2 {
		for _, s := range spots {
			t.Logf("%+v", s)
		}
		t.Fatalf("got %d hot spots, want 2 (the lamps and the night market)", len(spots))
	}
	lamps, market := spots[0], spots[1]
	if lamps.Count != 8 || lamps.Previous != 1 || lamps.Callers != 8 || lamps.Growth != 7 {
		t.Errorf("lamps: count %d previous %d callers %d growth %v; want 8, 1, 8, 7", lamps.Count, lamps.Previous, lamps.Callers, lamps.Growth)
	}
	if !slices.ContainsFunc(lamps.Terms, func(s string) bool { return strings.Contains(s, "路灯") }) || !strings.Contains(lamps.Title, "路灯") ||
		slices.Contains(lamps.Terms, "路路") {
		t.Errorf("lamps described as %q %v", lamps.Title, lamps.Terms)
	}
	if market.Count != 5 || market.Previous != 6 || market.Callers != 1 {
		t.Errorf("market: count %d previous %d callers %d; want 5, 6, 1", market.Count, market.Previous, market.Callers)
	}
	sum := 0
	for _, n := range lamps.Trend {
		sum += n
	}
	if len(lamps.Trend) != 30 || sum != 8 || lamps.Trend[29] == 0 {
		t.Errorf("trend %v: want 30 days summing to 8, the last day busy", lamps.Trend)
	}
	if len(lamps.Samples) != DefaultConfig().Samples {
		t.Errorf("%d samples, want %d", len(lamps.Samples), DefaultConfig().Samples)
	}
}

func TestDetectBadInput(t *testing.T) {
	long := strings.Repeat("路灯不亮，", 100000)
	tests := []struct {
		name  string
		items []Item
		want  int
	}{
		{"none", nil, 0},
		{"empty texts", []Item{{ID: 1, At: now}, {ID: 2, At: now}, {ID: 3, At: now}}, 0},
		{"emoji only", []Item{{ID: 1, Title: "😡😡", At: now}, {ID: 2, Title: "！！？", At: now}, {ID: 3, Body: "🚧", At: now}}, 0},
		{"very long and mixed", []Item{
			{ID: 1, Title: "Street lamp 路灯不亮", Body: long, At: now.Add(-time.Hour)},
			{ID: 2, Title: "ＳＴＲＥＥＴ LAMP 路灯不亮", Body: long, At: now.Add(-2 * time.Hour)},
			{ID: 3, Title: "street lamp路灯不亮！", Body: long, At: now.Add(-3 * time.Hour)}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			got := Detect(tt.items, now, DefaultConfig())
			if len(got) != tt.want {
				t.Errorf("%d hot spots, want %d: %+v", len(got), tt.want, got)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

// TestSharedDataHotSpots runs the board on hotspot.csv as of 1 September
// 2019: the month's outstanding matter was the forced sale of parking
// spaces with flats at 伊景园滨河苑 (dozens of messages from different
// people), and it must top the board.
func TestSharedDataHotSpots(t *testing.T) {
	items := mustHotspot(t)
	at := time.Date(2019, 9, 1, 0, 0, 0, 0, time.UTC)
	spots := Detect(items, at, DefaultConfig())
	for i, s := range spots[:min(5, len(spots))] {
		t.Logf("%d. %.1f  %d requests (%d before, %d callers) %q %v", i+1, s.Score, s.Count, s.Previous, s.Callers, s.Title, s.Terms)
	}
	if len(spots) == 0 {
		t.Fatal("no hot spots")
	}
	top := spots[0]
	if !strings.Contains(top.Title, "伊景园") || top.Count < 30 || top.Callers < 25 {
		t.Errorf("top spot %q with %d requests from %d callers; want 伊景园滨河苑 with ≥ 30 from ≥ 25", top.Title, top.Count, top.Callers)
	}
}

// BenchmarkDetect ranks all 4,326 messages of hotspot.csv in one window.
func BenchmarkDetect(b *testing.B) {
	items := mustHotspot(b)
	cfg := DefaultConfig()
	cfg.Window = 400 * 24 * time.Hour
	at := time.Date(2020, 2, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < b.N; i++ {
		Detect(items, at, cfg)
	}
	b.ReportMetric(float64(len(items))*float64(b.N)/b.Elapsed().Seconds(), "requests/s")
}

// The terms of a hot spot are words and names as people write them, not
// the bigrams they are found by: 鑫盛装饰 and not 盛装 or 鑫盛; 暖气 and not
// 气不 (issue #13, item 14).
func TestTermsAreWholePhrases(t *testing.T) {
	var items []Item
	bodies := []string{
		"鑫盛装饰拖欠装修工人工资三个月，多次讨要无果",
		"我在鑫盛装饰做木工，工资至今没有发放",
		"投诉鑫盛装饰公司拖欠农民工工资",
		"鑫盛装饰欠薪，老板电话打不通",
		"反映鑫盛装饰拖欠我们十几个人的工资",
		"家里暖气不热，室温只有十四度",
		"暖气不热，老人孩子都感冒了",
		"小区暖气不热已经一周，物业不管",
		"暖气不热，请供热公司尽快处理",
	}
	for i, b := range bodies {
		title := "鑫盛装饰拖欠工资"
		if strings.Contains(b, "暖气") {
			title = "暖气不热"
		}
		items = append(items, Item{ID: int64(i + 1), Title: title, Body: b, At: now.Add(-days(float64(i%4) + 1)), Caller: fmt.Sprint(i)})
	}
	// Other requests, so that common words are common.
	for i := range 40 {
		items = append(items, Item{ID: int64(100 + i), Title: fmt.Sprintf("咨询第%d个问题", i), Body: "请问办理居住证需要哪些材料，工作日几点上班", At: now.Add(-days(float64(i%20) + 1))})
	}
	spots := Detect(items, now, DefaultConfig())
	terms := map[string][]string{}
	for _, s := range spots {
		terms[s.Title] = s.Terms
	}
	wage, heat := terms["鑫盛装饰拖欠工资"], terms["暖气不热"]
	if !slices.ContainsFunc(wage, func(s string) bool { return strings.Contains(s, "鑫盛装饰") }) ||
		slices.ContainsFunc(wage, func(s string) bool { return slices.Contains([]string{"盛装", "鑫盛", "盛装饰", "鑫盛装"}, s) }) {
		t.Errorf("wage arrears described by %v; want 鑫盛装饰 whole", wage)
	}
	if !slices.ContainsFunc(heat, func(s string) bool { return strings.HasPrefix(s, "暖气") }) || slices.Contains(heat, "气不") {
		t.Errorf("heating described by %v; want 暖气…, not 气不", heat)
	}
	for _, ts := range terms {
		for _, term := range ts {
			if r := []rune(term); strings.ContainsRune(edgeChars, r[0]) || strings.ContainsRune(edgeChars, r[len(r)-1]) {
				t.Errorf("term %q begins or ends with a particle", term)
			}
		}
	}
}
