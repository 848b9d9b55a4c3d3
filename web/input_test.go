package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/ticket"
)

// valid is a request body that the server accepts, as JSON text, for cases
// that change one thing about it.
const valid = `{"title":"路灯不亮","kind":"help","caller_phone":"13897001234"`

// bad is a request that must be refused with a problem, the code and the
// field at fault.
type bad struct {
	name, user string
	query      string // added to the path
	body       any
	hdr        []string
	status     int
	code       string
	field      string
}

func TestCreateRefusesBadInput(t *testing.T) {
	han := strings.Repeat("汉", 201)
	tests := []bad{
		{name: "malformed JSON", body: `{"title": }`, field: ""},
		{name: "body ends early", body: valid, field: ""},
		{name: "trailing garbage", body: valid + `} x`},
		{name: "two objects", body: valid + `} {}`},
		{name: "empty body", body: ""},
		{name: "array", body: `[]`},
		{name: "null", body: `null`, field: "description"},
		{name: "unknown field", body: valid + `,"colour":"red"}`, field: "colour"},
		{name: "field name in capitals", body: `{"TITLE":"路灯不亮","kind":"help"}`, field: "TITLE"},
		{name: "field name in another case", body: valid + `,"Caller_Name":"王"}`, field: "Caller_Name"},
		{name: "field twice", body: valid + `,"title":"另一件事"}`, field: "title"},
		{name: "field twice, once in capitals", body: valid + `,"Title":"另一件事"}`, field: "Title"},
		{name: "title as number", body: `{"title":42,"kind":"help"}`, field: "title"},
		{name: "lat as string", body: valid + `,"lat":"36.6","lng":101.7}`, field: "lat"},
		{name: "category as string", body: valid + `,"category_id":"1"}`, field: "category_id"},
		{name: "no title or description", body: `{"kind":"help"}`, field: "description"},
		{name: "title of 201 characters", body: map[string]string{"title": han, "kind": "help"}, field: "title"},
		{name: "description of 4001 characters", body: map[string]string{"description": strings.Repeat("述", 4001), "kind": "help"}, field: "description"},
		{name: "caller name of 51 characters", body: map[string]string{"title": "x", "kind": "help", "caller_name": strings.Repeat("王", 51)}, field: "caller_name"},
		{name: "address of 301 characters", body: map[string]string{"title": "x", "kind": "help", "address": strings.Repeat("路", 301)}, field: "address"},
		{name: "control character", body: `{"title":"a\u0007b","kind":"help"}`, field: "title"},
		{name: "padding over 1 MiB", body: valid + `}` + strings.Repeat(" ", 1<<20), status: http.StatusRequestEntityTooLarge, code: "too_large"},
		{name: "body over 1 MiB", body: `{"kind":"help","description":"` + strings.Repeat("a", 1<<20) + `"}`, status: http.StatusRequestEntityTooLarge, code: "too_large"},
		{name: "no kind", body: `{"title":"x"}`, field: "kind"},
		{name: "bad kind", body: valid + `,"kind":"rant"}`, field: "kind"},
		{name: "bad urgency", body: valid + `,"urgency":"asap"}`, field: "urgency"},
		{name: "bad channel", body: valid + `,"channel":"pigeon"}`, field: "channel"},
		{name: "bad phone", body: `{"title":"x","kind":"help","caller_phone":"call me"}`, field: "caller_phone"},
		{name: "lat without lng", body: valid + `,"lat":36.6}`, field: "lat"},
		{name: "lat out of range", body: valid + `,"lat":91,"lng":101.7}`, field: "lat"},
		{name: "lng out of range", body: valid + `,"lat":36.6,"lng":-181}`, field: "lng"},
		{name: "unknown category", body: valid + `,"category_id":999999}`, field: "category_id"},
		{name: "negative category", body: valid + `,"category_id":-1}`, field: "category_id"},
		{name: "Content-Type", body: valid + `}`, hdr: []string{"Content-Type", "text/plain"}},
		{name: "Idempotency-Key too long", body: valid + `}`, hdr: []string{"Idempotency-Key", strings.Repeat("k", 201)}, field: "Idempotency-Key"},
		{name: "leader", user: "leader", body: valid + `}`, status: http.StatusForbidden, code: "forbidden"},
		{name: "handler", user: "handler", body: valid + `}`, status: http.StatusForbidden, code: "forbidden"},
		{name: "no credentials", user: "-", body: valid + `}`, status: http.StatusUnauthorized, code: "unauthorized"},
		{name: "unknown token", user: "-", body: valid + `}`, hdr: []string{"Authorization", "Bearer mst_nope"}, status: http.StatusUnauthorized, code: "unauthorized"},
		{name: "not a bearer token", user: "-", body: valid + `}`, hdr: []string{"Authorization", "Basic YWdlbnQ6eA=="}, status: http.StatusUnauthorized, code: "unauthorized"},
		{name: "unknown session", user: "-", body: valid + `}`, hdr: []string{"Cookie", "minsheng_session=mss_nope"}, status: http.StatusUnauthorized, code: "unauthorized"},
	}
	eachEnv(t, func(t *testing.T, e *env) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				e.mustRefuse(t, "POST", "/api/v1/tickets", "agent", tc)
				if n := e.count(t); n != 0 {
					t.Fatalf("%d tickets written", n)
				}
			})
		}
		// The limits count characters: 200 Chinese characters (600 bytes) pass.
		tk := e.create(t, "agent", ticket.NewTicket{Title: strings.Repeat("汉", 200), Kind: ticket.KindHelp})
		if len([]rune(tk.Title)) != 200 {
			t.Errorf("title of %d characters", len([]rune(tk.Title)))
		}
	})
}

