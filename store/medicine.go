package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/minsheng/minsheng/medicine"
)

// This file holds the special-medicine post (特殊用药专岗, docs/medicine.md):
// requests, the sourcing attempts and the handovers of their deliveries.

const medicineColumns = `id, status, version, COALESCE(ticket_id, 0), patient_name, patient_phone, address, medicine, spec,
	quantity, unit, chronic, days_supply, urgency, prescription, note, place, place_kind, expected_at, mode,
	COALESCE(carrier_id, 0), delivered_qty, COALESCE(closed_by, 0), reason, created_at, COALESCE(created_by, 0), updated_at,
	delivered_at, confirmed_at, refill_id`

func scanMedicine(s scanner) (*medicine.Request, error) {
	var r medicine.Request
	var expected, delivered, confirmed sql.NullTime
	if err := s.Scan(&r.ID, &r.Status, &r.Version, &r.TicketID, &r.PatientName, &r.PatientPhone, &r.Address, &r.Medicine,
		&r.Spec, &r.Quantity, &r.Unit, &r.Chronic, &r.DaysSupply, &r.Urgency, &r.Prescription, &r.Note, &r.Place, &r.PlaceKind,
		&expected, &r.Mode, &r.CarrierID, &r.DeliveredQty, &r.ClosedBy, &r.Reason, &r.CreatedAt, &r.CreatedBy, &r.UpdatedAt,
		&delivered, &confirmed, &r.RefillID); err != nil {
		return nil, err
	}
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	r.ExpectedAt, r.DeliveredAt, r.ConfirmedAt = timePtr(expected), timePtr(delivered), timePtr(confirmed)
	return &r, nil
}

