// Package mediation holds the use cases of the mediation centre
// (矛盾纠纷调解, package mediation is the domain): cases opened from a
// hotline ticket (linked both ways), a walk-in, a grid worker or a
// referral; their parties, whose personal data is masked but for an
// audited reveal; sessions with their records; joint and private notes;
// the agreement with its performance schedule, whose reminders and
// 司法确认 prompt run as jobs; and the figures of the centre.
//
// It reaches the ticket engine only through the seam of package app
// (OpenTicketTx, LoadVisibleTx, LinkTx, ActTx, RevealTx) and the kit.
package mediation

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/mediation"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// Object types of the timeline, the audit log and object links.
const (
	ObjectCase  = "mediation_case"
	ObjectParty = "mediation_party" // the object of a reveal
)

// Service runs the mediation use cases.
type Service struct {
	kit     *kit.Kit
	tickets *app.Service
}

// New returns the mediation use cases over the kit and the ticket engine.
func New(k *kit.Kit, tickets *app.Service) *Service { return &Service{kit: k, tickets: tickets} }

// DisputeCategoryRoots are the codes of the ticket categories (and their
// subcategories) whose tickets may be turned into a case.
var DisputeCategoryRoots = []string{"dispute", "commerce.consumer"}

// IsDisputeCategory reports whether a category code is one of
// DisputeCategoryRoots or below one.
func IsDisputeCategory(code string) bool {
	for _, r := range DisputeCategoryRoots {
		if code == r || strings.HasPrefix(code, r+".") {
			return true
		}
	}
	return false
}

// Registration is what opens a case: the case and, for a case that is not
// a hotline ticket's, the unit it belongs to (0: the actor's).
type Registration struct {
	mediation.NewCase
	UnitID int64 `json:"unit_id,string"`
}

// Register opens a case. From a ticket (TicketRef), the ticket must be
// visible to the actor and of a dispute category, and not a case already;
// its caller becomes the applicant when no applicant is given; the case and
// the ticket are linked both ways. Earlier cases at the same address or
// with the same party within a year are flagged as repeats.
func (s *Service) Register(ctx context.Context, actor *org.User, in Registration) (*mediation.Case, error) {
	if err := kit.Require(actor, org.RoleMediator, org.RoleAgent, org.RoleDispatcher, org.RoleGridWorker); err != nil {
		return nil, err
	}
	var out *mediation.Case
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		var err error
		out, err = s.registerTx(ctx, tx, actor, in)
		return err
	})
	return out, err
}

