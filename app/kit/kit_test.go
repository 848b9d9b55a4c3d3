package kit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/notify"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// A change leaves its timeline event, its audit entry and its outbox
// message together, or none of them when the transaction rolls back.
func TestRecordWritesAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := minsheng.NewFakeClock(time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC))
		k := kit.New(db, clock, nil)
		change := func(action string) kit.Change {
			return kit.Change{Actor: kit.System(), Object: "ride", ObjectID: 42, Action: action, Note: "by the dispatcher",
				Data:     map[string]string{"driver": "7"},
				Messages: []notify.Message{{Channel: notify.ChannelSMS, To: "13800000000", Template: "ride.offer", Lang: "zh", Body: "有新的出车任务"}}}
		}
		if err := k.Write(ctx, func(tx *store.Tx) error {
			ev, err := k.Record(ctx, tx, change("offer"))
			if err != nil {
				return err
			}
			if ev.Seq != 1 {
				t.Errorf("first event seq = %d, want 1", ev.Seq)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		boom := errors.New("boom")
		if err := k.Write(ctx, func(tx *store.Tx) error {
			if _, err := k.Record(ctx, tx, change("cancel")); err != nil {
				return err
			}
			return boom
		}); !errors.Is(err, boom) {
			t.Fatalf("rolled-back write: %v", err)
		}
		clock.Advance(time.Minute)
		if err := k.Write(ctx, func(tx *store.Tx) error {
			_, err := k.Record(ctx, tx, change("accept"))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		err := k.Read(ctx, func(tx *store.Tx) error {
			tl, err := store.ListTimeline(ctx, tx, "ride", 42)
			if err != nil {
				return err
			}
			if len(tl) != 2 || tl[0].Action != "offer" || tl[1].Action != "accept" || tl[1].Seq != 2 || tl[0].Data["driver"] != "7" {
				t.Errorf("timeline = %+v, want offer then accept", tl)
			}
			audit, err := store.ListAudit(ctx, tx, "ride", 42)
			if err != nil {
				return err
			}
			if len(audit) != 2 || audit[0].Action != "offer" || audit[0].Detail != "by the dispatcher driver=7" || audit[0].ActorID != 0 {
				t.Errorf("audit = %+v, want two entries by the system", audit)
			}
			ds, err := store.ListDeliveries(ctx, tx, store.DeliveryFilter{Object: "ride", ObjectID: 42})
			if err != nil {
				return err
			}
			if len(ds) != 2 {
				t.Fatalf("deliveries = %d, want 2 (the rolled-back change sent nothing)", len(ds))
			}
			for _, d := range ds {
				if d.ObjectType != "ride" || d.ObjectID != 42 || d.TicketID != 0 || (d.EventSeq != 1 && d.EventSeq != 2) {
					t.Errorf("delivery %+v: want it about ride 42 and its event", d)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestRequire(t *testing.T) {
	agent := &org.User{ID: 5, Username: "agent", Role: org.RoleAgent, Active: true}
	off := &org.User{ID: 6, Username: "off", Role: org.RoleAdmin}
	for _, tc := range []struct {
		name  string
		actor *org.User
		roles []org.Role
		code  string
	}{
		{"role held", agent, []org.Role{org.RoleDispatcher, org.RoleAgent}, ""},
		{"role not held", agent, []org.Role{org.RoleAdmin}, minsheng.EFORBIDDEN},
		{"disabled", off, []org.Role{org.RoleAdmin}, minsheng.EFORBIDDEN},
		{"nobody", nil, []org.Role{org.RoleAdmin}, minsheng.EUNAUTHORIZED},
		{"system", kit.System(), []org.Role{org.RoleLeader}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := minsheng.ErrorCode(kit.Require(tc.actor, tc.roles...)); got != tc.code {
				t.Errorf("code %q, want %q", got, tc.code)
			}
		})
	}
	if kit.IsSystem(&org.User{Username: "system", ID: 9}) {
		t.Error("an account named system is not the system actor")
	}
}

// A record is shown in full to the account it belongs to and masked to
// everyone else: another user, the system actor, and anyone when it
// belongs to no account.
func TestMaskedFor(t *testing.T) {
	mask := func(s string) string { return "*" }
	me := &org.User{ID: 7, Username: "worker", Active: true}
	other := &org.User{ID: 8, Username: "boss", Active: true}
	for _, c := range []struct {
		actor *org.User
		owner int64
		want  string
	}{{me, 7, "祁小军"}, {other, 7, "*"}, {kit.System(), 0, "*"}, {&org.User{Username: "x"}, 0, "*"}, {nil, 7, "*"}} {
		if got := kit.MaskedFor(c.actor, c.owner, "祁小军", mask); got != c.want {
			t.Errorf("%+v owner %d: %q, want %q", c.actor, c.owner, got, c.want)
		}
	}
}
