package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/routing"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

// newest returns the newest audit entry and how many there are.
func newest(t *testing.T, f *apptest.Fixture) (store.AuditEntry, int) {
	t.Helper()
	p, err := f.Svc.AuditLog(context.Background(), kit.System(), app.AuditQuery{Limit: store.MaxAuditPage})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Entries) == 0 {
		return store.AuditEntry{}, 0
	}
	return p.Entries[0], len(p.Entries)
}

// The administrative changes without a JSON route (webhooks, contacts,
// articles, API tokens, the statistics) write one audit entry each, which
// says what changed without secrets or personal contact data.
func TestAdminChangesAreAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := apptest.New(t, db)
		s, admin := f.Svc, f.Users["admin"]
		var hook *store.Webhook
		var article *store.Article
		var token string
		tests := []struct {
			name   string
			actor  *org.User
			change func() error
			object string
			id     func() int64
			action string
			has    []string
			never  []string
		}{
			{"webhook", admin, func() (err error) {
				hook, _, err = s.CreateWebhook(ctx, admin, app.NewWebhook{Name: "city-12345", URL: "https://example.cn/hook", Events: []string{"reply"}})
				return err
			}, "webhook", func() int64 { return hook.ID }, "create", []string{"url=https://example.cn/hook", "events=reply"}, nil},
			{"webhook off", admin, func() error { return s.SetWebhookActive(ctx, admin, hook.ID, false) },
				"webhook", func() int64 { return hook.ID }, "deactivate", nil, nil},
			{"webhook on from the shell", kit.System(), func() error { return s.SetWebhookActive(ctx, kit.System(), hook.ID, true) },
				"webhook", func() int64 { return hook.ID }, "activate", nil, nil},
			{"contact", admin, func() error {
				return s.SetContact(ctx, admin, "handler", app.Contact{Email: "haihu@example.cn", Phone: "13897001234"})
			}, "user", func() int64 { return f.Users["handler"].ID }, "set_contact", []string{"email=set", "phone=set", "lang=zh"},
				[]string{"haihu@", "13897001234"}},
			{"own contact", f.Users["handler"], func() error {
				return s.SetContact(ctx, f.Users["handler"], "handler", app.Contact{Lang: "en"})
			}, "user", func() int64 { return f.Users["handler"].ID }, "set_contact", []string{"email=none", "lang=en"}, nil},
			{"article", admin, func() (err error) {
				article, err = s.CreateArticle(ctx, admin, app.ArticleInput{Title: "供暖时间", Body: "每年10月15日至次年4月15日。", Active: true})
				return err
			}, "article", func() int64 { return article.ID }, "create", []string{"active=true"}, nil},
			{"article retired", admin, func() error {
				_, err := s.UpdateArticle(ctx, admin, article.ID, app.ArticleInput{Title: "供暖时间", Body: "已废止。", Active: false})
				return err
			}, "article", func() int64 { return article.ID }, "update", []string{"body=changed", "active=true → false"}, []string{"title="}},
			{"api token", admin, func() (err error) {
				token, err = s.CreateAPIToken(ctx, admin, "agent", "坐席终端")
				return err
			}, "api_token", nil, "create", []string{"username=agent", "name=坐席终端"}, nil},
			{"statistics", kit.System(), func() error { _, err := s.RebuildStats(ctx, kit.System()); return err },
				"stats", func() int64 { return 0 }, "rebuild", []string{"tickets=0"}, nil},
			{"password", admin, func() error {
				pw := "a-new-long-password"
				_, err := s.UpdateUser(ctx, admin, "agent", app.UserChange{Password: &pw})
				return err
			}, "user", func() int64 { return f.Users["agent"].ID }, "update", []string{"password=changed"}, []string{"a-new-long-password"}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				_, before := newest(t, f)
				if err := tc.change(); err != nil {
					t.Fatal(err)
				}
				got, after := newest(t, f)
				if after != before+1 {
					t.Fatalf("%d new entries, want 1", after-before)
				}
				if got.Object != tc.object || got.Action != tc.action || got.ActorID != tc.actor.ID ||
					(tc.id != nil && got.ObjectID != tc.id()) {
					t.Errorf("entry %+v; want %s %s by %d", got, tc.object, tc.action, tc.actor.ID)
				}
				for _, h := range tc.has {
					if !strings.Contains(got.Detail, h) {
						t.Errorf("detail %q lacks %q", got.Detail, h)
					}
				}
				for _, n := range append(tc.never, "secret", token) {
					if n != "" && strings.Contains(got.Detail, n) {
						t.Errorf("detail %q shows %q", got.Detail, n)
					}
				}
			})
		}
		if token == "" {
			t.Error("no token made")
		}
	})
}

