package web

import (
	"context"
	_ "embed"
	"net/http"
	"strconv"
	"time"

	"github.com/minsheng/minsheng"
	appride "github.com/minsheng/minsheng/app/ride"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/capability"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/ride"
)

// RideAPI returns the JSON routes of the volunteer fleet (爱心车队): rides
// booked from tickets, the fleet desk, the driver's day and the trip's
// steps, the fleet's vehicles and drivers, and the figures. Their document
// is openapi_ride.json (RideOpenAPI).
func (s *Server) RideAPI(svc *appride.Service) []capability.Route {
	a := &rideAPI{svc: svc}
	h := func(pattern string, fn handlerFunc) capability.Route {
		return capability.Route{Pattern: pattern, Handler: s.handle(fn)}
	}
	step := func(run func(a *rideAPI, r *http.Request, u *org.User, id int64) (*appride.View, error)) handlerFunc {
		return func(w http.ResponseWriter, r *http.Request) error { return a.step(w, r, run) }
	}
	return []capability.Route{
		h("POST /api/v1/tickets/{ref}/rides", a.book),
		h("GET /api/v1/tickets/{ref}/rides", a.ticketRides),
		h("GET /api/v1/rides", a.desk),
		h("GET /api/v1/rides/driver", a.driverDay),
		h("GET /api/v1/rides/figures", a.figures),
		h("GET /api/v1/rides/{id}", a.get),
		h("GET /api/v1/rides/{id}/suggestions", a.suggestions),
		h("POST /api/v1/rides/{id}/reveal", a.reveal),
		h("POST /api/v1/rides/{id}/schedule", step(func(a *rideAPI, r *http.Request, u *org.User, id int64) (*appride.View, error) {
			var in noteIn
			if err := decodeOptional(r, &in); err != nil {
				return nil, err
			}
			return a.svc.Schedule(r.Context(), u, id, in.Note)
		})),
		h("POST /api/v1/rides/{id}/offer", step(func(a *rideAPI, r *http.Request, u *org.User, id int64) (*appride.View, error) {
			var in struct {
				DriverIDs []string `json:"driver_ids"`
			}
			if err := decodeOptional(r, &in); err != nil {
				return nil, err
			}
			ids := make([]int64, len(in.DriverIDs))
			for i, s := range in.DriverIDs {
				var err error
				if ids[i], err = strconv.ParseInt(s, 10, 64); err != nil {
					return nil, minsheng.FieldError("driver_ids", "driver_ids must be ids")
				}
			}
			return a.svc.Offer(r.Context(), u, id, ids)
		})),
		h("POST /api/v1/rides/{id}/accept", step(func(a *rideAPI, r *http.Request, u *org.User, id int64) (*appride.View, error) {
			return a.svc.Accept(r.Context(), u, id)
		})),
		h("POST /api/v1/rides/{id}/decline", step(func(a *rideAPI, r *http.Request, u *org.User, id int64) (*appride.View, error) {
			var in reasonIn
			if err := decodeOptional(r, &in); err != nil {
				return nil, err
			}
			return a.svc.Decline(r.Context(), u, id, in.Reason)
		})),
		h("POST /api/v1/rides/{id}/start", step(func(a *rideAPI, r *http.Request, u *org.User, id int64) (*appride.View, error) {
			var in odometerIn
			if err := decodeOptional(r, &in); err != nil {
				return nil, err
			}
			return a.svc.Start(r.Context(), u, id, in.Odometer)
		})),
		h("POST /api/v1/rides/{id}/pickup", step(func(a *rideAPI, r *http.Request, u *org.User, id int64) (*appride.View, error) {
			return a.svc.Pickup(r.Context(), u, id)
		})),
		h("POST /api/v1/rides/{id}/complete", step(func(a *rideAPI, r *http.Request, u *org.User, id int64) (*appride.View, error) {
			var in odometerIn
			if err := decodeOptional(r, &in); err != nil {
				return nil, err
			}
			return a.svc.Complete(r.Context(), u, id, in.Odometer, in.Note)
		})),
		h("POST /api/v1/rides/{id}/cancel", step(func(a *rideAPI, r *http.Request, u *org.User, id int64) (*appride.View, error) {
			var in reasonIn
			if err := decodeOptional(r, &in); err != nil {
				return nil, err
			}
			return a.svc.Cancel(r.Context(), u, id, in.Reason)
		})),
		h("POST /api/v1/rides/{id}/no_show", step(func(a *rideAPI, r *http.Request, u *org.User, id int64) (*appride.View, error) {
			var in reasonIn
			if err := decodeOptional(r, &in); err != nil {
				return nil, err
			}
			return a.svc.NoShow(r.Context(), u, id, in.Reason)
		})),
		h("POST /api/v1/rides/{id}/unmet", step(func(a *rideAPI, r *http.Request, u *org.User, id int64) (*appride.View, error) {
			var in reasonIn
			if err := decodeOptional(r, &in); err != nil {
				return nil, err
			}
			return a.svc.MarkUnmet(r.Context(), u, id, in.Reason)
		})),

		h("GET /api/v1/ride-vehicles", a.vehicles),
		h("POST /api/v1/ride-vehicles", a.saveVehicle),
		h("PUT /api/v1/ride-vehicles/{id}", a.saveVehicle),
		h("GET /api/v1/ride-drivers", a.drivers),
		h("POST /api/v1/ride-drivers", a.saveDriver),
		h("PUT /api/v1/ride-drivers/{id}", a.saveDriver),
	}
}

