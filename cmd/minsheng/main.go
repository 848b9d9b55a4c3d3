// Command minsheng runs the Minsheng platform: the server, its database
// migrations, the demo district, and account administration.
//
//	minsheng serve [-addr 127.0.0.1:8080] [-db sqlite:minsheng.db | postgres://…] [-demo]
//	minsheng migrate
//	minsheng seed
//	minsheng user create|passwd|token …
//	minsheng backup DEST | restore [-force] SRC
//	minsheng load -url … -token … -clients 32 -n 10000
//	minsheng version
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "minsheng:", err)
		os.Exit(1)
	}
}

// usage is printed for -h and unknown commands.
const usage = `minsheng — the district service platform

Usage:
  minsheng serve    [flags]   run the server (creates and seeds minsheng.db on first start)
  minsheng migrate  [flags]   apply database migrations and exit
  minsheng seed     [flags]   seed the demo district into an empty database
  minsheng user create -username NAME -name 姓名 -role ROLE[,ROLE@UNIT…] -unit CODE -password PW
                              several roles: -role agent,leader@xinghailu (the first is the primary)
  minsheng user passwd -username NAME -password PW
  minsheng user token  -username NAME [-name LABEL] [-expires 720h]   print a new API token (last line)
  minsheng user token list   -username NAME                   list the user's API tokens
  minsheng user token revoke -username NAME (-id ID | -all)    revoke one or all of them
  minsheng backup  [flags] DEST       copy the database (SQLite, while the server runs) and the attachments
                              into the new folder DEST, with a manifest of checksums; PostgreSQL: the
                              attachments only, back the database up with pg_dump or PITR
  minsheng restore [flags] [-force] SRC   check a backup's checksums, then put its database and
                              attachments in place (stop the server first; -force replaces a database)
  minsheng load     [flags]   create tickets over HTTP with many clients; print rate and latency
  minsheng calendar due FROM N     the day on which N working days after FROM (YYYY-MM-DD) end
  minsheng calendar import FILE    load a year's holiday notice (JSON) into the database
  minsheng jobs list|stats|retry ID|cancel KEY|work   the background jobs
  minsheng notify webhook add|list|on|off, contact, deliveries   notifications
  minsheng classify train|eval …   train or evaluate the dispatch classifier
  minsheng stats rebuild           count the dashboards' summaries again from the tickets
  minsheng open311 key NAME        issue an Open311 API key for a client application (last line)
  minsheng map import FILE         load the district's roads and places (GeoJSON) as the maps' base layer
  minsheng version

Common flags (also from the environment, e.g. MINSHENG_DB):
  -db     sqlite:PATH or postgres://… (default sqlite:minsheng.db)
Run "minsheng COMMAND -h" for the flags of a command.
`

// run is the whole program, so that tests can start it in-process.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		args = []string{"serve"}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, rest, getenv, stdout, stderr)
	case "migrate":
		return cmdMigrate(ctx, rest, getenv, stdout, stderr)
	case "seed":
		return cmdSeed(ctx, rest, getenv, stdout, stderr)
	case "user":
		return cmdUser(ctx, rest, getenv, stdout, stderr)
	case "backup":
		return cmdBackup(ctx, rest, getenv, stdout, stderr)
	case "restore":
		return cmdRestore(ctx, rest, getenv, stdout, stderr)
	case "load":
		return cmdLoad(ctx, rest, getenv, stdout, stderr)
	case "calendar":
		return cmdCalendar(ctx, rest, getenv, stdout, stderr)
	case "jobs":
		return cmdJobs(ctx, rest, getenv, stdout, stderr)
	case "notify":
		return cmdNotify(ctx, rest, getenv, stdout, stderr)
	case "classify":
		return cmdClassify(ctx, rest, getenv, stdout, stderr)
	case "open311":
		return cmdOpen311(ctx, rest, getenv, stdout, stderr)
	case "stats":
		return cmdStats(ctx, rest, getenv, stdout, stderr)
	case "map":
		return cmdMap(ctx, rest, getenv, stdout, stderr)
	case "version", "-version", "--version":
		fmt.Fprintln(stdout, "minsheng", Version)
		return nil
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// Version is set at build time with -ldflags "-X main.Version=…".
var Version = "dev"
