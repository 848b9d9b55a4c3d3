package ui_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/ticket"
)

// history gives the fixture four tickets on Monday 2 March 2026 between
// 09:00 and 10:00, and boundaries for the map:
//
//	0 to the community (兴海路街道), category 物业管理: acknowledged, replied, resolved and satisfied, closed; at a point
//	1 to 虎台街道: acknowledged, in hand
//	2 invalid
//	3 to the community: dispatched, not acknowledged; at a point
func history(t *testing.T, e *env) [4]string {
	t.Helper()
	f, ctx := e.f, context.Background()
	u := f.Users
	for _, b := range []struct {
		id   int64
		area []byte
	}{
		{f.District.ID, box(36.60, 101.70, 36.65, 101.78)},
		{f.Street.ID, box(36.60, 101.70, 36.65, 101.76)},
		{f.Community.ID, box(36.61, 101.72, 36.64, 101.755)},
		{f.OtherStreet.ID, box(36.60, 101.76, 36.65, 101.78)},
	} {
		if err := f.Svc.SetBoundary(ctx, u["admin"], b.id, b.area); err != nil {
			t.Fatal(err)
		}
	}
	must := func(_ *ticket.Ticket, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	create := func(lat, lng float64, cat int64) string {
		t.Helper()
		in := apptest.NewTicket()
		if lat != 0 {
			in.Lat, in.Lng = &lat, &lng
		}
		in.CategoryID = cat
		tk, _, err := f.Svc.CreateTicket(ctx, u["agent"], in, "")
		if err != nil {
			t.Fatal(err)
		}
		return tk.Number
	}
	var n [4]string
	yes := true
	n[0] = create(36.62, 101.73, f.Category.ID)
	must(f.Svc.Dispatch(ctx, u["dispatcher"], n[0], f.Community.ID, ""))
	f.Clock.Advance(10 * time.Minute)
	must(f.Svc.Acknowledge(ctx, u["handler"], n[0], ""))
	must(f.Svc.Reply(ctx, u["handler"], n[0], "已修好"))
	must(f.Svc.Callback(ctx, u["agent"], n[0], app.CallbackResult{Resolved: &yes, Satisfaction: ticket.Satisfied}))
	must(f.Svc.Close(ctx, u["dispatcher"], n[0], ""))
	n[1] = create(0, 0, 0)
	must(f.Svc.Dispatch(ctx, u["dispatcher"], n[1], f.OtherStreet.ID, ""))
	must(f.Svc.Acknowledge(ctx, u["other_handler"], n[1], ""))
	n[2] = create(0, 0, 0)
	must(f.Svc.Invalidate(ctx, u["agent"], n[2], "测试电话"))
	n[3] = create(36.63, 101.74, 0)
	must(f.Svc.Dispatch(ctx, u["dispatcher"], n[3], f.Community.ID, ""))
	return n
}

const marchQ = "from=2026-03-01&to=2026-03-31"

func TestDashboardPages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		history(t, e)
		f := e.f
		leader := e.signedIn(t, "leader")
		r := leader.get("/dashboard?" + marchQ)
		if r.status != http.StatusOK {
			t.Fatalf("dashboard: %d\n%s", r.status, r.body)
		}
		for _, want := range []string{`id="freshness"`, "实时", `id="chart-intake"`, `id="chart-heat"`, `id="chart-funnel"`,
			`id="kpi-closure"`, "33.33%", "1/3", f.Street.Name, f.OtherStreet.Name, `id="dash-data"`, "/static/vendor/echarts.min.js",
			"/tickets?unit=" + strconv.FormatInt(f.Street.ID, 10) + "&amp;created_from=2026-03-01&amp;created_to=2026-03-31"} {
			if !strings.Contains(r.body, want) {
				t.Errorf("the leader's dashboard lacks %q", want)
			}
		}
		// Every link of the dashboard with a query keeps its parameters
		// apart (a query string escaped into one parameter, "from%3d…",
		// listed tickets of every month), and the list behind the 受理量
		// tile and behind each category row holds exactly that many tickets.
		for _, m := range regexp.MustCompile(`href="(/[^"?]*\?[^"]*)"`).FindAllStringSubmatch(r.body, -1) {
			if !strings.HasPrefix(m[1], "/lang/") && strings.Contains(strings.ToLower(m[1]), "%3d") {
				t.Errorf("link %s: its query is escaped into one parameter", m[1])
			}
		}
		count := func(link string) int {
			t.Helper()
			lr := leader.get(strings.ReplaceAll(link, "&amp;", "&"))
			if lr.status != http.StatusOK {
				t.Fatalf("%s: %d", link, lr.status)
			}
			return strings.Count(lr.body, `<a class="num" href="/t/`)
		}
		kpi := regexp.MustCompile(`id="kpi-received" href="([^"]+)"><b class="kpi-v">(\d+)</b>`).FindStringSubmatch(r.body)
		if kpi == nil {
			t.Fatal("no 受理量 tile with a link")
		}
		if n, _ := strconv.Atoi(kpi[2]); count(kpi[1]) != n {
			t.Errorf("the 受理量 tile says %d; its list %s holds %d", n, kpi[1], count(kpi[1]))
		}
		rows := regexp.MustCompile(`<tr><td><a href="(/tickets\?[^"]*category=[^"]+)">[^<]*</a></td><td class="n">(\d+)</td>`).FindAllStringSubmatch(r.body, -1)
		if len(rows) == 0 {
			t.Error("no category rows with links")
		}
		for _, row := range rows {
			if n, _ := strconv.Atoi(row[2]); count(row[1]) != n {
				t.Errorf("a category row says %d; its list %s holds %d", n, row[1], count(row[1]))
			}
		}

		// The chart data: the funnel starts with the 3 valid requests, the
		// heat map has the 4 tickets on Monday at 9.
		var chart struct {
			Funnel []struct{ Value int64 } `json:"funnel"`
			Heat   [7][24]int64            `json:"heat"`
			Units  []struct{ Name string } `json:"units"`
		}
		raw := between(r.body, `<script type="application/json" id="dash-data">`, `</script>`)
		if err := json.Unmarshal([]byte(raw), &chart); err != nil {
			t.Fatalf("chart data: %v: %s", err, raw)
		}
		if len(chart.Funnel) != 5 || chart.Funnel[0].Value != 3 || chart.Heat[1][9] != 4 || len(chart.Units) != 2 {
			t.Errorf("chart data: %+v", chart)
		}

		// A handler sees their unit's dashboard, and no other.
		handler := e.signedIn(t, "handler")
		r = handler.get("/dashboard?" + marchQ)
		if r.status != http.StatusOK || !strings.Contains(r.body, f.Community.Name) || strings.Contains(r.body, f.OtherStreet.Name) {
			t.Errorf("the handler's dashboard: %d, names the other street: %v", r.status, strings.Contains(r.body, f.OtherStreet.Name))
		}
		for _, id := range []int64{f.District.ID, f.OtherStreet.ID, f.Street.ID} {
			if r := handler.get(fmt.Sprintf("/dashboard?unit_id=%d&%s", id, marchQ)); r.status != http.StatusNotFound {
				t.Errorf("the community's handler opens unit %d's dashboard: %d", id, r.status)
			}
			if r := handler.get(fmt.Sprintf("/dashboard/export/rates-unit.csv?unit_id=%d&%s", id, marchQ)); r.status != http.StatusNotFound {
				t.Errorf("the community's handler exports unit %d's rates: %d", id, r.status)
			}
		}
		other := e.signedIn(t, "other_handler")
		if r := other.get("/map?" + marchQ); r.status != http.StatusOK || strings.Contains(r.body, f.Community.Name) {
			t.Errorf("the other street's map: %d, shows the community: %v", r.status, strings.Contains(r.body, f.Community.Name))
		}
		// Agents have no dashboard; without a session the page asks to sign in.
		agent := e.signedIn(t, "agent")
		for _, path := range []string{"/dashboard", "/map", "/report", "/dashboard/export/rates-unit.csv"} {
			if r := agent.get(path); r.status != http.StatusForbidden {
				t.Errorf("agent %s: %d", path, r.status)
			}
			if r := e.browser(t).get(path); r.status != http.StatusOK || !strings.Contains(r.url, "/login?next=") {
				t.Errorf("anonymous %s: %d at %s", path, r.status, r.url)
			}
		}
		for _, c := range []struct{ path, want string }{
			{"/map?" + marchQ, `id="needs-map"`},
			{"/report?month=2026-03", `id="report-summary"`},
			{"/dashboard?period=last_month", `class="on"`},
		} {
			r := leader.get(c.path)
			if r.status != http.StatusOK || !strings.Contains(r.body, c.want) {
				t.Errorf("%s: %d, lacks %q", c.path, r.status, c.want)
			}
		}
		r = leader.get("/report?month=2026-03")
		if !strings.Contains(r.body, "城西区 2026年3月民生诉求办理情况月报") || !strings.Contains(r.body, "办结率 33.33%（1/3）") {
			t.Errorf("report:\n%s", between(r.body, `<article`, `</article>`))
		}
		// In English too.
		for _, path := range []string{"/dashboard?" + marchQ, "/map?" + marchQ, "/report?month=2026-03", "/stats?month=2026-03", "/tickets?hour=33&unit=1"} {
			r := leader.get(path, "Accept-Language", "en-GB,en")
			if r.status != http.StatusOK || !strings.Contains(r.body, `lang="en"`) || strings.Contains(r.body, "%!") {
				t.Errorf("%s in English: %d, a bad format: %v", path, r.status, strings.Contains(r.body, "%!"))
			}
		}
		for _, bad := range []string{"/dashboard?from=2026-3-1", "/dashboard?from=2026-03-10&to=2026-03-01", "/report?month=2026-13", "/report?month=2027-01",
			"/map?measure=colour", "/dashboard/export/rates-unit.pdf", "/dashboard/export/nothing.csv"} {
			if r := leader.get(bad); r.status != http.StatusBadRequest && r.status != http.StatusNotFound {
				t.Errorf("%s: %d", bad, r.status)
			}
		}
	})
}

