package ui

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/personal"
	"github.com/minsheng/minsheng/ticket"
)

// portalKinds are the kinds a resident may choose.
var portalKinds = []ticket.Kind{ticket.KindHelp, ticket.KindComplaint, ticket.KindReport, ticket.KindInquiry, ticket.KindSuggestion, ticket.KindPraise}

// portalData is the resident's form.
type portalData struct {
	Kinds []ticket.Kind
	Key   string
	Cat   portalCategory
}

// portalCategory is the category picker of the portal: the first two
// levels of the tree, the classifier's suggestion for what the resident
// typed preselected until they choose another, and which categories are
// not published.
type portalCategory struct {
	Options   []portalCatOption
	Selected  string // the chosen category id, "" for none
	Suggested string // the classifier's suggestion, kept to tell it from a choice
}

type portalCatOption struct {
	ID      int64
	Label   string
	Private bool
}

// portalCategories builds the picker: sel is what the resident chose (or
// the last suggestion), suggested the last suggestion, text what they typed.
// The suggestion replaces the selection only while the resident has not
// chosen another category themselves.
func (u *UI) portalCategories(r *http.Request, p *page, sel, suggested, text string) (portalCategory, error) {
	ctx := r.Context()
	rf, err := u.loadRefs(ctx, p)
	if err != nil {
		return portalCategory{}, err
	}
	private, err := u.svc.PrivateCategories(ctx)
	if err != nil {
		return portalCategory{}, err
	}
	pc := portalCategory{Selected: sel, Suggested: suggested}
	for _, c := range rf.Cats {
		if c.Active && c.Level <= 2 {
			pc.Options = append(pc.Options, portalCatOption{ID: c.ID, Label: rf.CatPath(c.ID), Private: private[c.ID]})
		}
	}
	if sel == "" || sel == suggested {
		id, err := u.svc.SuggestCategory(ctx, text)
		if err != nil {
			return portalCategory{}, err
		}
		if id != 0 {
			pc.Selected, pc.Suggested = strconv.FormatInt(id, 10), strconv.FormatInt(id, 10)
		}
	}
	return pc, nil
}

// portalCategory answers the portal's description box as the resident
// types (htmx): the picker again, with the classifier's suggestion.
func (u *UI) portalCategory(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p := u.newPage(w, r, nil, "/portal")
	pc, err := u.portalCategories(r, p, q.Get("category_id"), q.Get("suggested"), q.Get("description"))
	if err != nil {
		return err
	}
	p.Data = portalData{Cat: pc}
	u.renderFragment(w, http.StatusOK, p, "portal", "portal-category")
	return nil
}

// honeypot is a field that people never see (it is hidden) and bots fill.
const honeypot = "website"

func (u *UI) portalPage(w http.ResponseWriter, r *http.Request) error {
	return u.renderPortal(w, r, http.StatusOK, nil)
}

func (u *UI) renderPortal(w http.ResponseWriter, r *http.Request, status int, form *formState) error {
	p := u.newPage(w, r, u.user(r), "/portal")
	p.Title = p.T("portal.title")
	p.Form = form
	d := portalData{Kinds: portalKinds, Key: newKey()}
	if k := p.V("portal", "key"); k != "" {
		d.Key = k
	}
	var err error
	if d.Cat, err = u.portalCategories(r, p, p.V("portal", "category_id"), p.V("portal", "suggested"), p.V("portal", "description")); err != nil {
		return err
	}
	p.Data = d
	u.render(w, status, p, "portal")
	return nil
}

// portalDone is the receipt: the number and the private tracking link.
type portalDone struct {
	Number string
	Link   string
}

