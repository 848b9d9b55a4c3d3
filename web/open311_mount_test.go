package web_test

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"testing"

	o311 "github.com/minsheng/minsheng/app/open311"
	"github.com/minsheng/minsheng/web"
)

// open311Error is an entry of an Open311 error list.
type open311Error struct {
	Code        int    `json:"code"`
	Description string `json:"description"`
}

// mustOpen311Errors checks that the answer is Open311's JSON error list
// (not the API's problem document) with the status, and returns it.
func mustOpen311Errors(t *testing.T, r *res, status int) []open311Error {
	t.Helper()
	if mt, _, _ := mime.ParseMediaType(r.hdr.Get("Content-Type")); mt != "application/json" {
		t.Fatalf("Content-Type %q, want Open311's application/json: %s", r.hdr.Get("Content-Type"), r)
	}
	errs := mustJSON[[]open311Error](t, r, status)
	if len(errs) != 1 || errs[0].Code != status || errs[0].Description == "" {
		t.Fatalf("errors %+v, want one with code %d", errs, status)
	}
	return errs
}

// open311Form posts a form to the Open311 interface, as a page of another
// site would when hdr holds Origin or Sec-Fetch-Site.
func (e *env) open311Form(t *testing.T, path string, form url.Values, hdr ...string) *res {
	t.Helper()
	return e.do(t, "POST", path, "", form.Encode(), append([]string{"Content-Type", "application/x-www-form-urlencoded"}, hdr...)...)
}

var crossSite = [][]string{{"Sec-Fetch-Site", "cross-site"}, {"Origin", "https://evil.example"}}

// TestOpen311Mounted checks that web.NewServer serves Open311 at
// /open311/v2/ with the configured public URL and jurisdiction, behind the
// same request ids and metrics as the API, and that pages of other sites
// may post to it (it takes an api_key, not cookies) while the API still
// refuses them.
func TestOpen311Mounted(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		// Discovery: links are made from PublicURL, not from the request's
		// host (httptest's example.com).
		r := e.do(t, "GET", "/open311/v2/discovery.json", "", nil)
		d := mustJSON[struct {
			Endpoints []struct {
				URL     string   `json:"url"`
				Formats []string `json:"formats"`
			} `json:"endpoints"`
		}](t, r, http.StatusOK)
		if len(d.Endpoints) != 1 || d.Endpoints[0].URL != "https://12345.example.cn/open311/v2" {
			t.Errorf("discovery endpoints %+v, want the public URL", d.Endpoints)
		}
		// Without a suffix, XML: the spec's default.
		r = e.do(t, "GET", "/open311/v2/discovery", "", nil)
		if mustStatus(t, r, http.StatusOK); !strings.HasPrefix(r.hdr.Get("Content-Type"), "text/xml") {
			t.Errorf("discovery without suffix: Content-Type %q", r.hdr.Get("Content-Type"))
		}

		// Services: the fixture's category is one.
		svcs := mustJSON[[]struct {
			Code string `json:"service_code"`
		}](t, e.do(t, "GET", "/open311/v2/services.json", "", nil), http.StatusOK)
		found := false
		for _, s := range svcs {
			found = found || s.Code == e.f.Category.Code
		}
		if !found {
			t.Errorf("services %+v lack %s", svcs, e.f.Category.Code)
		}
		// The configured jurisdiction, and no other.
		mustStatus(t, e.do(t, "GET", "/open311/v2/services.json?jurisdiction_id=chengxi", "", nil), http.StatusOK)
		mustOpen311Errors(t, e.do(t, "GET", "/open311/v2/services.json?jurisdiction_id=elsewhere", "", nil), http.StatusNotFound)
		// Unknown paths under the prefix are Open311's 404, not the API's.
		mustOpen311Errors(t, e.do(t, "GET", "/open311/v2/nothing.json", "", nil), http.StatusNotFound)

		// A page of another site may post: CSRF protection lets it through,
		// and Open311 refuses it for want of an api_key.
		form := url.Values{"service_code": {e.f.Category.Code}, "address_string": {"海湖路18号"}, "description": {"路灯不亮"}}
		for _, hdr := range crossSite {
			errs := mustOpen311Errors(t, e.open311Form(t, "/open311/v2/requests.json", form, hdr...), http.StatusForbidden)
			if !strings.Contains(errs[0].Description, "api_key") {
				t.Errorf("%v: %q, want Open311's refusal for want of an api_key", hdr, errs[0].Description)
			}
			// The API beside it still refuses the same page.
			mustProblem(t, e.do(t, "POST", "/api/v1/public/tickets", "", map[string]any{}, hdr...), http.StatusForbidden, "forbidden", "")
		}
		// With a key, the other site's post is a request.
		k := mustJSON[o311.APIClientKey](t, e.do(t, "POST", "/api/v1/open311/clients", "admin", map[string]any{"name": "FixMyStreet"}), http.StatusCreated)
		form.Set("api_key", k.Key)
		created := mustJSON[[]map[string]any](t, e.open311Form(t, "/open311/v2/requests.json", form, crossSite[0]...), http.StatusCreated)
		if len(created) != 1 || created[0]["service_request_id"] == "" {
			t.Fatalf("created %v", created)
		}
		got := mustJSON[o311.TicketOpen311View](t, e.do(t, "GET", fmt.Sprintf("/api/v1/tickets/%s/open311", created[0]["service_request_id"]), "dispatcher", nil), http.StatusOK)
		if got.Client != "FixMyStreet" {
			t.Errorf("ticket's open311 %+v", got)
		}

		// Metrics count Open311 under its mount, not per path.
		if m := e.do(t, "GET", "/metrics", "", nil); !strings.Contains(string(m.body), `route="/open311/v2/"`) {
			t.Error("no metrics for the route /open311/v2/")
		}
	}, func(c *web.Config) {
		c.PublicURL = "https://12345.example.cn/"
		c.Open311Jurisdiction = "chengxi"
	})
}

