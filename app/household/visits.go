package household

import (
	"context"
	"strconv"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/household"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// checkCadre loads the user to pair: an active staff member (a grid
// worker, community staff, a leader or any cadre of the district).
func checkCadre(ctx context.Context, tx *store.Tx, id int64) (*org.User, error) {
	u, err := store.GetUser(ctx, tx, id)
	if minsheng.IsCode(err, minsheng.ENOTFOUND) || (err == nil && (!u.Active || !u.Staff())) {
		return nil, minsheng.FieldError("cadre_id", "the cadre is an active staff member")
	}
	return u, err
}

// pairTx makes the cadre the household's, ending the pairing in force:
// the history keeps both.
func (s *Service) pairTx(ctx context.Context, tx *store.Tx, actor *org.User, h *household.Household, cur *household.Pairing, cadre *org.User, note string) error {
	now := s.now()
	data := map[string]string{"cadre": strconv.FormatInt(cadre.ID, 10)}
	if cur != nil {
		if cur.CadreID == cadre.ID {
			return nil
		}
		if err := store.EndPairing(ctx, tx, cur.ID, now); err != nil {
			return err
		}
		data["previous_cadre"] = strconv.FormatInt(cur.CadreID, 10)
	}
	id, err := tx.NextID(ctx)
	if err != nil {
		return err
	}
	if err := store.InsertPairing(ctx, tx, &household.Pairing{ID: id, HouseholdID: h.ID, CadreID: cadre.ID, From: now, CreatedBy: actor.ID}); err != nil {
		return err
	}
	_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectHousehold, ObjectID: h.ID, Action: "pair", Note: note, Data: data})
	return err
}

// Pair pairs a cadre with a household (分户联系), ending the pairing in
// force: community staff.
func (s *Service) Pair(ctx context.Context, actor *org.User, householdID, cadreID int64) error {
	return s.kit.Write(ctx, func(tx *store.Tx) error {
		h, cur, err := s.loadVisible(ctx, tx, actor, householdID)
		if err != nil {
			return err
		}
		if !mayApprove(actor, h.UnitPath) {
			return minsheng.Errorf(minsheng.EFORBIDDEN, "only staff of the household's community may pair its cadre")
		}
		cadre, err := checkCadre(ctx, tx, cadreID)
		if err != nil {
			return err
		}
		return s.pairTx(ctx, tx, actor, h, cur, cadre, "")
	})
}

// Reassign moves every household paired with one cadre to another (staff
// change): community staff of every household moved; all or none, each
// household's history kept. It returns how many moved.
func (s *Service) Reassign(ctx context.Context, actor *org.User, fromID, toID int64, note string) (int, error) {
	if err := kit.Require(actor, household.ApproverRoles...); err != nil {
		return 0, err
	}
	if fromID == toID {
		return 0, minsheng.FieldError("to_cadre_id", "the new cadre is another person")
	}
	n := 0
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		to, err := checkCadre(ctx, tx, toID)
		if err != nil {
			return minsheng.FieldError("to_cadre_id", "the new cadre is an active staff member")
		}
		ps, err := store.CurrentPairings(ctx, tx, fromID, nil)
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			return minsheng.FieldError("from_cadre_id", "this cadre has no households")
		}
		for _, p := range ps {
			h, err := store.GetHousehold(ctx, tx, p.HouseholdID)
			if err != nil {
				return err
			}
			if !mayApprove(actor, h.UnitPath) {
				return minsheng.Errorf(minsheng.EFORBIDDEN, "household %d is outside the units you administer: nothing was reassigned", h.ID)
			}
			if err := s.pairTx(ctx, tx, actor, h, p, to, note); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// DueItem is a household of the cadre's due list.
type DueItem struct {
	Household   *household.Household `json:"household"`
	State       household.DueState   `json:"state"`
	DaysOverdue int                  `json:"days_overdue"`
}

// DueList is what a cadre has to do: the households whose visit is due
// (overdue first), and the answered concerns to take back to households.
type DueList struct {
	Due      []DueItem            `json:"due"`
	ToReturn []*household.Concern `json:"to_return"`
}

// Due returns the actor's due list: the households paired with them whose
// visit is due within household.DueSoonDays or overdue.
func (s *Service) Due(ctx context.Context, actor *org.User, limit int) (*DueList, error) {
	if err := kit.Require(actor, org.Roles...); err != nil {
		return nil, err
	}
	now := s.now()
	before := household.Day(now).AddDate(0, 0, household.DueSoonDays+1)
	out := &DueList{Due: []DueItem{}}
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		hs, err := store.DueHouseholds(ctx, tx, actor.ID, before, min(max(limit, 1), 500))
		if err != nil {
			return err
		}
		for _, h := range hs {
			out.Due = append(out.Due, DueItem{Household: Masked(h), State: household.StateAt(h.NextDueAt, now),
				DaysOverdue: household.DaysOverdue(h.NextDueAt, now)})
		}
		out.ToReturn, err = store.ListConcerns(ctx, tx, store.ConcernFilter{CadreID: actor.ID, ToReturn: true})
		return err
	})
	return out, err
}

