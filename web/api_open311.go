package web

import (
	_ "embed"
	"net/http"

	"github.com/minsheng/minsheng/app/open311"
	"github.com/minsheng/minsheng/capability"
	webopen311 "github.com/minsheng/minsheng/web/open311"
)

// Open311API returns the staff routes behind Open311, for the open311
// capability: client applications and their keys, the Open311 settings and
// custom fields (attributes) of categories, and what a client sent with a
// ticket. Their document is openapi_open311.json (Open311OpenAPI).
func (s *Server) Open311API(svc *open311.Service) []capability.Route {
	a := &open311Admin{svc: svc}
	h := func(pattern string, fn handlerFunc) capability.Route {
		return capability.Route{Pattern: pattern, Handler: s.handle(fn)}
	}
	return []capability.Route{
		h("GET /api/v1/open311/clients", a.listAPIClients),
		h("POST /api/v1/open311/clients", a.createAPIClient),
		h("PATCH /api/v1/open311/clients/{name}", a.updateAPIClient),
		h("POST /api/v1/open311/clients/{name}/key", a.rotateAPIKey),
		h("POST /api/v1/open311/clients/{name}/revoke", a.revokeAPIClient),

		h("GET /api/v1/open311/services", a.listOpen311Services),
		h("PATCH /api/v1/open311/services/{code}", a.updateOpen311Service),
		h("GET /api/v1/open311/services/{code}/attributes", a.listAttributes),
		h("POST /api/v1/open311/services/{code}/attributes", a.createAttribute),
		h("PATCH /api/v1/open311/services/{code}/attributes/{attr}", a.updateAttribute),
		h("DELETE /api/v1/open311/services/{code}/attributes/{attr}", a.deleteAttribute),

		h("GET /api/v1/tickets/{ref}/open311", a.ticketOpen311),
	}
}

// Open311Interface returns the Open311 GeoReport v2 interface (package
// web/open311) to mount at /open311/v2/. Its rate limits count clients by
// the same address as the server's.
func (s *Server) Open311Interface(svc *open311.Service) http.Handler {
	return webopen311.New(webopen311.Config{
		Service:        svc,
		Logger:         s.log,
		BaseURL:        s.publicURL,
		JurisdictionID: s.open311Jurisdiction,
		ClientIP:       s.clientAddr,
		Now:            s.clock.Now,
	})
}

//go:embed openapi_open311.json
var open311OpenAPI []byte

// Open311OpenAPI is the OpenAPI fragment of the Open311 staff routes.
func Open311OpenAPI() []byte { return open311OpenAPI }

// open311Admin serves the Open311 staff routes.
type open311Admin struct{ svc *open311.Service }

func (a *open311Admin) listAPIClients(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	cs, err := a.svc.ListAPIClients(r.Context(), u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"clients": orEmpty(cs)})
	return nil
}

// createAPIClient registers a client application; the answer holds its
// key, which is never shown again.
func (a *open311Admin) createAPIClient(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	var in open311.NewAPIClient
	if err := decode(w, r, &in); err != nil {
		return err
	}
	k, err := a.svc.CreateAPIClient(r.Context(), u, in)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, k)
	return nil
}

func (a *open311Admin) updateAPIClient(w http.ResponseWriter, r *http.Request) error {
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
	c, err := a.svc.SetAPIClientRate(r.Context(), u, r.PathValue("name"), in.RatePerMinute)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// rotateAPIKey gives a client a new key; the old one stops working.
func (a *open311Admin) rotateAPIKey(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	k, err := a.svc.RotateAPIKey(r.Context(), u, r.PathValue("name"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, k)
	return nil
}

func (a *open311Admin) revokeAPIClient(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	c, err := a.svc.RevokeAPIClient(r.Context(), u, r.PathValue("name"))
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

func (a *open311Admin) listOpen311Services(w http.ResponseWriter, r *http.Request) error {
	if _, err := currentUser(r); err != nil {
		return err
	}
	ss, err := a.svc.Open311Services(r.Context())
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
func (a *open311Admin) updateOpen311Service(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	var in open311.ServiceSettingsChange
	if err := decode(w, r, &in); err != nil {
		return err
	}
	st, err := a.svc.SetServiceSettings(r.Context(), u, r.PathValue("code"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (a *open311Admin) listAttributes(w http.ResponseWriter, r *http.Request) error {
	if _, err := currentUser(r); err != nil {
		return err
	}
	as, err := a.svc.ListCategoryAttributes(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"attributes": orEmpty(as)})
	return nil
}

func (a *open311Admin) createAttribute(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	var in open311.AttributeInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	attr, err := a.svc.CreateCategoryAttribute(r.Context(), u, r.PathValue("code"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, attr)
	return nil
}

func (a *open311Admin) updateAttribute(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	var in open311.AttributeChange
	if err := decode(w, r, &in); err != nil {
		return err
	}
	attr, err := a.svc.UpdateCategoryAttribute(r.Context(), u, r.PathValue("code"), r.PathValue("attr"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, attr)
	return nil
}

func (a *open311Admin) deleteAttribute(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	if err := a.svc.DeleteCategoryAttribute(r.Context(), u, r.PathValue("code"), r.PathValue("attr")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ticketOpen311 shows staff what an Open311 client sent with a ticket:
// the attribute values, the client, and the fields a ticket has no place
// for.
func (a *open311Admin) ticketOpen311(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	v, err := a.svc.TicketOpen311(r.Context(), u, r.PathValue("ref"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}
