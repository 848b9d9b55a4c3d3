package web_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/ticket"
	"github.com/minsheng/minsheng/web"
)

const publicTickets = "/api/v1/public/tickets"

// submit sends a resident's request as JSON and returns the receipt.
func (e *env) submit(t *testing.T, in any, hdr ...string) app.Receipt {
	t.Helper()
	return mustJSON[app.Receipt](t, e.do(t, "POST", publicTickets, "", in, hdr...), http.StatusCreated)
}

// track reads the resident's view of a request with the token.
func (e *env) track(t *testing.T, number, token string) app.PublicView {
	t.Helper()
	return mustJSON[app.PublicView](t, e.do(t, "GET", publicTickets+"/"+number, "", nil, "X-Tracking-Token", token), http.StatusOK)
}

func residentRequest(phone string) map[string]any {
	return map[string]any{"description": "海湖路与文汇路交叉口井盖缺失，夜里很危险。", "kind": "report", "caller_phone": phone, "address": "海湖路与文汇路交叉口"}
}

// TestResidentLoop follows a request from a resident without an account:
// sent with a photo, handled by staff through the API with a photo of the
// result, followed and rated by the resident with the token.
func TestResidentLoop(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		r := e.form(t, publicTickets, "", []part{
			field("description", "海湖路与文汇路交叉口井盖缺失，夜里很危险。"), field("kind", "report"), field("channel", "app"),
			field("caller_phone", "13800001111"), field("address", "海湖路与文汇路交叉口"), field("lat", "36.62"), field("lng", "101.76"),
			file("井盖.png", pngBytes),
		})
		rc := mustJSON[app.Receipt](t, r, http.StatusCreated)
		n := rc.Ticket.Number
		if !strings.HasPrefix(rc.Token, "msr_") || rc.Ticket.CallerPhone != "138****1111" || rc.Ticket.Channel != ticket.ChannelApp ||
			r.hdr.Get("Location") != publicTickets+"/"+n || r.hdr.Get("Cache-Control") != "no-store" {
			t.Fatalf("receipt %+v, headers %v", rc, r.hdr)
		}

		// Staff handle it through the API: it is the district's, like a call.
		if v := e.view(t, "dispatcher", n); v.Ticket.Channel != ticket.ChannelApp || v.Ticket.Lat == nil || len(v.Attachments) != 1 {
			t.Fatalf("staff view %+v", v)
		}
		e.act(t, "dispatcher", n, "dispatch", map[string]any{"unit_id": e.f.Community.ID})
		e.act(t, "handler", n, "acknowledge", nil)
		e.f.Clock.Advance(24 * time.Hour)
		mustStatus(t, e.form(t, "/api/v1/tickets/"+n+"/reply", "handler", []part{field("reply", "已补装井盖并设置警示标志。"), file("done.gif", gifBytes)}), http.StatusOK)
		// A file staff add to the timeline is theirs, not the resident's.
		mustStatus(t, e.form(t, "/api/v1/tickets/"+n+"/attachments", "handler", []part{file("内部.pdf", pdfBytes)}), http.StatusOK)

		r = e.do(t, "GET", publicTickets+"/"+n, "", nil, "X-Tracking-Token", rc.Token)
		pv := mustJSON[app.PublicView](t, r, http.StatusOK)
		if pv.Status != ticket.StatusReplied || pv.Unit != "海湖社区" || !pv.CanRate || pv.Reply != "已补装井盖并设置警示标志。" ||
			len(pv.Attachments) != 2 || r.hdr.Get("Cache-Control") != "no-store" {
			t.Fatalf("resident's view %s", r.body)
		}
		if body := string(r.body); strings.Contains(body, "姓名") || strings.Contains(body, "actor") || strings.Contains(body, "13800001111") {
			t.Errorf("the resident sees staff or caller data: %s", body)
		}
		for _, ev := range pv.Events {
			if ev.Action == ticket.ActionDispatch && ev.Unit != "海湖社区" {
				t.Errorf("dispatch shown as %+v", ev)
			}
		}
		other := e.submit(t, residentRequest("13800002222"))
		staff := e.view(t, "dispatcher", n).Attachments
		for i, a := range pv.Attachments {
			path := fmt.Sprintf("%s/%s/attachments/%d", publicTickets, n, a.ID)
			want := [][]byte{pngBytes, gifBytes}[i]
			mustFile(t, e.do(t, "GET", path, "", nil, "X-Tracking-Token", rc.Token), want, a.ContentType, "inline")
			mustFile(t, e.do(t, "GET", path+"?token="+rc.Token, "", nil), want, a.ContentType, "inline")
			for _, hdr := range [][]string{nil, {"X-Tracking-Token", "msr_wrong"}, {"X-Tracking-Token", other.Token}} {
				mustProblem(t, e.do(t, "GET", path, "", nil, hdr...), http.StatusNotFound, "not_found", "")
			}
		}
		internal := fmt.Sprintf("%s/%s/attachments/%d", publicTickets, n, staff[2].ID)
		mustProblem(t, e.do(t, "GET", internal, "", nil, "X-Tracking-Token", rc.Token), http.StatusNotFound, "not_found", "")

		rating := map[string]any{"resolved": true, "satisfaction": "satisfied", "note": "谢谢"}
		rated := mustJSON[app.PublicView](t, e.do(t, "POST", publicTickets+"/"+n+"/rating", "", rating, "X-Tracking-Token", rc.Token), http.StatusOK)
		if rated.CanRate || rated.Satisfaction != ticket.Satisfied {
			t.Errorf("after rating: %+v", rated)
		}
		p := mustProblem(t, e.do(t, "POST", publicTickets+"/"+n+"/rating?token="+rc.Token, "", rating), http.StatusConflict, "conflict", "")
		if p.CurrentStatus != "replied" {
			t.Errorf("current_status %q", p.CurrentStatus)
		}
		v := e.view(t, "dispatcher", n)
		if last := v.Events[len(v.Events)-1]; last.Action != ticket.ActionCallback || last.ActorID != 0 || last.Data["by"] != "resident" ||
			v.Ticket.Satisfaction != ticket.Satisfied {
			t.Errorf("the rating on the timeline: %+v", last)
		}
	})
}

