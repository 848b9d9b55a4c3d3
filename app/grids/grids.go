// Package grids holds the use cases of grid management and the screening
// ledger (docs/grids.md): grid reports that become work orders and are
// checked on the spot (核查) before they close, screening campaigns (大排查)
// with their items ticked off one by one (逐个销号) and re-inspected (回头看),
// and field diaries (民情日记) drafted from the day's work.
//
// It reaches the ticket engine only through the seam of package app
// (OpenTicketTx, LinkTx, ActTx, LoadVisibleTx, OnTicketEvent) and the
// shared kit. Nothing here ranks staff, forces a check-in or counts time
// online.
package grids

import (
	"context"
	"io"
	"slices"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// Object types of the timeline and the audit log.
const (
	ObjectReport   = "grid_report"
	ObjectCampaign = "ledger_campaign"
	ObjectItem     = "ledger_item"
	ObjectDiary    = "field_diary"
)

// china is the district's time zone: days of diaries and reports.
var china = time.FixedZone("CST", 8*3600)

// Service runs the use cases.
type Service struct {
	kit     *kit.Kit
	tickets *app.Service
}

// New returns the use cases over the kit and the ticket engine, and hooks
// them to the tickets' events (a grid report follows its work order). Call
// it once per ticket engine, while wiring.
func New(k *kit.Kit, tickets *app.Service) *Service {
	s := &Service{kit: k, tickets: tickets}
	tickets.OnTicketEvent("grids", s.followTicket)
	return s
}

func (s *Service) now() time.Time { return s.kit.Now() }

// PutUpload keeps a photo sent with a report or a check until the use case
// records it on the work order.
func (s *Service) PutUpload(name string, r io.Reader) (app.Upload, error) {
	return s.tickets.PutUpload(name, r)
}

// dayBounds returns the start of the day (in China) that t falls in, the
// next day's start, and the day as YYYY-MM-DD.
func dayBounds(t time.Time) (from, to time.Time, day string) {
	c := t.In(china)
	from = time.Date(c.Year(), c.Month(), c.Day(), 0, 0, 0, 0, china)
	return from.UTC(), from.AddDate(0, 0, 1).UTC(), from.Format("2006-01-02")
}

// parseDay reads YYYY-MM-DD as a day in China; "" is today.
func (s *Service) parseDay(day string) (time.Time, error) {
	if day == "" {
		return s.now(), nil
	}
	t, err := time.ParseInLocation("2006-01-02", day, china)
	if err != nil {
		return time.Time{}, minsheng.FieldError("day", "day must be a date written YYYY-MM-DD")
	}
	return t, nil
}

// scopes returns the subtrees the actor sees for lists: nil (everything)
// for the system actor.
func scopes(actor *org.User) []string {
	if kit.IsSystem(actor) {
		return nil
	}
	return actor.WorkScopes()
}

// seesAs reports whether the actor holds one of the roles over the unit
// (the system actor holds every role everywhere).
func seesAs(actor *org.User, path string, roles ...org.Role) bool {
	return kit.IsSystem(actor) || actor.SeesAs(path, roles...)
}

// seesWork reports whether the actor sees the unit's work.
func seesWork(actor *org.User, path string) bool {
	return kit.IsSystem(actor) || actor.SeesWork(path)
}

// gridOf returns the grid a grid worker reports from: the unit of their
// grid_worker grant (their own unit for an unscoped one), or, if they hold
// several, the one asked for.
func gridOf(ctx context.Context, tx *store.Tx, actor *org.User, want int64) (*org.Unit, error) {
	var ids []int64
	for _, g := range actor.Grants {
		if g.Role != org.RoleGridWorker {
			continue
		}
		id := g.UnitID
		if id == 0 {
			id = actor.UnitID
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 && actor.Role == org.RoleGridWorker {
		ids = append(ids, actor.UnitID)
	}
	id := int64(0)
	switch {
	case want != 0 && slices.Contains(ids, want):
		id = want
	case want != 0:
		return nil, minsheng.FieldError("grid_id", "you are not a grid worker of grid %d", want)
	case len(ids) > 0:
		id = ids[0]
	default:
		return nil, minsheng.Errorf(minsheng.EFORBIDDEN, "only grid workers report from their grid")
	}
	return store.GetUnit(ctx, tx, id)
}

// actorOf returns the user who made a ticket's event, as kit.Change wants
// them: the system actor for 0.
func actorOf(ctx context.Context, tx *store.Tx, id int64) (*org.User, error) {
	if id == 0 {
		return kit.System(), nil
	}
	return store.GetUser(ctx, tx, id)
}
