package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng/web"
)

// Config is every setting of the program, with its defaults. Flags win over
// MINSHENG_* environment variables, which win over the defaults.
type Config struct {
	DB              string        // MINSHENG_DB
	Files           string        // MINSHENG_FILES: folder for attachments
	Addr            string        // MINSHENG_ADDR
	Demo            bool          // MINSHENG_DEMO: seed the demo district into an empty database
	NoDemo          bool          // MINSHENG_NO_DEMO: never seed automatically
	AllowDemoPublic bool          // MINSHENG_ALLOW_DEMO_PUBLIC: serve demo users on a non-loopback address
	LogLevel        string        // MINSHENG_LOG_LEVEL: debug, info, warn, error
	LogFormat       string        // MINSHENG_LOG_FORMAT: json or text
	ShutdownTimeout time.Duration // MINSHENG_SHUTDOWN_TIMEOUT
	DemoTickets     int           // MINSHENG_DEMO_TICKETS

	// The server's place on the network.
	PublicURL           string // MINSHENG_PUBLIC_URL: how clients reach the server, for links (Open311)
	Open311Jurisdiction string // MINSHENG_OPEN311_JURISDICTION: the one jurisdiction_id Open311 accepts
	RealIPHeader        string // MINSHENG_REAL_IP_HEADER: the proxy's header with the client's address
	PublicPerIP         string // MINSHENG_PUBLIC_PER_IP: residents' new requests per address, N/PERIOD
	PublicPerPhone      string // MINSHENG_PUBLIC_PER_PHONE: residents' new requests per phone, N/PERIOD

	// Read replicas (PostgreSQL streaming standbys).
	DBReplicas      []string      // MINSHENG_DB_REPLICAS (space-separated): -db-replica, repeatable
	DBReplicaMaxLag time.Duration // MINSHENG_DB_REPLICA_MAX_LAG: a replica further behind is skipped
}

// DefaultConfig returns the defaults: SQLite in the working directory, on
// localhost only.
func DefaultConfig() Config {
	return Config{
		DB:              "sqlite:minsheng.db",
		Files:           "minsheng-files",
		Addr:            "127.0.0.1:8080",
		LogLevel:        "info",
		LogFormat:       "json",
		ShutdownTimeout: 30 * time.Second,
		DemoTickets:     2000,
		DBReplicaMaxLag: 10 * time.Second,
	}
}

// commandFlags returns the configuration and the flag set of a command
// named name, with the common flags registered (and the server's when
// server is set): the start of every command that opens the database.
func commandFlags(name string, getenv func(string) string, stderr io.Writer, server bool) (*Config, *flag.FlagSet) {
	c := DefaultConfig()
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	c.flags(fs, getenv, server)
	return &c, fs
}

// flags registers the common flags on fs, with defaults taken from the
// environment.
func (c *Config) flags(fs *flag.FlagSet, getenv func(string) string, server bool) {
	env := func(name, def string) string {
		if v := getenv("MINSHENG_" + name); v != "" {
			return v
		}
		return def
	}
	envBool := func(name string, def bool) bool {
		v := strings.ToLower(getenv("MINSHENG_" + name))
		switch v {
		case "1", "true", "yes", "on":
			return true
		case "0", "false", "no", "off":
			return false
		}
		return def
	}
	fs.StringVar(&c.DB, "db", env("DB", c.DB), "database: sqlite:PATH or a postgres:// URL")
	fs.StringVar(&c.Files, "files", env("FILES", c.Files), "folder where attachments (photos) are kept")
	fs.StringVar(&c.LogLevel, "log-level", env("LOG_LEVEL", c.LogLevel), "log level: debug, info, warn, error")
	fs.StringVar(&c.LogFormat, "log-format", env("LOG_FORMAT", c.LogFormat), "log format: json or text")
	fs.IntVar(&c.DemoTickets, "demo-tickets", c.DemoTickets, "how many tickets the demo district gets")
	if server {
		fs.StringVar(&c.Addr, "addr", env("ADDR", c.Addr), "address to listen on")
		fs.BoolVar(&c.Demo, "demo", envBool("DEMO", c.Demo), "seed the demo district (the database must be empty)")
		fs.BoolVar(&c.NoDemo, "no-demo", envBool("NO_DEMO", c.NoDemo), "do not seed the demo district into an empty database")
		fs.BoolVar(&c.AllowDemoPublic, "allow-demo-public", envBool("ALLOW_DEMO_PUBLIC", c.AllowDemoPublic),
			"serve even though demo users (whose password is published) can sign in and the address is not loopback")
		fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", c.ShutdownTimeout, "how long requests in flight may take to finish on SIGTERM")
		if v := getenv("MINSHENG_DB_REPLICAS"); v != "" {
			c.DBReplicas = strings.Fields(v)
		}
		fs.Var(&replicaFlag{urls: &c.DBReplicas}, "db-replica",
			"a PostgreSQL streaming replica (postgres:// URL) for reads: lists, dashboards, search, exports, Open311 reads; "+
				"repeat the flag for several (MINSHENG_DB_REPLICAS: space-separated). Each user reads their own writes")
		fs.DurationVar(&c.DBReplicaMaxLag, "db-replica-max-lag", c.DBReplicaMaxLag,
			"a replica further behind the primary than this is skipped until it catches up")
		fs.StringVar(&c.PublicURL, "public-url", env("PUBLIC_URL", c.PublicURL),
			"the URL at which clients reach the server, e.g. https://12345.chengxi.gov.cn; links are made from it, and with https "+
				"the cookies are Secure and HSTS is sent, also behind a TLS proxy (empty: links from the request's Host header, which clients can set)")
		fs.StringVar(&c.Open311Jurisdiction, "open311-jurisdiction", env("OPEN311_JURISDICTION", c.Open311Jurisdiction),
			"the only jurisdiction_id Open311 accepts (requests may leave it out); empty: any")
		fs.StringVar(&c.RealIPHeader, "real-ip-header", env("REAL_IP_HEADER", c.RealIPHeader),
			"header in which the reverse proxy in front passes the client's address (X-Real-IP, X-Forwarded-For), "+
				"for rate limits and the audit log; set it only behind a proxy that overwrites it")
		fs.StringVar(&c.PublicPerIP, "public-per-ip", env("PUBLIC_PER_IP", c.PublicPerIP),
			fmt.Sprintf("new requests residents may send without an account per client address, as N/PERIOD (default %s)", rateString(web.DefaultPublicPerIP)))
		fs.StringVar(&c.PublicPerPhone, "public-per-phone", env("PUBLIC_PER_PHONE", c.PublicPerPhone),
			fmt.Sprintf("new requests residents may send without an account per caller phone, as N/PERIOD (default %s)", rateString(web.DefaultPublicPerPhone)))
	}
}

