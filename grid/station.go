package grid

import (
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
)

// A grid micro-station (网格微管站, S10) is a desk in a grid or a community
// where residents bring what they need: the staff on duty answer it on the
// spot where they can (直接办结) and register the rest as a work order that
// the ticket engine carries to the unit that must solve it.

// Limits of a station.
const (
	MaxServices    = 20 // services a station lists
	MaxServiceName = 40
	MaxStaff       = 30
	MaxHours       = 200
)

// StationManagers set up stations (where, when open, what they offer,
// who serves there) in the units of their grant.
var StationManagers = []org.Role{org.RoleAdmin, org.RoleLeader}

// StationTakers take residents' requests at a station of their units
// besides the staff named on the station: grid workers (who may register
// work orders).
var StationTakers = []org.Role{org.RoleGridWorker}

// NewStation is a station as it is set up or changed.
type NewStation struct {
	Name     string   `json:"name"`
	UnitID   int64    `json:"unit_id"` // the grid or community it serves
	Address  string   `json:"address"`
	Lat      *float64 `json:"lat,omitempty"`
	Lng      *float64 `json:"lng,omitempty"`
	Hours    string   `json:"hours"`    // opening hours as residents read them: 周一至周五 9:00–17:00
	Services []string `json:"services"` // what residents may ask for there: 政策咨询, 开具证明 …
	StaffIDs []int64  `json:"staff_ids"`
	Active   *bool    `json:"active,omitempty"` // nil: open (new) or unchanged
}

// Normalize trims spaces and drops blank and repeated services and staff.
func (n *NewStation) Normalize() {
	n.Name, n.Address, n.Hours = strings.TrimSpace(n.Name), strings.TrimSpace(n.Address), strings.TrimSpace(n.Hours)
	var svcs []string
	for _, s := range n.Services {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(svcs, s) {
			svcs = append(svcs, s)
		}
	}
	n.Services = svcs
	var staff []int64
	for _, id := range n.StaffIDs {
		if id != 0 && !slices.Contains(staff, id) {
			staff = append(staff, id)
		}
	}
	n.StaffIDs = staff
}

// Validate returns an EINVALID error naming the first field at fault.
func (n *NewStation) Validate() error {
	if err := checkText("name", n.Name, MaxTitle, true); err != nil {
		return err
	}
	if n.UnitID <= 0 {
		return minsheng.FieldError("unit_id", "unit_id is required").Because("choose")
	}
	if err := checkText("address", n.Address, MaxAddress, true); err != nil {
		return err
	}
	if err := checkText("hours", n.Hours, MaxHours, true); err != nil {
		return err
	}
	if len(n.Services) == 0 {
		return minsheng.FieldError("services", "name at least one service the station offers").Because("grid_station_services")
	}
	if len(n.Services) > MaxServices {
		return minsheng.FieldError("services", "at most %d services", MaxServices).Because("grid_station_services")
	}
	for _, s := range n.Services {
		if strings.ContainsAny(s, "\n\r") || utf8.RuneCountInString(s) > MaxServiceName {
			return minsheng.FieldError("services", "a service is named in one line of at most %d characters", MaxServiceName).Because("grid_station_services")
		}
		if err := checkText("services", s, MaxServiceName, false); err != nil {
			return err
		}
	}
	if len(n.StaffIDs) > MaxStaff {
		return minsheng.FieldError("staff_ids", "at most %d staff", MaxStaff)
	}
	return checkPoint(n.Lat, n.Lng)
}

// NewStationRequest is what a resident asks for at a station, as the
// staff on duty write it down. With Answer, it was answered on the spot
// (直接办结) and its work order is resolved at intake; without, the work
// order goes to the centre for dispatch.
type NewStationRequest struct {
	Service     string `json:"service"` // one of the station's services; "" for anything else
	Description string `json:"description"`
	CallerName  string `json:"caller_name"`
	CallerPhone string `json:"caller_phone"`
	Address     string `json:"address"` // where the problem is; the station's address when empty
	Answer      string `json:"answer"`  // what the resident was told on the spot
}

// Normalize trims spaces.
func (n *NewStationRequest) Normalize() {
	n.Service, n.Description, n.Answer = strings.TrimSpace(n.Service), strings.TrimSpace(n.Description), strings.TrimSpace(n.Answer)
	n.CallerName, n.CallerPhone, n.Address = strings.TrimSpace(n.CallerName), strings.TrimSpace(n.CallerPhone), strings.TrimSpace(n.Address)
}

// Validate checks the request against the station's services; the work
// order's own checks (the phone, the name) are the ticket engine's.
func (n *NewStationRequest) Validate(services []string) error {
	if n.Service != "" && !slices.Contains(services, n.Service) {
		return minsheng.FieldError("service", "%q is not a service of the station", n.Service).Because("choose")
	}
	if err := checkText("description", n.Description, MaxText, true); err != nil {
		return err
	}
	if err := checkText("address", n.Address, MaxAddress, false); err != nil {
		return err
	}
	return checkText("answer", n.Answer, MaxText, false)
}

// DistanceKm is the great-circle distance between two WGS84 points, in
// kilometres: enough to list the stations nearest an address.
func DistanceKm(lat1, lng1, lat2, lng2 float64) float64 {
	const r = 6371.0
	rad := math.Pi / 180
	dLat, dLng := (lat2-lat1)*rad, (lng2-lng1)*rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLng/2)*math.Sin(dLng/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(a)))
}
