// Package ride is the volunteer fleet (爱心车队): the ride request and its
// lifecycle, who may act on a ride, the checks of a request, of a vehicle
// and of a driver, the suggestion of drivers for a ride and the expansion
// of recurring rides. Pure Go, no I/O; the use cases are in app/ride.
//
// A ride goes requested → scheduled → offered (to one or several drivers)
// → accepted (the first driver to accept) → en route → picked up →
// completed. It may end cancelled (who and why are recorded), no-show (the
// rider was not there) or unmet (no driver or vehicle in time: counted,
// not hidden). A driver who turns an offer down declines the offer; the
// ride goes back to scheduled when no offer is left open.
package ride

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
)

// Status is where a ride is in its life.
type Status string

// Statuses.
const (
	StatusRequested Status = "requested" // taken from a hotline call
	StatusScheduled Status = "scheduled" // checked and planned, waiting for a driver
	StatusOffered   Status = "offered"   // offered to one or several drivers
	StatusAccepted  Status = "accepted"  // a driver accepted; the rider has been told
	StatusEnRoute   Status = "en_route"  // the driver is on the way to the pickup
	StatusPickedUp  Status = "picked_up" // the rider is in the car
	StatusCompleted Status = "completed" // the rider was taken where they needed to go
	StatusCancelled Status = "cancelled" // called off (by whom and why: on the ride)
	StatusNoShow    Status = "no_show"   // the driver came, the rider was not there
	StatusUnmet     Status = "unmet"     // no driver or vehicle in time: unmet need
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{StatusRequested, StatusScheduled, StatusOffered, StatusAccepted, StatusEnRoute,
	StatusPickedUp, StatusCompleted, StatusCancelled, StatusNoShow, StatusUnmet}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Final reports whether nothing more happens to a ride in the status.
func (s Status) Final() bool {
	return s == StatusCompleted || s == StatusCancelled || s == StatusNoShow || s == StatusUnmet
}

// Open reports whether a ride in the status still waits for a driver.
func (s Status) Open() bool {
	return s == StatusRequested || s == StatusScheduled || s == StatusOffered
}

// Action is what someone does to a ride.
type Action string

// Actions.
const (
	ActionSchedule Action = "schedule" // the dispatcher plans the ride
	ActionOffer    Action = "offer"    // the dispatcher offers it to drivers
	ActionAccept   Action = "accept"   // an offered driver takes it
	ActionDecline  Action = "decline"  // an offered driver turns it down
	ActionStart    Action = "start"    // the driver sets off to the pickup
	ActionPickup   Action = "pickup"   // the rider is in the car
	ActionComplete Action = "complete" // the rider arrived
	ActionCancel   Action = "cancel"   // called off
	ActionNoShow   Action = "no_show"  // the rider was not there
	ActionUnmet    Action = "unmet"    // no driver in time
	ActionReport   Action = "report"   // the driver reports a problem (breakdown, accident …); the status stays
)

// Actions lists every action.
var Actions = []Action{ActionSchedule, ActionOffer, ActionAccept, ActionDecline, ActionStart, ActionPickup,
	ActionComplete, ActionCancel, ActionNoShow, ActionUnmet, ActionReport}

// Party is who acts on a ride, as far as the lifecycle cares.
type Party string

// Parties.
const (
	PartyDispatcher Party = "dispatcher"     // the fleet desk (and the system: jobs, the shell)
	PartyAgent      Party = "agent"          // the rider's agent: the hotline operator who took the call
	PartyOffered    Party = "offered_driver" // a driver the ride is offered to
	PartyAssigned   Party = "driver"         // the driver who accepted it
	PartyOther      Party = "other"          // anyone else (another driver …)
)

// Parties lists every party.
var Parties = []Party{PartyDispatcher, PartyAgent, PartyOffered, PartyAssigned, PartyOther}

// rule says from which statuses an action may be taken, where it leads
// ("" : the status stays) and who may take it.
type rule struct {
	from []Status
	to   Status
	who  []Party
}

// rules is the whole lifecycle in one table.
var rules = map[Action]rule{
	ActionSchedule: {[]Status{StatusRequested}, StatusScheduled, []Party{PartyDispatcher}},
	ActionOffer:    {[]Status{StatusScheduled, StatusOffered}, StatusOffered, []Party{PartyDispatcher}},
	ActionAccept:   {[]Status{StatusOffered}, StatusAccepted, []Party{PartyOffered}},
	ActionDecline:  {[]Status{StatusOffered}, "", []Party{PartyOffered}},
	ActionStart:    {[]Status{StatusAccepted}, StatusEnRoute, []Party{PartyAssigned}},
	ActionPickup:   {[]Status{StatusEnRoute}, StatusPickedUp, []Party{PartyAssigned}},
	ActionComplete: {[]Status{StatusPickedUp}, StatusCompleted, []Party{PartyAssigned, PartyDispatcher}},
	ActionCancel: {[]Status{StatusRequested, StatusScheduled, StatusOffered, StatusAccepted, StatusEnRoute},
		StatusCancelled, []Party{PartyDispatcher, PartyAgent}},
	ActionNoShow: {[]Status{StatusEnRoute}, StatusNoShow, []Party{PartyAssigned, PartyDispatcher}},
	ActionUnmet:  {[]Status{StatusRequested, StatusScheduled, StatusOffered}, StatusUnmet, []Party{PartyDispatcher}},
	ActionReport: {[]Status{StatusAccepted, StatusEnRoute, StatusPickedUp}, "", []Party{PartyAssigned}},
}

// Problem is what a driver may report from the road.
type Problem string

// Problems.
const (
	ProblemBreakdown   Problem = "breakdown"    // 车辆故障
	ProblemAccident    Problem = "accident"     // 交通事故
	ProblemRiderAbsent Problem = "rider_absent" // 联系不上乘车人
	ProblemRiderUnwell Problem = "rider_unwell" // 乘车人身体不适
	ProblemDelay       Problem = "delay"        // 路况延误
	ProblemOther       Problem = "other"        // 其他 (say what)
)

// Problems lists every problem a driver may report.
var Problems = []Problem{ProblemBreakdown, ProblemAccident, ProblemRiderAbsent, ProblemRiderUnwell, ProblemDelay, ProblemOther}

// Valid reports whether p is a known problem.
func (p Problem) Valid() bool { return slices.Contains(Problems, p) }

// CheckProblem checks a driver's report: a known problem, and a note (at
// most 500 characters) saying what it is when the problem is "other".
func CheckProblem(p Problem, note string) error {
	switch {
	case !p.Valid():
		return minsheng.FieldError("problem", "choose what happened").Because("choose")
	case p == ProblemOther && strings.TrimSpace(note) == "":
		return minsheng.FieldError("note", "say what happened").Because("required")
	case utf8.RuneCountInString(note) > maxNote:
		return minsheng.FieldError("note", "the note is at most %d characters", maxNote).Because("too_long")
	}
	return nil
}

// Next returns the status the action leads to from the status: ECONFLICT
// when the action is not allowed from it, EINVALID for an unknown action.
func Next(from Status, a Action) (Status, error) {
	r, ok := rules[a]
	if !ok {
		return "", minsheng.Errorf(minsheng.EINVALID, "unknown ride action %q", a)
	}
	if !slices.Contains(r.from, from) {
		// No Status: the API problem's current_status names a ticket's
		// status (a ride's there failed the OpenAPI document).
		return "", &minsheng.Error{Code: minsheng.ECONFLICT, Message: fmt.Sprintf("cannot %s a ride that is %s", a, from)}
	}
	if r.to == "" {
		return from, nil
	}
	return r.to, nil
}

// Allowed reports whether the action may be taken from the status.
func Allowed(from Status, a Action) bool {
	_, err := Next(from, a)
	return err == nil
}

// MayAct reports whether a party may take the action at all.
func MayAct(p Party, a Action) bool {
	r, ok := rules[a]
	return ok && slices.Contains(r.who, p)
}

// Check returns nil if one of the parties the actor is may take the action
// from the ride's status: EFORBIDDEN if none may, ECONFLICT if the status
// does not allow it.
func Check(from Status, a Action, parties ...Party) error {
	ok := false
	for _, p := range parties {
		if MayAct(p, a) {
			ok = true
		}
	}
	if !ok {
		return minsheng.Errorf(minsheng.EFORBIDDEN, "you may not %s this ride", a)
	}
	_, err := Next(from, a)
	return err
}

// Purpose is why the rider travels.
type Purpose string

// Purposes.
const (
	PurposeHospital  Purpose = "hospital"  // 就医
	PurposeDialysis  Purpose = "dialysis"  // 透析
	PurposeExam      Purpose = "exam"      // 体检/检查
	PurposeEmergency Purpose = "emergency" // 急需
	PurposeOther     Purpose = "other"     // 其他 (errands, offices)
)

// Purposes lists every purpose.
var Purposes = []Purpose{PurposeHospital, PurposeDialysis, PurposeExam, PurposeEmergency, PurposeOther}

// Valid reports whether p is a known purpose.
func (p Purpose) Valid() bool { return slices.Contains(Purposes, p) }

// Ride is one trip of one rider (and their attendants). RiderName and
// RiderPhone are personal data: the use cases mask them in what they
// return, but for the reveal.
type Ride struct {
	ID       int64  `json:"id,string"`
	Status   Status `json:"status"`
	Version  int    `json:"version"`
	SeriesID int64  `json:"series_id,string,omitempty"` // the first ride of a recurring series
	ReturnOf int64  `json:"return_of,string,omitempty"` // the outward ride of a round trip
	TicketID int64  `json:"ticket_id,string,omitempty"` // the hotline work order it came from
	// PersonID is the rider in the household registry, found by their
	// phone at booking; 0: not registered.
	PersonID int64 `json:"person_id,string,omitempty"`
	Request
	DriverID      int64      `json:"driver_id,string,omitempty"`
	VehicleID     int64      `json:"vehicle_id,string,omitempty"`
	OfferDeadline *time.Time `json:"offer_deadline,omitempty"`
	ClosedBy      int64      `json:"closed_by,string,omitempty"` // who cancelled, marked a no-show or unmet need
	Reason        string     `json:"reason,omitempty"`           // why
	OdometerStart *int       `json:"odometer_start,omitempty"`
	OdometerEnd   *int       `json:"odometer_end,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	CreatedBy     int64      `json:"created_by,string,omitempty"`
	UpdatedAt     time.Time  `json:"updated_at"`
	AcceptedAt    *time.Time `json:"accepted_at,omitempty"`
	StartedAt     *time.Time `json:"started_at,omitempty"`
	CompletedAt   *time.Time `json:"completed_at,omitempty"`
}

// VolunteerMinutes is the driver's time given to the ride: from setting
// off to the end; 0 until the ride is completed.
func (r *Ride) VolunteerMinutes() int {
	if r.StartedAt == nil || r.CompletedAt == nil || !r.CompletedAt.After(*r.StartedAt) {
		return 0
	}
	return int(r.CompletedAt.Sub(*r.StartedAt).Minutes())
}

// OfferStatus is where one offer of a ride to a driver is.
type OfferStatus string

// Offer statuses.
const (
	OfferOpen      OfferStatus = "open"      // waiting for the driver's answer
	OfferAccepted  OfferStatus = "accepted"  // the driver took the ride
	OfferDeclined  OfferStatus = "declined"  // the driver turned it down
	OfferWithdrawn OfferStatus = "withdrawn" // another driver took it, or the ride was called off
	OfferExpired   OfferStatus = "expired"   // nobody answered by the deadline
)

// Offer is a ride offered to one driver.
type Offer struct {
	RideID     int64       `json:"ride_id,string"`
	DriverID   int64       `json:"driver_id,string"`
	Status     OfferStatus `json:"status"`
	OfferedAt  time.Time   `json:"offered_at"`
	Deadline   time.Time   `json:"deadline"`
	AnsweredAt *time.Time  `json:"answered_at,omitempty"`
}
