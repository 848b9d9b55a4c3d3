package store_test

import (
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

func mustCategory(t *testing.T, db *store.DB, code string) *ticket.Category {
	t.Helper()
	id, err := db.NextID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c := &ticket.Category{ID: id, Code: code, Name: "路灯", Level: 1, Path: org.ChildPath("", id), Active: true, CreatedAt: time.Now()}
	if err := db.Write(ctx, func(tx *store.Tx) error { return store.InsertCategory(ctx, tx, c) }); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAPIClientRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Now().UTC().Truncate(time.Microsecond)
		c := &store.APIClient{ID: 7, Name: "FixMyStreet", KeyHash: "h1", KeyHint: "mso_abcd", RatePerMinute: 30, CreatedAt: now, KeyIssuedAt: now}
		err := db.Write(ctx, func(tx *store.Tx) error { return store.InsertAPIClient(ctx, tx, c) })
		if err != nil {
			t.Fatal(err)
		}
		dup := *c
		dup.ID, dup.KeyHash = 8, "h2"
		err = db.Write(ctx, func(tx *store.Tx) error { return store.InsertAPIClient(ctx, tx, &dup) })
		if !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Fatalf("duplicate name: %v", err)
		}
		err = db.Write(ctx, func(tx *store.Tx) error {
			got, err := store.GetAPIClientByKeyHash(ctx, tx, "h1")
			if err != nil {
				return err
			}
			if got.Name != c.Name || got.RatePerMinute != 30 || !got.CreatedAt.Equal(now) || !got.Active() {
				t.Errorf("got %+v", got)
			}
			got.RevokedAt, got.KeyHash = &now, "h3"
			return store.UpdateAPIClient(ctx, tx, got)
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Read(ctx, func(tx *store.Tx) error {
			if _, err := store.GetAPIClientByKeyHash(ctx, tx, "h1"); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
				t.Errorf("old hash: %v", err)
			}
			got, err := store.GetAPIClientByName(ctx, tx, "FixMyStreet")
			if err != nil || got.Active() || got.KeyHash != "h3" {
				t.Errorf("after update %+v, %v", got, err)
			}
			list, err := store.ListAPIClients(ctx, tx)
			if err != nil || len(list) != 1 {
				t.Errorf("list %d, %v", len(list), err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestCategoryAttributeRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		cat := mustCategory(t, db, "lamp")
		now := time.Now().UTC().Truncate(time.Microsecond)
		a := &store.CategoryAttribute{ID: 11, CategoryID: cat.ID, Code: "pole", Datatype: store.DatatypeSingleValueList,
			Variable: true, Required: true, Order: 2, Description: "灯杆类型", DescriptionEN: "Pole",
			Values: []store.AttributeValue{{Key: "a", Name: "单臂", NameEN: "Single"}, {Key: "b", Name: "双臂"}}, CreatedAt: now, UpdatedAt: now}
		b := &store.CategoryAttribute{ID: 12, CategoryID: cat.ID, Code: "note", Datatype: store.DatatypeText, Variable: true,
			Order: 1, Description: "说明", CreatedAt: now, UpdatedAt: now}
		err := db.Write(ctx, func(tx *store.Tx) error {
			for _, x := range []*store.CategoryAttribute{a, b} {
				if err := store.InsertCategoryAttribute(ctx, tx, x); err != nil {
					return err
				}
			}
			return store.SetServiceSettings(ctx, tx, cat.ID, store.ServiceSettings{Private: true, Description: "路灯不亮、损坏", UpdatedAt: now})
		})
		if err != nil {
			t.Fatal(err)
		}
		again := *b
		again.ID = 13
		if err := db.Write(ctx, func(tx *store.Tx) error { return store.InsertCategoryAttribute(ctx, tx, &again) }); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Fatalf("duplicate code: %v", err)
		}
		err = db.Read(ctx, func(tx *store.Tx) error {
			list, err := store.ListCategoryAttributes(ctx, tx, cat.ID)
			if err != nil {
				return err
			}
			if len(list) != 2 || list[0].Code != "note" || len(list[1].Values) != 2 || list[1].Values[0].NameEN != "Single" ||
				len(list[0].Values) != 0 || list[0].Values == nil {
				t.Errorf("list = %+v %+v", list[0], list[1])
			}
			counts, err := store.CountCategoryAttributes(ctx, tx)
			if err != nil || counts[cat.ID] != 2 {
				t.Errorf("counts = %v, %v", counts, err)
			}
			st, err := store.ListServiceSettings(ctx, tx)
			if err != nil || !st[cat.ID].Private || st[cat.ID].Description != "路灯不亮、损坏" {
				t.Errorf("settings = %+v, %v", st, err)
			}
			changed, err := store.CatalogChanged(ctx, tx)
			if err != nil || !changed.Equal(now) {
				t.Errorf("changed = %v, %v; want %v", changed, err, now)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Write(ctx, func(tx *store.Tx) error {
			a.Values = a.Values[:1]
			a.Required = false
			if err := store.UpdateCategoryAttribute(ctx, tx, a); err != nil {
				return err
			}
			return store.DeleteCategoryAttribute(ctx, tx, b.ID)
		})
		if err != nil {
			t.Fatal(err)
		}
		db.Read(ctx, func(tx *store.Tx) error {
			list, _ := store.ListCategoryAttributes(ctx, tx, cat.ID)
			if len(list) != 1 || list[0].Required || len(list[0].Values) != 1 {
				t.Errorf("after update = %+v", list)
			}
			return nil
		})
	})
}

func TestPublicTickets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		unit := mustUnit(t, db, "cx")
		lamp := mustCategory(t, db, "lamp")
		secret := mustCategory(t, db, "secret")
		base := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
		in := func(cat *ticket.Category, lat, lng float64, st ticket.Status) func(*ticket.Ticket) {
			return func(tk *ticket.Ticket) { tk.CategoryID, tk.Lat, tk.Lng, tk.Status = cat.ID, &lat, &lng, st }
		}
		near := mustTicket(t, db, unit, base, in(lamp, 36.6171, 101.7782, ticket.StatusRegistered))
		east := mustTicket(t, db, unit, base.Add(time.Hour), in(lamp, 36.6171, 101.7882, ticket.StatusReplied)) // ~900 m east
		hidden := mustTicket(t, db, unit, base.Add(2*time.Hour), in(secret, 36.6171, 101.7782, ticket.StatusRegistered))
		mustTicket(t, db, unit, base.Add(3*time.Hour), in(lamp, 36.6171, 101.7782, ticket.StatusInvalid))
		mustTicket(t, db, unit, base.Add(4*time.Hour), nil) // no category
		err := db.Write(ctx, func(tx *store.Tx) error {
			return store.SetServiceSettings(ctx, tx, secret.ID, store.ServiceSettings{Private: true, UpdatedAt: base})
		})
		if err != nil {
			t.Fatal(err)
		}
		list := func(f store.PublicTicketFilter) []string {
			t.Helper()
			var out []string
			err := db.Read(ctx, func(tx *store.Tx) error {
				ts, err := store.ListPublicTickets(ctx, tx, f)
				for _, tk := range ts {
					out = append(out, tk.Number)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		eq := func(name string, got []string, want ...*ticket.Ticket) {
			t.Helper()
			ok := len(got) == len(want)
			for i := 0; ok && i < len(got); i++ {
				ok = got[i] == want[i].Number
			}
			if !ok {
				t.Errorf("%s: got %v", name, got)
			}
		}
		eq("all public, newest first", list(store.PublicTicketFilter{}), hidden, east, near)
		eq("by status", list(store.PublicTicketFilter{Statuses: []ticket.Status{ticket.StatusReplied}}), east)
		eq("by category", list(store.PublicTicketFilter{CategoryIDs: []int64{secret.ID}}), hidden)
		eq("by number", list(store.PublicTicketFilter{Numbers: []string{near.Number, "nope"}}), near)
		from, to := base.Add(30*time.Minute), base.Add(time.Hour)
		eq("by creation, inclusive", list(store.PublicTicketFilter{CreatedFrom: &from, CreatedTo: &to}), east)
		eq("by update", list(store.PublicTicketFilter{UpdatedBefore: &to}), east, near)
		eq("within 500 m, private left out", list(store.PublicTicketFilter{Near: &store.Circle{Lat: 36.6171, Lng: 101.7782, Radius: 500}}), near)
		eq("within 1500 m", list(store.PublicTicketFilter{Near: &store.Circle{Lat: 36.6171, Lng: 101.7782, Radius: 1500}}), east, near)
		eq("a page", list(store.PublicTicketFilter{Limit: 1, Offset: 1}), east)
		eq("private categories excluded", list(store.PublicTicketFilter{ExcludeCategories: []int64{secret.ID}}), east, near)
		// Distances are measured from the public point (rounded to 0.001°),
		// about 21 m from the true one: 5 m round it finds the ticket, 5 m
		// round the true point does not.
		eq("5 m round the public point", list(store.PublicTicketFilter{Near: &store.Circle{Lat: 36.617, Lng: 101.778, Radius: 5}}), near)
		eq("5 m round the true point", list(store.PublicTicketFilter{Near: &store.Circle{Lat: 36.6171, Lng: 101.7782, Radius: 5}}))

		// Events: public actions, and attach only when a resident's.
		err = db.Write(ctx, func(tx *store.Tx) error {
			for _, e := range []ticket.Event{
				{TicketID: near.ID, Seq: 2, At: base.Add(time.Minute), ActorID: 0, Action: ticket.ActionAttach, ToStatus: ticket.StatusRegistered, Note: "补充"},
				{TicketID: near.ID, Seq: 3, At: base.Add(2 * time.Minute), ActorID: 0, Action: ticket.ActionCallback, ToStatus: ticket.StatusRegistered},
			} {
				if err := store.InsertEvent(ctx, tx, &e); err != nil {
					return err
				}
			}
			return store.InsertTicketAttributes(ctx, tx, near.ID, []store.TicketAttribute{{Code: "pole", Position: 1, Value: "a"}})
		})
		if err != nil {
			t.Fatal(err)
		}
		var events []store.PublicEvent
		db.Read(ctx, func(tx *store.Tx) error {
			events, err = store.ListPublicEvents(ctx, tx, store.PublicEventFilter{Actions: []ticket.Action{ticket.ActionRegister},
				ResidentActions: []ticket.Action{ticket.ActionAttach}, Numbers: []string{near.Number}})
			return err
		})
		if err != nil || len(events) != 2 || events[1].Note != "补充" || events[0].Number != near.Number || events[0].CategoryID != lamp.ID {
			t.Fatalf("events = %+v, %v", events, err)
		}
		// Attribute values are recorded once.
		err = db.Write(ctx, func(tx *store.Tx) error {
			return store.InsertTicketAttributes(ctx, tx, near.ID, []store.TicketAttribute{{Code: "pole", Position: 1, Value: "b"}})
		})
		db.Read(ctx, func(tx *store.Tx) error {
			vals, err := store.ListTicketAttributes(ctx, tx, near.ID)
			if err != nil || len(vals) != 1 || vals[0].Value != "a" {
				t.Errorf("values = %+v, %v", vals, err)
			}
			return nil
		})
	})
}
