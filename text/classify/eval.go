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
	// Calibration is the reliability of the confidences, when they were
	// recorded.
	Calibration *Calibration
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
	if c := r.Calibration; c != nil {
		for _, b := range c.Bins {
			if b.N == 0 {
				continue
			}
			if _, err := fmt.Fprintf(w, "confidence %.1f–%.1f\t%d cases\tmean confidence %.3f\taccuracy %.3f\n",
				b.Lo, b.Hi, b.N, b.Confidence, b.Accuracy); err != nil {
				return err
			}
		}
		if _, err := fmt.Fprintf(w, "expected calibration error %.4f\n", c.ECE); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "macro-F1 %.4f accuracy %.4f (%d cases)\n", r.MacroF1, r.Accuracy, r.N)
	return err
}

// Evaluate trains on train as a deployment does (TrainEvaluated: the
// confidence temperature fitted on held-out training messages) and scores
// the model on test, with the calibration of its confidences.
func Evaluate(train, test []Example, opt Options) (Report, error) {
	m, _, err := TrainEvaluated(train, opt)
	if err != nil {
		return Report{}, err
	}
	truth := make([]string, len(test))
	pred := make([]string, len(test))
	conf := make([]float64, len(test))
	for i, e := range test {
		truth[i] = e.Label
		pred[i], conf[i] = m.Best(e.Title, e.Body)
	}
	r := Score(truth, pred)
	r.Calibration = Calibrate(truth, pred, conf)
	return r, nil
}

// CrossValidate splits the examples into k folds at random (seeded), trains
// on k−1 and predicts the other, in turn, and scores all predictions
// together. Near duplicates may fall on both sides of a split, which
// flatters the figures; GroupedCrossValidate does not let them.
func CrossValidate(examples []Example, k int, opt Options, seed uint64) (Report, error) {
	if k < 2 {
		k = 2
	}
	perm := rand.New(rand.NewPCG(seed, 1)).Perm(len(examples))
	folds := make([]int, len(examples))
	for i, j := range perm {
		folds[j] = i % k
	}
	return crossValidate(examples, folds, k, opt)
}

// GroupedCrossValidate is CrossValidate with the near duplicates of a
// message (Groups) always in the same fold (GroupFolds), so that no
// message is predicted by a model that learned from its twin: the figures
// resemble those on messages never seen. Each fold's model has its
// temperature fitted on its own training messages (TrainEvaluated), so the
// report's calibration is that of a deployed model.
func GroupedCrossValidate(examples []Example, groups []int, k int, opt Options, seed uint64) (Report, error) {
	if k < 2 {
		k = 2
	}
	return crossValidate(examples, GroupFolds(groups, k, seed), k, opt)
}

func crossValidate(examples []Example, folds []int, k int, opt Options) (Report, error) {
	var truth, pred []string
	var conf []float64
	for f := 0; f < k; f++ {
		var train, test []Example
		for i, e := range examples {
			if folds[i] == f {
				test = append(test, e)
			} else {
				train = append(train, e)
			}
		}
		m, _, err := TrainEvaluated(train, opt)
		if err != nil {
			return Report{}, err
		}
		for _, e := range test {
			p, c := m.Best(e.Title, e.Body)
			truth = append(truth, e.Label)
			pred = append(pred, p)
			conf = append(conf, c)
		}
	}
	r := Score(truth, pred)
	r.Calibration = Calibrate(truth, pred, conf)
	return r, nil
}

// Bin is one range of confidence in a reliability table: the predictions
// whose confidence fell in [Lo, Hi), their mean confidence and how many of
// them were right.
type Bin struct {
	Lo, Hi     float64
	N          int
	Confidence float64 // mean confidence of the bin's predictions
	Accuracy   float64 // share of them that were right
}

// Calibration says whether confidences mean what they say: a reliability
// table of ten bins and the expected calibration error, the mean gap
// between confidence and accuracy weighted by the bins' sizes (0: a
// confidence of 0.9 is right 90% of the time).
type Calibration struct {
	Bins []Bin
	ECE  float64
}

// Calibrate builds the reliability table of predictions and their
// confidences.
func Calibrate(truth, predicted []string, confidence []float64) *Calibration {
	c := &Calibration{Bins: make([]Bin, 10)}
	for i := range c.Bins {
		c.Bins[i].Lo, c.Bins[i].Hi = float64(i)/10, float64(i+1)/10
	}
	right := make([]int, 10)
	for i, p := range confidence {
		b := min(int(p*10), 9)
		c.Bins[b].N++
		c.Bins[b].Confidence += p
		if truth[i] == predicted[i] {
			right[b]++
		}
	}
	n := float64(len(confidence))
	for i := range c.Bins {
		b := &c.Bins[i]
		if b.N == 0 {
			continue
		}
		b.Confidence /= float64(b.N)
		b.Accuracy = float64(right[i]) / float64(b.N)
		c.ECE += float64(b.N) / n * math.Abs(b.Accuracy-b.Confidence)
	}
	return c
}

// Threshold returns the least confidence above which predictions were
// wrong at most maxError of the time (counting every prediction at or
// above it), and the share of predictions it keeps: the auto-dispatch
// threshold for "at most X% wrong". ok is false when no threshold keeps
// the error that low.
func Threshold(truth, predicted []string, confidence []float64, maxError float64) (threshold, kept float64, ok bool) {
	idx := make([]int, len(confidence))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return cmpDesc(confidence[a], confidence[b]) })
	wrong, best := 0, -1
	for n, i := range idx {
		if truth[i] != predicted[i] {
			wrong++
		}
		if float64(wrong) <= maxError*float64(n+1) && (n+1 == len(idx) || confidence[idx[n+1]] < confidence[i]) {
			best = n
		}
	}
	if best < 0 {
		return 0, 0, false
	}
	return confidence[idx[best]], float64(best+1) / float64(len(idx)), true
}

func cmpDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
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
