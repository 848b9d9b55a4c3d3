package app_test

import (
	"testing"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/text/classify"
	"github.com/minsheng/minsheng/ticket"
)

func TestSuggestionsAndReplyCheck(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		tk := f.Register(t)
		// No model: no suggestions, and the page does not wait for one.
		if v := mustView(t, f, "dispatcher", tk.Number); v.Suggestions != nil {
			t.Fatalf("suggestions without a model: %+v", v.Suggestions)
		}
		var cat, unit []classify.Example
		for _, s := range []string{"电梯停运无人维修", "小区电梯故障", "楼道电梯坏了", "电梯困人", "物业不修电梯"} {
			cat = append(cat, classify.Example{Title: s, Label: "city"})
			unit = append(unit, classify.Example{Title: s, Label: f.Community.Code})
		}
		for _, s := range []string{"工资拖欠", "社保断缴", "公司不发工资", "劳动合同纠纷", "加班费不给"} {
			cat = append(cat, classify.Example{Title: s, Label: "labour"})
			unit = append(unit, classify.Example{Title: s, Label: f.Dept.Code})
		}
		f.SaveModel(t, app.ModelCategory, cat, "{}")
		f.SaveModel(t, app.ModelUnit, unit, "{}")
		v := mustView(t, f, "dispatcher", tk.Number)
		sg := v.Suggestions
		if sg == nil || len(sg.Units) != 2 || len(sg.Categories) != 2 {
			t.Fatalf("suggestions %+v", sg)
		}
		if u := sg.Units[0]; u.ID != f.Community.ID || u.Name != f.Community.Name || u.Confidence <= 0.5 {
			t.Errorf("first unit %+v, want %s", u, f.Community.Name)
		}
		if c := sg.Categories[0]; c.Code != "city" || c.Name != "城乡建设" || c.ID == 0 {
			t.Errorf("first category %+v", c)
		}
		if c := sg.Categories[1]; c.Code != "labour" || c.ID != 0 {
			t.Errorf("a label that is not a category: %+v", c)
		}
		// The console's rows carry the same.
		hints, err := f.Svc.ListHints(ctx, f.Users["dispatcher"], []ticket.Ticket{*tk})
		if err != nil || len(hints) != 1 || hints[0].Suggestions == nil || hints[0].Suggestions.Units[0].ID != f.Community.ID {
			t.Errorf("list hints %+v %v", hints, err)
		}
		// Those who may not dispatch see none.
		if v := mustView(t, f, "agent", tk.Number); v.Suggestions != nil || v.ReplyCheck != nil {
			t.Errorf("agent sees %+v %+v", v.Suggestions, v.ReplyCheck)
		}

		// A reply that says nothing is flagged for the reviewer.
		ok(t)(f.Svc.Dispatch(ctx, f.Users["dispatcher"], tk.Number, f.Community.ID, ""))
		ok(t)(f.Svc.Acknowledge(ctx, f.Users["handler"], tk.Number, ""))
		ok(t)(f.Svc.Reply(ctx, f.Users["handler"], tk.Number, "收到。"))
		v = mustView(t, f, "dispatcher", tk.Number)
		rc := v.ReplyCheck
		if rc == nil || rc.OK || len(rc.Reasons) == 0 {
			t.Fatalf("reply check %+v", rc)
		}
		codes := map[string]bool{}
		for _, r := range rc.Reasons {
			codes[r.Code] = true
			if r.Message == "" || r.MessageEN == "" {
				t.Errorf("reason without message: %+v", r)
			}
		}
		if !codes["too_short"] || !codes["no_substance"] {
			t.Errorf("reasons %+v", rc.Reasons)
		}
		if v.Suggestions != nil {
			t.Error("suggestions on a replied ticket")
		}
	})
}

func TestDuplicates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		first := f.Register(t)
		other := register(t, f, "夜间施工噪音扰民", "工地凌晨两点还在施工，严重影响休息。", "虎台路")
		if err := f.Svc.BuildDuplicateIndex(ctx); err != nil {
			t.Fatal(err)
		}
		// The same matter again, from another caller, registered after the build.
		in := apptest.NewTicket()
		in.Title, in.CallerPhone = "海湖小区3号楼电梯停了三天没人修", "13900009999"
		again, _, err := f.Svc.CreateTicket(ctx, f.Users["agent"], in, "")
		if err != nil {
			t.Fatal(err)
		}
		v := mustView(t, f, "dispatcher", again.Number)
		if len(v.Duplicates) != 1 || v.Duplicates[0].Ticket.ID != first.ID || v.Duplicates[0].Score < 0.4 {
			t.Fatalf("duplicates %+v, want %s", v.Duplicates, first.Number)
		}
		if v := mustView(t, f, "dispatcher", other.Number); len(v.Duplicates) != 0 {
			t.Errorf("the noise complaint has duplicates %+v", v.Duplicates)
		}
		// Once the first is closed it is no candidate.
		ok(t)(f.Svc.Invalidate(ctx, f.Users["dispatcher"], first.Number, "测试"))
		if v := mustView(t, f, "dispatcher", again.Number); len(v.Duplicates) != 0 {
			t.Errorf("an invalidated ticket is still a duplicate: %+v", v.Duplicates)
		}
	})
}