// mustRefuse sends the bad request, as tc.user or else as the given user,
// and checks its problem. Zero status and code mean 400 invalid.
func (e *env) mustRefuse(t *testing.T, method, path, user string, tc bad) {
	t.Helper()
	if tc.status == 0 {
		tc.status, tc.code = http.StatusBadRequest, "invalid"
	}
	if tc.user != "" {
		user = userOf(tc.user)
	}
	if tc.query != "" {
		path += "?" + tc.query
	}
	mustProblem(t, e.do(t, method, path, user, tc.body, tc.hdr...), tc.status, tc.code, tc.field)
}

func TestActionsRefuseBadInput(t *testing.T) {
	long := strings.Repeat("注", 4001)
	tests := []struct {
		bad
		action  string
		state   string // the ticket's state (see ticketIn)
		current string // current_status on a conflict
	}{
		{bad: bad{name: "unknown unit", user: "dispatcher", body: `{"unit_id":999999}`, field: "unit_id"}, action: "dispatch", state: "registered"},
		{bad: bad{name: "no unit", user: "dispatcher", body: `{"note":"x"}`, field: "unit_id"}, action: "dispatch", state: "registered"},
		{bad: bad{name: "empty body", user: "dispatcher", body: nil, field: "unit_id"}, action: "dispatch", state: "registered"},
		{bad: bad{name: "the district itself", user: "dispatcher", body: `{"unit_id":DISTRICT}`, field: "unit_id"}, action: "dispatch", state: "registered"},
		{bad: bad{name: "unit as string", user: "dispatcher", body: `{"unit_id":"3"}`, field: "unit_id"}, action: "dispatch", state: "registered"},
		{bad: bad{name: "note of 4001 characters", user: "dispatcher", body: `{"unit_id":COMMUNITY,"note":"` + long + `"}`, field: "note"}, action: "dispatch", state: "registered"},
		{bad: bad{name: "unknown field", user: "handler", body: `{"note":"x","urgent":true}`, field: "urgent"}, action: "acknowledge", state: "dispatched"},
		{bad: bad{name: "malformed", user: "handler", body: `{"note":`}, action: "acknowledge", state: "dispatched"},
		{bad: bad{name: "bad reason", user: "handler", body: `{"reason":"lazy","note":"x"}`, field: "reason"}, action: "return", state: "dispatched"},
		{bad: bad{name: "return without note", user: "handler", body: `{"reason":"other"}`, field: "note"}, action: "return", state: "dispatched"},
		{bad: bad{name: "empty reply", user: "handler", body: `{"reply":"  "}`, field: "reply"}, action: "reply", state: "acknowledged"},
		{bad: bad{name: "callback without resolved", user: "agent", body: `{"satisfaction":"satisfied"}`, field: "resolved"}, action: "callback", state: "replied"},
		{bad: bad{name: "callback resolved as string", user: "agent", body: `{"resolved":"yes","satisfaction":"satisfied"}`, field: "resolved"}, action: "callback", state: "replied"},
		{bad: bad{name: "bad satisfaction", user: "agent", body: `{"resolved":true,"satisfaction":"meh"}`, field: "satisfaction"}, action: "callback", state: "replied"},
		{bad: bad{name: "reopen without reason", user: "dispatcher", body: `{}`, field: "reason"}, action: "reopen", state: "replied"},
		{bad: bad{name: "merge without parent", user: "dispatcher", body: `{}`, field: "parent"}, action: "merge", state: "registered"},
		{bad: bad{name: "merge into itself", user: "dispatcher", body: `{"parent":"SELF"}`, field: "parent"}, action: "merge", state: "registered"},
		{bad: bad{name: "merge into unknown", user: "dispatcher", body: `{"parent":"20260302-99999"}`, field: "parent"}, action: "merge", state: "registered"},
		{bad: bad{name: "answer missing", user: "agent", body: `{}`, field: "answer"}, action: "resolve-at-intake", state: "registered"},
		{bad: bad{name: "invalidate without reason", user: "agent", body: `{"reason":""}`, field: "reason"}, action: "invalidate", state: "registered"},
		{bad: bad{name: "supervise without note", user: "leader", body: nil, field: "note"}, action: "supervise", state: "dispatched"},
		{bad: bad{name: "remind note in capitals", user: "dispatcher", body: `{"NOTE":"x"}`, field: "NOTE"}, action: "remind", state: "dispatched"},
		{bad: bad{name: "extension of no days", user: "handler", body: `{"days":0,"reason":"x"}`, field: "days"}, action: "extension", state: "dispatched"},
		{bad: bad{name: "extension too long", user: "handler", body: `{"days":11,"reason":"x"}`, field: "days"}, action: "extension", state: "dispatched"},
		{bad: bad{name: "extension days as string", user: "handler", body: `{"days":"3","reason":"x"}`, field: "days"}, action: "extension", state: "dispatched"},
		{bad: bad{name: "extension without reason", user: "handler", body: `{"days":3}`, field: "reason"}, action: "extension", state: "dispatched"},
		{bad: bad{name: "refusal without note", user: "dispatcher", body: `{}`, field: "note"}, action: "extension/refuse", state: "extension-asked"},

		{bad: bad{name: "handler dispatching", user: "handler", body: `{"unit_id":COMMUNITY}`, status: 403, code: "forbidden"}, action: "dispatch", state: "registered-in-grid"},
		{bad: bad{name: "agent closing", user: "agent", body: nil, status: 403, code: "forbidden"}, action: "close", state: "replied"},
		{bad: bad{name: "leader reopening", user: "leader", body: `{"reason":"x"}`, status: 403, code: "forbidden"}, action: "reopen", state: "replied"},
		{bad: bad{name: "handler of another unit it sees", user: "handler", body: nil, status: 403, code: "forbidden"}, action: "acknowledge", state: "dispatched-to-dept-from-grid"},
		{bad: bad{name: "handler of another unit", user: "other_handler", body: nil, status: 404, code: "not_found"}, action: "acknowledge", state: "dispatched"},
		{bad: bad{name: "grid worker", user: "grid_worker", body: nil, status: 404, code: "not_found"}, action: "acknowledge", state: "dispatched"},
		{bad: bad{name: "no credentials", user: "-", body: nil, status: 401, code: "unauthorized"}, action: "acknowledge", state: "dispatched"},
		{bad: bad{name: "handler reminding", user: "handler", body: nil, status: 403, code: "forbidden"}, action: "remind", state: "dispatched"},
		{bad: bad{name: "agent supervising", user: "agent", body: `{"note":"x"}`, status: 403, code: "forbidden"}, action: "supervise", state: "dispatched"},
		{bad: bad{name: "dispatcher asking an extension", user: "dispatcher", body: `{"days":3,"reason":"x"}`, status: 403, code: "forbidden"}, action: "extension", state: "dispatched"},
		{bad: bad{name: "handler approving", user: "handler", body: nil, status: 403, code: "forbidden"}, action: "extension/approve", state: "extension-asked"},
		{bad: bad{name: "another street asking an extension", user: "other_handler", body: `{"days":3,"reason":"x"}`, status: 404, code: "not_found"}, action: "extension", state: "dispatched"},
		{bad: bad{name: "remind a registered ticket", user: "dispatcher", body: nil, status: 409, code: "conflict"}, action: "remind", state: "registered", current: "registered"},
		{bad: bad{name: "supervise a replied ticket", user: "leader", body: `{"note":"x"}`, status: 409, code: "conflict"}, action: "supervise", state: "replied", current: "replied"},
		{bad: bad{name: "approve with nothing asked", user: "dispatcher", body: nil, status: 409, code: "conflict"}, action: "extension/approve", state: "dispatched", current: "dispatched"},
		{bad: bad{name: "extension asked twice", user: "handler", body: `{"days":3,"reason":"x"}`, status: 409, code: "conflict"}, action: "extension", state: "extension-asked", current: "dispatched"},

		{bad: bad{name: "dispatch twice", user: "dispatcher", body: `{"unit_id":COMMUNITY}`, status: 409, code: "conflict"}, action: "dispatch", state: "dispatched", current: "dispatched"},
		{bad: bad{name: "acknowledge twice", user: "handler", body: nil, status: 409, code: "conflict"}, action: "acknowledge", state: "acknowledged", current: "acknowledged"},
		{bad: bad{name: "reply before acknowledging", user: "handler", body: `{"reply":"好"}`, status: 409, code: "conflict"}, action: "reply", state: "dispatched", current: "dispatched"},
		{bad: bad{name: "close before reply", user: "dispatcher", body: nil, status: 409, code: "conflict"}, action: "close", state: "acknowledged", current: "acknowledged"},
		{bad: bad{name: "callback before reply", user: "agent", body: `{"resolved":true,"satisfaction":"satisfied"}`, status: 409, code: "conflict"}, action: "callback", state: "registered", current: "registered"},
		{bad: bad{name: "redispatch a registered ticket", user: "dispatcher", body: `{"unit_id":COMMUNITY}`, status: 409, code: "conflict"}, action: "redispatch", state: "registered", current: "registered"},
		{bad: bad{name: "invalidate a dispatched ticket", user: "agent", body: `{"reason":"x"}`, status: 409, code: "conflict"}, action: "invalidate", state: "dispatched", current: "dispatched"},
		{bad: bad{name: "resolve a dispatched ticket", user: "agent", body: `{"answer":"x"}`, status: 409, code: "conflict"}, action: "resolve-at-intake", state: "dispatched", current: "dispatched"},
	}
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.f
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				tk := e.ticketIn(t, tc.state)
				if b, ok := tc.body.(string); ok {
					tc.body = strings.NewReplacer("SELF", tk.Number, "COMMUNITY", strconv.FormatInt(f.Community.ID, 10),
						"DISTRICT", strconv.FormatInt(f.District.ID, 10)).Replace(b)
				}
				before := e.view(t, "dispatcher", tk.Number)
				r := e.do(t, "POST", "/api/v1/tickets/"+tk.Number+"/"+tc.action, userOf(tc.user), tc.body)
				st, code := tc.bad.status, tc.code
				if st == 0 {
					st, code = http.StatusBadRequest, "invalid"
				}
				p := mustProblem(t, r, st, code, tc.field)
				if p.CurrentStatus != tc.current {
					t.Errorf("current_status %q, want %q", p.CurrentStatus, tc.current)
				}
				after := e.view(t, "dispatcher", tk.Number)
				if after.Ticket.Version != before.Ticket.Version || len(after.Events) != len(before.Events) ||
					after.Ticket.Status != before.Ticket.Status {
					t.Errorf("the refused action changed the ticket: version %d → %d, %d → %d events",
						before.Ticket.Version, after.Ticket.Version, len(before.Events), len(after.Events))
				}
			})
		}
	})
}

