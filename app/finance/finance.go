// Package finance holds the use cases of small-business finance matching
// (甘霖工程; package finance is the domain): the finance office registers
// banks, their products and their staff, and small businesses with their
// credit file and consent; a business's credit demand is matched to
// products with a score and reasons; the office sends matches to banks,
// whose staff see only their bank's matches, claim them within the bank's
// service deadline of working days, and answer — approve and disburse, or
// decline with a coded reason that routes the business to a remedy. A
// daily job reminds banks of deadlines and escalates missed ones. The
// owner's personal data is masked but for an audited reveal (RevealTx).
// Figures per bank, product and industry; XLSX export.
package finance

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/finance"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// Object types of the timeline, the audit log and the outbox.
const (
	ObjectBank     = "finance_bank"
	ObjectProduct  = "finance_product"
	ObjectBusiness = "finance_business"
	ObjectDemand   = "finance_demand"
	ObjectMatch    = "finance_match"
)

// JobDeadlines is the kind of the daily job that reminds banks of their
// deadlines and escalates the missed ones.
const JobDeadlines = "finance.deadlines"

// Service runs the finance use cases.
type Service struct {
	kit     *kit.Kit
	tickets *app.Service
}

// New returns the finance use cases over the kit and the core (for the
// working-day calendar and the audited reveal).
func New(k *kit.Kit, tickets *app.Service) *Service { return &Service{kit: k, tickets: tickets} }

// requireOffice returns nil for the finance office: its officers, admins
// of the whole district, and the system actor.
func requireOffice(actor *org.User) error {
	if err := kit.Require(actor, finance.RoleOfficer, org.RoleAdmin); err != nil {
		return err
	}
	if kit.IsSystem(actor) || actor.Has(finance.RoleOfficer) {
		return nil
	}
	return kit.RequireDistrictAdmin(actor)
}

// isOffice reports whether requireOffice passes.
func isOffice(actor *org.User) bool { return requireOffice(actor) == nil }

// viewer is who reads finance data: the office (and leaders, for figures),
// or the staff of one bank.
type viewer struct {
	office bool
	leader bool
	bankID int64 // the bank of a bank staff member
}

// viewerTx says who the actor is to finance: an EFORBIDDEN error for
// anyone else, and for bank staff not linked to a bank.
func (s *Service) viewerTx(ctx context.Context, tx *store.Tx, actor *org.User) (viewer, error) {
	if err := kit.Require(actor, finance.RoleOfficer, org.RoleAdmin, org.RoleLeader, finance.RoleBank); err != nil {
		return viewer{}, err
	}
	if isOffice(actor) {
		return viewer{office: true}, nil
	}
	if actor.Has(org.RoleLeader) {
		return viewer{leader: true}, nil
	}
	if actor.Has(finance.RoleBank) {
		id, err := store.FinanceBankOf(ctx, tx, actor.ID)
		if minsheng.IsCode(err, minsheng.ENOTFOUND) {
			return viewer{}, minsheng.Errorf(minsheng.EFORBIDDEN, "your account is not linked to a bank yet").Because("no_bank")
		}
		return viewer{bankID: id}, err
	}
	return viewer{}, minsheng.Errorf(minsheng.EFORBIDDEN, "only the district's finance office sees this")
}

// dueTable returns the end of the n-th working day after now's day, for n
// from 0 to finance.MaxDays, on the district's calendar in force. It is
// read before a write opens: the calendar is the core's.
func (s *Service) dueTable(ctx context.Context, now time.Time) ([]time.Time, error) {
	out := make([]time.Time, finance.MaxDays+1)
	from := calendar.DateOf(now)
	out[0] = from.End().UTC()
	for n := 1; n <= finance.MaxDays; n++ {
		d, err := s.tickets.DueDate(ctx, from, n)
		if err != nil {
			return nil, err
		}
		out[n] = d.End().UTC()
	}
	return out, nil
}

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

// Setup is the programme's banks and products, with the bank staff counts.
type Setup struct {
	Banks    []*finance.Bank    `json:"banks"`
	Products []*finance.Product `json:"products"`
	Staff    map[int64]int      `json:"-"`
}

