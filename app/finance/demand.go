package finance

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/finance"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// CreateDemand records a business's credit demand and matches it (the
// office): every active product of every active bank is judged, and the
// best finance.MaxMatches eligible ones are kept as proposed matches with
// their score and reasons, in the demand's transaction. The business must
// have consented to the use of its data.
func (s *Service) CreateDemand(ctx context.Context, actor *org.User, in finance.NewDemand) (*DemandView, error) {
	if err := requireOffice(actor); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var id int64
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		b, err := store.GetFinanceBusiness(ctx, tx, idStr(in.BusinessID))
		if minsheng.IsCode(err, minsheng.ENOTFOUND) {
			return minsheng.FieldError("business_id", "no such business").Because("business_unknown")
		}
		if err != nil {
			return err
		}
		if !b.Consent {
			return minsheng.FieldError("business_id", "the business has not consented to the use of its data").Because("consent_required")
		}
		var origin *ticket.Ticket
		if in.TicketRef != "" {
			if origin, err = s.tickets.LoadVisibleTx(ctx, tx, actor, in.TicketRef); err != nil {
				return minsheng.FieldError("ticket", "no ticket %s that you may see", in.TicketRef).Because("ticket_not_found")
			}
		}
		now := s.kit.Now()
		if id, err = tx.NextID(ctx); err != nil {
			return err
		}
		number, err := store.NextFinanceDemandNumber(ctx, tx, now)
		if err != nil {
			return err
		}
		d := &finance.Demand{ID: id, Number: number, BusinessID: b.ID, Amount: in.Amount, TermMonths: in.TermMonths,
			Purpose: in.Purpose, Collateral: in.Collateral, Status: finance.DemandOpen, CreatedAt: now, UpdatedAt: now, Version: 1}
		if err := store.InsertFinanceDemand(ctx, tx, d); err != nil {
			return err
		}
		fits, err := s.rankTx(ctx, tx, b, &in, now)
		if err != nil {
			return err
		}
		for _, f := range fits {
			mid, err := tx.NextID(ctx)
			if err != nil {
				return err
			}
			m := &finance.Match{ID: mid, DemandID: id, ProductID: f.ProductID, BankID: f.BankID, Score: f.Score, Reasons: f.Reasons,
				Status: finance.StatusProposed, CreatedAt: now, UpdatedAt: now, Version: 1}
			if err := store.InsertFinanceMatch(ctx, tx, m); err != nil {
				return err
			}
		}
		data := map[string]string{"number": number, "business": idStr(b.ID), "amount": strconv.FormatInt(in.Amount, 10),
			"matches": strconv.Itoa(len(fits))}
		if origin != nil {
			data["ticket"] = origin.Number
			if err := s.tickets.LinkTx(ctx, tx, actor, origin, ObjectDemand, id, "origin"); err != nil {
				return err
			}
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectDemand, ObjectID: id, Action: "create", Data: data})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.GetDemand(ctx, actor, idStr(id))
}

// rankTx judges every product for the demand and returns the best
// eligible fits.
func (s *Service) rankTx(ctx context.Context, tx *store.Tx, b *finance.Business, in *finance.NewDemand, now time.Time) ([]finance.Fit, error) {
	banks, err := store.ListFinanceBanks(ctx, tx)
	if err != nil {
		return nil, err
	}
	active := map[int64]bool{}
	for _, bk := range banks {
		active[bk.ID] = bk.Active
	}
	products, err := store.ListFinanceProducts(ctx, tx, 0)
	if err != nil {
		return nil, err
	}
	fits := finance.Rank(products, func(id int64) bool { return active[id] }, b, in, now)
	if len(fits) > finance.MaxMatches {
		fits = fits[:finance.MaxMatches]
	}
	return fits, nil
}

