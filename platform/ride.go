package platform

import (
	"github.com/minsheng/minsheng/app/ride"
	"github.com/minsheng/minsheng/capability"
	"github.com/minsheng/minsheng/web"
	"github.com/minsheng/minsheng/web/ui"
)

// rideCapability is the volunteer fleet (爱心车队, docs/ride.md): rides
// booked from hotline tickets, the fleet desk, the driver's phone page,
// the fleet's vehicles and drivers, the figures, the offer-timeout and
// unmet-need jobs, and the demo fleet.
func rideCapability(p Parts) capability.Capability {
	svc := ride.New(p.Tickets.Kit(), p.Tickets, ride.Config{})
	c := capability.Capability{
		Name:     "ride",
		OpenAPI:  web.RideOpenAPI(),
		Nav:      ui.RideNav,
		Messages: ui.RideMessages,
		Seed:     svc.Seed,
	}
	for kind, h := range svc.Jobs() {
		c.Jobs = append(c.Jobs, capability.Job{Kind: kind, Handler: h})
	}
	c.Jobs = append(c.Jobs, capability.Job{Kind: ride.JobPreassign, Handler: svc.PreassignJob, Every: ride.PreassignAt})
	if p.Server != nil {
		c.API = p.Server.RideAPI(svc)
	}
	if p.Pages != nil {
		c.Pages = p.Pages.RidePages(svc)
	}
	return c
}
