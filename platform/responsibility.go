package platform

import (
	"context"

	"github.com/minsheng/minsheng/app/responsibility"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/capability"
	"github.com/minsheng/minsheng/jobs"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/web"
	"github.com/minsheng/minsheng/web/ui"
)

// responsibilityCapability is the leaders' responsibility assignments (包保,
// docs/responsibility.md): the board and an assignment's pages, the JSON
// routes, the daily reminders of milestones due soon, and the demo's 48
// matters.
func responsibilityCapability(p Parts) capability.Capability {
	svc := responsibility.New(p.Tickets.Kit(), p.Tickets)
	c := capability.Capability{
		Name:     "responsibility",
		OpenAPI:  web.ResponsibilityOpenAPI(),
		Nav:      ui.ResponsibilityNav,
		Messages: ui.ResponsibilityMessages,
		Seed:     func(ctx context.Context) error { return responsibility.Seed(ctx, svc) },
		// Leaders are told of the milestones due soon, every morning at
		// eight, China's time.
		Jobs: []capability.Job{{Kind: responsibility.JobReminders, Every: jobs.Daily(8, 0, calendar.China),
			Handler: func(ctx context.Context, tx *store.Tx, _ *jobs.Job) error {
				_, err := svc.RunReminders(ctx, tx)
				return err
			}}},
	}
	if p.Server != nil {
		c.API = p.Server.ResponsibilityAPI(svc)
	}
	if p.Pages != nil {
		c.Pages = p.Pages.ResponsibilityPages(svc)
	}
	return c
}
