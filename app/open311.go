package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// This file holds the use cases behind Open311 GeoReport v2 (web/open311):
// the client applications and their keys, the custom fields (attributes) of
// categories, the submission of requests and of residents' updates by
// clients, and the public listings of requests and of their updates. The
// public listings never hold a caller's personal data.

// Limits of the Open311 interface.
const (
	MaxOpen311PageSize = 1000                // requests or updates in one answer (the spec's "first 1000")
	MaxOpen311Span     = 90 * 24 * time.Hour // the longest start_date..end_date range
	MaxOpen311Radius   = 50_000              // metres
	MaxOpen311IDs      = 100                 // service_request_id values in one query
	MaxAPIClientRate   = 6000                // requests a minute a client may be allowed
	// DefaultAPIClientRate is the rate of a client without its own.
	DefaultAPIClientRate = 60
	maxAttributeValue    = 500 // characters of a string attribute
)

// APIClientKeyPrefix starts every Open311 API key, so that one found in a
// leak scan is recognised.
const APIClientKeyPrefix = "mso_"

// APIClientKey is a client with its new key, which is shown once.
type APIClientKey struct {
	Client *store.APIClient `json:"client"`
	Key    string           `json:"key"`
}

// NewAPIClient is what an admin submits to register a client application.
type NewAPIClient struct {
	Name          string `json:"name"`
	RatePerMinute int    `json:"rate_per_minute"` // 0: the server's default
}

func checkClientName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 60 {
		return "", minsheng.FieldError("name", "the client's name is required, at most 60 characters")
	}
	if strings.HasPrefix(name, "-") || strings.ContainsFunc(name, unicode.IsControl) {
		return "", minsheng.FieldError("name", "the client's name may not start with '-' or hold control characters")
	}
	return name, nil
}

func checkRate(rate int) error {
	if rate < 0 || rate > MaxAPIClientRate {
		return minsheng.FieldError("rate_per_minute", "rate_per_minute must be between 0 (the server's default) and %d", MaxAPIClientRate)
	}
	return nil
}

func newAPIKey() (key, hint string) {
	key = org.NewSecret(APIClientKeyPrefix)
	return key, key[:len(APIClientKeyPrefix)+4]
}

// CreateAPIClient registers a client application and issues its key. actor
// nil means the shell.
func (s *Service) CreateAPIClient(ctx context.Context, actor *org.User, n NewAPIClient) (*APIClientKey, error) {
	if actor != nil {
		if err := requireAdmin(actor); err != nil {
			return nil, err
		}
	}
	name, err := checkClientName(n.Name)
	if err != nil {
		return nil, err
	}
	if err := checkRate(n.RatePerMinute); err != nil {
		return nil, err
	}
	id, err := s.db.NextID(ctx)
	if err != nil {
		return nil, err
	}
	key, hint := newAPIKey()
	now := s.now()
	c := &store.APIClient{ID: id, Name: name, KeyHash: org.HashSecret(key), KeyHint: hint, RatePerMinute: n.RatePerMinute,
		CreatedAt: now, KeyIssuedAt: now}
	if err := s.db.Write(ctx, func(tx *store.Tx) error { return store.InsertAPIClient(ctx, tx, c) }); err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "open311 client created", "client", name)
	return &APIClientKey{Client: c, Key: key}, nil
}

// RotateAPIKey issues a new key to a client; the old one stops working at
// once. A revoked client is enabled again.
func (s *Service) RotateAPIKey(ctx context.Context, actor *org.User, name string) (*APIClientKey, error) {
	key, hint := newAPIKey()
	c, err := s.changeAPIClient(ctx, actor, name, func(c *store.APIClient, now time.Time) error {
		c.KeyHash, c.KeyHint, c.KeyIssuedAt, c.RevokedAt = org.HashSecret(key), hint, now, nil
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "open311 key issued", "client", c.Name)
	return &APIClientKey{Client: c, Key: key}, nil
}

// IssueAPIKey gives the named client a new key, registering the client
// first if it does not exist (minsheng open311 key NAME).
func (s *Service) IssueAPIKey(ctx context.Context, actor *org.User, name string) (*APIClientKey, bool, error) {
	k, err := s.RotateAPIKey(ctx, actor, name)
	if minsheng.IsCode(err, minsheng.ENOTFOUND) {
		k, err = s.CreateAPIClient(ctx, actor, NewAPIClient{Name: name})
		return k, err == nil, err
	}
	return k, false, err
}

// RevokeAPIClient stops a client's key from working. The client and the
// requests it sent stay.
func (s *Service) RevokeAPIClient(ctx context.Context, actor *org.User, name string) (*store.APIClient, error) {
	c, err := s.changeAPIClient(ctx, actor, name, func(c *store.APIClient, now time.Time) error {
		if c.RevokedAt == nil {
			c.RevokedAt = &now
		}
		return nil
	})
	if err == nil {
		s.log.InfoContext(ctx, "open311 client revoked", "client", c.Name)
	}
	return c, err
}

// SetAPIClientRate changes how many requests a minute a client may send
// (0: the server's default).
func (s *Service) SetAPIClientRate(ctx context.Context, actor *org.User, name string, rate int) (*store.APIClient, error) {
	if err := checkRate(rate); err != nil {
		return nil, err
	}
	return s.changeAPIClient(ctx, actor, name, func(c *store.APIClient, _ time.Time) error {
		c.RatePerMinute = rate
		return nil
	})
}

func (s *Service) changeAPIClient(ctx context.Context, actor *org.User, name string, fn func(*store.APIClient, time.Time) error) (*store.APIClient, error) {
	if actor != nil {
		if err := requireAdmin(actor); err != nil {
			return nil, err
		}
	}
	var c *store.APIClient
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		c, err = store.GetAPIClientByName(ctx, tx, strings.TrimSpace(name))
		if minsheng.IsCode(err, minsheng.ENOTFOUND) {
			return minsheng.Errorf(minsheng.ENOTFOUND, "no Open311 client named %q", name)
		}
		if err != nil {
			return err
		}
		if err := fn(c, s.now()); err != nil {
			return err
		}
		return store.UpdateAPIClient(ctx, tx, c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// ListAPIClients returns every client application, revoked ones included.
func (s *Service) ListAPIClients(ctx context.Context, actor *org.User) ([]*store.APIClient, error) {
	if actor != nil {
		if err := requireAdmin(actor); err != nil {
			return nil, err
		}
	}
	var out []*store.APIClient
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = store.ListAPIClients(ctx, tx)
		return err
	})
	return out, err
}

// AuthenticateAPIKey returns the active client of a key. A missing,
// unknown or revoked key is EFORBIDDEN, as Open311 wants (403).
func (s *Service) AuthenticateAPIKey(ctx context.Context, key string) (*store.APIClient, error) {
	key = strings.TrimSpace(key)
	if key == "" {
		return nil, minsheng.Errorf(minsheng.EFORBIDDEN, "api_key is required")
	}
	var c *store.APIClient
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		c, err = store.GetAPIClientByKeyHash(ctx, tx, org.HashSecret(key))
		return err
	})
	if minsheng.IsCode(err, minsheng.ENOTFOUND) || (err == nil && !c.Active()) {
		return nil, minsheng.Errorf(minsheng.EFORBIDDEN, "invalid api_key: it is unknown or has been revoked")
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// catalog is the category tree as Open311 sees it.
type catalog struct {
	byID     map[int64]*ticket.Category
	byCode   map[string]*ticket.Category
	children map[int64]int // active children
	settings map[int64]store.ServiceSettings
	attrs    map[int64]int
}

func loadCatalog(ctx context.Context, tx *store.Tx) (*catalog, error) {
	cs, err := store.ListCategories(ctx, tx)
	if err != nil {
		return nil, err
	}
	c := &catalog{byID: map[int64]*ticket.Category{}, byCode: map[string]*ticket.Category{}, children: map[int64]int{}}
	for _, x := range cs {
		c.byID[x.ID] = x
		c.byCode[x.Code] = x
		if x.Active && x.ParentID != 0 {
			c.children[x.ParentID]++
		}
	}
	if c.settings, err = store.ListServiceSettings(ctx, tx); err != nil {
		return nil, err
	}
	if c.attrs, err = store.CountCategoryAttributes(ctx, tx); err != nil {
		return nil, err
	}
	return c, nil
}

// top returns the top-level category above c (c itself at the top).
func (c *catalog) top(x *ticket.Category) *ticket.Category {
	for x.ParentID != 0 {
		p, ok := c.byID[x.ParentID]
		if !ok {
			break
		}
		x = p
	}
	return x
}

// isService reports whether the category is an Open311 service: active,
// under active categories, with no active category below it.
func (c *catalog) isService(x *ticket.Category) bool {
	if x == nil || !x.Active || c.children[x.ID] > 0 {
		return false
	}
	for p := x; p.ParentID != 0; {
		var ok bool
		if p, ok = c.byID[p.ParentID]; !ok || !p.Active {
			return false
		}
	}
	return true
}

func (c *catalog) service(x *ticket.Category) Open311Service {
	st := c.settings[x.ID]
	return Open311Service{Category: x, Group: c.top(x), Private: st.Private, Description: st.Description, Attributes: c.attrs[x.ID]}
}

// Open311Service is a category offered as an Open311 service: one that
// has no active category below it. Its group is its top-level category.
type Open311Service struct {
	Category    *ticket.Category
	Group       *ticket.Category
	Private     bool
	Description string
	Attributes  int // how many custom fields; >0 means a definition to read
}

// Open311Services returns the services, in category tree order.
func (s *Service) Open311Services(ctx context.Context) ([]Open311Service, error) {
	var out []Open311Service
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		c, err := loadCatalog(ctx, tx)
		if err != nil {
			return err
		}
		cs, err := store.ListCategories(ctx, tx)
		if err != nil {
			return err
		}
		for _, x := range cs {
			if x := c.byID[x.ID]; c.isService(x) {
				out = append(out, c.service(x))
			}
		}
		return nil
	})
	return out, err
}

