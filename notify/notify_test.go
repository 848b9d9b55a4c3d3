package notify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/jobs"
	"github.com/minsheng/minsheng/notify"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, calendar.China)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func sampleData() notify.Data {
	return notify.Data{
		Number: "20260302-00001", Title: "小区电梯停运三天无人维修，老人上下楼非常困难", Kind: "complaint", Urgency: "urgent",
		Status: "dispatched", Action: "dispatch", Unit: "海湖社区", Note: "请尽快联系物业", Recipient: "张伟", Parent: "20260301-00007",
		Reply: "已协调维保单位更换主板，电梯已于3月3日恢复运行。", AcknowledgeBy: start.Add(2 * time.Hour), ReplyBy: start.Add(24 * time.Hour),
		Date: "2026-03-02", Open: 7, AwaitingAck: 2, DueToday: 1, Overdue: 3, Actor: "wangli（王丽）", Count: 20, Minutes: 10,
	}
}

func TestTemplatesRenderInBothLanguages(t *testing.T) {
	for _, lang := range []string{notify.LangZH, notify.LangEN} {
		for _, name := range notify.Templates() {
			t.Run(lang+"/"+name, func(t *testing.T) {
				subject, body, err := notify.Render(lang, name, sampleData())
				if err != nil {
					t.Fatal(err)
				}
				// A ticket's messages name it; the unit digest names the unit
				// and its counts.
				if name == notify.UnitDigest {
					if !strings.Contains(body, "海湖社区") || !strings.Contains(body, "7") {
						t.Fatalf("digest does not name the unit and its counts:\n%s", body)
					}
				} else if name == notify.AdminReveals {
					if !strings.Contains(body, "wangli（王丽）") || !strings.Contains(body, "20") || !strings.Contains(body, "10") {
						t.Fatalf("alert does not name the user and the count:\n%s", body)
					}
				} else if !strings.Contains(body, "20260302-00001") {
					t.Fatalf("body does not name the ticket:\n%s", body)
				}
				staff := strings.HasPrefix(name, "handler.") || name == notify.UnitDigest || name == notify.AdminReveals
				if staff != (subject != "") {
					t.Fatalf("subject %q: staff templates have one, others none", subject)
				}
				zh := strings.Contains(body, "工单")
				if zh != (lang == notify.LangZH) {
					t.Fatalf("a %s body in the wrong language:\n%s", lang, body)
				}
				if strings.HasPrefix(name, "resident.") && utf8.RuneCountInString(body) > 134 { // without a link
					t.Fatalf("resident SMS is %d characters, more than two SMS parts (67 characters each):\n%s", utf8.RuneCountInString(body), body)
				}
			})
		}
	}
	// With the server's public address, the caller's messages carry their
	// link: the text around it still fits two parts, the link a third.
	d := sampleData()
	d.Link = "https://12345.example.gov.cn" + "/track/20260302-00001?token=msr_" + strings.Repeat("x", 43)
	d.Lookup = "https://12345.example.gov.cn/track"
	for _, lang := range []string{notify.LangZH, notify.LangEN} {
		for _, c := range []struct{ name, link string }{
			{notify.ResidentRegistered, d.Link}, {notify.ResidentReplied, d.Link}, {notify.ResidentAcknowledged, d.Lookup},
		} {
			_, body, err := notify.Render(lang, c.name, d)
			if err != nil || !strings.Contains(body, c.link) {
				t.Fatalf("%s/%s lacks its link %s: %s (%v)", lang, c.name, c.link, body, err)
			}
			// Phones end a link at a space or the end: text right after it
			// would be read as part of the address.
			if rest := body[strings.Index(body, c.link)+len(c.link):]; rest != "" && !strings.HasPrefix(rest, " ") && !strings.HasPrefix(rest, ".") {
				t.Errorf("%s/%s: text right after the link: %q", lang, c.name, body)
			}
			if n := utf8.RuneCountInString(strings.Replace(body, c.link, "", 1)); n > 134 {
				t.Errorf("%s/%s is %d characters besides its link:\n%s", lang, c.name, n, body)
			}
		}
	}
	_, body, _ := notify.Render(notify.LangZH, notify.HandlerDispatched, sampleData())
	for _, want := range []string{"张伟，您好", "海湖社区", "投诉", "紧急", "签收时限：2026-03-02 11:00", "办理时限：2026-03-03 09:00", "派单意见：请尽快联系物业"} {
		if !strings.Contains(body, want) {
			t.Errorf("dispatch e-mail lacks %q:\n%s", want, body)
		}
	}
	_, body, _ = notify.Render("en-GB", notify.HandlerDispatched, sampleData())
	if !strings.Contains(body, "Kind: complaint; urgency: urgent") {
		t.Errorf("English labels missing:\n%s", body)
	}
	if _, _, err := notify.Render(notify.LangZH, "no.such", sampleData()); err == nil {
		t.Error("unknown template rendered")
	}
}

