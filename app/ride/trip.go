package ride

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/jobs"
	"github.com/minsheng/minsheng/notify"
	"github.com/minsheng/minsheng/org"
	rd "github.com/minsheng/minsheng/ride"
	"github.com/minsheng/minsheng/store"
)

// Start records that the driver set off to the pickup, with the odometer
// reading if they give one.
func (s *Service) Start(ctx context.Context, actor *org.User, id int64, odometer *int) (*View, error) {
	if err := rd.CheckOdometer(odometer, nil); err != nil {
		return nil, err
	}
	return s.act(ctx, actor, id, rd.ActionStart, func(tx *store.Tx, r *rd.Ride, _ *rd.Driver) error {
		return s.step(ctx, tx, actor, r, rd.ActionStart, kit.Change{Data: odometerData("odometer_start", odometer)}, func(now time.Time) {
			r.StartedAt, r.OdometerStart = &now, odometer
		})
	})
}

// Pickup records that the rider is in the car.
func (s *Service) Pickup(ctx context.Context, actor *org.User, id int64) (*View, error) {
	return s.act(ctx, actor, id, rd.ActionPickup, func(tx *store.Tx, r *rd.Ride, _ *rd.Driver) error {
		return s.step(ctx, tx, actor, r, rd.ActionPickup, kit.Change{}, nil)
	})
}

// Complete records that the rider arrived, with the odometer reading if
// given (not below the start's). The ride's ticket hears of it: when it
// was the ticket's last ride still to run and the ticket is still at the
// hotline, the ticket is resolved at intake with the trip as its answer,
// for the dispatcher to call back and close; otherwise a note on its
// timeline.
func (s *Service) Complete(ctx context.Context, actor *org.User, id int64, odometer *int, note string) (*View, error) {
	return s.act(ctx, actor, id, rd.ActionComplete, func(tx *store.Tx, r *rd.Ride, _ *rd.Driver) error {
		if err := rd.CheckOdometer(r.OdometerStart, odometer); err != nil {
			return err
		}
		err := s.step(ctx, tx, actor, r, rd.ActionComplete, kit.Change{Note: strings.TrimSpace(note), Data: odometerData("odometer_end", odometer)},
			func(now time.Time) {
				r.CompletedAt, r.OdometerEnd = &now, odometer
				if r.StartedAt == nil {
					r.StartedAt = &now
				}
			})
		if err != nil {
			return err
		}
		return s.feedRideTicket(ctx, tx, actor.ID, r, fmt.Sprintf("爱心车队：%s 的用车已完成，从%s送达%s，共 %d 人。",
			clockText(r.PickupAt), r.Pickup, r.Destination, r.Passengers), true)
	})
}

func odometerData(key string, v *int) map[string]string {
	if v == nil {
		return nil
	}
	return map[string]string{key: strconv.Itoa(*v)}
}

// Cancel calls a ride off, by the desk or the rider's agent, with the
// reason. Open offers are withdrawn; a driver who had accepted is told by
// SMS; the ticket's timeline says so.
func (s *Service) Cancel(ctx context.Context, actor *org.User, id int64, reason string) (*View, error) {
	return s.close(ctx, actor, id, rd.ActionCancel, reason, "爱心车队：%s 的用车已取消（%s）。")
}

// NoShow records that the driver came and the rider was not there.
func (s *Service) NoShow(ctx context.Context, actor *org.User, id int64, reason string) (*View, error) {
	return s.close(ctx, actor, id, rd.ActionNoShow, reason, "爱心车队：%s 司机到达后未接到乘车人（%s）。")
}

// MarkUnmet records that no driver or vehicle could be found in time: the
// need is counted as unmet, not hidden.
func (s *Service) MarkUnmet(ctx context.Context, actor *org.User, id int64, reason string) (*View, error) {
	return s.close(ctx, actor, id, rd.ActionUnmet, reason, unmetNote)
}

// close ends a ride by cancellation, no-show or unmet need.
func (s *Service) close(ctx context.Context, actor *org.User, id int64, a rd.Action, reason, ticketNote string) (*View, error) {
	if err := rd.CheckReason("reason", reason); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	return s.act(ctx, actor, id, a, func(tx *store.Tx, r *rd.Ride, _ *rd.Driver) error {
		return s.closeTx(ctx, tx, actor, r, a, reason, ticketNote)
	})
}

