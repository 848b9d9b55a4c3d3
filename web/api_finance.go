package web

import (
	_ "embed"
	"net/http"
	"strconv"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/finance"
	"github.com/minsheng/minsheng/capability"
	dom "github.com/minsheng/minsheng/finance"
	"github.com/minsheng/minsheng/org"
)

// FinanceAPI returns the JSON routes of finance matching (甘霖工程): the
// programme's banks, products and bank staff; businesses with consent and
// the audited reveal of the owner's data; demands with their matches; the
// match lifecycle (the office sends, the bank claims and answers); a
// bank's list; the figures. Their document is openapi_finance.json.
func (s *Server) FinanceAPI(svc *finance.Service) []capability.Route {
	a := &financeAPI{svc: svc}
	h := func(pattern string, fn handlerFunc) capability.Route {
		return capability.Route{Pattern: pattern, Handler: s.handle(fn)}
	}
	return []capability.Route{
		h("GET /api/v1/finance/banks", a.setup),
		h("POST /api/v1/finance/banks", a.createBank),
		h("PATCH /api/v1/finance/banks/{ref}", a.updateBank),
		h("POST /api/v1/finance/banks/{ref}/staff", a.linkStaff),
		h("POST /api/v1/finance/products", a.createProduct),
		h("POST /api/v1/finance/products/{id}/active", a.productActive),
		h("GET /api/v1/finance/businesses", a.businesses),
		h("POST /api/v1/finance/businesses", a.registerBusiness),
		h("GET /api/v1/finance/businesses/{ref}", a.business),
		h("PATCH /api/v1/finance/businesses/{ref}", a.updateBusiness),
		h("POST /api/v1/finance/businesses/{ref}/consent", a.consent),
		h("POST /api/v1/finance/businesses/{ref}/reveal", a.reveal),
		h("GET /api/v1/finance/demands", a.demands),
		h("POST /api/v1/finance/demands", a.createDemand),
		h("GET /api/v1/finance/demands/{ref}", a.demand),
		h("POST /api/v1/finance/demands/{ref}/close", a.closeDemand),
		h("POST /api/v1/finance/demands/{ref}/rematch", a.rematch),
		h("GET /api/v1/finance/matches", a.inbox),
		h("POST /api/v1/finance/matches/{id}/actions/{action}", a.act),
		h("GET /api/v1/finance/figures", a.figures),
	}
}

//go:embed openapi_finance.json
var financeOpenAPI []byte

// FinanceOpenAPI is the OpenAPI fragment of the finance routes.
func FinanceOpenAPI() []byte { return financeOpenAPI }

type financeAPI struct{ svc *finance.Service }

func (a *financeAPI) setup(w http.ResponseWriter, r *http.Request) error {
	return answer(w, r, http.StatusOK, func(u *org.User) (*finance.Setup, error) {
		return a.svc.ListSetup(r.Context(), u)
	})
}

func (a *financeAPI) createBank(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusCreated, func(u *org.User, in dom.NewBank) (*dom.Bank, error) {
		return a.svc.CreateBank(r.Context(), u, in)
	})
}

func (a *financeAPI) updateBank(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusOK, func(u *org.User, in finance.BankChange) (*dom.Bank, error) {
		return a.svc.UpdateBank(r.Context(), u, r.PathValue("ref"), in)
	})
}

func (a *financeAPI) linkStaff(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusOK, func(u *org.User, in struct {
		User string `json:"user"`
	}) (map[string]any, error) {
		if err := a.svc.LinkStaff(r.Context(), u, r.PathValue("ref"), in.User); err != nil {
			return nil, err
		}
		return map[string]any{"bank": r.PathValue("ref"), "user": in.User}, nil
	})
}

func (a *financeAPI) createProduct(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusCreated, func(u *org.User, in dom.NewProduct) (*dom.Product, error) {
		return a.svc.CreateProduct(r.Context(), u, in)
	})
}

func (a *financeAPI) productActive(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "product")
	if err != nil {
		return err
	}
	return userWrite(w, r, http.StatusOK, func(u *org.User, in struct {
		Active *bool `json:"active"`
	}) (map[string]any, error) {
		if in.Active == nil {
			return nil, minsheng.FieldError("active", "active is required").Because("required")
		}
		if err := a.svc.SetProductActive(r.Context(), u, id, *in.Active); err != nil {
			return nil, err
		}
		return map[string]any{"id": strconv.FormatInt(id, 10), "active": *in.Active}, nil
	})
}

