package ui_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/platform"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
	"github.com/minsheng/minsheng/web"
	"github.com/minsheng/minsheng/web/ui"
)

// env is the fixture district behind the real server: the JSON API's
// middleware (sessions, CSRF protection, request ids) with the pages
// mounted, over HTTP.
type env struct {
	f   *apptest.Fixture
	srv *httptest.Server
}

func newEnv(t *testing.T, db *store.DB, limits ui.PortalLimits) *env {
	t.Helper()
	f := apptest.New(t, db)
	log := slog.New(slog.DiscardHandler)
	srv := web.NewServer(web.Config{Service: f.Svc, Logger: log, Version: "test"})
	pages, err := ui.New(ui.Config{Service: f.Svc, Logger: log, CurrentUser: web.CurrentUser, RequestID: web.RequestID,
		Now: f.Clock.Now, Portal: limits})
	if err != nil {
		t.Fatalf("ui.New: %v", err)
	}
	if err := platform.Mount(platform.Parts{Tickets: f.Svc, Server: srv, Pages: pages}); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &env{f: f, srv: ts}
}

func eachEnv(t *testing.T, fn func(t *testing.T, e *env)) {
	storetest.Each(t, func(t *testing.T, db *store.DB) { fn(t, newEnv(t, db, ui.PortalLimits{})) })
}

// browser is a client with its own cookies, like one browser.
type browser struct {
	t *testing.T
	e *env
	c *http.Client
}

func (e *env) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, e: e, c: &http.Client{Jar: jar}}
}

// signedIn returns a browser signed in as the fixture user.
func (e *env) signedIn(t *testing.T, username string) *browser {
	t.Helper()
	b := e.browser(t)
	res := b.post("/login", url.Values{"username": {username}, "password": {apptest.Password}})
	if res.status != http.StatusOK || strings.Contains(res.body, `id="login-error"`) {
		t.Fatalf("sign in as %s: %d %s", username, res.status, res.body)
	}
	return b
}

type res struct {
	status int
	body   string
	url    string
	hdr    http.Header
}

func (b *browser) do(req *http.Request) res {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return res{status: resp.StatusCode, body: string(body), url: resp.Request.URL.String(), hdr: resp.Header}
}

func (b *browser) get(path string, hdr ...string) res {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.e.srv.URL+path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return b.do(req)
}

func (b *browser) post(path string, form url.Values, hdr ...string) res {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return b.do(req)
}

