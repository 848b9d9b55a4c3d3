package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/jobs"
	"github.com/minsheng/minsheng/notify"
	"github.com/minsheng/minsheng/personal"
	"github.com/minsheng/minsheng/platform"
	"github.com/minsheng/minsheng/store"
)

// jobsConfig is how a process runs background jobs and sends
// notifications, from MINSHENG_* variables (docs/jobs.md lists them).
type jobsConfig struct {
	Off         bool          // MINSHENG_JOBS=off: this process runs no scheduler
	Node        string        // MINSHENG_JOBS_NODE; default host name and a random suffix
	Lease       time.Duration // MINSHENG_JOBS_LEASE
	Poll        time.Duration // MINSHENG_JOBS_POLL
	Batch       int           // MINSHENG_JOBS_BATCH
	Concurrency int           // MINSHENG_JOBS_CONCURRENCY
	MaxAttempts int           // MINSHENG_JOBS_MAX_ATTEMPTS

	SMTP           notify.SMTPConfig // MINSHENG_SMTP_ADDR, _FROM, _FROM_NAME, _USER, _PASSWORD; no address: no e-mail
	SMS            string            // MINSHENG_SMS: log (default) or off
	WebhookTimeout time.Duration     // MINSHENG_WEBHOOK_TIMEOUT
}

// jobsConfigFrom reads the settings from the environment.
func jobsConfigFrom(getenv func(string) string) (jobsConfig, error) {
	c := jobsConfig{
		Node: getenv("MINSHENG_JOBS_NODE"), Lease: 60 * time.Second, Poll: time.Second, Batch: 100, Concurrency: 8,
		MaxAttempts: 10, SMS: "log", WebhookTimeout: 10 * time.Second,
	}
	switch strings.ToLower(getenv("MINSHENG_JOBS")) {
	case "", "on", "1", "true", "yes":
	case "off", "0", "false", "no":
		c.Off = true
	default:
		return c, fmt.Errorf("MINSHENG_JOBS must be on or off, not %q", getenv("MINSHENG_JOBS"))
	}
	durations := map[string]*time.Duration{"MINSHENG_JOBS_LEASE": &c.Lease, "MINSHENG_JOBS_POLL": &c.Poll, "MINSHENG_WEBHOOK_TIMEOUT": &c.WebhookTimeout}
	for name, p := range durations {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return c, fmt.Errorf("%s must be a positive duration such as 30s, not %q", name, v)
			}
			*p = d
		}
	}
	ints := map[string]*int{"MINSHENG_JOBS_BATCH": &c.Batch, "MINSHENG_JOBS_CONCURRENCY": &c.Concurrency, "MINSHENG_JOBS_MAX_ATTEMPTS": &c.MaxAttempts}
	for name, p := range ints {
		if v := getenv(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 || n > 10000 {
				return c, fmt.Errorf("%s must be a number from 1 to 10000, not %q", name, v)
			}
			*p = n
		}
	}
	c.SMTP = notify.SMTPConfig{
		Addr: getenv("MINSHENG_SMTP_ADDR"), From: getenv("MINSHENG_SMTP_FROM"), FromName: getenv("MINSHENG_SMTP_FROM_NAME"),
		Username: getenv("MINSHENG_SMTP_USER"), Password: getenv("MINSHENG_SMTP_PASSWORD"),
	}
	if v := getenv("MINSHENG_SMS"); v != "" {
		c.SMS = strings.ToLower(v)
	}
	if c.SMS != "log" && c.SMS != "off" {
		return c, fmt.Errorf("MINSHENG_SMS must be log or off, not %q", c.SMS)
	}
	return c, nil
}