func serviceNotFound(code string) error {
	return minsheng.Errorf(minsheng.ENOTFOUND, "service_code %q was not found; GET services for the list", code)
}

// Open311ServiceDefinition returns a service and its attributes in their
// order, or ENOTFOUND for a code that is not a service.
func (s *Service) Open311ServiceDefinition(ctx context.Context, code string) (*Open311Service, []*store.CategoryAttribute, error) {
	var svc Open311Service
	var attrs []*store.CategoryAttribute
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		c, err := loadCatalog(ctx, tx)
		if err != nil {
			return err
		}
		x := c.byCode[code]
		if !c.isService(x) {
			return serviceNotFound(code)
		}
		svc = c.service(x)
		attrs, err = store.ListCategoryAttributes(ctx, tx, x.ID)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return &svc, attrs, nil
}

// Open311Changed returns when the service catalogue last changed, for the
// discovery document.
func (s *Service) Open311Changed(ctx context.Context) (time.Time, error) {
	var t time.Time
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		t, err = store.CatalogChanged(ctx, tx)
		return err
	})
	return t, err
}

// ServiceSettingsChange is what an admin may change of what the public
// sees of a category. Nil fields stay.
type ServiceSettingsChange struct {
	Private     *bool   `json:"private"`
	Description *string `json:"description"`
}

