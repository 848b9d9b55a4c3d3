package store_test

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

// partitionOf names the partition that holds the row of table whose
// column col is id (PostgreSQL).
func partitionOf(t *testing.T, db *store.DB, table, col string, id int64) string {
	t.Helper()
	var name string
	err := db.Read(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, fmt.Sprintf(`SELECT tableoid::regclass::text FROM %s WHERE %s = ? LIMIT 1`, table, col), id).Scan(&name)
	})
	if err != nil {
		t.Fatalf("partition of %s %d: %v", table, id, err)
	}
	return name
}

// A ticket's id carries its month on PostgreSQL, and the ticket and its
// events are kept in that month's partitions, made when the month's first
// ticket is numbered; on SQLite the id is the allocator's. On both, a
// ticket is found by id and by number, and a second ticket with a number
// already given is refused.
func TestTicketPartitions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		u := mustUnit(t, db, "chengxi")
		nov := time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC) // 1 December, 01:00 in China
		oct := time.Date(2026, 10, 15, 2, 0, 0, 0, time.UTC)
		var made []*ticket.Ticket
		for _, at := range []time.Time{nov, oct, nov} {
			id, err := db.NextTicketID(ctx, at)
			if err != nil {
				t.Fatal(err)
			}
			made = append(made, registerAt(t, db, u, id, at, "路灯不亮"))
		}
		months := []int64{202612, 202610, 202612}
		for i, tk := range made {
			got, err := readTicketByNumber(db, tk.Number)
			if err != nil || got.ID != tk.ID {
				t.Fatalf("ticket %s: %+v, %v", tk.Number, got, err)
			}
			if db.Dialect() != store.Postgres {
				if store.TicketMonthOf(tk.ID) != 0 {
					t.Errorf("SQLite ticket id %d carries a month", tk.ID)
				}
				continue
			}
			if m := store.TicketMonthOf(tk.ID); m != months[i] {
				t.Errorf("ticket %s registered %s has id %d, of month %d; want %d", tk.Number, tk.CreatedAt, tk.ID, m, months[i])
			}
			want := fmt.Sprintf("%d", months[i])
			if p := partitionOf(t, db, "tickets", "id", tk.ID); p != "tickets_"+want {
				t.Errorf("ticket %d is in %s, want tickets_%s", tk.ID, p, want)
			}
			if p := partitionOf(t, db, "ticket_events", "ticket_id", tk.ID); p != "ticket_events_"+want {
				t.Errorf("the events of ticket %d are in %s, want ticket_events_%s", tk.ID, p, want)
			}
		}
		// The month after October has its partition already.
		if db.Dialect() == store.Postgres {
			var n int
			err := db.Read(ctx, func(tx *store.Tx) error {
				return tx.QueryRow(ctx, `SELECT COUNT(*) FROM pg_inherits WHERE inhparent = 'tickets'::regclass
					AND inhrelid::regclass::text = 'tickets_202611'`).Scan(&n)
			})
			if err != nil || n != 1 {
				t.Errorf("the partition of November 2026 exists %d times, %v; want once", n, err)
			}
		}
		// Lists bounded in time find the tickets of their months, and those
		// whose ids were made before partitions (here: an allocator's id).
		low, err := db.NextID(ctx)
		if err != nil {
			t.Fatal(err)
		}
		old := &ticket.Ticket{ID: low, Title: "井盖缺失", Description: "人行道井盖丢了", Kind: ticket.KindReport,
			Urgency: ticket.UrgencyNormal, Channel: ticket.ChannelPhone, Status: ticket.StatusRegistered,
			IntakeUnitID: u.ID, IntakeUnitPath: u.Path, CreatedAt: nov.Add(time.Hour), UpdatedAt: nov, Version: 1}
		if err := db.Write(ctx, func(tx *store.Tx) error { return store.InsertTicket(ctx, tx, old) }); err != nil {
			t.Fatal(err)
		}
		decFirst := time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC) // 1 December in China
		for _, c := range []struct {
			name string
			f    store.TicketFilter
			want []int64
		}{
			{"December", store.TicketFilter{CreatedFrom: &decFirst}, []int64{old.ID, made[2].ID, made[0].ID}},
			{"before December", store.TicketFilter{CreatedTo: &decFirst}, []int64{made[1].ID}},
			{"after a cursor", store.TicketFilter{AfterCreated: &nov, AfterID: made[2].ID}, []int64{made[0].ID, made[1].ID}},
		} {
			var got []*ticket.Ticket
			err := db.Read(ctx, func(tx *store.Tx) (err error) { got, err = store.ListTickets(ctx, tx, c.f); return })
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, tk := range got {
				ids = append(ids, tk.ID)
			}
			if fmt.Sprint(ids) != fmt.Sprint(c.want) {
				t.Errorf("%s: tickets %v, want %v", c.name, ids, c.want)
			}
		}
		// A ticket whose id carries another month than its registration's
		// is refused.
		if db.Dialect() == store.Postgres {
			wrong := *made[1]
			wrong.ID, wrong.Number = made[1].ID+1, "20261015-09999"
			wrong.CreatedAt = nov
			err := db.Write(ctx, func(tx *store.Tx) error { return store.InsertTicket(ctx, tx, &wrong) })
			if err == nil {
				t.Error("a ticket of December with an id of October was written")
			}
		}
		// So is a ticket whose number begins with another month than its id.
		if db.Dialect() == store.Postgres {
			id, err := db.NextTicketID(ctx, oct)
			if err != nil {
				t.Fatal(err)
			}
			odd := *made[1]
			odd.ID, odd.Number = id, "20261201-00001"
			err = db.Write(ctx, func(tx *store.Tx) error { return store.BulkInsertTickets(ctx, tx, []*ticket.Ticket{&odd}) })
			if err == nil {
				t.Error("a ticket of October numbered in December was written")
			}
		}
		// A number given once is refused a second time, in the same month.
		id, err := db.NextTicketID(ctx, nov)
		if err != nil {
			t.Fatal(err)
		}
		dup := *made[0]
		dup.ID = id
		err = db.Write(ctx, func(tx *store.Tx) error { return store.BulkInsertTickets(ctx, tx, []*ticket.Ticket{&dup}) })
		if err == nil {
			t.Fatalf("a second ticket numbered %s was written", dup.Number)
		}
		if _, err := readTicketByNumber(db, dup.Number); err != nil {
			t.Fatal(err)
		}
	})
}

