package app

import (
	"context"
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/text/classify"
	"github.com/minsheng/minsheng/ticket"
)

// This file measures how often the dispatch suggestions were right on the
// deployment's own tickets: the routing rules' unit (tickets.
// suggested_unit_id) and the classifier's (classifier_suggestions,
// recorded at registration). A suggestion is right when the unit that
// acknowledged the ticket is the suggested one, wrong when another unit
// acknowledged it (the dispatcher chose another, or the suggested unit
// returned it and it went elsewhere), and pending while no unit has
// acknowledged it. From the classifier's outcomes by confidence it says
// what the automatic-dispatch threshold means ("at most X% wrong"), and it
// warns when the classifier has drifted below its held-out accuracy.

const (
	// DefaultQualityDays and MaxQualityDays bound the period measured.
	DefaultQualityDays = 90
	MaxQualityDays     = 366
	// MinQualityCases is the fewest decided suggestions a rate is judged
	// on: with fewer, the page says there is too little data.
	MinQualityCases = 50
	// DriftDays is the recent window compared with the model's held-out
	// accuracy, and DriftPoints how far below it (in points) is drift.
	DriftDays   = 30
	DriftPoints = 5.0
)

// QualityTargets are the error rates for which the threshold is worked out.
var QualityTargets = []float64{0.02, 0.05, 0.10}

// QualityQuery is the period measured: the last Days days (default 90).
type QualityQuery struct {
	Days int
}

// QualityCount is what became of a set of suggestions. RightRate is
// Right ÷ Decided, nil when none was decided.
type QualityCount struct {
	Decided   int      `json:"decided"`
	Right     int      `json:"right"`
	Pending   int      `json:"pending"`
	RightRate *float64 `json:"right_rate"`
}

func (c *QualityCount) add(outcome string, n int) {
	switch outcome {
	case store.OutcomeRight:
		c.Right += n
		c.Decided += n
	case store.OutcomeWrong:
		c.Decided += n
	default:
		c.Pending += n
	}
	c.RightRate = nil
	if c.Decided > 0 {
		r := float64(c.Right) / float64(c.Decided)
		c.RightRate = &r
	}
}

// QualityRow is the quality of the suggestions of one unit (the suggested
// one) or one first-level category (the ticket's), by source.
type QualityRow struct {
	ID         int64        `json:"id"` // 0: tickets without a category
	Code       string       `json:"code"`
	Name       string       `json:"name"`
	Routing    QualityCount `json:"routing"`
	Classifier QualityCount `json:"classifier"`
}

// ThresholdTarget is the least confidence at which the classifier's
// suggestions were wrong at most MaxError of the time in the period, and
// the share of its decided suggestions at or above it; OK false when no
// confidence kept the errors that low.
type ThresholdTarget struct {
	MaxError   float64 `json:"max_error"`
	OK         bool    `json:"ok"`
	Confidence float64 `json:"confidence,omitempty"`
	Kept       float64 `json:"kept,omitempty"`
}

// ThresholdQuality says what the automatic-dispatch threshold means on the
// period's record: how many decided classifier suggestions were at or
// above it and how many of those were wrong. Enough is false when fewer
// than MinQualityCases were decided at all; the figures are then not
// worked out. ErrorRate is nil, too, when fewer than MinQualityCases were
// at or above the threshold.
type ThresholdQuality struct {
	Threshold float64           `json:"threshold"` // the setting; 0: automatic dispatch is off
	Enough    bool              `json:"enough"`
	Decided   int               `json:"decided"` // decided suggestions at or above the threshold (all when off)
	Wrong     int               `json:"wrong"`
	ErrorRate *float64          `json:"error_rate"`
	Targets   []ThresholdTarget `json:"targets"`
}

