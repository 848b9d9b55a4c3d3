package open311_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// This file is a JSON Schema validator for the subset of the language that
// the Open311 schemas in ../shared/data/open311 use (from the
// open311/schema-validation project), so that answers are checked against
// them without a new module. It refuses a schema that uses a keyword it
// does not know, so that it never passes a document by ignoring a rule.

// schemaDir finds ../shared/data/open311 beside the repository, or skips.
func schemaDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("no go.mod above the test: cannot find ../shared/data/open311")
		}
		dir = parent
	}
	d := filepath.Join(dir, "..", "shared", "data", "open311")
	if _, err := os.Stat(filepath.Join(d, "request.json")); err != nil {
		t.Skipf("the Open311 JSON Schemas are not at %s (they come with the shared data, not the repository): %v", d, err)
	}
	return d
}

// schemas loads schema files of a folder on demand.
type schemas struct {
	dir   string
	mu    sync.Mutex
	files map[string]any
}

func newSchemas(t *testing.T) *schemas {
	return &schemas{dir: schemaDir(t), files: map[string]any{}}
}

func (s *schemas) file(name string) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.files[name]; ok {
		return v, nil
	}
	b, err := os.ReadFile(filepath.Join(s.dir, filepath.Base(name)))
	if err != nil {
		return nil, err
	}
	var v any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	s.files[name] = v
	return v, nil
}

// resolve follows a reference: "request.json", "swagger.json#/definitions/Request",
// or "#/…" within the document doc.
func (s *schemas) resolve(ref string, doc any) (any, any, error) {
	file, frag, _ := strings.Cut(ref, "#")
	if file != "" {
		var err error
		if doc, err = s.file(file); err != nil {
			return nil, nil, err
		}
	}
	v := doc
	for _, p := range strings.Split(strings.TrimPrefix(frag, "/"), "/") {
		if p == "" {
			continue
		}
		p = strings.NewReplacer("~1", "/", "~0", "~").Replace(p)
		m, ok := v.(map[string]any)
		if !ok {
			return nil, nil, fmt.Errorf("reference %s: %s is not an object", ref, p)
		}
		if v, ok = m[p]; !ok {
			return nil, nil, fmt.Errorf("reference %s: no %s", ref, p)
		}
	}
	return v, doc, nil
}

// validate checks a JSON document (decoded with UseNumber) against the
// schema at ref and returns the violations.
func (s *schemas) validate(ref string, v any) []string {
	sch, doc, err := s.resolve(ref, nil)
	if err != nil {
		return []string{err.Error()}
	}
	var errs []string
	s.check(sch, doc, v, "$", &errs)
	return errs
}

var knownKeywords = map[string]bool{
	"$ref": true, "type": true, "enum": true, "anyOf": true, "required": true, "properties": true, "items": true,
	"maxLength": true, "minLength": true, "format": true, "minItems": true, "uniqueItems": true, "description": true,
	"additionalProperties": true, "example": true,
}

func (s *schemas) check(schema, doc, v any, path string, errs *[]string) {
	fail := func(format string, args ...any) { *errs = append(*errs, path+": "+fmt.Sprintf(format, args...)) }
	sch, ok := schema.(map[string]any)
	if !ok {
		fail("schema is not an object")
		return
	}
	for k := range sch {
		if !knownKeywords[k] {
			fail("the validator does not know schema keyword %q", k)
		}
	}
	if ref, ok := sch["$ref"].(string); ok {
		sub, subDoc, err := s.resolve(ref, doc)
		if err != nil {
			fail("%v", err)
			return
		}
		s.check(sub, subDoc, v, path, errs)
	}
	if t, ok := sch["type"]; ok {
		var types []string
		switch t := t.(type) {
		case string:
			types = []string{t}
		case []any:
			for _, x := range t {
				types = append(types, x.(string))
			}
		}
		match := false
		for _, ty := range types {
			match = match || isType(v, ty)
		}
		if !match {
			fail("%s is not of type %v", short(v), types)
			return
		}
	}
	if enum, ok := sch["enum"].([]any); ok {
		found := false
		for _, e := range enum {
			found = found || equalJSON(e, v)
		}
		if !found {
			fail("%s is not one of %v", short(v), enum)
		}
	}
	if anyOf, ok := sch["anyOf"].([]any); ok {
		passed := false
		var all []string
		for _, sub := range anyOf {
			var e []string
			s.check(sub, doc, v, path, &e)
			if len(e) == 0 {
				passed = true
				break
			}
			all = append(all, e...)
		}
		if !passed {
			fail("matches none of anyOf: %s", strings.Join(all, "; "))
		}
	}
	if obj, ok := v.(map[string]any); ok {
		if req, ok := sch["required"].([]any); ok {
			for _, r := range req {
				if _, ok := obj[r.(string)]; !ok {
					fail("required property %q is missing", r)
				}
			}
		}
		props, _ := sch["properties"].(map[string]any)
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if p, ok := props[k]; ok {
				s.check(p, doc, obj[k], path+"."+k, errs)
			} else if ap, ok := sch["additionalProperties"]; ok {
				if b, isBool := ap.(bool); isBool && !b {
					fail("property %q is not allowed", k)
				} else if !isBool {
					s.check(ap, doc, obj[k], path+"."+k, errs)
				}
			}
		}
	}
	if arr, ok := v.([]any); ok {
		if items, ok := sch["items"]; ok {
			for i, x := range arr {
				s.check(items, doc, x, fmt.Sprintf("%s[%d]", path, i), errs)
			}
		}
		if n, ok := sch["minItems"].(json.Number); ok {
			if m, _ := n.Int64(); int64(len(arr)) < m {
				fail("has %d items, fewer than %d", len(arr), m)
			}
		}
		if u, ok := sch["uniqueItems"].(bool); ok && u {
			for i := range arr {
				for j := i + 1; j < len(arr); j++ {
					if equalJSON(arr[i], arr[j]) {
						fail("items %d and %d are equal", i, j)
					}
				}
			}
		}
	}
	if str, ok := v.(string); ok {
		if n, ok := sch["maxLength"].(json.Number); ok {
			if m, _ := n.Int64(); int64(utf8.RuneCountInString(str)) > m {
				fail("is longer than %d characters", m)
			}
		}
		if n, ok := sch["minLength"].(json.Number); ok {
			if m, _ := n.Int64(); int64(utf8.RuneCountInString(str)) < m {
				fail("is shorter than %d characters", m)
			}
		}
		switch sch["format"] {
		case "date-time":
			if _, err := time.Parse(time.RFC3339, str); err != nil {
				fail("%q is not an RFC 3339 date-time", str)
			}
		case "uri":
			if u, err := url.Parse(str); err != nil || !u.IsAbs() {
				fail("%q is not an absolute URI", str)
			}
		}
		// Other formats (swagger's uid, double, uint) are annotations.
	}
}

