package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
)

// MaxBody is the largest JSON request body accepted (1 MiB).
const MaxBody = 1 << 20

// errEmptyBody is decode's error for a body with nothing in it; actions
// whose fields are all optional accept it.
var errEmptyBody = minsheng.Errorf(minsheng.EINVALID, "the body is empty; send a JSON object")

// decode reads a JSON body into v strictly: one object, no unknown fields,
// field names spelt exactly (encoding/json alone would take "TITLE" for
// "title"), no key twice in an object, right types, at most MaxBody bytes.
// Its errors name the field at fault.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	b, err := readJSON(w, r, MaxBody, v)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	err = dec.Decode(v)
	if err == nil {
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			return minsheng.Errorf(minsheng.EINVALID, "the body must hold one JSON object and nothing after it")
		}
		return nil
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return errEmptyBody
	case errors.Is(err, io.ErrUnexpectedEOF):
		return minsheng.Errorf(minsheng.EINVALID, "malformed JSON: the body ends too early")
	case errors.As(err, &syntax):
		return minsheng.Errorf(minsheng.EINVALID, "malformed JSON at byte %d", syntax.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return minsheng.Errorf(minsheng.EINVALID, "the body must be a JSON object")
		}
		return minsheng.FieldError(field, "%s must be %s, not %s", field, jsonKind(typ.Type.String()), typ.Value)
	}
	// checkKeys has refused unknown fields already; encoding/json reports
	// them only as text.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return minsheng.FieldError(name, "unknown field %q", name)
	}
	return minsheng.Errorf(minsheng.EINVALID, "malformed JSON")
}

// decodeFiles reads a JSON body that carries files in base64, of at most
// max bytes, into v: no unknown or misspelt field, no key twice; a body
// that is not such an object answers bad, which tells what it should
// hold.
func decodeFiles(w http.ResponseWriter, r *http.Request, max int64, v any, bad error) error {
	b, err := readJSON(w, r, max, v)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return bad
	}
	return nil
}

// readJSON reads a JSON body of at most max bytes whose keys are v's
// (checkKeys), for decode and decodeFiles.
func readJSON(w http.ResponseWriter, r *http.Request, max int64, v any) ([]byte, error) {
	if err := needContentType(r, "application/json"); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		return nil, readError(err)
	}
	return b, checkKeys(b, reflect.TypeOf(v))
}

// needContentType refuses a body whose Content-Type is set and is none of
// the media types.
func needContentType(r *http.Request, types ...string) error {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return nil
	}
	mt, _, _ := strings.Cut(ct, ";")
	for _, t := range types {
		if strings.EqualFold(strings.TrimSpace(mt), t) {
			return nil
		}
	}
	return minsheng.Errorf(minsheng.EINVALID, "Content-Type must be %s, not %q", strings.Join(types, " or "), ct)
}

// readError turns an error reading a request body into a problem.
func readError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return minsheng.Errorf(minsheng.ETOOLARGE, "the body is larger than %d bytes", tooBig.Limit)
	}
	return minsheng.Errorf(minsheng.EINVALID, "the body could not be read")
}

// checkKeys walks the JSON text along the Go type it is meant for and
// refuses a key that appears twice in one object, a key that is not a
// field of the struct it stands in (naming the field when only the case is
// wrong), and a string that is not valid UTF-8 — raw bytes or an escaped
// lone surrogate, which encoding/json would silently turn into U+FFFD. Malformed JSON is left for the decoder to report. It is a small
// scanner of its own: json.Decoder.Token would take twice the time of the
// decoding itself.
func checkKeys(b []byte, t reflect.Type) error {
	k := keyScanner{b: b}
	if err := k.value(t); err != errSyntax {
		return err
	}
	return nil
}

// errSyntax stops checkKeys at malformed JSON.
var errSyntax = errors.New("malformed JSON")

type keyScanner struct {
	b    []byte
	i    int
	path []string // keys from the top to the value being read
}

func (k *keyScanner) space() {
	for k.i < len(k.b) && (k.b[k.i] == ' ' || k.b[k.i] == '\t' || k.b[k.i] == '\n' || k.b[k.i] == '\r') {
		k.i++
	}
}

// next skips space and returns the next byte, or 0 at the end.
func (k *keyScanner) next() byte {
	k.space()
	if k.i == len(k.b) {
		return 0
	}
	return k.b[k.i]
}

// value reads one value meant for a t (nil: anything).
func (k *keyScanner) value(t reflect.Type) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil && reflect.PointerTo(t).Implements(unmarshalerType) {
		t = nil // its own format: check only for repeated keys
	}
	switch k.next() {
	case '{':
		return k.object(t)
	case '[':
		k.i++
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		if k.next() == ']' {
			k.i++
			return nil
		}
		for {
			if err := k.value(elem); err != nil {
				return err
			}
			if err := k.after(']'); err != nil {
				return err
			}
			if k.b[k.i-1] == ']' {
				return nil
			}
		}
	case '"':
		_, err := k.str()
		if err == errBadUTF8 {
			if name := k.name(); name != "" {
				return minsheng.FieldError(name, "%s is not valid UTF-8", name)
			}
			return minsheng.Errorf(minsheng.EINVALID, "the body is not valid UTF-8")
		}
		return err
	case 0:
		return errSyntax
	}
	for k.i < len(k.b) && !strings.ContainsRune(",:]} \t\r\n", rune(k.b[k.i])) {
		k.i++ // a number, true, false or null
	}
	return nil
}

