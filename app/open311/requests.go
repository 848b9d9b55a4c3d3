package open311

// The public listing of requests.

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/geo"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// chinaZone is the time zone dates without one are read in.
var chinaZone = time.FixedZone("CST", 8*3600)

// ParseW3CTime reads a date and time in the W3C profile of ISO 8601 that
// Open311 uses: 2026-03-02T09:30:00+08:00 (seconds and fraction optional,
// Z for UTC). A date alone (2026-03-02) is midnight in China. A time
// without a zone is refused.
func ParseW3CTime(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	if t, err := time.ParseInLocation("2006-01-02", v, chinaZone); err == nil {
		return t, nil
	}
	return time.Time{}, errors.New("not a W3C date and time with a time zone")
}

// Open311Status maps a ticket status to Open311's two: closed once the
// district has answered, merged it into another request, or found it
// invalid; open otherwise (reopened requests are open again).
func Open311Status(s ticket.Status) string {
	switch s {
	case ticket.StatusResolvedAtIntake, ticket.StatusReplied, ticket.StatusClosed, ticket.StatusMerged, ticket.StatusInvalid:
		return "closed"
	}
	return "open"
}

func statusesFor(open311 string) []ticket.Status {
	var out []ticket.Status
	for _, s := range ticket.Statuses {
		if s != ticket.StatusInvalid && Open311Status(s) == open311 {
			out = append(out, s)
		}
	}
	return out
}

// PublicMedia is a file the public may see: the resident's photos of the
// request and of their updates, and those sent with the reply.
type PublicMedia struct {
	ID          int64
	EventSeq    int
	ContentType string
}

// PublicNote is a step of a request as the public sees it: what happened,
// which unit did it, never which staff member. Text is the reply, the
// answer or the resident's comment, with phone numbers, ID numbers and
// emails masked; empty for private categories.
type PublicNote struct {
	Number string
	Seq    int
	At     time.Time
	Action ticket.Action
	Status ticket.Status
	Unit   string
	Text   string
	Parent string // merge: the request this one was merged into
	Child  string // merge: the request merged into this one
	Media  []PublicMedia
}

// UpdateID is the note's identifier among the updates of all requests:
// the request number and the step's sequence number.
func (n *PublicNote) UpdateID() string { return n.Number + "-" + strconv.Itoa(n.Seq) }

// PublicRequest is a request as the public sees it. It holds no caller
// data. For a category marked private it holds neither the description,
// the address and point, the replies nor the photos.
type PublicRequest struct {
	Number        string
	Status        ticket.Status
	ServiceCode   string
	ServiceName   string
	ServiceNameEN string
	Group         string
	GroupEN       string
	Private       bool
	Title         string
	Description   string
	Address       string
	AddressID     string
	Lat, Long     *float64
	Agency        string // the handling unit, once dispatched
	RequestedAt   time.Time
	UpdatedAt     time.Time
	ExpectedAt    *time.Time // the reply deadline
	Reply         string
	Parent        string // the request this one was merged into
	Media         []PublicMedia
	MediaURL      string // a link the client sent instead of a file
	Notes         []PublicNote
}

// publicActions are the steps shown publicly whoever took them; a resident's
// own attach (a comment, photos) is shown too.
var open311Actions = []ticket.Action{
	ticket.ActionRegister, ticket.ActionResolveAtIntake, ticket.ActionDispatch, ticket.ActionRedispatch,
	ticket.ActionAcknowledge, ticket.ActionReply, ticket.ActionClose, ticket.ActionReopen, ticket.ActionMerge,
}

var open311ResidentActions = []ticket.Action{ticket.ActionAttach}

// mediaEvent reports whether files of the event are public.
func mediaEvent(e *ticket.Event) bool {
	switch e.Action {
	case ticket.ActionRegister, ticket.ActionReply, ticket.ActionResolveAtIntake:
		return true
	case ticket.ActionAttach:
		return e.ActorID == 0
	}
	return false
}

// PublicRequestQuery selects requests for the public listing. Numbers,
// when given, override every other filter. Without dates the listing
// covers the last 90 days; a range may not span more than 90 days.
type PublicRequestQuery struct {
	Numbers       []string
	ServiceCodes  []string // a group's code selects all its services
	Statuses      []string // open, closed
	Start, End    *time.Time
	UpdatedAfter  *time.Time
	UpdatedBefore *time.Time
	Near          *store.Circle
	Page          int // from 1
	PageSize      int // 0: MaxOpen311PageSize
}

// PublicRequestPage is a page of the public listing; More tells that
// another page follows.
type PublicRequestPage struct {
	Requests []PublicRequest
	More     bool
}

