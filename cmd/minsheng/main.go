// Command minsheng runs the Minsheng platform: the server, its database
// migrations, the demo district, and account administration.
//
//	minsheng serve [-addr 127.0.0.1:8080] [-db sqlite:minsheng.db | postgres://…] [-demo]
//	minsheng migrate | seed | user … | backup … | restore … | archive … | load … | calendar … |
//	         jobs … | notify … | classify … | stats … | open311 … | map … | version | help
//
// A bare "minsheng" prints the usage and fails: the server starts only
// with "serve". The commands are listed in one table (commands).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
)

// gcPercent is the garbage collector's target when GOGC is not set: a new
// heap of four times the live one before a collection, where Go's default
// is one. A server's live heap is small beside SQLite's page cache (which
// is not Go's), and collections cost the one SQLite writer its turn: at
// 400, 9–15% more tickets a second under load, resident memory 380 MB
// instead of 175 MB (docs/performance.md). GOGC in the environment
// overrides it.
const gcPercent = 400

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "minsheng:", err)
		os.Exit(1)
	}
}

// runFunc is a command: its arguments after the command's name.
type runFunc func(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error

// command is one command of the program: its name, its usage lines (the
// first line's text after the name; more lines for its subcommands), and
// whether it has subcommands (then "minsheng NAME" alone or with -h prints
// its usage).
type command struct {
	name  string
	usage []string
	group bool
	subs  []string // a group's subcommands: any other is refused before the database is opened
	run   runFunc
}

// commands lists every command, in the order the usage shows them.
func commands() []command {
	return []command{
		{name: "serve", usage: []string{"[flags]   run the server; on an empty database, seeds the demo district first"}, run: cmdServe},
		{name: "migrate", usage: []string{"[flags]   apply database migrations and exit"}, run: cmdMigrate},
		{name: "seed", usage: []string{"[flags]   seed the demo district into an empty database (-tickets N adds synthetic ones)"}, run: cmdSeed},
		{name: "user", group: true, subs: []string{"create", "passwd", "token"}, run: cmdUser, usage: []string{
			"create -username NAME -name 姓名 -role ROLE[,ROLE@UNIT…] -unit CODE -password PW",
			"            several roles: -role agent,leader@xinghailu (the first is the primary)",
			"passwd -username NAME -password PW",
			"token  -username NAME [-name LABEL] [-expires 720h]   print a new API token (last line)",
			"token list   -username NAME                   list the user's API tokens",
			"token revoke -username NAME (-id ID | -all)    revoke one or all of them"}},
		{name: "backup", usage: []string{"[flags] DEST   copy the database (SQLite, while the server runs) and the attachments",
			"  into the new folder DEST, with a manifest of checksums; PostgreSQL: the attachments only,",
			"  back the database up with pg_dump or PITR"}, run: cmdBackup},
		{name: "restore", usage: []string{"[flags] [-force] SRC   check a backup's checksums, then put its database and",
			"  attachments in place (stop the server first; -force replaces a database)"}, run: cmdRestore},
		{name: "archive", usage: []string{"[flags] YYYY-MM   PostgreSQL: move a month's tickets, at least a year old, with their",
			"  events and what refers to them, out of the live tables into the schema …_archive"}, run: cmdArchive},
		{name: "load", usage: []string{"[flags]   create tickets over HTTP with many clients; print rate and latency"}, run: cmdLoad},
		{name: "calendar", group: true, subs: []string{"due", "import", "show"}, run: cmdCalendar, usage: []string{
			"due FROM N       the day on which N working days after FROM (YYYY-MM-DD) end",
			"import FILE      load a year's holiday notice (JSON) into the database",
			"show             print the notices in force"}},
		{name: "jobs", group: true, subs: []string{"list", "stats", "retry", "cancel", "work"}, run: cmdJobs, usage: []string{
			"list [-status S] [-kind K] [-n 50]   the background jobs",
			"stats                                how many jobs of each kind in each status",
			"retry ID | cancel KEY                run a dead job again; cancel a pending one",
			"work                                 run the jobs without serving"}},
		{name: "notify", group: true, subs: []string{"webhook", "contact", "deliveries", "retry"}, run: cmdNotify, usage: []string{
			"webhook add|list|on|off …   the webhooks that receive ticket events",
			"contact …                   a user's email, phone and language for notices",
			"deliveries                  the outbox: messages sent, waiting or failed",
			"retry ID                    try a dead message again"}},
		{name: "classify", group: true, subs: []string{"eval", "train"}, run: cmdClassify, usage: []string{
			"eval  -train A.csv -test B.csv   evaluate the dispatch classifier",
			"train [-db …] [-csv A.csv]       train it on closed tickets (or a labelled CSV)"}},
		{name: "stats", group: true, subs: []string{"rebuild"}, run: cmdStats, usage: []string{
			"rebuild          count the dashboards' summaries again from the tickets"}},
		{name: "open311", group: true, subs: []string{"key", "revoke", "list"}, run: cmdOpen311, usage: []string{
			"key NAME [-rate N]   issue an Open311 API key for a client application (last line)",
			"revoke NAME          revoke a client's key",
			"list                 the clients"}},
		{name: "map", group: true, subs: []string{"import"}, run: cmdMap, usage: []string{
			"import FILE      load the district's roads and places (GeoJSON) as the maps' base layer"}},
		{name: "version", usage: []string{"print the version"}, run: func(_ context.Context, _ []string, _ func(string) string, stdout, _ io.Writer) error {
			fmt.Fprintln(stdout, "minsheng", Version)
			return nil
		}},
	}
}

// usage is printed for -h and help, and to stderr when no command or an
// unknown one is given: every command, from the table.
func usage() string {
	var b strings.Builder
	b.WriteString("minsheng — the district service platform\n\nUsage:\n")
	for _, c := range commands() {
		for _, l := range c.usage {
			if cont, ok := strings.CutPrefix(l, "  "); ok {
				fmt.Fprintf(&b, "  %-18s%s\n", "", strings.TrimSpace(cont))
				continue
			}
			fmt.Fprintf(&b, "  minsheng %-9s%s\n", c.name, l)
		}
	}
	b.WriteString(`  minsheng help               this text

Common flags (also from the environment, e.g. MINSHENG_DB):
  -db     sqlite:PATH or postgres://… (default sqlite:minsheng.db)
Run "minsheng COMMAND -h" for the flags of a command, "minsheng COMMAND SUBCOMMAND -h"
for those of a subcommand.
`)
	return b.String()
}

// commandUsage is the usage of one command with subcommands.
func commandUsage(c command) string {
	var b strings.Builder
	b.WriteString("Usage:\n")
	for _, l := range c.usage {
		if cont, ok := strings.CutPrefix(l, "  "); ok {
			fmt.Fprintf(&b, "      %s\n", strings.TrimSpace(cont))
			continue
		}
		fmt.Fprintf(&b, "  minsheng %s %s\n", c.name, l)
	}
	fmt.Fprintf(&b, "Run \"minsheng %s SUBCOMMAND -h\" for the flags of a subcommand.\n", c.name)
	return b.String()
}

// commandNamed returns the command of the table with the name.
func commandNamed(name string) command {
	for _, c := range commands() {
		if c.name == name {
			return c
		}
	}
	panic("no command " + name)
}

// errNoCommand is returned for a bare "minsheng": the server is started
// with "minsheng serve", never by accident.
var errNoCommand = errors.New("no command given; to run the server: minsheng serve")

func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help" || arg == "help"
}