// TestOpen311ClientIP checks that Open311 counts requests without a key by
// the address the server reads, the proxy's header when RealIPHeader is set.
func TestOpen311ClientIP(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		// The fixture's clock stands still: the anonymous burst (100) is all
		// an address gets.
		from := func(ip string) *res {
			return e.do(t, "GET", "/open311/v2/discovery.json", "", nil, "X-Real-IP", ip)
		}
		for i := range 100 {
			if r := from("203.0.113.7"); r.status != http.StatusOK {
				t.Fatalf("request %d: %s", i+1, r)
			}
		}
		if r := from("203.0.113.7"); r.status != http.StatusTooManyRequests || r.hdr.Get("Retry-After") == "" {
			t.Fatalf("request 101 from one address: %d %q, want 429 with Retry-After", r.status, r.hdr.Get("Retry-After"))
		}
		// The connection's address is the same (httptest's), the header not.
		mustStatus(t, from("198.51.100.9"), http.StatusOK)
	}, func(c *web.Config) { c.RealIPHeader = "X-Real-IP" })
}

// TestOpen311AdminDocumented goes through the Open311 admin routes on the
// real server, so that every answer is checked against the OpenAPI
// document.
func TestOpen311AdminDocumented(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		clients := "/api/v1/open311/clients"
		mustProblem(t, e.do(t, "GET", clients, "", nil), http.StatusUnauthorized, "unauthorized", "")
		mustProblem(t, e.do(t, "GET", clients, "dispatcher", nil), http.StatusForbidden, "forbidden", "")
		mustProblem(t, e.do(t, "POST", clients, "agent", map[string]any{"name": "x"}), http.StatusForbidden, "forbidden", "")
		k := mustJSON[o311.APIClientKey](t, e.do(t, "POST", clients, "admin", map[string]any{"name": "FixMyStreet", "rate_per_minute": 120}), http.StatusCreated)
		if k.Client.Name != "FixMyStreet" || k.Client.RatePerMinute != 120 || !strings.HasPrefix(k.Key, o311.APIClientKeyPrefix) {
			t.Fatalf("created %+v", k)
		}
		mustProblem(t, e.do(t, "POST", clients, "admin", map[string]any{"name": "FixMyStreet"}), http.StatusBadRequest, "invalid", "name")
		mustProblem(t, e.do(t, "POST", clients, "admin", map[string]any{"name": "x", "rate_per_minute": 100000}), http.StatusBadRequest, "invalid", "rate_per_minute")
		mustProblem(t, e.do(t, "POST", clients, "admin", map[string]any{"name": "x", "colour": "red"}), http.StatusBadRequest, "invalid", "colour")
		mustJSON[map[string]any](t, e.do(t, "POST", clients, "admin", map[string]any{"name": "SeeClickFix"}), http.StatusCreated)

		mustJSON[map[string]any](t, e.do(t, "PATCH", clients+"/FixMyStreet", "admin", map[string]any{"rate_per_minute": 30}), http.StatusOK)
		mustProblem(t, e.do(t, "PATCH", clients+"/nobody", "admin", map[string]any{"rate_per_minute": 30}), http.StatusNotFound, "not_found", "")
		k2 := mustJSON[o311.APIClientKey](t, e.do(t, "POST", clients+"/FixMyStreet/key", "admin", nil), http.StatusOK)
		if k2.Key == k.Key {
			t.Error("the key did not change")
		}
		mustProblem(t, e.do(t, "POST", clients+"/nobody/key", "admin", nil), http.StatusNotFound, "not_found", "")
		mustJSON[map[string]any](t, e.do(t, "POST", clients+"/SeeClickFix/revoke", "admin", nil), http.StatusOK)
		list := mustJSON[struct {
			Clients []map[string]any `json:"clients"`
		}](t, e.do(t, "GET", clients, "admin", nil), http.StatusOK)
		if len(list.Clients) != 2 {
			t.Fatalf("clients %v", list.Clients)
		}

		// Services and their attributes.
		code := e.f.Category.Code
		mustJSON[map[string]any](t, e.do(t, "GET", "/api/v1/open311/services", "agent", nil), http.StatusOK)
		svc := "/api/v1/open311/services/" + code
		mustJSON[map[string]any](t, e.do(t, "PATCH", svc, "admin", map[string]any{"description": "路灯、井盖"}), http.StatusOK)
		mustProblem(t, e.do(t, "PATCH", svc, "dispatcher", map[string]any{"private": true}), http.StatusForbidden, "forbidden", "")
		mustProblem(t, e.do(t, "PATCH", "/api/v1/open311/services/nothing", "admin", map[string]any{"private": true}), http.StatusNotFound, "not_found", "")
		attrs := svc + "/attributes"
		mustJSON[map[string]any](t, e.do(t, "POST", attrs, "admin", map[string]any{"code": "building", "datatype": "string", "required": true,
			"description": "楼号", "description_en": "Building", "datatype_description": "如 3号楼"}), http.StatusCreated)
		mustJSON[map[string]any](t, e.do(t, "POST", attrs, "admin", map[string]any{"code": "kind", "datatype": "multivaluelist", "order": 5,
			"description": "问题类型", "values": []map[string]any{{"key": "dark", "name": "不亮", "name_en": "Dark"}, {"key": "flicker", "name": "闪烁"}}}), http.StatusCreated)
		mustJSON[map[string]any](t, e.do(t, "POST", attrs, "admin", map[string]any{"code": "note", "datatype": "text", "variable": false,
			"description": "夜间维修请留意安全"}), http.StatusCreated)
		mustProblem(t, e.do(t, "POST", attrs, "admin", map[string]any{"code": "kind2", "datatype": "singlevaluelist", "description": "x"}), http.StatusBadRequest, "invalid", "values")
		mustProblem(t, e.do(t, "POST", attrs, "admin", map[string]any{"code": "x", "datatype": "colour", "description": "x"}), http.StatusBadRequest, "invalid", "datatype")
		mustJSON[map[string]any](t, e.do(t, "PATCH", attrs+"/building", "admin", map[string]any{"required": false, "order": 2}), http.StatusOK)
		mustProblem(t, e.do(t, "PATCH", attrs+"/nothing", "admin", map[string]any{"required": false}), http.StatusNotFound, "not_found", "")
		got := mustJSON[struct {
			Attributes []map[string]any `json:"attributes"`
		}](t, e.do(t, "GET", attrs, "handler", nil), http.StatusOK)
		if len(got.Attributes) != 3 {
			t.Fatalf("attributes %v", got.Attributes)
		}
		mustProblem(t, e.do(t, "GET", "/api/v1/open311/services/nothing/attributes", "admin", nil), http.StatusNotFound, "not_found", "")

		// A request with values; staff see them.
		form := url.Values{"api_key": {k2.Key}, "service_code": {code}, "lat": {"36.62"}, "long": {"101.77"}, "description": {"路灯不亮"},
			"email": {"wang@example.cn"}, "device_id": {"dev-1"}, "attribute[building]": {"3号楼"}, "attribute[kind][]": {"dark", "flicker"}}
		created := mustJSON[[]map[string]any](t, e.open311Form(t, "/open311/v2/requests.json", form), http.StatusCreated)
		v := mustJSON[o311.TicketOpen311View](t, e.do(t, "GET", fmt.Sprintf("/api/v1/tickets/%s/open311", created[0]["service_request_id"]), "dispatcher", nil), http.StatusOK)
		if v.Client != "FixMyStreet" || len(v.Attributes) != 2 || v.Request == nil || v.Request.DeviceID != "dev-1" {
			b, _ := json.Marshal(v)
			t.Errorf("ticket's open311 %s", b)
		}
		// Another ticket has nothing of Open311.
		mustJSON[o311.TicketOpen311View](t, e.do(t, "GET", "/api/v1/tickets/"+e.f.Register(t).Number+"/open311", "dispatcher", nil), http.StatusOK)
		mustProblem(t, e.do(t, "GET", "/api/v1/tickets/20990101-00001/open311", "dispatcher", nil), http.StatusNotFound, "not_found", "")

		// The attribute goes; the ticket keeps its value.
		mustStatus(t, e.do(t, "DELETE", attrs+"/building", "admin", nil), http.StatusNoContent)
		mustProblem(t, e.do(t, "DELETE", attrs+"/building", "admin", nil), http.StatusNotFound, "not_found", "")
		mustJSON[map[string]any](t, e.do(t, "GET", fmt.Sprintf("/api/v1/tickets/%s/open311", created[0]["service_request_id"]), "dispatcher", nil), http.StatusOK)
	})
}
