package household_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	hh "github.com/minsheng/minsheng/app/household"
	"github.com/minsheng/minsheng/household"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

// run runs the daily job as the job runner does: in one transaction.
func (e *env) run(t *testing.T) *hh.RunResult {
	t.Helper()
	var res *hh.RunResult
	if err := e.DB.Write(ctx, func(tx *store.Tx) (err error) {
		res, err = e.hh.RunTriggers(ctx, tx)
		return err
	}); err != nil {
		t.Fatalf("run triggers: %v", err)
	}
	return res
}

func (e *env) timeline(t *testing.T, id int64) []store.TimelineEvent {
	t.Helper()
	var tl []store.TimelineEvent
	if err := e.DB.Read(ctx, func(tx *store.Tx) (err error) {
		tl, err = store.ListTimeline(ctx, tx, hh.ObjectHousehold, id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return tl
}

func actionsOf(tl []store.TimelineEvent, prefix string) []string {
	var out []string
	for _, e := range tl {
		if len(e.Action) >= len(prefix) && e.Action[:len(prefix)] == prefix {
			out = append(out, e.Action+":"+e.Data["step"])
		}
	}
	return out
}

// The daily job on a fake clock, on both databases: an elderly person
// living alone not visited for 10 days gets one proactive order (never
// two), linked to the household; unacted, it goes up a step every two
// days with a reminder on the ticket once a unit holds it; acknowledged,
// it stays; answered after a visit, it closes and no new one opens. A
// heat alert day and a recheck day past open theirs.
func TestProactiveJob(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		in := e.elderly("0001")
		in.Tags[0].RecheckBy = e.Clock.Now().AddDate(0, 0, 19)
		h := e.register(t, in)
		if err := e.hh.Pair(ctx, e.Users["handler"], h.ID, e.Users["grid_worker"].ID); err != nil {
			t.Fatal(err)
		}
		if err := db.Write(ctx, func(tx *store.Tx) error {
			if err := store.SetUserContact(ctx, tx, e.Users["grid_worker"].ID, "", "13900000001", "zh"); err != nil {
				return err
			}
			return store.SetUserContact(ctx, tx, e.Users["handler"].ID, "", "13900000002", "zh")
		}); err != nil {
			t.Fatal(err)
		}
		if res := e.run(t); len(res.Opened) != 0 {
			t.Fatalf("a household registered today: %+v", res)
		}
		e.Clock.Advance(10 * 24 * time.Hour)
		res := e.run(t)
		if len(res.Opened) != 1 {
			t.Fatalf("ten days without contact: %+v", res)
		}
		number := res.Opened[0]
		if again := e.run(t); len(again.Opened) != 0 {
			t.Errorf("a second order of the same rule: %+v", again)
		}
		tv, err := e.Svc.GetTicket(ctx, e.Users["dispatcher"], number)
		if err != nil {
			t.Fatal(err)
		}
		tk := tv.Ticket
		if tk.Channel != ticket.ChannelGrid || tk.Kind != ticket.KindHelp || tk.Title != "未诉先办：独居老人 10 天未联系" {
			t.Errorf("the order %+v", tk)
		}
		err = db.Read(ctx, func(tx *store.Tx) error {
			ls, err := store.ListLinks(ctx, tx, "ticket", tk.ID)
			if err != nil || len(ls) != 1 || ls[0].FromType != hh.ObjectHousehold || ls[0].FromID != h.ID || ls[0].Relation != hh.RelationProactive {
				t.Errorf("links %+v %v", ls, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// Nobody acts: two days on, the grid worker; the dispatcher sends
		// it to the community; two more, the community, reminded.
		e.Clock.Advance(2 * 24 * time.Hour)
		if res := e.run(t); res.Escalated != 1 {
			t.Errorf("two days unacted: %+v", res)
		}
		if _, err := e.Svc.Dispatch(ctx, e.Users["dispatcher"], number, e.Community.ID, ""); err != nil {
			t.Fatal(err)
		}
		e.Clock.Advance(24 * time.Hour)
		if res := e.run(t); res.Escalated != 0 {
			t.Errorf("a day after the last step: %+v", res)
		}
		e.Clock.Advance(24 * time.Hour)
		if res := e.run(t); res.Escalated != 1 {
			t.Errorf("two more days unacted: %+v", res)
		}
		got := actionsOf(e.timeline(t, h.ID), "proactive_")
		want := []string{"proactive_opened:cadre", "proactive_escalated:grid_worker", "proactive_escalated:community"}
		if !slices.Equal(got, want) {
			t.Errorf("timeline %v, want %v", got, want)
		}
		// The cadre was told of the order, the grid worker and then the
		// community's staff of each step, by SMS naming no one.
		err = db.Read(ctx, func(tx *store.Tx) error {
			for _, c := range []struct {
				template, user string
				want           int
			}{
				{"household.proactive_opened", "grid_worker", 1},
				{"household.proactive_escalated", "grid_worker", 1},
				{"household.proactive_escalated", "handler", 1},
			} {
				var n int
				var body string
				if err := tx.QueryRow(ctx, `SELECT COUNT(*), COALESCE(MAX(body), '') FROM deliveries WHERE template = ? AND user_id = ? AND channel = 'sms'`,
					c.template, e.Users[c.user].ID).Scan(&n, &body); err != nil {
					return err
				}
				if n != c.want || !strings.Contains(body, number) || strings.Contains(body, "马秀英") {
					t.Errorf("%s to %s: %d messages, %q", c.template, c.user, n, body)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		v, err := e.Svc.GetTicket(ctx, e.Users["dispatcher"], number)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(v.Events, func(ev ticket.Event) bool { return ev.Action == ticket.ActionRemind }) {
			t.Errorf("no reminder on the ticket: %+v", v.Events)
		}
		// Acknowledged: it stays where it is.
		if _, err := e.Svc.Acknowledge(ctx, e.Users["handler"], number, ""); err != nil {
			t.Fatal(err)
		}
		e.Clock.Advance(5 * 24 * time.Hour)
		if res := e.run(t); res.Escalated != 0 {
			t.Errorf("acknowledged, escalated: %+v", res)
		}
		// The cadre visits and the unit replies: the order closes, and no
		// new one opens.
		if _, err := e.hh.RecordVisit(ctx, e.Users["grid_worker"], h.ID, household.NewVisit{At: e.Clock.Now().Add(-time.Hour), Met: "本人"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Svc.Reply(ctx, e.Users["handler"], number, "已上门看望，老人身体尚好。"); err != nil {
			t.Fatal(err)
		}
		if res := e.run(t); res.Closed != 1 || len(res.Opened) != 0 {
			t.Errorf("answered: %+v", res)
		}
		// A heat alert for tomorrow, entered by the district admin; the
		// tag's recheck day passes the same day.
		if _, err := e.hh.AddAlertDay(ctx, e.Users["handler"], household.AlertDay{Kind: household.AlertHeat, Day: e.Clock.Now()}); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Errorf("a handler entered an alert day: %v", err)
		}
		if _, err := e.hh.AddAlertDay(ctx, e.Users["admin"], household.AlertDay{Kind: household.AlertHeat, Day: e.Clock.Now().AddDate(0, 0, -1)}); field(err) != "day" {
			t.Errorf("an alert day in the past: %v", err)
		}
		if _, err := e.hh.AddAlertDay(ctx, e.Users["admin"], household.AlertDay{Kind: household.AlertHeat, Day: e.Clock.Now().AddDate(0, 0, 1),
			Note: "最高气温 35℃"}); err != nil {
			t.Fatal(err)
		}
		if res := e.run(t); len(res.Opened) != 0 {
			t.Errorf("the day before the alert: %+v", res)
		}
		e.Clock.Advance(24 * time.Hour)
		res = e.run(t)
		if len(res.Opened) != 2 {
			t.Fatalf("the alert day, a day after the recheck day: %+v", res)
		}
		alert, err := e.Svc.GetTicket(ctx, e.Users["dispatcher"], res.Opened[0])
		if err != nil {
			t.Fatal(err)
		}
		if alert.Ticket.Urgency != ticket.UrgencyUrgent || alert.Ticket.Title != "未诉先办：高温预警日关心独居老人" {
			t.Errorf("the alert's order %+v", alert.Ticket)
		}
		tr, err := e.hh.Triggers(ctx, e.Users["handler"])
		if err != nil {
			t.Fatal(err)
		}
		if len(tr.Orders) != 3 || tr.Orders[2].ClosedAt == nil || tr.MayEdit {
			t.Errorf("the handler's list %+v", tr)
		}
		if other, err := e.hh.Triggers(ctx, e.Users["other_handler"]); err != nil || len(other.Orders) != 0 {
			t.Errorf("another street's handler sees %+v %v", other, err)
		}
	})
}

// A district admin sets the rules; nobody else; bad input names its field
// and changes nothing.
func TestTriggerRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		r := household.Rule{Kind: household.RuleNoContact, Enabled: true, Days: 5, Tags: []household.Tag{household.TagAloneElderly, household.TagDisabledCare},
			EscalateDays: 1}
		if _, err := e.hh.SaveRule(ctx, e.Users["handler"], r); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Errorf("a handler set a rule: %v", err)
		}
		bad := r
		bad.Days = 0
		if _, err := e.hh.SaveRule(ctx, e.Users["admin"], bad); field(err) != "days" {
			t.Errorf("zero days: %v", err)
		}
		if _, err := e.hh.SaveRule(ctx, e.Users["admin"], r); err != nil {
			t.Fatal(err)
		}
		tr, err := e.hh.Triggers(ctx, e.Users["admin"])
		if err != nil {
			t.Fatal(err)
		}
		if tr.Rules[0].Days != 5 || len(tr.Rules[0].Tags) != 2 || !tr.MayEdit {
			t.Errorf("rules %+v", tr.Rules)
		}
		// The 失能 household, not visited for 5 days, now gets its order.
		in := e.elderly("0002")
		in.Tags[0].Tag = household.TagDisabledCare
		e.register(t, in)
		e.Clock.Advance(5 * 24 * time.Hour)
		if res := e.run(t); len(res.Opened) != 1 {
			t.Errorf("five days: %+v", res)
		}
	})
}
