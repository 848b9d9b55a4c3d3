package ui_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/platform"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
	"github.com/minsheng/minsheng/web"
	"github.com/minsheng/minsheng/web/ui"
)

// refusal is a form that must be refused: sent to path, it must answer
// 400 with the error shown and change nothing.
type refusal struct {
	name, path string
	form       url.Values
}

// mustRefuse sends each form as b and checks that it is refused with the
// error shown and that state (what the service holds, as text) is as it
// was.
func mustRefuse(t *testing.T, b *browser, state func() string, cases []refusal) {
	t.Helper()
	before := state()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := b.post(tc.path, tc.form)
			if r.status != http.StatusBadRequest || !strings.Contains(r.body, `class="ferr" role="alert"`) {
				t.Fatalf("%d; want 400 with the error shown", r.status)
			}
			if after := state(); after != before {
				t.Errorf("the refused form changed things:\n%s\n%s", before, after)
			}
		})
	}
}

// mustForbid checks that a non-admin gets 403 on every page and form and
// changes nothing.
func mustForbid(t *testing.T, e *env, state func() string, gets []string, posts map[string]url.Values) {
	t.Helper()
	before := state()
	for _, who := range []string{"dispatcher", "agent", "leader"} {
		b := e.signedIn(t, who)
		for _, p := range gets {
			if r := b.get(p); r.status != http.StatusForbidden {
				t.Errorf("%s GET %s: %d; want 403", who, p, r.status)
			}
		}
		for p, form := range posts {
			if r := b.post(p, form); r.status != http.StatusForbidden {
				t.Errorf("%s POST %s: %d; want 403", who, p, r.status)
			}
		}
	}
	if after := state(); after != before {
		t.Errorf("a non-admin changed things:\n%s\n%s", before, after)
	}
}

// goodSettings is a valid settings form.
func goodSettings() url.Values {
	return url.Values{"max_returns": {"3"}, "max_extensions": {"2"}, "max_extension_days": {"15"},
		"remind_before_hours": {"2.5"}, "escalate_after_days": {"2"}, "auto_dispatch_confidence": {"0.9"}}
}

// with returns a copy of a form with one field changed.
func with(v url.Values, field, value string) url.Values {
	c := url.Values{}
	for k, vs := range v {
		c[k] = append([]string(nil), vs...)
	}
	c.Set(field, value)
	return c
}