func (a *financeAPI) businesses(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := knownParams(q, "q", "limit"); err != nil {
		return err
	}
	limit, err := intParam(q, "limit")
	if err != nil {
		return err
	}
	if limit == 0 || limit > 500 {
		limit = 200
	}
	return answer(w, r, http.StatusOK, func(u *org.User) (map[string]any, error) {
		bs, err := a.svc.ListBusinesses(r.Context(), u, q.Get("q"), int(limit))
		return map[string]any{"businesses": bs}, err
	})
}

func (a *financeAPI) registerBusiness(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusCreated, func(u *org.User, in dom.NewBusiness) (*dom.Business, error) {
		return a.svc.RegisterBusiness(r.Context(), u, in)
	})
}

func (a *financeAPI) business(w http.ResponseWriter, r *http.Request) error {
	return answer(w, r, http.StatusOK, func(u *org.User) (*finance.BusinessView, error) {
		return a.svc.GetBusiness(r.Context(), u, r.PathValue("ref"))
	})
}

func (a *financeAPI) updateBusiness(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusOK, func(u *org.User, in finance.BusinessChange) (*dom.Business, error) {
		return a.svc.UpdateBusiness(r.Context(), u, r.PathValue("ref"), in)
	})
}

func (a *financeAPI) consent(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusOK, func(u *org.User, in struct {
		Consent *bool `json:"consent"`
	}) (*dom.Business, error) {
		if in.Consent == nil {
			return nil, minsheng.FieldError("consent", "consent is required").Because("required")
		}
		return a.svc.SetConsent(r.Context(), u, r.PathValue("ref"), *in.Consent)
	})
}

func (a *financeAPI) reveal(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	return userWrite(w, r, http.StatusOK, func(u *org.User, in struct {
		Reason string `json:"reason"`
	}) (*finance.Owner, error) {
		return a.svc.RevealOwner(r.Context(), u, r.PathValue("ref"), in.Reason, clientIP(r))
	})
}

func (a *financeAPI) demands(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := knownParams(q, "status", "limit"); err != nil {
		return err
	}
	limit, err := intParam(q, "limit")
	if err != nil {
		return err
	}
	return answer(w, r, http.StatusOK, func(u *org.User) (map[string]any, error) {
		ds, err := a.svc.ListDemands(r.Context(), u, finance.DemandQuery{Status: dom.DemandStatus(q.Get("status")), Limit: int(limit)})
		return map[string]any{"demands": ds}, err
	})
}

func (a *financeAPI) createDemand(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusCreated, func(u *org.User, in dom.NewDemand) (*finance.DemandView, error) {
		return a.svc.CreateDemand(r.Context(), u, in)
	})
}

func (a *financeAPI) demand(w http.ResponseWriter, r *http.Request) error {
	return answer(w, r, http.StatusOK, func(u *org.User) (*finance.DemandView, error) {
		return a.svc.GetDemand(r.Context(), u, r.PathValue("ref"))
	})
}

func (a *financeAPI) closeDemand(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusOK, func(u *org.User, in struct {
		Status dom.DemandStatus `json:"status"`
		Note   string           `json:"note"`
	}) (*finance.DemandView, error) {
		return a.svc.CloseDemand(r.Context(), u, r.PathValue("ref"), in.Status, in.Note)
	})
}

func (a *financeAPI) rematch(w http.ResponseWriter, r *http.Request) error {
	return answer(w, r, http.StatusOK, func(u *org.User) (map[string]any, error) {
		v, added, err := a.svc.Rematch(r.Context(), u, r.PathValue("ref"))
		return map[string]any{"added": added, "demand": v}, err
	})
}

func (a *financeAPI) inbox(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := knownParams(q, "bank", "open", "limit"); err != nil {
		return err
	}
	limit, err := intParam(q, "limit")
	if err != nil {
		return err
	}
	open := q.Get("open")
	if open != "" && open != "true" && open != "false" {
		return minsheng.FieldError("open", "open must be true or false")
	}
	return answer(w, r, http.StatusOK, func(u *org.User) (map[string]any, error) {
		ms, bank, err := a.svc.Inbox(r.Context(), u, q.Get("bank"), finance.InboxQuery{Open: open == "true", Limit: int(limit)})
		return map[string]any{"bank": bank, "matches": ms}, err
	})
}

func (a *financeAPI) act(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "match")
	if err != nil {
		return err
	}
	return userWrite(w, r, http.StatusOK, func(u *org.User, in finance.Step) (*finance.MatchView, error) {
		in.Action = dom.Action(r.PathValue("action"))
		return a.svc.Act(r.Context(), u, id, in)
	})
}

func (a *financeAPI) figures(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := knownParams(q, "from", "to"); err != nil {
		return err
	}
	return answer(w, r, http.StatusOK, func(u *org.User) (*finance.Figures, error) {
		return a.svc.Figures(r.Context(), u, finance.FiguresQuery{From: q.Get("from"), To: q.Get("to")})
	})
}
