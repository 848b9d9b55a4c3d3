package web_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/ticket"
)

// step is one action of a scenario, and the status it must lead to.
type step struct {
	user, action string
	body         any
	want         ticket.Status
}

// run takes the steps in order over HTTP and checks that the timeline
// gained exactly one event per step, in order, by the right user, with the
// right statuses. It returns the ticket as the last step left it.
func (e *env) run(t *testing.T, tk ticket.Ticket, steps ...step) ticket.Ticket {
	t.Helper()
	before := len(e.view(t, "dispatcher", tk.Number).Events)
	from := tk.Status
	for _, s := range steps {
		got := e.act(t, s.user, tk.Number, s.action, s.body)
		if got.Status != s.want {
			t.Fatalf("%s by %s: status %s, want %s", s.action, s.user, got.Status, s.want)
		}
		if got.Version != tk.Version+1 {
			t.Fatalf("%s: version %d after %d", s.action, got.Version, tk.Version)
		}
		tk = got
	}
	events := e.view(t, "dispatcher", tk.Number).Events
	if len(events) != before+len(steps) {
		t.Fatalf("timeline has %d events, want %d", len(events), before+len(steps))
	}
	for i, s := range steps {
		ev := events[before+i]
		want := ticket.Action(s.action)
		if a, ok := eventOf[s.action]; ok {
			want = a
		}
		if ev.Seq != before+i+1 || ev.Action != want || ev.ToStatus != s.want || ev.FromStatus != from ||
			ev.ActorID != e.f.Users[s.user].ID || ev.ActorName != e.f.Users[s.user].Name {
			t.Errorf("event %d: %+v; want %s by %s, %s → %s", before+i+1, ev, want, s.user, from, s.want)
		}
		from = s.want
	}
	return tk
}

// eventOf is the event of the actions whose path says it otherwise.
var eventOf = map[string]ticket.Action{
	"resolve-at-intake": ticket.ActionResolveAtIntake, "extension": ticket.ActionRequestExtension,
	"extension/approve": ticket.ActionApproveExtension, "extension/refuse": ticket.ActionRefuseExtension,
}