// postFiles sends a multipart form with files (name → content) in "file".
func (b *browser) postFiles(path string, form url.Values, files map[string][]byte) res {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for name, data := range files {
		w, _ := mw.CreateFormFile("file", name)
		w.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", b.e.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

// pngBytes is a tiny PNG image.
var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cb\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")

const hostile = `<script>alert(1)</script>`

var escaped = regexp.MustCompile(`&lt;script&gt;alert\(1\)&lt;/script&gt;`)

func mustShowEscaped(t *testing.T, where string, r res) {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("%s: status %d", where, r.status)
	}
	if strings.Contains(r.body, hostile) {
		t.Errorf("%s: the hostile text is in the page unescaped", where)
	}
	if !escaped.MatchString(r.body) {
		t.Errorf("%s: the hostile text is not shown as text", where)
	}
}

var numberRE = regexp.MustCompile(`\d{8}-\d{5}`)

// register registers a call at the desk as the browser's user and returns
// its number.
func (b *browser) register(form url.Values) string {
	b.t.Helper()
	r := b.post("/desk", form)
	if r.status != http.StatusOK || !strings.Contains(r.url, "created=") {
		b.t.Fatalf("register: %d %s\n%s", r.status, r.url, r.body)
	}
	u, _ := url.Parse(r.url)
	return u.Query().Get("created")
}

func TestHostileTextIsShownAsText(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		agent := e.signedIn(t, "agent")
		n := agent.register(url.Values{"description": {hostile + " 井盖丢了"}, "title": {hostile}, "kind": {"report"},
			"urgency": {"normal"}, "channel": {"phone"}, "caller_phone": {"13900001111"}, "caller_name": {hostile},
			"address": {hostile}})
		mustShowEscaped(t, "desk history", agent.get("/desk?phone=13900001111"))
		mustShowEscaped(t, "desk history fragment", agent.get("/desk/history?caller_phone=13900001111", "HX-Request", "true"))
		mustShowEscaped(t, "ticket list", agent.get("/tickets"))
		mustShowEscaped(t, "ticket page (agent)", agent.get("/t/"+n))

		dispatcher := e.signedIn(t, "dispatcher")
		mustShowEscaped(t, "console", dispatcher.get("/console?q=new"))
		r := dispatcher.post("/t/"+n+"/dispatch", url.Values{"unit_id": {itoa(e.f.Community.ID)}, "next": {"/console?q=new"}})
		if r.status != http.StatusOK || !strings.Contains(r.url, "/console") {
			t.Fatalf("dispatch: %d %s", r.status, r.url)
		}
		handler := e.signedIn(t, "handler")
		mustShowEscaped(t, "inbox", handler.get("/inbox"))
		mustShowEscaped(t, "ticket page (handler)", handler.get("/t/"+n))

		// A resident's hostile text on the tracking page.
		resident := e.browser(t)
		done := resident.post("/portal", url.Values{"description": {hostile + " 路灯不亮"}, "caller_phone": {"13900002222"}, "kind": {"help"}})
		m := regexp.MustCompile(`href="(/track/[^"]+)"`).FindStringSubmatch(done.body)
		if m == nil {
			t.Fatalf("portal receipt without a tracking link: %d %s", done.status, done.body)
		}
		link := strings.ReplaceAll(m[1], "&amp;", "&")
		mustShowEscaped(t, "tracking page", resident.get(link))
	})
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

func TestHandlerCannotOpenAnotherUnitsTicket(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		tk := e.f.Dispatched(t) // to 海湖社区
		up, err := e.f.Svc.PutUpload("p.png", bytes.NewReader(pngBytes))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.f.Svc.Attach(ctx, e.f.Users["dispatcher"], tk.Number, "photo", up); err != nil {
			t.Fatal(err)
		}
		v, _ := e.f.Svc.GetTicket(ctx, e.f.Users["dispatcher"], tk.Number)
		file := "/t/" + tk.Number + "/files/" + itoa(v.Attachments[0].ID)

		own := e.signedIn(t, "handler")
		if r := own.get("/t/" + tk.Number); r.status != http.StatusOK || !strings.Contains(r.body, tk.Number) {
			t.Fatalf("own unit's handler: %d", r.status)
		}
		if r := own.get(file); r.status != http.StatusOK || r.hdr.Get("Content-Type") != "image/png" {
			t.Fatalf("own unit's file: %d %s", r.status, r.hdr.Get("Content-Type"))
		}
		other := e.signedIn(t, "other_handler")
		for _, tc := range []struct{ name, method, path string }{
			{"page", "GET", "/t/" + tk.Number},
			{"file", "GET", file},
			{"acknowledge", "POST", "/t/" + tk.Number + "/acknowledge"},
			{"reveal", "POST", "/t/" + tk.Number + "/reveal"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var r res
				if tc.method == "GET" {
					r = other.get(tc.path)
				} else {
					r = other.post(tc.path, url.Values{"reason": {"回访来电人"}})
				}
				if r.status != http.StatusNotFound {
					t.Fatalf("another unit's handler: %s %s = %d; want 404", tc.method, tc.path, r.status)
				}
				if strings.Contains(r.body, tk.Title) {
					t.Fatalf("the 404 page shows the ticket")
				}
			})
		}
		if v, _ := e.f.Svc.GetTicket(ctx, e.f.Users["dispatcher"], tk.Number); v.Ticket.Status != ticket.StatusDispatched {
			t.Fatalf("status = %s; the refused acknowledge changed it", v.Ticket.Status)
		}
		// Roles: a handler cannot open the dispatch console.
		if r := own.get("/console"); r.status != http.StatusForbidden {
			t.Fatalf("handler on the console: %d; want 403", r.status)
		}
		// Without a session a staff page asks to sign in.
		if r := e.browser(t).get("/inbox"); !strings.Contains(r.url, "/login?next=%2Finbox") {
			t.Fatalf("anonymous inbox went to %s", r.url)
		}
	})
}