// ServiceSettings returns what the public sees of a category (its
// private flag and service description), for the admin who edits it; any
// category has them, Open311 service or not.
func (s *Service) ServiceSettings(ctx context.Context, actor *org.User, code string) (*store.ServiceSettings, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	var out store.ServiceSettings
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		cat, err := categoryByCode(ctx, tx, code)
		if err != nil {
			return err
		}
		all, err := store.ListServiceSettings(ctx, tx)
		out = all[cat.ID]
		return err
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// SetServiceSettings marks a category private or public and sets the
// description its Open311 service shows.
func (s *Service) SetServiceSettings(ctx context.Context, actor *org.User, code string, c ServiceSettingsChange) (*store.ServiceSettings, error) {
	if actor != nil {
		if err := requireAdmin(actor); err != nil {
			return nil, err
		}
	}
	if c.Description != nil {
		d := strings.TrimSpace(*c.Description)
		if err := checkAttrText("description", d, 500, true); err != nil {
			return nil, err
		}
		c.Description = &d
	}
	var out store.ServiceSettings
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		cat, err := categoryByCode(ctx, tx, code)
		if err != nil {
			return err
		}
		all, err := store.ListServiceSettings(ctx, tx)
		if err != nil {
			return err
		}
		out = all[cat.ID]
		if c.Private != nil {
			out.Private = *c.Private
		}
		if c.Description != nil {
			out.Description = *c.Description
		}
		out.UpdatedAt = s.now()
		return store.SetServiceSettings(ctx, tx, cat.ID, out)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func categoryByCode(ctx context.Context, tx *store.Tx, code string) (*ticket.Category, error) {
	cs, err := store.ListCategories(ctx, tx)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		if c.Code == code {
			return c, nil
		}
	}
	return nil, minsheng.Errorf(minsheng.ENOTFOUND, "category %q not found", code)
}

var attrCodeRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,40}$`)

// AttributeInput is what an admin submits to define a custom field of a
// category.
type AttributeInput struct {
	Code                  string                 `json:"code"`
	Datatype              string                 `json:"datatype"`
	Variable              *bool                  `json:"variable"` // default true
	Required              bool                   `json:"required"`
	Order                 int                    `json:"order"` // 0: after the others
	Description           string                 `json:"description"`
	DescriptionEN         string                 `json:"description_en"`
	DatatypeDescription   string                 `json:"datatype_description"`
	DatatypeDescriptionEN string                 `json:"datatype_description_en"`
	Values                []store.AttributeValue `json:"values"`
}

// AttributeChange is what an admin may change of a custom field; nil
// fields stay. The code cannot change: submitted values refer to it.
type AttributeChange struct {
	Datatype              *string                 `json:"datatype"`
	Variable              *bool                   `json:"variable"`
	Required              *bool                   `json:"required"`
	Order                 *int                    `json:"order"`
	Description           *string                 `json:"description"`
	DescriptionEN         *string                 `json:"description_en"`
	DatatypeDescription   *string                 `json:"datatype_description"`
	DatatypeDescriptionEN *string                 `json:"datatype_description_en"`
	Values                *[]store.AttributeValue `json:"values"`
}

func checkAttrText(field, s string, max int, multiline bool) error {
	if !utf8.ValidString(s) {
		return minsheng.FieldError(field, "%s is not valid UTF-8", field)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return minsheng.FieldError(field, "%s is %d characters long; the limit is %d", field, n, max)
	}
	for _, r := range s {
		if r == 0 || (unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t'))) {
			return minsheng.FieldError(field, "%s contains control characters", field)
		}
	}
	return nil
}

// checkAttribute validates a definition against the others of its category.
func checkAttribute(a *store.CategoryAttribute, others []*store.CategoryAttribute) error {
	if !attrCodeRE.MatchString(a.Code) {
		return minsheng.FieldError("code", "code must be 1 to 40 letters, digits, '.', '_' or '-'")
	}
	if !slices.Contains(store.Datatypes, a.Datatype) {
		return minsheng.FieldError("datatype", "datatype must be one of %s", strings.Join(store.Datatypes, ", "))
	}
	if a.Order < 1 {
		return minsheng.FieldError("order", "order must be a positive number")
	}
	for _, o := range others {
		if o.ID != a.ID && o.Order == a.Order {
			return minsheng.FieldError("order", "order %d is taken by attribute %s of this category", a.Order, o.Code)
		}
	}
	a.Description = strings.TrimSpace(a.Description)
	if a.Description == "" {
		return minsheng.FieldError("description", "description (the question the user answers) is required")
	}
	for _, f := range []struct {
		name string
		v    string
	}{{"description", a.Description}, {"description_en", a.DescriptionEN}, {"datatype_description", a.DatatypeDescription},
		{"datatype_description_en", a.DatatypeDescriptionEN}} {
		if err := checkAttrText(f.name, f.v, 1000, true); err != nil {
			return err
		}
	}
	if !a.Variable && a.Required {
		return minsheng.FieldError("required", "an attribute that only informs (variable false) cannot be required")
	}
	if !a.IsList() {
		if len(a.Values) > 0 {
			return minsheng.FieldError("values", "only singlevaluelist and multivaluelist attributes have values")
		}
		a.Values = []store.AttributeValue{}
		return nil
	}
	if len(a.Values) == 0 || len(a.Values) > 200 {
		return minsheng.FieldError("values", "a %s needs 1 to 200 values", a.Datatype)
	}
	seen := map[string]bool{}
	for i := range a.Values {
		v := &a.Values[i]
		v.Key, v.Name, v.NameEN = strings.TrimSpace(v.Key), strings.TrimSpace(v.Name), strings.TrimSpace(v.NameEN)
		if v.Key == "" || v.Name == "" {
			return minsheng.FieldError("values", "every value needs a key and a name")
		}
		if seen[v.Key] {
			return minsheng.FieldError("values", "value key %q appears twice", v.Key)
		}
		seen[v.Key] = true
		if strings.ContainsAny(v.Key, "[],") {
			return minsheng.FieldError("values", "value key %q may not hold '[', ']' or ','", v.Key)
		}
		for _, t := range []string{v.Key, v.Name, v.NameEN} {
			if err := checkAttrText("values", t, 100, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// ListCategoryAttributes returns the custom fields of a category, for any
// staff user.
func (s *Service) ListCategoryAttributes(ctx context.Context, code string) ([]*store.CategoryAttribute, error) {
	var out []*store.CategoryAttribute
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		c, err := categoryByCode(ctx, tx, code)
		if err != nil {
			return err
		}
		out, err = store.ListCategoryAttributes(ctx, tx, c.ID)
		return err
	})
	return out, err
}

// CreateCategoryAttribute adds a custom field to a category. actor nil
// means the shell.
func (s *Service) CreateCategoryAttribute(ctx context.Context, actor *org.User, code string, in AttributeInput) (*store.CategoryAttribute, error) {
	if actor != nil {
		if err := requireAdmin(actor); err != nil {
			return nil, err
		}
	}
	id, err := s.db.NextID(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	a := &store.CategoryAttribute{ID: id, Code: strings.TrimSpace(in.Code), Datatype: in.Datatype, Variable: true,
		Required: in.Required, Order: in.Order, Description: in.Description, DescriptionEN: strings.TrimSpace(in.DescriptionEN),
		DatatypeDescription: strings.TrimSpace(in.DatatypeDescription), DatatypeDescriptionEN: strings.TrimSpace(in.DatatypeDescriptionEN),
		Values: in.Values, CreatedAt: now, UpdatedAt: now}
	if in.Variable != nil {
		a.Variable = *in.Variable
	}
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		c, err := categoryByCode(ctx, tx, code)
		if err != nil {
			return err
		}
		a.CategoryID = c.ID
		others, err := store.ListCategoryAttributes(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		if a.Order == 0 {
			a.Order = 1
			for _, o := range others {
				a.Order = max(a.Order, o.Order+1)
			}
		}
		if err := checkAttribute(a, others); err != nil {
			return err
		}
		if err := store.InsertCategoryAttribute(ctx, tx, a); err != nil {
			return err
		}
		return store.TouchCategory(ctx, tx, c.ID, now)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// UpdateCategoryAttribute changes a custom field of a category.
func (s *Service) UpdateCategoryAttribute(ctx context.Context, actor *org.User, code, attrCode string, ch AttributeChange) (*store.CategoryAttribute, error) {
	if actor != nil {
		if err := requireAdmin(actor); err != nil {
			return nil, err
		}
	}
	var a *store.CategoryAttribute
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		c, others, err := s.findAttribute(ctx, tx, code, attrCode, &a)
		if err != nil {
			return err
		}
		set := func(dst *string, src *string) {
			if src != nil {
				*dst = strings.TrimSpace(*src)
			}
		}
		set(&a.Datatype, ch.Datatype)
		set(&a.Description, ch.Description)
		set(&a.DescriptionEN, ch.DescriptionEN)
		set(&a.DatatypeDescription, ch.DatatypeDescription)
		set(&a.DatatypeDescriptionEN, ch.DatatypeDescriptionEN)
		if ch.Variable != nil {
			a.Variable = *ch.Variable
		}
		if ch.Required != nil {
			a.Required = *ch.Required
		}
		if ch.Order != nil {
			a.Order = *ch.Order
		}
		if ch.Values != nil {
			a.Values = *ch.Values
		} else if !a.IsList() {
			a.Values = nil
		}
		a.UpdatedAt = s.now()
		if err := checkAttribute(a, others); err != nil {
			return err
		}
		if err := store.UpdateCategoryAttribute(ctx, tx, a); err != nil {
			return err
		}
		return store.TouchCategory(ctx, tx, c.ID, a.UpdatedAt)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// DeleteCategoryAttribute removes a custom field from a category. Values
// already submitted with requests stay with them.
func (s *Service) DeleteCategoryAttribute(ctx context.Context, actor *org.User, code, attrCode string) error {
	if actor != nil {
		if err := requireAdmin(actor); err != nil {
			return err
		}
	}
	return s.db.Write(ctx, func(tx *store.Tx) error {
		var a *store.CategoryAttribute
		c, _, err := s.findAttribute(ctx, tx, code, attrCode, &a)
		if err != nil {
			return err
		}
		if err := store.DeleteCategoryAttribute(ctx, tx, a.ID); err != nil {
			return err
		}
		return store.TouchCategory(ctx, tx, c.ID, s.now())
	})
}

func (s *Service) findAttribute(ctx context.Context, tx *store.Tx, code, attrCode string, out **store.CategoryAttribute) (*ticket.Category, []*store.CategoryAttribute, error) {
	c, err := categoryByCode(ctx, tx, code)
	if err != nil {
		return nil, nil, err
	}
	all, err := store.ListCategoryAttributes(ctx, tx, c.ID)
	if err != nil {
		return nil, nil, err
	}
	for _, a := range all {
		if a.Code == attrCode {
			*out = a
			return c, all, nil
		}
	}
	return nil, nil, minsheng.Errorf(minsheng.ENOTFOUND, "category %s has no attribute %q", code, attrCode)
}

// Open311Submission is a request as an Open311 client posts it.
// Attributes holds the values sent as attribute[CODE] or attribute[CODE][],
// by code.
type Open311Submission struct {
	ServiceCode    string
	Lat, Long      *float64
	AddressString  string
	AddressID      string
	Description    string
	Email          string
	Phone          string
	FirstName      string
	LastName       string
	DeviceID       string
	AccountID      string
	MediaURL       string
	Attributes     map[string][]string
	IdempotencyKey string
}

// Open311Receipt is the answer to a submission: the request's number and
// the resident's private tracking token, and how soon the district aims to
// reply.
type Open311Receipt struct {
	Number      string
	Token       string
	AccountID   string
	ReplyWithin ticket.Span
	Created     bool
}

// countClientWrite counts a request or an update of the client accepted
// at at, in the transaction that accepts it, and refuses it (rolling the
// whole write back) when the client has had its rate a minute accepted
// already: the HTTP layer's token buckets hold per process, this holds
// across all the servers. It also records when the client was last used.
func countClientWrite(ctx context.Context, tx *store.Tx, client *store.APIClient, at time.Time) error {
	n, err := store.CountAPIClientWrite(ctx, tx, client.ID, at.Unix()/60)
	if err != nil {
		return err
	}
	if limit := APIClientRate(client); n > limit {
		return minsheng.Errorf(minsheng.ERATELIMIT, "too many requests: at most %d a minute from this client; try again in %d seconds",
			limit, 60-at.Second())
	}
	return store.TouchAPIClient(ctx, tx, client.ID, at)
}

// APIClientRate is how many requests and updates a minute the client may
// have accepted: its own rate, or DefaultAPIClientRate.
func APIClientRate(c *store.APIClient) int {
	if c.RatePerMinute > 0 {
		return c.RatePerMinute
	}
	return DefaultAPIClientRate
}

// CheckOpen311Request makes every check of SubmitOpen311Request without
// writing anything, so that the HTTP layer can refuse a bad request before
// it stores the request's files.
func (s *Service) CheckOpen311Request(ctx context.Context, client *store.APIClient, in Open311Submission) error {
	_, _, _, err := s.prepareOpen311(ctx, client, &in, 0)
	return err
}

// SubmitOpen311Request registers a request sent by an Open311 client. Every
// check is made before anything is written: an unknown service is
// ENOTFOUND, any other fault EINVALID naming the parameter, and nothing is
// created. The request records the client in its register event (channel
// open311). A retry with the same idempotency key returns the same request.
func (s *Service) SubmitOpen311Request(ctx context.Context, client *store.APIClient, in Open311Submission, files ...Upload) (*Open311Receipt, error) {
	nt, extra, values, err := s.prepareOpen311(ctx, client, &in, len(files))
	if err != nil {
		return nil, err
	}
	// The attributes and the Open311 record are written in the transaction
	// that registers the ticket: a request is never stored without them.
	within := func(ctx context.Context, tx *store.Tx, t *ticket.Ticket) error {
		if err := store.InsertTicketAttributes(ctx, tx, t.ID, values); err != nil {
			return err
		}
		r := extra
		r.TicketID, r.ClientID, r.CreatedAt = t.ID, client.ID, t.CreatedAt
		if err := store.InsertOpen311Request(ctx, tx, &r); err != nil {
			return err
		}
		return countClientWrite(ctx, tx, client, t.CreatedAt)
	}
	rc, created, err := s.CreatePublicTicket(ctx, nt, PublicIntake{Channel: ticket.ChannelOpen311, Client: client.Name,
		Key: in.IdempotencyKey, within: within}, files...)
	if err != nil {
		return nil, err
	}
	return &Open311Receipt{Number: rc.Ticket.Number, Token: rc.Token, AccountID: in.AccountID, Created: created,
		ReplyWithin: ticket.DefaultSLA(rc.Ticket.Kind, rc.Ticket.Urgency).Reply}, nil
}

// prepareOpen311 checks a submission and returns the ticket to create,
// the Open311 record and the attribute values to store with it.
func (s *Service) prepareOpen311(ctx context.Context, client *store.APIClient, in *Open311Submission, files int) (ticket.NewTicket, store.Open311Request, []store.TicketAttribute, error) {
	var nt ticket.NewTicket
	var extra store.Open311Request
	if client == nil || !client.Active() {
		return nt, extra, nil, minsheng.Errorf(minsheng.EFORBIDDEN, "invalid api_key")
	}
	in.ServiceCode = strings.TrimSpace(in.ServiceCode)
	if in.ServiceCode == "" {
		return nt, extra, nil, minsheng.FieldError("service_code", "service_code is required; GET services for the list")
	}
	nt, extra, err := checkSubmission(in)
	if err != nil {
		return nt, extra, nil, err
	}
	if files > ticket.MaxAttachmentsPerAction {
		return nt, extra, nil, minsheng.FieldError("media", "at most %d files at a time", ticket.MaxAttachmentsPerAction)
	}
	var values []store.TicketAttribute
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		c, err := loadCatalog(ctx, tx)
		if err != nil {
			return err
		}
		cat := c.byCode[in.ServiceCode]
		if !c.isService(cat) {
			return serviceNotFound(in.ServiceCode)
		}
		nt.CategoryID = cat.ID
		if nt.Title == "" && nt.Description == "" {
			nt.Title = cat.Name
		}
		defs, err := store.ListCategoryAttributes(ctx, tx, cat.ID)
		if err != nil {
			return err
		}
		values, err = checkAttributeValues(in.ServiceCode, defs, in.Attributes)
		return err
	})
	if err != nil {
		return nt, extra, nil, err
	}
	// The ticket's own checks (lengths, phone, coordinates) are made when
	// it is written; make them now too, to report them before the files.
	check := nt
	check.Channel = ticket.ChannelOpen311
	check.Normalize()
	if err := check.Validate(); err != nil {
		return nt, extra, nil, open311Field(err)
	}
	return nt, extra, values, nil
}

// open311Field renames the ticket's fields in an error to the Open311
// parameters they come from.
func open311Field(err error) error {
	var e *minsheng.Error
	if !errors.As(err, &e) || e.Field == "" {
		return err
	}
	names := map[string]string{"caller_phone": "phone", "caller_name": "last_name", "address": "address_string", "lng": "long"}
	if n, ok := names[e.Field]; ok {
		c := *e
		c.Field = n
		c.Message = strings.ReplaceAll(c.Message, e.Field, n)
		return &c
	}
	return err
}

// checkSubmission checks what a submission says besides its service and
// attributes, and returns the ticket to create and the Open311 record.
func checkSubmission(in *Open311Submission) (ticket.NewTicket, store.Open311Request, error) {
	var nt ticket.NewTicket
	var rec store.Open311Request
	trim := func(p *string) { *p = strings.TrimSpace(*p) }
	for _, p := range []*string{&in.AddressString, &in.AddressID, &in.Description, &in.Email, &in.Phone, &in.FirstName,
		&in.LastName, &in.DeviceID, &in.AccountID, &in.MediaURL} {
		trim(p)
	}
	if (in.Lat == nil) != (in.Long == nil) {
		return nt, rec, minsheng.FieldError("lat", "lat and long must be sent together")
	}
	if in.Lat == nil && in.AddressString == "" && in.AddressID == "" {
		return nt, rec, minsheng.FieldError("lat", "a location is required: lat and long, address_string or address_id")
	}
	if in.Lat != nil && (math.IsNaN(*in.Lat) || math.IsNaN(*in.Long) || math.IsInf(*in.Lat, 0) || math.IsInf(*in.Long, 0)) {
		return nt, rec, minsheng.FieldError("lat", "lat and long must be numbers")
	}
	for _, f := range []struct {
		name string
		v    string
		max  int
	}{{"address_id", in.AddressID, 200}, {"device_id", in.DeviceID, 200}, {"account_id", in.AccountID, 200},
		{"first_name", in.FirstName, ticket.MaxName}, {"last_name", in.LastName, ticket.MaxName}, {"email", in.Email, 254},
		{"media_url", in.MediaURL, 2000}} {
		if err := checkAttrText(f.name, f.v, f.max, false); err != nil {
			return nt, rec, err
		}
	}
	if in.Email != "" {
		if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
			return nt, rec, minsheng.FieldError("email", "email is not an email address")
		}
	}
	if in.MediaURL != "" {
		if u, err := url.Parse(in.MediaURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nt, rec, minsheng.FieldError("media_url", "media_url must be an http or https URL")
		}
	}
	address := in.AddressString
	if address == "" && in.AddressID != "" {
		address = "地址编码 " + in.AddressID
	}
	nt = ticket.NewTicket{
		Description: in.Description, Kind: ticket.KindHelp, CallerName: personName(in.FirstName, in.LastName),
		CallerPhone: in.Phone, Address: address, Lat: in.Lat, Lng: in.Long,
	}
	rec = store.Open311Request{AddressID: in.AddressID, MediaURL: in.MediaURL, DeviceID: in.DeviceID, AccountID: in.AccountID, Email: in.Email}
	return nt, rec, nil
}

// personName joins given and family names: family name first, without a
// space, for Chinese names (王 + 秀兰 = 王秀兰); "given family" otherwise.
func personName(given, family string) string {
	switch {
	case given == "":
		return family
	case family == "":
		return given
	case strings.ContainsFunc(given+family, func(r rune) bool { return unicode.Is(unicode.Han, r) }):
		return family + given
	}
	return given + " " + family
}

// checkAttributeValues validates submitted attribute values against a
// service's definitions and returns them as they are stored.
func checkAttributeValues(service string, defs []*store.CategoryAttribute, sent map[string][]string) ([]store.TicketAttribute, error) {
	byCode := map[string]*store.CategoryAttribute{}
	for _, d := range defs {
		byCode[d.Code] = d
	}
	field := func(code string) string { return "attribute[" + code + "]" }
	for code := range sent {
		if byCode[code] == nil {
			return nil, minsheng.FieldError(field(code), "service %s has no attribute %q; GET services/%s for its definition", service, code, service)
		}
	}
	var out []store.TicketAttribute
	for _, d := range defs {
		var vals []string
		for _, v := range sent[d.Code] {
			if v = strings.TrimSpace(v); v != "" {
				vals = append(vals, v)
			}
		}
		if !d.Variable {
			continue // it only informs; nothing to answer
		}
		if len(vals) == 0 {
			if d.Required {
				return nil, minsheng.FieldError(field(d.Code), "attribute[%s] is required: %s", d.Code, d.Description)
			}
			continue
		}
		if d.Datatype != store.DatatypeMultiValueList && len(vals) > 1 {
			return nil, minsheng.FieldError(field(d.Code), "attribute[%s] takes one value", d.Code)
		}
		seen := map[string]bool{}
		for i, v := range vals {
			norm, err := checkAttributeValue(d, v)
			if err != nil {
				return nil, err
			}
			if seen[norm] {
				return nil, minsheng.FieldError(field(d.Code), "attribute[%s] has value %q twice", d.Code, v)
			}
			seen[norm] = true
			out = append(out, store.TicketAttribute{Code: d.Code, Position: i + 1, Value: norm})
		}
	}
	return out, nil
}

func checkAttributeValue(d *store.CategoryAttribute, v string) (string, error) {
	field := "attribute[" + d.Code + "]"
	switch d.Datatype {
	case store.DatatypeString:
		if err := checkAttrText(field, v, maxAttributeValue, false); err != nil {
			return "", err
		}
	case store.DatatypeText:
		if err := checkAttrText(field, v, ticket.MaxDescription, true); err != nil {
			return "", err
		}
	case store.DatatypeNumber:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return "", minsheng.FieldError(field, "attribute[%s] must be a number, not %q", d.Code, v)
		}
		return strconv.FormatFloat(f, 'f', -1, 64), nil
	case store.DatatypeDatetime:
		t, err := ParseW3CTime(v)
		if err != nil {
			return "", minsheng.FieldError(field, "attribute[%s] must be a date and time such as 2026-03-02T09:30:00+08:00, not %q", d.Code, v)
		}
		return t.Format(time.RFC3339), nil
	case store.DatatypeSingleValueList, store.DatatypeMultiValueList:
		for _, x := range d.Values {
			if x.Key == v {
				return v, nil
			}
		}
		keys := make([]string, len(d.Values))
		for i, x := range d.Values {
			keys[i] = x.Key
		}
		return "", minsheng.FieldError(field, "attribute[%s] must be one of %s, not %q", d.Code, strings.Join(keys, ", "), v)
	}
	return v, nil
}

// chinaZone is the time zone dates without one are read in.
var chinaZone = time.FixedZone("CST", 8*3600)

// ParseW3CTime reads a date and time in the W3C profile of ISO 8601 that
// Open311 uses: 2026-03-02T09:30:00+08:00 (seconds and fraction optional,
// Z for UTC). A date alone (2026-03-02) is midnight in China. A time
// without a zone is refused.
func ParseW3CTime(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	if t, err := time.ParseInLocation("2006-01-02", v, chinaZone); err == nil {
		return t, nil
	}
	return time.Time{}, errors.New("not a W3C date and time with a time zone")
}

// Open311Status maps a ticket status to Open311's two: closed once the
// district has answered, merged it into another request, or found it
// invalid; open otherwise (reopened requests are open again).
func Open311Status(s ticket.Status) string {
	switch s {
	case ticket.StatusResolvedAtIntake, ticket.StatusReplied, ticket.StatusClosed, ticket.StatusMerged, ticket.StatusInvalid:
		return "closed"
	}
	return "open"
}

func statusesFor(open311 string) []ticket.Status {
	var out []ticket.Status
	for _, s := range ticket.Statuses {
		if s != ticket.StatusInvalid && Open311Status(s) == open311 {
			out = append(out, s)
		}
	}
	return out
}

// PublicMedia is a file the public may see: the resident's photos of the
// request and of their updates, and those sent with the reply.
type PublicMedia struct {
	ID          int64
	EventSeq    int
	ContentType string
}

// PublicNote is a step of a request as the public sees it: what happened,
// which unit did it, never which staff member. Text is the reply, the
// answer or the resident's comment, with phone numbers, ID numbers and
// emails masked; empty for private categories.
type PublicNote struct {
	Number string
	Seq    int
	At     time.Time
	Action ticket.Action
	Status ticket.Status
	Unit   string
	Text   string
	Parent string // merge: the request this one was merged into
	Child  string // merge: the request merged into this one
	Media  []PublicMedia
}

// UpdateID is the note's identifier among the updates of all requests:
// the request number and the step's sequence number.
func (n *PublicNote) UpdateID() string { return n.Number + "-" + strconv.Itoa(n.Seq) }

// PublicRequest is a request as the public sees it. It holds no caller
// data. For a category marked private it holds neither the description,
// the address and point, the replies nor the photos.
type PublicRequest struct {
	Number        string
	Status        ticket.Status
	ServiceCode   string
	ServiceName   string
	ServiceNameEN string
	Group         string
	GroupEN       string
	Private       bool
	Title         string
	Description   string
	Address       string
	AddressID     string
	Lat, Long     *float64
	Agency        string // the handling unit, once dispatched
	RequestedAt   time.Time
	UpdatedAt     time.Time
	ExpectedAt    *time.Time // the reply deadline
	Reply         string
	Parent        string // the request this one was merged into
	Media         []PublicMedia
	MediaURL      string // a link the client sent instead of a file
	Notes         []PublicNote
}

// publicActions are the steps shown publicly whoever took them; a resident's
// own attach (a comment, photos) is shown too.
var open311Actions = []ticket.Action{
	ticket.ActionRegister, ticket.ActionResolveAtIntake, ticket.ActionDispatch, ticket.ActionRedispatch,
	ticket.ActionAcknowledge, ticket.ActionReply, ticket.ActionClose, ticket.ActionReopen, ticket.ActionMerge,
}

var open311ResidentActions = []ticket.Action{ticket.ActionAttach}

// mediaEvent reports whether files of the event are public.
func mediaEvent(e *ticket.Event) bool {
	switch e.Action {
	case ticket.ActionRegister, ticket.ActionReply, ticket.ActionResolveAtIntake:
		return true
	case ticket.ActionAttach:
		return e.ActorID == 0
	}
	return false
}

// PublicRequestQuery selects requests for the public listing. Numbers,
// when given, override every other filter. Without dates the listing
// covers the last 90 days; a range may not span more than 90 days.
type PublicRequestQuery struct {
	Numbers       []string
	ServiceCodes  []string // a group's code selects all its services
	Statuses      []string // open, closed
	Start, End    *time.Time
	UpdatedAfter  *time.Time
	UpdatedBefore *time.Time
	Near          *store.Circle
	Page          int // from 1
	PageSize      int // 0: MaxOpen311PageSize
}

// PublicRequestPage is a page of the public listing; More tells that
// another page follows.
type PublicRequestPage struct {
	Requests []PublicRequest
	More     bool
}

func checkIDs(ids []string) ([]string, error) {
	var out []string
	for _, id := range ids {
		if id = strings.TrimSpace(id); id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	if len(out) > MaxOpen311IDs {
		return nil, minsheng.FieldError("service_request_id", "at most %d service_request_id values at a time", MaxOpen311IDs)
	}
	return out, nil
}

// window checks a start..end range and fills the defaults: the last 90
// days, or 90 days from the start or up to the end.
func (s *Service) window(start, end *time.Time, defaults bool) (*time.Time, *time.Time, error) {
	if start != nil && end != nil {
		if end.Before(*start) {
			return nil, nil, minsheng.FieldError("end_date", "end_date is before start_date")
		}
		if end.Sub(*start) > MaxOpen311Span {
			return nil, nil, minsheng.FieldError("end_date", "start_date to end_date may not span more than 90 days")
		}
		return start, end, nil
	}
	switch {
	case start != nil:
		e := start.Add(MaxOpen311Span)
		return start, &e, nil
	case end != nil:
		st := end.Add(-MaxOpen311Span)
		return &st, end, nil
	case defaults:
		e := s.now()
		st := e.Add(-MaxOpen311Span)
		return &st, &e, nil
	}
	return nil, nil, nil
}

func checkPage(page, size int) (int, int, error) {
	if page == 0 {
		page = 1
	}
	if page < 1 || page > 1_000_000 {
		return 0, 0, minsheng.FieldError("page", "page must be a positive number")
	}
	if size == 0 {
		size = MaxOpen311PageSize
	}
	if size < 1 || size > MaxOpen311PageSize {
		return 0, 0, minsheng.FieldError("page_size", "page_size must be between 1 and %d", MaxOpen311PageSize)
	}
	return page, size, nil
}

// PublicRequests returns a page of the public listing of requests, newest
// first, with their public history.
func (s *Service) PublicRequests(ctx context.Context, q PublicRequestQuery) (*PublicRequestPage, error) {
	page, size, err := checkPage(q.Page, q.PageSize)
	if err != nil {
		return nil, err
	}
	numbers, err := checkIDs(q.Numbers)
	if err != nil {
		return nil, err
	}
	f := store.PublicTicketFilter{Numbers: numbers, Limit: size + 1, Offset: (page - 1) * size}
	if len(numbers) == 0 {
		for _, st := range q.Statuses {
			switch st = strings.TrimSpace(st); st {
			case "open", "closed":
				f.Statuses = append(f.Statuses, statusesFor(st)...)
			default:
				return nil, minsheng.FieldError("status", "status must be open or closed, not %q", st)
			}
		}
		if q.UpdatedAfter != nil && q.UpdatedBefore != nil && q.UpdatedBefore.Before(*q.UpdatedAfter) {
			return nil, minsheng.FieldError("updated_before", "updated_before is before updated_after")
		}
		f.UpdatedAfter, f.UpdatedBefore = q.UpdatedAfter, q.UpdatedBefore
		noUpdated := q.UpdatedAfter == nil && q.UpdatedBefore == nil
		if f.CreatedFrom, f.CreatedTo, err = s.window(q.Start, q.End, noUpdated); err != nil {
			return nil, err
		}
		if c := q.Near; c != nil {
			if c.Lat < -90 || c.Lat > 90 || c.Lng < -180 || c.Lng > 180 {
				return nil, minsheng.FieldError("lat", "lat must be between -90 and 90 and long between -180 and 180")
			}
			if c.Radius <= 0 || c.Radius > MaxOpen311Radius {
				return nil, minsheng.FieldError("radius", "radius must be between 1 and %d metres", MaxOpen311Radius)
			}
			f.Near = c
		}
	}
	out := &PublicRequestPage{Requests: []PublicRequest{}}
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		c, err := loadCatalog(ctx, tx)
		if err != nil {
			return err
		}
		if len(numbers) == 0 {
			for _, code := range q.ServiceCodes {
				ids, err := c.subtree(strings.TrimSpace(code))
				if err != nil {
					return err
				}
				f.CategoryIDs = append(f.CategoryIDs, ids...)
			}
		}
		list, err := store.ListPublicTickets(ctx, tx, f)
		if err != nil {
			return err
		}
		if len(list) > size {
			list, out.More = list[:size], true
		}
		out.Requests, err = s.publicRequests(ctx, tx, c, list)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// subtree returns the ids of the category with the code and of all below it.
func (c *catalog) subtree(code string) ([]int64, error) {
	x, ok := c.byCode[code]
	if !ok {
		return nil, minsheng.FieldError("service_code", "service_code %q was not found; GET services for the list", code)
	}
	var out []int64
	for _, y := range c.byID {
		if strings.HasPrefix(y.Path, x.Path) {
			out = append(out, y.ID)
		}
	}
	slices.Sort(out)
	return out, nil
}

// PublicRequest returns one request of the public listing, or ENOTFOUND.
func (s *Service) PublicRequest(ctx context.Context, number string) (*PublicRequest, error) {
	var out *PublicRequest
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		c, err := loadCatalog(ctx, tx)
		if err != nil {
			return err
		}
		list, err := store.ListPublicTickets(ctx, tx, store.PublicTicketFilter{Numbers: []string{strings.TrimSpace(number)}, Limit: 1})
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return minsheng.Errorf(minsheng.ENOTFOUND, "service_request_id %q was not found", number)
		}
		rs, err := s.publicRequests(ctx, tx, c, list)
		if err != nil {
			return err
		}
		out = &rs[0]
		return nil
	})
	return out, err
}

// unitNames looks unit names up once per transaction.
type unitNames struct {
	ctx   context.Context
	tx    *store.Tx
	names map[int64]string
}

func (u *unitNames) name(id int64) string {
	if id == 0 {
		return ""
	}
	if n, ok := u.names[id]; ok {
		return n
	}
	unit, err := store.GetUnit(u.ctx, u.tx, id)
	if err == nil {
		u.names[id] = unit.Name
	}
	return u.names[id]
}

// publicRequests builds the public view of tickets already known to be in
// the public listing.
func (s *Service) publicRequests(ctx context.Context, tx *store.Tx, c *catalog, list []*ticket.Ticket) ([]PublicRequest, error) {
	out := make([]PublicRequest, 0, len(list))
	if len(list) == 0 {
		return out, nil
	}
	ids := make([]int64, len(list))
	numbers := make([]string, len(list))
	for i, t := range list {
		ids[i], numbers[i] = t.ID, t.Number
	}
	events, err := store.ListPublicEvents(ctx, tx, store.PublicEventFilter{Actions: open311Actions,
		ResidentActions: open311ResidentActions, Numbers: numbers, Limit: 1_000_000})
	if err != nil {
		return nil, err
	}
	atts, err := store.ListAttachmentsOf(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	links, err := store.Open311MediaURLs(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	units := &unitNames{ctx: ctx, tx: tx, names: map[int64]string{}}
	byTicket := map[int64][]store.PublicEvent{}
	for _, e := range events {
		byTicket[e.TicketID] = append(byTicket[e.TicketID], e)
	}
	attsBy := map[int64][]ticket.Attachment{}
	for _, a := range atts {
		attsBy[a.TicketID] = append(attsBy[a.TicketID], a)
	}
	for _, t := range list {
		cat := c.byID[t.CategoryID]
		if cat == nil {
			continue
		}
		top := c.top(cat)
		private := c.settings[cat.ID].Private
		r := PublicRequest{
			Number: t.Number, Status: t.Status, ServiceCode: cat.Code, ServiceName: cat.Name, ServiceNameEN: cat.NameEN,
			Group: top.Name, GroupEN: top.NameEN, Private: private, Agency: units.name(t.UnitID),
			RequestedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt, ExpectedAt: t.ReplyBy, Media: []PublicMedia{}, Notes: []PublicNote{},
		}
		if t.ParentID != 0 {
			if p, err := store.GetTicket(ctx, tx, t.ParentID); err == nil {
				r.Parent = p.Number
			}
		}
		if !private {
			r.Title, r.Description = MaskPersonal(t.Title), MaskPersonal(t.Description)
			if r.Description == "" {
				r.Description = r.Title
			}
			r.Address, r.Lat, r.Long = MaskPersonal(t.Address), t.Lat, t.Lng
			r.Reply = MaskPersonal(t.Reply)
			r.MediaURL = links[t.ID]
		}
		public := map[int]bool{}
		for _, e := range byTicket[t.ID] {
			n := publicNote(&e, units, private)
			if mediaEvent(&e.Event) {
				public[e.Seq] = true
			}
			r.Notes = append(r.Notes, n)
		}
		if !private {
			for _, a := range attsBy[t.ID] {
				if public[a.EventSeq] {
					m := PublicMedia{ID: a.ID, EventSeq: a.EventSeq, ContentType: a.ContentType}
					r.Media = append(r.Media, m)
					for i := range r.Notes {
						if r.Notes[i].Seq == a.EventSeq {
							r.Notes[i].Media = append(r.Notes[i].Media, m)
						}
					}
				}
			}
		}
		out = append(out, r)
	}
	return out, nil
}

func publicNote(e *store.PublicEvent, units *unitNames, private bool) PublicNote {
	n := PublicNote{Number: e.Number, Seq: e.Seq, At: e.At, Action: e.Action, Status: e.ToStatus, Unit: units.name(e.UnitID)}
	switch e.Action {
	case ticket.ActionReply, ticket.ActionResolveAtIntake, ticket.ActionAttach:
		if !private {
			n.Text = MaskPersonal(e.Note)
		}
	case ticket.ActionMerge:
		n.Parent, n.Child = e.Data["parent"], e.Data["child"]
	}
	return n
}

// PublicUpdateQuery selects the updates of public requests (FixMyStreet's
// servicerequestupdates): by default those of the last 90 days.
type PublicUpdateQuery struct {
	Numbers    []string
	Start, End *time.Time
	Page       int
	PageSize   int
}

// PublicUpdatePage is a page of updates, oldest first.
type PublicUpdatePage struct {
	Updates []PublicNote
	More    bool
}

// PublicUpdates returns a page of the public updates of requests.
func (s *Service) PublicUpdates(ctx context.Context, q PublicUpdateQuery) (*PublicUpdatePage, error) {
	page, size, err := checkPage(q.Page, q.PageSize)
	if err != nil {
		return nil, err
	}
	numbers, err := checkIDs(q.Numbers)
	if err != nil {
		return nil, err
	}
	from, to, err := s.window(q.Start, q.End, len(numbers) == 0)
	if err != nil {
		return nil, err
	}
	out := &PublicUpdatePage{Updates: []PublicNote{}}
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		c, err := loadCatalog(ctx, tx)
		if err != nil {
			return err
		}
		events, err := store.ListPublicEvents(ctx, tx, store.PublicEventFilter{Actions: open311Actions,
			ResidentActions: open311ResidentActions, Numbers: numbers, From: from, To: to, Offset: (page - 1) * size, Limit: size + 1})
		if err != nil {
			return err
		}
		if len(events) > size {
			events, out.More = events[:size], true
		}
		var ids []int64
		for _, e := range events {
			if !slices.Contains(ids, e.TicketID) {
				ids = append(ids, e.TicketID)
			}
		}
		atts, err := store.ListAttachmentsOf(ctx, tx, ids)
		if err != nil {
			return err
		}
		units := &unitNames{ctx: ctx, tx: tx, names: map[int64]string{}}
		for _, e := range events {
			private := c.settings[e.CategoryID].Private
			n := publicNote(&e, units, private)
			if !private && mediaEvent(&e.Event) {
				for _, a := range atts {
					if a.TicketID == e.TicketID && a.EventSeq == e.Seq {
						n.Media = append(n.Media, PublicMedia{ID: a.ID, EventSeq: a.EventSeq, ContentType: a.ContentType})
					}
				}
			}
			out.Updates = append(out.Updates, n)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Open311UpdateInput is a resident's update to their request, as a client
// posts it (FixMyStreet's POST servicerequestupdates). UpdateID is the
// client's own id for it: a second post with the same one is not recorded
// twice. Status is what the client thinks of the request (OPEN, CLOSED,
// FIXED …); it is noted, but only staff change a request's status.
type Open311UpdateInput struct {
	Number      string
	Description string
	UpdateID    string
	Status      string
	MediaURL    string
}

// CheckOpen311Update makes every check of PostOpen311Update without
// writing anything; files tells how many files come with the update.
func (s *Service) CheckOpen311Update(ctx context.Context, client *store.APIClient, in Open311UpdateInput, files int) error {
	if err := checkUpdateInput(client, &in, files); err != nil {
		return err
	}
	return s.db.Read(ctx, func(tx *store.Tx) error {
		t, err := ownTicket(ctx, tx, client, in.Number)
		if err != nil {
			return err
		}
		return updatable(t)
	})
}

func checkUpdateInput(client *store.APIClient, in *Open311UpdateInput, files int) error {
	if client == nil || !client.Active() {
		return minsheng.Errorf(minsheng.EFORBIDDEN, "invalid api_key")
	}
	in.Number, in.Description = strings.TrimSpace(in.Number), strings.TrimSpace(in.Description)
	in.UpdateID, in.Status, in.MediaURL = strings.TrimSpace(in.UpdateID), strings.TrimSpace(in.Status), strings.TrimSpace(in.MediaURL)
	if in.Number == "" {
		return minsheng.FieldError("service_request_id", "service_request_id is required")
	}
	if in.Description == "" && files == 0 {
		return minsheng.FieldError("description", "description is required")
	}
	if files > ticket.MaxAttachmentsPerAction {
		return minsheng.FieldError("media", "at most %d files at a time", ticket.MaxAttachmentsPerAction)
	}
	if err := ticket.CheckNote("description", in.Description, false); err != nil {
		return err
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"update_id", in.UpdateID, 200}, {"status", in.Status, 50}, {"media_url", in.MediaURL, 2000}} {
		if err := checkAttrText(f.name, f.v, f.max, false); err != nil {
			return err
		}
	}
	if in.MediaURL != "" {
		if u, err := url.Parse(in.MediaURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return minsheng.FieldError("media_url", "media_url must be an http or https URL")
		}
	}
	return nil
}

// ownTicket loads a public request that the client submitted: ENOTFOUND
// for no public request, EFORBIDDEN for another's.
func ownTicket(ctx context.Context, tx *store.Tx, client *store.APIClient, number string) (*ticket.Ticket, error) {
	t, err := store.GetTicketByNumber(ctx, tx, number)
	if minsheng.IsCode(err, minsheng.ENOTFOUND) || (err == nil && (t.CategoryID == 0 || t.Status == ticket.StatusInvalid)) {
		return nil, minsheng.Errorf(minsheng.ENOTFOUND, "service_request_id %q was not found", number)
	}
	if err != nil {
		return nil, err
	}
	rec, err := store.GetOpen311Request(ctx, tx, t.ID)
	if minsheng.IsCode(err, minsheng.ENOTFOUND) || (err == nil && rec.ClientID != client.ID) {
		return nil, minsheng.Errorf(minsheng.EFORBIDDEN, "only the client that submitted request %s may post updates to it", t.Number)
	}
	if err != nil {
		return nil, err
	}
	return t, nil
}

func updatable(t *ticket.Ticket) error {
	if t.Status == ticket.StatusMerged {
		return &minsheng.Error{Code: minsheng.ECONFLICT, Status: string(t.Status),
			Message: fmt.Sprintf("request %s was merged into another request; post updates there", t.Number)}
	}
	return nil
}

// PostOpen311Update records a resident's comment (and photos) on a request
// that the same client submitted, as an event of the ticket. It returns the
// update as the public sees it.
func (s *Service) PostOpen311Update(ctx context.Context, client *store.APIClient, in Open311UpdateInput, files ...Upload) (*PublicNote, error) {
	if err := checkUpdateInput(client, &in, len(files)); err != nil {
		return nil, err
	}
	ids, err := s.uploadIDs(ctx, files)
	if err != nil {
		return nil, err
	}
	var seq int
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		t, err := ownTicket(ctx, tx, client, in.Number)
		if err != nil {
			return err
		}
		if in.UpdateID != "" {
			events, err := store.ListEvents(ctx, tx, t.ID)
			if err != nil {
				return err
			}
			for _, e := range events {
				if e.Action == ticket.ActionAttach && e.ActorID == 0 && e.Data["client_id"] == strconv.FormatInt(client.ID, 10) &&
					e.Data["update_id"] == in.UpdateID {
					seq = e.Seq // already recorded
					return nil
				}
			}
		}
		if err := updatable(t); err != nil {
			return err
		}
		err = s.apply(ctx, tx, t, 0, ticket.ActionAttach, in.Description, files, ids,
			func(_ context.Context, _ *store.Tx, t *ticket.Ticket, e *ticket.Event, _ time.Time) error {
				e.Data = map[string]string{"by": "resident", "channel": string(ticket.ChannelOpen311), "client": client.Name,
					"client_id": strconv.FormatInt(client.ID, 10)}
				for k, v := range map[string]string{"update_id": in.UpdateID, "client_status": strings.ToLower(in.Status), "media_url": in.MediaURL} {
					if v != "" {
						e.Data[k] = v
					}
				}
				return nil
			})
		if err != nil {
			return err
		}
		seq = t.Version
		return countClientWrite(ctx, tx, client, t.UpdatedAt)
	})
	if err != nil {
		return nil, err
	}
	page, err := s.PublicUpdates(ctx, PublicUpdateQuery{Numbers: []string{in.Number}, PageSize: MaxOpen311PageSize})
	if err != nil {
		return nil, err
	}
	for i := range page.Updates {
		if page.Updates[i].Seq == seq {
			s.log.InfoContext(ctx, "open311 update recorded", "ticket", in.Number, "client", client.Name, "seq", seq)
			return &page.Updates[i], nil
		}
	}
	// The update is older than the default window (a replayed update_id).
	return &PublicNote{Number: in.Number, Seq: seq, Action: ticket.ActionAttach}, nil
}

// Open311TokenRequest returns the number of the request a tracking token
// belongs to, or ENOTFOUND.
func (s *Service) Open311TokenRequest(ctx context.Context, token string) (string, error) {
	var number string
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		t, err := store.GetTicketByTrackingHash(ctx, tx, org.HashSecret(strings.TrimSpace(token)))
		if err != nil {
			return minsheng.Errorf(minsheng.ENOTFOUND, "token was not found")
		}
		number = t.Number
		return nil
	})
	return number, err
}

// OpenPublicMedia returns a file of a request that the public may see (see
// PublicMedia) and its content, or ENOTFOUND.
func (s *Service) OpenPublicMedia(ctx context.Context, number string, id int64) (*ticket.Attachment, io.ReadSeekCloser, error) {
	r, err := s.PublicRequest(ctx, number)
	if err != nil {
		return nil, nil, err
	}
	for _, m := range r.Media {
		if m.ID != id {
			continue
		}
		var a *ticket.Attachment
		err := s.db.Read(ctx, func(tx *store.Tx) error {
			t, err := store.GetTicketByNumber(ctx, tx, r.Number)
			if err != nil {
				return err
			}
			a, err = store.GetAttachment(ctx, tx, t.ID, id)
			return err
		})
		if err != nil {
			return nil, nil, err
		}
		return s.openBlob(a)
	}
	return nil, nil, minsheng.Errorf(minsheng.ENOTFOUND, "file %d of request %s not found", id, number)
}

// TicketAttributeView is a submitted attribute value with its definition's
// wording, for staff.
type TicketAttributeView struct {
	Code        string   `json:"code"`
	Description string   `json:"description,omitempty"` // empty if the attribute was deleted since
	Datatype    string   `json:"datatype,omitempty"`
	Values      []string `json:"values"`
	Names       []string `json:"names,omitempty"` // the names of list values
}

// TicketOpen311View is what an Open311 client sent with a ticket, for staff.
type TicketOpen311View struct {
	Client     string                `json:"client,omitempty"`
	Request    *store.Open311Request `json:"request,omitempty"`
	Attributes []TicketAttributeView `json:"attributes"`
}

// TicketOpen311 returns the attribute values and Open311 details of a
// ticket the user may see. The sender's email is shown to those who may see
// the caller's data, masked to others.
func (s *Service) TicketOpen311(ctx context.Context, actor *org.User, ref string) (*TicketOpen311View, error) {
	v := &TicketOpen311View{Attributes: []TicketAttributeView{}}
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		t, err := s.loadVisible(ctx, tx, actor, ref)
		if err != nil {
			return err
		}
		vals, err := store.ListTicketAttributes(ctx, tx, t.ID)
		if err != nil {
			return err
		}
		var defs []*store.CategoryAttribute
		if t.CategoryID != 0 {
			if defs, err = store.ListCategoryAttributes(ctx, tx, t.CategoryID); err != nil {
				return err
			}
		}
		for _, x := range vals {
			if n := len(v.Attributes); n == 0 || v.Attributes[n-1].Code != x.Code {
				av := TicketAttributeView{Code: x.Code}
				for _, d := range defs {
					if d.Code == x.Code {
						av.Description, av.Datatype = d.Description, d.Datatype
					}
				}
				v.Attributes = append(v.Attributes, av)
			}
			av := &v.Attributes[len(v.Attributes)-1]
			av.Values = append(av.Values, x.Value)
			for _, d := range defs {
				if d.Code != x.Code {
					continue
				}
				for _, o := range d.Values {
					if o.Key == x.Value {
						av.Names = append(av.Names, o.Name)
					}
				}
			}
		}
		rec, err := store.GetOpen311Request(ctx, tx, t.ID)
		if minsheng.IsCode(err, minsheng.ENOTFOUND) {
			return nil
		}
		if err != nil {
			return err
		}
		if !ticket.MayReveal(actor, t) {
			rec.Email = maskEmail(rec.Email)
		}
		v.Request = rec
		if c, err := store.GetAPIClient(ctx, tx, rec.ClientID); err == nil {
			v.Client = c.Name
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

func maskEmail(e string) string {
	local, domain, ok := strings.Cut(e, "@")
	if !ok {
		return ticket.MaskName(e)
	}
	return ticket.MaskName(local) + "@" + domain
}

var emailRE = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`)

