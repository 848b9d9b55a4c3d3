package app

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/geo"
	"github.com/minsheng/minsheng/notify"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/personal"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/text/replycheck"
	"github.com/minsheng/minsheng/ticket"
)

// MaxIdempotencyKey is the longest Idempotency-Key accepted.
const MaxIdempotencyKey = 200

// errKeyTaken makes the create transaction roll back when its idempotency
// key turns out to be taken by a concurrent request.
var errKeyTaken = errors.New("idempotency key taken")

// CreateTicket registers a request taken by a staff user (an agent on the
// phone, a grid worker on patrol), with optional files. With a non-empty
// idempotency key, a retry of the same request returns the ticket that the
// first one created (created is then false) and a reuse of the key for a
// different request is refused with EIDEMPOTENCY.
func (s *Service) CreateTicket(ctx context.Context, actor *org.User, in ticket.NewTicket, key string, files ...Upload) (t *ticket.Ticket, created bool, err error) {
	if !ticket.May(actor, ticket.ActionRegister) || !actor.Active {
		return nil, false, minsheng.Errorf(minsheng.EFORBIDDEN, "role %s may not register tickets", rolesOf(actor))
	}
	t, created, err = s.register(ctx, in, intake{
		unitID: actor.UnitID, unitPath: actor.UnitPath, actorID: actor.ID,
		scope: "user:" + strconv.FormatInt(actor.ID, 10), key: key,
	}, files)
	if err == nil && created {
		s.log.InfoContext(ctx, "ticket registered", "ticket", t.Number, "actor", actor.ID, "kind", t.Kind, "channel", t.Channel)
	}
	return t, created, err
}

// intake says who took a request in: a staff user's unit, or the district
// itself for residents without an account.
type intake struct {
	unitID   int64 // 0: the root unit
	unitPath string
	actorID  int64 // 0: a resident
	scope    string
	key      string
	tracking string // hash of the resident's tracking token
	data     map[string]string
	// within, when set, writes what the channel adds to the ticket (an
	// Open311 client's attributes) in the registering transaction, so
	// that the ticket never exists without it.
	within func(ctx context.Context, tx *store.Tx, t *ticket.Ticket) error
}

// register validates a request and writes it with its register event and
// files in one transaction.
func (s *Service) register(ctx context.Context, in ticket.NewTicket, ik intake, files []Upload) (*ticket.Ticket, bool, error) {
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, false, err
	}
	if len(ik.key) > MaxIdempotencyKey {
		return nil, false, minsheng.FieldError("Idempotency-Key", "the key is longer than %d bytes", MaxIdempotencyKey)
	}
	fp := fingerprint(in, files)
	if ik.key != "" {
		if t, err := s.replay(ctx, ik.scope, ik.key, fp); err == nil || !minsheng.IsCode(err, minsheng.ENOTFOUND) {
			return t, false, err
		}
	}
	fileIDs, err := s.uploadIDs(ctx, files)
	if err != nil {
		return nil, false, err
	}
	now := s.now()
	id, err := s.db.NextTicketID(ctx, now)
	if err != nil {
		return nil, false, err
	}
	cfg, err := s.config(ctx)
	if err != nil {
		return nil, false, err
	}
	// The classifier's unit, recorded with the ticket, and dispatched to
	// when it is sure enough (and no routing rule dispatches).
	guess := s.guessUnit(ctx, in.Title, in.Description, cfg.settings.AutoDispatchConfidence)
	t := newTicket(id, in, ik, now)
	r := registration{cfg: cfg, guess: guess, terms: store.TermsOfNewTicket(t),
		files: files, fileIDs: fileIDs, fingerprint: fp, now: now}
	// What can be read before the transaction is, on the read pool: on
	// SQLite the transaction's time is the one writer's, which every
	// registration waits for (docs/performance.md, "7 December, night").
	if r.category, err = s.usableCategory(ctx, in.CategoryID); err != nil {
		return nil, false, err
	}
	if r.webhooks, err = s.activeWebhooks(ctx); err != nil {
		return nil, false, err
	}
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		return s.registerTx(ctx, tx, t, in, ik, r)
	})
	if errors.Is(err, errKeyTaken) {
		t, err := s.replay(ctx, ik.scope, ik.key, fp)
		return t, false, err
	}
	if err != nil {
		return nil, false, err
	}
	return t, true, nil
}

