package web

import (
	"net/http"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// routesWebhooks lists the routes of the notifications sent to other
// systems: admins keep the webhook subscribers (/admin/webhooks), and
// whoever may see a ticket may read the log of what was sent about it.
func (s *Server) routesWebhooks(mux router) {
	mux.Handle("GET /api/v1/webhooks", s.handle(s.listWebhooks))
	mux.Handle("POST /api/v1/webhooks", s.handle(s.createWebhook))
	mux.Handle("PATCH /api/v1/webhooks/{id}", s.handle(s.updateWebhook))
	mux.Handle("GET /api/v1/tickets/{ref}/deliveries", s.handle(s.ticketDeliveries))
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request) error {
	return answer(w, r, http.StatusOK, func(u *org.User) (any, error) {
		hooks, err := s.svc.ListWebhooks(r.Context(), u)
		return map[string]any{"webhooks": orEmpty(hooks)}, err
	})
}

// webhookKey is a new subscriber with its signing secret, shown this once.
type webhookKey struct {
	Webhook *store.Webhook `json:"webhook"`
	Secret  string         `json:"secret"`
}

// createWebhook subscribes a system to ticket events. The answer holds
// the secret, which is never shown again: no cache may keep it.
func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	var in app.NewWebhook
	if err := decode(w, r, &in); err != nil {
		return err
	}
	hook, secret, err := s.svc.CreateWebhook(r.Context(), u, in)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, webhookKey{Webhook: hook, Secret: secret})
	return nil
}

// webhookChange switches a subscriber on or off, the one thing about it
// that changes.
type webhookChange struct {
	Active *bool `json:"active"`
}

func (s *Server) updateWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "webhook")
	if err != nil {
		return err
	}
	return userWrite(w, r, http.StatusOK, func(u *org.User, in webhookChange) (*store.Webhook, error) {
		if in.Active == nil {
			return nil, minsheng.FieldError("active", "active is required: true to switch the webhook on, false to switch it off")
		}
		if err := s.svc.SetWebhookActive(r.Context(), u, id, *in.Active); err != nil {
			return nil, err
		}
		// Read it back: the switch does not return the subscriber.
		hooks, err := s.svc.ListWebhooks(r.Context(), u)
		if err != nil {
			return nil, err
		}
		for _, h := range hooks {
			if h.ID == id {
				return h, nil
			}
		}
		return nil, minsheng.Errorf(minsheng.ENOTFOUND, "webhook %d not found", id)
	})
}

// ticketDeliveries answers with the notifications sent about a ticket
// (webhooks, e-mail, SMS), newest first, phone numbers masked.
func (s *Server) ticketDeliveries(w http.ResponseWriter, r *http.Request) error {
	return answer(w, r, http.StatusOK, func(u *org.User) (any, error) {
		ds, err := s.svc.TicketDeliveries(r.Context(), u, r.PathValue("ref"))
		return map[string]any{"deliveries": orEmpty(ds)}, err
	})
}
