package grids

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/grid"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// Object types of the micro-stations on the timeline and in the audit log.
const (
	ObjectStation        = "grid_station"
	ObjectStationRequest = "grid_station_request"
)

// overlaps reports whether one of the paths lies at, above or below the
// unit: a grid worker of a grid serves at its community's station, a
// community's staff at the stations of its grids.
func overlaps(paths []string, unitPath string) bool {
	for _, p := range paths {
		if org.Within(unitPath, p) || org.Within(p, unitPath) {
			return true
		}
	}
	return false
}

// seesStation reports whether the actor sees a station: its unit and
// theirs overlap, or they serve there.
func seesStation(actor *org.User, s *store.Station) bool {
	return kit.IsSystem(actor) || overlaps(actor.WorkScopes(), s.UnitPath) || servesAt(actor, s)
}

// servesAt reports whether the actor is named among the station's staff.
func servesAt(actor *org.User, s *store.Station) bool {
	return slices.ContainsFunc(s.Staff, func(st store.StationStaff) bool { return st.UserID == actor.ID })
}

// mayTakeAt reports whether the actor takes residents' requests at the
// station: its staff, and the grid workers of its units.
func mayTakeAt(actor *org.User, s *store.Station) bool {
	if !s.Active {
		return false
	}
	return kit.IsSystem(actor) || servesAt(actor, s) || overlaps(actor.ScopesAs(grid.StationTakers...), s.UnitPath)
}

// SaveStation sets up a station (id 0) or changes one, in a unit the actor
// manages: where it is, its hours, its services and who serves there. The
// staff are active users of the station's units (or above or below them)
// who may register work orders: grid workers, agents, dispatchers.
func (s *Service) SaveStation(ctx context.Context, actor *org.User, id int64, in grid.NewStation) (*store.Station, error) {
	if err := kit.Require(actor, grid.StationManagers...); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *store.Station
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		now := s.now()
		st := &store.Station{ID: id, CreatedAt: now, Active: true}
		action := "create"
		var err error
		if id != 0 {
			if st, err = store.GetStation(ctx, tx, id); err != nil {
				return err
			}
			if !seesAs(actor, st.UnitPath, grid.StationManagers...) {
				return minsheng.Errorf(minsheng.ENOTFOUND, "station %d not found", id)
			}
			action = "update"
		} else if st.ID, err = tx.NextID(ctx); err != nil {
			return err
		}
		u, err := unitField(ctx, tx, in.UnitID, "unit_id")
		if err != nil {
			return err
		}
		if !seesAs(actor, u.Path, grid.StationManagers...) {
			return minsheng.FieldError("unit_id", "unit %s is outside the units you manage", u.Name).Because("grid_unit_not_yours")
		}
		st.Name, st.UnitID, st.UnitPath, st.Address, st.Lat, st.Lng = in.Name, u.ID, u.Path, in.Address, in.Lat, in.Lng
		st.Hours, st.Services, st.UpdatedAt = in.Hours, in.Services, now
		if in.Active != nil {
			st.Active = *in.Active
		}
		st.Staff = nil
		for _, uid := range in.StaffIDs {
			su, err := store.GetUser(ctx, tx, uid)
			if minsheng.IsCode(err, minsheng.ENOTFOUND) {
				return minsheng.FieldError("staff_ids", "user %d does not exist", uid).Because("grid_station_staff")
			}
			if err != nil {
				return err
			}
			if !su.Active || !ticket.May(su, ticket.ActionRegister) || !overlaps(su.WorkScopes(), u.Path) {
				return minsheng.FieldError("staff_ids", "%s may not serve at a station of %s", su.Name, u.Name).Because("grid_station_staff")
			}
			st.Staff = append(st.Staff, store.StationStaff{UserID: su.ID, Name: su.Name})
		}
		if action == "create" {
			err = store.InsertStation(ctx, tx, st)
		} else {
			err = store.UpdateStation(ctx, tx, st)
		}
		if err != nil {
			return err
		}
		if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectStation, ObjectID: st.ID, Action: action,
			Data: map[string]string{"unit": u.Code, "staff": strconv.Itoa(len(st.Staff)), "active": strconv.FormatBool(st.Active)}}); err != nil {
			return err
		}
		out, err = store.GetStation(ctx, tx, st.ID)
		return err
	})
	return out, err
}

// ListStations returns the stations the actor sees: of their units, above
// or below them, and where they serve.
func (s *Service) ListStations(ctx context.Context, actor *org.User) ([]*store.Station, error) {
	if err := kit.Require(actor, org.Roles...); err != nil {
		return nil, err
	}
	var all []*store.Station
	err := s.kit.Read(ctx, func(tx *store.Tx) (err error) {
		all, err = store.ListStations(ctx, tx, store.StationFilter{})
		return err
	})
	if err != nil {
		return nil, err
	}
	var out []*store.Station
	for _, st := range all {
		if seesStation(actor, st) {
			out = append(out, st)
		}
	}
	return out, nil
}

