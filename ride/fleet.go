package ride

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/personal"
)

// MaxSeats is the most passenger seats of a fleet vehicle (a minibus).
const MaxSeats = 15

// Vehicle is a car of the fleet. Owner is a person's name: personal data.
type Vehicle struct {
	ID         int64  `json:"id,string"`
	Plate      string `json:"plate"`
	Seats      int    `json:"seats"` // passenger seats, the driver's not counted
	Wheelchair bool   `json:"wheelchair"`
	Owner      string `json:"owner,omitempty"`
	// InsuranceUntil is the last day the insurance covers (midnight, China).
	InsuranceUntil time.Time `json:"insurance_until"`
	Active         bool      `json:"active"`
}

// plateRe is a Chinese licence plate: the province's character, a letter,
// then five (or six, new-energy) letters and digits.
var plateRe = regexp.MustCompile(`^\p{Han}[A-Z][A-Z0-9]{5,6}$`)

// NormalizePlate upper-cases a plate and removes spaces and the dot.
func NormalizePlate(p string) string {
	p = strings.ToUpper(strings.TrimSpace(p))
	return strings.NewReplacer(" ", "", "·", "", "-", "").Replace(p)
}

// Check checks a vehicle: EINVALID naming the field.
func (v *Vehicle) Check() error {
	v.Plate = NormalizePlate(v.Plate)
	v.Owner = strings.TrimSpace(v.Owner)
	switch {
	case !plateRe.MatchString(v.Plate):
		return minsheng.FieldError("plate", "the plate %q is not a licence plate (青A12345)", v.Plate)
	case v.Seats < 1 || v.Seats > MaxSeats:
		return minsheng.FieldError("seats", "seats must be between 1 and %d", MaxSeats)
	case utf8.RuneCountInString(v.Owner) > maxName:
		return minsheng.FieldError("owner", "the owner's name is at most %d characters", maxName)
	case v.InsuranceUntil.IsZero():
		return minsheng.FieldError("insurance_until", "the insurance's last day is required")
	}
	return nil
}

// Insured reports whether the vehicle's insurance covers the time t.
func (v *Vehicle) Insured(t time.Time) bool { return covers(v.InsuranceUntil, t) }

// covers reports whether a document valid through the day until (midnight
// in China) covers t.
func covers(until, t time.Time) bool {
	return !until.IsZero() && t.Before(calendar.DateOf(until).Start().AddDate(0, 0, 1))
}

// Fits returns "" if the vehicle can carry the ride, else why not:
// ReasonNoWheelchair or ReasonTooFewSeats.
func (v *Vehicle) Fits(passengers int, wheelchair bool) string {
	if wheelchair && !v.Wheelchair {
		return ReasonNoWheelchair
	}
	if passengers > v.Seats {
		return ReasonTooFewSeats
	}
	return ""
}

// CheckFit returns an EINVALID error on the field "vehicle_id" when the
// vehicle cannot take the ride at t: no wheelchair access for a
// wheelchair rider, too few seats, or its insurance expired.
func (v *Vehicle) CheckFit(passengers int, wheelchair bool, t time.Time) error {
	switch v.Fits(passengers, wheelchair) {
	case ReasonNoWheelchair:
		return minsheng.FieldError("vehicle_id", "vehicle %s has no wheelchair access and the rider travels in a wheelchair", v.Plate)
	case ReasonTooFewSeats:
		return minsheng.FieldError("vehicle_id", "vehicle %s has %d seats for %d passengers", v.Plate, v.Seats, passengers)
	}
	if !v.Insured(t) {
		return minsheng.FieldError("vehicle_id", "the insurance of vehicle %s expired on %s", v.Plate, calendar.DateOf(v.InsuranceUntil))
	}
	if !v.Active {
		return minsheng.FieldError("vehicle_id", "vehicle %s is out of service", v.Plate)
	}
	return nil
}

// Document kinds a driver holds.
const (
	DocLicense   = "license"   // 驾驶证, required
	DocVolunteer = "volunteer" // 志愿者证
	DocHealth    = "health"    // 体检证明
)

// DocKinds lists the kinds of documents.
var DocKinds = []string{DocLicense, DocVolunteer, DocHealth}

// Document is one of a driver's papers and the last day it is valid.
type Document struct {
	Kind  string    `json:"kind"`
	Until time.Time `json:"until"`
}

// Slot is a weekly window in which a driver is usually free: a weekday
// and the minutes of the day [From, To) in China.
type Slot struct {
	Weekday time.Weekday `json:"weekday"` // 0 Sunday … 6 Saturday
	From    int          `json:"from"`    // minutes after midnight
	To      int          `json:"to"`
}

// Covers reports whether the slot holds the time t (read in China).
func (s Slot) Covers(t time.Time) bool {
	t = t.In(calendar.China)
	m := t.Hour()*60 + t.Minute()
	return t.Weekday() == s.Weekday && m >= s.From && m < s.To
}

// Driver is a volunteer driver: a user holding the driver grant. Name and
// Phone are personal data.
type Driver struct {
	ID           int64      `json:"id,string"`
	UserID       int64      `json:"user_id,string"`
	Name         string     `json:"name"`
	Phone        string     `json:"phone"`
	VehicleID    int64      `json:"vehicle_id,string,omitempty"` // the car they usually drive
	Documents    []Document `json:"documents"`
	Availability []Slot     `json:"availability"`
	Areas        []string   `json:"areas"` // unit codes they serve; empty: anywhere
	// Team is the team (分队) of the fleet they belong to; empty: none.
	Team   string `json:"team,omitempty"`
	Active bool   `json:"active"`
}

