package store_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

// Ticket numbers stay unique when three database handles (three app
// nodes) register tickets of the same day at once, and the numbers one
// writer gets one after the other increase. On SQLite they are also
// 1…n without a gap; on PostgreSQL, taken in blocks per process, they may
// have gaps.
func TestTicketNumbersAcrossNodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		u := mustUnit(t, db, "chengxi")
		handles := []*store.DB{db}
		for range 2 {
			h, err := db.Another(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close()
			handles = append(handles, h)
		}
		at := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
		const writers, each = 4, 30
		numbers := make([][]string, len(handles)*writers)
		errs := make(chan error, len(numbers))
		var wg sync.WaitGroup
		for i := range numbers {
			h := handles[i%len(handles)]
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range each {
					id, err := h.NextTicketID(ctx, at)
					if err != nil {
						errs <- err
						return
					}
					tk := &ticket.Ticket{ID: id, Title: "路灯不亮", Description: "海湖路路灯坏了", Kind: ticket.KindReport,
						Urgency: ticket.UrgencyNormal, Channel: ticket.ChannelPhone, Status: ticket.StatusRegistered,
						IntakeUnitID: u.ID, IntakeUnitPath: u.Path, CreatedAt: at, UpdatedAt: at, Version: 1}
					if err := h.Write(ctx, func(tx *store.Tx) error { return store.InsertTicket(ctx, tx, tk) }); err != nil {
						errs <- err
						return
					}
					numbers[i] = append(numbers[i], tk.Number)
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		var highest int
		for i, ns := range numbers {
			for j, n := range ns {
				if !strings.HasPrefix(n, "20261126-") {
					t.Fatalf("number %s is not of 26 November 2026", n)
				}
				if seen[n] {
					t.Errorf("number %s given twice", n)
				}
				seen[n] = true
				if j > 0 && n <= ns[j-1] {
					t.Errorf("writer %d got %s after %s", i, n, ns[j-1])
				}
				var seq int
				fmt.Sscanf(strings.TrimPrefix(n, "20261126-"), "%d", &seq)
				highest = max(highest, seq)
			}
		}
		if total := len(numbers) * each; len(seen) != total {
			t.Fatalf("%d numbers for %d tickets", len(seen), total)
		}
		if db.Dialect() == store.SQLite && highest != len(seen) {
			t.Errorf("on SQLite the numbers go up to %d for %d tickets: a gap", highest, len(seen))
		}
		t.Logf("%d tickets, highest number %d", len(seen), highest)
	})
}
