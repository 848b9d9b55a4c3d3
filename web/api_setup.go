package web

import (
	"bytes"
	"io"
	"net/http"
	"strconv"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/routing"
	"github.com/minsheng/minsheng/ticket"
)

// This file holds the dispatch setup that admins keep: routing rules,
// deadline rules, the holiday calendar, unit boundaries and the district's
// dispatch settings. Every staff user may read them; the use cases let
// only admins change them.

// MaxBoundaryBody is the largest GeoJSON boundary accepted (4 MiB).
const MaxBoundaryBody = 4 << 20

// userDelete deletes the thing with the path's id.
func userDelete(w http.ResponseWriter, r *http.Request, what string, del func(u *org.User, id int64) error) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id", what)
	if err != nil {
		return err
	}
	if err := del(u, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ruleIn is a routing rule as admins write it.
type ruleIn struct {
	Name         string      `json:"name"`
	Priority     int         `json:"priority"`
	CategoryID   int64       `json:"category_id"`
	Kind         ticket.Kind `json:"kind"`
	AreaUnitID   int64       `json:"area_unit_id"`
	Keywords     []string    `json:"keywords"`
	UnitID       int64       `json:"unit_id"`
	AutoDispatch bool        `json:"auto_dispatch"`
	Active       *bool       `json:"active"` // on changes only; absent: true
}

func (in ruleIn) rule(id int64) routing.Rule {
	return routing.Rule{ID: id, Name: in.Name, Priority: in.Priority, CategoryID: in.CategoryID, Kind: in.Kind,
		AreaUnitID: in.AreaUnitID, Keywords: in.Keywords, UnitID: in.UnitID, AutoDispatch: in.AutoDispatch,
		Active: in.Active == nil || *in.Active}
}

func (s *Server) listRoutingRules(w http.ResponseWriter, r *http.Request) error {
	return answer(w, r, http.StatusOK, func(u *org.User) (any, error) {
		rules, err := s.svc.ListRoutingRules(r.Context(), u)
		return map[string]any{"rules": orEmpty(rules)}, err
	})
}

func (s *Server) createRoutingRule(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusCreated, func(u *org.User, in ruleIn) (*routing.Rule, error) {
		if in.Active != nil {
			return nil, minsheng.FieldError("active", "a new rule is active; send active only to change a rule")
		}
		return s.svc.CreateRoutingRule(r.Context(), u, in.rule(0))
	})
}

func (s *Server) updateRoutingRule(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "routing rule")
	if err != nil {
		return err
	}
	return userWrite(w, r, http.StatusOK, func(u *org.User, in ruleIn) (*routing.Rule, error) {
		if _, err := s.svc.UpdateRoutingRule(r.Context(), u, in.rule(id)); err != nil {
			return nil, err
		}
		// Read it back: the change does not return what it did not write
		// (the creation time).
		rules, err := s.svc.ListRoutingRules(r.Context(), u)
		for _, x := range rules {
			if x.ID == id {
				return &x, err
			}
		}
		return nil, minsheng.Errorf(minsheng.ENOTFOUND, "routing rule %d not found", id)
	})
}

func (s *Server) deleteRoutingRule(w http.ResponseWriter, r *http.Request) error {
	return userDelete(w, r, "routing rule", func(u *org.User, id int64) error {
		return s.svc.DeleteRoutingRule(r.Context(), u, id)
	})
}

// slaRuleIn is a deadline rule as admins write it.
type slaRuleIn struct {
	CategoryID int64          `json:"category_id"`
	Kind       ticket.Kind    `json:"kind"`
	Urgency    ticket.Urgency `json:"urgency"`
	SLA        ticket.SLA     `json:"sla"`
}

func (s *Server) listSLARules(w http.ResponseWriter, r *http.Request) error {
	return answer(w, r, http.StatusOK, func(u *org.User) (any, error) {
		rules, err := s.svc.ListSLARules(r.Context(), u)
		return map[string]any{"rules": orEmpty(rules)}, err
	})
}

func (s *Server) createSLARule(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusCreated, func(u *org.User, in slaRuleIn) (*ticket.SLARule, error) {
		return s.svc.CreateSLARule(r.Context(), u, ticket.SLARule{CategoryID: in.CategoryID, Kind: in.Kind, Urgency: in.Urgency, SLA: in.SLA})
	})
}

func (s *Server) deleteSLARule(w http.ResponseWriter, r *http.Request) error {
	return userDelete(w, r, "deadline rule", func(u *org.User, id int64) error {
		return s.svc.DeleteSLARule(r.Context(), u, id)
	})
}

