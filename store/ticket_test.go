package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

var ctx = context.Background()

// mustUnit writes a root unit and returns it.
func mustUnit(t *testing.T, db *store.DB, code string) *org.Unit {
	t.Helper()
	id, err := db.NextID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	u := &org.Unit{ID: id, Kind: org.KindDistrict, Code: code, Name: "城西区", Path: org.ChildPath("", id), CreatedAt: time.Now()}
	if err := db.Write(ctx, func(tx *store.Tx) error { return store.InsertUnit(ctx, tx, u) }); err != nil {
		t.Fatal(err)
	}
	return u
}

// mustTicket writes a registered ticket created at the given time.
func mustTicket(t *testing.T, db *store.DB, unit *org.Unit, at time.Time, edit func(*ticket.Ticket)) *ticket.Ticket {
	t.Helper()
	id, err := db.NextID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lat, lng := 36.6171, 101.7432
	tk := &ticket.Ticket{ID: id, Title: "路灯不亮", Description: "海湖路路灯坏了一周", Kind: ticket.KindReport,
		Urgency: ticket.UrgencyNormal, Channel: ticket.ChannelPhone, Status: ticket.StatusRegistered,
		CallerName: "李明", CallerPhone: "13900000001", Lat: &lat, Lng: &lng,
		IntakeUnitID: unit.ID, IntakeUnitPath: unit.Path, CreatedAt: at, UpdatedAt: at, Version: 1}
	if edit != nil {
		edit(tk)
	}
	err = db.Write(ctx, func(tx *store.Tx) error {
		if err := store.InsertTicket(ctx, tx, tk); err != nil {
			return err
		}
		return store.InsertEvent(ctx, tx, &ticket.Event{TicketID: tk.ID, Seq: 1, At: at, Action: ticket.ActionRegister,
			ToStatus: ticket.StatusRegistered, Data: map[string]string{"source": "测试"}})
	})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func TestTicketRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		u := mustUnit(t, db, "chengxi")
		at := time.Date(2026, 3, 2, 1, 2, 3, 456789000, time.UTC)
		want := mustTicket(t, db, u, at, nil)
		var got *ticket.Ticket
		var events []ticket.Event
		err := db.Read(ctx, func(tx *store.Tx) error {
			var err error
			if got, err = store.GetTicketByNumber(ctx, tx, want.Number); err != nil {
				return err
			}
			events, err = store.ListEvents(ctx, tx, got.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if got.Number != "20260302-00001" || !got.CreatedAt.Equal(at) || *got.Lat != 36.6171 || got.CallerPhone != "13900000001" {
			t.Fatalf("read back %+v", got)
		}
		if got.AcknowledgeBy != nil || got.Resolved != nil || got.UnitID != 0 {
			t.Fatalf("empty fields read back as set: %+v", got)
		}
		if len(events) != 1 || events[0].Data["source"] != "测试" || !events[0].At.Equal(at) {
			t.Fatalf("events = %+v", events)
		}
	})
}

func TestStaleUpdateIsAConflict(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		u := mustUnit(t, db, "chengxi")
		tk := mustTicket(t, db, u, time.Now(), nil)
		first, second := *tk, *tk
		first.Status, first.Version = ticket.StatusInvalid, 2
		second.Status, second.Version = ticket.StatusDispatched, 2
		if err := db.Write(ctx, func(tx *store.Tx) error { return store.UpdateTicket(ctx, tx, &first) }); err != nil {
			t.Fatal(err)
		}
		err := db.Write(ctx, func(tx *store.Tx) error { return store.UpdateTicket(ctx, tx, &second) })
		e, ok := err.(*minsheng.Error)
		if !ok || e.Code != minsheng.ECONFLICT || e.Status != string(ticket.StatusInvalid) {
			t.Fatalf("stale update: %v; want a conflict naming status invalid", err)
		}
	})
}

func TestConstraintErrorsBecomeFieldErrors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		u := mustUnit(t, db, "chengxi")
		dup := &org.Unit{ID: u.ID + 1, Kind: org.KindStreet, Code: "chengxi", Name: "重复", Path: "/x/", CreatedAt: time.Now()}
		err := db.Write(ctx, func(tx *store.Tx) error { return store.InsertUnit(ctx, tx, dup) })
		if e, ok := err.(*minsheng.Error); !ok || e.Field != "code" {
			t.Fatalf("duplicate unit code: %v", err)
		}
		usr := &org.User{ID: u.ID + 2, Username: "a", Name: "甲", Role: org.RoleAgent, UnitID: 987654321, Active: true, CreatedAt: time.Now()}
		err = db.Write(ctx, func(tx *store.Tx) error { return store.InsertUser(ctx, tx, usr) })
		if e, ok := err.(*minsheng.Error); !ok || e.Field != "unit_id" {
			t.Fatalf("user in a missing unit: %v", err)
		}
		err = db.Read(ctx, func(tx *store.Tx) error { _, err := store.GetTicket(ctx, tx, 42); return err })
		if !minsheng.IsCode(err, minsheng.ENOTFOUND) {
			t.Fatalf("missing ticket: %v", err)
		}
	})
}

func TestListTicketsFiltersAndPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		u := mustUnit(t, db, "chengxi")
		base := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
		for i := 0; i < 25; i++ {
			mustTicket(t, db, u, base.Add(time.Duration(i)*time.Minute), func(tk *ticket.Ticket) {
				if i%5 == 0 {
					tk.Kind, tk.CallerPhone = ticket.KindInquiry, "13800000000"
				}
			})
		}
		list := func(f store.TicketFilter) []*ticket.Ticket {
			t.Helper()
			var out []*ticket.Ticket
			if err := db.Read(ctx, func(tx *store.Tx) error {
				var err error
				out, err = store.ListTickets(ctx, tx, f)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return out
		}
		if got := list(store.TicketFilter{Kind: ticket.KindInquiry}); len(got) != 5 {
			t.Fatalf("kind filter: %d", len(got))
		}
		if got := list(store.TicketFilter{CallerPhone: "13800000000", Statuses: []ticket.Status{ticket.StatusRegistered}}); len(got) != 5 {
			t.Fatalf("phone filter: %d", len(got))
		}
		if got := list(store.TicketFilter{Statuses: []ticket.Status{ticket.StatusClosed}}); len(got) != 0 {
			t.Fatalf("status filter: %d", len(got))
		}
		if got := list(store.TicketFilter{VisiblePaths: []string{"/999/"}}); len(got) != 0 {
			t.Fatalf("visibility filter lets %d through", len(got))
		}
		// Keyset pages of 10, newest first, cover everything once.
		seen := map[string]bool{}
		var after *time.Time
		var afterID int64
		for page := 0; ; page++ {
			got := list(store.TicketFilter{Limit: 10, AfterCreated: after, AfterID: afterID, VisiblePaths: []string{u.Path}})
			for i, tk := range got {
				if seen[tk.Number] {
					t.Fatalf("page %d repeats %s", page, tk.Number)
				}
				seen[tk.Number] = true
				if i > 0 && tk.CreatedAt.After(got[i-1].CreatedAt) {
					t.Fatalf("page %d is not newest first", page)
				}
			}
			if len(got) < 10 {
				break
			}
			last := got[len(got)-1]
			after, afterID = &last.CreatedAt, last.ID
		}
		if len(seen) != 25 {
			t.Fatalf("pages covered %d tickets, want 25", len(seen))
		}
	})
}
