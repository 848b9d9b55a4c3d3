package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/minsheng/minsheng/app/grids"
	"github.com/minsheng/minsheng/store"
)

// The grid report's loop over HTTP: a grid worker reports, the centre
// dispatches, the unit replies, the centre cannot close before the grid
// worker's check, which closes the ticket; each step of the field work
// leaves an audit entry by its actor. Answers are checked against the
// OpenAPI document by e.do.
func TestGridReportAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.f
		audits := func() int { return len(e.auditRows(t)) }
		n := audits()
		r := mustJSON[store.GridReport](t, e.do(t, "POST", "/api/v1/grids/reports", "grid_worker",
			map[string]any{"category": "E01", "description": "小区门口垃圾堆放两天未清运", "address": "海湖路18号"}), http.StatusCreated)
		if r.Ticket == "" || r.Status != "registered" || audits() != n+1 {
			t.Fatalf("report %+v, %d audit entries", r, audits()-n)
		}
		mustStatus(t, e.do(t, "POST", "/api/v1/grids/reports", "agent",
			map[string]any{"category": "E01", "description": "x", "address": "y"}), http.StatusForbidden)
		mustStatus(t, e.do(t, "POST", "/api/v1/grids/reports", "grid_worker",
			map[string]any{"category": "X1", "description": "x", "address": "y"}), http.StatusBadRequest)
		e.act(t, "dispatcher", r.Ticket, "dispatch", map[string]any{"unit_id": f.Community.ID})
		e.act(t, "handler", r.Ticket, "acknowledge", map[string]any{})
		e.act(t, "handler", r.Ticket, "reply", map[string]any{"reply": "已清运"})
		mustStatus(t, e.do(t, "POST", "/api/v1/tickets/"+r.Ticket+"/close", "dispatcher", map[string]any{}), http.StatusConflict)
		path := "/api/v1/grids/reports/" + itoa(r.ID)
		v := mustJSON[grids.ReportView](t, e.do(t, "GET", path, "grid_worker", nil), http.StatusOK)
		if v.Status != "awaiting_check" || !v.MayCheck {
			t.Fatalf("view %+v", v)
		}
		mustStatus(t, e.do(t, "GET", path, "other_handler", nil), http.StatusNotFound)
		mustStatus(t, e.do(t, "POST", path+"/check", "grid_worker", map[string]any{"result": "fail"}), http.StatusBadRequest)
		n = audits()
		got := mustJSON[store.GridReport](t, e.do(t, "POST", path+"/check", "grid_worker", map[string]any{"result": "pass"}), http.StatusOK)
		if got.Status != "closed" || got.TicketStatus != "closed" || audits() < n+1 {
			t.Fatalf("after the check %+v", got)
		}
		fig := mustJSON[store.GridReportFigures](t, e.do(t, "GET", "/api/v1/grids/figures", "leader", nil), http.StatusOK)
		if fig.Total != 1 || fig.PassedFirst != 1 {
			t.Errorf("figures %+v", fig)
		}
		mustJSON[map[string]any](t, e.do(t, "GET", "/api/v1/grids/reports?mine=true", "grid_worker", nil), http.StatusOK)
		mustJSON[map[string]any](t, e.do(t, "GET", "/api/v1/grids/categories", "grid_worker", nil), http.StatusOK)

		// The diary drafts itself from the day's report and check.
		d := mustJSON[grids.DiaryView](t, e.do(t, "GET", "/api/v1/grids/diary", "grid_worker", nil), http.StatusOK)
		if d.ID != 0 || d.Status != "draft" {
			t.Fatalf("draft %+v", d)
		}
		d = mustJSON[grids.DiaryView](t, e.do(t, "PUT", "/api/v1/grids/diary", "grid_worker", map[string]any{"text": d.Text, "submit": true}), http.StatusOK)
		mustJSON[grids.DiaryView](t, e.do(t, "POST", "/api/v1/grids/diaries/"+itoa(d.ID)+"/actions", "handler",
			map[string]any{"action": "comment", "note": "收到"}), http.StatusOK)
		mustJSON[grids.DiaryView](t, e.do(t, "GET", "/api/v1/grids/diaries/"+itoa(d.ID), "handler", nil), http.StatusOK)
		mustJSON[map[string]any](t, e.do(t, "GET", "/api/v1/grids/diaries", "handler", nil), http.StatusOK)
	})
}

