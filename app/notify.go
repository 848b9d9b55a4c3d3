package app

import (
	"context"
	"net/mail"
	"strings"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/notify"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/personal"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// notifyEvent writes to the outbox, in tx (the transaction of the event),
// the notifications that an event of a ticket calls for:
//
//   - the resident, by SMS to the caller's phone, when the request is
//     registered (its number and a link to follow it), acknowledged (签收)
//     and replied to (办结回复, with a link to rate the reply); the callers
//     of the duplicates merged into it (重复件) get the same messages, one
//     per phone;
//   - the caller of a duplicate, by SMS, when it is merged: which ticket
//     now carries their request;
//   - the handlers of the unit, by e-mail (or SMS if they have no e-mail),
//     when the ticket is dispatched or redispatched to it, reminded before
//     its deadline (催办) or supervised after it (督办); a supervision
//     escalated to the parent unit goes to the parent's handlers;
//   - every active webhook subscriber that wants the action, for every event.
//
// Each message is sent later by a job on any server process; see package
// notify for what happens exactly once and what at least once.
func (s *Service) notifyEvent(ctx context.Context, tx *store.Tx, t *ticket.Ticket, e *ticket.Event) error {
	return s.notifyEventWith(ctx, tx, t, e, nil)
}

// webhookList is the active webhooks, read before a transaction so that
// the one SQLite writer need not (a registration reads them on the read
// pool first). A subscriber added while the event's transaction runs is
// told of the next event.
type webhookList struct{ hooks []*store.Webhook }

// activeWebhooks reads the active webhooks on the read pool.
func (s *Service) activeWebhooks(ctx context.Context) (*webhookList, error) {
	var l webhookList
	err := s.db.ReadAlone(ctx, func(tx *store.Tx) (err error) {
		l.hooks, err = store.ListWebhooks(ctx, tx, true)
		return err
	})
	return &l, err
}

// notifyEventWith is notifyEvent with the webhooks read already (nil: read
// them in tx).
func (s *Service) notifyEventWith(ctx context.Context, tx *store.Tx, t *ticket.Ticket, e *ticket.Event, wl *webhookList) error {
	var unit string
	if t.UnitID != 0 {
		u, err := store.GetUnit(ctx, tx, t.UnitID)
		if err != nil {
			return err
		}
		unit = u.Name
	}
	data := notify.TicketData(t, e, unit)
	base := notify.Message{TicketID: t.ID, EventSeq: e.Seq, At: e.At}

	var msgs []notify.Message
	sms := func(to, name string, d notify.Data) error {
		_, body, err := notify.Render(notify.LangZH, name, d)
		if err != nil {
			return err
		}
		m := base
		m.Channel, m.To, m.Template, m.Lang, m.Body = notify.ChannelSMS, to, name, notify.LangZH, body
		msgs = append(msgs, m)
		return nil
	}
	switch e.Action {
	case ticket.ActionRegister:
		// The caller gets the number and a link of their own to follow it.
		if personal.ValidPhone(t.CallerPhone) {
			d := data
			var err error
			if d.Link, err = s.trackingLink(ctx, tx, t); err != nil {
				return err
			}
			if err := sms(t.CallerPhone, notify.ResidentRegistered, d); err != nil {
				return err
			}
		}
	case ticket.ActionAcknowledge, ticket.ActionReply:
		// The caller, and the callers of the duplicates merged into the
		// ticket: one message per phone.
		phones := []string{t.CallerPhone}
		merged, err := store.MergedCallerPhones(ctx, tx, t.ID)
		if err != nil {
			return err
		}
		phones = append(phones, merged...)
		name := notify.ResidentAcknowledged
		if e.Action == ticket.ActionReply {
			name = notify.ResidentReplied
		}
		data.Lookup = s.lookupURL()
		seen := map[string]bool{}
		for i, phone := range phones {
			key := personal.NormalizePhone(phone) // "+86 139…" and "139…" are one phone
			if !personal.ValidPhone(phone) || seen[key] {
				continue
			}
			seen[key] = true
			d := data
			if i == 0 && e.Action == ticket.ActionReply {
				// The ticket's own caller may rate the reply: a link of
				// their own. The callers of duplicates follow their own
				// requests.
				if d.Link, err = s.trackingLink(ctx, tx, t); err != nil {
					return err
				}
			}
			if err := sms(phone, name, d); err != nil {
				return err
			}
		}
	case ticket.ActionMerge:
		// A duplicate's caller learns which ticket now carries their
		// request; they hear of its progress from then on.
		if e.ToStatus == ticket.StatusMerged && personal.ValidPhone(t.CallerPhone) {
			data.Parent = e.Data["parent"]
			if err := sms(t.CallerPhone, notify.ResidentMerged, data); err != nil {
				return err
			}
		}
	case ticket.ActionDispatch, ticket.ActionRedispatch, ticket.ActionRemind, ticket.ActionSupervise:
		name := notify.HandlerDispatched
		switch e.Action {
		case ticket.ActionRemind:
			name = notify.HandlerReminded
		case ticket.ActionSupervise:
			name = notify.HandlerSupervised
		}
		unitID := e.UnitID
		if unitID == 0 {
			unitID = t.UnitID
		}
		if unitID == 0 {
			break
		}
		contacts, err := store.UnitContacts(ctx, tx, unitID, org.RoleHandler)
		if err != nil {
			return err
		}
		for _, c := range contacts {
			m, ok, err := staffMessage(base, name, data, c)
			if err != nil {
				return err
			}
			if ok {
				msgs = append(msgs, m)
			}
		}
	}

	if wl == nil {
		hooks, err := store.ListWebhooks(ctx, tx, true)
		if err != nil {
			return err
		}
		wl = &webhookList{hooks}
	}
	var body []byte
	var err error
	for _, h := range wl.hooks {
		if !h.Wants(string(e.Action)) {
			continue
		}
		if body == nil {
			if body, err = notify.EventBody(t, e, unit); err != nil {
				return err
			}
		}
		m := base
		m.Channel, m.To, m.WebhookID, m.Template, m.Lang, m.Body = notify.ChannelWebhook, h.URL, h.ID, "ticket."+string(e.Action), "", string(body)
		msgs = append(msgs, m)
	}

	for _, m := range msgs {
		if _, err := notify.Enqueue(ctx, tx, m); err != nil {
			return err
		}
	}
	return nil
}

// staffMessage renders a message to one staff member in their language:
// an e-mail if they have an address, else an SMS if they have a phone;
// ok is false if they have neither.
func staffMessage(base notify.Message, name string, data notify.Data, c store.Contact) (m notify.Message, ok bool, err error) {
	data.Recipient = c.Name
	lang := notify.Lang(c.Lang)
	subject, body, err := notify.Render(lang, name, data)
	if err != nil {
		return m, false, err
	}
	m = base
	m.Template, m.Lang, m.UserID = name, lang, c.UserID
	switch {
	case c.Email != "":
		m.Channel, m.To, m.Subject, m.Body = notify.ChannelEmail, c.Email, subject, body
	case c.Phone != "":
		// An SMS holds the subject line only.
		m.Channel, m.To, m.Body = notify.ChannelSMS, c.Phone, subject
	default:
		return m, false, nil
	}
	return m, true, nil
}

// NewWebhook is what an admin gives to subscribe a system to ticket events.
type NewWebhook struct {
	Name string `json:"name"`
	URL  string `json:"url"`
	// Events lists the actions wanted (dispatch, reply, …); empty for all.
	Events []string `json:"events"`
}

// CreateWebhook subscribes a system to ticket events and returns the
// subscriber with its secret, which signs every body and is shown only
// this once. Admins only (the command line acts as the system actor); the
// audit entry names the subscriber and its address, never the secret.
func (s *Service) CreateWebhook(ctx context.Context, actor *org.User, n NewWebhook) (*store.Webhook, string, error) {
	if err := kit.RequireDistrictAdmin(actor); err != nil {
		return nil, "", err
	}
	n.Name = strings.TrimSpace(n.Name)
	if n.Name == "" || len(n.Name) > 100 {
		return nil, "", minsheng.FieldError("name", "name is required (at most 100 bytes)").Because("required")
	}
	if err := notify.ValidWebhookURL(n.URL); err != nil {
		return nil, "", err
	}
	for _, a := range n.Events {
		if !ticket.Action(a).Valid() {
			return nil, "", minsheng.FieldError("events", "%q is not a ticket action", a).Because("webhook_events")
		}
	}
	id, err := s.db.NextID(ctx)
	if err != nil {
		return nil, "", err
	}
	w := &store.Webhook{ID: id, Name: n.Name, URL: n.URL, Secret: notify.NewSecret(), Events: n.Events, Active: true, CreatedAt: s.now()}
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		if err := store.InsertWebhook(ctx, tx, w); err != nil {
			return err
		}
		_, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: "webhook", ObjectID: id, Action: "create",
			Data: map[string]string{"name": w.Name, "url": w.URL, "events": strings.Join(w.Events, ",")}})
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return w, w.Secret, nil
}

