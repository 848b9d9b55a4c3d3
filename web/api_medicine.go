package web

import (
	_ "embed"
	"net/http"
	"strconv"

	"github.com/minsheng/minsheng"
	appmed "github.com/minsheng/minsheng/app/medicine"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/capability"
	med "github.com/minsheng/minsheng/medicine"
	"github.com/minsheng/minsheng/org"
)

// MedicineAPI returns the JSON routes of the special-medicine post
// (特殊用药专岗): requests opened from tickets, the post's list, a
// request's steps, the driver's deliveries, the carriers to choose from,
// the reveal of the patient, and the figures. Their document is
// openapi_medicine.json (MedicineOpenAPI).
func (s *Server) MedicineAPI(svc *appmed.Service) []capability.Route {
	a := &medicineAPI{svc: svc}
	h := func(pattern string, fn handlerFunc) capability.Route {
		return capability.Route{Pattern: pattern, Handler: s.handle(fn)}
	}
	return []capability.Route{
		h("POST /api/v1/medicine/requests", a.open),
		h("GET /api/v1/medicine/requests", a.list),
		h("GET /api/v1/medicine/requests/{id}", a.get),
		h("POST /api/v1/medicine/requests/{id}/actions/{action}", a.act),
		h("POST /api/v1/medicine/requests/{id}/reveal", a.reveal),
		{Pattern: "POST /api/v1/medicine/requests/{id}/photos", Handler: s.handle(func(w http.ResponseWriter, r *http.Request) error {
			return a.addPhotos(s, w, r)
		})},
		h("GET /api/v1/medicine/requests/{id}/photos/{photo}", a.photo),
		h("GET /api/v1/medicine/deliveries", a.deliveries),
		h("GET /api/v1/medicine/carriers", a.carriers),
		h("GET /api/v1/medicine/figures", a.figures),
		h("GET /api/v1/tickets/{ref}/medicine", a.ticketRequests),
	}
}

//go:embed openapi_medicine.json
var medicineOpenAPI []byte

// MedicineOpenAPI is the OpenAPI fragment of the post's routes.
func MedicineOpenAPI() []byte { return medicineOpenAPI }

type medicineAPI struct{ svc *appmed.Service }

func (a *medicineAPI) open(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusCreated, func(u *org.User, in appmed.NewRequest) (*appmed.View, error) {
		return a.svc.Open(r.Context(), u, in)
	})
}

func (a *medicineAPI) list(w http.ResponseWriter, r *http.Request) error {
	return answer(w, r, http.StatusOK, func(u *org.User) (*appmed.Desk, error) {
		d, err := a.svc.List(r.Context(), u)
		if d != nil {
			d.Open, d.Ended = orEmpty(d.Open), orEmpty(d.Ended)
		}
		return d, err
	})
}

func (a *medicineAPI) get(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "medicine request")
	if err != nil {
		return err
	}
	return answer(w, r, http.StatusOK, func(u *org.User) (*appmed.View, error) { return a.svc.Get(r.Context(), u, id) })
}

func (a *medicineAPI) act(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "medicine request")
	if err != nil {
		return err
	}
	return answer(w, r, http.StatusOK, func(u *org.User) (*appmed.View, error) {
		var in med.Step
		if err := decodeOptional(r, &in); err != nil {
			return nil, err
		}
		return a.svc.Act(r.Context(), u, id, med.Action(r.PathValue("action")), in)
	})
}

func (a *medicineAPI) reveal(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "medicine request")
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return userWrite(w, r, http.StatusOK, func(u *org.User, in reasonIn) (*appmed.Patient, error) {
		return a.svc.RevealPatient(minsheng.WithClientAddr(r.Context(), clientIP(r)), u, id, in.Reason)
	})
}

func (a *medicineAPI) deliveries(w http.ResponseWriter, r *http.Request) error {
	return answer(w, r, http.StatusOK, func(u *org.User) (map[string]any, error) {
		d, err := a.svc.Deliveries(r.Context(), u)
		return map[string]any{"deliveries": orEmpty(d)}, err
	})
}

func (a *medicineAPI) carriers(w http.ResponseWriter, r *http.Request) error {
	return answer(w, r, http.StatusOK, func(u *org.User) (map[string]any, error) {
		c, err := a.svc.Carriers(r.Context(), u)
		return map[string]any{"carriers": orEmpty(c)}, err
	})
}

func (a *medicineAPI) ticketRequests(w http.ResponseWriter, r *http.Request) error {
	return answer(w, r, http.StatusOK, func(u *org.User) (map[string]any, error) {
		rs, err := a.svc.TicketRequests(r.Context(), u, r.PathValue("ref"))
		return map[string]any{"requests": orEmpty(rs)}, err
	})
}

func (a *medicineAPI) figures(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := knownParams(q, "from", "to"); err != nil {
		return err
	}
	from, err := calendar.ParseDate(q.Get("from"))
	if err != nil {
		return minsheng.FieldError("from", "from must be a date (YYYY-MM-DD)").Because("not_a_date")
	}
	to, err := calendar.ParseDate(q.Get("to"))
	if err != nil {
		return minsheng.FieldError("to", "to must be a date (YYYY-MM-DD)").Because("not_a_date")
	}
	return answer(w, r, http.StatusOK, func(u *org.User) (*appmed.Figures, error) {
		return a.svc.Figures(r.Context(), u, from.Start(), to.Start().AddDate(0, 0, 1))
	})
}

// addPhotos takes photos of the prescription, of a handover (leg) or of
// the delivery: multipart, the fields of and leg and the photos as file
// parts. Who may not see the request is refused before the files are
// read.
func (a *medicineAPI) addPhotos(s *Server, w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id", "medicine request")
	if err != nil {
		return err
	}
	if _, err := a.svc.Get(r.Context(), u, id); err != nil {
		return err
	}
	f, err := s.readForm(w, r, "of", "leg")
	if err != nil {
		return err
	}
	leg := 0
	if v := f.values["leg"]; v != "" {
		if leg, err = strconv.Atoi(v); err != nil {
			return minsheng.FieldError("leg", "leg must be the number of a handover").Because("no_such_leg")
		}
	}
	v, err := a.svc.AddPhotos(r.Context(), u, id, med.PhotoOf(f.values["of"]), leg, f.files...)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

// photo answers a photo of a request to whoever may see the request.
func (a *medicineAPI) photo(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id", "medicine request")
	if err != nil {
		return err
	}
	pid, err := pathID(r, "photo", "photo")
	if err != nil {
		return err
	}
	p, f, err := a.svc.OpenPhoto(r.Context(), u, id, pid)
	if err != nil {
		return err
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", p.ContentType)
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Disposition", contentDisposition("inline", p.Name))
	http.ServeContent(w, r, "", p.CreatedAt, f)
	return nil
}
