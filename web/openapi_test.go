package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/platform"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
	"github.com/minsheng/minsheng/web"
)

// apiDoc is the OpenAPI document, with just enough of JSON Schema to check
// the server's answers against it: every answer a test gets is checked, so
// the document cannot drift from what the server does.
type apiDoc struct {
	root map[string]any
	raw  []byte
}

var (
	docOnce sync.Once
	doc     *apiDoc
	docErr  error
)

// mountedServer is a server with every capability mounted, as main
// builds it. Registering routes touches no database.
func mountedServer() (*web.Server, error) {
	tickets := app.New(app.Config{})
	srv := web.NewServer(web.Config{Service: tickets, Logger: slog.New(slog.DiscardHandler)})
	return srv, platform.Mount(platform.Parts{Tickets: tickets, Server: srv})
}

// openAPI returns the parsed OpenAPI document as the server serves it:
// web/openapi.json with the capabilities' fragments merged in.
func openAPI(t *testing.T) *apiDoc {
	t.Helper()
	docOnce.Do(func() {
		srv, err := mountedServer()
		if err != nil {
			docErr = err
			return
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
		raw := rec.Body.Bytes()
		d := &apiDoc{raw: raw}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&d.root); err != nil {
			docErr = fmt.Errorf("openapi.json: %w", err)
			return
		}
		doc = d
	})
	if docErr != nil {
		t.Fatalf("OpenAPI document: %v", docErr)
	}
	return doc
}

func obj(v any) map[string]any { m, _ := v.(map[string]any); return m }

// resolve follows a local $ref ("#/components/schemas/Ticket").
func (d *apiDoc) resolve(ref string) (map[string]any, error) {
	p, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, fmt.Errorf("$ref %q is not local", ref)
	}
	var cur any = d.root
	for _, part := range strings.Split(p, "/") {
		part = strings.NewReplacer("~1", "/", "~0", "~").Replace(part)
		m := obj(cur)
		if m == nil || m[part] == nil {
			return nil, fmt.Errorf("$ref %q does not resolve", ref)
		}
		cur = m[part]
	}
	if obj(cur) == nil {
		return nil, fmt.Errorf("$ref %q is not an object", ref)
	}
	return obj(cur), nil
}

// deref returns the node, or what its $ref points to.
func (d *apiDoc) deref(n map[string]any) map[string]any {
	for n != nil && n["$ref"] != nil {
		n, _ = d.resolve(n["$ref"].(string))
	}
	return n
}

// operation finds the documented operation for a request path. Like the
// router, it prefers literal segments to parameters (/calendar/due to
// /calendar/{year}).
func (d *apiDoc) operation(method, path string) (op map[string]any, template string) {
	path, _, _ = strings.Cut(path, "?")
	segs := strings.Split(path, "/")
	best := -1
	for tmpl, item := range obj(d.root["paths"]) {
		ts := strings.Split(tmpl, "/")
		if len(ts) != len(segs) {
			continue
		}
		literal := 0
		for i := range ts {
			if ts[i] == segs[i] {
				literal++
			} else if !strings.HasPrefix(ts[i], "{") || segs[i] == "" {
				literal = -1
				break
			}
		}
		if literal > best {
			best, op, template = literal, obj(obj(item)[strings.ToLower(method)]), tmpl
		}
	}
	return op, template
}

// check compares an exchange with the document: the status must be listed
// for the operation, with its content type, schema and required headers;
// and a request body that the server accepted must fit the documented one.
func (d *apiDoc) check(method, path, reqType string, reqBody []byte, r *res) []string {
	op, tmpl := d.operation(method, path)
	if tmpl == "" {
		return nil // the catch-all: undocumented on purpose
	}
	if op == nil {
		return []string{fmt.Sprintf("%s %s is not documented", method, tmpl)}
	}
	var probs []string
	resp := d.deref(obj(obj(op["responses"])[strconv.Itoa(r.status)]))
	if resp == nil {
		return []string{fmt.Sprintf("status %d is not documented for %s %s: %s", r.status, method, tmpl, r.body)}
	}
	for name, h := range obj(resp["headers"]) {
		if d.deref(obj(h))["required"] == true && r.hdr.Get(name) == "" {
			probs = append(probs, "required header "+name+" is missing")
		}
	}
	content := obj(resp["content"])
	if len(content) == 0 {
		if len(r.body) > 0 {
			probs = append(probs, "a body where none is documented")
		}
		return probs
	}
	mt, _, _ := mime.ParseMediaType(r.hdr.Get("Content-Type"))
	media := obj(content[mt])
	if media == nil {
		return append(probs, fmt.Sprintf("content type %q is not documented", mt))
	}
	if strings.HasSuffix(mt, "json") {
		probs = append(probs, d.validateJSON(r.body, obj(media["schema"]), "response")...)
	}
	if r.status < 300 && len(reqBody) > 0 {
		probs = append(probs, d.checkRequest(op, reqType, reqBody)...)
	}
	return probs
}