// The ledger over HTTP: a campaign, an item, its tick-off by another
// person, and the counts.
func TestLedgerAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.f
		c := mustJSON[store.LedgerCampaign](t, e.do(t, "POST", "/api/v1/ledger/campaigns", "leader",
			map[string]any{"title": "大排查", "unit_id": f.Street.ID, "deadline": "2026-04-01T00:00:00Z"}), http.StatusCreated)
		it := mustJSON[store.LedgerItem](t, e.do(t, "POST", "/api/v1/ledger/campaigns/"+itoa(c.ID)+"/items", "grid_worker",
			map[string]any{"problem": "消防通道堵塞", "place": "3号楼", "unit_id": f.Grid.ID, "responsible_unit_id": f.Community.ID}), http.StatusCreated)
		act := func(user string, body map[string]any, status int) {
			t.Helper()
			mustStatus(t, e.do(t, "POST", "/api/v1/ledger/items/"+itoa(it.ID)+"/actions", user, body), status)
		}
		act("handler", map[string]any{"action": "start"}, http.StatusOK)
		act("handler", map[string]any{"action": "submit", "note": "已清理"}, http.StatusOK)
		act("handler", map[string]any{"action": "tick_off", "note": "自己销号"}, http.StatusForbidden)
		act("grid_worker", map[string]any{"action": "tick_off", "note": "核验通过"}, http.StatusOK)
		act("grid_worker", map[string]any{"action": "tick_off", "note": "again"}, http.StatusConflict)
		l := mustJSON[grids.Ledger](t, e.do(t, "GET", "/api/v1/ledger/campaigns/"+itoa(c.ID), "leader", nil), http.StatusOK)
		if l.Progress.Found != 1 || l.Progress.TickedOff != 1 || len(l.Items) != 1 || len(l.Units) != 1 {
			t.Errorf("ledger %+v", l)
		}
		v := mustJSON[grids.ItemView](t, e.do(t, "GET", "/api/v1/ledger/items/"+itoa(it.ID), "leader", nil), http.StatusOK)
		if len(v.Timeline) != 4 {
			t.Errorf("timeline %+v", v.Timeline)
		}
		mustJSON[map[string]any](t, e.do(t, "GET", "/api/v1/ledger/campaigns", "handler", nil), http.StatusOK)
	})
}