// DriftCheck compares the classifier's right-rate over the last DriftDays
// days, on the suggestions of the newest unit model, with the accuracy the
// model had on held-out messages when it was trained. Drifted is true when
// there were enough decided suggestions and the rate is more than
// DriftPoints points below that accuracy: time to retrain (`minsheng
// classify train`).
type DriftCheck struct {
	ModelVersion    int64        `json:"model_version"` // 0: no unit model stored
	HeldOutAccuracy *float64     `json:"held_out_accuracy"`
	Days            int          `json:"days"`
	Recent          QualityCount `json:"recent"`
	Enough          bool         `json:"enough"`
	Drifted         bool         `json:"drifted"`
}

// SuggestionQuality is how often the dispatch suggestions were right over
// a period, by unit and by first-level category.
type SuggestionQuality struct {
	From       time.Time        `json:"from"`
	To         time.Time        `json:"to"`
	Days       int              `json:"days"`
	MinCases   int              `json:"min_cases"`
	Routing    QualityCount     `json:"routing"`
	Classifier QualityCount     `json:"classifier"`
	Units      []QualityRow     `json:"units"`
	Categories []QualityRow     `json:"categories"`
	Threshold  ThresholdQuality `json:"threshold"`
	Drift      DriftCheck       `json:"drift"`
}

// confidenceMilli is a confidence in thousandths, rounded down (a tiny
// epsilon keeps 0.9 from becoming 899).
func confidenceMilli(c float64) int {
	return int(math.Floor(c*1000 + 1e-9))
}