// Check checks a driver's details: EINVALID naming the field.
func (d *Driver) Check() error {
	d.Name = strings.TrimSpace(d.Name)
	d.Phone = personal.NormalizePhone(d.Phone)
	if d.Name == "" || utf8.RuneCountInString(d.Name) > maxName {
		return minsheng.FieldError("name", "the driver's name is required, at most %d characters", maxName)
	}
	if !personal.ValidPhone(d.Phone) {
		return minsheng.FieldError("phone", "the driver's phone is not a phone number")
	}
	if d.Team = strings.TrimSpace(d.Team); utf8.RuneCountInString(d.Team) > maxName {
		return minsheng.FieldError("team", "a team's name is at most %d characters", maxName).Because("too_long")
	}
	license := false
	for _, doc := range d.Documents {
		if !slices.Contains(DocKinds, doc.Kind) {
			return minsheng.FieldError("documents", "unknown document %q", doc.Kind)
		}
		if doc.Until.IsZero() {
			return minsheng.FieldError("documents", "the %s needs its last valid day", doc.Kind)
		}
		license = license || doc.Kind == DocLicense
	}
	if !license {
		return minsheng.FieldError("documents", "a driver's licence is required")
	}
	for _, s := range d.Availability {
		if s.Weekday < time.Sunday || s.Weekday > time.Saturday || s.From < 0 || s.To > 24*60 || s.From >= s.To {
			return minsheng.FieldError("availability", "a time slot is out of the day")
		}
	}
	for i, a := range d.Areas {
		d.Areas[i] = strings.TrimSpace(a)
		if d.Areas[i] == "" {
			return minsheng.FieldError("areas", "an area is empty")
		}
	}
	return nil
}

// Expired returns the kind of the first document that does not cover t,
// or "" when all do.
func (d *Driver) Expired(t time.Time) string {
	for _, doc := range d.Documents {
		if !covers(doc.Until, t) {
			return doc.Kind
		}
	}
	return ""
}

// CheckDocuments returns an EINVALID error on "driver_id" when one of the
// driver's documents does not cover t, or the driver is inactive.
func (d *Driver) CheckDocuments(t time.Time) error {
	if !d.Active {
		return minsheng.FieldError("driver_id", "driver %d is not active", d.ID)
	}
	if k := d.Expired(t); k != "" {
		return minsheng.FieldError("driver_id", "the %s of driver %d has expired", k, d.ID)
	}
	return nil
}

// Available reports whether one of the driver's slots holds t.
func (d *Driver) Available(t time.Time) bool {
	for _, s := range d.Availability {
		if s.Covers(t) {
			return true
		}
	}
	return false
}

// Serves reports whether the driver serves the area ("" or no areas:
// anywhere).
func (d *Driver) Serves(area string) bool {
	return area == "" || len(d.Areas) == 0 || slices.Contains(d.Areas, area)
}

// ParseAvailability reads slots written as a form holds them: entries
// separated by ';' or new lines, each "DAYS HH:MM-HH:MM" where DAYS is a
// weekday number (1 Monday … 7 Sunday), a range "1-5" or a list "2,4".
// "1-5 07:30-11:30; 6 08:00-12:00".
func ParseAvailability(s string) ([]Slot, error) {
	bad := func(entry string) error {
		return minsheng.FieldError("availability", "%q is not \"DAYS HH:MM-HH:MM\" (1 Monday … 7 Sunday)", entry)
	}
	var out []Slot
	for _, entry := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '\n' || r == '；' }) {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		days, hours, ok := strings.Cut(entry, " ")
		if !ok {
			return nil, bad(entry)
		}
		from, to, ok := strings.Cut(strings.TrimSpace(hours), "-")
		if !ok {
			return nil, bad(entry)
		}
		fm, err1 := clock(from)
		tm, err2 := clock(to)
		if err1 != nil || err2 != nil || fm >= tm {
			return nil, bad(entry)
		}
		var wds []int
		for _, part := range strings.Split(days, ",") {
			lo, hi, isRange := strings.Cut(part, "-")
			a, err := strconv.Atoi(lo)
			if err != nil {
				return nil, bad(entry)
			}
			b := a
			if isRange {
				if b, err = strconv.Atoi(hi); err != nil {
					return nil, bad(entry)
				}
			}
			if a < 1 || b > 7 || a > b {
				return nil, bad(entry)
			}
			for d := a; d <= b; d++ {
				wds = append(wds, d)
			}
		}
		for _, d := range wds {
			out = append(out, Slot{Weekday: time.Weekday(d % 7), From: fm, To: tm})
		}
	}
	return out, nil
}

// FormatAvailability writes slots back in ParseAvailability's form, one
// entry per slot.
func FormatAvailability(slots []Slot) string {
	parts := make([]string, len(slots))
	for i, s := range slots {
		d := int(s.Weekday)
		if d == 0 {
			d = 7
		}
		parts[i] = fmt.Sprintf("%d %02d:%02d-%02d:%02d", d, s.From/60, s.From%60, s.To/60, s.To%60)
	}
	return strings.Join(parts, "; ")
}

// clock reads "HH:MM" (24:00 allowed as the end of the day) as minutes.
func clock(s string) (int, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh*60+mm > 24*60 {
		return 0, fmt.Errorf("bad time %q", s)
	}
	return hh*60 + mm, nil
}
