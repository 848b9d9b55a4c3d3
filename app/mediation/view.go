package mediation

// What people see of cases: the case page, the list and the figures.

import (
	"context"
	"strconv"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/mediation"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// CaseView is a case as a user sees it: parties masked, private notes
// only for the case's mediator.
type CaseView struct {
	Case         *mediation.Case       `json:"case"`
	Parties      []mediation.Party     `json:"parties"`
	Sessions     []mediation.Session   `json:"sessions"`
	Notes        []mediation.Note      `json:"notes"`
	Agreement    *mediation.Agreement  `json:"agreement,omitempty"`
	TicketNumber string                `json:"ticket_number,omitempty"`
	MediatorName string                `json:"mediator_name,omitempty"`
	Timeline     []store.TimelineEvent `json:"timeline"`
	// Actions are the lifecycle actions the user may take now.
	Actions []mediation.Action `json:"actions"`
	// MayReveal, MayWrite and MayPrivate say what the user may do with the
	// parties' data and the notes.
	MayReveal  bool `json:"may_reveal"`
	MayWrite   bool `json:"may_write"`
	MayPrivate bool `json:"may_private"`
	// JudicialDaysLeft counts the days left to apply for 司法确认 (nil
	// without an agreement in force or once applied).
	JudicialDaysLeft *int `json:"judicial_days_left,omitempty"`
	// Signatures are the parties' signatures of the agreement; Visits the
	// return visits; Files the scans of the signed agreement.
	Signatures []SignatureView   `json:"signatures"`
	Visits     []mediation.Visit `json:"visits"`
	Files      []mediation.File  `json:"files"`
}

// SignatureView is a party's signature as the case page shows it.
type SignatureView struct {
	mediation.Signature
	Side mediation.Side `json:"side"`
	Name string         `json:"name"` // masked
}

// Get returns a case the user may see, by number or id.
func (s *Service) Get(ctx context.Context, actor *org.User, ref string) (*CaseView, error) {
	var v *CaseView
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		c, err := s.loadTx(ctx, tx, actor, ref)
		if err != nil {
			return err
		}
		v = &CaseView{Case: c}
		sys := kit.IsSystem(actor)
		v.MayReveal = sys || mediation.MayReveal(actor, c.UnitPath)
		v.MayWrite = v.MayReveal
		v.MayPrivate = sys || mediation.MayReadPrivate(actor, c.MediatorID)
		ps, err := store.ListMediationParties(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		for _, p := range ps {
			v.Parties = append(v.Parties, p.Masked())
		}
		if v.Sessions, err = store.ListMediationSessions(ctx, tx, c.ID); err != nil {
			return err
		}
		if v.Notes, err = store.ListMediationNotes(ctx, tx, c.ID, v.MayPrivate); err != nil {
			return err
		}
		if a, err := store.GetMediationAgreement(ctx, tx, c.ID); err == nil {
			v.Agreement = a
			if a.JudicialAppliedAt == nil && a.SignedAt != nil {
				n := mediation.JudicialDaysLeft(a.EffectiveAt, s.kit.Now())
				v.JudicialDaysLeft = &n
			}
		} else if !minsheng.IsCode(err, minsheng.ENOTFOUND) {
			return err
		}
		gs, err := store.ListMediationSignatures(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		v.Signatures = []SignatureView{}
		for _, g := range gs {
			sv := SignatureView{Signature: g}
			for _, p := range v.Parties {
				if p.ID == g.PartyID {
					sv.Side, sv.Name = p.Side, p.Name
				}
			}
			v.Signatures = append(v.Signatures, sv)
		}
		if v.Visits, err = store.ListMediationVisits(ctx, tx, c.ID); err != nil {
			return err
		}
		if v.Files, err = store.ListMediationFiles(ctx, tx, c.ID); err != nil {
			return err
		}
		if v.Visits == nil {
			v.Visits = []mediation.Visit{}
		}
		if v.Files == nil {
			v.Files = []mediation.File{}
		}
		if c.TicketID != 0 {
			// The number only: the ticket itself opens to those who may see it.
			if t, err := s.tickets.LoadVisibleTx(ctx, tx, kit.System(), strconv.FormatInt(c.TicketID, 10)); err == nil {
				v.TicketNumber = t.Number
			}
		}
		if c.MediatorID != 0 {
			if u, err := store.GetUser(ctx, tx, c.MediatorID); err == nil {
				v.MediatorName = u.Name
			}
		}
		if v.Timeline, err = store.ListTimeline(ctx, tx, ObjectCase, c.ID); err != nil {
			return err
		}
		if sys {
			v.Actions = []mediation.Action{}
		} else {
			v.Actions = mediation.AvailableActions(c.Status, actor, c.UnitPath)
		}
		// Actions waiting for the signatures or the return visit are not
		// offered until then.
		signed, visited := v.Agreement == nil || v.Agreement.SignedAt != nil, len(v.Visits) > 0
		kept := []mediation.Action{}
		for _, a := range v.Actions {
			if mediation.CheckConditions(c.Status, a, signed, visited) == nil {
				kept = append(kept, a)
			}
		}
		v.Actions = kept
		if v.Parties == nil {
			v.Parties = []mediation.Party{}
		}
		return nil
	})
	return v, err
}

// ListFilter selects cases for the list.
type ListFilter struct {
	Status mediation.Status `json:"status"`
	Limit  int              `json:"limit"`
}

// MaxList is the most cases a list shows.
const MaxList = 500

// List returns the cases the user may see, newest first.
func (s *Service) List(ctx context.Context, actor *org.User, f ListFilter) ([]*mediation.Case, error) {
	if err := kit.Require(actor, org.RoleMediator, org.RoleAdmin, org.RoleLeader); err != nil {
		return nil, err
	}
	if f.Status != "" && !f.Status.Valid() {
		return nil, minsheng.FieldError("status", "unknown status %q", f.Status)
	}
	if f.Limit <= 0 || f.Limit > MaxList {
		f.Limit = MaxList
	}
	filter := store.MediationFilter{Status: f.Status, Limit: f.Limit}
	if !kit.IsSystem(actor) {
		filter.UnitPaths = actor.ScopesAs(org.RoleMediator, org.RoleAdmin, org.RoleLeader)
		if filter.UnitPaths == nil {
			filter.UnitPaths = []string{}
		}
	}
	var out []*mediation.Case
	err := s.kit.Read(ctx, func(tx *store.Tx) (err error) {
		out, err = store.ListMediationCases(ctx, tx, filter)
		return err
	})
	if out == nil {
		out = []*mediation.Case{}
	}
	return out, err
}

// JudicialDaysLeft returns, for the open cases among cs whose agreement is
// in force and not yet brought to the court, the days left to apply for
// 司法确认 (negative once the 30 days have passed): the list shows them.
func (s *Service) JudicialDaysLeft(ctx context.Context, actor *org.User, cs []*mediation.Case) (map[int64]int, error) {
	if err := kit.Require(actor, org.RoleMediator, org.RoleAdmin, org.RoleLeader); err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(cs))
	for _, c := range cs {
		if c.Status != mediation.StatusClosed && (kit.IsSystem(actor) || mediation.MaySee(actor, c.UnitPath)) {
			ids = append(ids, c.ID)
		}
	}
	out := map[int64]int{}
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		ds, err := store.ListMediationJudicialDeadlines(ctx, tx, ids)
		now := s.kit.Now()
		for id, d := range ds {
			out[id] = mediation.DaysLeftTo(d, now)
		}
		return err
	})
	return out, err
}

