package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng/ticket"
)

// Model is one stored version of a trained model (the dispatch
// classifier's category model, its unit model, …). The newest version of a
// name is the one in use; older ones are kept for rollback until pruned.
type Model struct {
	Name      string
	Version   int64
	CreatedAt time.Time
	Bytes     []byte // the model's own encoding (e.g. classify.Model.MarshalBinary)
	Metrics   string // JSON: how it scored on held-out data when trained
}

// SaveModel stores data as the next version of the named model and
// returns that version (1 for the first). Two nodes saving the same name at
// once: one of them gets a unique-constraint error (IsUnique) and may retry.
func SaveModel(ctx context.Context, tx *Tx, name string, data []byte, metrics string, at time.Time) (int64, error) {
	if metrics == "" {
		metrics = "{}"
	}
	if data == nil {
		data = []byte{}
	}
	var v int64
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM models WHERE name = ?`, name).Scan(&v); err != nil {
		return 0, fmt.Errorf("save model %s: %w", name, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO models (name, version, created_at, bytes, metrics) VALUES (?, ?, ?, ?, ?)`,
		name, v, at.UTC(), data, metrics); err != nil {
		return 0, fmt.Errorf("save model %s: %w", name, err)
	}
	return v, nil
}

// LoadModel returns the newest version of the named model, or ENOTFOUND
// when none was saved.
func LoadModel(ctx context.Context, tx *Tx, name string) (*Model, error) {
	m := Model{Name: name}
	err := tx.QueryRow(ctx, `SELECT version, created_at, bytes, metrics FROM models
		WHERE name = ? ORDER BY version DESC LIMIT 1`, name).Scan(&m.Version, &m.CreatedAt, &m.Bytes, &m.Metrics)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("model", name)
	}
	if err != nil {
		return nil, fmt.Errorf("load model %s: %w", name, err)
	}
	m.CreatedAt = m.CreatedAt.UTC()
	return &m, nil
}

// ListModels returns every stored version of the named model, newest
// first, without their bytes.
func ListModels(ctx context.Context, tx *Tx, name string) ([]Model, error) {
	out, err := queryAll(ctx, tx, func(s scanner) (Model, error) {
		m := Model{Name: name}
		err := s.Scan(&m.Version, &m.CreatedAt, &m.Metrics)
		m.CreatedAt = m.CreatedAt.UTC()
		return m, err
	}, `SELECT version, created_at, metrics FROM models WHERE name = ? ORDER BY version DESC`, name)
	if err != nil {
		return nil, fmt.Errorf("list models %s: %w", name, err)
	}
	return out, nil
}

// PruneModels deletes all but the newest keep versions of the named model
// and returns how many it deleted.
func PruneModels(ctx context.Context, tx *Tx, name string, keep int) (int64, error) {
	res, err := tx.Exec(ctx, `DELETE FROM models WHERE name = ? AND version <= (
		SELECT COALESCE(MAX(version), 0) FROM models WHERE name = ?) - ?`, name, name, keep)
	if err != nil {
		return 0, fmt.Errorf("prune models %s: %w", name, err)
	}
	return res.RowsAffected()
}

// TrainingTicket is a closed ticket as the dispatch classifier learns from
// it: its text, the first-level category it was filed under and the unit
// that handled it (empty when it had none).
type TrainingTicket struct {
	Title, Description string
	CategoryCode       string // code of the first-level category, "" if uncategorised
	UnitCode           string // code of the handling unit, "" if never dispatched
}

// ListTrainingTickets returns the most recently closed tickets, at most
// limit of them, newest first.
func ListTrainingTickets(ctx context.Context, tx *Tx, limit int) ([]TrainingTicket, error) {
	// The first level of a category is the first id on its path
	// ("/12/34/56/" → 12); a map of the (small) category table resolves it.
	cats, err := ListCategories(ctx, tx)
	if err != nil {
		return nil, err
	}
	code := make(map[int64]string, len(cats))
	for _, c := range cats {
		code[c.ID] = c.Code
	}
	rootCode := func(path string) string {
		first, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
		id, err := strconv.ParseInt(first, 10, 64)
		if err != nil {
			return ""
		}
		return code[id]
	}
	out, err := queryAll(ctx, tx, func(s scanner) (TrainingTicket, error) {
		var t TrainingTicket
		var path string
		err := s.Scan(&t.Title, &t.Description, &path, &t.UnitCode)
		t.CategoryCode = rootCode(path)
		return t, err
	}, `SELECT t.title, t.description, COALESCE(c.path, ''), COALESCE(u.code, '')
		FROM tickets t
		LEFT JOIN categories c ON c.id = t.category_id
		LEFT JOIN units u ON u.id = t.unit_id
		WHERE t.status = ?
		ORDER BY t.closed_at DESC, t.id DESC LIMIT ?`, string(ticket.StatusClosed), limit)
	if err != nil {
		return nil, fmt.Errorf("list training tickets: %w", err)
	}
	return out, nil
}
