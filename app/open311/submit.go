package open311

// Submission of requests by clients.

import (
	"context"
	"errors"
	"math"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

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
func (s *Service) SubmitOpen311Request(ctx context.Context, client *store.APIClient, in Open311Submission, files ...app.Upload) (*Open311Receipt, error) {
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
	rc, created, err := s.tickets.CreatePublicTicket(ctx, nt, app.PublicIntake{Channel: ticket.ChannelOpen311, Client: client.Name,
		Key: in.IdempotencyKey, Within: within}, files...)
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
