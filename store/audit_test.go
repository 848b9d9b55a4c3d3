package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// The audit log is listed newest first with the actor's account, filtered
// by object, actor and time, and paged by a keyset cursor that neither
// loses nor repeats an entry, even among entries of the same instant.
func TestListAuditLog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		t0 := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
		ids := map[string]int64{}
		for _, k := range []string{"unit", "admin"} {
			id, err := db.NextID(ctx)
			if err != nil {
				t.Fatal(err)
			}
			ids[k] = id
		}
		entries := []store.AuditEntry{
			{At: t0, Action: "create", Object: "unit", ObjectID: ids["unit"]},                                     // the system
			{At: t0, Action: "create", Object: "user", ObjectID: ids["admin"]},                                    // the system, same instant
			{At: t0, ActorID: ids["admin"], Action: "update", Object: "user", ObjectID: ids["admin"]},             // same instant again
			{At: t0.Add(time.Hour), ActorID: ids["admin"], Action: "create", Object: "routing_rule", ObjectID: 7}, // an hour later
			{At: t0.Add(24 * time.Hour), ActorID: ids["admin"], Action: "update", Object: "dispatch_settings", Detail: "max_returns=2 → 3",
				IP: "192.0.2.7"}, // a day later, a singleton
		}
		err := db.Write(ctx, func(tx *store.Tx) error {
			if err := store.InsertUnit(ctx, tx, &org.Unit{ID: ids["unit"], Kind: org.KindDistrict, Code: "cx", Name: "城西区",
				Path: org.ChildPath("", ids["unit"]), CreatedAt: t0}); err != nil {
				return err
			}
			if err := store.InsertUser(ctx, tx, &org.User{ID: ids["admin"], Username: "admin", Name: "祁海涛", Role: org.RoleAdmin,
				UnitID: ids["unit"], Active: true, PasswordHash: "x", CreatedAt: t0}); err != nil {
				return err
			}
			for i := range entries {
				if err := store.InsertAudit(ctx, tx, &entries[i]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		list := func(f store.AuditFilter) []store.AuditEntry {
			t.Helper()
			var out []store.AuditEntry
			if err := db.Read(ctx, func(tx *store.Tx) error {
				var err error
				out, err = store.ListAuditLog(ctx, tx, f)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return out
		}
		actions := func(es []store.AuditEntry) []string {
			var out []string
			for _, e := range es {
				out = append(out, e.Object+":"+e.Action)
			}
			return out
		}

		all := list(store.AuditFilter{})
		if len(all) != len(entries) {
			t.Fatalf("%d entries, want %d", len(all), len(entries))
		}
		newest := all[0]
		if newest.Object != "dispatch_settings" || newest.ActorUsername != "admin" || newest.ActorName != "祁海涛" ||
			newest.Detail != "max_returns=2 → 3" || newest.IP != "192.0.2.7" || !newest.At.Equal(t0.Add(24*time.Hour)) {
			t.Errorf("newest entry %+v", newest)
		}
		if last := all[len(all)-1]; last.ActorID != 0 || last.ActorUsername != "" {
			t.Errorf("the system's entry has an actor: %+v", last)
		}

		zero, admin := int64(0), ids["admin"]
		from, to := t0.Add(30*time.Minute), t0.Add(2*time.Hour)
		tests := []struct {
			name string
			f    store.AuditFilter
			want []string
		}{
			{"object", store.AuditFilter{Object: "user"}, []string{"user:update", "user:create"}},
			{"object and id", store.AuditFilter{Object: "dispatch_settings", ObjectID: &zero}, []string{"dispatch_settings:update"}},
			{"actor", store.AuditFilter{ActorID: &admin}, []string{"dispatch_settings:update", "routing_rule:create", "user:update"}},
			{"system", store.AuditFilter{ActorID: &zero}, []string{"user:create", "unit:create"}},
			{"from", store.AuditFilter{From: &from}, []string{"dispatch_settings:update", "routing_rule:create"}},
			{"from and to", store.AuditFilter{From: &from, To: &to}, []string{"routing_rule:create"}},
			{"to is exclusive", store.AuditFilter{To: &t0}, nil},
			{"limit", store.AuditFilter{Limit: 2}, []string{"dispatch_settings:update", "routing_rule:create"}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				if got := actions(list(tc.f)); !slices.Equal(got, tc.want) {
					t.Errorf("got %v, want %v", got, tc.want)
				}
			})
		}

		// Pages of one entry walk the whole log in order.
		var paged []store.AuditEntry
		f := store.AuditFilter{Limit: 1}
		for range len(entries) + 1 {
			page := list(f)
			if len(page) == 0 {
				break
			}
			paged = append(paged, page...)
			last := page[len(page)-1]
			f.BeforeAt, f.BeforeID = &last.At, last.ID
		}
		if len(paged) != len(all) {
			t.Fatalf("paged %d entries, want %d", len(paged), len(all))
		}
		for i := range all {
			if paged[i].ID != all[i].ID {
				t.Errorf("page %d holds %d, want %d", i, paged[i].ID, all[i].ID)
			}
		}
	})
}
