package platform

import (
	"context"

	"github.com/minsheng/minsheng/app/finance"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/capability"
	"github.com/minsheng/minsheng/jobs"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/web"
	"github.com/minsheng/minsheng/web/ui"
)

// financeCapability is small-business finance matching (甘霖工程,
// docs/finance.md): banks and products, businesses with consent, credit
// demands matched to products, the banks' claims and answers within their
// service deadlines, the daily reminder and escalation job, the figures
// and league table, and the demo programme.
func financeCapability(p Parts) capability.Capability {
	svc := finance.New(p.Tickets.Kit(), p.Tickets)
	c := capability.Capability{
		Name:     "finance",
		OpenAPI:  web.FinanceOpenAPI(),
		Nav:      ui.FinanceNav,
		Messages: ui.FinanceMessages,
		Jobs: []capability.Job{{Kind: finance.JobDeadlines, Every: jobs.Daily(9, 0, calendar.China),
			Handler: func(ctx context.Context, tx *store.Tx, _ *jobs.Job) error {
				_, err := svc.RunDeadlinesTx(ctx, tx)
				return err
			}}},
		Seed: func(ctx context.Context) error { return finance.Seed(ctx, svc) },
	}
	if p.Server != nil {
		c.API = p.Server.FinanceAPI(svc)
	}
	if p.Pages != nil {
		c.Pages = p.Pages.FinancePages(svc)
	}
	return c
}
