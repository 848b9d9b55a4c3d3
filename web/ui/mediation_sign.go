package ui

import (
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/mediation"
	dom "github.com/minsheng/minsheng/mediation"
	"github.com/minsheng/minsheng/org"
)

// The pages of an agreement's signatures, scans and return visit, the form
// that adds a party, and the public page on which a party confirms the
// agreement with the code of its SMS (no sign-in: the link is the key).

func (p *mediationPages) addParty(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.change(w, r, me, "party", "med_saved", func(vals url.Values) error {
		_, err := p.med.AddParty(r.Context(), me, r.PathValue("ref"), dom.NewParty{Side: dom.Side(vals.Get("side")),
			Kind: dom.PartyKind(vals.Get("kind")), Name: vals.Get("name"), Phone: vals.Get("phone"), IDNumber: vals.Get("id_number"),
			AgentName: vals.Get("agent_name"), AgentPhone: vals.Get("agent_phone")})
		return err
	})
}

func (p *mediationPages) sendCode(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := p.parseForm(w, r)
	if err != nil {
		return err
	}
	party, _ := strconv.ParseInt(vals.Get("party_id"), 10, 64)
	action := "send"
	if party != 0 {
		action = "sign:" + vals.Get("party_id")
	}
	if err := p.med.SendCode(r.Context(), me, r.PathValue("ref"), party); err != nil {
		form, err := medRefused(p.newPage(w, r, me, "/mediation"), action, err, vals)
		if err != nil {
			return err
		}
		return p.casePage(w, r, me, http.StatusBadRequest, form, nil)
	}
	redirect(w, r, "/mediation/cases/"+url.PathEscape(r.PathValue("ref"))+"?ok=med_code_sent#signatures")
	return nil
}

func (p *mediationPages) confirm(w http.ResponseWriter, r *http.Request, me *org.User) error {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return p.change(w, r, me, "sign:"+r.PathValue("id"), "med_signed", func(vals url.Values) error {
		return p.med.ConfirmCode(r.Context(), me, r.PathValue("ref"), id, vals.Get("code"))
	})
}

func (p *mediationPages) scans(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.change(w, r, me, "scans", "med_saved", func(url.Values) error {
		var files []*multipart.FileHeader
		if r.MultipartForm != nil {
			files = r.MultipartForm.File["file"]
		}
		ups, err := p.uploads(files)
		if err != nil {
			return err
		}
		_, err = p.med.AddScans(r.Context(), me, r.PathValue("ref"), ups...)
		return err
	})
}

func (p *mediationPages) file(w http.ResponseWriter, r *http.Request, me *org.User) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return minsheng.Errorf(minsheng.ENOTFOUND, "file not found")
	}
	f, rc, err := p.med.OpenFile(r.Context(), me, r.PathValue("ref"), id)
	if err != nil {
		return err
	}
	defer rc.Close()
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "private, no-store")
	disposition := "attachment"
	if strings.HasPrefix(f.ContentType, "image/") {
		disposition = "inline"
	}
	h.Set("Content-Disposition", disposition+"; filename*=UTF-8''"+url.PathEscape(f.Name))
	http.ServeContent(w, r, "", f.CreatedAt, rc)
	return nil
}

func (p *mediationPages) visit(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.change(w, r, me, "visit", "med_saved", func(vals url.Values) error {
		_, err := p.med.ReturnVisit(r.Context(), me, r.PathValue("ref"), dom.NewVisit{Result: dom.VisitResult(vals.Get("result")),
			Satisfaction: dom.Satisfaction(vals.Get("satisfaction")), Note: vals.Get("note")})
		return err
	})
}

// medSignData is the public signing page.
type medSignData struct {
	V     *mediation.SignView
	Token string
	Done  bool
}

// Yuan formats fen as yuan.
func (medSignData) Yuan(fen int64) string { return dom.Yuan(fen) }

func (p *mediationPages) signView(w http.ResponseWriter, r *http.Request, status int, form *formState, done bool) error {
	pg := p.newPage(w, r, p.user(r), "/mediation/sign")
	pg.Title = pg.T("med.sign_title")
	d := medSignData{Token: r.PathValue("token"), Done: done}
	if !done {
		v, err := p.med.SignLink(r.Context(), d.Token)
		if err != nil {
			return err
		}
		d.V = v
	}
	pg.Form, pg.Data = form, d
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	p.render(w, status, pg, "mediation/sign")
	return nil
}

func (p *mediationPages) signPage(w http.ResponseWriter, r *http.Request) error {
	return p.signView(w, r, http.StatusOK, nil, false)
}

// sign confirms a party's signature with the code typed on the public
// page, limited per address as the portal's forms are (and per code:
// five wrong tries void it).
func (p *mediationPages) sign(w http.ResponseWriter, r *http.Request) error {
	if !p.ipLimit.Allow(clientIP(r)) {
		return minsheng.Errorf(minsheng.ERATELIMIT, "too many requests from this address; try again later").Because("rate_ip")
	}
	vals, _, err := p.parseForm(w, r)
	if err != nil {
		return err
	}
	if err := p.med.ConfirmByLink(r.Context(), r.PathValue("token"), vals.Get("code")); err != nil {
		pg := p.newPage(w, r, p.user(r), "/mediation/sign")
		form, err := medRefused(pg, "sign", err, vals)
		if err != nil {
			return err
		}
		return p.signView(w, r, http.StatusBadRequest, form, false)
	}
	return p.signView(w, r, http.StatusOK, nil, true)
}