// ListWebhooks returns every subscriber, without secrets. Admins only (or
// the command line, as the system actor).
func (s *Service) ListWebhooks(ctx context.Context, actor *org.User) ([]*store.Webhook, error) {
	if err := kit.RequireDistrictAdmin(actor); err != nil {
		return nil, err
	}
	var out []*store.Webhook
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = store.ListWebhooks(ctx, tx, false)
		return err
	})
	return out, err
}

// SetWebhookActive switches a subscriber on or off; messages to a
// subscriber switched off are skipped. Admins only (or the command line,
// as the system actor).
func (s *Service) SetWebhookActive(ctx context.Context, actor *org.User, id int64, active bool) error {
	if err := kit.RequireDistrictAdmin(actor); err != nil {
		return err
	}
	return s.db.Write(ctx, func(tx *store.Tx) error {
		if err := store.SetWebhookActive(ctx, tx, id, active); err != nil {
			return err
		}
		action := "deactivate"
		if active {
			action = "activate"
		}
		_, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: "webhook", ObjectID: id, Action: action})
		return err
	})
}

// Contact is where a staff user is told of work.
type Contact struct {
	Email string `json:"email"`
	Phone string `json:"phone"`
	Lang  string `json:"lang"` // zh (default) or en
}

// SetContact sets a user's e-mail address, mobile phone and message
// language. Admins (and the command line, as the system actor) may set
// anyone's; a user may set their own. The audit entry says whether an
// address and a phone are set, never what they are.
func (s *Service) SetContact(ctx context.Context, actor *org.User, username string, c Contact) error {
	if err := kit.Require(actor, org.Roles...); err != nil {
		return err
	}
	if kit.IsSystem(actor) || actor.Username != username {
		if err := kit.RequireAdmin(actor); err != nil {
			return err
		}
	}
	c.Email = strings.TrimSpace(c.Email)
	if c.Email != "" {
		a, err := mail.ParseAddress(c.Email)
		if err != nil || a.Name != "" || a.Address != c.Email {
			return minsheng.FieldError("email", "email must be a plain address such as name@example.gov.cn").Because("email_format")
		}
	}
	c.Phone = personal.NormalizePhone(c.Phone)
	if c.Phone != "" && !personal.ValidPhone(c.Phone) {
		return minsheng.FieldError("phone", "phone must be a phone number of 5 to 20 digits").Because("phone_format")
	}
	switch c.Lang {
	case "":
		c.Lang = notify.LangZH
	case notify.LangZH, notify.LangEN:
	default:
		return minsheng.FieldError("lang", "lang must be zh or en")
	}
	return s.db.Write(ctx, func(tx *store.Tx) error {
		u, err := store.GetUserByUsername(ctx, tx, username)
		if err != nil {
			return err
		}
		if u.ID != actor.ID && !kit.IsSystem(actor) && !actor.SeesAs(u.UnitPath, org.RoleAdmin) {
			return minsheng.Errorf(minsheng.ENOTFOUND, "user %s not found", username).Because("user_not_found")
		}
		if err := store.SetUserContact(ctx, tx, u.ID, c.Email, c.Phone, c.Lang); err != nil {
			return err
		}
		set := func(v string) string {
			if v == "" {
				return "none"
			}
			return "set"
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: "user", ObjectID: u.ID, Action: "set_contact",
			Data: map[string]string{"username": u.Username, "email": set(c.Email), "phone": set(c.Phone), "lang": c.Lang}})
		return err
	})
}

// TicketDeliveries returns the notifications sent about a ticket, newest
// first, with phone numbers masked, to users who may see the ticket.
func (s *Service) TicketDeliveries(ctx context.Context, actor *org.User, ref string) ([]*store.Delivery, error) {
	var out []*store.Delivery
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		t, err := s.loadVisible(ctx, tx, actor, ref)
		if err != nil {
			return err
		}
		out, err = store.ListDeliveries(ctx, tx, store.DeliveryFilter{TicketID: t.ID, Limit: 500})
		return err
	})
	for _, d := range out {
		if d.Channel == notify.ChannelSMS {
			d.Recipient = personal.MaskPhone(d.Recipient)
			d.Body = notify.MaskDigits(d.Body)
		}
	}
	return out, err
}