func checkIDs(ids []string) ([]string, error) {
	var out []string
	for _, id := range ids {
		if id = strings.TrimSpace(id); id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	if len(out) > MaxOpen311IDs {
		return nil, minsheng.FieldError("service_request_id", "at most %d service_request_id values at a time", MaxOpen311IDs)
	}
	return out, nil
}

// window checks a start..end range and fills the defaults: the last 90
// days, or 90 days from the start or up to the end.
func (s *Service) window(start, end *time.Time, defaults bool) (*time.Time, *time.Time, error) {
	if start != nil && end != nil {
		if end.Before(*start) {
			return nil, nil, minsheng.FieldError("end_date", "end_date is before start_date")
		}
		if end.Sub(*start) > MaxOpen311Span {
			return nil, nil, minsheng.FieldError("end_date", "start_date to end_date may not span more than 90 days")
		}
		return start, end, nil
	}
	switch {
	case start != nil:
		e := start.Add(MaxOpen311Span)
		return start, &e, nil
	case end != nil:
		st := end.Add(-MaxOpen311Span)
		return &st, end, nil
	case defaults:
		e := s.now()
		st := e.Add(-MaxOpen311Span)
		return &st, &e, nil
	}
	return nil, nil, nil
}

func checkPage(page, size int) (int, int, error) {
	if page == 0 {
		page = 1
	}
	if page < 1 || page > 1_000_000 {
		return 0, 0, minsheng.FieldError("page", "page must be a positive number")
	}
	if size == 0 {
		size = MaxOpen311PageSize
	}
	if size < 1 || size > MaxOpen311PageSize {
		return 0, 0, minsheng.FieldError("page_size", "page_size must be between 1 and %d", MaxOpen311PageSize)
	}
	return page, size, nil
}

// PublicRequests returns a page of the public listing of requests, newest
// first, with their public history.
func (s *Service) PublicRequests(ctx context.Context, q PublicRequestQuery) (*PublicRequestPage, error) {
	page, size, err := checkPage(q.Page, q.PageSize)
	if err != nil {
		return nil, err
	}
	numbers, err := checkIDs(q.Numbers)
	if err != nil {
		return nil, err
	}
	f := store.PublicTicketFilter{Numbers: numbers, Limit: size + 1, Offset: (page - 1) * size}
	if len(numbers) == 0 {
		for _, st := range q.Statuses {
			switch st = strings.TrimSpace(st); st {
			case "open", "closed":
				f.Statuses = append(f.Statuses, statusesFor(st)...)
			default:
				return nil, minsheng.FieldError("status", "status must be open or closed, not %q", st)
			}
		}
		if q.UpdatedAfter != nil && q.UpdatedBefore != nil && q.UpdatedBefore.Before(*q.UpdatedAfter) {
			return nil, minsheng.FieldError("updated_before", "updated_before is before updated_after")
		}
		f.UpdatedAfter, f.UpdatedBefore = q.UpdatedAfter, q.UpdatedBefore
		noUpdated := q.UpdatedAfter == nil && q.UpdatedBefore == nil
		if f.CreatedFrom, f.CreatedTo, err = s.window(q.Start, q.End, noUpdated); err != nil {
			return nil, err
		}
		if c := q.Near; c != nil {
			if c.Lat < -90 || c.Lat > 90 || c.Lng < -180 || c.Lng > 180 {
				return nil, minsheng.FieldError("lat", "lat must be between -90 and 90 and long between -180 and 180")
			}
			if c.Radius <= 0 || c.Radius > MaxOpen311Radius {
				return nil, minsheng.FieldError("radius", "radius must be between 1 and %d metres", MaxOpen311Radius)
			}
			f.Near = c
		}
	}
	out := &PublicRequestPage{Requests: []PublicRequest{}}
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		c, err := loadCatalog(ctx, tx)
		if err != nil {
			return err
		}
		if len(numbers) == 0 {
			// Private requests are not listed; asked for by number, they
			// show their status only (publicRequests).
			f.ExcludeCategories = c.privateIDs()
			for _, code := range q.ServiceCodes {
				ids, err := c.subtree(strings.TrimSpace(code))
				if err != nil {
					return err
				}
				f.CategoryIDs = append(f.CategoryIDs, ids...)
			}
		}
		list, err := store.ListPublicTickets(ctx, tx, f)
		if err != nil {
			return err
		}
		if len(list) > size {
			list, out.More = list[:size], true
		}
		out.Requests, err = s.publicRequests(ctx, tx, c, list)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// subtree returns the ids of the category with the code and of all below it.
func (c *catalog) subtree(code string) ([]int64, error) {
	x, ok := c.byCode[code]
	if !ok {
		return nil, minsheng.FieldError("service_code", "service_code %q was not found; GET services for the list", code)
	}
	var out []int64
	for _, y := range c.byID {
		if strings.HasPrefix(y.Path, x.Path) {
			out = append(out, y.ID)
		}
	}
	slices.Sort(out)
	return out, nil
}

// PublicRequest returns one request of the public listing, or ENOTFOUND.
func (s *Service) PublicRequest(ctx context.Context, number string) (*PublicRequest, error) {
	var out *PublicRequest
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		c, err := loadCatalog(ctx, tx)
		if err != nil {
			return err
		}
		list, err := store.ListPublicTickets(ctx, tx, store.PublicTicketFilter{Numbers: []string{strings.TrimSpace(number)}, Limit: 1})
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return minsheng.Errorf(minsheng.ENOTFOUND, "service_request_id %q was not found", number)
		}
		rs, err := s.publicRequests(ctx, tx, c, list)
		if err != nil {
			return err
		}
		out = &rs[0]
		return nil
	})
	return out, err
}

