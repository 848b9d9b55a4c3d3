package app

import (
	"context"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/personal"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// PublicIntake says how a request from a resident without an account
// arrived.
type PublicIntake struct {
	Channel ticket.Channel // web (the portal), app, or open311
	Client  string         // who relayed it: "portal", an Open311 client's name; scopes idempotency keys
	Key     string         // idempotency key, optional

	// Within, when set, writes what the channel adds to a new ticket in
	// the transaction that registers it (an Open311 client's attributes),
	// so that the ticket never exists without it.
	Within func(ctx context.Context, tx *store.Tx, t *ticket.Ticket) error
}

// Receipt is what a resident gets for a request: its number and a private
// token to follow it and rate the outcome. The token is shown once; only its
// hash is kept.
type Receipt struct {
	Ticket *ticket.Ticket `json:"ticket"`
	Token  string         `json:"token"`
}

// CreatePublicTicket registers a request from a resident without an
// account. It is taken in by the district itself. A retry with the same
// idempotency key returns the same ticket with a new token (the old one no
// longer works), since tokens are not kept in the clear.
func (s *Service) CreatePublicTicket(ctx context.Context, in ticket.NewTicket, p PublicIntake, files ...Upload) (*Receipt, bool, error) {
	switch p.Channel {
	case ticket.ChannelWeb, ticket.ChannelApp, ticket.ChannelOpen311:
	default:
		return nil, false, minsheng.FieldError("channel", "residents write through web, app or open311")
	}
	in.Channel = p.Channel
	if in.Kind == "" {
		in.Kind = ticket.KindHelp
	}
	client := strings.TrimSpace(p.Client)
	if client == "" {
		client = string(p.Channel)
	}
	token := org.NewSecret("msr_")
	// Keys are scoped by client and caller, so that two residents who
	// happen to pick the same key do not meet.
	scope := "public:" + client + ":" + personal.NormalizePhone(in.CallerPhone)
	t, created, err := s.register(ctx, in, intake{
		scope: scope, key: p.Key, tracking: org.HashSecret(token),
		data: map[string]string{"client": client}, within: p.Within,
	}, files)
	if err != nil {
		return nil, false, err
	}
	if !created {
		if err := s.db.Write(ctx, func(tx *store.Tx) error {
			return store.SetTrackingHash(ctx, tx, t.ID, org.HashSecret(token))
		}); err != nil {
			return nil, false, err
		}
	}
	s.log.InfoContext(ctx, "public ticket registered", "ticket", t.Number, "client", client, "replayed", !created)
	m := t.Mask()
	return &Receipt{Ticket: &m, Token: token}, created, nil
}

// PublicEvent is a step of a ticket as the resident sees it: which unit did
// what, never which staff member.
type PublicEvent struct {
	At     time.Time     `json:"at"`
	Action ticket.Action `json:"action"`
	Status ticket.Status `json:"status"`
	Unit   string        `json:"unit,omitempty"`
	Text   string        `json:"text,omitempty"` // the reply or the answer, for those steps
}

// PublicView is a ticket as its resident sees it with the tracking token.
type PublicView struct {
	Number       string              `json:"number"`
	Title        string              `json:"title"`
	Description  string              `json:"description"`
	Kind         ticket.Kind         `json:"kind"`
	Status       ticket.Status       `json:"status"`
	Address      string              `json:"address"`
	CreatedAt    time.Time           `json:"created_at"`
	Unit         string              `json:"unit,omitempty"` // the handling unit
	ReplyBy      *time.Time          `json:"reply_by,omitempty"`
	Reply        string              `json:"reply,omitempty"`
	RepliedAt    *time.Time          `json:"replied_at,omitempty"`
	Satisfaction ticket.Satisfaction `json:"satisfaction,omitempty"`
	CanRate      bool                `json:"can_rate"`
	Events       []PublicEvent       `json:"events"`
	Attachments  []ticket.Attachment `json:"attachments"`
}

// publicActions are the steps a resident is shown.
var publicActions = map[ticket.Action]bool{
	ticket.ActionRegister: true, ticket.ActionResolveAtIntake: true, ticket.ActionDispatch: true,
	ticket.ActionRedispatch: true, ticket.ActionAcknowledge: true, ticket.ActionReply: true,
	ticket.ActionCallback: true, ticket.ActionClose: true, ticket.ActionReopen: true,
	ticket.ActionMerge: true, ticket.ActionInvalidate: true,
}

// loadTracked reads a ticket by number and checks the tracking token. A
// wrong token and an unknown number give the same ENOTFOUND.
func loadTracked(ctx context.Context, tx *store.Tx, number, token string) (*ticket.Ticket, error) {
	notFound := minsheng.Errorf(minsheng.ENOTFOUND, "no request with this number and link; check the link you were given").Because("track_not_found")
	t, err := store.GetTicketByNumber(ctx, tx, strings.TrimSpace(number))
	if minsheng.IsCode(err, minsheng.ENOTFOUND) {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	ok, err := trackedBy(ctx, tx, t, token)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound
	}
	return t, nil
}

// TrackTicket returns the resident's view of their request.
func (s *Service) TrackTicket(ctx context.Context, number, token string) (*PublicView, error) {
	var v *PublicView
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		t, err := loadTracked(ctx, tx, number, token)
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
		names := map[int64]string{}
		unitName := func(id int64) string {
			if id == 0 {
				return ""
			}
			if n, ok := names[id]; ok {
				return n
			}
			u, err := store.GetUnit(ctx, tx, id)
			if err == nil {
				names[id] = u.Name
			}
			return names[id]
		}
		v = &PublicView{
			Number: t.Number, Title: t.Title, Description: t.Description, Kind: t.Kind, Status: t.Status,
			Address: t.Address, CreatedAt: t.CreatedAt, Unit: unitName(t.UnitID), ReplyBy: t.ReplyBy,
			Reply: t.Reply, RepliedAt: t.RepliedAt, Satisfaction: t.Satisfaction,
			CanRate:     residentMayRate(t),
			Attachments: []ticket.Attachment{},
		}
		for _, e := range events {
			if !publicActions[e.Action] {
				continue
			}
			pe := PublicEvent{At: e.At, Action: e.Action, Status: e.ToStatus, Unit: unitName(e.UnitID)}
			if e.Action == ticket.ActionReply || e.Action == ticket.ActionResolveAtIntake {
				pe.Text = e.Note
			}
			v.Events = append(v.Events, pe)
		}
		// Residents see the files they sent and those sent with replies.
		replySeqs := map[int]bool{1: true}
		for _, e := range events {
			if e.Action == ticket.ActionReply {
				replySeqs[e.Seq] = true
			}
		}
		for _, a := range atts {
			if replySeqs[a.EventSeq] {
				a.CreatedBy = 0
				v.Attachments = append(v.Attachments, a)
			}
		}
		return nil
	})
	return v, err
}

