// Package classify is the dispatch classifier: from a request's title and
// description it predicts a label — the first-level category, or the
// handling unit — with a confidence and the runners-up, so that agents and
// dispatchers see a suggestion and the platform can dispatch on its own
// above a confidence the district chooses.
//
// The model is linear, one-vs-rest L2-loss SVMs over TF-IDF weighted
// character n-grams (Chinese characters, pairs and triples of them, words
// and number classes; see package text), trained by dual coordinate
// descent. It is pure Go, trains on ten thousand messages in seconds and
// classifies tens of thousands of messages a second on one core. Models
// are values: Train makes one, MarshalBinary/UnmarshalBinary store and load
// it, Predict is safe for concurrent use.
package classify

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"sync"
)

// Example is one labelled message to learn from.
type Example struct {
	Title, Body string
	Label       string
}

// Prediction is one label with the model's confidence in it, between 0
// and 1; the confidences of all labels sum to 1.
type Prediction struct {
	Label      string  `json:"label"`
	Confidence float64 `json:"confidence"`
}

// Options are the settings of training. Start from DefaultOptions and
// change what you need; a zero MaxN, MinDF, TitleWeight, C, Epochs, Limit or
// Temperature means its default.
type Options struct {
	MaxN        int     // longest n-gram, in units (default 3)
	MinDF       int     // n-grams in fewer training messages are not features
	TitleWeight float64 // a title n-gram counts this many times
	C           float64 // SVM cost: higher fits the training data more closely
	Epochs      int     // most passes of coordinate descent
	Limit       int     // characters read from a title or body
	// NBSmooth, when positive, scales each feature for each label by the
	// naive-Bayes log-count ratio of the feature between the label and the
	// rest (Wang & Manning 2012, "NBSVM"), smoothed by adding NBSmooth;
	// NBMix in [0,1] says how much of the ratio to use.
	NBSmooth float64
	NBMix    float64
	// Prune drops features whose weights are all smaller than this after
	// training, which keeps a min-df-1 model as small as a min-df-2 one
	// while keeping the rare n-grams that matter.
	Prune float64
	// WordLen is the longest word looked for in the training text (see
	// words.go); a negative value turns word features off. They are off
	// by default: on this data they gained 0.0006 of grouped macro-F1 for
	// twice the training time (docs/text.md). A sequence is
	// a word when it occurs at least WordMinFreq times, its cohesion is at
	// least WordCohesion and the entropy of its neighbours on each side at
	// least WordEntropy (nats).
	WordLen      int
	WordMinFreq  int
	WordCohesion float64
	WordEntropy  float64
	// Temperature scales decision values before the softmax that turns
	// them into confidences. TrainEvaluated fits it on held-out messages.
	Temperature float64
	Seed        uint64 // for the order of coordinate descent
}

// DefaultOptions are the settings chosen by 5-fold cross-validation on the
// TipDM 2020 message-board data (see docs/text.md).
func DefaultOptions() Options {
	return Options{MaxN: 3, MinDF: 1, TitleWeight: 2, C: 2, Epochs: 30, Limit: 3000,
		NBSmooth: 0.03, NBMix: 0.5, Prune: 0.04, Temperature: 4,
		WordLen: -1, WordMinFreq: 5, WordCohesion: 20, WordEntropy: 1}
}

func (o *Options) fill() {
	d := DefaultOptions()
	if o.MaxN <= 0 {
		o.MaxN = d.MaxN
	}
	o.MaxN = min(o.MaxN, 8)
	if o.MinDF <= 0 {
		o.MinDF = d.MinDF
	}
	if o.TitleWeight <= 0 {
		o.TitleWeight = d.TitleWeight
	}
	if o.C <= 0 {
		o.C = d.C
	}
	if o.Epochs <= 0 {
		o.Epochs = d.Epochs
	}
	if o.Limit <= 0 {
		o.Limit = d.Limit
	}
	if o.WordLen == 0 {
		o.WordLen = d.WordLen
	}
	if o.WordLen == 1 {
		o.WordLen = 2
	}
	o.WordLen = min(o.WordLen, 8)
	if o.WordMinFreq <= 0 {
		o.WordMinFreq = d.WordMinFreq
	}
	if o.WordCohesion <= 0 {
		o.WordCohesion = d.WordCohesion
	}
	if o.WordEntropy <= 0 {
		o.WordEntropy = d.WordEntropy
	}
	if o.Temperature <= 0 {
		o.Temperature = d.Temperature
	}
	o.NBMix = min(max(o.NBMix, 0), 1)
}