func TestSignAndVerify(t *testing.T) {
	secret, body := notify.NewSecret(), []byte(`{"type":"ticket.dispatch"}`)
	now := time.Unix(1_772_000_000, 0)
	h := http.Header{}
	h.Set(notify.HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
	h.Set(notify.HeaderSignature, notify.Sign(secret, now.Unix(), body))
	if err := notify.Verify(secret, h, body, now.Add(time.Minute), 5*time.Minute); err != nil {
		t.Fatalf("good signature refused: %v", err)
	}
	cases := map[string]func() error{
		"tampered body": func() error { return notify.Verify(secret, h, []byte(`{"type":"ticket.close"}`), now, 5*time.Minute) },
		"other secret":  func() error { return notify.Verify(notify.NewSecret(), h, body, now, 5*time.Minute) },
		"replayed late": func() error { return notify.Verify(secret, h, body, now.Add(time.Hour), 5*time.Minute) },
	}
	for name, check := range cases {
		if check() == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestLogSMSNeverLogsAFullPhoneNumber(t *testing.T) {
	var buf bytes.Buffer
	gw := notify.LogSMS{Log: slog.New(slog.NewJSONHandler(&buf, nil))}
	_, err := gw.SendSMS(context.Background(), notify.SMS{To: "13897001234", Ref: "42",
		Text: "【民生热线】您反映的“请回电13912345678”（工单号20260302-00001）已签收"})
	if err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, full := range []string{"13897001234", "13912345678"} {
		if strings.Contains(out, full) {
			t.Fatalf("log line holds the full number %s: %s", full, out)
		}
	}
	for _, want := range []string{"138****1234", "139****5678", "20260302-00001"} {
		if !strings.Contains(out, want) {
			t.Fatalf("log line lacks %s: %s", want, out)
		}
	}
}

// env is a database with a notifier and a scheduler on a fake clock.
type env struct {
	db    *store.DB
	clock *minsheng.FakeClock
	sched *jobs.Scheduler
}

func newEnv(t *testing.T, db *store.DB, c notify.Config) *env {
	e := &env{db: db, clock: minsheng.NewFakeClock(start)}
	c.DB, c.Clock, c.Logger = db, e.clock, quiet
	if c.Webhook == nil {
		c.Webhook = notify.NewWebhookSender(e.clock, 5*time.Second)
	}
	e.sched = jobs.New(db, jobs.Options{Clock: e.clock, Logger: quiet, MaxAttempts: 3, BackoffBase: time.Minute})
	notify.New(c).Register(e.sched)
	return e
}

func (e *env) enqueue(t *testing.T, m notify.Message) int64 {
	t.Helper()
	m.At = e.clock.Now()
	var id int64
	err := e.db.Write(context.Background(), func(tx *store.Tx) error {
		var err error
		id, err = notify.Enqueue(context.Background(), tx, m)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (e *env) run(t *testing.T) int {
	t.Helper()
	n, err := e.sched.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (e *env) delivery(t *testing.T, id int64) *store.Delivery {
	t.Helper()
	var d *store.Delivery
	err := e.db.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		d, err = store.GetDelivery(context.Background(), tx, id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (e *env) webhook(t *testing.T, url string) *store.Webhook {
	t.Helper()
	id, err := e.db.NextID(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	w := &store.Webhook{ID: id, Name: "city-12345", URL: url, Secret: notify.NewSecret(), Active: true, CreatedAt: start}
	if err := e.db.Write(context.Background(), func(tx *store.Tx) error { return store.InsertWebhook(context.Background(), tx, w) }); err != nil {
		t.Fatal(err)
	}
	return w
}

// receiver is a webhook subscriber that checks signatures and answers
// with the statuses it is given, then 200.
type receiver struct {
	mu       sync.Mutex
	secret   string
	clock    minsheng.Clock
	statuses []int
	got      []http.Header
	bodies   [][]byte
	bad      []string
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := notify.Verify(r.secret, req.Header, body, r.clock.Now(), 5*time.Minute); err != nil {
		r.bad = append(r.bad, err.Error())
	}
	r.got = append(r.got, req.Header.Clone())
	r.bodies = append(r.bodies, body)
	status := 200
	if len(r.statuses) > 0 {
		status, r.statuses = r.statuses[0], r.statuses[1:]
	}
	w.WriteHeader(status)
}

func TestWebhookDeliveryRetriesWithoutDuplicates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		rcv := &receiver{statuses: []int{503}}
		srv := httptest.NewServer(rcv)
		defer srv.Close()
		e := newEnv(t, db, notify.Config{})
		hook := e.webhook(t, srv.URL)
		rcv.secret, rcv.clock = hook.Secret, e.clock
		tk := &ticket.Ticket{Number: "20260302-00001", Title: "路灯不亮", Kind: ticket.KindReport, Urgency: ticket.UrgencyNormal,
			Status: ticket.StatusDispatched, CallerName: "王秀兰", CallerPhone: "13897001234", UnitID: 7}
		ev := &ticket.Event{Seq: 2, At: start, Action: ticket.ActionDispatch, FromStatus: ticket.StatusRegistered, ToStatus: ticket.StatusDispatched, UnitID: 7}
		body, err := notify.EventBody(tk, ev, "海湖社区")
		if err != nil {
			t.Fatal(err)
		}
		msg := notify.Message{Channel: notify.ChannelWebhook, To: hook.URL, WebhookID: hook.ID, Template: "ticket.dispatch", Body: string(body)}
		id := e.enqueue(t, msg)
		if again := e.enqueue(t, msg); again != 0 {
			t.Fatal("the same message was written to the outbox twice")
		}

		e.run(t)
		d := e.delivery(t, id)
		if d.Status != store.DeliveryRetrying || d.Attempts != 1 || d.ResponseCode != 503 || !strings.Contains(d.LastError, "503") {
			t.Fatalf("after a 503: %+v", d)
		}
		if e.run(t) != 0 {
			t.Fatal("retried before the back-off ended")
		}
		e.clock.Advance(2 * time.Minute)
		e.run(t)
		d = e.delivery(t, id)
		if d.Status != store.DeliverySent || d.Attempts != 2 || d.ResponseCode != 200 || d.SentAt == nil {
			t.Fatalf("after the retry: %+v", d)
		}
		// A delivery recorded as sent is never claimed again.
		e.clock.Advance(time.Hour)
		if n := e.run(t); n != 0 {
			t.Fatalf("%d claimed after the delivery was sent", n)
		}

		rcv.mu.Lock()
		defer rcv.mu.Unlock()
		if len(rcv.got) != 2 || len(rcv.bad) > 0 {
			t.Fatalf("receiver got %d requests (bad signatures: %v), want 2 good ones", len(rcv.got), rcv.bad)
		}
		for _, h := range rcv.got {
			if h.Get(notify.HeaderDelivery) != strconv.FormatInt(id, 10) || h.Get(notify.HeaderEvent) != "ticket.dispatch" {
				t.Fatalf("headers %v", h)
			}
		}
		if bytes.Contains(rcv.bodies[0], []byte("13897001234")) || bytes.Contains(rcv.bodies[0], []byte("王秀兰")) {
			t.Fatalf("webhook body holds the caller's personal data: %s", rcv.bodies[0])
		}
		var wb notify.WebhookBody
		if err := json.Unmarshal(rcv.bodies[1], &wb); err != nil {
			t.Fatal(err)
		}
		if wb.EventID != "20260302-00001/2" || wb.Type != "ticket.dispatch" || wb.Ticket.UnitID != 7 ||
			!strings.Contains(wb.Message["zh"], "派单") || !strings.Contains(wb.Message["en"], "dispatched") {
			t.Fatalf("body %+v", wb)
		}
	})
}

func TestWebhookDeadAfterMaxAttemptsAndSkippedWhenOff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		rcv := &receiver{statuses: []int{500, 500, 500, 500}}
		srv := httptest.NewServer(rcv)
		defer srv.Close()
		e := newEnv(t, db, notify.Config{})
		hook := e.webhook(t, srv.URL)
		rcv.secret, rcv.clock = hook.Secret, e.clock
		id := e.enqueue(t, notify.Message{Channel: notify.ChannelWebhook, To: hook.URL, WebhookID: hook.ID, Template: "ticket.reply", Body: `{}`})
		for i := 0; i < 4; i++ {
			e.run(t)
			e.clock.Advance(time.Hour)
		}
		if d := e.delivery(t, id); d.Status != store.DeliveryDead || d.Attempts != 3 || d.ResponseCode != 500 {
			t.Fatalf("after 3 failed attempts: %+v", d)
		}
		// A subscriber switched off gets nothing more, also from the outbox.
		id2 := e.enqueue(t, notify.Message{Channel: notify.ChannelWebhook, To: hook.URL, WebhookID: hook.ID, Template: "ticket.close", Body: `{}`})
		if err := db.Write(context.Background(), func(tx *store.Tx) error {
			return store.SetWebhookActive(context.Background(), tx, hook.ID, false)
		}); err != nil {
			t.Fatal(err)
		}
		e.run(t)
		if d := e.delivery(t, id2); d.Status != store.DeliverySkipped {
			t.Fatalf("delivery to a switched-off subscriber: %+v", d)
		}
		rcv.mu.Lock()
		defer rcv.mu.Unlock()
		if len(rcv.got) != 3 {
			t.Fatalf("receiver got %d requests, want 3", len(rcv.got))
		}
	})
}

// recordingSMS is an SMS gateway that keeps what it is given and fails
// when told to.
type recordingSMS struct {
	mu   sync.Mutex
	sent []notify.SMS
	fail error
}

func (r *recordingSMS) SendSMS(_ context.Context, m notify.SMS) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return 0, r.fail
	}
	r.sent = append(r.sent, m)
	return 200, nil
}

func TestSMSDeliveryAndSkipWithoutGateway(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		gw := &recordingSMS{fail: errors.New("gateway timeout")}
		e := newEnv(t, db, notify.Config{SMS: gw})
		id := e.enqueue(t, notify.Message{Channel: notify.ChannelSMS, To: "13897001234", Template: notify.ResidentAcknowledged, Lang: "zh", Body: "已签收"})
		e.run(t)
		if d := e.delivery(t, id); d.Status != store.DeliveryRetrying || d.LastError != "gateway timeout" {
			t.Fatalf("after a gateway failure: %+v", d)
		}
		gw.mu.Lock()
		gw.fail = nil
		gw.mu.Unlock()
		e.clock.Advance(time.Hour)
		e.run(t)
		if d := e.delivery(t, id); d.Status != store.DeliverySent || d.Attempts != 2 {
			t.Fatalf("after the retry: %+v", d)
		}
		if len(gw.sent) != 1 || gw.sent[0].To != "13897001234" || gw.sent[0].Ref != strconv.FormatInt(id, 10) {
			t.Fatalf("gateway got %+v", gw.sent)
		}

		// No e-mail server set up: the e-mail is recorded as skipped, and
		// its job ends.
		id2 := e.enqueue(t, notify.Message{Channel: notify.ChannelEmail, To: "handler@example.gov.cn", Template: notify.HandlerDispatched, Subject: "s", Body: "b"})
		e.run(t)
		if d := e.delivery(t, id2); d.Status != store.DeliverySkipped || !strings.Contains(d.LastError, "e-mail is not set up") {
			t.Fatalf("e-mail without a server: %+v", d)
		}
		if e.run(t) != 0 {
			t.Fatal("a skipped delivery's job is still due")
		}
	})
}

