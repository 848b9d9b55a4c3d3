package ui_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/minsheng/minsheng/app/apptest"
)

// badSubmission is bad input sent to one form, or a bad address of a
// page, by a user ("" for a resident).
type badSubmission struct {
	name    string
	user    string
	method  string
	path    string
	pattern string // the route it exercises, as routes.go registers it
	form    url.Values
	htmx    bool // sent as the console's row action
}

var (
	// errorTextRE finds what the pages show as an error: the message
	// beside a refused form, the error page's title and its detail.
	errorTextRE = regexp.MustCompile(`(?s)<p class="ferr"[^>]*>(.*?)</p>|<section class="narrow card error-page" id="error">(.*?)</section>`)
	postRouteRE = regexp.MustCompile(`"(POST /[^"]+)"`)
)

// shownErrors returns the texts of the errors a page shows, tags removed.
func shownErrors(body string) []string {
	var out []string
	for _, m := range errorTextRE.FindAllStringSubmatch(body, -1) {
		s := m[1] + m[2]
		s = hiddenRE.ReplaceAllString(s, " ")
		out = append(out, html.UnescapeString(strings.Join(strings.Fields(s), " ")))
	}
	return out
}

// postRoutes lists the form routes the pages register (their source).
func postRoutes(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob("*.go")
	var out []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range postRouteRE.FindAllStringSubmatch(string(b), -1) {
			out = append(out, m[1])
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// badSubmissions sends bad input to every form of the pages and asks for
// pages that do not exist; the ticket actions are sent both as forms
// and as the console's row actions.
func badSubmissions(t *testing.T, e *env) []badSubmission {
	f := e.f
	registered := f.Register(t)
	dispatched := f.Dispatched(t)
	// A resident's request and its tracking link.
	r := e.browser(t).post("/portal", url.Values{"description": {"楼道灯坏了"}, "caller_phone": {"13897001234"}})
	link := regexp.MustCompile(`href="(/track/[^"]+)" id="track-link"`).FindStringSubmatch(r.body)
	if link == nil {
		t.Fatalf("portal: no tracking link\n%s", r.body)
	}
	trackPath := strings.ReplaceAll(link[1], "&amp;", "&")
	number, _, _ := strings.Cut(strings.TrimPrefix(trackPath, "/track/"), "?")
	token := mustQuery(t, "http://x"+trackPath, "token")
	ctx := context.Background()
	apptest.OK(t)(f.Svc.Dispatch(ctx, f.Users["dispatcher"], number, f.Community.ID, ""))
	apptest.OK(t)(f.Svc.Acknowledge(ctx, f.Users["handler"], number, ""))
	apptest.OK(t)(f.Svc.Reply(ctx, f.Users["handler"], number, "已更换灯泡。"))

	v := func(kv ...string) url.Values {
		out := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	long := strings.Repeat("长", 300)
	subs := []badSubmission{
		{name: "sign in, wrong password", pattern: "POST /login", path: "/login", form: v("username", "admin", "password", "wrong")},
		{name: "sign out without a session", pattern: "POST /logout", path: "/logout", form: v()},
		{name: "portal, no description", pattern: "POST /portal", path: "/portal", form: v("caller_phone", "13897001234")},
		{name: "portal, no phone", pattern: "POST /portal", path: "/portal", form: v("description", "路灯不亮")},
		{name: "portal, bad phone", pattern: "POST /portal", path: "/portal", form: v("description", "路灯不亮", "caller_phone", "12")},
		{name: "portal, long name", pattern: "POST /portal", path: "/portal",
			form: v("description", "路灯不亮", "caller_phone", "13897001234", "caller_name", long)},
		{name: "portal, bad point", pattern: "POST /portal", path: "/portal",
			form: v("description", "路灯不亮", "caller_phone", "13897001234", "lat", "x", "lng", "y")},
		{name: "rating, nothing said", pattern: "POST /track/{number}/rate", path: "/track/" + number + "/rate", form: v("token", token)},
		{name: "rating, wrong link", pattern: "POST /track/{number}/rate", path: "/track/" + number + "/rate",
			form: v("token", "wrong", "resolved", "yes", "satisfaction", "satisfied")},
		{name: "tracking, wrong link", method: "GET", path: "/track/" + number + "?token=wrong"},
		{name: "tracking, no such number", method: "GET", path: "/track/20260101-99999?token=x"},
		{name: "unknown page", method: "GET", path: "/no/such/page"},
		{name: "unknown ticket", user: "dispatcher", method: "GET", path: "/t/20260101-99999"},
		{name: "ticket list, bad status", user: "dispatcher", method: "GET", path: "/tickets?status=bogus"},
		{name: "desk, nothing", user: "agent", pattern: "POST /desk", path: "/desk", form: v()},
		{name: "desk, bad phone", user: "agent", pattern: "POST /desk", path: "/desk", form: v("description", "噪音扰民", "caller_phone", "abc")},
		{name: "desk, resolve without answer", user: "agent", pattern: "POST /desk", path: "/desk",
			form: v("description", "噪音扰民", "caller_phone", "13897001234", "then", "resolve")},
		{name: "desk, long title", user: "agent", pattern: "POST /desk", path: "/desk",
			form: v("description", "噪音扰民", "title", long, "caller_phone", "13897001234")},
		{name: "units, nothing", user: "admin", pattern: "POST /admin/units", path: "/admin/units", form: v()},
		{name: "units, bad code", user: "admin", pattern: "POST /admin/units", path: "/admin/units",
			form: v("parent_id", itoa(f.District.ID), "kind", "street", "code", "bad code", "name", "新街道")},
		{name: "unit rename, empty", user: "admin", pattern: "POST /admin/units/{id}", path: "/admin/units/" + itoa(f.Street.ID),
			form: v("name", " ", "active", "1")},
		{name: "unit disable, the district", user: "admin", pattern: "POST /admin/units/{id}", path: "/admin/units/" + itoa(f.District.ID),
			form: v("name", "城西区")},
		{name: "unit, unknown", user: "admin", pattern: "POST /admin/units/{id}", path: "/admin/units/999999", form: v("name", "某单位")},
		{name: "category rename, empty", user: "admin", pattern: "POST /admin/categories/{id}", path: "/admin/categories/" + itoa(f.Category.ID),
			form: v("name", "", "active", "1")},
		{name: "category, not an id", user: "admin", pattern: "POST /admin/categories/{id}", path: "/admin/categories/abc", form: v("name", "某分类")},
		{name: "users, nothing", user: "admin", pattern: "POST /admin/users", path: "/admin/users", form: v()},
		{name: "users, short password", user: "admin", pattern: "POST /admin/users", path: "/admin/users",
			form: v("username", "newagent", "name", "新坐席", "role", "agent", "unit_id", itoa(f.District.ID), "password", "short")},
		{name: "users, bad grant", user: "admin", pattern: "POST /admin/users/{username}", path: "/admin/users/agent",
			form: v("name", "坐席", "grants", "king@nowhere", "unit_id", itoa(f.District.ID))},
		{name: "categories, nothing", user: "admin", pattern: "POST /admin/categories", path: "/admin/categories", form: v()},
		{name: "kb, nothing", user: "admin", pattern: "POST /admin/kb", path: "/admin/kb", form: v()},
		{name: "kb, unknown article", user: "admin", pattern: "POST /admin/kb/{id}", path: "/admin/kb/999999", form: v("title", "标题", "body", "内容")},
		{name: "settings, not numbers", user: "admin", pattern: "POST /admin/dispatch/settings", path: "/admin/dispatch/settings",
			form: v("max_returns", "many")},
		{name: "deadline rule, nothing", user: "admin", pattern: "POST /admin/dispatch/sla", path: "/admin/dispatch/sla", form: v()},
		{name: "deadline rule, unknown", user: "admin", pattern: "POST /admin/dispatch/sla/{id}/delete", path: "/admin/dispatch/sla/999999/delete", form: v()},
		{name: "routing rule, nothing", user: "admin", pattern: "POST /admin/routing", path: "/admin/routing", form: v()},
		{name: "routing rule, unknown", user: "admin", pattern: "POST /admin/routing/{id}", path: "/admin/routing/999999", form: ruleForm(e)},
		{name: "routing rule, unknown delete", user: "admin", pattern: "POST /admin/routing/{id}/delete", path: "/admin/routing/999999/delete", form: v()},
		{name: "calendar, nothing", user: "admin", pattern: "POST /admin/calendar", path: "/admin/calendar", form: v()},
		{name: "calendar, bad holidays", user: "admin", pattern: "POST /admin/calendar", path: "/admin/calendar",
			form: v("year", "2027", "holidays", "元旦 2027-13-01 2027-01-03")},
		{name: "calendar, bad JSON", user: "admin", pattern: "POST /admin/calendar/json", path: "/admin/calendar/json", form: v("json", "{")},
		{name: "webhooks, nothing", user: "admin", pattern: "POST /admin/webhooks", path: "/admin/webhooks", form: v()},
		{name: "webhooks, bad address", user: "admin", pattern: "POST /admin/webhooks", path: "/admin/webhooks",
			form: v("name", "督查", "url", "ftp://x", "events", "dispatch")},
		{name: "webhooks, unknown", user: "admin", pattern: "POST /admin/webhooks/{id}/{switch}", path: "/admin/webhooks/999999/off", form: v()},
		{name: "audit, bad date", user: "admin", method: "GET", path: "/admin/audit?from=yesterday"},
		{name: "open311 clients, nothing", user: "admin", pattern: "POST /admin/clients", path: "/admin/clients", form: v()},
		{name: "open311 client rate, not a number", user: "admin", pattern: "POST /admin/clients/{name}/rate", path: "/admin/clients/nobody/rate",
			form: v("rate_per_minute", "fast")},
		{name: "open311 client, unknown revoke", user: "admin", pattern: "POST /admin/clients/{name}/revoke", path: "/admin/clients/nobody/revoke", form: v()},
		{name: "open311 client, unknown rotate", user: "admin", pattern: "POST /admin/clients/{name}/rotate", path: "/admin/clients/nobody/rotate", form: v()},
		{name: "open311 service, long text", user: "admin", pattern: "POST /admin/categories/{code}/service",
			path: "/admin/categories/" + f.Category.Code + "/service", form: v("description", long+long+long+long)},
		{name: "open311 attribute, nothing", user: "admin", pattern: "POST /admin/categories/{code}/attributes",
			path: "/admin/categories/" + f.Category.Code + "/attributes", form: v()},
		{name: "open311 attribute, unknown", user: "admin", pattern: "POST /admin/categories/{code}/attributes/{attr}",
			path: "/admin/categories/" + f.Category.Code + "/attributes/nope", form: v("description", "楼层")},
		{name: "open311 attribute, unknown delete", user: "admin", pattern: "POST /admin/categories/{code}/attributes/{attr}/delete",
			path: "/admin/categories/" + f.Category.Code + "/attributes/nope/delete", form: v()},
	}
	// Every ticket action, on a ticket where it is refused or with its
	// input missing, as a form and as the console's row action.
	for _, a := range []struct{ action, ref, user string }{
		{"reveal", registered.Number, "dispatcher"}, {"dispatch", registered.Number, "dispatcher"},
		{"redispatch", dispatched.Number, "dispatcher"}, {"acknowledge", registered.Number, "dispatcher"},
		{"return", dispatched.Number, "handler"}, {"reply", dispatched.Number, "handler"},
		{"attach", dispatched.Number, "handler"}, {"resolve", registered.Number, "agent"},
		{"callback", registered.Number, "dispatcher"}, {"close", registered.Number, "dispatcher"},
		{"reopen", registered.Number, "dispatcher"}, {"merge", registered.Number, "dispatcher"},
		{"invalidate", registered.Number, "dispatcher"}, {"remind", "20260101-99999", "leader"},
		{"supervise", registered.Number, "dispatcher"}, {"extension", dispatched.Number, "handler"},
		{"approve-extension", dispatched.Number, "dispatcher"}, {"refuse-extension", dispatched.Number, "dispatcher"},
		{"no-such-action", registered.Number, "dispatcher"},
	} {
		for _, htmx := range []bool{false, true} {
			subs = append(subs, badSubmission{name: a.action + map[bool]string{true: " (row)"}[htmx], user: a.user,
				pattern: "POST /t/{ref}/{action}", path: "/t/" + a.ref + "/" + a.action, form: v("days", "x"), htmx: htmx})
		}
	}
	subs = append(subs, badSubmission{name: "merge into itself", user: "dispatcher", pattern: "POST /t/{ref}/{action}",
		path: "/t/" + registered.Number + "/merge", form: v("parent", registered.Number)})
	// The walk covers every form route of the pages.
	covered := map[string]bool{}
	for _, s := range subs {
		covered[s.pattern] = true
	}
	// A route without a hand-made submission (the capabilities' forms,
	// whose own tests send them field by field) gets an empty form from an
	// admin, with every path value unknown: whatever it refuses with —
	// a missing field, an unknown object, a role — must be worded in the
	// page's language too.
	pathValueRE := regexp.MustCompile(`\{[^}]+\}`)
	for _, route := range postRoutes(t) {
		if covered[route] {
			continue
		}
		path := strings.TrimPrefix(route, "POST ")
		path = pathValueRE.ReplaceAllString(path, "999999")
		subs = append(subs, badSubmission{name: "empty form to " + path, user: "admin", pattern: route, path: path, form: v()})
	}
	return subs
}

// walkBadInput sends every bad submission in the language and calls
// check with the errors each page shows.
func walkBadInput(t *testing.T, e *env, lang string, check func(t *testing.T, s badSubmission, errs []string)) {
	subs := badSubmissions(t, e)
	browsers := map[string]*browser{}
	for _, s := range subs {
		b := browsers[s.user]
		if b == nil {
			if s.user == "" {
				b = e.browser(t)
			} else {
				b = e.signedIn(t, s.user)
			}
			b.get("/lang/" + lang)
			browsers[s.user] = b
		}
		hdr := []string{"Accept", "text/html"}
		if s.htmx {
			hdr = append(hdr, "HX-Request", "true", "HX-Target", "row-1")
		}
		var r res
		if s.method == "GET" {
			r = b.get(s.path, hdr...)
		} else {
			form := url.Values{}
			for k, v := range s.form {
				form[k] = v
			}
			if s.htmx {
				form.Set("queue", "new")
			}
			r = b.post(s.path, form, hdr...)
		}
		if r.status < 400 && s.pattern != "POST /logout" {
			t.Errorf("%s: status %d, want an error", s.name, r.status)
			continue
		}
		errs := shownErrors(r.body)
		if len(errs) == 0 && s.pattern != "POST /logout" && r.status >= 400 {
			t.Errorf("%s: status %d but no error shown\n%s", s.name, r.status, r.body)
			continue
		}
		check(t, s, errs)
	}
}

// On the Chinese pages, no error shows an English sentence: every form
// of the pages, sent bad input, and every kind of page that cannot be
// shown word their errors in Chinese.
func TestErrorsInChineseOnChinesePages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		walkBadInput(t, e, "zh", func(t *testing.T, s badSubmission, errs []string) {
			for _, text := range errs {
				if en := sentenceRE.FindAllString(text, -1); len(en) > 0 {
					t.Errorf("%s: the error %q shows English %q", s.name, text, en)
				}
				if !hasHan(text) {
					t.Errorf("%s: the error %q has no Chinese", s.name, text)
				}
			}
		})
	})
}

