package app

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/text/classify"
	"github.com/minsheng/minsheng/ticket"
)

// Categorize sets or corrects a ticket's category (分类): the agent while
// taking the request in, the dispatcher until the ticket is closed (the
// lifecycle table, ticket.RoleMayIn). The event on the timeline names the
// old and the new category; the routing rules suggest a handling unit for
// the new one; deadlines already running are computed again by the new
// category's deadline rules (recomputeDeadlines).
func (s *Service) Categorize(ctx context.Context, actor *org.User, ref string, categoryID int64, note string) (*ticket.Ticket, error) {
	if err := ticket.CheckNote("note", note, false); err != nil {
		return nil, err
	}
	return s.act(ctx, actor, ref, ticket.ActionCategorize, note, s.categorize(categoryID))
}

// categorize is the change of Categorize.
func (s *Service) categorize(categoryID int64) change {
	return func(ctx context.Context, tx *store.Tx, t *ticket.Ticket, e *ticket.Event, now time.Time) error {
		if categoryID <= 0 {
			return minsheng.FieldError("category_id", "choose a category").Because("category_choose")
		}
		c, err := activeCategory(ctx, tx, categoryID)
		if err != nil {
			return err
		}
		if c.ID == t.CategoryID {
			return minsheng.FieldError("category_id", "the ticket is already filed under %s", c.Name).Because("category_same")
		}
		e.Data = map[string]string{"category": c.Code, "category_name": c.Name}
		if t.CategoryID != 0 {
			old, err := store.GetCategory(ctx, tx, t.CategoryID)
			if err != nil {
				return err
			}
			e.Data["from"], e.Data["from_name"] = old.Code, old.Name
		}
		t.CategoryID = c.ID
		cfg, err := s.config(ctx)
		if err != nil {
			return err
		}
		// The routing rules suggest a unit for the new category.
		t.SuggestedUnitID = 0
		cfg.route(t, c.Path)
		if t.SuggestedUnitID != 0 {
			e.Data["suggested_unit_id"] = strconv.FormatInt(t.SuggestedUnitID, 10)
			if u, err := store.GetUnit(ctx, tx, t.SuggestedUnitID); err == nil {
				e.Data["suggested_unit"] = u.Name
			}
		}
		changed, err := s.recomputeDeadlines(ctx, tx, t, cfg, c.Path)
		if err != nil || !changed {
			return err
		}
		for k, v := range map[string]*time.Time{"acknowledge_by": t.AcknowledgeBy, "reply_by": t.ReplyBy, "callback_by": t.CallbackBy} {
			if v != nil {
				e.Data[k] = v.UTC().Format(time.RFC3339)
			}
		}
		return s.scheduleDeadlines(ctx, tx, t, cfg, now)
	}
}

// recomputeDeadlines sets the deadlines that are running again, by the
// deadline rules of the ticket's (new) category, from the moments they
// started: the acknowledge and reply deadlines from the last dispatch (the
// reply deadline of a reopened ticket from the reopening), the callback
// deadline from the reply. An approved extension (延期) was a decision
// about a date: a ticket that had one keeps its reply deadline. It
// reports whether a deadline changed; a changed reply deadline starts its
// supervision afresh.
func (s *Service) recomputeDeadlines(ctx context.Context, tx *store.Tx, t *ticket.Ticket, cfg *dispatchConfig, catPath string) (bool, error) {
	sla := cfg.slaFor(t, catPath)
	before := [3]*time.Time{t.AcknowledgeBy, t.ReplyBy, t.CallbackBy}
	switch t.Status {
	case ticket.StatusDispatched, ticket.StatusAcknowledged:
		if t.DispatchedAt == nil {
			break
		}
		if t.Status == ticket.StatusDispatched {
			ack := sla.Acknowledge.From(cfg.cal, *t.DispatchedAt)
			t.AcknowledgeBy = &ack
		}
		if t.ExtensionCount == 0 {
			reply := sla.Reply.From(cfg.cal, *t.DispatchedAt)
			t.ReplyBy = &reply
		}
	case ticket.StatusReopened:
		if t.ExtensionCount > 0 {
			break
		}
		events, err := store.ListEvents(ctx, tx, t.ID)
		if err != nil {
			return false, err
		}
		for i := len(events) - 1; i >= 0; i-- {
			if events[i].Action == ticket.ActionReopen {
				reply := sla.Reply.From(cfg.cal, events[i].At)
				t.ReplyBy = &reply
				break
			}
		}
	case ticket.StatusReplied, ticket.StatusResolvedAtIntake:
		if t.RepliedAt != nil && t.CallbackAt == nil {
			t.SetCallbackDeadline(cfg.cal, sla, *t.RepliedAt)
		}
	}
	after := [3]*time.Time{t.AcknowledgeBy, t.ReplyBy, t.CallbackBy}
	changed := false
	for i := range before {
		changed = changed || !sameTime(before[i], after[i])
	}
	if !sameTime(before[1], after[1]) {
		t.SuperviseLevel = 0
	}
	return changed, nil
}

func sameTime(a, b *time.Time) bool {
	return a == nil && b == nil || a != nil && b != nil && a.Equal(*b)
}

// DispatchInput is a dispatch (派单) with, optionally, the category the
// dispatcher sets or corrects at the same time.
type DispatchInput struct {
	UnitID     int64  `json:"unit_id"`
	CategoryID int64  `json:"category_id,omitempty"`
	Note       string `json:"note"`
}

