package app

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// ReturnReason is why a handling unit returns a ticket (退单).
type ReturnReason string

// Return reasons.
const (
	ReturnWrongArea   ReturnReason = "wrong_area"   // not in our area
	ReturnNotOurDuty  ReturnReason = "not_our_duty" // not our responsibility
	ReturnInfoMissing ReturnReason = "info_missing" // not enough information to act
	ReturnOther       ReturnReason = "other"
)

// ReturnReasons lists every return reason.
var ReturnReasons = []ReturnReason{ReturnWrongArea, ReturnNotOurDuty, ReturnInfoMissing, ReturnOther}

// TicketChange is what one action does to a loaded ticket, inside the
// transaction, before the ticket and its event are written. It may fill the
// event's unit, note and data.
type TicketChange func(ctx context.Context, tx *store.Tx, t *ticket.Ticket, e *ticket.Event, now time.Time) error

type change = TicketChange

// act is the one path every status change takes: load the ticket, check the
// actor and the transition, apply the change, and write the ticket (guarded
// by its version) and its event in one transaction.
func (s *Service) act(ctx context.Context, actor *org.User, ref string, a ticket.Action, note string, fn change) (*ticket.Ticket, error) {
	return s.actWithFiles(ctx, actor, ref, a, note, nil, fn)
}

// actWithFiles is act for actions that carry files: they are recorded with
// the action's event, in the same transaction.
func (s *Service) actWithFiles(ctx context.Context, actor *org.User, ref string, a ticket.Action, note string, files []Upload, fn change) (*ticket.Ticket, error) {
	ids, err := s.uploadIDs(ctx, files)
	if err != nil {
		return nil, err
	}
	var out *ticket.Ticket
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		t, err := s.loadVisible(ctx, tx, actor, ref)
		if err != nil {
			return err
		}
		if err := ticket.CheckActor(actor, t, a); err != nil {
			return err
		}
		out = t
		return s.apply(ctx, tx, t, actor.ID, a, note, files, ids, fn)
	})
	if err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "ticket changed", "ticket", out.Number, "action", a, "status", out.Status, "actor", actor.ID)
	m := out.Mask()
	return &m, nil
}

// apply checks that the action is allowed from the ticket's status, applies
// the change, and writes the ticket (guarded by its version), its event and
// the event's files. actorID is 0 for a resident acting with their
// tracking token.
func (s *Service) apply(ctx context.Context, tx *store.Tx, t *ticket.Ticket, actorID int64, a ticket.Action, note string, files []Upload, ids []int64, fn change) error {
	next, err := ticket.Next(t.Status, a)
	if err != nil {
		return err
	}
	before := *t
	now := s.now()
	e := &ticket.Event{TicketID: t.ID, At: now, ActorID: actorID, Action: a, FromStatus: t.Status, ToStatus: next, Note: note}
	t.Status = next
	if fn != nil {
		if err := fn(ctx, tx, t, e, now); err != nil {
			return err
		}
	}
	t.UpdatedAt = now
	t.Version++
	e.Seq = t.Version
	if err := store.UpdateTicket(ctx, tx, t); err != nil {
		return err
	}
	if err := store.InsertEvent(ctx, tx, e); err != nil {
		return err
	}
	if err := s.notifyEvent(ctx, tx, t, e); err != nil {
		return err
	}
	if err := s.runHooks(ctx, tx, t, e); err != nil {
		return err
	}
	if err := recordStats(ctx, tx, &before, t); err != nil {
		return err
	}
	if err := s.indexSearch(ctx, tx, &before, t); err != nil {
		return err
	}
	return insertUploads(ctx, tx, t.ID, e.Seq, actorID, now, files, ids)
}

// dispatchTo points the ticket at a handling unit, sets its deadlines by
// the deadline rules and schedules its reminders. After the allowed number
// of returns the assignment is final (审定).
func (s *Service) dispatchTo(ctx context.Context, tx *store.Tx, t *ticket.Ticket, e *ticket.Event, unitID int64, now time.Time) error {
	cfg, err := s.config(ctx)
	if err != nil {
		return err
	}
	if unitID <= 0 {
		return minsheng.FieldError("unit_id", "unit_id is required").Because("unit_required")
	}
	u, err := store.GetUnit(ctx, tx, unitID)
	if minsheng.IsCode(err, minsheng.ENOTFOUND) {
		return minsheng.FieldError("unit_id", "unit %d does not exist", unitID).Because("unit_unknown")
	}
	if err != nil {
		return err
	}
	if u.ParentID == 0 || u.Kind == org.KindCentre {
		return minsheng.FieldError("unit_id", "%s does not handle tickets; choose a street, community, grid or department", u.Name).Because("unit_not_handling")
	}
	if !u.Active {
		return minsheng.FieldError("unit_id", "%s is disabled", u.Name).Because("unit_disabled")
	}
	cp, err := categoryPath(ctx, tx, t.CategoryID)
	if err != nil {
		return err
	}
	t.UnitID, t.UnitPath = u.ID, u.Path
	t.DispatchedAt = &now
	t.AcknowledgedAt = nil
	t.ExtensionDays, t.SuperviseLevel = 0, 0
	t.SetDispatchDeadlines(cfg.cal, cfg.slaFor(t, cp), now)
	e.UnitID = u.ID
	e.Data = map[string]string{"unit": u.Name}
	if t.ReturnCount >= cfg.settings.MaxReturns && t.ReturnCount > 0 {
		t.FinalAssignment = true
		e.Data["final"] = "true"
	}
	return s.scheduleDeadlines(ctx, tx, t, cfg, now)
}

// Dispatch sends a registered ticket to a handling unit (派单).
func (s *Service) Dispatch(ctx context.Context, actor *org.User, ref string, unitID int64, note string) (*ticket.Ticket, error) {
	if err := ticket.CheckNote("note", note, false); err != nil {
		return nil, err
	}
	return s.act(ctx, actor, ref, ticket.ActionDispatch, note, func(ctx context.Context, tx *store.Tx, t *ticket.Ticket, e *ticket.Event, now time.Time) error {
		return s.dispatchTo(ctx, tx, t, e, unitID, now)
	})
}

// Redispatch sends a returned or reopened ticket to a handling unit again
// (改派), with new deadlines.
func (s *Service) Redispatch(ctx context.Context, actor *org.User, ref string, unitID int64, note string) (*ticket.Ticket, error) {
	if err := ticket.CheckNote("note", note, false); err != nil {
		return nil, err
	}
	return s.act(ctx, actor, ref, ticket.ActionRedispatch, note, func(ctx context.Context, tx *store.Tx, t *ticket.Ticket, e *ticket.Event, now time.Time) error {
		return s.dispatchTo(ctx, tx, t, e, unitID, now)
	})
}

// Acknowledge records that the handling unit has taken the ticket (签收).
func (s *Service) Acknowledge(ctx context.Context, actor *org.User, ref, note string) (*ticket.Ticket, error) {
	if err := ticket.CheckNote("note", note, false); err != nil {
		return nil, err
	}
	return s.act(ctx, actor, ref, ticket.ActionAcknowledge, note, func(_ context.Context, _ *store.Tx, t *ticket.Ticket, e *ticket.Event, now time.Time) error {
		t.AcknowledgedAt = &now
		e.UnitID = t.UnitID
		if t.AcknowledgeBy != nil && now.After(*t.AcknowledgeBy) {
			e.Data = map[string]string{"late": "true"}
		}
		return nil
	})
}

// Return sends a ticket back to the dispatchers with a reason (退单).
func (s *Service) Return(ctx context.Context, actor *org.User, ref string, reason ReturnReason, note string) (*ticket.Ticket, error) {
	if !validReason(reason) {
		return nil, minsheng.FieldError("reason", "reason must be one of wrong_area, not_our_duty, info_missing, other").Because("choose")
	}
	if err := ticket.CheckNote("note", note, true); err != nil {
		return nil, err
	}
	return s.act(ctx, actor, ref, ticket.ActionReturn, note, func(_ context.Context, _ *store.Tx, t *ticket.Ticket, e *ticket.Event, _ time.Time) error {
		if t.FinalAssignment {
			return &minsheng.Error{Code: minsheng.ECONFLICT, Status: string(ticket.StatusDispatched),
				Message: fmt.Sprintf("ticket %s has been returned %d times; this assignment is final (审定) and cannot be returned", t.Number, t.ReturnCount)}
		}
		e.UnitID = t.UnitID
		e.Data = map[string]string{"reason": string(reason)}
		t.ReturnCount++
		return nil
	})
}

