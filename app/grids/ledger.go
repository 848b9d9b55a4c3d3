package grids

import (
	"context"
	"strconv"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/grid"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// CreateCampaign starts a screening campaign (大排查) over a unit the
// actor manages.
func (s *Service) CreateCampaign(ctx context.Context, actor *org.User, in grid.NewCampaign) (*store.LedgerCampaign, error) {
	if err := kit.Require(actor, grid.Managers...); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *store.LedgerCampaign
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		u, err := unitField(ctx, tx, in.UnitID, "unit_id")
		if err != nil {
			return err
		}
		if !seesAs(actor, u.Path, grid.Managers...) {
			return minsheng.Errorf(minsheng.EFORBIDDEN, "unit %s is outside the units you manage", u.Name)
		}
		id, err := tx.NextID(ctx)
		if err != nil {
			return err
		}
		c := &store.LedgerCampaign{ID: id, Title: in.Title, UnitID: u.ID, UnitPath: u.Path, Deadline: in.Deadline.UTC(), Note: in.Note,
			CreatedBy: actor.ID, CreatedAt: s.now(), Checklist: in.Checklist}
		if err := store.InsertCampaign(ctx, tx, c); err != nil {
			return err
		}
		if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectCampaign, ObjectID: id, Action: "create",
			Data: map[string]string{"unit": u.Code, "deadline": c.Deadline.In(china).Format("2006-01-02"),
				"checklist": strconv.Itoa(len(c.Checklist))}}); err != nil {
			return err
		}
		out, err = store.GetCampaign(ctx, tx, id)
		return err
	})
	return out, err
}

// unitField returns the unit with the id, or EINVALID on the field.
func unitField(ctx context.Context, tx *store.Tx, id int64, field string) (*org.Unit, error) {
	u, err := store.GetUnit(ctx, tx, id)
	if minsheng.IsCode(err, minsheng.ENOTFOUND) {
		return nil, minsheng.FieldError(field, "unit %d does not exist", id)
	}
	return u, err
}

// loadCampaign returns a campaign whose scope the actor sees: it lies in
// their work or their work lies in it. ENOTFOUND otherwise.
func loadCampaign(ctx context.Context, tx *store.Tx, actor *org.User, id int64) (*store.LedgerCampaign, error) {
	c, err := store.GetCampaign(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if kit.IsSystem(actor) || actor.SeesWork(c.UnitPath) {
		return c, nil
	}
	for _, p := range actor.WorkScopes() {
		if org.Within(p, c.UnitPath) {
			return c, nil
		}
	}
	return nil, minsheng.Errorf(minsheng.ENOTFOUND, "campaign %d not found", id)
}

// ListCampaigns returns the campaigns the actor sees, newest first.
func (s *Service) ListCampaigns(ctx context.Context, actor *org.User) ([]*store.LedgerCampaign, error) {
	if err := kit.Require(actor, org.Roles...); err != nil {
		return nil, err
	}
	var out []*store.LedgerCampaign
	err := s.kit.Read(ctx, func(tx *store.Tx) (err error) {
		out, err = store.ListCampaigns(ctx, tx, scopes(actor))
		return err
	})
	return out, err
}

// AddItem records a problem a campaign found (排查发现) in a unit of its
// scope that the actor sees. With a responsible unit it is assigned at
// once.
func (s *Service) AddItem(ctx context.Context, actor *org.User, campaignID int64, in grid.NewItem) (*store.LedgerItem, error) {
	if err := kit.Require(actor, grid.Finders...); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *store.LedgerItem
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		c, err := loadCampaign(ctx, tx, actor, campaignID)
		if err != nil {
			return err
		}
		out, err = s.addItemTx(ctx, tx, actor, c, in, nil)
		return err
	})
	return out, err
}