// newTicket is a registered ticket as the request and its intake make it.
func newTicket(id int64, in ticket.NewTicket, ik intake, now time.Time) *ticket.Ticket {
	return &ticket.Ticket{
		ID: id, Title: in.Title, Description: in.Description, Kind: in.Kind, Urgency: in.Urgency,
		Channel: in.Channel, Status: ticket.StatusRegistered, CategoryID: in.CategoryID,
		CallerName: in.CallerName, CallerPhone: in.CallerPhone, Address: in.Address, Lat: in.Lat, Lng: in.Lng,
		IntakeUnitID: ik.unitID, IntakeUnitPath: ik.unitPath, CreatedBy: ik.actorID,
		CreatedAt: now, UpdatedAt: now, Version: 1,
	}
}

// registration is what register works out before its transaction.
type registration struct {
	cfg         *dispatchConfig
	guess       classifierGuess // the classifier's unit, and whether it is sure enough to dispatch to
	terms       store.NewTicketTerms
	files       []Upload
	fileIDs     []int64
	fingerprint string
	now         time.Time
	category    *ticket.Category // the request's category, checked before the transaction; nil: check it in it
	webhooks    *webhookList     // read before the transaction; nil: read them in it
}

// registerTx writes a new ticket t with its register event, files,
// statistics, search entry, notifications and the hooks' work, and
// dispatches it when a routing rule or the classifier says so, all in tx.
func (s *Service) registerTx(ctx context.Context, tx *store.Tx, t *ticket.Ticket, in ticket.NewTicket, ik intake, r registration) error {
	if t.IntakeUnitID == 0 {
		root, err := store.RootUnit(ctx, tx)
		if err != nil {
			return err
		}
		t.IntakeUnitID, t.IntakeUnitPath = root.ID, root.Path
	}
	var catPath string
	switch {
	case r.category != nil:
		catPath = r.category.Path
	case in.CategoryID != 0:
		c, err := activeCategory(ctx, tx, in.CategoryID)
		if err != nil {
			return err
		}
		catPath = c.Path
	}
	rule := r.cfg.route(t, catPath)
	if err := store.RegisterTicket(ctx, tx, t, r.terms); err != nil {
		return err
	}
	if ik.tracking != "" {
		if err := store.SetTrackingHash(ctx, tx, t.ID, ik.tracking); err != nil {
			return err
		}
	}
	if ik.key != "" {
		ok, err := store.ClaimIdempotencyKey(ctx, tx, store.Idempotency{Scope: ik.scope, Key: ik.key, Fingerprint: r.fingerprint, TicketID: t.ID}, r.now)
		if err != nil {
			return err
		}
		if !ok {
			return errKeyTaken
		}
	}
	ev := &ticket.Event{TicketID: t.ID, Seq: 1, At: r.now, ActorID: ik.actorID, Action: ticket.ActionRegister,
		ToStatus: ticket.StatusRegistered, UnitID: t.IntakeUnitID, Data: ik.data}
	if err := store.InsertEvent(ctx, tx, ev); err != nil {
		return err
	}
	if err := s.notifyEventWith(ctx, tx, t, ev, r.webhooks); err != nil {
		return err
	}
	if err := s.runHooks(ctx, tx, t, ev); err != nil {
		return err
	}
	if err := insertUploads(ctx, tx, t.ID, 1, ik.actorID, r.now, r.files, r.fileIDs); err != nil {
		return err
	}
	if err := recordNewStats(ctx, tx, t, catPath); err != nil {
		return err
	}
	s.noteDuplicateIndex(nil, t)
	if ik.within != nil {
		if err := ik.within(ctx, tx, t); err != nil {
			return err
		}
	}
	auto := r.guess.auto && (rule == nil || !rule.AutoDispatch)
	if r.guess.unitID != 0 {
		if err := store.InsertClassifierSuggestion(ctx, tx, &store.ClassifierSuggestion{TicketID: t.ID, UnitID: r.guess.unitID,
			ConfidenceMilli: confidenceMilli(r.guess.conf), ModelVersion: r.guess.version, Auto: auto, CreatedAt: r.now}); err != nil {
			return err
		}
	}
	if rule != nil && rule.AutoDispatch {
		// The rule decides: dispatch now, as the system.
		return s.apply(ctx, tx, t, 0, ticket.ActionDispatch, "", nil, nil,
			func(ctx context.Context, tx *store.Tx, t *ticket.Ticket, e *ticket.Event, now time.Time) error {
				if err := s.dispatchTo(ctx, tx, t, e, rule.UnitID, now); err != nil {
					return err
				}
				e.Data["rule"], e.Data["auto"] = rule.Name, "true"
				return nil
			})
	}
	if auto {
		// The classifier is sure enough: dispatch now, as the system.
		return s.apply(ctx, tx, t, 0, ticket.ActionDispatch, "", nil, nil,
			func(ctx context.Context, tx *store.Tx, t *ticket.Ticket, e *ticket.Event, now time.Time) error {
				if err := s.dispatchTo(ctx, tx, t, e, r.guess.unitID, now); err != nil {
					return err
				}
				e.Data["auto"], e.Data["confidence"] = "classifier", strconv.FormatFloat(r.guess.conf, 'f', 3, 64)
				return nil
			})
	}
	return nil
}

