package web_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/minsheng/minsheng/app/apptest"
)

// householdTriggerAdminWrites are proactive service's routes in the walk
// of audited writes, as the district's admin.
func householdTriggerAdminWrites() []adminWrite {
	rule := func() string { return "/api/v1/household-triggers/rules/no_contact" }
	return []adminWrite{
		{pattern: "PUT /api/v1/household-triggers/rules/{kind}", path: rule, status: http.StatusOK,
			body:   map[string]any{"enabled": true, "days": 7, "tags": []string{"alone_elderly", "disabled_care"}, "escalate_days": 2},
			object: "household_trigger_rule", id: func([]byte) int64 { return 0 }, action: "update",
			detail:  []string{"kind=no_contact", "days=10 → 7", "tags=alone_elderly → alone_elderly,disabled_care"},
			refused: map[string]any{"enabled": true, "days": 0, "tags": []string{"alone_elderly"}, "escalate_days": 2}},
		{pattern: "POST /api/v1/household-alert-days", path: func() string { return "/api/v1/household-alert-days" }, status: http.StatusCreated,
			body:   map[string]any{"kind": "heat", "day": apptest.Start.AddDate(0, 0, 1).Format(time.RFC3339), "note": "最高气温 35℃"},
			object: "household_alert_day", id: idOf, action: "create", detail: []string{"kind=heat", "day=2026-03-03"},
			refused: map[string]any{"kind": "heat", "day": apptest.Start.AddDate(0, 0, -1).Format(time.RFC3339)}},
	}
}

// householdTriggerStreetCalls: the rules and alert days are the
// district's.
func householdTriggerStreetCalls() []streetCall {
	return []streetCall{
		{name: "trigger rule", pattern: "PUT /api/v1/household-triggers/rules/{kind}",
			path: func() string { return "/api/v1/household-triggers/rules/no_contact" }, status: http.StatusForbidden,
			body: map[string]any{"enabled": false, "days": 7, "tags": []string{"alone_elderly"}, "escalate_days": 2}},
		{name: "alert day", pattern: "POST /api/v1/household-alert-days", path: func() string { return "/api/v1/household-alert-days" },
			status: http.StatusForbidden, body: map[string]any{"kind": "cold", "day": apptest.Start.AddDate(0, 0, 1).Format(time.RFC3339)}},
	}
}

// Proactive service over the API: the rules (their defaults), an alert
// day, the orders; a handler reads but does not change them.
func TestHouseholdTriggersAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		type triggers struct {
			Rules []struct {
				Kind string `json:"kind"`
				Days int    `json:"days"`
			} `json:"rules"`
			AlertDays []struct {
				Kind string `json:"kind"`
			} `json:"alert_days"`
			Orders  []any `json:"orders"`
			MayEdit bool  `json:"may_edit"`
		}
		tr := mustJSON[triggers](t, e.do(t, "GET", "/api/v1/household-triggers", "handler", nil), http.StatusOK)
		if len(tr.Rules) != 3 || tr.Rules[0].Kind != "no_contact" || tr.Rules[0].Days != 10 || tr.MayEdit || len(tr.Orders) != 0 {
			t.Errorf("the handler's view %+v", tr)
		}
		mustStatus(t, e.do(t, "PUT", "/api/v1/household-triggers/rules/no_contact", "handler",
			map[string]any{"enabled": true, "days": 3, "tags": []string{"alone_elderly"}, "escalate_days": 1}), http.StatusForbidden)
		mustStatus(t, e.do(t, "PUT", "/api/v1/household-triggers/rules/birthday", "admin",
			map[string]any{"enabled": true, "days": 3, "tags": []string{"alone_elderly"}, "escalate_days": 1}), http.StatusBadRequest)
		mustStatus(t, e.do(t, "PUT", "/api/v1/household-triggers/rules/recheck", "admin",
			map[string]any{"enabled": false, "escalate_days": 3}), http.StatusOK)
		mustOK(t, e.do(t, "POST", "/api/v1/household-alert-days", "admin",
			map[string]any{"kind": "cold", "day": apptest.Start.Format(time.RFC3339), "tags": []string{"alone_elderly"}}))
		tr = mustJSON[triggers](t, e.do(t, "GET", "/api/v1/household-triggers", "admin", nil), http.StatusOK)
		if len(tr.AlertDays) != 1 || tr.AlertDays[0].Kind != "cold" || !tr.MayEdit {
			t.Errorf("the admin's view %+v", tr)
		}
		mustStatus(t, e.do(t, "GET", "/api/v1/household-triggers", "agent", nil), http.StatusForbidden)
	})
}
