package app

import (
	"context"
	"io"
	"strings"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// This file is the ticket engine's seam for the other capabilities: what
// they may do to work orders inside their own transactions, and how they
// hear of a ticket's events. Capabilities import app; app never imports
// them.

// OpenTicketTx registers a work order inside the caller's transaction: a
// capability opens the ticket that carries its case to a handling unit (a
// visit's concern, a ledger finding, a ride request from the hotline), so
// that the case and its ticket exist together or not at all; LinkTx then
// ties them. actor is the staff user who acts, taken in at their unit, or
// kit.System(), taken in at the district. Routing rules and the classifier
// may dispatch it at once, as for any new ticket. It takes no idempotency
// key (the caller's transaction is what a retry repeats) and no files.
func (s *Service) OpenTicketTx(ctx context.Context, tx *store.Tx, actor *org.User, in ticket.NewTicket) (*ticket.Ticket, error) {
	ik := intake{}
	if !kit.IsSystem(actor) {
		if actor == nil || !actor.Active || !ticket.May(actor, ticket.ActionRegister) {
			return nil, minsheng.Errorf(minsheng.EFORBIDDEN, "your role may not register tickets")
		}
		ik = intake{unitID: actor.UnitID, unitPath: actor.UnitPath, actorID: actor.ID}
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	now := s.now()
	id, err := tx.NextTicketID(ctx, now)
	if err != nil {
		return nil, err
	}
	cfg, err := s.config(ctx)
	if err != nil {
		return nil, err
	}
	guess := s.guessUnit(ctx, in.Title, in.Description, cfg.settings.AutoDispatchConfidence)
	t := newTicket(id, in, ik, now)
	if err := s.registerTx(ctx, tx, t, in, ik, registration{cfg: cfg, guess: guess, terms: store.TermsOfNewTicket(t), now: now}); err != nil {
		return nil, err
	}
	return t, nil
}

// ActTx applies an action to a ticket loaded in tx, as ticket.Next allows
// it from the ticket's status: the ticket (guarded by its version), its
// event, its notifications, statistics, search index and files are written
// in tx. actorID is 0 for the system or a resident. The caller checks who
// may act (ticket.CheckActor) before.
func (s *Service) ActTx(ctx context.Context, tx *store.Tx, t *ticket.Ticket, actorID int64, a ticket.Action, note string,
	files []Upload, fileIDs []int64, fn TicketChange) error {
	return s.apply(ctx, tx, t, actorID, a, note, files, fileIDs, fn)
}

// LoadVisibleTx loads a ticket by number or id as the actor may see it:
// ENOTFOUND when it does not exist or is not visible to them.
func (s *Service) LoadVisibleTx(ctx context.Context, tx *store.Tx, actor *org.User, ref string) (*ticket.Ticket, error) {
	return s.loadVisible(ctx, tx, actor, ref)
}

// UploadIDs reserves the ids of files to be recorded with an action. Call
// it before the transaction.
func (s *Service) UploadIDs(ctx context.Context, files []Upload) ([]int64, error) {
	return s.uploadIDs(ctx, files)
}

// OpenBlob returns an attachment's content.
func (s *Service) OpenBlob(a *ticket.Attachment) (*ticket.Attachment, io.ReadSeekCloser, error) {
	return s.openBlob(a)
}

// TicketHook is told of every event of every ticket, in the transaction
// that writes the event, after the ticket and its event are written: a
// capability reacts there to the work orders it opened or linked (a ride
// request closed with its ticket, a ledger finding ticked off when its
// ticket is closed). An error rolls the whole change back, so a hook must
// fail only when the change must not happen.
type TicketHook func(ctx context.Context, tx *store.Tx, t *ticket.Ticket, e *ticket.Event) error

// OnTicketEvent sets the hook of a capability, by its name: a capability's
// services may be built more than once over one ticket service (to mount
// the pages, to seed, to run jobs), and each build sets the same hook
// again rather than adding a copy, so a hook runs once per event. Set
// hooks while wiring, before the service serves anything; it is not safe
// to call concurrently with use cases.
func (s *Service) OnTicketEvent(name string, h TicketHook) {
	for i := range s.hooks {
		if s.hooks[i].name == name {
			s.hooks[i].fn = h
			return
		}
	}
	s.hooks = append(s.hooks, namedHook{name, h})
}

// namedHook is a capability's hook and the capability's name.
type namedHook struct {
	name string
	fn   TicketHook
}

// runHooks tells the hooks of an event, in the order they were first set.
func (s *Service) runHooks(ctx context.Context, tx *store.Tx, t *ticket.Ticket, e *ticket.Event) error {
	for _, h := range s.hooks {
		if err := h.fn(ctx, tx, t, e); err != nil {
			return err
		}
	}
	return nil
}

// LinkTx links a ticket and another capability's object in tx (a ride
// request and the hotline ticket it came from), both ways readable with
// store.ListLinks.
func (s *Service) LinkTx(ctx context.Context, tx *store.Tx, actor *org.User, t *ticket.Ticket, objectType string, objectID int64, relation string) error {
	return store.InsertLink(ctx, tx, &store.Link{FromType: objectType, FromID: objectID, ToType: "ticket", ToID: t.ID,
		Relation: relation, CreatedAt: s.now(), CreatedBy: actor.ID})
}

// Reveal is one reveal of a person's personal data held by an object: a
// ticket's caller, a household member, a ride's rider, a party to a
// dispute.
type Reveal struct {
	Object   string // the object's type, as in the audit log ("ticket", "person")
	ObjectID int64
	Reason   string // required: why the actor needs it
	IP       string
}

// RevealTx checks and records a reveal of personal data in the caller's
// transaction, for the core and every capability alike: the reason is
// required (EINVALID on "reason"), the actor's reveals of any kind are
// limited to RevealLimit in RevealWindow (ERATELIMIT), the reveal and its
// reason go to the audit log, and the reveal that reaches RevealAlertAt
// alerts the district's admins. Who may reveal what is the caller's rule,
// checked before.
func (s *Service) RevealTx(ctx context.Context, tx *store.Tx, actor *org.User, r Reveal) error {
	if actor == nil {
		return kit.Require(actor)
	}
	if err := checkRevealReason(r.Reason); err != nil {
		return err
	}
	n, err := store.CountAuditByActor(ctx, tx, actor.ID, revealAction, s.now().Add(-RevealWindow))
	if err != nil {
		return err
	}
	if n >= RevealLimit {
		return minsheng.Errorf(minsheng.ERATELIMIT, "at most %d reveals of personal data in %d minutes; try again later",
			RevealLimit, int(RevealWindow.Minutes())).Because("rate_reveal")
	}
	if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: r.Object, ObjectID: r.ObjectID, Action: revealAction,
		Data: map[string]string{"reason": strings.TrimSpace(r.Reason)}, IP: r.IP, NoTimeline: true}); err != nil {
		return err
	}
	if n+1 == RevealAlertAt {
		return s.alertReveals(ctx, tx, actor, n+1, r.IP)
	}
	return nil
}

// PublicURL is how residents reach the server (Config.PublicURL, without a
// trailing slash), for links a capability sends by SMS; "" when unset.
func (s *Service) PublicURL() string { return s.publicURL }