func TestAdminDispatchSettingsAndDeadlines(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		admin := e.signedIn(t, "admin")
		settings := func() string {
			st, err := e.f.Svc.DispatchSettings(ctx)
			return snapshot(t, st, err)
		}
		rules := func() string {
			rs, err := e.f.Svc.ListSLARules(ctx, e.f.Users["admin"])
			return snapshot(t, rs, err)
		}
		both := func() string { return settings() + rules() }

		r := admin.get("/admin/dispatch")
		if r.status != http.StatusOK || !strings.Contains(r.body, `href="/admin/dispatch"`) || !strings.Contains(r.body, "尚无时限规则") {
			t.Fatalf("dispatch page: %d, nav link or empty list missing", r.status)
		}
		if !strings.Contains(r.body, `name="max_returns" type="number" min="0" max="20" required value="2"`) {
			t.Fatalf("the settings form does not show the default of 2 returns")
		}

		// Change the settings: they take effect.
		r = admin.post("/admin/dispatch/settings", goodSettings())
		if r.status != http.StatusOK || !strings.Contains(r.url, "ok=saved") {
			t.Fatalf("settings: %d %s", r.status, r.url)
		}
		want := app.Settings{MaxReturns: 3, MaxExtensions: 2, MaxExtensionDays: 15, RemindBeforeHours: 2.5, EscalateAfterDays: 2, AutoDispatchConfidence: 0.9}
		if st, err := e.f.Svc.DispatchSettings(ctx); err != nil || st != want {
			t.Fatalf("settings = %+v (%v); want %+v", st, err, want)
		}
		if !strings.Contains(r.body, `value="0.9"`) || !strings.Contains(r.body, `value="2.5"`) {
			t.Errorf("the page does not show the saved settings")
		}
		// A blank confidence switches automatic dispatch off.
		if r := admin.post("/admin/dispatch/settings", with(goodSettings(), "auto_dispatch_confidence", "")); r.status != http.StatusOK {
			t.Fatalf("settings without confidence: %d", r.status)
		}
		if st, _ := e.f.Svc.DispatchSettings(ctx); st.AutoDispatchConfidence != 0 {
			t.Fatalf("blank confidence left %v", st.AutoDispatchConfidence)
		}

		// A deadline rule: property complaints, replied in 5 working days.
		cat := itoa(e.f.Category.ID)
		r = admin.post("/admin/dispatch/sla", url.Values{"category_id": {cat}, "kind": {"complaint"}, "urgency": {""},
			"acknowledge": {"4"}, "acknowledge_unit": {"working_hours"}, "reply": {"5"}, "reply_unit": {"working_days"},
			"callback": {"48"}, "callback_unit": {"hours"}})
		if r.status != http.StatusOK || !strings.Contains(r.url, "ok=saved") {
			t.Fatalf("add deadline rule: %d %s\n%s", r.status, r.url, r.body)
		}
		rs, err := e.f.Svc.ListSLARules(ctx, e.f.Users["admin"])
		if err != nil || len(rs) != 1 {
			t.Fatalf("deadline rules: %d (%v)", len(rs), err)
		}
		got := rs[0]
		if got.CategoryID != e.f.Category.ID || got.Kind != ticket.KindComplaint || got.Urgency != "" ||
			got.SLA != (ticket.SLA{Acknowledge: ticket.Span{WorkingHours: 4}, Reply: ticket.Span{WorkingDays: 5}, Callback: ticket.Span{Hours: 48}}) {
			t.Fatalf("deadline rule = %+v", got)
		}
		if !strings.Contains(r.body, "城乡建设 › 物业管理") || !strings.Contains(r.body, "5 个工作日") || !strings.Contains(r.body, "4 个工作小时") ||
			!strings.Contains(r.body, "48 小时") {
			t.Errorf("the page does not list the rule")
		}
		// It takes effect: a property complaint is due in 5 working days.
		in := apptest.NewTicket()
		in.CategoryID = e.f.Category.ID
		tk, _, err := e.f.Svc.CreateTicket(ctx, e.f.Users["agent"], in, "")
		if err != nil {
			t.Fatal(err)
		}
		tk, err = e.f.Svc.Dispatch(ctx, e.f.Users["dispatcher"], tk.Number, e.f.Street.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		// Monday 2 March 2026, 09:00: five working days end on Monday 9 March.
		if tk.ReplyBy == nil || tk.ReplyBy.In(calendar.China).Format("2006-01-02") != "2026-03-09" {
			t.Errorf("reply_by = %v; want the end of 2026-03-09", tk.ReplyBy)
		}

		// Bad input: an error, and nothing changes.
		span := func(f url.Values) url.Values {
			base := url.Values{"acknowledge": {"1"}, "acknowledge_unit": {"working_days"}, "reply": {"3"}, "reply_unit": {"working_days"},
				"callback": {"2"}, "callback_unit": {"working_days"}}
			for k, v := range f {
				base[k] = v
			}
			return base
		}
		mustRefuse(t, admin, both, []refusal{
			{"confidence 0.3", "/admin/dispatch/settings", with(goodSettings(), "auto_dispatch_confidence", "0.3")},
			{"confidence above 1", "/admin/dispatch/settings", with(goodSettings(), "auto_dispatch_confidence", "1.5")},
			{"confidence not a number", "/admin/dispatch/settings", with(goodSettings(), "auto_dispatch_confidence", "high")},
			{"negative returns", "/admin/dispatch/settings", with(goodSettings(), "max_returns", "-1")},
			{"returns not whole", "/admin/dispatch/settings", with(goodSettings(), "max_returns", "1.5")},
			{"returns blank", "/admin/dispatch/settings", with(goodSettings(), "max_returns", "")},
			{"no extension days", "/admin/dispatch/settings", with(goodSettings(), "max_extension_days", "0")},
			{"remind NaN", "/admin/dispatch/settings", with(goodSettings(), "remind_before_hours", "NaN")},
			{"remind infinite", "/admin/dispatch/settings", with(goodSettings(), "remind_before_hours", "Inf")},
			{"escalate too late", "/admin/dispatch/settings", with(goodSettings(), "escalate_after_days", "31")},
			{"rule without reply", "/admin/dispatch/sla", span(url.Values{"reply": {""}})},
			{"rule with days not whole", "/admin/dispatch/sla", span(url.Values{"reply": {"2.5"}})},
			{"rule with hours NaN", "/admin/dispatch/sla", span(url.Values{"reply": {"NaN"}, "reply_unit": {"working_hours"}})},
			{"rule with negative days", "/admin/dispatch/sla", span(url.Values{"reply": {"-3"}})},
			{"rule with unknown measure", "/admin/dispatch/sla", span(url.Values{"reply_unit": {"weeks"}})},
			{"rule with unknown kind", "/admin/dispatch/sla", span(url.Values{"kind": {"rant"}})},
			{"rule with unknown urgency", "/admin/dispatch/sla", span(url.Values{"urgency": {"asap"}})},
			{"rule with unknown category", "/admin/dispatch/sla", span(url.Values{"category_id": {"999999"}})},
		})
		// The refused form keeps what was typed and marks the field.
		r = admin.post("/admin/dispatch/settings", with(goodSettings(), "auto_dispatch_confidence", "0.3"))
		if !strings.Contains(r.body, `value="0.3"`) || !strings.Contains(r.body, `<label class="bad">`) || !strings.Contains(r.body, "auto_dispatch_confidence") {
			t.Errorf("the refused settings form lost the value typed or its mark")
		}
		r = admin.post("/admin/dispatch/sla", span(url.Values{"reply": {"-3"}, "kind": {"help"}}))
		if !strings.Contains(r.body, `value="-3"`) || !strings.Contains(r.body, `<option value="help" selected>`) {
			t.Errorf("the refused deadline form lost what was typed")
		}

		// Not an admin: refused, nothing changes.
		id := itoa(got.ID)
		mustForbid(t, e, both, []string{"/admin/dispatch"}, map[string]url.Values{
			"/admin/dispatch/settings":              with(goodSettings(), "max_returns", "9"),
			"/admin/dispatch/sla":                   span(nil),
			"/admin/dispatch/sla/" + id + "/delete": {},
		})

		// Delete the rule.
		r = admin.post("/admin/dispatch/sla/"+id+"/delete", url.Values{})
		if r.status != http.StatusOK || !strings.Contains(r.body, "已删除") {
			t.Fatalf("delete: %d %s", r.status, r.url)
		}
		if rs, _ := e.f.Svc.ListSLARules(ctx, e.f.Users["admin"]); len(rs) != 0 {
			t.Fatalf("after delete: %d rules", len(rs))
		}
		if r := admin.post("/admin/dispatch/sla/"+id+"/delete", url.Values{}); r.status != http.StatusNotFound {
			t.Errorf("delete again: %d; want 404", r.status)
		}
	})
}