// replay returns the ticket created earlier with the key, or ENOTFOUND
// when the key is new. A new key, the common case, costs one query without
// a transaction (store.DB.ReadAlone); a known one is read again with its
// ticket in one transaction.
func (s *Service) replay(ctx context.Context, scope, key, fp string) (*ticket.Ticket, error) {
	err := s.db.ReadAlone(ctx, func(tx *store.Tx) error {
		_, err := store.GetIdempotencyKey(ctx, tx, scope, key)
		return err
	})
	if err != nil {
		return nil, err
	}
	var t *ticket.Ticket
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		k, err := store.GetIdempotencyKey(ctx, tx, scope, key)
		if err != nil {
			return err
		}
		if k.Fingerprint != fp {
			return minsheng.Errorf(minsheng.EIDEMPOTENCY, "Idempotency-Key %q was used for a different request", key)
		}
		t, err = store.GetTicket(ctx, tx, k.TicketID)
		return err
	})
	return t, err
}

// fingerprint identifies a request, files included, so that a reused
// idempotency key with another request is caught.
func fingerprint(in ticket.NewTicket, files []Upload) string {
	b, _ := json.Marshal(in)
	h := sha256.New()
	h.Write(b)
	for _, f := range files {
		h.Write([]byte(f.Blob.SHA256))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TicketView is one ticket as a user sees it: masked caller data, the
// timeline, and the actions the user may take now.
type TicketView struct {
	Ticket      ticket.Ticket       `json:"ticket"`
	Events      []ticket.Event      `json:"events"`
	Attachments []ticket.Attachment `json:"attachments"`
	Actions     []ticket.Action     `json:"actions"`
	CanReveal   bool                `json:"can_reveal"`
	// Text features (textviews.go): the classifier's suggestions for those
	// who may dispatch the ticket now, when a model is loaded; the review
	// of the reply while the ticket is replied; possible duplicates of a
	// registered ticket for those who may dispatch it.
	Suggestions *Suggestions       `json:"suggestions,omitempty"`
	ReplyCheck  *replycheck.Result `json:"reply_check,omitempty"`
	Duplicates  []Duplicate        `json:"duplicates,omitempty"`
}

// GetTicket returns a ticket by id or number, or ENOTFOUND when it does not
// exist or the user may not see it.
func (s *Service) GetTicket(ctx context.Context, actor *org.User, ref string) (*TicketView, error) {
	var v TicketView
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		t, err := s.loadVisible(ctx, tx, actor, ref)
		if err != nil {
			return err
		}
		events, err := store.ListEvents(ctx, tx, t.ID)
		if err != nil {
			return err
		}
		atts, err := store.ListAttachments(ctx, tx, t.ID)
		if err != nil {
			return err
		}
		if atts == nil {
			atts = []ticket.Attachment{}
		}
		v = TicketView{Ticket: t.Mask(), Events: events, Attachments: atts, CanReveal: ticket.MayReveal(actor, t)}
		for _, a := range ticket.AvailableActions(t.Status, actor) {
			if ticket.CheckActor(actor, t, a) == nil {
				v.Actions = append(v.Actions, a)
			}
		}
		return s.addTextViews(ctx, tx, actor, t, &v)
	})
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// loadVisible reads a ticket by id or number and checks that the actor may
// see it; a ticket they may not see is reported as not found.
func (s *Service) loadVisible(ctx context.Context, tx *store.Tx, actor *org.User, ref string) (*ticket.Ticket, error) {
	ref = strings.TrimSpace(ref)
	var t *ticket.Ticket
	var err error
	if strings.Contains(ref, "-") {
		t, err = store.GetTicketByNumber(ctx, tx, ref)
	} else if id, perr := strconv.ParseInt(ref, 10, 64); perr == nil && id > 0 {
		t, err = store.GetTicket(ctx, tx, id)
	} else {
		return nil, minsheng.Errorf(minsheng.ENOTFOUND, "ticket %q not found", ref).Because("ticket_not_found")
	}
	if err != nil {
		return nil, err
	}
	if !ticket.Visible(actor, t) {
		return nil, minsheng.Errorf(minsheng.ENOTFOUND, "ticket %q not found", ref).Because("ticket_not_found")
	}
	return t, nil
}

// ListQuery selects tickets for a list.
type ListQuery struct {
	Statuses    []ticket.Status
	Kind        ticket.Kind
	Urgency     ticket.Urgency
	Channel     ticket.Channel
	CategoryID  int64
	UnitID      int64
	CallerPhone string
	CreatedFrom *time.Time
	CreatedTo   *time.Time
	Overdue     bool
	Cursor      string
	Limit       int

	// The dashboards' drill-down: the tickets behind a figure.

	// Under: taken in by or handled by this unit or one below it (the
	// unit a figure of the dashboards counts).
	Under int64
	// CategoryTree: of this category or one below it (the dashboards
	// count by top-level category).
	CategoryTree int64
	// Uncategorised: only tickets without a category (the dashboards'
	// 未分类 row).
	Uncategorised bool
	// HourOfWeek: received on this weekday and hour (China time), as
	// weekday×24+hour with Sunday 0: a cell of the heat map.
	HourOfWeek *int
	// Box: with a point inside (a cluster of the map of needs).
	Box *geo.Box
	// Places: whose point lies in one of these units (the grids of a
	// cluster of the map of needs).
	Places []int64
}

// MaxPageSize is the largest page of a list.
const MaxPageSize = 200

// TicketPage is one page of a list; NextCursor is empty on the last page.
type TicketPage struct {
	Tickets    []ticket.Ticket `json:"tickets"`
	NextCursor string          `json:"next_cursor,omitempty"`
}

// ListTickets returns the tickets the user may see that match the query,
// newest first, with caller data masked. Searching by caller phone is for the
// roles that may see callers' data.
func (s *Service) ListTickets(ctx context.Context, actor *org.User, q ListQuery) (*TicketPage, error) {
	if q.Limit == 0 {
		q.Limit = 50
	}
	if q.Limit < 1 || q.Limit > MaxPageSize {
		return nil, minsheng.FieldError("limit", "limit must be between 1 and %d", MaxPageSize)
	}
	for _, st := range q.Statuses {
		if !st.Valid() {
			return nil, minsheng.FieldError("status", "unknown status %q", st)
		}
	}
	if q.Kind != "" && !q.Kind.Valid() {
		return nil, minsheng.FieldError("kind", "unknown kind %q", q.Kind)
	}
	if q.Urgency != "" && !q.Urgency.Valid() {
		return nil, minsheng.FieldError("urgency", "unknown urgency %q", q.Urgency)
	}
	if q.Channel != "" && !q.Channel.Valid() {
		return nil, minsheng.FieldError("channel", "unknown channel %q", q.Channel)
	}
	f := store.TicketFilter{
		Statuses: q.Statuses, Kind: q.Kind, Urgency: q.Urgency, Channel: q.Channel, CategoryID: q.CategoryID, NoCategory: q.Uncategorised,
		UnitID: q.UnitID, CreatedFrom: q.CreatedFrom, CreatedTo: q.CreatedTo, Limit: q.Limit + 1,
	}
	if q.CallerPhone != "" {
		if !actor.HasAny(org.RoleAgent, org.RoleDispatcher, org.RoleHandler) {
			return nil, minsheng.Errorf(minsheng.EFORBIDDEN, "role %s may not search by caller phone", rolesOf(actor))
		}
		f.CallerPhone = personal.NormalizePhone(q.CallerPhone)
	}
	if q.Overdue {
		now := s.now()
		f.Overdue = &now
	}
	paths, perr := visiblePaths(actor)
	if perr != nil {
		return nil, perr
	}
	f.VisiblePaths = paths
	if err := s.drillDown(ctx, actor, q, &f); err != nil {
		return nil, err
	}
	if q.Cursor != "" {
		at, id, err := decodeCursor(q.Cursor)
		if err != nil {
			return nil, minsheng.FieldError("cursor", "the cursor is not one this server gave out")
		}
		f.AfterCreated, f.AfterID = &at, id
	}
	var list []*ticket.Ticket
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		list, err = store.ListTickets(ctx, tx, f)
		return err
	})
	if err != nil {
		return nil, err
	}
	page := &TicketPage{Tickets: make([]ticket.Ticket, 0, len(list))}
	if len(list) > q.Limit {
		list = list[:q.Limit]
		last := list[len(list)-1]
		page.NextCursor = encodeCursor(last.CreatedAt, last.ID)
	}
	for _, t := range list {
		page.Tickets = append(page.Tickets, t.Mask())
	}
	return page, nil
}

