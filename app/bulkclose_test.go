package app_test

import (
	"testing"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

// resolvedAtIntake registers n tickets and answers them on the call.
func resolvedAtIntake(t *testing.T, f *apptest.Fixture, n int) []string {
	t.Helper()
	var out []string
	for range n {
		tk := f.Register(t)
		if _, err := f.Svc.ResolveAtIntake(ctx, f.Users["agent"], tk.Number, "已告知办理地点和所需材料。"); err != nil {
			t.Fatal(err)
		}
		out = append(out, tk.Number)
	}
	return out
}

func TestQueuePages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		numbers := resolvedAtIntake(t, f, 7)
		var seen []string
		for page := 1; page <= 3; page++ {
			qp, err := f.Svc.ListQueue(ctx, f.Users["dispatcher"], store.QueueCallback, page, 3)
			if err != nil {
				t.Fatal(err)
			}
			if qp.Total != 7 || qp.Pages != 3 || qp.Page != page || len(qp.Tickets) != min(3, 7-(page-1)*3) {
				t.Fatalf("page %d: total %d, pages %d, page %d, %d tickets", page, qp.Total, qp.Pages, qp.Page, len(qp.Tickets))
			}
			for _, tk := range qp.Tickets {
				seen = append(seen, tk.Number)
			}
		}
		// The pages together are the queue, each ticket once, in order.
		if len(seen) != 7 {
			t.Fatalf("seen %v", seen)
		}
		for i := range seen {
			if seen[i] != numbers[i] {
				t.Fatalf("pages in order %v, want %v", seen, numbers)
			}
		}
		// Past the last page: the last.
		if qp, err := f.Svc.ListQueue(ctx, f.Users["dispatcher"], store.QueueCallback, 99, 3); err != nil || qp.Page != 3 || len(qp.Tickets) != 1 {
			t.Fatalf("page 99 = %+v, %v", qp, err)
		}
	})
}

// A bulk close closes each selected ticket in its own transaction, with
// the note on each timeline; a ticket that cannot be closed is reported
// and does not stop the others; a bad request closes nothing.
func TestCloseMany(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		u := f.Users
		numbers := resolvedAtIntake(t, f, 3)
		open := f.Dispatched(t) // not closable: still with the unit
		const note = "直接办结件，来电人已当场获得答复，予以结案。"
		if _, err := f.Svc.CloseMany(ctx, u["dispatcher"], numbers, " "); !fieldErr(err, "note") {
			t.Fatalf("no note: %v", err)
		}
		if _, err := f.Svc.CloseMany(ctx, u["dispatcher"], nil, note); !fieldErr(err, "refs") {
			t.Fatalf("no tickets: %v", err)
		}
		for _, n := range numbers {
			if v := apptest.MustView(t, f, "dispatcher", n); v.Ticket.Status != ticket.StatusResolvedAtIntake {
				t.Fatalf("%s changed by a refused bulk close: %s", n, v.Ticket.Status)
			}
		}
		refs := append([]string{numbers[0], open.Number, numbers[1], "20990101-00001"}, numbers[2], numbers[0])
		res, err := f.Svc.CloseMany(ctx, u["dispatcher"], refs, note)
		if err != nil {
			t.Fatal(err)
		}
		if res.Closed != 3 || res.Refused != 2 || len(res.Tickets) != 5 {
			t.Fatalf("result = %+v", res)
		}
		if o := res.Tickets[1]; o.Closed || o.Error == nil || o.Error.Code != minsheng.ECONFLICT || o.Status != ticket.StatusDispatched {
			t.Fatalf("the dispatched ticket: %+v", o)
		}
		if o := res.Tickets[3]; o.Closed || o.Error == nil || o.Error.Code != minsheng.ENOTFOUND {
			t.Fatalf("the missing ticket: %+v", o)
		}
		for _, n := range numbers {
			v := apptest.MustView(t, f, "dispatcher", n)
			e := v.Events[len(v.Events)-1]
			if v.Ticket.Status != ticket.StatusClosed || e.Action != ticket.ActionClose || e.Note != note || e.Data["bulk"] != "5" || e.ActorID != u["dispatcher"].ID {
				t.Fatalf("%s: %s, last event %+v", n, v.Ticket.Status, e)
			}
		}
		// The agent may not close.
		more := resolvedAtIntake(t, f, 1)
		res, err = f.Svc.CloseMany(ctx, u["agent"], more, note)
		if err != nil || res.Closed != 0 || res.Tickets[0].Error.Code != minsheng.EFORBIDDEN {
			t.Fatalf("the agent's bulk close: %+v, %v", res, err)
		}
	})
}