func (s *Service) registerTx(ctx context.Context, tx *store.Tx, actor *org.User, in Registration) (*mediation.Case, error) {
	in.Normalize()
	now := s.kit.Now()
	unitID, unitPath := actor.UnitID, actor.UnitPath
	var t *ticket.Ticket
	if in.TicketRef != "" {
		var err error
		if t, err = s.tickets.LoadVisibleTx(ctx, tx, actor, in.TicketRef); err != nil {
			return nil, minsheng.FieldError("ticket", "no ticket %s that you may see", in.TicketRef)
		}
		if err := s.checkDisputeTicket(ctx, tx, t); err != nil {
			return nil, err
		}
		applicant := false
		for _, p := range in.Parties {
			applicant = applicant || p.Side == mediation.SideApplicant
		}
		if !applicant && t.CallerName != "" {
			in.Parties = append([]mediation.NewParty{{Side: mediation.SideApplicant, Kind: mediation.PartyPerson, Name: t.CallerName,
				Phone: t.CallerPhone}}, in.Parties...)
		}
		if in.Address == "" {
			in.Address = t.Address
		}
		if in.Summary == "" {
			in.Summary = t.Description
		}
		if in.UnitID == 0 && kit.IsSystem(actor) {
			unitID, unitPath = t.IntakeUnitID, t.IntakeUnitPath
		}
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if in.UnitID != 0 {
		u, err := store.GetUnit(ctx, tx, in.UnitID)
		if err != nil {
			return nil, minsheng.FieldError("unit_id", "no such unit")
		}
		if !kit.IsSystem(actor) && !org.Within(u.Path, actor.UnitPath) && !actor.SeesAs(u.Path, org.RoleMediator) {
			return nil, minsheng.FieldError("unit_id", "you may not open cases of that unit")
		}
		unitID, unitPath = u.ID, u.Path
	}
	if unitID == 0 {
		return nil, minsheng.FieldError("unit_id", "the case's unit is required")
	}
	id, err := tx.NextID(ctx)
	if err != nil {
		return nil, err
	}
	number, err := store.NextMediationNumber(ctx, tx, now)
	if err != nil {
		return nil, err
	}
	c := &mediation.Case{ID: id, Number: number, Type: in.Type, Source: in.Source, Status: mediation.StatusRegistered,
		Title: in.Title, Summary: in.Summary, Address: in.Address, ReferredBy: in.ReferredBy, UnitID: unitID, UnitPath: unitPath,
		RegisteredAt: now, UpdatedAt: now, Version: 1}
	if t != nil {
		c.TicketID = t.ID
	}
	keys := make([]mediation.PartyKey, len(in.Parties))
	for i, p := range in.Parties {
		keys[i] = mediation.PartyKey{Phone: p.Phone, IDNumber: p.IDNumber}
	}
	priors, err := store.ListMediationPriors(ctx, tx, now.Add(-mediation.RepeatWindow), now, c.Address, keys)
	if err != nil {
		return nil, err
	}
	c.Repeats = mediation.FindRepeats(now, c.Address, keys, priors)
	if c.Repeats == nil {
		c.Repeats = []mediation.Repeat{}
	}
	if err := store.InsertMediationCase(ctx, tx, c); err != nil {
		return nil, err
	}
	for i, np := range in.Parties {
		pid, err := tx.NextID(ctx)
		if err != nil {
			return nil, err
		}
		if err := store.InsertMediationParty(ctx, tx, &mediation.Party{ID: pid, CaseID: id, NewParty: np}, i); err != nil {
			return nil, err
		}
	}
	data := map[string]string{"number": number, "type": string(c.Type), "source": string(c.Source), "parties": strconv.Itoa(len(in.Parties))}
	if t != nil {
		data["ticket"] = t.Number
		if err := s.tickets.LinkTx(ctx, tx, actor, t, ObjectCase, id, "origin"); err != nil {
			return nil, err
		}
	}
	if c.ReferredBy != "" {
		data["referred_by"] = c.ReferredBy
	}
	if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectCase, ObjectID: id, Action: "register", Data: data}); err != nil {
		return nil, err
	}
	if len(c.Repeats) > 0 {
		var nums []string
		for _, r := range c.Repeats {
			nums = append(nums, r.Number)
		}
		if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: kit.System(), Object: ObjectCase, ObjectID: id, Action: "repeat_flagged",
			Data: map[string]string{"earlier": strings.Join(nums, ",")}}); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// checkDisputeTicket refuses a ticket that is not of a dispute category
// or is a case already.
func (s *Service) checkDisputeTicket(ctx context.Context, tx *store.Tx, t *ticket.Ticket) error {
	if t.CategoryID == 0 {
		return minsheng.FieldError("ticket", "the ticket has no category; only a dispute can be mediated")
	}
	cat, err := store.GetCategory(ctx, tx, t.CategoryID)
	if err != nil {
		return err
	}
	if !IsDisputeCategory(cat.Code) {
		return minsheng.FieldError("ticket", "the ticket's category %s is not a dispute", cat.Code)
	}
	cs, err := store.ListMediationCases(ctx, tx, store.MediationFilter{TicketID: t.ID, Limit: 1})
	if err != nil {
		return err
	}
	if len(cs) > 0 {
		return &minsheng.Error{Code: minsheng.ECONFLICT, Field: "ticket", Message: "the ticket is case " + cs[0].Number + " already"}
	}
	return nil
}

// loadTx loads a case the actor may see: ENOTFOUND otherwise.
func (s *Service) loadTx(ctx context.Context, tx *store.Tx, actor *org.User, ref string) (*mediation.Case, error) {
	if err := kit.Require(actor, org.RoleMediator, org.RoleAdmin, org.RoleLeader); err != nil {
		return nil, err
	}
	c, err := store.GetMediationCase(ctx, tx, strings.TrimSpace(ref))
	if err != nil {
		return nil, err
	}
	if !kit.IsSystem(actor) && !mediation.MaySee(actor, c.UnitPath) {
		return nil, minsheng.Errorf(minsheng.ENOTFOUND, "case %s not found", ref)
	}
	return c, nil
}

// checkAct checks that the actor may take the action on the case.
func checkAct(actor *org.User, c *mediation.Case, a mediation.Action) error {
	if kit.IsSystem(actor) {
		return nil
	}
	return mediation.CheckActor(actor, c.UnitPath, a)
}

