// Package app holds the use cases of the platform: one method per thing a
// user does, each checking permissions and running in one transaction that
// writes the change, its timeline event and its audit entries together.
package app

import (
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/blob"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/store"
)

// Service runs the use cases over a store.
type Service struct {
	db    *store.DB
	clock minsheng.Clock
	cal   *calendar.Calendar
	log   *slog.Logger
	blobs *blob.Store
	jobs  Scheduler
	kit   *kit.Kit // records administrative changes (kit.Change)

	signin *signIn // sign-in limits (signin.go)

	cfgCache configCache
	hot      hotSpotCache     // hot-spot boards (hotspots.go)
	pubStats publicStatsCache // published figures per month (publicstats.go)
	text     textState        // search index, classifier models, duplicate index (search.go)
	layer    baseLayer        // the district's roads and places (mapplaces.go)

	background sync.WaitGroup // caches refreshed after a request asked (see goBackground)

	hooks []namedHook // other capabilities' reactions to ticket events, by name (seam.go)

	publicURL string // Config.PublicURL, without a trailing slash
}

// Config holds what a Service needs.
type Config struct {
	DB       *store.DB
	Clock    minsheng.Clock     // defaults to the system clock
	Calendar *calendar.Calendar // fixed calendar for tests; nil reads the admins' notices (and the shipped 2026 one)
	Logger   *slog.Logger       // defaults to slog.Default()
	Blobs    *blob.Store        // where attachments are kept; nil refuses files
	Jobs     Scheduler          // where deadline jobs are enqueued; nil schedules none
	SignIn   SignInLimits       // zero: DefaultSignInLimits
	// PublicURL is how residents reach the server (https://12345.example.gov.cn):
	// the SMS to callers carry links under it. Empty: the messages carry no
	// link and tell the resident to look the request up by number and phone.
	PublicURL string
}

// New returns a Service.
func New(c Config) *Service {
	s := &Service{db: c.DB, clock: c.Clock, cal: c.Calendar, log: c.Logger, blobs: c.Blobs, jobs: c.Jobs,
		publicURL: strings.TrimSuffix(c.PublicURL, "/")}
	if s.clock == nil {
		s.clock = minsheng.SystemClock{}
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.kit = kit.New(s.db, s.clock, s.log)
	s.signin = newSignIn(c.SignIn, s.clock)
	return s
}

// goBackground runs fn in its own goroutine, counted so that Wait can let
// it finish before the store closes.
func (s *Service) goBackground(fn func()) {
	s.background.Add(1)
	go func() {
		defer s.background.Done()
		fn()
	}()
}

// Wait returns when the background refreshes started by requests (hot-spot
// boards, models, the duplicate index) have finished. Call it after the
// last request and before closing the store.
func (s *Service) Wait() { s.background.Wait() }

// Kit returns the shared kit of use cases over the same store, clock and
// logger, for the capabilities built beside the ticket engine.
func (s *Service) Kit() *kit.Kit { return s.kit }

// DB returns the store, for operations outside the use cases (health checks).
func (s *Service) DB() *store.DB { return s.db }

// Clock returns the service's clock.
func (s *Service) Clock() minsheng.Clock { return s.clock }

// now reads the clock in UTC, cut to microseconds: the precision PostgreSQL
// keeps, so that a time reads back equal to what was written on both
// dialects.
func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }
