package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/geo"
	"github.com/minsheng/minsheng/ticket"
)

// This file holds what the Open311 GeoReport v2 interface keeps: client
// applications and their keys, categories' custom fields (service
// attributes) and the values submitted with a request, the Open311 side of a
// request, and the public listings of requests and of their updates.

// APIClient is an application allowed to submit requests through Open311.
// Its key is stored only as a hash; KeyHint is the key's first characters.
type APIClient struct {
	ID            int64      `json:"id"`
	Name          string     `json:"name"`
	KeyHash       string     `json:"-"`
	KeyHint       string     `json:"key_hint"`
	RatePerMinute int        `json:"rate_per_minute"` // 0: the server's default
	CreatedAt     time.Time  `json:"created_at"`
	KeyIssuedAt   time.Time  `json:"key_issued_at"`
	RevokedAt     *time.Time `json:"revoked_at,omitempty"`
	LastUsedAt    *time.Time `json:"last_used_at,omitempty"` // its last accepted request or update
}

// Active reports whether the client's key is accepted.
func (c *APIClient) Active() bool { return c.RevokedAt == nil }

const apiClientColumns = `id, name, key_hash, key_hint, rate_per_minute, created_at, key_issued_at, revoked_at, last_used_at`

func scanAPIClient(s scanner) (*APIClient, error) {
	var c APIClient
	var revoked, used sql.NullTime
	if err := s.Scan(&c.ID, &c.Name, &c.KeyHash, &c.KeyHint, &c.RatePerMinute, &c.CreatedAt, &c.KeyIssuedAt, &revoked, &used); err != nil {
		return nil, err
	}
	c.CreatedAt, c.KeyIssuedAt, c.RevokedAt, c.LastUsedAt = c.CreatedAt.UTC(), c.KeyIssuedAt.UTC(), timePtr(revoked), timePtr(used)
	return &c, nil
}

// InsertAPIClient writes a new client.
func InsertAPIClient(ctx context.Context, tx *Tx, c *APIClient) error {
	_, err := tx.Exec(ctx, `INSERT INTO api_clients (`+apiClientColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.Name, c.KeyHash, c.KeyHint, c.RatePerMinute, c.CreatedAt.UTC(), c.KeyIssuedAt.UTC(), nullTime(c.RevokedAt),
		nullTime(c.LastUsedAt))
	if IsUnique(err) {
		return minsheng.FieldError("name", "a client named %q already exists", c.Name)
	}
	if err != nil {
		return fmt.Errorf("insert api client: %w", err)
	}
	return nil
}

// UpdateAPIClient writes a client's key, rate and revocation.
func UpdateAPIClient(ctx context.Context, tx *Tx, c *APIClient) error {
	return changeOne(ctx, tx, "update api client", notFound("api client", c.ID),
		`UPDATE api_clients SET key_hash = ?, key_hint = ?, rate_per_minute = ?, key_issued_at = ?, revoked_at = ?
		WHERE id = ?`, c.KeyHash, c.KeyHint, c.RatePerMinute, c.KeyIssuedAt.UTC(), nullTime(c.RevokedAt), c.ID)
}

