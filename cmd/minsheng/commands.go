package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/blob"
	"github.com/minsheng/minsheng/demo"
	"github.com/minsheng/minsheng/jobs"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/platform"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/synth"
	"github.com/minsheng/minsheng/web"
	"github.com/minsheng/minsheng/web/ui"
)

// open connects to the configured database and applies migrations.
func (c *Config) open(ctx context.Context) (*store.DB, error) {
	db, err := store.Open(ctx, c.DB)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

func cmdServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, fs := commandFlags("serve", getenv, stderr, true)
	if err := parse(fs, args); err != nil {
		return err
	}
	log, err := c.logger(stderr)
	if err != nil {
		return err
	}
	wc, err := c.webConfig(log)
	if err != nil {
		return err
	}
	db, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.UseReplicas(ctx, c.DBReplicas, store.ReplicaOptions{MaxLag: c.DBReplicaMaxLag}); err != nil {
		return fmt.Errorf("-db-replica: %w", err)
	}
	blobs, err := blob.Open(c.Files)
	if err != nil {
		return err
	}
	svc := app.New(app.Config{DB: db, Logger: log, Blobs: blobs, Jobs: jobs.Queue{}, PublicURL: wc.PublicURL})
	defer svc.Wait() // before db.Close: refreshes started by the last requests finish

	empty, err := svc.IsEmpty(ctx)
	if err != nil {
		return err
	}
	if c.Demo && !empty {
		return errors.New("-demo: the database already holds data; use a new database file")
	}
	if !c.AllowDemoPublic && !isLoopback(c.Addr) {
		if err := refuseDemoInPublic(ctx, svc, c, empty); err != nil {
			return err
		}
	}
	if wc.PublicURL == "" {
		log.Warn("-public-url is not set: links are made from the request's Host header, which a client can set, " +
			"and cookies are Secure only on a direct TLS connection; set it in production (MINSHENG_PUBLIC_URL)")
	}
	var seeded *demo.Result
	if empty && (c.Demo || !c.NoDemo) {
		fmt.Fprintf(stdout, "New database: seeding the demo district (%d tickets)…\n", c.DemoTickets)
		if seeded, err = seedDemo(ctx, c, db, blobs, log); err != nil {
			return err
		}
	}

	wc.Service = svc
	// Search index, classifier models and the duplicate index: tickets
	// written in bulk or by an older version are indexed now.
	if n, err := svc.ReindexSearch(ctx); err != nil {
		return fmt.Errorf("search index: %w", err)
	} else if n > 0 {
		log.Info("search index filled", "tickets", n)
	}
	if err := svc.LoadModels(ctx); err != nil {
		return fmt.Errorf("classifier models: %w", err)
	}
	if err := svc.BuildDuplicateIndex(ctx); err != nil {
		return fmt.Errorf("duplicate index: %w", err)
	}

	// Every server process runs the scheduler; jobs are claimed with
	// leases, so each runs once across all of them.
	stopJobs, err := startJobs(ctx, c, getenv, db, svc, log)
	if err != nil {
		return err
	}
	defer stopJobs()
	if n, err := svc.ScheduleOpenDeadlines(ctx); err != nil {
		return fmt.Errorf("schedule deadlines: %w", err)
	} else if n > 0 {
		log.Info("deadline jobs scheduled for open tickets", "tickets", n)
	}

	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return err
	}
	api := web.NewServer(wc)
	pages, err := ui.New(ui.Config{Service: svc, Logger: log, CurrentUser: web.CurrentUser,
		RequestID: web.RequestID, SessionCookie: web.SessionCookie})
	if err != nil {
		return err
	}
	if err := platform.Mount(platform.Parts{Tickets: svc, Server: api, Pages: pages}); err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           api,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          nil,
	}
	url := "http://" + ln.Addr().String()
	if wc.PublicURL != "" {
		fmt.Fprintf(stdout, "Public address: %s\n", wc.PublicURL)
	}
	if seeded != nil {
		fmt.Fprintf(stdout, "Demo logins (password %q for all): %s\n", seeded.Password, demoLogins(seeded.Users))
	}
	fmt.Fprintf(stdout, "Minsheng %s is running at %s (database %s)\n", Version, url, db.Dialect())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// SIGTERM: stop accepting, let requests in flight finish. Each request
	// runs in its own transaction, so one cut short writes nothing.
	log.Info("shutting down", "timeout", c.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), c.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

