package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	hh "github.com/minsheng/minsheng/app/household"
	"github.com/minsheng/minsheng/household"
)

// The split and merge forms of a household's page: a split refused (no
// member ticked) in Chinese with the address kept, then asked and
// approved — the members leave to a new household; a merge refused (no
// household number), then asked and approved — the other household is
// dissolved into this one.
func TestHouseholdSplitMergeForms(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := e.f
		svc := hh.New(f.Svc.Kit(), f.Svc)
		reg := func(addr string, members ...household.NewMember) *household.Household {
			h, err := svc.Register(ctx, f.Users["handler"], household.NewHousehold{GridID: f.Grid.ID, Consent: true, Address: addr, Members: members})
			if err != nil {
				t.Fatal(err)
			}
			return h
		}
		m := func(name, first17 string, rel household.Relation) household.NewMember {
			return household.NewMember{Name: name, IDNumber: household.CompleteIDNumber(first17), Relation: rel}
		}
		big := reg("光华苑 2 号楼 301 室", m("祁桂兰", "63010419480312002", household.RelationHead),
			m("韩立新", "63010419750101001", household.RelationChild), m("韩晓雪", "63010420000101002", household.RelationGrandchild))
		small := reg("光华苑 2 号楼 302 室", m("李淑珍", "63010419500101002", household.RelationHead))
		gw := e.signedIn(t, "grid_worker")
		staff := e.signedIn(t, "handler")
		page := "/households/" + itoa(big.ID)
		if r := gw.get(page); !strings.Contains(r.body, `id="hh-split"`) || !strings.Contains(r.body, `id="hh-merge"`) {
			t.Fatalf("the household page has no split or merge form")
		}
		r := gw.post(page+"/changes", url.Values{"kind": {"split"}, "person_id": {itoa(big.Members[1].ID)}, "address": {"光华苑 5 号楼 101 室"}, "reason": {"子女另立户"}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "请勾选要分出的成员") || !strings.Contains(r.body, `value="光华苑 5 号楼 101 室"`) {
			t.Fatalf("split without members: %d", r.status)
		}
		r = gw.post(page+"/changes", url.Values{"kind": {"split"}, "person_ids": {itoa(big.Members[1].ID), itoa(big.Members[2].ID)},
			"person_id": {itoa(big.Members[1].ID)}, "address": {"光华苑 5 号楼 101 室"}, "reason": {"子女另立户"}})
		if !strings.Contains(r.body, "变更申请已提交") {
			t.Fatalf("split: %d", r.status)
		}
		r = gw.post(page+"/changes", url.Values{"kind": {"merge"}, "other_id": {""}, "reason": {"两户合并"}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "请填写要并入的另一户的编号") {
			t.Fatalf("merge without a household: %d", r.status)
		}
		if r := gw.post(page+"/changes", url.Values{"kind": {"merge"}, "other_id": {itoa(small.ID)}, "reason": {"两户合并"}}); !strings.Contains(r.body, "变更申请已提交") {
			t.Fatalf("merge: %d", r.status)
		}
		cs, _ := svc.Changes(ctx, f.Users["handler"], household.ChangeRequested)
		if len(cs) != 2 {
			t.Fatalf("%d requests", len(cs))
		}
		for _, c := range cs {
			if r := staff.post("/household-changes/"+itoa(c.ID), url.Values{"action": {"approve"}}); !strings.Contains(r.body, "已处理变更申请") {
				t.Fatalf("approve %s: %d", c.Kind, r.status)
			}
		}
		v, err := svc.Get(ctx, f.Users["handler"], big.ID)
		if err != nil || len(v.Household.Members) != 2 { // the head, and 李淑珍 merged in; the children left
			t.Fatalf("after split and merge: %+v %v", v.Household.Members, err)
		}
		if r := staff.get("/households?grid_id=" + itoa(f.Grid.ID)); !strings.Contains(r.body, "光华苑 5 号楼 101 室") || strings.Contains(r.body, "光华苑 2 号楼 302 室") {
			t.Errorf("the registry after: want the new household, not the merged one")
		}
	})
}

