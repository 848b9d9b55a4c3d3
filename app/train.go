package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/jobs"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/text/classify"
)

// TrainOptions say what TrainModels learns from and keeps. Zero fields
// take the defaults.
type TrainOptions struct {
	Limit int // the most recently closed tickets learned from; default 200,000
	Min   int // fewer labelled examples than this: not trained; default 50
	Keep  int // versions of each model kept, the newest; default 5
}

func (o *TrainOptions) defaults() {
	if o.Limit <= 0 {
		o.Limit = 200000
	}
	if o.Min <= 0 {
		o.Min = 50
	}
	if o.Keep <= 0 {
		o.Keep = 5
	}
}

// ModelMetrics is what a stored model says of itself: what it learned from
// and how it did on messages held out of its training.
type ModelMetrics struct {
	Examples    int                `json:"examples"`
	Labels      int                `json:"labels"`
	HeldOut     int                `json:"held_out"`
	MacroF1     float64            `json:"macro_f1"`
	Accuracy    float64            `json:"accuracy"`
	PerLabelF1  map[string]float64 `json:"per_label_f1,omitempty"`
	Temperature float64            `json:"temperature"`
	Source      string             `json:"source"`
}

// TrainedModel says what a training stored.
type TrainedModel struct {
	Name     string        `json:"name"`
	Version  int64         `json:"version"`
	Examples int           `json:"examples"`
	Labels   int           `json:"labels"`
	Metrics  ModelMetrics  `json:"metrics"`
	Bytes    int           `json:"bytes"`
	Took     time.Duration `json:"-"`
}

// TrainModel trains the model called name from the examples with a
// held-out evaluation (classify.TrainEvaluated: its figures and the
// confidence temperature come from messages it did not learn from),
// stores it with those figures, keeps the newest keep versions,
// records the training in the audit log, and loads it. source says where
// the examples came from. A single label gives classify.ErrTooFewLabels.
// District admins and the system only.
func (s *Service) TrainModel(ctx context.Context, actor *org.User, name, source string, ex []classify.Example, keep int) (TrainedModel, error) {
	if err := kit.RequireDistrictAdmin(actor); err != nil {
		return TrainedModel{}, err
	}
	start := time.Now()
	m, rep, err := classify.TrainEvaluated(ex, classify.DefaultOptions())
	if err != nil {
		return TrainedModel{}, err
	}
	data, err := m.MarshalBinary()
	if err != nil {
		return TrainedModel{}, err
	}
	met := ModelMetrics{Examples: len(ex), Labels: len(m.Labels()), HeldOut: rep.N,
		MacroF1: round4(rep.MacroF1), Accuracy: round4(rep.Accuracy), Temperature: round4(m.Temperature()),
		Source: source, PerLabelF1: map[string]float64{}}
	for _, l := range rep.Labels {
		met.PerLabelF1[l.Label] = round4(l.F1)
	}
	mj, err := json.Marshal(met)
	if err != nil {
		return TrainedModel{}, err
	}
	tm := TrainedModel{Name: name, Examples: met.Examples, Labels: met.Labels, Metrics: met, Bytes: len(data)}
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		v, err := store.SaveModel(ctx, tx, name, data, string(mj), s.now())
		if err != nil {
			return err
		}
		tm.Version = v
		if _, err := store.PruneModels(ctx, tx, name, max(keep, 1)); err != nil {
			return err
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: "model", ObjectID: v, Action: "train", NoTimeline: true,
			Data: map[string]string{"model": name, "examples": strconv.Itoa(tm.Examples), "labels": strconv.Itoa(tm.Labels),
				"accuracy": strconv.FormatFloat(met.Accuracy, 'f', 4, 64)}})
		return err
	})
	if err != nil {
		return TrainedModel{}, err
	}
	tm.Took = time.Since(start)
	return tm, s.LoadModels(ctx)
}

func round4(x float64) float64 { return float64(int64(x*10000+0.5)) / 10000 }

// TrainModels trains the dispatch classifier's two models (first-level
// categories, handling units) from the most recently closed tickets, at
// most o.Limit of them (TrainModel each), so that the pages suggest
// categories and units at once. A model with fewer than o.Min examples, or
// with a single label, is not trained (no error). The demo seeds with it,
// `minsheng classify train` runs it, and the retraining job runs it when
// the suggestions drift.
func (s *Service) TrainModels(ctx context.Context, actor *org.User, o TrainOptions) ([]TrainedModel, error) {
	o.defaults()
	if err := kit.RequireDistrictAdmin(actor); err != nil {
		return nil, err
	}
	var ts []store.TrainingTicket
	if err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		ts, err = store.ListTrainingTickets(ctx, tx, o.Limit)
		return err
	}); err != nil {
		return nil, err
	}
	cats, units := TrainingExamples(ts)
	source := strconv.Itoa(len(ts)) + " closed tickets"
	var out []TrainedModel
	for _, j := range []struct {
		name string
		ex   []classify.Example
	}{{ModelCategory, cats}, {ModelUnit, units}} {
		if len(j.ex) < o.Min {
			continue
		}
		tm, err := s.TrainModel(ctx, actor, j.name, source, j.ex, o.Keep)
		if errors.Is(err, classify.ErrTooFewLabels) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, tm)
	}
	return out, nil
}

// Retraining when the suggestions drift: each night JobRetrainCheck
// compares the unit model's recent right-rate with its held-out accuracy
// (the drift check of SuggestionQuality); when it has drifted it enqueues
// JobRetrain, which retrains both models from the RetrainLimit most
// recently closed tickets — the recent ones are what the model lost touch
// with — outside any transaction. 20,000 tickets (seven months of the
// article's district) train in seconds, well within the time a job's
// work is given (three quarters of its lease); `minsheng classify train`
// learns from more when an admin wants it.
const (
	JobRetrainCheck = "classify.retrain_check"
	JobRetrain      = "classify.retrain"
	RetrainLimit    = 20000
)

// RunRetrainCheck is the nightly drift check, in the job's transaction.
func (s *Service) RunRetrainCheck(ctx context.Context, tx *store.Tx) error {
	now := s.now()
	d, err := s.driftCheck(ctx, tx, now)
	if err != nil || !d.Drifted {
		return err
	}
	s.log.Info("classifier drifted: retraining", "model_version", d.ModelVersion,
		"held_out_accuracy", *d.HeldOutAccuracy, "recent_right_rate", *d.Recent.RightRate)
	if s.jobs == nil {
		return nil
	}
	return s.jobs.Enqueue(ctx, tx, JobRetrain, fmt.Sprintf("retrain:%d", d.ModelVersion), []byte("{}"), now)
}

// RunRetrain retrains the models (the work of JobRetrain).
func (s *Service) RunRetrain(ctx context.Context, _ *jobs.Job) (jobs.Handler, error) {
	trained, err := s.TrainModels(ctx, kit.System(), TrainOptions{Limit: RetrainLimit})
	for _, tm := range trained {
		s.log.Info("model retrained", "model", tm.Name, "version", tm.Version, "examples", tm.Examples, "accuracy", tm.Metrics.Accuracy)
	}
	return nil, err
}