// addItemTx records a checked item of the campaign in tx; data goes on its
// "found" event besides the campaign, its number and severity.
func (s *Service) addItemTx(ctx context.Context, tx *store.Tx, actor *org.User, c *store.LedgerCampaign, in grid.NewItem, extra map[string]string) (*store.LedgerItem, error) {
	u, err := unitField(ctx, tx, in.UnitID, "unit_id")
	if err != nil {
		return nil, err
	}
	if !org.Within(u.Path, c.UnitPath) {
		return nil, minsheng.FieldError("unit_id", "%s is outside the campaign's scope", u.Name).Because("grid_outside_campaign")
	}
	if !seesAs(actor, u.Path, grid.Finders...) {
		return nil, minsheng.Errorf(minsheng.EFORBIDDEN, "%s is outside your units", u.Name)
	}
	id, err := tx.NextID(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	it := &store.LedgerItem{ID: id, CampaignID: c.ID, Problem: in.Problem, Category: in.Category, Severity: in.Severity,
		Place: in.Place, UnitID: u.ID, UnitPath: u.Path, Deadline: in.Deadline, Lat: in.Lat, Lng: in.Lng, Status: grid.ItemFound,
		FoundBy: actor.ID, FoundAt: now, UpdatedAt: now}
	if in.Deadline == nil {
		d := c.Deadline
		it.Deadline = &d
	}
	if in.Responsible != 0 {
		r, err := unitField(ctx, tx, in.Responsible, "responsible_unit_id")
		if err != nil {
			return nil, err
		}
		it.ResponsibleID, it.ResponsiblePath, it.Status = r.ID, r.Path, grid.ItemAssigned
	}
	if err := store.InsertLedgerItem(ctx, tx, it); err != nil {
		return nil, err
	}
	data := map[string]string{"campaign": strconv.FormatInt(c.ID, 10), "seq": strconv.Itoa(it.Seq), "severity": string(it.Severity)}
	if it.ResponsibleID != 0 {
		data["responsible_unit"] = strconv.FormatInt(it.ResponsibleID, 10)
	}
	for k, v := range extra {
		data[k] = v
	}
	if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectItem, ObjectID: id, Action: "found", Data: data}); err != nil {
		return nil, err
	}
	return store.GetLedgerItem(ctx, tx, id)
}

// ItemInput is an action on a ledger item.
type ItemInput struct {
	Action grid.ItemAction `json:"action"`
	// Note: the evidence of a submission or a tick-off (required there),
	// the reason of a return or a relapse (required there), optional
	// otherwise.
	Note string `json:"note"`
	// ResponsibleID and Deadline: for assign.
	ResponsibleID int64      `json:"responsible_unit_id,omitempty"`
	Deadline      *time.Time `json:"deadline,omitempty"`
}

// ActOnItem takes an action on a ledger item as the lifecycle allows it:
// assign (交办), start (整改), submit with evidence, return, tick off (销号,
// by another person than who submitted, with evidence), and the 回头看:
// recheck (still fixed) or relapse (reopens the item). The actor's role
// must cover the item: managers and verifiers the unit it was found in or
// the responsible unit; the responsible unit's handlers the rest.
func (s *Service) ActOnItem(ctx context.Context, actor *org.User, id int64, in ItemInput) (*store.LedgerItem, error) {
	if err := kit.Require(actor, org.Roles...); err != nil {
		return nil, err
	}
	required := grid.NeedsEvidence(in.Action) || in.Action == grid.ItemReturn || in.Action == grid.ItemRelapse
	if err := grid.CheckNote("note", in.Note, required); err != nil {
		return nil, err
	}
	var out *store.LedgerItem
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		it, err := s.loadItem(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		next, err := grid.NextItem(it.Status, in.Action)
		if err != nil {
			return err
		}
		if !kit.IsSystem(actor) {
			if err := grid.CheckItemActor(actor, itemFacts(it), in.Action); err != nil {
				return err
			}
			if !coversItem(actor, it, grid.ItemRoles(in.Action)) {
				return minsheng.Errorf(minsheng.EFORBIDDEN, "item %d is outside the units of your role", it.Seq)
			}
		}
		now := s.now()
		data := map[string]string{"from": string(it.Status), "to": string(next)}
		switch in.Action {
		case grid.ItemAssign:
			if in.ResponsibleID == 0 {
				return minsheng.FieldError("responsible_unit_id", "name the unit responsible for the rectification").Because("choose")
			}
			r, err := unitField(ctx, tx, in.ResponsibleID, "responsible_unit_id")
			if err != nil {
				return err
			}
			it.ResponsibleID, it.ResponsiblePath = r.ID, r.Path
			if in.Deadline != nil {
				d := in.Deadline.UTC()
				it.Deadline = &d
			}
			data["responsible_unit"] = r.Code
		case grid.ItemSubmit:
			it.SubmittedBy, it.SubmittedAt, it.Evidence = actor.ID, &now, in.Note
		case grid.ItemTickOff:
			it.TickedOffBy, it.TickedOffAt, it.TickOffNote = actor.ID, &now, in.Note
		case grid.ItemRecheck:
			it.RecheckedAt = &now
		case grid.ItemRelapse:
			it.RecheckedAt = &now
			it.Relapses++
			it.TickedOffAt, it.TickedOffBy, it.SubmittedBy, it.SubmittedAt = nil, 0, 0, nil
		case grid.ItemOpenTicket:
			if itemFacts(it).OpenTicket {
				return minsheng.Errorf(minsheng.ECONFLICT, "the item's work order is still open").Because("grid_item_ticket_open")
			}
			t, err := s.openItemTicket(ctx, tx, actor, it, in.Note)
			if err != nil {
				return err
			}
			it.TicketID = t.ID
			data["ticket"] = t.Number
		}
		it.Status, it.UpdatedAt = next, now
		if err := store.UpdateLedgerItem(ctx, tx, it); err != nil {
			return err
		}
		if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectItem, ObjectID: it.ID, Action: string(in.Action),
			Note: in.Note, Data: data}); err != nil {
			return err
		}
		out, err = store.GetLedgerItem(ctx, tx, it.ID)
		return err
	})
	return out, err
}

