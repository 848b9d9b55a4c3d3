package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// ReadAlone reads what was committed, each time anew (the statement is
// prepared after its first use on SQLite and reused from then on), with
// Query's rows as well as QueryRow's, and returns fn's error.
func TestReadAlone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for i := int64(1); i <= 3; i++ {
			if err := db.Write(ctx, func(tx *store.Tx) error { return setCounter(ctx, tx, "alone", i) }); err != nil {
				t.Fatal(err)
			}
			var got int64
			var names []string
			err := db.ReadAlone(ctx, func(tx *store.Tx) error {
				if err := tx.QueryRow(ctx, `SELECT value FROM counters WHERE name = ?`, "alone").Scan(&got); err != nil {
					return err
				}
				rows, err := tx.Query(ctx, `SELECT name FROM counters WHERE name = ? AND value = ?`, "alone", i)
				if err != nil {
					return err
				}
				defer rows.Close()
				for rows.Next() {
					var n string
					if err := rows.Scan(&n); err != nil {
						return err
					}
					names = append(names, n)
				}
				return rows.Err()
			})
			if err != nil {
				t.Fatal(err)
			}
			if got != i || len(names) != 1 {
				t.Errorf("read %d and rows %q after writing %d", got, names, i)
			}
		}
		refused := errors.New("refused")
		if err := db.ReadAlone(ctx, func(*store.Tx) error { return refused }); !errors.Is(err, refused) {
			t.Errorf("ReadAlone returned %v, want fn's error", err)
		}
	})
}
