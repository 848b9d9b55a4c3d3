package ui_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/minsheng/minsheng/app/kit"
	o311 "github.com/minsheng/minsheng/app/open311"
	"github.com/minsheng/minsheng/store"
)

// keyRE finds an Open311 API key: the prefix and 32 random bytes.
var keyRE = regexp.MustCompile(`mso_[A-Za-z0-9_-]{43}`)

// shownKey returns the key that a page shows in its one-time box.
func shownKey(t *testing.T, r res) string {
	t.Helper()
	if r.status != http.StatusOK || !strings.Contains(r.body, `id="api-key"`) || !strings.Contains(r.body, "只显示这一次") {
		t.Fatalf("no key box with its warning: %d\n%s", r.status, r.body)
	}
	keys := keyRE.FindAllString(r.body, -1)
	if len(keys) != 1 {
		t.Fatalf("the page shows %d keys; want 1", len(keys))
	}
	return keys[0]
}

// submitOpen311 sends a request to the Open311 interface with a key and
// returns the status.
func (e *env) submitOpen311(t *testing.T, key string) int {
	t.Helper()
	form := url.Values{"api_key": {key}, "service_code": {e.f.Category.Code}, "lat": {"36.6171"}, "long": {"101.7782"},
		"address_string": {"城西区海湖路18号"}, "description": {"3号楼电梯停运三天。"}}
	resp, err := http.PostForm(e.srv.URL+"/open311/v2/requests.json", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// snapshot is what the service holds, as text, to compare before and after
// a refused form.
func snapshot(t *testing.T, v any, err error) string {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func TestAdminOpen311Clients(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		admin := e.signedIn(t, "admin")
		clients := func() string {
			cs, err := o311.New(e.f.Svc.Kit(), e.f.Svc).ListAPIClients(ctx, kit.System())
			return snapshot(t, cs, err)
		}

		r := admin.get("/admin/clients")
		if r.status != http.StatusOK || !strings.Contains(r.body, `href="/admin/clients"`) || !strings.Contains(r.body, "尚无客户端") {
			t.Fatalf("clients page: %d, nav link or empty list missing", r.status)
		}

		// Issue a key: it is shown once, and it works.
		name := "FixMyStreet 城西/H5"
		key := shownKey(t, admin.post("/admin/clients", url.Values{"name": {name}, "rate_per_minute": {"120"}}))
		if r := admin.get("/admin/clients"); !strings.Contains(r.body, `class="last-used"><span class="muted">从未使用`) {
			t.Fatalf("a new client is not shown as never used")
		}
		if st := e.submitOpen311(t, key); st != http.StatusCreated {
			t.Fatalf("Open311 request with the issued key: %d; want 201", st)
		}
		r = admin.get("/admin/clients")
		if strings.Contains(r.body, key) || strings.Contains(r.body, `id="api-key"`) {
			t.Fatalf("the list shows the key again")
		}
		if !strings.Contains(r.body, "FixMyStreet 城西/H5") || !strings.Contains(r.body, key[:8]+"…") || !strings.Contains(r.body, `value="120"`) ||
			strings.Contains(r.body, "从未使用") {
			t.Fatalf("the list lacks the client, its key hint, its rate or its last use:\n%s", r.body)
		}
		base := "/admin/clients/" + url.PathEscape(name)

		// Rotate: the old key stops, the new one works, shown once.
		newKey := shownKey(t, admin.post(base+"/rotate", url.Values{}))
		if newKey == key {
			t.Fatal("rotation showed the old key")
		}
		if st := e.submitOpen311(t, key); st != http.StatusForbidden {
			t.Fatalf("old key after rotation: %d; want 403", st)
		}
		if _, err := o311.New(e.f.Svc.Kit(), e.f.Svc).AuthenticateAPIKey(ctx, newKey); err != nil {
			t.Fatalf("the rotated key does not authenticate: %v", err)
		}

		// Change the rate.
		if r := admin.post(base+"/rate", url.Values{"rate_per_minute": {"300"}}); r.status != http.StatusOK || !strings.Contains(r.url, "ok=saved") {
			t.Fatalf("rate: %d %s", r.status, r.url)
		}
		if cs, _ := o311.New(e.f.Svc.Kit(), e.f.Svc).ListAPIClients(ctx, kit.System()); len(cs) != 1 || cs[0].RatePerMinute != 300 {
			t.Fatalf("rate not saved: %+v", cs[0])
		}

		// Bad input changes nothing and says why, with no key shown.
		before := clients()
		for _, tc := range []struct {
			name, path string
			form       url.Values
			field      string
		}{
			{"empty name", "/admin/clients", url.Values{"name": {"  "}}, "name"},
			{"duplicate name", "/admin/clients", url.Values{"name": {name}}, "name"},
			{"rate not a number", "/admin/clients", url.Values{"name": {"other"}, "rate_per_minute": {"many"}}, "rate_per_minute"},
			{"negative rate", "/admin/clients", url.Values{"name": {"other"}, "rate_per_minute": {"-1"}}, "rate_per_minute"},
			{"rate too high", "/admin/clients", url.Values{"name": {"other"}, "rate_per_minute": {"99999"}}, "rate_per_minute"},
			{"bad rate on the row", base + "/rate", url.Values{"rate_per_minute": {"abc"}}, ""},
			{"too high on the row", base + "/rate", url.Values{"rate_per_minute": {strconv.Itoa(o311.MaxAPIClientRate + 1)}}, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := admin.post(tc.path, tc.form)
				if r.status != http.StatusBadRequest || !strings.Contains(r.body, `class="ferr"`) {
					t.Fatalf("%d; want 400 with the error shown", r.status)
				}
				if tc.field != "" && !strings.Contains(r.body, `<label class="bad">`) {
					t.Errorf("the field %s is not marked", tc.field)
				}
				if strings.Contains(r.body, `id="api-key"`) || keyRE.MatchString(r.body) {
					t.Errorf("a refused form shows a key")
				}
				if after := clients(); after != before {
					t.Errorf("the refused form changed the clients:\n%s\n%s", before, after)
				}
			})
		}
		// What was typed is kept.
		if r := admin.post("/admin/clients", url.Values{"name": {"other"}, "rate_per_minute": {"many"}}); !strings.Contains(r.body, `value="other"`) {
			t.Errorf("the refused form lost the name typed")
		}

		// Revoke: the key stops working; the row says so.
		r = admin.post(base+"/revoke", url.Values{})
		if r.status != http.StatusOK || !strings.Contains(r.body, "已吊销该客户端的密钥") || !strings.Contains(r.body, `<span class="warn">已吊销</span>`) {
			t.Fatalf("revoke: %d %s", r.status, r.url)
		}
		if _, err := o311.New(e.f.Svc.Kit(), e.f.Svc).AuthenticateAPIKey(ctx, newKey); err == nil {
			t.Fatal("the revoked key still authenticates")
		}
		if st := e.submitOpen311(t, newKey); st != http.StatusForbidden {
			t.Fatalf("revoked key: %d; want 403", st)
		}
		if r := admin.post("/admin/clients/nobody/revoke", url.Values{}); r.status != http.StatusNotFound {
			t.Fatalf("revoke an unknown client: %d; want 404", r.status)
		}

		// Not an admin: refused, nothing changes.
		before = clients()
		dispatcher := e.signedIn(t, "dispatcher")
		for _, tc := range []struct{ method, path string }{
			{"GET", "/admin/clients"},
			{"POST", "/admin/clients"},
			{"POST", base + "/rotate"},
			{"POST", base + "/rate"},
		} {
			var r res
			if tc.method == "GET" {
				r = dispatcher.get(tc.path)
			} else {
				r = dispatcher.post(tc.path, url.Values{"name": {"sneaky"}, "rate_per_minute": {"1"}})
			}
			if r.status != http.StatusForbidden || keyRE.MatchString(r.body) {
				t.Errorf("dispatcher %s %s: %d; want 403 without a key", tc.method, tc.path, r.status)
			}
		}
		if after := clients(); after != before {
			t.Errorf("a dispatcher changed the clients")
		}
	})
}