// newScheduler makes the scheduler of this process with every kind of job
// registered: notifications and the ticket deadlines of the use cases.
func (jc jobsConfig) newScheduler(db *store.DB, svc *app.Service, log *slog.Logger) (*jobs.Scheduler, error) {
	s := jobs.New(db, jobs.Options{
		Node: jc.Node, Clock: svc.Clock(), Lease: jc.Lease, PollInterval: jc.Poll, Batch: jc.Batch,
		Concurrency: jc.Concurrency, MaxAttempts: jc.MaxAttempts, Logger: log,
	})
	nc := notify.Config{DB: db, Clock: svc.Clock(), Webhook: notify.NewWebhookSender(svc.Clock(), jc.WebhookTimeout), Logger: log}
	if jc.SMTP.Addr != "" {
		email, err := notify.NewSMTPSender(jc.SMTP, svc.Clock())
		if err != nil {
			return nil, err
		}
		nc.Email = email
	}
	if jc.SMS == "log" {
		nc.SMS = notify.LogSMS{Log: log}
	}
	notify.New(nc).Register(s)
	s.Register(app.JobDeadline, func(ctx context.Context, tx *store.Tx, j *jobs.Job) error {
		return svc.RunDeadlineJob(ctx, tx, j.Payload)
	})
	s.Every(app.JobDailyDigest, jobs.Daily(8, 0, calendar.China), func(ctx context.Context, tx *store.Tx, _ *jobs.Job) error {
		return svc.RunDailyDigest(ctx, tx)
	})
	// The classifier is retrained when its suggestions drift (app/train.go).
	s.Every(app.JobRetrainCheck, jobs.Daily(3, 0, calendar.China), func(ctx context.Context, tx *store.Tx, _ *jobs.Job) error {
		return svc.RunRetrainCheck(ctx, tx)
	})
	s.RegisterWork(app.JobRetrain, svc.RunRetrain)
	for _, j := range platform.Jobs(svc) {
		if j.Every != nil {
			s.Every(j.Kind, j.Every, j.Handler)
			continue
		}
		s.Register(j.Kind, j.Handler)
	}
	return s, nil
}

// startJobs runs the job scheduler of this server process in the
// background, so that every `minsheng serve` process takes part in the
// background work (DESIGN §5), unless MINSHENG_JOBS=off. stop ends it,
// letting a batch in hand finish within its lease.
func startJobs(ctx context.Context, c *Config, getenv func(string) string, db *store.DB, svc *app.Service, log *slog.Logger) (stop func(), err error) {
	jc, err := jobsConfigFrom(getenv)
	if err != nil {
		return nil, err
	}
	if jc.Off {
		log.Info("job scheduler off in this process (MINSHENG_JOBS=off)")
		return func() {}, nil
	}
	s, err := jc.newScheduler(db, svc, log)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}, nil
}