// checkRequest checks a body that the server accepted against the
// documented one of its content type: JSON as it is, a multipart form as
// an object of its text fields and its file parts (a list of names).
func (d *apiDoc) checkRequest(op map[string]any, reqType string, body []byte) []string {
	rb := d.deref(obj(op["requestBody"]))
	if rb == nil {
		return []string{"a request body where none is documented"}
	}
	mt, params, _ := mime.ParseMediaType(reqType)
	schema := obj(obj(obj(rb["content"])[mt])["schema"])
	if schema == nil {
		return []string{fmt.Sprintf("request content type %q is not documented", mt)}
	}
	if mt != "multipart/form-data" {
		return d.validateJSON(body, schema, "request")
	}
	fields := map[string]any{}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		if p.FormName() == "file" {
			files, _ := fields["file"].([]any)
			fields["file"] = append(files, p.FileName())
		} else {
			b, _ := io.ReadAll(p)
			fields[p.FormName()] = string(b)
		}
	}
	return d.validate(fields, schema, "request")
}

func (d *apiDoc) validateJSON(b []byte, schema map[string]any, at string) []string {
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return []string{fmt.Sprintf("%s is not JSON: %v", at, err)}
	}
	return d.validate(v, schema, at)
}

// annotations are schema keywords that constrain nothing.
var annotations = map[string]bool{"description": true, "examples": true, "default": true, "title": true, "contentMediaType": true}

// validate checks v against a schema, with the keywords the document uses.
// A keyword it does not know is a problem, so that no constraint in the
// document goes unchecked.
func (d *apiDoc) validate(v any, s map[string]any, at string) []string {
	if r, ok := s["$ref"].(string); ok {
		rs, err := d.resolve(r)
		if err != nil {
			return []string{err.Error()}
		}
		s = rs
	}
	var probs []string
	bad := func(format string, args ...any) { probs = append(probs, at+": "+fmt.Sprintf(format, args...)) }
	if t, ok := s["type"]; ok && !typeIs(v, t) {
		bad("%v is not of type %v", short(v), t)
		return probs
	}
	for k, kv := range s {
		switch k {
		case "type", "$ref":
		case "properties":
			m := obj(v)
			for name, ps := range obj(kv) {
				if pv, ok := m[name]; ok {
					probs = append(probs, d.validate(pv, obj(ps), at+"."+name)...)
				}
			}
		case "required":
			m := obj(v)
			for _, name := range kv.([]any) {
				if _, ok := m[name.(string)]; !ok {
					bad("required property %q is missing", name)
				}
			}
		case "additionalProperties":
			props := obj(s["properties"])
			for name, pv := range obj(v) {
				if _, ok := props[name]; ok {
					continue
				}
				if kv == false {
					bad("property %q is not documented", name)
				} else if as := obj(kv); as != nil {
					probs = append(probs, d.validate(pv, as, at+"."+name)...)
				}
			}
		case "items":
			for i, item := range asSlice(v) {
				probs = append(probs, d.validate(item, obj(kv), fmt.Sprintf("%s[%d]", at, i))...)
			}
		case "maxItems":
			if n, _ := kv.(json.Number).Int64(); int64(len(asSlice(v))) > n {
				bad("%d items, more than %d", len(asSlice(v)), n)
			}
		case "enum":
			if !slices.ContainsFunc(kv.([]any), func(e any) bool { return fmt.Sprint(e) == fmt.Sprint(v) }) {
				bad("%v is not one of %v", short(v), kv)
			}
		case "pattern":
			if str, ok := v.(string); ok && !regexp.MustCompile(kv.(string)).MatchString(str) {
				bad("%q does not match %s", str, kv)
			}
		case "minLength", "maxLength":
			n, _ := kv.(json.Number).Int64()
			if str, ok := v.(string); ok {
				if c := int64(utf8.RuneCountInString(str)); (k == "minLength" && c < n) || (k == "maxLength" && c > n) {
					bad("%d characters, %s is %d", c, k, n)
				}
			}
		case "minimum", "maximum":
			lim, _ := kv.(json.Number).Float64()
			if num, ok := v.(json.Number); ok {
				f, _ := num.Float64()
				if (k == "minimum" && f < lim) || (k == "maximum" && f > lim) {
					bad("%v is beyond the %s %v", num, k, lim)
				}
			}
		case "format":
			if str, ok := v.(string); ok && kv == "date-time" {
				if _, err := time.Parse(time.RFC3339Nano, str); err != nil {
					bad("%q is not a date-time", str)
				}
			}
		default:
			if !annotations[k] {
				bad("the checker does not know the keyword %q", k)
			}
		}
	}
	return probs
}

