package web

import (
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
	"github.com/minsheng/minsheng/ticket"
)

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	secret, u, err := s.svc.Login(r.Context(), in.Username, in.Password, s.clientAddr(r))
	if secs, ok := app.RetryAfter(err); ok {
		w.Header().Set("Retry-After", strconv.Itoa(secs))
	}
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: secret, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: r.TLS != nil, MaxAge: int(app.SessionLifetime.Seconds()),
	})
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(SessionCookie); err == nil {
		if err := s.svc.Logout(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: -1})
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) createTicket(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	var in ticket.NewTicket
	if err := decode(w, r, &in); err != nil {
		return err
	}
	t, created, err := s.svc.CreateTicket(r.Context(), u, in, r.Header.Get("Idempotency-Key"))
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/tickets/"+t.Number)
	status := http.StatusCreated
	if !created {
		w.Header().Set("Idempotent-Replayed", "true")
		status = http.StatusOK
	}
	writeJSON(w, status, t.Mask())
	return nil
}

func (s *Server) getTicket(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	v, err := s.svc.GetTicket(r.Context(), u, r.PathValue("ref"))
	if err != nil {
		return err
	}
	v.Events, v.Actions = orEmpty(v.Events), orEmpty(v.Actions)
	writeJSON(w, http.StatusOK, v)
	return nil
}

// listTickets reads its filters from the query string: status (repeatable
// or comma-separated), kind, urgency, channel, category_id, unit_id,
// caller_phone, created_from, created_to (RFC 3339 or YYYY-MM-DD), overdue,
// limit, cursor.
func (s *Server) listTickets(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if err := knownParams(q, "status", "kind", "urgency", "channel", "category_id", "unit_id", "caller_phone",
		"created_from", "created_to", "overdue", "limit", "cursor"); err != nil {
		return err
	}
	lq := app.ListQuery{
		Kind: ticket.Kind(q.Get("kind")), Urgency: ticket.Urgency(q.Get("urgency")), Channel: ticket.Channel(q.Get("channel")),
		CallerPhone: q.Get("caller_phone"), Cursor: q.Get("cursor"),
	}
	for _, v := range q["status"] {
		for _, st := range strings.Split(v, ",") {
			if st = strings.TrimSpace(st); st != "" {
				lq.Statuses = append(lq.Statuses, ticket.Status(st))
			}
		}
	}
	if lq.CategoryID, err = intParam(q, "category_id"); err != nil {
		return err
	}
	if lq.UnitID, err = intParam(q, "unit_id"); err != nil {
		return err
	}
	limit, err := intParam(q, "limit")
	if err != nil {
		return err
	}
	lq.Limit = int(limit)
	if q.Has("limit") && limit == 0 {
		return minsheng.FieldError("limit", "limit must be between 1 and %d", app.MaxPageSize)
	}
	if lq.CreatedFrom, err = timeParam(q, "created_from"); err != nil {
		return err
	}
	if lq.CreatedTo, err = timeParam(q, "created_to"); err != nil {
		return err
	}
	if v := q.Get("overdue"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return minsheng.FieldError("overdue", "overdue must be true or false")
		}
		lq.Overdue = b
	}
	page, err := s.svc.ListTickets(r.Context(), u, lq)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

// orEmpty turns a nil list into an empty one, so that clients get [] and
// never null where the document promises an array.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func knownParams(q url.Values, names ...string) error {
	for k := range q {
		found := false
		for _, n := range names {
			if k == n {
				found = true
				break
			}
		}
		if !found {
			return minsheng.FieldError(k, "unknown query parameter %q", k)
		}
	}
	return nil
}

func intParam(q url.Values, name string) (int64, error) {
	v := q.Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, minsheng.FieldError(name, "%s must be a positive whole number", name)
	}
	return n, nil
}

