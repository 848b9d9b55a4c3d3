package open311

import (
	"encoding/json"
	"encoding/xml"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The shapes below are GeoReport v2's, field for field and in the spec's
// order, with xml and json tags. JSON follows the spec's Spark convention: a
// list answer is a bare array (the XML root and item elements dropped), and
// an absent value is null. XML always writes every element of a shape, empty
// when there is no value, as the spec's examples do.

// optString is a string that may be absent: null in JSON, an empty element
// in XML.
type optString struct {
	s  string
	ok bool
}

func str(s string) optString { return optString{s: s, ok: s != ""} }

// IsZero reports an absent value: JSON leaves it out (omitzero), since
// strict clients refuse null where the spec's type is a string or number.
func (o optString) IsZero() bool { return !o.ok }

func (o optString) MarshalJSON() ([]byte, error) {
	if !o.ok {
		return []byte("null"), nil
	}
	return json.Marshal(o.s)
}

func (o optString) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return e.EncodeElement(o.s, start)
}

// optFloat is a number that may be absent.
type optFloat struct {
	f  float64
	ok bool
}

func num(f *float64) optFloat {
	if f == nil {
		return optFloat{}
	}
	return optFloat{f: *f, ok: true}
}

// IsZero reports an absent value (see optString.IsZero).
func (o optFloat) IsZero() bool { return !o.ok }

func (o optFloat) MarshalJSON() ([]byte, error) {
	if !o.ok {
		return []byte("null"), nil
	}
	return []byte(strconv.FormatFloat(o.f, 'f', -1, 64)), nil
}

func (o optFloat) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	s := ""
	if o.ok {
		s = strconv.FormatFloat(o.f, 'f', -1, 64)
	}
	return e.EncodeElement(s, start)
}

// w3c formats a time in the W3C profile of ISO 8601 with its offset:
// 2026-03-02T09:00:00+08:00.
func w3c(t time.Time, loc *time.Location) string {
	return t.In(loc).Format(time.RFC3339)
}

func optTime(t *time.Time, loc *time.Location) optString {
	if t == nil {
		return optString{}
	}
	return str(w3c(*t, loc))
}

// discovery is the service discovery document.
type discovery struct {
	XMLName    xml.Name   `xml:"discovery" json:"-"`
	Changeset  string     `xml:"changeset" json:"changeset"`
	Contact    string     `xml:"contact" json:"contact"`
	KeyService string     `xml:"key_service" json:"key_service"`
	Endpoints  []endpoint `xml:"endpoints>endpoint" json:"endpoints"`
}

type endpoint struct {
	Specification string   `xml:"specification" json:"specification"`
	URL           string   `xml:"url" json:"url"`
	Changeset     string   `xml:"changeset" json:"changeset"`
	Type          string   `xml:"type" json:"type"`
	Formats       []string `xml:"formats>format" json:"formats"`
}

// service is an entry of GET services.
type service struct {
	Code        string    `xml:"service_code" json:"service_code"`
	Name        string    `xml:"service_name" json:"service_name"`
	Description optString `xml:"description" json:"description,omitzero"`
	Metadata    bool      `xml:"metadata" json:"metadata"`
	Type        string    `xml:"type" json:"type"`
	Keywords    optString `xml:"keywords" json:"keywords,omitzero"`
	Group       optString `xml:"group" json:"group,omitzero"`
}

// serviceDefinition is the answer of GET services/{code}.
type serviceDefinition struct {
	XMLName     xml.Name    `xml:"service_definition" json:"-"`
	ServiceCode string      `xml:"service_code" json:"service_code"`
	Attributes  []attribute `xml:"attributes>attribute" json:"attributes"`
}

type attribute struct {
	Variable            bool      `xml:"variable" json:"variable"`
	Code                string    `xml:"code" json:"code"`
	Datatype            string    `xml:"datatype" json:"datatype"`
	Required            bool      `xml:"required" json:"required"`
	DatatypeDescription optString `xml:"datatype_description" json:"datatype_description,omitzero"`
	Order               int       `xml:"order" json:"order"`
	Description         string    `xml:"description" json:"description"`
	Values              valueList `xml:"values,omitempty" json:"values,omitempty"` // list types only
}

// valueList is the values of a list attribute: <values><value>… in XML.
type valueList []attrValue

func (l valueList) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	for _, v := range l {
		if err := e.EncodeElement(v, xml.StartElement{Name: xml.Name{Local: "value"}}); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}

type attrValue struct {
	Key  string `xml:"key" json:"key"`
	Name string `xml:"name" json:"name"`
}

// request is a service request of GET requests and GET requests/{id}.
type request struct {
	ServiceRequestID  string    `xml:"service_request_id" json:"service_request_id"`
	Status            string    `xml:"status" json:"status"`
	StatusNotes       optString `xml:"status_notes" json:"status_notes,omitzero"`
	ServiceName       optString `xml:"service_name" json:"service_name,omitzero"`
	ServiceCode       string    `xml:"service_code" json:"service_code"`
	Description       optString `xml:"description" json:"description,omitzero"`
	AgencyResponsible optString `xml:"agency_responsible" json:"agency_responsible,omitzero"`
	ServiceNotice     optString `xml:"service_notice" json:"service_notice,omitzero"`
	RequestedDatetime string    `xml:"requested_datetime" json:"requested_datetime"`
	UpdatedDatetime   optString `xml:"updated_datetime" json:"updated_datetime,omitzero"`
	ExpectedDatetime  optString `xml:"expected_datetime" json:"expected_datetime,omitzero"`
	Address           optString `xml:"address" json:"address,omitzero"`
	AddressID         optString `xml:"address_id" json:"address_id,omitzero"`
	Zipcode           optString `xml:"zipcode" json:"zipcode,omitzero"`
	Lat               optFloat  `xml:"lat" json:"lat,omitzero"`
	Long              optFloat  `xml:"long" json:"long,omitzero"`
	MediaURL          optString `xml:"media_url" json:"media_url,omitzero"`
	Extended          *extended `xml:"extended_attributes,omitempty" json:"extended_attributes,omitempty"`
}

