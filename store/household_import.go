package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/minsheng/minsheng/household"
)

// This file holds the imports of household lists from spreadsheets: the
// rows of an upload, how far their check has gone and what it found.

const importColumns = `id, COALESCE(created_by, 0), created_at, filename, status, total, checked, rows_json, problems, households, done_at`

func scanImport(s scanner) (*household.Import, error) {
	var im household.Import
	var rows, problems string
	var done sql.NullTime
	if err := s.Scan(&im.ID, &im.CreatedBy, &im.CreatedAt, &im.Filename, &im.Status, &im.Total, &im.Checked, &rows, &problems,
		&im.Households, &done); err != nil {
		return nil, err
	}
	im.CreatedAt, im.DoneAt = im.CreatedAt.UTC(), timePtr(done)
	if rows != "" {
		if err := json.Unmarshal([]byte(rows), &im.Rows); err != nil {
			return nil, fmt.Errorf("import %d rows: %w", im.ID, err)
		}
	}
	if err := json.Unmarshal([]byte(problems), &im.Problems); err != nil {
		return nil, fmt.Errorf("import %d problems: %w", im.ID, err)
	}
	if im.Problems == nil {
		im.Problems = []household.ImportProblem{}
	}
	return &im, nil
}

func importJSON(im *household.Import) (rows, problems string, err error) {
	if im.Status != household.ImportDone && im.Status != household.ImportExpired {
		b, err := json.Marshal(im.Rows)
		if err != nil {
			return "", "", fmt.Errorf("import rows: %w", err)
		}
		rows = string(b)
	}
	if im.Problems == nil {
		im.Problems = []household.ImportProblem{}
	}
	b, err := json.Marshal(im.Problems)
	return rows, string(b), err
}

// InsertImport writes a new import with its rows.
func InsertImport(ctx context.Context, tx *Tx, im *household.Import) error {
	rows, problems, err := importJSON(im)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO household_imports (id, created_by, created_at, filename, status, total, checked, rows_json, problems,
		households, done_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		im.ID, nullID(im.CreatedBy), im.CreatedAt.UTC(), im.Filename, im.Status, im.Total, im.Checked, rows, problems, im.Households,
		nullTime(im.DoneAt))
	if err != nil {
		return fmt.Errorf("insert import: %w", err)
	}
	return nil
}

// UpdateImport writes how far an import has gone; its rows are cleared
// once it is done (the registry holds them then) or expired.
func UpdateImport(ctx context.Context, tx *Tx, im *household.Import) error {
	rows, problems, err := importJSON(im)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE household_imports SET status = ?, checked = ?, rows_json = ?, problems = ?, households = ?, done_at = ?
		WHERE id = ?`, im.Status, im.Checked, rows, problems, im.Households, nullTime(im.DoneAt), im.ID)
	if err != nil {
		return fmt.Errorf("update import: %w", err)
	}
	return nil
}

// GetImport returns an import with its rows, or ENOTFOUND.
func GetImport(ctx context.Context, tx *Tx, id int64) (*household.Import, error) {
	return getOne(ctx, tx, scanImport, "import", id, `SELECT `+importColumns+` FROM household_imports WHERE id = ?`, id)
}

// RegisteredIDNumbers returns, of the ID numbers, those of people in a
// household of the registry, with their household.
func RegisteredIDNumbers(ctx context.Context, tx *Tx, idNumbers []string) (map[string]int64, error) {
	out := map[string]int64{}
	for start := 0; start < len(idNumbers); start += 500 {
		batch := idNumbers[start:min(start+500, len(idNumbers))]
		args := make([]any, len(batch))
		for i, s := range batch {
			args[i] = s
		}
		rows, err := tx.Query(ctx, `SELECT id_number, household_id FROM household_people WHERE id_number IN (`+placeholders(len(batch))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("registered id numbers: %w", err)
		}
		for rows.Next() {
			var s string
			var h int64
			if err := rows.Scan(&s, &h); err != nil {
				rows.Close()
				return nil, err
			}
			out[s] = h
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// StaleImports returns the ids of the imports not done nor expired made
// before the time.
func StaleImports(ctx context.Context, tx *Tx, before time.Time) ([]int64, error) {
	return queryAll(ctx, tx, func(s scanner) (int64, error) {
		var id int64
		err := s.Scan(&id)
		return id, err
	}, `SELECT id FROM household_imports WHERE status IN ('checking', 'ready', 'refused') AND created_at < ? ORDER BY id`, before.UTC())
}
