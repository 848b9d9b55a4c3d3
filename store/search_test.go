package store_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

// mustChildUnit writes a unit below parent and returns it.
func mustChildUnit(t *testing.T, db *store.DB, parent *org.Unit, kind org.UnitKind, code string) *org.Unit {
	t.Helper()
	id, err := db.NextID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	u := &org.Unit{ID: id, ParentID: parent.ID, Kind: kind, Code: code, Name: code, Path: org.ChildPath(parent.Path, id), CreatedAt: time.Now()}
	if err := db.Write(ctx, func(tx *store.Tx) error { return store.InsertUnit(ctx, tx, u) }); err != nil {
		t.Fatal(err)
	}
	return u
}

func mustSearchTickets(t *testing.T, db *store.DB, q store.SearchQuery) []store.SearchHit {
	t.Helper()
	var hits []store.SearchHit
	err := db.Read(ctx, func(tx *store.Tx) error {
		var err error
		hits, err = store.SearchTickets(ctx, tx, q)
		return err
	})
	if err != nil {
		t.Fatalf("search %+v: %v", q, err)
	}
	return hits
}

func hitIDs(hits []store.SearchHit) []int64 {
	var out []int64
	for _, h := range hits {
		out = append(out, h.Ticket.ID)
	}
	return out
}

// The filters give what filtering the unfiltered result by hand gives, in
// the same order: the status and unit filters are tokens of the SQLite
// index, so this checks that they say what the tickets' columns say.
func TestSearchFiltersAgreeWithTheTickets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		root := mustUnit(t, db, "district")
		var streets, communities []*org.Unit
		for i := range 2 {
			s := mustChildUnit(t, db, root, org.KindStreet, fmt.Sprintf("street%d", i))
			streets = append(streets, s)
			for j := range 2 {
				communities = append(communities, mustChildUnit(t, db, s, org.KindCommunity, fmt.Sprintf("community%d%d", i, j)))
			}
		}
		intake := append([]*org.Unit{root}, append(streets, communities...)...)
		statuses := []ticket.Status{ticket.StatusRegistered, ticket.StatusDispatched, ticket.StatusAcknowledged,
			ticket.StatusReplied, ticket.StatusClosed, ticket.StatusReopened}
		titles := []string{"路灯不亮", "路灯闪烁", "道路破损", "垃圾堆放", "噪音扰民", "路面积水"}
		r := rand.New(rand.NewPCG(1, 2))
		base := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		var all []*ticket.Ticket
		for i := range 150 {
			in := intake[r.IntN(len(intake))]
			all = append(all, mustTicket(t, db, in, base.Add(time.Duration(i)*time.Minute), func(tk *ticket.Ticket) {
				tk.Title = titles[r.IntN(len(titles))]
				tk.Description = titles[r.IntN(len(titles))] + "，请尽快处理"
				tk.Status = statuses[r.IntN(len(statuses))]
				tk.Kind = []ticket.Kind{ticket.KindComplaint, ticket.KindHelp, ticket.KindReport}[r.IntN(3)]
				tk.Channel = []ticket.Channel{ticket.ChannelPhone, ticket.ChannelWeb}[r.IntN(2)]
				if tk.Status != ticket.StatusRegistered {
					h := communities[r.IntN(len(communities))]
					if r.IntN(3) == 0 {
						h = streets[r.IntN(len(streets))]
					}
					tk.UnitID, tk.UnitPath = h.ID, h.Path
				}
			}))
		}
		err := db.Write(ctx, func(tx *store.Tx) error { return store.IndexTickets(ctx, tx, all) })
		if err != nil {
			t.Fatal(err)
		}
		open := []ticket.Status{ticket.StatusRegistered, ticket.StatusDispatched, ticket.StatusAcknowledged, ticket.StatusReopened}
		filters := []struct {
			name     string
			statuses []ticket.Status
			path     string
			kind     ticket.Kind
			channel  ticket.Channel
			unit     int64
		}{
			{name: "open", statuses: open},
			{name: "one status", statuses: []ticket.Status{ticket.StatusReplied}},
			{name: "a street", path: streets[0].Path},
			{name: "a community", path: communities[3].Path},
			{name: "open in a street", statuses: open, path: streets[1].Path},
			{name: "closed in a community", statuses: []ticket.Status{ticket.StatusClosed}, path: communities[0].Path},
			{name: "kind", kind: ticket.KindComplaint},
			{name: "channel in a street", channel: ticket.ChannelWeb, path: streets[0].Path},
			{name: "handling unit", unit: streets[1].ID},
			{name: "open with a handling unit", statuses: open, unit: communities[2].ID},
		}
		for _, q := range []string{"路灯", "路", "处理", "垃圾 处理"} {
			everything := mustSearchTickets(t, db, store.SearchQuery{Text: q, Limit: 1000})
			if len(everything) == 0 {
				t.Fatalf("%q finds nothing", q)
			}
			for _, f := range filters {
				t.Run(q+"/"+f.name, func(t *testing.T) {
					var want []int64
					for _, h := range everything {
						tk := h.Ticket
						if len(f.statuses) > 0 && !slices.Contains(f.statuses, tk.Status) {
							continue
						}
						if f.kind != "" && tk.Kind != f.kind || f.channel != "" && tk.Channel != f.channel || f.unit != 0 && tk.UnitID != f.unit {
							continue
						}
						if f.path != "" && !org.Within(tk.IntakeUnitPath, f.path) && !(tk.UnitPath != "" && org.Within(tk.UnitPath, f.path)) {
							continue
						}
						want = append(want, tk.ID)
					}
					var paths []string
					if f.path != "" {
						paths = []string{f.path}
					}
					got := hitIDs(mustSearchTickets(t, db, store.SearchQuery{Text: q, Statuses: f.statuses, VisiblePaths: paths,
						Kind: f.kind, Channel: f.channel, UnitID: f.unit, Limit: 1000}))
					if !slices.Equal(got, want) {
						t.Errorf("got %d hits %v\nwant %d %v", len(got), got, len(want), want)
					}
				})
			}
		}

		// What a user types never matches the filter tokens.
		for _, q := range []string{"sregistered", "u" + fmt.Sprint(root.ID), "kreport", "cphone", "h" + fmt.Sprint(streets[0].ID), "registered"} {
			if got := mustSearchTickets(t, db, store.SearchQuery{Text: q}); len(got) != 0 {
				t.Errorf("%q finds %d tickets", q, len(got))
			}
		}
	})
}