// TouchAPIClient records that the client had a request or an update
// accepted at at (never moving the time back).
func TouchAPIClient(ctx context.Context, tx *Tx, id int64, at time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE api_clients SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)`,
		at.UTC(), id, at.UTC())
	if err != nil {
		return fmt.Errorf("touch api client: %w", err)
	}
	return nil
}

// CountAPIClientWrite adds one to the writes the client had accepted in
// the minute (Unix time / 60) and returns the new count. The first write
// of a minute removes the client's earlier minutes.
func CountAPIClientWrite(ctx context.Context, tx *Tx, id, minute int64) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `INSERT INTO api_client_minutes (client_id, minute, writes) VALUES (?, ?, 1)
		ON CONFLICT (client_id, minute) DO UPDATE SET writes = api_client_minutes.writes + 1
		RETURNING writes`, id, minute).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count api client write: %w", tx.db.mapError(err))
	}
	if n == 1 {
		if _, err := tx.Exec(ctx, `DELETE FROM api_client_minutes WHERE client_id = ? AND minute < ?`, id, minute); err != nil {
			return 0, fmt.Errorf("count api client write: %w", err)
		}
	}
	return n, nil
}

// GetAPIClientByName returns the client with the name, or ENOTFOUND.
func GetAPIClientByName(ctx context.Context, tx *Tx, name string) (*APIClient, error) {
	return getAPIClient(ctx, tx, "name = ?", name)
}

// GetAPIClientByKeyHash returns the client whose key has the hash, revoked
// or not, or ENOTFOUND.
func GetAPIClientByKeyHash(ctx context.Context, tx *Tx, hash string) (*APIClient, error) {
	return getAPIClient(ctx, tx, "key_hash = ?", hash)
}

// GetAPIClient returns the client with the id, or ENOTFOUND.
func GetAPIClient(ctx context.Context, tx *Tx, id int64) (*APIClient, error) {
	return getAPIClient(ctx, tx, "id = ?", id)
}

func getAPIClient(ctx context.Context, tx *Tx, cond string, arg any) (*APIClient, error) {
	return getOne(ctx, tx, scanAPIClient, "api client", "", `SELECT `+apiClientColumns+` FROM api_clients WHERE `+cond, arg)
}

// ListAPIClients returns every client by name.
func ListAPIClients(ctx context.Context, tx *Tx) ([]*APIClient, error) {
	out, err := queryAll(ctx, tx, scanAPIClient, `SELECT `+apiClientColumns+` FROM api_clients ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list api clients: %w", err)
	}
	return out, nil
}

// Attribute datatypes, as GeoReport v2 names them.
const (
	DatatypeString          = "string"          // one line of text
	DatatypeNumber          = "number"          // a decimal number
	DatatypeDatetime        = "datetime"        // an ISO 8601 date and time
	DatatypeText            = "text"            // text with line breaks
	DatatypeSingleValueList = "singlevaluelist" // one of Values
	DatatypeMultiValueList  = "multivaluelist"  // any of Values
)

// Datatypes lists every attribute datatype.
var Datatypes = []string{DatatypeString, DatatypeNumber, DatatypeDatetime, DatatypeText, DatatypeSingleValueList, DatatypeMultiValueList}

// AttributeValue is one allowed value of a list attribute.
type AttributeValue struct {
	Key    string `json:"key"`
	Name   string `json:"name"`
	NameEN string `json:"name_en,omitempty"`
}

// CategoryAttribute is a custom field of a category: a question that a
// request in the category answers (the Open311 service attribute). A
// non-variable attribute only shows its description to the user.
type CategoryAttribute struct {
	ID                    int64            `json:"id"`
	CategoryID            int64            `json:"category_id"`
	Code                  string           `json:"code"`
	Datatype              string           `json:"datatype"`
	Variable              bool             `json:"variable"`
	Required              bool             `json:"required"`
	Order                 int              `json:"order"`
	Description           string           `json:"description"`
	DescriptionEN         string           `json:"description_en,omitempty"`
	DatatypeDescription   string           `json:"datatype_description,omitempty"`
	DatatypeDescriptionEN string           `json:"datatype_description_en,omitempty"`
	Values                []AttributeValue `json:"values"`
	CreatedAt             time.Time        `json:"created_at"`
	UpdatedAt             time.Time        `json:"updated_at"`
}

// IsList reports whether the attribute's values come from its Values.
func (a *CategoryAttribute) IsList() bool {
	return a.Datatype == DatatypeSingleValueList || a.Datatype == DatatypeMultiValueList
}

const attributeColumns = `id, category_id, code, datatype, variable, required, position, description, description_en,
	datatype_description, datatype_description_en, vals, created_at, updated_at`