// isLoopback reports whether a listen address (host:port) takes
// connections only from this machine. An empty host listens everywhere.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// refuseDemoInPublic returns an error when the server, about to listen on
// a non-loopback address, would let the demo users sign in: the database
// is empty and would be seeded, or it holds an active user whose password
// is still the demo's published one. The demo seeds every user with one
// password hash, so the check runs argon2 once per hash that several
// active users share, and once for a user named "admin".
func refuseDemoInPublic(ctx context.Context, svc *app.Service, c *Config, empty bool) error {
	how := "create the first real admin with\n" +
		"  minsheng user create -db DB -username NAME -name NAME -role admin -unit UNITCODE -password PASSWORD\n" +
		"or pass -allow-demo-public (MINSHENG_ALLOW_DEMO_PUBLIC=1) to serve the demo on purpose"
	if empty {
		if c.NoDemo {
			return nil
		}
		return fmt.Errorf("refusing to seed the demo district (users with the published password %q) on %s, "+
			"an address other machines can reach: start with -no-demo and %s", demo.Password, c.Addr, how)
	}
	users, err := svc.ListUsers(ctx, kit.System())
	if err != nil {
		return fmt.Errorf("look for demo users: %w", err)
	}
	shared := map[string]int{}
	for _, u := range users {
		if u.Active {
			shared[u.PasswordHash]++
		}
	}
	var demoUsers []string
	checked := map[string]bool{}
	for _, u := range users {
		h := u.PasswordHash
		if !u.Active || h == "" || (shared[h] < 2 && u.Username != "admin") {
			continue
		}
		ok, done := checked[h]
		if !done {
			ok = org.CheckPassword(h, demo.Password) == nil
			checked[h] = ok
		}
		if ok {
			demoUsers = append(demoUsers, u.Username)
		}
	}
	if len(demoUsers) == 0 {
		return nil
	}
	return fmt.Errorf("refusing to serve on %s, an address other machines can reach: %d active users (%s) still have the demo's "+
		"published password %q; %s, then deactivate them or change their passwords (minsheng user passwd)",
		c.Addr, len(demoUsers), loginList(demoUsers), demo.Password, how)
}

func cmdMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, fs := commandFlags("migrate", getenv, stderr, false)
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintln(stdout, "schema is current")
	return nil
}

func cmdSeed(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, fs := commandFlags("seed", getenv, stderr, false)
	tickets := fs.Int("tickets", 0, "also generate this many synthetic tickets over two years (bulk, for benchmarks)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *tickets < 0 {
		return errors.New("-tickets must not be negative")
	}
	log, err := c.logger(stderr)
	if err != nil {
		return err
	}
	db, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	empty, err := app.New(app.Config{DB: db}).IsEmpty(ctx)
	if err != nil {
		return err
	}
	switch {
	case empty:
		blobs, err := blob.Open(c.Files)
		if err != nil {
			return err
		}
		res, err := seedDemo(ctx, c, db, blobs, log)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "seeded %d units, %d users, %d categories, %d tickets\n", res.Units, len(res.Users), res.Categories, res.Tickets)
		fmt.Fprintf(stdout, "logins (password %q): %s\n", res.Password, demoLogins(res.Users))
	case *tickets == 0:
		return errors.New("the database already holds data; seed into a new database (or add -tickets N to generate more)")
	}
	if *tickets > 0 {
		res, err := synth.Generate(ctx, db, synth.Options{Tickets: *tickets, Now: time.Now(), Seed: 1, Progress: stdout})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "generated %d tickets in %.1fs (%.0f tickets/s)\n", res.Tickets, res.Elapsed.Seconds(),
			float64(res.Tickets)/res.Elapsed.Seconds())
	}
	return nil
}

