package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// Scheduler puts a background job in the jobs table inside the caller's
// transaction, so that the job exists if and only if the change that needs
// it is committed. A job with the same key as a pending one is not added
// twice.
type Scheduler interface {
	Enqueue(ctx context.Context, tx *store.Tx, kind, key string, payload []byte, runAt time.Time) error
}

// JobDeadline is the kind of the jobs that remind, supervise and escalate
// at a ticket's deadlines.
const JobDeadline = "ticket.deadline"

// Deadline steps.
const (
	stepRemind    = "remind"    // before the reply deadline
	stepSupervise = "supervise" // at the deadline
	stepEscalate  = "escalate"  // later, at the parent unit
)

// deadlineJob is the payload of a JobDeadline job. Due is the deadline it
// was scheduled for: if the ticket's deadline has moved since (an extension,
// a redispatch), the job does nothing.
type deadlineJob struct {
	TicketID int64     `json:"ticket_id"`
	Which    string    `json:"which"` // "acknowledge" or "reply"
	Step     string    `json:"step"`
	Due      time.Time `json:"due"`
}

// scheduleDeadlines enqueues the jobs for a ticket's current deadlines:
// supervision if it is not acknowledged in time, a reminder before the
// reply deadline, supervision at it, escalation after it.
func (s *Service) scheduleDeadlines(ctx context.Context, tx *store.Tx, t *ticket.Ticket, cfg *dispatchConfig, now time.Time) error {
	if s.jobs == nil {
		return nil
	}
	enqueue := func(which, step string, due, at time.Time) error {
		if at.Before(now) {
			at = now
		}
		b, _ := json.Marshal(deadlineJob{TicketID: t.ID, Which: which, Step: step, Due: due.UTC()})
		key := fmt.Sprintf("deadline:%d:%s:%s:%d", t.ID, which, step, due.Unix())
		return s.jobs.Enqueue(ctx, tx, JobDeadline, key, b, at)
	}
	if t.AcknowledgeBy != nil && t.Status == ticket.StatusDispatched {
		if err := enqueue("acknowledge", stepSupervise, *t.AcknowledgeBy, t.AcknowledgeBy.Add(time.Second)); err != nil {
			return err
		}
	}
	if t.ReplyBy == nil {
		return nil
	}
	due := *t.ReplyBy
	if h := cfg.settings.RemindBeforeHours; h > 0 {
		if at := cfg.cal.SubWorkingHours(due, h); at.After(now) {
			if err := enqueue("reply", stepRemind, due, at); err != nil {
				return err
			}
		}
	}
	if err := enqueue("reply", stepSupervise, due, due.Add(time.Second)); err != nil {
		return err
	}
	return enqueue("reply", stepEscalate, due, cfg.cal.Due(due, cfg.settings.EscalateAfterDays).Add(time.Second))
}