// ListSetup returns every bank and product: to the office, leaders and
// bank staff (who see the programme's offer too).
func (s *Service) ListSetup(ctx context.Context, actor *org.User) (*Setup, error) {
	out := &Setup{}
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		if _, err := s.viewerTx(ctx, tx, actor); err != nil {
			return err
		}
		var err error
		if out.Banks, err = store.ListFinanceBanks(ctx, tx); err != nil {
			return err
		}
		if out.Products, err = store.ListFinanceProducts(ctx, tx, 0); err != nil {
			return err
		}
		out.Staff, err = store.CountFinanceBankStaff(ctx, tx)
		return err
	})
	if out.Banks == nil {
		out.Banks = []*finance.Bank{}
	}
	if out.Products == nil {
		out.Products = []*finance.Product{}
	}
	return out, err
}

// CreateBank registers a bank (the office).
func (s *Service) CreateBank(ctx context.Context, actor *org.User, in finance.NewBank) (*finance.Bank, error) {
	if err := requireOffice(actor); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *finance.Bank
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		id, err := tx.NextID(ctx)
		if err != nil {
			return err
		}
		out = &finance.Bank{ID: id, Code: in.Code, Name: in.Name, ClaimDays: in.ClaimDays, AnswerDays: in.AnswerDays,
			ContactPhone: in.ContactPhone, Active: true, CreatedAt: s.kit.Now()}
		if err := store.InsertFinanceBank(ctx, tx, out); err != nil {
			return err
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectBank, ObjectID: id, Action: "create",
			Data: map[string]string{"code": in.Code, "claim_days": strconv.Itoa(in.ClaimDays), "answer_days": strconv.Itoa(in.AnswerDays)}})
		return err
	})
	return out, err
}

// BankChange is what the office may change about a bank; nil fields stay.
type BankChange struct {
	Name         *string `json:"name"`
	ClaimDays    *int    `json:"claim_days"`
	AnswerDays   *int    `json:"answer_days"`
	ContactPhone *string `json:"contact_phone"`
	Active       *bool   `json:"active"`
}

// UpdateBank changes a bank's name, service promise, contact line or
// whether it takes part (the office). New deadlines apply to matches sent
// from then on; a bank that leaves is no longer matched nor sent to.
func (s *Service) UpdateBank(ctx context.Context, actor *org.User, ref string, c BankChange) (*finance.Bank, error) {
	if err := requireOffice(actor); err != nil {
		return nil, err
	}
	var out *finance.Bank
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		b, err := store.GetFinanceBank(ctx, tx, ref)
		if err != nil {
			return err
		}
		in := finance.NewBank{Code: b.Code, Name: b.Name, ClaimDays: b.ClaimDays, AnswerDays: b.AnswerDays, ContactPhone: b.ContactPhone}
		if c.Name != nil {
			in.Name = *c.Name
		}
		if c.ClaimDays != nil {
			in.ClaimDays = *c.ClaimDays
			if in.ClaimDays == 0 {
				return minsheng.FieldError("claim_days", "claim_days must be 1 to %d working days", finance.MaxDays).Because("days_range")
			}
		}
		if c.AnswerDays != nil {
			in.AnswerDays = *c.AnswerDays
			if in.AnswerDays == 0 {
				return minsheng.FieldError("answer_days", "answer_days must be 1 to %d working days", finance.MaxDays).Because("days_range")
			}
		}
		if c.ContactPhone != nil {
			in.ContactPhone = *c.ContactPhone
		}
		in.Normalize()
		if err := in.Validate(); err != nil {
			return err
		}
		data := map[string]string{"code": b.Code}
		note := func(k, from, to string) {
			if from != to {
				data[k] = from + " → " + to
			}
		}
		note("name", b.Name, in.Name)
		note("claim_days", strconv.Itoa(b.ClaimDays), strconv.Itoa(in.ClaimDays))
		note("answer_days", strconv.Itoa(b.AnswerDays), strconv.Itoa(in.AnswerDays))
		note("contact_phone", b.ContactPhone, in.ContactPhone)
		active := b.Active
		if c.Active != nil {
			active = *c.Active
		}
		note("active", strconv.FormatBool(b.Active), strconv.FormatBool(active))
		b.Name, b.ClaimDays, b.AnswerDays, b.ContactPhone, b.Active = in.Name, in.ClaimDays, in.AnswerDays, in.ContactPhone, active
		if err := store.UpdateFinanceBank(ctx, tx, b); err != nil {
			return err
		}
		out = b
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectBank, ObjectID: b.ID, Action: "update", Data: data})
		return err
	})
	return out, err
}