// On the English pages, the same errors are in English.
func TestErrorsInEnglishOnEnglishPages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		walkBadInput(t, e, "en", func(t *testing.T, s badSubmission, errs []string) {
			for _, text := range errs {
				if hasHan(text) {
					t.Errorf("%s: the error %q shows Chinese on an English page", s.name, text)
				}
			}
		})
	})
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// The form names the field the way the page does, and says what is wrong.
func TestErrorWording(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		b := e.browser(t)
		r := b.post("/portal", url.Values{"description": {"路灯不亮"}})
		if errs := shownErrors(r.body); r.status != http.StatusBadRequest || !slices.Contains(errs, "请留下联系电话，以便我们联系您。") {
			t.Errorf("portal without a phone: %d %q", r.status, errs)
		}
		a := e.signedIn(t, "admin")
		r = a.post("/admin/units", url.Values{"parent_id": {itoa(e.f.District.ID)}, "kind": {"street"}, "code": {"新街道"}, "name": {"新街道"}})
		if errs := shownErrors(r.body); !slices.Contains(errs, "编码只能由字母、数字和 . _ - 组成，最长 40 个字符。") {
			t.Errorf("unit with a bad code: %q", errs)
		}
		a.get("/lang/en")
		r = a.post("/admin/units", url.Values{"parent_id": {itoa(e.f.District.ID)}, "kind": {"street"}, "code": {"新街道"}, "name": {"新街道"}})
		if errs := shownErrors(r.body); !slices.Contains(errs, "A code is 1 to 40 letters, digits, '.', '_' or '-'.") {
			t.Errorf("unit with a bad code, in English: %q", errs)
		}
	})
}
