package classify

import (
	"flag"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

var expFlag = flag.String("exp", "", "comma-separated variants for TestEnsembleExperiment")

type variant struct {
	name string
	opt  func(*Options)
	// view rewrites a message before training and prediction.
	view func(Example) Example
}

var variants = map[string]variant{
	"c3":    {name: "c3"},
	"c4":    {name: "c4", opt: func(o *Options) { o.MaxN = 4 }},
	"c2":    {name: "c2", opt: func(o *Options) { o.MaxN = 2 }},
	"w":     {name: "w", opt: func(o *Options) { o.WordLen = 4 }},
	"c3C4":  {name: "c3C4", opt: func(o *Options) { o.C = 4 }},
	"c3C1":  {name: "c3C1", opt: func(o *Options) { o.C = 1 }},
	"nonb":  {name: "nonb", opt: func(o *Options) { o.NBSmooth = 0 }},
	"nb1":   {name: "nb1", opt: func(o *Options) { o.NBMix = 1 }},
	"title": {name: "title", view: func(e Example) Example { e.Body = ""; return e }},
	"body":  {name: "body", view: func(e Example) Example { e.Title = ""; return e }},
	"tw1":   {name: "tw1", opt: func(o *Options) { o.TitleWeight = 1 }},
	"tw3":   {name: "tw3", opt: func(o *Options) { o.TitleWeight = 3 }},
}

// TestEnsembleExperiment trains each variant on each grouped fold, keeps
// the decision values of the held-out messages, and scores every
// combination (sum of decision values).
func TestEnsembleExperiment(t *testing.T) {
	if *expFlag == "" {
		t.Skip("-exp not given")
	}
	ex := mustShared(t)
	groups := Groups(ex)
	names := strings.Split(*expFlag, ",")
	var labels []string
	for _, e := range ex {
		if !slices.Contains(labels, e.Label) {
			labels = append(labels, e.Label)
		}
	}
	slices.Sort(labels)
	K := len(labels)
	gold := make([]int, len(ex))
	for i, e := range ex {
		gold[i], _ = slices.BinarySearch(labels, e.Label)
	}
	type run struct{ sc [][]float32 } // per example
	results := map[string][]run{}     // variant → per seed
	for seed := range uint64(*seedsFlag) {
		folds := GroupFolds(groups, 5, seed+1)
		for _, name := range names {
			v := variants[name]
			opt := DefaultOptions()
			if v.opt != nil {
				v.opt(&opt)
			}
			view := func(e Example) Example { return e }
			if v.view != nil {
				view = v.view
			}
			sc := make([][]float32, len(ex))
			start := time.Now()
			for f := range 5 {
				var train []Example
				for i, e := range ex {
					if folds[i] != f {
						train = append(train, view(e))
					}
				}
				m, err := Train(train, opt)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(m.labels, labels) {
					t.Fatal("labels differ")
				}
				for i, e := range ex {
					if folds[i] == f {
						e = view(e)
						s := m.getScratch()
						sc[i] = slices.Clone(m.scores(s, e.Title, e.Body))
						m.scratch.Put(s)
					}
				}
			}
			results[name] = append(results[name], run{sc})
			t.Logf("seed %d %s: %.4f (%v)", seed+1, name, macroF1(sc, gold, K), time.Since(start))
		}
	}
	// All subsets.
	for mask := 1; mask < 1<<len(names); mask++ {
		var parts []string
		var f1s []float64
		for s := range *seedsFlag {
			sum := make([][]float32, len(ex))
			for i := range sum {
				sum[i] = make([]float32, K)
			}
			for j, name := range names {
				if mask&(1<<j) == 0 {
					continue
				}
				for i, row := range results[name][s].sc {
					for k, v := range row {
						sum[i][k] += v
					}
				}
			}
			f1s = append(f1s, macroF1(sum, gold, K))
		}
		for j, name := range names {
			if mask&(1<<j) != 0 {
				parts = append(parts, name)
			}
		}
		m, sd := meanSD(f1s)
		t.Logf("%-30s %.4f ± %.4f %s", strings.Join(parts, "+"), m, sd, fmtF(f1s))
	}
	// Pairs with the second member down-weighted.
	for a, na := range names {
		for b, nb := range names {
			if a == b {
				continue
			}
			for _, wb := range []float32{0.1, 0.2, 0.35, 0.5} {
				var f1s []float64
				for s := range *seedsFlag {
					sum := make([][]float32, len(ex))
					for i := range sum {
						sum[i] = make([]float32, K)
						for k := range K {
							sum[i][k] = results[na][s].sc[i][k] + wb*results[nb][s].sc[i][k]
						}
					}
					f1s = append(f1s, macroF1(sum, gold, K))
				}
				m, sd := meanSD(f1s)
				t.Logf("%s + %.2f·%s  %.4f ± %.4f %s", na, wb, nb, m, sd, fmtF(f1s))
			}
		}
	}
}

func fmtF(xs []float64) string {
	var b strings.Builder
	for _, x := range xs {
		fmt.Fprintf(&b, " %.4f", x)
	}
	return b.String()
}

func macroF1(sc [][]float32, gold []int, K int) float64 {
	tp := make([]float64, K)
	fp := make([]float64, K)
	fn := make([]float64, K)
	for i, row := range sc {
		best := 0
		for k, v := range row {
			if v > row[best] {
				best = k
			}
		}
		if best == gold[i] {
			tp[best]++
		} else {
			fp[best]++
			fn[gold[i]]++
		}
	}
	var f float64
	for k := range K {
		if tp[k] > 0 {
			f += 2 * tp[k] / (2*tp[k] + fp[k] + fn[k])
		}
	}
	_ = math.Abs
	return f / float64(K)
}
