package ride

import (
	"cmp"
	"slices"
	"strconv"
	"time"
)

// Reasons a driver is suggested or left out, as codes the pages word in
// their language (message "ride.reason.<code>").
const (
	ReasonAvailable    = "available"     // a usual slot holds the pickup time
	ReasonNotAvailable = "not_available" // no slot holds it (they may still accept)
	ReasonArea         = "area"          // serves the pickup's area
	ReasonOtherArea    = "other_area"    // does not usually serve it
	ReasonFits         = "fits"          // the vehicle fits the ride
	ReasonSpareWheel   = "spare_wheel"   // a wheelchair vehicle for a rider who needs none
	ReasonFairness     = "fairness"      // fewer rides this month, more points; Arg: the rides
	ReasonInactive     = "inactive"      // excluded: not active
	ReasonDocExpired   = "doc_expired"   // excluded: Arg is the document's kind
	ReasonNoVehicle    = "no_vehicle"    // excluded: no vehicle, or it is out of service
	ReasonUninsured    = "uninsured"     // excluded: the vehicle's insurance expired
	ReasonNoWheelchair = "no_wheelchair" // excluded: the rider needs a wheelchair vehicle
	ReasonTooFewSeats  = "too_few_seats" // excluded: more passengers than seats
	ReasonBusy         = "busy"          // excluded: on another ride at that time
)

// Points of the score, out of 100.
const (
	PointsAvailable = 40
	PointsArea      = 30
	PointsFits      = 10
	PointsFairness  = 20
)

// Need is what the suggestion knows of a ride.
type Need struct {
	At         time.Time
	Area       string
	Passengers int
	Wheelchair bool
}

// Candidate is a driver with their vehicle (nil if none), the rides they
// took this month and whether another ride of theirs overlaps this one.
type Candidate struct {
	Driver         *Driver
	Vehicle        *Vehicle
	RidesThisMonth int
	Busy           bool
}

// Reason is one line of why a driver scores what they score.
type Reason struct {
	Code   string `json:"code"`
	Points int    `json:"points"`
	Arg    string `json:"arg,omitempty"`
}

// Suggestion is a driver's score for a ride with its reasons. A driver
// who may not take the ride is not Eligible and scores 0; the reason says
// why.
type Suggestion struct {
	DriverID  int64    `json:"driver_id,string"`
	VehicleID int64    `json:"vehicle_id,string,omitempty"`
	Eligible  bool     `json:"eligible"`
	Score     int      `json:"score"`
	Rides     int      `json:"rides_this_month"`
	Reasons   []Reason `json:"reasons"`
}

// Suggest scores every candidate for the ride, best first: the eligible
// by score (then fewer rides this month, then id), then the excluded.
// Availability, area and vehicle fit add points; fairness gives up to
// PointsFairness to those with the fewest rides this month among the
// eligible. Expired documents or insurance, no fitting vehicle and another
// ride at the time exclude a driver.
func Suggest(n Need, cs []Candidate) []Suggestion {
	out := make([]Suggestion, 0, len(cs))
	most := 0
	for _, c := range cs {
		s := Suggestion{DriverID: c.Driver.ID, Rides: c.RidesThisMonth}
		if c.Vehicle != nil {
			s.VehicleID = c.Vehicle.ID
		}
		if why, arg := exclude(n, c); why != "" {
			s.Reasons = []Reason{{Code: why, Arg: arg}}
			out = append(out, s)
			continue
		}
		s.Eligible = true
		most = max(most, c.RidesThisMonth)
		add := func(code string, points int) {
			s.Reasons = append(s.Reasons, Reason{Code: code, Points: points})
			s.Score += points
		}
		if c.Driver.Available(n.At) {
			add(ReasonAvailable, PointsAvailable)
		} else {
			add(ReasonNotAvailable, 0)
		}
		if n.Area != "" && len(c.Driver.Areas) > 0 && c.Driver.Serves(n.Area) {
			add(ReasonArea, PointsArea)
		} else if c.Driver.Serves(n.Area) {
			add(ReasonArea, PointsArea/2) // anywhere: a little less than one who knows the area
		} else {
			add(ReasonOtherArea, 0)
		}
		if c.Vehicle.Wheelchair && !n.Wheelchair {
			add(ReasonSpareWheel, PointsFits/2)
		} else {
			add(ReasonFits, PointsFits)
		}
		out = append(out, s)
	}
	for i := range out {
		if !out[i].Eligible {
			continue
		}
		p := PointsFairness
		if most > 0 {
			p = PointsFairness * (most - out[i].Rides) / most
		}
		out[i].Reasons = append(out[i].Reasons, Reason{Code: ReasonFairness, Points: p, Arg: strconv.Itoa(out[i].Rides)})
		out[i].Score += p
	}
	slices.SortStableFunc(out, func(a, b Suggestion) int {
		if a.Eligible != b.Eligible {
			if a.Eligible {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.Rides, b.Rides), cmp.Compare(a.DriverID, b.DriverID))
	})
	return out
}

// exclude returns why a candidate may not take the ride, or "".
func exclude(n Need, c Candidate) (string, string) {
	switch {
	case !c.Driver.Active:
		return ReasonInactive, ""
	case c.Driver.Expired(n.At) != "":
		return ReasonDocExpired, c.Driver.Expired(n.At)
	case c.Vehicle == nil || !c.Vehicle.Active:
		return ReasonNoVehicle, ""
	case !c.Vehicle.Insured(n.At):
		return ReasonUninsured, c.Vehicle.Plate
	case c.Vehicle.Fits(n.Passengers, n.Wheelchair) != "":
		return c.Vehicle.Fits(n.Passengers, n.Wheelchair), c.Vehicle.Plate
	case c.Busy:
		return ReasonBusy, ""
	}
	return "", ""
}