func TestAdminDispatchRouting(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		admin := e.signedIn(t, "admin")
		rules := func() string {
			rs, err := e.f.Svc.ListRoutingRules(ctx, e.f.Users["admin"])
			return snapshot(t, rs, err)
		}

		r := admin.get("/admin/routing")
		if r.status != http.StatusOK || !strings.Contains(r.body, `href="/admin/routing"`) || !strings.Contains(r.body, "尚无派单规则") {
			t.Fatalf("routing page: %d, nav link or empty list missing", r.status)
		}
		// Units and categories are chosen from lists; the root cannot take work.
		if !strings.Contains(r.body, `<option value="`+itoa(e.f.Dept.ID)+`" data-search=`) ||
			!strings.Contains(r.body, `<option value="`+itoa(e.f.District.ID)+`" disabled`) ||
			!strings.Contains(r.body, `<option value="`+itoa(e.f.Category.ID)+`" data-search=`) {
			t.Fatalf("the form lacks the unit and category lists")
		}

		// A rule: lift complaints go to the housing bureau.
		r = admin.post("/admin/routing", url.Values{"name": {"电梯故障派住建局"}, "priority": {"10"}, "keywords": {"电梯，停运、困人"},
			"unit_id": {itoa(e.f.Dept.ID)}, "auto_dispatch": {"1"}, "kind": {""}, "category_id": {""}, "area_unit_id": {""}})
		if r.status != http.StatusOK || !strings.Contains(r.url, "ok=saved") {
			t.Fatalf("add rule: %d %s\n%s", r.status, r.url, r.body)
		}
		rs, err := e.f.Svc.ListRoutingRules(ctx, e.f.Users["admin"])
		if err != nil || len(rs) != 1 {
			t.Fatalf("rules: %d (%v)", len(rs), err)
		}
		rule := rs[0]
		if rule.Name != "电梯故障派住建局" || rule.Priority != 10 || strings.Join(rule.Keywords, "|") != "电梯|停运|困人" ||
			rule.UnitID != e.f.Dept.ID || !rule.AutoDispatch || !rule.Active || rule.CategoryID != 0 || rule.AreaUnitID != 0 {
			t.Fatalf("rule = %+v", rule)
		}
		if !strings.Contains(r.body, "电梯故障派住建局") || !strings.Contains(r.body, `<span class="tag">困人</span>`) {
			t.Errorf("the page does not list the rule")
		}
		// It takes effect: a lift complaint is sent to the bureau by itself.
		tk := e.f.Register(t)
		if tk.UnitID != e.f.Dept.ID || tk.Status != ticket.StatusDispatched {
			t.Errorf("a lift complaint: status %s, unit %d; want dispatched to %d", tk.Status, tk.UnitID, e.f.Dept.ID)
		}
		path := "/admin/routing/" + itoa(rule.ID)

		// Edit: a category and an area, no longer automatic, switched off.
		r = admin.post(path, url.Values{"name": {"物业电梯"}, "priority": {"-5"}, "category_id": {itoa(e.f.Category.ID)},
			"area_unit_id": {itoa(e.f.Street.ID)}, "kind": {"complaint"}, "keywords": {"电梯"}, "unit_id": {itoa(e.f.Street.ID)}})
		if r.status != http.StatusOK || !strings.Contains(r.url, "ok=saved") {
			t.Fatalf("edit: %d %s\n%s", r.status, r.url, r.body)
		}
		rs, _ = e.f.Svc.ListRoutingRules(ctx, e.f.Users["admin"])
		if x := rs[0]; x.Name != "物业电梯" || x.Priority != -5 || x.CategoryID != e.f.Category.ID || x.AreaUnitID != e.f.Street.ID ||
			x.Kind != ticket.KindComplaint || x.UnitID != e.f.Street.ID || x.AutoDispatch || x.Active {
			t.Fatalf("after edit: %+v", x)
		}
		if !strings.Contains(r.body, `<span class="warn">停用</span>`) {
			t.Errorf("the list does not show the rule switched off")
		}
		admin.post(path, with(ruleForm(e), "active", "1"))

		// Bad input: an error, and nothing changes.
		mustRefuse(t, admin, rules, []refusal{
			{"no target unit", "/admin/routing", with(ruleForm(e), "unit_id", "")},
			{"target is the root", "/admin/routing", with(ruleForm(e), "unit_id", itoa(e.f.District.ID))},
			{"unknown target", "/admin/routing", with(ruleForm(e), "unit_id", "999999")},
			{"no name", "/admin/routing", with(ruleForm(e), "name", " ")},
			{"no condition", "/admin/routing", with(ruleForm(e), "keywords", " ，")},
			{"priority not a number", "/admin/routing", with(ruleForm(e), "priority", "high")},
			{"priority too high", "/admin/routing", with(ruleForm(e), "priority", "5000")},
			{"unknown kind", "/admin/routing", with(ruleForm(e), "kind", "rant")},
			{"unknown category", "/admin/routing", with(ruleForm(e), "category_id", "999999")},
			{"keyword too long", "/admin/routing", with(ruleForm(e), "keywords", strings.Repeat("长", 51))},
			{"edit: no target unit", path, with(ruleForm(e), "unit_id", "")},
			{"edit: no condition", path, with(ruleForm(e), "keywords", "")},
		})
		// A refused edit keeps what was typed in its own form, opened.
		r = admin.post(path, with(with(ruleForm(e), "unit_id", ""), "name", "改过的名称"))
		if !strings.Contains(r.body, `value="改过的名称"`) || !strings.Contains(r.body, `<details class="qd" open>`) ||
			!strings.Contains(r.body, `class="has-error" id="rule-`+itoa(rule.ID)+`"`) {
			t.Errorf("the refused edit form is not open with what was typed")
		}
		r = admin.post("/admin/routing", with(ruleForm(e), "unit_id", ""))
		if !strings.Contains(r.body, `value="漏水 渗水"`) {
			t.Errorf("the refused new rule lost the keywords typed")
		}

		mustForbid(t, e, rules, []string{"/admin/routing"}, map[string]url.Values{
			"/admin/routing": ruleForm(e),
			path:             with(ruleForm(e), "name", "sneaky"),
			path + "/delete": {},
		})

		// Delete.
		r = admin.post(path+"/delete", url.Values{})
		if r.status != http.StatusOK || !strings.Contains(r.body, "已删除") {
			t.Fatalf("delete: %d", r.status)
		}
		if rs, _ := e.f.Svc.ListRoutingRules(ctx, e.f.Users["admin"]); len(rs) != 0 {
			t.Fatalf("after delete: %d rules", len(rs))
		}
		if r := admin.post(path+"/delete", url.Values{}); r.status != http.StatusNotFound {
			t.Errorf("delete again: %d; want 404", r.status)
		}
	})
}

