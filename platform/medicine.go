package platform

import (
	"github.com/minsheng/minsheng/app/medicine"
	"github.com/minsheng/minsheng/capability"
	"github.com/minsheng/minsheng/web"
	"github.com/minsheng/minsheng/web/ui"
)

// medicineCapability is the special-medicine post (特殊用药专岗,
// docs/medicine.md): medicine requests from hotline tickets, sourced and
// carried by the fleet's volunteer drivers, the post's desk, the drivers'
// deliveries page, the figures, the refill calendar of chronic patients
// (a daily job), and its demo (after the fleet's, whose
// drivers carry).
func medicineCapability(p Parts) capability.Capability {
	svc := medicine.New(p.Tickets.Kit(), p.Tickets)
	c := capability.Capability{
		Name:     "medicine",
		OpenAPI:  web.MedicineOpenAPI(),
		Nav:      ui.MedicineNav,
		Messages: ui.MedicineMessages,
		Seed:     svc.Seed,
		Jobs:     []capability.Job{{Kind: medicine.JobRefill, Handler: svc.RefillJob, Every: medicine.RefillAt}},
	}
	if p.Server != nil {
		c.API = p.Server.MedicineAPI(svc)
	}
	if p.Pages != nil {
		c.Pages = p.Pages.MedicinePages(svc)
	}
	return c
}
