package app_test

import (
	"context"
	"errors"
	"testing"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

// A capability opens a work order inside its own transaction and links it
// to its case: both are there after the commit, neither after a rollback.
// It hears of the ticket's later events in their transactions, and a hook
// that refuses an event refuses the change.
func TestTicketSeam(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		s, k := f.Svc, f.Svc.Kit()
		const visit = 7001 // a visit of a capability that is not the ticket's
		concern := ticket.NewTicket{Title: "独居老人家中漏水", Description: "走访发现卫生间漏水，需要物业维修。",
			Kind: ticket.KindHelp, Address: "海湖小区3号楼", CategoryID: f.Category.ID}
		open := func(fail error) (*ticket.Ticket, error) {
			var tk *ticket.Ticket
			err := k.Write(ctx, func(tx *store.Tx) error {
				if _, err := k.Record(ctx, tx, kit.Change{Actor: f.Users["grid_worker"], Object: "visit", ObjectID: visit, Action: "concern"}); err != nil {
					return err
				}
				var err error
				if tk, err = s.OpenTicketTx(ctx, tx, f.Users["grid_worker"], concern); err != nil {
					return err
				}
				if err := s.LinkTx(ctx, tx, f.Users["grid_worker"], tk, "visit", visit, "opened"); err != nil {
					return err
				}
				return fail
			})
			return tk, err
		}
		failed := errors.New("the visit could not be saved")
		lost, err := open(failed)
		if !errors.Is(err, failed) {
			t.Fatalf("open in a failing transaction: %v", err)
		}
		if _, err := s.GetTicket(ctx, f.Users["dispatcher"], lost.Number); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
			t.Fatalf("the rolled-back ticket %s is there: %v", lost.Number, err)
		}
		tk, err := open(nil)
		if err != nil {
			t.Fatal(err)
		}
		v := mustView(t, f, "dispatcher", tk.Number)
		if v.Ticket.Status != ticket.StatusRegistered || v.Ticket.IntakeUnitID != f.Grid.ID || len(v.Events) != 1 ||
			v.Events[0].ActorID != f.Users["grid_worker"].ID {
			t.Fatalf("opened ticket %+v with events %+v: want registered, taken in at the grid, by the grid worker", v.Ticket, v.Events)
		}
		err = db.Read(ctx, func(tx *store.Tx) error {
			for _, side := range []struct {
				typ string
				id  int64
			}{{"visit", visit}, {"ticket", tk.ID}} {
				links, err := store.ListLinks(ctx, tx, side.typ, side.id)
				if err != nil {
					return err
				}
				if len(links) != 1 || links[0].FromType != "visit" || links[0].ToID != tk.ID || links[0].Relation != "opened" {
					t.Errorf("links of %s %d = %+v, want the one link", side.typ, side.id, links)
				}
			}
			tl, err := store.ListTimeline(ctx, tx, "visit", visit)
			if len(tl) != 1 {
				t.Errorf("visit timeline %+v, want the one committed event", tl)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}

		// The capability follows its ticket: the hook writes to the visit's
		// timeline in the event's transaction, and may refuse a change. Its
		// services are built twice (as for the pages and the jobs): the
		// hook is set twice under its name and still runs once an event.
		refuse := false
		for range 2 {
			s.OnTicketEvent("visits", func(ctx context.Context, tx *store.Tx, x *ticket.Ticket, e *ticket.Event) error {
				if x.ID != tk.ID {
					return nil
				}
				if refuse {
					return minsheng.Errorf(minsheng.ECONFLICT, "the visit is being merged")
				}
				_, err := k.Record(ctx, tx, kit.Change{Actor: kit.System(), Object: "visit", ObjectID: visit, Action: "ticket_" + string(e.Action),
					Data: map[string]string{"ticket": x.Number, "status": string(x.Status)}})
				return err
			})
		}
		ok(t)(s.Dispatch(ctx, f.Users["dispatcher"], tk.Number, f.Street.ID, ""))
		refuse = true
		if _, err := s.Acknowledge(ctx, f.Users["street_handler"], tk.Number, ""); !minsheng.IsCode(err, minsheng.ECONFLICT) {
			t.Fatalf("acknowledge refused by the hook: %v", err)
		}
		if v := mustView(t, f, "dispatcher", tk.Number); v.Ticket.Status != ticket.StatusDispatched {
			t.Fatalf("status %s after a refused acknowledgement, want dispatched", v.Ticket.Status)
		}
		err = db.Read(ctx, func(tx *store.Tx) error {
			tl, err := store.ListTimeline(ctx, tx, "visit", visit)
			if len(tl) != 2 || tl[1].Action != "ticket_dispatch" || tl[1].Data["status"] != string(ticket.StatusDispatched) {
				t.Errorf("visit timeline %+v, want the concern and the dispatch", tl)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}

		// Who may open one: not a leader, nor a disabled account.
		if err := k.Write(ctx, func(tx *store.Tx) error {
			_, err := s.OpenTicketTx(ctx, tx, f.Users["leader"], concern)
			return err
		}); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Errorf("a leader opened a ticket: %v", err)
		}
		if err := k.Write(ctx, func(tx *store.Tx) error {
			bad := concern
			bad.Title, bad.Description = "", ""
			_, err := s.OpenTicketTx(ctx, tx, kit.System(), bad)
			return err
		}); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Errorf("an empty ticket: %v", err)
		}
	})
}

// A capability's reveals of the people it keeps go through RevealTx: each
// needs a reason, is in the audit log under the capability's object, and
// counts toward the same per-user limit as the callers' reveals, so that
// spreading reveals over capabilities does not lift it.
func TestRevealTxIsSharedByCapabilities(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		s, k := f.Svc, f.Svc.Kit()
		agent := f.Users["agent"]
		reveal := func(id int64, reason string) error {
			return k.Write(ctx, func(tx *store.Tx) error {
				return s.RevealTx(ctx, tx, agent, app.Reveal{Object: "person", ObjectID: id, Reason: reason, IP: "192.0.2.7"})
			})
		}
		if err := reveal(1, " "); minsheng.ErrorCode(err) != minsheng.EINVALID {
			t.Fatalf("reveal without a reason: %v", err)
		}
		for i := range app.RevealLimit - 1 {
			if err := reveal(int64(i+1), "上门走访前核对"); err != nil {
				t.Fatalf("reveal %d: %v", i+1, err)
			}
		}
		tk := f.Dispatched(t)
		if _, err := s.RevealCaller(ctx, agent, tk.Number, "回访来电人", "192.0.2.7"); err != nil {
			t.Fatalf("the last reveal within the limit: %v", err)
		}
		if err := reveal(99, "上门走访前核对"); minsheng.ErrorCode(err) != minsheng.ERATELIMIT {
			t.Fatalf("reveal past the limit: %v; want rate limited", err)
		}
		var entries []store.AuditEntry
		err := db.Read(ctx, func(tx *store.Tx) error {
			var err error
			entries, err = store.ListAudit(ctx, tx, "person", 1)
			return err
		})
		if err != nil || len(entries) != 1 || entries[0].Action != "reveal_personal" || entries[0].ActorID != agent.ID {
			t.Fatalf("audit of person 1: %+v, %v", entries, err)
		}
	})
}
