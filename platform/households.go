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
// pages, and its part of the demo district.
func householdsCapability(p Parts) capability.Capability {
	svc := hh.New(p.Tickets.Kit(), p.Tickets)
	c := capability.Capability{
		Name:     "households",
		OpenAPI:  householdsOpenAPI(),
		Nav:      ui.HouseholdNav,
		Messages: householdMessages(),
		Jobs: []capability.Job{{Kind: hh.JobExpireImports, Every: jobs.Daily(3, 30, calendar.China),
			Handler: func(ctx context.Context, tx *store.Tx, _ *jobs.Job) error { return svc.ExpireImports(ctx, tx) }}},
		Seed: func(ctx context.Context) error {
			if err := hh.Seed(ctx, svc); err != nil {
				return err
			}
			return hh.SeedImport(ctx, svc)
		},
	}
	if p.Server != nil {
		c.API = append(p.Server.HouseholdAPI(svc), p.Server.HouseholdImportAPI(svc)...)
	}
	if p.Pages != nil {
		c.Pages = append(append(p.Pages.HouseholdPages(svc), p.Pages.HouseholdImportPages(svc)...), p.Pages.HouseholdDuplicatePages(svc)...)
		c.Pages = append(c.Pages, p.Pages.HouseholdPhotoPages(svc)...)
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
// registry's and the import's.
func householdMessages() map[string][2]string {
	m := maps.Clone(ui.HouseholdMessages)
	maps.Copy(m, ui.HouseholdImportMessages)
	return m
}