// InsertMedicineRequest writes a new request at its version.
func InsertMedicineRequest(ctx context.Context, tx *Tx, r *medicine.Request) error {
	_, err := tx.Exec(ctx, `INSERT INTO medicine_requests (id, status, version, ticket_id, patient_name, patient_phone, address,
		medicine, spec, quantity, unit, chronic, days_supply, urgency, prescription, note, place, place_kind, expected_at, mode,
		carrier_id, delivered_qty, closed_by, reason, created_at, created_by, updated_at, delivered_at, confirmed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.Status, r.Version, nullID(r.TicketID), r.PatientName, r.PatientPhone, r.Address, r.Medicine, r.Spec, r.Quantity,
		r.Unit, r.Chronic, r.DaysSupply, r.Urgency, r.Prescription, r.Note, r.Place, r.PlaceKind, nullTime(r.ExpectedAt), r.Mode,
		nullID(r.CarrierID), r.DeliveredQty, nullID(r.ClosedBy), r.Reason, r.CreatedAt.UTC(), nullID(r.CreatedBy),
		r.UpdatedAt.UTC(), nullTime(r.DeliveredAt), nullTime(r.ConfirmedAt))
	if err != nil {
		return fmt.Errorf("insert medicine request: %w", tx.db.mapError(err))
	}
	return nil
}

// UpdateMedicineRequest writes what the steps of a request change, if it
// was read at version r.Version-1: when another transaction changed it
// since, nothing is written and the answer is ECONFLICT.
func UpdateMedicineRequest(ctx context.Context, tx *Tx, r *medicine.Request) error {
	return changeOne(ctx, tx, "update medicine request", conflictf("medicine request %d was changed by someone else; reload it", r.ID),
		`UPDATE medicine_requests SET status = ?, version = ?, place = ?, place_kind = ?, expected_at = ?,
		mode = ?, carrier_id = ?, delivered_qty = ?, closed_by = ?, reason = ?, updated_at = ?, delivered_at = ?, confirmed_at = ?,
		refill_id = ? WHERE id = ? AND version = ?`,
		r.Status, r.Version, r.Place, r.PlaceKind, nullTime(r.ExpectedAt), r.Mode, nullID(r.CarrierID), r.DeliveredQty,
		nullID(r.ClosedBy), r.Reason, r.UpdatedAt.UTC(), nullTime(r.DeliveredAt), nullTime(r.ConfirmedAt), r.RefillID, r.ID, r.Version-1)
}

// GetMedicineRequest returns a request, or ENOTFOUND.
func GetMedicineRequest(ctx context.Context, tx *Tx, id int64) (*medicine.Request, error) {
	return getOne(ctx, tx, scanMedicine, "medicine request", id, `SELECT `+medicineColumns+` FROM medicine_requests WHERE id = ?`, id)
}

// MedicineFilter selects requests; zero fields select all.
type MedicineFilter struct {
	Statuses  []medicine.Status
	TicketID  int64
	CarrierID int64
	From, To  *time.Time // created_at in [From, To)
	Limit     int        // default 500
}

// ListMedicineRequests returns the requests of the filter, oldest first.
func ListMedicineRequests(ctx context.Context, tx *Tx, f MedicineFilter) ([]*medicine.Request, error) {
	var w where
	whereIn(&w, "status", f.Statuses)
	w.addIf(f.TicketID != 0, "ticket_id = ?", f.TicketID)
	w.addIf(f.CarrierID != 0, "carrier_id = ?", f.CarrierID)
	w.between("created_at", f.From, f.To)
	limit := f.Limit
	if limit <= 0 {
		limit = 500
	}
	q := `SELECT ` + medicineColumns + ` FROM medicine_requests` + w.String() + fmt.Sprintf(" ORDER BY created_at, id LIMIT %d", limit)
	out, err := queryAll(ctx, tx, scanMedicine, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("list medicine requests: %w", err)
	}
	return out, nil
}

// AddMedicineAttempt writes the next sourcing attempt of a request and
// sets its Seq.
func AddMedicineAttempt(ctx context.Context, tx *Tx, requestID int64, a *medicine.Attempt) error {
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM medicine_attempts WHERE request_id = ?`, requestID).Scan(&a.Seq); err != nil {
		return fmt.Errorf("next medicine attempt: %w", err)
	}
	_, err := tx.Exec(ctx, `INSERT INTO medicine_attempts (request_id, seq, at, actor_id, place, place_kind, in_stock, expected_at, note)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, requestID, a.Seq, a.At.UTC(), nullID(a.ActorID), a.Place, a.PlaceKind, a.InStock,
		nullTime(a.ExpectedAt), a.Note)
	if err != nil {
		return fmt.Errorf("add medicine attempt: %w", tx.db.mapError(err))
	}
	return nil
}

// ListMedicineAttempts returns a request's sourcing attempts in order.
func ListMedicineAttempts(ctx context.Context, tx *Tx, requestID int64) ([]*medicine.Attempt, error) {
	out, err := queryAll(ctx, tx, func(s scanner) (*medicine.Attempt, error) {
		var a medicine.Attempt
		var expected sql.NullTime
		err := s.Scan(&a.Seq, &a.At, &a.ActorID, &a.Place, &a.PlaceKind, &a.InStock, &expected, &a.Note)
		a.At, a.ExpectedAt = a.At.UTC(), timePtr(expected)
		return &a, err
	}, `SELECT seq, at, COALESCE(actor_id, 0), place, place_kind, in_stock, expected_at, note FROM medicine_attempts
		WHERE request_id = ? ORDER BY seq`, requestID)
	if err != nil {
		return nil, fmt.Errorf("list medicine attempts: %w", err)
	}
	return out, nil
}

// AddMedicineHandover writes the next leg of a request's delivery and sets
// its Seq.
func AddMedicineHandover(ctx context.Context, tx *Tx, requestID int64, h *medicine.Handover) error {
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM medicine_handovers WHERE request_id = ?`, requestID).Scan(&h.Seq); err != nil {
		return fmt.Errorf("next medicine handover: %w", err)
	}
	_, err := tx.Exec(ctx, `INSERT INTO medicine_handovers (request_id, seq, at, actor_id, from_party, to_party, note)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, requestID, h.Seq, h.At.UTC(), nullID(h.ActorID), h.From, h.To, h.Note)
	if err != nil {
		return fmt.Errorf("add medicine handover: %w", tx.db.mapError(err))
	}
	return nil
}

// ListMedicineHandovers returns the legs of a request's delivery in order.
func ListMedicineHandovers(ctx context.Context, tx *Tx, requestID int64) ([]*medicine.Handover, error) {
	out, err := queryAll(ctx, tx, func(s scanner) (*medicine.Handover, error) {
		var h medicine.Handover
		err := s.Scan(&h.Seq, &h.At, &h.ActorID, &h.From, &h.To, &h.Note)
		h.At = h.At.UTC()
		return &h, err
	}, `SELECT seq, at, COALESCE(actor_id, 0), from_party, to_party, note FROM medicine_handovers WHERE request_id = ? ORDER BY seq`, requestID)
	if err != nil {
		return nil, fmt.Errorf("list medicine handovers: %w", err)
	}
	return out, nil
}

const medicinePhotoColumns = `id, request_id, photo_of, leg, name, content_type, size, sha256, COALESCE(created_by, 0), created_at`

func scanMedicinePhoto(s scanner) (*medicine.Photo, error) {
	var p medicine.Photo
	err := s.Scan(&p.ID, &p.RequestID, &p.Of, &p.Leg, &p.Name, &p.ContentType, &p.Size, &p.SHA256, &p.CreatedBy, &p.CreatedAt)
	p.CreatedAt = p.CreatedAt.UTC()
	return &p, err
}

// InsertMedicinePhoto writes a photo of a request (its bytes are in the
// blob store).
func InsertMedicinePhoto(ctx context.Context, tx *Tx, p *medicine.Photo) error {
	_, err := tx.Exec(ctx, `INSERT INTO medicine_photos (`+strings.ReplaceAll(medicinePhotoColumns, "COALESCE(created_by, 0)", "created_by")+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.RequestID, p.Of, p.Leg, p.Name, p.ContentType, p.Size, p.SHA256,
		nullID(p.CreatedBy), p.CreatedAt.UTC())
	if err != nil {
		return fmt.Errorf("insert medicine photo: %w", tx.db.mapError(err))
	}
	return nil
}

// ListMedicinePhotos returns the photos of a request, the oldest first.
func ListMedicinePhotos(ctx context.Context, tx *Tx, requestID int64) ([]*medicine.Photo, error) {
	out, err := queryAll(ctx, tx, scanMedicinePhoto, `SELECT `+medicinePhotoColumns+` FROM medicine_photos WHERE request_id = ?
		ORDER BY created_at, id`, requestID)
	if err != nil {
		return nil, fmt.Errorf("list medicine photos: %w", err)
	}
	return out, nil
}

// CountMedicinePhotos returns how many photos of the subject (and leg) a
// request has.
func CountMedicinePhotos(ctx context.Context, tx *Tx, requestID int64, of medicine.PhotoOf, leg int) (int, error) {
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM medicine_photos WHERE request_id = ? AND photo_of = ? AND leg = ?`,
		requestID, of, leg).Scan(&n); err != nil {
		return 0, fmt.Errorf("count medicine photos: %w", err)
	}
	return n, nil
}

// GetMedicinePhoto returns a photo of a request, or ENOTFOUND.
func GetMedicinePhoto(ctx context.Context, tx *Tx, requestID, id int64) (*medicine.Photo, error) {
	return getOne(ctx, tx, scanMedicinePhoto, "photo", id, `SELECT `+medicinePhotoColumns+` FROM medicine_photos WHERE request_id = ? AND id = ?`,
		requestID, id)
}

// SetMedicinePrescription records that a request's prescription was seen
// (a photo of it was added); the version stays, as no step was taken.
func SetMedicinePrescription(ctx context.Context, tx *Tx, id int64) error {
	if _, err := tx.Exec(ctx, `UPDATE medicine_requests SET prescription = ? WHERE id = ?`, true, id); err != nil {
		return fmt.Errorf("set medicine prescription %d: %w", id, tx.db.mapError(err))
	}
	return nil
}
