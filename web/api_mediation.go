package web

import (
	_ "embed"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/mediation"
	"github.com/minsheng/minsheng/capability"
	dom "github.com/minsheng/minsheng/mediation"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/ticket"
)

// MediationAPI returns the mediation centre's JSON routes: cases, their
// lifecycle, sessions, notes, agreement and schedule, reveals of a
// party's data, and the figures. Their document is openapi_mediation.json.
func (s *Server) MediationAPI(svc *mediation.Service) []capability.Route {
	a := &mediationAPI{svc: svc, now: s.clock.Now}
	h := func(pattern string, fn handlerFunc) capability.Route {
		return capability.Route{Pattern: pattern, Handler: s.handle(fn)}
	}
	return []capability.Route{
		h("GET /api/v1/mediation/cases", a.list),
		h("POST /api/v1/mediation/cases", a.register),
		h("GET /api/v1/mediation/cases/{ref}", a.get),
		h("POST /api/v1/mediation/cases/{ref}/actions/{action}", a.act),
		h("POST /api/v1/mediation/cases/{ref}/sessions", a.schedule),
		h("POST /api/v1/mediation/cases/{ref}/sessions/{seq}/record", a.record),
		h("POST /api/v1/mediation/cases/{ref}/notes", a.note),
		h("POST /api/v1/mediation/cases/{ref}/agreement", a.agree),
		h("POST /api/v1/mediation/cases/{ref}/instalments/{seq}/paid", a.paid),
		h("POST /api/v1/mediation/cases/{ref}/judicial", a.judicial),
		h("POST /api/v1/mediation/cases/{ref}/parties/{id}/reveal", a.reveal),
		h("GET /api/v1/mediation/figures", a.figures),
		h("POST /api/v1/mediation/cases/{ref}/parties", a.addParty),
		h("POST /api/v1/mediation/cases/{ref}/signatures/send", a.sendCode),
		h("POST /api/v1/mediation/cases/{ref}/signatures/{id}/confirm", a.confirm),
		h("POST /api/v1/mediation/cases/{ref}/scans", func(w http.ResponseWriter, r *http.Request) error { return a.scans(s, w, r) }),
		h("GET /api/v1/mediation/cases/{ref}/files/{id}", a.file),
		h("POST /api/v1/mediation/cases/{ref}/visits", a.visit),
	}
}

//go:embed openapi_mediation.json
var mediationOpenAPI []byte

// MediationOpenAPI is the OpenAPI fragment of the mediation routes.
func MediationOpenAPI() []byte { return mediationOpenAPI }

type mediationAPI struct {
	svc *mediation.Service
	now func() time.Time
}

func (a *mediationAPI) list(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := knownParams(q, "status", "limit"); err != nil {
		return err
	}
	limit, err := intParam(q, "limit")
	if err != nil {
		return err
	}
	return answer(w, r, http.StatusOK, func(u *org.User) (map[string]any, error) {
		cs, err := a.svc.List(r.Context(), u, mediation.ListFilter{Status: dom.Status(q.Get("status")), Limit: int(limit)})
		return map[string]any{"cases": cs}, err
	})
}

func (a *mediationAPI) register(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusCreated, func(u *org.User, in mediation.Registration) (*dom.Case, error) {
		return a.svc.Register(r.Context(), u, in)
	})
}

func (a *mediationAPI) get(w http.ResponseWriter, r *http.Request) error {
	return answer(w, r, http.StatusOK, func(u *org.User) (*mediation.CaseView, error) {
		return a.svc.Get(r.Context(), u, r.PathValue("ref"))
	})
}

func (a *mediationAPI) act(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusOK, func(u *org.User, in noteIn) (*dom.Case, error) {
		return a.svc.Act(r.Context(), u, r.PathValue("ref"), dom.Action(r.PathValue("action")), in.Note)
	})
}

func (a *mediationAPI) schedule(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusCreated, func(u *org.User, in mediation.NewSession) (*dom.Session, error) {
		return a.svc.ScheduleSession(r.Context(), u, r.PathValue("ref"), in)
	})
}

// pathSeq reads a session's or an instalment's number from the path.
func pathSeq(r *http.Request, what string) (int, error) {
	n, err := strconv.Atoi(r.PathValue("seq"))
	if err != nil || n <= 0 {
		return 0, minsheng.Errorf(minsheng.ENOTFOUND, "%s %q not found", what, r.PathValue("seq"))
	}
	return n, nil
}

func (a *mediationAPI) record(w http.ResponseWriter, r *http.Request) error {
	seq, err := pathSeq(r, "session")
	if err != nil {
		return err
	}
	return userWrite(w, r, http.StatusOK, func(u *org.User, in struct {
		Record string `json:"record"`
	}) (*dom.Session, error) {
		return a.svc.RecordSession(r.Context(), u, r.PathValue("ref"), seq, in.Record)
	})
}

