package app

import (
	"context"
	"sync"
	"time"

	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/text/classify"
	"github.com/minsheng/minsheng/text/replycheck"
	"github.com/minsheng/minsheng/ticket"
)

// The dispatch classifier's models, as `minsheng classify train` stores
// them: labels are first-level category codes and handling unit codes.
const (
	ModelCategory = "classify.category"
	ModelUnit     = "classify.unit"
)

// modelTTL is how long a loaded model is used before the database is asked
// whether a newer version was trained (in the background).
const modelTTL = 5 * time.Minute

// loadedModel is a model in memory.
type loadedModel struct {
	model   *classify.Model // nil: none stored (or it does not load)
	version int64
	checked time.Time // zero: never checked
	loading bool
}

// modelCache holds the classifier's models. A request never waits for a
// model: it uses what is loaded (nothing at first) and, when the copy is
// older than modelTTL, starts a reload in the background.
type modelCache struct {
	mu     sync.Mutex
	models map[string]*loadedModel
}

// model returns the loaded model of the name (nil if none yet), starting a
// background reload when due.
func (s *Service) model(name string) *classify.Model {
	m, _ := s.modelVersion(name)
	return m
}

// modelVersion is model with the loaded model's version.
func (s *Service) modelVersion(name string) (*classify.Model, int64) {
	c := &s.text.models
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.models == nil {
		c.models = map[string]*loadedModel{}
	}
	m := c.models[name]
	if m == nil {
		m = &loadedModel{}
		c.models[name] = m
	}
	if !m.loading && s.clock.Now().Sub(m.checked) >= modelTTL {
		m.loading = true
		s.goBackground(func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if err := s.reloadModel(ctx, name); err != nil {
				s.log.Warn("load model", "model", name, "err", err)
			}
		})
	}
	return m.model, m.version
}

