package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/text/classify"
	"github.com/minsheng/minsheng/ticket"
)

// selected returns the id of the selected option of the portal's category
// picker ("" for none).
func selected(t *testing.T, body string) string {
	t.Helper()
	m := regexp.MustCompile(`<option value="(\d+)" selected[ >]`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// The resident picks a category on the portal, with the classifier's
// suggestion for what they type preselected until they choose another;
// private categories say they are not published.
func TestPortalCategory(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := e.f
		labour, err := f.Svc.CreateCategory(ctx, kit.System(), app.NewCategory{Code: "labour", Name: "劳动保障"})
		if err != nil {
			t.Fatal(err)
		}
		var ex []classify.Example
		for _, s := range []string{"电梯停运无人维修", "小区电梯故障", "楼道电梯坏了", "电梯困人", "物业不修电梯"} {
			ex = append(ex, classify.Example{Title: s, Label: f.Category.Code})
		}
		for _, s := range []string{"工资拖欠", "社保断缴", "公司不发工资", "劳动合同纠纷", "加班费不给"} {
			ex = append(ex, classify.Example{Title: s, Label: "labour"})
		}
		m, err := classify.Train(ex, classify.DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		b, _ := m.MarshalBinary()
		err = f.DB.Write(ctx, func(tx *store.Tx) error {
			if _, err := store.SaveModel(ctx, tx, app.ModelCategory, b, "{}", f.Clock.Now()); err != nil {
				return err
			}
			return store.SetServiceSettings(ctx, tx, labour.ID, store.ServiceSettings{Private: true, UpdatedAt: f.Clock.Now()})
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Svc.LoadModels(ctx); err != nil {
			t.Fatal(err)
		}
		cat, lab := itoa(f.Category.ID), itoa(labour.ID)
		r := e.browser(t)
		page := r.get("/portal")
		if selected(t, page.body) != "" || !strings.Contains(page.body, "劳动保障 （不公开）") {
			t.Fatalf("portal picker: selected %q, private marked: %v\n%s", selected(t, page.body), strings.Contains(page.body, "（不公开）"), page.body)
		}
		get := func(q url.Values) string {
			t.Helper()
			res := r.get("/portal/category?"+q.Encode(), "HX-Request", "true")
			if res.status != http.StatusOK || strings.Contains(res.body, "<html") {
				t.Fatalf("fragment: %d %s", res.status, res.body)
			}
			return res.body
		}
		frag := get(url.Values{"description": {"我们小区电梯坏了好几天"}})
		if selected(t, frag) != cat || !strings.Contains(frag, `id="portal-category-hint"`) {
			t.Fatalf("suggestion for a lift: %q", selected(t, frag))
		}
		// Typing on: the suggestion follows while it is not the resident's choice.
		frag = get(url.Values{"description": {"公司拖欠工资三个月"}, "category_id": {cat}, "suggested": {cat}})
		if selected(t, frag) != lab {
			t.Fatalf("suggestion after more typing: %q, want %s", selected(t, frag), lab)
		}
		// The resident's own choice stays.
		frag = get(url.Values{"description": {"公司拖欠工资三个月"}, "category_id": {cat}, "suggested": {lab}})
		if selected(t, frag) != cat || strings.Contains(frag, `id="portal-category-hint"`) {
			t.Fatalf("the resident's choice was replaced: %q", selected(t, frag))
		}
		done := r.post("/portal", url.Values{"description": {"公司拖欠工资三个月"}, "caller_phone": {"13912340000"}, "category_id": {lab}})
		number := numberRE.FindString(done.body)
		if number == "" {
			t.Fatalf("submit: %d", done.status)
		}
		v, err := f.Svc.GetTicket(ctx, f.Users["dispatcher"], number)
		if err != nil || v.Ticket.CategoryID != labour.ID {
			t.Fatalf("registered with category %d, %v", v.Ticket.CategoryID, err)
		}
		bad := r.post("/portal", url.Values{"description": {"x"}, "caller_phone": {"13912340001"}, "category_id": {"abc"}})
		if bad.status != http.StatusBadRequest {
			t.Fatalf("a category that is no number: %d", bad.status)
		}
	})
}

// The agent files a registered ticket from its page; the dispatcher
// dispatches with a category (the classifier's or the ticket's own
// preselected) and corrects it later.
func TestCategoryForms(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := e.f
		tk := f.Register(t)
		agent := e.signedIn(t, "agent")
		if page := agent.get("/t/" + tk.Number); !strings.Contains(page.body, `id="form-categorize"`) {
			t.Fatal("the agent's ticket page has no category form")
		}
		r := agent.post("/t/"+tk.Number+"/categorize", url.Values{"category_id": {itoa(f.Category.ID)}})
		if r.status != http.StatusOK || !strings.Contains(r.url, "ok=categorize") {
			t.Fatalf("categorize: %d %s", r.status, r.url)
		}
		r = agent.post("/t/"+tk.Number+"/categorize", url.Values{"category_id": {itoa(f.Category.ID)}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, `id="form-categorize"`) {
			t.Fatalf("the same category again: %d", r.status)
		}
		d := e.signedIn(t, "dispatcher")
		page := d.get("/t/" + tk.Number)
		if !strings.Contains(page.body, `id="form-dispatch"`) || selected(t, page.body[strings.Index(page.body, `id="form-dispatch"`):]) == "" {
			t.Fatal("the dispatch form has no category preselected")
		}
		heat, _ := f.Svc.CreateCategory(ctx, kit.System(), app.NewCategory{ParentID: f.Category.ParentID, Code: "city.heating", Name: "供暖"})
		r = d.post("/t/"+tk.Number+"/dispatch", url.Values{"unit_id": {itoa(f.Community.ID)}, "category_id": {itoa(heat.ID)}})
		if r.status != http.StatusOK {
			t.Fatalf("dispatch: %d", r.status)
		}
		v, _ := f.Svc.GetTicket(ctx, f.Users["dispatcher"], tk.Number)
		if v.Ticket.Status != ticket.StatusDispatched || v.Ticket.CategoryID != heat.ID {
			t.Fatalf("after dispatch: %s, category %d", v.Ticket.Status, v.Ticket.CategoryID)
		}
		if page := d.get("/t/" + tk.Number); !strings.Contains(page.body, `id="form-categorize"`) || !strings.Contains(page.body, "供暖") {
			t.Fatal("the dispatcher cannot correct the category of a dispatched ticket")
		}
		if page := agent.get("/t/" + tk.Number); strings.Contains(page.body, `id="form-categorize"`) {
			t.Fatal("the agent is offered a correction after dispatch")
		}
	})
}