func encodeCursor(at time.Time, id int64) string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "%d:%d", at.UnixNano(), id))
}

func decodeCursor(c string) (time.Time, int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return time.Time{}, 0, err
	}
	a, b2, ok := strings.Cut(string(b), ":")
	if !ok {
		return time.Time{}, 0, errors.New("bad cursor")
	}
	ns, err := strconv.ParseInt(a, 10, 64)
	if err != nil {
		return time.Time{}, 0, err
	}
	id, err := strconv.ParseInt(b2, 10, 64)
	if err != nil {
		return time.Time{}, 0, err
	}
	return time.Unix(0, ns).UTC(), id, nil
}

// Caller is the personal data of a ticket's caller.
type Caller struct {
	Name  string `json:"caller_name"`
	Phone string `json:"caller_phone"`
}

// Limits of reveals of personal data (callers', and the people every
// capability keeps), per user, counted from the audit log (so that they
// hold across servers): at most RevealLimit in RevealWindow, and the
// district's admins are alerted (an audit entry and a message) when a user
// reaches RevealAlertAt in the window.
const (
	RevealLimit      = 30
	RevealAlertAt    = 20
	RevealWindow     = 10 * time.Minute
	maxRevealReason  = 200
	revealAction     = "reveal_personal"
	revealAlertEvent = "reveal_alert"
)