// RunDeadlineJob is the handler of JobDeadline jobs. It runs inside the
// job's transaction: the reminder or supervision event is written together
// with the job's completion, so it happens exactly once. A job whose ticket
// has moved on (answered, deadline changed) does nothing.
func (s *Service) RunDeadlineJob(ctx context.Context, tx *store.Tx, payload []byte) error {
	var j deadlineJob
	if err := json.Unmarshal(payload, &j); err != nil {
		return fmt.Errorf("deadline job payload: %w", err)
	}
	t, err := store.GetTicket(ctx, tx, j.TicketID)
	if err != nil {
		return err
	}
	var due *time.Time
	var waiting bool
	switch j.Which {
	case "acknowledge":
		due, waiting = t.AcknowledgeBy, t.Status == ticket.StatusDispatched
	case "reply":
		due = t.ReplyBy
		waiting = t.Status == ticket.StatusDispatched || t.Status == ticket.StatusAcknowledged || t.Status == ticket.StatusReopened
	default:
		return fmt.Errorf("deadline job: unknown deadline %q", j.Which)
	}
	if !waiting || due == nil || !due.Equal(j.Due) {
		return nil // answered in time, or the deadline moved
	}
	data := map[string]string{"auto": "true", "deadline": j.Which, "due": j.Due.Format(time.RFC3339)}
	switch j.Step {
	case stepRemind:
		return s.apply(ctx, tx, t, 0, ticket.ActionRemind, "", nil, nil, func(_ context.Context, _ *store.Tx, t *ticket.Ticket, e *ticket.Event, _ time.Time) error {
			e.UnitID, e.Data = t.UnitID, data
			return nil
		})
	case stepSupervise:
		// The level counts supervisions of the reply deadline only.
		if j.Which == "reply" && t.SuperviseLevel >= 1 {
			return nil
		}
		return s.apply(ctx, tx, t, 0, ticket.ActionSupervise, "", nil, nil, func(_ context.Context, _ *store.Tx, t *ticket.Ticket, e *ticket.Event, _ time.Time) error {
			if j.Which == "reply" {
				t.SuperviseLevel = 1
			}
			data["level"] = "1"
			e.UnitID, e.Data = t.UnitID, data
			return nil
		})
	case stepEscalate:
		if t.SuperviseLevel >= 2 {
			return nil
		}
		unit, err := store.GetUnit(ctx, tx, t.UnitID)
		if err != nil {
			return err
		}
		target := unit
		if unit.ParentID != 0 {
			if target, err = store.GetUnit(ctx, tx, unit.ParentID); err != nil {
				return err
			}
		}
		return s.apply(ctx, tx, t, 0, ticket.ActionSupervise, "", nil, nil, func(_ context.Context, _ *store.Tx, t *ticket.Ticket, e *ticket.Event, _ time.Time) error {
			t.SuperviseLevel = 2
			data["level"] = "2"
			data["escalated_to"] = target.Name
			e.UnitID, e.Data = target.ID, data
			return nil
		})
	}
	return fmt.Errorf("deadline job: unknown step %q", j.Step)
}

// Supervise records a leader's or dispatcher's supervision (督办) of a
// ticket with a note: a timeline event that the handling unit sees.
func (s *Service) Supervise(ctx context.Context, actor *org.User, ref, note string) (*ticket.Ticket, error) {
	if err := ticket.CheckNote("note", note, true); err != nil {
		return nil, err
	}
	return s.act(ctx, actor, ref, ticket.ActionSupervise, note, func(_ context.Context, _ *store.Tx, t *ticket.Ticket, e *ticket.Event, _ time.Time) error {
		e.UnitID = t.UnitID
		return nil
	})
}

// Remind records a reminder (催办) to the handling unit.
func (s *Service) Remind(ctx context.Context, actor *org.User, ref, note string) (*ticket.Ticket, error) {
	if err := ticket.CheckNote("note", note, false); err != nil {
		return nil, err
	}
	return s.act(ctx, actor, ref, ticket.ActionRemind, note, func(_ context.Context, _ *store.Tx, t *ticket.Ticket, e *ticket.Event, _ time.Time) error {
		e.UnitID = t.UnitID
		return nil
	})
}