// ruleForm is a valid routing rule form.
func ruleForm(e *env) url.Values {
	return url.Values{"name": {"漏水派社区"}, "priority": {"1"}, "keywords": {"漏水 渗水"}, "unit_id": {itoa(e.f.Community.ID)}, "active": {"1"}}
}

// notice2027 is a test notice for 2027 in the JSON format.
const notice2027 = `{"year": 2027,
  "holidays": [{"name": "元旦", "first": "2027-01-01", "last": "2027-01-03"}, {"name": "春节", "first": "2027-02-06", "last": "2027-02-12"}],
  "workdays": [{"date": "2027-02-20", "name": "春节调休"}]}`

func TestAdminDispatchCalendar(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		admin := e.signedIn(t, "admin")
		years := func() string {
			ys, err := e.f.Svc.CalendarYears(ctx)
			return snapshot(t, ys, err)
		}
		due := func(from string, n int) string {
			t.Helper()
			d, err := e.f.Svc.DueDate(ctx, mustDate(t, from), n)
			if err != nil {
				t.Fatal(err)
			}
			return d.String()
		}

		// The shipped 2026 notice is shown.
		r := admin.get("/admin/calendar")
		if r.status != http.StatusOK || !strings.Contains(r.body, `href="/admin/calendar"`) || !strings.Contains(r.body, `id="year-2026"`) ||
			!strings.Contains(r.body, "春节") || !strings.Contains(r.body, "2026-02-15") || !strings.Contains(r.body, "2026-02-14 <span class=\"small muted\">周六</span>") {
			t.Fatalf("calendar page: %d, the 2026 notice is not shown\n%s", r.status, r.body)
		}

		// Load 2027 from JSON: the day after Friday 5 February is then
		// Monday 15 February, after the Spring Festival.
		if d := due("2027-02-05", 1); d != "2027-02-08" {
			t.Fatalf("before the import: %s", d)
		}
		r = admin.post("/admin/calendar/json", url.Values{"json": {notice2027}})
		if r.status != http.StatusOK || !strings.Contains(r.url, "ok=saved") {
			t.Fatalf("JSON import: %d %s\n%s", r.status, r.url, r.body)
		}
		if d := due("2027-02-05", 1); d != "2027-02-15" {
			t.Errorf("after the import, one working day after 2027-02-05 is %s; want 2027-02-15", d)
		}
		if !strings.Contains(r.body, `id="year-2027"`) || !strings.Contains(r.body, "春节调休") || !strings.Contains(r.body, "2 个假期，共 10 天；1 个调休上班日") {
			t.Errorf("the page does not show the 2027 notice")
		}

		// Load 2028 with the simple form; a make-up day makes Saturday 8
		// January a working day.
		r = admin.post("/admin/calendar", url.Values{"year": {"2028"}, "holidays": {"元旦 2028-01-01 至 2028-01-03\r\n\r\n清明节 2028-04-04\r\n"},
			"workdays": {"2028-01-08 元旦调休\r\n"}})
		if r.status != http.StatusOK || !strings.Contains(r.url, "ok=saved") {
			t.Fatalf("form import: %d %s\n%s", r.status, r.url, r.body)
		}
		ys, _ := e.f.Svc.CalendarYears(ctx)
		var y2028 *calendar.Year
		for i := range ys {
			if ys[i].Year == 2028 {
				y2028 = &ys[i]
			}
		}
		if y2028 == nil || len(y2028.Holidays) != 2 || y2028.Holidays[0] != (calendar.Holiday{Name: "元旦", First: "2028-01-01", Last: "2028-01-03"}) ||
			y2028.Holidays[1] != (calendar.Holiday{Name: "清明节", First: "2028-04-04", Last: "2028-04-04"}) ||
			len(y2028.Workdays) != 1 || y2028.Workdays[0] != (calendar.Workday{Date: "2028-01-08", Name: "元旦调休"}) {
			t.Fatalf("2028 = %+v", y2028)
		}
		if d := due("2028-01-07", 1); d != "2028-01-08" {
			t.Errorf("one working day after Friday 2028-01-07 is %s; want the make-up Saturday", d)
		}
		// The correction link fills the form with the year.
		if r := admin.get("/admin/calendar?year=2028"); !strings.Contains(r.body, "元旦 2028-01-01 2028-01-03\n清明节 2028-04-04 2028-04-04") {
			t.Errorf("the form is not filled with the 2028 notice")
		}

		// Bad input: an error, and nothing changes.
		mustRefuse(t, admin, years, []refusal{
			{"json: not JSON", "/admin/calendar/json", url.Values{"json": {"{year: 2029"}}},
			{"json: empty", "/admin/calendar/json", url.Values{"json": {"  "}}},
			{"json: unknown field", "/admin/calendar/json", url.Values{"json": {`{"year": 2029, "holiday": []}`}}},
			{"json: two objects", "/admin/calendar/json", url.Values{"json": {`{"year": 2029} {"year": 2030}`}}},
			{"json: bad date", "/admin/calendar/json", url.Values{"json": {`{"year": 2029, "holidays": [{"name": "春节", "first": "2029-02-30", "last": "2029-03-02"}]}`}}},
			{"json: year out of range", "/admin/calendar/json", url.Values{"json": {`{"year": 1999}`}}},
			{"json: replace with a weekday make-up", "/admin/calendar/json", url.Values{"json": {`{"year": 2027, "workdays": [{"date": "2027-02-10"}]}`}}},
			{"form: year not a number", "/admin/calendar", url.Values{"year": {"明年"}, "holidays": {"元旦 2029-01-01 2029-01-01"}}},
			{"form: bad date", "/admin/calendar", url.Values{"year": {"2029"}, "holidays": {"元旦 2029-13-01 2029-13-02"}}},
			{"form: line without dates", "/admin/calendar", url.Values{"year": {"2029"}, "holidays": {"元旦"}}},
			{"form: ends before it starts", "/admin/calendar", url.Values{"year": {"2029"}, "holidays": {"元旦 2029-01-03 2029-01-01"}}},
			{"form: overlapping holidays", "/admin/calendar", url.Values{"year": {"2029"}, "holidays": {"甲 2029-05-01 2029-05-05\n乙 2029-05-04 2029-05-06"}}},
			{"form: make-up day on a weekday", "/admin/calendar", url.Values{"year": {"2029"}, "workdays": {"2029-01-03"}}},
			{"form: make-up day not a date", "/admin/calendar", url.Values{"year": {"2029"}, "workdays": {"下周六"}}},
			{"form: another year's dates", "/admin/calendar", url.Values{"year": {"2029"}, "holidays": {"元旦 2031-01-01 2031-01-01"}}},
		})
		// The refused forms keep what was typed and name the field.
		r = admin.post("/admin/calendar", url.Values{"year": {"2029"}, "holidays": {"元旦 2029-13-01 2029-13-02"}, "workdays": {"2029-01-06"}})
		if !strings.Contains(r.body, "元旦 2029-13-01 2029-13-02") || !strings.Contains(r.body, "2029-01-06") || !strings.Contains(r.body, `<label class="bad">`) ||
			!strings.Contains(r.body, "放假安排有误") {
			t.Errorf("the refused form lost what was typed or does not say why")
		}
		r = admin.post("/admin/calendar/json", url.Values{"json": {`{"year": 2029, "holiday": []}`}})
		if !strings.Contains(r.body, `{&#34;year&#34;: 2029, &#34;holiday&#34;: []}`) || !strings.Contains(r.body, "请按格式填写该年的放假安排") {
			t.Errorf("the refused JSON form lost the text or does not say why")
		}

		mustForbid(t, e, years, []string{"/admin/calendar"}, map[string]url.Values{
			"/admin/calendar":      {"year": {"2029"}, "holidays": {"元旦 2029-01-01 2029-01-01"}},
			"/admin/calendar/json": {"json": {`{"year": 2029}`}},
		})
	})
}