// TestDeliveryLeaseEndsAfterACrash: a delivery claimed by a process that
// dies before recording the outcome is claimed again when the lease ends,
// and the dead claim's late record changes nothing.
func TestDeliveryLeaseEndsAfterACrash(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		gw := &recordingSMS{}
		e := newEnv(t, db, notify.Config{SMS: gw})
		id := e.enqueue(t, notify.Message{Channel: notify.ChannelSMS, To: "13897001234", Template: notify.ResidentAcknowledged, Lang: "zh", Body: "已签收"})
		var claimed []*store.Delivery
		err := db.Write(ctx, func(tx *store.Tx) (err error) {
			claimed, err = store.ClaimDeliveries(ctx, tx, store.Claim{Now: e.clock.Now(), LeaseUntil: e.clock.Now().Add(time.Minute), Token: "gone/1", Limit: 10})
			return err
		})
		if err != nil || len(claimed) != 1 || claimed[0].ID != id || claimed[0].Attempts != 1 {
			t.Fatalf("claim: %v %+v", err, claimed)
		}
		if n := e.run(t); n != 0 {
			t.Fatalf("%d claimed while another process's lease holds", n)
		}
		e.clock.Advance(2 * time.Minute)
		if n := e.run(t); n != 1 {
			t.Fatalf("%d claimed after the lease ended, want 1", n)
		}
		d := e.delivery(t, id)
		if d.Status != store.DeliverySent || d.Attempts != 2 || d.NextAt != nil || len(gw.sent) != 1 {
			t.Fatalf("after the lease ended: %+v; gateway got %d", d, len(gw.sent))
		}
		// The process that died comes back and records a failure: its
		// claim is gone, and nothing is written.
		claimed[0].Status, claimed[0].LastError = store.DeliveryDead, "late"
		var held map[int64]bool
		err = db.Write(ctx, func(tx *store.Tx) (err error) {
			held, err = store.SettleDeliveries(ctx, tx, "gone/1", claimed, e.clock.Now())
			return err
		})
		if err != nil || len(held) != 0 {
			t.Fatalf("late record: %v, held %v", err, held)
		}
		if d := e.delivery(t, id); d.Status != store.DeliverySent || d.LastError != "" {
			t.Fatalf("the late record changed the delivery: %+v", d)
		}
	})
}

