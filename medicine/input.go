package medicine

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/personal"
)

// Limits of a request.
const (
	MaxQuantity   = 999 // boxes, bottles … of one request
	MaxDaysSupply = 366 // days one delivery may last
	maxName       = 30  // characters of a patient's name
	maxText       = 100 // characters of a medicine's name, spec, unit or a place
	maxPlace      = 200 // characters of an address
	maxNote       = 500 // characters of a note or a reason
)

// Need is what the hotline takes down: the patient and the medicine.
// PatientName and PatientPhone are personal data.
type Need struct {
	PatientName  string  `json:"patient_name"`
	PatientPhone string  `json:"patient_phone"`
	Address      string  `json:"address"`  // where it is to be delivered
	Medicine     string  `json:"medicine"` // its name (通用名 or brand)
	Spec         string  `json:"spec,omitempty"`
	Quantity     int     `json:"quantity"`       // how many units
	Unit         string  `json:"unit,omitempty"` // 盒, 瓶, 支 …; default 盒
	Chronic      bool    `json:"chronic"`        // a chronic patient's regular medicine (else one-off)
	DaysSupply   int     `json:"days_supply,omitempty"`
	Urgency      Urgency `json:"urgency"`
	Prescription bool    `json:"prescription"` // a prescription was seen (set by a photo of it)
	Note         string  `json:"note,omitempty"`
}

// Normalize trims the text fields, normalizes the phone and fills the
// defaults (unit 盒, urgency urgent).
func (n *Need) Normalize() {
	n.PatientName = strings.TrimSpace(n.PatientName)
	n.PatientPhone = personal.NormalizePhone(n.PatientPhone)
	n.Address = strings.TrimSpace(n.Address)
	n.Medicine = strings.TrimSpace(n.Medicine)
	n.Spec = strings.TrimSpace(n.Spec)
	n.Unit = strings.TrimSpace(n.Unit)
	n.Note = strings.TrimSpace(n.Note)
	if n.Unit == "" {
		n.Unit = "盒"
	}
	if n.Urgency == "" {
		n.Urgency = UrgencyUrgent
	}
}

// Validate checks a normalized need: EINVALID naming the field at fault.
func (n *Need) Validate() error {
	switch {
	case n.PatientName == "":
		return minsheng.FieldError("patient_name", "the patient's name is required").Because("required")
	case utf8.RuneCountInString(n.PatientName) > maxName:
		return minsheng.FieldError("patient_name", "the patient's name is at most %d characters", maxName).Because("too_long")
	case n.PatientPhone == "":
		return minsheng.FieldError("patient_phone", "the patient's phone is required").Because("required")
	case !personal.ValidPhone(n.PatientPhone):
		return minsheng.FieldError("patient_phone", "the patient's phone is not a phone number").Because("phone_format")
	case n.Address == "":
		return minsheng.FieldError("address", "the delivery address is required").Because("required")
	case utf8.RuneCountInString(n.Address) > maxPlace:
		return minsheng.FieldError("address", "the address is at most %d characters", maxPlace).Because("too_long")
	case n.Medicine == "":
		return minsheng.FieldError("medicine", "the medicine's name is required").Because("required")
	case utf8.RuneCountInString(n.Medicine) > maxText:
		return minsheng.FieldError("medicine", "the medicine's name is at most %d characters", maxText).Because("too_long")
	case utf8.RuneCountInString(n.Spec) > maxText:
		return minsheng.FieldError("spec", "the spec is at most %d characters", maxText).Because("too_long")
	case utf8.RuneCountInString(n.Unit) > 10:
		return minsheng.FieldError("unit", "the unit is at most 10 characters").Because("too_long")
	case n.Quantity < 1 || n.Quantity > MaxQuantity:
		return minsheng.FieldError("quantity", "the quantity must be between 1 and %d", MaxQuantity).Because("quantity_range")
	case n.DaysSupply < 0 || n.DaysSupply > MaxDaysSupply:
		return minsheng.FieldError("days_supply", "the days of supply must be between 0 and %d", MaxDaysSupply).Because("out_of_range")
	case n.Chronic && n.DaysSupply == 0:
		return minsheng.FieldError("days_supply", "a chronic patient's request says how many days it lasts").Because("days_supply_chronic")
	case !n.Urgency.Valid():
		return minsheng.FieldError("urgency", "unknown urgency %q", n.Urgency)
	case utf8.RuneCountInString(n.Note) > maxNote:
		return minsheng.FieldError("note", "the note is at most %d characters", maxNote).Because("too_long")
	}
	return nil
}