// timeParam reads an RFC 3339 time, or a date taken as midnight in China.
func timeParam(q url.Values, name string) (*time.Time, error) {
	v := q.Get(name)
	if v == "" {
		return nil, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return &t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", v, time.FixedZone("CST", 8*3600)); err == nil {
		return &t, nil
	}
	return nil, minsheng.FieldError(name, "%s must be a date (YYYY-MM-DD) or an RFC 3339 time", name)
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) revealCaller(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.svc.RevealCaller(r.Context(), u, r.PathValue("ref"), in.Reason, s.remoteIP(r))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) ticketAudit(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	entries, err := s.svc.TicketAudit(r.Context(), u, r.PathValue("ref"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": orEmpty(entries)})
	return nil
}

// action is the shape of every ticket action handler: decode the body into
// a fresh In, run the use case, answer with the changed ticket.
func action[In any](s *Server, w http.ResponseWriter, r *http.Request, run func(u *org.User, ref string, in In) (*ticket.Ticket, error)) error {
	return ticketAction(w, r, func(u *org.User, ref string) (*ticket.Ticket, error) {
		// The body may be empty (no Content-Length, or a chunked body with
		// nothing in it): the use case then reports what is missing.
		var in In
		if err := decode(w, r, &in); err != nil && err != errEmptyBody {
			return nil, err
		}
		return run(u, ref, in)
	})
}

// formAction is action for multipart bodies: one text field and files.
func (s *Server) formAction(w http.ResponseWriter, r *http.Request, field string, run func(u *org.User, ref string, f *form) (*ticket.Ticket, error)) error {
	return ticketAction(w, r, func(u *org.User, ref string) (*ticket.Ticket, error) {
		f, err := s.readForm(w, r, field)
		if err != nil {
			return nil, err
		}
		return run(u, ref, f)
	})
}

// ticketAction runs an action of the signed-in user on the ticket of the
// path and answers with the changed ticket.
func ticketAction(w http.ResponseWriter, r *http.Request, run func(u *org.User, ref string) (*ticket.Ticket, error)) error {
	return answer(w, r, http.StatusOK, func(u *org.User) (*ticket.Ticket, error) { return run(u, r.PathValue("ref")) })
}

type noteIn struct {
	Note string `json:"note"`
}

type unitIn struct {
	UnitID int64  `json:"unit_id"`
	Note   string `json:"note"`
}

// categoryIn is the body of the categorize action.
type categoryIn struct {
	CategoryID int64  `json:"category_id"`
	Note       string `json:"note"`
}

type returnIn struct {
	Reason app.ReturnReason `json:"reason"`
	Note   string           `json:"note"`
}

type replyIn struct {
	Reply string `json:"reply"`
}

type answerIn struct {
	Answer string `json:"answer"`
}

type reasonIn struct {
	Reason string `json:"reason"`
}

type mergeIn struct {
	Parent string `json:"parent"`
	Note   string `json:"note"`
}

func (s *Server) dispatch(w http.ResponseWriter, r *http.Request) error {
	return action(s, w, r, func(u *org.User, ref string, in app.DispatchInput) (*ticket.Ticket, error) {
		return s.svc.DispatchWith(r.Context(), u, ref, in)
	})
}

// categorize sets or corrects a ticket's category.
func (s *Server) categorize(w http.ResponseWriter, r *http.Request) error {
	return action(s, w, r, func(u *org.User, ref string, in categoryIn) (*ticket.Ticket, error) {
		return s.svc.Categorize(r.Context(), u, ref, in.CategoryID, in.Note)
	})
}

func (s *Server) redispatch(w http.ResponseWriter, r *http.Request) error {
	return action(s, w, r, func(u *org.User, ref string, in unitIn) (*ticket.Ticket, error) {
		return s.svc.Redispatch(r.Context(), u, ref, in.UnitID, in.Note)
	})
}

func (s *Server) acknowledge(w http.ResponseWriter, r *http.Request) error {
	return action(s, w, r, func(u *org.User, ref string, in noteIn) (*ticket.Ticket, error) {
		return s.svc.Acknowledge(r.Context(), u, ref, in.Note)
	})
}

func (s *Server) returnTicket(w http.ResponseWriter, r *http.Request) error {
	return action(s, w, r, func(u *org.User, ref string, in returnIn) (*ticket.Ticket, error) {
		return s.svc.Return(r.Context(), u, ref, in.Reason, in.Note)
	})
}

// reply takes JSON, or multipart/form-data with the reply and photos of
// the result.
func (s *Server) reply(w http.ResponseWriter, r *http.Request) error {
	if isMultipart(r) {
		return s.formAction(w, r, "reply", func(u *org.User, ref string, f *form) (*ticket.Ticket, error) {
			return s.svc.Reply(r.Context(), u, ref, f.values["reply"], f.files...)
		})
	}
	return action(s, w, r, func(u *org.User, ref string, in replyIn) (*ticket.Ticket, error) {
		return s.svc.Reply(r.Context(), u, ref, in.Reply)
	})
}

// attach adds files with an optional note to a ticket's timeline.
func (s *Server) attach(w http.ResponseWriter, r *http.Request) error {
	return s.formAction(w, r, "note", func(u *org.User, ref string, f *form) (*ticket.Ticket, error) {
		return s.svc.Attach(r.Context(), u, ref, f.values["note"], f.files...)
	})
}

func (s *Server) getAttachment(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	return sendFile(w, r, func(id int64) (*ticket.Attachment, io.ReadSeekCloser, error) {
		return s.svc.OpenAttachment(r.Context(), u, r.PathValue("ref"), id)
	})
}

// pathID reads a positive id from the path; anything else names nothing
// (not found).
func pathID(r *http.Request, name, what string) (int64, error) {
	v := r.PathValue(name)
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, minsheng.Errorf(minsheng.ENOTFOUND, "%s %q not found", what, v)
	}
	return id, nil
}

type daysIn struct {
	Days   int    `json:"days"`
	Reason string `json:"reason"`
}

func (s *Server) remind(w http.ResponseWriter, r *http.Request) error {
	return action(s, w, r, func(u *org.User, ref string, in noteIn) (*ticket.Ticket, error) {
		return s.svc.Remind(r.Context(), u, ref, in.Note)
	})
}

func (s *Server) supervise(w http.ResponseWriter, r *http.Request) error {
	return action(s, w, r, func(u *org.User, ref string, in noteIn) (*ticket.Ticket, error) {
		return s.svc.Supervise(r.Context(), u, ref, in.Note)
	})
}

func (s *Server) requestExtension(w http.ResponseWriter, r *http.Request) error {
	return action(s, w, r, func(u *org.User, ref string, in daysIn) (*ticket.Ticket, error) {
		return s.svc.RequestExtension(r.Context(), u, ref, in.Days, in.Reason)
	})
}

func (s *Server) approveExtension(w http.ResponseWriter, r *http.Request) error {
	return action(s, w, r, func(u *org.User, ref string, in noteIn) (*ticket.Ticket, error) {
		return s.svc.DecideExtension(r.Context(), u, ref, true, in.Note)
	})
}

func (s *Server) refuseExtension(w http.ResponseWriter, r *http.Request) error {
	return action(s, w, r, func(u *org.User, ref string, in noteIn) (*ticket.Ticket, error) {
		return s.svc.DecideExtension(r.Context(), u, ref, false, in.Note)
	})
}

func (s *Server) resolveAtIntake(w http.ResponseWriter, r *http.Request) error {
	return action(s, w, r, func(u *org.User, ref string, in answerIn) (*ticket.Ticket, error) {
		return s.svc.ResolveAtIntake(r.Context(), u, ref, in.Answer)
	})
}

func (s *Server) callback(w http.ResponseWriter, r *http.Request) error {
	return action(s, w, r, func(u *org.User, ref string, in app.CallbackResult) (*ticket.Ticket, error) {
		return s.svc.Callback(r.Context(), u, ref, in)
	})
}

func (s *Server) closeTicket(w http.ResponseWriter, r *http.Request) error {
	return action(s, w, r, func(u *org.User, ref string, in noteIn) (*ticket.Ticket, error) {
		return s.svc.Close(r.Context(), u, ref, in.Note)
	})
}

func (s *Server) reopen(w http.ResponseWriter, r *http.Request) error {
	return action(s, w, r, func(u *org.User, ref string, in reasonIn) (*ticket.Ticket, error) {
		return s.svc.Reopen(r.Context(), u, ref, in.Reason)
	})
}

func (s *Server) merge(w http.ResponseWriter, r *http.Request) error {
	return action(s, w, r, func(u *org.User, ref string, in mergeIn) (*ticket.Ticket, error) {
		return s.svc.Merge(r.Context(), u, ref, in.Parent, in.Note)
	})
}

func (s *Server) invalidate(w http.ResponseWriter, r *http.Request) error {
	return action(s, w, r, func(u *org.User, ref string, in reasonIn) (*ticket.Ticket, error) {
		return s.svc.Invalidate(r.Context(), u, ref, in.Reason)
	})
}

func (s *Server) listUnits(w http.ResponseWriter, r *http.Request) error {
	return answer(w, r, http.StatusOK, func(*org.User) (any, error) {
		units, err := s.svc.ListUnits(r.Context())
		return map[string]any{"units": orEmpty(units)}, err
	})
}

func (s *Server) createUnit(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusCreated, func(u *org.User, in app.NewUnit) (*org.Unit, error) {
		return s.svc.CreateUnit(r.Context(), u, in)
	})
}

