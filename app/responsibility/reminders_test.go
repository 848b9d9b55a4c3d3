package responsibility_test

import (
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng/app/apptest"
	appresp "github.com/minsheng/minsheng/app/responsibility"
	dom "github.com/minsheng/minsheng/responsibility"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// The daily reminder on a fake clock, on both databases: the leader is
// told once of a milestone due within three days, by SMS; not of one
// done, nor of a resolved matter's.
func TestMilestoneReminders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		svc := appresp.New(f.Svc.Kit(), f.Svc)
		leader := f.Users["leader"]
		if err := db.Write(ctx, func(tx *store.Tx) error {
			return store.SetUserContact(ctx, tx, leader.ID, "", "13900000003", "zh")
		}); err != nil {
			t.Fatal(err)
		}
		start := f.Clock.Now()
		mk := func(title string, dues ...int) *dom.Assignment {
			var ms []dom.Milestone
			for i, d := range dues {
				ms = append(ms, dom.Milestone{Title: title + "节点" + string(rune('一'+i)), Due: start.AddDate(0, 0, d)})
			}
			a, err := svc.Create(ctx, f.Users["admin"], dom.New{Kind: dom.KindProject, Title: title, Goal: "按期完成", LeaderID: leader.ID,
				UnitID: f.Dept.ID, Milestones: ms})
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		a := mk("西川南路道路提升改造", 5, 30)
		b := mk("城西区全民健身中心", 4)
		c := mk("湟水河城西段生态修复", 1, 4)
		if _, err := svc.DoneMilestone(ctx, leader, b.ID, 1, "提前完成"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.DoneMilestone(ctx, leader, c.ID, 1, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Act(ctx, leader, c.ID, dom.ActionResolve, "提前化解"); err != nil {
			t.Fatal(err)
		}
		run := func() int {
			t.Helper()
			var n int
			if err := db.Write(ctx, func(tx *store.Tx) (err error) { n, err = svc.RunReminders(ctx, tx); return err }); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := run(); n != 0 {
			t.Errorf("five days ahead: %d reminders", n)
		}
		f.Clock.Advance(3 * 24 * time.Hour) // the first milestone of a is due in two days
		if n := run(); n != 1 {
			t.Errorf("two days ahead: %d reminders", n)
		}
		if n := run(); n != 0 {
			t.Errorf("reminded twice: %d", n)
		}
		err := db.Read(ctx, func(tx *store.Tx) error {
			var n int
			var body string
			if err := tx.QueryRow(ctx, `SELECT COUNT(*), COALESCE(MAX(body), '') FROM deliveries WHERE template = 'responsibility.milestone_due'
				AND user_id = ? AND channel = 'sms'`, leader.ID).Scan(&n, &body); err != nil {
				return err
			}
			if n != 1 || !strings.Contains(body, "西川南路道路提升改造") || !strings.Contains(body, "2026-03-07") {
				t.Errorf("%d messages: %q", n, body)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		d, err := svc.Get(ctx, leader, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if last := d.Timeline[len(d.Timeline)-1]; last.Action != "milestone_reminded" || last.Data["seq"] != "1" {
			t.Errorf("the timeline ends with %+v", last)
		}
	})
}
