package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
)

// DeliveryStatus is where one notification stands.
type DeliveryStatus string

// Delivery statuses. A delivery is pending until its first attempt,
// retrying after a failed one, and ends sent, dead (out of attempts) or
// skipped (nothing to send it with: the channel is not configured, or the
// subscriber was switched off).
const (
	DeliveryPending  DeliveryStatus = "pending"
	DeliveryRetrying DeliveryStatus = "retrying"
	DeliverySent     DeliveryStatus = "sent"
	DeliveryDead     DeliveryStatus = "dead"
	DeliverySkipped  DeliveryStatus = "skipped"
)

// Delivery is one message to one recipient: a row of the outbox, which is
// also the delivery log.
type Delivery struct {
	ID int64 `json:"id,string"`
	// DedupKey names the message (what it tells of and to whom) so that it is
	// written once however often the writer runs.
	DedupKey  string `json:"-"`
	Channel   string `json:"channel"`   // webhook, email or sms
	Recipient string `json:"recipient"` // URL, e-mail address or phone number (personal data: mask it when shown)
	WebhookID int64  `json:"webhook_id,omitempty"`
	UserID    int64  `json:"user_id,omitempty"`
	TicketID  int64  `json:"ticket_id,omitempty"`
	EventSeq  int    `json:"event_seq,omitempty"`
	// ObjectType and ObjectID name what a message about anything but a
	// ticket tells of (a ride, a household…); empty for tickets.
	ObjectType string `json:"object_type,omitempty"`
	ObjectID   int64  `json:"object_id,omitempty,string"`
	Template   string `json:"template"`
	Lang       string `json:"lang"`
	Subject    string `json:"subject,omitempty"`
	Body       string `json:"body"`

	Status       DeliveryStatus `json:"status"`
	Attempts     int            `json:"attempts"`
	ResponseCode int            `json:"response_code,omitempty"`
	LastError    string         `json:"last_error,omitempty"`
	CreatedAt    time.Time      `json:"created_at"`
	UpdatedAt    time.Time      `json:"updated_at"`
	SentAt       *time.Time     `json:"sent_at,omitempty"`
	// NextAt is when a pending or retrying delivery is due; while it is
	// being sent, when its sender's lease ends. Nil once finished.
	NextAt *time.Time `json:"next_at,omitempty"`
}

const deliveryColumns = `id, dedup_key, channel, recipient, COALESCE(webhook_id, 0), COALESCE(user_id, 0),
	COALESCE(ticket_id, 0), event_seq, template, lang, subject, body, status, attempts, response_code, last_error,
	created_at, updated_at, sent_at, object_type, object_id, next_at`

func scanDelivery(s scanner) (*Delivery, error) {
	var d Delivery
	var sent, next sql.NullTime
	if err := s.Scan(&d.ID, &d.DedupKey, &d.Channel, &d.Recipient, &d.WebhookID, &d.UserID, &d.TicketID, &d.EventSeq,
		&d.Template, &d.Lang, &d.Subject, &d.Body, &d.Status, &d.Attempts, &d.ResponseCode, &d.LastError,
		&d.CreatedAt, &d.UpdatedAt, &sent, &d.ObjectType, &d.ObjectID, &next); err != nil {
		return nil, err
	}
	d.CreatedAt, d.UpdatedAt, d.SentAt, d.NextAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC(), timePtr(sent), timePtr(next)
	return &d, nil
}