// between returns the text between two markers.
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i+len(from):]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}

func TestDrillDownLists(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		n := history(t, e)
		f := e.f
		leader := e.signedIn(t, "leader")
		list := func(q string) []string {
			t.Helper()
			r := leader.get("/tickets?" + q)
			if r.status != http.StatusOK {
				t.Fatalf("/tickets?%s: %d\n%s", q, r.status, r.body)
			}
			return numberRE.FindAllString(between(r.body, "<tbody>", "</tbody>"), -1)
		}
		same := func(q string, want ...string) {
			t.Helper()
			got := list(q)
			seen := map[string]bool{}
			for _, g := range got {
				seen[g] = true
			}
			if len(seen) != len(want) {
				t.Errorf("/tickets?%s lists %v, want %v", q, got, want)
				return
			}
			for _, w := range want {
				if !seen[w] {
					t.Errorf("/tickets?%s lists %v, want %v", q, got, want)
				}
			}
		}
		day := "created_from=2026-03-02&created_to=2026-03-02"
		same(fmt.Sprintf("unit=%d&%s", f.Street.ID, day), n[0], n[3])
		same(fmt.Sprintf("unit=%d&%s", f.District.ID, day), n[0], n[1], n[2], n[3])
		same("created_from=2026-03-03")
		same("hour=33", n[0], n[1], n[2], n[3]) // Monday 9:00
		same("hour=34")
		same("box=36.61,101.72,36.64,101.755", n[0], n[3])
		same("box=36.625,101.72,36.64,101.755", n[3])
		same(fmt.Sprintf("place=%d", f.Community.ID), n[0], n[3])
		same(fmt.Sprintf("place=%d,%d", f.Grid.ID, f.OtherStreet.ID))
		same(fmt.Sprintf("category=%d", f.Category.ParentID), n[0])
		same(fmt.Sprintf("category=%d&status=closed", f.Category.ParentID), n[0])
		same(fmt.Sprintf("category=%d&status=invalid", f.Category.ParentID))
		// The map's clusters list the tickets they count: by place without
		// a category, by box with one.
		var m app.MapData
		for _, c := range []struct {
			query   string
			located int64
		}{{"", 2}, {fmt.Sprintf("&category_id=%d", f.Category.ParentID), 1}} {
			r := leader.get("/api/v1/stats/map?from=2026-03-01&to=2026-03-31" + c.query)
			if err := json.Unmarshal([]byte(r.body), &m); err != nil || m.Located != c.located || len(m.Clusters) != 1 {
				t.Fatalf("map%s: %d %v %+v", c.query, r.status, err, m)
			}
			cl := m.Clusters[0]
			q := fmt.Sprintf("created_from=2026-03-01&created_to=2026-03-31&box=%f,%f,%f,%f", cl.Box[0], cl.Box[1], cl.Box[2], cl.Box[3])
			if len(cl.Places) > 0 {
				q = fmt.Sprintf("created_from=2026-03-01&created_to=2026-03-31&place=%d", cl.Places[0])
			}
			if c.query != "" {
				q += fmt.Sprintf("&category=%d", f.Category.ParentID)
			}
			uniq := map[string]bool{}
			got := list(q)
			for _, n := range got {
				uniq[n] = true
			}
			if int64(len(uniq)) != cl.Count {
				t.Errorf("cluster of %d%s lists %v", cl.Count, c.query, got)
			}
		}
		r := leader.get(fmt.Sprintf("/tickets?unit=%d&hour=33", f.Street.ID))
		for _, want := range []string{`id="drill-filters"`, f.Street.Name + "（含下级）", "周一 9:00–10:00 受理", `name="hour" value="33"`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("the drill-down list lacks %q", want)
			}
		}
		handler := e.signedIn(t, "handler")
		if r := handler.get(fmt.Sprintf("/tickets?unit=%d", f.OtherStreet.ID)); r.status != http.StatusBadRequest {
			t.Errorf("the community's handler lists another street's tickets: %d", r.status)
		}
		for _, bad := range []string{"hour=168", "hour=x", "box=1,2,3", "box=50,0,40,1", "created_from=2026-02-30", "unit=x", "category=999999", "place=x"} {
			if r := leader.get("/tickets?" + bad); r.status != http.StatusBadRequest {
				t.Errorf("/tickets?%s: %d", bad, r.status)
			}
		}
	})
}

