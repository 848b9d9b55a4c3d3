package platform

import (
	appemploy "github.com/minsheng/minsheng/app/employ"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/capability"
	"github.com/minsheng/minsheng/jobs"
	"github.com/minsheng/minsheng/web"
	"github.com/minsheng/minsheng/web/ui"
)

// employCapability is job matching (城西e就业, docs/employ.md): employers
// and their posts reviewed by staff, seekers and pushes, applications,
// the follow-ups of assisted placements, the daily expiry of posts with
// its reminders, and the demo's employers and seekers.
func employCapability(p Parts) capability.Capability {
	svc := appemploy.New(p.Tickets.Kit(), p.Tickets, appemploy.Config{})
	c := capability.Capability{
		Name:     "employ",
		OpenAPI:  web.EmployOpenAPI(),
		Nav:      ui.EmployNav,
		Messages: ui.EmployMessages,
		Seed:     svc.Seed,
	}
	for kind, h := range svc.Jobs() {
		c.Jobs = append(c.Jobs, capability.Job{Kind: kind, Handler: h, Every: jobs.Daily(7, 0, calendar.China)})
	}
	if p.Server != nil {
		c.API = p.Server.EmployAPI(svc)
	}
	if p.Pages != nil {
		c.Pages = p.Pages.EmployPages(svc)
	}
	return c
}
