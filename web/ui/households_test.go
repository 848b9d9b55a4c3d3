package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	hh "github.com/minsheng/minsheng/app/household"
	"github.com/minsheng/minsheng/household"
)

// The community staff's pages: the registry, a household with its masked
// members and the reveal, a change request refused with an error worded
// from its field in the page's language (Chinese, then English) and its
// input kept, then sent and approved by other staff; the coverage.
func TestHouseholdPages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := e.f
		svc := hh.New(f.Svc.Kit(), f.Svc)
		now := f.Clock.Now()
		id := household.CompleteIDNumber("63010419480312002")
		h, err := svc.Register(ctx, f.Users["handler"], household.NewHousehold{GridID: f.Grid.ID, Consent: true, Address: "光华苑 1 号楼 101 室",
			Members: []household.NewMember{{Name: "祁桂兰", IDNumber: id, Phone: "13897001234", Relation: household.RelationHead}},
			Tags:    []household.NewTag{{Tag: household.TagSubsistence, Source: "区民政局低保名册", Since: now.AddDate(0, -2, 0), RecheckBy: now.AddDate(1, 0, 0)}}})
		if err != nil {
			t.Fatal(err)
		}
		staff := e.signedIn(t, "handler")
		gw := e.signedIn(t, "grid_worker")
		r := staff.get("/households")
		if r.status != http.StatusOK || !strings.Contains(r.body, "光华苑 1 号楼 101 室") || !strings.Contains(r.body, "低保") ||
			strings.Contains(r.body, "祁桂兰") || !strings.Contains(r.body, `href="/households"`) {
			t.Fatalf("registry: %d %s", r.status, r.body)
		}
		page := "/households/" + itoa(h.ID)
		r = staff.get(page)
		if strings.Contains(r.body, "祁桂兰") || strings.Contains(r.body, id) || !strings.Contains(r.body, "138****1234") {
			t.Fatalf("the household page shows personal data unmasked")
		}
		r = staff.post(page+"/reveal", url.Values{"person_id": {itoa(h.Members[0].ID)}, "reason": {"电话联系"}})
		if r.status != http.StatusOK || !strings.Contains(r.body, "祁桂兰") || !strings.Contains(r.body, id) {
			t.Fatalf("reveal: %d", r.status)
		}

		// A bad ID number: the error in Chinese, the input kept.
		bad := url.Values{"kind": {"add_member"}, "name": {"祁小明"}, "id_number": {id[:17] + "0"}, "relation": {"grandchild"}, "reason": {"新生儿落户"}}
		if id[17] == '0' {
			bad.Set("id_number", id[:17]+"1")
		}
		r = gw.post(page+"/changes", bad)
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "身份证号无效") || !strings.Contains(r.body, `value="祁小明"`) ||
			!strings.Contains(r.body, `value="新生儿落户"`) {
			t.Fatalf("refused change: %d %s", r.status, r.body)
		}
		gw.get("/lang/en?next=/")
		r = gw.post(page+"/changes", bad)
		if !strings.Contains(r.body, "Not a valid ID number") || strings.Contains(r.body, "身份证号无效") {
			t.Fatalf("the refused change on an English page is not worded in English")
		}
		gw.get("/lang/zh?next=/")
		good := url.Values{"kind": {"add_member"}, "name": {"祁小明"}, "id_number": {household.CompleteIDNumber("63010420260101001")}, "relation": {"grandchild"}, "reason": {"新生儿落户"}}
		if r := gw.post(page+"/changes", good); r.status != http.StatusOK || !strings.Contains(r.body, "变更申请已提交") {
			t.Fatalf("change request: %d", r.status)
		}
		r = staff.get("/household-changes")
		if !strings.Contains(r.body, "新增成员") || !strings.Contains(r.body, "祁**") || strings.Contains(r.body, "祁小明") {
			t.Fatalf("approvals page: %s", r.body)
		}
		cs, _ := svc.Changes(ctx, f.Users["handler"], household.ChangeRequested)
		if r := staff.post("/household-changes/"+itoa(cs[0].ID), url.Values{"action": {"approve"}}); !strings.Contains(r.body, "已处理变更申请") {
			t.Fatalf("approve: %d", r.status)
		}
		r = staff.get(page)
		if !strings.Contains(r.body, "变更已同意") || strings.Count(r.body, "孙辈") < 1 {
			t.Errorf("the household page does not show the approved change")
		}
		// Community staff pair the grid worker from the household's page.
		if r := staff.post(page+"/pair", url.Values{"cadre_id": {itoa(f.Users["grid_worker"].ID)}}); !strings.Contains(r.body, "已结对联系干部") ||
			!strings.Contains(r.body, "grid_worker姓名") {
			t.Fatalf("pair: %d", r.status)
		}
		if r := staff.post(page+"/pair", url.Values{"cadre_id": {"0"}}); r.status != http.StatusBadRequest || !strings.Contains(r.body, "请选择在职的工作人员") {
			t.Fatalf("pair with nobody: %d", r.status)
		}
		r = staff.get("/household-coverage")
		if r.status != http.StatusOK || !strings.Contains(r.body, "第一网格") {
			t.Errorf("coverage: %d", r.status)
		}
		// Another street's handler sees none of it.
		if r := e.signedIn(t, "other_handler").get(page); r.status != http.StatusNotFound {
			t.Errorf("another street's handler opens the household: %d", r.status)
		}
	})
}
