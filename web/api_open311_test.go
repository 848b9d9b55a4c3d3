package web

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	o311 "github.com/minsheng/minsheng/app/open311"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/web/open311"
)

// TestOpen311Admin goes through the admin routes of Open311 as an admin
// would, and then uses what they set up through the Open311 interface.
func TestOpen311Admin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := apptest.New(t, db)
		s := NewServer(Config{Service: f.Svc, Logger: slog.New(slog.DiscardHandler)})
		svc := o311.New(f.Svc.Kit(), f.Svc)
		mux := http.NewServeMux()
		for _, r := range s.Open311API(svc) {
			mux.Handle(r.Pattern, r.Handler)
		}
		mux.Handle("/open311/v2/", open311.New(open311.Config{Service: svc, Logger: slog.New(slog.DiscardHandler)}))
		h := s.withAuth(mux)
		tokens := map[string]string{}
		for _, u := range []string{"admin", "agent", "dispatcher"} {
			tok, err := f.Svc.CreateAPIToken(ctx, kit.System(), u, "test")
			if err != nil {
				t.Fatal(err)
			}
			tokens[u] = tok
		}
		do := func(user, method, path, body string) (int, map[string]any) {
			t.Helper()
			req := httptest.NewRequest(method, path, strings.NewReader(body))
			if body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			if user != "" {
				req.Header.Set("Authorization", "Bearer "+tokens[user])
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			var out map[string]any
			if rec.Body.Len() > 0 && strings.HasPrefix(rec.Header().Get("Content-Type"), "application/") {
				json.Unmarshal(rec.Body.Bytes(), &out)
			}
			return rec.Code, out
		}
		must := func(want int) func(int, map[string]any) map[string]any {
			return func(got int, v map[string]any) map[string]any {
				t.Helper()
				if got != want {
					t.Fatalf("status %d, want %d: %v", got, want, v)
				}
				return v
			}
		}

		// Clients and keys.
		must(http.StatusForbidden)(do("dispatcher", "POST", "/api/v1/open311/clients", `{"name":"FixMyStreet"}`))
		must(http.StatusUnauthorized)(do("", "GET", "/api/v1/open311/clients", ""))
		k := must(http.StatusCreated)(do("admin", "POST", "/api/v1/open311/clients", `{"name":"FixMyStreet","rate_per_minute":120}`))
		key := k["key"].(string)
		if !strings.HasPrefix(key, o311.APIClientKeyPrefix) || k["client"].(map[string]any)["rate_per_minute"] != 120.0 {
			t.Fatalf("created = %v", k)
		}
		if _, leaked := k["client"].(map[string]any)["key_hash"]; leaked {
			t.Fatal("the key's hash is shown")
		}
		must(http.StatusBadRequest)(do("admin", "POST", "/api/v1/open311/clients", `{"name":"FixMyStreet"}`))
		must(http.StatusBadRequest)(do("admin", "POST", "/api/v1/open311/clients", `{"name":"x","colour":"red"}`))
		list := must(http.StatusOK)(do("admin", "GET", "/api/v1/open311/clients", ""))
		if n := len(list["clients"].([]any)); n != 1 {
			t.Fatalf("%d clients", n)
		}
		must(http.StatusOK)(do("admin", "PATCH", "/api/v1/open311/clients/FixMyStreet", `{"rate_per_minute":30}`))
		k2 := must(http.StatusOK)(do("admin", "POST", "/api/v1/open311/clients/FixMyStreet/key", ""))
		if k2["key"] == key {
			t.Fatal("the key did not change")
		}
		key = k2["key"].(string)
		must(http.StatusNotFound)(do("admin", "POST", "/api/v1/open311/clients/nobody/revoke", ""))

		// The service's settings and attributes.
		code := f.Category.Code
		attrs := "/api/v1/open311/services/" + code + "/attributes"
		must(http.StatusForbidden)(do("agent", "POST", attrs, `{"code":"building","datatype":"string","description":"楼号"}`))
		must(http.StatusCreated)(do("admin", "POST", attrs, `{"code":"building","datatype":"string","required":true,"description":"楼号"}`))
		must(http.StatusCreated)(do("admin", "POST", attrs, `{"code":"kind","datatype":"singlevaluelist","description":"问题类型",
			"values":[{"key":"stopped","name":"停运","name_en":"Stopped"},{"key":"noisy","name":"异响"}]}`))
		must(http.StatusBadRequest)(do("admin", "POST", attrs, `{"code":"kind2","datatype":"singlevaluelist","description":"x"}`))
		must(http.StatusOK)(do("admin", "PATCH", attrs+"/building", `{"required":false}`))
		got := must(http.StatusOK)(do("agent", "GET", attrs, ""))
		if as := got["attributes"].([]any); len(as) != 2 || as[0].(map[string]any)["required"] != false {
			t.Fatalf("attributes = %v", got)
		}
		must(http.StatusNoContent)(do("admin", "DELETE", attrs+"/building", ""))
		must(http.StatusNotFound)(do("admin", "DELETE", attrs+"/building", ""))
		svcs := must(http.StatusOK)(do("admin", "GET", "/api/v1/open311/services", ""))
		if s := svcs["services"].([]any)[0].(map[string]any); s["code"] != code || s["attributes"] != 1.0 || s["private"] != false {
			t.Fatalf("services = %v", svcs)
		}
		st := must(http.StatusOK)(do("admin", "PATCH", "/api/v1/open311/services/"+code, `{"private":true,"description":"小区物业、电梯、停车"}`))
		if st["private"] != true {
			t.Fatalf("settings = %v", st)
		}

		// A client uses the key; staff see what it sent.
		form := url.Values{"api_key": {key}, "service_code": {code}, "address_string": {"海湖路18号"}, "description": {"电梯停运"},
			"attribute[kind]": {"stopped"}}
		req := httptest.NewRequest("POST", "/open311/v2/requests.json", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated {
			t.Fatalf("submit: %d %s", rec.Code, rec.Body)
		}
		var created []map[string]string
		json.Unmarshal(rec.Body.Bytes(), &created)
		v := must(http.StatusOK)(do("dispatcher", "GET", "/api/v1/tickets/"+created[0]["service_request_id"]+"/open311", ""))
		if v["client"] != "FixMyStreet" || len(v["attributes"].([]any)) != 1 {
			t.Fatalf("ticket's open311 = %v", v)
		}
		// Revoked, the key no longer works.
		must(http.StatusOK)(do("admin", "POST", "/api/v1/open311/clients/FixMyStreet/revoke", ""))
		req = httptest.NewRequest("POST", "/open311/v2/requests.json", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusForbidden {
			t.Fatalf("revoked key: %d %s", rec.Code, rec.Body)
		}
	})
}
