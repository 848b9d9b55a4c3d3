package ui

import (
	"context"
	"strconv"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/org"
)

// This file shows, on the dispatch settings page and beside the
// automatic-dispatch threshold, how often the dispatch suggestions were
// right on the district's own tickets (app.SuggestionQuality): per
// suggested unit and first-level category, what the threshold means as an
// error rate, and a warning when the classifier has drifted. The figures
// are worked out here as the page prints them (percentages, with the
// counts beside every rate).

// qualityCell is one rate with its counts.
type qualityCell struct {
	Has            bool // some suggestion was decided
	Pct            float64
	Right, Decided int
	Pending, Total int
}

func cellOf(c app.QualityCount) qualityCell {
	q := qualityCell{Right: c.Right, Decided: c.Decided, Pending: c.Pending, Total: c.Decided + c.Pending}
	if c.RightRate != nil {
		q.Has, q.Pct = true, *c.RightRate*100
	}
	return q
}

// qualityRow is a unit's or a category's row.
type qualityRow struct {
	Name       string // "" for tickets without a category
	Routing    qualityCell
	Classifier qualityCell
}

func rowsOf(rs []app.QualityRow) []qualityRow {
	out := make([]qualityRow, 0, len(rs))
	for _, r := range rs {
		out = append(out, qualityRow{Name: r.Name, Routing: cellOf(r.Routing), Classifier: cellOf(r.Classifier)})
	}
	return out
}

// qualityTarget is "at most MaxPct% wrong: confidence ≥ Confidence".
type qualityTarget struct {
	MaxPct     float64
	OK         bool
	Confidence float64
	KeptPct    float64
}

// qualityView is what the page shows.
type qualityView struct {
	Days       int
	MinCases   int
	Routing    qualityCell
	Classifier qualityCell
	Units      []qualityRow
	Categories []qualityRow
	// The threshold: Off (0), else its value; Enough decided classifier
	// suggestions to judge it; AtOrAbove of them at or above it, ErrPct
	// wrong.
	Threshold string // as set: 0.90, 0.875
	Off       bool
	Enough    bool
	AtOrAbove int
	ErrPct    float64
	HasErr    bool
	Targets   []qualityTarget
	// Drift: shown when there were enough recent suggestions of the
	// newest model and it has a held-out accuracy.
	Drift                             bool
	DriftShown                        bool
	DriftDays, DriftN                 int
	DriftPct, HeldOutPct, DriftPoints float64
}

// thresholdText writes a threshold with two decimals, or more when it has
// them (0.90, 0.875).
func thresholdText(f float64) string {
	s := strconv.FormatFloat(f, 'f', 2, 64)
	if x, _ := strconv.ParseFloat(s, 64); x != f {
		s = strconv.FormatFloat(f, 'f', -1, 64)
	}
	return s
}

// quality measures the suggestions for the page: nil for those who may not
// see it (admins of a street).
func (u *UI) quality(ctx context.Context, me *org.User) (*qualityView, error) {
	q, err := u.svc.SuggestionQuality(ctx, me, app.QualityQuery{})
	if minsheng.IsCode(err, minsheng.EFORBIDDEN) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	v := &qualityView{Days: q.Days, MinCases: q.MinCases, Routing: cellOf(q.Routing), Classifier: cellOf(q.Classifier),
		Units: rowsOf(q.Units), Categories: rowsOf(q.Categories),
		Threshold: thresholdText(q.Threshold.Threshold), Off: q.Threshold.Threshold == 0, Enough: q.Threshold.Enough,
		AtOrAbove: q.Threshold.Decided, DriftDays: q.Drift.Days, DriftPoints: app.DriftPoints}
	if r := q.Threshold.ErrorRate; r != nil {
		v.HasErr, v.ErrPct = true, *r*100
	}
	for _, t := range q.Threshold.Targets {
		v.Targets = append(v.Targets, qualityTarget{MaxPct: t.MaxError * 100, OK: t.OK, Confidence: t.Confidence, KeptPct: t.Kept * 100})
	}
	if d := q.Drift; d.Enough && d.HeldOutAccuracy != nil && d.Recent.RightRate != nil {
		v.DriftShown, v.Drift = true, d.Drifted
		v.DriftN, v.DriftPct, v.HeldOutPct = d.Recent.Decided, *d.Recent.RightRate*100, *d.HeldOutAccuracy*100
	}
	return v, nil
}
