// Package demo builds the demo district: the units of Chengxi District
// (城西区, the streets named in the reference article and more), their
// communities and grids, the departments, users for every role, a
// three-level category tree, and a year of tickets in every status.
//
// Every ticket is driven through the real use cases (package app) on a fake
// clock, so that its timeline, deadlines and numbers are what the platform
// itself would have written. Every text is written here for the demo.
package demo

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/notify"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// Password is the password of every demo user.
const Password = "minsheng-demo"

// DefaultTickets is how many tickets are seeded when Options.Tickets is zero.
const DefaultTickets = 2000

// Options controls the seeding.
type Options struct {
	// Tickets is how many tickets to make, spread over the 12 months before
	// Now: zero means DefaultTickets, a negative number none.
	Tickets int
	Now     time.Time // the present of the demo; zero means time.Now()
	Seed    int64     // random seed; the same seed (and Now) gives the same district
	// Logger gets progress lines; the use cases' own lines below warnings
	// are dropped, since there are thousands.
	Logger *slog.Logger
	// Workers is how many parts of the year (of twelve) are played side by
	// side. Zero picks 1 on SQLite, which has one writer anyway, and 12 on
	// PostgreSQL, where each transaction waits for its commit to reach the
	// disk. The tickets are the same for any number; only their ids differ.
	Workers int
}

// Result tells what was seeded.
type Result struct {
	Units      int
	Categories int
	Articles   int // knowledge-base articles
	Tickets    int
	Usernames  []string // role-named logins first, one for each staff role (org.Roles): admin, agent, …, mediator
	// Users are all demo users with their grants, the capabilities' too,
	// when the caller read them after seeding the capabilities.
	Users    []*org.User
	Password string
	// Statuses counts the tickets by their status at Now.
	Statuses map[ticket.Status]int
	// Overdue counts the open tickets past their reply deadline at Now.
	Overdue int
	// Notifications counts the history's messages kept as not sent.
	Notifications int64
	// Models are the classifier's models trained on the year's tickets.
	Models []app.TrainedModel
}

// Seed fills an empty database with the demo district. It refuses a
// database that already holds units, with ECONFLICT.
func Seed(ctx context.Context, db *store.DB, o Options) (*Result, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	switch {
	case o.Tickets == 0:
		o.Tickets = DefaultTickets
	case o.Tickets < 0:
		o.Tickets = 0
	}
	log := o.Logger
	begin := time.Now()

	// The district exists a year and a day before now; its first ticket
	// comes after that.
	now := o.Now.Truncate(time.Second)
	setup := calendar.DateOf(now.AddDate(-1, 0, -1)).Start().Add(9 * time.Hour)
	clock := minsheng.NewFakeClock(setup)
	svc := app.New(app.Config{DB: db, Clock: clock, Logger: Quiet(o.Logger)})

	empty, err := svc.IsEmpty(ctx)
	if err != nil {
		return nil, err
	}
	if !empty {
		return nil, minsheng.Errorf(minsheng.ECONFLICT, "the database already holds units; the demo district is seeded only into a new database")
	}

	w, err := createUnits(ctx, svc)
	if err != nil {
		return nil, fmt.Errorf("demo units: %w", err)
	}
	res := &Result{Units: len(w.units), Password: Password}
	hash, err := org.HashPassword(Password)
	if err != nil {
		return nil, err
	}
	if res.Usernames, err = createUsers(ctx, svc, w, hash); err != nil {
		return nil, fmt.Errorf("demo users: %w", err)
	}
	cats, err := createCategories(ctx, svc)
	if err != nil {
		return nil, fmt.Errorf("demo categories: %w", err)
	}
	res.Categories = len(cats)
	if res.Articles, err = createArticles(ctx, svc, cats); err != nil {
		return nil, fmt.Errorf("demo articles: %w", err)
	}
	if err := createBoundaries(ctx, svc, w.admin, w); err != nil {
		return nil, fmt.Errorf("demo boundaries: %w", err)
	}
	if err := createBaseLayer(ctx, svc, w.admin, w); err != nil {
		return nil, fmt.Errorf("demo base layer: %w", err)
	}
	slaRules, err := createRules(ctx, svc, w.admin, w, cats)
	if err != nil {
		return nil, fmt.Errorf("demo rules: %w", err)
	}
	log.InfoContext(ctx, "demo: district made", "units", res.Units, "users", len(res.Usernames), "categories", res.Categories)

	workers := o.Workers
	if workers <= 0 {
		workers = 1
		if db.Dialect() == store.Postgres {
			workers = chunks
		}
	}
	p := &planner{w: w, cats: cats, sla: slaRules, cal: calendar.China2026(), now: now, start: setup, seed: uint64(o.Seed)}
	p.r = rand.New(rand.NewPCG(mix(p.seed), mix(^p.seed)))
	specs := p.plan(o.Tickets)
	for _, sp := range specs {
		if sp.req != nil {
			sp.in.CategoryID = cats[sp.req.cat].ID
		}
	}
	p.ensureVariety(specs)
	tickets, err := play(ctx, db, o.Logger, specs, workers)
	if err != nil {
		return nil, fmt.Errorf("demo tickets: %w", err)
	}
	res.Tickets = len(tickets)
	res.Statuses = map[ticket.Status]int{}
	for i, t := range tickets {
		res.Statuses[t.Status]++
		if p.isOverdue(specs[i]) {
			res.Overdue++
		}
	}
	// The history's notifications (acknowledgements and replies to
	// residents, messages to handlers) were due when it happened: they
	// stay in the delivery log as not sent instead of going out, and
	// flooding the log, at the first start.
	err = db.Write(ctx, func(tx *store.Tx) error {
		res.Notifications, err = notify.SkipHistory(ctx, tx, now.Add(time.Minute), "demo history: not sent")
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("demo notifications: %w", err)
	}
	// The dispatch classifier learns from the year's closed tickets, so
	// that the pages suggest categories and units (the portal preselects
	// the category) from the first start.
	if res.Models, err = svc.TrainModels(ctx, kit.System(), app.TrainOptions{}); err != nil {
		return nil, fmt.Errorf("demo classifier: %w", err)
	}
	log.InfoContext(ctx, "demo: seeded", "tickets", res.Tickets, "overdue", res.Overdue,
		"notifications_not_sent", res.Notifications, "took", time.Since(begin).Round(time.Millisecond).String())
	return res, nil
}

// Quiet returns a logger that passes on only log's warnings and errors:
// the use cases log a line for every change, which is noise while seeding
// thousands of them.
func Quiet(log *slog.Logger) *slog.Logger { return slog.New(quietHandler{log.Handler()}) }

// quietHandler passes on only warnings and errors.
type quietHandler struct{ slog.Handler }

// Enabled reports whether a record of the level is passed on.
func (h quietHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && h.Handler.Enabled(ctx, l)
}

// WithAttrs returns a quiet handler with the attributes.
func (h quietHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return quietHandler{h.Handler.WithAttrs(as)}
}

// WithGroup returns a quiet handler with the group.
func (h quietHandler) WithGroup(name string) slog.Handler {
	return quietHandler{h.Handler.WithGroup(name)}
}
