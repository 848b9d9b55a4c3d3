package ui

import (
	"errors"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/personal"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// deskData is the hotline desk: the caller's earlier tickets, the
// quick-entry form, and the helpers beside it.
type deskData struct {
	Phone     string
	History   []ticket.Ticket
	Lookup    bool // a phone was looked up
	Key       string
	Kinds     []ticket.Kind
	Urgencies []ticket.Urgency
	Channels  []ticket.Channel
	Created   string // number of the ticket just registered
	MayLookup bool   // agents and dispatchers see callers' history
	MayMerge  bool   // dispatchers may register a call as a duplicate
	MayAnswer bool   // agents and dispatchers may resolve at intake
}

// deskChannels are the ways a call reaches the desk for the user: the
// hotline's for agents and dispatchers, the grid for grid workers, the
// primary role's first.
func deskChannels(me *org.User) []ticket.Channel {
	var out []ticket.Channel
	for _, role := range me.Roles() {
		switch role {
		case org.RoleGridWorker:
			out = append(out, ticket.ChannelGrid)
		case org.RoleAgent, org.RoleDispatcher:
			for _, c := range []ticket.Channel{ticket.ChannelPhone, ticket.ChannelWalkIn, ticket.ChannelLetter, ticket.ChannelTransfer} {
				if !slices.Contains(out, c) {
					out = append(out, c)
				}
			}
		}
	}
	return out
}

// atDesk reports whether the user works the hotline desk (agents and
// dispatchers), rather than only reporting from the grid there.
func atDesk(me *org.User) bool { return me.HasAny(org.RoleAgent, org.RoleDispatcher) }

func (u *UI) deskPage(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return u.renderDesk(w, r, me, http.StatusOK, nil)
}

func (u *UI) renderDesk(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
	p := u.newPage(w, r, me, "/desk")
	p.Title = p.T("desk.title")
	if !atDesk(me) {
		p.Title = p.T("desk.report_title")
	}
	rf, err := u.loadRefs(r.Context(), p)
	if err != nil {
		return err
	}
	p.R, p.Form = rf, form
	d := deskData{
		Kinds: ticket.Kinds, Urgencies: ticket.Urgencies, Channels: deskChannels(me),
		Key:       newKey(),
		MayLookup: atDesk(me),
		MayMerge:  ticket.May(me, ticket.ActionMerge),
		MayAnswer: ticket.May(me, ticket.ActionResolveAtIntake),
		Created:   r.URL.Query().Get("created"),
	}
	d.Phone = strings.TrimSpace(r.URL.Query().Get("phone"))
	if form != nil {
		d.Phone = p.V("register", "caller_phone")
		if k := p.V("register", "key"); k != "" {
			d.Key = k
		}
	}
	if d.Phone != "" && d.MayLookup {
		d.Lookup = true
		if d.History, err = u.history(r, me, d.Phone); err != nil && !minsheng.IsCode(err, minsheng.EINVALID) {
			return err
		}
	}
	p.Data = d
	u.render(w, status, p, "desk")
	return nil
}

// history returns a caller's earlier tickets, newest first.
func (u *UI) history(r *http.Request, me *org.User, phone string) ([]ticket.Ticket, error) {
	phone = personal.NormalizePhone(phone)
	if !personal.ValidPhone(phone) {
		return nil, minsheng.FieldError("caller_phone", "not a phone number").Because("phone_format")
	}
	page, err := u.svc.ListTickets(r.Context(), me, app.ListQuery{CallerPhone: phone, Limit: 20})
	if err != nil {
		return nil, err
	}
	return page.Tickets, nil
}

// deskHistory answers the phone field as the agent types: the caller's
// earlier tickets (an htmx fragment).
func (u *UI) deskHistory(w http.ResponseWriter, r *http.Request, me *org.User) error {
	phone := strings.TrimSpace(r.URL.Query().Get("caller_phone"))
	p := u.newPage(w, r, me, "/desk")
	d := deskData{Phone: phone, MayLookup: true}
	if personal.ValidPhone(personal.NormalizePhone(phone)) {
		d.Lookup = true
		var err error
		if d.History, err = u.history(r, me, phone); err != nil {
			return err
		}
	}
	p.Data = d
	if !isHTMX(r) {
		redirect(w, r, "/desk?phone="+url.QueryEscape(phone))
		return nil
	}
	u.renderFragment(w, http.StatusOK, p, "desk", "history")
	return nil
}

// deskSimilar lists open tickets like the description being typed.
func (u *UI) deskSimilar(w http.ResponseWriter, r *http.Request, me *org.User) error {
	q := r.URL.Query()
	lat, lng, _ := parsePoint(q.Get("lat"), q.Get("lng"))
	sim, err := u.svc.SimilarOpenTickets(r.Context(), me, q.Get("description"), lat, lng, 5)
	if err != nil {
		return err
	}
	p := u.newPage(w, r, me, "/desk")
	p.Data = struct {
		Similar  []app.Similar
		MayMerge bool
	}{sim, ticket.May(me, ticket.ActionMerge)}
	u.renderFragment(w, http.StatusOK, p, "desk", "similar")
	return nil
}

// kbResults is a knowledge-base search.
type kbResults struct {
	Query    string
	Articles []*store.Article
	Answer   bool // offer "use as the answer" (on the desk)
}

func (u *UI) deskKB(w http.ResponseWriter, r *http.Request, me *org.User) error {
	q := r.URL.Query()
	cat, _ := strconv.ParseInt(q.Get("category_id"), 10, 64)
	arts, err := u.svc.SearchArticles(r.Context(), me, q.Get("q"), cat, 8)
	if err != nil {
		return err
	}
	p := u.newPage(w, r, me, "/desk")
	p.Data = kbResults{Query: q.Get("q"), Articles: arts, Answer: ticket.May(me, ticket.ActionResolveAtIntake)}
	u.renderFragment(w, http.StatusOK, p, "desk", "kb-results")
	return nil
}

// deskSubmit registers a call. With then=resolve and an answer it is
// resolved at intake at once (直接办结); with duplicate_of (dispatchers) it
// is merged into that open ticket.
func (u *UI) deskSubmit(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, files, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	defer removeForm(r)
	bad := func(err error) error {
		var e *minsheng.Error
		if errors.As(err, &e) && (e.Code == minsheng.EINVALID || e.Code == minsheng.ETOOLARGE) {
			return u.renderDesk(w, r, me, http.StatusBadRequest, &formState{Action: "register", Field: e.Field, Err: e, Values: vals})
		}
		return err
	}
	in := ticket.NewTicket{
		Title: vals.Get("title"), Description: vals.Get("description"), Kind: ticket.Kind(vals.Get("kind")),
		Urgency: ticket.Urgency(vals.Get("urgency")), Channel: ticket.Channel(vals.Get("channel")),
		CallerName: vals.Get("caller_name"), CallerPhone: vals.Get("caller_phone"), Address: vals.Get("address"),
	}
	if in.Channel == "" {
		in.Channel = deskChannels(me)[0]
	}
	if !slices.Contains(deskChannels(me), in.Channel) {
		return bad(minsheng.FieldError("channel", "channel %s is not taken at the desk", in.Channel))
	}
	if c := vals.Get("category_id"); c != "" {
		if in.CategoryID, err = strconv.ParseInt(c, 10, 64); err != nil {
			return bad(minsheng.FieldError("category_id", "choose a category from the list").Because("choose"))
		}
	}
	if in.Lat, in.Lng, err = parsePoint(vals.Get("lat"), vals.Get("lng")); err != nil {
		return bad(err)
	}
	then := vals.Get("then")
	answer := strings.TrimSpace(vals.Get("answer"))
	if then == "resolve" {
		if !ticket.May(me, ticket.ActionResolveAtIntake) {
			return minsheng.Errorf(minsheng.EFORBIDDEN, "role %s may not resolve at intake", strings.Join(roleStrings(me.Roles()), "+"))
		}
		if answer == "" {
			return bad(minsheng.FieldError("answer", "write the answer given to the caller").Because("answer_required"))
		}
	}
	dup := strings.TrimSpace(vals.Get("duplicate_of"))
	ups, err := u.uploads(files)
	if err != nil {
		return bad(err)
	}
	t, _, err := u.svc.CreateTicket(r.Context(), me, in, vals.Get("key"), ups...)
	if err != nil {
		return bad(err)
	}
	ok := "registered"
	switch {
	case then == "resolve" && t.Status == ticket.StatusRegistered:
		if _, err := u.svc.ResolveAtIntake(r.Context(), me, t.Number, answer); err != nil {
			return err
		}
		ok = "resolved"
	case dup != "" && t.Status == ticket.StatusRegistered && ticket.May(me, ticket.ActionMerge):
		if _, err := u.svc.Merge(r.Context(), me, t.Number, dup, ""); err != nil {
			return err
		}
		ok = "merged"
	}
	redirect(w, r, "/desk?ok="+ok+"&created="+url.QueryEscape(t.Number))
	return nil
}

// parsePoint reads an optional point; both or neither must be given.
func parsePoint(lat, lng string) (*float64, *float64, error) {
	lat, lng = strings.TrimSpace(lat), strings.TrimSpace(lng)
	if lat == "" && lng == "" {
		return nil, nil, nil
	}
	a, err1 := strconv.ParseFloat(lat, 64)
	b, err2 := strconv.ParseFloat(lng, 64)
	if err1 != nil || err2 != nil {
		return nil, nil, minsheng.FieldError("lat", "the point on the map is not a valid position").Because("point_invalid")
	}
	return &a, &b, nil
}

// maxUploadBody bounds a form with photos: the most files an action takes
// at their largest, and some room for the text.
const maxUploadBody = ticket.MaxAttachmentsPerAction*ticket.MaxAttachmentSize + 1<<20

// parseForm reads a urlencoded or multipart form (files are spooled to
// disk past a few MB) and returns its values and files.
func (u *UI) parseForm(w http.ResponseWriter, r *http.Request) (url.Values, []*multipart.FileHeader, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBody)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			var mb *http.MaxBytesError
			if errors.As(err, &mb) {
				return nil, nil, minsheng.Errorf(minsheng.ETOOLARGE, "the files are larger than allowed").Because("files_too_large")
			}
			return nil, nil, minsheng.Errorf(minsheng.EINVALID, "the form could not be read").Because("form_unreadable")
		}
		return url.Values(r.MultipartForm.Value), r.MultipartForm.File["file"], nil
	}
	if err := r.ParseForm(); err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return nil, nil, minsheng.Errorf(minsheng.ETOOLARGE, "the form is larger than allowed")
		}
		return nil, nil, minsheng.Errorf(minsheng.EINVALID, "the form could not be read").Because("form_unreadable")
	}
	return r.PostForm, nil, nil
}

// removeForm deletes the temporary files of a multipart form.
func removeForm(r *http.Request) {
	if r.MultipartForm != nil {
		r.MultipartForm.RemoveAll()
	}
}

// uploads puts each file of a form into the blob store, checking its size
// and its type by content.
func (u *UI) uploads(files []*multipart.FileHeader) ([]app.Upload, error) {
	var out []app.Upload
	if len(files) > ticket.MaxAttachmentsPerAction {
		return nil, minsheng.FieldError("file", "at most %d files at a time", ticket.MaxAttachmentsPerAction).Because("too_many_files")
	}
	for _, fh := range files {
		if fh.Size == 0 && fh.Filename == "" {
			continue // an empty file input
		}
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		up, err := u.svc.PutUpload(fh.Filename, f)
		f.Close()
		if err != nil {
			var e *minsheng.Error
			if errors.As(err, &e) && e.Field == "" {
				bad := minsheng.FieldError("file", "%s: %s", fh.Filename, e.Message)
				bad.Reason = e.Reason
				return nil, bad
			}
			return nil, err
		}
		out = append(out, up)
	}
	return out, nil
}
