package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/geo"
	"github.com/minsheng/minsheng/ticket"
)

const ticketColumns = `id, number, title, description, kind, urgency, channel, status, category_id,
	caller_name, caller_phone, address, lat, lng, intake_unit_id, intake_unit_path, unit_id, unit_path,
	parent_id, created_by, created_at, updated_at, dispatched_at, acknowledged_at, replied_at, closed_at,
	acknowledge_by, reply_by, callback_by, reply, resolved, satisfaction, callback_at,
	return_count, reopen_count, version, location_unit_id, location_unit_path, suggested_unit_id,
	final_assignment, extension_days, extension_count, supervise_level`

// ticketArgs lists a ticket's values in the order of ticketColumns.
func ticketArgs(t *ticket.Ticket) []any {
	return []any{t.ID, t.Number, t.Title, t.Description, t.Kind, t.Urgency, t.Channel, t.Status, nullID(t.CategoryID),
		t.CallerName, t.CallerPhone, t.Address, nullFloat(t.Lat), nullFloat(t.Lng), t.IntakeUnitID, t.IntakeUnitPath,
		nullID(t.UnitID), t.UnitPath, nullID(t.ParentID), nullID(t.CreatedBy), t.CreatedAt.UTC(), t.UpdatedAt.UTC(),
		nullTime(t.DispatchedAt), nullTime(t.AcknowledgedAt), nullTime(t.RepliedAt), nullTime(t.ClosedAt),
		nullTime(t.AcknowledgeBy), nullTime(t.ReplyBy), nullTime(t.CallbackBy), t.Reply, nullBool(t.Resolved),
		t.Satisfaction, nullTime(t.CallbackAt), t.ReturnCount, t.ReopenCount, t.Version,
		nullID(t.LocationUnitID), t.LocationUnitPath, nullID(t.SuggestedUnitID),
		t.FinalAssignment, t.ExtensionDays, t.ExtensionCount, t.SuperviseLevel}
}

// ticketColumnCount is the number of columns in ticketColumns.
var ticketColumnCount = len(ticketArgs(&ticket.Ticket{}))

type scanner interface{ Scan(dest ...any) error }

func scanTicket(s scanner) (*ticket.Ticket, error) {
	var t ticket.Ticket
	var category, unit, parent, createdBy, location, suggested sql.NullInt64
	var lat, lng sql.NullFloat64
	var dispatched, acknowledged, replied, closed, ackBy, replyBy, callbackBy, callbackAt sql.NullTime
	var resolved sql.NullBool
	err := s.Scan(&t.ID, &t.Number, &t.Title, &t.Description, &t.Kind, &t.Urgency, &t.Channel, &t.Status, &category,
		&t.CallerName, &t.CallerPhone, &t.Address, &lat, &lng, &t.IntakeUnitID, &t.IntakeUnitPath, &unit, &t.UnitPath,
		&parent, &createdBy, &t.CreatedAt, &t.UpdatedAt, &dispatched, &acknowledged, &replied, &closed,
		&ackBy, &replyBy, &callbackBy, &t.Reply, &resolved, &t.Satisfaction, &callbackAt,
		&t.ReturnCount, &t.ReopenCount, &t.Version, &location, &t.LocationUnitPath, &suggested,
		&t.FinalAssignment, &t.ExtensionDays, &t.ExtensionCount, &t.SuperviseLevel)
	if err != nil {
		return nil, err
	}
	t.CategoryID, t.UnitID, t.ParentID, t.CreatedBy = category.Int64, unit.Int64, parent.Int64, createdBy.Int64
	t.LocationUnitID, t.SuggestedUnitID = location.Int64, suggested.Int64
	if lat.Valid && lng.Valid {
		t.Lat, t.Lng = &lat.Float64, &lng.Float64
	}
	t.CreatedAt, t.UpdatedAt = t.CreatedAt.UTC(), t.UpdatedAt.UTC()
	t.DispatchedAt, t.AcknowledgedAt, t.RepliedAt, t.ClosedAt = timePtr(dispatched), timePtr(acknowledged), timePtr(replied), timePtr(closed)
	t.AcknowledgeBy, t.ReplyBy, t.CallbackBy, t.CallbackAt = timePtr(ackBy), timePtr(replyBy), timePtr(callbackBy), timePtr(callbackAt)
	if resolved.Valid {
		t.Resolved = &resolved.Bool
	}
	return &t, nil
}