func TestAdminOpen311Service(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		admin := e.signedIn(t, "admin")
		code := e.f.Category.Code
		page := "/admin/categories/" + code + "/service"
		attrs := func() string {
			as, err := o311.New(e.f.Svc.Kit(), e.f.Svc).ListCategoryAttributes(ctx, code)
			return snapshot(t, as, err)
		}

		if r := admin.get("/admin/categories"); !strings.Contains(r.body, `href="`+page+`"`) {
			t.Fatalf("the categories page does not link to %s", page)
		}
		r := admin.get(page)
		if r.status != http.StatusOK || !strings.Contains(r.body, "尚无自定义字段") || strings.Contains(r.body, `id="not-service"`) {
			t.Fatalf("service page: %d", r.status)
		}

		// Settings.
		r = admin.post(page, url.Values{"private": {"1"}, "description": {"小区物业、电梯、停车"}})
		if r.status != http.StatusOK || !strings.Contains(r.url, "ok=saved") {
			t.Fatalf("settings: %d %s", r.status, r.url)
		}
		svc, _, err := o311.New(e.f.Svc.Kit(), e.f.Svc).Open311ServiceDefinition(ctx, code)
		if err != nil || !svc.Private || svc.Description != "小区物业、电梯、停车" {
			t.Fatalf("settings not saved: %+v %v", svc, err)
		}
		if !strings.Contains(r.body, "小区物业、电梯、停车") || !strings.Contains(r.body, `name="private" value="1" checked`) {
			t.Fatalf("the page does not show the saved settings")
		}

		// Add a list attribute: the service definition has it.
		r = admin.post(page[:len(page)-len("service")]+"attributes", url.Values{"code": {"kind"}, "datatype": {"singlevaluelist"},
			"required": {"1"}, "variable": {"1"}, "description": {"故障类型"}, "description_en": {"What is wrong"},
			"values": {"stopped=停运|Stopped\r\nnoisy＝异响\r\n"}})
		if r.status != http.StatusOK || !strings.Contains(r.url, "ok=saved") {
			t.Fatalf("add attribute: %d %s\n%s", r.status, r.url, r.body)
		}
		_, defs, err := o311.New(e.f.Svc.Kit(), e.f.Svc).Open311ServiceDefinition(ctx, code)
		if err != nil || len(defs) != 1 {
			t.Fatalf("definition: %d attributes (%v)", len(defs), err)
		}
		a := defs[0]
		if a.Code != "kind" || a.Datatype != store.DatatypeSingleValueList || !a.Required || !a.Variable || a.Description != "故障类型" ||
			a.Order != 1 || len(a.Values) != 2 || a.Values[0] != (store.AttributeValue{Key: "stopped", Name: "停运", NameEN: "Stopped"}) ||
			a.Values[1] != (store.AttributeValue{Key: "noisy", Name: "异响"}) {
			t.Fatalf("attribute = %+v", a)
		}
		if !strings.Contains(r.body, "<code>kind</code>") || !strings.Contains(r.body, "stopped=停运|Stopped") {
			t.Fatalf("the page does not list the attribute")
		}
		attrsPath := "/admin/categories/" + code + "/attributes"

		// Bad input: an error, and nothing changes.
		before := attrs()
		for _, tc := range []struct {
			name, path string
			form       url.Values
		}{
			{"unknown datatype", attrsPath, url.Values{"code": {"colour"}, "datatype": {"colour"}, "description": {"颜色"}}},
			{"list without values", attrsPath, url.Values{"code": {"who"}, "datatype": {"multivaluelist"}, "description": {"受影响的人"}}},
			{"value without a name", attrsPath, url.Values{"code": {"who"}, "datatype": {"multivaluelist"}, "description": {"受影响的人"}, "values": {"elderly"}}},
			{"duplicate code", attrsPath, url.Values{"code": {"kind"}, "datatype": {"string"}, "description": {"又一个"}}},
			{"bad code", attrsPath, url.Values{"code": {"楼 号"}, "datatype": {"string"}, "description": {"楼号"}}},
			{"no question", attrsPath, url.Values{"code": {"building"}, "datatype": {"string"}}},
			{"order not a number", attrsPath, url.Values{"code": {"building"}, "datatype": {"string"}, "description": {"楼号"}, "order": {"first"}}},
			{"order taken", attrsPath, url.Values{"code": {"building"}, "datatype": {"string"}, "description": {"楼号"}, "order": {"1"}}},
			{"edit: list loses its values", attrsPath + "/kind", url.Values{"datatype": {"singlevaluelist"}, "description": {"故障类型"}, "values": {""}}},
			{"edit: unknown datatype", attrsPath + "/kind", url.Values{"datatype": {"colour"}, "description": {"故障类型"}}},
			{"settings: control characters", page, url.Values{"description": {"bad\x00text"}}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := admin.post(tc.path, tc.form)
				if r.status != http.StatusBadRequest || !strings.Contains(r.body, `class="ferr" role="alert"`) {
					t.Fatalf("%d; want 400 with the error shown", r.status)
				}
				if after := attrs(); after != before {
					t.Errorf("the refused form changed the attributes:\n%s\n%s", before, after)
				}
			})
		}
		if svc, _, _ := o311.New(e.f.Svc.Kit(), e.f.Svc).Open311ServiceDefinition(ctx, code); svc.Description != "小区物业、电梯、停车" {
			t.Errorf("a refused settings form changed the description to %q", svc.Description)
		}
		// A refused edit keeps what was typed in its own form.
		r = admin.post(attrsPath+"/kind", url.Values{"datatype": {"singlevaluelist"}, "description": {"改过的问题"}, "values": {""}})
		if !strings.Contains(r.body, "改过的问题") || !strings.Contains(r.body, "<details class=\"qd\" open>") {
			t.Errorf("the refused edit form is not open with what was typed")
		}

		// Edit: the definition changes.
		r = admin.post(attrsPath+"/kind", url.Values{"datatype": {"multivaluelist"}, "variable": {"1"}, "description": {"电梯故障类型"},
			"order": {"2"}, "values": {"stopped=停运\nnoisy=异响\nstuck=困人"}})
		if r.status != http.StatusOK || !strings.Contains(r.url, "ok=saved") {
			t.Fatalf("edit: %d %s", r.status, r.url)
		}
		_, defs, _ = o311.New(e.f.Svc.Kit(), e.f.Svc).Open311ServiceDefinition(ctx, code)
		if len(defs) != 1 || defs[0].Datatype != store.DatatypeMultiValueList || defs[0].Required || defs[0].Description != "电梯故障类型" ||
			defs[0].Order != 2 || len(defs[0].Values) != 3 {
			t.Fatalf("after edit: %+v", defs[0])
		}

		// Delete.
		r = admin.post(attrsPath+"/kind/delete", url.Values{})
		if r.status != http.StatusOK || !strings.Contains(r.body, "已删除") {
			t.Fatalf("delete: %d %s", r.status, r.url)
		}
		if _, defs, _ = o311.New(e.f.Svc.Kit(), e.f.Svc).Open311ServiceDefinition(ctx, code); len(defs) != 0 {
			t.Fatalf("after delete: %d attributes", len(defs))
		}

		// A category with categories below it is not a service; unknown ones are not found.
		if r := admin.get("/admin/categories/city/service"); r.status != http.StatusOK || !strings.Contains(r.body, `id="not-service"`) {
			t.Errorf("parent category page: %d, no notice", r.status)
		}
		if r := admin.get("/admin/categories/nope/service"); r.status != http.StatusNotFound {
			t.Errorf("unknown category: %d; want 404", r.status)
		}

		// Not an admin: refused, nothing changes.
		before = attrs()
		for _, who := range []string{"dispatcher", "agent"} {
			b := e.signedIn(t, who)
			if r := b.get(page); r.status != http.StatusForbidden {
				t.Errorf("%s opens the service page: %d; want 403", who, r.status)
			}
			if r := b.post(attrsPath, url.Values{"code": {"sneaky"}, "datatype": {"string"}, "description": {"x"}}); r.status != http.StatusForbidden {
				t.Errorf("%s adds an attribute: %d; want 403", who, r.status)
			}
			if r := b.post(page, url.Values{"description": {"改掉"}}); r.status != http.StatusForbidden {
				t.Errorf("%s changes the settings: %d; want 403", who, r.status)
			}
		}
		if after := attrs(); after != before {
			t.Errorf("a non-admin changed the attributes")
		}
		if svc, _, _ := o311.New(e.f.Svc.Kit(), e.f.Svc).Open311ServiceDefinition(ctx, code); svc.Description != "小区物业、电梯、停车" {
			t.Errorf("a non-admin changed the description")
		}
	})
}