func (s *Service) closeTx(ctx context.Context, tx *store.Tx, actor *org.User, r *rd.Ride, a rd.Action, reason, ticketNote string) error {
	var msgs []notify.Message
	if a == rd.ActionCancel && r.DriverID != 0 {
		d, err := store.GetRideDriver(ctx, tx, r.DriverID)
		if err != nil {
			return err
		}
		msgs = append(msgs, notify.Message{Channel: notify.ChannelSMS, To: d.Phone, Template: "ride.cancelled", Lang: "zh", UserID: d.UserID,
			Body: fmt.Sprintf("【爱心车队】%s 从%s出发的用车（%d号）已取消，无需出车。", clockText(r.PickupAt), r.Pickup, r.ID)})
	}
	err := s.step(ctx, tx, actor, r, a, kit.Change{Note: reason, Messages: msgs}, func(time.Time) {
		r.ClosedBy, r.Reason, r.OfferDeadline = actor.ID, reason, nil
	})
	if err != nil {
		return err
	}
	if _, err := store.AnswerRideOffers(ctx, tx, r.ID, 0, rd.OfferWithdrawn, s.now()); err != nil {
		return err
	}
	if err := s.cancelUnmet(ctx, tx, r); err != nil {
		return err
	}
	return s.feedRideTicket(ctx, tx, actor.ID, r, fmt.Sprintf(ticketNote, clockText(r.PickupAt), reason), false)
}

// unmetNote is what the ticket of a ride that found no driver is told.
const unmetNote = "爱心车队：%s 的用车未能派出车辆（%s），请另行联系。"

// jobRide loads the ride a job names: nil (and no error) when it is gone.
func jobRide(ctx context.Context, tx *store.Tx, j *jobs.Job) (*rd.Ride, error) {
	var p jobPayload
	if err := jobs.Decode(j, &p); err != nil {
		return nil, err
	}
	r, err := load(ctx, tx, p.Ride)
	if minsheng.IsCode(err, minsheng.ENOTFOUND) {
		return nil, nil
	}
	return r, err
}

// Jobs returns the fleet's kinds of background jobs.
func (s *Service) Jobs() map[string]jobs.Handler {
	return map[string]jobs.Handler{JobOfferTimeout: s.offerTimeout, JobUnmet: s.unmetCheck}
}

// offerTimeout runs at an offer's deadline: if the ride is still offered
// and its deadline has come, the open offers expire and the ride goes
// back to the desk, which is told (escalation); when the ride's latest
// dispatch time has come too, it is unmet need. It does nothing for a ride
// that moved on, so it escalates once however many processes run jobs.
func (s *Service) offerTimeout(ctx context.Context, tx *store.Tx, j *jobs.Job) error {
	r, err := jobRide(ctx, tx, j)
	if r == nil || err != nil {
		return err
	}
	now := s.now()
	if r.Status != rd.StatusOffered || r.OfferDeadline == nil || r.OfferDeadline.After(now) {
		return nil
	}
	if _, err := store.AnswerRideOffers(ctx, tx, r.ID, 0, rd.OfferExpired, now); err != nil {
		return err
	}
	if !s.unmetAt(r).After(now) {
		return s.closeTx(ctx, tx, kit.System(), r, rd.ActionUnmet, "无司机在时限内接单", unmetNote)
	}
	return s.backToDesk(ctx, tx, r, "timeout")
}

// unmetCheck runs at a ride's latest dispatch time: a ride nobody took by
// then is unmet need.
func (s *Service) unmetCheck(ctx context.Context, tx *store.Tx, j *jobs.Job) error {
	r, err := jobRide(ctx, tx, j)
	if r == nil || err != nil {
		return err
	}
	if !r.Status.Open() || s.unmetAt(r).After(s.now()) {
		return nil
	}
	return s.closeTx(ctx, tx, kit.System(), r, rd.ActionUnmet, "无司机在时限内接单", unmetNote)
}

// ReportProblem records a problem the ride's driver reports from the road
// (a breakdown, an accident, the rider not there …): an event on the
// ride's timeline, its status unchanged, and an SMS to the district's
// dispatchers, who call the driver and decide (another car, a
// cancellation, a no-show); the desk shows the ride marked until it ends.
func (s *Service) ReportProblem(ctx context.Context, actor *org.User, id int64, p rd.Problem, note string) (*View, error) {
	note = strings.TrimSpace(note)
	if err := rd.CheckProblem(p, note); err != nil {
		return nil, err
	}
	return s.act(ctx, actor, id, rd.ActionReport, func(tx *store.Tx, r *rd.Ride, d *rd.Driver) error {
		body := fmt.Sprintf("【爱心车队】司机%s报告：%s 从%s出发的用车（%d号）%s。%s", d.Name, clockText(r.PickupAt), r.Pickup, r.ID,
			problemText[p], note)
		msgs, err := s.deskMessages(ctx, tx, strings.TrimSpace(body))
		if err != nil {
			return err
		}
		return s.step(ctx, tx, actor, r, rd.ActionReport, kit.Change{Note: note, Messages: msgs,
			Data: map[string]string{"problem": string(p)}}, nil)
	})
}

// problemText words a problem for the dispatchers' SMS.
var problemText = map[rd.Problem]string{
	rd.ProblemBreakdown:   "车辆故障",
	rd.ProblemAccident:    "发生交通事故",
	rd.ProblemRiderAbsent: "联系不上乘车人",
	rd.ProblemRiderUnwell: "乘车人身体不适",
	rd.ProblemDelay:       "路况延误",
	rd.ProblemOther:       "遇到问题",
}