func (s *Server) listCalendarYears(w http.ResponseWriter, r *http.Request) error {
	return answer(w, r, http.StatusOK, func(*org.User) (any, error) {
		years, err := s.svc.CalendarYears(r.Context())
		for i := range years {
			years[i].Holidays, years[i].Workdays = orEmpty(years[i].Holidays), orEmpty(years[i].Workdays)
		}
		return map[string]any{"years": orEmpty(years)}, err
	})
}

// putCalendarYear loads a year's holiday notice; the year in the path
// and in the body must agree.
func (s *Server) putCalendarYear(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusOK, func(u *org.User, y calendar.Year) (calendar.Year, error) {
		if strconv.Itoa(y.Year) != r.PathValue("year") {
			return y, minsheng.FieldError("year", "the body is the notice of %d, the path names %s", y.Year, r.PathValue("year"))
		}
		y.Holidays, y.Workdays = orEmpty(y.Holidays), orEmpty(y.Workdays)
		return y, s.svc.ImportCalendarYear(r.Context(), u, y)
	})
}

// dueDate answers which day is n working days after from.
func (s *Server) dueDate(w http.ResponseWriter, r *http.Request) error {
	return answer(w, r, http.StatusOK, func(*org.User) (any, error) {
		q := r.URL.Query()
		if err := knownParams(q, "from", "n"); err != nil {
			return nil, err
		}
		from, err := calendar.ParseDate(q.Get("from"))
		if err != nil {
			return nil, minsheng.FieldError("from", "from must be a date: YYYY-MM-DD")
		}
		n, err := strconv.Atoi(q.Get("n"))
		if err != nil {
			return nil, minsheng.FieldError("n", "n must be a whole number of working days")
		}
		due, err := s.svc.DueDate(r.Context(), from, n)
		return map[string]any{"from": from.String(), "n": n, "due": due.String()}, err
	})
}

func (s *Server) listBoundaries(w http.ResponseWriter, r *http.Request) error {
	return answer(w, r, http.StatusOK, func(u *org.User) (any, error) {
		bs, err := s.svc.ListBoundaries(r.Context(), u)
		return map[string]any{"boundaries": orEmpty(bs)}, err
	})
}

// setBoundary takes a unit's boundary as the raw GeoJSON body.
func (s *Server) setBoundary(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id", "unit")
	if err != nil {
		return err
	}
	if err := needContentType(r, "application/geo+json", "application/json"); err != nil {
		return err
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBoundaryBody))
	if err != nil {
		return readError(err)
	}
	if err := s.svc.SetBoundary(r.Context(), u, id, b); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, app.BoundaryView{UnitID: id, GeoJSON: bytes.TrimSpace(b)})
	return nil
}

func (s *Server) dispatchSettings(w http.ResponseWriter, r *http.Request) error {
	return answer(w, r, http.StatusOK, func(*org.User) (app.Settings, error) { return s.svc.DispatchSettings(r.Context()) })
}

// settingsIn is the dispatch settings with every field required: a PUT
// replaces them all, so a forgotten field is an error, not a zero. The
// one exception is auto_dispatch_confidence, added later: a client that
// does not know it leaves it as it is.
type settingsIn struct {
	MaxReturns             *int     `json:"max_returns"`
	MaxExtensions          *int     `json:"max_extensions"`
	MaxExtensionDays       *int     `json:"max_extension_days"`
	RemindBeforeHours      *float64 `json:"remind_before_hours"`
	EscalateAfterDays      *int     `json:"escalate_after_days"`
	AutoDispatchConfidence *float64 `json:"auto_dispatch_confidence"`
}

func (s *Server) setDispatchSettings(w http.ResponseWriter, r *http.Request) error {
	return userWrite(w, r, http.StatusOK, func(u *org.User, in settingsIn) (app.Settings, error) {
		var st app.Settings
		for _, f := range []struct {
			name string
			set  bool
		}{
			{"max_returns", in.MaxReturns != nil}, {"max_extensions", in.MaxExtensions != nil},
			{"max_extension_days", in.MaxExtensionDays != nil}, {"remind_before_hours", in.RemindBeforeHours != nil},
			{"escalate_after_days", in.EscalateAfterDays != nil},
		} {
			if !f.set {
				return st, minsheng.FieldError(f.name, "%s is required", f.name)
			}
		}
		st = app.Settings{MaxReturns: *in.MaxReturns, MaxExtensions: *in.MaxExtensions, MaxExtensionDays: *in.MaxExtensionDays,
			RemindBeforeHours: *in.RemindBeforeHours, EscalateAfterDays: *in.EscalateAfterDays}
		if in.AutoDispatchConfidence != nil {
			st.AutoDispatchConfidence = *in.AutoDispatchConfidence
		} else {
			cur, err := s.svc.DispatchSettings(r.Context())
			if err != nil {
				return st, err
			}
			st.AutoDispatchConfidence = cur.AutoDispatchConfidence
		}
		return st, s.svc.SetDispatchSettings(r.Context(), u, st)
	})
}
