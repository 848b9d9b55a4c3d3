package web

import (
	"net/http"

	hh "github.com/minsheng/minsheng/app/household"
	"github.com/minsheng/minsheng/capability"
	"github.com/minsheng/minsheng/household"
	"github.com/minsheng/minsheng/org"
)

// HouseholdTriggerAPI returns the JSON routes of proactive service (未诉先办)
// in the households capability: the rules, the alert days and the
// proactive orders; a district admin's change of a rule; an alert day
// entered. Documented in openapi_households.json.
func (s *Server) HouseholdTriggerAPI(svc *hh.Service) []capability.Route {
	a := &householdTriggerAPI{svc: svc}
	return []capability.Route{
		{Pattern: "GET /api/v1/household-triggers", Handler: s.handle(a.get)},
		{Pattern: "PUT /api/v1/household-triggers/rules/{kind}", Handler: s.handle(a.saveRule)},
		{Pattern: "POST /api/v1/household-alert-days", Handler: s.handle(a.addAlertDay)},
	}
}

type householdTriggerAPI struct{ svc *hh.Service }

func (a *householdTriggerAPI) get(w http.ResponseWriter, r *http.Request) error {
	if err := knownParams(r.URL.Query()); err != nil {
		return err
	}
	return answer(w, r, http.StatusOK, func(u *org.User) (*hh.Triggers, error) { return a.svc.Triggers(r.Context(), u) })
}

type triggerRuleIn struct {
	Enabled      bool            `json:"enabled"`
	Days         int             `json:"days"`
	Tags         []household.Tag `json:"tags"`
	EscalateDays int             `json:"escalate_days"`
}

func (a *householdTriggerAPI) saveRule(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusOK, func(u *org.User, in triggerRuleIn) (*household.Rule, error) {
		return a.svc.SaveRule(r.Context(), u, household.Rule{Kind: household.RuleKind(r.PathValue("kind")), Enabled: in.Enabled, Days: in.Days,
			Tags: in.Tags, EscalateDays: in.EscalateDays})
	})
}

func (a *householdTriggerAPI) addAlertDay(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusCreated, func(u *org.User, in household.AlertDay) (*household.AlertDay, error) {
		return a.svc.AddAlertDay(r.Context(), u, household.AlertDay{Kind: in.Kind, Day: in.Day, Tags: in.Tags, Note: in.Note})
	})
}
