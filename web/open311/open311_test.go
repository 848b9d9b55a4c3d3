package open311_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	o311 "github.com/minsheng/minsheng/app/open311"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
	"github.com/minsheng/minsheng/web/open311"
)

// The shapes of the spec's examples (GeoReport v2), element by element.
var (
	specService    = []string{"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
	specDefinition = []string{"service_code", "attributes"}
	specAttribute  = []string{"variable", "code", "datatype", "required", "datatype_description", "order", "description", "values"}
	specValue      = []string{"key", "name"}
	specCreated    = []string{"service_request_id", "service_notice", "account_id"}
	specToken      = []string{"service_request_id", "token"}
	specRequest    = []string{"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
		"agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime", "address",
		"address_id", "zipcode", "lat", "long", "media_url"}
	specError     = []string{"code", "description"}
	specDiscovery = []string{"changeset", "contact", "key_service", "endpoints"}
	specEndpoint  = []string{"specification", "url", "changeset", "type", "formats"}
)

// sameShape checks that the elements are the spec's, in its order, with
// only the named extensions added.
func sameShape(t *testing.T, what string, got, spec []string, extensions ...string) {
	t.Helper()
	var core []string
	for _, g := range got {
		if !slices.Contains(extensions, g) {
			core = append(core, g)
		}
	}
	if !slices.Equal(core, spec) {
		t.Errorf("%s: elements %v, the spec has %v", what, got, spec)
	}
}

// w3cRE is the W3C date and time with a zone the spec requires.
var w3cRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$`)

func mustW3C(t *testing.T, what, v string) time.Time {
	t.Helper()
	if !w3cRE.MatchString(v) {
		t.Errorf("%s = %q is not a W3C date and time with a time zone", what, v)
	}
	tm, _ := time.Parse(time.RFC3339, v)
	return tm
}

func (e *env) count(t *testing.T) int {
	t.Helper()
	p, err := e.f.Svc.ListTickets(ctx, e.f.Users["dispatcher"], app.ListQuery{Limit: app.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	return len(p.Tickets)
}

// submission is a valid request for the fixture's service.
func (e *env) submission() url.Values {
	return url.Values{
		"api_key": {e.key}, "jurisdiction_id": {"chengxi.gov.cn"}, "service_code": {e.f.Category.Code},
		"lat": {"36.6171"}, "long": {"101.7782"}, "address_string": {"城西区海湖路18号"},
		"description": {"3号楼电梯停运三天，老人上下楼困难。"}, "email": {"wangxl@example.com"}, "first_name": {"秀兰"},
		"last_name": {"王"}, "phone": {"13897001234"}, "device_id": {"ios-77"}, "account_id": {"fms-user-9"},
		"attribute[building]": {"3号楼"}, "attribute[floors]": {"18"}, "attribute[since]": {"2026-02-27T08:00:00+08:00"},
		"attribute[detail]": {"早上七点开始\n一直没修"}, "attribute[kind]": {"stopped"},
		"attribute[who][]": {"elderly", "children"},
	}
}

// secrets are the caller's data, which no public answer may hold.
var secrets = []string{"13897001234", "王秀兰", "秀兰", "wangxl@example.com", "ios-77"}

func noSecrets(t *testing.T, r *res) {
	t.Helper()
	for _, s := range secrets {
		if bytes.Contains(r.body, []byte(s)) {
			t.Errorf("answer holds the caller's %q: %s", s, r.body)
		}
	}
}

func TestDiscoveryAndServices(t *testing.T) {
	s := newSchemas(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		// A second group, and a category that is not a service because it
		// has a sub-category.
		f := e.f
		env, err := f.Svc.CreateCategory(ctx, kit.System(), app.NewCategory{Code: "env", Name: "环境保护", NameEN: "Environment"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Svc.CreateCategory(ctx, kit.System(), app.NewCategory{ParentID: env.ID, Code: "env.noise", Name: "噪音扰民"}); err != nil {
			t.Fatal(err)
		}

		for _, path := range []string{"/open311/v2/discovery.xml", "/open311/v2/discovery"} {
			r := e.do(t, "GET", path, nil)
			mustStatus(t, r, 200)
			if ct := r.hdr.Get("Content-Type"); ct != "text/xml; charset=utf-8" {
				t.Errorf("%s: Content-Type %q", path, ct)
			}
			d := parseXML(t, r.body)
			sameShape(t, "discovery", d.names(), specDiscovery)
			ep := d.child("endpoints").Children[0]
			sameShape(t, "endpoint", ep.names(), specEndpoint)
			if ep.text("url") != base+"/open311/v2" || ep.text("specification") != "http://wiki.open311.org/GeoReport_v2" ||
				ep.text("type") != "production" || len(ep.child("formats").Children) != 2 {
				t.Errorf("endpoint = %+v", ep)
			}
			mustW3C(t, "changeset", d.text("changeset"))
		}
		r := e.do(t, "GET", "/open311/v2/discovery.json", nil)
		mustStatus(t, r, 200)
		var d struct {
			Endpoints []struct {
				URL     string   `json:"url"`
				Formats []string `json:"formats"`
			} `json:"endpoints"`
		}
		if err := json.Unmarshal(r.body, &d); err != nil || len(d.Endpoints) != 1 || !slices.Contains(d.Endpoints[0].Formats, "application/json") {
			t.Fatalf("discovery.json = %s (%v)", r.body, err)
		}

		r = e.do(t, "GET", "/open311/v2/services.json?jurisdiction_id=chengxi.gov.cn", nil)
		mustStatus(t, r, 200)
		v := mustValid(t, s, "services.json", r.body).([]any)
		if len(v) != 2 {
			t.Fatalf("services = %s; want the two leaf categories", r.body)
		}
		svc := v[0].(map[string]any)
		if svc["service_code"] != "city.property" || svc["service_name"] != "物业管理" || svc["group"] != "城乡建设" ||
			svc["metadata"] != true || svc["type"] != "realtime" {
			t.Errorf("service = %v", svc)
		}
		if noise := v[1].(map[string]any); noise["metadata"] != false || noise["group"] != "环境保护" {
			t.Errorf("noise = %v", noise)
		}
		// English names when asked for.
		r = e.do(t, "GET", "/open311/v2/services.json", nil, "Accept-Language", "en-GB,en;q=0.9,zh;q=0.5")
		svc = decodeJSON(t, r.body).([]any)[0].(map[string]any)
		if svc["service_name"] != "Property management" || svc["group"] != "Urban construction" || r.hdr.Get("Content-Language") != "en" {
			t.Errorf("English service = %v", svc)
		}
		r = e.do(t, "GET", "/open311/v2/services.xml", nil)
		x := parseXML(t, r.body)
		if x.Name != "services" || len(x.Children) != 2 {
			t.Fatalf("services.xml = %s", r.body)
		}
		for _, c := range x.Children {
			sameShape(t, "service", c.names(), specService)
		}
		if x.Children[0].text("metadata") != "true" || x.Children[1].text("metadata") != "false" {
			t.Errorf("metadata = %s", r.body)
		}
		// Without a suffix, Accept chooses.
		r = e.do(t, "GET", "/open311/v2/services", nil, "Accept", "application/json")
		if !strings.HasPrefix(r.hdr.Get("Content-Type"), "application/json") {
			t.Errorf("Accept: application/json gave %q", r.hdr.Get("Content-Type"))
		}

		// The definition has every datatype.
		r = e.do(t, "GET", "/open311/v2/services/city.property.json", nil)
		mustStatus(t, r, 200)
		def := mustValid(t, s, "service-definition.json", r.body).(map[string]any)
		var types []string
		for _, a := range def["attributes"].([]any) {
			types = append(types, a.(map[string]any)["datatype"].(string))
		}
		for _, dt := range store.Datatypes {
			if !slices.Contains(types, dt) {
				t.Errorf("no %s attribute in %s", dt, r.body)
			}
		}
		r = e.do(t, "GET", "/open311/v2/services/city.property.xml", nil, "Accept-Language", "en")
		x = parseXML(t, r.body)
		if x.Name != "service_definition" {
			t.Fatalf("root %s", x.Name)
		}
		sameShape(t, "service_definition", x.names(), specDefinition)
		attrs := x.child("attributes").Children
		if len(attrs) != 7 {
			t.Fatalf("%d attributes", len(attrs))
		}
		for i, a := range attrs {
			var spec []string
			for _, n := range specAttribute {
				if n != "values" || a.text("datatype") == "singlevaluelist" || a.text("datatype") == "multivaluelist" {
					spec = append(spec, n)
				}
			}
			sameShape(t, "attribute "+a.text("code"), a.names(), spec)
			if a.text("order") != strconv.Itoa(i+1) {
				t.Errorf("attribute %s has order %s", a.text("code"), a.text("order"))
			}
		}
		kind := attrs[4]
		if kind.text("code") != "kind" || kind.text("required") != "true" || kind.text("description") != "Problem" ||
			len(kind.child("values").Children) != 2 {
			t.Fatalf("kind = %s", r.body)
		}
		sameShape(t, "value", kind.child("values").Children[0].names(), specValue)
		if v := kind.child("values").Children[0]; v.text("key") != "stopped" || v.text("name") != "Stopped" {
			t.Errorf("value = %+v", v)
		}
		if attrs[6].text("variable") != "false" {
			t.Errorf("the notice attribute is variable")
		}
		for _, path := range []string{"/open311/v2/services/nope.json", "/open311/v2/services/city.json", "/open311/v2/services/env.xml"} {
			r := e.do(t, "GET", path, nil)
			mustStatus(t, r, 404)
		}
	})
}

func TestRequestLifecycle(t *testing.T) {
	s := newSchemas(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		f, u := e.f, e.f.Users

		// Submit with attributes and a photo.
		r := e.do(t, "POST", "/open311/v2/requests.json", multipartForm(t, e.submission(), map[string][]byte{"电梯.png": pngBytes}))
		mustStatus(t, r, http.StatusCreated)
		mustValid(t, s, "swagger.json#/paths/~1requests.{response_format}/post/responses/200/schema", r.body)
		var created []struct {
			ID        string `json:"service_request_id"`
			Token     string `json:"token"`
			Notice    string `json:"service_notice"`
			AccountID string `json:"account_id"`
		}
		if err := json.Unmarshal(r.body, &created); err != nil || len(created) != 1 || created[0].Token == "" ||
			created[0].AccountID != "fms-user-9" || !strings.Contains(created[0].Notice, "7个工作日") {
			t.Fatalf("created = %s (%v)", r.body, err)
		}
		id, token := created[0].ID, created[0].Token
		if r.hdr.Get("Location") != base+"/open311/v2/requests/"+id+".json" {
			t.Errorf("Location = %q", r.hdr.Get("Location"))
		}
		noSecrets(t, r)

		// The ticket records the client and the values.
		v, err := f.Svc.GetTicket(ctx, u["dispatcher"], id)
		if err != nil || v.Ticket.Channel != ticket.ChannelOpen311 || v.Events[0].Data["client"] != "FixMyStreet" || len(v.Attachments) != 1 {
			t.Fatalf("ticket = %+v, %v", v, err)
		}
		op, err := o311.New(f.Svc.Kit(), f.Svc).TicketOpen311(ctx, u["dispatcher"], id)
		if err != nil || len(op.Attributes) != 6 || op.Client != "FixMyStreet" {
			t.Fatalf("open311 side = %+v, %v", op, err)
		}

		// Follow the token.
		r = e.do(t, "GET", "/open311/v2/tokens/"+token+".json", nil)
		mustStatus(t, r, 200)
		for _, item := range decodeJSON(t, r.body).([]any) {
			if errs := s.validate("swagger.json#/definitions/TokenResponse", item); len(errs) > 0 {
				t.Errorf("token answer: %v", errs)
			}
		}
		if !strings.Contains(string(r.body), `"service_request_id":"`+id+`"`) {
			t.Fatalf("token answer = %s", r.body)
		}
		x := parseXML(t, e.do(t, "GET", "/open311/v2/tokens/"+token+".xml", nil).body)
		if x.Name != "service_requests" || len(x.Children) != 1 || x.Children[0].Name != "request" {
			t.Fatalf("token xml = %+v", x)
		}
		sameShape(t, "token", x.Children[0].names(), specToken)
		mustStatus(t, e.do(t, "GET", "/open311/v2/tokens/msr_unknown.json", nil), 404)

		// Read the request.
		r = e.do(t, "GET", "/open311/v2/requests/"+id+".json", nil)
		mustStatus(t, r, 200)
		mustValid(t, s, "requests.json", r.body)
		noSecrets(t, r)
		var got []map[string]any
		json.Unmarshal(r.body, &got)
		req := got[0]
		if req["status"] != "open" || req["service_code"] != "city.property" || req["agency_responsible"] != nil ||
			req["description"] != "3号楼电梯停运三天，老人上下楼困难。" || req["lat"] != 36.617 /* blurred to ~100 m */ || req["expected_datetime"] != nil {
			t.Fatalf("request = %v", req)
		}
		if reqAt := mustW3C(t, "requested_datetime", req["requested_datetime"].(string)); !reqAt.Equal(apptest.Start) ||
			!strings.HasSuffix(req["requested_datetime"].(string), "+08:00") {
			t.Errorf("requested_datetime = %v, want %v in +08:00", req["requested_datetime"], apptest.Start)
		}
		media := req["media_url"].(string)
		if !strings.HasPrefix(media, base+"/open311/v2/requests/"+id+"/media/") {
			t.Fatalf("media_url = %q", media)
		}
		r = e.do(t, "GET", strings.TrimPrefix(media, base), nil)
		mustStatus(t, r, 200)
		if !bytes.Equal(r.body, pngBytes) || r.hdr.Get("Content-Type") != "image/png" {
			t.Fatalf("media = %d bytes of %s", len(r.body), r.hdr.Get("Content-Type"))
		}

		// Staff dispatch it; the handling unit takes it on.
		if _, err := f.Svc.Dispatch(ctx, u["dispatcher"], id, f.Community.ID, "内部备注：物业经理电话13711112222"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Svc.Acknowledge(ctx, u["handler"], id, ""); err != nil {
			t.Fatal(err)
		}
		r = e.do(t, "GET", "/open311/v2/requests/"+id+".xml?extensions=true", nil)
		mustStatus(t, r, 200)
		x = parseXML(t, r.body)
		rq := x.Children[0]
		sameShape(t, "request", rq.names(), specRequest, "extended_attributes")
		if rq.text("status") != "open" || rq.text("agency_responsible") != "海湖社区" || rq.text("status_notes") != "海湖社区正在办理。" {
			t.Fatalf("dispatched = %s", r.body)
		}
		mustW3C(t, "expected_datetime", rq.text("expected_datetime"))
		ext := rq.child("extended_attributes")
		if ext.text("detailed_status") != "acknowledged" || len(ext.child("notes").Children) != 3 {
			t.Fatalf("extended = %s", r.body)
		}
		if bytes.Contains(r.body, []byte("内部备注")) || bytes.Contains(r.body, []byte("13711112222")) || bytes.Contains(r.body, []byte("姓名")) {
			t.Fatalf("internal note or staff name shown: %s", r.body)
		}

		// The unit replies: the request is closed, with the reply as notes.
		f.Clock.Advance(26 * time.Hour)
		if _, err := f.Svc.Reply(ctx, u["handler"], id, "已更换电梯配件，电梯恢复运行。"); err != nil {
			t.Fatal(err)
		}
		r = e.do(t, "GET", "/open311/v2/requests/"+id+".json?extensions=true", nil, "Accept-Language", "en")
		mustStatus(t, r, 200)
		mustValid(t, s, "requests.json", r.body)
		json.Unmarshal(r.body, &got)
		req = got[0]
		if req["status"] != "closed" || req["status_notes"] != "已更换电梯配件，电梯恢复运行。" || req["service_name"] != "Property management" {
			t.Fatalf("replied = %v", req)
		}
		upd := mustW3C(t, "updated_datetime", req["updated_datetime"].(string))
		if !upd.Equal(apptest.Start.Add(26 * time.Hour)) {
			t.Errorf("updated_datetime = %v", upd)
		}
		notes := req["extended_attributes"].(map[string]any)["notes"].([]any)
		last := notes[len(notes)-1].(map[string]any)
		if len(notes) != 4 || last["action"] != "reply" || last["status"] != "closed" || last["agency_responsible"] != "海湖社区" {
			t.Fatalf("notes = %v", notes)
		}

		// The updates feed has it all, and the resident can comment.
		from := url.QueryEscape(apptest.Start.Add(-time.Hour).Format(time.RFC3339))
		to := url.QueryEscape(apptest.Start.Add(48 * time.Hour).Format(time.RFC3339))
		r = e.do(t, "GET", "/open311/v2/servicerequestupdates.xml?start_date="+from+"&end_date="+to, nil)
		mustStatus(t, r, 200)
		x = parseXML(t, r.body)
		if x.Name != "service_requests_updates" || len(x.Children) != 4 {
			t.Fatalf("updates = %s", r.body)
		}
		fixed := x.Children[3]
		if fixed.Name != "request_update" || fixed.text("status") != "fixed" || fixed.text("service_request_id") != id ||
			fixed.text("update_id") != id+"-4" || fixed.text("external_status_code") != "replied" {
			t.Fatalf("update = %+v", fixed)
		}
		comment := url.Values{"api_key": {e.key}, "service_request_id": {id}, "update_id": {"fms-update-1"}, "status": {"OPEN"},
			"description": {"电梯今天又停了一次。"}, "updated_datetime": {"2026-03-03T12:00:00+08:00"}, "email": {"wangxl@example.com"}}
		r = e.do(t, "POST", "/open311/v2/servicerequestupdates.xml", multipartForm(t, comment, map[string][]byte{"again.png": pngBytes}))
		mustStatus(t, r, 200)
		x = parseXML(t, r.body)
		if x.Name != "service_request_updates" || x.Children[0].text("update_id") != id+"-5" {
			t.Fatalf("posted update = %s", r.body)
		}
		// The same update again is not recorded twice.
		r = e.do(t, "POST", "/open311/v2/servicerequestupdates.json", comment)
		mustStatus(t, r, 200)
		if !strings.Contains(string(r.body), `"update_id":"`+id+`-5"`) {
			t.Fatalf("replayed update = %s", r.body)
		}
		r = e.do(t, "GET", "/open311/v2/servicerequestupdates.json?service_request_id="+id, nil)
		var ups []map[string]string
		if err := json.Unmarshal(r.body, &ups); err != nil || len(ups) != 5 {
			t.Fatalf("updates = %s", r.body)
		}
		if c := ups[4]; c["description"] != "电梯今天又停了一次。" || c["status"] != "fixed" || !strings.HasPrefix(c["media_url"], base) {
			t.Fatalf("comment = %v", c)
		}
		noSecrets(t, r)
		if v, _ := f.Svc.GetTicket(ctx, u["dispatcher"], id); v.Events[len(v.Events)-1].Data["client_status"] != "open" {
			t.Errorf("the client's status was not noted: %+v", v.Events[len(v.Events)-1])
		}
		// Another client may not comment on it.
		other, _ := o311.New(f.Svc.Kit(), f.Svc).CreateAPIClient(ctx, kit.System(), o311.NewAPIClient{Name: "other"})
		r = e.do(t, "POST", "/open311/v2/servicerequestupdates.json", url.Values{"api_key": {other.Key}, "service_request_id": {id}, "description": {"x"}})
		mustStatus(t, r, 403)
	})
}

func TestListing(t *testing.T) {
	s := newSchemas(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		f := e.f
		var ids []string
		for i := range 5 {
			form := e.submission()
			form.Set("description", "第"+strconv.Itoa(i+1)+"件")
			if i == 4 {
				form.Set("lat", "36.6300") // about 1.4 km north
			}
			r := e.do(t, "POST", "/open311/v2/requests.json", form)
			mustStatus(t, r, 201)
			var c []map[string]string
			json.Unmarshal(r.body, &c)
			ids = append(ids, c[0]["service_request_id"])
			f.Clock.Advance(24 * time.Hour)
		}
		if _, err := f.Svc.Dispatch(ctx, f.Users["dispatcher"], ids[0], f.Community.ID, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Svc.Acknowledge(ctx, f.Users["handler"], ids[0], ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Svc.Reply(ctx, f.Users["handler"], ids[0], "已处理"); err != nil {
			t.Fatal(err)
		}
		numbers := func(r *res) []string {
			t.Helper()
			mustStatus(t, r, 200)
			var out []string
			for _, x := range mustValid(t, s, "requests.json", r.body).([]any) {
				out = append(out, x.(map[string]any)["service_request_id"].(string))
			}
			return out
		}
		want := func(name string, got []string, idx ...int) {
			t.Helper()
			var w []string
			for _, i := range idx {
				w = append(w, ids[i])
			}
			if !slices.Equal(got, w) {
				t.Errorf("%s: got %v, want %v", name, got, w)
			}
		}
		want("all, newest first", numbers(e.do(t, "GET", "/open311/v2/requests.json", nil)), 4, 3, 2, 1, 0)

		// Pages of two, following Link.
		var seen []string
		next := "/open311/v2/requests.json?page_size=2"
		for pages := 0; next != ""; pages++ {
			if pages > 3 {
				t.Fatal("too many pages")
			}
			r := e.do(t, "GET", next, nil)
			seen = append(seen, numbers(r)...)
			next = ""
			if l := r.hdr.Get("Link"); l != "" {
				m := regexp.MustCompile(`^<` + regexp.QuoteMeta(base) + `([^>]+)>; rel="next"$`).FindStringSubmatch(l)
				if m == nil {
					t.Fatalf("Link = %q", l)
				}
				next = m[1]
			}
		}
		want("paged", seen, 4, 3, 2, 1, 0)

		want("closed", numbers(e.do(t, "GET", "/open311/v2/requests.json?status=closed", nil)), 0)
		want("open", numbers(e.do(t, "GET", "/open311/v2/requests.json?status=open", nil)), 4, 3, 2, 1)
		want("both", numbers(e.do(t, "GET", "/open311/v2/requests.json?status=open,closed", nil)), 4, 3, 2, 1, 0)
		start := apptest.Start.Add(20 * time.Hour).Format(time.RFC3339)
		end := apptest.Start.Add(50 * time.Hour).UTC().Format(time.RFC3339) // Z works too
		want("dates", numbers(e.do(t, "GET", "/open311/v2/requests.json?start_date="+url.QueryEscape(start)+"&end_date="+url.QueryEscape(end), nil)), 2, 1)
		want("by id list", numbers(e.do(t, "GET", "/open311/v2/requests.json?status=closed&service_request_id="+ids[1]+","+ids[3], nil)), 3, 1)
		want("by service", numbers(e.do(t, "GET", "/open311/v2/requests.json?service_code=city.property&status=closed", nil)), 0)
		want("by group", numbers(e.do(t, "GET", "/open311/v2/requests.json?service_code=city&status=closed", nil)), 0)
		after := url.QueryEscape(apptest.Start.Add(90 * time.Hour).Format(time.RFC3339))
		want("updated after", numbers(e.do(t, "GET", "/open311/v2/requests.json?updated_after="+after, nil)), 4, 0)
		want("within 500 m", numbers(e.do(t, "GET", "/open311/v2/requests.json?lat=36.6171&long=101.7782&radius=500", nil)), 3, 2, 1, 0)
		want("around the far one", numbers(e.do(t, "GET", "/open311/v2/requests.json?lat=36.63&long=101.7782&radius=200", nil)), 4)

		// XML lists element by element.
		x := parseXML(t, e.do(t, "GET", "/open311/v2/requests.xml", nil).body)
		if x.Name != "service_requests" || len(x.Children) != 5 {
			t.Fatalf("requests.xml has %d", len(x.Children))
		}
		for _, c := range x.Children {
			if c.Name != "request" {
				t.Fatalf("child %s", c.Name)
			}
			sameShape(t, "request", c.names(), specRequest)
			mustW3C(t, "requested_datetime", c.text("requested_datetime"))
			if _, err := strconv.ParseFloat(c.text("lat"), 64); err != nil {
				t.Errorf("lat %q", c.text("lat"))
			}
		}
	})
}

// TestBadInput sends each of the spec's error cases and checks the error
// list, the status, and that nothing was created.
func TestBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		drop := func(k string) url.Values { v := e.submission(); v.Del(k); return v }
		set := func(k, val string) url.Values { v := e.submission(); v.Set(k, val); return v }
		noLocation := e.submission()
		for _, k := range []string{"lat", "long", "address_string"} {
			noLocation.Del(k)
		}
		long := apptest.Start.Add(-100 * 24 * time.Hour).Format(time.RFC3339)
		cases := []struct {
			name, method, path string
			body               any
			status             int
			says               string
		}{
			{"missing service_code", "POST", "/open311/v2/requests.xml", drop("service_code"), 400, "service_code"},
			{"unknown service", "POST", "/open311/v2/requests.xml", set("service_code", "nope"), 404, "nope"},
			{"missing location", "POST", "/open311/v2/requests.xml", noLocation, 400, "location"},
			{"required attribute missing", "POST", "/open311/v2/requests.json", drop("attribute[kind]"), 400, "attribute[kind]"},
			{"attribute value not allowed", "POST", "/open311/v2/requests.json", set("attribute[kind]", "exploded"), 400, "stopped, noisy"},
			{"attribute not a number", "POST", "/open311/v2/requests.json", set("attribute[floors]", "十八"), 400, "number"},
			{"no api_key", "POST", "/open311/v2/requests.xml", drop("api_key"), 403, "api_key"},
			{"wrong api_key", "POST", "/open311/v2/requests.xml", set("api_key", "mso_wrong"), 403, "api_key"},
			{"wrong jurisdiction", "POST", "/open311/v2/requests.xml", set("jurisdiction_id", "beijing.gov.cn"), 404, "jurisdiction_id"},
			{"bad lat", "POST", "/open311/v2/requests.xml", set("lat", "north"), 400, "lat"},
			{"bad phone", "POST", "/open311/v2/requests.xml", set("phone", "call me"), 400, "phone"},
			{"a script as a photo", "POST", "/open311/v2/requests.xml", multipartForm(t, e.submission(), map[string][]byte{"x.png": []byte("<script>alert(1)</script>")}), 400, "photo"},
			{"bad date", "GET", "/open311/v2/requests.xml?start_date=yesterday", nil, 400, "start_date"},
			{"date without zone", "GET", "/open311/v2/requests.xml?start_date=2026-03-01T00:00:00", nil, 400, "start_date"},
			{"span over 90 days", "GET", "/open311/v2/requests.json?start_date=" + url.QueryEscape(long) + "&end_date=" + url.QueryEscape(apptest.Start.Format(time.RFC3339)), nil, 400, "90 days"},
			{"page_size over max", "GET", "/open311/v2/requests.json?page_size=1001", nil, 400, "page_size"},
			{"bad status", "GET", "/open311/v2/requests.json?status=pending", nil, 400, "status"},
			{"radius too big", "GET", "/open311/v2/requests.json?lat=36.6&long=101.7&radius=100000", nil, 400, "radius"},
			{"unknown request", "GET", "/open311/v2/requests/20990101-00001.xml", nil, 404, "20990101-00001"},
			{"unknown resource", "GET", "/open311/v2/reports.xml", nil, 404, "no such resource"},
			{"wrong method", "DELETE", "/open311/v2/requests.xml", nil, 405, "GET"},
			{"wrong key on a read", "GET", "/open311/v2/requests.xml?api_key=mso_wrong", nil, 403, "api_key"},
			{"update without description", "POST", "/open311/v2/servicerequestupdates.xml", url.Values{"api_key": {e.key}, "service_request_id": {"20990101-00001"}}, 400, "description"},
			{"update of no request", "POST", "/open311/v2/servicerequestupdates.xml", url.Values{"api_key": {e.key}, "service_request_id": {"20990101-00001"}, "description": {"x"}}, 404, "20990101-00001"},
			{"updates over 90 days", "GET", "/open311/v2/servicerequestupdates.xml?start_date=" + url.QueryEscape(long) + "&end_date=" + url.QueryEscape(apptest.Start.Format(time.RFC3339)), nil, 400, "90 days"},
		}
		before := e.count(t)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				r := e.do(t, tc.method, tc.path, tc.body)
				if r.status != tc.status {
					t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
				}
				var code, desc string
				if strings.HasPrefix(r.hdr.Get("Content-Type"), "application/json") {
					var errs []struct {
						Code        int    `json:"code"`
						Description string `json:"description"`
					}
					if err := json.Unmarshal(r.body, &errs); err != nil || len(errs) != 1 {
						t.Fatalf("error list = %s (%v)", r.body, err)
					}
					code, desc = strconv.Itoa(errs[0].Code), errs[0].Description
				} else {
					x := parseXML(t, r.body)
					if x.Name != "errors" || len(x.Children) != 1 || x.Children[0].Name != "error" {
						t.Fatalf("error list = %s", r.body)
					}
					sameShape(t, "error", x.Children[0].names(), specError)
					code, desc = x.Children[0].text("code"), x.Children[0].text("description")
				}
				if code != strconv.Itoa(tc.status) || !strings.Contains(desc, tc.says) {
					t.Errorf("error %s %q; want code %d saying %q", code, desc, tc.status, tc.says)
				}
			})
		}
		if n := e.count(t); n != before {
			t.Fatalf("bad requests created %d tickets", n-before)
		}
	})
}

func TestPrivacy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		f := e.f
		r := e.do(t, "POST", "/open311/v2/requests.json", multipartForm(t, e.submission(), map[string][]byte{"p.png": pngBytes}))
		mustStatus(t, r, 201)
		var c []map[string]string
		json.Unmarshal(r.body, &c)
		id := c[0]["service_request_id"]
		// A phone call whose description names the caller's number.
		in := apptest.NewTicket()
		in.CategoryID = f.Category.ID
		in.Description = "王秀兰来电，电话13897001234，邮箱wangxl@example.com，反映楼道灯坏了。"
		if _, _, err := f.Svc.CreateTicket(ctx, f.Users["agent"], in, ""); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/open311/v2/requests.json?extensions=true", "/open311/v2/requests.xml?extensions=true",
			"/open311/v2/servicerequestupdates.json", "/open311/v2/requests/" + id + ".json?extensions=true"} {
			r := e.do(t, "GET", path, nil)
			mustStatus(t, r, 200)
			for _, s := range []string{"13897001234", "wangxl@example.com", "ios-77", "fms-user-9"} {
				if bytes.Contains(r.body, []byte(s)) {
					t.Errorf("%s shows %q", path, s)
				}
			}
		}
		// A private category shows no description, place or photos.
		yes := true
		if _, err := o311.New(f.Svc.Kit(), f.Svc).SetServiceSettings(ctx, kit.System(), f.Category.Code, o311.ServiceSettingsChange{Private: &yes}); err != nil {
			t.Fatal(err)
		}
		r = e.do(t, "GET", "/open311/v2/requests/"+id+".json?extensions=true", nil)
		var got []map[string]any
		json.Unmarshal(r.body, &got)
		if got[0]["description"] != nil || got[0]["address"] != nil || got[0]["lat"] != nil || got[0]["media_url"] != nil ||
			len(got[0]["extended_attributes"].(map[string]any)["media_urls"].([]any)) != 0 {
			t.Fatalf("private request = %s", r.body)
		}
		v, _ := f.Svc.GetTicket(ctx, f.Users["dispatcher"], id)
		r = e.do(t, "GET", "/open311/v2/requests/"+id+"/media/"+strconv.FormatInt(v.Attachments[0].ID, 10), nil)
		mustStatus(t, r, 404)
		r = e.do(t, "GET", "/open311/v2/requests.json?lat=36.6171&long=101.7782&radius=300", nil)
		if strings.Contains(string(r.body), id) {
			t.Fatalf("a private request was found by its place: %s", r.body)
		}
	})
}

func TestRateLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, func(c *open311.Config) { c.RatePerMinute, c.Burst, c.AnonymousPerMinute = 2, 2, 3 })
		get := func(key string) *res { return e.do(t, "GET", "/open311/v2/services.json?api_key="+key, nil) }
		mustStatus(t, get(e.key), 200)
		mustStatus(t, get(e.key), 200)
		r := get(e.key)
		mustStatus(t, r, http.StatusTooManyRequests)
		if ra, _ := strconv.Atoi(r.hdr.Get("Retry-After")); ra < 1 || ra > 30 {
			t.Errorf("Retry-After = %q", r.hdr.Get("Retry-After"))
		}
		if !strings.Contains(string(r.body), `"code":429`) {
			t.Errorf("429 body = %s", r.body)
		}
		// Another key has its own bucket; so do requests without a key.
		other, _ := o311.New(e.f.Svc.Kit(), e.f.Svc).CreateAPIClient(ctx, kit.System(), o311.NewAPIClient{Name: "other", RatePerMinute: 600})
		for range 5 {
			mustStatus(t, get(other.Key), 200)
		}
		mustStatus(t, e.do(t, "GET", "/open311/v2/services.json", nil), 200)
		// The bucket fills again with time.
		e.f.Clock.Advance(31 * time.Second)
		mustStatus(t, get(e.key), 200)
		mustStatus(t, get(e.key), http.StatusTooManyRequests)
	})
}

// TestRateAcrossServers posts through two handlers (two servers, each
// with its own token buckets) with one key: together they accept the
// client's rate a minute, then answer 429 with a Retry-After until the
// next minute.
func TestRateAcrossServers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		second := open311.New(open311.Config{Service: o311.New(e.f.Svc.Kit(), e.f.Svc), BaseURL: base, Logger: slog.New(slog.DiscardHandler), Now: e.f.Clock.Now})
		if _, err := o311.New(e.f.Svc.Kit(), e.f.Svc).SetAPIClientRate(ctx, kit.System(), "FixMyStreet", 2); err != nil {
			t.Fatal(err)
		}
		post := func(h http.Handler) *res {
			return (&env{f: e.f, h: h, key: e.key}).do(t, "POST", "/open311/v2/requests.json", e.submission())
		}
		mustStatus(t, post(e.h), 201)
		mustStatus(t, post(second), 201)
		r := post(e.h) // its own bucket has tokens left
		mustStatus(t, r, http.StatusTooManyRequests)
		if ra, _ := strconv.Atoi(r.hdr.Get("Retry-After")); ra < 1 || ra > 60 {
			t.Errorf("Retry-After = %q", r.hdr.Get("Retry-After"))
		}
		e.f.Clock.Advance(time.Minute)
		mustStatus(t, post(second), 201)
	})
}

// TestSwaggerPaths serves every path of the swagger document, with its
// known bug (/request/{id} for /requests/{id}) corrected.
func TestSwaggerPaths(t *testing.T) {
	s := newSchemas(t)
	doc, err := s.file("swagger.json")
	if err != nil {
		t.Fatal(err)
	}
	paths := doc.(map[string]any)["paths"].(map[string]any)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		for p, ops := range paths {
			p = strings.Replace(p, "/request/", "/requests/", 1) // the known bug
			path := strings.NewReplacer("{response_format}", "json", "{service_request_id}", "20260302-00001",
				"{service_code}", "city.property", "{token_id}", "msr_x").Replace(p)
			for method := range ops.(map[string]any) {
				r := e.do(t, strings.ToUpper(method), "/open311/v2"+path, url.Values{})
				if r.status == 405 || strings.Contains(string(r.body), "no such resource") {
					t.Errorf("%s %s is not served: %s", method, path, r)
				}
			}
		}
	})
}

// A request's JSON leaves out what is not known (no address, no point,
// not yet answered) instead of writing null where the spec's type is a
// string or a number: strict clients refuse null there.
func TestJSONOmitsUnknownFields(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		sub := e.submission()
		sub.Del("address_string")
		created := e.do(t, "POST", "/open311/v2/requests.json", sub)
		if created.status != http.StatusCreated {
			t.Fatalf("submit: %s", created)
		}
		var ids []map[string]any
		if err := json.Unmarshal(created.body, &ids); err != nil || len(ids) != 1 {
			t.Fatalf("submit answer %s: %v", created.body, err)
		}
		r := e.do(t, "GET", "/open311/v2/requests/"+ids[0]["service_request_id"].(string)+".json", nil)
		if r.status != http.StatusOK {
			t.Fatalf("get: %s", r)
		}
		var got []map[string]any
		if err := json.Unmarshal(r.body, &got); err != nil || len(got) != 1 {
			t.Fatalf("request %s: %v", r.body, err)
		}
		for k, v := range got[0] {
			if v == nil {
				t.Errorf("%s is null", k)
			}
		}
		for _, k := range []string{"address", "address_id", "zipcode", "agency_responsible"} {
			if _, ok := got[0][k]; ok {
				t.Errorf("%s is written though unknown: %s", k, r.body)
			}
		}
		if got[0]["lat"] == nil || got[0]["service_request_id"] == nil {
			t.Errorf("known fields are missing: %s", r.body)
		}
	})
}
