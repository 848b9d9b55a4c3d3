// Package open311 holds the use cases behind Open311 GeoReport v2 (the
// interface is web/open311): the client applications and their keys, the
// service catalogue and the custom fields (attributes) of categories, the
// submission of requests and of residents' updates by clients, and the
// public listings of requests and of their updates. The public listings
// never hold a caller's personal data.
//
// It is the first capability in a package of its own: it reaches the ticket
// engine only through the seam of package app (CreatePublicTicket with
// PublicIntake.Within, ActTx, LoadVisibleTx …) and the shared kit.
package open311

import (
	"io"
	"log/slog"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/store"
)

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

// Object types of the timeline and the audit log.
const (
	ObjectAPIClient = "api_client"         // an Open311 client application
	ObjectService   = "open311_service"    // a category's public settings (id: the category's)
	ObjectAttribute = "category_attribute" // a custom field of a category
)

// Service runs the Open311 use cases.
type Service struct {
	kit     *kit.Kit
	tickets *app.Service
	db      *store.DB
	log     *slog.Logger
}

// New returns the Open311 use cases over the shared kit and the ticket
// engine.
func New(k *kit.Kit, tickets *app.Service) *Service {
	return &Service{kit: k, tickets: tickets, db: k.DB(), log: k.Log()}
}

func (s *Service) now() time.Time { return s.kit.Now() }

// PutUpload keeps a file sent with a request or an update until the use
// case records it (app.Service.PutUpload).
func (s *Service) PutUpload(name string, r io.Reader) (app.Upload, error) {
	return s.tickets.PutUpload(name, r)
}