func validReason(r ReturnReason) bool {
	for _, x := range ReturnReasons {
		if r == x {
			return true
		}
	}
	return false
}

// Reply records the handling unit's answer (办结回复), with optional photos
// of the result, and starts the callback deadline.
func (s *Service) Reply(ctx context.Context, actor *org.User, ref, text string, files ...Upload) (*ticket.Ticket, error) {
	if err := ticket.CheckNote("reply", text, true); err != nil {
		return nil, err
	}
	return s.actWithFiles(ctx, actor, ref, ticket.ActionReply, text, files, func(ctx context.Context, tx *store.Tx, t *ticket.Ticket, e *ticket.Event, now time.Time) error {
		cfg, err := s.config(ctx)
		if err != nil {
			return err
		}
		cp, err := categoryPath(ctx, tx, t.CategoryID)
		if err != nil {
			return err
		}
		t.Reply = text
		t.RepliedAt = &now
		t.ExtensionDays = 0
		t.SetCallbackDeadline(cfg.cal, cfg.slaFor(t, cp), now)
		e.UnitID = t.UnitID
		if t.ReplyBy != nil && now.After(*t.ReplyBy) {
			e.Data = map[string]string{"late": "true"}
		}
		return nil
	})
}

// ResolveAtIntake closes the loop on the call: the agent answered the
// caller directly (直接办结), typically an inquiry.
func (s *Service) ResolveAtIntake(ctx context.Context, actor *org.User, ref, answer string) (*ticket.Ticket, error) {
	if err := ticket.CheckNote("answer", answer, true); err != nil {
		return nil, err
	}
	return s.act(ctx, actor, ref, ticket.ActionResolveAtIntake, answer, func(_ context.Context, _ *store.Tx, t *ticket.Ticket, _ *ticket.Event, now time.Time) error {
		t.Reply = answer
		t.RepliedAt = &now
		return nil
	})
}

// CallbackResult is what the caller said when called back (回访).
type CallbackResult struct {
	Resolved     *bool               `json:"resolved"`
	Satisfaction ticket.Satisfaction `json:"satisfaction"`
	Note         string              `json:"note"`
}

// Callback records the caller's verdict on the outcome. It does not change
// the status: the dispatcher then closes the ticket or reopens it.
func (s *Service) Callback(ctx context.Context, actor *org.User, ref string, r CallbackResult) (*ticket.Ticket, error) {
	if r.Resolved == nil {
		return nil, minsheng.FieldError("resolved", "resolved (true or false) is required").Because("resolved")
	}
	if !r.Satisfaction.Valid() {
		return nil, minsheng.FieldError("satisfaction", "satisfaction must be one of satisfied, basically_satisfied, unsatisfied").Because("satisfaction")
	}
	if err := ticket.CheckNote("note", r.Note, false); err != nil {
		return nil, err
	}
	return s.act(ctx, actor, ref, ticket.ActionCallback, r.Note, func(_ context.Context, _ *store.Tx, t *ticket.Ticket, e *ticket.Event, now time.Time) error {
		t.Resolved = r.Resolved
		t.Satisfaction = r.Satisfaction
		t.CallbackAt = &now
		e.Data = map[string]string{"resolved": strconv.FormatBool(*r.Resolved), "satisfaction": string(r.Satisfaction)}
		return nil
	})
}

// Close ends a replied or resolved-at-intake ticket (结案).
func (s *Service) Close(ctx context.Context, actor *org.User, ref, note string) (*ticket.Ticket, error) {
	if err := ticket.CheckNote("note", note, false); err != nil {
		return nil, err
	}
	return s.act(ctx, actor, ref, ticket.ActionClose, note, func(_ context.Context, _ *store.Tx, t *ticket.Ticket, _ *ticket.Event, now time.Time) error {
		t.ClosedAt = &now
		return nil
	})
}

