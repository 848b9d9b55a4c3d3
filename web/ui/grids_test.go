package ui_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/minsheng/minsheng/app/grids"
	"github.com/minsheng/minsheng/grid"
)

var ctxb = context.Background()

// The grid worker's loop through the pages: report with a photo, the
// ticket is dispatched and replied, the check on the phone page closes
// it, today's diary is drafted and submitted, the community comments.
func TestGridPages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		gw := e.signedIn(t, "grid_worker")
		home := gw.get("/grid")
		if home.status != http.StatusOK || !strings.Contains(home.body, "公用设施类") || !strings.Contains(home.body, "不要求打卡") {
			t.Fatalf("home: %d", home.status)
		}
		// A refused report is worded in the page's language from its field.
		r := gw.postFiles("/grid/reports", url.Values{"category": {"P01"}, "description": {"井盖缺失"}}, nil)
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "请填写「地址」") || strings.Contains(r.body, "address is required") {
			t.Fatalf("refused report: %d %s", r.status, between(r.body, `class="ferr"`, "</p>"))
		}
		r = gw.postFiles("/grid/reports", url.Values{"category": {"P01"}, "description": {"海湖路18号井盖缺失"}, "address": {"海湖路18号"},
			"lat": {"36.62"}, "lng": {"101.74"}}, map[string][]byte{"cover.png": pngBytes})
		if r.status != http.StatusOK || !strings.Contains(r.url, "ok=grid_reported") {
			t.Fatalf("report: %d %s", r.status, r.url)
		}
		number := numberRE.FindString(between(r.body, `id="mine"`, "</table>"))
		if number == "" {
			t.Fatalf("my reports lack the ticket")
		}
		svc, f := e.f.Svc, e.f
		if _, err := svc.Dispatch(ctxb, f.Users["dispatcher"], number, f.Community.ID, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Acknowledge(ctxb, f.Users["handler"], number, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Reply(ctxb, f.Users["handler"], number, "已更换井盖"); err != nil {
			t.Fatal(err)
		}
		home = gw.get("/grid")
		m := regexp.MustCompile(`action="(/grid/reports/\d+/check)"`).FindStringSubmatch(home.body)
		if m == nil {
			t.Fatalf("no check form on the phone page")
		}
		r = gw.postFiles(m[1], url.Values{"result": {"pass"}, "note": {"现场已修复"}}, map[string][]byte{"after.png": pngBytes})
		if r.status != http.StatusOK || !strings.Contains(r.url, "ok=grid_checked_pass") {
			t.Fatalf("check: %d %s", r.status, r.url)
		}
		v, _ := svc.GetTicket(ctxb, f.Users["dispatcher"], number)
		if v.Ticket.Status != "closed" || len(v.Attachments) != 2 {
			t.Fatalf("ticket %s with %d files", v.Ticket.Status, len(v.Attachments))
		}
		rp := gw.get(strings.TrimSuffix(m[1], "/check"))
		if rp.status != http.StatusOK || !strings.Contains(rp.body, "已结案") || !strings.Contains(rp.body, "现场核查") {
			t.Fatalf("report page: %d", rp.status)
		}

		d := gw.get("/grid/diary")
		if !strings.Contains(d.body, "巡查上报（1）") || !strings.Contains(d.body, "现场核查（1）") {
			t.Fatalf("the diary is not drafted from the day:\n%s", between(d.body, "<textarea", "</textarea>"))
		}
		text := unescapeText(between(d.body, `id="diary-text" rows="16" maxlength="4000">`, "</textarea>"))
		r = gw.post("/grid/diary", url.Values{"text": {text + "居民反映路灯昏暗。"}, "do": {"submit"}})
		if r.status != http.StatusOK || !strings.Contains(r.body, "居民反映路灯昏暗") || !strings.Contains(r.body, "已提交") {
			t.Fatalf("submit diary: %d", r.status)
		}
		h := e.signedIn(t, "handler")
		list := h.get("/grid/diaries")
		m = regexp.MustCompile(`href="(/grid/diaries/\d+)"`).FindStringSubmatch(list.body)
		if m == nil {
			t.Fatalf("the community does not see the diary")
		}
		r = h.post(m[1], url.Values{"action": {"comment"}, "note": {"请继续跟踪路灯"}})
		if r.status != http.StatusOK || !strings.Contains(r.body, "请继续跟踪路灯") {
			t.Fatalf("comment: %d", r.status)
		}
		// In English, the same refusal is worded in English.
		en := e.signedIn(t, "handler")
		req, _ := http.NewRequest("POST", e.srv.URL+m[1], strings.NewReader(url.Values{"action": {"comment"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept-Language", "en")
		rr := en.do(req)
		if rr.status != http.StatusBadRequest || !strings.Contains(rr.body, "Please fill in the note.") {
			t.Fatalf("english refusal: %d %s", rr.status, between(rr.body, `class="ferr"`, "</p>"))
		}
		if fig := h.get("/grid/figures"); fig.status != http.StatusOK || !strings.Contains(fig.body, `id="pass-rate">100.0%`) {
			t.Fatalf("figures: %d %s", fig.status, between(fig.body, `id="report-figures"`, "</p>"))
		}
	})
}

// The ledger's pages: a campaign, its progress, an item ticked off by
// another person on its page, the XLSX export and the public summary.
func TestLedgerPages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.f
		s := grids.New(f.Svc.Kit(), f.Svc)
		leader := e.signedIn(t, "leader")
		r := leader.post("/ledger", url.Values{"title": {"安全隐患大排查"}, "unit_id": {itoa(f.Street.ID)}, "deadline": {"2026-03-31"}})
		m := regexp.MustCompile(`/ledger/campaigns/(\d+)`).FindStringSubmatch(r.url)
		if r.status != http.StatusOK || m == nil {
			t.Fatalf("campaign: %d %s", r.status, r.url)
		}
		page := "/ledger/campaigns/" + m[1]
		gw := e.signedIn(t, "grid_worker")
		for _, p := range []string{"楼道堆物", "消防通道堵塞", "电动车楼道充电"} {
			r = gw.post(page+"/items", url.Values{"problem": {p}, "place": {"3号楼"}, "unit_id": {itoa(f.Grid.ID)}, "severity": {"normal"}})
			if r.status != http.StatusOK {
				t.Fatalf("item: %d %s", r.status, between(r.body, `class="ferr"`, "</p>"))
			}
		}
		var campaign int64
		cs, _ := s.ListCampaigns(ctxb, f.Users["leader"])
		campaign = cs[0].ID
		l, _ := s.GetLedger(ctxb, f.Users["leader"], campaign, grids.LedgerQuery{})
		id := l.Items[0].ID
		for _, a := range []struct {
			user string
			in   grids.ItemInput
		}{{"leader", grids.ItemInput{Action: grid.ItemAssign, ResponsibleID: f.Community.ID}}, {"handler", grids.ItemInput{Action: grid.ItemStart}},
			{"handler", grids.ItemInput{Action: grid.ItemSubmit, Note: "已清理"}}} {
			if _, err := s.ActOnItem(ctxb, f.Users[a.user], id, a.in); err != nil {
				t.Fatal(err)
			}
		}
		item := "/ledger/items/" + itoa(id)
		ip := gw.get(item)
		if !strings.Contains(ip.body, `id="act-tick_off"`) {
			t.Fatalf("the grid worker may not tick off on the page")
		}
		r = gw.post(item, url.Values{"action": {"tick_off"}, "note": {""}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "请填写「说明」") {
			t.Fatalf("tick off without evidence: %d", r.status)
		}
		r = gw.post(item, url.Values{"action": {"tick_off"}, "note": {"现场核验通过"}})
		if r.status != http.StatusOK || !strings.Contains(r.body, `id="item-status">已销号`) {
			t.Fatalf("tick off: %d", r.status)
		}
		// The second item becomes a work order from its page; the close of
		// the work order ticks it off.
		second := "/ledger/items/" + itoa(l.Items[1].ID)
		r = gw.post(second, url.Values{"action": {"open_ticket"}, "note": {"请物业尽快清理"}})
		number := numberRE.FindString(between(r.body, `id="item-ticket"`, "</a>"))
		if r.status != http.StatusOK || !strings.Contains(r.url, "ok=item_open_ticket") || number == "" {
			t.Fatalf("open a work order: %d %s", r.status, r.url)
		}
		if r = gw.post(second, url.Values{"action": {"open_ticket"}}); r.status != http.StatusConflict {
			t.Fatalf("a second work order: %d", r.status)
		}
		svc := f.Svc
		for _, err := range []error{
			func() error {
				_, err := svc.Dispatch(ctxb, f.Users["dispatcher"], number, f.Community.ID, "")
				return err
			}(),
			func() error { _, err := svc.Acknowledge(ctxb, f.Users["handler"], number, ""); return err }(),
			func() error { _, err := svc.Reply(ctxb, f.Users["handler"], number, "通道已清理"); return err }(),
			func() error { _, err := svc.Close(ctxb, f.Users["dispatcher"], number, ""); return err }(),
		} {
			if err != nil {
				t.Fatal(err)
			}
		}
		if ip := leader.get(second); !strings.Contains(ip.body, `id="item-status">已销号`) {
			t.Fatalf("the close of the work order did not tick the item off")
		}
		lp := leader.get(page)
		if !strings.Contains(lp.body, "排查发现 3 个问题") || !strings.Contains(lp.body, "已销号 2 个") {
			t.Fatalf("progress: %s", between(lp.body, `id="progress"`, "</p>"))
		}
		x := leader.get(page + "/export")
		wb, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
		if err != nil {
			t.Fatalf("export: %v", err)
		}
		rows, _ := wb.GetRows(wb.GetSheetName(0))
		if len(rows) != 4 || !strings.HasPrefix(strings.Join(rows[0], ","), "序号,问题描述") || !strings.Contains(strings.Join(rows[1], ","), "楼道堆物,,一般,3号楼,第一网格,海湖社区") {
			t.Fatalf("export rows %q", rows)
		}
		pub := e.browser(t).get("/public/ledger/" + m[1])
		if pub.status != http.StatusOK || !strings.Contains(pub.body, "排查发现 3 个问题，已逐个销号 2 个") || !strings.Contains(pub.body, "待交办") ||
			strings.Contains(pub.body, "grid_worker姓名") {
			t.Fatalf("public summary: %d %s", pub.status, between(pub.body, "<main", "</main>"))
		}
	})
}

// unescapeText undoes the escaping of a textarea's content.
func unescapeText(s string) string {
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&", "&#34;", `"`, "&#39;", "'").Replace(s)
}

// The admin uploads grid areas as a GeoJSON file; a bad feature refuses
// the file with a message in the page's language.
func TestGridAreasPage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		admin := e.signedIn(t, "admin")
		if r := admin.get("/admin/grid-areas"); r.status != http.StatusOK {
			t.Fatalf("page: %d", r.status)
		}
		feature := func(code string) string {
			return `{"type":"Feature","properties":{"code":"` + code + `"},"geometry":{"type":"Polygon","coordinates":[[[101.7,36.6],[101.8,36.6],[101.8,36.7],[101.7,36.7],[101.7,36.6]]]}}`
		}
		file := func(fs ...string) map[string][]byte {
			return map[string][]byte{"grids.geojson": []byte(`{"type":"FeatureCollection","features":[` + strings.Join(fs, ",") + `]}`)}
		}
		r := admin.postFiles("/admin/grid-areas", nil, file(feature("haihu-1"), feature("nowhere")))
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "第 1 个要素") || !strings.Contains(r.body, "不在您管辖的范围内") {
			t.Fatalf("bad file: %d %s", r.status, between(r.body, `id="areas-error"`, "</p>"))
		}
		r = admin.postFiles("/admin/grid-areas", nil, file(feature("haihu-1"), feature("haihu")))
		if r.status != http.StatusOK || !strings.Contains(r.body, "已更新 2 个单位的边界") {
			t.Fatalf("upload: %d %s", r.status, between(r.body, `id="areas-done"`, "</p>"))
		}
	})
}