// OpenTrackedAttachment returns a file the resident may see on their
// request (see TrackTicket).
func (s *Service) OpenTrackedAttachment(ctx context.Context, number, token string, id int64) (*ticket.Attachment, io.ReadSeekCloser, error) {
	v, err := s.TrackTicket(ctx, number, token)
	if err != nil {
		return nil, nil, err
	}
	for _, a := range v.Attachments {
		if a.ID == id {
			return s.openBlob(&a)
		}
	}
	return nil, nil, minsheng.Errorf(minsheng.ENOTFOUND, "file %s not found", strconv.FormatInt(id, 10))
}

func residentMayRate(t *ticket.Ticket) bool {
	return t.CallbackAt == nil && (t.Status == ticket.StatusReplied || t.Status == ticket.StatusResolvedAtIntake)
}

// RateTicket records the resident's own verdict on the outcome, which
// counts as the callback (回访). A request can be rated once, after its reply.
func (s *Service) RateTicket(ctx context.Context, number, token string, r CallbackResult) (*PublicView, error) {
	if r.Resolved == nil {
		return nil, minsheng.FieldError("resolved", "say whether the problem was solved").Because("resolved")
	}
	if !r.Satisfaction.Valid() {
		return nil, minsheng.FieldError("satisfaction", "satisfaction must be one of satisfied, basically_satisfied, unsatisfied").Because("satisfaction")
	}
	if err := ticket.CheckNote("note", r.Note, false); err != nil {
		return nil, err
	}
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		t, err := loadTracked(ctx, tx, number, token)
		if err != nil {
			return err
		}
		if !residentMayRate(t) {
			return &minsheng.Error{Code: minsheng.ECONFLICT, Status: string(t.Status),
				Message: "this request cannot be rated now: it has no reply yet, or it was already rated"}
		}
		return s.apply(ctx, tx, t, 0, ticket.ActionCallback, r.Note, nil, nil,
			func(_ context.Context, _ *store.Tx, t *ticket.Ticket, e *ticket.Event, now time.Time) error {
				t.Resolved, t.Satisfaction, t.CallbackAt = r.Resolved, r.Satisfaction, &now
				e.Data = map[string]string{"by": "resident", "resolved": strconv.FormatBool(*r.Resolved), "satisfaction": string(r.Satisfaction)}
				return nil
			})
	})
	if err != nil {
		return nil, err
	}
	return s.TrackTicket(ctx, number, token)
}
