// Package medicine holds the use cases of the special-medicine post
// (特殊用药专岗, docs/medicine.md): requests taken from hotline work orders
// (or opening one), verified, sourced at pharmacies and hospitals,
// delivered by a volunteer driver or picked up, and confirmed by the
// patient; the outcome answers the ticket, which the dispatcher then calls
// back and closes. Every use case is one transaction that leaves the
// request's timeline event, its audit entry and its outbox messages
// through kit.Change.
package medicine

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/calendar"
	med "github.com/minsheng/minsheng/medicine"
	"github.com/minsheng/minsheng/notify"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/personal"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// ObjectRequest is the object type of a request in the timeline, the
// audit log, the outbox and the ticket links.
const ObjectRequest = "medicine_request"

// Service runs the post's use cases.
type Service struct {
	kit     *kit.Kit
	tickets *app.Service
}

// New returns the post's use cases over the shared kit and the ticket
// engine.
func New(k *kit.Kit, tickets *app.Service) *Service {
	return &Service{kit: k, tickets: tickets}
}

// isPost reports whether the actor works the post: dispatchers, the
// district's admins, the system.
func isPost(actor *org.User) bool {
	if kit.Require(actor, org.RoleDispatcher) == nil {
		return true
	}
	return kit.RequireDistrictAdmin(actor) == nil
}

// parties returns who the actor is to the request.
func parties(actor *org.User, r *med.Request) []med.Party {
	var out []med.Party
	if isPost(actor) {
		out = append(out, med.PartyPost)
	}
	if actor.Has(org.RoleAgent) {
		out = append(out, med.PartyAgent)
	}
	if r.CarrierID != 0 && r.CarrierID == actor.ID && actor.Has(org.RoleDriver) {
		out = append(out, med.PartyCarrier)
	}
	if len(out) == 0 {
		out = append(out, med.PartyOther)
	}
	return out
}

// loadAs reads a request the actor may see (the post, agents, its
// carrier): ENOTFOUND otherwise.
func loadAs(ctx context.Context, tx *store.Tx, actor *org.User, id int64) (*med.Request, []med.Party, error) {
	if err := kit.Require(actor, org.AllRoles...); err != nil {
		return nil, nil, err
	}
	r, err := store.GetMedicineRequest(ctx, tx, id)
	if err != nil {
		return nil, nil, err
	}
	ps := parties(actor, r)
	if slices.Equal(ps, []med.Party{med.PartyOther}) {
		return nil, nil, minsheng.Errorf(minsheng.ENOTFOUND, "no medicine request %d", id)
	}
	return r, ps, nil
}

// View is a request as a user may see it: the patient masked, with what
// the pages show beside it.
type View struct {
	*med.Request
	TicketNumber string                `json:"ticket_number,omitempty"`
	CarrierName  string                `json:"carrier_name,omitempty"`
	RunOutAt     *time.Time            `json:"run_out_at,omitempty"` // a chronic patient's supply runs out
	Attempts     []*med.Attempt        `json:"attempts,omitempty"`
	Handovers    []*med.Handover       `json:"handovers,omitempty"`
	Photos       []*med.Photo          `json:"photos,omitempty"` // of the prescription, the handovers, the delivery
	Timeline     []store.TimelineEvent `json:"timeline,omitempty"`
}

// view builds the masked view of a request; full adds its attempts,
// handovers and timeline.
func (s *Service) view(ctx context.Context, tx *store.Tx, r *med.Request, full bool) (*View, error) {
	c := *r
	c.PatientName, c.PatientPhone = personal.MaskName(r.PatientName), personal.MaskPhone(r.PatientPhone)
	v := &View{Request: &c, RunOutAt: r.RunOut()}
	if r.TicketID != 0 {
		t, err := store.GetTicket(ctx, tx, r.TicketID)
		if err != nil {
			return nil, err
		}
		v.TicketNumber = t.Number
	}
	if r.CarrierID != 0 {
		u, err := store.GetUser(ctx, tx, r.CarrierID)
		if err != nil {
			return nil, err
		}
		v.CarrierName = u.Name
	}
	if !full {
		return v, nil
	}
	var err error
	if v.Attempts, err = store.ListMedicineAttempts(ctx, tx, r.ID); err != nil {
		return nil, err
	}
	if v.Handovers, err = store.ListMedicineHandovers(ctx, tx, r.ID); err != nil {
		return nil, err
	}
	if v.Photos, err = store.ListMedicinePhotos(ctx, tx, r.ID); err != nil {
		return nil, err
	}
	v.Timeline, err = store.ListTimeline(ctx, tx, ObjectRequest, r.ID)
	return v, err
}

