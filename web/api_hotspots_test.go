package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
)

// hotSpotTickets registers, as the agent, four calls from four callers
// about the same broken water main, dispatched to the community, and three
// unrelated calls.
func hotSpotTickets(t *testing.T, e *env) {
	t.Helper()
	for i := range 4 {
		in := apptest.NewTicket()
		in.Title = "海湖路自来水管爆裂"
		in.Description = fmt.Sprintf("海湖路%d号门口自来水管爆裂，路面全是水", 20+i)
		in.CallerPhone = fmt.Sprintf("1380000100%d", i)
		tk := e.create(t, "agent", in)
		e.act(t, "dispatcher", tk.Number, "dispatch", map[string]any{"unit_id": e.f.Community.ID})
	}
	for _, title := range []string{"咨询社保缴费基数", "小区广场舞噪音扰民", "建议增设公交站"} {
		in := apptest.NewTicket()
		in.Title, in.Description = title, title
		e.create(t, "agent", in)
	}
}

func TestHotSpotsAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		hotSpotTickets(t, e)
		b := mustJSON[app.HotSpotBoard](t, e.do(t, "GET", "/api/v1/hotspots", "leader", nil), http.StatusOK)
		if b.Days != 7 || len(b.Dates) != 7 || b.Requests != 7 || len(b.Spots) != 1 {
			t.Fatalf("board: %d days, %d requests, spots %+v", b.Days, b.Requests, b.Spots)
		}
		sp := b.Spots[0]
		if sp.Rank != 1 || !strings.Contains(sp.Title, "自来水管") || sp.Count != 4 || sp.Callers != 4 || len(sp.Samples) != 4 {
			t.Errorf("spot %q: rank %d, %d requests, %d callers, %d samples", sp.Title, sp.Rank, sp.Count, sp.Callers, len(sp.Samples))
		}
		for _, s := range sp.Samples {
			if strings.Contains(s.CallerPhone, "13800001") || s.CallerName == apptest.NewTicket().CallerName {
				t.Errorf("sample %s shows the caller: %q %q", s.Number, s.CallerName, s.CallerPhone)
			}
		}
		if len(sp.Areas) != 1 || sp.Areas[0].UnitID != e.f.Community.ID {
			t.Errorf("areas %+v, want the community that handles them", sp.Areas)
		}

		// The community's handler sees it; another street's handler does not.
		mine := mustJSON[app.HotSpotBoard](t, e.do(t, "GET", "/api/v1/hotspots?days=30", "handler", nil), http.StatusOK)
		if mine.Unit.ID != e.f.Community.ID || mine.Days != 30 || len(mine.Spots) != 1 || mine.Spots[0].Count != 4 {
			t.Errorf("handler's board: unit %d, %d days, %+v", mine.Unit.ID, mine.Days, mine.Spots)
		}
		other := mustJSON[app.HotSpotBoard](t, e.do(t, "GET", "/api/v1/hotspots", "other_handler", nil), http.StatusOK)
		if len(other.Spots) != 0 || other.Requests != 0 {
			t.Errorf("another street's handler sees %d requests: %+v", other.Requests, other.Spots)
		}
		mustProblem(t, e.do(t, "GET", fmt.Sprintf("/api/v1/hotspots?unit_id=%d", e.f.Community.ID), "other_handler", nil),
			http.StatusBadRequest, "invalid", "unit_id")
		for _, c := range []struct{ query, field string }{
			{"days=0", "days"}, {"days=31", "days"}, {"days=week", "days"}, {"window=7", "window"},
		} {
			mustProblem(t, e.do(t, "GET", "/api/v1/hotspots?"+c.query, "leader", nil), http.StatusBadRequest, "invalid", c.field)
		}
		mustProblem(t, e.do(t, "GET", "/api/v1/hotspots", "", nil), http.StatusUnauthorized, "unauthorized", "")
	})
}