// A use case that changes the setup refuses a missing actor (sign in
// first): the shell, jobs and the seeder act as the system actor.
func TestAdminChangesRefuseNoActor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := apptest.New(t, db)
		s := f.Svc
		pw := "a-new-long-password"
		calls := map[string]func() error{
			"CreateUser": func() error {
				_, err := s.CreateUser(ctx, nil, app.NewUser{Username: "x1", Name: "x", Role: org.RoleAgent, UnitID: f.District.ID, Password: pw})
				return err
			},
			"UpdateUser": func() error { _, err := s.UpdateUser(ctx, nil, "agent", app.UserChange{Password: &pw}); return err },
			"CreateUnit": func() error {
				_, err := s.CreateUnit(ctx, nil, app.NewUnit{Kind: org.KindDistrict, Code: "other", Name: "别的区"})
				return err
			},
			"CreateCategory": func() error { _, err := s.CreateCategory(ctx, nil, app.NewCategory{Code: "x", Name: "x"}); return err },
			"SetBoundary": func() error {
				return s.SetBoundary(ctx, nil, f.Community.ID, []byte(`{"type":"Polygon","coordinates":[[[1,1],[2,1],[2,2],[1,1]]]}`))
			},
			"CreateRoutingRule": func() error {
				_, err := s.CreateRoutingRule(ctx, nil, routing.Rule{Name: "x", Kind: ticket.KindHelp, UnitID: f.Dept.ID})
				return err
			},
			"DeleteRoutingRule":  func() error { return s.DeleteRoutingRule(ctx, nil, 1) },
			"DeleteSLARule":      func() error { return s.DeleteSLARule(ctx, nil, 1) },
			"ImportCalendarYear": func() error { return s.ImportCalendarYear(ctx, nil, calendar.Year{Year: 2027}) },
			"SetDispatchSettings": func() error {
				return s.SetDispatchSettings(ctx, nil, app.DefaultSettings)
			},
			"CreateWebhook": func() error {
				_, _, err := s.CreateWebhook(ctx, nil, app.NewWebhook{Name: "x", URL: "https://example.cn/hook"})
				return err
			},
			"SetContact":     func() error { return s.SetContact(ctx, nil, "agent", app.Contact{}) },
			"CreateArticle":  func() error { _, err := s.CreateArticle(ctx, nil, app.ArticleInput{Title: "x", Body: "y"}); return err },
			"CreateAPIToken": func() error { _, err := s.CreateAPIToken(ctx, nil, "agent", "x"); return err },
			"RebuildStats":   func() error { _, err := s.RebuildStats(ctx, nil); return err },
			"AuditLog":       func() error { _, err := s.AuditLog(ctx, nil, app.AuditQuery{}); return err },
		}
		_, before := newest(t, f)
		for name, call := range calls {
			if err := call(); !minsheng.IsCode(err, minsheng.EUNAUTHORIZED) {
				t.Errorf("%s with no actor: %v; want unauthorized", name, err)
			}
		}
		if _, after := newest(t, f); after != before {
			t.Errorf("refused calls wrote %d audit entries", after-before)
		}
	})
}

// Admins of the district read the whole audit log; admins of a street and
// leaders only the entries about a ticket they see; other roles nothing.
func TestAuditLogReaders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := apptest.New(t, db)
		s := f.Svc
		streetAdmin, err := s.CreateUser(ctx, f.Users["admin"], app.NewUser{Username: "street_admin", Name: "街道管理员",
			Role: org.RoleAdmin, UnitID: f.Street.ID, Password: "street-password"})
		if err != nil {
			t.Fatal(err)
		}
		inStreet := f.Register(t)
		if _, err := s.Dispatch(ctx, f.Users["dispatcher"], inStreet.Number, f.Community.ID, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RevealCaller(ctx, f.Users["dispatcher"], inStreet.Number, "回访", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		elsewhere := f.Register(t)
		if _, err := s.Dispatch(ctx, f.Users["dispatcher"], elsewhere.Number, f.OtherStreet.ID, ""); err != nil {
			t.Fatal(err)
		}
		about := func(id int64) app.AuditQuery { return app.AuditQuery{Object: "ticket", ObjectID: &id} }
		tests := []struct {
			name  string
			actor *org.User
			q     app.AuditQuery
			code  string // "" for allowed
		}{
			{"district admin, everything", f.Users["admin"], app.AuditQuery{}, ""},
			{"street admin, everything", streetAdmin, app.AuditQuery{}, minsheng.EFORBIDDEN},
			{"street admin, a ticket of the street", streetAdmin, about(inStreet.ID), ""},
			{"street admin, a ticket elsewhere", streetAdmin, about(elsewhere.ID), minsheng.ENOTFOUND},
			{"street admin, users", streetAdmin, app.AuditQuery{Object: "user"}, minsheng.EFORBIDDEN},
			{"leader, everything", f.Users["leader"], app.AuditQuery{}, minsheng.EFORBIDDEN},
			{"leader, a ticket", f.Users["leader"], about(inStreet.ID), ""},
			{"dispatcher, a ticket", f.Users["dispatcher"], about(inStreet.ID), minsheng.EFORBIDDEN},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				p, err := s.AuditLog(ctx, tc.actor, tc.q)
				if tc.code == "" {
					if err != nil {
						t.Fatal(err)
					}
					if tc.q.Object == "ticket" && (len(p.Entries) != 1 || p.Entries[0].IP != "192.0.2.1") {
						t.Errorf("the ticket's entries: %+v", p.Entries)
					}
					return
				}
				if !minsheng.IsCode(err, tc.code) {
					t.Errorf("err %v; want %s", err, tc.code)
				}
			})
		}
		if _, err := s.RebuildStats(ctx, streetAdmin); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Errorf("a street admin rebuilt the statistics: %v", err)
		}
	})
}