// InsertDelivery writes a pending delivery, due at now, and sets its ID,
// status and times. It returns false, writing nothing, when a delivery
// with the same DedupKey exists.
func InsertDelivery(ctx context.Context, tx *Tx, d *Delivery, now time.Time) (bool, error) {
	if d.DedupKey == "" {
		return false, errors.New("insert delivery: no dedup key")
	}
	now = now.UTC().Truncate(time.Microsecond)
	for try := 0; try < 5; try++ {
		id := newRowID()
		res, err := tx.Exec(ctx, `INSERT INTO deliveries (id, dedup_key, channel, recipient, webhook_id, user_id,
			ticket_id, event_seq, template, lang, subject, body, status, attempts, response_code, last_error,
			created_at, updated_at, object_type, object_id, next_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, 0, '', ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			id, d.DedupKey, d.Channel, d.Recipient, nullID(d.WebhookID), nullID(d.UserID), nullID(d.TicketID), d.EventSeq,
			d.Template, d.Lang, d.Subject, d.Body, now, now, d.ObjectType, d.ObjectID, now)
		if err != nil {
			return false, fmt.Errorf("insert delivery: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			d.ID, d.Status, d.CreatedAt, d.UpdatedAt, d.NextAt = id, DeliveryPending, now, now, &now
			return true, nil
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM deliveries WHERE dedup_key = ?`, d.DedupKey).Scan(&n); err != nil {
			return false, fmt.Errorf("insert delivery: %w", err)
		}
		if n > 0 {
			return false, nil
		}
	}
	return false, errors.New("insert delivery: no free id after 5 tries")
}

// GetDelivery returns the delivery with the id, or ENOTFOUND.
func GetDelivery(ctx context.Context, tx *Tx, id int64) (*Delivery, error) {
	return getOne(ctx, tx, scanDelivery, "delivery", id, `SELECT `+deliveryColumns+` FROM deliveries WHERE id = ?`, id)
}

// dueHints returns, on SQLite, what keeps the queue's statements on the
// right index: byDue makes the search for due deliveries read the due
// index (by due time), and plus, put before a column of an UPDATE's WHERE
// that also lists the ids, makes SQLite find the rows by id instead of by
// that column's index. Left to itself, SQLite read the pending rows
// through the status index and sorted them all for every claim: sending a
// backlog of 100,000 messages took 40 s instead of a few
// (BenchmarkOutboxWorkOff). PostgreSQL plans these well (with queuePlan).
func dueHints(tx *Tx) (byDue, plus string) {
	if tx.Dialect() != SQLite {
		return "", ""
	}
	return " INDEXED BY deliveries_due", "+"
}

