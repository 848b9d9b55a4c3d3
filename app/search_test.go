package app_test

import (
	"strings"
	"testing"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

func mustSearch(t *testing.T, f *apptest.Fixture, user, q string, statuses ...ticket.Status) *app.SearchResult {
	t.Helper()
	r, err := f.Svc.Search(ctx, f.Users[user], app.SearchQuery{Text: q, Statuses: statuses})
	if err != nil {
		t.Fatalf("search %q as %s: %v", q, user, err)
	}
	return r
}

func hitNumbers(r *app.SearchResult) []string {
	var out []string
	for _, h := range r.Hits {
		out = append(out, h.Ticket.Number)
	}
	return out
}

// snippetText renders a snippet with [brackets] round the matches.
func snippetText(h app.SearchHit) string {
	var b strings.Builder
	for _, fr := range h.Snippet {
		if fr.Match {
			b.WriteString("[" + fr.Text + "]")
		} else {
			b.WriteString(fr.Text)
		}
	}
	return b.String()
}

func register(t *testing.T, f *apptest.Fixture, title, desc, addr string) *ticket.Ticket {
	t.Helper()
	in := apptest.NewTicket()
	in.Title, in.Description, in.Address = title, desc, addr
	tk, _, err := f.Svc.CreateTicket(ctx, f.Users["agent"], in, "")
	if err != nil {
		t.Fatalf("register %q: %v", title, err)
	}
	return tk
}

func TestSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		lift := register(t, f, "小区电梯停运三天无人维修", "3号楼电梯已经停了三天，老人上下楼很困难。", "海湖路18号")
		lamp := register(t, f, "路灯不亮", "海湖路与兴海路交叉口的路灯晚上不亮，WiFi信号也差。", "海湖路")
		noise := register(t, f, "夜间施工噪音扰民", "工地凌晨两点还在施工，严重影响休息。", "虎台路")
		// Dispatched to the community; then the reply makes it searchable by its reply.
		ok(t)(f.Svc.Dispatch(ctx, f.Users["dispatcher"], noise.Number, f.Community.ID, ""))
		ok(t)(f.Svc.Acknowledge(ctx, f.Users["handler"], noise.Number, ""))
		ok(t)(f.Svc.Reply(ctx, f.Users["handler"], noise.Number, "已联系城管执法队到现场核查，责令施工单位停止夜间施工。"))

		cases := []struct {
			name, q string
			want    []string // numbers, best first
			snippet string   // of the first hit, if any
		}{
			{"bigrams", "电梯停运", []string{lift.Number}, "小区[电梯停运]三天无人维修"},
			{"single character", "灯", []string{lamp.Number}, "路[灯]不亮"},
			{"terms anywhere in the ticket", "路灯 兴海路", []string{lamp.Number}, "海湖路与[兴海路]交叉口的[路灯]晚上不亮，wifi信号也差。"},
			{"reply", "城管执法", []string{noise.Number}, "已联系[城管执法]队到现场核查，责令施工单位停止夜间施工。"},
			{"full-width and case", "ＷＩＦＩ", []string{lamp.Number}, ""},
			{"all terms required", "电梯 路灯", nil, ""},
			{"address", "虎台路", []string{noise.Number}, ""},
			{"mixed scripts", "3号楼电梯", []string{lift.Number}, ""},
			{"not there", "垃圾分类", nil, ""},
			{"only punctuation", "！？。，、", nil, ""},
			{"only emoji", "😀🚧", nil, ""},
			{"invalid utf-8", "\xff\xfe电梯停运\xc3", []string{lift.Number}, ""},
			{"empty", "", nil, ""},
			{"fts syntax is inert", `"电梯" OR NEAR(x) AND *`, nil, ""},
			{"very long", strings.Repeat("电梯停运 ", 5000), []string{lift.Number}, ""},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				r := mustSearch(t, f, "dispatcher", tc.q)
				if got := hitNumbers(r); strings.Join(got, ",") != strings.Join(tc.want, ",") {
					t.Fatalf("hits %v, want %v (terms %v)", got, tc.want, r.Terms)
				}
				if tc.snippet != "" {
					// The snippet shows the original text (full-width, case).
					if got := strings.ToLower(snippetText(r.Hits[0])); got != strings.ToLower(tc.snippet) {
						t.Errorf("snippet %q, want %q", got, tc.snippet)
					}
				}
			})
		}

		// The status filter, and the visibility rule of the lists: the
		// other street's handler sees none of these, the community's
		// handler the dispatched one only.
		if got := hitNumbers(mustSearch(t, f, "dispatcher", "路", ticket.StatusReplied)); strings.Join(got, ",") != noise.Number {
			t.Errorf("replied tickets with 路: %v, want %s", got, noise.Number)
		}
		if got := hitNumbers(mustSearch(t, f, "other_handler", "路")); len(got) != 0 {
			t.Errorf("other street's handler finds %v", got)
		}
		if got := hitNumbers(mustSearch(t, f, "handler", "路")); strings.Join(got, ",") != noise.Number {
			t.Errorf("community handler finds %v, want %s", got, noise.Number)
		}
		if _, err := f.Svc.Search(ctx, f.Users["dispatcher"], app.SearchQuery{Text: "路", Statuses: []ticket.Status{"bogus"}}); err == nil {
			t.Error("unknown status accepted")
		}
		if _, err := f.Svc.Search(ctx, f.Users["dispatcher"], app.SearchQuery{Text: "路", Limit: 1000}); err == nil {
			t.Error("limit 1000 accepted")
		}
	})
}

func TestSearchSnippetIsCutAroundTheMatch(t *testing.T) {
	tk := &ticket.Ticket{Title: "噪音", Description: strings.Repeat("前文很长", 50) + "电梯坏了" + strings.Repeat("后文很长", 50)}
	field, frags := app.Snippet(tk, []string{"电梯"})
	h := app.SearchHit{Snippet: frags}
	got := snippetText(h)
	if field != "description" || !strings.Contains(got, "[电梯]坏了") || !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") {
		t.Errorf("field %s snippet %q", field, got)
	}
	if n := len([]rune(got)); n > 90 {
		t.Errorf("snippet of %d characters", n)
	}
	// A word term matches whole words only.
	_, frags = app.Snippet(&ticket.Ticket{Title: "wifi 和 wifi6"}, []string{"wifi"})
	if got := snippetText(app.SearchHit{Snippet: frags}); got != "[wifi] 和 wifi6" {
		t.Errorf("word snippet %q", got)
	}
}

func TestReindexSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		tk := register(t, f, "井盖缺失", "人行道上的井盖丢了，很危险。", "")
		// Forget the index, as after the migration on an existing database.
		err := db.Write(ctx, func(tx *store.Tx) error {
			q := `DELETE FROM ticket_search`
			if db.Dialect() == store.Postgres {
				q = `UPDATE tickets SET search_terms = NULL`
			}
			_, err := tx.Exec(ctx, q)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// A fresh service (a restarted server) completes the index on its first search.
		svc := app.New(app.Config{DB: db, Clock: f.Clock})
		r, err := svc.Search(ctx, f.Users["dispatcher"], app.SearchQuery{Text: "井盖"})
		if err != nil {
			t.Fatal(err)
		}
		if got := hitNumbers(r); len(got) != 1 || got[0] != tk.Number {
			t.Fatalf("after reindex: %v", got)
		}
		if n, err := svc.ReindexSearch(ctx); err != nil || n != 0 {
			t.Errorf("second reindex: %d, %v", n, err)
		}
	})
}