// NewRequest is what the hotline takes down: the need, and the ticket it
// came from — a number or id; empty opens a ticket for it.
type NewRequest struct {
	med.Need
	Ticket string `json:"ticket,omitempty"`
}

// Open registers a medicine request from a hotline call, linked to its
// ticket in one transaction: the ticket named (visible to the actor and
// still open), or, with none named, a help ticket opened for it through
// the ticket engine, the patient as its caller. The ticket's timeline
// says so. Photos of the prescription (PutPhoto) are kept with it, and
// mark the prescription as seen. Agents and the post open requests; bad
// input writes nothing.
func (s *Service) Open(ctx context.Context, actor *org.User, in NewRequest, prescription ...app.Upload) (*View, error) {
	if err := kit.Require(actor, org.RoleAgent, org.RoleDispatcher); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if err := checkPhotos(prescription, 0); err != nil {
		return nil, err
	}
	var data map[string]string
	if len(prescription) > 0 {
		in.Prescription = true
		data = map[string]string{"photos": strconv.Itoa(len(prescription))}
	}
	var out *View
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		t, err := s.ticketFor(ctx, tx, actor, in)
		if err != nil {
			return err
		}
		r, err := s.openTx(ctx, tx, actor, t, in.Need, data)
		if err != nil {
			return err
		}
		if err := insertPhotosTx(ctx, tx, actor, r, med.PhotoPrescription, 0, prescription, r.CreatedAt); err != nil {
			return err
		}
		out, err = s.view(ctx, tx, r, false)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.kit.Log().InfoContext(ctx, "medicine request", "request", out.ID, "ticket", out.TicketNumber, "actor", actor.ID)
	return out, nil
}

// openTx writes a new request of the need, linked to the ticket, with its
// timeline event and a note on the ticket; data adds to the event's.
func (s *Service) openTx(ctx context.Context, tx *store.Tx, actor *org.User, t *ticket.Ticket, need med.Need, data map[string]string) (*med.Request, error) {
	id, err := tx.NextID(ctx)
	if err != nil {
		return nil, err
	}
	now := s.kit.Now()
	r := &med.Request{ID: id, Status: med.StatusRequested, Version: 1, TicketID: t.ID, Need: need,
		CreatedAt: now, CreatedBy: actor.ID, UpdatedAt: now}
	if err := store.InsertMedicineRequest(ctx, tx, r); err != nil {
		return nil, err
	}
	if err := s.tickets.LinkTx(ctx, tx, actor, t, ObjectRequest, r.ID, "origin"); err != nil {
		return nil, err
	}
	d := map[string]string{"ticket": t.Number, "medicine": r.Medicine, "quantity": strconv.Itoa(r.Quantity),
		"urgency": string(r.Urgency), "chronic": strconv.FormatBool(r.Chronic)}
	for k, v := range data {
		d[k] = v
	}
	if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectRequest, ObjectID: r.ID, Action: "request", Data: d}); err != nil {
		return nil, err
	}
	note := fmt.Sprintf("特殊用药专岗：已登记用药需求（%d号），%s %d%s。", r.ID, r.Medicine, r.Quantity, r.Unit)
	return r, s.noteTicket(ctx, tx, actor.ID, t, note)
}

