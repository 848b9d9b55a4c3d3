package dedup

import (
	"flag"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"
)

var benchN = flag.Int("dedup.n", 1000000, "open tickets in the index of BenchmarkCandidates")

// synth makes n ticket texts of the kind a city receives: a place (one of
// 20,000 estates and roads), a matter (one of 60), and a sentence of
// ordinary words, all from a fixed seed.
func synth(n int) []string {
	r := rand.New(rand.NewPCG(5, 5))
	common := []rune("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质")
	places := make([]string, 20000)
	for i := range places {
		var b strings.Builder
		for range 2 + r.IntN(3) {
			b.WriteRune(common[r.IntN(len(common))])
		}
		b.WriteString([]string{"小区", "路", "街", "社区", "花园", "村"}[r.IntN(6)])
		places[i] = b.String()
	}
	matters := []string{"路灯不亮", "垃圾无人清运", "噪音扰民", "占道经营", "电梯故障", "暖气不热", "下水道堵塞", "违章搭建",
		"油烟扰民", "停车难", "拖欠工资", "医保报销", "学位申请", "公交线路", "井盖缺失", "道路破损", "漏水", "停水", "停电", "绿化带毁坏"}
	out := make([]string, n)
	for i := range out {
		var b strings.Builder
		b.WriteString(places[r.IntN(len(places))])
		b.WriteString(matters[r.IntN(len(matters))])
		b.WriteString("，")
		for range 20 + r.IntN(60) {
			b.WriteRune(common[r.IntN(len(common))])
		}
		out[i] = b.String()
	}
	return out
}

// BenchmarkCandidates fills an index with a million open tickets (texts,
// places spread over a city of 30 × 30 km, times over 60 days, phones) and
// times lookups of new tickets, a fifth of them edited copies of indexed
// ones. It prints the lookup time, candidates per lookup, the time to add
// a ticket and the memory per ticket:
// go test ./text/dedup -run XXX -bench Candidates -benchtime 20000x
func BenchmarkCandidates(b *testing.B) {
	n := *benchN
	texts := synth(n)
	r := rand.New(rand.NewPCG(6, 6))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	type meta struct {
		lat, lng float64
		at       time.Time
		phone    string
	}
	metas := make([]meta, n)
	for i := range metas {
		metas[i] = meta{36.5 + r.Float64()*0.27, 101.6 + r.Float64()*0.34, base.Add(time.Duration(r.IntN(60*24)) * time.Hour),
			"139" + string(rune('0'+r.IntN(10))) + strings.Repeat(string(rune('0'+r.IntN(10))), 7)}
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	ix := NewIndex(DefaultConfig(), n)
	start := time.Now()
	for i, t := range texts {
		m := metas[i]
		ix.Add(int64(i+1), t, m.lat, m.lng, m.at, m.phone)
	}
	addTime := time.Since(start) / time.Duration(n)
	runtime.GC()
	runtime.ReadMemStats(&after)
	queries := synth(1000)
	for i := 0; i < len(queries); i += 5 { // a fifth are copies of indexed tickets
		queries[i] = edit(r, texts[r.IntN(n)])
	}
	cands := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m := metas[i%n]
		cands += len(ix.Candidates(0, queries[i%len(queries)], m.lat, m.lng, m.at, m.phone, 10))
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/lookup")
	b.ReportMetric(float64(cands)/float64(b.N), "candidates/lookup")
	b.ReportMetric(float64(addTime.Microseconds()), "µs/add")
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(n), "bytes/ticket")
	b.ReportMetric(float64(ix.Len()), "tickets")
}
