package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/ride"
)

// This file holds the volunteer fleet (爱心车队, docs/ride.md): vehicles,
// drivers, rides and the offers of rides to drivers.

const rideVehicleColumns = `id, plate, seats, wheelchair, owner, insurance_until, active`

func scanRideVehicle(s scanner) (*ride.Vehicle, error) {
	var v ride.Vehicle
	if err := s.Scan(&v.ID, &v.Plate, &v.Seats, &v.Wheelchair, &v.Owner, &v.InsuranceUntil, &v.Active); err != nil {
		return nil, err
	}
	v.InsuranceUntil = v.InsuranceUntil.UTC()
	return &v, nil
}

// InsertRideVehicle writes a new vehicle; a plate already there is
// EINVALID on "plate".
func InsertRideVehicle(ctx context.Context, tx *Tx, v *ride.Vehicle, now time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO ride_vehicles (`+rideVehicleColumns+`, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		v.ID, v.Plate, v.Seats, v.Wheelchair, v.Owner, v.InsuranceUntil.UTC(), v.Active, now.UTC())
	if IsUnique(err) {
		return minsheng.FieldError("plate", "a vehicle with plate %s is already in the fleet", v.Plate)
	}
	if err != nil {
		return fmt.Errorf("insert ride vehicle: %w", err)
	}
	return nil
}

// UpdateRideVehicle writes a vehicle's details.
func UpdateRideVehicle(ctx context.Context, tx *Tx, v *ride.Vehicle) error {
	res, err := tx.Exec(ctx, `UPDATE ride_vehicles SET plate = ?, seats = ?, wheelchair = ?, owner = ?, insurance_until = ?, active = ?
		WHERE id = ?`, v.Plate, v.Seats, v.Wheelchair, v.Owner, v.InsuranceUntil.UTC(), v.Active, v.ID)
	if IsUnique(err) {
		return minsheng.FieldError("plate", "a vehicle with plate %s is already in the fleet", v.Plate)
	}
	if err != nil {
		return fmt.Errorf("update ride vehicle: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("vehicle", v.ID)
	}
	return nil
}

// GetRideVehicle returns a vehicle, or ENOTFOUND.
func GetRideVehicle(ctx context.Context, tx *Tx, id int64) (*ride.Vehicle, error) {
	return getOne(ctx, tx, scanRideVehicle, "vehicle", id, `SELECT `+rideVehicleColumns+` FROM ride_vehicles WHERE id = ?`, id)
}

// ListRideVehicles returns the fleet's vehicles by plate.
func ListRideVehicles(ctx context.Context, tx *Tx) ([]*ride.Vehicle, error) {
	out, err := queryAll(ctx, tx, scanRideVehicle, `SELECT `+rideVehicleColumns+` FROM ride_vehicles ORDER BY plate`)
	if err != nil {
		return nil, fmt.Errorf("list ride vehicles: %w", err)
	}
	return out, nil
}

const rideDriverColumns = `id, user_id, name, phone, COALESCE(vehicle_id, 0), documents, availability, areas, team, active`

func scanRideDriver(s scanner) (*ride.Driver, error) {
	var d ride.Driver
	var docs, avail, areas string
	if err := s.Scan(&d.ID, &d.UserID, &d.Name, &d.Phone, &d.VehicleID, &docs, &avail, &areas, &d.Team, &d.Active); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(docs), &d.Documents); err != nil {
		return nil, fmt.Errorf("driver %d documents: %w", d.ID, err)
	}
	if err := json.Unmarshal([]byte(avail), &d.Availability); err != nil {
		return nil, fmt.Errorf("driver %d availability: %w", d.ID, err)
	}
	for i := range d.Documents {
		d.Documents[i].Until = d.Documents[i].Until.UTC()
	}
	if areas != "" {
		d.Areas = strings.Split(areas, ",")
	}
	return &d, nil
}

func driverArgs(d *ride.Driver) (docs, avail string, err error) {
	if d.Documents == nil {
		d.Documents = []ride.Document{}
	}
	if d.Availability == nil {
		d.Availability = []ride.Slot{}
	}
	b1, err := json.Marshal(d.Documents)
	if err != nil {
		return "", "", err
	}
	b2, err := json.Marshal(d.Availability)
	return string(b1), string(b2), err
}

