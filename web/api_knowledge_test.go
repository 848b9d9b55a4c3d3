package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/store"
)

type articleList struct {
	Articles []store.Article `json:"articles"`
}

func articleIDs(l articleList) []int64 {
	var ids []int64
	for _, a := range l.Articles {
		ids = append(ids, a.ID)
	}
	return ids
}

func hasID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// TestKnowledgeBaseAPI keeps the knowledge base as the /admin/kb pages
// do, and finds it as agents do on the /kb pages and the desk.
func TestKnowledgeBaseAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		cat := e.f.Category.ID
		lift := mustJSON[store.Article](t, e.do(t, "POST", "/api/v1/kb/articles", "admin", map[string]any{
			"title": "  电梯停运怎么办  ", "body": "先联系物业维保单位，24小时内未恢复的派区住建局。",
			"category_id": cat, "tags": "电梯 维保",
		}), http.StatusCreated)
		if lift.ID == 0 || lift.Title != "电梯停运怎么办" || !lift.Active || lift.CategoryID != cat || lift.CreatedBy != e.f.Users["admin"].ID {
			t.Fatalf("created %+v: want a trimmed title, active by default, the category and the author", lift)
		}
		draft := mustJSON[store.Article](t, e.do(t, "POST", "/api/v1/kb/articles", "admin", map[string]any{
			"title": "供暖费补贴（草稿）", "body": "尚未发布的口径。", "active": false,
		}), http.StatusCreated)
		if draft.Active || draft.CategoryID != 0 {
			t.Fatalf("draft %+v: want inactive, without category", draft)
		}

		t.Run("staff search and read active articles", func(t *testing.T) {
			found := mustJSON[articleList](t, e.do(t, "GET", "/api/v1/kb/articles?q=电梯停了", "agent", nil), http.StatusOK)
			if ids := articleIDs(found); len(ids) == 0 || ids[0] != lift.ID {
				t.Errorf("agent searching 电梯停了 found %v, want %d first", ids, lift.ID)
			}
			newest := mustJSON[articleList](t, e.do(t, "GET", "/api/v1/kb/articles", "handler", nil), http.StatusOK)
			if ids := articleIDs(newest); !hasID(ids, lift.ID) || hasID(ids, draft.ID) {
				t.Errorf("handler listing found %v: want %d and not the draft %d", ids, lift.ID, draft.ID)
			}
			ofCat := mustJSON[articleList](t, e.do(t, "GET", fmt.Sprintf("/api/v1/kb/articles?category_id=%d&limit=1", cat), "agent", nil), http.StatusOK)
			if ids := articleIDs(ofCat); len(ids) != 1 || ids[0] != lift.ID {
				t.Errorf("category %d with limit 1 found %v, want [%d]", cat, ids, lift.ID)
			}
			got := mustJSON[store.Article](t, e.do(t, "GET", fmt.Sprintf("/api/v1/kb/articles/%d", lift.ID), "agent", nil), http.StatusOK)
			if got.Body != lift.Body {
				t.Errorf("agent read %+v, want %+v", got, lift)
			}
			mustProblem(t, e.do(t, "GET", fmt.Sprintf("/api/v1/kb/articles/%d", draft.ID), "agent", nil),
				http.StatusNotFound, minsheng.ENOTFOUND, "")
		})

		t.Run("admins list every article", func(t *testing.T) {
			all := mustJSON[articleList](t, e.do(t, "GET", "/api/v1/kb/articles?all=true", "admin", nil), http.StatusOK)
			if ids := articleIDs(all); !hasID(ids, lift.ID) || !hasID(ids, draft.ID) {
				t.Errorf("admin's list %v lacks %d or the draft %d", ids, lift.ID, draft.ID)
			}
			mustStatus(t, e.do(t, "GET", fmt.Sprintf("/api/v1/kb/articles/%d", draft.ID), "admin", nil), http.StatusOK)
			mustProblem(t, e.do(t, "GET", "/api/v1/kb/articles?all=true", "agent", nil), http.StatusForbidden, minsheng.EFORBIDDEN, "")
		})

		t.Run("admins replace and retire", func(t *testing.T) {
			path := fmt.Sprintf("/api/v1/kb/articles/%d", lift.ID)
			up := mustJSON[store.Article](t, e.do(t, "PUT", path, "admin", map[string]any{
				"title": "电梯停运的处置", "body": "联系维保单位。", "active": false,
			}), http.StatusOK)
			if up.ID != lift.ID || up.Title != "电梯停运的处置" || up.Active || up.CategoryID != 0 || up.Tags != "" || !up.CreatedAt.Equal(lift.CreatedAt) {
				t.Errorf("replaced %+v: want the new fields, retired, category and tags emptied, the creation kept", up)
			}
			mustProblem(t, e.do(t, "GET", path, "agent", nil), http.StatusNotFound, minsheng.ENOTFOUND, "")
			found := mustJSON[articleList](t, e.do(t, "GET", "/api/v1/kb/articles?q=电梯", "agent", nil), http.StatusOK)
			if hasID(articleIDs(found), lift.ID) {
				t.Errorf("agents still find the retired article %d", lift.ID)
			}
			back := mustJSON[store.Article](t, e.do(t, "PUT", path, "admin", map[string]any{
				"title": "电梯停运的处置", "body": "联系维保单位。", "category_id": cat, "active": true,
			}), http.StatusOK)
			if !back.Active || back.CategoryID != cat {
				t.Errorf("published again %+v", back)
			}
			mustStatus(t, e.do(t, "GET", path, "agent", nil), http.StatusOK)
		})

		t.Run("refused", func(t *testing.T) {
			ok := map[string]any{"title": "标题", "body": "正文", "active": true}
			with := func(k string, v any) map[string]any {
				m := map[string]any{}
				for k, v := range ok {
					m[k] = v
				}
				if v == nil {
					delete(m, k)
				} else {
					m[k] = v
				}
				return m
			}
			liftPath := fmt.Sprintf("/api/v1/kb/articles/%d", lift.ID)
			tests := []struct {
				name         string
				method, path string
				user         string
				body         any
				status       int
				code, field  string
			}{
				{"no title", "POST", "/api/v1/kb/articles", "admin", with("title", nil), 400, minsheng.EINVALID, "title"},
				{"blank title", "POST", "/api/v1/kb/articles", "admin", with("title", "   "), 400, minsheng.EINVALID, "title"},
				{"title too long", "POST", "/api/v1/kb/articles", "admin", with("title", strings.Repeat("长", 201)), 400, minsheng.EINVALID, "title"},
				{"no body", "PUT", liftPath, "admin", with("body", nil), 400, minsheng.EINVALID, "body"},
				{"tags too long", "POST", "/api/v1/kb/articles", "admin", with("tags", strings.Repeat("t", 501)), 400, minsheng.EINVALID, "tags"},
				{"unknown category", "POST", "/api/v1/kb/articles", "admin", with("category_id", 999999), 400, minsheng.EINVALID, "category_id"},
				{"negative category", "PUT", liftPath, "admin", with("category_id", -1), 400, minsheng.EINVALID, "category_id"},
				{"active not said", "PUT", liftPath, "admin", with("active", nil), 400, minsheng.EINVALID, "active"},
				{"active mistyped", "POST", "/api/v1/kb/articles", "admin", with("active", "yes"), 400, minsheng.EINVALID, "active"},
				{"unknown field", "POST", "/api/v1/kb/articles", "admin", with("author", "x"), 400, minsheng.EINVALID, "author"},
				{"agent creates", "POST", "/api/v1/kb/articles", "agent", ok, 403, minsheng.EFORBIDDEN, ""},
				{"leader replaces", "PUT", liftPath, "leader", ok, 403, minsheng.EFORBIDDEN, ""},
				{"replace a missing article", "PUT", "/api/v1/kb/articles/999999", "admin", ok, 404, minsheng.ENOTFOUND, ""},
				{"read a missing article", "GET", "/api/v1/kb/articles/999999", "agent", nil, 404, minsheng.ENOTFOUND, ""},
				{"read a malformed id", "GET", "/api/v1/kb/articles/abc", "agent", nil, 404, minsheng.ENOTFOUND, ""},
				{"limit 0", "GET", "/api/v1/kb/articles?limit=0", "agent", nil, 400, minsheng.EINVALID, "limit"},
				{"limit 51", "GET", "/api/v1/kb/articles?q=电梯&limit=51", "agent", nil, 400, minsheng.EINVALID, "limit"},
				{"category mistyped", "GET", "/api/v1/kb/articles?category_id=x", "agent", nil, 400, minsheng.EINVALID, "category_id"},
				{"all with q", "GET", "/api/v1/kb/articles?all=true&q=电梯", "admin", nil, 400, minsheng.EINVALID, "q"},
				{"all mistyped", "GET", "/api/v1/kb/articles?all=yes", "admin", nil, 400, minsheng.EINVALID, "all"},
				{"unknown parameter", "GET", "/api/v1/kb/articles?sort=new", "agent", nil, 400, minsheng.EINVALID, "sort"},
				{"not signed in", "GET", "/api/v1/kb/articles", "", nil, 401, minsheng.EUNAUTHORIZED, ""},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					mustProblem(t, e.do(t, tc.method, tc.path, tc.user, tc.body), tc.status, tc.code, tc.field)
				})
			}
			// Nothing refused was written.
			all := mustJSON[articleList](t, e.do(t, "GET", "/api/v1/kb/articles?all=true", "admin", nil), http.StatusOK)
			if len(all.Articles) != 2 {
				t.Errorf("%d articles after the refusals, want 2", len(all.Articles))
			}
		})
	})
}