// RevealCaller returns the caller's name and phone unmasked, to the roles
// that need them, and writes the reveal and its reason to the audit log in
// the same transaction (RevealTx): no reveal without its audit entry.
func (s *Service) RevealCaller(ctx context.Context, actor *org.User, ref, reason, ip string) (*Caller, error) {
	if err := checkRevealReason(reason); err != nil {
		return nil, err
	}
	var c Caller
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		t, err := s.loadVisible(ctx, tx, actor, ref)
		if err != nil {
			return err
		}
		if !ticket.MayReveal(actor, t) {
			return minsheng.Errorf(minsheng.EFORBIDDEN, "role %s may not see the caller's personal data of ticket %s", rolesOf(actor), t.Number)
		}
		c = Caller{Name: t.CallerName, Phone: t.CallerPhone}
		return s.RevealTx(ctx, tx, actor, Reveal{Object: "ticket", ObjectID: t.ID, Reason: reason, IP: ip})
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

func checkRevealReason(reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return minsheng.FieldError("reason", "say why you need the personal data").Because("reveal_reason")
	}
	if utf8.RuneCountInString(reason) > maxRevealReason {
		return minsheng.FieldError("reason", "the reason is at most %d characters", maxRevealReason).Because("too_long")
	}
	return nil
}

// alertReveals records that the actor reached the alert threshold of
// reveals (an event on the user's timeline and an audit entry) and writes to the admins of the
// district (of each root unit) who have an address or a phone.
func (s *Service) alertReveals(ctx context.Context, tx *store.Tx, actor *org.User, count int, ip string) error {
	units, err := store.ListUnits(ctx, tx, "")
	if err != nil {
		return err
	}
	data := notify.Data{Actor: actor.Username + "（" + actor.Name + "）", Count: count, Minutes: int(RevealWindow.Minutes())}
	var msgs []notify.Message
	seen := map[int64]bool{}
	for _, u := range units {
		if u.ParentID != 0 {
			continue
		}
		contacts, err := store.UnitContacts(ctx, tx, u.ID, org.RoleAdmin)
		if err != nil {
			return err
		}
		for _, ct := range contacts {
			if seen[ct.UserID] {
				continue
			}
			seen[ct.UserID] = true
			m, ok, err := staffMessage(notify.Message{}, notify.AdminReveals, data, ct)
			if err != nil {
				return err
			}
			if ok {
				msgs = append(msgs, m)
			}
		}
	}
	_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: "user", ObjectID: actor.ID, Action: revealAlertEvent,
		Data: map[string]string{"count": strconv.Itoa(count), "minutes": strconv.Itoa(int(RevealWindow.Minutes()))},
		IP:   ip, Messages: msgs}) // on the user's timeline: each alert has a seq of its own, so the outbox never takes one for an earlier one
	return err
}

// TicketAudit returns the audit log of a ticket (who revealed the caller's
// data, when), for admins and leaders who may see the ticket.
func (s *Service) TicketAudit(ctx context.Context, actor *org.User, ref string) ([]store.AuditEntry, error) {
	if !actor.HasAny(org.RoleAdmin, org.RoleLeader) {
		return nil, minsheng.Errorf(minsheng.EFORBIDDEN, "role %s may not read the audit log", rolesOf(actor))
	}
	var out []store.AuditEntry
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		t, err := s.loadVisible(ctx, tx, actor, ref)
		if err != nil {
			return err
		}
		out, err = store.ListAudit(ctx, tx, "ticket", t.ID)
		return err
	})
	return out, err
}