// CloseDemand closes an open demand as unmet (every bank declined; the
// note says which remedy the business was routed to) or withdrawn (the
// business no longer needs it), withdrawing its open matches (the office).
func (s *Service) CloseDemand(ctx context.Context, actor *org.User, ref string, status finance.DemandStatus, note string) (*DemandView, error) {
	if err := requireOffice(actor); err != nil {
		return nil, err
	}
	if status != finance.DemandUnmet && status != finance.DemandWithdrawn {
		return nil, minsheng.FieldError("status", "a demand is closed as unmet or withdrawn").Because("choose")
	}
	note = strings.TrimSpace(note)
	if err := finance.CheckText("note", note, finance.MaxText, status == finance.DemandUnmet); err != nil {
		return nil, err
	}
	var id int64
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		d, err := store.GetFinanceDemand(ctx, tx, ref)
		if err != nil {
			return err
		}
		if d.Status != finance.DemandOpen {
			return minsheng.Errorf(minsheng.ECONFLICT, "the demand is %s already", d.Status).Because("demand_closed")
		}
		id = d.ID
		now := s.kit.Now()
		if err := s.withdrawOpenTx(ctx, tx, d.ID, 0, "demand "+string(status)); err != nil {
			return err
		}
		d.Status, d.Note, d.UpdatedAt, d.ClosedAt, d.Version = status, note, now, &now, d.Version+1
		if err := store.UpdateFinanceDemand(ctx, tx, d); err != nil {
			return err
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectDemand, ObjectID: d.ID, Action: "close",
			Note: note, Data: map[string]string{"status": string(status)}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.GetDemand(ctx, actor, idStr(id))
}

// withdrawOpenTx withdraws the demand's matches that are not final, but
// the one with id except, as the system (the demand was met or closed).
func (s *Service) withdrawOpenTx(ctx context.Context, tx *store.Tx, demandID, except int64, why string) error {
	ms, err := store.ListFinanceMatches(ctx, tx, store.FinanceMatchFilter{DemandID: demandID})
	if err != nil {
		return err
	}
	now := s.kit.Now()
	for _, m := range ms {
		if m.ID == except || m.Status.Final() {
			continue
		}
		m.Status, m.UpdatedAt, m.Version = finance.StatusWithdrawn, now, m.Version+1
		if err := store.UpdateFinanceMatch(ctx, tx, m); err != nil {
			return err
		}
		if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: kit.System(), Object: ObjectMatch, ObjectID: m.ID,
			Action: string(finance.ActionWithdraw), Note: why}); err != nil {
			return err
		}
	}
	return nil
}

// MatchView is a match with the names a page shows and what the viewer
// may do with it.
type MatchView struct {
	finance.Match
	ProductName string           `json:"product_name"`
	ProductKind finance.Kind     `json:"product_kind"`
	RateMinBP   int              `json:"rate_min_bp"`
	RateMaxBP   int              `json:"rate_max_bp"`
	BankName    string           `json:"bank_name"`
	Late        bool             `json:"claimed_late"` // claimed after the deadline, or not claimed past it
	Overdue     bool             `json:"overdue"`      // its current deadline has passed
	Remedy      finance.Remedy   `json:"remedy,omitempty"`
	Actions     []finance.Action `json:"actions"`
	// Of the demand, for a bank's list.
	DemandNumber string           `json:"demand_number"`
	BusinessID   int64            `json:"business_id,string"`
	BusinessName string           `json:"business_name"`
	Amount       int64            `json:"amount"`
	TermMonths   int              `json:"term_months"`
	Purpose      string           `json:"purpose"`
	Industry     finance.Industry `json:"industry"`
}

// DemandView is a demand with its business (masked) and its matches: all
// of them for the office, the bank's own (sent) ones for a bank.
type DemandView struct {
	Demand   *finance.Demand  `json:"demand"`
	Business finance.Business `json:"business"`
	Matches  []MatchView      `json:"matches"`
	// MayClose: the office may close the open demand.
	MayClose bool `json:"may_close"`
	// Ticket is the number of the hotline ticket the demand came from,
	// shown to the office and leaders only.
	Ticket string `json:"ticket,omitempty"`
	// Unmatched says, for the office and leaders, why the products that
	// were not matched do not fit the demand today: how many products
	// each rule excluded (a product may break several).
	Unmatched []ReasonCount `json:"unmatched"`
}

// ReasonCount is how many products a rule excluded.
type ReasonCount struct {
	Reason finance.Reason `json:"reason"`
	Count  int            `json:"count"`
}

// unmatchedTx judges every product for the demand and counts the rules
// that excluded the ineligible ones, most frequent first.
func (s *Service) unmatchedTx(ctx context.Context, tx *store.Tx, n *names, d *finance.Demand, b *finance.Business) []ReasonCount {
	in := finance.NewDemand{BusinessID: d.BusinessID, Amount: d.Amount, TermMonths: d.TermMonths, Collateral: d.Collateral}
	now := s.kit.Now()
	counts := map[finance.Reason]int{}
	for _, p := range n.products {
		bank := n.banks[p.BankID]
		f := finance.Judge(p, bank != nil && bank.Active, b, &in, now)
		if !f.Eligible {
			for _, r := range f.Reasons {
				counts[r]++
			}
		}
	}
	out := []ReasonCount{}
	for r, c := range counts {
		out = append(out, ReasonCount{Reason: r, Count: c})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Reason < out[j].Reason
	})
	return out
}

