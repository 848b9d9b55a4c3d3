package ride

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/jobs"
	"github.com/minsheng/minsheng/notify"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/personal"
	rd "github.com/minsheng/minsheng/ride"
	"github.com/minsheng/minsheng/store"
)

// Schedule plans a requested ride (the desk checked it and will find a
// driver).
func (s *Service) Schedule(ctx context.Context, actor *org.User, id int64, note string) (*View, error) {
	return s.act(ctx, actor, id, rd.ActionSchedule, func(tx *store.Tx, r *rd.Ride, _ *rd.Driver) error {
		return s.step(ctx, tx, actor, r, rd.ActionSchedule, kit.Change{Note: strings.TrimSpace(note)}, nil)
	})
}

// act loads a ride in a write transaction, checks that the actor may take
// the action from its status, runs fn, and returns the ride's view.
func (s *Service) act(ctx context.Context, actor *org.User, id int64, a rd.Action, fn func(tx *store.Tx, r *rd.Ride, d *rd.Driver) error) (*View, error) {
	var v *View
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		r, ps, d, err := s.loadAs(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if err := rd.Check(r.Status, a, ps...); err != nil {
			if minsheng.IsCode(err, minsheng.EFORBIDDEN) && a == rd.ActionAccept && offeredEver(ctx, tx, d, r.ID) {
				return &minsheng.Error{Code: minsheng.ECONFLICT, Message: fmt.Sprintf("ride %d was taken by another driver or called off", r.ID)}
			}
			return err
		}
		if err := fn(tx, r, d); err != nil {
			return err
		}
		v, err = s.view(ctx, tx, r, false)
		return err
	})
	return v, err
}

// DriverSuggestion is one driver's score for a ride, with what the desk
// needs to choose: the name (drivers are the fleet's volunteers, known to
// the desk) and the plate.
type DriverSuggestion struct {
	rd.Suggestion
	Name  string `json:"name"`
	Plate string `json:"plate,omitempty"`
	Team  string `json:"team,omitempty"`
}

// Suggest scores the fleet's drivers for a ride (rd.Suggest): available
// at the pickup time, serving its area, with a vehicle that fits, fewest
// rides this month first; drivers whose documents or insurance expired or
// who hold another ride at the time come last, with the reason.
func (s *Service) Suggest(ctx context.Context, actor *org.User, id int64) ([]DriverSuggestion, error) {
	if err := requireDesk(actor); err != nil {
		return nil, err
	}
	var out []DriverSuggestion
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		r, err := load(ctx, tx, id)
		if err != nil {
			return err
		}
		cs, names, plates, err := s.candidates(ctx, tx, r)
		if err != nil {
			return err
		}
		teams := make(map[int64]string, len(cs))
		for _, c := range cs {
			teams[c.Driver.ID] = c.Driver.Team
		}
		for _, sg := range rd.Suggest(rd.Need{At: r.PickupAt, Area: r.Area, Passengers: r.Passengers, Wheelchair: r.Wheelchair}, cs) {
			out = append(out, DriverSuggestion{Suggestion: sg, Name: names[sg.DriverID], Plate: plates[sg.VehicleID], Team: teams[sg.DriverID]})
		}
		return nil
	})
	return out, err
}