// StationView is a station with the requests taken there and what the
// actor may do.
type StationView struct {
	*store.Station
	Recent  []*store.StationRequest `json:"recent"`
	MayTake bool                    `json:"may_take"` // take a resident's request
	MayEdit bool                    `json:"may_edit"`
}

// GetStation returns a station the actor sees, with its latest requests.
func (s *Service) GetStation(ctx context.Context, actor *org.User, id int64) (*StationView, error) {
	if err := kit.Require(actor, org.Roles...); err != nil {
		return nil, err
	}
	var out StationView
	err := s.kit.Read(ctx, func(tx *store.Tx) (err error) {
		if out.Station, err = store.GetStation(ctx, tx, id); err != nil {
			return err
		}
		if !seesStation(actor, out.Station) {
			return minsheng.Errorf(minsheng.ENOTFOUND, "station %d not found", id)
		}
		out.Recent, err = store.ListStationRequests(ctx, tx, store.StationRequestFilter{StationID: id, Limit: 30})
		return err
	})
	if err != nil {
		return nil, err
	}
	out.Recent = orNone(out.Recent)
	out.MayTake = mayTakeAt(actor, out.Station)
	out.MayEdit = seesAs(actor, out.UnitPath, grid.StationManagers...)
	return &out, nil
}

func orNone[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// StationRequestInput is a request taken at a station.
type StationRequestInput struct {
	grid.NewStationRequest
}

// TakeRequest registers a resident's request taken at a station: its work
// order (channel station) is registered in the same transaction and linked
// both ways. With an answer, the staff answered it on the spot and the work
// order is resolved at intake (直接办结), unless a routing rule dispatched
// it at once, in which case it goes on to the unit (Answered false) and the
// answer given stays on the request's timeline. The resident's name and
// phone are the ticket's, masked like every caller's.
func (s *Service) TakeRequest(ctx context.Context, actor *org.User, stationID int64, in StationRequestInput) (*store.StationRequest, error) {
	if err := kit.Require(actor, org.Roles...); err != nil {
		return nil, err
	}
	in.Normalize()
	var out *store.StationRequest
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		st, err := store.GetStation(ctx, tx, stationID)
		if err != nil {
			return err
		}
		if !seesStation(actor, st) {
			return minsheng.Errorf(minsheng.ENOTFOUND, "station %d not found", stationID)
		}
		if !st.Active {
			return minsheng.Errorf(minsheng.ECONFLICT, "the station is closed").Because("grid_station_closed")
		}
		if !mayTakeAt(actor, st) {
			return minsheng.Errorf(minsheng.EFORBIDDEN, "only the station's staff and the grid workers of its units take requests there")
		}
		if err := in.Validate(st.Services); err != nil {
			return err
		}
		nt := ticket.NewTicket{Title: ticket.TitleFrom(in.Description), Description: "【网格微管站·" + st.Name + "】" + in.Description,
			Kind: ticket.KindHelp, Channel: ticket.ChannelStation, CallerName: in.CallerName, CallerPhone: in.CallerPhone, Address: in.Address}
		if in.Service != "" {
			nt.Title = in.Service + "：" + nt.Title
		}
		if nt.Address == "" {
			nt.Address, nt.Lat, nt.Lng = st.Address, st.Lat, st.Lng
		}
		t, err := s.tickets.OpenTicketTx(ctx, tx, actor, nt)
		if err != nil {
			return err
		}
		id, err := tx.NextID(ctx)
		if err != nil {
			return err
		}
		q := &store.StationRequest{ID: id, StationID: st.ID, StationPath: st.UnitPath, TicketID: t.ID, Service: in.Service,
			TakenBy: actor.ID, TakenAt: s.now()}
		if in.Answer != "" && t.Status == ticket.StatusRegistered {
			q.Answered = true
			answer := in.Answer
			if err := s.tickets.ActTx(ctx, tx, t, actor.ID, ticket.ActionResolveAtIntake, answer, nil, nil,
				func(_ context.Context, _ *store.Tx, t *ticket.Ticket, e *ticket.Event, now time.Time) error {
					t.Reply, t.RepliedAt = answer, &now
					e.Data = map[string]string{"grid_station": strconv.FormatInt(st.ID, 10)}
					return nil
				}); err != nil {
				return err
			}
		}
		if err := store.InsertStationRequest(ctx, tx, q); err != nil {
			return err
		}
		if err := s.tickets.LinkTx(ctx, tx, actor, t, ObjectStationRequest, id, "opened"); err != nil {
			return err
		}
		if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectStationRequest, ObjectID: id, Action: "take",
			Note: in.Answer, Data: map[string]string{"station": strconv.FormatInt(st.ID, 10), "ticket": t.Number,
				"answered": strconv.FormatBool(q.Answered)}}); err != nil {
			return err
		}
		out, err = store.GetStationRequest(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.kit.Log().InfoContext(ctx, "station request", "request", out.ID, "ticket", out.Ticket, "answered", out.Answered, "actor", actor.ID)
	return out, nil
}