// run is the whole program, so that tests can start it in-process.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage())
		return errNoCommand
	}
	cmd, rest := args[0], args[1:]
	switch {
	case isHelp(cmd):
		fmt.Fprint(stdout, usage())
		return nil
	case cmd == "-version" || cmd == "--version":
		cmd = "version"
	}
	for _, c := range commands() {
		if c.name != cmd {
			continue
		}
		if c.group && (len(rest) == 0 || isHelp(rest[0])) {
			if len(rest) == 0 {
				fmt.Fprint(stderr, commandUsage(c))
				return fmt.Errorf("%s: a subcommand is needed", c.name)
			}
			fmt.Fprint(stdout, commandUsage(c))
			return nil
		}
		if c.group && !slices.Contains(c.subs, rest[0]) {
			fmt.Fprint(stderr, commandUsage(c))
			return fmt.Errorf("%s: unknown subcommand %q", c.name, rest[0])
		}
		err := c.run(ctx, rest, getenv, stdout, stderr)
		if errors.Is(err, flag.ErrHelp) {
			return nil // -h: the flag package printed the flags
		}
		return err
	}
	fmt.Fprint(stderr, usage())
	return fmt.Errorf("unknown command %q", cmd)
}

// Version is set at build time with -ldflags "-X main.Version=…".
var Version = "dev"
