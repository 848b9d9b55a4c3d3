package store

import (
	"context"
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
	return changeOne(ctx, tx, "update category", notFound("category", c.ID),
		`UPDATE categories SET name = ?, name_en = ?, active = ? WHERE id = ?`, c.Name, c.NameEN, c.Active, c.ID)
}

// GetCategory returns the category with the id, or ENOTFOUND.
func GetCategory(ctx context.Context, tx *Tx, id int64) (*ticket.Category, error) {
	return getOne(ctx, tx, scanCategory, "category", id, `SELECT `+categoryColumns+` FROM categories WHERE id = ?`, id)
}

// ListCategories returns the whole tree in tree order.
func ListCategories(ctx context.Context, tx *Tx) ([]*ticket.Category, error) {
	out, err := queryAll(ctx, tx, scanCategory, `SELECT `+categoryColumns+` FROM categories ORDER BY path`)
	if err != nil {
		return nil, fmt.Errorf("list categories: %w", err)
	}
	return out, nil
}
