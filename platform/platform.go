// Package platform puts the core and the capabilities together: it lists
// every capability and mounts each on the JSON API server, the pages, the
// job runner and the demo seed in the same way. Adding a capability is a
// file platform/<name>.go with its wiring and one line in Capabilities;
// nothing else in the core learns about it (docs/architecture.md).
package platform

import (
	"context"
	"fmt"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/capability"
	"github.com/minsheng/minsheng/notify"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/web"
	"github.com/minsheng/minsheng/web/ui"
)

// Parts are the core pieces capabilities are built over. Server and Pages
// may be nil where they are not needed (the job runner, the shell): the
// capabilities then leave out their routes and pages.
type Parts struct {
	Tickets *app.Service
	Server  *web.Server
	Pages   *ui.UI
}

// Capabilities lists every capability, in the order they are mounted.
func Capabilities(p Parts) []capability.Capability {
	return []capability.Capability{
		open311Capability(p),
		householdsCapability(p),
		rideCapability(p),
		medicineCapability(p),
		gridsCapability(p),
		mediationCapability(p),
		projectCapability(p),
		responsibilityCapability(p),
		financeCapability(p),
		employCapability(p),
	}
}

// Mount mounts every capability on the server and the pages, then the
// pages on the server. Call it once, before serving.
func Mount(p Parts) error {
	for _, c := range Capabilities(p) {
		if p.Server != nil {
			if err := p.Server.Mount(c); err != nil {
				return err
			}
		}
		if p.Pages != nil {
			if err := p.Pages.Mount(c); err != nil {
				return err
			}
		}
	}
	if p.Server != nil && p.Pages != nil {
		p.Server.MountPages(p.Pages)
	}
	return nil
}

// Seed runs every capability's part of the demo district, after the core's.
// The messages its history wrote (registrations, ride offers, reminders)
// were due when that history happened: like the core's, they stay in the
// delivery log as not sent instead of going out, and flooding the log, at
// the first start.
func Seed(ctx context.Context, tickets *app.Service) error {
	for _, c := range Capabilities(Parts{Tickets: tickets}) {
		if c.Seed == nil {
			continue
		}
		if err := c.Seed(ctx); err != nil {
			return fmt.Errorf("seed %s: %w", c.Name, err)
		}
	}
	k := tickets.Kit()
	return k.Write(ctx, func(tx *store.Tx) error {
		_, err := notify.SkipHistory(ctx, tx, k.Now().Add(time.Minute), "demo history: not sent")
		return err
	})
}

// Jobs lists every capability's kinds of background jobs.
func Jobs(tickets *app.Service) []capability.Job {
	var out []capability.Job
	for _, c := range Capabilities(Parts{Tickets: tickets}) {
		out = append(out, c.Jobs...)
	}
	return out
}