// ticketFor loads the ticket a request names, or opens one for it.
func (s *Service) ticketFor(ctx context.Context, tx *store.Tx, actor *org.User, in NewRequest) (*ticket.Ticket, error) {
	if in.Ticket == "" {
		urgency := ticket.UrgencyUrgent
		switch in.Urgency {
		case med.UrgencyLife:
			urgency = ticket.UrgencyCritical
		case med.UrgencyNoDanger:
			urgency = ticket.UrgencyNormal
		}
		return s.tickets.OpenTicketTx(ctx, tx, actor, ticket.NewTicket{Title: "特殊用药求助：" + in.Medicine,
			Description: fmt.Sprintf("【特殊用药专岗】需要%s %s %d%s，送至%s。%s", in.Medicine, in.Spec, in.Quantity, in.Unit, in.Address, in.Note),
			Kind:        ticket.KindHelp, Urgency: urgency, CallerName: in.PatientName, CallerPhone: in.PatientPhone, Address: in.Address})
	}
	t, err := s.tickets.LoadVisibleTx(ctx, tx, actor, in.Ticket)
	if minsheng.IsCode(err, minsheng.ENOTFOUND) {
		return nil, minsheng.FieldError("ticket", "no ticket %q", in.Ticket).Because("ticket_not_found")
	}
	if err != nil {
		return nil, err
	}
	if t.Status == ticket.StatusMerged || t.Status == ticket.StatusInvalid || t.Status == ticket.StatusClosed {
		return nil, &minsheng.Error{Code: minsheng.ECONFLICT, Field: "ticket", Status: string(t.Status),
			Message: fmt.Sprintf("ticket %s is %s: open medicine requests from an open ticket", t.Number, t.Status)}
	}
	return t, nil
}

// noteTicket writes a note on the ticket's timeline when its status
// allows one.
func (s *Service) noteTicket(ctx context.Context, tx *store.Tx, actorID int64, t *ticket.Ticket, note string) error {
	if !ticket.Allowed(t.Status, ticket.ActionAttach) {
		return nil
	}
	return s.tickets.ActTx(ctx, tx, t, actorID, ticket.ActionAttach, note, nil, nil, nil)
}

// answerTicket gives the request's outcome to its ticket as the answer: at
// intake for a ticket still at the hotline, as the reply of a ticket
// acknowledged or reopened by a handling unit; the dispatcher then calls
// back and closes it as any ticket. A ticket in any other status gets a
// note.
func (s *Service) answerTicket(ctx context.Context, tx *store.Tx, actorID int64, r *med.Request, text string) error {
	if r.TicketID == 0 {
		return nil
	}
	t, err := store.GetTicket(ctx, tx, r.TicketID)
	if err != nil {
		return err
	}
	var a ticket.Action
	switch t.Status {
	case ticket.StatusRegistered:
		a = ticket.ActionResolveAtIntake
	case ticket.StatusAcknowledged, ticket.StatusReopened:
		a = ticket.ActionReply
	default:
		return s.noteTicket(ctx, tx, actorID, t, text)
	}
	return s.tickets.ActTx(ctx, tx, t, actorID, a, text, nil, nil,
		func(_ context.Context, _ *store.Tx, t *ticket.Ticket, _ *ticket.Event, now time.Time) error {
			t.Reply, t.RepliedAt = text, &now
			return nil
		})
}

// Get returns a request with its attempts, handovers and timeline, to the
// post, the agents and its carrier.
func (s *Service) Get(ctx context.Context, actor *org.User, id int64) (*View, error) {
	var v *View
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		r, _, err := loadAs(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		v, err = s.view(ctx, tx, r, true)
		return err
	})
	return v, err
}

// Patient is a request's patient unmasked: the answer of a reveal.
type Patient struct {
	Name    string `json:"name"`
	Phone   string `json:"phone"`
	Address string `json:"address"`
}