// The micro-station pages: a leader sets up a station with its staff; the
// grid worker takes a request answered on the spot and one referred to the
// centre; a refusal is worded in Chinese and keeps what was typed; the
// public page lists the station with its hours and services and no staff.
func TestStationPages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.f
		leader := e.signedIn(t, "leader")
		r := leader.post("/grid/stations", url.Values{"name": {"海湖社区网格微管站"}, "unit_id": {itoa(f.Community.ID)},
			"address": {"海湖路18号"}, "hours": {"周一至周五 9:00–17:00"}, "services": {""}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "请填写站点提供的服务") || !strings.Contains(r.body, "海湖社区网格微管站") {
			t.Fatalf("a station without services: %d %s", r.status, between(r.body, `class="ferr"`, "</p>"))
		}
		r = leader.post("/grid/stations", url.Values{"name": {"海湖社区网格微管站"}, "unit_id": {itoa(f.Community.ID)},
			"address": {"海湖路18号"}, "hours": {"周一至周五 9:00–17:00"}, "services": {"政策咨询\n开具证明\n"},
			"staff_ids": {itoa(f.Users["grid_worker"].ID)}})
		if r.status != http.StatusOK || !strings.Contains(r.url, "ok=saved") || !strings.Contains(r.body, "grid_worker姓名") {
			t.Fatalf("set up: %d %s %s", r.status, r.url, r.body)
		}
		u, _ := url.Parse(r.url)
		station := u.Path
		gw := e.signedIn(t, "grid_worker")
		r = gw.post(station+"/requests", url.Values{"service": {"政策咨询"}, "description": {""}, "caller_name": {"李桂英"}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "请填写「问题描述」") ||
			!strings.Contains(r.body, "李桂英") {
			t.Fatalf("empty request: %d %s", r.status, between(r.body, `class="ferr"`, "</p>"))
		}
		r = gw.post(station+"/requests", url.Values{"service": {"政策咨询"}, "description": {"咨询高龄津贴怎么申请"}, "caller_name": {"李桂英"},
			"caller_phone": {"13897005678"}, "answer": {"已告知所需材料，当场填写申请表。"}})
		if r.status != http.StatusOK || !strings.Contains(r.url, "ok=station_answered") || !strings.Contains(r.body, "现场办结") {
			t.Fatalf("answered: %d %s", r.status, r.url)
		}
		r = gw.post(station+"/requests", url.Values{"description": {"3号楼楼道灯坏了一个月"}, "caller_name": {"张建国"}, "caller_phone": {"13897001111"}})
		if r.status != http.StatusOK || !strings.Contains(r.url, "ok=station_referred") {
			t.Fatalf("referred: %d %s", r.status, r.url)
		}
		number := numberRE.FindString(between(r.body, `id="recent"`, "</table>"))
		v, err := e.f.Svc.GetTicket(ctxb, f.Users["dispatcher"], number)
		if err != nil || v.Ticket.Channel != "station" || v.Ticket.Status != "registered" {
			t.Fatalf("the referred ticket %s: %+v %v", number, v, err)
		}
		if strings.Contains(r.body, "13897001111") || strings.Contains(r.body, "张建国") {
			t.Errorf("the station page shows a resident's personal data")
		}
		st := leader.get("/grid/stations")
		if !strings.Contains(st.body, "共受理 2 件，现场办结 1 件，转派工单 1 件") {
			t.Fatalf("figures: %s", between(st.body, `id="station-figures"`, "</section>"))
		}
		pub := e.browser(t).get("/public/stations?address=" + url.QueryEscape("海湖路"))
		if pub.status != http.StatusOK || !strings.Contains(pub.body, "周一至周五 9:00–17:00") || !strings.Contains(pub.body, "开具证明") ||
			strings.Contains(pub.body, "grid_worker姓名") || !strings.Contains(pub.body, "已现场办结 1 件") {
			t.Fatalf("public page: %d", pub.status)
		}
	})
}

