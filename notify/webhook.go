package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// Webhook request headers.
const (
	HeaderDelivery  = "X-Minsheng-Delivery"  // the delivery id: the same on every retry, for de-duplication
	HeaderTimestamp = "X-Minsheng-Timestamp" // Unix seconds when this attempt was signed
	HeaderSignature = "X-Minsheng-Signature" // "sha256=" and the hex HMAC-SHA256 of timestamp "." body
	HeaderEvent     = "X-Minsheng-Event"     // e.g. ticket.dispatch
)

// NewSecret returns a new random webhook secret.
func NewSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return "whsec_" + hex.EncodeToString(b)
}

// Sign returns the signature header value of a body sent at the Unix time
// ts: the HMAC-SHA256, keyed with the subscriber's secret, of the
// timestamp, a dot and the body. Signing the timestamp with the body lets a
// receiver refuse an old request replayed.
func Sign(secret string, ts int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(ts, 10)))
	m.Write([]byte{'.'})
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a received webhook: the signature over its timestamp and
// body, and that the timestamp is within tolerance of now. Receivers
// written in Go can use it; others follow docs/jobs.md.
func Verify(secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	ts, err := strconv.ParseInt(h.Get(HeaderTimestamp), 10, 64)
	if err != nil {
		return errors.New("webhook: no valid timestamp")
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("webhook: timestamp is %v away from now", d.Round(time.Second))
	}
	if !hmac.Equal([]byte(h.Get(HeaderSignature)), []byte(Sign(secret, ts, body))) {
		return errors.New("webhook: bad signature")
	}
	return nil
}

// ValidWebhookURL checks a subscriber's URL: absolute http or https.
func ValidWebhookURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return minsheng.FieldError("url", "url must be an absolute http:// or https:// URL")
	}
	if u.User != nil {
		return minsheng.FieldError("url", "url must not hold a user name or password; the body is signed instead")
	}
	return nil
}

// WebhookSender posts signed webhook messages.
type WebhookSender struct {
	client *http.Client
	clock  minsheng.Clock
}

// NewWebhookSender returns a sender whose requests time out after timeout
// (default 10s) and do not follow redirects: a subscriber answers at the
// URL it gave, or the attempt fails.
func NewWebhookSender(clock minsheng.Clock, timeout time.Duration) *WebhookSender {
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	if clock == nil {
		clock = minsheng.SystemClock{}
	}
	return &WebhookSender{
		clock: clock,
		client: &http.Client{
			Timeout:       timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
}

// Send posts the delivery's body to the subscriber and returns the HTTP
// status. Any status but 2xx is an error, to be retried.
func (w *WebhookSender) Send(ctx context.Context, d *store.Delivery, hook *store.Webhook) (int, error) {
	body := []byte(d.Body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.URL, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("webhook %s: %w", hook.Name, err)
	}
	ts := w.clock.Now().Unix()
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "Minsheng-Webhook/1")
	req.Header.Set(HeaderDelivery, strconv.FormatInt(d.ID, 10))
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, Sign(hook.Secret, ts, body))
	req.Header.Set(HeaderEvent, d.Template)
	resp, err := w.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("webhook %s: %w", hook.Name, err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("webhook %s answered %s: %s", hook.Name, resp.Status, strings.TrimSpace(string(snippet)))
	}
	return resp.StatusCode, nil
}

// WebhookBody is the JSON posted to subscribers for a ticket event. It
// carries no personal data of the caller.
type WebhookBody struct {
	// EventID names the event, "number/seq": stable across retries, so
	// receivers may de-duplicate by it as well as by the delivery header.
	EventID string            `json:"event_id"`
	Type    string            `json:"type"` // "ticket." and the action
	At      time.Time         `json:"at"`
	Ticket  WebhookTicket     `json:"ticket"`
	Event   WebhookEvent      `json:"event"`
	Message map[string]string `json:"message"` // a one-line summary by language: zh, en
}

// WebhookTicket is the ticket as a subscriber sees it.
type WebhookTicket struct {
	Number        string     `json:"number"`
	Title         string     `json:"title"`
	Kind          string     `json:"kind"`
	Urgency       string     `json:"urgency"`
	Status        string     `json:"status"`
	CategoryID    int64      `json:"category_id,omitempty"`
	UnitID        int64      `json:"unit_id,omitempty"`
	AcknowledgeBy *time.Time `json:"acknowledge_by,omitempty"`
	ReplyBy       *time.Time `json:"reply_by,omitempty"`
}

// WebhookEvent is the event as a subscriber sees it.
type WebhookEvent struct {
	Seq        int               `json:"seq"`
	Action     string            `json:"action"`
	FromStatus string            `json:"from_status,omitempty"`
	ToStatus   string            `json:"to_status"`
	UnitID     int64             `json:"unit_id,omitempty"`
	Note       string            `json:"note,omitempty"`
	Data       map[string]string `json:"data,omitempty"`
}

// EventBody returns the webhook body for an event of a ticket; unit is the
// name of the handling unit, if any.
func EventBody(t *ticket.Ticket, e *ticket.Event, unit string) ([]byte, error) {
	d := TicketData(t, e, unit)
	msg := map[string]string{}
	for _, lang := range []string{LangZH, LangEN} {
		_, body, err := Render(lang, EventSummary, d)
		if err != nil {
			return nil, err
		}
		msg[lang] = body
	}
	b := WebhookBody{
		EventID: fmt.Sprintf("%s/%d", t.Number, e.Seq),
		Type:    "ticket." + string(e.Action),
		At:      e.At.UTC(),
		Ticket: WebhookTicket{
			Number: t.Number, Title: t.Title, Kind: string(t.Kind), Urgency: string(t.Urgency), Status: string(t.Status),
			CategoryID: t.CategoryID, UnitID: t.UnitID, AcknowledgeBy: t.AcknowledgeBy, ReplyBy: t.ReplyBy,
		},
		Event: WebhookEvent{
			Seq: e.Seq, Action: string(e.Action), FromStatus: string(e.FromStatus), ToStatus: string(e.ToStatus),
			UnitID: e.UnitID, Note: e.Note, Data: e.Data,
		},
		Message: msg,
	}
	return json.Marshal(b)
}

// TicketData fills template data from a ticket and one of its events.
func TicketData(t *ticket.Ticket, e *ticket.Event, unit string) Data {
	d := Data{
		Number: t.Number, Title: t.Title, Kind: string(t.Kind), Urgency: string(t.Urgency), Status: string(t.Status),
		Unit: unit, Reply: t.Reply,
	}
	if e != nil {
		d.Action, d.Note = string(e.Action), e.Note
	}
	if t.AcknowledgeBy != nil {
		d.AcknowledgeBy = *t.AcknowledgeBy
	}
	if t.ReplyBy != nil {
		d.ReplyBy = *t.ReplyBy
	}
	return d
}
