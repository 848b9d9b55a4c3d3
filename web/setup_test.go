package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/routing"
	"github.com/minsheng/minsheng/ticket"
)

// endOf is the end of a day in China, where deadlines fall.
func endOf(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 23, 59, 59, 0, apptest.Start.Location())
}

func TestDeadlineActions(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		tk := e.ticketIn(t, "dispatched")
		if !tk.ReplyBy.Equal(endOf(2026, 3, 11)) {
			t.Fatalf("reply_by %v", tk.ReplyBy)
		}
		tk = e.run(t, tk,
			step{"dispatcher", "remind", map[string]string{"note": "请抓紧办理"}, ticket.StatusDispatched},
			step{"leader", "supervise", map[string]string{"note": "领导督办：本周内解决"}, ticket.StatusDispatched},
			step{"handler", "acknowledge", nil, ticket.StatusAcknowledged},
			step{"handler", "extension", map[string]any{"days": 3, "reason": "需等待配件"}, ticket.StatusAcknowledged},
		)
		if tk.ExtensionDays != 3 || !tk.ReplyBy.Equal(endOf(2026, 3, 11)) {
			t.Fatalf("waiting extension: %d days, reply_by %v", tk.ExtensionDays, tk.ReplyBy)
		}
		tk = e.run(t, tk, step{"dispatcher", "extension/approve", nil, ticket.StatusAcknowledged})
		if tk.ExtensionDays != 0 || tk.ExtensionCount != 1 || !tk.ReplyBy.Equal(endOf(2026, 3, 16)) {
			t.Fatalf("approved: %d days waiting, %d extensions, reply_by %v", tk.ExtensionDays, tk.ExtensionCount, tk.ReplyBy)
		}
		v := e.view(t, "handler", tk.Number)
		if ev := v.Events[len(v.Events)-1]; ev.Data["days"] != "3" || ev.UnitID != e.f.Community.ID {
			t.Errorf("approval event %+v", ev)
		}
		// One extension a ticket, by default.
		r := e.do(t, "POST", "/api/v1/tickets/"+tk.Number+"/extension", "handler", map[string]any{"days": 1, "reason": "再等等"})
		mustProblem(t, r, http.StatusConflict, "conflict", "")

		other := e.ticketIn(t, "dispatched")
		other = e.run(t, other,
			step{"handler", "extension", map[string]any{"days": 2, "reason": "需等待配件"}, ticket.StatusDispatched},
			step{"dispatcher", "extension/refuse", map[string]string{"note": "时限内可以完成"}, ticket.StatusDispatched},
		)
		if other.ExtensionDays != 0 || other.ExtensionCount != 0 || !other.ReplyBy.Equal(endOf(2026, 3, 11)) {
			t.Errorf("refused: %+v", other)
		}
	})
}