// The import page: a file with a bad row is previewed with the row's fault
// worded in Chinese, its import writes nothing; the corrected file is
// imported and the ledger counts it.
func TestLedgerImportPage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.f
		s := grids.New(f.Svc.Kit(), f.Svc)
		c, err := s.CreateCampaign(ctxb, f.Users["leader"], grid.NewCampaign{Title: "民生领域大排查", UnitID: f.Street.ID, Deadline: f.Clock.Now().AddDate(0, 0, 30)})
		if err != nil {
			t.Fatal(err)
		}
		page := "/ledger/campaigns/" + itoa(c.ID)
		gw := e.signedIn(t, "grid_worker")
		if r := gw.get(page + "/import"); r.status != http.StatusOK || !strings.Contains(r.body, `id="import-form"`) {
			t.Fatalf("import page: %d", r.status)
		}
		bad := ledgerXLSX(t, []any{1, "楼道堆物", "安全隐患", "一般", "3号楼", "第一网格", "海湖社区", "2026-03-20"},
			[]any{2, "化粪池满溢", "环境卫生", "特别重大", "5号楼", "第一网格", "", ""})
		r := gw.postFiles(page+"/import", url.Values{"do": {"preview"}}, map[string][]byte{"台账.xlsx": bad})
		if r.status != http.StatusOK || !strings.Contains(r.body, "1 行有误（共 2 行）") || !strings.Contains(r.body, "严重程度只能填") {
			t.Fatalf("preview: %d %s", r.status, between(r.body, `id="import-rows"`, "</table>"))
		}
		r = gw.postFiles(page+"/import", url.Values{"do": {"import"}}, map[string][]byte{"台账.xlsx": bad})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "整个文件未写入") {
			t.Fatalf("import with a bad row: %d %s", r.status, between(r.body, `id="import-error"`, "</p>"))
		}
		good := ledgerXLSX(t, []any{1, "楼道堆物", "安全隐患", "一般", "3号楼", "第一网格", "海湖社区", "2026-03-20"},
			[]any{2, "化粪池满溢", "环境卫生", "重大", "5号楼", "haihu-1", "", ""})
		r = gw.postFiles(page+"/import", url.Values{"do": {"import"}}, map[string][]byte{"台账.xlsx": good})
		if r.status != http.StatusOK || !strings.Contains(r.body, "已导入 2 个问题") {
			t.Fatalf("import: %d %s", r.status, between(r.body, `class="card"`, "</p>"))
		}
		if lp := gw.get(page); !strings.Contains(lp.body, "排查发现 2 个问题") {
			t.Fatalf("the ledger after the import: %s", between(lp.body, `id="progress"`, "</p>"))
		}
		if r := gw.postFiles(page+"/import", url.Values{"do": {"preview"}}, map[string][]byte{"x.xlsx": []byte("no")}); r.status != http.StatusBadRequest ||
			!strings.Contains(r.body, "不是 Excel 工作簿") {
			t.Fatalf("not a workbook: %d", r.status)
		}
	})
}