// asciiDigits turns full-width digits into ASCII and leaves the rest.
func asciiDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return '0' + (r - '０')
		}
		return r
	}, s)
}

// MaskPersonal masks what looks like personal data in text shown to the
// public: mobile numbers (138****5678), landlines, ID card and bank card
// numbers, and emails. Ticket numbers and dates are left as they are.
func MaskPersonal(s string) string {
	if s == "" {
		return s
	}
	s = emailRE.ReplaceAllStringFunc(s, maskEmail)
	var b strings.Builder
	b.Grow(len(s))
	rs := []rune(s)
	isDigit := func(r rune) bool { return r >= '0' && r <= '9' || r >= '０' && r <= '９' }
	prev, prevEnd := "", -1 // the last run of digits and where it ended
	for i := 0; i < len(rs); {
		if !isDigit(rs[i]) {
			b.WriteRune(rs[i])
			i++
			continue
		}
		j := i
		for j < len(rs) && isDigit(rs[j]) {
			j++
		}
		if j < len(rs) && j-i == 17 && (rs[j] == 'X' || rs[j] == 'x') {
			j++ // an ID card number ending in X
		}
		run := string(rs[i:j])
		d := asciiDigits(run) // full-width digits to ASCII, nothing else changed
		n := len(d)
		afterAreaCode := i > 0 && prevEnd == i-1 && rs[i-1] == '-' && (len(prev) == 3 || len(prev) == 4) && prev[0] == '0'
		switch {
		case n == 11 && d[0] == '1': // mobile
			b.WriteString(ticket.MaskPhone(d))
		case n == 13 && strings.HasPrefix(d, "861"): // mobile with country code
			b.WriteString("86" + ticket.MaskPhone(d[2:]))
		case n >= 15: // ID card, bank card
			b.WriteString(strings.Repeat("*", n-4) + d[n-4:])
		case n >= 10 && n <= 12 && d[0] == '0': // landline with area code
			b.WriteString(d[:3] + strings.Repeat("*", n-5) + d[n-2:])
		case (n == 7 || n == 8) && afterAreaCode: // landline after 0971-
			b.WriteString(strings.Repeat("*", n-2) + d[n-2:])
		default:
			b.WriteString(run)
		}
		prev, prevEnd = d, j
		i = j
	}
	return b.String()
}
