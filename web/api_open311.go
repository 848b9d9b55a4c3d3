package web

import (
	"net/http"

	"github.com/minsheng/minsheng/app"
)

// routesOpen311Admin lists the staff routes behind Open311: client
// applications and their keys, the Open311 settings and custom fields
// (attributes) of categories, and what a client sent with a ticket. The
// Open311 interface itself is web/open311, mounted at /open311/v2/.
func (s *Server) routesOpen311Admin(mux router) {
	mux.Handle("GET /api/v1/open311/clients", s.handle(s.listAPIClients))
	mux.Handle("POST /api/v1/open311/clients", s.handle(s.createAPIClient))
	mux.Handle("PATCH /api/v1/open311/clients/{name}", s.handle(s.updateAPIClient))
	mux.Handle("POST /api/v1/open311/clients/{name}/key", s.handle(s.rotateAPIKey))
	mux.Handle("POST /api/v1/open311/clients/{name}/revoke", s.handle(s.revokeAPIClient))

	mux.Handle("GET /api/v1/open311/services", s.handle(s.listOpen311Services))
	mux.Handle("PATCH /api/v1/open311/services/{code}", s.handle(s.updateOpen311Service))
	mux.Handle("GET /api/v1/open311/services/{code}/attributes", s.handle(s.listAttributes))
	mux.Handle("POST /api/v1/open311/services/{code}/attributes", s.handle(s.createAttribute))
	mux.Handle("PATCH /api/v1/open311/services/{code}/attributes/{attr}", s.handle(s.updateAttribute))
	mux.Handle("DELETE /api/v1/open311/services/{code}/attributes/{attr}", s.handle(s.deleteAttribute))

	mux.Handle("GET /api/v1/tickets/{ref}/open311", s.handle(s.ticketOpen311))
}

func (s *Server) listAPIClients(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	cs, err := s.svc.ListAPIClients(r.Context(), u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"clients": orEmpty(cs)})
	return nil
}

// createAPIClient registers a client application; the answer holds its
// key, which is never shown again.
func (s *Server) createAPIClient(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	var in app.NewAPIClient
	if err := decode(w, r, &in); err != nil {
		return err
	}
	k, err := s.svc.CreateAPIClient(r.Context(), u, in)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, k)
	return nil
}

func (s *Server) updateAPIClient(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	var in struct {
		RatePerMinute int `json:"rate_per_minute"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.svc.SetAPIClientRate(r.Context(), u, r.PathValue("name"), in.RatePerMinute)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// rotateAPIKey gives a client a new key; the old one stops working.
func (s *Server) rotateAPIKey(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	k, err := s.svc.RotateAPIKey(r.Context(), u, r.PathValue("name"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, k)
	return nil
}

func (s *Server) revokeAPIClient(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	c, err := s.svc.RevokeAPIClient(r.Context(), u, r.PathValue("name"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// open311Service is a service with its settings, for admins.
type open311Service struct {
	Code        string `json:"code"`
	Name        string `json:"name"`
	NameEN      string `json:"name_en,omitempty"`
	Group       string `json:"group"`
	Private     bool   `json:"private"`
	Description string `json:"description"`
	Attributes  int    `json:"attributes"`
}

func (s *Server) listOpen311Services(w http.ResponseWriter, r *http.Request) error {
	if _, err := currentUser(r); err != nil {
		return err
	}
	ss, err := s.svc.Open311Services(r.Context())
	if err != nil {
		return err
	}
	out := make([]open311Service, len(ss))
	for i, x := range ss {
		out[i] = open311Service{Code: x.Category.Code, Name: x.Category.Name, NameEN: x.Category.NameEN, Group: x.Group.Name,
			Private: x.Private, Description: x.Description, Attributes: x.Attributes}
	}
	writeJSON(w, http.StatusOK, map[string]any{"services": out})
	return nil
}

// updateOpen311Service marks a category private or public and sets its
// service description. Any category may be marked, not only services: a
// ticket may sit in any category.
func (s *Server) updateOpen311Service(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	var in app.ServiceSettingsChange
	if err := decode(w, r, &in); err != nil {
		return err
	}
	st, err := s.svc.SetServiceSettings(r.Context(), u, r.PathValue("code"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) listAttributes(w http.ResponseWriter, r *http.Request) error {
	if _, err := currentUser(r); err != nil {
		return err
	}
	as, err := s.svc.ListCategoryAttributes(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"attributes": orEmpty(as)})
	return nil
}

func (s *Server) createAttribute(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	var in app.AttributeInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	a, err := s.svc.CreateCategoryAttribute(r.Context(), u, r.PathValue("code"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, a)
	return nil
}

func (s *Server) updateAttribute(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	var in app.AttributeChange
	if err := decode(w, r, &in); err != nil {
		return err
	}
	a, err := s.svc.UpdateCategoryAttribute(r.Context(), u, r.PathValue("code"), r.PathValue("attr"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) deleteAttribute(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteCategoryAttribute(r.Context(), u, r.PathValue("code"), r.PathValue("attr")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ticketOpen311 shows staff what an Open311 client sent with a ticket:
// the attribute values, the client, and the fields a ticket has no place
// for.
func (s *Server) ticketOpen311(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	v, err := s.svc.TicketOpen311(r.Context(), u, r.PathValue("ref"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}