// The district's coverage is by street, read from the roll-up; a street
// opens its grids.
func TestHouseholdCoverageByStreet(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := e.f
		svc := hh.New(f.Svc.Kit(), f.Svc)
		if _, err := svc.Register(ctx, f.Users["handler"], household.NewHousehold{GridID: f.Grid.ID, Consent: true, Address: "光华苑 2 号楼 301 室",
			Members: []household.NewMember{{Name: "祁桂兰", IDNumber: household.CompleteIDNumber("63010419480312002"), Relation: household.RelationHead}}}); err != nil {
			t.Fatal(err)
		}
		leader := e.signedIn(t, "leader")
		r := leader.get("/household-coverage")
		if r.status != http.StatusOK || !strings.Contains(r.body, `data-level="street"`) || !strings.Contains(r.body, "兴海路街道") ||
			!strings.Contains(r.body, "/household-coverage?unit_id="+itoa(f.Street.ID)) {
			t.Fatalf("district coverage: %d %s", r.status, r.body)
		}
		r = leader.get("/household-coverage?unit_id=" + itoa(f.Street.ID))
		if !strings.Contains(r.body, `data-level="grid"`) || !strings.Contains(r.body, "第一网格") {
			t.Fatalf("a street's coverage: %s", r.body)
		}
		cs, err := svc.CoverageByStreet(ctx, f.Users["leader"], 0)
		if err != nil || len(cs) != 1 || cs[0].UnitID != f.Street.ID || cs[0].Households != 1 {
			t.Fatalf("by street: %+v %v", cs, err)
		}
		if _, err := svc.CoverageByStreet(ctx, f.Users["leader"], f.Community.ID); err == nil {
			t.Errorf("by street of a community: no error")
		}
	})
}

// A visit recorded with photos from the phone's form: a PDF is refused in
// Chinese with the typed notes kept; the photos show on the household's
// page and open for those who see it.
func TestHouseholdVisitPhotos(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := e.f
		svc := hh.New(f.Svc.Kit(), f.Svc)
		h, err := svc.Register(ctx, f.Users["handler"], household.NewHousehold{GridID: f.Grid.ID, Consent: true, Address: "光华苑 2 号楼 301 室",
			Members: []household.NewMember{{Name: "祁桂兰", IDNumber: household.CompleteIDNumber("63010419480312002"), Relation: household.RelationHead}}})
		if err != nil {
			t.Fatal(err)
		}
		gw := e.signedIn(t, "grid_worker")
		at := f.Clock.Now().Add(-time.Hour).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04")
		form := url.Values{"at": {at}, "met": {"本人"}, "note": {"屋内整洁，暖气正常"}}
		r := gw.postFiles("/visits/"+itoa(h.ID), form, map[string][]byte{"证明.pdf": []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "照片须为") || !strings.Contains(r.body, "屋内整洁，暖气正常") {
			t.Fatalf("a PDF as a photo: %d", r.status)
		}
		r = gw.postFiles("/visits/"+itoa(h.ID), form, map[string][]byte{"门口.png": pngBytes})
		if r.status != http.StatusOK || !strings.Contains(r.body, "走访已记录") {
			t.Fatalf("visit with a photo: %d %s", r.status, r.body)
		}
		staff := e.signedIn(t, "handler")
		r = staff.get("/households/" + itoa(h.ID))
		m := regexp.MustCompile(`<img src="(/households/\d+/photos/\d+)"`).FindStringSubmatch(r.body)
		if m == nil {
			t.Fatalf("no photo on the household's page")
		}
		if r := staff.get(m[1]); r.status != http.StatusOK || r.hdr.Get("Content-Type") != "image/png" || !strings.Contains(r.hdr.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("the photo: %d %q", r.status, r.hdr.Get("Content-Type"))
		}
		if r := e.signedIn(t, "other_handler").get(m[1]); r.status != http.StatusNotFound {
			t.Errorf("another street's handler opens the photo: %d", r.status)
		}
	})
}

// A suggested pair that staff find to be two people is dismissed from
// the duplicates page.
func TestHouseholdNotDuplicatePage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := e.f
		svc := hh.New(f.Svc.Kit(), f.Svc)
		var ids []int64
		for _, n := range []string{"63010419480312002", "63010419480312012"} {
			h, err := svc.Register(ctx, f.Users["handler"], household.NewHousehold{GridID: f.Grid.ID, Consent: true, Address: "光华苑 2 号楼 301 室",
				Members: []household.NewMember{{Name: "祁桂兰", IDNumber: household.CompleteIDNumber(n), Relation: household.RelationHead}}})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, h.ID)
		}
		gw := e.signedIn(t, "grid_worker")
		if r := gw.get("/household-duplicates"); !strings.Contains(r.body, "不是重复") || !strings.Contains(r.body, "同名，住址相同") {
			t.Fatalf("duplicates page: %s", r.body)
		}
		r := gw.post("/household-duplicates/not", url.Values{"a": {itoa(ids[0])}, "b": {itoa(ids[1])}})
		if !strings.Contains(r.body, "不再提示") || !strings.Contains(r.body, `id="hh-dup-none"`) {
			t.Fatalf("after dismissing: %s", r.body)
		}
	})
}