func asSlice(v any) []any { s, _ := v.([]any); return s }

func typeIs(v any, t any) bool {
	if ts, ok := t.([]any); ok {
		return slices.ContainsFunc(ts, func(x any) bool { return typeIs(v, x) })
	}
	switch t {
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "null":
		return v == nil
	case "number":
		_, ok := v.(json.Number)
		return ok
	case "integer":
		n, ok := v.(json.Number)
		return ok && !strings.ContainsAny(n.String(), ".eE")
	}
	return false
}

func short(v any) string {
	s := fmt.Sprint(v)
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return s
}

// undocumentedMounts are the patterns without a method that routes()
// may register: the catch-all, and interfaces described elsewhere than in
// the OpenAPI document.
var undocumentedMounts = []string{
	"/",            // the catch-all: a JSON problem for every unknown path
	"/open311/v2/", // Open311 GeoReport v2, docs/open311.md
}

// registeredRoutes lists "METHOD /path" for every route with a method that
// routes() registers, as the server records them when it registers them.
func registeredRoutes(t *testing.T) []string {
	t.Helper()
	srv, err := mountedServer()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range web.Routes(srv) {
		if method, path, ok := strings.Cut(p, " "); ok {
			out = append(out, method+" "+path)
		} else if !slices.Contains(undocumentedMounts, p) {
			t.Errorf("route %q has no method: give it one, so that the OpenAPI document must describe it, "+
				"or list it in undocumentedMounts if it is an interface described elsewhere", p)
		}
	}
	if len(out) < 20 {
		t.Fatalf("found only %d routes; has routes() changed shape?", len(out))
	}
	return out
}

func (d *apiDoc) documentedRoutes() []string {
	var out []string
	for path, item := range obj(d.root["paths"]) {
		for method := range obj(item) {
			if method != "parameters" {
				out = append(out, strings.ToUpper(method)+" "+path)
			}
		}
	}
	return out
}

func TestOpenAPIDocument(t *testing.T) {
	d := openAPI(t)
	if v, _ := d.root["openapi"].(string); !strings.HasPrefix(v, "3.1.") {
		t.Errorf("openapi is %q, want 3.1.x", v)
	}
	routes, documented := registeredRoutes(t), d.documentedRoutes()
	sort.Strings(routes)
	sort.Strings(documented)
	for _, r := range routes {
		if !slices.Contains(documented, r) {
			t.Errorf("route %s is not documented", r)
		}
	}
	for _, r := range documented {
		if !slices.Contains(routes, r) {
			t.Errorf("documented %s is not a route", r)
		}
	}

	// Every $ref resolves, every schema uses only keywords the checker knows,
	// every operation is named once and says how it fails.
	var walk func(n any, at string, schema bool)
	walk = func(n any, at string, schema bool) {
		switch n := n.(type) {
		case map[string]any:
			if r, ok := n["$ref"].(string); ok {
				if _, err := d.resolve(r); err != nil {
					t.Errorf("%s: %v", at, err)
				}
			}
			if schema {
				if pat, ok := n["pattern"].(string); ok {
					if _, err := regexp.Compile(pat); err != nil {
						t.Errorf("%s: pattern: %v", at, err)
					}
				}
				for _, p := range d.validate(nil, stripTypes(n), at) {
					if strings.Contains(p, "does not know") {
						t.Error(p)
					}
				}
			}
			for k, v := range n {
				isSchema := k == "schema" || k == "items" || (k == "additionalProperties" && obj(v) != nil) ||
					strings.HasSuffix(at, "/properties") || strings.HasSuffix(at, "/components/schemas")
				walk(v, at+"/"+k, isSchema)
			}
		case []any:
			for i, v := range n {
				walk(v, fmt.Sprintf("%s/%d", at, i), false)
			}
		}
	}
	walk(d.root, "#", false)

	ids := map[string]bool{}
	for _, r := range documented {
		method, path, _ := strings.Cut(r, " ")
		op, _ := d.operation(method, path)
		id, _ := op["operationId"].(string)
		if id == "" || ids[id] {
			t.Errorf("%s: operationId %q missing or repeated", r, id)
		}
		ids[id] = true
		responses := obj(op["responses"])
		public := op["security"] != nil && len(asSlice(op["security"])) == 0
		if !public && responses["401"] == nil {
			t.Errorf("%s needs a user but does not document 401", r)
		}
		if method != "GET" && responses["403"] == nil {
			t.Errorf("%s is refused to cross-origin browsers but does not document 403", r)
		}
		if !noDatabase[path] && responses["503"] == nil {
			t.Errorf("%s needs the database but does not document 503 (unavailable, with Retry-After)", r)
		}
		if rb := obj(op["requestBody"]); rb != nil && responses["413"] == nil {
			t.Errorf("%s takes a body but does not document 413", r)
		}
		for _, p := range regexp.MustCompile(`\{(\w+)\}`).FindAllStringSubmatch(path, -1) {
			if !slices.ContainsFunc(asSlice(op["parameters"]), func(x any) bool {
				pm := d.deref(obj(x))
				return pm["in"] == "path" && pm["name"] == p[1]
			}) {
				t.Errorf("%s does not declare its path parameter %s", r, p[1])
			}
		}
	}
}