// Model is a trained classifier.
type Model struct {
	opt    Options
	labels []string
	table  table // feature hash → index
	// words is the lexicon found in the training text (sequence hashes,
	// sorted) and lexicon its look-up table; nil when words are off.
	words   []uint64
	lexicon *table
	idf     []float32 // per feature
	w       []float32 // feature-major: w[f*K+k]
	b       []float32 // per label
	// temp scales scores before the softmax that turns them into
	// confidences; fitted on held-out scores in Train.
	temp float32

	scratch sync.Pool
}

// ErrTooFewLabels is returned by Train when the examples carry fewer than
// two labels: there is nothing to choose between.
var ErrTooFewLabels = errors.New("classify: need examples of at least two labels")

// Train learns a model from the examples. Examples with an empty label are
// skipped; a message with no usable text still counts (it teaches the
// label's prior).
func Train(examples []Example, opt Options) (*Model, error) {
	opt.fill()
	labelIdx := map[string]int{}
	var labels []string
	for _, e := range examples {
		if e.Label == "" {
			continue
		}
		if _, ok := labelIdx[e.Label]; !ok {
			labelIdx[e.Label] = len(labels)
			labels = append(labels, e.Label)
		}
	}
	if len(labels) < 2 {
		return nil, ErrTooFewLabels
	}
	sort.Strings(labels)
	for i, l := range labels {
		labelIdx[l] = i
	}

	m := &Model{opt: opt, labels: labels, temp: float32(opt.Temperature)}
	if opt.WordLen >= 2 {
		m.setWords(discoverWords(examples, &m.opt))
	}
	// Pass 1: document frequencies of hashed n-grams.
	var c counter
	df := map[uint64]int32{}
	seen := map[uint64]struct{}{}
	for _, e := range examples {
		if e.Label == "" {
			continue
		}
		m.extract(&c, e.Title, e.Body)
		clear(seen)
		for _, h := range c.hs {
			if _, ok := seen[h]; !ok {
				seen[h] = struct{}{}
				df[h]++
			}
		}
	}
	var keys []uint64
	for h, n := range df {
		if int(n) >= opt.MinDF {
			keys = append(keys, h)
		}
	}
	slices.Sort(keys)
	nDocs := 0
	for _, e := range examples {
		if e.Label != "" {
			nDocs++
		}
	}
	m.idf = make([]float32, len(keys))
	for i, h := range keys {
		m.idf[i] = float32(1 + math.Log(float64(1+nDocs)/float64(1+df[h])))
	}
	m.table = newTable(keys)

	// Pass 2: vectors.
	docs := make([]sparse, 0, nDocs)
	y := make([]int, 0, nDocs)
	var z vectorizer
	for _, e := range examples {
		if e.Label == "" {
			continue
		}
		m.extract(&c, e.Title, e.Body)
		d := z.vectorize(&c, &m.table, m.idf, sparse{})
		docs = append(docs, d)
		y = append(y, labelIdx[e.Label])
	}

	m.trainLabels(docs, y, len(keys))
	if opt.Prune > 0 {
		m.prune(keys, float32(opt.Prune))
	}
	return m, nil
}

// trainLabels fits one binary SVM per label (that label against the rest),
// two at a time on two cores.
func (m *Model) trainLabels(docs []sparse, y []int, dim int) {
	opt := m.opt
	K := len(m.labels)
	m.w = make([]float32, dim*K)
	m.b = make([]float32, K)
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for k := 0; k < K; k++ {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			ys := make([]int8, len(y))
			cost := make([]float64, len(y))
			for i, l := range y {
				ys[i] = -1
				if l == k {
					ys[i] = 1
				}
				cost[i] = opt.C
			}
			val := make([][]float32, len(docs))
			var scale []float64
			if opt.NBSmooth > 0 {
				scale = nbScale(docs, ys, dim, opt.NBSmooth, opt.NBMix)
				all := make([]float32, 0, totalLen(docs))
				for i, d := range docs {
					start := len(all)
					for kk, j := range d.idx {
						all = append(all, d.val[kk]*float32(scale[j]))
					}
					val[i] = all[start:len(all):len(all)]
				}
			} else {
				for i, d := range docs {
					val[i] = d.val
				}
			}
			w, b, _ := trainBinary(docs, val, ys, cost, dim, opt.Epochs, 0.01, opt.Seed+uint64(k))
			for j, v := range w {
				if scale != nil {
					v *= scale[j]
				}
				m.w[j*K+k] = float32(v)
			}
			m.b[k] = float32(b)
		}()
	}
	wg.Wait()
}

func totalLen(docs []sparse) int {
	n := 0
	for _, d := range docs {
		n += len(d.idx)
	}
	return n
}