// A ticket written by RegisterTicket is found by a search as soon as its
// transaction commits, with the terms worked out before it; one written by
// InsertTicket alone waits for the indexer (UnindexedTickets lists it).
func TestRegisterTicketIsSearchable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		u := mustUnit(t, db, "district")
		at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		plain := mustTicket(t, db, u, at, func(tk *ticket.Ticket) { tk.Title = "井盖缺失" })
		id, err := db.NextID(ctx)
		if err != nil {
			t.Fatal(err)
		}
		reg := &ticket.Ticket{ID: id, Title: "井盖松动", Description: "人民路口井盖松动，行人经过有响声", Address: "人民路12号",
			Kind: ticket.KindReport, Urgency: ticket.UrgencyNormal, Channel: ticket.ChannelPhone, Status: ticket.StatusRegistered,
			IntakeUnitID: u.ID, IntakeUnitPath: u.Path, CreatedAt: at, UpdatedAt: at, Version: 1}
		terms := store.TermsOfNewTicket(reg)
		err = db.Write(ctx, func(tx *store.Tx) error {
			if err := store.RegisterTicket(ctx, tx, reg, terms); err != nil {
				return err
			}
			return store.InsertEvent(ctx, tx, &ticket.Event{TicketID: reg.ID, Seq: 1, At: at, Action: ticket.ActionRegister,
				ToStatus: ticket.StatusRegistered})
		})
		if err != nil {
			t.Fatal(err)
		}
		if reg.Number == "" {
			t.Fatal("the registered ticket has no number")
		}
		for q, want := range map[string][]int64{"井盖": {reg.ID}, "响声": {reg.ID}, "人民路": {reg.ID}, "缺失": nil} {
			if got := hitIDs(mustSearchTickets(t, db, store.SearchQuery{Text: q, Limit: 10})); !slices.Equal(got, want) {
				t.Errorf("%q finds %v, want %v", q, got, want)
			}
		}
		var missing []*ticket.Ticket
		if err := db.Read(ctx, func(tx *store.Tx) (err error) {
			missing, err = store.UnindexedTickets(ctx, tx, 0, 10)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(missing) != 1 || missing[0].ID != plain.ID {
			t.Errorf("unindexed %v, want only the ticket written by InsertTicket (%d)", missing, plain.ID)
		}
	})
}