// Reopen sends a replied or closed ticket back to its handling unit to be
// done again (重办), usually after an unsatisfied callback. The unit gets a
// new reply deadline.
func (s *Service) Reopen(ctx context.Context, actor *org.User, ref, reason string) (*ticket.Ticket, error) {
	if err := ticket.CheckNote("reason", reason, true); err != nil {
		return nil, err
	}
	return s.act(ctx, actor, ref, ticket.ActionReopen, reason, func(ctx context.Context, tx *store.Tx, t *ticket.Ticket, e *ticket.Event, now time.Time) error {
		if t.UnitID == 0 {
			return &minsheng.Error{Code: minsheng.ECONFLICT, Status: string(e.FromStatus),
				Message: fmt.Sprintf("ticket %s was resolved at intake and has no handling unit to reopen it; register a new one", t.Number)}
		}
		cfg, err := s.config(ctx)
		if err != nil {
			return err
		}
		cp, err := categoryPath(ctx, tx, t.CategoryID)
		if err != nil {
			return err
		}
		t.ReopenCount++
		t.ClosedAt = nil
		reply := cfg.slaFor(t, cp).Reply.From(cfg.cal, now)
		t.ReplyBy = &reply
		t.CallbackBy = nil
		t.SuperviseLevel = 0
		e.UnitID = t.UnitID
		return s.scheduleDeadlines(ctx, tx, t, cfg, now)
	})
}

// Merge marks a registered ticket as a duplicate of another (重复件) and
// notes the merge on the parent's timeline too. The duplicate's caller is
// told by SMS which ticket carries their request, and from then on gets
// the parent's messages to callers (notifyEvent).
func (s *Service) Merge(ctx context.Context, actor *org.User, ref, parentRef, note string) (*ticket.Ticket, error) {
	if err := ticket.CheckNote("note", note, false); err != nil {
		return nil, err
	}
	if parentRef == "" {
		return nil, minsheng.FieldError("parent", "parent (the ticket to merge into) is required").Because("required")
	}
	return s.act(ctx, actor, ref, ticket.ActionMerge, note, func(ctx context.Context, tx *store.Tx, t *ticket.Ticket, e *ticket.Event, now time.Time) error {
		p, err := s.loadVisible(ctx, tx, actor, parentRef)
		if minsheng.IsCode(err, minsheng.ENOTFOUND) {
			return minsheng.FieldError("parent", "ticket %s not found", parentRef).Because("ticket_not_found")
		}
		if err != nil {
			return err
		}
		if p.ID == t.ID {
			return minsheng.FieldError("parent", "a ticket cannot be merged into itself").Because("merge_self")
		}
		if p.Status == ticket.StatusMerged || p.Status == ticket.StatusInvalid {
			return minsheng.FieldError("parent", "ticket %s is %s and cannot take duplicates", p.Number, p.Status).Because("merge_closed")
		}
		t.ParentID = p.ID
		e.Data = map[string]string{"parent": p.Number}
		before := *p
		p.UpdatedAt = now
		p.Version++
		if err := store.UpdateTicket(ctx, tx, p); err != nil {
			return err
		}
		if err := store.InsertEvent(ctx, tx, &ticket.Event{
			TicketID: p.ID, Seq: p.Version, At: now, ActorID: actor.ID, Action: ticket.ActionMerge,
			FromStatus: p.Status, ToStatus: p.Status, Note: note, Data: map[string]string{"child": t.Number},
		}); err != nil {
			return err
		}
		// The note is on the parent's timeline too, and found there.
		return s.indexSearch(ctx, tx, &before, p)
	})
}

// Invalidate marks a registered ticket as not a real request (无效件): a
// test call, harassment, no content.
func (s *Service) Invalidate(ctx context.Context, actor *org.User, ref, reason string) (*ticket.Ticket, error) {
	if err := ticket.CheckNote("reason", reason, true); err != nil {
		return nil, err
	}
	return s.act(ctx, actor, ref, ticket.ActionInvalidate, reason, nil)
}

// Attach adds files (photos, scans) with a note to a ticket's timeline.
func (s *Service) Attach(ctx context.Context, actor *org.User, ref, note string, files ...Upload) (*ticket.Ticket, error) {
	if len(files) == 0 {
		return nil, minsheng.FieldError("file", "attach at least one file").Because("no_file")
	}
	if err := ticket.CheckNote("note", note, false); err != nil {
		return nil, err
	}
	return s.actWithFiles(ctx, actor, ref, ticket.ActionAttach, note, files, nil)
}
