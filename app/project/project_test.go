package project_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/apptest"
	appproject "github.com/minsheng/minsheng/app/project"
	"github.com/minsheng/minsheng/project"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

var ctx = context.Background()

func field(err error) string {
	if e, ok := err.(*minsheng.Error); ok {
		return e.Code + ":" + e.Field
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestProjectLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		svc := appproject.New(f.Svc.Kit(), f.Svc)
		start := f.Clock.Now()
		in := appproject.NewProject{Year: 2026, Code: "2026-01", Title: "老旧小区改造", Area: "兴海路街道", BudgetYuan: 4835000,
			UnitID: f.Street.ID, Leader: "副区长 王志刚", Milestones: []project.Milestone{
				{Title: "方案设计", Planned: start.AddDate(0, 0, 10)}, {Title: "施工", Planned: start.AddDate(0, 2, 0)}}}
		bad := in
		bad.Milestones = []project.Milestone{{Title: "b", Planned: start.AddDate(0, 1, 0)}, {Title: "a", Planned: start}}
		if _, err := svc.Create(ctx, f.Users["admin"], bad); field(err) != "invalid:milestones.1.planned" {
			t.Errorf("milestones out of order: %v", err)
		}
		if _, err := svc.Create(ctx, f.Users["handler"], in); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Errorf("a handler created a project: %v", err)
		}
		p, err := svc.Create(ctx, f.Users["admin"], in)
		if err != nil {
			t.Fatal(err)
		}
		over := 101
		if _, err := svc.Report(ctx, f.Users["street_handler"], p.Code, appproject.Update{Progress: &over}); field(err) != "invalid:progress" {
			t.Errorf("progress over 100: %v", err)
		}
		if _, err := svc.Report(ctx, f.Users["other_handler"], p.Code, appproject.Update{Progress: &over}); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Errorf("another street's handler reported: %v", err)
		}
		day := start.AddDate(0, 0, 9)
		f.Clock.Advance(10 * 24 * time.Hour)
		if _, err := svc.Report(ctx, f.Users["street_handler"], p.Code, appproject.Update{Milestone: 2, Actual: &day}); field(err) != "invalid:milestone" {
			t.Errorf("the second milestone before the first: %v", err)
		}
		forty := 40
		p, err = svc.Report(ctx, f.Users["street_handler"], p.Code, appproject.Update{Progress: &forty, Milestone: 1, Actual: &day, Evidence: "设计方案批复"})
		if err != nil || p.Status != project.StatusInProgress || p.Progress != 40 || p.Done() != 1 {
			t.Fatalf("report: %+v %v", p, err)
		}
		if _, err := svc.Act(ctx, f.Users["leader"], p.Code, project.ActionDelay, " "); field(err) != "invalid:explanation" {
			t.Errorf("a delay without its explanation: %v", err)
		}
		if _, err := svc.Act(ctx, f.Users["leader"], p.Code, project.ActionComplete, ""); field(err) != "invalid:milestones" {
			t.Errorf("completed with a milestone open: %v", err)
		}
		if _, err := svc.Act(ctx, f.Users["leader"], p.Code, project.ActionDelay, "冬季停工，次年春季复工"); err != nil {
			t.Fatal(err)
		}
		f.Clock.Advance(90 * 24 * time.Hour)
		pub, err := svc.Public(ctx, 2026)
		if err != nil || len(pub) != 1 || pub[0].Explanation != "冬季停工，次年春季复工" || pub[0].Health != project.Red || pub[0].UnitName != "兴海路街道" {
			t.Fatalf("public %+v %v", pub, err)
		}
		b, _ := json.Marshal(pub)
		if strings.Contains(string(b), "王志刚") || strings.Contains(string(b), "unit_id") {
			t.Errorf("the public view holds a name or an internal id: %s", b)
		}
		rc, err := svc.Suggest(ctx, p.Code, appproject.Suggestion{Text: "希望施工期间晚上不要噪音扰民", Phone: "13897001234"}, "")
		if err != nil {
			t.Fatal(err)
		}
		if rc.Ticket.Kind != "suggestion" || rc.Token == "" {
			t.Errorf("the suggestion's ticket %+v", rc.Ticket)
		}
		if _, err := svc.Suggest(ctx, p.Code, appproject.Suggestion{Text: "  "}, ""); field(err) != "invalid:text" {
			t.Errorf("an empty suggestion: %v", err)
		}
		v, tl, err := svc.Get(ctx, f.Users["admin"], p.Code)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range tl {
			actions = append(actions, e.Action)
		}
		if got := strings.Join(actions, ","); got != "create,report,delay,suggestion" || v.Health != project.Red {
			t.Errorf("timeline %s, health %s", got, v.Health)
		}
		err = db.Read(ctx, func(tx *store.Tx) error {
			ls, err := store.ListLinks(ctx, tx, "ticket", rc.Ticket.ID)
			if err != nil || len(ls) != 1 || ls[0].FromType != appproject.ObjectProject || ls[0].FromID != p.ID {
				t.Errorf("the suggestion's link %+v %v", ls, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
