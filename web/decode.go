package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/minsheng/minsheng"
)

// MaxBody is the largest request body accepted (1 MiB).
const MaxBody = 1 << 20

// errEmptyBody is decode's error for a body with nothing in it; actions
// whose fields are all optional accept it.
var errEmptyBody = minsheng.Errorf(minsheng.EINVALID, "the body is empty; send a JSON object")

// decode reads a JSON body into v strictly: one object, no unknown fields,
// right types, at most MaxBody bytes. Its errors name the field at fault.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return minsheng.Errorf(minsheng.EINVALID, "Content-Type must be application/json, not %q", ct)
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if dec.More() {
			return minsheng.Errorf(minsheng.EINVALID, "the body must hold one JSON object and nothing after it")
		}
		var tooBig *http.MaxBytesError
		if _, err := dec.Token(); errors.As(err, &tooBig) {
			return minsheng.Errorf(minsheng.ETOOLARGE, "the body is larger than %d bytes", MaxBody)
		} else if !errors.Is(err, io.EOF) {
			return minsheng.Errorf(minsheng.EINVALID, "the body must hold one JSON object and nothing after it")
		}
		return nil
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return minsheng.Errorf(minsheng.ETOOLARGE, "the body is larger than %d bytes", MaxBody)
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
	// encoding/json reports unknown fields only as text.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return minsheng.FieldError(name, "unknown field %q", name)
	}
	return minsheng.Errorf(minsheng.EINVALID, "malformed JSON")
}

func jsonKind(goType string) string {
	switch strings.TrimPrefix(goType, "*") {
	case "string", "ticket.Kind", "ticket.Urgency", "ticket.Channel", "ticket.Satisfaction", "org.Role",
		"org.UnitKind", "app.ReturnReason":
		return "a string"
	case "int", "int64", "float64":
		return "a number"
	case "bool":
		return "true or false"
	}
	return fmt.Sprintf("of type %s", goType)
}
