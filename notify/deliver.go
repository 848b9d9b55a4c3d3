package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/jobs"
	"github.com/minsheng/minsheng/store"
)

// EmailSender sends one e-mail delivery; *SMTPSender is one.
type EmailSender interface {
	Send(ctx context.Context, d *store.Delivery) (code int, err error)
}

// Config is what a Notifier sends with. A nil sender means the channel is
// not set up here: its deliveries are recorded as skipped.
type Config struct {
	DB      *store.DB
	Clock   minsheng.Clock // default: the system clock
	Webhook *WebhookSender // default: NewWebhookSender with a 10s timeout
	Email   EmailSender
	SMS     SMSGateway
	Logger  *slog.Logger // default slog.Default()
}

// Notifier sends the deliveries of the outbox, as jobs.
type Notifier struct {
	db      *store.DB
	clock   minsheng.Clock
	webhook *WebhookSender
	email   EmailSender
	sms     SMSGateway
	log     *slog.Logger
}

// New returns a Notifier.
func New(c Config) *Notifier {
	n := &Notifier{db: c.DB, clock: c.Clock, webhook: c.Webhook, email: c.Email, sms: c.SMS, log: c.Logger}
	if n.clock == nil {
		n.clock = minsheng.SystemClock{}
	}
	if n.webhook == nil {
		n.webhook = NewWebhookSender(n.clock, 0)
	}
	if n.log == nil {
		n.log = slog.Default()
	}
	return n
}

// Register makes the scheduler send the deliveries of the outbox, which
// is a queue of its own (jobs.RowQueue): due deliveries are claimed in
// batches, sent, and their outcomes recorded in one transaction.
func (n *Notifier) Register(s *jobs.Scheduler) {
	q := &jobs.RowQueue[*store.Delivery]{
		Name:     "deliveries",
		Due:      store.AnyDeliveryDue,
		Claim:    store.ClaimDeliveries,
		Attempts: func(d *store.Delivery) int { return d.Attempts },
		Work:     n.deliver,
		Settle:   n.settle,
	}
	q.Register(s)
}

// errSkip means there is nothing to send the delivery with.
var errSkip = errors.New("skipped")

// deliver sends one claimed delivery. It notes the response code on d, and
// a delivery there is nothing to send with as skipped (with the reason),
// which is no failure: it is not tried again.
func (n *Notifier) deliver(ctx context.Context, d *store.Delivery) error {
	var hook *store.Webhook
	if d.Channel == ChannelWebhook {
		err := n.db.ReadAlone(ctx, func(tx *store.Tx) error {
			var err error
			hook, err = store.GetWebhook(ctx, tx, d.WebhookID)
			return err
		})
		if minsheng.IsCode(err, minsheng.ENOTFOUND) {
			return jobs.Permanent(err)
		}
		if err != nil {
			return err
		}
	}
	code, err := n.send(ctx, d, hook)
	d.ResponseCode = code
	log := n.log.With("delivery", d.ID, "channel", d.Channel, "template", d.Template, "attempt", d.Attempts)
	switch {
	case errors.Is(err, errSkip):
		log.Info("delivery skipped", "reason", err.Error())
		d.Status, d.LastError = store.DeliverySkipped, err.Error()
		return nil
	case err != nil:
		log.Warn("delivery failed", "code", code, "err", err)
		return err
	}
	log.Info("delivery sent", "code", code)
	d.Status, d.LastError = store.DeliverySent, ""
	return nil
}

// settle records the outcomes of a batch of deliveries in the delivery log.
func (n *Notifier) settle(ctx context.Context, tx *store.Tx, token string, ds []*store.Delivery, out []jobs.Outcome) (int, error) {
	for i, d := range ds {
		o := out[i]
		switch {
		case o.Err == nil:
			// deliver set sent or skipped.
		case o.Dead:
			d.Status, d.LastError, d.NextAt = store.DeliveryDead, errorText(o.Err), nil
		default:
			at := o.RetryAt
			d.Status, d.LastError, d.NextAt = store.DeliveryRetrying, errorText(o.Err), &at
		}
	}
	held, err := store.SettleDeliveries(ctx, tx, token, ds, n.clock.Now())
	return len(held), err
}

// errorText is an error as the delivery log keeps it: at most 2,000 bytes.
func errorText(err error) string {
	msg := err.Error()
	if len(msg) > 2000 {
		msg = msg[:2000]
	}
	return msg
}

// send sends a delivery by its channel.
func (n *Notifier) send(ctx context.Context, d *store.Delivery, hook *store.Webhook) (int, error) {
	switch d.Channel {
	case ChannelWebhook:
		if !hook.Active {
			return 0, fmt.Errorf("%w: webhook %s is switched off", errSkip, hook.Name)
		}
		return n.webhook.Send(ctx, d, hook)
	case ChannelEmail:
		if n.email == nil {
			return 0, fmt.Errorf("%w: e-mail is not set up", errSkip)
		}
		return n.email.Send(ctx, d)
	case ChannelSMS:
		if n.sms == nil {
			return 0, fmt.Errorf("%w: no SMS gateway is set up", errSkip)
		}
		return n.sms.SendSMS(ctx, SMS{To: d.Recipient, Text: d.Body, Ref: strconv.FormatInt(d.ID, 10)})
	}
	return 0, jobs.Permanent(fmt.Errorf("delivery %d: unknown channel %q", d.ID, d.Channel))
}