func TestDispatchSetupRefused(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		unit, cat := e.f.Dept.ID, e.f.Category.ID
		rule := func(extra string) string {
			return fmt.Sprintf(`{"name":"电梯","keywords":["电梯"],"unit_id":%d%s}`, unit, extra)
		}
		sla := `{"acknowledge":{"working_days":1},"reply":{"working_days":5},"callback":{"working_days":2}}`
		notice := func(year int, holidays string) string {
			return fmt.Sprintf(`{"year":%d,"holidays":[%s],"workdays":[]}`, year, holidays)
		}
		polygon := `{"type":"Polygon","coordinates":[[[101.7,36.6],[101.8,36.6],[101.8,36.7],[101.7,36.7],[101.7,36.6]]]}`
		settings := `{"max_returns":2,"max_extensions":1,"max_extension_days":10,"remind_before_hours":4`
		geo := []string{"Content-Type", "application/geo+json"}
		tests := []struct {
			bad
			method, path string
		}{
			{bad{name: "rule by a dispatcher", user: "dispatcher", body: rule(""), status: 403, code: "forbidden"}, "POST", "/api/v1/routing-rules"},
			{bad{name: "rule without a unit", body: `{"name":"x","keywords":["电梯"]}`, field: "unit_id"}, "POST", "/api/v1/routing-rules"},
			{bad{name: "rule without a condition", body: fmt.Sprintf(`{"name":"x","unit_id":%d}`, unit), field: "category_id"}, "POST", "/api/v1/routing-rules"},
			{bad{name: "rule to an unknown unit", body: `{"name":"x","kind":"help","unit_id":999999}`, field: "unit_id"}, "POST", "/api/v1/routing-rules"},
			{bad{name: "rule of an unknown category", body: rule(`,"category_id":999999`), field: "category_id"}, "POST", "/api/v1/routing-rules"},
			{bad{name: "new rule with active", body: rule(`,"active":false`), field: "active"}, "POST", "/api/v1/routing-rules"},
			{bad{name: "rule field in another case", body: rule(`,"Priority":5`), field: "Priority"}, "POST", "/api/v1/routing-rules"},
			{bad{name: "rule field twice", body: rule(`,"name":"别的"`), field: "name"}, "POST", "/api/v1/routing-rules"},
			{bad{name: "rule with an id", body: rule(`,"id":5`), field: "id"}, "POST", "/api/v1/routing-rules"},
			{bad{name: "change of an unknown rule", body: rule(""), status: 404, code: "not_found"}, "PUT", "/api/v1/routing-rules/999999"},
			{bad{name: "change of a rule by name", body: rule(""), status: 404, code: "not_found"}, "PUT", "/api/v1/routing-rules/lift"},
			{bad{name: "deletion of an unknown rule", status: 404, code: "not_found"}, "DELETE", "/api/v1/routing-rules/999999"},
			{bad{name: "rules without credentials", user: "-", status: 401, code: "unauthorized"}, "GET", "/api/v1/routing-rules"},
			{bad{name: "deadline rule by a leader", user: "leader", body: `{"sla":` + sla + `}`, status: 403, code: "forbidden"}, "POST", "/api/v1/sla-rules"},
			{bad{name: "deadline rule without allowances", body: `{"kind":"help"}`, field: "acknowledge"}, "POST", "/api/v1/sla-rules"},
			{bad{name: "two measures", body: `{"sla":{"acknowledge":{"hours":2},"reply":{"working_days":5,"hours":8},"callback":{"working_days":2}}}`, field: "reply"}, "POST", "/api/v1/sla-rules"},
			{bad{name: "nested field in another case", body: `{"sla":{"Reply":{"working_days":5}}}`, field: "sla.Reply"}, "POST", "/api/v1/sla-rules"},
			{bad{name: "nested unknown field", body: `{"sla":{"reply":{"days":5}}}`, field: "sla.reply.days"}, "POST", "/api/v1/sla-rules"},
			{bad{name: "nested field twice", body: `{"sla":{"reply":{"hours":5,"hours":6}}}`, field: "sla.reply.hours"}, "POST", "/api/v1/sla-rules"},
			{bad{name: "deadline rule of an unknown kind", body: `{"kind":"rant","sla":` + sla + `}`, field: "kind"}, "POST", "/api/v1/sla-rules"},
			{bad{name: "deadline rule of an unknown category", body: fmt.Sprintf(`{"category_id":%d,"sla":%s}`, cat+999999, sla), field: "category_id"}, "POST", "/api/v1/sla-rules"},
			{bad{name: "deletion of an unknown deadline rule", status: 404, code: "not_found"}, "DELETE", "/api/v1/sla-rules/999999"},
			{bad{name: "notice of another year", body: notice(2028, ""), field: "year"}, "PUT", "/api/v1/calendar/2027"},
			{bad{name: "overlapping holidays", body: notice(2027, `{"name":"a","first":"2027-05-01","last":"2027-05-05"},{"name":"b","first":"2027-05-05","last":"2027-05-06"}`), field: "holidays"}, "PUT", "/api/v1/calendar/2027"},
			{bad{name: "holiday date in another field case", body: `{"year":2027,"holidays":[{"name":"a","First":"2027-05-01","last":"2027-05-02"}]}`, field: "holidays.First"}, "PUT", "/api/v1/calendar/2027"},
			{bad{name: "notice by a dispatcher", user: "dispatcher", body: notice(2027, ""), status: 403, code: "forbidden"}, "PUT", "/api/v1/calendar/2027"},
			{bad{name: "due without from", query: "n=3", field: "from"}, "GET", "/api/v1/calendar/due"},
			{bad{name: "due from a bad date", query: "from=2026-02-30&n=3", field: "from"}, "GET", "/api/v1/calendar/due"},
			{bad{name: "due in no days", query: "from=2026-03-02&n=0", field: "n"}, "GET", "/api/v1/calendar/due"},
			{bad{name: "due in some days", query: "from=2026-03-02&n=some", field: "n"}, "GET", "/api/v1/calendar/due"},
			{bad{name: "due with an unknown parameter", query: "from=2026-03-02&n=1&unit=3", field: "unit"}, "GET", "/api/v1/calendar/due"},
			{bad{name: "boundary not GeoJSON", body: `{"type":"Point","coordinates":[101.7,36.6]}`, hdr: geo, field: "geojson"}, "PUT", fmt.Sprintf("/api/v1/units/%d/boundary", unit)},
			{bad{name: "boundary as text", body: polygon, hdr: []string{"Content-Type", "text/plain"}}, "PUT", fmt.Sprintf("/api/v1/units/%d/boundary", unit)},
			{bad{name: "boundary of an unknown unit", body: polygon, hdr: geo, status: 404, code: "not_found"}, "PUT", "/api/v1/units/999999/boundary"},
			{bad{name: "boundary by a handler", user: "handler", body: polygon, hdr: geo, status: 403, code: "forbidden"}, "PUT", fmt.Sprintf("/api/v1/units/%d/boundary", unit)},
			{bad{name: "settings without a field", body: settings + `}`, field: "escalate_after_days"}, "PUT", "/api/v1/settings/dispatch"},
			{bad{name: "settings out of range", body: settings + `,"escalate_after_days":99}`, field: "escalate_after_days"}, "PUT", "/api/v1/settings/dispatch"},
			{bad{name: "settings by a leader", user: "leader", body: settings + `,"escalate_after_days":1}`, status: 403, code: "forbidden"}, "PUT", "/api/v1/settings/dispatch"},
			{bad{name: "settings without credentials", user: "-", status: 401, code: "unauthorized"}, "GET", "/api/v1/settings/dispatch"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) { e.mustRefuse(t, tc.method, tc.path, "admin", tc.bad) })
		}
		// Nothing was written.
		if rules, sla, years, bs := e.setup(t); len(rules.Rules) != 0 || len(sla.Rules) != 0 || len(years.Years) != 1 || len(bs.Boundaries) != 0 {
			t.Errorf("refused changes wrote: %+v %+v %+v %+v", rules, sla, years, bs)
		}
		if st := mustJSON[app.Settings](t, e.do(t, "GET", "/api/v1/settings/dispatch", "handler", nil), http.StatusOK); st != app.DefaultSettings {
			t.Errorf("settings %+v", st)
		}
	})
}

