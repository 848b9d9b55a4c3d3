package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

func TestKnowledgeBase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := apptest.New(t, db)
		s, u := f.Svc, f.Users
		garbage, err := s.CreateArticle(ctx, u["admin"], app.ArticleInput{
			Title: "生活垃圾清运时间", Body: "各小区生活垃圾每天早7点、晚7点两次清运；大件垃圾请预约。",
			Tags: "垃圾 环卫", CategoryID: f.Category.ID, Active: true,
		})
		if err != nil {
			t.Fatalf("create: %v", err)
		}
		if _, err := s.CreateArticle(ctx, u["admin"], app.ArticleInput{
			Title: "Heating season 供暖季", Body: "供暖时间为每年10月15日至次年4月15日。", Tags: "heating", Active: true,
		}); err != nil {
			t.Fatalf("create: %v", err)
		}
		retired, err := s.CreateArticle(ctx, u["admin"], app.ArticleInput{
			Title: "旧的垃圾分类规定", Body: "已废止。", Active: false,
		})
		if err != nil {
			t.Fatalf("create: %v", err)
		}

		tests := []struct {
			name, query string
			want        []int64
		}{
			{"chinese pairs match without spaces", "垃圾什么时候清运", []int64{garbage.ID}},
			{"a word in any case", "HEATING", nil}, // filled below
			{"wildcards are literal", "100%_", []int64{}},
			{"retired articles are not found", "垃圾分类", []int64{garbage.ID}},
		}
		heating, err := s.SearchArticles(ctx, u["agent"], "heating", 0, 10)
		if err != nil || len(heating) != 1 {
			t.Fatalf("heating = %v, %v", heating, err)
		}
		tests[1].want = []int64{heating[0].ID}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				got, err := s.SearchArticles(ctx, u["agent"], tc.query, 0, 10)
				if err != nil {
					t.Fatal(err)
				}
				var ids []int64
				for _, a := range got {
					ids = append(ids, a.ID)
				}
				if len(ids) != len(tc.want) || (len(ids) > 0 && ids[0] != tc.want[0]) {
					t.Fatalf("search %q = %v; want %v", tc.query, ids, tc.want)
				}
			})
		}

		// Only admins write; agents cannot read a retired article.
		if _, err := s.CreateArticle(ctx, u["agent"], app.ArticleInput{Title: "x", Body: "y"}); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Fatalf("agent create: %v; want forbidden", err)
		}
		if _, err := s.GetArticle(ctx, u["agent"], retired.ID); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
			t.Fatalf("agent reads retired: %v; want not found", err)
		}
		if _, err := s.CreateArticle(ctx, u["admin"], app.ArticleInput{Title: "", Body: "y"}); minsheng.ErrorCode(err) != minsheng.EINVALID {
			t.Fatalf("empty title: %v", err)
		}
		if _, err := s.CreateArticle(ctx, u["admin"], app.ArticleInput{Title: "x", Body: "y", CategoryID: 999999}); minsheng.ErrorCode(err) != minsheng.EINVALID {
			t.Fatalf("unknown category: %v", err)
		}

		// Editing: retire the garbage article, and it is no longer found.
		f.Clock.Advance(time.Minute)
		in := app.ArticleInput{Title: garbage.Title, Body: garbage.Body + "（已更新）", Tags: garbage.Tags, Active: false}
		if _, err := s.UpdateArticle(ctx, u["admin"], garbage.ID, in); err != nil {
			t.Fatalf("update: %v", err)
		}
		if got, _ := s.SearchArticles(ctx, u["agent"], "垃圾清运", 0, 10); len(got) != 0 {
			t.Fatalf("retired article still found: %v", got)
		}
		all, err := s.ListArticles(ctx, u["admin"])
		if err != nil || len(all) != 3 || all[0].ID != garbage.ID {
			t.Fatalf("admin list = %d articles (first %v), %v; want 3, the updated one first", len(all), all, err)
		}
		if _, err := s.UpdateArticle(ctx, u["admin"], 424242, in); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
			t.Fatalf("update unknown: %v", err)
		}
	})
}
