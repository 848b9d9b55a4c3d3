package store_test

import (
	"testing"
	"time"

	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

func TestTrackingLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		unit := mustUnit(t, db, "cx")
		at := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
		a := mustTicket(t, db, unit, at, nil)
		b := mustTicket(t, db, unit, at.Add(time.Minute), nil)
		err := db.Write(ctx, func(tx *store.Tx) error {
			if err := store.AddTrackingLink(ctx, tx, a.ID, "h1", at); err != nil {
				return err
			}
			return store.AddTrackingLink(ctx, tx, a.ID, "h2", at)
		})
		if err != nil {
			t.Fatal(err)
		}
		db.Read(ctx, func(tx *store.Tx) error {
			for _, c := range []struct {
				id   int64
				hash string
				want bool
			}{{a.ID, "h1", true}, {a.ID, "h2", true}, {a.ID, "h3", false}, {b.ID, "h1", false}} {
				if got, err := store.HasTrackingLink(ctx, tx, c.id, c.hash); err != nil || got != c.want {
					t.Errorf("HasTrackingLink(%d, %s) = %v, %v; want %v", c.id, c.hash, got, err, c.want)
				}
			}
			return nil
		})
		// A hash is one link: adding it again is refused.
		err = db.Write(ctx, func(tx *store.Tx) error { return store.AddTrackingLink(ctx, tx, b.ID, "h1", at) })
		if err == nil {
			t.Fatal("the same hash was added twice")
		}
	})
}
