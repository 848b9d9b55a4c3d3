package web

import (
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/personal"
	"github.com/minsheng/minsheng/ticket"
)

// This file holds the resident API under /api/v1/public: no account, a
// request followed by its number and the private token given for it.
// Browsers may call it only from pages of this site (the cross-origin
// protection refuses other sites' POSTs); apps and mini-programs, which
// send no Origin or Sec-Fetch-Site, may call it directly.

// publicFields are the form fields of a resident's request sent as
// multipart/form-data: those of the JSON body.
var publicFields = []string{"title", "description", "kind", "urgency", "channel", "caller_name", "caller_phone",
	"address", "category_id", "lat", "lng"}

// createPublicTicket registers a resident's request, as JSON or as a form
// with photos, within the per-address and per-phone limits.
func (s *Server) createPublicTicket(w http.ResponseWriter, r *http.Request) error {
	if err := s.perIP.limit(w, s.clientAddr(r), "from your network"); err != nil {
		return err
	}
	var in ticket.NewTicket
	var files []app.Upload
	if isMultipart(r) {
		f, err := s.readForm(w, r, publicFields...)
		if err != nil {
			return err
		}
		if in, err = newTicketFromForm(f.values); err != nil {
			return err
		}
		files = f.files
	} else if err := decode(w, r, &in); err != nil {
		return err
	}
	channel := in.Channel
	switch channel {
	case "":
		channel = ticket.ChannelWeb
	case ticket.ChannelWeb, ticket.ChannelApp:
	default:
		return minsheng.FieldError("channel", "channel must be web or app (or absent: web)")
	}
	if phone := phoneKey(in.CallerPhone); phone != "" {
		if err := s.perPhone.limit(w, phone, "for this phone number"); err != nil {
			return err
		}
	}
	rc, created, err := s.svc.CreatePublicTicket(r.Context(), in,
		app.PublicIntake{Channel: channel, Client: "api", Key: r.Header.Get("Idempotency-Key")}, files...)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/public/tickets/"+rc.Ticket.Number)
	status := http.StatusCreated
	if !created {
		w.Header().Set("Idempotent-Replayed", "true")
		status = http.StatusOK
	}
	private(w)
	writeJSON(w, status, rc)
	return nil
}

// phoneKey is the phone number that the per-phone limit counts: normalised,
// and a mobile number without the country code however it is written
// (8613…, 008613…), which NormalizePhone keeps.
func phoneKey(p string) string {
	p = personal.NormalizePhone(p)
	for _, cc := range []string{"0086", "86"} {
		if rest, ok := strings.CutPrefix(p, cc); ok && len(rest) == 11 && rest[0] == '1' {
			return rest
		}
	}
	return p
}

// newTicketFromForm reads a request from form fields.
func newTicketFromForm(v map[string]string) (ticket.NewTicket, error) {
	in := ticket.NewTicket{
		Title: v["title"], Description: v["description"], Kind: ticket.Kind(v["kind"]), Urgency: ticket.Urgency(v["urgency"]),
		Channel: ticket.Channel(v["channel"]), CallerName: v["caller_name"], CallerPhone: v["caller_phone"], Address: v["address"],
	}
	if c := strings.TrimSpace(v["category_id"]); c != "" {
		id, err := strconv.ParseInt(c, 10, 64)
		if err != nil {
			return in, minsheng.FieldError("category_id", "category_id must be a whole number")
		}
		in.CategoryID = id
	}
	for _, p := range []struct {
		name string
		dst  **float64
	}{{"lat", &in.Lat}, {"lng", &in.Lng}} {
		if c := strings.TrimSpace(v[p.name]); c != "" {
			x, err := strconv.ParseFloat(c, 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				return in, minsheng.FieldError(p.name, "%s must be a number", p.name)
			}
			*p.dst = &x
		}
	}
	return in, nil
}

// trackingToken reads the resident's token from the X-Tracking-Token
// header, or else from the token query parameter (for links and <img>).
func trackingToken(r *http.Request) (string, error) {
	q := r.URL.Query()
	if err := knownParams(q, "token"); err != nil {
		return "", err
	}
	if t := r.Header.Get("X-Tracking-Token"); t != "" {
		return t, nil
	}
	return q.Get("token"), nil
}

// private marks an answer that holds a resident's token or their request:
// no cache keeps it, and links from it do not pass the address on.
func private(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
}

// tracked answers a resident's request for their ticket, by the number in
// the path and the token, with the view that run returns.
func tracked(w http.ResponseWriter, r *http.Request, run func(number, token string) (*app.PublicView, error)) error {
	token, err := trackingToken(r)
	if err != nil {
		return err
	}
	v, err := run(r.PathValue("number"), token)
	if err != nil {
		return err
	}
	v.Events = orEmpty(v.Events)
	private(w)
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) trackTicket(w http.ResponseWriter, r *http.Request) error {
	return tracked(w, r, func(number, token string) (*app.PublicView, error) {
		return s.svc.TrackTicket(r.Context(), number, token)
	})
}

func (s *Server) rateTicket(w http.ResponseWriter, r *http.Request) error {
	return tracked(w, r, func(number, token string) (*app.PublicView, error) {
		var in app.CallbackResult
		if err := decode(w, r, &in); err != nil {
			return nil, err
		}
		return s.svc.RateTicket(r.Context(), number, token, in)
	})
}

func (s *Server) getTrackedAttachment(w http.ResponseWriter, r *http.Request) error {
	token, err := trackingToken(r)
	if err != nil {
		return err
	}
	return sendFile(w, r, func(id int64) (*ticket.Attachment, io.ReadSeekCloser, error) {
		return s.svc.OpenTrackedAttachment(r.Context(), r.PathValue("number"), token, id)
	})
}