// Opened is a ticket a concern opened, as the visit's answer names it
// (the ticket itself holds the household head's personal data).
type Opened struct {
	ID     int64         `json:"id"`
	Number string        `json:"number"`
	Status ticket.Status `json:"status"`
}

// Recorded is a recorded visit with the tickets its concerns opened.
type Recorded struct {
	Visit   *household.Visit `json:"visit"`
	Tickets []Opened         `json:"tickets"`
	// Returned is how many answered concerns this visit took back.
	Returned int `json:"returned"`
}

// RecordVisit records a visit to a household: its cadre or registry staff
// of its unit. Each concern opens a work order in the visit's transaction
// (registered by the cadre when their role registers tickets, by the
// system on their behalf otherwise), with the head of the household as
// the caller, linked both ways to the visit. The answered concerns of the
// household count as taken back, and the next visit is planned. Photos
// (stored with PutPhoto) are kept with the visit (photos.go).
func (s *Service) RecordVisit(ctx context.Context, actor *org.User, householdID int64, in household.NewVisit, photos ...app.Upload) (*Recorded, error) {
	now := s.now()
	in.Normalize()
	if err := in.Validate(now); err != nil {
		return nil, err
	}
	if err := checkPhotos(photos, 0); err != nil {
		return nil, err
	}
	var out Recorded
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		h, id, err := s.visitable(ctx, tx, actor, householdID)
		if err != nil {
			return err
		}
		v := &household.Visit{ID: id, HouseholdID: h.ID, CadreID: actor.ID, At: in.At.UTC().Truncate(time.Microsecond), Outcome: household.OutcomeVisited,
			Met: in.Met, Note: in.Note, Lat: in.Lat, Lng: in.Lng, CreatedAt: now}
		if err := store.InsertVisit(ctx, tx, v); err != nil {
			return err
		}
		if err := insertPhotos(ctx, tx, actor, v, photos, now); err != nil { // photos.go
			return err
		}
		if out.Returned, err = store.ReturnConcerns(ctx, tx, h.ID, now); err != nil {
			return err
		}
		for _, c := range in.Concerns {
			t, err := s.openConcern(ctx, tx, actor, h, v, c)
			if err != nil {
				return err
			}
			out.Tickets = append(out.Tickets, Opened{ID: t.ID, Number: t.Number, Status: t.Status})
		}
		if h.LastVisitAt == nil || v.At.After(*h.LastVisitAt) {
			h.LastVisitAt = &v.At
		}
		h.RescheduledTo, h.UpdatedAt = nil, now
		h.Replan()
		if err := store.UpdateHousehold(ctx, tx, h); err != nil {
			return err
		}
		data := map[string]string{"visit": strconv.FormatInt(v.ID, 10), "concerns": strconv.Itoa(len(out.Tickets)),
			"next_due": household.Day(h.NextDueAt).Format(time.DateOnly)}
		if out.Returned > 0 {
			data["returned"] = strconv.Itoa(out.Returned)
		}
		if len(photos) > 0 {
			data["photos"] = strconv.Itoa(len(photos))
		}
		for i, t := range out.Tickets {
			data["ticket"+strconv.Itoa(i+1)] = t.Number
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectHousehold, ObjectID: h.ID, Action: "visit", Data: data})
		out.Visit = v
		return err
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// visitable loads a household whose visit the actor may record, and the
// id of the new visit.
func (s *Service) visitable(ctx context.Context, tx *store.Tx, actor *org.User, householdID int64) (*household.Household, int64, error) {
	h, cur, err := s.loadVisible(ctx, tx, actor, householdID)
	if err != nil {
		return nil, 0, err
	}
	if err := mayVisit(actor, h, cur); err != nil {
		return nil, 0, err
	}
	id, err := tx.NextID(ctx)
	return h, id, err
}

// mayVisit allows a household's cadre and registry staff of its unit to
// record its visits (leaders oversee, they do not record).
func mayVisit(actor *org.User, h *household.Household, cur *household.Pairing) error {
	if cadreID(cur) == actor.ID || mayRequest(actor, h.UnitPath) {
		return nil
	}
	return minsheng.Errorf(minsheng.EFORBIDDEN, "only the household's cadre and its community's staff record its visits")
}