// LoadModels loads the classifier's newest models now (at start, after a
// retraining, in tests); requests otherwise pick up new versions within
// modelTTL. A model that is not stored is no error: no suggestions.
func (s *Service) LoadModels(ctx context.Context) error {
	for _, name := range []string{ModelCategory, ModelUnit} {
		c := &s.text.models
		c.mu.Lock()
		if c.models == nil {
			c.models = map[string]*loadedModel{}
		}
		if c.models[name] == nil {
			c.models[name] = &loadedModel{}
		}
		c.models[name].loading = true
		c.mu.Unlock()
		if err := s.reloadModel(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

// reloadModel reads the named model if a newer version was stored, and
// clears the entry's loading flag.
func (s *Service) reloadModel(ctx context.Context, name string) (err error) {
	c := &s.text.models
	c.mu.Lock()
	have := c.models[name].version
	c.mu.Unlock()
	var m *classify.Model
	var version int64
	defer func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		e := c.models[name]
		e.loading, e.checked = false, s.clock.Now()
		if err == nil && version != have {
			e.model, e.version = m, version
		}
	}()
	return s.db.Read(ctx, func(tx *store.Tx) error {
		v, err := store.LatestModelVersion(ctx, tx, name)
		if err != nil || v == have {
			version = v
			return err
		}
		stored, err := store.LoadModel(ctx, tx, name)
		if err != nil {
			return err
		}
		if m, err = classify.Load(stored.Bytes); err != nil {
			s.log.WarnContext(ctx, "stored model does not load", "model", name, "version", stored.Version, "err", err)
			m = nil
		}
		version = stored.Version
		return nil
	})
}

// Suggestion is a category or handling unit the classifier proposes.
type Suggestion struct {
	ID         int64   `json:"id"` // 0: the label is no longer a category or unit of the district
	Code       string  `json:"code"`
	Name       string  `json:"name"`
	Confidence float64 `json:"confidence"`
}

// Suggestions are the classifier's top three first-level categories and
// handling units for a ticket, most likely first.
type Suggestions struct {
	Categories []Suggestion `json:"categories"`
	Units      []Suggestion `json:"units"`
}

// names are the district's categories and units, to name the labels.
type names struct {
	cats  []*ticket.Category
	units []*org.Unit
}

func loadNames(ctx context.Context, tx *store.Tx) (*names, error) {
	var n names
	var err error
	if n.cats, err = store.ListCategories(ctx, tx); err != nil {
		return nil, err
	}
	if n.units, err = store.ListUnits(ctx, tx, ""); err != nil {
		return nil, err
	}
	return &n, nil
}

// suggest predicts the ticket's category and unit; nil when no model is
// loaded.
func (s *Service) suggest(ctx context.Context, tx *store.Tx, t *ticket.Ticket) (*Suggestions, error) {
	if s.model(ModelCategory) == nil && s.model(ModelUnit) == nil {
		return nil, nil
	}
	n, err := loadNames(ctx, tx)
	if err != nil {
		return nil, err
	}
	return s.suggestNamed(t, n), nil
}

// suggestNamed predicts with the loaded models; nil when none is loaded.
func (s *Service) suggestNamed(t *ticket.Ticket, n *names) *Suggestions {
	cm, um := s.model(ModelCategory), s.model(ModelUnit)
	if cm == nil && um == nil {
		return nil
	}
	out := &Suggestions{Categories: []Suggestion{}, Units: []Suggestion{}}
	if cm != nil {
		cats := n.cats
		for _, p := range top3(cm.Predict(t.Title, t.Description)) {
			sg := Suggestion{Code: p.Label, Name: p.Label, Confidence: p.Confidence}
			for _, c := range cats {
				if c.Code == p.Label {
					sg.ID, sg.Name = c.ID, c.Name
				}
			}
			out.Categories = append(out.Categories, sg)
		}
	}
	if um != nil {
		units := n.units
		for _, p := range top3(um.Predict(t.Title, t.Description)) {
			sg := Suggestion{Code: p.Label, Name: p.Label, Confidence: p.Confidence}
			for _, u := range units {
				if u.Code == p.Label {
					sg.ID, sg.Name = u.ID, u.Name
				}
			}
			out.Units = append(out.Units, sg)
		}
	}
	return out
}

// Hints are what the text features say about a ticket in a list: the
// suggestions for one who may dispatch it now, the reply check of a
// replied one. Both nil: nothing to say.
type Hints struct {
	Suggestions *Suggestions
	ReplyCheck  *replycheck.Result
}

// ListHints returns the hints for each ticket of a list the user sees (the
// dispatch console's rows), in the list's order. Predictions take tens of
// microseconds; with no model loaded there are no suggestions.
func (s *Service) ListHints(ctx context.Context, actor *org.User, list []ticket.Ticket) ([]Hints, error) {
	out := make([]Hints, len(list))
	var n *names
	for i := range list {
		t := &list[i]
		if t.Status == ticket.StatusReplied {
			out[i].ReplyCheck = checkReply(t)
		}
		if !mayDispatch(actor, t) {
			continue
		}
		if n == nil {
			if s.model(ModelCategory) == nil && s.model(ModelUnit) == nil {
				continue
			}
			err := s.db.Read(ctx, func(tx *store.Tx) error {
				var err error
				n, err = loadNames(ctx, tx)
				return err
			})
			if err != nil {
				return nil, err
			}
		}
		out[i].Suggestions = s.suggestNamed(t, n)
	}
	return out, nil
}

// mayDispatch reports whether the user may dispatch or redispatch the
// ticket now.
func mayDispatch(actor *org.User, t *ticket.Ticket) bool {
	for _, a := range ticket.AvailableActions(t.Status, actor) {
		if (a == ticket.ActionDispatch || a == ticket.ActionRedispatch) && ticket.CheckActor(actor, t, a) == nil {
			return true
		}
	}
	return false
}

func top3(ps []classify.Prediction) []classify.Prediction {
	return ps[:min(3, len(ps))]
}

// checkReply reviews a ticket's reply (replycheck): whether it addresses
// the request, has substance and came in time.
func checkReply(t *ticket.Ticket) *replycheck.Result {
	var deadline, at time.Time
	if t.ReplyBy != nil {
		deadline = *t.ReplyBy
	}
	if t.RepliedAt != nil {
		at = *t.RepliedAt
	}
	r := replycheck.NewChecker(replycheck.DefaultConfig(), nil).Check(t.Title, t.Description, t.Reply, deadline, at)
	if r.Reasons == nil {
		r.Reasons = []replycheck.Reason{}
	}
	return &r
}

// addTextViews adds what the text features say about a ticket to its view:
// the classifier's suggestions for those who may dispatch it now, the
// reply check while a reply awaits review.
func (s *Service) addTextViews(ctx context.Context, tx *store.Tx, actor *org.User, t *ticket.Ticket, v *TicketView) error {
	for _, a := range v.Actions {
		if a == ticket.ActionDispatch || a == ticket.ActionRedispatch {
			sg, err := s.suggest(ctx, tx, t)
			if err != nil {
				return err
			}
			v.Suggestions = sg
			break
		}
	}
	if t.Status == ticket.StatusRegistered && mayDispatch(actor, t) {
		d, err := s.duplicates(ctx, tx, func(o *ticket.Ticket) bool { return ticket.Visible(actor, o) }, t)
		if err != nil {
			return err
		}
		v.Duplicates = d
	}
	if t.Status == ticket.StatusReplied {
		v.ReplyCheck = checkReply(t)
	}
	return nil
}

// classifierGuess is the handling unit the classifier predicts for a new
// request: recorded with the ticket (classifier_suggestions), and
// dispatched to when its confidence reaches the threshold.
type classifierGuess struct {
	unitID  int64 // 0: no model, or its label is no unit that handles tickets
	conf    float64
	version int64 // the unit model's version
	auto    bool  // sure enough to dispatch without a dispatcher
}

// guessUnit returns the handling unit the classifier predicts for a new
// request, with its confidence, when a unit model is loaded and the label
// is a unit that handles tickets; auto when the confidence is at least
// threshold (0: off). It never waits for a model (none loaded: no guess)
// and never fails: a registration does not depend on it. It reads the
// units in a transaction of its own, so that nothing here can break the
// registering one.
func (s *Service) guessUnit(ctx context.Context, title, description string, threshold float64) classifierGuess {
	m, version := s.modelVersion(ModelUnit)
	if m == nil {
		return classifierGuess{}
	}
	label, conf := func() (label string, conf float64) {
		defer func() {
			if r := recover(); r != nil {
				s.log.ErrorContext(ctx, "unit model failed", "panic", r)
				label, conf = "", 0
			}
		}()
		return m.Best(title, description)
	}()
	if label == "" {
		return classifierGuess{}
	}
	var units []*org.Unit
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		units, err = store.ListUnits(ctx, tx, "")
		return err
	})
	if err != nil {
		s.log.WarnContext(ctx, "classifier suggestion skipped", "err", err)
		return classifierGuess{}
	}
	for _, u := range units {
		if u.Code == label && u.ParentID != 0 && u.Kind != org.KindCentre {
			return classifierGuess{unitID: u.ID, conf: conf, version: version,
				auto: threshold > 0 && conf >= threshold && u.Active}
		}
	}
	return classifierGuess{}
}
