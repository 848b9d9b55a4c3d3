package finance

import (
	"context"
	"slices"
	"sort"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/finance"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// Tally counts the matches of a bank or a product: sent in the period and
// what became of them. ApprovalRate is approved ÷ answered (approved,
// disbursed or declined), nil without an answer; the counts stand beside
// it on every page.
type Tally struct {
	Sent            int      `json:"sent"`
	Claimed         int      `json:"claimed"`
	ClaimedLate     int      `json:"claimed_late"` // claimed after the deadline, or still unclaimed past it
	Overdue         int      `json:"overdue"`      // waiting on the bank past its current deadline now
	Answered        int      `json:"answered"`
	Approved        int      `json:"approved"` // approved or disbursed
	Declined        int      `json:"declined"`
	Disbursed       int      `json:"disbursed"`
	DisbursedAmount int64    `json:"disbursed_amount"`
	ApprovalRate    *float64 `json:"approval_rate"`
	// ClaimHours and AnswerHours are the median hours from sending to the
	// claim and from sending to the answer (nil without one).
	ClaimHours  *float64 `json:"claim_hours"`
	AnswerHours *float64 `json:"answer_hours"`

	claim, answer []float64
}

func (t *Tally) add(m *finance.Match, now time.Time) {
	if m.SentAt == nil {
		return
	}
	t.Sent++
	if m.ClaimedAt != nil {
		t.Claimed++
		t.claim = append(t.claim, m.ClaimedAt.Sub(*m.SentAt).Hours())
	}
	if m.ClaimedLate(now) {
		t.ClaimedLate++
	}
	if m.Overdue(now) {
		t.Overdue++
	}
	if m.AnsweredAt != nil {
		t.Answered++
		if m.AnsweredAt != nil {
			t.answer = append(t.answer, m.AnsweredAt.Sub(*m.SentAt).Hours())
		}
	}
	switch {
	case m.Status == finance.StatusDeclined:
		t.Declined++
	case m.ApprovedAmount > 0:
		t.Approved++
	}
	if m.Status == finance.StatusDisbursed {
		t.Disbursed++
		t.DisbursedAmount += m.DisbursedAmount
	}
}

func (t *Tally) finish() {
	if t.Answered > 0 {
		r := float64(t.Approved) / float64(t.Answered)
		t.ApprovalRate = &r
	}
	t.ClaimHours, t.AnswerHours = median(t.claim), median(t.answer)
}

func median(v []float64) *float64 {
	if len(v) == 0 {
		return nil
	}
	s := slices.Clone(v)
	sort.Float64s(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return &m
}

// BankRow is a bank's line of the league table.
type BankRow struct {
	BankID   int64  `json:"bank_id,string"`
	Code     string `json:"code"`
	Name     string `json:"name"`
	Products int    `json:"products"`
	Tally
}

// ProductRow is a product's line.
type ProductRow struct {
	ProductID int64        `json:"product_id,string"`
	Name      string       `json:"name"`
	BankName  string       `json:"bank_name"`
	Kind      finance.Kind `json:"kind"`
	Tally
}

// IndustryRow counts the demands of an industry created in the period.
type IndustryRow struct {
	Industry      finance.Industry `json:"industry"`
	Demands       int              `json:"demands"`
	Granted       int              `json:"granted"`
	Amount        int64            `json:"amount"`         // demanded
	GrantedAmount int64            `json:"granted_amount"` // disbursed
}

// ReasonRow counts the declines for one reason.
type ReasonRow struct {
	Reason finance.DeclineReason `json:"reason"`
	Remedy finance.Remedy        `json:"remedy"`
	Count  int                   `json:"count"`
}

// Figures are the programme's figures for a period: demands created in it,
// matches sent in it and what became of them (to now).
type Figures struct {
	From       string        `json:"from"`
	To         string        `json:"to"` // inclusive
	Banks      int           `json:"banks"`
	Products   int           `json:"products"`
	Demands    int           `json:"demands"`
	Matched    int           `json:"matched"` // demands with at least one eligible product
	Granted    int           `json:"granted"`
	Total      Tally         `json:"total"`
	ByBank     []BankRow     `json:"by_bank"`
	ByProduct  []ProductRow  `json:"by_product"`
	ByIndustry []IndustryRow `json:"by_industry"`
	Declines   []ReasonRow   `json:"declines"`
}

// FiguresQuery is the period, days in China: [From, To], the year to date
// by default.
type FiguresQuery struct {
	From string
	To   string
}

// Figures returns the figures of the period: to the office and leaders.
// The league table orders banks by approval rate, then by fewer late
// claims; a bank with nothing answered comes last.
func (s *Service) Figures(ctx context.Context, actor *org.User, q FiguresQuery) (*Figures, error) {
	now := s.kit.Now()
	from, to := calendar.Date{Year: calendar.DateOf(now).Year, Month: time.January, Day: 1}, calendar.DateOf(now)
	var err error
	if q.From != "" {
		if from, err = calendar.ParseDate(q.From); err != nil {
			return nil, minsheng.FieldError("from", "the day must be YYYY-MM-DD").Because("not_a_date")
		}
	}
	if q.To != "" {
		if to, err = calendar.ParseDate(q.To); err != nil {
			return nil, minsheng.FieldError("to", "the day must be YYYY-MM-DD").Because("not_a_date")
		}
	}
	if to.Start().Before(from.Start()) {
		return nil, minsheng.FieldError("to", "the period ends before it starts").Because("min_above_max")
	}
	since, until := from.Start(), to.AddDays(1).Start()
	f := &Figures{From: from.String(), To: to.String()}
	err = s.kit.Read(ctx, func(tx *store.Tx) error {
		v, err := s.viewerTx(ctx, tx, actor)
		if err != nil {
			return err
		}
		if !v.office && !v.leader {
			return minsheng.Errorf(minsheng.EFORBIDDEN, "the figures are the finance office's and the leaders'")
		}
		n, err := s.namesTx(ctx, tx)
		if err != nil {
			return err
		}
		byBank, byProduct := map[int64]*BankRow{}, map[int64]*ProductRow{}
		for _, b := range n.banks {
			byBank[b.ID] = &BankRow{BankID: b.ID, Code: b.Code, Name: b.Name}
			if b.Active {
				f.Banks++
			}
		}
		for _, p := range n.products {
			if r := byBank[p.BankID]; r != nil && p.Active {
				r.Products++
				f.Products++
			}
		}
		ms, err := store.ListFinanceMatches(ctx, tx, store.FinanceMatchFilter{SentSince: &since, SentUntil: &until})
		if err != nil {
			return err
		}
		declines := map[finance.DeclineReason]int{}
		for _, m := range ms {
			f.Total.add(m, now)
			if r := byBank[m.BankID]; r != nil {
				r.add(m, now)
			}
			pr := byProduct[m.ProductID]
			if pr == nil {
				pr = &ProductRow{ProductID: m.ProductID}
				if p := n.products[m.ProductID]; p != nil {
					pr.Name, pr.Kind = p.Name, p.Kind
					if b := n.banks[p.BankID]; b != nil {
						pr.BankName = b.Name
					}
				}
				byProduct[m.ProductID] = pr
			}
			pr.add(m, now)
			if m.Status == finance.StatusDeclined {
				declines[m.DeclineReason]++
			}
		}
		f.Total.finish()
		for _, r := range byBank {
			r.finish()
			f.ByBank = append(f.ByBank, *r)
		}
		sort.Slice(f.ByBank, func(i, j int) bool { return leagueLess(&f.ByBank[i], &f.ByBank[j]) })
		for _, r := range byProduct {
			r.finish()
			f.ByProduct = append(f.ByProduct, *r)
		}
		sort.Slice(f.ByProduct, func(i, j int) bool {
			a, b := f.ByProduct[i], f.ByProduct[j]
			if a.DisbursedAmount != b.DisbursedAmount {
				return a.DisbursedAmount > b.DisbursedAmount
			}
			if a.Sent != b.Sent {
				return a.Sent > b.Sent
			}
			return a.ProductID < b.ProductID
		})
		for _, r := range finance.DeclineReasons {
			if declines[r] > 0 {
				f.Declines = append(f.Declines, ReasonRow{Reason: r, Remedy: finance.RemedyFor(r), Count: declines[r]})
			}
		}
		ds, err := store.ListFinanceDemands(ctx, tx, store.FinanceDemandFilter{Since: &since, Until: &until})
		if err != nil {
			return err
		}
		byInd := map[finance.Industry]*IndustryRow{}
		biz := map[int64]*finance.Business{}
		for _, d := range ds {
			b := biz[d.BusinessID]
			if b == nil {
				if b, err = store.GetFinanceBusiness(ctx, tx, idStr(d.BusinessID)); err != nil {
					return err
				}
				biz[d.BusinessID] = b
			}
			r := byInd[b.Industry]
			if r == nil {
				r = &IndustryRow{Industry: b.Industry}
				byInd[b.Industry] = r
			}
			f.Demands++
			r.Demands++
			r.Amount += d.Amount
			dm, err := store.ListFinanceMatches(ctx, tx, store.FinanceMatchFilter{DemandID: d.ID})
			if err != nil {
				return err
			}
			if len(dm) > 0 {
				f.Matched++
			}
			if d.Status == finance.DemandGranted {
				f.Granted++
				r.Granted++
				for _, m := range dm {
					r.GrantedAmount += m.DisbursedAmount
				}
			}
		}
		for _, i := range finance.Industries {
			if r := byInd[i]; r != nil {
				f.ByIndustry = append(f.ByIndustry, *r)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if f.ByBank == nil {
		f.ByBank = []BankRow{}
	}
	if f.ByProduct == nil {
		f.ByProduct = []ProductRow{}
	}
	if f.ByIndustry == nil {
		f.ByIndustry = []IndustryRow{}
	}
	if f.Declines == nil {
		f.Declines = []ReasonRow{}
	}
	return f, nil
}

// leagueLess orders the league table: banks with answers by approval rate,
// then fewer late claims, then more disbursed; then the rest by name.
func leagueLess(a, b *BankRow) bool {
	if (a.ApprovalRate == nil) != (b.ApprovalRate == nil) {
		return a.ApprovalRate != nil
	}
	if a.ApprovalRate != nil && *a.ApprovalRate != *b.ApprovalRate {
		return *a.ApprovalRate > *b.ApprovalRate
	}
	if a.ClaimedLate != b.ClaimedLate {
		return a.ClaimedLate < b.ClaimedLate
	}
	if a.DisbursedAmount != b.DisbursedAmount {
		return a.DisbursedAmount > b.DisbursedAmount
	}
	return a.Name < b.Name
}