func userOf(u string) string {
	if u == "-" {
		return ""
	}
	return u
}

// ticketIn makes a ticket in the named state through the API: a status, or
// registered-in-grid, dispatched-to-dept-from-grid, extension-asked.
func (e *env) ticketIn(t *testing.T, state string) ticket.Ticket {
	t.Helper()
	f := e.f
	switch state {
	case "registered-in-grid", "dispatched-to-dept-from-grid":
		tk := e.create(t, "grid_worker", apptest.NewTicket())
		if state == "registered-in-grid" {
			return tk
		}
		return e.act(t, "dispatcher", tk.Number, "dispatch", map[string]any{"unit_id": f.Dept.ID})
	}
	if state == "extension-asked" {
		return e.act(t, "handler", e.ticketIn(t, "dispatched").Number, "extension", map[string]any{"days": 2, "reason": "等配件"})
	}
	tk := e.create(t, "agent", apptest.NewTicket())
	for _, s := range []struct {
		state, user, action string
		body                any
	}{
		{"dispatched", "dispatcher", "dispatch", map[string]any{"unit_id": f.Community.ID}},
		{"acknowledged", "handler", "acknowledge", nil},
		{"replied", "handler", "reply", map[string]string{"reply": "已处理"}},
	} {
		if tk.Status == ticket.Status(state) {
			break
		}
		tk = e.act(t, s.user, tk.Number, s.action, s.body)
	}
	if tk.Status != ticket.Status(state) {
		t.Fatalf("could not make a %s ticket", state)
	}
	return tk
}