// The micro-stations over HTTP: a leader sets one up, a grid worker takes
// a request answered on the spot and one referred to the centre, the
// figures count them, and the public list names no staff.
func TestStationAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.f
		st := mustJSON[store.Station](t, e.do(t, "POST", "/api/v1/grid-stations", "leader",
			map[string]any{"name": "海湖社区网格微管站", "unit_id": f.Community.ID, "address": "海湖路18号", "hours": "周一至周五 9:00–17:00",
				"services": []string{"政策咨询", "开具证明"}, "staff_ids": []int64{f.Users["grid_worker"].ID}}), http.StatusCreated)
		mustStatus(t, e.do(t, "POST", "/api/v1/grid-stations", "grid_worker",
			map[string]any{"name": "x", "unit_id": f.Grid.ID, "address": "y", "hours": "z", "services": []string{"a"}}), http.StatusForbidden)
		path := "/api/v1/grids/stations/" + itoa(st.ID) + "/requests"
		q := mustJSON[store.StationRequest](t, e.do(t, "POST", path, "grid_worker", map[string]any{"service": "政策咨询",
			"description": "咨询居住证办理需要哪些材料", "caller_name": "马丽", "caller_phone": "13897002222",
			"answer": "当场告知所需材料清单。"}), http.StatusCreated)
		if !q.Answered || q.TicketStatus != "resolved_at_intake" {
			t.Fatalf("answered on the spot: %+v", q)
		}
		q = mustJSON[store.StationRequest](t, e.do(t, "POST", path, "grid_worker", map[string]any{
			"description": "楼下路灯不亮", "caller_name": "马丽", "caller_phone": "13897002222"}), http.StatusCreated)
		if q.Answered || q.TicketStatus != "registered" {
			t.Fatalf("referred: %+v", q)
		}
		mustStatus(t, e.do(t, "POST", path, "grid_worker", map[string]any{"description": ""}), http.StatusBadRequest)
		mustStatus(t, e.do(t, "POST", path, "other_handler", map[string]any{"description": "x"}), http.StatusNotFound)
		fig := mustJSON[store.StationFigures](t, e.do(t, "GET", "/api/v1/grids/station-figures", "leader", nil), http.StatusOK)
		if fig.Requests != 2 || fig.Answered != 1 || fig.Referred != 1 {
			t.Errorf("figures %+v", fig)
		}
		v := mustJSON[grids.StationView](t, e.do(t, "GET", "/api/v1/grid-stations/"+itoa(st.ID), "grid_worker", nil), http.StatusOK)
		if !v.MayTake || len(v.Recent) != 2 {
			t.Errorf("view %+v", v)
		}
		mustJSON[map[string]any](t, e.do(t, "GET", "/api/v1/grid-stations", "handler", nil), http.StatusOK)
		pub := e.do(t, "GET", "/api/v1/public/grid-stations?address="+url.QueryEscape("海湖路"), "", nil)
		near := mustJSON[grids.StationsNear](t, pub, http.StatusOK)
		if len(near.Stations) != 1 || near.Stations[0].Answered != 1 || strings.Contains(string(pub.body), "grid_worker") {
			t.Errorf("public list %+v", near)
		}
	})
}

// The ledger's import over HTTP: a dry run tells each row's fault; a file
// with a bad row is refused and writes nothing; the good file is written.
func TestLedgerImportAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.f
		c := mustJSON[store.LedgerCampaign](t, e.do(t, "POST", "/api/v1/ledger/campaigns", "leader",
			map[string]any{"title": "大排查", "unit_id": f.Street.ID, "deadline": "2026-04-01T00:00:00Z"}), http.StatusCreated)
		path := "/api/v1/ledger/campaigns/" + itoa(c.ID) + "/import"
		good := ledgerXLSX(t, []any{1, "楼道堆物", "安全隐患", "一般", "3号楼", "第一网格", "海湖社区", "2026-03-20"})
		bad := ledgerXLSX(t, []any{1, "楼道堆物", "安全隐患", "特别", "3号楼", "第一网格", "", ""})
		res := mustJSON[grids.ImportResult](t, e.do(t, "POST", path, "grid_worker", map[string]any{"xlsx": bad, "dry_run": true}), http.StatusOK)
		if res.Bad != 1 || res.Rows[0].Fault == nil || res.Rows[0].Fault.Reason != "grid_import_severity" {
			t.Fatalf("dry run %+v", res)
		}
		mustStatus(t, e.do(t, "POST", path, "grid_worker", map[string]any{"xlsx": bad}), http.StatusBadRequest)
		res = mustJSON[grids.ImportResult](t, e.do(t, "POST", path, "grid_worker", map[string]any{"xlsx": good}), http.StatusCreated)
		if res.Written != 1 || len(res.IDs) != 1 {
			t.Fatalf("import %+v", res)
		}
	})
}

func init() {
	// Grid workers' reports, checks and diaries are field work (walked in
	// this file); the screening ledger and the stations are administration,
	// in the central walks.
	registerWalk("grids", capabilityWalk{casework: []string{"/api/v1/grids/"}})
}
