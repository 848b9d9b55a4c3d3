package household

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/ticket"
)

// Outcome is what came of a planned visit.
type Outcome string

// Outcomes.
const (
	OutcomeVisited Outcome = "visited" // the cadre met the household
	OutcomeMissed  Outcome = "missed"  // nobody was met; the visit is rescheduled
)

// NewConcern is a concern raised in a visit: it becomes a work order.
type NewConcern struct {
	Description string         `json:"description"`
	Urgency     ticket.Urgency `json:"urgency,omitempty"` // normal when empty
}

// NewVisit is a visit as the cadre records it.
type NewVisit struct {
	At       time.Time    `json:"at"`       // when it took place
	Met      string       `json:"met"`      // who was met (本人, 老伴 …), free text
	Note     string       `json:"note"`     // what was seen and said
	Concerns []NewConcern `json:"concerns"` // each opens a ticket
	Lat      *float64     `json:"lat,omitempty"`
	Lng      *float64     `json:"lng,omitempty"`
}

// Normalize trims the fields and drops empty concerns (a form's blank
// rows).
func (v *NewVisit) Normalize() {
	v.Met = strings.TrimSpace(v.Met)
	v.Note = strings.TrimSpace(v.Note)
	var cs []NewConcern
	for _, c := range v.Concerns {
		c.Description = strings.TrimSpace(c.Description)
		if c.Description == "" {
			continue
		}
		if c.Urgency == "" {
			c.Urgency = ticket.UrgencyNormal
		}
		cs = append(cs, c)
	}
	v.Concerns = cs
}

// clockSkew is how far in the future a visit's time may be: a phone's
// clock a little ahead of the server's.
const clockSkew = 5 * time.Minute

// Validate checks a visit at now: a time that is not in the future nor
// older than MaxVisitBackDay days, who was met, the concerns, and a
// location given whole.
func (v *NewVisit) Validate(now time.Time) error {
	switch {
	case v.At.IsZero():
		return minsheng.FieldError("at", "the time of the visit is required")
	case v.At.After(now.Add(clockSkew)):
		return minsheng.FieldError("at", "a visit cannot be recorded in the future")
	case v.At.Before(now.AddDate(0, 0, -MaxVisitBackDay)):
		return minsheng.FieldError("at", "a visit older than %d days cannot be recorded", MaxVisitBackDay)
	case v.Met == "" || utf8.RuneCountInString(v.Met) > MaxName:
		return minsheng.FieldError("met", "who was met is required, at most %d characters", MaxName)
	case utf8.RuneCountInString(v.Note) > MaxNote:
		return minsheng.FieldError("note", "the note is at most %d characters", MaxNote)
	case len(v.Concerns) > MaxConcerns:
		return minsheng.FieldError("concerns", "at most %d concerns in one visit", MaxConcerns)
	case (v.Lat == nil) != (v.Lng == nil):
		return minsheng.FieldError("lat", "a location needs both latitude and longitude")
	case v.Lat != nil && (*v.Lat < -90 || *v.Lat > 90 || *v.Lng < -180 || *v.Lng > 180):
		return minsheng.FieldError("lat", "the location is out of range")
	}
	for i, c := range v.Concerns {
		if utf8.RuneCountInString(c.Description) > MaxNote {
			return minsheng.FieldError("concerns["+itoa(i)+"].description", "a concern is at most %d characters", MaxNote)
		}
		if !c.Urgency.Valid() {
			return minsheng.FieldError("concerns["+itoa(i)+"].urgency", "unknown urgency %q", c.Urgency)
		}
	}
	return nil
}

// MissedVisit is a planned visit where nobody was met, with the day it is
// rescheduled to.
type MissedVisit struct {
	At            time.Time `json:"at"`
	Reason        string    `json:"reason"`
	RescheduledTo time.Time `json:"rescheduled_to"`
}

// Validate checks a missed visit at now: its time as for a visit, a
// reason, and a new day from today to 30 days ahead.
func (m *MissedVisit) Validate(now time.Time) error {
	m.Reason = strings.TrimSpace(m.Reason)
	switch {
	case m.At.IsZero() || m.At.After(now.Add(clockSkew)):
		return minsheng.FieldError("at", "the time of the attempt is required and may not be in the future")
	case m.Reason == "" || utf8.RuneCountInString(m.Reason) > MaxNote:
		return minsheng.FieldError("reason", "the reason is required, at most %d characters", MaxNote)
	case m.RescheduledTo.IsZero() || Day(m.RescheduledTo).Before(Day(now)) || Day(m.RescheduledTo).After(Day(now).AddDate(0, 0, 30)):
		return minsheng.FieldError("rescheduled_to", "the new day is between today and 30 days ahead")
	}
	return nil
}