func TestLifecycle(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.f
		r := e.do(t, "POST", "/api/v1/tickets", "agent", apptest.NewTicket())
		tk := mustJSON[ticket.Ticket](t, r, http.StatusCreated)
		if !regexp.MustCompile(`^20260302-\d{5}$`).MatchString(tk.Number) || tk.Status != ticket.StatusRegistered {
			t.Fatalf("created %s in %s", tk.Number, tk.Status)
		}
		if loc := r.hdr.Get("Location"); loc != "/api/v1/tickets/"+tk.Number {
			t.Errorf("Location %q", loc)
		}
		if tk.CallerPhone != "138****1234" || tk.CallerName != "王**" {
			t.Errorf("caller shown as %q %q, want masked", tk.CallerName, tk.CallerPhone)
		}
		if tk.Urgency != ticket.UrgencyNormal || tk.Channel != ticket.ChannelPhone || tk.IntakeUnitID != f.District.ID {
			t.Errorf("defaults: %+v", tk)
		}
		// The ticket is found by its id as well as by its number.
		if v := e.view(t, "agent", strconv.FormatInt(tk.ID, 10)); v.Ticket.Number != tk.Number {
			t.Errorf("by id: %s", v.Ticket.Number)
		}

		tk = e.run(t, tk, step{"dispatcher", "dispatch", map[string]any{"unit_id": f.Community.ID, "note": "请尽快处理"}, ticket.StatusDispatched})
		// Dispatched Monday 2 March 09:00: acknowledge by the end of the next
		// working day, reply within 7 working days (Wednesday 11 March).
		cst := apptest.Start.Location()
		if tk.UnitID != f.Community.ID || tk.DispatchedAt == nil || tk.AcknowledgeBy == nil || tk.ReplyBy == nil ||
			!tk.AcknowledgeBy.Equal(time.Date(2026, 3, 3, 23, 59, 59, 0, cst)) ||
			!tk.ReplyBy.Equal(time.Date(2026, 3, 11, 23, 59, 59, 0, cst)) {
			t.Fatalf("after dispatch: unit %d, acknowledge_by %v, reply_by %v", tk.UnitID, tk.AcknowledgeBy, tk.ReplyBy)
		}
		v := e.view(t, "handler", tk.Number)
		mustActions(t, v, []string{"acknowledge", "return"}, []string{"dispatch", "reply", "close"})
		if !v.CanReveal {
			t.Error("the handling unit may not reveal the caller")
		}

		f.Clock.Advance(2 * time.Hour)
		tk = e.run(t, tk,
			step{"handler", "acknowledge", nil, ticket.StatusAcknowledged},
			step{"handler", "reply", map[string]string{"reply": "已联系物业更换配件，电梯恢复运行。"}, ticket.StatusReplied},
			step{"agent", "callback", map[string]any{"resolved": true, "satisfaction": "satisfied", "note": "市民表示满意"}, ticket.StatusReplied},
			step{"dispatcher", "close", map[string]string{"note": "结案"}, ticket.StatusClosed},
		)
		if tk.AcknowledgedAt == nil || tk.RepliedAt == nil || tk.CallbackBy == nil || tk.ClosedAt == nil ||
			tk.Resolved == nil || !*tk.Resolved || tk.Satisfaction != ticket.Satisfied || tk.Reply == "" {
			t.Errorf("closed ticket: %+v", tk)
		}
		v = e.view(t, "dispatcher", tk.Number)
		if v.Events[1].Note != "请尽快处理" || v.Events[1].Data["unit"] != f.Community.Name ||
			v.Events[4].Data["satisfaction"] != "satisfied" || !v.Events[2].At.Equal(apptest.Start.Add(2*time.Hour)) {
			t.Errorf("event details: %+v", v.Events)
		}
		mustActions(t, v, []string{"callback", "reopen"}, []string{"close", "dispatch", "redispatch"})

		// The caller calls again, unsatisfied: reopen, reply again, close.
		tk = e.run(t, tk,
			step{"dispatcher", "callback", map[string]any{"resolved": false, "satisfaction": "unsatisfied"}, ticket.StatusClosed},
			step{"dispatcher", "reopen", map[string]string{"reason": "电梯又停了"}, ticket.StatusReopened},
			step{"street_handler", "reply", map[string]string{"reply": "街道已督促物业彻底维修"}, ticket.StatusReplied},
			step{"dispatcher", "close", nil, ticket.StatusClosed},
		)
		if tk.ReopenCount != 1 || tk.Version != 10 {
			t.Errorf("reopen_count %d, version %d", tk.ReopenCount, tk.Version)
		}
	})
}

// mustActions checks that the view offers the actions in may and none of
// those in mayNot.
func mustActions(t *testing.T, v app.TicketView, may, mayNot []string) {
	t.Helper()
	got := names(v.Actions)
	for _, a := range may {
		if !slices.Contains(got, a) {
			t.Errorf("actions %v lack %s", got, a)
		}
	}
	for _, a := range mayNot {
		if slices.Contains(got, a) {
			t.Errorf("actions %v offer %s", got, a)
		}
	}
}