// candidates reads every driver with their vehicle, their rides in the
// month of the pickup, and whether another ride holds them at its time.
func (s *Service) candidates(ctx context.Context, tx *store.Tx, r *rd.Ride) ([]rd.Candidate, map[int64]string, map[int64]string, error) {
	drivers, err := store.ListRideDrivers(ctx, tx)
	if err != nil {
		return nil, nil, nil, err
	}
	vehicles, err := store.ListRideVehicles(ctx, tx)
	if err != nil {
		return nil, nil, nil, err
	}
	byID := map[int64]*rd.Vehicle{}
	plates := map[int64]string{}
	for _, v := range vehicles {
		byID[v.ID], plates[v.ID] = v, v.Plate
	}
	d := calendar.DateOf(r.PickupAt)
	from := time.Date(d.Year, d.Month, 1, 0, 0, 0, 0, calendar.China)
	counts, err := store.CountDriverRides(ctx, tx, from, from.AddDate(0, 1, 0))
	if err != nil {
		return nil, nil, nil, err
	}
	busy, err := store.BusyRideDrivers(ctx, tx, r.PickupAt, s.cfg.Span, r.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	names := map[int64]string{}
	cs := make([]rd.Candidate, 0, len(drivers))
	for _, dr := range drivers {
		names[dr.ID] = dr.Name
		cs = append(cs, rd.Candidate{Driver: dr, Vehicle: byID[dr.VehicleID], RidesThisMonth: counts[dr.ID], Busy: busy[dr.ID]})
	}
	return cs, names, plates, nil
}

// Offer offers a scheduled ride to one or several drivers, who are told
// by SMS; the first to accept takes it. Every driver must be able to take
// it: documents valid and a vehicle that fits and is insured at the
// pickup time (EINVALID on "driver_ids" otherwise). If nobody accepts
// before the offers' deadline, the desk is told (JobOfferTimeout). The
// rider is not told yet.
func (s *Service) Offer(ctx context.Context, actor *org.User, id int64, driverIDs []int64) (*View, error) {
	if len(driverIDs) == 0 || len(driverIDs) > 20 {
		return nil, minsheng.FieldError("driver_ids", "choose between 1 and 20 drivers")
	}
	return s.act(ctx, actor, id, rd.ActionOffer, func(tx *store.Tx, r *rd.Ride, _ *rd.Driver) error {
		return s.offerTx(ctx, tx, actor, r, driverIDs, s.now().Add(s.cfg.OfferWindow))
	})
}

// offerTx offers a loaded ride to the drivers with answers due by the
// deadline (at the latest the ride's unmet time), in tx.
func (s *Service) offerTx(ctx context.Context, tx *store.Tx, actor *org.User, r *rd.Ride, driverIDs []int64, deadline time.Time) error {
	now := s.now()
	if u := s.unmetAt(r); u.Before(deadline) {
		deadline = u
	}
	if !deadline.After(now) {
		return minsheng.FieldError("pickup_at", "the ride starts too soon to be offered; call a driver, or mark it unmet")
	}
	busy, err := store.BusyRideDrivers(ctx, tx, r.PickupAt, s.cfg.Span, r.ID)
	if err != nil {
		return err
	}
	var msgs []notify.Message
	var ids []string
	for _, did := range slices.Compact(slices.Sorted(slices.Values(driverIDs))) {
		d, v, err := s.driverFor(ctx, tx, did, r)
		if err != nil {
			return err
		}
		if busy[d.ID] {
			return minsheng.FieldError("driver_ids", "driver %d already holds a ride at that time", d.ID)
		}
		if err := store.PutRideOffer(ctx, tx, &rd.Offer{RideID: r.ID, DriverID: d.ID, Status: rd.OfferOpen, OfferedAt: now, Deadline: deadline}); err != nil {
			return err
		}
		ids = append(ids, strconv.FormatInt(d.ID, 10))
		msgs = append(msgs, notify.Message{Channel: notify.ChannelSMS, To: d.Phone, Template: "ride.offer", Lang: "zh", UserID: d.UserID,
			Body: fmt.Sprintf("【爱心车队】新的出车邀请：%s 从%s出发（%d人%s），请在 %s 前在司机页面答复。车牌 %s。",
				clockText(r.PickupAt), r.Pickup, r.Passengers, wheelchairText(r.Wheelchair), clockText(deadline), v.Plate)})
	}
	err = s.step(ctx, tx, actor, r, rd.ActionOffer, kit.Change{Messages: msgs,
		Data: map[string]string{"drivers": strings.Join(ids, ","), "deadline": clockText(deadline)}}, func(time.Time) {
		r.OfferDeadline = &deadline
	})
	if err != nil {
		return err
	}
	_, err = jobs.Enqueue(ctx, tx, jobs.Spec{Kind: JobOfferTimeout, Key: fmt.Sprintf("ride:offer:%d:v%d", r.ID, r.Version),
		Payload: jobPayload{Ride: r.ID, Version: r.Version}, RunAt: deadline})
	return err
}

// driverFor loads a driver and their vehicle and checks they can take the
// ride: EINVALID on "driver_ids" naming why not.
func (s *Service) driverFor(ctx context.Context, tx *store.Tx, driverID int64, r *rd.Ride) (*rd.Driver, *rd.Vehicle, error) {
	d, err := store.GetRideDriver(ctx, tx, driverID)
	if minsheng.IsCode(err, minsheng.ENOTFOUND) {
		return nil, nil, minsheng.FieldError("driver_ids", "no driver %d", driverID)
	}
	if err != nil {
		return nil, nil, err
	}
	if err := d.CheckDocuments(r.PickupAt); err != nil {
		return nil, nil, minsheng.FieldError("driver_ids", "%s", minsheng.ErrorMessage(err))
	}
	if d.VehicleID == 0 {
		return nil, nil, minsheng.FieldError("driver_ids", "driver %d has no vehicle", d.ID)
	}
	v, err := store.GetRideVehicle(ctx, tx, d.VehicleID)
	if err != nil {
		return nil, nil, err
	}
	if err := v.CheckFit(r.Passengers, r.Wheelchair, r.PickupAt); err != nil {
		return nil, nil, minsheng.FieldError("driver_ids", "%s", minsheng.ErrorMessage(err))
	}
	return d, v, nil
}

// Accept takes an offered ride for the driver who is the actor. The first
// driver to accept wins: the ride is written guarded by its version, so of
// two drivers accepting at once one gets the ride and the other ECONFLICT;
// a driver who already holds a ride at that time gets ECONFLICT too (their
// row is locked while it is checked). The other offers are withdrawn, and
// now — only now — the rider is told by SMS who comes and when.
func (s *Service) Accept(ctx context.Context, actor *org.User, id int64) (*View, error) {
	return s.act(ctx, actor, id, rd.ActionAccept, func(tx *store.Tx, r *rd.Ride, d *rd.Driver) error {
		if err := store.LockRideDriver(ctx, tx, d.ID); err != nil {
			return err
		}
		busy, err := store.BusyRideDrivers(ctx, tx, r.PickupAt, s.cfg.Span, r.ID)
		if err != nil {
			return err
		}
		if busy[d.ID] {
			return &minsheng.Error{Code: minsheng.ECONFLICT, Message: "you already hold a ride at that time"}
		}
		d, v, err := s.driverFor(ctx, tx, d.ID, r)
		if err != nil {
			return err
		}
		now := s.now()
		msg := notify.Message{Channel: notify.ChannelSMS, To: r.RiderPhone, Template: "ride.accepted", Lang: "zh",
			Body: fmt.Sprintf("【城西区爱心车队】您 %s 的用车已安排：志愿者%s师傅，车牌 %s，将到%s接您。如需取消请拨打民生热线。",
				clockText(r.PickupAt), surname(d.Name), v.Plate, r.Pickup)}
		err = s.step(ctx, tx, actor, r, rd.ActionAccept, kit.Change{Messages: []notify.Message{msg},
			Data: map[string]string{"driver": strconv.FormatInt(d.ID, 10), "vehicle": v.Plate}}, func(now time.Time) {
			r.DriverID, r.VehicleID, r.AcceptedAt, r.OfferDeadline = d.ID, v.ID, &now, nil
		})
		if err != nil {
			return err
		}
		if _, err := store.AnswerRideOffers(ctx, tx, r.ID, d.ID, rd.OfferAccepted, now); err != nil {
			return err
		}
		if _, err := store.AnswerRideOffers(ctx, tx, r.ID, 0, rd.OfferWithdrawn, now); err != nil {
			return err
		}
		return s.cancelUnmet(ctx, tx, r)
	})
}

// Decline turns an offer down for the driver who is the actor. When no
// offer of the ride is left open it goes back to scheduled, for the desk
// to offer it again.
func (s *Service) Decline(ctx context.Context, actor *org.User, id int64, reason string) (*View, error) {
	return s.act(ctx, actor, id, rd.ActionDecline, func(tx *store.Tx, r *rd.Ride, d *rd.Driver) error {
		now := s.now()
		if _, err := store.AnswerRideOffers(ctx, tx, r.ID, d.ID, rd.OfferDeclined, now); err != nil {
			return err
		}
		offers, err := store.ListRideOffers(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		c := kit.Change{Note: strings.TrimSpace(reason), Data: map[string]string{"driver": strconv.FormatInt(d.ID, 10)}}
		if slices.ContainsFunc(offers, func(o *rd.Offer) bool { return o.Status == rd.OfferOpen }) {
			return s.step(ctx, tx, actor, r, rd.ActionDecline, c, nil)
		}
		// Nobody left to answer: back to the desk.
		if err := s.step(ctx, tx, actor, r, rd.ActionDecline, c, nil); err != nil {
			return err
		}
		return s.backToDesk(ctx, tx, r, "declined")
	})
}

// backToDesk returns an offered ride to scheduled (no offer open) and
// tells the desk, as the system.
func (s *Service) backToDesk(ctx context.Context, tx *store.Tx, r *rd.Ride, why string) error {
	now := s.now()
	r.Status = rd.StatusScheduled
	r.OfferDeadline = nil
	r.Version++
	r.UpdatedAt = now
	if err := store.UpdateRide(ctx, tx, r); err != nil {
		return err
	}
	msgs, err := s.deskMessages(ctx, tx, fmt.Sprintf("【爱心车队】%s 从%s出发的用车（%d号）无司机接单，请重新安排。",
		clockText(r.PickupAt), r.Pickup, r.ID))
	if err != nil {
		return err
	}
	_, err = s.kit.Record(ctx, tx, kit.Change{Actor: kit.System(), Object: ObjectRide, ObjectID: r.ID, Action: "escalate",
		Data: map[string]string{"why": why, "status": string(rd.StatusOffered) + " → " + string(rd.StatusScheduled)}, Messages: msgs})
	return err
}

// deskMessages are SMS messages to the district's dispatchers.
func (s *Service) deskMessages(ctx context.Context, tx *store.Tx, body string) ([]notify.Message, error) {
	units, err := store.ListUnits(ctx, tx, "")
	if err != nil {
		return nil, err
	}
	var msgs []notify.Message
	for _, u := range units {
		if u.ParentID != 0 {
			continue
		}
		cs, err := store.UnitContacts(ctx, tx, u.ID, org.RoleDispatcher)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			if c.Phone != "" {
				msgs = append(msgs, notify.Message{Channel: notify.ChannelSMS, To: c.Phone, Template: "ride.escalate", Lang: "zh", UserID: c.UserID, Body: body})
			}
		}
	}
	return msgs, nil
}

// cancelUnmet cancels the ride's pending unmet-need check: a driver took
// it, or it ended otherwise. (A pending offer timeout needs no cancelling:
// it finds the ride no longer offered and does nothing.)
func (s *Service) cancelUnmet(ctx context.Context, tx *store.Tx, r *rd.Ride) error {
	_, err := jobs.Cancel(ctx, tx, "ride:unmet:"+strconv.FormatInt(r.ID, 10), s.now())
	return err
}

// clockText writes a time as the messages show it, in China.
func clockText(t time.Time) string { return t.In(calendar.China).Format("1月2日 15:04") }

func wheelchairText(w bool) string {
	if w {
		return "，轮椅"
	}
	return ""
}

// surname is the first character of a name: riders hear "李师傅".
func surname(name string) string {
	m := personal.MaskName(name)
	r := []rune(m)
	if len(r) == 0 {
		return ""
	}
	return string(r[0])
}