// replicaFlag collects the repeated -db-replica flag. The first flag
// replaces the URLs from the environment.
type replicaFlag struct {
	urls *[]string
	set  bool // a flag has been given
}

func (f *replicaFlag) String() string {
	if f.urls == nil {
		return ""
	}
	return strings.Join(*f.urls, " ")
}

func (f *replicaFlag) Set(v string) error {
	v = strings.TrimSpace(v)
	if !strings.HasPrefix(v, "postgres://") && !strings.HasPrefix(v, "postgresql://") {
		return errors.New("the replica must be a postgres:// URL")
	}
	if !f.set {
		f.set, *f.urls = true, nil
	}
	*f.urls = append(*f.urls, v)
	return nil
}

// webConfig checks the server's settings and returns the web.Config they
// make, but for its Service.
func (c *Config) webConfig(log *slog.Logger) (web.Config, error) {
	wc := web.Config{Logger: log, Version: Version, Open311Jurisdiction: strings.TrimSpace(c.Open311Jurisdiction)}
	var err error
	if wc.PublicURL, err = checkPublicURL(c.PublicURL); err != nil {
		return wc, fmt.Errorf("-public-url: %w", err)
	}
	if wc.RealIPHeader, err = checkHeaderName(c.RealIPHeader); err != nil {
		return wc, fmt.Errorf("-real-ip-header: %w", err)
	}
	if wc.PublicPerIP, err = parseRate(c.PublicPerIP); err != nil {
		return wc, fmt.Errorf("-public-per-ip: %w", err)
	}
	if wc.PublicPerPhone, err = parseRate(c.PublicPerPhone); err != nil {
		return wc, fmt.Errorf("-public-per-phone: %w", err)
	}
	return wc, nil
}

// checkPublicURL accepts an absolute http or https URL, without a query
// or fragment, and returns it without a trailing slash.
func checkPublicURL(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%q is not an http:// or https:// URL with a host", s)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("%q may not have a query, a fragment or a user", s)
	}
	return strings.TrimSuffix(s, "/"), nil
}

// checkHeaderName accepts an HTTP header name (any case).
func checkHeaderName(s string) (string, error) {
	s = strings.TrimSpace(s)
	for _, r := range s {
		if !(r == '-' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
			return "", fmt.Errorf("%q is not a header name (letters, digits and '-')", s)
		}
	}
	return s, nil
}

// parseRate reads a rate limit written N/PERIOD: "10/1m", "5/h", "100/24h".
// A bare unit is one of it. Empty: the zero Rate, which is web's default.
func parseRate(s string) (web.Rate, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return web.Rate{}, nil
	}
	ns, per, ok := strings.Cut(s, "/")
	n, err := strconv.Atoi(strings.TrimSpace(ns))
	if !ok || err != nil || n < 1 {
		return web.Rate{}, fmt.Errorf("%q is not N/PERIOD with N at least 1, e.g. 10/1m", s)
	}
	per = strings.TrimSpace(per)
	if per != "" && strings.IndexAny(per[:1], "0123456789") < 0 {
		per = "1" + per
	}
	d, err := time.ParseDuration(per)
	if err != nil || d < time.Second {
		return web.Rate{}, fmt.Errorf("%q: the period must be a duration of at least 1s, e.g. 1m or 1h", s)
	}
	return web.Rate{N: n, Per: d}, nil
}

// rateString writes a rate as parseRate reads it.
func rateString(r web.Rate) string {
	per := r.Per.String() // 1h0m0s
	if p, ok := strings.CutSuffix(per, "m0s"); ok {
		per = p + "m"
	}
	if p, ok := strings.CutSuffix(per, "h0m"); ok {
		per = p + "h"
	}
	return fmt.Sprintf("%d/%s", r.N, per)
}

// logger makes the program's logger. JSON by default: one object per line,
// with the request id on every line about a request.
func (c *Config) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return nil, fmt.Errorf("-log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler
	switch c.LogFormat {
	case "json":
		h = slog.NewJSONHandler(w, opts)
	case "text":
		h = slog.NewTextHandler(w, opts)
	default:
		return nil, fmt.Errorf("-log-format must be json or text, not %q", c.LogFormat)
	}
	return slog.New(web.LogHandler(h)), nil
}

// demoTickets is the demo's ticket count for demo.Options, where zero means
// the default and a negative number none; on the command line 0 means none.
func (c *Config) demoTickets() int {
	if c.DemoTickets <= 0 {
		return -1
	}
	return c.DemoTickets
}
