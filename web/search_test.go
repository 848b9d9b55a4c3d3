package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/ticket"
)

func TestSearchAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		in := apptest.NewTicket()
		in.Title = "路灯不亮<script>alert(1)</script>"
		in.Kind, in.Channel = ticket.KindHelp, ticket.ChannelWeb
		lamp := e.create(t, "agent", in)
		e.create(t, "agent", apptest.NewTicket())
		search := func(user string, q url.Values) app.SearchResult {
			t.Helper()
			return mustJSON[app.SearchResult](t, e.do(t, "GET", "/api/v1/search?"+q.Encode(), user, nil), http.StatusOK)
		}
		r := search("dispatcher", url.Values{"q": {"路灯"}})
		if len(r.Hits) != 1 || r.Hits[0].Ticket.Number != lamp.Number || r.Hits[0].Field != "title" {
			t.Fatalf("hits %+v", r.Hits)
		}
		var b strings.Builder
		for _, f := range r.Hits[0].Snippet {
			if f.Match {
				b.WriteString("[" + f.Text + "]")
			} else {
				b.WriteString(f.Text)
			}
		}
		if b.String() != "[路灯]不亮<script>alert(1)</script>" {
			t.Errorf("snippet %q", b.String())
		}
		if r.Hits[0].Ticket.CallerPhone == apptest.NewTicket().CallerPhone {
			t.Error("caller phone not masked")
		}
		// Both tickets have 电梯 in the description; the filter by status keeps them.
		if r := search("dispatcher", url.Values{"q": {"电梯"}, "status": {"registered,dispatched"}, "limit": {"5"}}); len(r.Hits) != 2 {
			t.Errorf("电梯: %d hits", len(r.Hits))
		}
		// Kind, channel and handling unit filter too.
		for _, c := range []struct {
			q    url.Values
			want int
		}{
			{url.Values{"q": {"电梯"}, "kind": {"help"}}, 1},
			{url.Values{"q": {"电梯"}, "kind": {"complaint"}, "channel": {"phone"}}, 1},
			{url.Values{"q": {"电梯"}, "channel": {"web"}, "kind": {"complaint"}}, 0},
			{url.Values{"q": {"电梯"}, "unit_id": {"999999"}}, 0},
		} {
			if r := search("dispatcher", c.q); len(r.Hits) != c.want {
				t.Errorf("%v: %d hits, want %d", c.q, len(r.Hits), c.want)
			}
		}
		for _, q := range []string{"", "。。。", "🙂", strings.Repeat("长", 10000)} {
			if r := search("dispatcher", url.Values{"q": {q}}); q != strings.Repeat("长", 10000) && (len(r.Hits) != 0 || len(r.Terms) != 0) {
				t.Errorf("%q: %+v", q, r)
			}
		}
		if r := search("other_handler", url.Values{"q": {"路灯"}}); len(r.Hits) != 0 {
			t.Errorf("other street's handler sees %d hits", len(r.Hits))
		}
		mustProblem(t, e.do(t, "GET", "/api/v1/search?q=x&limit=0", "dispatcher", nil), http.StatusBadRequest, "invalid", "limit")
		mustProblem(t, e.do(t, "GET", "/api/v1/search?q=x&status=nope", "dispatcher", nil), http.StatusBadRequest, "invalid", "status")
		mustProblem(t, e.do(t, "GET", "/api/v1/search?q=x&kind=nope", "dispatcher", nil), http.StatusBadRequest, "invalid", "kind")
		mustProblem(t, e.do(t, "GET", "/api/v1/search?q=x&channel=nope", "dispatcher", nil), http.StatusBadRequest, "invalid", "channel")
		mustProblem(t, e.do(t, "GET", "/api/v1/search?q=x&sort=1", "dispatcher", nil), http.StatusBadRequest, "invalid", "sort")
		mustStatus(t, e.do(t, "GET", "/api/v1/search?q=x", "", nil), http.StatusUnauthorized)
	})
}
