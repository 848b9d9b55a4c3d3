package platform

import (
	"github.com/minsheng/minsheng/app/open311"
	"github.com/minsheng/minsheng/capability"
	"github.com/minsheng/minsheng/web"
	"github.com/minsheng/minsheng/web/ui"
)

// open311Capability is Open311 GeoReport v2 (docs/open311.md): the
// interface at /open311/v2/, the staff JSON routes behind it, and the
// admin pages of client keys and service settings.
func open311Capability(p Parts) capability.Capability {
	svc := open311.New(p.Tickets.Kit(), p.Tickets)
	c := capability.Capability{
		Name:             "open311",
		OpenAPI:          web.Open311OpenAPI(),
		NoCookiePatterns: []string{"/open311/v2/"},
		Nav:              ui.Open311Nav,
		Messages:         ui.Open311Messages,
		Seed:             svc.SeedDemo, // the demo's sensitive categories are private
	}
	if p.Server != nil {
		c.API = p.Server.Open311API(svc)
		c.Interfaces = []capability.Route{{Pattern: "/open311/v2/", Handler: p.Server.Open311Interface(svc)}}
	}
	if p.Pages != nil {
		c.Pages = p.Pages.Open311Pages(svc)
	}
	return c
}