// extended is what extensions=true adds to a request: the detailed status,
// the title, every public photo, and the public history.
type extended struct {
	DetailedStatus string    `xml:"detailed_status" json:"detailed_status"`
	Title          optString `xml:"title" json:"title,omitzero"`
	Group          optString `xml:"service_group" json:"service_group,omitzero"`
	DuplicateOf    optString `xml:"duplicate_of" json:"duplicate_of,omitzero"`
	MediaURLs      []string  `xml:"media_urls>media_url" json:"media_urls"`
	Notes          []note    `xml:"notes>note" json:"notes"`
}

type note struct {
	UpdateID          string    `xml:"update_id" json:"update_id"`
	Datetime          string    `xml:"datetime" json:"datetime"`
	Status            string    `xml:"status" json:"status"`
	DetailedStatus    string    `xml:"detailed_status" json:"detailed_status"`
	Action            string    `xml:"action" json:"action"`
	AgencyResponsible optString `xml:"agency_responsible" json:"agency_responsible,omitzero"`
	Description       string    `xml:"description" json:"description"`
	MediaURLs         []string  `xml:"media_urls>media_url" json:"media_urls"`
}

// created is the answer to POST requests. The request is registered at
// once (type realtime), so it has its id; the token is the resident's
// private tracking token, which tokens/{token} also resolves.
type created struct {
	ServiceRequestID string    `xml:"service_request_id" json:"service_request_id"`
	Token            string    `xml:"token" json:"token"`
	ServiceNotice    optString `xml:"service_notice" json:"service_notice,omitzero"`
	AccountID        optString `xml:"account_id" json:"account_id,omitzero"`
}

type tokenAnswer struct {
	ServiceRequestID string `xml:"service_request_id" json:"service_request_id"`
	Token            string `xml:"token" json:"token"`
}

// requestUpdate is an entry of FixMyStreet's servicerequestupdates.
type requestUpdate struct {
	UpdateID           string `xml:"update_id" json:"update_id"`
	ServiceRequestID   string `xml:"service_request_id" json:"service_request_id"`
	Status             string `xml:"status" json:"status"`
	UpdatedDatetime    string `xml:"updated_datetime" json:"updated_datetime"`
	Description        string `xml:"description" json:"description"`
	MediaURL           string `xml:"media_url" json:"media_url"`
	ExternalStatusCode string `xml:"external_status_code" json:"external_status_code"`
}

type updateCreated struct {
	UpdateID string `xml:"update_id" json:"update_id"`
}

type errorEntry struct {
	Code        int    `xml:"code" json:"code"`
	Description string `xml:"description" json:"description"`
}

// format is the encoding of an answer.
type format int

const (
	formatXML format = iota
	formatJSON
)

// responder writes answers in the request's format.
type responder struct {
	w      http.ResponseWriter
	r      *http.Request
	format format
	lang   string // "zh" or "en"
	log    *slog.Logger
}

func (rw *responder) header(status int, contentType string) {
	h := rw.w.Header()
	h.Set("Content-Type", contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Language", map[string]string{"en": "en", "zh": "zh-CN"}[rw.lang])
	h.Add("Vary", "Accept, Accept-Language")
	if rw.r.Method == http.MethodGet || rw.r.Method == http.MethodHead {
		h.Set("Access-Control-Allow-Origin", "*") // open data
	}
	rw.w.WriteHeader(status)
}

// one writes a single object: v's own XML root, or a JSON object.
func (rw *responder) one(status int, v any) {
	if rw.format == formatJSON {
		rw.json(status, v)
		return
	}
	rw.xml(status, func(e *xml.Encoder) error { return e.Encode(v) })
}

// list writes a list: <root><item>…</item>…</root>, or a JSON array.
func list[T any](rw *responder, status int, root, item string, items []T) {
	if items == nil {
		items = []T{}
	}
	if rw.format == formatJSON {
		rw.json(status, items)
		return
	}
	rw.xml(status, func(e *xml.Encoder) error {
		start := xml.StartElement{Name: xml.Name{Local: root}}
		if err := e.EncodeToken(start); err != nil {
			return err
		}
		for _, it := range items {
			if err := e.EncodeElement(it, xml.StartElement{Name: xml.Name{Local: item}}); err != nil {
				return err
			}
		}
		return e.EncodeToken(start.End())
	})
}

func (rw *responder) json(status int, v any) {
	rw.header(status, "application/json; charset=utf-8")
	if err := json.NewEncoder(rw.w).Encode(v); err != nil {
		rw.log.DebugContext(rw.r.Context(), "open311: write answer", "err", err)
	}
}

func (rw *responder) xml(status int, body func(*xml.Encoder) error) {
	rw.header(status, "text/xml; charset=utf-8")
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	e := xml.NewEncoder(&b)
	e.Indent("", "  ")
	err := body(e)
	if err == nil {
		err = e.Close()
	}
	if err != nil {
		rw.log.ErrorContext(rw.r.Context(), "open311: encode xml", "err", err)
		return
	}
	b.WriteString("\n")
	if _, err := rw.w.Write([]byte(b.String())); err != nil {
		rw.log.DebugContext(rw.r.Context(), "open311: write answer", "err", err)
	}
}
