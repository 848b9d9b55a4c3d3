package ui

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// consoleQueues are the dispatchers' work lists, in tab order.
var consoleQueues = []store.Queue{store.QueueNew, store.QueueReturned, store.QueueReview, store.QueueCallback, store.QueueExtension}

// listData is a work list: the console's queues or a unit's inbox.
type listData struct {
	Queue   store.Queue
	Queues  []store.Queue
	Counts  map[store.Queue]int
	Rows    []rowData
	Summary map[string]int // inbox: overdue, today, ok
	// Pager is the page shown of the queue; Bulk, whether the rows offer
	// a box to select them for a bulk close (BulkDone: its outcome).
	Pager    pager
	Bulk     bool
	BulkDone *app.BulkResult
}

// queuePageSize is how many rows a page of a work list shows: a screen or
// two of cards, not the 11,000 px of a whole queue.
const queuePageSize = 20

// pager is the position in a paged list and the links around it.
type pager struct {
	Page, Pages, Total int
	Prev, Next         string // "" at either end
}

// pageLinks returns the pager of page (of pages) of a list at base (a path
// with its query, without page).
func pageLinks(base string, qp *app.QueuePage) pager {
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	pg := pager{Page: qp.Page, Pages: qp.Pages, Total: qp.Total}
	if qp.Page > 1 {
		pg.Prev = base + sep + "page=" + strconv.Itoa(qp.Page-1)
	}
	if qp.Page < qp.Pages {
		pg.Next = base + sep + "page=" + strconv.Itoa(qp.Page+1)
	}
	return pg
}

// rowData is one ticket of a work list with what its quick forms need.
type rowData struct {
	T       ticket.Ticket
	Queue   store.Queue
	Next    string // where a plain (non-htmx) form goes back to
	Done    string // a message after an action on the row
	Error   string // a message after a failed action on the row
	Keep    bool   // after an action the ticket is still in the list: keep its forms
	Actions map[ticket.Action]bool
	Hints   app.Hints // classifier suggestions, reply check (app/textviews.go)
	Bulk    bool      // offer a box to select the row for a bulk close
}

// May reports whether the row offers the action.
func (r rowData) May(a string) bool { return r.Actions[ticket.Action(a)] }

func (u *UI) consolePage(w http.ResponseWriter, r *http.Request, me *org.User) error {
	q := store.Queue(r.URL.Query().Get("q"))
	if q == "" {
		q = store.QueueNew
	}
	valid := false
	for _, x := range consoleQueues {
		valid = valid || x == q
	}
	if !valid {
		return minsheng.Errorf(minsheng.ENOTFOUND, "no queue %q", q)
	}
	return u.renderList(w, r, me, "console", "/console", q, consoleQueues, nil)
}

func (u *UI) inboxPage(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return u.renderList(w, r, me, "inbox", "/inbox", store.QueueInbox, nil, nil)
}

// consoleClose closes the tickets selected on a console page with one
// note (app.CloseMany: each in its own transaction) and shows the page
// again with the outcome.
func (u *UI) consoleClose(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	q := store.Queue(vals.Get("q"))
	if !slices.Contains(consoleQueues, q) {
		q = store.QueueCallback
	}
	res, err := u.svc.CloseMany(r.Context(), me, vals["ref"], vals.Get("note"))
	if err != nil {
		var e *minsheng.Error
		if errors.As(err, &e) && e.Code == minsheng.EINVALID {
			r.URL.RawQuery = url.Values{"q": {string(q)}, "page": {vals.Get("page")}}.Encode()
			return u.renderListForm(w, r, me, "console", "/console", q, consoleQueues, nil,
				&formState{Action: "bulk_close", Field: e.Field, Err: e, Values: vals}, http.StatusBadRequest)
		}
		return err
	}
	r.URL.RawQuery = url.Values{"q": {string(q)}, "page": {vals.Get("page")}}.Encode()
	return u.renderList(w, r, me, "console", "/console", q, consoleQueues, res)
}

func (u *UI) renderList(w http.ResponseWriter, r *http.Request, me *org.User, name, path string, q store.Queue, tabs []store.Queue, bulk *app.BulkResult) error {
	return u.renderListForm(w, r, me, name, path, q, tabs, bulk, nil, http.StatusOK)
}