// Step is what one action takes besides the request: each action reads
// only its own fields (Check says which are required).
type Step struct {
	Note       string     `json:"note,omitempty"`        // any action
	Reason     string     `json:"reason,omitempty"`      // cancel, not_available
	Place      string     `json:"place,omitempty"`       // attempt, sourced: the pharmacy or hospital
	PlaceKind  PlaceKind  `json:"place_kind,omitempty"`  // attempt, sourced
	InStock    bool       `json:"in_stock,omitempty"`    // attempt
	ExpectedAt *time.Time `json:"expected_at,omitempty"` // attempt, sourced: when it can be collected
	Mode       Mode       `json:"mode,omitempty"`        // deliver
	CarrierID  int64      `json:"carrier_id,string,omitempty"`
	From       string     `json:"handed_from,omitempty"` // handover
	To         string     `json:"handed_to,omitempty"`   // handover
	Quantity   int        `json:"quantity,omitempty"`    // delivered: 0 is all of it
}

// Normalize trims the text fields.
func (s *Step) Normalize() {
	s.Note, s.Reason, s.Place = strings.TrimSpace(s.Note), strings.TrimSpace(s.Reason), strings.TrimSpace(s.Place)
	s.From, s.To = strings.TrimSpace(s.From), strings.TrimSpace(s.To)
	if s.PlaceKind == "" {
		s.PlaceKind = PlacePharmacy
	}
}

// Check checks a normalized step of the action on the request at now:
// EINVALID naming the field at fault.
func (s *Step) Check(a Action, r *Request, now time.Time) error {
	if utf8.RuneCountInString(s.Note) > maxNote {
		return minsheng.FieldError("note", "the note is at most %d characters", maxNote).Because("too_long")
	}
	switch a {
	case ActionCancel, ActionNotAvailable:
		if s.Reason == "" {
			return minsheng.FieldError("reason", "a reason is required").Because("required")
		}
		if utf8.RuneCountInString(s.Reason) > maxNote {
			return minsheng.FieldError("reason", "the reason is at most %d characters", maxNote).Because("too_long")
		}
	case ActionAttempt, ActionSourced:
		switch {
		case s.Place == "":
			return minsheng.FieldError("place", "say which pharmacy or hospital").Because("required")
		case utf8.RuneCountInString(s.Place) > maxText:
			return minsheng.FieldError("place", "the place is at most %d characters", maxText).Because("too_long")
		case !s.PlaceKind.Valid():
			return minsheng.FieldError("place_kind", "unknown kind of place %q", s.PlaceKind)
		case a == ActionSourced && s.ExpectedAt == nil:
			return minsheng.FieldError("expected_at", "say when it can be collected").Because("required")
		case s.ExpectedAt != nil && s.ExpectedAt.Before(now.Add(-24*time.Hour)):
			return minsheng.FieldError("expected_at", "the expected date has passed").Because("expected_past")
		}
	case ActionDeliver:
		switch {
		case !s.Mode.Valid():
			return minsheng.FieldError("mode", "choose a volunteer driver or a pickup").Because("choose")
		case s.Mode == ModeDriver && s.CarrierID == 0:
			return minsheng.FieldError("carrier_id", "choose the volunteer driver").Because("choose")
		}
	case ActionHandover:
		switch {
		case s.From == "" || s.To == "":
			field := "handed_from"
			if s.From != "" {
				field = "handed_to"
			}
			return minsheng.FieldError(field, "say who handed it to whom").Because("required")
		case utf8.RuneCountInString(s.From) > maxName*2 || utf8.RuneCountInString(s.To) > maxName*2:
			return minsheng.FieldError("handed_to", "a name is at most %d characters", maxName*2).Because("too_long")
		}
	case ActionDelivered:
		if s.Quantity < 0 || s.Quantity > r.Quantity {
			return minsheng.FieldError("quantity", "the quantity delivered must be between 1 and the %d asked for", r.Quantity).
				Because("quantity_range")
		}
	}
	return nil
}
