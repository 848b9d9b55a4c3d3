package platform

import (
	"context"

	"github.com/minsheng/minsheng/app/project"
	"github.com/minsheng/minsheng/capability"
	"github.com/minsheng/minsheng/web"
	"github.com/minsheng/minsheng/web/ui"
)

// projectCapability is the public livelihood projects (docs/project.md):
// the public page of the year's projects, the staff pages, the read-only
// JSON routes, and the demo's twenty projects.
func projectCapability(p Parts) capability.Capability {
	svc := project.New(p.Tickets.Kit(), p.Tickets)
	c := capability.Capability{
		Name:     "project",
		OpenAPI:  web.ProjectOpenAPI(),
		Nav:      ui.ProjectNav,
		Messages: ui.ProjectMessages,
		Seed:     func(ctx context.Context) error { return project.Seed(ctx, svc) },
	}
	if p.Server != nil {
		c.API = p.Server.ProjectAPI(svc)
	}
	if p.Pages != nil {
		c.Pages = p.Pages.ProjectPages(svc)
	}
	return c
}