func TestOtherPaths(t *testing.T) {
	tests := []struct {
		name  string
		steps func(e *env) []step
		check func(t *testing.T, e *env, tk ticket.Ticket)
	}{
		{"return and redispatch", func(e *env) []step {
			return []step{
				{"dispatcher", "dispatch", map[string]any{"unit_id": e.f.Community.ID}, ticket.StatusDispatched},
				{"handler", "return", map[string]string{"reason": "wrong_area", "note": "该地址属虎台街道"}, ticket.StatusReturned},
				{"dispatcher", "redispatch", map[string]any{"unit_id": e.f.OtherStreet.ID, "note": "改派虎台街道"}, ticket.StatusDispatched},
				{"other_handler", "acknowledge", map[string]string{"note": "已签收"}, ticket.StatusAcknowledged},
			}
		}, func(t *testing.T, e *env, tk ticket.Ticket) {
			if tk.UnitID != e.f.OtherStreet.ID || tk.ReturnCount != 1 {
				t.Errorf("unit %d, return_count %d", tk.UnitID, tk.ReturnCount)
			}
			if ev := e.view(t, "dispatcher", tk.Number).Events[2]; ev.Data["reason"] != "wrong_area" || ev.Note != "该地址属虎台街道" {
				t.Errorf("return event %+v", ev)
			}
			// The community handed it on: it no longer sees the ticket.
			mustProblem(t, e.do(t, "GET", "/api/v1/tickets/"+tk.Number, "handler", nil), http.StatusNotFound, "not_found", "")
		}},
		{"reopen and redispatch", func(e *env) []step {
			return []step{
				{"dispatcher", "dispatch", map[string]any{"unit_id": e.f.Community.ID}, ticket.StatusDispatched},
				{"handler", "acknowledge", nil, ticket.StatusAcknowledged},
				{"handler", "reply", map[string]string{"reply": "已处理"}, ticket.StatusReplied},
				{"dispatcher", "reopen", map[string]string{"reason": "市民不满意"}, ticket.StatusReopened},
				{"dispatcher", "redispatch", map[string]any{"unit_id": e.f.Dept.ID}, ticket.StatusDispatched},
				// An empty body of unknown length, as a chunked request has.
				{"dept_handler", "acknowledge", io.MultiReader(), ticket.StatusAcknowledged},
			}
		}, func(t *testing.T, e *env, tk ticket.Ticket) {
			if tk.UnitID != e.f.Dept.ID || tk.ReopenCount != 1 {
				t.Errorf("unit %d, reopen_count %d", tk.UnitID, tk.ReopenCount)
			}
		}},
		{"invalidate", func(e *env) []step {
			return []step{{"agent", "invalidate", map[string]string{"reason": "测试电话"}, ticket.StatusInvalid}}
		}, func(t *testing.T, e *env, tk ticket.Ticket) {
			mustActions(t, e.view(t, "dispatcher", tk.Number), nil, names(ticket.Actions))
		}},
		{"resolve at intake", func(e *env) []step {
			return []step{
				{"agent", "resolve-at-intake", map[string]string{"answer": "已告知市民物业报修电话"}, ticket.StatusResolvedAtIntake},
				{"agent", "callback", map[string]any{"resolved": true, "satisfaction": "basically_satisfied"}, ticket.StatusResolvedAtIntake},
				{"dispatcher", "close", nil, ticket.StatusClosed},
			}
		}, func(t *testing.T, e *env, tk ticket.Ticket) {
			if tk.Reply != "已告知市民物业报修电话" || tk.UnitID != 0 {
				t.Errorf("reply %q, unit %d", tk.Reply, tk.UnitID)
			}
			// Nobody handled it, so there is nobody to reopen it for.
			r := e.do(t, "POST", "/api/v1/tickets/"+tk.Number+"/reopen", "dispatcher", map[string]string{"reason": "再办"})
			mustProblem(t, r, http.StatusConflict, "conflict", "")
		}},
	}
	eachEnv(t, func(t *testing.T, e *env) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				tk := e.create(t, "agent", apptest.NewTicket())
				tc.check(t, e, e.run(t, tk, tc.steps(e)...))
			})
		}
	})
}

func TestMerge(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		parent := e.create(t, "agent", apptest.NewTicket())
		child := e.create(t, "grid_worker", apptest.NewTicket())
		parent = e.run(t, parent, step{"dispatcher", "dispatch", map[string]any{"unit_id": e.f.Community.ID}, ticket.StatusDispatched})
		child = e.run(t, child, step{"dispatcher", "merge", map[string]string{"parent": parent.Number, "note": "重复来电"}, ticket.StatusMerged})
		if child.ParentID != parent.ID {
			t.Errorf("parent_id %d, want %d", child.ParentID, parent.ID)
		}
		pv := e.view(t, "dispatcher", parent.Number)
		last := pv.Events[len(pv.Events)-1]
		if pv.Ticket.Status != ticket.StatusDispatched || last.Action != ticket.ActionMerge || last.Data["child"] != child.Number {
			t.Errorf("parent %s, last event %+v", pv.Ticket.Status, last)
		}
		// A merged ticket takes no more duplicates.
		other := e.create(t, "agent", apptest.NewTicket())
		r := e.do(t, "POST", "/api/v1/tickets/"+other.Number+"/merge", "dispatcher", map[string]string{"parent": child.Number})
		mustProblem(t, r, http.StatusBadRequest, "invalid", "parent")
	})
}

