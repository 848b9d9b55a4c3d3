package platform

import (
	"context"

	"github.com/minsheng/minsheng/app/grids"
	"github.com/minsheng/minsheng/capability"
	"github.com/minsheng/minsheng/web"
	"github.com/minsheng/minsheng/web/ui"
)

// gridsCapability is grid management and the screening ledger
// (docs/grids.md): grid reports checked on the spot before their work
// orders close, field diaries, screening campaigns with tick-off and
// re-inspection. Its use cases hook the tickets' events (a report follows
// its work order); the hook is idempotent, as Capabilities may be built
// more than once over one ticket engine.
func gridsCapability(p Parts) capability.Capability {
	svc := grids.New(p.Tickets.Kit(), p.Tickets)
	c := capability.Capability{
		Name:     "grids",
		OpenAPI:  web.GridsOpenAPI(),
		Nav:      ui.GridsNav,
		Messages: ui.GridsMessages,
		Seed:     func(ctx context.Context) error { return grids.SeedDemo(ctx, svc) },
	}
	if p.Server != nil {
		c.API = p.Server.GridsAPI(svc)
	}
	if p.Pages != nil {
		c.Pages = p.Pages.GridsPages(svc)
	}
	return c
}