// SuggestionQuality measures the dispatch suggestions of the tickets
// registered in the last q.Days days (default 90, at most 366: EINVALID on
// "days"). District admins only.
func (s *Service) SuggestionQuality(ctx context.Context, actor *org.User, q QualityQuery) (*SuggestionQuality, error) {
	if err := kit.RequireDistrictAdmin(actor); err != nil {
		return nil, err
	}
	if q.Days == 0 {
		q.Days = DefaultQualityDays
	}
	if q.Days < 1 || q.Days > MaxQualityDays {
		return nil, minsheng.FieldError("days", "days must be from 1 to %d", MaxQualityDays)
	}
	cfg, err := s.config(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := &SuggestionQuality{From: now.AddDate(0, 0, -q.Days), To: now, Days: q.Days, MinCases: MinQualityCases,
		Units: []QualityRow{}, Categories: []QualityRow{}}
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		n, err := loadNames(ctx, tx)
		if err != nil {
			return err
		}
		routing, err := store.CountRoutingOutcomes(ctx, tx, out.From, out.To)
		if err != nil {
			return err
		}
		classifier, err := store.CountClassifierOutcomes(ctx, tx, out.From, out.To, 0)
		if err != nil {
			return err
		}
		out.tabulate(n, routing, classifier)
		byConf, err := store.CountClassifierConfidence(ctx, tx, out.From, out.To)
		if err != nil {
			return err
		}
		out.Threshold = thresholdQuality(cfg.settings.AutoDispatchConfidence, byConf)
		out.Drift, err = s.driftCheck(ctx, tx, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// tabulate adds the counts up by unit and by first-level category.
func (q *SuggestionQuality) tabulate(n *names, routing, classifier []store.OutcomeCount) {
	units := map[int64]*QualityRow{}
	cats := map[int64]*QualityRow{}
	unit := func(id int64) *QualityRow {
		if units[id] == nil {
			r := &QualityRow{ID: id}
			for _, u := range n.units {
				if u.ID == id {
					r.Code, r.Name = u.Code, u.Name
				}
			}
			units[id] = r
		}
		return units[id]
	}
	catByID := map[int64]*ticket.Category{}
	for _, c := range n.cats {
		catByID[c.ID] = c
	}
	category := func(id int64) *QualityRow {
		// The first level: the first id on the category's path.
		if c := catByID[id]; c != nil {
			first, _, _ := strings.Cut(strings.TrimPrefix(c.Path, "/"), "/")
			if root, err := strconv.ParseInt(first, 10, 64); err == nil && catByID[root] != nil {
				id = root
			}
		}
		if cats[id] == nil {
			r := &QualityRow{ID: id}
			if c := catByID[id]; c != nil {
				r.Code, r.Name = c.Code, c.Name
			}
			cats[id] = r
		}
		return cats[id]
	}
	for _, c := range routing {
		q.Routing.add(c.Outcome, c.N)
		unit(c.UnitID).Routing.add(c.Outcome, c.N)
		category(c.CategoryID).Routing.add(c.Outcome, c.N)
	}
	for _, c := range classifier {
		q.Classifier.add(c.Outcome, c.N)
		unit(c.UnitID).Classifier.add(c.Outcome, c.N)
		category(c.CategoryID).Classifier.add(c.Outcome, c.N)
	}
	q.Units, q.Categories = sortedRows(units), sortedRows(cats)
}

// sortedRows lists the rows, most suggestions first.
func sortedRows(m map[int64]*QualityRow) []QualityRow {
	out := make([]QualityRow, 0, len(m))
	for _, r := range m {
		out = append(out, *r)
	}
	total := func(r QualityRow) int {
		return r.Routing.Decided + r.Routing.Pending + r.Classifier.Decided + r.Classifier.Pending
	}
	sort.Slice(out, func(i, j int) bool {
		if a, b := total(out[i]), total(out[j]); a != b {
			return a > b
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// thresholdQuality works out what the threshold means from the decided
// classifier suggestions by confidence, and the confidences for the
// target error rates (classify.Threshold), when there are enough.
func thresholdQuality(threshold float64, byConf []store.OutcomeCount) ThresholdQuality {
	tq := ThresholdQuality{Threshold: threshold, Targets: []ThresholdTarget{}}
	var truth, pred []string
	var conf []float64
	minMilli := confidenceMilli(threshold)
	for _, c := range byConf {
		if c.Outcome == store.OutcomePending {
			continue
		}
		p := float64(c.ConfidenceMilli) / 1000
		label := "right"
		if c.Outcome == store.OutcomeWrong {
			label = "wrong"
		}
		for range c.N {
			truth, pred, conf = append(truth, "right"), append(pred, label), append(conf, p)
		}
		if c.ConfidenceMilli >= minMilli {
			tq.Decided += c.N
			if c.Outcome == store.OutcomeWrong {
				tq.Wrong += c.N
			}
		}
	}
	tq.Enough = len(conf) >= MinQualityCases
	if !tq.Enough {
		return tq
	}
	if tq.Decided >= MinQualityCases {
		r := float64(tq.Wrong) / float64(tq.Decided)
		tq.ErrorRate = &r
	}
	for _, maxErr := range QualityTargets {
		t := ThresholdTarget{MaxError: maxErr}
		if th, kept, ok := classify.Threshold(truth, pred, conf, maxErr); ok {
			t.OK, t.Confidence, t.Kept = true, th, kept
		}
		tq.Targets = append(tq.Targets, t)
	}
	return tq
}

// unitModelMetrics is what a stored unit model says of its held-out
// evaluation (`minsheng classify train` stores it).
type unitModelMetrics struct {
	Accuracy *float64 `json:"accuracy"`
}

// driftCheck compares the newest unit model's recent right-rate with its
// held-out accuracy.
func (s *Service) driftCheck(ctx context.Context, tx *store.Tx, now time.Time) (DriftCheck, error) {
	d := DriftCheck{Days: DriftDays}
	models, err := store.ListModels(ctx, tx, ModelUnit)
	if err != nil || len(models) == 0 {
		return d, err
	}
	m := models[0]
	d.ModelVersion = m.Version
	var met unitModelMetrics
	if json.Unmarshal([]byte(m.Metrics), &met) == nil && met.Accuracy != nil && *met.Accuracy > 0 {
		d.HeldOutAccuracy = met.Accuracy
	}
	counts, err := store.CountClassifierOutcomes(ctx, tx, now.AddDate(0, 0, -DriftDays), now, m.Version)
	if err != nil {
		return d, err
	}
	for _, c := range counts {
		d.Recent.add(c.Outcome, c.N)
	}
	d.Enough = d.Recent.Decided >= MinQualityCases
	d.Drifted = d.Enough && d.HeldOutAccuracy != nil && (*d.HeldOutAccuracy-*d.Recent.RightRate)*100 > DriftPoints
	return d, nil
}
