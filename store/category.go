package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/ticket"
)

const categoryColumns = `id, COALESCE(parent_id, 0), code, name, name_en, level, path, active, created_at`

func scanCategory(s scanner) (*ticket.Category, error) {
	var c ticket.Category
	if err := s.Scan(&c.ID, &c.ParentID, &c.Code, &c.Name, &c.NameEN, &c.Level, &c.Path, &c.Active, &c.CreatedAt); err != nil {
		return nil, err
	}
	c.CreatedAt = c.CreatedAt.UTC()
	return &c, nil
}

// InsertCategory writes a new category; Path and Level must be set.
func InsertCategory(ctx context.Context, tx *Tx, c *ticket.Category) error {
	_, err := tx.Exec(ctx, `INSERT INTO categories (id, parent_id, code, name, name_en, level, path, active, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.ID, nullID(c.ParentID), c.Code, c.Name, c.NameEN, c.Level, c.Path, c.Active, c.CreatedAt.UTC())
	if IsUnique(err) {
		return minsheng.FieldError("code", "a category with code %q already exists", c.Code)
	}
	if err != nil {
		return fmt.Errorf("insert category: %w", err)
	}
	return nil
}

// UpdateCategory writes a category's names and active flag.
func UpdateCategory(ctx context.Context, tx *Tx, c *ticket.Category) error {
	res, err := tx.Exec(ctx, `UPDATE categories SET name = ?, name_en = ?, active = ? WHERE id = ?`, c.Name, c.NameEN, c.Active, c.ID)
	if err != nil {
		return fmt.Errorf("update category: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("category", c.ID)
	}
	return nil
}

// GetCategory returns the category with the id, or ENOTFOUND.
func GetCategory(ctx context.Context, tx *Tx, id int64) (*ticket.Category, error) {
	c, err := scanCategory(tx.QueryRow(ctx, `SELECT `+categoryColumns+` FROM categories WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("category", id)
	}
	if err != nil {
		return nil, fmt.Errorf("get category %d: %w", id, err)
	}
	return c, nil
}

// ListCategories returns the whole tree in tree order.
func ListCategories(ctx context.Context, tx *Tx) ([]*ticket.Category, error) {
	out, err := queryAll(ctx, tx, scanCategory, `SELECT `+categoryColumns+` FROM categories ORDER BY path`)
	if err != nil {
		return nil, fmt.Errorf("list categories: %w", err)
	}
	return out, nil
}