func TestListPages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		const n = 120
		var created []string
		for i := range n {
			in := apptest.NewTicket()
			in.Title = fmt.Sprintf("第%d件", i)
			in.CallerPhone = fmt.Sprintf("1390000%04d", i%10)
			if i%3 == 0 {
				in.Kind = ticket.KindInquiry
			}
			created = append(created, e.create(t, "agent", in).Number)
			if i%7 == 6 { // groups of tickets registered in the same second
				e.f.Clock.Advance(time.Second)
			}
		}
		var got []ticket.Ticket
		q := url.Values{"limit": {"50"}}
		for _, want := range []int{50, 50, 20} {
			page := mustJSON[struct {
				Tickets    []ticket.Ticket `json:"tickets"`
				NextCursor *string         `json:"next_cursor"`
			}](t, e.do(t, "GET", "/api/v1/tickets?"+q.Encode(), "dispatcher", nil), http.StatusOK)
			if len(page.Tickets) != want || (want == 20) != (page.NextCursor == nil) {
				t.Fatalf("page of %d (cursor %v), want %d", len(page.Tickets), page.NextCursor, want)
			}
			got = append(got, page.Tickets...)
			if page.NextCursor != nil {
				q.Set("cursor", *page.NextCursor)
			}
		}
		for i, tk := range got { // newest first: the reverse of creation
			if want := created[n-1-i]; tk.Number != want {
				t.Fatalf("item %d is %s, want %s", i, tk.Number, want)
			}
		}

		count := func(q url.Values) int { t.Helper(); return len(e.list(t, "agent", q)) }
		for _, num := range created[:5] {
			e.act(t, "dispatcher", num, "dispatch", map[string]any{"unit_id": e.f.Community.ID})
		}
		e.act(t, "agent", created[5], "invalidate", map[string]string{"reason": "无内容"})
		tests := []struct {
			name  string
			query string
			want  int
		}{
			{"everything", "", n},
			{"status", "status=dispatched", 5},
			{"statuses comma-separated", "status=dispatched,invalid", 6},
			{"statuses repeated", "status=registered&status=invalid", n - 5},
			{"kind", "kind=inquiry", n / 3},
			{"kind and status", "kind=inquiry&status=dispatched", 2},
			{"caller phone", "caller_phone=13900000003", n / 10},
			{"caller phone as typed", "caller_phone=" + url.QueryEscape("+86 139-0000-0003"), n / 10},
			{"handling unit", fmt.Sprintf("unit_id=%d", e.f.Community.ID), 5},
			{"created from", "created_from=" + url.QueryEscape(apptest.Start.Add(10*time.Second).Format(time.RFC3339)), n - 70},
			{"created before", "created_to=" + url.QueryEscape(apptest.Start.Add(time.Second).Format(time.RFC3339)), 7},
			{"created on a day", "created_from=2026-03-02&created_to=2026-03-03", n},
			{"created another day", "created_from=2026-03-03", 0},
			{"channel", "channel=web", 0},
			{"urgency", "urgency=normal", n},
			{"category", fmt.Sprintf("category_id=%d", e.f.Category.ID), 0},
			{"not overdue yet", "overdue=true", 0},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				q, err := url.ParseQuery(tc.query)
				if err != nil {
					t.Fatal(err)
				}
				q.Set("limit", "200")
				if got := count(q); got != tc.want {
					t.Errorf("%s: %d tickets, want %d", tc.query, got, tc.want)
				}
			})
		}

		// Past the reply deadline the five dispatched tickets are overdue.
		e.f.Clock.Advance(30 * 24 * time.Hour)
		if got := count(url.Values{"overdue": {"true"}}); got != 5 {
			t.Errorf("overdue: %d, want 5", got)
		}
		// Staff below the district see only their unit's work.
		if got := len(e.list(t, "handler", url.Values{})); got != 5 {
			t.Errorf("the community handler sees %d tickets, want 5", got)
		}
		if got := len(e.list(t, "other_handler", url.Values{})); got != 0 {
			t.Errorf("the other street sees %d tickets, want 0", got)
		}
	})
}