func TestCrossSiteFormIsRefused(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		agent := e.signedIn(t, "agent")
		form := url.Values{"description": {"跨站提交的工单"}, "kind": {"help"}, "caller_phone": {"13900003333"}}
		for _, hdr := range [][]string{
			{"Sec-Fetch-Site", "cross-site"},
			{"Origin", "https://evil.example"},
		} {
			r := agent.post("/desk", form, hdr...)
			if r.status != http.StatusForbidden {
				t.Fatalf("cross-site POST with %s: %d; want 403", hdr[0], r.status)
			}
		}
		page, err := e.f.Svc.ListTickets(context.Background(), e.f.Users["agent"], app.ListQuery{CallerPhone: "13900003333"})
		if err != nil || len(page.Tickets) != 0 {
			t.Fatalf("a cross-site form registered %d tickets (%v)", len(page.Tickets), err)
		}
		// The same form from the page itself goes through.
		agent.register(form)
	})
}

func TestSignInLockOut(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		b := e.browser(t)
		for i := 1; i <= app.MaxFailedLogins; i++ {
			r := b.post("/login", url.Values{"username": {"agent"}, "password": {"wrong-password"}})
			want := "用户名或密码错误"
			if i == app.MaxFailedLogins {
				want = "账号已暂时锁定" // the failure that locks says so at once
			}
			if r.status != http.StatusUnauthorized || !strings.Contains(r.body, want) {
				t.Fatalf("failure %d: %d, %q not said", i, r.status, want)
			}
		}
		r := b.post("/login", url.Values{"username": {"agent"}, "password": {apptest.Password}})
		if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "账号已暂时锁定") {
			t.Fatalf("right password while locked: %d, lock-out not said", r.status)
		}
		e.f.Clock.Advance(app.LockoutDuration + time.Minute)
		r = b.post("/login", url.Values{"username": {"agent"}, "password": {apptest.Password}})
		if r.status != http.StatusOK || !strings.HasSuffix(r.url, "/desk") {
			t.Fatalf("after the lock-out: %d %s", r.status, r.url)
		}
		// Sign-out ends the session.
		if r := b.post("/logout", url.Values{}); !strings.Contains(r.url, "/login") {
			t.Fatalf("logout went to %s", r.url)
		}
		if r := b.get("/desk"); !strings.Contains(r.url, "/login") {
			t.Fatalf("after logout /desk went to %s", r.url)
		}
	})
}

func TestLanguage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		b := e.browser(t)
		r := b.get("/login")
		if !strings.Contains(r.body, `lang="zh-CN"`) || !strings.Contains(r.body, "工作人员登录") {
			t.Fatalf("default is not Chinese")
		}
		// The portal names the emergency numbers before the hotline.
		if p := b.get("/portal"); !strings.Contains(p.body, "110") || !strings.Contains(p.body, "119") || !strings.Contains(p.body, "120") {
			t.Errorf("the portal does not name 110, 119 and 120")
		}
		if r := b.get("/login", "Accept-Language", "en-US,en;q=0.9"); !strings.Contains(r.body, "Staff sign-in") {
			t.Fatalf("Accept-Language en not followed")
		}
		r = b.get("/lang/en?next=/portal")
		if !strings.HasSuffix(r.url, "/portal") || !strings.Contains(r.body, `lang="en"`) || !strings.Contains(r.body, "Submit a request") {
			t.Fatalf("switch to English: %s", r.url)
		}
		if r := b.get("/login", "Accept-Language", "zh-CN"); !strings.Contains(r.body, "Staff sign-in") {
			t.Fatalf("the switch's choice does not win over Accept-Language")
		}
		if r := b.get("/lang/zh?next=//evil.example/"); !strings.HasPrefix(r.url, e.srv.URL+"/") || strings.Contains(r.url, "evil") {
			t.Fatalf("switch followed an outside next: %s", r.url)
		}
	})
}

func TestPortalAbuseLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, ui.PortalLimits{PerIP: 4, IPWindow: time.Hour, PerPhone: 2, PhoneWindow: 24 * time.Hour})
		count := func(phone string) int {
			page, _ := e.f.Svc.ListTickets(context.Background(), e.f.Users["dispatcher"], app.ListQuery{CallerPhone: phone})
			return len(page.Tickets)
		}
		b := e.browser(t)
		// The honeypot: looks like success, registers nothing.
		r := b.post("/portal", url.Values{"description": {"bot text"}, "caller_phone": {"13900004444"}, "website": {"http://spam"}})
		if r.status != http.StatusOK || count("13900004444") != 0 {
			t.Fatalf("honeypot: %d, %d tickets", r.status, count("13900004444"))
		}
		// A file that is not a photo by its content is refused, the form kept.
		r = b.postFiles("/portal", url.Values{"description": {"楼道堆放杂物"}, "caller_phone": {"13900005555"}},
			map[string][]byte{"photo.jpg": []byte("<html><script>alert(1)</script></html>")})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "楼道堆放杂物") || !strings.Contains(r.body, `class="bad"`) {
			t.Fatalf("fake photo: %d", r.status)
		}
		// Per phone: 2 a day.
		for i := 0; i < 2; i++ {
			r = b.postFiles("/portal", url.Values{"description": {"噪音扰民"}, "caller_phone": {"13900006666"}},
				map[string][]byte{"p.png": pngBytes})
			if r.status != http.StatusOK || !strings.Contains(r.body, `id="ticket-number"`) {
				t.Fatalf("submission %d: %d", i+1, r.status)
			}
		}
		if r = b.post("/portal", url.Values{"description": {"噪音扰民"}, "caller_phone": {"13900006666"}}); r.status != http.StatusTooManyRequests {
			t.Fatalf("third for one phone: %d; want 429", r.status)
		}
		// Per address: the 4 above used it up.
		if r = b.post("/portal", url.Values{"description": {"另一件事"}, "caller_phone": {"13900007777"}}); r.status != http.StatusTooManyRequests {
			t.Fatalf("fifth from one address: %d; want 429", r.status)
		}
		if count("13900006666") != 2 || count("13900007777") != 0 {
			t.Fatalf("tickets registered: %d, %d", count("13900006666"), count("13900007777"))
		}
		// An hour later the address may send again.
		e.f.Clock.Advance(time.Hour)
		if r = b.post("/portal", url.Values{"description": {"另一件事"}, "caller_phone": {"13900007777"}}); r.status != http.StatusOK {
			t.Fatalf("after an hour: %d", r.status)
		}
	})
}

