package web_test

import (
	"encoding/json"
	"net/http"
	"testing"
)

// An error of the JSON API keeps its English detail and adds the stable
// reason beside the code and the field, so that a client words it in its
// own language.
func TestProblemCarriesTheReason(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		tests := []struct {
			name, method, path, user string
			body                     any
			status                   int
			code, field, reason      string
		}{
			{"no description", "POST", "/api/v1/tickets", "agent", map[string]any{"caller_phone": "13897001234"},
				http.StatusBadRequest, "invalid", "description", "description_required"},
			{"bad phone", "POST", "/api/v1/tickets", "agent", map[string]any{"description": "路灯不亮", "kind": "help", "caller_phone": "12"},
				http.StatusBadRequest, "invalid", "caller_phone", "phone_format"},
			{"unknown ticket", "GET", "/api/v1/tickets/20260101-99999", "agent", nil,
				http.StatusNotFound, "not_found", "", "ticket_not_found"},
			{"bad unit code", "POST", "/api/v1/units", "admin", map[string]any{"parent_id": e.f.District.ID, "kind": "street", "code": "bad code", "name": "新街道"},
				http.StatusBadRequest, "invalid", "code", "code_format"},
		}
		for _, tc := range tests {
			r := e.do(t, tc.method, tc.path, tc.user, tc.body)
			var p struct{ Detail, Code, Field, Reason string }
			if err := json.Unmarshal(r.body, &p); err != nil || r.status != tc.status {
				t.Errorf("%s: %s", tc.name, r)
				continue
			}
			if p.Code != tc.code || p.Field != tc.field || p.Reason != tc.reason || p.Detail == "" {
				t.Errorf("%s: code %q field %q reason %q detail %q; want %q %q %q", tc.name, p.Code, p.Field, p.Reason, p.Detail,
					tc.code, tc.field, tc.reason)
			}
		}
	})
}