// AnyDeliveryDue reports whether a delivery can be claimed at now: a cheap
// read that lets an idle sender skip the write transaction of a claim.
func AnyDeliveryDue(ctx context.Context, tx *Tx, now time.Time) (bool, error) {
	if err := queuePlan(ctx, tx); err != nil {
		return false, err
	}
	byDue, _ := dueHints(tx)
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT id FROM deliveries`+byDue+`
		WHERE status IN ('pending', 'retrying') AND next_at <= ? ORDER BY next_at LIMIT 1) due`, now.UTC()).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("deliveries due: %w", err)
	}
	return n > 0, nil
}

// ClaimDeliveries takes up to c.Limit due deliveries, the longest due
// first: pending or retrying ones whose time has come, including those
// whose sender's lease ended (it died or stalled). Each is leased to
// c.Token until c.LeaseUntil and has its attempts counted up; c.Kinds and
// c.Node are not used. As with ClaimJobs, the outer WHERE repeats the test
// of the subquery, so that two PostgreSQL processes never claim one
// delivery at once.
func ClaimDeliveries(ctx context.Context, tx *Tx, c Claim) ([]*Delivery, error) {
	if c.Limit <= 0 {
		return nil, nil
	}
	if err := queuePlan(ctx, tx); err != nil {
		return nil, err
	}
	now := c.Now.UTC()
	byDue, plus := dueHints(tx)
	out, err := queryAll(ctx, tx, scanDelivery, `UPDATE deliveries SET attempts = attempts + 1, lease_token = ?,
		next_at = ?, updated_at = ?
		WHERE id IN (SELECT id FROM deliveries`+byDue+` WHERE status IN ('pending', 'retrying') AND next_at <= ?
			ORDER BY next_at LIMIT ?)
		AND `+plus+`status IN ('pending', 'retrying') AND `+plus+`next_at <= ?
		RETURNING `+deliveryColumns,
		c.Token, c.LeaseUntil.UTC().Truncate(time.Microsecond), now.Truncate(time.Microsecond), now, c.Limit, now)
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	return out, nil
}

// SettleDeliveries records what became of claimed deliveries, as each one's
// Status says (sent, skipped, retrying with NextAt, or dead) with its
// ResponseCode and LastError, provided the claim with the token still
// holds it. It returns the ids it recorded; a delivery left out had its
// lease lost (it was claimed again after the lease ended) and is left as
// the other claim has it. Deliveries with the same outcome are written
// with one statement.
func SettleDeliveries(ctx context.Context, tx *Tx, token string, ds []*Delivery, now time.Time) (map[int64]bool, error) {
	now = now.UTC().Truncate(time.Microsecond)
	type outcome struct {
		status DeliveryStatus
		code   int
		err    string
		next   time.Time
	}
	groups := map[outcome][]any{}
	var order []outcome
	for _, d := range ds {
		o := outcome{status: d.Status, code: d.ResponseCode, err: d.LastError}
		switch d.Status {
		case DeliveryRetrying:
			if d.NextAt == nil {
				return nil, fmt.Errorf("settle delivery %d: retrying without a time", d.ID)
			}
			o.next = d.NextAt.UTC().Truncate(time.Microsecond)
		case DeliverySent, DeliverySkipped, DeliveryDead:
		default:
			return nil, fmt.Errorf("settle delivery %d: %q is not an outcome", d.ID, d.Status)
		}
		if _, ok := groups[o]; !ok {
			order = append(order, o)
		}
		groups[o] = append(groups[o], d.ID)
	}
	held := make(map[int64]bool, len(ds))
	_, plus := dueHints(tx)
	for _, o := range order {
		ids := groups[o]
		var next, sent any
		if o.status == DeliveryRetrying {
			next = o.next
		}
		if o.status == DeliverySent {
			sent = now
		}
		args := append([]any{o.status, o.code, o.err, now, sent, next, token}, ids...)
		rows, err := tx.Query(ctx, `UPDATE deliveries SET status = ?, response_code = ?, last_error = ?, updated_at = ?,
			sent_at = ?, next_at = ?, lease_token = NULL
			WHERE lease_token = ? AND `+plus+`status IN ('pending', 'retrying') AND id IN (`+placeholders(len(ids))+`)
			RETURNING id`, args...)
		if err != nil {
			return nil, fmt.Errorf("settle deliveries: %w", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("settle deliveries: %w", err)
			}
			held[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("settle deliveries: %w", err)
		}
	}
	return held, nil
}

// CountUnsent counts the deliveries not sent or skipped, by status
// (pending, retrying, dead): the outbox's backlog and what needs a look.
// The status index serves it; sent deliveries are not read.
func CountUnsent(ctx context.Context, tx *Tx) (map[DeliveryStatus]int, error) {
	rows, err := tx.Query(ctx, `SELECT status, COUNT(*) FROM deliveries
		WHERE status IN ('pending', 'retrying', 'dead') GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("count deliveries: %w", err)
	}
	defer rows.Close()
	out := map[DeliveryStatus]int{}
	for rows.Next() {
		var st DeliveryStatus
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("count deliveries: %w", err)
		}
		out[st] = n
	}
	return out, rows.Err()
}

// RetryDelivery makes a dead delivery pending again, due at now, with its
// attempts counted from zero. Others are refused with ECONFLICT: a
// delivery sent, skipped or still being tried needs no retry.
func RetryDelivery(ctx context.Context, tx *Tx, id int64, now time.Time) error {
	d, err := GetDelivery(ctx, tx, id)
	if err != nil {
		return err
	}
	if d.Status != DeliveryDead {
		return conflictf("delivery %d is %s; only a dead delivery can be retried", id, d.Status)
	}
	now = now.UTC().Truncate(time.Microsecond)
	_, err = tx.Exec(ctx, `UPDATE deliveries SET status = 'pending', attempts = 0, next_at = ?, updated_at = ?
		WHERE id = ? AND status = 'dead'`, now, now, id)
	if err != nil {
		return fmt.Errorf("retry delivery %d: %w", id, err)
	}
	return nil
}

// DeliveryFilter selects deliveries for a list. Zero fields do not filter.
type DeliveryFilter struct {
	TicketID int64
	// Object and ObjectID select the messages about one object that is
	// not a ticket.
	Object   string
	ObjectID int64
	Status   DeliveryStatus
	Channel  string
	Limit    int // default 100
}

