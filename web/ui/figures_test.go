package ui_test

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// tableRows returns the rows of the table with the id as label → the
// numbers of its cells (the first cell's text is the label), from the
// page's HTML.
func tableRows(t *testing.T, body, id string) map[string][]string {
	t.Helper()
	table := between(body, `id="`+id+`"`, "</table>")
	if table == "" {
		t.Fatalf("no table #%s", id)
	}
	tag := regexp.MustCompile(`<[^>]+>`)
	out := map[string][]string{}
	for _, tr := range regexp.MustCompile(`(?s)<tr[^>]*>(.*?)</tr>`).FindAllStringSubmatch(table, -1) {
		cells := regexp.MustCompile(`(?s)<t[dh][^>]*>(.*?)</t[dh]>`).FindAllStringSubmatch(tr[1], -1)
		if len(cells) == 0 {
			continue
		}
		var row []string
		for _, c := range cells {
			row = append(row, strings.TrimSpace(tag.ReplaceAllString(c[1], "")))
		}
		out[row[0]] = row[1:]
	}
	return out
}

func num(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(strings.ReplaceAll(s, ",", ""), 10, 64)
	if err != nil {
		t.Fatalf("%q is not a count", s)
	}
	return n
}

// TestFiguresOnPages (issue 13, items 5, 6, 7 and 21): every period of the
// monthly report is labelled with its dates, the equal-length period said
// so; unit tables have a row "未分派 / 其他" that makes them add up to the
// total, and "—" with no "0/0" where a denominator is 0; the funnel never
// widens; the ranking lists only units with enough tickets and states
// the threshold; the intake chart's caption names the days it shows.
func TestFiguresOnPages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		history(t, e)
		f := e.f
		leader := e.signedIn(t, "leader")

		// Item 5: the report of March 2026 (to date: the fixture's today is
		// 2 March) against February.
		r := leader.get("/report?month=2026-03")
		if r.status != http.StatusOK {
			t.Fatalf("report: %d\n%s", r.status, r.body)
		}
		kpis := tableRows(t, r.body, "report-kpis")
		for _, label := range []string{"2026年3月（2026-03-01 至 2026-03-02）", "2026年2月（2026-02-01 至 2026-02-28）"} {
			if _, ok := kpis[label]; !ok {
				t.Errorf("§1 has no row %q: %v", label, kpis)
			}
		}
		units := tableRows(t, r.body, "rates-table")
		for _, label := range []string{"合计 2026-03-01 至 2026-03-02", "上期合计 2026-02-27 至 2026-02-28，与本期等长 2 天"} {
			if _, ok := units[label]; !ok {
				t.Errorf("§2 has no row %q: %v", label, units)
			}
		}
		if !strings.Contains(r.body, "上月 2026年2月（2026-02-01 至 2026-02-28） 受理") {
			t.Errorf("the report's summary does not date the month before")
		}

		// Item 6: the rows add up to the total; the invalid ticket never
		// left the intake and is in "未分派 / 其他".
		var sum int64
		for label, cells := range units {
			if label != "单位" && !strings.HasPrefix(label, "合计") && !strings.HasPrefix(label, "上期合计") {
				sum += num(t, cells[0])
			}
		}
		if other := units["未分派 / 其他"]; len(other) == 0 || other[0] != "1" {
			t.Errorf("§2's row 未分派 / 其他: %v", other)
		}
		if total := units["合计 2026-03-01 至 2026-03-02"]; len(total) == 0 || num(t, total[0]) != sum || sum != 4 {
			t.Errorf("§2's rows add up to %d, the total is %v", sum, total)
		}
		if strings.Contains(r.body, ">0/0<") {
			t.Error("the report shows a rate of 0/0 instead of —")
		}
		if dept := units[f.Dept.Name]; len(dept) < 2 || dept[0] != "0" || dept[1] != "—" {
			t.Errorf("the department received nothing: its row is %v, want 0 and —", dept)
		}

		// Item 21: no unit ranked without enough tickets; the threshold said.
		rank := tableRows(t, r.body, "report-rank")
		if _, ok := rank[f.Dept.Name]; ok {
			t.Errorf("the department with 0 tickets is in the ranking: %v", rank)
		}
		if !strings.Contains(r.body, "排名门槛：本期受理不少于 10 件") {
			t.Error("the report's ranking does not state its threshold")
		}

		// The dashboard: the same rows, the funnel, the ranking, the caption.
		d := leader.get("/dashboard?" + marchQ + "&min_volume=1")
		if d.status != http.StatusOK {
			t.Fatalf("dashboard: %d", d.status)
		}
		if !strings.Contains(d.body, `id="rates-other"`) {
			t.Error("the dashboard's unit table has no row 未分派 / 其他")
		}
		funnel := between(d.body, `id="funnel-table"`, "</table>")
		var stages []int64
		for _, m := range regexp.MustCompile(`<td class="n">([\d,]+)</td>`).FindAllStringSubmatch(funnel, -1) {
			stages = append(stages, num(t, m[1]))
		}
		// Of the 3 valid tickets of March, 3 dispatched, 2 acknowledged,
		// 1 replied, 1 closed.
		if want := []int64{3, 3, 2, 1, 1}; !slices.Equal(stages, want) {
			t.Errorf("the funnel is %v, want %v", stages, want)
		}
		if !strings.Contains(d.body, "同一批工单（2026-03-01 至 2026-03-31 受理的有效工单") {
			t.Error("the funnel does not say which cohort it counts")
		}
		rk := tableRows(t, d.body, "rankings")
		if _, ok := rk[f.Dept.Name]; ok {
			t.Errorf("the dashboard ranks the department with 0 tickets: %v", rk)
		}
		if _, ok := rk["1"]; !ok {
			t.Errorf("the dashboard ranks nobody with a threshold of 1: %v", rk)
		}
		if !strings.Contains(d.body, "排名门槛：本期受理不少于 1 件") || !strings.Contains(d.body, "不参加排名") {
			t.Error("the dashboard's ranking does not state its threshold and the units left out")
		}
		if !strings.Contains(d.body, "2025-04-01 至 2026-03-31，即所选截止日前一年") {
			t.Errorf("the intake caption does not name its days: %s", between(d.body, `id="intake-caption"`, "</p>"))
		}

		// The public page: the district's rows add up with 未分派 / 其他.
		s := e.browser(t).get("/stats?month=2026-03")
		rows := tableRows(t, s.body, "stats-table")
		var pub int64
		for label, cells := range rows {
			if !strings.HasSuffix(label, "合计") && label != "单位" {
				pub += num(t, cells[0])
			}
		}
		if other := rows["未分派 / 其他"]; len(other) == 0 || other[0] != "1" || pub != 4 {
			t.Errorf("the public rows add up to %d (other %v), want 4", pub, other)
		}
	})
}
