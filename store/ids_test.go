package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// openTwice opens two handles on one new database of the dialect, as two
// processes would.
func openTwice(t *testing.T, dialect string) (*store.DB, *store.DB) {
	t.Helper()
	dsn := storetest.DSN(t, dialect)
	var dbs [2]*store.DB
	for i := range dbs {
		db, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	if err := dbs[0].Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return dbs[0], dbs[1]
}

// idSet records ids handed out for rows that exist, and fails the test on
// a duplicate.
type idSet struct {
	mu   sync.Mutex
	seen map[int64]string
}

func (s *idSet) add(t *testing.T, who string, ids ...int64) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen == nil {
		s.seen = map[int64]string{}
	}
	for _, id := range ids {
		if prev, ok := s.seen[id]; ok {
			t.Errorf("id %d handed out to %s and to %s", id, prev, who)
		}
		s.seen[id] = who
	}
}

// Ids taken in a transaction that rolls back are never handed out again
// by the same process, and a block it reserved in that transaction is not
// used: another process gets those ids.
func TestTxNextIDRollback(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			db1, db2 := openTwice(t, d)
			var ids idSet
			refused := errors.New("refused")

			// db1's block is empty: the reservation is made in this
			// transaction, and rolled back with it.
			err := db1.Write(ctx, func(tx *store.Tx) error {
				if _, err := tx.NextID(ctx); err != nil {
					return err
				}
				return refused
			})
			if !errors.Is(err, refused) {
				t.Fatal(err)
			}
			if v := mustCounter(t, db1, "id"); v != 0 {
				t.Fatalf("id counter %d after the rollback, want 0", v)
			}
			// db2 now reserves the same block, and uses it up.
			for range 1200 {
				id, err := db2.NextID(ctx)
				if err != nil {
					t.Fatal(err)
				}
				ids.add(t, "db2", id)
			}
			// db1 must not hand out ids of the block rolled back, in a
			// transaction or out of one; transactions that roll back
			// now and then consume ids but give none away.
			for i := range 300 {
				var got []int64
				err := db1.Write(ctx, func(tx *store.Tx) error {
					for range 4 {
						id, err := tx.NextID(ctx)
						if err != nil {
							return err
						}
						got = append(got, id)
					}
					if i%7 == 3 {
						return refused
					}
					return nil
				})
				switch {
				case err == nil:
					ids.add(t, "db1 in a transaction", got...)
				case !errors.Is(err, refused):
					t.Fatal(err)
				}
				id, err := db1.NextID(ctx)
				if err != nil {
					t.Fatal(err)
				}
				ids.add(t, "db1", id)
			}
		})
	}
}

// A block reserved by Tx.NextID in a transaction that commits serves the
// process's later ids: no reservation per transaction.
func TestTxNextIDBlockServesLaterIDs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var first int64
		err := db.Write(ctx, func(tx *store.Tx) (err error) {
			first, err = tx.NextID(ctx)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		reserved := mustCounter(t, db, "id")
		for i := int64(1); first+i <= reserved; i++ {
			var id int64
			if i%2 == 0 {
				id, err = db.NextID(ctx)
			} else {
				err = db.Write(ctx, func(tx *store.Tx) (err error) {
					id, err = tx.NextID(ctx)
					return err
				})
			}
			if err != nil {
				t.Fatal(err)
			}
			if id != first+i {
				t.Fatalf("id %d, want %d: the block reserved in the transaction was not used", id, first+i)
			}
		}
		if v := mustCounter(t, db, "id"); v != reserved {
			t.Errorf("id counter moved from %d to %d within the block", reserved, v)
		}
		if err := db.Read(ctx, func(tx *store.Tx) error {
			_, err := tx.NextID(ctx)
			return err
		}); err == nil {
			t.Error("Tx.NextID in a read transaction did not fail")
		}
	})
}

// Two processes, each with goroutines taking ids in and out of
// transactions at once, never hand out one id twice.
func TestNextIDUniqueConcurrently(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			db1, db2 := openTwice(t, d)
			var ids idSet
			var wg sync.WaitGroup
			for _, db := range []*store.DB{db1, db2} {
				for g := range 6 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := range 250 {
							if (g+i)%2 == 0 {
								id, err := db.NextID(ctx)
								if err != nil {
									t.Error(err)
									return
								}
								ids.add(t, "NextID", id)
								continue
							}
							var got []int64
							err := db.Write(ctx, func(tx *store.Tx) error {
								for range 3 {
									id, err := tx.NextID(ctx)
									if err != nil {
										return err
									}
									got = append(got, id)
								}
								return nil
							})
							if err != nil {
								t.Error(err)
								return
							}
							ids.add(t, "Tx.NextID", got...)
						}
					}()
				}
			}
			wg.Wait()
		})
	}
}