// ListDeliveries returns deliveries matching the filter, newest first.
func ListDeliveries(ctx context.Context, tx *Tx, f DeliveryFilter) ([]*Delivery, error) {
	var w where
	w.addIf(f.TicketID != 0, "ticket_id = ?", f.TicketID)
	w.addIf(f.Object != "", "object_type = ? AND object_id = ?", f.Object, f.ObjectID)
	w.addIf(f.Status != "", "status = ?", f.Status)
	w.addIf(f.Channel != "", "channel = ?", f.Channel)
	if f.Limit <= 0 {
		f.Limit = 100
	}
	out, err := queryAll(ctx, tx, scanDelivery, `SELECT `+deliveryColumns+` FROM deliveries`+w.String()+
		` ORDER BY created_at DESC, id DESC LIMIT ?`, append(w.args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("list deliveries: %w", err)
	}
	return out, nil
}

// Webhook is a subscriber told of ticket events by signed HTTP POSTs.
type Webhook struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	URL  string `json:"url"`
	// Secret signs each body (HMAC-SHA256). It is shown once, when the
	// subscriber is created.
	Secret string `json:"-"`
	// Events lists the ticket actions the subscriber wants; empty means all.
	Events    []string  `json:"events,omitempty"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
}

// Wants reports whether the subscriber asked for events of the action.
func (w *Webhook) Wants(action string) bool {
	if len(w.Events) == 0 {
		return true
	}
	for _, e := range w.Events {
		if e == action {
			return true
		}
	}
	return false
}

const webhookColumns = `id, name, url, secret, events, active, created_at`

func scanWebhook(s scanner) (*Webhook, error) {
	var w Webhook
	var events string
	if err := s.Scan(&w.ID, &w.Name, &w.URL, &w.Secret, &events, &w.Active, &w.CreatedAt); err != nil {
		return nil, err
	}
	if events != "" {
		w.Events = strings.Split(events, ",")
	}
	w.CreatedAt = w.CreatedAt.UTC()
	return &w, nil
}

// InsertWebhook writes a new subscriber; w.ID must be set.
func InsertWebhook(ctx context.Context, tx *Tx, w *Webhook) error {
	_, err := tx.Exec(ctx, `INSERT INTO webhooks (id, name, url, secret, events, active, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, w.ID, w.Name, w.URL, w.Secret, strings.Join(w.Events, ","), w.Active, w.CreatedAt.UTC())
	if IsUnique(err) {
		return minsheng.FieldError("name", "a webhook named %q already exists", w.Name)
	}
	if err != nil {
		return fmt.Errorf("insert webhook: %w", err)
	}
	return nil
}