// Rematch matches an open demand again (the office), after products were
// added or offered again: the eligible products not matched yet become
// proposed matches, the best finance.MaxMatches of them. It returns the
// demand with the number of new matches.
func (s *Service) Rematch(ctx context.Context, actor *org.User, ref string) (*DemandView, int, error) {
	if err := requireOffice(actor); err != nil {
		return nil, 0, err
	}
	var id int64
	added := 0
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		d, err := store.GetFinanceDemand(ctx, tx, ref)
		if err != nil {
			return err
		}
		if d.Status != finance.DemandOpen {
			return minsheng.Errorf(minsheng.ECONFLICT, "the demand is %s already", d.Status).Because("demand_closed")
		}
		id = d.ID
		b, err := store.GetFinanceBusiness(ctx, tx, idStr(d.BusinessID))
		if err != nil {
			return err
		}
		if !b.Consent {
			return minsheng.FieldError("business_id", "the business has not consented to the use of its data").Because("consent_required")
		}
		ms, err := store.ListFinanceMatches(ctx, tx, store.FinanceMatchFilter{DemandID: d.ID})
		if err != nil {
			return err
		}
		have := map[int64]bool{}
		for _, m := range ms {
			have[m.ProductID] = true
		}
		now := s.kit.Now()
		in := finance.NewDemand{BusinessID: d.BusinessID, Amount: d.Amount, TermMonths: d.TermMonths, Collateral: d.Collateral}
		banks, err := store.ListFinanceBanks(ctx, tx)
		if err != nil {
			return err
		}
		active := map[int64]bool{}
		for _, bk := range banks {
			active[bk.ID] = bk.Active
		}
		products, err := store.ListFinanceProducts(ctx, tx, 0)
		if err != nil {
			return err
		}
		for _, f := range finance.Rank(products, func(id int64) bool { return active[id] }, b, &in, now) {
			if have[f.ProductID] || added == finance.MaxMatches {
				continue
			}
			mid, err := tx.NextID(ctx)
			if err != nil {
				return err
			}
			if err := store.InsertFinanceMatch(ctx, tx, &finance.Match{ID: mid, DemandID: d.ID, ProductID: f.ProductID, BankID: f.BankID,
				Score: f.Score, Reasons: f.Reasons, Status: finance.StatusProposed, CreatedAt: now, UpdatedAt: now, Version: 1}); err != nil {
				return err
			}
			added++
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectDemand, ObjectID: d.ID, Action: "rematch",
			Data: map[string]string{"added": strconv.Itoa(added)}})
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	v, err := s.GetDemand(ctx, actor, idStr(id))
	return v, added, err
}

// names caches the names of banks and products of one read.
type names struct {
	banks    map[int64]*finance.Bank
	products map[int64]*finance.Product
}

func (s *Service) namesTx(ctx context.Context, tx *store.Tx) (*names, error) {
	n := &names{banks: map[int64]*finance.Bank{}, products: map[int64]*finance.Product{}}
	banks, err := store.ListFinanceBanks(ctx, tx)
	if err != nil {
		return nil, err
	}
	for _, b := range banks {
		n.banks[b.ID] = b
	}
	ps, err := store.ListFinanceProducts(ctx, tx, 0)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		n.products[p.ID] = p
	}
	return n, nil
}

func (s *Service) matchView(n *names, v viewer, m *finance.Match, now time.Time) MatchView {
	mv := MatchView{Match: *m, Late: m.ClaimedLate(now), Overdue: m.Overdue(now), Actions: []finance.Action{}}
	if p := n.products[m.ProductID]; p != nil {
		mv.ProductName, mv.ProductKind, mv.RateMinBP, mv.RateMaxBP = p.Name, p.Kind, p.RateMinBP, p.RateMaxBP
	}
	if b := n.banks[m.BankID]; b != nil {
		mv.BankName = b.Name
	}
	if m.Status == finance.StatusDeclined {
		mv.Remedy = finance.RemedyFor(m.DeclineReason)
	}
	switch {
	case v.office:
		mv.Actions = finance.Available(m.Status, finance.RoleOfficer)
	case v.bankID == m.BankID:
		mv.Actions = finance.Available(m.Status, finance.RoleBank)
	}
	return mv
}

