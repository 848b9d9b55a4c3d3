package ride

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/personal"
)

// Limits of a request.
const (
	MaxPassengers = 7   // people carried on one ride, the rider included
	maxPlace      = 200 // characters of a pickup or destination
	maxName       = 30  // characters of a rider's name
	maxNote       = 500 // characters of a note or a reason
)

// Request is what the hotline takes down for a ride. RiderName and
// RiderPhone are personal data: masked in every shape but the reveal.
type Request struct {
	RiderName   string `json:"rider_name"`
	RiderPhone  string `json:"rider_phone"`
	Pickup      string `json:"pickup"`      // address to be picked up at
	Destination string `json:"destination"` // address to be taken to
	// Area is the code of the unit (street or community) of the pickup,
	// matched against drivers' areas; empty: anywhere.
	Area     string    `json:"area,omitempty"`
	PickupAt time.Time `json:"pickup_at"`
	// AppointmentAt is when the rider must be there (the doctor's time),
	// after the pickup.
	AppointmentAt *time.Time `json:"appointment_at,omitempty"`
	// ReturnAt asks for the way back too (a round trip): a second ride
	// from the destination at that time.
	ReturnAt   *time.Time `json:"return_at,omitempty"`
	Passengers int        `json:"passengers"` // people carried, the rider and attendants
	Wheelchair bool       `json:"wheelchair"` // the rider travels in a wheelchair
	Purpose    Purpose    `json:"purpose"`
	Note       string     `json:"note,omitempty"`
}

// Normalize trims the text fields and normalizes the phone.
func (r *Request) Normalize() {
	r.RiderName = strings.TrimSpace(r.RiderName)
	r.RiderPhone = personal.NormalizePhone(r.RiderPhone)
	r.Pickup = strings.TrimSpace(r.Pickup)
	r.Destination = strings.TrimSpace(r.Destination)
	r.Area = strings.TrimSpace(r.Area)
	r.Note = strings.TrimSpace(r.Note)
	if r.Purpose == "" {
		r.Purpose = PurposeHospital
	}
}

// Validate checks a normalized request at now: EINVALID naming the field
// at fault.
func (r *Request) Validate(now time.Time) error {
	switch {
	case r.RiderName == "" || utf8.RuneCountInString(r.RiderName) > maxName:
		return minsheng.FieldError("rider_name", "the rider's name is required, at most %d characters", maxName)
	case !personal.ValidPhone(r.RiderPhone):
		return minsheng.FieldError("rider_phone", "the rider's phone is not a phone number")
	case r.Pickup == "" || utf8.RuneCountInString(r.Pickup) > maxPlace:
		return minsheng.FieldError("pickup", "the pickup address is required, at most %d characters", maxPlace)
	case r.Destination == "" || utf8.RuneCountInString(r.Destination) > maxPlace:
		return minsheng.FieldError("destination", "the destination is required, at most %d characters", maxPlace)
	case r.Destination == r.Pickup:
		return minsheng.FieldError("destination", "the destination is the pickup address")
	case r.PickupAt.IsZero():
		return minsheng.FieldError("pickup_at", "the pickup time is required")
	case !r.PickupAt.After(now):
		return minsheng.FieldError("pickup_at", "the pickup time has passed")
	case r.AppointmentAt != nil && !r.AppointmentAt.After(r.PickupAt):
		return minsheng.FieldError("appointment_at", "the appointment is not after the pickup")
	case r.ReturnAt != nil && !r.ReturnAt.After(r.PickupAt):
		return minsheng.FieldError("return_at", "the way back is not after the pickup")
	case r.ReturnAt != nil && r.AppointmentAt != nil && r.ReturnAt.Before(*r.AppointmentAt):
		return minsheng.FieldError("return_at", "the way back is before the appointment")
	case r.Passengers < 1 || r.Passengers > MaxPassengers:
		return minsheng.FieldError("passengers", "passengers must be between 1 and %d", MaxPassengers)
	case !r.Purpose.Valid():
		return minsheng.FieldError("purpose", "unknown purpose %q", r.Purpose)
	case utf8.RuneCountInString(r.Note) > maxNote:
		return minsheng.FieldError("note", "the note is at most %d characters", maxNote)
	}
	return nil
}

// CheckReason checks the reason given for a cancellation, a no-show or an
// unmet need: required, at most 500 characters.
func CheckReason(field, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > maxNote {
		return minsheng.FieldError(field, "a reason is required, at most %d characters", maxNote)
	}
	return nil
}

// CheckOdometer checks an optional odometer reading (km): not negative,
// and at the end not below the start.
func CheckOdometer(start, end *int) error {
	if start != nil && (*start < 0 || *start > 10_000_000) {
		return minsheng.FieldError("odometer_start", "the odometer reading must be between 0 and 10000000 km")
	}
	if end != nil && (*end < 0 || *end > 10_000_000) {
		return minsheng.FieldError("odometer_end", "the odometer reading must be between 0 and 10000000 km")
	}
	if start != nil && end != nil && *end < *start {
		return minsheng.FieldError("odometer_end", "the odometer at the end is below its reading at the start")
	}
	return nil
}
