package app_test

import (
	"sort"
	"strings"
	"testing"

	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/notify"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

// smsTo lists a ticket's resident SMS as "template to", sorted.
func smsTo(t *testing.T, f *apptest.Fixture, number string) []string {
	t.Helper()
	var out []string
	for _, d := range deliveries(t, f, number) {
		if d.Channel == notify.ChannelSMS && strings.HasPrefix(d.Template, "resident.") {
			out = append(out, d.Template+" "+d.Recipient)
		}
	}
	sort.Strings(out)
	return out
}

func TestMergeMovesCallersOntoParentNotifications(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		u := f.Users
		parent := f.Dispatched(t) // caller 13897001234
		child := func(phone string) *ticket.Ticket {
			t.Helper()
			in := apptest.NewTicket()
			in.Title, in.CallerName, in.CallerPhone = "海湖小区3号楼电梯又坏了", "李四", phone
			tk, _, err := f.Svc.CreateTicket(ctx, u["agent"], in, "")
			if err != nil {
				t.Fatal(err)
			}
			return tk
		}
		// Two duplicates from the same person (written two ways), one from
		// the parent's own caller, one without a phone.
		b1, b2, b3, b4 := child("13900001111"), child("+86 139-0000-1111"), child("13897001234"), child("")
		for _, c := range []*ticket.Ticket{b1, b2, b3, b4} {
			ok(t)(f.Svc.Merge(ctx, u["dispatcher"], c.Number, parent.Number, "同一部电梯"))
		}

		// At merge time each duplicate's caller is told which ticket carries
		// their request.
		for _, c := range []*ticket.Ticket{b1, b2} {
			var ds []*store.Delivery
			for _, d := range deliveries(t, f, c.Number) {
				if d.Template != notify.ResidentRegistered { // each was told its number when registered
					ds = append(ds, d)
				}
			}
			if len(ds) != 1 || ds[0].Template != notify.ResidentMerged || ds[0].Recipient != "13900001111" ||
				!strings.Contains(ds[0].Body, parent.Number) || !strings.Contains(ds[0].Body, c.Number) || !strings.Contains(ds[0].Body, "合并") {
				t.Errorf("merge messages of %s: %+v", c.Number, ds)
			}
		}
		if ds := deliveries(t, f, b4.Number); len(ds) != 0 {
			t.Errorf("a duplicate without a phone got %d messages", len(ds))
		}
		if got := smsTo(t, f, parent.Number); len(got) != 1 || got[0] != "resident.registered 13897001234" {
			t.Errorf("the parent's caller got %v at the merge", got)
		}

		// The parent's acknowledgement and reply reach every caller, once per phone.
		ok(t)(f.Svc.Acknowledge(ctx, u["handler"], parent.Number, ""))
		ok(t)(f.Svc.Reply(ctx, u["handler"], parent.Number, "已协调维保单位更换主板，电梯已恢复运行。"))
		want := []string{
			"resident.acknowledged 13897001234", "resident.acknowledged 13900001111",
			"resident.registered 13897001234",
			"resident.replied 13897001234", "resident.replied 13900001111",
		}
		if got := smsTo(t, f, parent.Number); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("the parent's SMS:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		for _, d := range deliveries(t, f, parent.Number) {
			if d.Template == notify.ResidentReplied && !strings.Contains(d.Body, parent.Number) {
				t.Errorf("the reply SMS does not name the parent: %s", d.Body)
			}
		}

		// A ticket with no duplicates tells its own caller only.
		lone := f.Dispatched(t)
		ok(t)(f.Svc.Acknowledge(ctx, u["handler"], lone.Number, ""))
		if got := smsTo(t, f, lone.Number); len(got) != 2 || got[0] != "resident.acknowledged 13897001234" {
			t.Errorf("a ticket without duplicates: %v", got)
		}
	})
}