func TestReadsRefuseBadInput(t *testing.T) {
	tests := []bad{
		{name: "unknown parameter", query: "q=lift", field: "q"},
		{name: "misspelt parameter", query: "stauts=closed", field: "stauts"},
		{name: "limit zero", query: "limit=0", field: "limit"},
		{name: "limit over 200", query: "limit=201", field: "limit"},
		{name: "limit negative", query: "limit=-5", field: "limit"},
		{name: "limit not a number", query: "limit=ten", field: "limit"},
		{name: "cursor garbage", query: "cursor=not-a-cursor", field: "cursor"},
		{name: "cursor of other base64", query: "cursor=aGVsbG8", field: "cursor"},
		{name: "bad status", query: "status=dispatched,lost", field: "status"},
		{name: "bad kind", query: "kind=rant", field: "kind"},
		{name: "bad urgency", query: "urgency=asap", field: "urgency"},
		{name: "bad channel", query: "channel=pigeon", field: "channel"},
		{name: "bad category", query: "category_id=abc", field: "category_id"},
		{name: "bad unit", query: "unit_id=-1", field: "unit_id"},
		{name: "bad date", query: "created_from=yesterday", field: "created_from"},
		{name: "bad date format", query: "created_to=02/03/2026", field: "created_to"},
		{name: "bad overdue", query: "overdue=maybe", field: "overdue"},
		{name: "phone search by a leader", user: "leader", query: "caller_phone=13897001234", status: 403, code: "forbidden"},
		{name: "phone search by a grid worker", user: "grid_worker", query: "caller_phone=13897001234", status: 403, code: "forbidden"},
		{name: "no credentials", user: "-", status: 401, code: "unauthorized"},
	}
	eachEnv(t, func(t *testing.T, e *env) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				e.mustRefuse(t, "GET", "/api/v1/tickets", "dispatcher", tc)
			})
		}
		for _, ref := range []string{"20260302-99999", "999999999", "abc", "0", "-1", "20260302-00001%27%20OR%201=1"} {
			mustProblem(t, e.do(t, "GET", "/api/v1/tickets/"+ref, "dispatcher", nil), http.StatusNotFound, "not_found", "")
			mustProblem(t, e.do(t, "POST", "/api/v1/tickets/"+ref+"/dispatch", "dispatcher", map[string]any{"unit_id": e.f.Community.ID}),
				http.StatusNotFound, "not_found", "")
		}
		mustProblem(t, e.do(t, "GET", "/api/v1/nothing-here", "dispatcher", nil), http.StatusNotFound, "not_found", "")
	})
}