// unitNames looks unit names up once per transaction.
type unitNames struct {
	ctx   context.Context
	tx    *store.Tx
	names map[int64]string
}

func (u *unitNames) name(id int64) string {
	if id == 0 {
		return ""
	}
	if n, ok := u.names[id]; ok {
		return n
	}
	unit, err := store.GetUnit(u.ctx, u.tx, id)
	if err == nil {
		u.names[id] = unit.Name
	}
	return u.names[id]
}

// publicRequests builds the public view of tickets already known to be in
// the public listing.
func (s *Service) publicRequests(ctx context.Context, tx *store.Tx, c *catalog, list []*ticket.Ticket) ([]PublicRequest, error) {
	out := make([]PublicRequest, 0, len(list))
	if len(list) == 0 {
		return out, nil
	}
	ids := make([]int64, len(list))
	numbers := make([]string, len(list))
	for i, t := range list {
		ids[i], numbers[i] = t.ID, t.Number
	}
	events, err := store.ListPublicEvents(ctx, tx, store.PublicEventFilter{Actions: open311Actions,
		ResidentActions: open311ResidentActions, Numbers: numbers, Limit: 1_000_000})
	if err != nil {
		return nil, err
	}
	atts, err := store.ListAttachmentsOf(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	links, err := store.Open311MediaURLs(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	units := &unitNames{ctx: ctx, tx: tx, names: map[int64]string{}}
	byTicket := map[int64][]store.PublicEvent{}
	for _, e := range events {
		byTicket[e.TicketID] = append(byTicket[e.TicketID], e)
	}
	attsBy := map[int64][]ticket.Attachment{}
	for _, a := range atts {
		attsBy[a.TicketID] = append(attsBy[a.TicketID], a)
	}
	for _, t := range list {
		cat := c.byID[t.CategoryID]
		if cat == nil {
			continue
		}
		top := c.top(cat)
		private := c.private(cat)
		r := PublicRequest{
			Number: t.Number, Status: t.Status, ServiceCode: cat.Code, ServiceName: cat.Name, ServiceNameEN: cat.NameEN,
			Group: top.Name, GroupEN: top.NameEN, Private: private, Agency: units.name(t.UnitID),
			RequestedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt, ExpectedAt: t.ReplyBy, Media: []PublicMedia{}, Notes: []PublicNote{},
		}
		if t.ParentID != 0 {
			if p, err := store.GetTicket(ctx, tx, t.ParentID); err == nil {
				r.Parent = p.Number
			}
		}
		if !private {
			r.Title, r.Description = MaskPersonal(t.Title), MaskPersonal(t.Description)
			if r.Description == "" {
				r.Description = r.Title
			}
			r.Address = MaskPersonal(t.Address)
			if t.Lat != nil && t.Lng != nil {
				// The public point is blurred to about 100 m (geo.Blur).
				p := geo.Blur(geo.Point{Lat: *t.Lat, Lng: *t.Lng})
				r.Lat, r.Long = &p.Lat, &p.Lng
			}
			r.Reply = MaskPersonal(t.Reply)
			r.MediaURL = links[t.ID]
		}
		public := map[int]bool{}
		for _, e := range byTicket[t.ID] {
			n := publicNote(&e, units, private)
			if mediaEvent(&e.Event) {
				public[e.Seq] = true
			}
			r.Notes = append(r.Notes, n)
		}
		if !private {
			for _, a := range attsBy[t.ID] {
				if public[a.EventSeq] {
					m := PublicMedia{ID: a.ID, EventSeq: a.EventSeq, ContentType: a.ContentType}
					r.Media = append(r.Media, m)
					for i := range r.Notes {
						if r.Notes[i].Seq == a.EventSeq {
							r.Notes[i].Media = append(r.Notes[i].Media, m)
						}
					}
				}
			}
		}
		out = append(out, r)
	}
	return out, nil
}

func publicNote(e *store.PublicEvent, units *unitNames, private bool) PublicNote {
	n := PublicNote{Number: e.Number, Seq: e.Seq, At: e.At, Action: e.Action, Status: e.ToStatus, Unit: units.name(e.UnitID)}
	switch e.Action {
	case ticket.ActionReply, ticket.ActionResolveAtIntake, ticket.ActionAttach:
		if !private {
			n.Text = MaskPersonal(e.Note)
		}
	case ticket.ActionMerge:
		n.Parent, n.Child = e.Data["parent"], e.Data["child"]
	}
	return n
}

// PublicUpdateQuery selects the updates of public requests (FixMyStreet's
// servicerequestupdates): by default those of the last 90 days.
