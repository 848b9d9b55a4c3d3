package ui_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/text/classify"
)

func TestSearchPageMarksMatchesAndEscapes(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		agent := e.signedIn(t, "agent")
		n := agent.register(url.Values{"description": {"井盖丢了" + hostile}, "title": {hostile + "井盖缺失"}, "kind": {"report"},
			"urgency": {"normal"}, "channel": {"phone"}, "caller_phone": {"13900001111"}, "caller_name": {"王"}, "address": {"海湖路"}})
		r := agent.get("/search?q=" + url.QueryEscape("井盖"))
		mustShowEscaped(t, "search page", r)
		if !strings.Contains(r.body, `href="/t/`+n+`"`) || !strings.Contains(r.body, "<mark>井盖</mark>") {
			t.Errorf("search page lacks the hit or its marked match:\n%s", r.body)
		}
		if !strings.Contains(r.body, `action="/search"`) {
			t.Error("no search box")
		}
		// Markup in the query is text, and a query of punctuation says why nothing is found.
		r = agent.get("/search?q=" + url.QueryEscape(hostile))
		if strings.Contains(r.body, hostile) {
			t.Error("hostile query echoed unescaped")
		}
		r = agent.get("/search?q=" + url.QueryEscape("！？😀"))
		if r.status != 200 || !strings.Contains(r.body, `id="search-noterms"`) {
			t.Errorf("punctuation query: %d", r.status)
		}
		if r := e.signedIn(t, "other_handler").get("/search?q=" + url.QueryEscape("井盖")); strings.Contains(r.body, n) {
			t.Error("another street's handler finds the ticket")
		}
	})
}

func TestReplyCheckShownToTheReviewer(t *testing.T) {
	ctx := context.Background()
	eachEnv(t, func(t *testing.T, e *env) {
		s, u := e.f.Svc, e.f.Users
		tk := e.f.Dispatched(t)
		if _, err := s.Acknowledge(ctx, u["handler"], tk.Number, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Reply(ctx, u["handler"], tk.Number, "收到。"); err != nil {
			t.Fatal(err)
		}
		d := e.signedIn(t, "dispatcher")
		page := d.get("/t/" + tk.Number)
		if !strings.Contains(page.body, `id="reply-check"`) || !strings.Contains(page.body, "回复未说明采取的措施、依据或办理结果。") {
			t.Errorf("ticket page lacks the reply check:\n%s", page.body)
		}
		row := d.get("/console?q=review")
		if !strings.Contains(row.body, `data-code="no_substance"`) {
			t.Errorf("review queue row lacks the reply check")
		}
		d.get("/lang/en")
		if page := d.get("/t/" + tk.Number); !strings.Contains(page.body, "The reply states no action taken") {
			t.Errorf("English page lacks the English reason")
		}
	})
}

func TestSuggestionsShownToTheDispatcher(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := e.f
		var ex []classify.Example
		for _, s := range []string{"电梯停运无人维修", "小区电梯故障", "楼道电梯坏了"} {
			ex = append(ex, classify.Example{Title: s, Label: f.Community.Code})
		}
		for _, s := range []string{"工资拖欠", "社保断缴", "公司不发工资"} {
			ex = append(ex, classify.Example{Title: s, Label: f.Dept.Code})
		}
		m, err := classify.Train(ex, classify.DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		b, _ := m.MarshalBinary()
		if err := f.DB.Write(ctx, func(tx *store.Tx) error {
			_, err := store.SaveModel(ctx, tx, app.ModelUnit, b, "{}", f.Clock.Now())
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if err := f.Svc.LoadModels(ctx); err != nil {
			t.Fatal(err)
		}
		tk := f.Register(t)
		d := e.signedIn(t, "dispatcher")
		page := d.get("/t/" + tk.Number)
		if !strings.Contains(page.body, `id="suggestions"`) || !strings.Contains(page.body, `data-unit="`+itoa(f.Community.ID)+`"`) {
			t.Errorf("ticket page lacks the suggestions:\n%s", page.body)
		}
		if row := d.get("/console?q=new"); !strings.Contains(row.body, `class="meta suggestions"`) || !strings.Contains(row.body, f.Community.Name) {
			t.Errorf("console row lacks the suggestions")
		}
	})
}

func TestDuplicatesShownToTheDispatcher(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		first := e.f.Register(t)
		if err := e.f.Svc.BuildDuplicateIndex(ctx); err != nil {
			t.Fatal(err)
		}
		again := e.f.Register(t)
		page := e.signedIn(t, "dispatcher").get("/t/" + again.Number)
		if !strings.Contains(page.body, `id="duplicates"`) || !strings.Contains(page.body, `href="/t/`+first.Number+`"`) {
			t.Errorf("ticket page lacks the duplicate:\n%s", page.body)
		}
	})
}
