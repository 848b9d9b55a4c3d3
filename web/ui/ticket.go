package ui

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
	"github.com/minsheng/minsheng/web/httpstatus"
)

// ticketData is the ticket page.
type ticketData struct {
	V        *app.TicketView
	Actions  map[ticket.Action]bool
	Caller   *app.Caller // revealed caller, after an audited reveal
	Files    map[int][]ticket.Attachment
	Reasons  []app.ReturnReason
	Sats     []ticket.Satisfaction
	MaxDays  int
	Next     string
	Suggest  int64 // the unit preselected in the dispatch picker
	HasPoint bool
	// CatSel is the category preselected in the pickers of the dispatch
	// and categorize forms: the ticket's own, else the classifier's first
	// suggestion.
	CatSel string
}

// May reports whether the page offers the action.
func (d ticketData) May(a string) bool { return d.Actions[ticket.Action(a)] }

func (u *UI) ticketPage(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return u.renderTicket(w, r, me, r.PathValue("ref"), http.StatusOK, nil, nil)
}

func (u *UI) renderTicket(w http.ResponseWriter, r *http.Request, me *org.User, ref string, status int, form *formState, caller *app.Caller) error {
	ctx := r.Context()
	v, err := u.svc.GetTicket(ctx, me, ref)
	if err != nil {
		return err
	}
	p := u.newPage(w, r, me, "")
	p.Title = v.Ticket.Number + " " + v.Ticket.Title
	rf, err := u.loadRefs(ctx, p)
	if err != nil {
		return err
	}
	p.R, p.Form = rf, form
	st, err := u.svc.DispatchSettings(ctx)
	if err != nil {
		return err
	}
	d := ticketData{V: v, Actions: map[ticket.Action]bool{}, Caller: caller, Files: map[int][]ticket.Attachment{},
		Reasons: app.ReturnReasons, Sats: ticket.Satisfactions, MaxDays: st.MaxExtensionDays,
		Next: "/t/" + v.Ticket.Number, Suggest: v.Ticket.SuggestedUnitID, HasPoint: v.Ticket.Lat != nil}
	if d.Suggest == 0 {
		d.Suggest = v.Ticket.UnitID
	}
	d.CatSel = catSelected(v)
	for _, a := range v.Actions {
		d.Actions[a] = true
	}
	for _, a := range v.Attachments {
		d.Files[a.EventSeq] = append(d.Files[a.EventSeq], a)
	}
	p.Data = d
	u.render(w, status, p, "ticket")
	return nil
}