// StationFigures are the figures of the requests taken at the stations of
// the actor's units: in all and per station, answered on the spot, and the
// referred ones closed. No figure is about a person.
func (s *Service) StationFigures(ctx context.Context, actor *org.User) (*store.StationFigures, error) {
	if err := kit.Require(actor, org.Roles...); err != nil {
		return nil, err
	}
	var out *store.StationFigures
	err := s.kit.Read(ctx, func(tx *store.Tx) (err error) {
		out, err = store.CountStationRequests(ctx, tx, store.StationRequestFilter{Paths: scopes(actor)})
		return err
	})
	if err != nil {
		return nil, err
	}
	out.Stations = orNone(out.Stations)
	return out, nil
}

// NearStation is an open station as residents see it, with its distance
// from the address asked about (nil when either has no point).
type NearStation struct {
	ID         int64    `json:"id"`
	Name       string   `json:"name"`
	UnitName   string   `json:"unit_name"`
	Address    string   `json:"address"`
	Lat        *float64 `json:"lat,omitempty"`
	Lng        *float64 `json:"lng,omitempty"`
	Hours      string   `json:"hours"`
	Services   []string `json:"services"`
	DistanceKm *float64 `json:"distance_km,omitempty"`
	Answered   int      `json:"answered"` // requests answered on the spot there
}

// Km is the distance for pages: 0 when it is not known.
func (n *NearStation) Km() float64 {
	if n.DistanceKm == nil {
		return 0
	}
	return *n.DistanceKm
}

// StationsNear is the public list of the open stations: nearest first
// when the address is placed on the base layer (Place then names where),
// else by unit. It names no staff.
type StationsNear struct {
	Address  string         `json:"address,omitempty"`
	Place    *app.GeoMatch  `json:"place,omitempty"`
	Stations []*NearStation `json:"stations"`
}

// PublicStations lists the open stations for residents, without an
// account, nearest the address first when it can be placed.
func (s *Service) PublicStations(ctx context.Context, address string) (*StationsNear, error) {
	address = strings.TrimSpace(address)
	if err := grid.CheckNote("address", address, false); err != nil {
		return nil, err
	}
	out := &StationsNear{Address: address, Stations: []*NearStation{}}
	if address != "" {
		var err error
		if out.Place, err = s.tickets.Geocode(ctx, address); err != nil {
			return nil, err
		}
	}
	var all []*store.Station
	err := s.kit.Read(ctx, func(tx *store.Tx) (err error) {
		all, err = store.ListStations(ctx, tx, store.StationFilter{ActiveOnly: true})
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, st := range all {
		n := &NearStation{ID: st.ID, Name: st.Name, UnitName: st.UnitName, Address: st.Address, Lat: st.Lat, Lng: st.Lng,
			Hours: st.Hours, Services: st.Services, Answered: st.Answered}
		if out.Place != nil && st.Lat != nil {
			d := grid.DistanceKm(out.Place.Lat, out.Place.Lng, *st.Lat, *st.Lng)
			n.DistanceKm = &d
		}
		out.Stations = append(out.Stations, n)
	}
	slices.SortStableFunc(out.Stations, func(a, b *NearStation) int {
		switch {
		case a.DistanceKm != nil && b.DistanceKm != nil:
			if *a.DistanceKm < *b.DistanceKm {
				return -1
			}
			if *a.DistanceKm > *b.DistanceKm {
				return 1
			}
			return 0
		case a.DistanceKm != nil:
			return -1
		case b.DistanceKm != nil:
			return 1
		}
		return 0
	})
	return out, nil
}

// StaffCandidates returns who may be named as staff of the stations the
// actor manages: active users of those units who may register work orders.
func (s *Service) StaffCandidates(ctx context.Context, actor *org.User) ([]*org.User, error) {
	if err := kit.Require(actor, grid.StationManagers...); err != nil {
		return nil, err
	}
	paths := actor.ScopesAs(grid.StationManagers...)
	if kit.IsSystem(actor) {
		paths = nil
	}
	var users []*org.User
	err := s.kit.Read(ctx, func(tx *store.Tx) (err error) {
		users, err = store.ListUsers(ctx, tx, paths)
		return err
	})
	if err != nil {
		return nil, err
	}
	var out []*org.User
	for _, u := range users {
		if u.Active && ticket.May(u, ticket.ActionRegister) && u.HasAny(org.RoleGridWorker, org.RoleAgent, org.RoleDispatcher) {
			out = append(out, u)
		}
	}
	return out, nil
}