// setup reads the dispatch setup as a handler: every staff user may.
func (e *env) setup(t *testing.T) (rules struct{ Rules []routing.Rule }, sla struct{ Rules []ticket.SLARule },
	years struct{ Years []calendar.Year }, bs struct{ Boundaries []app.BoundaryView }) {
	t.Helper()
	rules = mustJSON[struct{ Rules []routing.Rule }](t, e.do(t, "GET", "/api/v1/routing-rules", "handler", nil), http.StatusOK)
	sla = mustJSON[struct{ Rules []ticket.SLARule }](t, e.do(t, "GET", "/api/v1/sla-rules", "handler", nil), http.StatusOK)
	years = mustJSON[struct{ Years []calendar.Year }](t, e.do(t, "GET", "/api/v1/calendar", "handler", nil), http.StatusOK)
	bs = mustJSON[struct{ Boundaries []app.BoundaryView }](t, e.do(t, "GET", "/api/v1/boundaries", "handler", nil), http.StatusOK)
	return
}

func TestRoutingRules(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		body := map[string]any{"name": "电梯故障归住建局", "priority": 10, "keywords": []string{"电梯"}, "unit_id": e.f.Dept.ID}
		rule := mustJSON[routing.Rule](t, e.do(t, "POST", "/api/v1/routing-rules", "admin", body), http.StatusCreated)
		if !rule.Active || rule.AutoDispatch || rule.CreatedAt.IsZero() {
			t.Errorf("new rule %+v", rule)
		}
		// The rule applies at once: a request about a lift is suggested to the department.
		if tk := e.create(t, "agent", apptest.NewTicket()); tk.SuggestedUnitID != e.f.Dept.ID || tk.Status != ticket.StatusRegistered {
			t.Errorf("suggested unit %d, status %s", tk.SuggestedUnitID, tk.Status)
		}
		path := "/api/v1/routing-rules/" + strconv.FormatInt(rule.ID, 10)
		body["auto_dispatch"] = true
		changed := mustJSON[routing.Rule](t, e.do(t, "PUT", path, "admin", body), http.StatusOK)
		if !changed.AutoDispatch || !changed.Active || !changed.CreatedAt.Equal(rule.CreatedAt) {
			t.Errorf("changed rule %+v, created %v", changed, rule.CreatedAt)
		}
		if tk := e.create(t, "agent", apptest.NewTicket()); tk.Status != ticket.StatusDispatched || tk.UnitID != e.f.Dept.ID {
			t.Errorf("auto-dispatched to %d, status %s", tk.UnitID, tk.Status)
		}
		body["active"] = false
		mustStatus(t, e.do(t, "PUT", path, "admin", body), http.StatusOK)
		if tk := e.create(t, "agent", apptest.NewTicket()); tk.SuggestedUnitID != 0 {
			t.Errorf("an inactive rule suggested %d", tk.SuggestedUnitID)
		}
		if rules, _, _, _ := e.setup(t); len(rules.Rules) != 1 || rules.Rules[0].Active {
			t.Errorf("rules %+v", rules)
		}
		mustStatus(t, e.do(t, "DELETE", path, "admin", nil), http.StatusNoContent)
		mustProblem(t, e.do(t, "DELETE", path, "admin", nil), http.StatusNotFound, "not_found", "")
		mustProblem(t, e.do(t, "PUT", path, "admin", body), http.StatusNotFound, "not_found", "")
		if rules, _, _, _ := e.setup(t); len(rules.Rules) != 0 {
			t.Errorf("rules after deletion %+v", rules)
		}
	})
}

