// Package medicine is the special-medicine post (特殊用药专岗): a resident's
// request for a medicine they cannot get (a hospital-only drug, a chronic
// patient's prescription the local pharmacy does not stock), its
// lifecycle, who may act on it, and the checks of a request and of each
// step. Pure Go, no I/O; the use cases are in app/medicine.
//
// A request goes requested → verified (the post checked the prescription
// and the need) → sourcing (pharmacies and hospitals are asked, each
// attempt recorded) → sourced (where, expected when) or not_available →
// delivering (by a volunteer driver, handed over leg by leg, or picked up
// by the family) → delivered (in full or in part) → confirmed (the patient
// confirmed receipt). It may be cancelled, with who and why, until it is
// delivered.
//
// The post is its own capability rather than a kind of ride: its object
// is a medicine, not a trip; its steps (sourcing attempts, handovers, a
// partial delivery, the patient's confirmation, a refill date) have no
// counterpart in a ride; and a delivery needs no vehicle booking. What it
// shares with the fleet is people: its carriers are the fleet's volunteer
// drivers (users holding the driver role), known by their user, so the
// package needs nothing of the ride capability.
package medicine

import (
	"fmt"
	"slices"
	"time"

	"github.com/minsheng/minsheng"
)

// Status is where a request is in its life.
type Status string