// InsertRideDriver writes a new driver; a user who already drives is
// EINVALID on "user_id".
func InsertRideDriver(ctx context.Context, tx *Tx, d *ride.Driver, now time.Time) error {
	docs, avail, err := driverArgs(d)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO ride_drivers (id, user_id, name, phone, vehicle_id, documents, availability, areas, team, active, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, d.ID, d.UserID, d.Name, d.Phone, nullID(d.VehicleID), docs, avail,
		strings.Join(d.Areas, ","), d.Team, d.Active, now.UTC())
	if IsUnique(err) {
		return minsheng.FieldError("user_id", "user %d is already a driver of the fleet", d.UserID)
	}
	if IsForeignKey(err) {
		return minsheng.FieldError("vehicle_id", "no such vehicle or user")
	}
	if err != nil {
		return fmt.Errorf("insert ride driver: %w", err)
	}
	return nil
}

// UpdateRideDriver writes a driver's details.
func UpdateRideDriver(ctx context.Context, tx *Tx, d *ride.Driver) error {
	docs, avail, err := driverArgs(d)
	if err != nil {
		return err
	}
	res, err := tx.Exec(ctx, `UPDATE ride_drivers SET name = ?, phone = ?, vehicle_id = ?, documents = ?, availability = ?, areas = ?, team = ?,
		active = ? WHERE id = ?`, d.Name, d.Phone, nullID(d.VehicleID), docs, avail, strings.Join(d.Areas, ","), d.Team, d.Active, d.ID)
	if IsForeignKey(err) {
		return minsheng.FieldError("vehicle_id", "no such vehicle")
	}
	if err != nil {
		return fmt.Errorf("update ride driver: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("driver", d.ID)
	}
	return nil
}

// LockRideDriver takes the driver's row for the rest of the transaction
// (PostgreSQL holds the row lock; SQLite has one writer anyway), so that
// two rides accepted for one driver at once are checked one after the
// other for overlap.
func LockRideDriver(ctx context.Context, tx *Tx, id int64) error {
	res, err := tx.Exec(ctx, `UPDATE ride_drivers SET version = version + 1 WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("lock ride driver: %w", tx.db.mapError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("driver", id)
	}
	return nil
}

// GetRideDriver returns a driver, or ENOTFOUND.
func GetRideDriver(ctx context.Context, tx *Tx, id int64) (*ride.Driver, error) {
	return getRideDriver(ctx, tx, "id = ?", id)
}

// GetRideDriverByUser returns the driver who is the user, or ENOTFOUND.
func GetRideDriverByUser(ctx context.Context, tx *Tx, userID int64) (*ride.Driver, error) {
	return getRideDriver(ctx, tx, "user_id = ?", userID)
}

func getRideDriver(ctx context.Context, tx *Tx, cond string, arg any) (*ride.Driver, error) {
	return getOne(ctx, tx, scanRideDriver, "driver", arg, `SELECT `+rideDriverColumns+` FROM ride_drivers WHERE `+cond, arg)
}

// ListRideDrivers returns every driver by id.
func ListRideDrivers(ctx context.Context, tx *Tx) ([]*ride.Driver, error) {
	out, err := queryAll(ctx, tx, scanRideDriver, `SELECT `+rideDriverColumns+` FROM ride_drivers ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list ride drivers: %w", err)
	}
	return out, nil
}

const rideColumns = `id, status, version, series_id, return_of, COALESCE(ticket_id, 0), rider_name, rider_phone, pickup, destination,
	area, pickup_at, appointment_at, passengers, wheelchair, purpose, note, COALESCE(driver_id, 0), COALESCE(vehicle_id, 0),
	offer_deadline, COALESCE(closed_by, 0), reason, odometer_start, odometer_end, created_at, COALESCE(created_by, 0),
	updated_at, accepted_at, started_at, completed_at, person_id`

func scanRide(s scanner) (*ride.Ride, error) {
	var r ride.Ride
	var appt, deadline, accepted, started, completed sql.NullTime
	var odoStart, odoEnd sql.NullInt64
	if err := s.Scan(&r.ID, &r.Status, &r.Version, &r.SeriesID, &r.ReturnOf, &r.TicketID, &r.RiderName, &r.RiderPhone,
		&r.Pickup, &r.Destination, &r.Area, &r.PickupAt, &appt, &r.Passengers, &r.Wheelchair, &r.Purpose, &r.Note,
		&r.DriverID, &r.VehicleID, &deadline, &r.ClosedBy, &r.Reason, &odoStart, &odoEnd, &r.CreatedAt, &r.CreatedBy,
		&r.UpdatedAt, &accepted, &started, &completed, &r.PersonID); err != nil {
		return nil, err
	}
	r.PickupAt, r.CreatedAt, r.UpdatedAt = r.PickupAt.UTC(), r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	r.AppointmentAt, r.OfferDeadline = timePtr(appt), timePtr(deadline)
	r.AcceptedAt, r.StartedAt, r.CompletedAt = timePtr(accepted), timePtr(started), timePtr(completed)
	r.OdometerStart, r.OdometerEnd = intPtr(odoStart), intPtr(odoEnd)
	return &r, nil
}

func intPtr(n sql.NullInt64) *int {
	if !n.Valid {
		return nil
	}
	v := int(n.Int64)
	return &v
}

func nullInt(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

// InsertRide writes a new ride at its version.
func InsertRide(ctx context.Context, tx *Tx, r *ride.Ride) error {
	_, err := tx.Exec(ctx, `INSERT INTO rides (id, status, version, series_id, return_of, ticket_id, rider_name,
		rider_phone, pickup, destination, area, pickup_at, appointment_at, passengers, wheelchair, purpose, note, driver_id,
		vehicle_id, offer_deadline, closed_by, reason, odometer_start, odometer_end, created_at, created_by, updated_at,
		accepted_at, started_at, completed_at, person_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.Status, r.Version, r.SeriesID, r.ReturnOf, nullID(r.TicketID), r.RiderName, r.RiderPhone, r.Pickup,
		r.Destination, r.Area, r.PickupAt.UTC(), nullTime(r.AppointmentAt), r.Passengers, r.Wheelchair, r.Purpose, r.Note,
		nullID(r.DriverID), nullID(r.VehicleID), nullTime(r.OfferDeadline), nullID(r.ClosedBy), r.Reason,
		nullInt(r.OdometerStart), nullInt(r.OdometerEnd), r.CreatedAt.UTC(), nullID(r.CreatedBy), r.UpdatedAt.UTC(),
		nullTime(r.AcceptedAt), nullTime(r.StartedAt), nullTime(r.CompletedAt), r.PersonID)
	if err != nil {
		return fmt.Errorf("insert ride: %w", err)
	}
	return nil
}

// UpdateRide writes a ride that was read at version r.Version-1: when
// another transaction changed it since, nothing is written and the answer
// is ECONFLICT (the first to accept an offer wins).
func UpdateRide(ctx context.Context, tx *Tx, r *ride.Ride) error {
	return changeOne(ctx, tx, "update ride", conflictf("ride %d was changed by someone else; reload it", r.ID),
		`UPDATE rides SET status = ?, version = ?, pickup_at = ?, appointment_at = ?, note = ?,
		driver_id = ?, vehicle_id = ?, offer_deadline = ?, closed_by = ?, reason = ?, odometer_start = ?, odometer_end = ?,
		updated_at = ?, accepted_at = ?, started_at = ?, completed_at = ?
		WHERE id = ? AND version = ?`,
		r.Status, r.Version, r.PickupAt.UTC(), nullTime(r.AppointmentAt), r.Note, nullID(r.DriverID), nullID(r.VehicleID),
		nullTime(r.OfferDeadline), nullID(r.ClosedBy), r.Reason, nullInt(r.OdometerStart), nullInt(r.OdometerEnd),
		r.UpdatedAt.UTC(), nullTime(r.AcceptedAt), nullTime(r.StartedAt), nullTime(r.CompletedAt), r.ID, r.Version-1)
}

// GetRide returns a ride, or ENOTFOUND.
func GetRide(ctx context.Context, tx *Tx, id int64) (*ride.Ride, error) {
	return getOne(ctx, tx, scanRide, "ride", id, `SELECT `+rideColumns+` FROM rides WHERE id = ?`, id)
}

// RideFilter selects rides; zero fields select all.
type RideFilter struct {
	Statuses []ride.Status
	DriverID int64
	TicketID int64
	From, To *time.Time // pickup_at in [From, To)
	Limit    int        // default 500
}

// ListRides returns the rides of the filter by pickup time.
func ListRides(ctx context.Context, tx *Tx, f RideFilter) ([]*ride.Ride, error) {
	var w where
	whereIn(&w, "status", f.Statuses)
	w.addIf(f.DriverID != 0, "driver_id = ?", f.DriverID)
	w.addIf(f.TicketID != 0, "ticket_id = ?", f.TicketID)
	w.between("pickup_at", f.From, f.To)
	limit := f.Limit
	if limit <= 0 {
		limit = 500
	}
	q := `SELECT ` + rideColumns + ` FROM rides` + w.String() + fmt.Sprintf(" ORDER BY pickup_at, id LIMIT %d", limit)
	out, err := queryAll(ctx, tx, scanRide, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("list rides: %w", err)
	}
	return out, nil
}

// taken are the statuses of a ride a driver has taken on.
var taken = []any{ride.StatusAccepted, ride.StatusEnRoute, ride.StatusPickedUp, ride.StatusCompleted}

// CountDriverRides returns, by driver, the rides taken on (accepted or
// further, not called off) with a pickup in [from, to). The rides of the
// period are read by their pickup time and counted here, so that the
// database scans the period, not every ride of every driver.
func CountDriverRides(ctx context.Context, tx *Tx, from, to time.Time) (map[int64]int, error) {
	out := map[int64]int{}
	err := pickupDrivers(ctx, tx, from, to, taken, 0, func(id int64) { out[id]++ })
	if err != nil {
		return nil, fmt.Errorf("count driver rides: %w", err)
	}
	return out, nil
}

// BusyRideDrivers returns the drivers holding a ride (accepted, en route
// or picked up) with a pickup within span of at, the ride except aside.
func BusyRideDrivers(ctx context.Context, tx *Tx, at time.Time, span time.Duration, except int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	err := pickupDrivers(ctx, tx, at.Add(-span+time.Microsecond), at.Add(span), taken[:3], except, func(id int64) { out[id] = true })
	if err != nil {
		return nil, fmt.Errorf("busy drivers: %w", err)
	}
	return out, nil
}

// pickupDrivers calls fn with the driver of every ride in one of the
// statuses with a pickup in [from, to), the ride except aside.
func pickupDrivers(ctx context.Context, tx *Tx, from, to time.Time, statuses []any, except int64, fn func(int64)) error {
	rows, err := tx.Query(ctx, `SELECT driver_id, status, id FROM rides WHERE pickup_at >= ? AND pickup_at < ?`, from.UTC(), to.UTC())
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var driver sql.NullInt64
		var status ride.Status
		var id int64
		if err := rows.Scan(&driver, &status, &id); err != nil {
			return err
		}
		if driver.Valid && id != except && slices.Contains(statuses, any(status)) {
			fn(driver.Int64)
		}
	}
	return rows.Err()
}

const rideOfferColumns = `ride_id, driver_id, status, offered_at, deadline, answered_at`

func scanRideOffer(s scanner) (*ride.Offer, error) {
	var o ride.Offer
	var answered sql.NullTime
	if err := s.Scan(&o.RideID, &o.DriverID, &o.Status, &o.OfferedAt, &o.Deadline, &answered); err != nil {
		return nil, err
	}
	o.OfferedAt, o.Deadline, o.AnsweredAt = o.OfferedAt.UTC(), o.Deadline.UTC(), timePtr(answered)
	return &o, nil
}

// PutRideOffer writes an open offer of the ride to the driver; an earlier
// offer of the same ride to them is opened again.
func PutRideOffer(ctx context.Context, tx *Tx, o *ride.Offer) error {
	_, err := tx.Exec(ctx, `INSERT INTO ride_offers (`+rideOfferColumns+`) VALUES (?, ?, ?, ?, ?, NULL)
		ON CONFLICT (ride_id, driver_id) DO UPDATE SET status = excluded.status, offered_at = excluded.offered_at,
		deadline = excluded.deadline, answered_at = NULL`, o.RideID, o.DriverID, o.Status, o.OfferedAt.UTC(), o.Deadline.UTC())
	if err != nil {
		return fmt.Errorf("put ride offer: %w", err)
	}
	return nil
}

// AnswerRideOffers sets the offers of the ride that are open — to one
// driver, or to all when driverID is 0 — to the status, and returns how
// many it changed.
func AnswerRideOffers(ctx context.Context, tx *Tx, rideID, driverID int64, to ride.OfferStatus, at time.Time) (int, error) {
	q := `UPDATE ride_offers SET status = ?, answered_at = ? WHERE ride_id = ? AND status = ?`
	args := []any{to, at.UTC(), rideID, ride.OfferOpen}
	if driverID != 0 {
		q += ` AND driver_id = ?`
		args = append(args, driverID)
	}
	res, err := tx.Exec(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("answer ride offers: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// ListRideOffers returns the offers of a ride, oldest first.
func ListRideOffers(ctx context.Context, tx *Tx, rideID int64) ([]*ride.Offer, error) {
	out, err := queryAll(ctx, tx, scanRideOffer, `SELECT `+rideOfferColumns+` FROM ride_offers WHERE ride_id = ? ORDER BY offered_at, driver_id`, rideID)
	if err != nil {
		return nil, fmt.Errorf("list ride offers: %w", err)
	}
	return out, nil
}

// ListDriverOffers returns the driver's offers in the status, oldest
// first.
func ListDriverOffers(ctx context.Context, tx *Tx, driverID int64, status ride.OfferStatus) ([]*ride.Offer, error) {
	out, err := queryAll(ctx, tx, scanRideOffer, `SELECT `+rideOfferColumns+` FROM ride_offers WHERE driver_id = ? AND status = ?
		ORDER BY offered_at, ride_id`, driverID, status)
	if err != nil {
		return nil, fmt.Errorf("list driver offers: %w", err)
	}
	return out, nil
}

// RideFact is one ride as the figures count it.
type RideFact struct {
	PickupAt   time.Time
	Purpose    ride.Purpose
	Status     ride.Status
	Passengers int
	DriverID   int64
	Minutes    int // from the request to the acceptance; -1 if never accepted
}

// ListRideFacts returns the rides with a pickup in [from, to), as the
// figures count them.
func ListRideFacts(ctx context.Context, tx *Tx, from, to time.Time) ([]RideFact, error) {
	out, err := queryAll(ctx, tx, func(s scanner) (RideFact, error) {
		var f RideFact
		var created time.Time
		var accepted sql.NullTime
		err := s.Scan(&f.PickupAt, &f.Purpose, &f.Status, &f.Passengers, &f.DriverID, &created, &accepted)
		f.PickupAt = f.PickupAt.UTC()
		f.Minutes = -1
		if accepted.Valid {
			f.Minutes = int(accepted.Time.Sub(created).Minutes())
		}
		return f, err
	}, `SELECT pickup_at, purpose, status, passengers, COALESCE(driver_id, 0), created_at, accepted_at FROM rides
		WHERE pickup_at >= ? AND pickup_at < ? ORDER BY pickup_at`, from.UTC(), to.UTC())
	if err != nil {
		return nil, fmt.Errorf("list ride facts: %w", err)
	}
	return out, nil
}

// CountTickets returns how many tickets there are: the fleet's demo seed
// sizes itself by the demo district it joins.
func CountTickets(ctx context.Context, tx *Tx) (int, error) {
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM tickets`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count tickets: %w", err)
	}
	return n, nil
}

// RegistryPerson returns the member of a household of the registry (not
// dissolved) with the phone, and their household: the rider of a ride
// when the registry knows them; 0, 0 when it does not. It only reads the
// registry (the households capability's tables).
func RegistryPerson(ctx context.Context, tx *Tx, phone string) (personID, householdID int64, err error) {
	if phone == "" {
		return 0, 0, nil
	}
	err = tx.QueryRow(ctx, `SELECT p.id, p.household_id FROM household_people p JOIN households h ON h.id = p.household_id
		WHERE p.phone = ? AND h.dissolved_at IS NULL ORDER BY p.id LIMIT 1`, phone).Scan(&personID, &householdID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("registry person: %w", err)
	}
	return personID, householdID, nil
}

// RegistryHousehold returns the household of a person of the registry; 0
// when the person is gone.
func RegistryHousehold(ctx context.Context, tx *Tx, personID int64) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `SELECT household_id FROM household_people WHERE id = ?`, personID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("registry household: %w", err)
	}
	return id, nil
}