// TestWholeLoopThroughForms runs the loop of the browser test through the
// page handlers, without a browser: portal → desk → console → inbox →
// tracking page → close.
func TestWholeLoopThroughForms(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		resident := e.browser(t)
		done := resident.postFiles("/portal", url.Values{"description": {"文汇路路灯连续一周不亮"}, "caller_phone": {"13912345678"},
			"kind": {"help"}, "lat": {"36.62"}, "lng": {"101.74"}}, map[string][]byte{"lamp.png": pngBytes})
		number := numberRE.FindString(done.body)
		m := regexp.MustCompile(`href="(/track/[^"]+)"`).FindStringSubmatch(done.body)
		if number == "" || m == nil {
			t.Fatalf("receipt: %d %s", done.status, done.body)
		}
		track := strings.ReplaceAll(m[1], "&amp;", "&")

		agent := e.signedIn(t, "agent")
		if r := agent.get("/desk/history?caller_phone=13912345678", "HX-Request", "true"); !strings.Contains(r.body, number) {
			t.Fatalf("the desk does not find %s by phone", number)
		}
		dispatcher := e.signedIn(t, "dispatcher")
		if r := dispatcher.get("/console?q=new"); !strings.Contains(r.body, number) {
			t.Fatalf("the console's new queue lacks %s", number)
		}
		// An htmx dispatch from the row answers with the row.
		r := dispatcher.post("/t/"+number+"/dispatch", url.Values{"unit_id": {itoa(e.f.Community.ID)}, "queue": {"new"}, "next": {"/console?q=new"}},
			"HX-Request", "true", "HX-Target", "row-1")
		if r.status != http.StatusOK || !strings.Contains(r.body, "已派单") || strings.Contains(r.body, "<html") {
			t.Fatalf("htmx dispatch: %d %s", r.status, r.body)
		}
		handler := e.signedIn(t, "handler")
		if r := handler.get("/inbox"); !strings.Contains(r.body, number) || !strings.Contains(r.body, "due-") {
			t.Fatalf("the inbox lacks %s or its deadline", number)
		}
		handler.post("/t/"+number+"/acknowledge", url.Values{"next": {"/inbox"}})
		r = handler.postFiles("/t/"+number+"/reply", url.Values{"reply": {"已更换灯泡，路灯恢复照明。"}, "next": {"/inbox"}},
			map[string][]byte{"fixed.png": pngBytes})
		if r.status != http.StatusOK || !strings.Contains(r.url, "ok=reply") {
			t.Fatalf("reply: %d %s", r.status, r.url)
		}
		if r := dispatcher.get("/console?q=review"); !strings.Contains(r.body, number) {
			t.Fatalf("the review queue lacks %s", number)
		}
		tp := resident.get(track)
		if !strings.Contains(tp.body, "已更换灯泡") || strings.Count(tp.body, "/files/") < 2 || strings.Contains(tp.body, "handler姓名") {
			t.Fatalf("tracking page: reply, both photos, no staff names:\n%s", tp.body)
		}
		r = resident.post(strings.Replace(track, "?token=", "/rate?token=", 1), url.Values{"resolved": {"yes"}, "satisfaction": {"satisfied"},
			"token": {mustQuery(t, track, "token")}})
		if r.status != http.StatusOK || !strings.Contains(r.body, `id="rated"`) {
			t.Fatalf("rate: %d %s", r.status, r.url)
		}
		if r := dispatcher.get("/console?q=callback"); !strings.Contains(r.body, number) {
			t.Fatalf("the callback queue lacks %s", number)
		}
		r = dispatcher.post("/t/"+number+"/close", url.Values{"next": {"/console?q=callback"}})
		if r.status != http.StatusOK {
			t.Fatalf("close: %d", r.status)
		}
		v, _ := e.f.Svc.GetTicket(context.Background(), e.f.Users["dispatcher"], number)
		if v.Ticket.Status != ticket.StatusClosed || v.Ticket.Satisfaction != ticket.Satisfied {
			t.Fatalf("status %s, satisfaction %s", v.Ticket.Status, v.Ticket.Satisfaction)
		}
		// A form refused for a missing field comes back with it marked.
		r = dispatcher.post("/t/"+number+"/reopen", url.Values{"reason": {""}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, `class="ferr"`) {
			t.Fatalf("reopen without reason: %d", r.status)
		}
	})
}

func mustQuery(t *testing.T, link, key string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get(key)
}