// ticketAction runs one action from a form of the ticket page, the
// console or the inbox. A plain form goes on to the page named by next; an
// htmx form on a work-list row gets the row back, updated. A refused form
// comes back with the field at fault marked.
func (u *UI) ticketAction(w http.ResponseWriter, r *http.Request, me *org.User) error {
	ctx := r.Context()
	ref, action := r.PathValue("ref"), r.PathValue("action")
	vals, files, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	defer removeForm(r)
	note := strings.TrimSpace(vals.Get("note"))
	var t *ticket.Ticket
	switch action {
	case "reveal":
		c, err := u.svc.RevealCaller(ctx, me, ref, vals.Get("reason"), clientIP(r))
		if err != nil {
			return err
		}
		w.Header().Set("Cache-Control", "no-store")
		if isHTMX(r) {
			p := u.newPage(w, r, me, "")
			p.Data = c
			u.renderFragment(w, http.StatusOK, p, "ticket", "caller-revealed-fragment")
			return nil
		}
		return u.renderTicket(w, r, me, ref, http.StatusOK, nil, c)
	case "dispatch", "redispatch":
		unit, _ := strconv.ParseInt(vals.Get("unit_id"), 10, 64)
		if action == "dispatch" {
			cat, _ := strconv.ParseInt(vals.Get("category_id"), 10, 64)
			t, err = u.svc.DispatchWith(ctx, me, ref, app.DispatchInput{UnitID: unit, CategoryID: cat, Note: note})
		} else {
			t, err = u.svc.Redispatch(ctx, me, ref, unit, note)
		}
	case "categorize":
		cat, _ := strconv.ParseInt(vals.Get("category_id"), 10, 64)
		t, err = u.svc.Categorize(ctx, me, ref, cat, note)
	case "acknowledge":
		t, err = u.svc.Acknowledge(ctx, me, ref, note)
	case "return":
		t, err = u.svc.Return(ctx, me, ref, app.ReturnReason(vals.Get("reason")), note)
	case "reply", "attach":
		var ups []app.Upload
		if ups, err = u.uploads(files); err == nil {
			if action == "reply" {
				t, err = u.svc.Reply(ctx, me, ref, strings.TrimSpace(vals.Get("reply")), ups...)
			} else {
				t, err = u.svc.Attach(ctx, me, ref, note, ups...)
			}
		}
	case "resolve":
		t, err = u.svc.ResolveAtIntake(ctx, me, ref, strings.TrimSpace(vals.Get("answer")))
	case "callback":
		res := app.CallbackResult{Satisfaction: ticket.Satisfaction(vals.Get("satisfaction")), Note: note}
		switch vals.Get("resolved") {
		case "yes":
			res.Resolved = ptr(true)
		case "no":
			res.Resolved = ptr(false)
		}
		t, err = u.svc.Callback(ctx, me, ref, res)
		if err == nil && vals.Get("close") == "1" && ticket.Allowed(t.Status, ticket.ActionClose) && ticket.May(me, ticket.ActionClose) {
			action = "callback_close"
			t, err = u.svc.Close(ctx, me, ref, "")
		}
	case "close":
		t, err = u.svc.Close(ctx, me, ref, note)
	case "reopen":
		t, err = u.svc.Reopen(ctx, me, ref, strings.TrimSpace(vals.Get("reason")))
	case "merge":
		t, err = u.svc.Merge(ctx, me, ref, strings.TrimSpace(vals.Get("parent")), note)
	case "invalidate":
		t, err = u.svc.Invalidate(ctx, me, ref, strings.TrimSpace(vals.Get("reason")))
	case "remind":
		t, err = u.svc.Remind(ctx, me, ref, note)
	case "supervise":
		t, err = u.svc.Supervise(ctx, me, ref, note)
	case "extension":
		days, perr := strconv.Atoi(strings.TrimSpace(vals.Get("days")))
		if perr != nil {
			err = minsheng.FieldError("days", "days must be a number of working days")
		} else {
			t, err = u.svc.RequestExtension(ctx, me, ref, days, strings.TrimSpace(vals.Get("reason")))
		}
	case "approve-extension", "refuse-extension":
		t, err = u.svc.DecideExtension(ctx, me, ref, action == "approve-extension", note)
	default:
		return minsheng.Errorf(minsheng.ENOTFOUND, "no action %q", action)
	}
	rowTarget := isHTMX(r) && strings.HasPrefix(r.Header.Get("HX-Target"), "row-")
	if err != nil {
		var e *minsheng.Error
		refused := errors.As(err, &e) && (e.Code == minsheng.EINVALID || e.Code == minsheng.ECONFLICT || e.Code == minsheng.ETOOLARGE)
		switch {
		case refused && rowTarget:
			return u.renderRow(w, r, me, ref, vals, "", e, httpstatus.ForCode(e.Code))
		case refused && e.Code != minsheng.ECONFLICT:
			return u.renderTicket(w, r, me, ref, http.StatusBadRequest,
				&formState{Action: action, Field: e.Field, Err: e, Values: vals}, nil)
		}
		return err
	}
	if rowTarget {
		p := u.newPage(w, r, me, "")
		return u.renderRow(w, r, me, t.Number, vals, p.T("ok."+action), nil, http.StatusOK)
	}
	next := safeNext(vals.Get("next"), "/t/"+url.PathEscape(t.Number))
	sep := "?"
	if strings.Contains(next, "?") {
		sep = "&"
	}
	redirect(w, r, next+sep+"ok="+url.QueryEscape(action))
	return nil
}

