package household_test

import (
	"testing"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/household"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// The same widow registered twice — once under a mistyped ID number, at
// the same flat written another way — is suggested side by side; a grid
// worker asks for the merge, community staff approve it, and the
// suggestion is gone with the second household.
func TestDuplicates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		first := e.register(t, e.elderly("0001"))
		dup := e.elderly("0001")
		id := dup.Members[0].IDNumber
		dup.Members[0].IDNumber = household.CompleteIDNumber(id[:15] + "9" + id[16:17]) // one digit mistyped
		dup.Tags[0].IDNumber = dup.Members[0].IDNumber
		dup.Address = "海湖佳苑3栋2单元501"
		second := e.register(t, dup)
		other := e.elderly("0002")
		other.Members[0].Name = "韩德明"
		e.register(t, other)

		d, err := e.hh.Duplicates(ctx, e.Users["grid_worker"], 0)
		if err != nil || len(d.Pairs) != 1 {
			t.Fatalf("duplicates: %+v %v", d, err)
		}
		p := d.Pairs[0]
		if p.A.ID != first.ID || p.B.ID != second.ID || len(p.Reasons) != 2 || p.Merging {
			t.Fatalf("pair %d–%d %v merging %v", p.A.ID, p.B.ID, p.Reasons, p.Merging)
		}
		if p.A.Members[0].Name != "马**" {
			t.Errorf("the pair is not masked: %q", p.A.Members[0].Name)
		}
		if _, err := e.hh.Duplicates(ctx, e.Users["leader"], 0); minsheng.ErrorCode(err) != minsheng.EFORBIDDEN {
			t.Errorf("a leader looks for duplicates: %v", err)
		}
		if d, _ := e.hh.Duplicates(ctx, e.Users["other_handler"], 0); len(d.Pairs) != 0 {
			t.Errorf("another street's handler sees %d pairs", len(d.Pairs))
		}

		c, err := e.hh.RequestMerge(ctx, e.Users["grid_worker"], first.ID, second.ID, "")
		if err != nil || c.Kind != household.ChangeMerge {
			t.Fatalf("request merge: %+v %v", c, err)
		}
		if d, _ := e.hh.Duplicates(ctx, e.Users["grid_worker"], 0); len(d.Pairs) != 1 || !d.Pairs[0].Merging {
			t.Fatalf("after the request: %+v", d)
		}
		if _, err := e.hh.DecideChange(ctx, e.Users["handler"], c.ID, household.ChangeApprove, ""); err != nil {
			t.Fatal(err)
		}
		if d, _ := e.hh.Duplicates(ctx, e.Users["grid_worker"], 0); len(d.Pairs) != 0 {
			t.Fatalf("after the merge: %+v", d.Pairs)
		}
		v, err := e.hh.Get(ctx, e.Users["handler"], first.ID)
		if err != nil || len(v.Household.Members) != 2 {
			t.Fatalf("the kept household: %+v %v", v, err)
		}
	})
}

// Staff who checked a suggestion and found two people record it: the pair
// is no longer suggested.
func TestNotDuplicate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		a := e.register(t, e.elderly("0001"))
		dup := e.elderly("0001")
		id := dup.Members[0].IDNumber
		dup.Members[0].IDNumber = household.CompleteIDNumber(id[:15] + "9" + id[16:17])
		dup.Tags[0].IDNumber = dup.Members[0].IDNumber
		b := e.register(t, dup)
		if err := e.hh.NotDuplicate(ctx, e.Users["leader"], a.ID, b.ID); minsheng.ErrorCode(err) != minsheng.EFORBIDDEN {
			t.Errorf("a leader decides: %v", err)
		}
		if err := e.hh.NotDuplicate(ctx, e.Users["grid_worker"], b.ID, a.ID); err != nil {
			t.Fatal(err)
		}
		if d, _ := e.hh.Duplicates(ctx, e.Users["grid_worker"], 0); len(d.Pairs) != 0 {
			t.Errorf("the pair is still suggested: %+v", d.Pairs)
		}
		if err := e.hh.NotDuplicate(ctx, e.Users["grid_worker"], a.ID, b.ID); err != nil {
			t.Errorf("recorded twice: %v", err)
		}
	})
}
