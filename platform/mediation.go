package platform

import (
	"context"

	"github.com/minsheng/minsheng/app/mediation"
	"github.com/minsheng/minsheng/capability"
	"github.com/minsheng/minsheng/jobs"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/web"
	"github.com/minsheng/minsheng/web/ui"
)

// mediationCapability is the mediation centre (docs/mediation.md): cases,
// sessions, agreements and their schedules, the mediators' pages, the job
// of instalment reminders and 司法确认 prompts, and the demo's cases.
func mediationCapability(p Parts) capability.Capability {
	svc := mediation.New(p.Tickets.Kit(), p.Tickets)
	c := capability.Capability{
		Name:     "mediation",
		OpenAPI:  web.MediationOpenAPI(),
		Nav:      ui.MediationNav,
		Messages: ui.MediationMessages,
		Jobs: []capability.Job{{Kind: mediation.JobInstalments, Handler: func(ctx context.Context, tx *store.Tx, j *jobs.Job) error {
			return svc.RunInstalmentJob(ctx, tx, j.Payload)
		}}},
		Seed: func(ctx context.Context) error { return mediation.Seed(ctx, svc) },
	}
	if p.Server != nil {
		c.API = p.Server.MediationAPI(svc)
	}
	if p.Pages != nil {
		c.Pages = p.Pages.MediationPages(svc)
	}
	return c
}