// TestDeadDeliveryRetried: a dead delivery can be made pending again, and
// is then sent; one that is not dead cannot.
func TestDeadDeliveryRetried(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		gw := &recordingSMS{fail: jobs.Permanent(errors.New("number unknown to the gateway"))}
		e := newEnv(t, db, notify.Config{SMS: gw})
		id := e.enqueue(t, notify.Message{Channel: notify.ChannelSMS, To: "13897001234", Template: notify.ResidentAcknowledged, Lang: "zh", Body: "已签收"})
		e.run(t)
		if d := e.delivery(t, id); d.Status != store.DeliveryDead || d.Attempts != 1 || d.NextAt != nil {
			t.Fatalf("after a permanent failure: %+v", d)
		}
		gw.mu.Lock()
		gw.fail = nil
		gw.mu.Unlock()
		retry := func() error {
			return db.Write(ctx, func(tx *store.Tx) error { return store.RetryDelivery(ctx, tx, id, e.clock.Now()) })
		}
		if err := retry(); err != nil {
			t.Fatal(err)
		}
		e.run(t)
		if d := e.delivery(t, id); d.Status != store.DeliverySent || d.Attempts != 1 || len(gw.sent) != 1 {
			t.Fatalf("after the retry: %+v", d)
		}
		if err := retry(); !minsheng.IsCode(err, minsheng.ECONFLICT) {
			t.Fatalf("retry of a sent delivery: %v, want a conflict", err)
		}
	})
}

func TestOutboxRollsBackWithTheEvent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		boom := errors.New("the use case failed after writing its event")
		err := db.Write(ctx, func(tx *store.Tx) error {
			if _, err := notify.Enqueue(ctx, tx, notify.Message{Channel: notify.ChannelSMS, To: "13897001234", Template: notify.ResidentReplied, Body: "x", At: start}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		var deliveries, queued int
		db.Read(ctx, func(tx *store.Tx) error {
			tx.QueryRow(ctx, `SELECT COUNT(*) FROM deliveries`).Scan(&deliveries)
			return tx.QueryRow(ctx, `SELECT COUNT(*) FROM jobs`).Scan(&queued)
		})
		if deliveries != 0 || queued != 0 {
			t.Fatalf("a rolled-back transaction left %d deliveries and %d jobs", deliveries, queued)
		}
	})
}
