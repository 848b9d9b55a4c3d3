package store_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

func grantStrings(u *org.User) []string {
	var out []string
	for _, g := range u.Grants {
		out = append(out, g.String())
	}
	return out
}

func TestUserGrantsRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		district := mustUnit(t, db, "district")
		street := mustChildUnit(t, db, district, org.KindStreet, "xinghailu")
		grid := mustChildUnit(t, db, street, org.KindGrid, "grid-3")
		other := mustChildUnit(t, db, district, org.KindStreet, "haihu")
		newUser := func(name string, unit *org.Unit, gs ...org.Grant) *org.User {
			t.Helper()
			id, err := db.NextID(ctx)
			if err != nil {
				t.Fatal(err)
			}
			u := &org.User{ID: id, Username: name, Name: name, UnitID: unit.ID, Active: true, CreatedAt: time.Now()}
			u.SetGrants(gs)
			if err := db.Write(ctx, func(tx *store.Tx) error { return store.InsertUser(ctx, tx, u) }); err != nil {
				t.Fatal(err)
			}
			return u
		}
		get := func(name string) *org.User {
			t.Helper()
			var u *org.User
			if err := db.Read(ctx, func(tx *store.Tx) (err error) { u, err = store.GetUserByUsername(ctx, tx, name); return }); err != nil {
				t.Fatal(err)
			}
			return u
		}
		both := newUser("both", street, org.Grant{Role: org.RoleAgent},
			org.Grant{Role: org.RoleGridWorker, UnitID: grid.ID}, org.Grant{Role: org.RoleLeader, UnitID: other.ID})
		newUser("single", district, org.Grant{Role: org.RoleHandler})
		// A user written with a Role alone holds it over their unit.
		id, _ := db.NextID(ctx)
		old := &org.User{ID: id, Username: "old", Name: "old", Role: org.RoleDispatcher, UnitID: district.ID, Active: true, CreatedAt: time.Now()}
		if err := db.Write(ctx, func(tx *store.Tx) error { return store.InsertUser(ctx, tx, old) }); err != nil {
			t.Fatal(err)
		}

		got := get("both")
		if want := []string{"agent", "grid_worker@grid-3", "leader@haihu"}; !slices.Equal(grantStrings(got), want) {
			t.Fatalf("grants %v, want %v", grantStrings(got), want)
		}
		if got.Role != org.RoleAgent || got.Grants[1].UnitPath != grid.Path || got.Grants[2].UnitID != other.ID {
			t.Fatalf("primary %s, grants %+v", got.Role, got.Grants)
		}
		if !got.Sees(other.Path) || !got.SeesAs(grid.Path, org.RoleGridWorker) || got.SeesAs(street.Path, org.RoleGridWorker) {
			t.Fatal("the loaded grants do not give the scopes they name")
		}
		if g := get("old"); !slices.Equal(grantStrings(g), []string{"dispatcher"}) {
			t.Fatalf("a user made with a role alone has grants %v", grantStrings(g))
		}

		// The list reads every user's grants (in two queries) and filters by
		// the users' units.
		var list []*org.User
		if err := db.Read(ctx, func(tx *store.Tx) (err error) { list, err = store.ListUsers(ctx, tx, nil); return }); err != nil {
			t.Fatal(err)
		}
		byName := map[string][]string{}
		for _, u := range list {
			byName[u.Username] = grantStrings(u)
		}
		if len(list) != 3 || !slices.Equal(byName["both"], grantStrings(got)) || !slices.Equal(byName["single"], []string{"handler"}) {
			t.Fatalf("ListUsers grants %v", byName)
		}
		if err := db.Read(ctx, func(tx *store.Tx) (err error) { list, err = store.ListUsers(ctx, tx, []string{street.Path}); return }); err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].Username != "both" || len(list[0].Grants) != 3 {
			t.Fatalf("ListUsers of the street: %v", list)
		}

		// An update rewrites the grants and keeps users.role the first.
		both.SetGrants([]org.Grant{{Role: org.RoleLeader, UnitID: other.ID}, {Role: org.RoleAgent}})
		if err := db.Write(ctx, func(tx *store.Tx) error { return store.UpdateUser(ctx, tx, both, time.Now()) }); err != nil {
			t.Fatal(err)
		}
		got = get("both")
		if want := []string{"leader@haihu", "agent"}; !slices.Equal(grantStrings(got), want) || got.Role != org.RoleLeader {
			t.Fatalf("after update: %s %v, want leader %v", got.Role, grantStrings(got), want)
		}
		var role string
		if err := db.Read(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT role FROM users WHERE id = ?`, both.ID).Scan(&role)
		}); err != nil || role != "leader" {
			t.Fatalf("users.role = %q, %v; want leader", role, err)
		}

		// A grant twice, or over a unit that does not exist, is the field's
		// error, and the transaction writes nothing.
		for name, gs := range map[string][]org.Grant{
			"twice":      {{Role: org.RoleAgent}, {Role: org.RoleAgent}},
			"no unit":    {{Role: org.RoleAgent}, {Role: org.RoleLeader, UnitID: 999999}},
			"scoped dup": {{Role: org.RoleLeader, UnitID: other.ID}, {Role: org.RoleLeader, UnitID: other.ID}},
		} {
			u := *got
			u.SetGrants(gs)
			err := db.Write(ctx, func(tx *store.Tx) error { return store.UpdateUser(ctx, tx, &u, time.Now()) })
			var e *minsheng.Error
			if !errors.As(err, &e) || e.Field != "grants" {
				t.Errorf("%s: %v, want an error on grants", name, err)
			}
		}
		if g := get("both"); !slices.Equal(grantStrings(g), []string{"leader@haihu", "agent"}) {
			t.Fatalf("a refused update changed the grants: %v", grantStrings(g))
		}
	})
}

// TestRoleGrantsMigration makes a database of the schema before role
// grants, with users of one role each, and migrates it: each user then
// holds their role over their own unit.
func TestRoleGrantsMigration(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			db, err := store.Open(ctx, storetest.DSN(t, d))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := db.MigrateTo(ctx, 202612061949); err != nil {
				t.Fatal(err)
			}
			now := time.Now().UTC()
			err = db.Write(ctx, func(tx *store.Tx) error {
				if _, err := tx.Exec(ctx, `INSERT INTO units (id, kind, code, name, path, created_at) VALUES (1, 'district', 'd', '城西区', '/1/', ?)`, now); err != nil {
					return err
				}
				for i, r := range []string{"agent", "handler", "leader"} {
					if _, err := tx.Exec(ctx, `INSERT INTO users (id, username, name, role, unit_id, created_at) VALUES (?, ?, ?, ?, 1, ?)`,
						10+i, r+"1", r, r, now); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			var list []*org.User
			if err := db.Read(ctx, func(tx *store.Tx) (err error) { list, err = store.ListUsers(ctx, tx, nil); return }); err != nil {
				t.Fatal(err)
			}
			if len(list) != 3 {
				t.Fatalf("%d users after the migration", len(list))
			}
			for _, u := range list {
				if len(u.Grants) != 1 || u.Grants[0] != (org.Grant{Role: u.Role}) || u.Username != string(u.Role)+"1" {
					t.Errorf("user %s (%s) has grants %+v, want their role over their unit", u.Username, u.Role, u.Grants)
				}
			}
			var n int
			if err := db.Read(ctx, func(tx *store.Tx) error {
				return tx.QueryRow(ctx, `SELECT COUNT(*) FROM role_grants WHERE unit_id IS NULL AND position = 0`).Scan(&n)
			}); err != nil || n != 3 {
				t.Fatalf("%d unscoped primary grants, %v; want 3", n, err)
			}
		})
	}
}