// Statuses.
const (
	StatusRequested    Status = "requested"     // taken from a hotline call
	StatusVerified     Status = "verified"      // the post checked the prescription and the need
	StatusSourcing     Status = "sourcing"      // pharmacies and hospitals are being asked
	StatusSourced      Status = "sourced"       // found: where, and when it can be collected
	StatusNotAvailable Status = "not_available" // nowhere to be had: the ticket is answered so
	StatusDelivering   Status = "delivering"    // on its way to the patient
	StatusDelivered    Status = "delivered"     // handed to the patient (in full or in part)
	StatusConfirmed    Status = "confirmed"     // the patient confirmed receipt
	StatusCancelled    Status = "cancelled"     // called off (who and why: on the request)
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{StatusRequested, StatusVerified, StatusSourcing, StatusSourced, StatusNotAvailable,
	StatusDelivering, StatusDelivered, StatusConfirmed, StatusCancelled}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Final reports whether nothing more happens to a request in the status.
func (s Status) Final() bool {
	return s == StatusNotAvailable || s == StatusConfirmed || s == StatusCancelled
}

// Action is what someone does to a request.
type Action string

// Actions.
const (
	ActionVerify       Action = "verify"        // the post checked the prescription and the need
	ActionSource       Action = "source"        // the post starts asking pharmacies and hospitals
	ActionAttempt      Action = "attempt"       // one pharmacy or hospital asked (in stock or not)
	ActionSourced      Action = "sourced"       // found: where, expected when
	ActionNotAvailable Action = "not_available" // nowhere to be had
	ActionDeliver      Action = "deliver"       // sent out: by a volunteer driver, or for pickup
	ActionHandover     Action = "handover"      // one leg: who handed it to whom
	ActionDelivered    Action = "delivered"     // handed to the patient (quantity, if partial)
	ActionConfirm      Action = "confirm"       // the patient confirmed receipt
	ActionCancel       Action = "cancel"        // called off, with the reason
)

// Actions lists every action.
var Actions = []Action{ActionVerify, ActionSource, ActionAttempt, ActionSourced, ActionNotAvailable, ActionDeliver,
	ActionHandover, ActionDelivered, ActionConfirm, ActionCancel}

// Valid reports whether a is a known action.
func (a Action) Valid() bool { return slices.Contains(Actions, a) }

// Party is who acts on a request, as far as the lifecycle cares.
type Party string

// Parties.
const (
	PartyPost    Party = "post"    // the special-medicine post: dispatchers, district admins (and the system)
	PartyAgent   Party = "agent"   // the hotline operator who took the call
	PartyCarrier Party = "carrier" // the volunteer driver carrying it
	PartyOther   Party = "other"   // anyone else
)

// Parties lists every party.
var Parties = []Party{PartyPost, PartyAgent, PartyCarrier, PartyOther}

// rule says from which statuses an action may be taken, where it leads
// ("": the status stays) and who may take it.
type rule struct {
	from []Status
	to   Status
	who  []Party
}

// rules is the whole lifecycle in one table.
var rules = map[Action]rule{
	ActionVerify:       {[]Status{StatusRequested}, StatusVerified, []Party{PartyPost}},
	ActionSource:       {[]Status{StatusVerified}, StatusSourcing, []Party{PartyPost}},
	ActionAttempt:      {[]Status{StatusSourcing}, "", []Party{PartyPost}},
	ActionSourced:      {[]Status{StatusSourcing}, StatusSourced, []Party{PartyPost}},
	ActionNotAvailable: {[]Status{StatusSourcing}, StatusNotAvailable, []Party{PartyPost}},
	ActionDeliver:      {[]Status{StatusSourced}, StatusDelivering, []Party{PartyPost}},
	ActionHandover:     {[]Status{StatusDelivering}, "", []Party{PartyPost, PartyCarrier}},
	ActionDelivered:    {[]Status{StatusDelivering}, StatusDelivered, []Party{PartyPost, PartyCarrier}},
	ActionConfirm:      {[]Status{StatusDelivered}, StatusConfirmed, []Party{PartyPost, PartyCarrier}},
	ActionCancel: {[]Status{StatusRequested, StatusVerified, StatusSourcing, StatusSourced, StatusDelivering},
		StatusCancelled, []Party{PartyPost, PartyAgent}},
}

// Next returns the status the action leads to from the status: ECONFLICT
// when the action is not allowed from it, EINVALID for an unknown action.
func Next(from Status, a Action) (Status, error) {
	r, ok := rules[a]
	if !ok {
		return "", minsheng.FieldError("action", "unknown medicine action %q", a).Because("unknown_action")
	}
	if !slices.Contains(r.from, from) {
		// No Status: the problem's current_status names a ticket's.
		return "", &minsheng.Error{Code: minsheng.ECONFLICT, Message: fmt.Sprintf("cannot %s a medicine request that is %s", a, from)}
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
// from the status: EFORBIDDEN if none may, ECONFLICT if the status does
// not allow it.
func Check(from Status, a Action, parties ...Party) error {
	if _, ok := rules[a]; !ok {
		_, err := Next(from, a)
		return err
	}
	if !slices.ContainsFunc(parties, func(p Party) bool { return MayAct(p, a) }) {
		return minsheng.Errorf(minsheng.EFORBIDDEN, "you may not %s this medicine request", a)
	}
	_, err := Next(from, a)
	return err
}

// Urgency is how much the patient's health depends on the medicine.
type Urgency string

// Urgencies, most urgent first.
const (
	UrgencyLife     Urgency = "life_threatening" // 危及生命: without it the patient is in danger
	UrgencyUrgent   Urgency = "urgent"           // 较急: needed within days
	UrgencyNoDanger Urgency = "no_danger"        // 无危险: a supply that can wait
)

// Urgencies lists every urgency, most urgent first.
var Urgencies = []Urgency{UrgencyLife, UrgencyUrgent, UrgencyNoDanger}

// Valid reports whether u is a known urgency.
func (u Urgency) Valid() bool { return slices.Contains(Urgencies, u) }

// Rank orders urgencies: 0 is the most urgent.
func (u Urgency) Rank() int { return slices.Index(Urgencies, u) }

// PlaceKind is where a medicine is sought.
type PlaceKind string

// Place kinds.
const (
	PlacePharmacy PlaceKind = "pharmacy" // 药店
	PlaceHospital PlaceKind = "hospital" // 医院药房
)

// PlaceKinds lists every kind of place.
var PlaceKinds = []PlaceKind{PlacePharmacy, PlaceHospital}

// Valid reports whether k is a known kind of place.
func (k PlaceKind) Valid() bool { return slices.Contains(PlaceKinds, k) }

// Mode is how a medicine reaches the patient.
type Mode string

// Modes.
const (
	ModeDriver Mode = "driver" // carried by a volunteer driver of the fleet
	ModePickup Mode = "pickup" // collected by the patient or their family
)

// Modes lists every mode.
var Modes = []Mode{ModeDriver, ModePickup}

// Valid reports whether m is a known mode.
func (m Mode) Valid() bool { return slices.Contains(Modes, m) }

// Request is one medicine request. PatientName and PatientPhone are
// personal data: the use cases mask them in what they return, but for
// the reveal.
type Request struct {
	ID       int64  `json:"id,string"`
	Status   Status `json:"status"`
	Version  int    `json:"version"`
	TicketID int64  `json:"ticket_id,string,omitempty"` // the hotline work order it came from
	Need
	Place        string     `json:"place,omitempty"` // where it was found
	PlaceKind    PlaceKind  `json:"place_kind,omitempty"`
	ExpectedAt   *time.Time `json:"expected_at,omitempty"` // when it can be collected there
	Mode         Mode       `json:"mode,omitempty"`
	CarrierID    int64      `json:"carrier_id,string,omitempty"` // the user carrying it (a volunteer driver)
	DeliveredQty int        `json:"delivered_quantity,omitempty"`
	ClosedBy     int64      `json:"closed_by,string,omitempty"` // who cancelled or found it not available
	Reason       string     `json:"reason,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	CreatedBy    int64      `json:"created_by,string,omitempty"`
	UpdatedAt    time.Time  `json:"updated_at"`
	DeliveredAt  *time.Time `json:"delivered_at,omitempty"`
	ConfirmedAt  *time.Time `json:"confirmed_at,omitempty"`
	// RefillID is the next request the refill job opened for a chronic
	// patient before this supply runs out; 0: none yet.
	RefillID int64 `json:"refill_id,string,omitempty"`
}

// Partial reports whether the patient received less than asked for.
func (r *Request) Partial() bool { return r.DeliveredQty > 0 && r.DeliveredQty < r.Quantity }

// RunOut is the day a chronic patient's supply runs out: the delivery
// plus the days the delivered quantity lasts; nil for a one-off need or
// before the delivery.
func (r *Request) RunOut() *time.Time {
	if !r.Chronic || r.DaysSupply <= 0 || r.DeliveredAt == nil {
		return nil
	}
	days := r.DaysSupply
	if r.Partial() {
		days = r.DaysSupply * r.DeliveredQty / r.Quantity
	}
	t := r.DeliveredAt.AddDate(0, 0, days)
	return &t
}

// RefillAt is when the next request of a chronic patient should be
// opened: lead days before the supply runs out; nil when there is none.
func (r *Request) RefillAt(lead int) *time.Time {
	out := r.RunOut()
	if out == nil {
		return nil
	}
	t := out.AddDate(0, 0, -lead)
	return &t
}

// Attempt is one pharmacy or hospital asked for the medicine.
type Attempt struct {
	Seq        int        `json:"seq"`
	At         time.Time  `json:"at"`
	ActorID    int64      `json:"actor_id,string,omitempty"`
	Place      string     `json:"place"`
	PlaceKind  PlaceKind  `json:"place_kind"`
	InStock    bool       `json:"in_stock"`
	ExpectedAt *time.Time `json:"expected_at,omitempty"`
	Note       string     `json:"note,omitempty"`
}

// Handover is one leg of a delivery: who handed the medicine to whom.
type Handover struct {
	Seq     int       `json:"seq"`
	At      time.Time `json:"at"`
	ActorID int64     `json:"actor_id,string,omitempty"`
	From    string    `json:"from"`
	To      string    `json:"to"`
	Note    string    `json:"note,omitempty"`
}