// itemFacts is what the lifecycle rules look at of an item.
func itemFacts(it *store.LedgerItem) grid.Item {
	return grid.Item{Status: it.Status, SubmittedBy: it.SubmittedBy, OpenTicket: it.TicketID != 0 && ticket.Status(it.TicketStatus).Open()}
}

// openItemTicket registers the work order of a ledger item in tx (channel
// grid: found in the field) and links both ways.
func (s *Service) openItemTicket(ctx context.Context, tx *store.Tx, actor *org.User, it *store.LedgerItem, note string) (*ticket.Ticket, error) {
	c, err := store.GetCampaign(ctx, tx, it.CampaignID)
	if err != nil {
		return nil, err
	}
	desc := "【" + c.Title + "·第" + strconv.Itoa(it.Seq) + "号】" + it.Problem + "（" + it.Place + "）"
	if note != "" {
		desc += "\n" + note
	}
	t, err := s.tickets.OpenTicketTx(ctx, tx, actor, ticket.NewTicket{Title: ticket.TitleFrom(it.Problem), Description: desc,
		Kind: ticket.KindReport, Channel: ticket.ChannelGrid, Address: it.Place, Lat: it.Lat, Lng: it.Lng})
	if err != nil {
		return nil, err
	}
	if err := s.tickets.LinkTx(ctx, tx, actor, t, ObjectItem, it.ID, "opened"); err != nil {
		return nil, err
	}
	return t, nil
}

// followItemTicket is the ledger's part of the hook on tickets' events:
// the close of an item's work order ticks the item off (the centre that
// closes it is not who rectified it), with the reply as the evidence; a
// reopen of that work order reopens the item.
func (s *Service) followItemTicket(ctx context.Context, tx *store.Tx, t *ticket.Ticket, e *ticket.Event) error {
	if e.Action != ticket.ActionClose && e.Action != ticket.ActionReopen {
		return nil
	}
	it, err := store.GetLedgerItemByTicket(ctx, tx, t.ID)
	if minsheng.IsCode(err, minsheng.ENOTFOUND) {
		return nil
	}
	if err != nil {
		return err
	}
	from := it.Status
	switch {
	case e.Action == ticket.ActionClose && it.Status != grid.ItemTickedOff:
		at := e.At
		it.Status, it.TickedOffBy, it.TickedOffAt = grid.ItemTickedOff, e.ActorID, &at
		it.TickOffNote = "工单" + t.Number + "已办结"
		if it.Evidence == "" {
			it.Evidence = t.Reply
		}
	case e.Action == ticket.ActionReopen && it.Status == grid.ItemTickedOff:
		it.Status, it.TickedOffBy, it.TickedOffAt, it.TickOffNote = grid.ItemRectifying, 0, nil, ""
	default:
		return nil
	}
	it.UpdatedAt = e.At
	if err := store.UpdateLedgerItem(ctx, tx, it); err != nil {
		return err
	}
	actor, err := actorOf(ctx, tx, e.ActorID)
	if err != nil {
		return err
	}
	action := "tick_off"
	if e.Action == ticket.ActionReopen {
		action = "ticket_reopened"
	}
	_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectItem, ObjectID: it.ID, Action: action, Note: t.Reply,
		Data: map[string]string{"ticket": t.Number, "from": string(from), "to": string(it.Status)}})
	return err
}

// coversItem reports whether one of the actor's grants of the roles covers
// the item: a handler the responsible unit; the other roles the unit it was
// found in or the responsible unit.
func coversItem(actor *org.User, it *store.LedgerItem, roles []org.Role) bool {
	for _, r := range roles {
		if r == org.RoleHandler {
			if it.ResponsiblePath != "" && actor.SeesAs(it.ResponsiblePath, r) {
				return true
			}
			continue
		}
		if actor.SeesAs(it.UnitPath, r) || (it.ResponsiblePath != "" && actor.SeesAs(it.ResponsiblePath, r)) {
			return true
		}
	}
	return false
}

// loadItem returns an item the actor sees (found in, or the
// responsibility of, a unit of their work), or ENOTFOUND.
func (s *Service) loadItem(ctx context.Context, tx *store.Tx, actor *org.User, id int64) (*store.LedgerItem, error) {
	it, err := store.GetLedgerItem(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if !seesWork(actor, it.UnitPath) && (it.ResponsiblePath == "" || !seesWork(actor, it.ResponsiblePath)) {
		return nil, minsheng.Errorf(minsheng.ENOTFOUND, "ledger item %d not found", id)
	}
	return it, nil
}

// ItemView is an item with its timeline and what the actor may do.
type ItemView struct {
	*store.LedgerItem
	Campaign *store.LedgerCampaign `json:"campaign"`
	Timeline []store.TimelineEvent `json:"timeline"`
	Actions  []grid.ItemAction     `json:"actions"`
	Overdue  bool                  `json:"overdue"`
}

// GetItem returns an item the actor sees, with its timeline.
func (s *Service) GetItem(ctx context.Context, actor *org.User, id int64) (*ItemView, error) {
	if err := kit.Require(actor, org.Roles...); err != nil {
		return nil, err
	}
	var out ItemView
	err := s.kit.Read(ctx, func(tx *store.Tx) (err error) {
		if out.LedgerItem, err = s.loadItem(ctx, tx, actor, id); err != nil {
			return err
		}
		if out.Campaign, err = store.GetCampaign(ctx, tx, out.CampaignID); err != nil {
			return err
		}
		out.Timeline, err = store.ListTimeline(ctx, tx, ObjectItem, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, a := range grid.AvailableItemActions(actor, itemFacts(out.LedgerItem)) {
		if kit.IsSystem(actor) || coversItem(actor, out.LedgerItem, grid.ItemRoles(a)) {
			out.Actions = append(out.Actions, a)
		}
	}
	out.Overdue = out.LedgerItem.Overdue(s.now())
	return &out, nil
}

// LedgerQuery filters a campaign's ledger.
type LedgerQuery struct {
	Status        grid.ItemStatus
	ResponsibleID int64
	Overdue       bool
	CountsOnly    bool // the counts without the items
}

// Ledger is a campaign's ledger as the actor sees it: its items, its
// counts in all and per responsible unit.
type Ledger struct {
	Campaign *store.LedgerCampaign `json:"campaign"`
	Progress grid.Progress         `json:"progress"`
	Units    []store.UnitProgress  `json:"units"`
	Items    []*store.LedgerItem   `json:"items"`
	At       time.Time             `json:"at"` // when overdue was counted
}

// GetLedger returns a campaign's ledger: the items of the units the actor
// sees, filtered, and the counts of all of them.
func (s *Service) GetLedger(ctx context.Context, actor *org.User, campaignID int64, q LedgerQuery) (*Ledger, error) {
	if err := kit.Require(actor, org.Roles...); err != nil {
		return nil, err
	}
	if q.Status != "" && !q.Status.Valid() {
		return nil, minsheng.FieldError("status", "unknown status %q", q.Status)
	}
	out := Ledger{At: s.now()}
	err := s.kit.Read(ctx, func(tx *store.Tx) (err error) {
		if out.Campaign, err = loadCampaign(ctx, tx, actor, campaignID); err != nil {
			return err
		}
		f := store.LedgerFilter{CampaignID: campaignID, Paths: itemScopes(actor, out.Campaign)}
		if out.Progress, out.Units, err = store.LedgerProgress(ctx, tx, f, out.At); err != nil {
			return err
		}
		if q.CountsOnly {
			return nil
		}
		f.Status, f.ResponsibleID = q.Status, q.ResponsibleID
		if q.Overdue {
			f.OverdueAt = &out.At
		}
		out.Items, err = store.ListLedgerItems(ctx, tx, f)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// itemScopes returns the paths the actor's items of a campaign lie under:
// nil (all) when the actor's work covers the campaign's whole scope.
func itemScopes(actor *org.User, c *store.LedgerCampaign) []string {
	if kit.IsSystem(actor) || actor.SeesWork(c.UnitPath) {
		return nil
	}
	return actor.WorkScopes()
}

// OpenReason says why an item is not ticked off, for the public summary:
// its status, or "overdue" for one being rectified past its deadline; ""
// for a ticked-off item. Pages word it in their language.
func OpenReason(it *store.LedgerItem, now time.Time) string {
	switch {
	case it.Status == grid.ItemTickedOff:
		return ""
	case it.Overdue(now):
		return "overdue"
	}
	return string(it.Status)
}

// PublicLedger returns a campaign's ledger for the public summary, without
// an account: its counts, and its items with what residents may read of
// them (the problem, the place, the responsible unit, the status; no
// person is named). Staff names are left out.
func (s *Service) PublicLedger(ctx context.Context, id int64) (*Ledger, error) {
	l, err := s.GetLedger(ctx, kit.System(), id, LedgerQuery{})
	if err != nil {
		return nil, err
	}
	for _, it := range l.Items {
		it.FoundBy, it.SubmittedBy, it.TickedOffBy, it.TickedOffName, it.Evidence, it.TickOffNote = 0, 0, 0, "", "", ""
	}
	l.Campaign.CreatedBy = 0
	return l, nil
}