// registerAt writes a registered ticket with the id, at at, with its
// register event.
func registerAt(t *testing.T, db *store.DB, u *org.Unit, id int64, at time.Time, title string) *ticket.Ticket {
	t.Helper()
	tk := &ticket.Ticket{ID: id, Title: title, Description: "市民来电反映：" + title, Kind: ticket.KindReport,
		Urgency: ticket.UrgencyNormal, Channel: ticket.ChannelPhone, Status: ticket.StatusRegistered,
		IntakeUnitID: u.ID, IntakeUnitPath: u.Path, CreatedAt: at, UpdatedAt: at, Version: 1}
	err := db.Write(ctx, func(tx *store.Tx) error {
		if err := store.InsertTicket(ctx, tx, tk); err != nil {
			return err
		}
		return store.InsertEvent(ctx, tx, &ticket.Event{TicketID: tk.ID, Seq: 1, At: at, Action: ticket.ActionRegister,
			ToStatus: ticket.StatusRegistered, UnitID: u.ID})
	})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func readTicketByNumber(db *store.DB, number string) (tk *ticket.Ticket, err error) {
	err = db.Read(ctx, func(tx *store.Tx) error {
		tk, err = store.GetTicketByNumber(ctx, tx, number)
		return err
	})
	return tk, err
}

// Migrating a database that holds tickets keeps them, their events and
// what refers to them, in the partitions of the ids made before, and the
// foreign keys hold on the partitioned tables.
func TestTicketPartitionsMigration(t *testing.T) {
	if os.Getenv(storetest.EnvPostgres) == "" {
		t.Skip("partitions are PostgreSQL's: set " + storetest.EnvPostgres + " to run this test")
	}
	db, err := store.Open(ctx, storetest.DSN(t, "postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.MigrateTo(ctx, 202612071800); err != nil {
		t.Fatal(err)
	}
	u := mustUnit(t, db, "chengxi")
	at := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	tk := registerAt(t, db, u, 77, at, "噪音扰民")
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if got, err := readTicketByNumber(db, tk.Number); err != nil || got.ID != 77 || got.Title != "噪音扰民" {
		t.Fatalf("after the migration: %+v, %v", got, err)
	}
	if p := partitionOf(t, db, "tickets", "id", 77); p != "tickets_0" {
		t.Errorf("the old ticket is in %s, want tickets_0", p)
	}
	if p := partitionOf(t, db, "ticket_events", "ticket_id", 77); p != "ticket_events_0" {
		t.Errorf("the old ticket's events are in %s, want ticket_events_0", p)
	}
	// The foreign keys are there again: an event of no ticket is refused.
	err = db.Write(ctx, func(tx *store.Tx) error {
		return store.InsertEvent(ctx, tx, &ticket.Event{TicketID: 2026110000000001, Seq: 1, At: at,
			Action: ticket.ActionRegister, ToStatus: ticket.StatusRegistered})
	})
	if err == nil {
		t.Error("an event of a ticket that does not exist was written")
	}
	var n int
	err = db.Read(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT COUNT(*) FROM pg_constraint WHERE contype = 'f' AND confrelid = 'tickets'::regclass
			AND conrelid = 'ticket_events'::regclass`).Scan(&n)
	})
	if err != nil || n != 1 {
		t.Errorf("%d foreign keys from ticket_events to tickets, %v; want 1", n, err)
	}
}

// Archiving a month moves its tickets, their events and the rows that
// refer to them to the archive schema; the other months stay, and a recent
// month is refused.
func TestArchiveTicketMonth(t *testing.T) {
	if os.Getenv(storetest.EnvPostgres) == "" {
		t.Skip("partitions are PostgreSQL's: set " + storetest.EnvPostgres + " to run this test")
	}
	db := storetest.Open(t, "postgres")
	u := mustUnit(t, db, "chengxi")
	now := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
	var made []*ticket.Ticket
	for i, at := range []time.Time{time.Date(2025, 10, 9, 2, 0, 0, 0, time.UTC), now.AddDate(0, -1, 0)} {
		id, err := db.NextTicketID(ctx, at)
		if err != nil {
			t.Fatal(err)
		}
		tk := &ticket.Ticket{ID: id, Title: "占道经营", Description: "早市摊位占用人行道", Kind: ticket.KindComplaint,
			Urgency: ticket.UrgencyNormal, Channel: ticket.ChannelPhone, Status: ticket.StatusRegistered,
			IntakeUnitID: u.ID, IntakeUnitPath: u.Path, CreatedAt: at, UpdatedAt: at, Version: 1,
			Number: ticket.FormatNumber(calendar.DateOf(at), int64(i+1))}
		err = db.Write(ctx, func(tx *store.Tx) error {
			if err := store.BulkInsertTickets(ctx, tx, []*ticket.Ticket{tk}); err != nil {
				return err
			}
			_, err := store.ClaimIdempotencyKey(ctx, tx, store.Idempotency{Scope: "api", Key: fmt.Sprint("k", i),
				Fingerprint: "f", TicketID: tk.ID}, at)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		made = append(made, tk)
	}
	if _, err := db.ArchiveTicketMonth(ctx, 202611, now); err == nil {
		t.Error("last month was archived")
	}
	a, err := db.ArchiveTicketMonth(ctx, 202510, now)
	if err != nil {
		t.Fatal(err)
	}
	if a.Tickets != 1 || a.Related["idempotency_keys"] != 1 {
		t.Errorf("archived %+v; want 1 ticket and its idempotency key", a)
	}
	if _, err := readTicketByNumber(db, made[0].Number); err == nil {
		t.Error("the archived ticket is still found")
	}
	if got, err := readTicketByNumber(db, made[1].Number); err != nil || got.ID != made[1].ID {
		t.Errorf("last month's ticket: %+v, %v", got, err)
	}
	var inArchive, events, keys int
	err = db.Read(ctx, func(tx *store.Tx) error {
		q := fmt.Sprintf(`SELECT (SELECT COUNT(*) FROM %[1]s.tickets_202510 WHERE id = ?),
			(SELECT COUNT(*) FROM %[1]s.ticket_events_202510 WHERE ticket_id = ?),
			(SELECT COUNT(*) FROM %[1]s.idempotency_keys WHERE ticket_id = ?)`, a.Schema)
		return tx.QueryRow(ctx, q, made[0].ID, made[0].ID, made[0].ID).Scan(&inArchive, &events, &keys)
	})
	if err != nil || inArchive != 1 || events != 1 || keys != 1 {
		t.Errorf("in %s: %d tickets, %d events, %d keys, %v; want 1 each", a.Schema, inArchive, events, keys, err)
	}
	if _, err := db.ArchiveTicketMonth(ctx, 202510, now); err == nil {
		t.Error("a month was archived twice")
	}
}
