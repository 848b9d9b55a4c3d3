package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
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
	LogLevel        string        // MINSHENG_LOG_LEVEL: debug, info, warn, error
	LogFormat       string        // MINSHENG_LOG_FORMAT: json or text
	ShutdownTimeout time.Duration // MINSHENG_SHUTDOWN_TIMEOUT
	DemoTickets     int           // MINSHENG_DEMO_TICKETS
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
	}
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
		fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", c.ShutdownTimeout, "how long requests in flight may take to finish on SIGTERM")
	}
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