// CreateProduct registers a bank's product (the office).
func (s *Service) CreateProduct(ctx context.Context, actor *org.User, in finance.NewProduct) (*finance.Product, error) {
	if err := requireOffice(actor); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *finance.Product
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		if _, err := store.GetFinanceBank(ctx, tx, idStr(in.BankID)); err != nil {
			return minsheng.FieldError("bank_id", "no such bank").Because("bank_unknown")
		}
		id, err := tx.NextID(ctx)
		if err != nil {
			return err
		}
		out = &finance.Product{ID: id, BankID: in.BankID, Name: in.Name, Kind: in.Kind, MinAmount: in.MinAmount, MaxAmount: in.MaxAmount,
			RateMinBP: in.RateMinBP, RateMaxBP: in.RateMaxBP, TermMin: in.TermMin, TermMax: in.TermMax, Sizes: in.Sizes,
			Industries: in.Industries, MinYears: in.MinYears, Collateral: in.Collateral, MinTax: in.MinTax, Active: true, CreatedAt: s.kit.Now()}
		if out.Sizes == nil {
			out.Sizes = []finance.Size{}
		}
		if out.Industries == nil {
			out.Industries = []finance.Industry{}
		}
		if err := store.InsertFinanceProduct(ctx, tx, out); err != nil {
			return err
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectProduct, ObjectID: id, Action: "create",
			Data: map[string]string{"bank": idStr(in.BankID), "kind": string(in.Kind), "max_amount": strconv.FormatInt(in.MaxAmount, 10)}})
		return err
	})
	return out, err
}

// SetProductActive offers a product again or withdraws it from matching
// (the office); matches already made stay.
func (s *Service) SetProductActive(ctx context.Context, actor *org.User, productID int64, active bool) error {
	if err := requireOffice(actor); err != nil {
		return err
	}
	return s.kit.Write(ctx, func(tx *store.Tx) error {
		if err := store.SetFinanceProductActive(ctx, tx, productID, active); err != nil {
			return err
		}
		action := "withdraw"
		if active {
			action = "offer"
		}
		_, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectProduct, ObjectID: productID, Action: action})
		return err
	})
}

// LinkStaff makes a user (by id or username) of the bank_staff role
// staff of the bank (the office): from then on they see the bank's matches and nothing else.
func (s *Service) LinkStaff(ctx context.Context, actor *org.User, bankRef, userRef string) error {
	if err := requireOffice(actor); err != nil {
		return err
	}
	return s.kit.Write(ctx, func(tx *store.Tx) error {
		b, err := store.GetFinanceBank(ctx, tx, bankRef)
		if err != nil {
			return err
		}
		var u *org.User
		if id, perr := strconv.ParseInt(userRef, 10, 64); perr == nil {
			u, err = store.GetUser(ctx, tx, id)
		} else {
			u, err = store.GetUserByUsername(ctx, tx, strings.TrimSpace(userRef))
		}
		if minsheng.IsCode(err, minsheng.ENOTFOUND) || userRef == "" {
			return minsheng.FieldError("user", "no such user").Because("user_not_found")
		}
		if err != nil {
			return err
		}
		if !u.Has(finance.RoleBank) {
			return minsheng.FieldError("user", "only a user of the bank_staff role can be a bank's staff").Because("not_bank_staff")
		}
		if err := store.SetFinanceBankStaff(ctx, tx, u.ID, b.ID); err != nil {
			return err
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectBank, ObjectID: b.ID, Action: "link_staff",
			Data: map[string]string{"user": idStr(u.ID)}})
		return err
	})
}