func TestSLARules(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		body := map[string]any{"category_id": e.f.Category.ID, "sla": map[string]any{
			"acknowledge": map[string]any{"hours": 2}, "reply": map[string]any{"working_days": 2}, "callback": map[string]any{"working_days": 1}}}
		rule := mustJSON[ticket.SLARule](t, e.do(t, "POST", "/api/v1/sla-rules", "admin", body), http.StatusCreated)
		in := apptest.NewTicket()
		in.CategoryID = e.f.Category.ID
		tk := e.act(t, "dispatcher", e.create(t, "agent", in).Number, "dispatch", map[string]any{"unit_id": e.f.Community.ID})
		if !tk.AcknowledgeBy.Equal(apptest.Start.Add(2*time.Hour)) || !tk.ReplyBy.Equal(endOf(2026, 3, 4)) {
			t.Errorf("acknowledge_by %v, reply_by %v", tk.AcknowledgeBy, tk.ReplyBy)
		}
		if _, sla, _, _ := e.setup(t); len(sla.Rules) != 1 || sla.Rules[0].SLA.Reply.WorkingDays != 2 {
			t.Errorf("rules %+v", sla)
		}
		mustStatus(t, e.do(t, "DELETE", "/api/v1/sla-rules/"+strconv.FormatInt(rule.ID, 10), "admin", nil), http.StatusNoContent)
		// Without the rule, the default of seven working days.
		tk = e.act(t, "dispatcher", e.create(t, "agent", in).Number, "dispatch", map[string]any{"unit_id": e.f.Community.ID})
		if !tk.ReplyBy.Equal(endOf(2026, 3, 11)) {
			t.Errorf("reply_by %v", tk.ReplyBy)
		}
	})
}

