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
	return []capability.Route{
		h("POST /api/v1/tickets/{ref}/rides", a.book),
		h("GET /api/v1/tickets/{ref}/rides", a.ticketRides),
		h("GET /api/v1/rides", a.desk),
		h("GET /api/v1/rides/driver", a.driverDay),
		h("GET /api/v1/rides/figures", a.figures),
		h("GET /api/v1/rides/{id}", rideStep(func(ctx context.Context, u *org.User, id int64, _ struct{}) (*appride.View, error) {
			return svc.Get(ctx, u, id)
		})),
		h("GET /api/v1/rides/{id}/suggestions", a.suggestions),
		h("POST /api/v1/rides/{id}/reveal", a.reveal),
		h("POST /api/v1/rides/{id}/schedule", rideStep(func(ctx context.Context, u *org.User, id int64, in noteIn) (*appride.View, error) {
			return svc.Schedule(ctx, u, id, in.Note)
		})),
		h("POST /api/v1/rides/{id}/offer", rideStep(func(ctx context.Context, u *org.User, id int64, in offerIn) (*appride.View, error) {
			ids := make([]int64, len(in.DriverIDs))
			for i, s := range in.DriverIDs {
				var err error
				if ids[i], err = strconv.ParseInt(s, 10, 64); err != nil {
					return nil, minsheng.FieldError("driver_ids", "driver_ids must be ids")
				}
			}
			return svc.Offer(ctx, u, id, ids)
		})),
		h("POST /api/v1/rides/{id}/accept", rideStep(func(ctx context.Context, u *org.User, id int64, _ struct{}) (*appride.View, error) {
			return svc.Accept(ctx, u, id)
		})),
		h("POST /api/v1/rides/{id}/decline", rideStep(func(ctx context.Context, u *org.User, id int64, in reasonIn) (*appride.View, error) {
			return svc.Decline(ctx, u, id, in.Reason)
		})),
		h("POST /api/v1/rides/{id}/start", rideStep(func(ctx context.Context, u *org.User, id int64, in odometerIn) (*appride.View, error) {
			return svc.Start(ctx, u, id, in.Odometer)
		})),
		h("POST /api/v1/rides/{id}/pickup", rideStep(func(ctx context.Context, u *org.User, id int64, _ struct{}) (*appride.View, error) {
			return svc.Pickup(ctx, u, id)
		})),
		h("POST /api/v1/rides/{id}/complete", rideStep(func(ctx context.Context, u *org.User, id int64, in odometerIn) (*appride.View, error) {
			return svc.Complete(ctx, u, id, in.Odometer, in.Note)
		})),
		h("POST /api/v1/rides/{id}/cancel", rideStep(func(ctx context.Context, u *org.User, id int64, in reasonIn) (*appride.View, error) {
			return svc.Cancel(ctx, u, id, in.Reason)
		})),
		h("POST /api/v1/rides/{id}/no_show", rideStep(func(ctx context.Context, u *org.User, id int64, in reasonIn) (*appride.View, error) {
			return svc.NoShow(ctx, u, id, in.Reason)
		})),
		h("POST /api/v1/rides/{id}/unmet", rideStep(func(ctx context.Context, u *org.User, id int64, in reasonIn) (*appride.View, error) {
			return svc.MarkUnmet(ctx, u, id, in.Reason)
		})),
		h("POST /api/v1/rides/{id}/report", rideStep(func(ctx context.Context, u *org.User, id int64, in problemIn) (*appride.View, error) {
			return svc.ReportProblem(ctx, u, id, in.Problem, in.Note)
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

type offerIn struct {
	DriverIDs []string `json:"driver_ids"`
}

type problemIn struct {
	Problem ride.Problem `json:"problem"`
	Note    string       `json:"note"`
}

// rideStep is the one shape of a ride's routes: the signed-in user, the
// ride of the path's {id}, the body (if any) decoded into a fresh In, the
// use case run, the ride answered.
func rideStep[In any](run func(ctx context.Context, u *org.User, id int64, in In) (*appride.View, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		return answer(w, r, http.StatusOK, func(u *org.User) (*appride.View, error) {
			id, err := pathID(r, "id", "ride")
			if err != nil {
				return nil, err
			}
			var in In
			if err := decodeOptional(r, &in); err != nil {
				return nil, err
			}
			return run(r.Context(), u, id, in)
		})
	}
}

// decodeOptional decodes a JSON body if there is one: the steps of a trip
// need none.
func decodeOptional(r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	return decode(nil, r, v)
}

func (a *rideAPI) book(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusCreated, func(u *org.User, in appride.NewRide) (map[string]any, error) {
		rs, err := a.svc.RequestFromTicket(r.Context(), u, r.PathValue("ref"), in)
		return map[string]any{"rides": rs}, err
	})
}

func (a *rideAPI) ticketRides(w http.ResponseWriter, r *http.Request) error {
	return answer(w, r, http.StatusOK, func(u *org.User) (map[string]any, error) {
		rs, err := a.svc.TicketRides(r.Context(), u, r.PathValue("ref"))
		return map[string]any{"rides": orEmpty(rs)}, err
	})
}

func (a *rideAPI) desk(w http.ResponseWriter, r *http.Request) error {
	return answer(w, r, http.StatusOK, func(u *org.User) (*appride.Desk, error) {
		d, err := a.svc.Desk(r.Context(), u)
		if d != nil {
			d.Waiting, d.Upcoming = orEmpty(d.Waiting), orEmpty(d.Upcoming)
		}
		return d, err
	})
}

func (a *rideAPI) driverDay(w http.ResponseWriter, r *http.Request) error {
	return answer(w, r, http.StatusOK, func(u *org.User) (*appride.DriverDay, error) {
		d, err := a.svc.DriverDay(r.Context(), u)
		if d != nil {
			d.Offers, d.Rides = orEmpty(d.Offers), orEmpty(d.Rides)
		}
		return d, err
	})
}

func (a *rideAPI) suggestions(w http.ResponseWriter, r *http.Request) error {
	return answer(w, r, http.StatusOK, func(u *org.User) (map[string]any, error) {
		id, err := pathID(r, "id", "ride")
		if err != nil {
			return nil, err
		}
		sg, err := a.svc.Suggest(r.Context(), u, id)
		return map[string]any{"suggestions": orEmpty(sg)}, err
	})
}

func (a *rideAPI) reveal(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	return userWrite(w, r, http.StatusOK, func(u *org.User, in reasonIn) (*appride.Rider, error) {
		id, err := pathID(r, "id", "ride")
		if err != nil {
			return nil, err
		}
		return a.svc.RevealRider(minsheng.WithClientAddr(r.Context(), clientIP(r)), u, id, in.Reason)
	})
}

func (a *rideAPI) figures(w http.ResponseWriter, r *http.Request) error {
	return answer(w, r, http.StatusOK, func(u *org.User) (*appride.Figures, error) {
		q := r.URL.Query()
		if err := knownParams(q, "from", "to"); err != nil {
			return nil, err
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
			return nil, err
		}
		to, err := day("to")
		if err != nil {
			return nil, err
		}
		return a.svc.Figures(r.Context(), u, from, to.AddDate(0, 0, 1))
	})
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
	return answer(w, r, http.StatusOK, func(u *org.User) (map[string]any, error) {
		out, err := list(r.Context(), u)
		return map[string]any{name: orEmpty(out)}, err
	})
}

// fleetSave adds a vehicle or a driver (POST, 201) or changes the one of
// the path's {id} (PUT, 200): the id comes from the path, never the body.
func fleetSave[T any](w http.ResponseWriter, r *http.Request, setID func(*T, int64), save func(context.Context, *org.User, T) (*T, error)) error {
	status := http.StatusCreated
	if r.PathValue("id") != "" {
		status = http.StatusOK
	}
	return userWrite(w, r, status, func(u *org.User, in T) (*T, error) {
		setID(&in, 0)
		if status == http.StatusOK {
			id, err := pathID(r, "id", "vehicle or driver")
			if err != nil {
				return nil, err
			}
			setID(&in, id)
		}
		return save(r.Context(), u, in)
	})
}