// RequestExtension asks for more working days to reply (延期申请). It must
// be asked before the reply deadline, within the district's limits, and
// only one request may wait at a time.
func (s *Service) RequestExtension(ctx context.Context, actor *org.User, ref string, days int, reason string) (*ticket.Ticket, error) {
	if err := ticket.CheckNote("reason", reason, true); err != nil {
		return nil, err
	}
	cfg, err := s.config(ctx)
	if err != nil {
		return nil, err
	}
	if days < 1 || days > cfg.settings.MaxExtensionDays {
		return nil, minsheng.FieldError("days", "days must be between 1 and %d working days", cfg.settings.MaxExtensionDays).Because("out_of_range")
	}
	return s.act(ctx, actor, ref, ticket.ActionRequestExtension, reason, func(_ context.Context, _ *store.Tx, t *ticket.Ticket, e *ticket.Event, now time.Time) error {
		switch {
		case t.ExtensionDays > 0:
			return &minsheng.Error{Code: minsheng.ECONFLICT, Status: string(e.FromStatus), Message: "an extension request is already waiting for a decision"}
		case t.ExtensionCount >= cfg.settings.MaxExtensions:
			return &minsheng.Error{Code: minsheng.ECONFLICT, Status: string(e.FromStatus),
				Message: fmt.Sprintf("ticket %s has had %d extension(s), the most allowed", t.Number, t.ExtensionCount)}
		case t.ReplyBy == nil || !now.Before(*t.ReplyBy):
			return &minsheng.Error{Code: minsheng.ECONFLICT, Status: string(e.FromStatus), Message: "an extension must be asked before the reply deadline"}
		}
		t.ExtensionDays = days
		e.UnitID = t.UnitID
		e.Data = map[string]string{"days": strconv.Itoa(days)}
		return nil
	})
}

// DecideExtension approves or refuses a waiting extension request. An
// approved one moves the reply deadline by the days asked, on the working
// calendar, and reschedules the reminders.
func (s *Service) DecideExtension(ctx context.Context, actor *org.User, ref string, approve bool, note string) (*ticket.Ticket, error) {
	a := ticket.ActionRefuseExtension
	if approve {
		a = ticket.ActionApproveExtension
	}
	if err := ticket.CheckNote("note", note, !approve); err != nil {
		return nil, err
	}
	return s.act(ctx, actor, ref, a, note, func(ctx context.Context, tx *store.Tx, t *ticket.Ticket, e *ticket.Event, now time.Time) error {
		if t.ExtensionDays == 0 {
			return &minsheng.Error{Code: minsheng.ECONFLICT, Status: string(e.FromStatus), Message: "no extension request is waiting"}
		}
		days := t.ExtensionDays
		t.ExtensionDays = 0
		e.UnitID = t.UnitID
		e.Data = map[string]string{"days": strconv.Itoa(days)}
		if !approve {
			return nil
		}
		cfg, err := s.config(ctx)
		if err != nil {
			return err
		}
		from := now
		if t.ReplyBy != nil {
			from = *t.ReplyBy
		}
		reply := cfg.cal.Due(from, days)
		t.ReplyBy = &reply
		t.ExtensionCount++
		t.SuperviseLevel = 0
		e.Data["reply_by"] = reply.Format(time.RFC3339)
		return s.scheduleDeadlines(ctx, tx, t, cfg, now)
	})
}

// ScheduleOpenDeadlines makes sure every ticket in a unit's hands has its
// deadline jobs, for tickets written without a scheduler (the demo, a bulk
// load, an older version). Jobs are keyed, so scheduling twice adds
// nothing. It returns how many tickets it looked at.
func (s *Service) ScheduleOpenDeadlines(ctx context.Context) (int, error) {
	if s.jobs == nil {
		return 0, nil
	}
	cfg, err := s.config(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	var after *time.Time
	var afterID int64
	for {
		var page []*ticket.Ticket
		err := s.db.Read(ctx, func(tx *store.Tx) error {
			var err error
			page, err = store.ListTickets(ctx, tx, store.TicketFilter{
				Statuses:     []ticket.Status{ticket.StatusDispatched, ticket.StatusAcknowledged, ticket.StatusReopened},
				AfterCreated: after, AfterID: afterID, Limit: 500})
			return err
		})
		if err != nil {
			return n, err
		}
		if len(page) == 0 {
			return n, nil
		}
		now := s.now()
		err = s.db.Write(ctx, func(tx *store.Tx) error {
			for _, t := range page {
				if err := s.scheduleDeadlines(ctx, tx, t, cfg, now); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return n, err
		}
		n += len(page)
		last := page[len(page)-1]
		after, afterID = &last.CreatedAt, last.ID
	}
}
