package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/jobs"
	"github.com/minsheng/minsheng/notify"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

// notifyAll calls notifyEvent for every event of the ticket, as the use
// cases do in each event's transaction. Messages already written are not
// written twice, so it does no harm where the use cases did it already.
func notifyAll(t *testing.T, f *apptest.Fixture, number string) {
	t.Helper()
	ctx := context.Background()
	err := f.DB.Write(ctx, func(tx *store.Tx) error {
		tk, err := store.GetTicketByNumber(ctx, tx, number)
		if err != nil {
			return err
		}
		events, err := store.ListEvents(ctx, tx, tk.ID)
		if err != nil {
			return err
		}
		for i := range events {
			events[i].TicketID = tk.ID
			if err := f.Svc.NotifyEvent(ctx, tx, tk, &events[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func deliveries(t *testing.T, f *apptest.Fixture, number string) []*store.Delivery {
	t.Helper()
	ctx := context.Background()
	var out []*store.Delivery
	err := f.DB.Read(ctx, func(tx *store.Tx) error {
		tk, err := store.GetTicketByNumber(ctx, tx, number)
		if err != nil {
			return err
		}
		out, err = store.ListDeliveries(ctx, tx, store.DeliveryFilter{TicketID: tk.ID})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// setupRecipients gives the community's handler an e-mail address, adds a
// second handler with only a phone who reads English, and subscribes two
// systems: one to everything, one to replies only.
func setupRecipients(t *testing.T, f *apptest.Fixture, hookURL string) {
	t.Helper()
	ctx := context.Background()
	admin := f.Users["admin"]
	if err := f.Svc.SetContact(ctx, admin, "handler", app.Contact{Email: "handler@haihu.example.cn"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Svc.CreateUserWithHash(ctx, app.NewUser{Username: "handler2", Name: "Li Na", Role: org.RoleHandler, UnitID: f.Community.ID}, "!"); err != nil {
		t.Fatal(err)
	}
	if err := f.Svc.SetContact(ctx, admin, "handler2", app.Contact{Phone: "139 0971 5678", Lang: "en"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.Svc.CreateWebhook(ctx, admin, app.NewWebhook{Name: "city-12345", URL: hookURL}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.Svc.CreateWebhook(ctx, admin, app.NewWebhook{Name: "replies", URL: hookURL + "/replies", Events: []string{"reply"}}); err != nil {
		t.Fatal(err)
	}
}

type sentSMS struct {
	mu   sync.Mutex
	msgs []notify.SMS
}

func (s *sentSMS) SendSMS(_ context.Context, m notify.SMS) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, m)
	return 200, nil
}

type sentEmail struct {
	mu   sync.Mutex
	msgs []*store.Delivery
}

func (s *sentEmail) Send(_ context.Context, d *store.Delivery) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, d)
	return 250, nil
}

func TestNotifyEventRecipientsAndDelivery(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var mu sync.Mutex
		var hooks []string
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			mu.Lock()
			hooks = append(hooks, r.URL.Path+" "+r.Header.Get(notify.HeaderEvent))
			mu.Unlock()
		}))
		defer srv.Close()
		f := apptest.New(t, db)
		setupRecipients(t, f, srv.URL)

		tk := f.Dispatched(t)
		if _, err := f.Svc.Acknowledge(ctx, f.Users["handler"], tk.Number, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Svc.Reply(ctx, f.Users["handler"], tk.Number, "已协调维保单位更换主板，电梯已恢复运行。"); err != nil {
			t.Fatal(err)
		}
		notifyAll(t, f, tk.Number)
		notifyAll(t, f, tk.Number) // a second time writes nothing more

		var got []string
		byKey := map[string]*store.Delivery{}
		for _, d := range deliveries(t, f, tk.Number) {
			k := d.Template + " " + d.Channel + " " + d.Recipient
			got = append(got, k)
			byKey[k] = d
		}
		sort.Strings(got)
		want := []string{
			"handler.dispatched email handler@haihu.example.cn",
			"handler.dispatched sms 13909715678",
			"resident.acknowledged sms 13897001234",
			"resident.registered sms 13897001234",
			"resident.replied sms 13897001234",
			"ticket.acknowledge webhook " + srv.URL,
			"ticket.dispatch webhook " + srv.URL,
			"ticket.register webhook " + srv.URL,
			"ticket.reply webhook " + srv.URL,
			"ticket.reply webhook " + srv.URL + "/replies",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("outbox:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		email := byKey["handler.dispatched email handler@haihu.example.cn"]
		if email.Lang != "zh" || !strings.HasPrefix(email.Subject, "【新工单】"+tk.Number) || !strings.Contains(email.Body, "handler姓名，您好") {
			t.Fatalf("dispatch e-mail: %q / %q", email.Subject, email.Body)
		}
		if sms := byKey["handler.dispatched sms 13909715678"]; sms.Lang != "en" || !strings.HasPrefix(sms.Body, "[New ticket] "+tk.Number) {
			t.Fatalf("dispatch SMS to the English-reading handler: %q", sms.Body)
		}
		if sms := byKey["resident.acknowledged sms 13897001234"]; !strings.Contains(sms.Body, "已由海湖社区签收") || !strings.Contains(sms.Body, tk.Number) {
			t.Fatalf("acknowledgement SMS: %q", sms.Body)
		}
		if sms := byKey["resident.replied sms 13897001234"]; !strings.Contains(sms.Body, "已协调维保单位更换主板") {
			t.Fatalf("reply SMS: %q", sms.Body)
		}

		// Any server process sends them; here a scheduler in the test.
		sms, mail := &sentSMS{}, &sentEmail{}
		sched := jobs.New(db, jobs.Options{Clock: f.Clock, Logger: quietLog})
		notify.New(notify.Config{DB: db, Clock: f.Clock, SMS: sms, Email: mail, Logger: quietLog}).Register(sched)
		if _, err := sched.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		for _, d := range deliveries(t, f, tk.Number) {
			if d.Status != store.DeliverySent || d.Attempts != 1 {
				t.Errorf("%s to %s: %s after %d attempts (%s)", d.Template, d.Recipient, d.Status, d.Attempts, d.LastError)
			}
		}
		mu.Lock()
		sort.Strings(hooks)
		if len(sms.msgs) != 4 || len(mail.msgs) != 1 || len(hooks) != 5 || hooks[4] != "/replies ticket.reply" {
			t.Fatalf("sent %d SMS, %d e-mails, webhooks %q", len(sms.msgs), len(mail.msgs), hooks)
		}
		mu.Unlock()

		// Deliveries shown on the ticket mask the resident's phone.
		list, err := f.Svc.TicketDeliveries(ctx, f.Users["dispatcher"], tk.Number)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range list {
			if strings.Contains(d.Recipient, "13897001234") {
				t.Fatalf("TicketDeliveries shows a full phone number: %+v", d)
			}
		}
	})
}

// quietLog drops the log lines of the notification tests.
var quietLog = slog.New(slog.DiscardHandler)

func TestEscalatedSupervisionGoesToTheParentUnit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := apptest.New(t, db)
		admin := f.Users["admin"]
		for user, addr := range map[string]string{"handler": "handler@haihu.example.cn", "street_handler": "street@xinghai.example.cn"} {
			if err := f.Svc.SetContact(ctx, admin, user, app.Contact{Email: addr}); err != nil {
				t.Fatal(err)
			}
		}
		tk := f.Dispatched(t)
		err := db.Write(ctx, func(tx *store.Tx) error {
			full, err := store.GetTicket(ctx, tx, tk.ID)
			if err != nil {
				return err
			}
			for _, e := range []*ticket.Event{
				{TicketID: tk.ID, Seq: 90, At: f.Clock.Now(), Action: ticket.ActionRemind, ToStatus: full.Status, UnitID: f.Community.ID},
				{TicketID: tk.ID, Seq: 91, At: f.Clock.Now(), Action: ticket.ActionSupervise, ToStatus: full.Status, UnitID: f.Street.ID, Data: map[string]string{"level": "2"}},
			} {
				if err := f.Svc.NotifyEvent(ctx, tx, full, e); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range deliveries(t, f, tk.Number) {
			if d.EventSeq >= 90 {
				got = append(got, d.Template+" "+d.Recipient)
			}
		}
		sort.Strings(got)
		want := "handler.reminded handler@haihu.example.cn,handler.supervised street@xinghai.example.cn"
		if strings.Join(got, ",") != want {
			t.Fatalf("got %v, want %s", got, want)
		}
	})
}

func TestContactsAndWebhooksAreAdminsWork(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := apptest.New(t, db)
		admin, handler := f.Users["admin"], f.Users["handler"]
		cases := []struct {
			name string
			err  error
			code string
		}{
			{"own contact", f.Svc.SetContact(ctx, handler, "handler", app.Contact{Email: "me@haihu.example.cn", Phone: "+86 138-9700-1234"}), ""},
			{"someone else's", f.Svc.SetContact(ctx, handler, "street_handler", app.Contact{Email: "x@example.cn"}), minsheng.EFORBIDDEN},
			{"bad e-mail", f.Svc.SetContact(ctx, admin, "handler", app.Contact{Email: "Zhang <z@example.cn>"}), minsheng.EINVALID},
			{"bad phone", f.Svc.SetContact(ctx, admin, "handler", app.Contact{Phone: "12ab"}), minsheng.EINVALID},
			{"bad language", f.Svc.SetContact(ctx, admin, "handler", app.Contact{Lang: "fr"}), minsheng.EINVALID},
			{"unknown user", f.Svc.SetContact(ctx, admin, "nobody", app.Contact{}), minsheng.ENOTFOUND},
		}
		_, _, err := f.Svc.CreateWebhook(ctx, handler, app.NewWebhook{Name: "x", URL: "https://example.cn/hook"})
		cases = append(cases, struct {
			name string
			err  error
			code string
		}{"webhook by a handler", err, minsheng.EFORBIDDEN})
		for _, bad := range []app.NewWebhook{
			{Name: "ftp", URL: "ftp://example.cn/hook"},
			{Name: "relative", URL: "/hook"},
			{Name: "password", URL: "https://u:p@example.cn/hook"},
			{Name: "events", URL: "https://example.cn/hook", Events: []string{"explode"}},
			{Name: "", URL: "https://example.cn/hook"},
		} {
			_, _, err := f.Svc.CreateWebhook(ctx, admin, bad)
			cases = append(cases, struct {
				name string
				err  error
				code string
			}{"webhook " + bad.Name, err, minsheng.EINVALID})
		}
		for _, c := range cases {
			if got := minsheng.ErrorCode(c.err); got != c.code {
				t.Errorf("%s: %v, want code %q", c.name, c.err, c.code)
			}
		}
		w, secret, err := f.Svc.CreateWebhook(ctx, admin, app.NewWebhook{Name: "city", URL: "https://example.cn/hook"})
		if err != nil || !strings.HasPrefix(secret, "whsec_") || w.ID == 0 {
			t.Fatalf("CreateWebhook = %+v, %q, %v", w, secret, err)
		}
		if _, _, err := f.Svc.CreateWebhook(ctx, admin, app.NewWebhook{Name: "city", URL: "https://example.cn/other"}); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Fatalf("duplicate name: %v", err)
		}
		if err := f.Svc.SetWebhookActive(ctx, admin, w.ID, false); err != nil {
			t.Fatal(err)
		}
		list, err := f.Svc.ListWebhooks(ctx, admin)
		if err != nil || len(list) != 1 || list[0].Active {
			t.Fatalf("ListWebhooks = %+v, %v", list, err)
		}
		var c *store.Contact
		db.Read(ctx, func(tx *store.Tx) error {
			c, err = store.GetUserContact(ctx, tx, handler.ID)
			return err
		})
		if c.Email != "me@haihu.example.cn" || c.Phone != "13897001234" || c.Lang != "zh" {
			t.Fatalf("contact %+v", c)
		}
	})
}
