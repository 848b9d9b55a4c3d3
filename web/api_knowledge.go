package web

import (
	"net/http"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// routesKnowledge lists the routes of the knowledge base: every staff
// user searches it and reads its active articles (the /kb pages and the
// hotline desk); admins list all of it and write it (/admin/kb).
func (s *Server) routesKnowledge(mux router) {
	mux.Handle("GET /api/v1/kb/articles", s.handle(s.listArticles))
	mux.Handle("POST /api/v1/kb/articles", s.handle(s.createArticle))
	mux.Handle("GET /api/v1/kb/articles/{id}", s.handle(s.getArticle))
	mux.Handle("PUT /api/v1/kb/articles/{id}", s.handle(s.updateArticle))
}

// maxArticleResults is the most articles a search answers with, as
// SearchArticles allows.
const maxArticleResults = 50

// listArticles searches the active articles (q, category_id, limit), or,
// with all=true, lists every article, retired ones too, for admins.
func (s *Server) listArticles(w http.ResponseWriter, r *http.Request) error {
	return answer(w, r, http.StatusOK, func(u *org.User) (any, error) {
		q := r.URL.Query()
		if err := knownParams(q, "q", "category_id", "limit", "all"); err != nil {
			return nil, err
		}
		var arts []*store.Article
		switch all := q.Get("all"); all {
		case "true":
			for _, p := range []string{"q", "category_id", "limit"} {
				if q.Has(p) {
					return nil, minsheng.FieldError(p, "all=true lists every article: it takes no %s", p)
				}
			}
			var err error
			if arts, err = s.svc.ListArticles(r.Context(), u); err != nil {
				return nil, err
			}
		case "", "false":
			cat, err := intParam(q, "category_id")
			if err != nil {
				return nil, err
			}
			limit, err := intParam(q, "limit")
			if err != nil {
				return nil, err
			}
			if q.Has("limit") && (limit < 1 || limit > maxArticleResults) {
				return nil, minsheng.FieldError("limit", "limit must be between 1 and %d", maxArticleResults)
			}
			if arts, err = s.svc.SearchArticles(r.Context(), u, q.Get("q"), cat, int(limit)); err != nil {
				return nil, err
			}
		default:
			return nil, minsheng.FieldError("all", "all must be true or false")
		}
		return map[string]any{"articles": orEmpty(arts)}, nil
	})
}

func (s *Server) getArticle(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "article")
	if err != nil {
		return err
	}
	return answer(w, r, http.StatusOK, func(u *org.User) (*store.Article, error) {
		return s.svc.GetArticle(r.Context(), u, id)
	})
}

// articleIn is an article as admins write it. Active is a pointer so that
// its absence can be told apart: a new article is published unless it says
// otherwise, while a replacement must say whether the article stays.
type articleIn struct {
	Title      string `json:"title"`
	Body       string `json:"body"`
	CategoryID int64  `json:"category_id"`
	Tags       string `json:"tags"`
	Active     *bool  `json:"active"`
}

func (in articleIn) input(defaultActive bool) app.ArticleInput {
	active := defaultActive
	if in.Active != nil {
		active = *in.Active
	}
	return app.ArticleInput{Title: in.Title, Body: in.Body, CategoryID: in.CategoryID, Tags: in.Tags, Active: active}
}

func (s *Server) createArticle(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusCreated, func(u *org.User, in articleIn) (*store.Article, error) {
		return s.svc.CreateArticle(r.Context(), u, in.input(true))
	})
}

// updateArticle replaces an article's fields; active false retires it.
func (s *Server) updateArticle(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "article")
	if err != nil {
		return err
	}
	return userWrite(w, r, http.StatusOK, func(u *org.User, in articleIn) (*store.Article, error) {
		if in.Active == nil {
			return nil, minsheng.FieldError("active", "active is required: true to publish the article, false to retire it")
		}
		return s.svc.UpdateArticle(r.Context(), u, id, in.input(false))
	})
}