func (s *Server) updateUnit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "unit")
	if err != nil {
		return err
	}
	return userWrite(w, r, http.StatusOK, func(u *org.User, in app.UnitChange) (*org.Unit, error) {
		return s.svc.UpdateUnit(r.Context(), u, id, in)
	})
}

func (s *Server) listCategories(w http.ResponseWriter, r *http.Request) error {
	return answer(w, r, http.StatusOK, func(*org.User) (any, error) {
		cs, err := s.svc.ListCategories(r.Context())
		return map[string]any{"categories": orEmpty(cs)}, err
	})
}

func (s *Server) createCategory(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusCreated, func(u *org.User, in app.NewCategory) (*ticket.Category, error) {
		return s.svc.CreateCategory(r.Context(), u, in)
	})
}

func (s *Server) updateCategory(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "category")
	if err != nil {
		return err
	}
	return userWrite(w, r, http.StatusOK, func(u *org.User, in app.CategoryChange) (*ticket.Category, error) {
		return s.svc.UpdateCategory(r.Context(), u, id, in)
	})
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) error {
	return answer(w, r, http.StatusOK, func(u *org.User) (any, error) {
		users, err := s.svc.ListUsers(r.Context(), u)
		return map[string]any{"users": orEmpty(users)}, err
	})
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusCreated, func(u *org.User, in app.NewUser) (*org.User, error) {
		return s.svc.CreateUser(r.Context(), u, in)
	})
}

func (s *Server) updateUser(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusOK, func(u *org.User, in app.UserChange) (*org.User, error) {
		return s.svc.UpdateUser(r.Context(), u, r.PathValue("username"), in)
	})
}

// answer runs fn for the signed-in user and answers with status and what
// it returns.
func answer[T any](w http.ResponseWriter, r *http.Request, status int, fn func(u *org.User) (T, error)) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	v, err := fn(u)
	if err != nil {
		return err
	}
	writeJSON(w, status, v)
	return nil
}

// userWrite decodes the body into a fresh In, runs the signed-in user's
// change, and answers with status and what it returns.
func userWrite[In, Out any](w http.ResponseWriter, r *http.Request, status int, run func(u *org.User, in In) (Out, error)) error {
	return answer(w, r, status, func(u *org.User) (out Out, err error) {
		var in In
		if err := decode(w, r, &in); err != nil {
			return out, err
		}
		return run(u, in)
	})
}