func TestPublicStatsPage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		n := history(t, e)
		f := e.f
		anon := e.browser(t)
		r := anon.get("/stats?month=2026-03")
		if r.status != http.StatusOK || !strings.Contains(r.url, "/stats") {
			t.Fatalf("public figures: %d at %s", r.status, r.url)
		}
		for _, want := range []string{"2026年3月，城西区共受理群众诉求 4 件，办结 1 件，办结率 33.33%。", f.Street.Name, f.OtherStreet.Name,
			`id="chart-trend"`, `id="stats-data"`, "/stats/export/stats.xlsx?month=2026-03"} {
			if !strings.Contains(r.body, want) {
				t.Errorf("the public page lacks %q", want)
			}
		}
		in := apptest.NewTicket()
		personal := []string{in.CallerName, in.CallerPhone, "王**", "138****1234", in.Address, n[0], n[1], f.Users["handler"].Name,
			f.Users["agent"].Name, "已修好"}
		for _, p := range personal {
			if strings.Contains(r.body, p) {
				t.Errorf("the public page shows %q", p)
			}
		}
		if cc := r.hdr.Get("Cache-Control"); !strings.Contains(cc, "public") {
			t.Errorf("Cache-Control %q", cc)
		}
		// The export holds the same figures, and no more.
		x := anon.get("/stats/export/stats.csv?month=2026-03")
		if x.status != http.StatusOK || !strings.HasPrefix(x.body, "\uFEFF") {
			t.Fatalf("public export: %d %q", x.status, x.body[:min(20, len(x.body))])
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(x.body, "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		last := rows[len(rows)-1]
		if len(rows) != 6 || rows[4][0] != "未分派 / 其他" || rows[4][1] != "1" || last[0] != "城西区合计" || last[1] != "4" || last[2] != "1" || last[3] != "33.33%" || last[4] != "1" || last[5] != "3" {
			t.Errorf("public export: %v", rows)
		}
		for _, p := range personal {
			if strings.Contains(x.body, p) {
				t.Errorf("the public export shows %q", p)
			}
		}
		// Signed-in staff see the page too, but it is not cached for all.
		if r := e.signedIn(t, "leader").get("/stats?month=2026-03"); r.status != http.StatusOK || strings.Contains(r.hdr.Get("Cache-Control"), "public") {
			t.Errorf("staff's public page: %d %q", r.status, r.hdr.Get("Cache-Control"))
		}
		if r := anon.get("/stats"); r.status != http.StatusOK {
			t.Errorf("the default month: %d", r.status)
		}
		if r := anon.get("/stats?month=2030-01"); r.status != http.StatusBadRequest {
			t.Errorf("a future month: %d", r.status)
		}
	})
}

