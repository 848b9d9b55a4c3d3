package app_test

import (
	"slices"
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
	field, frags := app.Snippet(tk, nil, []string{"电梯"})
	h := app.SearchHit{Snippet: frags}
	got := snippetText(h)
	if field != "description" || !strings.Contains(got, "[电梯]坏了") || !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") {
		t.Errorf("field %s snippet %q", field, got)
	}
	if n := len([]rune(got)); n > 90 {
		t.Errorf("snippet of %d characters", n)
	}
	// A word term matches whole words only.
	_, frags = app.Snippet(&ticket.Ticket{Title: "wifi 和 wifi6"}, nil, []string{"wifi"})
	if got := snippetText(app.SearchHit{Snippet: frags}); got != "[wifi] 和 wifi6" {
		t.Errorf("word snippet %q", got)
	}
}

func TestReindexSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		tk := register(t, f, "井盖缺失", "人行道上的井盖丢了，很危险。", "")
		ok(t)(f.Svc.Dispatch(ctx, f.Users["dispatcher"], tk.Number, f.Community.ID, "市政设施维护"))
		// Forget the index, as after a migration that adds it or changes
		// its format (0009, 0010) on an existing database.
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
		t.Cleanup(svc.Wait)
		r, err := svc.Search(ctx, f.Users["dispatcher"], app.SearchQuery{Text: "井盖"})
		if err != nil {
			t.Fatal(err)
		}
		if got := hitNumbers(r); len(got) != 1 || got[0] != tk.Number {
			t.Fatalf("after reindex: %v", got)
		}
		// The notes and the filters are rebuilt too.
		r, err = svc.Search(ctx, f.Users["handler"], app.SearchQuery{Text: "设施维护", Statuses: []ticket.Status{ticket.StatusDispatched}})
		if err != nil {
			t.Fatal(err)
		}
		if got := hitNumbers(r); len(got) != 1 || got[0] != tk.Number {
			t.Fatalf("note with filters after reindex: %v", got)
		}
		if n, err := svc.ReindexSearch(ctx); err != nil || n != 0 {
			t.Errorf("second reindex: %d, %v", n, err)
		}
	})
}

// Notes of the timeline are found, and the filters and the visibility
// follow the ticket's status and handling unit as they change.
func TestSearchFollowsTheTimeline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		tk := register(t, f, "垃圾桶满了", "小区门口垃圾桶三天没清运", "海湖路")
		find := func(user, q string, statuses ...ticket.Status) string {
			t.Helper()
			return strings.Join(hitNumbers(mustSearch(t, f, user, q, statuses...)), ",")
		}
		if got := find("dispatcher", "垃圾桶", ticket.StatusDispatched); got != "" {
			t.Errorf("dispatched before dispatch: %s", got)
		}
		ok(t)(f.Svc.Dispatch(ctx, f.Users["dispatcher"], tk.Number, f.OtherStreet.ID, "请环卫所上门清运"))
		r := mustSearch(t, f, "dispatcher", "环卫所")
		if got := strings.Join(hitNumbers(r), ","); got != tk.Number {
			t.Fatalf("dispatch note: %s, want %s", got, tk.Number)
		}
		if h := r.Hits[0]; h.Field != "notes" || snippetText(h) != "请[环卫所]上门清运" {
			t.Errorf("snippet %s %q", h.Field, snippetText(h))
		}
		for _, c := range []struct {
			user     string
			statuses []ticket.Status
			want     string
		}{
			{"dispatcher", []ticket.Status{ticket.StatusDispatched}, tk.Number},
			{"dispatcher", []ticket.Status{ticket.StatusRegistered}, ""},
			{"other_handler", nil, tk.Number},
			{"handler", nil, ""},
		} {
			if got := find(c.user, "垃圾桶", c.statuses...); got != c.want {
				t.Errorf("after dispatch, %s %v: %q, want %q", c.user, c.statuses, got, c.want)
			}
		}

		// Returned and sent to the community: the other street no longer
		// sees it, the community does, and the reason is searchable.
		ok(t)(f.Svc.Return(ctx, f.Users["other_handler"], tk.Number, app.ReturnWrongArea, "该小区属于海湖社区管辖"))
		if got := find("dispatcher", "管辖", ticket.StatusReturned); got != tk.Number {
			t.Errorf("return reason among returned tickets: %q", got)
		}
		ok(t)(f.Svc.Redispatch(ctx, f.Users["dispatcher"], tk.Number, f.Community.ID, ""))
		for _, c := range []struct {
			user     string
			statuses []ticket.Status
			want     string
		}{
			{"dispatcher", []ticket.Status{ticket.StatusReturned}, ""},
			{"handler", []ticket.Status{ticket.StatusDispatched}, tk.Number},
			{"street_handler", nil, tk.Number},
			{"other_handler", nil, ""},
		} {
			if got := find(c.user, "垃圾桶", c.statuses...); got != c.want {
				t.Errorf("after redispatch, %s %v: %q, want %q", c.user, c.statuses, got, c.want)
			}
		}

		// A supervision changes no status; its note is found all the same.
		ok(t)(f.Svc.Supervise(ctx, f.Users["dispatcher"], tk.Number, "请加快清运进度"))
		if got := find("handler", "加快 垃圾桶", ticket.StatusDispatched); got != tk.Number {
			t.Errorf("supervision note: %q", got)
		}

		// A merge writes its note on both timelines: the parent is found
		// by it as well as the duplicate.
		dup := register(t, f, "垃圾没人收", "门口垃圾堆着", "海湖路")
		ok(t)(f.Svc.Merge(ctx, f.Users["dispatcher"], dup.Number, tk.Number, "同一小区重复反映"))
		want := strings.Join([]string{tk.Number, dup.Number}, ",")
		if got := strings.Join(sorted(hitNumbers(mustSearch(t, f, "dispatcher", "重复反映"))), ","); got != want {
			t.Errorf("merge note: %q, want %q", got, want)
		}
	})
}

func sorted(s []string) []string { slices.Sort(s); return s }