func (a *mediationAPI) note(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusCreated, func(u *org.User, in mediation.NewNote) (*dom.Note, error) {
		return a.svc.AddNote(r.Context(), u, r.PathValue("ref"), in)
	})
}

func (a *mediationAPI) agree(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusCreated, func(u *org.User, in dom.NewAgreement) (*dom.Agreement, error) {
		return a.svc.RecordAgreement(r.Context(), u, r.PathValue("ref"), in)
	})
}

func (a *mediationAPI) paid(w http.ResponseWriter, r *http.Request) error {
	seq, err := pathSeq(r, "instalment")
	if err != nil {
		return err
	}
	return answer(w, r, http.StatusOK, func(u *org.User) (*dom.Agreement, error) {
		return a.svc.PayInstalment(r.Context(), u, r.PathValue("ref"), seq)
	})
}

func (a *mediationAPI) judicial(w http.ResponseWriter, r *http.Request) error {
	return answer(w, r, http.StatusOK, func(u *org.User) (*dom.Agreement, error) {
		return a.svc.ApplyJudicial(r.Context(), u, r.PathValue("ref"))
	})
}

func (a *mediationAPI) reveal(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "party")
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return userWrite(w, r, http.StatusOK, func(u *org.User, in struct {
		Reason string `json:"reason"`
	}) (*dom.Party, error) {
		return a.svc.RevealParty(r.Context(), u, r.PathValue("ref"), id, in.Reason, clientIP(r))
	})
}

func (a *mediationAPI) figures(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := knownParams(q, "since", "until"); err != nil {
		return err
	}
	since, err := timeParam(q, "since")
	if err != nil {
		return err
	}
	until, err := timeParam(q, "until")
	if err != nil {
		return err
	}
	return answer(w, r, http.StatusOK, func(u *org.User) (*mediation.Figures, error) {
		n := a.now().In(dom.China)
		to := time.Date(n.Year(), n.Month(), n.Day()+1, 0, 0, 0, 0, dom.China) // the end of today
		if until != nil {
			to = *until
		}
		from := to.AddDate(-1, 0, 0)
		if since != nil {
			from = *since
		}
		return a.svc.Figures(r.Context(), u, from, to)
	})
}

func (a *mediationAPI) addParty(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusCreated, func(u *org.User, in dom.NewParty) (*dom.Party, error) {
		p, err := a.svc.AddParty(r.Context(), u, r.PathValue("ref"), in)
		if err != nil {
			return nil, err
		}
		m := p.Masked()
		return &m, nil
	})
}

// signedView answers a signing change with the case as its user sees it.
func (a *mediationAPI) signedView(r *http.Request, u *org.User, err error) (*mediation.CaseView, error) {
	if err != nil {
		return nil, err
	}
	return a.svc.Get(r.Context(), u, r.PathValue("ref"))
}

func (a *mediationAPI) sendCode(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusOK, func(u *org.User, in struct {
		PartyID int64 `json:"party_id,string"`
	}) (*mediation.CaseView, error) {
		err := a.svc.SendCode(r.Context(), u, r.PathValue("ref"), in.PartyID)
		if minsheng.IsCode(err, minsheng.ERATELIMIT) {
			w.Header().Set("Retry-After", strconv.Itoa(int(dom.ResendAfter.Seconds())))
		}
		return a.signedView(r, u, err)
	})
}

func (a *mediationAPI) confirm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "party")
	if err != nil {
		return err
	}
	return userWrite(w, r, http.StatusOK, func(u *org.User, in struct {
		Code string `json:"code"`
	}) (*mediation.CaseView, error) {
		return a.signedView(r, u, a.svc.ConfirmCode(r.Context(), u, r.PathValue("ref"), id, in.Code))
	})
}

func (a *mediationAPI) scans(s *Server, w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	// Who may not write to the case is refused before the files are read.
	v, err := a.svc.Get(r.Context(), u, r.PathValue("ref"))
	if err != nil {
		return err
	}
	if !v.MayWrite {
		return minsheng.Errorf(minsheng.EFORBIDDEN, "only the mediators over the case attach its scans")
	}
	f, err := s.readForm(w, r)
	if err != nil {
		return err
	}
	fs, err := a.svc.AddScans(r.Context(), u, r.PathValue("ref"), f.files...)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"files": fs})
	return nil
}

func (a *mediationAPI) file(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	return sendFile(w, r, func(id int64) (*ticket.Attachment, io.ReadSeekCloser, error) {
		f, rc, err := a.svc.OpenFile(r.Context(), u, r.PathValue("ref"), id)
		if err != nil {
			return nil, nil, err
		}
		return &ticket.Attachment{ID: f.ID, Name: f.Name, ContentType: f.ContentType, Size: f.Size, SHA256: f.SHA256,
			CreatedAt: f.CreatedAt}, rc, nil
	})
}

func (a *mediationAPI) visit(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusCreated, func(u *org.User, in dom.NewVisit) (*dom.Visit, error) {
		return a.svc.ReturnVisit(r.Context(), u, r.PathValue("ref"), in)
	})
}
