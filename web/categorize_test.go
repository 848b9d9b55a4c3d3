package web_test

import (
	"net/http"
	"testing"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/ticket"
)

// The JSON API sets and corrects categories: the agent at intake, the
// dispatcher with the dispatch and later; not the agent once dispatched.
func TestCategorizeAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.f
		ctx := t.Context()
		heat, err := f.Svc.CreateCategory(ctx, kit.System(), app.NewCategory{ParentID: f.Category.ParentID, Code: "city.heating", Name: "供暖"})
		if err != nil {
			t.Fatal(err)
		}
		a := f.Register(t)
		tk := mustJSON[ticket.Ticket](t, e.do(t, "POST", "/api/v1/tickets/"+a.Number+"/categorize", "agent",
			map[string]any{"category_id": heat.ID, "note": "暖气不热"}), http.StatusOK)
		if tk.CategoryID != heat.ID || tk.Status != ticket.StatusRegistered {
			t.Fatalf("categorized = %+v", tk)
		}
		mustStatus(t, e.do(t, "POST", "/api/v1/tickets/"+a.Number+"/categorize", "agent", map[string]any{"category_id": heat.ID}), http.StatusBadRequest)

		// Dispatch with a category: filed and dispatched.
		tk = mustJSON[ticket.Ticket](t, e.do(t, "POST", "/api/v1/tickets/"+a.Number+"/dispatch", "dispatcher",
			map[string]any{"unit_id": f.Community.ID, "category_id": f.Category.ID}), http.StatusOK)
		if tk.CategoryID != f.Category.ID || tk.Status != ticket.StatusDispatched {
			t.Fatalf("dispatched = %+v", tk)
		}
		v := e.view(t, "dispatcher", a.Number)
		if n := len(v.Events); n != 4 || v.Events[2].Action != ticket.ActionCategorize || v.Events[3].Action != ticket.ActionDispatch {
			t.Fatalf("events = %+v", v.Events)
		}
		mustStatus(t, e.do(t, "POST", "/api/v1/tickets/"+a.Number+"/categorize", "agent", map[string]any{"category_id": heat.ID}), http.StatusForbidden)
		mustJSON[ticket.Ticket](t, e.do(t, "POST", "/api/v1/tickets/"+a.Number+"/categorize", "dispatcher", map[string]any{"category_id": heat.ID}), http.StatusOK)
	})
}