// TestExportsParseBack opens the exports as a spreadsheet program would and
// compares their cells with the JSON API's figures.
func TestExportsParseBack(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		n := history(t, e)
		f := e.f
		leader := e.signedIn(t, "leader")
		q := fmt.Sprintf("unit_id=%d&%s", f.District.ID, marchQ)
		api := leader.get("/api/v1/stats/rates?by=unit&" + q)
		var rep app.RatesReport
		if err := json.Unmarshal([]byte(api.body), &rep); err != nil || api.status != http.StatusOK {
			t.Fatalf("rates: %d %v", api.status, err)
		}
		want := map[string]app.RatesRow{"合计": rep.Total, "上期合计": rep.Previous}
		for _, r := range rep.Rows {
			want[r.Label] = r
		}
		check := func(format string, rows [][]string) {
			t.Helper()
			head := rows[0]
			col := map[string]int{}
			for i, h := range head {
				col[h] = i
			}
			if head[0] != "单位" || col["受理量"] != 1 || col["办结率"] == 0 || col["已结案"] == 0 || col["有效受理"] == 0 || col["满意率"] == 0 {
				t.Fatalf("%s header: %v", format, head)
			}
			if len(rows) != len(want)+1 {
				t.Fatalf("%s: %d rows, want %d: %v", format, len(rows)-1, len(want), rows)
			}
			for _, row := range rows[1:] {
				w, ok := want[row[0]]
				if !ok {
					t.Errorf("%s: row %q is not in the JSON", format, row[0])
					continue
				}
				cl := w.Rates.Closure
				pct := ""
				if cl.Value != nil {
					pct = fmt.Sprintf("%.2f%%", 100**cl.Value)
				}
				if row[col["受理量"]] != strconv.FormatInt(w.Counts.Received, 10) || row[col["已结案"]] != strconv.FormatInt(cl.Numerator, 10) ||
					row[col["有效受理"]] != strconv.FormatInt(cl.Denominator, 10) || row[col["办结率"]] != pct {
					t.Errorf("%s row %q: %v; JSON received %d closure %d/%d %s", format, row[0], row, w.Counts.Received, cl.Numerator, cl.Denominator, pct)
				}
			}
		}

		x := leader.get("/dashboard/export/rates-unit.xlsx?" + q)
		if x.status != http.StatusOK || x.hdr.Get("Content-Type") != app.ContentType("xlsx") ||
			!strings.Contains(x.hdr.Get("Content-Disposition"), "attachment") {
			t.Fatalf("xlsx: %d %q %q", x.status, x.hdr.Get("Content-Type"), x.hdr.Get("Content-Disposition"))
		}
		wb, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
		if err != nil {
			t.Fatalf("open the workbook: %v", err)
		}
		sheet := wb.GetSheetName(0)
		rows, err := wb.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		check("xlsx", rows)
		// Rates are numbers formatted as percentages, not text.
		cell, _ := excelize.CoordinatesToCellName(6, 2)
		if v, _ := wb.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true}); !strings.HasPrefix(v, "0.") && v != "1" && v != "" {
			t.Errorf("%s holds %q, want a fraction", cell, v)
		}
		if typ, _ := wb.GetCellType(sheet, "B2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("B2 is of type %v, want a number", typ)
		}
		wb.Close()

		c := leader.get("/dashboard/export/rates-unit.csv?" + q)
		if c.status != http.StatusOK || !strings.HasPrefix(c.body, "\uFEFF") || !strings.HasPrefix(c.hdr.Get("Content-Type"), "text/csv") {
			t.Fatalf("csv: %d %q", c.status, c.hdr.Get("Content-Type"))
		}
		crows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(c.body, "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		check("csv", crows)

		// Rankings: the same places as the JSON.
		var rank struct {
			Rows []app.RankRow `json:"rows"`
		}
		json.Unmarshal([]byte(leader.get("/api/v1/stats/rankings?min_volume=2&"+q).body), &rank)
		x = leader.get("/dashboard/export/rankings.xlsx?min_volume=2&" + q)
		wb, err = excelize.OpenReader(bytes.NewReader([]byte(x.body)))
		if err != nil {
			t.Fatalf("rankings workbook: %d %v", x.status, err)
		}
		rows, _ = wb.GetRows(wb.GetSheetName(0))
		wb.Close()
		if len(rows) != len(rank.Rows)+1 {
			t.Fatalf("rankings: %v vs %+v", rows, rank.Rows)
		}
		for i, r := range rank.Rows {
			place := ""
			if r.Place > 0 {
				place = strconv.Itoa(r.Place)
			}
			if rows[i+1][0] != place || rows[i+1][1] != r.Label || rows[i+1][3] != strconv.FormatInt(r.Counts.Received, 10) {
				t.Errorf("rankings row %d: %v, JSON %d %s %d", i, rows[i+1], r.Place, r.Label, r.Counts.Received)
			}
		}

		// Ticket lists: the filtered tickets, without the caller.
		x = leader.get(fmt.Sprintf("/tickets/export/tickets.xlsx?unit=%d&created_from=2026-03-01", f.Street.ID))
		wb, err = excelize.OpenReader(bytes.NewReader([]byte(x.body)))
		if err != nil {
			t.Fatalf("tickets workbook: %d %v", x.status, err)
		}
		rows, _ = wb.GetRows(wb.GetSheetName(0))
		wb.Close()
		got := map[string]bool{}
		for _, r := range rows[1:] {
			got[r[0]] = true
		}
		if len(rows) != 3 || !got[n[0]] || !got[n[3]] || rows[0][0] != "工单号" {
			t.Errorf("tickets export: %v", rows)
		}
		in := apptest.NewTicket()
		c = leader.get(fmt.Sprintf("/tickets/export/tickets.csv?unit=%d", f.District.ID))
		for _, p := range []string{in.CallerName, in.CallerPhone, "138****1234"} {
			if strings.Contains(c.body, p) || strings.Contains(x.body, p) {
				t.Errorf("the ticket export shows the caller's %q", p)
			}
		}
		if crows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(c.body, "\uFEFF"))).ReadAll(); err != nil || len(crows) != 5 {
			t.Errorf("tickets csv: %v %v", crows, err)
		}
	})
}