func TestResidentIntake(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		key := []string{"Idempotency-Key", "form-7f3a"}
		first := e.submit(t, residentRequest("13800001111"), key...)
		if first.Ticket.Channel != ticket.ChannelWeb || first.Ticket.Kind != ticket.KindReport {
			t.Errorf("defaults: %+v", first.Ticket)
		}
		r := e.do(t, "POST", publicTickets, "", residentRequest("13800001111"), key...)
		again := mustJSON[app.Receipt](t, r, http.StatusOK)
		if again.Ticket.Number != first.Ticket.Number || r.hdr.Get("Idempotent-Replayed") != "true" || again.Token == first.Token {
			t.Fatalf("replay %+v (%v)", again, r.hdr)
		}
		// Tokens are kept only as hashes: the retry's token replaces the first.
		mustProblem(t, e.do(t, "GET", publicTickets+"/"+first.Ticket.Number, "", nil, "X-Tracking-Token", first.Token), http.StatusNotFound, "not_found", "")
		if pv := e.track(t, first.Ticket.Number, again.Token); pv.Status != ticket.StatusRegistered || pv.CanRate || len(pv.Events) != 1 {
			t.Errorf("view %+v", pv)
		}
		// Keys are scoped by caller: another resident's same key is a new request.
		if other := e.submit(t, residentRequest("13800009999"), key...); other.Ticket.Number == first.Ticket.Number {
			t.Errorf("another caller's request with the same key replayed %s", first.Ticket.Number)
		}
		changed := residentRequest("13800001111")
		changed["description"] = "另一件事"
		mustProblem(t, e.do(t, "POST", publicTickets, "", changed, key...), http.StatusUnprocessableEntity, "idempotency_mismatch", "")
		// No kind: a request for help.
		in := residentRequest("13800003333")
		delete(in, "kind")
		if rc := e.submit(t, in, "Sec-Fetch-Site", "same-origin"); rc.Ticket.Kind != ticket.KindHelp {
			t.Errorf("kind %s", rc.Ticket.Kind)
		}

		// Other sites' pages may not send requests or ratings in a browser.
		for _, hdr := range [][]string{{"Sec-Fetch-Site", "cross-site"}, {"Origin", "https://evil.example"}} {
			mustProblem(t, e.do(t, "POST", publicTickets, "", residentRequest("13800004444"), hdr...), http.StatusForbidden, "forbidden", "")
			r := e.do(t, "POST", publicTickets+"/"+first.Ticket.Number+"/rating", "", map[string]any{"resolved": true, "satisfaction": "satisfied"},
				append(hdr, "X-Tracking-Token", again.Token)...)
			mustProblem(t, r, http.StatusForbidden, "forbidden", "")
		}
		if n := e.count(t); n != 3 {
			t.Errorf("%d tickets, want 3", n)
		}
	})
}

