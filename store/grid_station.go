package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// This file holds the grid micro-stations (网格微管站, docs/grids.md): the
// stations, their staff and the requests taken there.

// Station is a grid micro-station.
type Station struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	UnitID    int64     `json:"unit_id"`
	UnitPath  string    `json:"-"`
	UnitName  string    `json:"unit_name"`
	Address   string    `json:"address"`
	Lat       *float64  `json:"lat,omitempty"`
	Lng       *float64  `json:"lng,omitempty"`
	Hours     string    `json:"hours"`
	Services  []string  `json:"services"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Staff are who serve there (names of staff users: not residents'
	// personal data).
	Staff []StationStaff `json:"staff"`
	// Requests and Answered count the requests taken there and those
	// answered on the spot.
	Requests int `json:"requests"`
	Answered int `json:"answered"`
}

// StationStaff is a staff user serving at a station.
type StationStaff struct {
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
}

const stationColumns = `s.id, s.name, s.unit_id, s.unit_path, n.name, s.address, s.lat, s.lng, s.hours, s.services, s.active,
	s.created_at, s.updated_at,
	(SELECT COUNT(*) FROM grid_station_requests q WHERE q.station_id = s.id),
	(SELECT COUNT(*) FROM grid_station_requests q WHERE q.station_id = s.id AND q.answered)`

const stationFrom = ` FROM grid_stations s JOIN units n ON n.id = s.unit_id`

func scanStation(sc scanner) (*Station, error) {
	s := Station{Services: []string{}, Staff: []StationStaff{}}
	var lat, lng sql.NullFloat64
	var services string
	if err := sc.Scan(&s.ID, &s.Name, &s.UnitID, &s.UnitPath, &s.UnitName, &s.Address, &lat, &lng, &s.Hours, &services, &s.Active,
		&s.CreatedAt, &s.UpdatedAt, &s.Requests, &s.Answered); err != nil {
		return nil, err
	}
	if lat.Valid && lng.Valid {
		s.Lat, s.Lng = &lat.Float64, &lng.Float64
	}
	if services != "" {
		s.Services = strings.Split(services, "\n")
	}
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	return &s, nil
}

// InsertStation writes a new station and its staff.
func InsertStation(ctx context.Context, tx *Tx, s *Station) error {
	_, err := tx.Exec(ctx, `INSERT INTO grid_stations (id, name, unit_id, unit_path, address, lat, lng, hours, services, active,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, s.ID, s.Name, s.UnitID, s.UnitPath, s.Address,
		nullFloat(s.Lat), nullFloat(s.Lng), s.Hours, strings.Join(s.Services, "\n"), s.Active, s.CreatedAt.UTC(), s.UpdatedAt.UTC())
	if err != nil {
		return fmt.Errorf("insert station: %w", err)
	}
	return setStationStaff(ctx, tx, s)
}

// UpdateStation writes a station's changes and replaces its staff.
func UpdateStation(ctx context.Context, tx *Tx, s *Station) error {
	err := changeOne(ctx, tx, "update station", notFound("station", s.ID),
		`UPDATE grid_stations SET name = ?, unit_id = ?, unit_path = ?, address = ?, lat = ?, lng = ?, hours = ?,
		services = ?, active = ?, updated_at = ? WHERE id = ?`, s.Name, s.UnitID, s.UnitPath, s.Address, nullFloat(s.Lat), nullFloat(s.Lng),
		s.Hours, strings.Join(s.Services, "\n"), s.Active, s.UpdatedAt.UTC(), s.ID)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM grid_station_staff WHERE station_id = ?`, s.ID); err != nil {
		return fmt.Errorf("update station staff: %w", err)
	}
	return setStationStaff(ctx, tx, s)
}

func setStationStaff(ctx context.Context, tx *Tx, s *Station) error {
	for _, st := range s.Staff {
		if _, err := tx.Exec(ctx, `INSERT INTO grid_station_staff (station_id, user_id) VALUES (?, ?)`, s.ID, st.UserID); err != nil {
			return fmt.Errorf("insert station staff: %w", err)
		}
	}
	return nil
}

// GetStation returns a station with its staff, or ENOTFOUND.
func GetStation(ctx context.Context, tx *Tx, id int64) (*Station, error) {
	s, err := getOne(ctx, tx, scanStation, "station", id, `SELECT `+stationColumns+stationFrom+` WHERE s.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if err := loadStationStaff(ctx, tx, []*Station{s}); err != nil {
		return nil, err
	}
	return s, nil
}

