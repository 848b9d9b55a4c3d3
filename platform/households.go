package platform

import (
	"context"
	"maps"
	"slices"

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
		OpenAPI:  householdsOpenAPI(),
		Nav:      append(append([]capability.NavItem{}, ui.HouseholdNav...), ui.HouseholdTriggerNav...),
		Messages: householdMessages(),
		Seed: func(ctx context.Context) error {
			if err := hh.Seed(ctx, svc); err != nil {
				return err
			}
			return hh.SeedImport(ctx, svc)
		},
		Jobs: []capability.Job{
			// Proactive service (未诉先办): every morning at six, China's time.
			{Kind: hh.JobTriggers, Every: jobs.Daily(6, 0, calendar.China),
				Handler: func(ctx context.Context, tx *store.Tx, _ *jobs.Job) error {
					_, err := svc.RunTriggers(ctx, tx)
					return err
				}},
			// Imports not confirmed within 48 hours lose their rows.
			{Kind: hh.JobExpireImports, Every: jobs.Daily(3, 30, calendar.China),
				Handler: func(ctx context.Context, tx *store.Tx, _ *jobs.Job) error { return svc.ExpireImports(ctx, tx) }},
		},
	}
	if p.Server != nil {
		c.API = slices.Concat(p.Server.HouseholdAPI(svc), p.Server.HouseholdTriggerAPI(svc), p.Server.HouseholdImportAPI(svc))
	}
	if p.Pages != nil {
		c.Pages = slices.Concat(p.Pages.HouseholdPages(svc), p.Pages.HouseholdTriggerPages(svc), p.Pages.HouseholdImportPages(svc),
			p.Pages.HouseholdDuplicatePages(svc), p.Pages.HouseholdPhotoPages(svc))
	}
	return c
}

// householdsOpenAPI is the capability's OpenAPI fragment: the registry's
// and the import's, merged.
func householdsOpenAPI() []byte {
	b, err := web.MergeOpenAPI(web.HouseholdsOpenAPI(), web.HouseholdImportOpenAPI())
	if err != nil {
		panic(err) // two embedded files of the binary: a test catches it
	}
	return b
}

// householdMessages are the texts of the capability's pages: the
// registry's, the proactive service's and the import's.
func householdMessages() map[string][2]string {
	m := maps.Clone(ui.HouseholdMessages)
	maps.Copy(m, ui.HouseholdTriggerMessages)
	maps.Copy(m, ui.HouseholdImportMessages)
	return m
}
