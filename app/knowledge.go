package app

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/text"
)

// Limits of knowledge-base articles, in characters.
const (
	MaxArticleTitle = 200
	MaxArticleBody  = 20000
	MaxArticleTags  = 500
)

// ArticleInput is what an admin writes for an article.
type ArticleInput struct {
	Title      string `json:"title"`
	Body       string `json:"body"`
	CategoryID int64  `json:"category_id"`
	Tags       string `json:"tags"`
	Active     bool   `json:"active"`
}

func (in *ArticleInput) validate() error {
	in.Title, in.Body, in.Tags = strings.TrimSpace(in.Title), strings.TrimSpace(in.Body), strings.TrimSpace(in.Tags)
	switch {
	case in.Title == "" || utf8.RuneCountInString(in.Title) > MaxArticleTitle:
		return minsheng.FieldError("title", "a title of at most %d characters is required", MaxArticleTitle).Because("required")
	case in.Body == "" || utf8.RuneCountInString(in.Body) > MaxArticleBody:
		return minsheng.FieldError("body", "a text of at most %d characters is required", MaxArticleBody).Because("required")
	case utf8.RuneCountInString(in.Tags) > MaxArticleTags:
		return minsheng.FieldError("tags", "tags are at most %d characters", MaxArticleTags).Because("too_long")
	case in.CategoryID < 0:
		return minsheng.FieldError("category_id", "category_id must be a positive id")
	}
	return nil
}

func checkArticleCategory(ctx context.Context, tx *store.Tx, id int64) error {
	if id == 0 {
		return nil
	}
	if _, err := store.GetCategory(ctx, tx, id); minsheng.IsCode(err, minsheng.ENOTFOUND) {
		return minsheng.FieldError("category_id", "category %d does not exist", id).Because("category_unknown")
	} else if err != nil {
		return err
	}
	return nil
}

// CreateArticle adds an article to the knowledge base (admins).
func (s *Service) CreateArticle(ctx context.Context, actor *org.User, in ArticleInput) (*store.Article, error) {
	if err := kit.RequireDistrictAdmin(actor); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	id, err := s.db.NextID(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	a := &store.Article{ID: id, Title: in.Title, Body: in.Body, CategoryID: in.CategoryID, Tags: in.Tags,
		Active: in.Active, CreatedBy: actor.ID, CreatedAt: now, UpdatedAt: now}
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		if err := checkArticleCategory(ctx, tx, in.CategoryID); err != nil {
			return err
		}
		if err := store.InsertArticle(ctx, tx, a); err != nil {
			return err
		}
		_, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: "article", ObjectID: a.ID, Action: "create",
			Data: map[string]string{"category_id": idStr(a.CategoryID), "active": strconv.FormatBool(a.Active)}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// UpdateArticle replaces an article's fields (admins). Retiring an article
// is setting Active to false: agents no longer find it.
func (s *Service) UpdateArticle(ctx context.Context, actor *org.User, id int64, in ArticleInput) (*store.Article, error) {
	if err := kit.RequireDistrictAdmin(actor); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	var a *store.Article
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		if a, err = store.GetArticle(ctx, tx, id); err != nil {
			return err
		}
		if err := checkArticleCategory(ctx, tx, in.CategoryID); err != nil {
			return err
		}
		before := *a
		a.Title, a.Body, a.CategoryID, a.Tags, a.Active = in.Title, in.Body, in.CategoryID, in.Tags, in.Active
		a.UpdatedAt = s.now()
		if err := store.UpdateArticle(ctx, tx, a); err != nil {
			return err
		}
		data := map[string]string{}
		for _, f := range []struct {
			name     string
			old, new string
		}{{"title", before.Title, a.Title}, {"body", before.Body, a.Body}, {"tags", before.Tags, a.Tags}} {
			if f.old != f.new {
				data[f.name] = "changed"
			}
		}
		changed(data, "category_id", before.CategoryID, a.CategoryID)
		changed(data, "active", before.Active, a.Active)
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: "article", ObjectID: a.ID, Action: "update", Data: data})
		return err
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// GetArticle returns an article: active ones to every staff user, retired
// ones to admins only.
func (s *Service) GetArticle(ctx context.Context, actor *org.User, id int64) (*store.Article, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	var a *store.Article
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		a, err = store.GetArticle(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !a.Active && !actor.Has(org.RoleAdmin) {
		return nil, minsheng.Errorf(minsheng.ENOTFOUND, "article %d not found", id)
	}
	return a, nil
}

// ListArticles returns the whole knowledge base, newest change first, for
// the admins who keep it.
func (s *Service) ListArticles(ctx context.Context, actor *org.User) ([]*store.Article, error) {
	if err := kit.RequireAdmin(actor); err != nil {
		return nil, err
	}
	var out []*store.Article
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = store.ListArticles(ctx, tx, store.ArticleFilter{Limit: 1000})
		return err
	})
	return out, err
}

// maxSearchTerms bounds the terms of one knowledge-base query.
const maxSearchTerms = 12

// SearchArticles finds the active articles that answer a question, best
// first: every staff user may search. A query is cut into words and, for
// Chinese, pairs of adjacent characters; an article ranks by how many of
// them its title and tags (counted twice) and its text hold. An empty
// query lists the newest articles (of the category, when one is given).
func (s *Service) SearchArticles(ctx context.Context, actor *org.User, query string, categoryID int64, limit int) ([]*store.Article, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 50 {
		limit = 10
	}
	terms := searchTerms(query)
	var found []*store.Article
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		f := store.ArticleFilter{Terms: terms, ActiveOnly: true, Limit: 200}
		if len(terms) == 0 {
			f.CategoryID, f.Limit = categoryID, limit
		}
		found, err = store.ListArticles(ctx, tx, f)
		return err
	})
	if err != nil || len(terms) == 0 {
		return found, err
	}
	score := make(map[int64]int, len(found))
	for _, a := range found {
		head := strings.ToLower(a.Title + " " + a.Tags)
		body := strings.ToLower(a.Body)
		for _, t := range terms {
			if strings.Contains(head, t) {
				score[a.ID] += 2
			}
			if strings.Contains(body, t) {
				score[a.ID]++
			}
		}
		if categoryID != 0 && a.CategoryID == categoryID {
			score[a.ID]++
		}
	}
	sort.SliceStable(found, func(i, j int) bool { return score[found[i].ID] > score[found[j].ID] })
	if len(found) > limit {
		found = found[:limit]
	}
	return found, nil
}

// searchTerms cuts a query into the terms matched: Chinese character pairs
// (single characters only for a one-character query) and Latin words and
// numbers, folded, distinct, at most maxSearchTerms.
func searchTerms(q string) []string {
	toks := text.Tokens(q)
	han1 := 0
	for _, t := range toks {
		if utf8.RuneCountInString(t) == 1 && text.IsCJK([]rune(t)[0]) {
			han1++
		}
	}
	seen := map[string]bool{}
	var out []string
	for _, t := range toks {
		single := utf8.RuneCountInString(t) == 1 && text.IsCJK([]rune(t)[0])
		if single && han1 > 1 {
			continue // pairs say more; single characters match nearly everything
		}
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
		if len(out) == maxSearchTerms {
			break
		}
	}
	return out
}