func scanAttribute(s scanner) (*CategoryAttribute, error) {
	var a CategoryAttribute
	var vals string
	if err := s.Scan(&a.ID, &a.CategoryID, &a.Code, &a.Datatype, &a.Variable, &a.Required, &a.Order, &a.Description,
		&a.DescriptionEN, &a.DatatypeDescription, &a.DatatypeDescriptionEN, &vals, &a.CreatedAt, &a.UpdatedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(vals), &a.Values); err != nil {
		return nil, fmt.Errorf("attribute %s values: %w", a.Code, err)
	}
	if a.Values == nil {
		a.Values = []AttributeValue{}
	}
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return &a, nil
}

func attributeValuesJSON(a *CategoryAttribute) (string, error) {
	vals := a.Values
	if vals == nil {
		vals = []AttributeValue{}
	}
	b, err := json.Marshal(vals)
	return string(b), err
}

// InsertCategoryAttribute writes a new attribute of a category.
func InsertCategoryAttribute(ctx context.Context, tx *Tx, a *CategoryAttribute) error {
	vals, err := attributeValuesJSON(a)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO category_attributes (`+attributeColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.CategoryID, a.Code, a.Datatype, a.Variable, a.Required, a.Order, a.Description, a.DescriptionEN,
		a.DatatypeDescription, a.DatatypeDescriptionEN, vals, a.CreatedAt.UTC(), a.UpdatedAt.UTC())
	if IsUnique(err) {
		return minsheng.FieldError("code", "the category already has an attribute with code %q", a.Code)
	}
	if err != nil {
		return fmt.Errorf("insert category attribute: %w", err)
	}
	return nil
}

// UpdateCategoryAttribute writes every field of an attribute but its
// category and code.
func UpdateCategoryAttribute(ctx context.Context, tx *Tx, a *CategoryAttribute) error {
	vals, err := attributeValuesJSON(a)
	if err != nil {
		return err
	}
	return changeOne(ctx, tx, "update category attribute", notFound("attribute", a.Code),
		`UPDATE category_attributes SET datatype = ?, variable = ?, required = ?, position = ?,
		description = ?, description_en = ?, datatype_description = ?, datatype_description_en = ?, vals = ?, updated_at = ?
		WHERE id = ?`, a.Datatype, a.Variable, a.Required, a.Order, a.Description, a.DescriptionEN,
		a.DatatypeDescription, a.DatatypeDescriptionEN, vals, a.UpdatedAt.UTC(), a.ID)
}

// DeleteCategoryAttribute removes an attribute. Values already submitted
// with requests stay with them.
func DeleteCategoryAttribute(ctx context.Context, tx *Tx, id int64) error {
	return changeOne(ctx, tx, "delete category attribute", notFound("attribute", id), `DELETE FROM category_attributes WHERE id = ?`, id)
}

// ListCategoryAttributes returns a category's attributes in their order.
func ListCategoryAttributes(ctx context.Context, tx *Tx, categoryID int64) ([]*CategoryAttribute, error) {
	out, err := queryAll(ctx, tx, scanAttribute, `SELECT `+attributeColumns+` FROM category_attributes WHERE category_id = ? ORDER BY position, code`, categoryID)
	if err != nil {
		return nil, fmt.Errorf("list category attributes: %w", err)
	}
	return out, nil
}

// CountCategoryAttributes returns how many attributes each category has
// (categories without any are absent).
func CountCategoryAttributes(ctx context.Context, tx *Tx) (map[int64]int, error) {
	rows, err := tx.Query(ctx, `SELECT category_id, COUNT(*) FROM category_attributes GROUP BY category_id`)
	if err != nil {
		return nil, fmt.Errorf("count category attributes: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// ServiceSettings is what the public interface shows of a category.
type ServiceSettings struct {
	Private     bool      `json:"private"`
	Description string    `json:"description"`
	UpdatedAt   time.Time `json:"updated_at"` // the category or one of its attributes; zero if never
}

// SetServiceSettings writes a category's private flag and description.
func SetServiceSettings(ctx context.Context, tx *Tx, categoryID int64, s ServiceSettings) error {
	return changeOne(ctx, tx, "set service settings", notFound("category", categoryID),
		`UPDATE categories SET private = ?, description = ?, updated_at = ? WHERE id = ?`,
		s.Private, s.Description, s.UpdatedAt.UTC(), categoryID)
}

// TouchCategory records that something the public sees of the category
// changed (an attribute), for the discovery document's changeset.
func TouchCategory(ctx context.Context, tx *Tx, categoryID int64, at time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE categories SET updated_at = ? WHERE id = ?`, at.UTC(), categoryID)
	if err != nil {
		return fmt.Errorf("touch category: %w", err)
	}
	return nil
}