// StationFilter selects stations; zero fields select all.
type StationFilter struct {
	Paths      []string // serving a unit at or below one of them
	ActiveOnly bool
	StaffID    int64 // only where this user serves
}

// ListStations returns stations with their staff, by unit and name.
func ListStations(ctx context.Context, tx *Tx, f StationFilter) ([]*Station, error) {
	var w where
	w.paths(f.Paths, "s.unit_path")
	w.addIf(f.ActiveOnly, "s.active")
	w.addIf(f.StaffID != 0, "EXISTS (SELECT 1 FROM grid_station_staff st WHERE st.station_id = s.id AND st.user_id = ?)", f.StaffID)
	out, err := queryAll(ctx, tx, scanStation, `SELECT `+stationColumns+stationFrom+w.String()+` ORDER BY s.unit_path, s.name, s.id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("list stations: %w", err)
	}
	if err := loadStationStaff(ctx, tx, out); err != nil {
		return nil, err
	}
	return out, nil
}

func loadStationStaff(ctx context.Context, tx *Tx, ss []*Station) error {
	if len(ss) == 0 {
		return nil
	}
	byID := map[int64]*Station{}
	ids := make([]any, 0, len(ss))
	for _, s := range ss {
		byID[s.ID] = s
		ids = append(ids, s.ID)
	}
	type row struct {
		station int64
		StationStaff
	}
	rows, err := queryAll(ctx, tx, func(sc scanner) (row, error) {
		var r row
		return r, sc.Scan(&r.station, &r.UserID, &r.Name)
	}, `SELECT st.station_id, u.id, u.name FROM grid_station_staff st JOIN users u ON u.id = st.user_id
		WHERE st.station_id IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")+`) ORDER BY u.name, u.id`, ids...)
	if err != nil {
		return fmt.Errorf("station staff: %w", err)
	}
	for _, r := range rows {
		byID[r.station].Staff = append(byID[r.station].Staff, r.StationStaff)
	}
	return nil
}

// StationRequest is a resident's request taken at a station and the work
// order that carries it. Ticket, TicketStatus and Title are read from the
// work order (the resident's name and phone stay on the ticket, masked by
// the ticket engine).
type StationRequest struct {
	ID           int64     `json:"id"`
	StationID    int64     `json:"station_id"`
	StationName  string    `json:"station_name"`
	StationPath  string    `json:"-"`
	TicketID     int64     `json:"-"`
	Ticket       string    `json:"ticket"`
	TicketStatus string    `json:"ticket_status"`
	Title        string    `json:"title"`
	Service      string    `json:"service,omitempty"`
	TakenBy      int64     `json:"taken_by"`
	TakenByName  string    `json:"taken_by_name"`
	TakenAt      time.Time `json:"taken_at"`
	Answered     bool      `json:"answered"` // answered on the spot (直接办结)
}

const stationRequestColumns = `q.id, q.station_id, s.name, q.station_path, q.ticket_id, t.number, t.status, t.title, q.service,
	q.taken_by, u.name, q.taken_at, q.answered`

const stationRequestFrom = ` FROM grid_station_requests q JOIN grid_stations s ON s.id = q.station_id JOIN tickets t ON t.id = q.ticket_id
	JOIN users u ON u.id = q.taken_by`

func scanStationRequest(sc scanner) (*StationRequest, error) {
	var q StationRequest
	if err := sc.Scan(&q.ID, &q.StationID, &q.StationName, &q.StationPath, &q.TicketID, &q.Ticket, &q.TicketStatus, &q.Title, &q.Service,
		&q.TakenBy, &q.TakenByName, &q.TakenAt, &q.Answered); err != nil {
		return nil, err
	}
	q.TakenAt = q.TakenAt.UTC()
	return &q, nil
}

// InsertStationRequest writes a request taken at a station.
func InsertStationRequest(ctx context.Context, tx *Tx, q *StationRequest) error {
	_, err := tx.Exec(ctx, `INSERT INTO grid_station_requests (id, station_id, station_path, ticket_id, service, taken_by, taken_at, answered)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, q.ID, q.StationID, q.StationPath, q.TicketID, q.Service, q.TakenBy, q.TakenAt.UTC(), q.Answered)
	if err != nil {
		return fmt.Errorf("insert station request: %w", err)
	}
	return nil
}

// GetStationRequest returns a request, or ENOTFOUND.
func GetStationRequest(ctx context.Context, tx *Tx, id int64) (*StationRequest, error) {
	return getOne(ctx, tx, scanStationRequest, "station request", id, `SELECT `+stationRequestColumns+stationRequestFrom+` WHERE q.id = ?`, id)
}

// StationRequestFilter selects requests; zero fields select all.
type StationRequestFilter struct {
	StationID int64
	Paths     []string // of stations at or below one of them
	TakenBy   int64
	From, To  time.Time // taken_at in [From, To)
	Limit     int       // 0: 100
}

func stationRequestWhere(f StationRequestFilter) (string, []any) {
	var w where
	w.addIf(f.StationID != 0, "q.station_id = ?", f.StationID)
	w.paths(f.Paths, "q.station_path")
	w.addIf(f.TakenBy != 0, "q.taken_by = ?", f.TakenBy)
	w.addIf(!f.From.IsZero(), "q.taken_at >= ?", f.From.UTC())
	w.addIf(!f.To.IsZero(), "q.taken_at < ?", f.To.UTC())
	return w.String(), w.args
}

// ListStationRequests returns requests, the latest first.
func ListStationRequests(ctx context.Context, tx *Tx, f StationRequestFilter) ([]*StationRequest, error) {
	where, args := stationRequestWhere(f)
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	out, err := queryAll(ctx, tx, scanStationRequest, `SELECT `+stationRequestColumns+stationRequestFrom+where+
		fmt.Sprintf(` ORDER BY q.taken_at DESC, q.id DESC LIMIT %d`, limit), args...)
	if err != nil {
		return nil, fmt.Errorf("list station requests: %w", err)
	}
	return out, nil
}

// StationFigures are the figures of the requests taken at stations: in
// all and per station, how many were answered on the spot, and of the
// others (referred as work orders) how many are closed.
type StationFigures struct {
	Requests int                 `json:"requests"`
	Answered int                 `json:"answered"` // answered on the spot (直接办结)
	Referred int                 `json:"referred"` // registered as work orders for a unit
	Closed   int                 `json:"closed"`   // of the referred, closed
	Stations []StationFigureLine `json:"stations"`
}

// StationFigureLine is one station's figures.
type StationFigureLine struct {
	StationID int64  `json:"station_id"`
	Name      string `json:"name"`
	Requests  int    `json:"requests"`
	Answered  int    `json:"answered"`
	Closed    int    `json:"closed"`
}

// CountStationRequests returns the figures of the requests the filter
// selects (Limit and TakenBy are ignored).
func CountStationRequests(ctx context.Context, tx *Tx, f StationRequestFilter) (*StationFigures, error) {
	f.TakenBy = 0
	where, args := stationRequestWhere(f)
	lines, err := queryAll(ctx, tx, func(sc scanner) (StationFigureLine, error) {
		var l StationFigureLine
		return l, sc.Scan(&l.StationID, &l.Name, &l.Requests, &l.Answered, &l.Closed)
	}, `SELECT q.station_id, s.name, COUNT(*), COALESCE(SUM(CASE WHEN q.answered THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN NOT q.answered AND t.status = 'closed' THEN 1 ELSE 0 END), 0)
		FROM grid_station_requests q JOIN grid_stations s ON s.id = q.station_id JOIN tickets t ON t.id = q.ticket_id`+where+`
		GROUP BY q.station_id, s.name ORDER BY COUNT(*) DESC, q.station_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("count station requests: %w", err)
	}
	out := &StationFigures{Stations: lines}
	for _, l := range lines {
		out.Requests += l.Requests
		out.Answered += l.Answered
		out.Closed += l.Closed
	}
	out.Referred = out.Requests - out.Answered
	return out, nil
}