// RevealPatient returns the patient's name and phone to the post, the
// agents and the request's carrier (who must reach the patient), with a
// reason; the reveal is audited and limited (app.Service.RevealTx).
func (s *Service) RevealPatient(ctx context.Context, actor *org.User, id int64, reason string) (*Patient, error) {
	var out *Patient
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		r, _, err := loadAs(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if err := s.tickets.RevealTx(ctx, tx, actor, app.Reveal{Object: ObjectRequest, ObjectID: r.ID, Reason: reason,
			IP: minsheng.ClientAddr(ctx)}); err != nil {
			return err
		}
		out = &Patient{Name: r.PatientName, Phone: r.PatientPhone, Address: r.Address}
		return nil
	})
	return out, err
}

// dayText writes a time as China's date and hour for messages.
func dayText(t time.Time) string { return t.In(calendar.China).Format("1月2日 15:04") }

// Act takes one step of a request's life, as the lifecycle table allows it
// to the actor: the step's own record (an attempt, a handover), the
// request guarded by its version, its timeline event and audit entry, the
// messages (the carrier told of a delivery, the patient told it is on its
// way) and what the outcome writes to the ticket, in one transaction.
// A handover and the delivery take photos as proof (PutPhoto), no other
// step does. Bad input writes nothing.
func (s *Service) Act(ctx context.Context, actor *org.User, id int64, a med.Action, in med.Step, photos ...app.Upload) (*View, error) {
	in.Normalize()
	if len(photos) > 0 && a != med.ActionHandover && a != med.ActionDelivered {
		return nil, minsheng.FieldError("file", "photos go with a handover or the delivery, not with %s", a).Because("photo_not_here")
	}
	if err := checkPhotos(photos, 0); err != nil {
		return nil, err
	}
	var out *View
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		r, ps, err := loadAs(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if err := med.Check(r.Status, a, ps...); err != nil {
			return err
		}
		now := s.kit.Now()
		if err := in.Check(a, r, now); err != nil {
			return err
		}
		if err := s.stepTx(ctx, tx, actor, r, a, in, now, photos); err != nil {
			return err
		}
		out, err = s.view(ctx, tx, r, true)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.kit.Log().InfoContext(ctx, "medicine step", "request", id, "action", a, "actor", actor.ID)
	return out, nil
}

// stepTx applies a checked step to a loaded request.
func (s *Service) stepTx(ctx context.Context, tx *store.Tx, actor *org.User, r *med.Request, a med.Action, in med.Step, now time.Time,
	photos []app.Upload) error {
	from := r.Status
	next, err := med.Next(r.Status, a)
	if err != nil {
		return err
	}
	c := kit.Change{Actor: actor, Object: ObjectRequest, ObjectID: r.ID, Action: string(a), Note: in.Note, Data: map[string]string{}}
	var answer, note string
	switch a {
	case med.ActionAttempt:
		at := &med.Attempt{At: now, ActorID: actor.ID, Place: in.Place, PlaceKind: in.PlaceKind, InStock: in.InStock,
			ExpectedAt: in.ExpectedAt, Note: in.Note}
		if err := store.AddMedicineAttempt(ctx, tx, r.ID, at); err != nil {
			return err
		}
		c.Data["place"], c.Data["in_stock"] = in.Place, strconv.FormatBool(in.InStock)
	case med.ActionSourced:
		r.Place, r.PlaceKind, r.ExpectedAt = in.Place, in.PlaceKind, in.ExpectedAt
		c.Data["place"], c.Data["expected_at"] = in.Place, dayText(*in.ExpectedAt)
	case med.ActionNotAvailable, med.ActionCancel:
		r.ClosedBy, r.Reason = actor.ID, in.Reason
		c.Note = in.Reason
		if a == med.ActionNotAvailable {
			answer = fmt.Sprintf("特殊用药专岗：经多方联系，%s 暂无法购得（%s），已告知患者。", r.Medicine, in.Reason)
		} else {
			note = fmt.Sprintf("特殊用药专岗：用药需求（%d号）已取消（%s）。", r.ID, in.Reason)
		}
	case med.ActionDeliver:
		r.Mode, r.CarrierID = in.Mode, 0
		c.Data["mode"] = string(in.Mode)
		if in.Mode == med.ModeDriver {
			u, err := store.GetUser(ctx, tx, in.CarrierID)
			if err != nil || !u.Active || !u.Has(org.RoleDriver) {
				return minsheng.FieldError("carrier_id", "user %d is not an active volunteer driver", in.CarrierID).Because("carrier_not_driver")
			}
			r.CarrierID = u.ID
			c.Data["carrier"] = strconv.FormatInt(u.ID, 10)
			if contact, err := store.GetUserContact(ctx, tx, u.ID); err == nil && contact.Phone != "" {
				c.Messages = append(c.Messages, notify.Message{Channel: notify.ChannelSMS, To: contact.Phone, Template: "medicine.carry",
					Lang: "zh", UserID: u.ID, Body: fmt.Sprintf("【特殊用药专岗】请于%s到%s取%s %d%s，送至患者（%d号，详见出车任务页）。",
						dayText(*r.ExpectedAt), r.Place, r.Medicine, r.Quantity, r.Unit, r.ID)})
			}
		}
		body := fmt.Sprintf("【特殊用药专岗】您需要的%s已找到，志愿者将于%s后送到府上。", r.Medicine, dayText(*r.ExpectedAt))
		if in.Mode == med.ModePickup {
			body = fmt.Sprintf("【特殊用药专岗】您需要的%s已找到，请于%s后到%s领取。", r.Medicine, dayText(*r.ExpectedAt), r.Place)
		}
		c.Messages = append(c.Messages, notify.Message{Channel: notify.ChannelSMS, To: r.PatientPhone, Template: "medicine.on_its_way",
			Lang: "zh", Body: body})
	case med.ActionHandover:
		h := &med.Handover{At: now, ActorID: actor.ID, From: in.From, To: in.To, Note: in.Note}
		if err := store.AddMedicineHandover(ctx, tx, r.ID, h); err != nil {
			return err
		}
		c.Data["from"], c.Data["to"], c.Data["leg"] = in.From, in.To, strconv.Itoa(h.Seq)
		if err := insertPhotosTx(ctx, tx, actor, r, med.PhotoHandover, h.Seq, photos, now); err != nil {
			return err
		}
	case med.ActionDelivered:
		r.DeliveredQty, r.DeliveredAt = in.Quantity, &now
		if r.DeliveredQty == 0 {
			r.DeliveredQty = r.Quantity
		}
		c.Data["quantity"] = fmt.Sprintf("%d/%d", r.DeliveredQty, r.Quantity)
		if err := insertPhotosTx(ctx, tx, actor, r, med.PhotoDelivery, 0, photos, now); err != nil {
			return err
		}
	case med.ActionConfirm:
		r.ConfirmedAt = &now
		answer = fmt.Sprintf("特殊用药专岗：%s %d%s 已于%s送达患者并经本人确认。", r.Medicine, r.DeliveredQty, r.Unit, dayText(*r.DeliveredAt))
		if r.Partial() {
			answer = fmt.Sprintf("特殊用药专岗：%s 已部分送达（%d/%d%s，%s），患者已确认，余下部分另行登记。", r.Medicine, r.DeliveredQty,
				r.Quantity, r.Unit, dayText(*r.DeliveredAt))
		}
		if out := r.RunOut(); out != nil {
			answer += fmt.Sprintf("预计可用至%s。", out.In(calendar.China).Format("1月2日"))
		}
	}
	r.Status = next
	r.Version++
	r.UpdatedAt = now
	if err := store.UpdateMedicineRequest(ctx, tx, r); err != nil {
		return err
	}
	if len(photos) > 0 {
		c.Data["photos"] = strconv.Itoa(len(photos))
	}
	if from != next {
		c.Data["status"] = string(from) + " → " + string(next)
	}
	if _, err := s.kit.Record(ctx, tx, c); err != nil {
		return err
	}
	switch {
	case answer != "":
		return s.answerTicket(ctx, tx, actor.ID, r, answer)
	case note != "" && r.TicketID != 0:
		t, err := store.GetTicket(ctx, tx, r.TicketID)
		if err != nil {
			return err
		}
		return s.noteTicket(ctx, tx, actor.ID, t, note)
	}
	return nil
}