// cmdJobs is `minsheng jobs …`: look at the jobs table and act on it.
func cmdJobs(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("jobs: want list, stats, retry ID, cancel KEY or work")
	}
	sub, args := args[0], args[1:]
	c, fs := commandFlags("jobs "+sub, getenv, stderr, false)
	status := fs.String("status", "", "list: only jobs in this status (pending, running, done, dead, cancelled)")
	kind := fs.String("kind", "", "list: only jobs of this kind")
	limit := fs.Int("n", 50, "list: at most this many jobs")
	var rest []string
	if err := fs.Parse(args); err != nil {
		return err
	}
	rest = fs.Args()
	db, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	switch sub {
	case "list":
		var list []*store.Job
		err := db.Read(ctx, func(tx *store.Tx) error {
			var err error
			list, err = store.ListJobs(ctx, tx, store.JobFilter{Status: store.JobStatus(*status), Kind: *kind, Limit: *limit})
			return err
		})
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tKIND\tKEY\tSTATUS\tATTEMPTS\tRUN AT\tNODE\tLAST ERROR")
		for _, j := range list {
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", j.ID, j.Kind, j.Key, j.Status, j.Attempts,
				j.RunAt.Local().Format("2006-01-02 15:04:05"), j.Node, oneLine(j.LastError, 80))
		}
		return w.Flush()
	case "stats":
		var counts map[store.JobStatus]int
		var unsent map[store.DeliveryStatus]int
		err := db.Read(ctx, func(tx *store.Tx) error {
			var err error
			if counts, err = store.CountJobs(ctx, tx); err != nil {
				return err
			}
			unsent, err = store.CountUnsent(ctx, tx)
			return err
		})
		if err != nil {
			return err
		}
		for _, s := range store.JobStatuses {
			fmt.Fprintf(stdout, "%-10s %d\n", s, counts[s])
		}
		// The outbox is a queue of its own (docs/jobs.md).
		fmt.Fprintln(stdout, "\nmessages (minsheng notify deliveries):")
		for _, s := range []store.DeliveryStatus{store.DeliveryPending, store.DeliveryRetrying, store.DeliveryDead} {
			fmt.Fprintf(stdout, "%-10s %d\n", s, unsent[s])
		}
		return nil
	case "retry":
		if len(rest) != 1 {
			return errors.New("jobs retry: give the id of a dead or cancelled job")
		}
		id, err := strconv.ParseInt(rest[0], 10, 64)
		if err != nil {
			return fmt.Errorf("jobs retry: %q is not a job id", rest[0])
		}
		if err := db.Write(ctx, func(tx *store.Tx) error { return jobs.Retry(ctx, tx, id, time.Now()) }); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "job %d is pending again\n", id)
		return nil
	case "cancel":
		if len(rest) != 1 {
			return errors.New("jobs cancel: give the key of the jobs to cancel")
		}
		var n int
		err := db.Write(ctx, func(tx *store.Tx) error {
			var err error
			n, err = jobs.Cancel(ctx, tx, rest[0], time.Now())
			return err
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "cancelled %d jobs\n", n)
		return nil
	case "work":
		// A process that only works off jobs, beside or instead of the
		// servers' schedulers.
		log, err := c.logger(stderr)
		if err != nil {
			return err
		}
		jc, err := jobsConfigFrom(getenv)
		if err != nil {
			return err
		}
		s, err := jc.newScheduler(db, app.New(app.Config{DB: db, Logger: log, Jobs: jobs.Queue{}}), log)
		if err != nil {
			return err
		}
		ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM)
		defer stop()
		fmt.Fprintf(stdout, "working off jobs as node %s; stop with Ctrl-C or SIGTERM\n", s.Node())
		return s.Run(ctx)
	}
	return fmt.Errorf("jobs: unknown subcommand %q; want list, stats, retry, cancel or work", sub)
}

