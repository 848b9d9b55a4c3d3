package app

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/text/classify"
)

// TrainedModel says what TrainModels stored.
type TrainedModel struct {
	Name     string `json:"name"`
	Version  int64  `json:"version"`
	Examples int    `json:"examples"`
	Labels   int    `json:"labels"`
}

// TrainModels trains the dispatch classifier's two models (first-level
// categories, handling units) from the most recently closed tickets, at
// most limit of them, stores them and loads them, so that the pages
// suggest categories and units at once. A model with fewer than minN
// examples, or with a single label, is not trained (no error). The demo
// seeds with it; `minsheng classify train` does the same with a held-out
// evaluation. District admins and the system only; each stored model is an
// audit entry.
func (s *Service) TrainModels(ctx context.Context, actor *org.User, limit, minN int) ([]TrainedModel, error) {
	if err := kit.RequireDistrictAdmin(actor); err != nil {
		return nil, err
	}
	var ts []store.TrainingTicket
	if err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		ts, err = store.ListTrainingTickets(ctx, tx, limit)
		return err
	}); err != nil {
		return nil, err
	}
	cats, units := TrainingExamples(ts)
	var out []TrainedModel
	for _, j := range []struct {
		name string
		ex   []classify.Example
	}{{ModelCategory, cats}, {ModelUnit, units}} {
		if len(j.ex) < max(minN, 1) {
			continue
		}
		m, err := classify.Train(j.ex, classify.DefaultOptions())
		if errors.Is(err, classify.ErrTooFewLabels) {
			continue
		}
		if err != nil {
			return nil, err
		}
		data, err := m.MarshalBinary()
		if err != nil {
			return nil, err
		}
		tm := TrainedModel{Name: j.name, Examples: len(j.ex), Labels: len(m.Labels())}
		meta, _ := json.Marshal(map[string]any{"examples": tm.Examples, "labels": tm.Labels, "source": strconv.Itoa(len(ts)) + " closed tickets"})
		err = s.db.Write(ctx, func(tx *store.Tx) error {
			v, err := store.SaveModel(ctx, tx, j.name, data, string(meta), s.now())
			if err != nil {
				return err
			}
			tm.Version = v
			_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: "model", ObjectID: tm.Version, Action: "train", NoTimeline: true,
				Data: map[string]string{"model": j.name, "examples": strconv.Itoa(tm.Examples), "labels": strconv.Itoa(tm.Labels)}})
			return err
		})
		if err != nil {
			return nil, err
		}
		out = append(out, tm)
	}
	return out, s.LoadModels(ctx)
}