// SetWebhookActive switches a subscriber on or off. Deliveries to a
// subscriber switched off are skipped, also those already in the outbox.
func SetWebhookActive(ctx context.Context, tx *Tx, id int64, active bool) error {
	res, err := tx.Exec(ctx, `UPDATE webhooks SET active = ? WHERE id = ?`, active, id)
	if err != nil {
		return fmt.Errorf("update webhook: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("webhook", id)
	}
	return nil
}

// GetWebhook returns the subscriber with the id, or ENOTFOUND.
func GetWebhook(ctx context.Context, tx *Tx, id int64) (*Webhook, error) {
	return getOne(ctx, tx, scanWebhook, "webhook", id, `SELECT `+webhookColumns+` FROM webhooks WHERE id = ?`, id)
}

// ListWebhooks returns the subscribers by name; only the active ones with
// activeOnly.
func ListWebhooks(ctx context.Context, tx *Tx, activeOnly bool) ([]*Webhook, error) {
	q := `SELECT ` + webhookColumns + ` FROM webhooks`
	if activeOnly {
		q += ` WHERE active = TRUE`
	}
	out, err := queryAll(ctx, tx, scanWebhook, q+` ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list webhooks: %w", err)
	}
	return out, nil
}

// Contact is where a staff user is told of work.
type Contact struct {
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
	Email  string `json:"email,omitempty"`
	Phone  string `json:"phone,omitempty"` // personal data: mask it when shown or logged
	Lang   string `json:"lang"`            // zh or en
}

// SetUserContact writes a user's e-mail address, phone and message
// language, or returns ENOTFOUND.
func SetUserContact(ctx context.Context, tx *Tx, userID int64, email, phone, lang string) error {
	return changeOne(ctx, tx, "set contact", notFound("user", userID),
		`UPDATE users SET email = ?, phone = ?, lang = ? WHERE id = ?`, email, phone, lang, userID)
}

// GetUserContact returns a user's contact details, or ENOTFOUND.
func GetUserContact(ctx context.Context, tx *Tx, userID int64) (*Contact, error) {
	var c Contact
	err := tx.QueryRow(ctx, `SELECT id, name, email, phone, lang FROM users WHERE id = ?`, userID).
		Scan(&c.UserID, &c.Name, &c.Email, &c.Phone, &c.Lang)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("user", userID)
	}
	if err != nil {
		return nil, fmt.Errorf("get contact %d: %w", userID, err)
	}
	return &c, nil
}

// UnitContacts returns the contact details of the active users who hold
// the role over exactly the unit (not over units above it), by user id: by
// a grant scoped to the unit, or by an unscoped grant as members of it.
func UnitContacts(ctx context.Context, tx *Tx, unitID int64, role org.Role) ([]Contact, error) {
	rows, err := tx.Query(ctx, `SELECT id, name, email, phone, lang FROM users u
		WHERE active = TRUE AND EXISTS (SELECT 1 FROM role_grants g WHERE g.user_id = u.id AND g.role = ?
			AND (g.unit_id = ? OR (g.unit_id IS NULL AND u.unit_id = ?)))
		ORDER BY id`, role, unitID, unitID)
	if err != nil {
		return nil, fmt.Errorf("unit contacts: %w", err)
	}
	defer rows.Close()
	var out []Contact
	for rows.Next() {
		var c Contact
		if err := rows.Scan(&c.UserID, &c.Name, &c.Email, &c.Phone, &c.Lang); err != nil {
			return nil, fmt.Errorf("unit contacts: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// OpenWork is a handling unit's open tickets, counted for its digest.
type OpenWork struct {
	UnitID                               int64
	Open, AwaitingAck, DueToday, Overdue int
}

// ListOpenWork counts, per handling unit, the tickets in its hands: those
// waiting to be acknowledged, those due today (reply deadline in
// [dayStart, dayEnd)) and those past their deadline at now.
func ListOpenWork(ctx context.Context, tx *Tx, now, dayStart, dayEnd time.Time) ([]OpenWork, error) {
	rows, err := tx.Query(ctx, `SELECT unit_id, COUNT(*),
		SUM(CASE WHEN status = 'dispatched' THEN 1 ELSE 0 END),
		SUM(CASE WHEN reply_by >= ? AND reply_by < ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN reply_by < ? THEN 1 ELSE 0 END)
		FROM tickets WHERE status IN ('dispatched', 'acknowledged', 'reopened') AND unit_id IS NOT NULL
		GROUP BY unit_id ORDER BY unit_id`, dayStart.UTC(), dayEnd.UTC(), now.UTC())
	if err != nil {
		return nil, fmt.Errorf("open work: %w", err)
	}
	defer rows.Close()
	var out []OpenWork
	for rows.Next() {
		var w OpenWork
		if err := rows.Scan(&w.UnitID, &w.Open, &w.AwaitingAck, &w.DueToday, &w.Overdue); err != nil {
			return nil, fmt.Errorf("open work: %w", err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// SkipDeliveries marks every delivery due before the time that has not
// been tried yet (pending) as skipped with the reason, and returns how many
// it skipped. It is for history loaded into a new database, whose messages
// were due long ago.
func SkipDeliveries(ctx context.Context, tx *Tx, before time.Time, reason string) (int64, error) {
	now := time.Now().UTC()
	res, err := tx.Exec(ctx, `UPDATE deliveries SET status = 'skipped', last_error = ?, updated_at = ?, next_at = NULL
		WHERE status = 'pending' AND created_at < ?`, reason, now, before.UTC())
	if err != nil {
		return 0, fmt.Errorf("skip deliveries: %w", err)
	}
	return res.RowsAffected()
}
