package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/jobs"
	"github.com/minsheng/minsheng/notify"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestJobsConfigFromEnvironment(t *testing.T) {
	c, err := jobsConfigFrom(envOf(nil))
	if err != nil || c.Off || c.Lease != time.Minute || c.Batch != 100 || c.SMS != "log" || c.SMTP.Addr != "" {
		t.Fatalf("defaults: %+v, %v", c, err)
	}
	c, err = jobsConfigFrom(envOf(map[string]string{
		"MINSHENG_JOBS": "off", "MINSHENG_JOBS_LEASE": "5s", "MINSHENG_JOBS_BATCH": "20", "MINSHENG_SMS": "off",
		"MINSHENG_SMTP_ADDR": "127.0.0.1:2525", "MINSHENG_SMTP_FROM": "noreply@chengxi.gov.cn",
	}))
	if err != nil || !c.Off || c.Lease != 5*time.Second || c.Batch != 20 || c.SMS != "off" || c.SMTP.Addr != "127.0.0.1:2525" {
		t.Fatalf("set: %+v, %v", c, err)
	}
	for name, value := range map[string]string{
		"MINSHENG_JOBS": "maybe", "MINSHENG_JOBS_LEASE": "-1s", "MINSHENG_JOBS_POLL": "soon",
		"MINSHENG_JOBS_BATCH": "0", "MINSHENG_SMS": "carrier-pigeon",
	} {
		if _, err := jobsConfigFrom(envOf(map[string]string{name: value})); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%s: %v, want an error naming the variable", name, value, err)
		}
	}
}

// TestStartJobsSendsTheOutbox starts the scheduler as a server process
// does and sees it deliver a webhook from the outbox, then stops it.
func TestStartJobsSendsTheOutbox(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, "sqlite")
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		got = append(got, r.Header.Get(notify.HeaderDelivery))
		mu.Unlock()
	}))
	defer srv.Close()
	svc := app.New(app.Config{DB: db, Jobs: jobs.Queue{}})
	hook, _, err := svc.CreateWebhook(ctx, kit.System(), app.NewWebhook{Name: "test", URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	err = db.Write(ctx, func(tx *store.Tx) error {
		id, err = notify.Enqueue(ctx, tx, notify.Message{Channel: notify.ChannelWebhook, To: hook.URL, WebhookID: hook.ID,
			Template: "ticket.register", Body: `{}`, At: time.Now()})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&syncWriter{w: &logs}, nil))
	stop, err := startJobs(ctx, &Config{}, envOf(map[string]string{"MINSHENG_JOBS_POLL": "10ms"}), db, svc, log)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 {
		t.Fatalf("webhook received %d deliveries, want 1", len(got))
	}
	var d *store.Delivery
	db.Read(ctx, func(tx *store.Tx) error {
		d, err = store.GetDelivery(ctx, tx, id)
		return err
	})
	if d.Status != store.DeliverySent {
		t.Fatalf("delivery %+v", d)
	}

	// With MINSHENG_JOBS=off the process runs no scheduler.
	stop, err = startJobs(ctx, &Config{}, envOf(map[string]string{"MINSHENG_JOBS": "off"}), db, svc, log)
	if err != nil {
		t.Fatal(err)
	}
	stop()
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func TestJobsAndNotifyCommands(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.DSN(t, "sqlite")
	getenv := envOf(map[string]string{"MINSHENG_DB": dsn})
	runCmd := func(cmd func(context.Context, []string, func(string) string, io.Writer, io.Writer) error, args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := cmd(ctx, args, getenv, &out, &errOut)
		return out.String() + errOut.String(), err
	}
	out, err := runCmd(cmdNotify, "webhook", "add", "-name", "city", "-url", "https://example.cn/hook", "-events", "dispatch,reply")
	if err != nil || !strings.Contains(out, "whsec_") {
		t.Fatalf("webhook add: %v\n%s", err, out)
	}
	out, err = runCmd(cmdNotify, "webhook", "list")
	if err != nil || !strings.Contains(out, "dispatch,reply") {
		t.Fatalf("webhook list: %v\n%s", err, out)
	}
	if out, err := runCmd(cmdNotify, "webhook", "add", "-name", "bad", "-url", "ftp://x"); err == nil {
		t.Fatalf("bad URL accepted:\n%s", out)
	}

	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Write(ctx, func(tx *store.Tx) error {
		_, err := jobs.Enqueue(ctx, tx, jobs.Spec{Kind: "test.kind", Key: "k1", RunAt: time.Now()})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err = runCmd(cmdJobs, "stats")
	if err != nil || !strings.Contains(out, "pending    1") {
		t.Fatalf("jobs stats: %v\n%s", err, out)
	}
	out, err = runCmd(cmdJobs, "list", "-status", "pending")
	if err != nil || !strings.Contains(out, "test.kind") || !strings.Contains(out, "k1") {
		t.Fatalf("jobs list: %v\n%s", err, out)
	}
	if out, err = runCmd(cmdJobs, "cancel", "k1"); err != nil || !strings.Contains(out, "cancelled 1 jobs") {
		t.Fatalf("jobs cancel: %v\n%s", err, out)
	}
	var id string
	if f := strings.Fields(strings.Split(mustOut(runCmd(cmdJobs, "list"))(t), "\n")[1]); len(f) > 0 {
		id = f[0]
	}
	if out, err = runCmd(cmdJobs, "retry", id); err != nil || !strings.Contains(out, "pending again") {
		t.Fatalf("jobs retry %s: %v\n%s", id, err, out)
	}
	if _, err = runCmd(cmdJobs, "retry", id); err == nil {
		t.Fatal("retry of a pending job accepted")
	}

	// A message that died is tried again with notify retry.
	var did int64
	err = db.Write(ctx, func(tx *store.Tx) error {
		var err error
		did, err = notify.Enqueue(ctx, tx, notify.Message{Channel: notify.ChannelSMS, To: "13897001234", Template: notify.ResidentAcknowledged, Body: "已签收", At: time.Now()})
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE deliveries SET status = 'dead', next_at = NULL WHERE id = ?`, did)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sid := strconv.FormatInt(did, 10)
	if out, err = runCmd(cmdJobs, "stats"); err != nil || !strings.Contains(out, "messages") || !regexp.MustCompile(`\ndead +1\n`).MatchString(out) {
		t.Fatalf("jobs stats with a dead message: %v\n%s", err, out)
	}
	if out, err = runCmd(cmdNotify, "retry", sid); err != nil || !strings.Contains(out, "pending again") {
		t.Fatalf("notify retry %s: %v\n%s", sid, err, out)
	}
	if out, err = runCmd(cmdNotify, "deliveries", "-status", "pending"); err != nil || !strings.Contains(out, sid) || strings.Contains(out, "13897001234") {
		t.Fatalf("notify deliveries after the retry: %v\n%s", err, out)
	}
	if _, err = runCmd(cmdNotify, "retry", sid); err == nil {
		t.Fatal("retry of a pending delivery accepted")
	}
}

func mustOut(out string, err error) func(*testing.T) string {
	return func(t *testing.T) string {
		t.Helper()
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		return out
	}
}