//go:embed openapi_ride.json
var rideOpenAPI []byte

// RideOpenAPI is the OpenAPI fragment of the fleet's routes.
func RideOpenAPI() []byte { return rideOpenAPI }

// rideAPI serves the fleet's JSON routes.
type rideAPI struct{ svc *appride.Service }

type odometerIn struct {
	Odometer *int   `json:"odometer"`
	Note     string `json:"note"`
}

// decodeOptional decodes a JSON body if there is one: the steps of a trip
// need none.
func decodeOptional(r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	return decode(nil, r, v)
}

func (a *rideAPI) step(w http.ResponseWriter, r *http.Request, run func(a *rideAPI, r *http.Request, u *org.User, id int64) (*appride.View, error)) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id", "ride")
	if err != nil {
		return err
	}
	v, err := run(a, r, u, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (a *rideAPI) book(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	var in appride.NewRide
	if err := decode(w, r, &in); err != nil {
		return err
	}
	rs, err := a.svc.RequestFromTicket(r.Context(), u, r.PathValue("ref"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"rides": rs})
	return nil
}

func (a *rideAPI) ticketRides(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	rs, err := a.svc.TicketRides(r.Context(), u, r.PathValue("ref"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"rides": orEmpty(rs)})
	return nil
}

func (a *rideAPI) desk(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	d, err := a.svc.Desk(r.Context(), u)
	if err != nil {
		return err
	}
	d.Waiting, d.Upcoming = orEmpty(d.Waiting), orEmpty(d.Upcoming)
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (a *rideAPI) driverDay(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	d, err := a.svc.DriverDay(r.Context(), u)
	if err != nil {
		return err
	}
	d.Offers, d.Rides = orEmpty(d.Offers), orEmpty(d.Rides)
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (a *rideAPI) get(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id", "ride")
	if err != nil {
		return err
	}
	v, err := a.svc.Get(r.Context(), u, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (a *rideAPI) suggestions(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id", "ride")
	if err != nil {
		return err
	}
	sg, err := a.svc.Suggest(r.Context(), u, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"suggestions": orEmpty(sg)})
	return nil
}

func (a *rideAPI) reveal(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id", "ride")
	if err != nil {
		return err
	}
	var in reasonIn
	if err := decode(w, r, &in); err != nil {
		return err
	}
	rd, err := a.svc.RevealRider(minsheng.WithClientAddr(r.Context(), clientIP(r)), u, id, in.Reason)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, rd)
	return nil
}

func (a *rideAPI) figures(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if err := knownParams(q, "from", "to"); err != nil {
		return err
	}
	day := func(name string) (time.Time, error) {
		d, err := calendar.ParseDate(q.Get(name))
		if err != nil {
			return time.Time{}, minsheng.FieldError(name, "%s must be a date (YYYY-MM-DD)", name)
		}
		return d.Start(), nil
	}
	from, err := day("from")
	if err != nil {
		return err
	}
	to, err := day("to")
	if err != nil {
		return err
	}
	f, err := a.svc.Figures(r.Context(), u, from, to.AddDate(0, 0, 1))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

func (a *rideAPI) vehicles(w http.ResponseWriter, r *http.Request) error {
	return fleetList(w, r, "vehicles", a.svc.Vehicles)
}

func (a *rideAPI) drivers(w http.ResponseWriter, r *http.Request) error {
	return fleetList(w, r, "drivers", a.svc.Drivers)
}

func (a *rideAPI) saveVehicle(w http.ResponseWriter, r *http.Request) error {
	return fleetSave(w, r, func(v *ride.Vehicle, id int64) { v.ID = id }, a.svc.SaveVehicle)
}

func (a *rideAPI) saveDriver(w http.ResponseWriter, r *http.Request) error {
	return fleetSave(w, r, func(d *ride.Driver, id int64) { d.ID = id }, a.svc.SaveDriver)
}

// fleetList answers a list of the fleet's vehicles or drivers under name.
func fleetList[T any](w http.ResponseWriter, r *http.Request, name string, list func(context.Context, *org.User) ([]T, error)) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	out, err := list(r.Context(), u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{name: orEmpty(out)})
	return nil
}

// fleetSave adds a vehicle or a driver (POST, 201) or changes the one of
// the path's {id} (PUT, 200): the id comes from the path, never the body.
func fleetSave[T any](w http.ResponseWriter, r *http.Request, setID func(*T, int64), save func(context.Context, *org.User, T) (*T, error)) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	var in T
	if err := decode(w, r, &in); err != nil {
		return err
	}
	status := http.StatusCreated
	setID(&in, 0)
	if r.PathValue("id") != "" {
		id, err := pathID(r, "id", "vehicle or driver")
		if err != nil {
			return err
		}
		setID(&in, id)
		status = http.StatusOK
	}
	out, err := save(r.Context(), u, in)
	if err != nil {
		return err
	}
	writeJSON(w, status, out)
	return nil
}