// A campaign with a checklist, set up on the page; a grid worker checks a
// place against it, and the "no" becomes a ledger item; a partial answer
// sheet is refused in Chinese and keeps what was typed.
func TestChecklistPages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.f
		leader := e.signedIn(t, "leader")
		r := leader.post("/ledger", url.Values{"title": {"消防安全大排查"}, "unit_id": {itoa(f.Street.ID)}, "deadline": {"2026-03-31"},
			"checklist": {"消防通道是否畅通\n数字|楼道内停放电动车数量\n"}})
		m := regexp.MustCompile(`/ledger/campaigns/(\d+)`).FindStringSubmatch(r.url)
		if r.status != http.StatusOK || m == nil {
			t.Fatalf("campaign: %d %s", r.status, r.url)
		}
		page := "/ledger/campaigns/" + m[1]
		gw := e.signedIn(t, "grid_worker")
		if lp := gw.get(page); !strings.Contains(lp.body, `id="inspect-form"`) || !strings.Contains(lp.body, "楼道内停放电动车数量") {
			t.Fatalf("no checklist form on the ledger page")
		}
		r = gw.post(page+"/inspections", url.Values{"unit_id": {itoa(f.Grid.ID)}, "place": {"海湖小区3号楼"}, "answer_0": {"no"}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "请回答清单中的每一项") || !strings.Contains(r.body, "海湖小区3号楼") {
			t.Fatalf("partial answers: %d %s", r.status, between(r.body, `class="ferr"`, "</p>"))
		}
		r = gw.post(page+"/inspections", url.Values{"unit_id": {itoa(f.Grid.ID)}, "place": {"海湖小区3号楼"}, "answer_0": {"no"},
			"note_0": {"一楼堆放纸箱"}, "answer_1": {"0"}})
		if r.status != http.StatusOK || !strings.Contains(r.url, "ok=inspected") || !strings.Contains(r.body, "消防通道是否畅通：否。一楼堆放纸箱") ||
			!strings.Contains(r.body, "排查发现 1 个问题") {
			t.Fatalf("inspection: %d %s", r.status, r.url)
		}
	})
}