// renderRow answers an htmx action on a work-list row with the row, its
// ticket read again, and a message: done, or the refusal worded in the
// page's language.
func (u *UI) renderRow(w http.ResponseWriter, r *http.Request, me *org.User, ref string, vals url.Values, done string, failed error, status int) error {
	v, err := u.svc.GetTicket(r.Context(), me, ref)
	if err != nil {
		if minsheng.IsCode(err, minsheng.ENOTFOUND) && done != "" {
			// The action took the ticket out of the user's sight (a
			// handler's return): say so in place of the row.
			v = nil
		} else {
			return err
		}
	}
	p := u.newPage(w, r, me, "")
	rf, err := u.loadRefs(r.Context(), p)
	if err != nil {
		return err
	}
	p.R = rf
	row := rowData{Queue: store.Queue(vals.Get("queue")), Next: vals.Get("next"), Done: done}
	if failed != nil {
		row.Error = p.Say(failed)
	}
	if v != nil {
		row.T = v.Ticket
		row.Actions = rowActions(me, v.Ticket)
		row.Keep = inQueue(row.Queue, &v.Ticket, u.svc.Clock().Now())
	}
	p.Data = row
	u.renderFragment(w, status, p, "console", "row-fragment")
	return nil
}

// inQueue reports whether a ticket still belongs to the work list after
// an action, so that its row stays with the actions now possible (an
// acknowledged ticket stays in the inbox, to be replied to).
func inQueue(q store.Queue, t *ticket.Ticket, now time.Time) bool {
	inHand := t.Status == ticket.StatusDispatched || t.Status == ticket.StatusAcknowledged || t.Status == ticket.StatusReopened
	switch q {
	case store.QueueNew:
		return t.Status == ticket.StatusRegistered
	case store.QueueReturned:
		return t.Status == ticket.StatusReturned
	case store.QueueReview:
		return t.Status == ticket.StatusReplied && t.CallbackAt == nil
	case store.QueueCallback:
		return t.Status == ticket.StatusResolvedAtIntake || (t.Status == ticket.StatusReplied &&
			(t.CallbackAt != nil || (t.CallbackBy != nil && t.CallbackBy.Before(now))))
	case store.QueueExtension:
		return inHand && t.ExtensionDays > 0
	case store.QueueInbox:
		return inHand
	}
	return false
}

func ptr[T any](v T) *T { return &v }

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// ticketFile serves an attachment of a ticket the user may see.
func (u *UI) ticketFile(w http.ResponseWriter, r *http.Request, me *org.User) error {
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	a, f, err := u.svc.OpenAttachment(r.Context(), me, r.PathValue("ref"), id)
	if err != nil {
		return err
	}
	defer f.Close()
	serveFile(w, r, a, f)
	return nil
}

// serveFile sends a stored file with its sniffed type, never as a page:
// a sandbox policy stops any script in it, and the type is not guessed
// again by the browser.
func serveFile(w http.ResponseWriter, r *http.Request, a *ticket.Attachment, f io.ReadSeeker) {
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
	h.Set("Cache-Control", "private, max-age=3600")
	disp := "inline"
	if !strings.HasPrefix(a.ContentType, "image/") {
		disp = "attachment"
	}
	h.Set("Content-Disposition", disp+"; filename*=UTF-8''"+url.PathEscape(a.Name))
	http.ServeContent(w, r, "", a.CreatedAt, f)
}

// catSelected is the category a picker starts on: the ticket's own, else
// the classifier's first suggestion that is a category of the district.
func catSelected(v *app.TicketView) string {
	if v.Ticket.CategoryID != 0 {
		return strconv.FormatInt(v.Ticket.CategoryID, 10)
	}
	if v.Suggestions != nil {
		for _, s := range v.Suggestions.Categories {
			if s.ID != 0 {
				return strconv.FormatInt(s.ID, 10)
			}
		}
	}
	return ""
}
