package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/minsheng/minsheng"

	"github.com/minsheng/minsheng/project"
)

// This file holds the photos of the projects' progress.

const photoColumns = `id, project_id, milestone, name, content_type, size, sha256, created_by, created_at`

func scanPhoto(s scanner) (project.Photo, error) {
	var p project.Photo
	var by sql.NullInt64
	err := s.Scan(&p.ID, &p.ProjectID, &p.Milestone, &p.Name, &p.ContentType, &p.Size, &p.SHA256, &by, &p.CreatedAt)
	p.CreatedBy, p.CreatedAt = by.Int64, p.CreatedAt.UTC()
	return p, err
}

// InsertProjectPhoto writes a photo's metadata (its bytes are in the blob
// store).
func InsertProjectPhoto(ctx context.Context, tx *Tx, p *project.Photo) error {
	_, err := tx.Exec(ctx, `INSERT INTO project_photos (`+photoColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.ProjectID, p.Milestone, p.Name, p.ContentType, p.Size, p.SHA256, nullID(p.CreatedBy), p.CreatedAt.UTC())
	if err != nil {
		return fmt.Errorf("insert project photo: %w", err)
	}
	return nil
}

// ListProjectPhotos returns the photos of the projects of a year by
// project id, oldest first.
func ListProjectPhotos(ctx context.Context, tx *Tx, year int) (map[int64][]project.Photo, error) {
	ps, err := queryAll(ctx, tx, scanPhoto, `SELECT `+photoColumns+` FROM project_photos
		WHERE project_id IN (SELECT id FROM projects WHERE year = ?) ORDER BY id`, year)
	if err != nil {
		return nil, fmt.Errorf("list project photos: %w", err)
	}
	out := map[int64][]project.Photo{}
	for _, p := range ps {
		out[p.ProjectID] = append(out[p.ProjectID], p)
	}
	return out, nil
}

// GetProjectPhoto returns a photo of a project, or ENOTFOUND.
func GetProjectPhoto(ctx context.Context, tx *Tx, projectID, id int64) (*project.Photo, error) {
	p, err := getOne(ctx, tx, scanPhoto, "photo", id, `SELECT `+photoColumns+` FROM project_photos WHERE project_id = ? AND id = ?`, projectID, id)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// InsertProjectRating writes a rating: ECONFLICT (reason rated) when the
// phone has rated the project already.
func InsertProjectRating(ctx context.Context, tx *Tx, id, projectID int64, phone string, stars int, at time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO project_ratings (id, project_id, phone, stars, created_at) VALUES (?, ?, ?, ?, ?)`,
		id, projectID, phone, stars, at.UTC())
	if IsUnique(err) {
		return minsheng.Errorf(minsheng.ECONFLICT, "this phone has rated the project already").Because("rated")
	}
	if err != nil {
		return fmt.Errorf("insert project rating: %w", err)
	}
	return nil
}

// ProjectRatings sums up the ratings of the projects of a year by id.
func ProjectRatings(ctx context.Context, tx *Tx, year int) (map[int64]project.Rating, error) {
	rows, err := tx.Query(ctx, `SELECT r.project_id, COUNT(*), SUM(r.stars) FROM project_ratings r JOIN projects p ON p.id = r.project_id
		WHERE p.year = ? GROUP BY r.project_id`, year)
	if err != nil {
		return nil, fmt.Errorf("project ratings: %w", err)
	}
	defer rows.Close()
	out := map[int64]project.Rating{}
	for rows.Next() {
		var id int64
		var n, sum int
		if err := rows.Scan(&id, &n, &sum); err != nil {
			return nil, err
		}
		out[id] = project.NewRating(n, sum)
	}
	return out, rows.Err()
}
