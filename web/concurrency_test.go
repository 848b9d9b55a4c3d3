package web_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/ticket"
)

func TestIdempotentCreate(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		key := []string{"Idempotency-Key", "call-20260302-0901"}
		first := e.do(t, "POST", "/api/v1/tickets", "agent", apptest.NewTicket(), key...)
		tk := mustJSON[ticket.Ticket](t, first, http.StatusCreated)
		if first.hdr.Get("Idempotent-Replayed") != "" {
			t.Error("the first answer says it is a replay")
		}
		again := e.do(t, "POST", "/api/v1/tickets", "agent", apptest.NewTicket(), key...)
		replay := mustJSON[ticket.Ticket](t, again, http.StatusOK)
		if replay.Number != tk.Number || again.hdr.Get("Idempotent-Replayed") != "true" ||
			again.hdr.Get("Location") != first.hdr.Get("Location") || replay.CallerPhone != "138****1234" {
			t.Errorf("replay %s (header %q), first %s", replay.Number, again.hdr.Get("Idempotent-Replayed"), tk.Number)
		}

		changed := apptest.NewTicket()
		changed.Title = "另一件事"
		mustProblem(t, e.do(t, "POST", "/api/v1/tickets", "agent", changed, key...), http.StatusUnprocessableEntity, "idempotency_mismatch", "")
		// Keys belong to their user: the dispatcher's same key is a new request.
		mustStatus(t, e.do(t, "POST", "/api/v1/tickets", "dispatcher", apptest.NewTicket(), key...), http.StatusCreated)
		if n := e.count(t); n != 2 {
			t.Fatalf("%d tickets, want 2", n)
		}

		// Twenty clients retrying at once create one ticket.
		const n = 20
		results := make([]*res, n)
		key = []string{"Idempotency-Key", "burst"}
		parallel(n, func(i int) {
			results[i] = e.do(t, "POST", "/api/v1/tickets", "grid_worker", apptest.NewTicket(), key...)
		})
		created, numbers := 0, map[string]bool{}
		for _, r := range results {
			if r.status == http.StatusCreated {
				created++
			}
			tk := mustJSON[ticket.Ticket](t, r, r.status)
			if r.status != http.StatusCreated && (r.status != http.StatusOK || r.hdr.Get("Idempotent-Replayed") != "true") {
				t.Errorf("answer %s", r)
			}
			numbers[tk.Number] = true
		}
		if created != 1 || len(numbers) != 1 {
			t.Errorf("%d created, %d numbers given out (%v)", created, len(numbers), numbers)
		}
		if got := e.count(t); got != 3 {
			t.Errorf("%d tickets after the burst, want 3", got)
		}
	})
}

func TestConcurrentDispatch(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		if _, err := e.f.Svc.CreateUser(ctx, kit.System(), app.NewUser{Username: "dispatcher2", Name: "第二派单员",
			Role: org.RoleDispatcher, UnitID: e.f.District.ID, Password: apptest.Password}); err != nil {
			t.Fatal(err)
		}
		e.addToken(t, "dispatcher2")
		units := []int64{e.f.Community.ID, e.f.Dept.ID}
		for round := range 15 {
			tk, _, err := e.f.Svc.CreateTicket(ctx, e.f.Users["agent"], apptest.NewTicket(), "")
			if err != nil {
				t.Fatal(err)
			}
			var results [2]*res
			parallel(2, func(i int) {
				results[i] = e.do(t, "POST", "/api/v1/tickets/"+tk.Number+"/dispatch", []string{"dispatcher", "dispatcher2"}[i],
					map[string]any{"unit_id": units[i], "note": fmt.Sprintf("round %d", round)})
			})
			won := -1
			for i, r := range results {
				switch r.status {
				case http.StatusOK:
					if won >= 0 {
						t.Fatalf("round %d: both dispatches succeeded", round)
					}
					won = i
				case http.StatusConflict:
					if p := mustProblem(t, r, http.StatusConflict, "conflict", ""); p.CurrentStatus != "dispatched" {
						t.Errorf("round %d: the loser is told the ticket is %q", round, p.CurrentStatus)
					}
				default:
					t.Fatalf("round %d: %s", round, r)
				}
			}
			if won < 0 {
				t.Fatalf("round %d: no dispatch succeeded", round)
			}
			v := e.view(t, "dispatcher", tk.Number)
			if len(v.Events) != 2 || v.Ticket.UnitID != units[won] || v.Events[1].UnitID != units[won] || v.Ticket.Version != 2 {
				t.Fatalf("round %d: unit %d (winner sent %d), %d events, version %d", round, v.Ticket.UnitID, units[won], len(v.Events), v.Ticket.Version)
			}
		}
	})
}
