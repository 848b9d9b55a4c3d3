package platform

import (
	"context"

	"github.com/minsheng/minsheng/app/responsibility"
	"github.com/minsheng/minsheng/capability"
	"github.com/minsheng/minsheng/web"
	"github.com/minsheng/minsheng/web/ui"
)

// responsibilityCapability is the leaders' responsibility assignments (包保,
// docs/responsibility.md): the board and an assignment's pages, the JSON
// routes, and the demo's 48 matters.
func responsibilityCapability(p Parts) capability.Capability {
	svc := responsibility.New(p.Tickets.Kit(), p.Tickets)
	c := capability.Capability{
		Name:     "responsibility",
		OpenAPI:  web.ResponsibilityOpenAPI(),
		Nav:      ui.ResponsibilityNav,
		Messages: ui.ResponsibilityMessages,
		Seed:     func(ctx context.Context) error { return responsibility.Seed(ctx, svc) },
	}
	if p.Server != nil {
		c.API = p.Server.ResponsibilityAPI(svc)
	}
	if p.Pages != nil {
		c.Pages = p.Pages.ResponsibilityPages(svc)
	}
	return c
}