// ListServiceSettings returns the settings of every category by id.
func ListServiceSettings(ctx context.Context, tx *Tx) (map[int64]ServiceSettings, error) {
	rows, err := tx.Query(ctx, `SELECT id, private, description, updated_at FROM categories`)
	if err != nil {
		return nil, fmt.Errorf("list service settings: %w", err)
	}
	defer rows.Close()
	out := map[int64]ServiceSettings{}
	for rows.Next() {
		var id int64
		var s ServiceSettings
		var upd sql.NullTime
		if err := rows.Scan(&id, &s.Private, &s.Description, &upd); err != nil {
			return nil, fmt.Errorf("list service settings: %w", err)
		}
		if upd.Valid {
			s.UpdatedAt = upd.Time.UTC()
		}
		out[id] = s
	}
	return out, rows.Err()
}

// CatalogChanged returns when the service catalogue last changed: the
// newest creation or change of a category, or zero for none.
func CatalogChanged(ctx context.Context, tx *Tx) (time.Time, error) {
	// ORDER BY … LIMIT 1 rather than MAX(), which SQLite returns as text.
	var t time.Time
	for _, q := range []string{
		`SELECT created_at FROM categories ORDER BY created_at DESC LIMIT 1`,
		`SELECT updated_at FROM categories WHERE updated_at IS NOT NULL ORDER BY updated_at DESC LIMIT 1`,
	} {
		var v time.Time
		err := tx.QueryRow(ctx, q).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return time.Time{}, fmt.Errorf("catalog changed: %w", err)
		}
		if v.After(t) {
			t = v.UTC()
		}
	}
	return t, nil
}

// TicketAttribute is one value submitted for an attribute with a request;
// a multivaluelist answer is several, numbered by Position.
type TicketAttribute struct {
	Code     string `json:"code"`
	Position int    `json:"position"`
	Value    string `json:"value"`
}

// InsertTicketAttributes records the attribute values of a ticket, in the
// transaction that registers it. Values already recorded are left as they
// are.
func InsertTicketAttributes(ctx context.Context, tx *Tx, ticketID int64, attrs []TicketAttribute) error {
	for _, a := range attrs {
		_, err := tx.Exec(ctx, `INSERT INTO ticket_attributes (ticket_id, code, position, value) VALUES (?, ?, ?, ?)
			ON CONFLICT (ticket_id, code, position) DO NOTHING`, ticketID, a.Code, a.Position, a.Value)
		if err != nil {
			return fmt.Errorf("insert ticket attribute: %w", err)
		}
	}
	return nil
}

// ListTicketAttributes returns a ticket's attribute values by code and
// position.
func ListTicketAttributes(ctx context.Context, tx *Tx, ticketID int64) ([]TicketAttribute, error) {
	out, err := queryAll(ctx, tx, func(s scanner) (TicketAttribute, error) {
		var a TicketAttribute
		err := s.Scan(&a.Code, &a.Position, &a.Value)
		return a, err
	}, `SELECT code, position, value FROM ticket_attributes WHERE ticket_id = ? ORDER BY code, position`, ticketID)
	if err != nil {
		return nil, fmt.Errorf("list ticket attributes: %w", err)
	}
	return out, nil
}

// Open311Request is what an Open311 client sent with a request beyond the
// ticket: who sent it, and the fields the ticket has no place for.
type Open311Request struct {
	TicketID  int64     `json:"-"`
	ClientID  int64     `json:"client_id"`
	AddressID string    `json:"address_id,omitempty"`
	MediaURL  string    `json:"media_url,omitempty"`
	DeviceID  string    `json:"device_id,omitempty"`
	AccountID string    `json:"account_id,omitempty"`
	Email     string    `json:"email,omitempty"` // personal data: staff only
	CreatedAt time.Time `json:"created_at"`
}

