// Package notify tells people what happens to tickets: residents by SMS
// when their request is taken up and answered, staff by e-mail or SMS when
// work reaches their unit or is about to be late, and outside systems by
// signed webhooks of every event.
//
// Notifications go through an outbox: Enqueue writes the message (rendered
// from the templates in Chinese or English) as a row of the deliveries
// table, due at once, in the same transaction as the ticket event it tells
// of. So a message exists exactly when its event does, and is written once
// (a dedup key refuses the same message twice). The deliveries table is
// its own queue (a jobs.RowQueue, see Notifier.Register): the scheduler of
// any server process claims due deliveries in batches under a lease, sends
// them outside any transaction, then records the outcomes in the delivery
// log (status, attempts, response code, next try) in one transaction. A
// delivery recorded as sent is never claimed again.
//
// What is exactly-once and what is at-least-once: the delivery row and
// each record in the delivery log are database writes and happen exactly
// once. The send itself is outside the database: if a process dies after
// the receiver accepted a message and before the record was committed, the
// delivery is claimed again when its lease ends and the message is sent
// again. Receivers de-duplicate by the delivery id, which every send
// carries (the X-Minsheng-Delivery header of webhooks, the Message-ID and
// X-Minsheng-Delivery headers of e-mail, the reference of an SMS).
package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/minsheng/minsheng/store"
)

// Channels a message goes by.
const (
	ChannelWebhook = "webhook"
	ChannelEmail   = "email"
	ChannelSMS     = "sms"
)

// Message is one notification to one recipient.
type Message struct {
	Channel string
	// To is the webhook's URL, the e-mail address or the phone number.
	To       string
	Template string // the template it was rendered from, for the log
	Lang     string
	Subject  string // e-mail only
	Body     string // the text, or the JSON of a webhook
	TicketID int64
	EventSeq int
	// Object and ObjectID name what a message about anything but a ticket
	// tells of (kit.Change fills them); EventSeq is then the seq of the
	// object's timeline event.
	Object   string
	ObjectID int64
	UserID   int64 // the staff member written to, if any
	// WebhookID is the subscriber of a webhook message; its URL and
	// secret are read when the message is sent.
	WebhookID int64
	// At is when the message is due: the event's time.
	At time.Time
}

// Enqueue writes the message to the outbox, due at m.At, in the caller's
// transaction. It returns the delivery's id, or 0 and
// no error when the same message (same template, event, channel and
// recipient) was written before.
func Enqueue(ctx context.Context, tx *store.Tx, m Message) (int64, error) {
	switch m.Channel {
	case ChannelWebhook, ChannelEmail, ChannelSMS:
	default:
		return 0, fmt.Errorf("notify: unknown channel %q", m.Channel)
	}
	if m.To == "" || m.Body == "" || m.At.IsZero() {
		return 0, errors.New("notify: a message needs a recipient, a body and a time")
	}
	d := &store.Delivery{
		DedupKey: dedupKey(m), Channel: m.Channel, Recipient: m.To, WebhookID: m.WebhookID, UserID: m.UserID,
		TicketID: m.TicketID, EventSeq: m.EventSeq, ObjectType: m.Object, ObjectID: m.ObjectID, Template: m.Template, Lang: m.Lang,
		Subject: m.Subject, Body: m.Body,
	}
	ok, err := store.InsertDelivery(ctx, tx, d, m.At)
	if err != nil || !ok {
		return 0, err
	}
	return d.ID, nil
}

// dedupKey names a message by what it tells of and to whom, hashed so that
// no phone number or address is kept in it a second time. The hash follows
// the ticket's or object's id in fixed-width hex: ids grow with time, so new
// keys land at the right-hand end of the unique index, on the page the last
// ones went to, instead of each on a random page that the commit must write
// (docs/performance.md, "7 December, night"). Keys written before this
// format have no prefix: a message written before an upgrade and again
// after it would not be recognised as the same (messages are written once,
// in their event's transaction).
func dedupKey(m Message) string {
	parts := []any{m.Template, m.TicketID, m.EventSeq, m.Channel, m.To, m.WebhookID, m.UserID}
	prefix := fmt.Sprintf("t%016x", m.TicketID)
	if m.Object != "" {
		parts = append(parts, m.Object, m.ObjectID)
		prefix = fmt.Sprintf("o%016x", m.ObjectID)
	}
	b, _ := json.Marshal(parts)
	h := sha256.Sum256(b)
	return prefix + hex.EncodeToString(h[:16])
}

// SkipHistory marks the messages of the outbox due before the time and not
// yet tried as skipped, with the reason, so that they are never sent: for
// history loaded into a new database (the demo district), whose residents
// must not get year-old texts.
func SkipHistory(ctx context.Context, tx *store.Tx, before time.Time, reason string) (int64, error) {
	return store.SkipDeliveries(ctx, tx, before, reason)
}
