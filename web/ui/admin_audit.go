package ui

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/org"
)

// auditObjects are the object types the filter suggests: the core's, then
// those the mounted capabilities name in their messages (auditobj.*).
func (u *UI) auditObjects() []string {
	out := []string{"user", "unit", "category", "routing_rule", "sla_rule", "calendar_year",
		"dispatch_settings", "webhook", "article", "api_token", "stats", "ticket"}
	var more []string
	for k := range u.messages {
		if o, ok := strings.CutPrefix(k, "auditobj."); ok && !slices.Contains(out, o) {
			more = append(more, o)
		}
	}
	slices.Sort(more)
	return append(out, more...)
}

// auditData is the audit log page: the filter as typed, a page of entries
// and the link to the older ones.
type auditData struct {
	Filter  url.Values
	Objects []string
	Page    *app.AuditPage
	More    string // the next page's link, "" on the last page
	Paged   bool   // this is not the first page
}

// registerAudit adds the audit log page (admins of the district).
func (u *UI) registerAudit(mux *http.ServeMux) {
	mux.Handle("GET /admin/audit", u.staff(u.adminAudit, org.RoleAdmin))
}

// adminAudit shows the audit log, newest first, filtered by object, actor
// and days; "more" follows the keyset cursor. A filter the service
// refuses is shown beside the form (400).
func (u *UI) adminAudit(w http.ResponseWriter, r *http.Request, me *org.User) error {
	in := r.URL.Query()
	filter := url.Values{}
	for _, k := range []string{"object", "object_id", "actor", "from", "to"} {
		if v := in.Get(k); v != "" {
			filter.Set(k, v)
		}
	}
	d := &auditData{Filter: filter, Objects: u.auditObjects(), Page: &app.AuditPage{}, Paged: in.Get("cursor") != ""}
	var page *app.AuditPage
	q, err := auditQuery(filter, in.Get("cursor"))
	if err == nil {
		page, err = u.svc.AuditLog(r.Context(), me, q)
	}
	status := http.StatusOK
	var form *formState
	if err != nil {
		var e *minsheng.Error
		if !errors.As(err, &e) || e.Code != minsheng.EINVALID {
			return err
		}
		// The service's message is English; the page names the field in
		// the page's language.
		status = http.StatusBadRequest
		form = &formState{Action: "audit", Field: e.Field, Values: in}
	} else {
		d.Page = page
		if page.Next != "" {
			more := url.Values{}
			for k, v := range filter {
				more[k] = v
			}
			more.Set("cursor", page.Next)
			d.More = "/admin/audit?" + more.Encode()
		}
	}
	p := u.newPage(w, r, me, "/admin/audit")
	p.Title = p.T("admin_audit.title")
	if form != nil {
		field := form.Field
		if !p.has("admin_audit." + field) {
			field = "filter"
		}
		form.Message = p.T("admin_audit.bad", p.T("admin_audit."+field))
	}
	p.Form, p.Data = form, d
	w.Header().Set("Cache-Control", "no-store")
	u.render(w, status, p, "admin_audit")
	return nil
}

// auditQuery reads the filter form.
func auditQuery(filter url.Values, cursor string) (app.AuditQuery, error) {
	q := app.AuditQuery{Object: filter.Get("object"), Actor: filter.Get("actor"), Cursor: cursor}
	if v := filter.Get("object_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 0 {
			return q, minsheng.FieldError("object_id", "object_id must be an id")
		}
		q.ObjectID = &id
	}
	var err error
	if q.From, err = app.ParseAuditTime("from", filter.Get("from"), false); err != nil {
		return q, err
	}
	q.To, err = app.ParseAuditTime("to", filter.Get("to"), true)
	return q, err
}