// portalSubmit registers a resident's request. It refuses bots (the
// honeypot), floods from one address or for one phone number (rate
// limits), and files that are not photos by their content.
func (u *UI) portalSubmit(w http.ResponseWriter, r *http.Request) error {
	ip := clientIP(r)
	if !u.ipLimit.Allow(ip) {
		return minsheng.Errorf(minsheng.ERATELIMIT, "too many requests from this address; try again later").Because("rate_ip")
	}
	vals, files, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	defer removeForm(r)
	if vals.Get(honeypot) != "" {
		// Look like success, record nothing.
		u.log.WarnContext(r.Context(), "portal: honeypot filled; submission dropped", "ip", ip)
		p := u.newPage(w, r, nil, "/portal")
		p.Title = p.T("portal.done_title")
		p.Data = portalDone{}
		u.render(w, http.StatusOK, p, "portal_done")
		return nil
	}
	bad := func(err error) error {
		var e *minsheng.Error
		if errors.As(err, &e) && (e.Code == minsheng.EINVALID || e.Code == minsheng.ETOOLARGE) {
			return u.renderPortal(w, r, http.StatusBadRequest, &formState{Action: "portal", Field: e.Field, Err: e, Values: vals})
		}
		return err
	}
	in := ticket.NewTicket{
		Description: vals.Get("description"), Kind: ticket.Kind(vals.Get("kind")),
		CallerName: vals.Get("caller_name"), CallerPhone: vals.Get("caller_phone"), Address: vals.Get("address"),
	}
	if c := vals.Get("category_id"); c != "" {
		if in.CategoryID, err = strconv.ParseInt(c, 10, 64); err != nil || in.CategoryID <= 0 {
			return bad(minsheng.FieldError("category_id", "choose a category from the list"))
		}
	}
	if strings.TrimSpace(in.Description) == "" {
		return bad(minsheng.FieldError("description", "describe the problem").Because("description_required"))
	}
	phone := personal.NormalizePhone(in.CallerPhone)
	if phone == "" {
		return bad(minsheng.FieldError("caller_phone", "a phone number is needed to reach you").Because("phone_required"))
	}
	if !personal.ValidPhone(phone) {
		return bad(minsheng.FieldError("caller_phone", "this is not a phone number").Because("phone_format"))
	}
	if in.Lat, in.Lng, err = parsePoint(vals.Get("lat"), vals.Get("lng")); err != nil {
		return bad(err)
	}
	if !u.phoneLimit.Allow(phone) {
		return minsheng.Errorf(minsheng.ERATELIMIT, "too many requests for this phone number today; call the hotline").Because("rate_phone")
	}
	ups, err := u.uploads(files)
	if err != nil {
		return bad(err)
	}
	rc, _, err := u.svc.CreatePublicTicket(r.Context(), in, app.PublicIntake{Channel: ticket.ChannelWeb, Client: "portal", Key: vals.Get("key")}, ups...)
	if err != nil {
		return bad(err)
	}
	p := u.newPage(w, r, nil, "/portal")
	p.Title = p.T("portal.done_title")
	p.Data = portalDone{Number: rc.Ticket.Number, Link: trackLink(rc.Ticket.Number, rc.Token)}
	w.Header().Set("Referrer-Policy", "no-referrer")
	u.render(w, http.StatusOK, p, "portal_done")
	return nil
}

func trackLink(number, token string) string { return app.TrackPath(number, token) }

// trackData is the resident's view of their request.
type trackData struct {
	V     *app.PublicView
	Token string
	Sats  []ticket.Satisfaction
}

func (u *UI) trackPage(w http.ResponseWriter, r *http.Request) error {
	return u.renderTrack(w, r, http.StatusOK, nil)
}

func (u *UI) renderTrack(w http.ResponseWriter, r *http.Request, status int, form *formState) error {
	number, token := r.PathValue("number"), r.URL.Query().Get("token")
	if form != nil {
		token = p0(form.Values["token"])
	}
	v, err := u.svc.TrackTicket(r.Context(), number, token)
	if err != nil {
		return err
	}
	p := u.newPage(w, r, u.user(r), "/portal")
	p.Title = p.T("track.title", v.Number)
	p.Form = form
	p.Data = trackData{V: v, Token: token, Sats: ticket.Satisfactions}
	// The token is in the address: keep it out of Referer headers.
	w.Header().Set("Referrer-Policy", "no-referrer")
	u.render(w, status, p, "track")
	return nil
}

func p0(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// trackRate records the resident's rating, which counts as the callback.
func (u *UI) trackRate(w http.ResponseWriter, r *http.Request) error {
	vals, _, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	number, token := r.PathValue("number"), vals.Get("token")
	res := app.CallbackResult{Satisfaction: ticket.Satisfaction(vals.Get("satisfaction")), Note: strings.TrimSpace(vals.Get("note"))}
	switch vals.Get("resolved") {
	case "yes":
		res.Resolved = ptr(true)
	case "no":
		res.Resolved = ptr(false)
	}
	if _, err := u.svc.RateTicket(r.Context(), number, token, res); err != nil {
		if minsheng.IsCode(err, minsheng.EINVALID) {
			var e *minsheng.Error
			errors.As(err, &e)
			return u.renderTrack(w, r, http.StatusBadRequest, &formState{Action: "rate", Field: e.Field, Err: e, Values: vals})
		}
		return err
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	redirect(w, r, trackLink(number, token)+"&ok=rated")
	return nil
}

// trackFile serves a file of the resident's request: the photos they sent
// and those sent with the reply.
func (u *UI) trackFile(w http.ResponseWriter, r *http.Request) error {
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	a, f, err := u.svc.OpenTrackedAttachment(r.Context(), r.PathValue("number"), r.URL.Query().Get("token"), id)
	if err != nil {
		return err
	}
	defer f.Close()
	serveFile(w, r, a, f)
	return nil
}