func (u *UI) renderListForm(w http.ResponseWriter, r *http.Request, me *org.User, name, path string, q store.Queue, tabs []store.Queue,
	bulk *app.BulkResult, form *formState, status int) error {
	ctx := r.Context()
	p := u.newPage(w, r, me, path)
	p.Title = p.T(name + ".title")
	p.Form = form
	rf, err := u.loadRefs(ctx, p)
	if err != nil {
		return err
	}
	p.R = rf
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	qp, err := u.svc.ListQueue(ctx, me, q, page, queuePageSize)
	if err != nil {
		return err
	}
	list := qp.Tickets
	d := listData{Queue: q, Queues: tabs, BulkDone: bulk}
	if len(tabs) > 0 {
		if d.Counts, err = u.svc.QueueCounts(ctx, me, tabs...); err != nil {
			return err
		}
	}
	next := path
	if len(tabs) > 0 {
		next += "?q=" + string(q)
	}
	d.Pager = pageLinks(next, qp)
	if qp.Page > 1 {
		sep := "?"
		if strings.Contains(next, "?") {
			sep = "&"
		}
		next += sep + "page=" + strconv.Itoa(qp.Page)
	}
	if q == store.QueueInbox {
		// The summary counts the whole inbox (its first 200), not the page.
		d.Summary = map[string]int{}
		all, err := u.svc.ListQueue(ctx, me, q, 1, app.MaxPageSize)
		if err != nil {
			return err
		}
		for _, t := range all.Tickets {
			d.Summary[p.Due(t.ReplyBy)]++
		}
	}
	hints, err := u.svc.ListHints(ctx, me, list)
	if err != nil {
		return err
	}
	for i, t := range list {
		row := rowData{T: t, Queue: q, Next: next, Actions: rowActions(me, t), Hints: hints[i]}
		row.Bulk = len(tabs) > 0 && row.Actions[ticket.ActionClose] && q != store.QueueReview
		d.Bulk = d.Bulk || row.Bulk
		d.Rows = append(d.Rows, row)
	}
	p.Data = d
	u.render(w, status, p, name)
	return nil
}

// rowActions are the actions a user may take on a ticket now.
func rowActions(me *org.User, t ticket.Ticket) map[ticket.Action]bool {
	m := map[ticket.Action]bool{}
	for _, a := range ticket.AvailableActions(t.Status, me) {
		if ticket.CheckActor(me, &t, a) == nil {
			m[a] = true
		}
	}
	return m
}

// ticketsData is the list of every ticket the user may see.
type ticketsData struct {
	Tickets  []ticket.Ticket
	Status   string
	Statuses []ticket.Status
	Next     string
	Query    string
	// Filters are the dashboards' drill-down filters in force
	// (dashboard_drill.go); Filter is their query string.
	Filters []filterChip
	Filter  template.URL
	Keep    [][2]string // the filters besides the status, kept by the form
}

func (u *UI) ticketsPage(w http.ResponseWriter, r *http.Request, me *org.User) error {
	q := r.URL.Query()
	if n := strings.TrimSpace(q.Get("number")); n != "" {
		redirect(w, r, "/t/"+url.PathEscape(n))
		return nil
	}
	p := u.newPage(w, r, me, "/tickets")
	p.Title = p.T("tickets.title")
	rf, err := u.loadRefs(r.Context(), p)
	if err != nil {
		return err
	}
	p.R = rf
	lq := app.ListQuery{Cursor: q.Get("cursor"), Limit: 50}
	filters, filter, err := readListFilters(p, q, &lq)
	if err != nil {
		return err
	}
	page, err := u.svc.ListTickets(r.Context(), me, lq)
	if err != nil {
		return err
	}
	d := ticketsData{Tickets: page.Tickets, Status: q.Get("status"), Statuses: ticket.Statuses, Filters: filters, Filter: template.URL(filter)}
	for _, k := range listFilters {
		if v := q.Get(k); v != "" && k != "status" {
			d.Keep = append(d.Keep, [2]string{k, v})
		}
	}
	if page.NextCursor != "" {
		v, _ := url.ParseQuery(filter)
		v.Set("cursor", page.NextCursor)
		d.Next = "/tickets?" + v.Encode()
	}
	p.Data = d
	u.render(w, http.StatusOK, p, "tickets")
	return nil
}

// newKey makes an idempotency key for a form, so that sending it twice
// (a double click, a reload) registers one ticket.
func newKey() string {
	b := make([]byte, 12)
	rand.Read(b)
	return "form-" + hex.EncodeToString(b)
}

func parseID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, minsheng.Errorf(minsheng.ENOTFOUND, "not found")
	}
	return id, nil
}