// openConcern opens the ticket of one concern and links it to the visit.
func (s *Service) openConcern(ctx context.Context, tx *store.Tx, actor *org.User, h *household.Household, v *household.Visit, c household.NewConcern) (*ticket.Ticket, error) {
	in := ticket.NewTicket{Description: c.Description, Kind: ticket.KindHelp, Urgency: c.Urgency, Channel: ticket.ChannelGrid,
		Address: h.Address, Lat: v.Lat, Lng: v.Lng}
	if head := h.Head(); head != nil {
		in.CallerName, in.CallerPhone = head.Name, head.Phone
	}
	by := actor
	if !ticket.May(actor, ticket.ActionRegister) {
		by = kit.System()
	}
	t, err := s.tickets.OpenTicketTx(ctx, tx, by, in)
	if err != nil {
		return nil, err
	}
	if err := s.tickets.LinkTx(ctx, tx, actor, t, ObjectVisit, v.ID, RelationConcern); err != nil {
		return nil, err
	}
	if err := store.InsertConcern(ctx, tx, &household.Concern{VisitID: v.ID, TicketID: t.ID, HouseholdID: h.ID, CadreID: actor.ID}); err != nil {
		return nil, err
	}
	return t, nil
}

// MissVisit records a planned visit where nobody was met, and the day it
// is rescheduled to (the household's next due day).
func (s *Service) MissVisit(ctx context.Context, actor *org.User, householdID int64, in household.MissedVisit) (*household.Visit, error) {
	now := s.now()
	if err := in.Validate(now); err != nil {
		return nil, err
	}
	var v *household.Visit
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		h, id, err := s.visitable(ctx, tx, actor, householdID)
		if err != nil {
			return err
		}
		to := household.Day(in.RescheduledTo).UTC()
		v = &household.Visit{ID: id, HouseholdID: h.ID, CadreID: actor.ID, At: in.At.UTC().Truncate(time.Microsecond), Outcome: household.OutcomeMissed,
			Note: in.Reason, RescheduledTo: &to, CreatedAt: now}
		if err := store.InsertVisit(ctx, tx, v); err != nil {
			return err
		}
		h.RescheduledTo, h.UpdatedAt = &to, now
		h.Replan()
		if err := store.UpdateHousehold(ctx, tx, h); err != nil {
			return err
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectHousehold, ObjectID: h.ID, Action: "visit_missed",
			Note: in.Reason, Data: map[string]string{"visit": strconv.FormatInt(v.ID, 10), "rescheduled_to": household.Day(to).Format(time.DateOnly)}})
		return err
	})
	return v, err
}

// CoverageDays is the period of "visited" in the coverage.
const CoverageDays = 30

// Coverage returns, per grid the actor sees (or below the unit, when
// given and seen), the households visited in the last CoverageDays days,
// due and overdue.
func (s *Service) Coverage(ctx context.Context, actor *org.User, unitID int64) ([]household.Coverage, error) {
	if err := kit.Require(actor, household.RegistryRoles...); err != nil {
		return nil, err
	}
	now := s.now()
	today := household.Day(now)
	var out []household.Coverage
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		var paths []string
		if !kit.IsSystem(actor) {
			paths = actor.ScopesAs(household.RegistryRoles...)
		}
		if unitID != 0 {
			u, err := store.GetUnit(ctx, tx, unitID)
			if err != nil {
				return err
			}
			if !kit.IsSystem(actor) && !actor.SeesAs(u.Path, household.RegistryRoles...) {
				return minsheng.Errorf(minsheng.ENOTFOUND, "unit %d not found", unitID)
			}
			paths = []string{u.Path}
		}
		var err error
		out, err = store.HouseholdCoverage(ctx, tx, paths, now.AddDate(0, 0, -CoverageDays), today, today.AddDate(0, 0, household.DueSoonDays+1))
		return err
	})
	if out == nil {
		out = []household.Coverage{}
	}
	return out, err
}

// onTicketEvent hears every ticket's events: the reply or the close of a
// ticket a visit's concern opened marks the concern answered and puts it
// on its cadre's list of outcomes to take back to the household, with an
// event on the household's timeline. It does nothing twice.
func (s *Service) onTicketEvent(ctx context.Context, tx *store.Tx, t *ticket.Ticket, e *ticket.Event) error {
	if e.Action != ticket.ActionReply && e.Action != ticket.ActionClose && e.Action != ticket.ActionResolveAtIntake {
		return nil
	}
	cs, err := store.ListConcerns(ctx, tx, store.ConcernFilter{TicketID: t.ID})
	if err != nil || len(cs) == 0 {
		return err
	}
	if err := store.AnswerConcerns(ctx, tx, t.ID, e.At); err != nil {
		return err
	}
	for _, c := range cs {
		if c.AnsweredAt != nil {
			continue
		}
		if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: kit.System(), Object: ObjectHousehold, ObjectID: c.HouseholdID,
			Action: "concern_answered", Data: map[string]string{"ticket": t.Number, "cadre": strconv.FormatInt(c.CadreID, 10)}}); err != nil {
			return err
		}
	}
	return nil
}
