package classify

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
)

// LabelScore is the precision, recall and F1 of one label.
type LabelScore struct {
	Label                 string
	Precision, Recall, F1 float64
	Support               int // test cases with this label
	Predicted             int // test cases predicted as this label
}

// Report is how well predictions matched the truth.
type Report struct {
	Labels   []LabelScore // sorted by label
	MacroF1  float64      // mean F1 over the labels present in the truth or the predictions
	Accuracy float64
	N        int
}

// Score compares predicted labels with true ones.
func Score(truth, predicted []string) Report {
	type c struct{ tp, fp, fn int }
	per := map[string]*c{}
	get := func(l string) *c {
		if per[l] == nil {
			per[l] = &c{}
		}
		return per[l]
	}
	correct := 0
	for i, t := range truth {
		p := predicted[i]
		if t == p {
			correct++
			get(t).tp++
			continue
		}
		get(t).fn++
		get(p).fp++
	}
	var r Report
	r.N = len(truth)
	if r.N > 0 {
		r.Accuracy = float64(correct) / float64(r.N)
	}
	for l, x := range per {
		s := LabelScore{Label: l, Support: x.tp + x.fn, Predicted: x.tp + x.fp}
		if x.tp+x.fp > 0 {
			s.Precision = float64(x.tp) / float64(x.tp+x.fp)
		}
		if x.tp+x.fn > 0 {
			s.Recall = float64(x.tp) / float64(x.tp+x.fn)
		}
		if s.Precision+s.Recall > 0 {
			s.F1 = 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
		}
		r.Labels = append(r.Labels, s)
		r.MacroF1 += s.F1
	}
	if len(r.Labels) > 0 {
		r.MacroF1 /= float64(len(r.Labels))
	}
	sort.Slice(r.Labels, func(i, j int) bool { return r.Labels[i].Label < r.Labels[j].Label })
	return r
}

// Write prints the report: one line per label, then, as the last line,
// "macro-F1 0.XXXX accuracy 0.XXXX (N cases)".
func (r Report) Write(w io.Writer) error {
	for _, s := range r.Labels {
		if _, err := fmt.Fprintf(w, "%s\tprecision %.4f\trecall %.4f\tF1 %.4f\t(%d cases, %d predicted)\n",
			s.Label, s.Precision, s.Recall, s.F1, s.Support, s.Predicted); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "macro-F1 %.4f accuracy %.4f (%d cases)\n", r.MacroF1, r.Accuracy, r.N)
	return err
}

// Evaluate trains on train and scores the model on test.
func Evaluate(train, test []Example, opt Options) (Report, error) {
	m, err := Train(train, opt)
	if err != nil {
		return Report{}, err
	}
	truth := make([]string, len(test))
	pred := make([]string, len(test))
	for i, e := range test {
		truth[i] = e.Label
		pred[i], _ = m.Best(e.Title, e.Body)
	}
	return Score(truth, pred), nil
}

// CrossValidate splits the examples into k folds at random (seeded), trains
// on k−1 and predicts the other, in turn, and scores all predictions
// together.
func CrossValidate(examples []Example, k int, opt Options, seed uint64) (Report, error) {
	if k < 2 {
		k = 2
	}
	perm := rand.New(rand.NewPCG(seed, 1)).Perm(len(examples))
	truth := make([]string, 0, len(examples))
	pred := make([]string, 0, len(examples))
	for f := 0; f < k; f++ {
		var train, test []Example
		for i, j := range perm {
			if i%k == f {
				test = append(test, examples[j])
			} else {
				train = append(train, examples[j])
			}
		}
		m, err := Train(train, opt)
		if err != nil {
			return Report{}, err
		}
		for _, e := range test {
			p, _ := m.Best(e.Title, e.Body)
			truth = append(truth, e.Label)
			pred = append(pred, p)
		}
	}
	return Score(truth, pred), nil
}

// TrainEvaluated trains on all examples and also says how good the model
// is likely to be: it first trains on a seeded random 80% and scores the
// rest (the report), fits the confidence temperature on those held-out
// messages, and then trains the returned model on everything. It takes
// about twice as long as Train. With fewer than 50 examples the report is
// empty and the temperature is the default.
func TrainEvaluated(examples []Example, opt Options) (*Model, Report, error) {
	var rep Report
	temp := 0.0
	if len(examples) >= 50 {
		perm := rand.New(rand.NewPCG(opt.Seed, 2)).Perm(len(examples))
		var train, test []Example
		for i, j := range perm {
			if i%5 == 0 {
				test = append(test, examples[j])
			} else {
				train = append(train, examples[j])
			}
		}
		m, err := Train(train, opt)
		if err != nil {
			return nil, Report{}, err
		}
		truth := make([]string, 0, len(test))
		pred := make([]string, 0, len(test))
		var scores [][]float32
		var gold []int
		for _, e := range test {
			if e.Label == "" {
				continue
			}
			p, _ := m.Best(e.Title, e.Body)
			truth = append(truth, e.Label)
			pred = append(pred, p)
			if k, ok := slices.BinarySearch(m.labels, e.Label); ok {
				s := m.getScratch()
				scores = append(scores, slices.Clone(m.scores(s, e.Title, e.Body)))
				m.scratch.Put(s)
				gold = append(gold, k)
			}
		}
		rep = Score(truth, pred)
		temp = fitTemperature(scores, gold)
	}
	m, err := Train(examples, opt)
	if err != nil {
		return nil, Report{}, err
	}
	if temp > 0 {
		m.temp = float32(temp)
		m.opt.Temperature = temp
	}
	return m, rep, nil
}

// fitTemperature returns the T that minimises the log-loss of
// softmax(T·scores) on the gold labels, by golden-section search over
// log T; 0 when there is nothing to fit on.
func fitTemperature(scores [][]float32, gold []int) float64 {
	if len(scores) == 0 {
		return 0
	}
	loss := func(logT float64) float64 {
		t := math.Exp(logT)
		var l float64
		for i, sc := range scores {
			mx := float64(slices.Max(sc))
			var sum float64
			for _, v := range sc {
				sum += math.Exp(t * (float64(v) - mx))
			}
			l += math.Log(sum) - t*(float64(sc[gold[i]])-mx)
		}
		return l
	}
	a, b := math.Log(0.1), math.Log(100.0)
	const phi = 0.6180339887498949
	c, d := b-phi*(b-a), a+phi*(b-a)
	fc, fd := loss(c), loss(d)
	for range 40 {
		if fc < fd {
			b, d, fd = d, c, fc
			c = b - phi*(b-a)
			fc = loss(c)
		} else {
			a, c, fc = c, d, fd
			d = a + phi*(b-a)
			fd = loss(d)
		}
	}
	return math.Exp((a + b) / 2)
}