// InsertOpen311Request records the Open311 side of a ticket, unless it is
// recorded already (a retried submission).
func InsertOpen311Request(ctx context.Context, tx *Tx, r *Open311Request) error {
	_, err := tx.Exec(ctx, `INSERT INTO open311_requests (ticket_id, client_id, address_id, media_url, device_id, account_id, email, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ticket_id) DO NOTHING`,
		r.TicketID, r.ClientID, r.AddressID, r.MediaURL, r.DeviceID, r.AccountID, r.Email, r.CreatedAt.UTC())
	if err != nil {
		return fmt.Errorf("insert open311 request: %w", err)
	}
	return nil
}

// GetOpen311Request returns the Open311 side of a ticket, or ENOTFOUND for
// a ticket that did not come through Open311.
func GetOpen311Request(ctx context.Context, tx *Tx, ticketID int64) (*Open311Request, error) {
	r := Open311Request{TicketID: ticketID}
	err := tx.QueryRow(ctx, `SELECT client_id, address_id, media_url, device_id, account_id, email, created_at
		FROM open311_requests WHERE ticket_id = ?`, ticketID).Scan(&r.ClientID, &r.AddressID, &r.MediaURL, &r.DeviceID,
		&r.AccountID, &r.Email, &r.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("open311 request", ticketID)
	}
	if err != nil {
		return nil, fmt.Errorf("get open311 request: %w", err)
	}
	r.CreatedAt = r.CreatedAt.UTC()
	return &r, nil
}

// Open311MediaURLs returns the media_url sent with each of the tickets
// that has one.
func Open311MediaURLs(ctx context.Context, tx *Tx, ticketIDs []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ticketIDs) == 0 {
		return out, nil
	}
	rows, err := tx.Query(ctx, `SELECT ticket_id, media_url FROM open311_requests WHERE media_url <> '' AND ticket_id IN (`+
		placeholders(len(ticketIDs))+`)`, int64Args(ticketIDs)...)
	if err != nil {
		return nil, fmt.Errorf("open311 media urls: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var u string
		if err := rows.Scan(&id, &u); err != nil {
			return nil, err
		}
		out[id] = u
	}
	return out, rows.Err()
}

// GetTicketByTrackingHash returns the ticket whose tracking token has the
// hash, or ENOTFOUND.
func GetTicketByTrackingHash(ctx context.Context, tx *Tx, hash string) (*ticket.Ticket, error) {
	if hash == "" {
		return nil, notFound("ticket", "token")
	}
	return getOne(ctx, tx, scanTicket, "ticket", "token", `SELECT `+ticketColumns+` FROM tickets WHERE tracking_hash = ?`, hash)
}

// publicTicketCond selects the tickets the public listing may show: those
// with a category, except invalid ones (test calls, harassment).
const publicTicketCond = `category_id IS NOT NULL AND status <> 'invalid'`

// Circle is a disc on the ground: a centre (WGS84) and a radius in metres.
type Circle struct {
	Lat, Lng, Radius float64
}

// PublicTicketFilter selects tickets for the public listing. Zero fields do
// not filter.
type PublicTicketFilter struct {
	Numbers       []string
	CategoryIDs   []int64
	Statuses      []ticket.Status
	CreatedFrom   *time.Time // inclusive
	CreatedTo     *time.Time // inclusive
	UpdatedAfter  *time.Time // inclusive
	UpdatedBefore *time.Time // inclusive
	// Near keeps tickets whose public point (geo.Blur: the point rounded
	// to geo.BlurStep) is inside the circle, leaving out those of private
	// categories, whose location is not shown. Comparing the public point,
	// not the true one, keeps small circles from finding the true place.
	Near *Circle
	// ExcludeCategories leaves out tickets of these categories (the
	// private ones, which the listing does not show unless asked for by
	// number).
	ExcludeCategories []int64
	Offset            int
	Limit             int
}

