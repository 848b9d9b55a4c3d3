package web_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/store"
)

type webhookKey struct {
	Webhook store.Webhook `json:"webhook"`
	Secret  string        `json:"secret"`
}

type webhookList struct {
	Webhooks []store.Webhook `json:"webhooks"`
}

type deliveryList struct {
	Deliveries []store.Delivery `json:"deliveries"`
}

var secretRE = regexp.MustCompile(`^whsec_[0-9a-f]{64}$`)

// TestWebhooksAPI keeps webhook subscribers as the /admin/webhooks page
// does, and reads what was sent about a ticket.
func TestWebhooksAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		r := e.do(t, "POST", "/api/v1/webhooks", "admin", map[string]any{
			"name": " 区大数据中心 ", "url": "https://hooks.example.gov.cn/minsheng", "events": []string{"register", "dispatch"},
		})
		created := mustJSON[webhookKey](t, r, http.StatusCreated)
		if cc := r.hdr.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control %q on the answer with the secret, want no-store", cc)
		}
		hook := created.Webhook
		if !secretRE.MatchString(created.Secret) || hook.ID == 0 || hook.Name != "区大数据中心" || !hook.Active ||
			strings.Join(hook.Events, ",") != "register,dispatch" {
			t.Fatalf("created %+v", created)
		}
		all := mustJSON[webhookKey](t, e.do(t, "POST", "/api/v1/webhooks", "admin", map[string]any{
			"name": "市热线平台", "url": "http://12345.example.gov.cn/in",
		}), http.StatusCreated)
		if all.Secret == created.Secret || len(all.Webhook.Events) != 0 {
			t.Errorf("second subscriber %+v: want its own secret and every event", all)
		}

		t.Run("listed without secrets", func(t *testing.T) {
			r := e.do(t, "GET", "/api/v1/webhooks", "admin", nil)
			l := mustJSON[webhookList](t, r, http.StatusOK)
			if len(l.Webhooks) != 2 {
				t.Fatalf("listed %+v, want the two subscribers", l)
			}
			if strings.Contains(string(r.body), "whsec_") {
				t.Errorf("the list shows a secret: %s", r.body)
			}
		})

		t.Run("switched off and on", func(t *testing.T) {
			path := fmt.Sprintf("/api/v1/webhooks/%d", hook.ID)
			off := mustJSON[store.Webhook](t, e.do(t, "PATCH", path, "admin", map[string]any{"active": false}), http.StatusOK)
			if off.ID != hook.ID || off.Active || off.URL != hook.URL {
				t.Errorf("switched off: %+v", off)
			}
			l := mustJSON[webhookList](t, e.do(t, "GET", "/api/v1/webhooks", "admin", nil), http.StatusOK)
			for _, w := range l.Webhooks {
				if w.ID == hook.ID && w.Active {
					t.Errorf("the list still shows %d switched on", hook.ID)
				}
			}
			on := mustJSON[store.Webhook](t, e.do(t, "PATCH", path, "admin", map[string]any{"active": true}), http.StatusOK)
			if !on.Active {
				t.Errorf("switched on: %+v", on)
			}
		})

		t.Run("the log of a ticket", func(t *testing.T) {
			tk := e.create(t, "agent", apptest.NewTicket())
			d := mustJSON[deliveryList](t, e.do(t, "GET", "/api/v1/tickets/"+tk.Number+"/deliveries", "agent", nil), http.StatusOK)
			to := map[int64]int{}
			for _, x := range d.Deliveries {
				if x.Channel == "webhook" {
					to[x.WebhookID]++
					if x.TicketID != tk.ID || x.Status != store.DeliveryPending {
						t.Errorf("delivery %+v: want pending, about ticket %d", x, tk.ID)
					}
				}
			}
			if to[hook.ID] != 1 || to[all.Webhook.ID] != 1 {
				t.Errorf("webhook deliveries by subscriber %v, want one to each of %d and %d: %+v", to, hook.ID, all.Webhook.ID, d)
			}
			mustProblem(t, e.do(t, "GET", "/api/v1/tickets/"+tk.Number+"/deliveries", "other_handler", nil),
				http.StatusNotFound, minsheng.ENOTFOUND, "")
			mustProblem(t, e.do(t, "GET", "/api/v1/tickets/20990101-00001/deliveries", "agent", nil),
				http.StatusNotFound, minsheng.ENOTFOUND, "")
		})

		t.Run("refused", func(t *testing.T) {
			ok := map[string]any{"name": "n", "url": "https://example.org/h"}
			hookPath := fmt.Sprintf("/api/v1/webhooks/%d", hook.ID)
			tests := []struct {
				name         string
				method, path string
				user         string
				body         any
				status       int
				code, field  string
			}{
				{"no name", "POST", "/api/v1/webhooks", "admin", map[string]any{"url": "https://example.org/h"}, 400, minsheng.EINVALID, "name"},
				{"name too long", "POST", "/api/v1/webhooks", "admin", map[string]any{"name": strings.Repeat("n", 101), "url": "https://example.org/h"}, 400, minsheng.EINVALID, "name"},
				{"relative url", "POST", "/api/v1/webhooks", "admin", map[string]any{"name": "n", "url": "/h"}, 400, minsheng.EINVALID, "url"},
				{"ftp url", "POST", "/api/v1/webhooks", "admin", map[string]any{"name": "n", "url": "ftp://example.org/h"}, 400, minsheng.EINVALID, "url"},
				{"password in url", "POST", "/api/v1/webhooks", "admin", map[string]any{"name": "n", "url": "https://u:p@example.org/h"}, 400, minsheng.EINVALID, "url"},
				{"unknown event", "POST", "/api/v1/webhooks", "admin", map[string]any{"name": "n", "url": "https://example.org/h", "events": []string{"explode"}}, 400, minsheng.EINVALID, "events"},
				{"secret chosen", "POST", "/api/v1/webhooks", "admin", map[string]any{"name": "n", "url": "https://example.org/h", "secret": "x"}, 400, minsheng.EINVALID, "secret"},
				{"active not said", "PATCH", hookPath, "admin", map[string]any{}, 400, minsheng.EINVALID, "active"},
				{"active mistyped", "PATCH", hookPath, "admin", map[string]any{"active": "off"}, 400, minsheng.EINVALID, "active"},
				{"agent lists", "GET", "/api/v1/webhooks", "agent", nil, 403, minsheng.EFORBIDDEN, ""},
				{"dispatcher creates", "POST", "/api/v1/webhooks", "dispatcher", ok, 403, minsheng.EFORBIDDEN, ""},
				{"leader switches", "PATCH", hookPath, "leader", map[string]any{"active": false}, 403, minsheng.EFORBIDDEN, ""},
				{"switch a missing webhook", "PATCH", "/api/v1/webhooks/999999", "admin", map[string]any{"active": false}, 404, minsheng.ENOTFOUND, ""},
				{"switch a malformed id", "PATCH", "/api/v1/webhooks/abc", "admin", map[string]any{"active": false}, 404, minsheng.ENOTFOUND, ""},
				{"not signed in", "POST", "/api/v1/webhooks", "", ok, 401, minsheng.EUNAUTHORIZED, ""},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					mustProblem(t, e.do(t, tc.method, tc.path, tc.user, tc.body), tc.status, tc.code, tc.field)
				})
			}
			l := mustJSON[webhookList](t, e.do(t, "GET", "/api/v1/webhooks", "admin", nil), http.StatusOK)
			if len(l.Webhooks) != 2 {
				t.Errorf("%d subscribers after the refusals, want 2", len(l.Webhooks))
			}
			for _, w := range l.Webhooks {
				if !w.Active {
					t.Errorf("subscriber %d switched off by a refused request", w.ID)
				}
			}
		})
	})
}