func TestResidentInputRefused(t *testing.T) {
	const ok = `{"description":"路灯不亮","caller_phone":"13800001111"`
	tests := []struct {
		bad
		parts []part
	}{
		{bad: bad{name: "phone channel", body: ok + `,"channel":"phone"}`, field: "channel"}},
		{bad: bad{name: "open311 channel", body: ok + `,"channel":"open311"}`, field: "channel"}},
		{bad: bad{name: "unknown field", body: ok + `,"unit_id":3}`, field: "unit_id"}},
		{bad: bad{name: "field name in capitals", body: `{"DESCRIPTION":"路灯不亮"}`, field: "DESCRIPTION"}},
		{bad: bad{name: "field twice", body: ok + `,"description":"别的"}`, field: "description"}},
		{bad: bad{name: "bad kind", body: ok + `,"kind":"rant"}`, field: "kind"}},
		{bad: bad{name: "nothing to say", body: `{"kind":"help"}`, field: "description"}},
		{bad: bad{name: "bad phone", body: `{"description":"x","caller_phone":"call me"}`, field: "caller_phone"}},
		{bad: bad{name: "Content-Type", body: ok + `}`, hdr: []string{"Content-Type", "text/plain"}}},
		{bad: bad{name: "empty body", body: ""}},
		{bad: bad{name: "form: lat not a number", field: "lat"}, parts: []part{field("description", "x"), field("lat", "north"), field("lng", "101.7")}},
		{bad: bad{name: "form: category not a number", field: "category_id"}, parts: []part{field("description", "x"), field("category_id", "lift")}},
		{bad: bad{name: "form: unknown field", field: "unit_id"}, parts: []part{field("description", "x"), field("unit_id", "3")}},
		{bad: bad{name: "form: a script as a photo", field: "file"}, parts: []part{field("description", "x"), file("photo.png", []byte("<svg onload=alert(1)>"))}},
		{bad: bad{name: "form: phone channel", field: "channel"}, parts: []part{field("description", "x"), field("channel", "phone")}},
	}
	eachEnv(t, func(t *testing.T, e *env) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				if tc.parts != nil {
					body, ct := formBody(t, tc.parts...)
					tc.body, tc.hdr = body, []string{"Content-Type", ct}
				}
				e.mustRefuse(t, "POST", publicTickets, "", tc.bad)
			})
		}
		if n := e.count(t); n != 0 {
			t.Fatalf("%d tickets written", n)
		}

		rc := e.submit(t, residentRequest("13800001111"))
		path := publicTickets + "/" + rc.Ticket.Number
		token := []string{"X-Tracking-Token", rc.Token}
		for _, tc := range []struct {
			bad
			method, path string
		}{
			{bad{name: "no token", status: 404, code: "not_found"}, "GET", path},
			{bad{name: "unknown number", hdr: token, status: 404, code: "not_found"}, "GET", publicTickets + "/20260302-99999"},
			{bad{name: "unknown parameter", query: "tokn=x", hdr: token, field: "tokn"}, "GET", path},
			{bad{name: "rating before the reply", body: map[string]any{"resolved": true, "satisfaction": "satisfied"}, hdr: token, status: 409, code: "conflict"}, "POST", path + "/rating"},
			{bad{name: "rating without resolved", body: map[string]any{"satisfaction": "satisfied"}, hdr: token, field: "resolved"}, "POST", path + "/rating"},
			{bad{name: "rating of another kind", body: map[string]any{"resolved": true, "satisfaction": "meh"}, hdr: token, field: "satisfaction"}, "POST", path + "/rating"},
			{bad{name: "rating with a wrong token", body: map[string]any{"resolved": true, "satisfaction": "satisfied"}, hdr: []string{"X-Tracking-Token", "msr_x"}, status: 404, code: "not_found"}, "POST", path + "/rating"},
			{bad{name: "file without token", status: 404, code: "not_found"}, "GET", path + "/attachments/1"},
			{bad{name: "file of a bad id", hdr: token, status: 404, code: "not_found"}, "GET", path + "/attachments/one"},
		} {
			t.Run(tc.name, func(t *testing.T) { e.mustRefuse(t, tc.method, tc.path, "", tc.bad) })
		}
	}, func(c *web.Config) { c.PublicPerIP = web.Rate{N: 100, Per: time.Minute} })
}