func cmdUser(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("user: want create, passwd or token")
	}
	sub, args := args[0], args[1:]
	// "user token list|revoke|create …"; plain "user token …" creates.
	if sub == "token" && len(args) > 0 && slices.Contains([]string{"list", "revoke", "create"}, args[0]) {
		sub, args = "token "+args[0], args[1:]
	}
	c, fs := commandFlags("user "+sub, getenv, stderr, false)
	username := fs.String("username", "", "the user's login name")
	name := fs.String("name", "", "the user's full name (create) or the token's label (token)")
	role := fs.String("role", "", "the user's roles, separated by commas, the first being the primary: "+
		"ROLE (over the user's unit) or ROLE@UNITCODE (over that unit), e.g. agent,leader@xinghailu; "+
		"roles: "+strings.Join(roleNames(org.AllRoles), ", "))
	unit := fs.String("unit", "", "code of the user's unit")
	password := fs.String("password", "", "password (at least 8 characters)")
	tokenID := fs.Int64("id", 0, "the API token to revoke (token revoke)")
	allTokens := fs.Bool("all", false, "revoke all of the user's API tokens (token revoke)")
	expires := fs.Duration("expires", 0, "the new API token expires after this long, e.g. 720h (token); 0: when revoked")
	// Allow "user token NAME" as well as "user token -username NAME".
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		*username, args = args[0], args[1:]
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if *username == "" {
		return errors.New("user: -username is required")
	}
	db, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := app.New(app.Config{DB: db})
	switch sub {
	case "create":
		units, err := svc.ListUnits(ctx)
		if err != nil {
			return err
		}
		var unitID int64
		for _, u := range units {
			if u.Code == *unit {
				unitID = u.ID
			}
		}
		if unitID == 0 {
			return fmt.Errorf("user create: no unit with code %q", *unit)
		}
		grants, err := org.ParseGrants(*role)
		if err != nil {
			return fmt.Errorf("user create: -role: %w", err)
		}
		u, err := svc.CreateUser(ctx, kit.System(), app.NewUser{Username: *username, Name: *name, Grants: grants, UnitID: unitID, Password: *password})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created user %s (%s, %s)\n", u.Username, u.Name, org.FormatGrants(u.Grants))
	case "passwd":
		if _, err := svc.UpdateUser(ctx, kit.System(), *username, app.UserChange{Password: password}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "password of %s changed; their sessions are ended\n", *username)
	case "token", "token create":
		label := *name
		if label == "" {
			label = "created with minsheng user token"
		}
		var until *time.Time
		if *expires > 0 {
			t := time.Now().Add(*expires)
			until = &t
		}
		tok, _, err := svc.CreateAPITokenUntil(ctx, kit.System(), *username, label, until)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "API token for %s (shown once; send it as \"Authorization: Bearer TOKEN\"):\n%s\n", *username, tok)
	case "token list":
		toks, err := svc.ListAPITokens(ctx, kit.System(), *username)
		if err != nil {
			return err
		}
		for _, t := range toks {
			state := "active"
			switch {
			case t.RevokedAt != nil:
				state = "revoked " + t.RevokedAt.Format(time.RFC3339)
			case t.ExpiresAt != nil:
				state = "expires " + t.ExpiresAt.Format(time.RFC3339)
			}
			fmt.Fprintf(stdout, "%d\t%s\t%s\tcreated %s\n", t.ID, t.Name, state, t.CreatedAt.Format(time.RFC3339))
		}
	case "token revoke":
		if (*tokenID == 0) == !*allTokens {
			return errors.New("user token revoke: give -id ID or -all")
		}
		ids, err := svc.RevokeAPITokens(ctx, kit.System(), *username, *tokenID)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "revoked %d API token(s) of %s\n", len(ids), *username)
	default:
		return fmt.Errorf("user: unknown subcommand %q; want create, passwd, token [create|list|revoke]", sub)
	}
	return nil
}

// loginList names the role-named demo logins and counts the rest.
// loginList names the first logins and how many more there are.
func loginList(names []string) string {
	const shown = 6
	if len(names) <= shown {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:shown], ", "), len(names)-shown)
}

// demoLogins names one demo login for each role (the first by username
// that holds it), the capabilities' included, and how many there are.
func demoLogins(users []*org.User) string {
	first := map[org.Role]string{}
	var roles []org.Role
	for _, u := range users {
		for _, r := range u.Roles() {
			if _, ok := first[r]; !ok {
				first[r] = u.Username
				roles = append(roles, r)
			}
		}
	}
	slices.SortFunc(roles, func(a, b org.Role) int { return strings.Compare(first[a], first[b]) })
	var parts []string
	for _, r := range roles {
		parts = append(parts, fmt.Sprintf("%s (%s)", first[r], r))
	}
	return fmt.Sprintf("%s; %d logins in all", strings.Join(parts, ", "), len(users))
}

func roleNames(roles []org.Role) []string {
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = string(r)
	}
	return out
}

// seedDemo seeds the demo district into an empty database: the core's
// part, then every capability's (platform.Seed), each through the real use
// cases, with the use cases' line per change left out of the log.
func seedDemo(ctx context.Context, c *Config, db *store.DB, blobs *blob.Store, log *slog.Logger) (*demo.Result, error) {
	res, err := demo.Seed(ctx, db, demo.Options{Tickets: c.demoTickets(), Now: time.Now(), Logger: log})
	if err != nil {
		return nil, fmt.Errorf("seed demo district: %w", err)
	}
	if err := platform.Seed(ctx, app.New(app.Config{DB: db, Logger: demo.Quiet(log), Blobs: blobs, Jobs: jobs.Queue{}})); err != nil {
		return nil, fmt.Errorf("seed demo district: %w", err)
	}
	// The capabilities' seeds add users of their own (drivers, mediators…).
	err = db.Read(ctx, func(tx *store.Tx) error {
		users, err := store.ListUsers(ctx, tx, nil)
		res.Users = users
		return err
	})
	return res, err
}