// moveTx applies an action to a loaded case: the status, the times, the
// version, the timeline event and audit entry; data adds to the event.
func (s *Service) moveTx(ctx context.Context, tx *store.Tx, actor *org.User, c *mediation.Case, a mediation.Action, note string, data map[string]string) error {
	if err := checkAct(actor, c, a); err != nil {
		return err
	}
	to, err := mediation.Next(c.Status, a)
	if err != nil {
		return err
	}
	note = strings.TrimSpace(note)
	if err := mediation.CheckText("note", note, mediation.MaxText, mediation.NeedsNote(a)); err != nil {
		return err
	}
	if mediation.NeedsSignatures(c.Status, a) || mediation.NeedsVisit(c.Status, a) {
		signed, visited, err := s.conditionsTx(ctx, tx, c)
		if err != nil {
			return err
		}
		if err := mediation.CheckConditions(c.Status, a, signed, visited); err != nil {
			return err
		}
	}
	now := s.kit.Now()
	from := c.Status
	c.Status, c.UpdatedAt, c.Version = to, now, c.Version+1
	switch a {
	case mediation.ActionAccept:
		c.AcceptedAt = &now
		if c.MediatorID == 0 && !kit.IsSystem(actor) {
			c.MediatorID = actor.ID
		}
	case mediation.ActionDecline, mediation.ActionFail:
		c.Outcome = note
	case mediation.ActionAgree:
		c.AgreementAt = &now
	case mediation.ActionClose:
		c.ClosedAt = &now
	}
	if err := store.UpdateMediationCase(ctx, tx, c); err != nil {
		return err
	}
	d := map[string]string{"from": string(from), "to": string(to)}
	for k, v := range data {
		d[k] = v
	}
	if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectCase, ObjectID: c.ID, Action: string(a), Note: note, Data: d}); err != nil {
		return err
	}
	return s.feedTicketTx(ctx, tx, c, a, note)
}

// Act takes a lifecycle action on a case (accept, decline with a reason,
// investigate, mediate, fail with where it is referred, perform, complete,
// default, resume, close). Recording an agreement is RecordAgreement.
func (s *Service) Act(ctx context.Context, actor *org.User, ref string, a mediation.Action, note string) (*mediation.Case, error) {
	if a == mediation.ActionAgree {
		return nil, minsheng.FieldError("action", "an agreement is recorded with its terms (POST …/agreement)")
	}
	var out *mediation.Case
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		c, err := s.loadTx(ctx, tx, actor, ref)
		if err != nil {
			return err
		}
		if a == mediation.ActionComplete {
			if err := s.checkAllPaid(ctx, tx, c); err != nil {
				return err
			}
		}
		out = c
		return s.moveTx(ctx, tx, actor, c, a, note, nil)
	})
	return out, err
}

// checkAllPaid refuses to mark an agreement performed while an
// instalment is open.
func (s *Service) checkAllPaid(ctx context.Context, tx *store.Tx, c *mediation.Case) error {
	ag, err := store.GetMediationAgreement(ctx, tx, c.ID)
	if minsheng.IsCode(err, minsheng.ENOTFOUND) {
		return nil
	}
	if err != nil {
		return err
	}
	if !ag.AllPaid() {
		return minsheng.FieldError("action", "an instalment of the schedule is still open: record its payment first")
	}
	return nil
}

// feedTicketTx tells the hotline ticket a case came from of the case's
// outcome: when the case reaches an agreement, fails or is declined, the
// ticket is answered with it (a reply from the handling unit, or an
// answer at intake for a ticket still registered), so that the caller is
// called back as for any ticket. A ticket in another status keeps its
// course; the case's link and timeline still say where it went.
func (s *Service) feedTicketTx(ctx context.Context, tx *store.Tx, c *mediation.Case, a mediation.Action, note string) error {
	if c.TicketID == 0 {
		return nil
	}
	var text string
	switch a {
	case mediation.ActionAgree:
		text = "经调解中心调解，双方已达成调解协议（案件 " + c.Number + "）。"
	case mediation.ActionFail:
		text = "经调解中心调解未能达成协议（案件 " + c.Number + "），已引导当事人：" + note
	case mediation.ActionDecline:
		text = "调解中心不予受理（案件 " + c.Number + "）：" + note
	default:
		return nil
	}
	t, err := s.tickets.LoadVisibleTx(ctx, tx, kit.System(), strconv.FormatInt(c.TicketID, 10))
	if err != nil {
		return err
	}
	var ta ticket.Action
	switch t.Status {
	case ticket.StatusRegistered:
		ta = ticket.ActionResolveAtIntake
	case ticket.StatusAcknowledged, ticket.StatusReopened:
		ta = ticket.ActionReply
	default:
		return nil
	}
	return s.tickets.ActTx(ctx, tx, t, 0, ta, text, nil, nil, func(_ context.Context, _ *store.Tx, t *ticket.Ticket, _ *ticket.Event, now time.Time) error {
		t.Reply, t.RepliedAt = text, &now
		return nil
	})
}