// after reads the comma or the closing bracket after a member.
func (k *keyScanner) after(end byte) error {
	if c := k.next(); c != ',' && c != end {
		return errSyntax
	}
	k.i++
	return nil
}

func (k *keyScanner) object(t reflect.Type) error {
	k.i++
	var fields map[string]reflect.Type
	var elem reflect.Type
	if t != nil && t.Kind() == reflect.Struct {
		fields = jsonFields(t)
	} else if t != nil && t.Kind() == reflect.Map {
		elem = t.Elem()
	}
	if k.next() == '}' {
		k.i++
		return nil
	}
	var seen []string
	for {
		if k.next() != '"' {
			return errSyntax
		}
		key, err := k.str()
		if err != nil {
			if err == errBadUTF8 {
				return minsheng.FieldError(k.name(), "a field name is not valid UTF-8")
			}
			return err
		}
		k.path = append(k.path, key)
		if slices.Contains(seen, key) {
			return minsheng.FieldError(k.name(), "field %q appears twice", k.name())
		}
		seen = append(seen, key)
		ft := elem
		if fields != nil {
			var ok bool
			if ft, ok = fields[key]; !ok {
				return k.unknown(fields, key)
			}
		}
		if k.next() != ':' {
			return errSyntax
		}
		k.i++
		if err := k.value(ft); err != nil {
			return err
		}
		k.path = k.path[:len(k.path)-1]
		if err := k.after('}'); err != nil {
			return err
		}
		if k.b[k.i-1] == '}' {
			return nil
		}
	}
}

// errBadUTF8 is str's error for a string that is not valid UTF-8.
var errBadUTF8 = errors.New("invalid UTF-8")

// str reads a string, unescaping it only when it has escapes. It returns
// errBadUTF8 for invalid UTF-8 bytes and for \u escapes of lone surrogates.
func (k *keyScanner) str() (string, error) {
	start, escaped := k.i, false
	for j := start + 1; j < len(k.b); j++ {
		switch k.b[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			k.i = j + 1
			if !utf8.Valid(k.b[start+1 : j]) {
				return "", errBadUTF8
			}
			if !escaped {
				return string(k.b[start+1 : j]), nil
			}
			if loneSurrogate(k.b[start+1 : j]) {
				return "", errBadUTF8
			}
			var s string
			if json.Unmarshal(k.b[start:j+1], &s) != nil {
				return "", errSyntax
			}
			return s, nil
		}
	}
	return "", errSyntax
}

// loneSurrogate reports whether the escaped text of a JSON string holds a
// \u escape of a UTF-16 surrogate that is not part of a pair.
func loneSurrogate(b []byte) bool {
	hex := func(i int) (rune, bool) {
		if i+6 > len(b) || b[i] != '\\' || b[i+1] != 'u' {
			return 0, false
		}
		var r rune
		for _, c := range b[i+2 : i+6] {
			switch {
			case '0' <= c && c <= '9':
				r = r<<4 | rune(c-'0')
			case 'a' <= c && c <= 'f':
				r = r<<4 | rune(c-'a'+10)
			case 'A' <= c && c <= 'F':
				r = r<<4 | rune(c-'A'+10)
			default:
				return 0, false
			}
		}
		return r, true
	}
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		r, ok := hex(i)
		if !ok {
			i++ // another escape: skip the escaped byte
			continue
		}
		switch {
		case 0xDC00 <= r && r <= 0xDFFF:
			return true
		case 0xD800 <= r && r <= 0xDBFF:
			low, ok := hex(i + 6)
			if !ok || low < 0xDC00 || low > 0xDFFF {
				return true
			}
			i += 11
		default:
			i += 5
		}
	}
	return false
}

func (k *keyScanner) name() string { return strings.Join(k.path, ".") }

func (k *keyScanner) unknown(fields map[string]reflect.Type, key string) error {
	for f := range fields {
		if strings.EqualFold(f, key) {
			return minsheng.FieldError(k.name(), "unknown field %q: field names are case-sensitive; write %q", k.name(), f)
		}
	}
	return minsheng.FieldError(k.name(), "unknown field %q", k.name())
}

var (
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	fieldCache      sync.Map // reflect.Type → map[string]reflect.Type
)

// jsonFields returns a struct's JSON field names and types, with the
// fields of untagged embedded structs promoted, as encoding/json does.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for k, v := range jsonFields(ft) {
					if _, ok := m[k]; !ok {
						m[k] = v
					}
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		m[name] = ft
	}
	fieldCache.Store(t, m)
	return m
}

func jsonKind(goType string) string {
	switch strings.TrimPrefix(goType, "*") {
	case "string", "ticket.Kind", "ticket.Urgency", "ticket.Channel", "ticket.Satisfaction", "org.Role", "org.Grant",
		"org.UnitKind", "app.ReturnReason":
		return "a string"
	case "[]org.Grant":
		return "a list of strings"
	case "int", "int64", "float64":
		return "a number"
	case "bool":
		return "true or false"
	}
	return fmt.Sprintf("of type %s", goType)
}
