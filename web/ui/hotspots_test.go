package ui_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/minsheng/minsheng/app/apptest"
)

func TestHotSpotPage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f, ctx := e.f, context.Background()
		var numbers []string
		for i := range 4 {
			in := apptest.NewTicket()
			in.Title = "海湖路自来水管爆裂"
			in.Description = fmt.Sprintf("海湖路%d号门口自来水管爆裂，路面全是水", 20+i)
			in.CallerPhone = fmt.Sprintf("1380000100%d", i)
			tk, _, err := f.Svc.CreateTicket(ctx, f.Users["agent"], in, "")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.Svc.Dispatch(ctx, f.Users["dispatcher"], tk.Number, f.Community.ID, ""); err != nil {
				t.Fatal(err)
			}
			numbers = append(numbers, tk.Number)
		}
		for _, title := range []string{"咨询社保缴费基数", "小区广场舞噪音扰民"} {
			in := apptest.NewTicket()
			in.Title, in.Description = title, title
			if _, _, err := f.Svc.CreateTicket(ctx, f.Users["agent"], in, ""); err != nil {
				t.Fatal(err)
			}
		}

		leader := e.signedIn(t, "leader")
		r := leader.get("/hotspots")
		if r.status != http.StatusOK {
			t.Fatalf("hot spots: %d\n%s", r.status, r.body)
		}
		row := between(r.body, `id="hotspot-1"`, `</tr>`)
		for _, want := range []string{"海湖路自来水管爆裂", `<b class="hot-count">4</b>`, "新出现", `id="spark-0"`, "/t/" + numbers[0], "4 位来电人"} {
			if !strings.Contains(row, want) {
				t.Errorf("the first hot spot lacks %q:\n%s", want, row)
			}
		}
		for _, phone := range []string{"13800001000", "13800001003", apptest.NewTicket().CallerName} {
			if strings.Contains(r.body, phone) {
				t.Errorf("the board shows the caller's %q", phone)
			}
		}
		if strings.Contains(r.body, `id="hotspot-2"`) {
			t.Error("unrelated calls make a second hot spot")
		}
		if !strings.Contains(r.body, `href="/hotspots"`) || !strings.Contains(r.body, "/static/js/hotspots.js") {
			t.Error("no nav link to the board, or no chart script")
		}
		var chart struct {
			Dates  []string `json:"dates"`
			Trends [][]int  `json:"trends"`
		}
		raw := between(r.body, `<script type="application/json" id="hot-data">`, `</script>`)
		if err := json.Unmarshal([]byte(raw), &chart); err != nil {
			t.Fatalf("chart data: %v: %s", err, raw)
		}
		if len(chart.Dates) != 7 || len(chart.Trends) != 1 || chart.Trends[0][6] != 4 {
			t.Errorf("chart data %+v", chart)
		}

		// In English, over 30 days.
		r = leader.get("/hotspots?days=30", "Accept-Language", "en")
		if r.status != http.StatusOK || !strings.Contains(r.body, `<option value="30" selected>`) || !strings.Contains(r.body, "Hot spots") ||
			!strings.Contains(between(r.body, `id="hotspot-1"`, `</tr>`), "4 callers") {
			t.Errorf("30 days in English: %d", r.status)
		}

		// Another street's handler sees no hot spot and may not open the community's board.
		other := e.signedIn(t, "other_handler")
		r = other.get("/hotspots")
		if r.status != http.StatusOK || strings.Contains(r.body, "自来水管") || !strings.Contains(r.body, `id="hotspots-empty"`) {
			t.Errorf("the other street's board: %d, shows the water main: %v", r.status, strings.Contains(r.body, "自来水管"))
		}
		if r := other.get(fmt.Sprintf("/hotspots?unit_id=%d", f.Community.ID)); r.status != http.StatusNotFound {
			t.Errorf("the other street's handler opens the community's board: %d", r.status)
		}
		if r := leader.get("/hotspots?days=31"); r.status != http.StatusBadRequest {
			t.Errorf("31 days: %d", r.status)
		}
		if r := e.signedIn(t, "agent").get("/hotspots"); r.status != http.StatusForbidden {
			t.Errorf("agent: %d", r.status)
		}
	})
}
