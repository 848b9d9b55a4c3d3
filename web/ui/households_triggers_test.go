package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	hh "github.com/minsheng/minsheng/app/household"
	"github.com/minsheng/minsheng/household"
	"github.com/minsheng/minsheng/store"
)

// The proactive-service page: the district admin changes a rule (refused
// first, in Chinese, with what was typed kept) and enters an alert day;
// community staff read the rules without forms and follow the order the
// daily job opened, with its step.
func TestHouseholdTriggersPage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := e.f
		svc := hh.New(f.Svc.Kit(), f.Svc)
		now := f.Clock.Now()
		id := household.CompleteIDNumber("63010419480312002")
		if _, err := svc.Register(ctx, f.Users["handler"], household.NewHousehold{GridID: f.Grid.ID, Consent: true, Address: "光华苑 1 号楼 101 室",
			Members: []household.NewMember{{Name: "祁桂兰", IDNumber: id, Phone: "13897001234", Relation: household.RelationHead}},
			Tags: []household.NewTag{{Tag: household.TagAloneElderly, IDNumber: id, Source: "入户核实", Since: now.AddDate(0, -2, 0),
				RecheckBy: now.AddDate(1, 0, 0)}}}); err != nil {
			t.Fatal(err)
		}
		admin := e.signedIn(t, "admin")
		r := admin.post("/household-triggers/rules/no_contact", url.Values{"enabled": {"1"}, "days": {"0"}, "tags": {"alone_elderly", "disabled_care"},
			"escalate_days": {"2"}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "超出允许的范围") || !strings.Contains(r.body, `name="days" type="number" inputmode="numeric" min="1" max="365" value="0"`) ||
			!strings.Contains(r.body, `value="disabled_care" checked`) {
			t.Fatalf("zero days: %d %s", r.status, r.body)
		}
		r = admin.post("/household-triggers/rules/no_contact", url.Values{"enabled": {"1"}, "days": {"7"}, "tags": {"alone_elderly"}, "escalate_days": {"2"}})
		if r.status != http.StatusOK || !strings.Contains(r.body, "已保存") || !strings.Contains(r.body, `min="1" max="365" value="7"`) {
			t.Fatalf("save: %d %s", r.status, r.body)
		}
		r = admin.post("/household-triggers/alert-days", url.Values{"kind": {"heat"}, "day": {now.AddDate(0, 0, -1).Format(time.DateOnly)}, "note": {"高温"}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "预警日应为今天或以后") || !strings.Contains(r.body, `value="高温"`) {
			t.Fatalf("an alert day in the past: %d", r.status)
		}
		admin.post("/household-triggers/alert-days", url.Values{"kind": {"heat"}, "day": {now.AddDate(0, 0, 7).Format(time.DateOnly)}, "note": {"高温"}})
		f.Clock.Advance(7 * 24 * time.Hour)
		if err := f.DB.Write(ctx, func(tx *store.Tx) error { _, err := svc.RunTriggers(ctx, tx); return err }); err != nil {
			t.Fatal(err)
		}
		staff := e.signedIn(t, "handler")
		r = staff.get("/household-triggers")
		if r.status != http.StatusOK || !strings.Contains(r.body, "独居老人 7 天未联系") || !strings.Contains(r.body, "高温预警日关心独居老人") ||
			!strings.Contains(r.body, "当前：包联干部") || strings.Contains(r.body, `action="/household-triggers/alert-days"`) {
			t.Fatalf("the staff's page: %d %s", r.status, r.body)
		}
		if r := staff.post("/household-triggers/rules/no_contact", url.Values{"enabled": {"1"}, "days": {"3"}, "escalate_days": {"1"}}); r.status != http.StatusForbidden {
			t.Errorf("a handler changed a rule: %d", r.status)
		}
	})
}
