package store_test

import (
	"cmp"
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

func TestBulkInsertTickets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := newBenchOrg(t, db)
		g := newBenchGen(o, 42)
		// More than one batch of rows, in every state the generator makes.
		var ts []*ticket.Ticket
		start := benchNow.AddDate(0, -2, 0)
		for d := 0; len(ts) < 1234; d++ {
			day := g.day(start.AddDate(0, 0, d), 40, func() int64 { return benchID(t, db) }, 0)
			ts = append(ts, day...)
		}
		// WriteTickets: BulkInsertTickets on SQLite, COPY on PostgreSQL.
		if err := db.WriteTickets(ctx, ts); err != nil {
			t.Fatalf("bulk insert: %v", err)
		}

		err := db.Read(ctx, func(tx *store.Tx) error {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM tickets`).Scan(&n); err != nil {
				return err
			}
			if n != len(ts) {
				t.Errorf("%d tickets stored, want %d", n, len(ts))
			}
			statuses := map[ticket.Status]bool{}
			for _, want := range ts {
				statuses[want.Status] = true
				got, err := store.GetTicketByNumber(ctx, tx, want.Number)
				if err != nil {
					return err
				}
				if !reflect.DeepEqual(benchNormal(got), benchNormal(want)) {
					t.Fatalf("ticket %s read back as\n%+v\nwant\n%+v", want.Number, got, want)
				}
			}
			if len(statuses) < 6 {
				t.Errorf("only %d statuses generated: %v", len(statuses), statuses)
			}
			events, err := store.ListEvents(ctx, tx, ts[7].ID)
			if err != nil {
				return err
			}
			if len(events) != 1 || events[0].Seq != 1 || events[0].Action != ticket.ActionRegister ||
				events[0].ActorID != o.agent.ID || !events[0].At.Equal(ts[7].CreatedAt) {
				t.Errorf("events of a bulk ticket = %+v, want one register event by the agent at creation", events)
			}
			page, err := store.ListTickets(ctx, tx, store.TicketFilter{Statuses: []ticket.Status{ticket.StatusClosed}, Limit: 10})
			if err != nil {
				return err
			}
			if len(page) != 10 {
				t.Errorf("a list of closed bulk tickets has %d, want 10", len(page))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestBulkInsertTicketsNeedsNumbers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := newBenchOrg(t, db)
		tk := newBenchGen(o, 1).newRegistered(benchNow)
		tk.ID = benchID(t, db)
		err := db.Write(ctx, func(tx *store.Tx) error { return store.BulkInsertTickets(ctx, tx, []*ticket.Ticket{tk}) })
		if err == nil {
			t.Fatal("a ticket without a number was written")
		}
	})
}

// benchNormal truncates a ticket's times to the microsecond, the precision
// PostgreSQL keeps.
func benchNormal(t *ticket.Ticket) ticket.Ticket {
	c := *t
	r := func(p **time.Time) {
		if *p != nil {
			v := (**p).Truncate(time.Microsecond).UTC()
			*p = &v
		}
	}
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.Truncate(time.Microsecond).UTC(), c.UpdatedAt.Truncate(time.Microsecond).UTC()
	for _, p := range []**time.Time{&c.DispatchedAt, &c.AcknowledgedAt, &c.RepliedAt, &c.ClosedAt, &c.AcknowledgeBy,
		&c.ReplyBy, &c.CallbackBy, &c.CallbackAt} {
		r(p)
	}
	return c
}

// TestListVisibleSubtree checks the lists of a unit's subtree against the
// generated tickets themselves, for units at every level, with and without
// time bounds and cursors: on SQLite a list with no other filter takes its
// own query shape (visibleListSQLite).
func TestListVisibleSubtree(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := newBenchOrg(t, db)
		g := newBenchGen(o, 7)
		var all []*ticket.Ticket
		start := benchNow.AddDate(0, 0, -20)
		for d := range 20 {
			all = append(all, g.day(start.AddDate(0, 0, d), 150, func() int64 { return benchID(t, db) }, 0)...)
		}
		if err := db.Write(ctx, func(tx *store.Tx) error { return store.BulkInsertTickets(ctx, tx, all) }); err != nil {
			t.Fatal(err)
		}
		// Some tickets taken in at a street and handled below it: in both
		// ranges, and listed once.
		both := 0
		for _, tk := range all {
			if tk.IntakeUnitPath == o.streets[0].Path && strings.HasPrefix(tk.UnitPath, o.streets[0].Path) {
				both++
			}
		}
		if both == 0 {
			t.Fatal("the generator made no ticket taken in and handled in the same street")
		}
		slices.SortFunc(all, func(a, b *ticket.Ticket) int {
			if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
				return c
			}
			return cmp.Compare(b.ID, a.ID)
		})
		from, to := start.AddDate(0, 0, 3), start.AddDate(0, 0, 12)
		for _, u := range []*org.Unit{o.streets[0], o.depts[2], o.communities[0], o.grids[0], o.centre} {
			for _, f := range []store.TicketFilter{
				{VisiblePaths: []string{u.Path}, Limit: 50},
				{VisiblePaths: []string{u.Path}, Limit: 7},
				{VisiblePaths: []string{u.Path}, Limit: 20, CreatedFrom: &from, CreatedTo: &to},
				{VisiblePaths: []string{u.Path}, Limit: 20, AfterCreated: &all[400].CreatedAt, AfterID: all[400].ID},
				{VisiblePaths: []string{u.Path}, Limit: 20, AfterCreated: &all[400].CreatedAt, AfterID: all[400].ID, CreatedFrom: &from},
			} {
				var want []int64
				for _, tk := range all {
					if !strings.HasPrefix(tk.IntakeUnitPath, u.Path) && !strings.HasPrefix(tk.UnitPath, u.Path) {
						continue
					}
					if f.CreatedFrom != nil && tk.CreatedAt.Before(*f.CreatedFrom) || f.CreatedTo != nil && !tk.CreatedAt.Before(*f.CreatedTo) {
						continue
					}
					if f.AfterCreated != nil && !(tk.CreatedAt.Before(*f.AfterCreated) || tk.CreatedAt.Equal(*f.AfterCreated) && tk.ID < f.AfterID) {
						continue
					}
					if len(want) < f.Limit {
						want = append(want, tk.ID)
					}
				}
				var got []int64
				err := db.Read(ctx, func(tx *store.Tx) error {
					ts, err := store.ListTickets(ctx, tx, f)
					for _, tk := range ts {
						got = append(got, tk.ID)
					}
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				if len(want) == 0 && u != o.grids[0] {
					t.Fatalf("%s: no tickets to list; the test is too small", u.Name)
				}
				if !slices.Equal(got, want) {
					t.Errorf("list of %s (%s) with %+v:\n got %v\nwant %v", u.Name, u.Path, f, got, want)
				}
			}
		}
	})
}