func timePtr(n sql.NullTime) *time.Time {
	if !n.Valid {
		return nil
	}
	t := n.Time.UTC()
	return &t
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullFloat(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

func nullBool(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

// InsertTicket writes a new ticket, giving it its number: the day of
// t.CreatedAt in China and that day's next sequence number.
func InsertTicket(ctx context.Context, tx *Tx, t *ticket.Ticket) error {
	return insertTicket(ctx, tx, t, nil)
}

// RegisterTicket is InsertTicket for a newly registered ticket, with its
// search document from the terms worked out before the transaction
// (TermsOfNewTicket): on PostgreSQL they go into the ticket's own row (one
// row version, where an UPDATE after the INSERT wrote the row and every
// index entry twice); on SQLite the full-text entry is added when the
// write ends (Tx.Defer), with no entry to remove first. Write the ticket's
// register event in tx as well, as for InsertTicket.
func RegisterTicket(ctx context.Context, tx *Tx, t *ticket.Ticket, terms NewTicketTerms) error {
	return insertTicket(ctx, tx, t, &terms)
}

func insertTicket(ctx context.Context, tx *Tx, t *ticket.Ticket, terms *NewTicketTerms) error {
	day := calendar.DateOf(t.CreatedAt)
	t.Number = ""
	if err := checkTicketMonth(t); err != nil {
		return err
	}
	seq, err := nextNumber(ctx, tx, "ticket:"+day.String())
	if err != nil {
		return err
	}
	t.Number = ticket.FormatNumber(day, seq)
	switch {
	case terms == nil:
		_, err = tx.Exec(ctx, `INSERT INTO tickets (`+ticketColumns+`) VALUES `+valuesList(1, ticketColumnCount), ticketArgs(t)...)
	case tx.Dialect() == Postgres:
		doc := newTicketDocument(t, *terms)
		_, err = tx.Exec(ctx, `INSERT INTO tickets (`+ticketColumns+`, search_terms) VALUES `+valuesList(1, ticketColumnCount+1),
			append(ticketArgs(t), strings.Join(doc[:], " "))...)
	default:
		_, err = tx.Exec(ctx, `INSERT INTO tickets (`+ticketColumns+`) VALUES `+valuesList(1, ticketColumnCount), ticketArgs(t)...)
		if err == nil {
			err = writeTerms(ctx, tx, t, newTicketDocument(t, *terms), true)
		}
	}
	if err != nil {
		return fmt.Errorf("insert ticket: %w", err)
	}
	return nil
}

// UpdateTicket writes every mutable field of t, provided the stored version
// is still t.Version-1 (the caller has already counted its new event). It
// returns ECONFLICT naming the current status when another change got there
// first.
func UpdateTicket(ctx context.Context, tx *Tx, t *ticket.Ticket) error {
	res, err := tx.Exec(ctx, `UPDATE tickets SET
		title = ?, description = ?, kind = ?, urgency = ?, status = ?, category_id = ?,
		address = ?, lat = ?, lng = ?, unit_id = ?, unit_path = ?, parent_id = ?, updated_at = ?,
		dispatched_at = ?, acknowledged_at = ?, replied_at = ?, closed_at = ?,
		acknowledge_by = ?, reply_by = ?, callback_by = ?, reply = ?, resolved = ?, satisfaction = ?,
		callback_at = ?, return_count = ?, reopen_count = ?, version = ?, location_unit_id = ?, location_unit_path = ?,
		suggested_unit_id = ?, final_assignment = ?, extension_days = ?, extension_count = ?, supervise_level = ?
		WHERE id = ? AND version = ?`,
		t.Title, t.Description, t.Kind, t.Urgency, t.Status, nullID(t.CategoryID),
		t.Address, nullFloat(t.Lat), nullFloat(t.Lng), nullID(t.UnitID), t.UnitPath, nullID(t.ParentID), t.UpdatedAt.UTC(),
		nullTime(t.DispatchedAt), nullTime(t.AcknowledgedAt), nullTime(t.RepliedAt), nullTime(t.ClosedAt),
		nullTime(t.AcknowledgeBy), nullTime(t.ReplyBy), nullTime(t.CallbackBy), t.Reply, nullBool(t.Resolved), t.Satisfaction,
		nullTime(t.CallbackAt), t.ReturnCount, t.ReopenCount, t.Version, nullID(t.LocationUnitID), t.LocationUnitPath,
		nullID(t.SuggestedUnitID), t.FinalAssignment, t.ExtensionDays, t.ExtensionCount, t.SuperviseLevel,
		t.ID, t.Version-1)
	if err != nil {
		return fmt.Errorf("update ticket %s: %w", t.Number, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("update ticket %s: %w", t.Number, err)
	}
	if n == 0 {
		cur, err := GetTicket(ctx, tx, t.ID)
		if err != nil {
			return err
		}
		return &minsheng.Error{Code: minsheng.ECONFLICT, Status: string(cur.Status),
			Message: fmt.Sprintf("ticket %s was changed meanwhile and is now %s", t.Number, cur.Status)}
	}
	return nil
}

// GetTicket returns the ticket with the id, or ENOTFOUND.
func GetTicket(ctx context.Context, tx *Tx, id int64) (*ticket.Ticket, error) {
	t, err := scanTicket(tx.QueryRow(ctx, `SELECT `+ticketColumns+` FROM tickets WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("ticket", id)
	}
	if err != nil {
		return nil, fmt.Errorf("get ticket %d: %w", id, err)
	}
	return t, nil
}

// GetTicketByNumber returns the ticket with the number, or ENOTFOUND.
func GetTicketByNumber(ctx context.Context, tx *Tx, number string) (*ticket.Ticket, error) {
	q, args := `SELECT `+ticketColumns+` FROM tickets WHERE number = ?`, []any{number}
	if m := numberMonth(number); m != 0 && tx.Dialect() == Postgres {
		// Only the number's month's partition (and that of the ids made
		// before partitions) can hold it.
		q += ` AND (id >= ? AND id < ? OR id < ?)`
		args = append(args, m*monthSpan, (m+1)*monthSpan, monthSpan)
	}
	t, err := scanTicket(tx.QueryRow(ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("ticket", number)
	}
	if err != nil {
		return nil, fmt.Errorf("get ticket %s: %w", number, err)
	}
	return t, nil
}

// InsertEvent appends an event to a ticket's timeline. Its Seq must be the
// ticket's new version; the primary key (ticket_id, seq) refuses a second
// event with the same number.
func InsertEvent(ctx context.Context, tx *Tx, e *ticket.Event) error {
	data := "{}"
	if len(e.Data) > 0 {
		b, err := json.Marshal(e.Data)
		if err != nil {
			return fmt.Errorf("event data: %w", err)
		}
		data = string(b)
	}
	_, err := tx.Exec(ctx, `INSERT INTO ticket_events
		(ticket_id, seq, at, actor_id, action, from_status, to_status, unit_id, note, data)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.TicketID, e.Seq, e.At.UTC(), nullID(e.ActorID), e.Action, e.FromStatus, e.ToStatus, nullID(e.UnitID), e.Note, data)
	if err != nil {
		return fmt.Errorf("insert event %d/%d: %w", e.TicketID, e.Seq, err)
	}
	return nil
}

// ListEvents returns a ticket's timeline, oldest first, with actor names.
func ListEvents(ctx context.Context, tx *Tx, ticketID int64) ([]ticket.Event, error) {
	out, err := queryAll(ctx, tx, func(s scanner) (ticket.Event, error) {
		e := ticket.Event{TicketID: ticketID}
		var data string
		if err := s.Scan(&e.Seq, &e.At, &e.ActorID, &e.ActorName, &e.Action, &e.FromStatus, &e.ToStatus,
			&e.UnitID, &e.Note, &data); err != nil {
			return e, err
		}
		e.At = e.At.UTC()
		if data != "" && data != "{}" {
			if err := json.Unmarshal([]byte(data), &e.Data); err != nil {
				return e, fmt.Errorf("event %d data: %w", e.Seq, err)
			}
		}
		return e, nil
	}, `SELECT e.seq, e.at, COALESCE(e.actor_id, 0), COALESCE(u.name, ''), e.action,
		e.from_status, e.to_status, COALESCE(e.unit_id, 0), e.note, e.data
		FROM ticket_events e LEFT JOIN users u ON u.id = e.actor_id
		WHERE e.ticket_id = ? ORDER BY e.seq`, ticketID)
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	return out, nil
}

// TicketFilter selects tickets for a list. Zero fields do not filter.
type TicketFilter struct {
	Statuses    []ticket.Status
	Kind        ticket.Kind
	Urgency     ticket.Urgency
	Channel     ticket.Channel
	CategoryID  int64
	NoCategory  bool  // only tickets without a category (未分类)
	UnitID      int64 // handling unit exactly
	CallerPhone string
	CreatedFrom *time.Time
	CreatedTo   *time.Time // exclusive
	Overdue     *time.Time // open tickets whose reply deadline is before this moment
	// CategoryIDs: any of these categories (a category and those below
	// it, for the dashboards' drill-down by top-level category).
	CategoryIDs []int64
	// HourOfWeek: received on this weekday and hour in China, as
	// weekday×24+hour with Sunday 0 (a cell of the dashboard's heat map).
	HourOfWeek *int
	// Box: with a point inside (a cell of the map of needs).
	Box *geo.Box
	// LocationUnitIDs: whose point lies in one of these units (grids): a
	// cluster of the map of needs.
	LocationUnitIDs []int64
	// VisiblePaths limits the list to tickets taken in by or handled by a
	// unit with one of these paths or below it; empty means everything (the
	// district root).
	VisiblePaths []string

	// Keyset pagination, newest first: only tickets strictly older than
	// (AfterCreated, AfterID).
	AfterCreated *time.Time
	AfterID      int64
	Limit        int
}

// maxHourWindowsSpan is the longest period whose heat-map cell is listed
// hour by hour (hourWindows): three years of weekly hours.
const maxHourWindowsSpan = 3 * 366 * 24 * time.Hour

// ListTickets returns tickets matching the filter, newest first.
func ListTickets(ctx context.Context, tx *Tx, f TicketFilter) ([]*ticket.Ticket, error) {
	if f.HourOfWeek != nil && f.CreatedFrom != nil && f.CreatedTo != nil && f.CreatedTo.Sub(*f.CreatedFrom) <= maxHourWindowsSpan {
		return listHourOfWeek(ctx, tx, f)
	}
	var where []string
	var args []any
	add := func(cond string, a ...any) {
		where = append(where, cond)
		args = append(args, a...)
	}
	if len(f.Statuses) > 0 {
		ph := strings.TrimSuffix(strings.Repeat("?, ", len(f.Statuses)), ", ")
		a := make([]any, len(f.Statuses))
		for i, s := range f.Statuses {
			a[i] = s
		}
		add("status IN ("+ph+")", a...)
	}
	if f.Kind != "" {
		add("kind = ?", f.Kind)
	}
	if f.Urgency != "" {
		add("urgency = ?", f.Urgency)
	}
	if f.Channel != "" {
		add("channel = ?", f.Channel)
	}
	if f.CategoryID != 0 {
		add("category_id = ?", f.CategoryID)
	}
	if f.NoCategory {
		add("category_id IS NULL")
	}
	if f.UnitID != 0 {
		add("unit_id = ?", f.UnitID)
	}
	if f.CallerPhone != "" {
		add("caller_phone = ?", f.CallerPhone)
	}
	if f.Overdue != nil {
		add("reply_by < ? AND status IN ('dispatched', 'acknowledged', 'reopened')", f.Overdue.UTC())
	}
	if len(f.CategoryIDs) > 0 {
		a := make([]any, len(f.CategoryIDs))
		for i, id := range f.CategoryIDs {
			a[i] = id
		}
		add("category_id IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(a)), ", ")+")", a...)
	}
	if f.HourOfWeek != nil {
		add(hourOfWeekExpr(tx.Dialect())+" = ?", *f.HourOfWeek)
	}
	if f.Box != nil {
		add("lat >= ? AND lat <= ? AND lng >= ? AND lng <= ?", f.Box.MinLat, f.Box.MaxLat, f.Box.MinLng, f.Box.MaxLng)
	}
	if len(f.LocationUnitIDs) > 0 {
		a := make([]any, len(f.LocationUnitIDs))
		for i, id := range f.LocationUnitIDs {
			a[i] = id
		}
		add("location_unit_id IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(a)), ", ")+")", a...)
	}
	// Conditions on the time and id alone, which the path indexes cover.
	var timeWhere []string
	var timeArgs []any
	addTime := func(cond string, a ...any) {
		timeWhere = append(timeWhere, cond)
		timeArgs = append(timeArgs, a...)
	}
	if f.CreatedFrom != nil {
		addTime("created_at >= ?", f.CreatedFrom.UTC())
	}
	if f.CreatedTo != nil {
		addTime("created_at < ?", f.CreatedTo.UTC())
	}
	if tx.Dialect() == Postgres {
		for _, c := range monthConds(f.CreatedFrom, earliest(f.CreatedTo, f.AfterCreated)) {
			addTime(c.cond, c.args...)
		}
	}
	if f.AfterCreated != nil {
		// The same as "created_at < ? OR (created_at = ? AND id < ?)", but
		// with a bound on created_at outside the OR, which SQLite needs to
		// start the index scan at the cursor instead of at the newest
		// ticket (a page a year deep took 100 ms at 1,000,000 tickets,
		// now 0.6 ms; see docs/performance.md).
		addTime("created_at <= ? AND (created_at < ? OR id < ?)", f.AfterCreated.UTC(), f.AfterCreated.UTC(), f.AfterID)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	// The page is chosen by id first and its rows read after (a "deferred
	// join"): when the database must sort the matches, as for overdue
	// tickets, it then sorts ids and times instead of whole rows, from an
	// index alone where one covers the conditions. At 1,000,000 tickets
	// this took the overdue list on SQLite from 55 ms to under 10 ms; it
	// costs the other lists about 0.1 ms (docs/performance.md).
	var inner string
	if len(f.VisiblePaths) == 1 && len(where) == 0 && tx.Dialect() == SQLite {
		var err error
		if inner, args, err = visibleIDsSQLite(ctx, tx, f.VisiblePaths[0], timeWhere, timeArgs, limit); err != nil {
			return nil, fmt.Errorf("list tickets: %w", err)
		}
	} else {
		if cond, a := pathsCond(f.VisiblePaths, "intake_unit_path", "unit_path"); cond != "" {
			add(cond, a...)
		}
		where, args = append(where, timeWhere...), append(args, timeArgs...)
		inner = `SELECT id FROM tickets`
		if len(where) > 0 {
			inner += " WHERE " + strings.Join(where, " AND ")
		}
		inner += " ORDER BY created_at DESC, id DESC LIMIT " + strconv.Itoa(limit)
	}
	q := `SELECT ` + ticketColumns + ` FROM tickets WHERE id IN (` + inner + `) ORDER BY created_at DESC, id DESC LIMIT ` + strconv.Itoa(limit)
	if tx.Dialect() == Postgres {
		// Tickets are partitioned by month on PostgreSQL, and the ids of a
		// deferred join cannot be matched to their months when the query
		// is planned: it read every month's partition (a hash join over all
		// of them, 68 ms instead of 1.5 ms for the first page at 20,000
		// tickets). The rows are read directly.
		q = strings.Replace(inner, `SELECT id FROM tickets`, `SELECT `+ticketColumns+` FROM tickets`, 1)
	}
	out, err := queryAll(ctx, tx, scanTicket, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list tickets: %w", err)
	}
	return out, nil
}

// visibleIDsSQLite returns the query for the ids of a page of a unit's
// subtree with no filter beyond time, on SQLite: everything a street's or
// a department's staff see, newest first, and a street's bar of the
// dashboards opened as a list.
//
// A range of paths in an index on (path, created_at) is not in time order,
// so reading the newest tickets of a subtree from it means reading every
// ticket of the subtree in the period and sorting them (233 ms for a
// street's year at 10,000,000 tickets). One path of it is in time order:
// so the distinct paths of the subtree are found first (one index seek
// each, in the tickets' own indexes, so a unit moved since is still
// found), then each path gives its newest limit tickets from the index
// alone, in order, and the newest of those are the page. A ticket taken in
// and handled in the subtree is in two lists, so 2×limit entries are kept
// and the outer query keeps limit. The work is bounded by the number of
// paths × limit, whatever the period. PostgreSQL keeps the OR of the two
// ranges: its statistics let it walk the time index instead, in under a
// millisecond.
func visibleIDsSQLite(ctx context.Context, tx *Tx, path string, timeWhere []string, timeArgs []any, limit int) (string, []any, error) {
	cond := ""
	if len(timeWhere) > 0 {
		cond = " AND " + strings.Join(timeWhere, " AND ")
	}
	var arms []string
	var args []any
	for _, col := range []string{"intake_unit_path", "unit_path"} {
		paths, err := distinctPaths(ctx, tx, col, path)
		if err != nil {
			return "", nil, err
		}
		if len(paths) > maxPathArms {
			// Too many for one compound query: the two ranges, sorted.
			arms = append(arms, `SELECT id, created_at FROM tickets WHERE `+col+` >= ? AND `+col+` < ?`+cond)
			args = append(args, path, path+"~")
			args = append(args, timeArgs...)
			continue
		}
		for _, p := range paths {
			arms = append(arms, `SELECT * FROM (SELECT id, created_at FROM tickets WHERE `+col+` = ?`+cond+
				` ORDER BY created_at DESC, id DESC LIMIT `+strconv.Itoa(limit)+`)`)
			args = append(args, p)
			args = append(args, timeArgs...)
		}
	}
	if len(arms) == 0 {
		return `SELECT id FROM tickets WHERE 0`, nil, nil
	}
	q := `SELECT id FROM (` + strings.Join(arms, "\n\t\tUNION ALL\n\t\t") + `) ORDER BY created_at DESC, id DESC LIMIT ` + strconv.Itoa(2*limit)
	return q, args, nil
}

// maxPathArms bounds the paths of a subtree listed one by one: SQLite
// compounds at most 500 SELECTs.
const maxPathArms = 200

// distinctPaths returns the distinct values of a path column of the
// tickets in the subtree of path, by skipping through the column's index
// from one value to the next (a loose index scan): one seek a path,
// however many tickets each has. It stops after maxPathArms+1.
func distinctPaths(ctx context.Context, tx *Tx, col, path string) ([]string, error) {
	out, err := queryAll(ctx, tx, scanString, `WITH RECURSIVE p(path, n) AS (
		SELECT (SELECT MIN(`+col+`) FROM tickets WHERE `+col+` >= ? AND `+col+` < ?), 0
		UNION ALL
		SELECT (SELECT MIN(`+col+`) FROM tickets WHERE `+col+` > p.path AND `+col+` < ?), n + 1
		FROM p WHERE p.path IS NOT NULL AND n <= ?
	) SELECT path FROM p WHERE path IS NOT NULL`, path, path+"~", path+"~", maxPathArms)
	if err != nil {
		return nil, fmt.Errorf("paths below %s: %w", path, err)
	}
	return out, nil
}

// Idempotency records the ticket that a client's key created.
type Idempotency struct {
	Scope       string // who the key belongs to: "user:42", "public"
	Key         string
	Fingerprint string // a hash of the request, to refuse a key reused for another request
	TicketID    int64
}

// ClaimIdempotencyKey records the key for a ticket about to be created in
// the same transaction. It reports false when the key is already taken, and
// then the caller rolls back and reads the first ticket with
// GetIdempotencyKey. On PostgreSQL a concurrent claim of the same key waits
// for the first transaction to finish.
func ClaimIdempotencyKey(ctx context.Context, tx *Tx, k Idempotency, at time.Time) (bool, error) {
	res, err := tx.Exec(ctx, `INSERT INTO idempotency_keys (scope, key, fingerprint, ticket_id, created_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (scope, key) DO NOTHING`,
		k.Scope, k.Key, k.Fingerprint, k.TicketID, at.UTC())
	if err != nil {
		return false, fmt.Errorf("claim idempotency key: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, err
	}
	return n == 1, nil
}

// GetIdempotencyKey returns a recorded key, or ENOTFOUND.
func GetIdempotencyKey(ctx context.Context, tx *Tx, scope, key string) (*Idempotency, error) {
	k := Idempotency{Scope: scope, Key: key}
	err := tx.QueryRow(ctx, `SELECT fingerprint, ticket_id FROM idempotency_keys WHERE scope = ? AND key = ?`,
		scope, key).Scan(&k.Fingerprint, &k.TicketID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("idempotency key", key)
	}
	if err != nil {
		return nil, fmt.Errorf("get idempotency key: %w", err)
	}
	return &k, nil
}

// SetTrackingHash stores the hash of a resident's tracking token.
func SetTrackingHash(ctx context.Context, tx *Tx, ticketID int64, hash string) error {
	_, err := tx.Exec(ctx, `UPDATE tickets SET tracking_hash = ? WHERE id = ?`, hash, ticketID)
	if err != nil {
		return fmt.Errorf("set tracking hash: %w", err)
	}
	return nil
}

// TrackingHash returns the hash of a ticket's tracking token ("" if none).
func TrackingHash(ctx context.Context, tx *Tx, ticketID int64) (string, error) {
	var h string
	err := tx.QueryRow(ctx, `SELECT tracking_hash FROM tickets WHERE id = ?`, ticketID).Scan(&h)
	if err != nil {
		return "", fmt.Errorf("tracking hash: %w", err)
	}
	return h, nil
}

// listHourOfWeek lists the tickets of a heat-map cell (f.HourOfWeek) in a
// period as the period's hours on that weekday, newest first, each one
// range of the index on created_at, until the page is full: a page reads
// about its own tickets. Filtering every ticket of the period on its
// weekday and hour read about 170 tickets for each one listed (82 ms for
// a first page of a year at 10,000,000 tickets).
func listHourOfWeek(ctx context.Context, tx *Tx, f TicketFilter) ([]*ticket.Ticket, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	var out []*ticket.Ticket
	for _, w := range hourWindows(*f.CreatedFrom, *f.CreatedTo, *f.HourOfWeek) {
		if f.AfterCreated != nil && w[0].After(*f.AfterCreated) {
			continue // newer than the page's cursor
		}
		g := f
		g.HourOfWeek, g.CreatedFrom, g.CreatedTo, g.Limit = nil, &w[0], &w[1], limit-len(out)
		list, err := ListTickets(ctx, tx, g)
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
		if len(out) >= limit {
			break
		}
	}
	return out, nil
}

// hourWindows returns the hours of [from, to) that fall on weekday×24+hour
// how (Sunday 0) in China's time, newest first, cut to [from, to). China
// keeps no daylight saving time, so each is one hour of 60 minutes.
func hourWindows(from, to time.Time, how int) [][2]time.Time {
	wd, h := time.Weekday(how/24), time.Duration(how%24)*time.Hour
	local := to.In(calendar.China)
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, calendar.China)
	day = day.AddDate(0, 0, -((int(day.Weekday()) - int(wd) + 7) % 7))
	var out [][2]time.Time
	for ; day.Add(h + time.Hour).After(from); day = day.AddDate(0, 0, -7) {
		start, end := day.Add(h), day.Add(h+time.Hour)
		if start.Before(from) {
			start = from
		}
		if end.After(to) {
			end = to
		}
		if start.Before(end) {
			out = append(out, [2]time.Time{start, end})
		}
	}
	return out
}
