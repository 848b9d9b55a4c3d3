package store

import (
	"context"
	"fmt"
	"time"

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
	return getOne(ctx, tx, scanVisitPhoto, "photo", id, `SELECT `+visitPhotoColumns+` FROM household_visit_photos WHERE id = ?`, id)
}

// GetVisit returns a visit, or ENOTFOUND.
func GetVisit(ctx context.Context, tx *Tx, id int64) (*household.Visit, error) {
	return getOne(ctx, tx, scanVisit, "visit", id,
		`SELECT `+visitColumns+` FROM household_visits v LEFT JOIN users u ON u.id = v.cadre_id WHERE v.id = ?`, id)
}

// InsertNotDuplicate records that two households (a < b) are not
// duplicates; recording it twice changes nothing.
func InsertNotDuplicate(ctx context.Context, tx *Tx, a, b, by int64, at time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO household_not_duplicates (a_id, b_id, decided_by, decided_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (a_id, b_id) DO NOTHING`, a, b, nullID(by), at.UTC())
	if err != nil {
		return fmt.Errorf("insert not duplicate: %w", err)
	}
	return nil
}

// NotDuplicates returns the pairs recorded as not duplicates among the
// households with the ids (a < b).
func NotDuplicates(ctx context.Context, tx *Tx, ids []int64) (map[[2]int64]bool, error) {
	out := map[[2]int64]bool{}
	for start := 0; start < len(ids); start += 500 {
		batch := ids[start:min(start+500, len(ids))]
		pairs, err := queryAll(ctx, tx, func(s scanner) ([2]int64, error) {
			var p [2]int64
			err := s.Scan(&p[0], &p[1])
			return p, err
		}, `SELECT a_id, b_id FROM household_not_duplicates WHERE a_id IN (`+placeholders(len(batch))+`)`, int64Args(batch)...)
		if err != nil {
			return nil, fmt.Errorf("not duplicates: %w", err)
		}
		for _, p := range pairs {
			out[p] = true
		}
	}
	return out, nil
}