// cmdNotify is `minsheng notify …`: webhook subscribers, staff contacts,
// and the delivery log.
func cmdNotify(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const want = "notify: want webhook add|list|on|off, contact, deliveries or retry"
	if len(args) == 0 {
		return errors.New(want)
	}
	sub, args := args[0], args[1:]
	if sub == "webhook" {
		if len(args) == 0 {
			return errors.New(want)
		}
		if isHelp(args[0]) {
			fmt.Fprint(stdout, commandUsage(commandNamed("notify")))
			return nil
		}
		sub, args = "webhook "+args[0], args[1:]
	}
	c, fs := commandFlags("notify "+sub, getenv, stderr, false)
	name := fs.String("name", "", "webhook add: the subscriber's name")
	url := fs.String("url", "", "webhook add: where to POST events")
	events := fs.String("events", "", "webhook add: comma-separated actions to send (dispatch,reply,…); empty for all")
	username := fs.String("username", "", "contact: the user")
	email := fs.String("email", "", "contact: e-mail address")
	phone := fs.String("phone", "", "contact: mobile phone")
	lang := fs.String("lang", "zh", "contact: language of messages, zh or en")
	number := fs.String("ticket", "", "deliveries: only those about this ticket number")
	status := fs.String("status", "", "deliveries: only those in this status (pending, retrying, sent, dead, skipped)")
	limit := fs.Int("n", 50, "deliveries: at most this many")
	if err := fs.Parse(args); err != nil {
		return err
	}
	rest := fs.Args()
	db, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := app.New(app.Config{DB: db})
	switch sub {
	case "webhook add":
		var ev []string
		if *events != "" {
			ev = strings.Split(*events, ",")
		}
		w, secret, err := svc.CreateWebhook(ctx, kit.System(), app.NewWebhook{Name: *name, URL: *url, Events: ev})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "webhook %d (%s) posts to %s\n", w.ID, w.Name, w.URL)
		fmt.Fprintf(stdout, "its signing secret (shown once; receivers verify %s with it):\n%s\n", notify.HeaderSignature, secret)
		return nil
	case "webhook list":
		list, err := svc.ListWebhooks(ctx, kit.System())
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tNAME\tURL\tEVENTS\tACTIVE")
		for _, h := range list {
			ev := strings.Join(h.Events, ",")
			if ev == "" {
				ev = "all"
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%v\n", h.ID, h.Name, h.URL, ev, h.Active)
		}
		return w.Flush()
	case "webhook on", "webhook off":
		if len(rest) != 1 {
			return fmt.Errorf("notify %s: give the webhook's id", sub)
		}
		id, err := strconv.ParseInt(rest[0], 10, 64)
		if err != nil {
			return fmt.Errorf("notify %s: %q is not an id", sub, rest[0])
		}
		return svc.SetWebhookActive(ctx, kit.System(), id, sub == "webhook on")
	case "contact":
		if *username == "" {
			return errors.New("notify contact: -username is required")
		}
		if err := svc.SetContact(ctx, kit.System(), *username, app.Contact{Email: *email, Phone: *phone, Lang: *lang}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s is told of work by %s\n", *username, contactSummary(*email, *phone))
		return nil
	case "deliveries":
		var list []*store.Delivery
		err := db.Read(ctx, func(tx *store.Tx) error {
			f := store.DeliveryFilter{Status: store.DeliveryStatus(*status), Limit: *limit}
			if *number != "" {
				t, err := store.GetTicketByNumber(ctx, tx, *number)
				if err != nil {
					return err
				}
				f.TicketID = t.ID
			}
			var err error
			list, err = store.ListDeliveries(ctx, tx, f)
			return err
		})
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tCHANNEL\tTO\tTEMPLATE\tSTATUS\tATTEMPTS\tCODE\tCREATED\tLAST ERROR")
		for _, d := range list {
			to := d.Recipient
			if d.Channel == notify.ChannelSMS {
				to = personal.MaskPhone(to)
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\n", d.ID, d.Channel, to, d.Template, d.Status, d.Attempts,
				d.ResponseCode, d.CreatedAt.Local().Format("2006-01-02 15:04:05"), oneLine(d.LastError, 60))
		}
		return w.Flush()
	case "retry":
		if len(rest) != 1 {
			return errors.New("notify retry: give the id of a dead delivery")
		}
		id, err := strconv.ParseInt(rest[0], 10, 64)
		if err != nil {
			return fmt.Errorf("notify retry: %q is not a delivery id", rest[0])
		}
		if err := db.Write(ctx, func(tx *store.Tx) error { return store.RetryDelivery(ctx, tx, id, time.Now()) }); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "delivery %d is pending again\n", id)
		return nil
	}
	return errors.New(want)
}

func contactSummary(email, phone string) string {
	var parts []string
	if email != "" {
		parts = append(parts, "e-mail "+email)
	}
	if phone != "" {
		parts = append(parts, "SMS to "+personal.MaskPhone(personal.NormalizePhone(phone)))
	}
	if len(parts) == 0 {
		return "nothing (no e-mail, no phone)"
	}
	return strings.Join(parts, " and ")
}

// oneLine puts s on one line and cuts it to n characters.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		s = string(r[:n]) + "…"
	}
	return s
}