// nbScale returns, per feature, 1−mix+mix·|r| where r is the smoothed
// log ratio of the feature's share of the positive examples' mass to its
// share of the negative ones'. Scaling a feature up lowers its
// regularisation: features typical of one side may take larger weights.
func nbScale(docs []sparse, y []int8, dim int, smooth, mix float64) []float64 {
	p := make([]float64, dim)
	q := make([]float64, dim)
	for i, d := range docs {
		acc := q
		if y[i] > 0 {
			acc = p
		}
		for k, j := range d.idx {
			acc[j] += float64(d.val[k])
		}
	}
	var sp, sq float64
	for j := range p {
		p[j] += smooth
		q[j] += smooth
		sp += p[j]
		sq += q[j]
	}
	for j := range p {
		r := math.Log((p[j] / sp) / (q[j] / sq))
		p[j] = 1 - mix + mix*math.Abs(r)
	}
	return p
}

// setWords installs a lexicon (nil or empty: no word features).
func (m *Model) setWords(words []uint64) {
	m.words, m.lexicon = nil, nil
	if len(words) > 0 {
		t := newTable(words)
		m.words, m.lexicon = words, &t
	}
}

// Words returns how many words the model's lexicon holds.
func (m *Model) Words() int { return len(m.words) }

// Labels returns the labels the model knows, sorted.
func (m *Model) Labels() []string { return slices.Clone(m.labels) }

type predictScratch struct {
	c      counter
	z      vectorizer
	doc    sparse
	scores []float32
}

func (m *Model) getScratch() *predictScratch {
	if s, ok := m.scratch.Get().(*predictScratch); ok {
		return s
	}
	return &predictScratch{scores: make([]float32, len(m.labels))}
}

// Scores returns the raw decision value of each label (in the order of
// Labels) for a message.
func (m *Model) scores(s *predictScratch, title, body string) []float32 {
	m.extract(&s.c, title, body)
	s.doc = s.z.vectorize(&s.c, &m.table, m.idf, s.doc)
	K := len(m.labels)
	sc := s.scores[:K]
	copy(sc, m.b)
	for i, j := range s.doc.idx {
		v := s.doc.val[i]
		row := m.w[int(j)*K : int(j)*K+K]
		for k := range sc {
			sc[k] += row[k] * v
		}
	}
	return sc
}

// Predict returns every label with its confidence, most likely first. The
// first three are the suggestions to show. Empty or meaningless text
// gives the labels in the order of the model's bias, with low confidence.
func (m *Model) Predict(title, body string) []Prediction {
	s := m.getScratch()
	defer m.scratch.Put(s)
	sc := m.scores(s, title, body)
	out := make([]Prediction, len(sc))
	var mx float32 = -math.MaxFloat32
	for _, v := range sc {
		mx = max(mx, v)
	}
	var sum float64
	for k, v := range sc {
		e := math.Exp(float64(m.temp * (v - mx)))
		out[k] = Prediction{Label: m.labels[k], Confidence: e}
		sum += e
	}
	for k := range out {
		out[k].Confidence /= sum
	}
	slices.SortStableFunc(out, func(a, b Prediction) int {
		switch {
		case a.Confidence > b.Confidence:
			return -1
		case a.Confidence < b.Confidence:
			return 1
		}
		return 0
	})
	return out
}

// Best returns the most likely label and its confidence; it allocates
// nothing, for bulk use.
func (m *Model) Best(title, body string) (string, float64) {
	s := m.getScratch()
	defer m.scratch.Put(s)
	sc := m.scores(s, title, body)
	best := 0
	for k, v := range sc {
		if v > sc[best] {
			best = k
		}
	}
	var sum float64
	for _, v := range sc {
		sum += math.Exp(float64(m.temp * (v - sc[best])))
	}
	return m.labels[best], 1 / sum
}

// String describes the model briefly.
func (m *Model) String() string {
	return fmt.Sprintf("classify.Model{%d labels, %d features, %d words}", len(m.labels), len(m.idf), len(m.words))
}

// prune drops the features whose weights are all below tau in magnitude.
func (m *Model) prune(keys []uint64, tau float32) {
	K := len(m.labels)
	var kept []uint64
	var idf, w []float32
	for j, h := range keys {
		row := m.w[j*K : j*K+K]
		var mx float32
		for _, v := range row {
			mx = max(mx, v, -v)
		}
		if mx < tau {
			continue
		}
		kept = append(kept, h)
		idf = append(idf, m.idf[j])
		w = append(w, row...)
	}
	m.table = newTable(kept)
	m.idf, m.w = idf, w
}

// Temperature is the factor applied to decision values before the softmax
// that gives confidences.
func (m *Model) Temperature() float64 { return float64(m.temp) }