func TestCalendar(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		type due struct {
			From, Due string
			N         int
		}
		dueOn := func(from string, n int) string {
			t.Helper()
			d := mustJSON[due](t, e.do(t, "GET", fmt.Sprintf("/api/v1/calendar/due?from=%s&n=%d", from, n), "handler", nil), http.StatusOK)
			if d.From != from || d.N != n {
				t.Errorf("answer %+v", d)
			}
			return d.Due
		}
		for _, c := range []struct {
			from string
			n    int
			want string
		}{
			{"2026-03-02", 7, "2026-03-11"},
			{"2026-09-30", 1, "2026-10-08"}, // National Day
			{"2026-09-18", 1, "2026-09-20"}, // a make-up working Sunday
			{"2026-12-31", 1, "2027-01-01"}, // 2027 not yet loaded
		} {
			if got := dueOn(c.from, c.n); got != c.want {
				t.Errorf("%d working days after %s: %s, want %s", c.n, c.from, got, c.want)
			}
		}
		y := calendar.Year{Year: 2027, Holidays: []calendar.Holiday{{Name: "元旦", First: "2027-01-01", Last: "2027-01-03"}}, Workdays: []calendar.Workday{}}
		got := mustJSON[calendar.Year](t, e.do(t, "PUT", "/api/v1/calendar/2027", "admin", y), http.StatusOK)
		if got.Year != 2027 || len(got.Holidays) != 1 {
			t.Errorf("loaded %+v", got)
		}
		if d := dueOn("2026-12-31", 1); d != "2027-01-04" {
			t.Errorf("after loading 2027: %s", d)
		}
		if _, _, years, _ := e.setup(t); len(years.Years) != 2 || years.Years[1].Year != 2027 {
			t.Errorf("years %+v", years)
		}
	})
}

func TestBoundariesAndSettings(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		feature := `{"type":"Feature","properties":{"name":"海湖社区"},"geometry":{"type":"Polygon","coordinates":[[[101.7,36.6],[101.8,36.6],[101.8,36.7],[101.7,36.7],[101.7,36.6]]]}}`
		path := fmt.Sprintf("/api/v1/units/%d/boundary", e.f.Community.ID)
		b := mustJSON[app.BoundaryView](t, e.do(t, "PUT", path, "admin", feature, "Content-Type", "application/geo+json"), http.StatusOK)
		if b.UnitID != e.f.Community.ID || !json.Valid(b.GeoJSON) {
			t.Errorf("boundary %+v", b)
		}
		// application/json is accepted too, and replaces the boundary.
		mustStatus(t, e.do(t, "PUT", path, "admin", feature), http.StatusOK)
		if _, _, _, bs := e.setup(t); len(bs.Boundaries) != 1 || bs.Boundaries[0].UnitID != e.f.Community.ID {
			t.Errorf("boundaries %+v", bs)
		}
		in := apptest.NewTicket()
		lat, lng := 36.65, 101.75
		in.Lat, in.Lng = &lat, &lng
		if tk := e.create(t, "agent", in); tk.LocationUnitID != e.f.Community.ID {
			t.Errorf("a point in the boundary placed in %d", tk.LocationUnitID)
		}

		st := app.Settings{MaxReturns: 3, MaxExtensions: 2, MaxExtensionDays: 5, RemindBeforeHours: 2.5, EscalateAfterDays: 2}
		if got := mustJSON[app.Settings](t, e.do(t, "PUT", "/api/v1/settings/dispatch", "admin", st), http.StatusOK); got != st {
			t.Errorf("set %+v", got)
		}
		if got := mustJSON[app.Settings](t, e.do(t, "GET", "/api/v1/settings/dispatch", "leader", nil), http.StatusOK); got != st {
			t.Errorf("read back %+v", got)
		}
		// The new limit applies: an extension of 6 days is now too long.
		tk := e.ticketIn(t, "dispatched")
		r := e.do(t, "POST", "/api/v1/tickets/"+tk.Number+"/extension", "handler", map[string]any{"days": 6, "reason": "等配件"})
		mustProblem(t, r, http.StatusBadRequest, "invalid", "days")
	})
}