// TestResidentRateLimits checks the default limits of new requests: 10 a
// minute from one address, 5 an hour for one phone, on the test's clock.
func TestResidentRateLimits(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		from := func(ip string) []string { return []string{"X-Real-IP", ip} }
		send := func(ip, phone string) *res {
			t.Helper()
			return e.do(t, "POST", publicTickets, "", residentRequest(phone), from(ip)...)
		}
		limited := func(r *res, retry int) {
			t.Helper()
			mustProblem(t, r, http.StatusTooManyRequests, "rate_limited", "")
			if got := r.hdr.Get("Retry-After"); got != strconv.Itoa(retry) {
				t.Errorf("Retry-After %q, want %d", got, retry)
			}
		}
		for i := range 10 {
			mustStatus(t, send("198.51.100.7", fmt.Sprintf("1390000%04d", i)), http.StatusCreated)
		}
		limited(send("198.51.100.7", "13911110000"), 6)
		mustStatus(t, send("198.51.100.8", "13911110000"), http.StatusCreated) // another address
		e.f.Clock.Advance(6 * time.Second)
		mustStatus(t, send("198.51.100.7", "13911110001"), http.StatusCreated)
		limited(send("198.51.100.7", "13911110002"), 6)

		// An IPv6 client is counted by its /64.
		for i := range 10 {
			mustStatus(t, send(fmt.Sprintf("2001:db8:1:2::%x", i+1), fmt.Sprintf("1370000%04d", i)), http.StatusCreated)
		}
		limited(send("2001:db8:1:2:ffff::1", "13911110003"), 6)

		// One phone, however written, from many addresses.
		for i, phone := range []string{"13600001111", "+86 136-0000-1111", "8613600001111", "0086 136 0000 1111", "１３６００００１１１１"} {
			mustStatus(t, send(fmt.Sprintf("203.0.113.%d", i+1), phone), http.StatusCreated)
		}
		limited(send("203.0.113.100", "136-0000-1111"), 720)
		e.f.Clock.Advance(12 * time.Minute)
		mustStatus(t, send("203.0.113.101", "13600001111"), http.StatusCreated)

		if n, want := e.count(t), 10+1+1+10+5+1; n != want {
			t.Errorf("%d tickets, want %d: refused requests wrote", n, want)
		}
	}, func(c *web.Config) { c.RealIPHeader = "X-Real-IP" })
}

// TestResidentRateLimitsConfigured checks that the limits are the
// server's to set, and that without RealIPHeader the header is ignored.
func TestResidentRateLimitsConfigured(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		for i := range 2 {
			mustStatus(t, e.do(t, "POST", publicTickets, "", residentRequest(fmt.Sprintf("1390000%04d", i)), "X-Real-IP", fmt.Sprintf("198.51.100.%d", i)), http.StatusCreated)
		}
		r := e.do(t, "POST", publicTickets, "", residentRequest("13900009999"), "X-Real-IP", "198.51.100.99")
		mustProblem(t, r, http.StatusTooManyRequests, "rate_limited", "")
		if r.hdr.Get("Retry-After") != "1800" {
			t.Errorf("Retry-After %q", r.hdr.Get("Retry-After"))
		}
		// Staff registering calls are not limited.
		for range 3 {
			e.create(t, "agent", apptest.NewTicket())
		}
	}, func(c *web.Config) { c.PublicPerIP = web.Rate{N: 2, Per: time.Hour} })
}
