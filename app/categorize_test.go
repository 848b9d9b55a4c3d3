package app_test

import (
	"errors"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/routing"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

// heatingFixture adds a category 供暖 with a deadline rule of 2 working
// days to reply and a routing rule to the department.
func heatingFixture(t *testing.T, f *apptest.Fixture) *ticket.Category {
	t.Helper()
	heat, err := f.Svc.CreateCategory(ctx, kit.System(), app.NewCategory{ParentID: f.Category.ParentID, Code: "city.heating", Name: "供暖"})
	if err != nil {
		t.Fatal(err)
	}
	sla := ticket.SLA{Acknowledge: ticket.Span{WorkingHours: 2}, Reply: ticket.Span{WorkingDays: 2}, Callback: ticket.Span{WorkingDays: 1}}
	if _, err := f.Svc.CreateSLARule(ctx, f.Users["admin"], ticket.SLARule{CategoryID: heat.ID, SLA: sla}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Svc.CreateRoutingRule(ctx, f.Users["admin"], routing.Rule{Name: "供暖：住建局", Priority: 10, CategoryID: heat.ID, UnitID: f.Dept.ID}); err != nil {
		t.Fatal(err)
	}
	return heat
}

func lastEvent(t *testing.T, f *apptest.Fixture, number string) ticket.Event {
	t.Helper()
	v := apptest.MustView(t, f, "dispatcher", number)
	return v.Events[len(v.Events)-1]
}

func TestCategorize(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		u := f.Users
		heat := heatingFixture(t, f)

		// The agent files a registered ticket: an event, and the routing
		// rule of the category suggests its unit.
		tk := f.Register(t)
		got, err := f.Svc.Categorize(ctx, u["agent"], tk.Number, heat.ID, "来电人说的是暖气")
		if err != nil {
			t.Fatal(err)
		}
		if got.CategoryID != heat.ID || got.SuggestedUnitID != f.Dept.ID || got.Status != ticket.StatusRegistered {
			t.Fatalf("after categorize: %+v", got)
		}
		e := lastEvent(t, f, tk.Number)
		if e.Action != ticket.ActionCategorize || e.ActorID != u["agent"].ID || e.Data["category"] != "city.heating" ||
			e.Data["from"] != "" || e.Data["suggested_unit"] != f.Dept.Name || e.Note != "来电人说的是暖气" {
			t.Fatalf("event = %+v", e)
		}
		// The same category again is refused, nothing written.
		if _, err := f.Svc.Categorize(ctx, u["agent"], tk.Number, heat.ID, ""); !fieldErr(err, "category_id") {
			t.Fatalf("same category: %v", err)
		}
		for _, id := range []int64{0, 999999} {
			if _, err := f.Svc.Categorize(ctx, u["agent"], tk.Number, id, ""); !fieldErr(err, "category_id") {
				t.Fatalf("category %d: %v", id, err)
			}
		}
		if n := len(apptest.MustView(t, f, "dispatcher", tk.Number).Events); n != 2 {
			t.Fatalf("%d events after refused changes; want 2", n)
		}

		// Dispatched under the default (7 working days), then corrected by
		// the dispatcher: the deadlines follow 供暖's rule (2 working days
		// from the dispatch).
		d := f.Dispatched(t)
		cal := calendar.China2026()
		if !d.ReplyBy.Equal(ticket.Span{WorkingDays: 7}.From(cal, *d.DispatchedAt)) {
			t.Fatalf("default reply deadline %v", d.ReplyBy)
		}
		if _, err := f.Svc.Categorize(ctx, u["agent"], d.Number, heat.ID, ""); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Fatalf("the agent corrects a dispatched ticket: %v", err)
		}
		f.Clock.Advance(3 * time.Hour)
		c, err := f.Svc.Categorize(ctx, u["dispatcher"], d.Number, heat.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		wantReply := ticket.Span{WorkingDays: 2}.From(cal, *d.DispatchedAt)
		wantAck := ticket.Span{WorkingHours: 2}.From(cal, *d.DispatchedAt)
		if !c.ReplyBy.Equal(wantReply) || !c.AcknowledgeBy.Equal(wantAck) || c.CategoryID != heat.ID {
			t.Fatalf("deadlines after categorize: ack %v reply %v; want %v %v", c.AcknowledgeBy, c.ReplyBy, wantAck, wantReply)
		}
		if e := lastEvent(t, f, d.Number); e.Data["reply_by"] != wantReply.UTC().Format(time.RFC3339) || e.Data["from"] != "" {
			t.Fatalf("event = %+v", e)
		}
		// A second correction names the category it corrects.
		if _, err := f.Svc.Categorize(ctx, u["dispatcher"], d.Number, f.Category.ID, ""); err != nil {
			t.Fatal(err)
		}
		if e := lastEvent(t, f, d.Number); e.Data["from"] != "city.heating" || e.Data["category"] != f.Category.Code {
			t.Fatalf("second correction event = %+v", e)
		}
	})
}

// Dispatching with a category files and dispatches in one transaction:
// two events, and the dispatch's deadlines by the new category.
func TestDispatchWithCategory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		heat := heatingFixture(t, f)
		tk := f.Register(t)
		got, err := f.Svc.DispatchWith(ctx, f.Users["dispatcher"], tk.Number, app.DispatchInput{UnitID: f.Dept.ID, CategoryID: heat.ID, Note: "尽快"})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != ticket.StatusDispatched || got.CategoryID != heat.ID || !got.ReplyBy.Equal(ticket.Span{WorkingDays: 2}.From(calendar.China2026(), *got.DispatchedAt)) {
			t.Fatalf("dispatched = %+v", got)
		}
		v := apptest.MustView(t, f, "dispatcher", tk.Number)
		if n := len(v.Events); n != 3 || v.Events[1].Action != ticket.ActionCategorize || v.Events[2].Action != ticket.ActionDispatch {
			t.Fatalf("events = %+v", v.Events)
		}
		// A bad unit refuses both: the category is not changed either.
		tk2 := f.Register(t)
		if _, err := f.Svc.DispatchWith(ctx, f.Users["dispatcher"], tk2.Number, app.DispatchInput{UnitID: f.District.ID, CategoryID: heat.ID}); !fieldErr(err, "unit_id") {
			t.Fatalf("dispatch to the district: %v", err)
		}
		if v := apptest.MustView(t, f, "dispatcher", tk2.Number); v.Ticket.CategoryID != 0 || len(v.Events) != 1 {
			t.Fatalf("after a refused dispatch: category %d, %d events", v.Ticket.CategoryID, len(v.Events))
		}
	})
}

func fieldErr(err error, field string) bool {
	var e *minsheng.Error
	return errors.As(err, &e) && e.Code == minsheng.EINVALID && e.Field == field
}
