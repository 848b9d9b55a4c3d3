package app_test

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/notify"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

var linkRE = regexp.MustCompile(`https://\S+`)

// smsLink returns the link in the ticket's one SMS of the template, and
// its token.
func smsLink(t *testing.T, f *apptest.Fixture, number, template string) (string, string) {
	t.Helper()
	for _, d := range deliveries(t, f, number) {
		if d.Template != template {
			continue
		}
		link := linkRE.FindString(d.Body)
		if !strings.HasPrefix(link, apptest.PublicURL+"/track/"+number+"?token=") {
			t.Fatalf("%s SMS has no tracking link: %q", template, d.Body)
		}
		u, _ := url.Parse(link)
		return link, u.Query().Get("token")
	}
	t.Fatalf("no %s SMS for %s", template, number)
	return "", ""
}

// A resident who called the hotline gets, by SMS, the number and a link to
// follow the request; the reply SMS carries a link to rate it, and the
// acknowledgement says where to look the request up by number and phone.
func TestResidentSMSLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		tk := f.Dispatched(t)
		link, token := smsLink(t, f, tk.Number, notify.ResidentRegistered)
		for _, d := range deliveries(t, f, tk.Number) {
			if d.Template == notify.ResidentRegistered && (!strings.Contains(d.Body, "已受理，工单号"+tk.Number) || d.Recipient != "13897001234") {
				t.Fatalf("registration SMS: %+v", d)
			}
		}
		v, err := f.Svc.TrackTicket(ctx, tk.Number, token)
		if err != nil || v.Number != tk.Number || v.CanRate {
			t.Fatalf("the registration link %s opens %+v, %v", link, v, err)
		}
		ok(t)(f.Svc.Acknowledge(ctx, f.Users["handler"], tk.Number, ""))
		for _, d := range deliveries(t, f, tk.Number) {
			if d.Template == notify.ResidentAcknowledged && !strings.Contains(d.Body, "凭工单号和手机号可在 "+apptest.PublicURL+"/track 查询进度") {
				t.Fatalf("acknowledgement SMS: %q", d.Body)
			}
		}
		ok(t)(f.Svc.Reply(ctx, f.Users["handler"], tk.Number, "已更换主板，电梯恢复运行。"))
		rateLink, rateToken := smsLink(t, f, tk.Number, notify.ResidentReplied)
		if rateToken == token {
			t.Fatal("the reply SMS reuses the registration token")
		}
		v, err = f.Svc.TrackTicket(ctx, tk.Number, rateToken)
		if err != nil || !v.CanRate {
			t.Fatalf("the rating link %s opens %+v, %v", rateLink, v, err)
		}
		yes := true
		if _, err := f.Svc.RateTicket(ctx, tk.Number, rateToken, app.CallbackResult{Resolved: &yes, Satisfaction: ticket.Satisfied}); err != nil {
			t.Fatal(err)
		}
		// A token of one ticket does not open another.
		other := f.Register(t)
		if _, err := f.Svc.TrackTicket(ctx, other.Number, token); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
			t.Fatalf("another ticket's token: %v", err)
		}
	})
}

// Looking a request up by number and phone gives a working token; a wrong
// phone and a number that does not exist get the same answer.
func TestLookupTicket(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		tk := f.Register(t) // caller 13897001234
		token, err := f.Svc.LookupTicket(ctx, " "+tk.Number+" ", "+86 138-9700-1234")
		if err != nil {
			t.Fatal(err)
		}
		if v, err := f.Svc.TrackTicket(ctx, tk.Number, token); err != nil || v.Number != tk.Number {
			t.Fatalf("the lookup's token opens %+v, %v", v, err)
		}
		var answers []string
		for _, c := range []struct{ number, phone string }{
			{tk.Number, "13900000000"},        // not the caller's phone
			{"20990101-00001", "13897001234"}, // no such number
		} {
			_, err := f.Svc.LookupTicket(ctx, c.number, c.phone)
			var e *minsheng.Error
			if !minsheng.IsCode(err, minsheng.EINVALID) || !errors.As(err, &e) || e.Field != "number" {
				t.Fatalf("lookup %s/%s: %v", c.number, c.phone, err)
			}
			answers = append(answers, e.Message)
		}
		if answers[0] != answers[1] {
			t.Fatalf("a wrong phone and a missing number answer differently: %q", answers)
		}
		for _, c := range []struct{ number, phone, field string }{
			{"", "13897001234", "number"},
			{tk.Number, "12345", "phone"},
		} {
			_, err := f.Svc.LookupTicket(ctx, c.number, c.phone)
			var e *minsheng.Error
			if !errors.As(err, &e) || e.Code != minsheng.EINVALID || e.Field != c.field {
				t.Fatalf("lookup %q/%q: %v; want EINVALID on %s", c.number, c.phone, err, c.field)
			}
		}
	})
}