// noDatabase are the operations that answer without the database: the
// others answer 503 while it cannot be reached (/readyz says so in its own
// words).
var noDatabase = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true, "/api/v1/openapi.json": true}

// stripTypes returns the schema without what validate would act on for a
// nil value, so that only the keyword check remains.
func stripTypes(s map[string]any) map[string]any {
	c := map[string]any{}
	for k, v := range s {
		if k != "type" && k != "$ref" && k != "required" && k != "enum" {
			c[k] = v
		}
	}
	return c
}

// TestOpenAPIServed checks that the server serves the document and that
// every documented operation is routed to a real handler, not to the
// catch-all, and answers as documented without credentials.
func TestOpenAPIServed(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		r := e.do(t, "GET", "/api/v1/openapi.json", "", nil)
		mustStatus(t, r, http.StatusOK)
		if !bytes.Equal(r.body, openAPI(t).raw) {
			t.Error("GET /api/v1/openapi.json is not web/openapi.json with the capabilities' fragments")
		}
		for _, route := range openAPI(t).documentedRoutes() {
			method, path, _ := strings.Cut(route, " ")
			path = strings.NewReplacer("{ref}", "1", "{username}", "nobody", "{id}", "1", "{number}", "20260302-00001", "{year}", "2027",
				"{name}", "nobody", "{code}", "nothing", "{attr}", "nothing").Replace(path)
			r := e.do(t, method, path, "", nil)
			if strings.Contains(string(r.body), "no such page") {
				t.Errorf("%s reaches the catch-all: %s", route, r)
			}
		}
	})
}

// TestOpenAPIEnums checks the document's lists of values against the Go
// lists they describe, so that a new status, action or code is documented.
func TestOpenAPIEnums(t *testing.T) {
	d := openAPI(t)
	tests := []struct {
		schema string
		want   []string
	}{
		{"Kind", names(ticket.Kinds)},
		{"Urgency", names(ticket.Urgencies)},
		{"Channel", names(ticket.Channels)},
		{"Status", names(ticket.Statuses)},
		{"Action", names(ticket.Actions)},
		{"Satisfaction", names(ticket.Satisfactions)},
		{"Role", names(org.AllRoles)},
		{"UnitKind", names(org.UnitKinds)},
		{"ReturnReason", names(app.ReturnReasons)},
		{"AttributeDatatype", store.Datatypes},
		{"ErrorCode", []string{minsheng.EINVALID, minsheng.ENOTFOUND, minsheng.ECONFLICT, minsheng.EFORBIDDEN,
			minsheng.EUNAUTHORIZED, minsheng.ERATELIMIT, minsheng.ETOOLARGE, minsheng.EINTERNAL, minsheng.EIDEMPOTENCY, minsheng.EUNAVAILABLE}},
	}
	for _, tc := range tests {
		t.Run(tc.schema, func(t *testing.T) {
			s, err := d.resolve("#/components/schemas/" + tc.schema)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, v := range asSlice(s["enum"]) {
				got = append(got, v.(string))
			}
			if !sameStrings(got, tc.want) {
				t.Errorf("documented %v, the code has %v", got, tc.want)
			}
		})
	}
}

func names[T ~string](all []T) []string {
	out := make([]string, len(all))
	for i, x := range all {
		out[i] = string(x)
	}
	return out
}