// GetDemand returns a demand with its business and matches: to the office
// and leaders all of it, to a bank's staff a demand sent to their bank
// with their bank's matches only.
func (s *Service) GetDemand(ctx context.Context, actor *org.User, ref string) (*DemandView, error) {
	var out *DemandView
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		v, err := s.viewerTx(ctx, tx, actor)
		if err != nil {
			return err
		}
		d, err := store.GetFinanceDemand(ctx, tx, ref)
		if err != nil {
			return err
		}
		f := store.FinanceMatchFilter{DemandID: d.ID}
		if v.bankID != 0 {
			f.BankID = v.bankID
			f.Statuses = []finance.Status{finance.StatusSent, finance.StatusClaimed, finance.StatusContacted, finance.StatusApproved,
				finance.StatusDeclined, finance.StatusDisbursed, finance.StatusWithdrawn}
		}
		ms, err := store.ListFinanceMatches(ctx, tx, f)
		if err != nil {
			return err
		}
		if v.bankID != 0 && len(ms) == 0 {
			return minsheng.Errorf(minsheng.ENOTFOUND, "demand %s not found", ref).Because("demand_not_found")
		}
		b, err := store.GetFinanceBusiness(ctx, tx, idStr(d.BusinessID))
		if err != nil {
			return err
		}
		n, err := s.namesTx(ctx, tx)
		if err != nil {
			return err
		}
		now := s.kit.Now()
		out = &DemandView{Demand: d, Business: b.Masked(), Matches: []MatchView{}, MayClose: v.office && d.Status == finance.DemandOpen,
			Unmatched: []ReasonCount{}}
		if v.bankID == 0 {
			out.Unmatched = s.unmatchedTx(ctx, tx, n, d, b)
			links, err := store.ListLinks(ctx, tx, ObjectDemand, d.ID)
			if err != nil {
				return err
			}
			for _, l := range links {
				if l.ToType == "ticket" {
					t, err := store.GetTicket(ctx, tx, l.ToID)
					if err != nil {
						return err
					}
					out.Ticket = t.Number
				}
			}
		}
		for _, m := range ms {
			if d.Status != finance.DemandOpen && m.Status == finance.StatusProposed {
				continue
			}
			out.Matches = append(out.Matches, s.matchView(n, v, m, now))
		}
		return nil
	})
	return out, err
}

// DemandRow is a demand in a list, with its business's name and how far
// its matches got.
type DemandRow struct {
	*finance.Demand
	BusinessName string           `json:"business_name"`
	Industry     finance.Industry `json:"industry"`
	Matches      int              `json:"matches"`
	Sent         int              `json:"sent"`
	Overdue      int              `json:"overdue"`
}

// DemandQuery filters the office's list of demands.
type DemandQuery struct {
	Status finance.DemandStatus
	Limit  int
}

// ListDemands returns the demands, newest first (the office and leaders).
func (s *Service) ListDemands(ctx context.Context, actor *org.User, q DemandQuery) ([]DemandRow, error) {
	if q.Status != "" && !q.Status.Valid() {
		return nil, minsheng.FieldError("status", "unknown status %q", q.Status).Because("choose")
	}
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 200
	}
	out := []DemandRow{}
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		v, err := s.viewerTx(ctx, tx, actor)
		if err != nil {
			return err
		}
		if v.bankID != 0 {
			return minsheng.Errorf(minsheng.EFORBIDDEN, "a bank sees its matches, not every demand")
		}
		ds, err := store.ListFinanceDemands(ctx, tx, store.FinanceDemandFilter{Status: q.Status, Limit: q.Limit})
		if err != nil {
			return err
		}
		now := s.kit.Now()
		bizName := map[int64]*finance.Business{}
		for _, d := range ds {
			b := bizName[d.BusinessID]
			if b == nil {
				if b, err = store.GetFinanceBusiness(ctx, tx, idStr(d.BusinessID)); err != nil {
					return err
				}
				bizName[d.BusinessID] = b
			}
			ms, err := store.ListFinanceMatches(ctx, tx, store.FinanceMatchFilter{DemandID: d.ID})
			if err != nil {
				return err
			}
			r := DemandRow{Demand: d, BusinessName: b.Name, Industry: b.Industry}
			for _, m := range ms {
				r.Matches++
				if m.SentAt != nil {
					r.Sent++
				}
				if m.Overdue(now) {
					r.Overdue++
				}
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}