// blurScale is 1/geo.BlurStep: the SQL rounds lat×blurScale.
const blurScale = int(1 / geo.BlurStep)

// metresPerDegree is the length of a degree of latitude, near enough.
const metresPerDegree = 111_320

// ListPublicTickets returns the tickets of the public listing that match
// the filter, newest first.
func ListPublicTickets(ctx context.Context, tx *Tx, f PublicTicketFilter) ([]*ticket.Ticket, error) {
	where := []string{publicTicketCond}
	var args []any
	add := func(cond string, a ...any) {
		where = append(where, cond)
		args = append(args, a...)
	}
	if len(f.Numbers) > 0 {
		a := make([]any, len(f.Numbers))
		for i, n := range f.Numbers {
			a[i] = n
		}
		add("number IN ("+placeholders(len(a))+")", a...)
	}
	if len(f.CategoryIDs) > 0 {
		add("category_id IN ("+placeholders(len(f.CategoryIDs))+")", int64Args(f.CategoryIDs)...)
	}
	if len(f.Statuses) > 0 {
		a := make([]any, len(f.Statuses))
		for i, s := range f.Statuses {
			a[i] = s
		}
		add("status IN ("+placeholders(len(a))+")", a...)
	}
	if f.CreatedFrom != nil {
		add("created_at >= ?", f.CreatedFrom.UTC())
	}
	if f.CreatedTo != nil {
		add("created_at <= ?", f.CreatedTo.UTC())
	}
	if f.UpdatedAfter != nil {
		add("updated_at >= ?", f.UpdatedAfter.UTC())
	}
	if f.UpdatedBefore != nil {
		add("updated_at <= ?", f.UpdatedBefore.UTC())
	}
	if len(f.ExcludeCategories) > 0 {
		add("category_id NOT IN ("+placeholders(len(f.ExcludeCategories))+")", int64Args(f.ExcludeCategories)...)
	}
	if c := f.Near; c != nil {
		// An equirectangular distance: exact enough within a city, and only
		// arithmetic, which both dialects do alike. The box first (on the
		// true point, widened by half a grid step, so that an index serves
		// it), then the distance of the public point, rounded as geo.Blur
		// rounds.
		dLat := c.Radius / metresPerDegree
		kx := cosDeg(c.Lat) // metres per degree of longitude, relative to latitude
		dLng := dLat / max(kx, 0.01)
		half := geo.BlurStep / 2
		add("lat IS NOT NULL AND lng IS NOT NULL AND lat BETWEEN ? AND ? AND lng BETWEEN ? AND ?",
			c.Lat-dLat-half, c.Lat+dLat+half, c.Lng-dLng-half, c.Lng+dLng+half)
		blat, blng := fmt.Sprintf("(ROUND(lat * %d) / %d.0)", blurScale, blurScale), fmt.Sprintf("(ROUND(lng * %d) / %d.0)", blurScale, blurScale)
		add("(("+blat+" - ?) * ("+blat+" - ?) + ("+blng+" - ?) * ? * ("+blng+" - ?) * ?) <= ?",
			c.Lat, c.Lat, c.Lng, kx, c.Lng, kx, dLat*dLat)
		add("category_id NOT IN (SELECT id FROM categories WHERE private = ?)", true)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	q := `SELECT ` + ticketColumns + ` FROM tickets WHERE ` + strings.Join(where, " AND ") +
		fmt.Sprintf(" ORDER BY created_at DESC, id DESC LIMIT %d OFFSET %d", limit, max(f.Offset, 0))
	out, err := queryAll(ctx, tx, scanTicket, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list public tickets: %w", err)
	}
	return out, nil
}

// PublicEvent is an event of a ticket in the public listing, with the
// ticket it belongs to.
type PublicEvent struct {
	ticket.Event
	Number     string
	CategoryID int64
}

// PublicEventFilter selects events for the public list of updates.
type PublicEventFilter struct {
	Actions []ticket.Action // the actions shown, whoever took them
	// ResidentActions are shown only when taken by a resident (no staff
	// actor): a resident's comment is public, a staff member's photo is not.
	ResidentActions []ticket.Action
	Numbers         []string
	// ExcludeCategories leaves out the events of tickets of these
	// categories (the private ones, unless asked for by number).
	ExcludeCategories []int64
	From, To          *time.Time // inclusive
	Offset, Limit     int
}

// ListPublicEvents returns the events that match the filter, oldest first.
func ListPublicEvents(ctx context.Context, tx *Tx, f PublicEventFilter) ([]PublicEvent, error) {
	where := []string{"t.category_id IS NOT NULL AND t.status <> 'invalid'"} // publicTicketCond
	var args []any
	add := func(cond string, a ...any) {
		where = append(where, cond)
		args = append(args, a...)
	}
	var kinds []string
	if len(f.Actions) > 0 {
		kinds = append(kinds, "e.action IN ("+placeholders(len(f.Actions))+")")
		for _, a := range f.Actions {
			args = append(args, a)
		}
	}
	if len(f.ResidentActions) > 0 {
		kinds = append(kinds, "(e.actor_id IS NULL AND e.action IN ("+placeholders(len(f.ResidentActions))+"))")
		for _, a := range f.ResidentActions {
			args = append(args, a)
		}
	}
	if len(kinds) == 0 {
		return nil, nil
	}
	where = append(where, "("+strings.Join(kinds, " OR ")+")")
	if len(f.Numbers) > 0 {
		a := make([]any, len(f.Numbers))
		for i, n := range f.Numbers {
			a[i] = n
		}
		add("t.number IN ("+placeholders(len(a))+")", a...)
	}
	if len(f.ExcludeCategories) > 0 {
		add("t.category_id NOT IN ("+placeholders(len(f.ExcludeCategories))+")", int64Args(f.ExcludeCategories)...)
	}
	if f.From != nil {
		add("e.at >= ?", f.From.UTC())
	}
	if f.To != nil {
		add("e.at <= ?", f.To.UTC())
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	q := `SELECT e.ticket_id, t.number, t.category_id, e.seq, e.at, COALESCE(e.actor_id, 0), e.action, e.from_status,
		e.to_status, COALESCE(e.unit_id, 0), e.note, e.data
		FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
		WHERE ` + strings.Join(where, " AND ") +
		fmt.Sprintf(" ORDER BY e.at, e.ticket_id, e.seq LIMIT %d OFFSET %d", limit, max(f.Offset, 0))
	out, err := queryAll(ctx, tx, func(s scanner) (PublicEvent, error) {
		var e PublicEvent
		var data string
		if err := s.Scan(&e.TicketID, &e.Number, &e.CategoryID, &e.Seq, &e.At, &e.ActorID, &e.Action, &e.FromStatus,
			&e.ToStatus, &e.UnitID, &e.Note, &data); err != nil {
			return e, err
		}
		e.At = e.At.UTC()
		if data != "" && data != "{}" {
			if err := json.Unmarshal([]byte(data), &e.Data); err != nil {
				return e, fmt.Errorf("event %d data: %w", e.Seq, err)
			}
		}
		return e, nil
	}, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list public events: %w", err)
	}
	return out, nil
}

// ListAttachmentsOf returns the attachments of several tickets, by ticket
// and timeline order.
func ListAttachmentsOf(ctx context.Context, tx *Tx, ticketIDs []int64) ([]ticket.Attachment, error) {
	if len(ticketIDs) == 0 {
		return nil, nil
	}
	out, err := queryAll(ctx, tx, scanAttachmentValue, `SELECT `+attachmentColumns+` FROM attachments WHERE ticket_id IN (`+
		placeholders(len(ticketIDs))+`) ORDER BY ticket_id, event_seq, id`, int64Args(ticketIDs)...)
	if err != nil {
		return nil, fmt.Errorf("list attachments: %w", err)
	}
	return out, nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func int64Args(ids []int64) []any {
	a := make([]any, len(ids))
	for i, id := range ids {
		a[i] = id
	}
	return a
}

func cosDeg(deg float64) float64 { return math.Cos(deg * math.Pi / 180) }