// DispatchWith dispatches a registered ticket and, when in.CategoryID is
// set and differs from the ticket's, first files it under that category:
// two events (categorize, dispatch) in one transaction, so the deadlines of
// the dispatch follow the new category and either both happen or neither.
func (s *Service) DispatchWith(ctx context.Context, actor *org.User, ref string, in DispatchInput) (*ticket.Ticket, error) {
	if err := ticket.CheckNote("note", in.Note, false); err != nil {
		return nil, err
	}
	if in.CategoryID < 0 {
		return nil, minsheng.FieldError("category_id", "choose a category").Because("category_choose")
	}
	var out *ticket.Ticket
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		t, err := s.loadVisible(ctx, tx, actor, ref)
		if err != nil {
			return err
		}
		if in.CategoryID != 0 && in.CategoryID != t.CategoryID {
			if err := ticket.CheckActor(actor, t, ticket.ActionCategorize); err != nil {
				return err
			}
			if err := s.apply(ctx, tx, t, actor.ID, ticket.ActionCategorize, "", nil, nil, s.categorize(in.CategoryID)); err != nil {
				return err
			}
		}
		if err := ticket.CheckActor(actor, t, ticket.ActionDispatch); err != nil {
			return err
		}
		out = t
		return s.apply(ctx, tx, t, actor.ID, ticket.ActionDispatch, in.Note, nil, nil,
			func(ctx context.Context, tx *store.Tx, t *ticket.Ticket, e *ticket.Event, now time.Time) error {
				return s.dispatchTo(ctx, tx, t, e, in.UnitID, now)
			})
	})
	if err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "ticket changed", "ticket", out.Number, "action", ticket.ActionDispatch, "status", out.Status, "actor", actor.ID)
	m := out.Mask()
	return &m, nil
}

// MinCategoryHint is the least confidence at which the classifier's first
// category is preselected for a resident (SuggestCategory).
const MinCategoryHint = 0.2

// SuggestCategory returns the category the classifier finds most likely
// for a request's text, to preselect it on the portal: 0 when no model is
// loaded, the text is too short, or the classifier is not sure enough.
// It reads no personal data and writes nothing.
func (s *Service) SuggestCategory(ctx context.Context, text string) (int64, error) {
	text = strings.TrimSpace(text)
	m := s.model(ModelCategory)
	if m == nil || utf8.RuneCountInString(text) < 4 {
		return 0, nil
	}
	best := top3(m.Predict("", text))
	if len(best) == 0 || best[0].Confidence < MinCategoryHint {
		return 0, nil
	}
	var id int64
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		cats, err := store.ListCategories(ctx, tx)
		for _, c := range cats {
			if c.Code == best[0].Label && c.Active {
				id = c.ID
			}
		}
		return err
	})
	return id, err
}

// PrivateCategories returns the categories whose requests are not
// published (marked private, or below one that is), for the portal to say
// so beside them.
func (s *Service) PrivateCategories(ctx context.Context) (map[int64]bool, error) {
	out := map[int64]bool{}
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		cats, err := store.ListCategories(ctx, tx)
		if err != nil {
			return err
		}
		settings, err := store.ListServiceSettings(ctx, tx)
		if err != nil {
			return err
		}
		marked := map[string]bool{} // paths of the categories marked private
		for _, c := range cats {
			if settings[c.ID].Private {
				marked[c.Path] = true
			}
		}
		for _, c := range cats {
			for p := range marked {
				if strings.HasPrefix(c.Path, p) {
					out[c.ID] = true
				}
			}
		}
		return nil
	})
	return out, err
}

// activeCategory reads a category a ticket may be filed under: EINVALID on
// category_id when it does not exist or is no longer in use.
func activeCategory(ctx context.Context, tx *store.Tx, id int64) (*ticket.Category, error) {
	c, err := store.GetCategory(ctx, tx, id)
	if minsheng.IsCode(err, minsheng.ENOTFOUND) {
		return nil, minsheng.FieldError("category_id", "category %d does not exist", id).Because("category_unknown")
	}
	if err != nil {
		return nil, err
	}
	if !c.Active {
		return nil, minsheng.FieldError("category_id", "category %s is no longer in use", c.Name).Because("category_disabled")
	}
	return c, nil
}

// usableCategory is activeCategory read on the read pool, before a
// registration's transaction; nil without a category (id 0).
func (s *Service) usableCategory(ctx context.Context, id int64) (c *ticket.Category, err error) {
	if id == 0 {
		return nil, nil
	}
	err = s.db.ReadAlone(ctx, func(tx *store.Tx) error {
		c, err = activeCategory(ctx, tx, id)
		return err
	})
	return c, err
}

// TrainingExamples turns closed tickets into the examples of the
// category model (first-level category codes) and of the unit model
// (handling unit codes); a ticket without either is left out of that one.
func TrainingExamples(ts []store.TrainingTicket) (cats, units []classify.Example) {
	for _, t := range ts {
		if t.CategoryCode != "" {
			cats = append(cats, classify.Example{Title: t.Title, Body: t.Description, Label: t.CategoryCode})
		}
		if t.UnitCode != "" {
			units = append(units, classify.Example{Title: t.Title, Body: t.Description, Label: t.UnitCode})
		}
	}
	return cats, units
}
