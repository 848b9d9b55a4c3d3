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

// Register makes the scheduler send deliveries.
func (n *Notifier) Register(s *jobs.Scheduler) {
	s.RegisterWork(JobKind, n.deliver)
}

// errSkip means there is nothing to send the delivery with.
var errSkip = errors.New("skipped")

// deliver is the Work of a delivery job: read the delivery, send it unless
// it was sent already, and return the commit step that writes the outcome
// to the delivery log.
func (n *Notifier) deliver(ctx context.Context, j *jobs.Job) (jobs.Handler, error) {
	var p jobPayload
	if err := jobs.Decode(j, &p); err != nil {
		return nil, err
	}
	var d *store.Delivery
	var hook *store.Webhook
	var hookErr error
	// No transaction: the delivery and its webhook need not be read at one
	// moment (a webhook deleted just after would be found at the next try
	// anyway), and one job runs per message.
	err := n.db.ReadAlone(ctx, func(tx *store.Tx) error {
		var err error
		if d, err = store.GetDelivery(ctx, tx, p.Delivery); err != nil {
			return err
		}
		if d.Channel == ChannelWebhook {
			hook, hookErr = store.GetWebhook(ctx, tx, d.WebhookID)
			if minsheng.IsCode(hookErr, minsheng.ENOTFOUND) {
				hookErr = jobs.Permanent(hookErr)
			} else if hookErr != nil {
				return hookErr
			}
		}
		return nil
	})
	if minsheng.IsCode(err, minsheng.ENOTFOUND) {
		return nil, jobs.Permanent(err)
	}
	if err != nil {
		return nil, err
	}
	switch d.Status {
	case store.DeliverySent, store.DeliveryDead, store.DeliverySkipped:
		// Finished already (by a run of this job whose own record was lost,
		// or by hand): never send twice.
		return nil, nil
	}
	code, sendErr := 0, hookErr
	if sendErr == nil {
		code, sendErr = n.send(ctx, d, hook)
	}
	at := n.clock.Now()
	log := n.log.With("delivery", d.ID, "channel", d.Channel, "template", d.Template, "attempt", j.Attempts)
	commit := func(ctx context.Context, tx *store.Tx, j *jobs.Job) error {
		a := store.DeliveryAttempt{Status: store.DeliverySent, ResponseCode: code, At: at}
		switch {
		case errors.Is(sendErr, errSkip):
			a.Status, a.Error = store.DeliverySkipped, sendErr.Error()
		case sendErr != nil:
			a.Status, a.Error = store.DeliveryRetrying, sendErr.Error()
			if j.Status == store.JobDead || jobs.IsPermanent(sendErr) {
				a.Status = store.DeliveryDead
			}
		}
		_, err := store.RecordDeliveryAttempt(ctx, tx, d.ID, a)
		return err
	}
	switch {
	case errors.Is(sendErr, errSkip):
		log.Info("delivery skipped", "reason", sendErr.Error())
		return commit, nil
	case sendErr != nil:
		log.Warn("delivery failed", "code", code, "err", sendErr)
		return commit, sendErr
	}
	log.Info("delivery sent", "code", code)
	return commit, nil
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
