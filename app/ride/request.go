package ride

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/jobs"
	"github.com/minsheng/minsheng/org"
	rd "github.com/minsheng/minsheng/ride"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// NewRide is what the hotline books: the request, and optionally the
// weekdays it recurs on (every Tuesday and Thursday for dialysis).
type NewRide struct {
	rd.Request
	Repeat *rd.Repeat `json:"repeat,omitempty"`
}

// RequestFromTicket books the rides a hotline work order asks for: the
// ride (and every ride of its series, and the way back of a round trip),
// each linked to the ticket, in one transaction; the ticket's timeline
// says so. Agents and the desk book; the ticket must be visible to them.
// Nothing is written on bad input (EINVALID naming the field).
func (s *Service) RequestFromTicket(ctx context.Context, actor *org.User, ref string, in NewRide) ([]*View, error) {
	if err := kit.Require(actor, org.RoleAgent, org.RoleDispatcher); err != nil {
		return nil, err
	}
	in.Normalize()
	now := s.now()
	if err := in.Validate(now); err != nil {
		return nil, err
	}
	times := []time.Time{in.PickupAt}
	if in.Repeat != nil {
		var err error
		if times, err = in.Repeat.Expand(in.PickupAt); err != nil {
			return nil, err
		}
	}
	var out []*View
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		t, err := s.tickets.LoadVisibleTx(ctx, tx, actor, ref)
		if err != nil {
			return err
		}
		if t.Status == ticket.StatusMerged || t.Status == ticket.StatusInvalid || t.Status == ticket.StatusClosed {
			return &minsheng.Error{Code: minsheng.ECONFLICT, Status: string(t.Status),
				Message: fmt.Sprintf("ticket %s is %s: book rides from an open ticket", t.Number, t.Status)}
		}
		var series int64
		for _, at := range times {
			r, err := s.insert(ctx, tx, actor, t, in.Request, at, series, 0)
			if err != nil {
				return err
			}
			if series == 0 && len(times) > 1 {
				series = r.ID
				r.SeriesID = r.ID
				r.Version++
				if err := store.UpdateRide(ctx, tx, r); err != nil {
					return err
				}
			}
			out = append(out, &View{Ride: mask(r), TicketNumber: t.Number})
			if in.ReturnAt != nil {
				back := in.Request
				back.Pickup, back.Destination, back.AppointmentAt = in.Destination, in.Pickup, nil
				backAt := at.Add(in.ReturnAt.Sub(in.PickupAt))
				rb, err := s.insert(ctx, tx, actor, t, back, backAt, series, r.ID)
				if err != nil {
					return err
				}
				out = append(out, &View{Ride: mask(rb), TicketNumber: t.Number})
			}
		}
		note := fmt.Sprintf("爱心车队：已登记用车 %d 趟，首趟 %s 从%s到%s", len(out),
			in.PickupAt.In(calendar.China).Format("2006-01-02 15:04"), in.Pickup, in.Destination)
		return s.feedTicket(ctx, tx, actor.ID, t, note, false)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// insert writes one requested ride at the time, links it to the ticket,
// records it and schedules its unmet-need check.
func (s *Service) insert(ctx context.Context, tx *store.Tx, actor *org.User, t *ticket.Ticket, req rd.Request, at time.Time, series, returnOf int64) (*rd.Ride, error) {
	id, err := tx.NextID(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	req.PickupAt = at.UTC()
	if req.AppointmentAt != nil {
		appt := at.Add(req.AppointmentAt.Sub(req.PickupAt)).UTC()
		req.AppointmentAt = &appt
	}
	req.ReturnAt = nil
	person, _, err := store.RegistryPerson(ctx, tx, req.RiderPhone)
	if err != nil {
		return nil, err
	}
	r := &rd.Ride{ID: id, Status: rd.StatusRequested, Version: 1, SeriesID: series, ReturnOf: returnOf, TicketID: t.ID,
		PersonID: person, Request: req, CreatedAt: now, CreatedBy: actor.ID, UpdatedAt: now}
	if err := store.InsertRide(ctx, tx, r); err != nil {
		return nil, err
	}
	if err := s.tickets.LinkTx(ctx, tx, actor, t, ObjectRide, r.ID, "origin"); err != nil {
		return nil, err
	}
	data := map[string]string{"ticket": t.Number, "purpose": string(r.Purpose), "passengers": strconv.Itoa(r.Passengers),
		"pickup_at": r.PickupAt.In(calendar.China).Format("2006-01-02 15:04"), "wheelchair": strconv.FormatBool(r.Wheelchair)}
	if series != 0 {
		data["series"] = strconv.FormatInt(series, 10)
	}
	if returnOf != 0 {
		data["return_of"] = strconv.FormatInt(returnOf, 10)
	}
	if person != 0 {
		data["person"] = strconv.FormatInt(person, 10)
	}
	if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectRide, ObjectID: r.ID, Action: "request", Data: data}); err != nil {
		return nil, err
	}
	_, err = jobs.Enqueue(ctx, tx, jobs.Spec{Kind: JobUnmet, Key: "ride:unmet:" + strconv.FormatInt(r.ID, 10),
		Payload: jobPayload{Ride: r.ID}, RunAt: s.unmetAt(r)})
	return r, err
}

// unmetAt is when a ride nobody took becomes unmet need.
func (s *Service) unmetAt(r *rd.Ride) time.Time { return r.PickupAt.Add(-s.cfg.UnmetLead) }

// feedTicket writes a note on the ride's ticket: an attachment-less event
// on its timeline, or, when resolve is set and the ticket is still at the
// hotline (registered), the answer that resolves it at intake, which the
// dispatcher then closes after the callback. A ticket whose status allows
// neither is left alone.
func (s *Service) feedTicket(ctx context.Context, tx *store.Tx, actorID int64, t *ticket.Ticket, note string, resolve bool) error {
	if resolve && t.Status == ticket.StatusRegistered {
		return s.tickets.ActTx(ctx, tx, t, actorID, ticket.ActionResolveAtIntake, note, nil, nil,
			func(_ context.Context, _ *store.Tx, t *ticket.Ticket, _ *ticket.Event, now time.Time) error {
				t.Reply, t.RepliedAt = note, &now
				return nil
			})
	}
	if !ticket.Allowed(t.Status, ticket.ActionAttach) {
		return nil
	}
	return s.tickets.ActTx(ctx, tx, t, actorID, ticket.ActionAttach, note, nil, nil, nil)
}

// feedRideTicket feeds the ride's ticket (if it has one).
func (s *Service) feedRideTicket(ctx context.Context, tx *store.Tx, actorID int64, r *rd.Ride, note string, resolve bool) error {
	if r.TicketID == 0 {
		return nil
	}
	t, err := store.GetTicket(ctx, tx, r.TicketID)
	if err != nil {
		return err
	}
	if resolve {
		// Resolve only when this was the ticket's last ride still to run.
		rs, err := store.ListRides(ctx, tx, store.RideFilter{TicketID: r.TicketID, Limit: 1000})
		if err != nil {
			return err
		}
		for _, o := range rs {
			if o.ID != r.ID && !o.Status.Final() {
				resolve = false
			}
		}
	}
	return s.feedTicket(ctx, tx, actorID, t, note, resolve)
}

// jobPayload names the ride of a job and, for an offer timeout, the
// version the offers were made at.
type jobPayload struct {
	Ride    int64 `json:"ride,string"`
	Version int   `json:"version,omitempty"`
}
