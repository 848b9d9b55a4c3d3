package store_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

func TestModelSaveLoad(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		err := db.Read(ctx, func(tx *store.Tx) error {
			_, err := store.LoadModel(ctx, tx, "category")
			return err
		})
		if minsheng.ErrorCode(err) != minsheng.ENOTFOUND {
			t.Fatalf("load before any save: err = %v, want not found", err)
		}
		// Binary data with every byte value, as a model's encoding has.
		data := make([]byte, 70000)
		for i := range data {
			data[i] = byte(i * 7)
		}
		at := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
		for i, d := range [][]byte{[]byte("old"), data, []byte("other name")} {
			name := "category"
			if i == 2 {
				name = "unit"
			}
			var v int64
			err := db.Write(ctx, func(tx *store.Tx) error {
				var err error
				v, err = store.SaveModel(ctx, tx, name, d, `{"macro_f1":0.93}`, at.Add(time.Duration(i)*time.Hour))
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if want := []int64{1, 2, 1}[i]; v != want {
				t.Errorf("save %d: version %d, want %d", i, v, want)
			}
		}
		var got *store.Model
		var list []store.Model
		err = db.Read(ctx, func(tx *store.Tx) error {
			var err error
			if got, err = store.LoadModel(ctx, tx, "category"); err != nil {
				return err
			}
			list, err = store.ListModels(ctx, tx, "category")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != 2 || !bytes.Equal(got.Bytes, data) || got.Metrics != `{"macro_f1":0.93}` || !got.CreatedAt.Equal(at.Add(time.Hour)) {
			t.Errorf("loaded version %d, %d bytes (equal %v), metrics %s, created %v; want the newest save",
				got.Version, len(got.Bytes), bytes.Equal(got.Bytes, data), got.Metrics, got.CreatedAt)
		}
		if len(list) != 2 || list[0].Version != 2 || list[1].Version != 1 || list[0].Bytes != nil {
			t.Errorf("list = %+v, want versions 2 and 1 without bytes", list)
		}
		var pruned int64
		err = db.Write(ctx, func(tx *store.Tx) error {
			var err error
			pruned, err = store.PruneModels(ctx, tx, "category", 1)
			if err != nil {
				return err
			}
			list, err = store.ListModels(ctx, tx, "category")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if pruned != 1 || len(list) != 1 || list[0].Version != 2 {
			t.Errorf("prune kept %+v (deleted %d), want only version 2", list, pruned)
		}
	})
}

func TestListTrainingTickets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		u := mustUnit(t, db, "chengxi")
		now := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
		// Category tree: city › city.light.
		var root, leaf *ticket.Category
		err := db.Write(ctx, func(tx *store.Tx) error {
			for i, c := range []struct{ code, name string }{{"city", "城乡建设"}, {"city.light", "路灯"}} {
				id, err := tx.NextID(ctx)
				if err != nil {
					return err
				}
				cat := &ticket.Category{ID: id, Code: c.code, Name: c.name, Level: i + 1, Active: true, CreatedAt: now}
				if i == 0 {
					cat.Path = org.ChildPath("", id)
					root = cat
				} else {
					cat.ParentID, cat.Path = root.ID, org.ChildPath(root.Path, id)
					leaf = cat
				}
				if err := store.InsertCategory(ctx, tx, cat); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		closedAt := now.Add(time.Hour)
		mustTicket(t, db, u, now, func(tk *ticket.Ticket) {
			tk.Title, tk.Status, tk.CategoryID, tk.UnitID, tk.UnitPath, tk.ClosedAt = "路灯坏了", ticket.StatusClosed, leaf.ID, u.ID, u.Path, &closedAt
		})
		mustTicket(t, db, u, now, func(tk *ticket.Ticket) { tk.Title = "还在办理" })
		mustTicket(t, db, u, now, func(tk *ticket.Ticket) {
			tk.Title, tk.Status, tk.ClosedAt = "没有分类", ticket.StatusClosed, &closedAt
		})
		var got []store.TrainingTicket
		err = db.Read(ctx, func(tx *store.Tx) error {
			var err error
			got, err = store.ListTrainingTickets(ctx, tx, 100)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]store.TrainingTicket{
			"路灯坏了": {Title: "路灯坏了", Description: "海湖路路灯坏了一周", CategoryCode: "city", UnitCode: "chengxi"},
			"没有分类": {Title: "没有分类", Description: "海湖路路灯坏了一周"},
		}
		if len(got) != len(want) {
			t.Fatalf("got %d tickets %+v, want the 2 closed ones", len(got), got)
		}
		for _, g := range got {
			if g != want[g.Title] {
				t.Errorf("got %+v, want %+v", g, want[g.Title])
			}
		}
	})
}
