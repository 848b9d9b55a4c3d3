package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Article is a knowledge-base article (知识库): the answer to a question
// residents often ask, which an agent reads out on the call.
type Article struct {
	ID         int64     `json:"id"`
	Title      string    `json:"title"`
	Body       string    `json:"body"`
	CategoryID int64     `json:"category_id,omitempty"`
	Tags       string    `json:"tags"` // words to find it by, separated by spaces or commas
	Active     bool      `json:"active"`
	CreatedBy  int64     `json:"created_by,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

const articleColumns = `id, title, body, COALESCE(category_id, 0), tags, active, COALESCE(created_by, 0), created_at, updated_at`

func scanArticle(s scanner) (*Article, error) {
	var a Article
	if err := s.Scan(&a.ID, &a.Title, &a.Body, &a.CategoryID, &a.Tags, &a.Active, &a.CreatedBy, &a.CreatedAt, &a.UpdatedAt); err != nil {
		return nil, err
	}
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return &a, nil
}

// InsertArticle writes a new article.
func InsertArticle(ctx context.Context, tx *Tx, a *Article) error {
	_, err := tx.Exec(ctx, `INSERT INTO kb_articles (id, title, body, category_id, tags, active, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.Title, a.Body, nullID(a.CategoryID), a.Tags, a.Active, nullID(a.CreatedBy), a.CreatedAt.UTC(), a.UpdatedAt.UTC())
	if err != nil {
		return fmt.Errorf("insert article: %w", err)
	}
	return nil
}

// UpdateArticle writes an article's fields, or returns ENOTFOUND.
func UpdateArticle(ctx context.Context, tx *Tx, a *Article) error {
	return changeOne(ctx, tx, "update article", notFound("article", a.ID),
		`UPDATE kb_articles SET title = ?, body = ?, category_id = ?, tags = ?, active = ?, updated_at = ?
		WHERE id = ?`, a.Title, a.Body, nullID(a.CategoryID), a.Tags, a.Active, a.UpdatedAt.UTC(), a.ID)
}

// GetArticle returns the article with the id, or ENOTFOUND.
func GetArticle(ctx context.Context, tx *Tx, id int64) (*Article, error) {
	return getOne(ctx, tx, scanArticle, "article", id, `SELECT `+articleColumns+` FROM kb_articles WHERE id = ?`, id)
}

// ArticleFilter selects articles. Terms are matched as substrings of the
// title, the body or the tags, ignoring case; an article matches when it
// holds any term (the caller ranks by how many). Zero fields do not filter.
type ArticleFilter struct {
	Terms      []string
	CategoryID int64
	ActiveOnly bool
	Limit      int
}

// ListArticles returns articles matching the filter, most recently
// updated first.
func ListArticles(ctx context.Context, tx *Tx, f ArticleFilter) ([]*Article, error) {
	var w where
	w.addIf(f.ActiveOnly, "active = ?", true)
	w.addIf(f.CategoryID != 0, "category_id = ?", f.CategoryID)
	if len(f.Terms) > 0 {
		var or []string
		var args []any
		for _, t := range f.Terms {
			p := "%" + likeEscape(strings.ToLower(t)) + "%"
			or = append(or, `(LOWER(title) LIKE ? ESCAPE '\' OR LOWER(body) LIKE ? ESCAPE '\' OR LOWER(tags) LIKE ? ESCAPE '\')`)
			args = append(args, p, p, p)
		}
		w.add("("+strings.Join(or, " OR ")+")", args...)
	}
	q := `SELECT ` + articleColumns + ` FROM kb_articles` + w.String()
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	q += fmt.Sprintf(" ORDER BY updated_at DESC, id DESC LIMIT %d", limit)
	out, err := queryAll(ctx, tx, scanArticle, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("list articles: %w", err)
	}
	return out, nil
}

// likeEscape escapes the LIKE wildcards of s with a backslash.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