func mustDate(t *testing.T, s string) calendar.Date {
	t.Helper()
	d, err := calendar.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// secretRE finds a webhook signing secret.
var secretRE = regexp.MustCompile(`whsec_[0-9a-f]{64}`)

func TestAdminDispatchWebhooks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		// The server's log is kept, to check that no secret reaches it.
		logs := &syncBuffer{}
		e := newLoggedEnv(t, db, logs)
		ctx := context.Background()
		admin := e.signedIn(t, "admin")
		hooks := func() string {
			hs, err := e.f.Svc.ListWebhooks(ctx, kit.System())
			return snapshot(t, hs, err)
		}

		r := admin.get("/admin/webhooks")
		if r.status != http.StatusOK || !strings.Contains(r.body, `href="/admin/webhooks"`) || !strings.Contains(r.body, "尚无推送地址") {
			t.Fatalf("webhooks page: %d, nav link or empty list missing", r.status)
		}

		// Add one: the secret is shown once, not cached, and not logged.
		r = admin.post("/admin/webhooks", url.Values{"name": {"区政务服务中心"}, "url": {"https://gov.example.cn/hooks/minsheng"},
			"events": {"dispatch", "reply"}})
		secrets := secretRE.FindAllString(r.body, -1)
		if r.status != http.StatusOK || len(secrets) != 1 || !strings.Contains(r.body, `id="webhook-secret"`) || !strings.Contains(r.body, "只显示这一次") {
			t.Fatalf("add: %d, %d secrets shown\n%s", r.status, len(secrets), r.body)
		}
		if cc := r.hdr.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("the page with the secret has Cache-Control %q", cc)
		}
		hs, err := e.f.Svc.ListWebhooks(ctx, kit.System())
		if err != nil || len(hs) != 1 {
			t.Fatalf("webhooks: %d (%v)", len(hs), err)
		}
		h := hs[0]
		if h.Name != "区政务服务中心" || h.URL != "https://gov.example.cn/hooks/minsheng" || strings.Join(h.Events, ",") != "dispatch,reply" || !h.Active {
			t.Fatalf("webhook = %+v", h)
		}
		// The secret shown is the one that signs the messages.
		if err := e.f.DB.Read(ctx, func(tx *store.Tx) error {
			w, err := store.GetWebhook(ctx, tx, h.ID)
			if err == nil && w.Secret != secrets[0] {
				t.Errorf("the page showed a secret that is not the webhook's")
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		r = admin.get("/admin/webhooks")
		if secretRE.MatchString(r.body) || strings.Contains(r.body, `id="webhook-secret"`) {
			t.Errorf("the list shows the secret again")
		}
		if !strings.Contains(r.body, "https://gov.example.cn/hooks/minsheng") || !strings.Contains(r.body, `<span class="tag">派单</span>`) {
			t.Errorf("the list lacks the webhook")
		}

		// Switch it off and on.
		path := "/admin/webhooks/" + itoa(h.ID)
		if r := admin.post(path+"/disable", url.Values{}); r.status != http.StatusOK || !strings.Contains(r.body, "已停用推送") {
			t.Fatalf("disable: %d %s", r.status, r.url)
		}
		if hs, _ := e.f.Svc.ListWebhooks(ctx, kit.System()); hs[0].Active {
			t.Fatal("the webhook is still on")
		}
		if r := admin.post(path+"/enable", url.Values{}); r.status != http.StatusOK || !strings.Contains(r.body, "已启用推送") {
			t.Fatalf("enable: %d %s", r.status, r.url)
		}
		if hs, _ := e.f.Svc.ListWebhooks(ctx, kit.System()); !hs[0].Active {
			t.Fatal("the webhook is still off")
		}
		if r := admin.post("/admin/webhooks/999999/disable", url.Values{}); r.status != http.StatusNotFound {
			t.Errorf("disable an unknown webhook: %d; want 404", r.status)
		}
		if r := admin.post(path+"/explode", url.Values{}); r.status != http.StatusNotFound {
			t.Errorf("an unknown switch: %d; want 404", r.status)
		}

		// Bad input: an error, nothing changes, no secret.
		good := url.Values{"name": {"其他系统"}, "url": {"https://other.example.cn/hook"}}
		cases := []refusal{
			{"ftp URL", "/admin/webhooks", with(good, "url", "ftp://other.example.cn/hook")},
			{"not a URL", "/admin/webhooks", with(good, "url", "other.example.cn")},
			{"javascript URL", "/admin/webhooks", with(good, "url", "javascript:alert(1)")},
			{"URL with a password", "/admin/webhooks", with(good, "url", "https://user:pw@other.example.cn/hook")},
			{"no name", "/admin/webhooks", with(good, "name", " ")},
			{"unknown event", "/admin/webhooks", with(good, "events", "explode")},
		}
		mustRefuse(t, admin, hooks, cases)
		for _, tc := range cases {
			if r := admin.post(tc.path, tc.form); secretRE.MatchString(r.body) || strings.Contains(r.body, `id="webhook-secret"`) {
				t.Errorf("%s: a refused form shows a secret", tc.name)
			}
		}
		r = admin.post("/admin/webhooks", url.Values{"name": {"其他系统"}, "url": {"ftp://other.example.cn/hook"}, "events": {"reply", "close"}})
		if !strings.Contains(r.body, `value="ftp://other.example.cn/hook"`) || !strings.Contains(r.body, `value="reply" checked`) ||
			!strings.Contains(r.body, `value="close" checked`) || strings.Contains(r.body, `value="dispatch" checked`) {
			t.Errorf("the refused form lost what was typed")
		}

		mustForbid(t, e, hooks, []string{"/admin/webhooks"}, map[string]url.Values{
			"/admin/webhooks": good,
			path + "/disable": {},
		})

		if l := logs.String(); strings.Contains(l, secrets[0]) || strings.Contains(l, "whsec_") {
			t.Errorf("the secret is in the server's log")
		}
		if logs.String() == "" {
			t.Errorf("the server logged nothing: the log check checks nothing")
		}
	})
}

// syncBuffer is a log that the server writes while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newLoggedEnv is newEnv with the server's and the pages' log written to w
// at debug level.
func newLoggedEnv(t *testing.T, db *store.DB, w *syncBuffer) *env {
	t.Helper()
	f := apptest.New(t, db)
	log := slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := web.NewServer(web.Config{Service: f.Svc, Logger: log, Version: "test"})
	pages, err := ui.New(ui.Config{Service: f.Svc, Logger: log, CurrentUser: web.CurrentUser, RequestID: web.RequestID, Now: f.Clock.Now})
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