// Count is a number with what it counts.
type Count struct {
	Key string `json:"key"`
	N   int    `json:"n"`
}

// Figures are the centre's figures over the cases registered in a period,
// each rate with its counts beside it.
type Figures struct {
	Since    time.Time `json:"since"`
	Until    time.Time `json:"until"`
	Cases    int       `json:"cases"`
	ByType   []Count   `json:"by_type"`
	BySource []Count   `json:"by_source"`
	// Success rate: agreements ÷ cases mediated to an end (agreement or
	// failure).
	Agreements  int     `json:"agreements"`
	Failed      int     `json:"failed"`
	SuccessRate float64 `json:"success_rate"`
	// Days from registration to agreement: the mean and the median.
	MeanDaysToAgreement   float64 `json:"mean_days_to_agreement"`
	MedianDaysToAgreement float64 `json:"median_days_to_agreement"`
	// Performance rate: performed ÷ (performed + defaulted), among the
	// agreements whose performance has ended one way or the other.
	Performed       int     `json:"performed"`
	Defaulted       int     `json:"defaulted"`
	PerformanceRate float64 `json:"performance_rate"`
	Repeats         int     `json:"repeats"`
}

// Figures counts the cases the user may see registered in [since, until).
func (s *Service) Figures(ctx context.Context, actor *org.User, since, until time.Time) (*Figures, error) {
	if err := kit.Require(actor, org.RoleMediator, org.RoleAdmin, org.RoleLeader); err != nil {
		return nil, err
	}
	if !until.After(since) {
		return nil, minsheng.FieldError("until", "until must be after since")
	}
	filter := store.MediationFilter{Since: &since, Until: &until}
	if !kit.IsSystem(actor) {
		filter.UnitPaths = actor.ScopesAs(org.RoleMediator, org.RoleAdmin, org.RoleLeader)
	}
	var cs []*mediation.Case
	statusOf := map[int64][]string{}
	err := s.kit.Read(ctx, func(tx *store.Tx) (err error) {
		if cs, err = store.ListMediationCases(ctx, tx, filter); err != nil {
			return err
		}
		for _, c := range cs {
			tl, err := store.ListTimeline(ctx, tx, ObjectCase, c.ID)
			if err != nil {
				return err
			}
			for _, e := range tl {
				statusOf[c.ID] = append(statusOf[c.ID], e.Action)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return figuresOf(cs, statusOf, since, until), nil
}

// figuresOf computes the figures from the cases and the actions of their
// timelines (a closed case that defaulted counts as defaulted).
func figuresOf(cs []*mediation.Case, actions map[int64][]string, since, until time.Time) *Figures {
	f := &Figures{Since: since, Until: until, Cases: len(cs), ByType: []Count{}, BySource: []Count{}}
	byType, bySource := map[string]int{}, map[string]int{}
	var days []float64
	for _, c := range cs {
		byType[string(c.Type)]++
		bySource[string(c.Source)]++
		if len(c.Repeats) > 0 {
			f.Repeats++
		}
		did := map[string]bool{}
		last := ""
		for _, a := range actions[c.ID] {
			did[a] = true
			if a == string(mediation.ActionComplete) || a == string(mediation.ActionDefault) || a == string(mediation.ActionResume) {
				last = a
			}
		}
		if c.AgreementAt != nil {
			f.Agreements++
			days = append(days, c.AgreementAt.Sub(c.RegisteredAt).Hours()/24)
		}
		if did[string(mediation.ActionFail)] {
			f.Failed++
		}
		switch last {
		case string(mediation.ActionComplete):
			f.Performed++
		case string(mediation.ActionDefault):
			f.Defaulted++
		}
	}
	for _, t := range mediation.Types {
		if n := byType[string(t)]; n > 0 {
			f.ByType = append(f.ByType, Count{string(t), n})
		}
	}
	for _, s := range mediation.Sources {
		if n := bySource[string(s)]; n > 0 {
			f.BySource = append(f.BySource, Count{string(s), n})
		}
	}
	f.SuccessRate = ratio(f.Agreements, f.Agreements+f.Failed)
	f.PerformanceRate = ratio(f.Performed, f.Performed+f.Defaulted)
	if len(days) > 0 {
		var sum float64
		for _, d := range days {
			sum += d
		}
		f.MeanDaysToAgreement = round1(sum / float64(len(days)))
		sortFloats(days)
		m := len(days) / 2
		if len(days)%2 == 1 {
			f.MedianDaysToAgreement = round1(days[m])
		} else {
			f.MedianDaysToAgreement = round1((days[m-1] + days[m]) / 2)
		}
	}
	return f
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func round1(f float64) float64 { return float64(int64(f*10+0.5)) / 10 }
