package platform

import (
	"context"
	"maps"

	hh "github.com/minsheng/minsheng/app/household"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/capability"
	"github.com/minsheng/minsheng/jobs"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/web"
	"github.com/minsheng/minsheng/web/ui"
)

// householdsCapability is the household registry and its visits
// (docs/households.md): the JSON routes, the cadre's and community staff's
// pages, the daily job of proactive service, and its part of the demo
// district.
func householdsCapability(p Parts) capability.Capability {
	svc := hh.New(p.Tickets.Kit(), p.Tickets)
	c := capability.Capability{
		Name:     "households",
		OpenAPI:  web.HouseholdsOpenAPI(),
		Nav:      append(append([]capability.NavItem{}, ui.HouseholdNav...), ui.HouseholdTriggerNav...),
		Messages: householdMessages(),
		Seed:     func(ctx context.Context) error { return hh.Seed(ctx, svc) },
		// Proactive service (未诉先办): every morning at six, China's time.
		Jobs: []capability.Job{{Kind: hh.JobTriggers, Every: jobs.Daily(6, 0, calendar.China),
			Handler: func(ctx context.Context, tx *store.Tx, _ *jobs.Job) error {
				_, err := svc.RunTriggers(ctx, tx)
				return err
			}}},
	}
	if p.Server != nil {
		c.API = append(p.Server.HouseholdAPI(svc), p.Server.HouseholdTriggerAPI(svc)...)
	}
	if p.Pages != nil {
		c.Pages = append(p.Pages.HouseholdPages(svc), p.Pages.HouseholdTriggerPages(svc)...)
	}
	return c
}

// householdMessages are the texts of the households pages and of their
// proactive-service page.
func householdMessages() map[string][2]string {
	m := maps.Clone(ui.HouseholdMessages)
	maps.Copy(m, ui.HouseholdTriggerMessages)
	return m
}