func isType(v any, ty string) bool {
	switch ty {
	case "string":
		_, ok := v.(string)
		return ok
	case "number":
		_, ok := v.(json.Number)
		return ok
	case "integer":
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		_, err := n.Int64()
		return err == nil
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "null":
		return v == nil
	case "array":
		_, ok := v.([]any)
		return ok
	case "object":
		_, ok := v.(map[string]any)
		return ok
	}
	return false
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 60 {
		return string(b[:60]) + "…"
	}
	return string(b)
}

func decodeJSON(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	return v
}

// mustValid fails the test unless the JSON body is valid against the
// schema at ref.
func mustValid(t *testing.T, s *schemas, ref string, body []byte) any {
	t.Helper()
	v := decodeJSON(t, body)
	if errs := s.validate(ref, v); len(errs) > 0 {
		t.Errorf("%s: %d violations:\n  %s\n%s", ref, len(errs), strings.Join(errs, "\n  "), body)
	}
	return v
}

// TestValidatorCatchesViolations makes sure the validator fails what it
// must: a validator that passes everything would make the tests that use
// it worthless.
func TestValidatorCatchesViolations(t *testing.T) {
	s := newSchemas(t)
	good := `{"service_request_id":"1","status":"open","service_code":"a","requested_datetime":"2026-03-02T09:00:00+08:00","lat":36.6,"media_url":null}`
	if errs := s.validate("request.json", decodeJSON(t, []byte(good))); len(errs) > 0 {
		t.Fatalf("a valid request fails: %v", errs)
	}
	bad := map[string]string{
		"missing required":   `{"service_request_id":"1","status":"open","service_code":"a"}`,
		"status not in enum": `{"service_request_id":"1","status":"pending","service_code":"a","requested_datetime":"2026-03-02T09:00:00+08:00"}`,
		"id not a string":    `{"service_request_id":1,"status":"open","service_code":"a","requested_datetime":"2026-03-02T09:00:00+08:00"}`,
		"date without zone":  `{"service_request_id":"1","status":"open","service_code":"a","requested_datetime":"2026-03-02T09:00:00"}`,
		"lat a string":       `{"service_request_id":"1","status":"open","service_code":"a","requested_datetime":"2026-03-02T09:00:00Z","lat":"36.6"}`,
		"media_url not uri":  `{"service_request_id":"1","status":"open","service_code":"a","requested_datetime":"2026-03-02T09:00:00Z","media_url":"photo.png"}`,
		"description long":   `{"service_request_id":"1","status":"open","service_code":"a","requested_datetime":"2026-03-02T09:00:00Z","description":"` + strings.Repeat("长", 4001) + `"}`,
	}
	for name, doc := range bad {
		if errs := s.validate("request.json", decodeJSON(t, []byte(doc))); len(errs) == 0 {
			t.Errorf("%s: passed", name)
		}
	}
	if errs := s.validate("requests.json", decodeJSON(t, []byte(`[`+good+`,{"status":"x"}]`))); len(errs) == 0 {
		t.Error("a bad item in a list passed")
	}
	if errs := s.validate("service-definition.json", decodeJSON(t, []byte(`{"service_code":"a","attributes":[{"variable":true,"code":"x","datatype":"boolean","required":true}]}`))); len(errs) == 0 {
		t.Error("an unknown datatype passed")
	}
}
