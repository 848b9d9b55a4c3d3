package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/minsheng/minsheng/household"
)

const visitPhotoColumns = `id, visit_id, household_id, name, content_type, size, sha256, COALESCE(created_by, 0), created_at`

func scanVisitPhoto(s scanner) (*household.VisitPhoto, error) {
	var p household.VisitPhoto
	err := s.Scan(&p.ID, &p.VisitID, &p.HouseholdID, &p.Name, &p.ContentType, &p.Size, &p.SHA256, &p.CreatedBy, &p.CreatedAt)
	p.CreatedAt = p.CreatedAt.UTC()
	return &p, err
}

// InsertVisitPhoto writes a photo of a visit.
func InsertVisitPhoto(ctx context.Context, tx *Tx, p *household.VisitPhoto) error {
	_, err := tx.Exec(ctx, `INSERT INTO household_visit_photos (id, visit_id, household_id, name, content_type, size, sha256, created_by,
		created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.VisitID, p.HouseholdID, p.Name, p.ContentType, p.Size, p.SHA256,
		nullID(p.CreatedBy), p.CreatedAt.UTC())
	if err != nil {
		return fmt.Errorf("insert visit photo: %w", err)
	}
	return nil
}

// ListVisitPhotos returns the photos of a household's visits, the oldest
// first.
func ListVisitPhotos(ctx context.Context, tx *Tx, householdID int64) ([]*household.VisitPhoto, error) {
	out, err := queryAll(ctx, tx, scanVisitPhoto, `SELECT `+visitPhotoColumns+` FROM household_visit_photos WHERE household_id = ?
		ORDER BY visit_id, id`, householdID)
	if err != nil {
		return nil, fmt.Errorf("list visit photos: %w", err)
	}
	return out, nil
}

// CountVisitPhotos returns how many photos a visit has.
func CountVisitPhotos(ctx context.Context, tx *Tx, visitID int64) (int, error) {
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM household_visit_photos WHERE visit_id = ?`, visitID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count visit photos: %w", err)
	}
	return n, nil
}

// GetVisitPhoto returns a photo, or ENOTFOUND.
func GetVisitPhoto(ctx context.Context, tx *Tx, id int64) (*household.VisitPhoto, error) {
	p, err := scanVisitPhoto(tx.QueryRow(ctx, `SELECT `+visitPhotoColumns+` FROM household_visit_photos WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("photo", id)
	}
	if err != nil {
		return nil, fmt.Errorf("get visit photo: %w", err)
	}
	return p, nil
}

// GetVisit returns a visit, or ENOTFOUND.
func GetVisit(ctx context.Context, tx *Tx, id int64) (*household.Visit, error) {
	v, err := scanVisit(tx.QueryRow(ctx, `SELECT `+visitColumns+` FROM household_visits v LEFT JOIN users u ON u.id = v.cadre_id WHERE v.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("visit", id)
	}
	if err != nil {
		return nil, fmt.Errorf("get visit: %w", err)
	}
	return v, nil
}
