package finance

import (
	"context"
	"strings"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/finance"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// RegisterBusiness records a small business and its credit file (the
// office). The business belongs to the unit given, else the actor's.
func (s *Service) RegisterBusiness(ctx context.Context, actor *org.User, in finance.NewBusiness) (*finance.Business, error) {
	if err := requireOffice(actor); err != nil {
		return nil, err
	}
	in.Normalize()
	now := s.kit.Now()
	if err := in.Validate(now); err != nil {
		return nil, err
	}
	var out *finance.Business
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		unitID, unitPath := actor.UnitID, actor.UnitPath
		if in.UnitID != 0 || unitID == 0 {
			id := in.UnitID
			if id == 0 {
				return minsheng.FieldError("unit_id", "the business's unit is required").Because("required")
			}
			u, err := store.GetUnit(ctx, tx, id)
			if err != nil {
				return minsheng.FieldError("unit_id", "no such unit").Because("unit_unknown")
			}
			unitID, unitPath = u.ID, u.Path
		}
		id, err := tx.NextID(ctx)
		if err != nil {
			return err
		}
		out = &finance.Business{ID: id, CreditCode: in.CreditCode, Name: in.Name, Industry: in.Industry, Size: in.Size,
			FoundedOn: in.FoundedOn, Address: in.Address, Employees: in.Employees, Revenue: in.Revenue, TaxRating: in.TaxRating,
			OwnerName: in.OwnerName, OwnerPhone: in.OwnerPhone, OwnerID: in.OwnerID, Consent: in.Consent,
			UnitID: unitID, UnitPath: unitPath, CreatedAt: now, UpdatedAt: now}
		if in.Consent {
			out.ConsentAt = &now
		}
		if err := store.InsertFinanceBusiness(ctx, tx, out); err != nil {
			return err
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectBusiness, ObjectID: id, Action: "register",
			Data: map[string]string{"credit_code": in.CreditCode, "consent": consentText(in.Consent)}})
		return err
	})
	if err != nil {
		return nil, err
	}
	m := out.Masked()
	return &m, nil
}

func consentText(c bool) string {
	if c {
		return "given"
	}
	return "withdrawn"
}

// SetConsent records that the business gave or withdrew its consent (the
// office). Withdrawn, nothing more of it is sent to banks.
func (s *Service) SetConsent(ctx context.Context, actor *org.User, ref string, consent bool) (*finance.Business, error) {
	if err := requireOffice(actor); err != nil {
		return nil, err
	}
	var out *finance.Business
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		b, err := store.GetFinanceBusiness(ctx, tx, ref)
		if err != nil {
			return err
		}
		if b.Consent == consent {
			out = b
			return nil
		}
		now := s.kit.Now()
		b.Consent, b.UpdatedAt = consent, now
		b.ConsentAt = &now
		if err := store.UpdateFinanceBusinessConsent(ctx, tx, b); err != nil {
			return err
		}
		out = b
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectBusiness, ObjectID: b.ID, Action: "consent",
			Data: map[string]string{"consent": consentText(consent)}})
		return err
	})
	if err != nil {
		return nil, err
	}
	m := out.Masked()
	return &m, nil
}

// BusinessChange is what the office may change in a credit file; nil
// fields stay. The credit code does not change (register the business
// anew); an empty owner's phone or ID number keeps the stored one, so that
// the form never shows them unmasked.
type BusinessChange struct {
	Name       *string            `json:"name"`
	Industry   *finance.Industry  `json:"industry"`
	Size       *finance.Size      `json:"size"`
	FoundedOn  *string            `json:"founded_on"`
	Address    *string            `json:"address"`
	Employees  *int               `json:"employees"`
	Revenue    *int64             `json:"revenue"`
	TaxRating  *finance.TaxRating `json:"tax_rating"`
	OwnerName  *string            `json:"owner_name"`
	OwnerPhone *string            `json:"owner_phone"`
	OwnerID    *string            `json:"owner_id_number"`
}

// UpdateBusiness changes a business's credit file (the office). The audit
// entry names the fields changed, never the personal values.
func (s *Service) UpdateBusiness(ctx context.Context, actor *org.User, ref string, c BusinessChange) (*finance.Business, error) {
	if err := requireOffice(actor); err != nil {
		return nil, err
	}
	var out *finance.Business
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		b, err := store.GetFinanceBusiness(ctx, tx, ref)
		if err != nil {
			return err
		}
		n := finance.NewBusiness{CreditCode: b.CreditCode, Name: b.Name, Industry: b.Industry, Size: b.Size, FoundedOn: b.FoundedOn,
			Address: b.Address, Employees: b.Employees, Revenue: b.Revenue, TaxRating: b.TaxRating, OwnerName: b.OwnerName,
			OwnerPhone: b.OwnerPhone, OwnerID: b.OwnerID}
		set := func(dst *string, v *string) {
			if v != nil {
				*dst = *v
			}
		}
		set(&n.Name, c.Name)
		set(&n.FoundedOn, c.FoundedOn)
		set(&n.Address, c.Address)
		set(&n.OwnerName, c.OwnerName)
		if c.OwnerPhone != nil && strings.TrimSpace(*c.OwnerPhone) != "" {
			n.OwnerPhone = *c.OwnerPhone
		}
		if c.OwnerID != nil && strings.TrimSpace(*c.OwnerID) != "" {
			n.OwnerID = *c.OwnerID
		}
		if c.Industry != nil {
			n.Industry = *c.Industry
		}
		if c.Size != nil {
			n.Size = *c.Size
		}
		if c.Employees != nil {
			n.Employees = *c.Employees
		}
		if c.Revenue != nil {
			n.Revenue = *c.Revenue
		}
		if c.TaxRating != nil {
			n.TaxRating = *c.TaxRating
		}
		n.Normalize()
		now := s.kit.Now()
		if err := n.Validate(now); err != nil {
			return err
		}
		var changed []string
		for _, f := range []struct {
			name     string
			old, new any
		}{{"name", b.Name, n.Name}, {"industry", b.Industry, n.Industry}, {"size", b.Size, n.Size}, {"founded_on", b.FoundedOn, n.FoundedOn},
			{"address", b.Address, n.Address}, {"employees", b.Employees, n.Employees}, {"revenue", b.Revenue, n.Revenue},
			{"tax_rating", b.TaxRating, n.TaxRating}, {"owner_name", b.OwnerName, n.OwnerName}, {"owner_phone", b.OwnerPhone, n.OwnerPhone},
			{"owner_id_number", b.OwnerID, n.OwnerID}} {
			if f.old != f.new {
				changed = append(changed, f.name)
			}
		}
		b.Name, b.Industry, b.Size, b.FoundedOn, b.Address, b.Employees, b.Revenue, b.TaxRating = n.Name, n.Industry, n.Size,
			n.FoundedOn, n.Address, n.Employees, n.Revenue, n.TaxRating
		b.OwnerName, b.OwnerPhone, b.OwnerID, b.UpdatedAt = n.OwnerName, n.OwnerPhone, n.OwnerID, now
		out = b
		if len(changed) == 0 {
			return nil
		}
		if err := store.UpdateFinanceBusiness(ctx, tx, b); err != nil {
			return err
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectBusiness, ObjectID: b.ID, Action: "update",
			Data: map[string]string{"changed": strings.Join(changed, ",")}})
		return err
	})
	if err != nil {
		return nil, err
	}
	m := out.Masked()
	return &m, nil
}

// ListBusinesses returns the businesses whose name or credit code holds q,
// masked (the office).
func (s *Service) ListBusinesses(ctx context.Context, actor *org.User, q string, limit int) ([]finance.Business, error) {
	if err := requireOffice(actor); err != nil {
		return nil, err
	}
	var bs []*finance.Business
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		var err error
		bs, err = store.ListFinanceBusinesses(ctx, tx, q, limit)
		return err
	})
	out := make([]finance.Business, len(bs))
	for i, b := range bs {
		out[i] = b.Masked()
	}
	return out, err
}

// BusinessView is a business (masked) with its demands.
type BusinessView struct {
	Business  finance.Business  `json:"business"`
	Demands   []*finance.Demand `json:"demands"`
	MayReveal bool              `json:"may_reveal"`
	MayEdit   bool              `json:"may_edit"`
}

// loadBusinessTx returns the business if the viewer may see it: the
// office any, a bank's staff one with a demand sent to the bank.
func (s *Service) loadBusinessTx(ctx context.Context, tx *store.Tx, v viewer, ref string) (*finance.Business, error) {
	if !v.office && v.bankID == 0 {
		return nil, minsheng.Errorf(minsheng.EFORBIDDEN, "only the finance office and the banks see businesses")
	}
	b, err := store.GetFinanceBusiness(ctx, tx, ref)
	if err != nil {
		return nil, err
	}
	if v.office {
		return b, nil
	}
	ds, err := store.ListFinanceDemands(ctx, tx, store.FinanceDemandFilter{BusinessID: b.ID, BankID: v.bankID, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return nil, minsheng.Errorf(minsheng.ENOTFOUND, "business %s not found", ref).Because("business_not_found")
	}
	return b, nil
}

// GetBusiness returns a business with its demands: to the office, and to
// the staff of a bank a demand of it was sent to (its demands sent to the
// bank only).
func (s *Service) GetBusiness(ctx context.Context, actor *org.User, ref string) (*BusinessView, error) {
	var out *BusinessView
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		v, err := s.viewerTx(ctx, tx, actor)
		if err != nil {
			return err
		}
		b, err := s.loadBusinessTx(ctx, tx, v, ref)
		if err != nil {
			return err
		}
		ds, err := store.ListFinanceDemands(ctx, tx, store.FinanceDemandFilter{BusinessID: b.ID, BankID: v.bankID})
		if err != nil {
			return err
		}
		if ds == nil {
			ds = []*finance.Demand{}
		}
		may, err := s.mayRevealTx(ctx, tx, v, b)
		if err != nil {
			return err
		}
		out = &BusinessView{Business: b.Masked(), Demands: ds, MayReveal: may, MayEdit: v.office}
		return nil
	})
	return out, err
}

// mayRevealTx reports whether the viewer may reveal the owner's data: the
// office, or a bank that has claimed a demand of the business (it calls
// the owner) and not yet finished with it.
func (s *Service) mayRevealTx(ctx context.Context, tx *store.Tx, v viewer, b *finance.Business) (bool, error) {
	if v.office {
		return true, nil
	}
	if v.bankID == 0 {
		return false, nil
	}
	ds, err := store.ListFinanceDemands(ctx, tx, store.FinanceDemandFilter{BusinessID: b.ID, BankID: v.bankID})
	if err != nil {
		return false, err
	}
	for _, d := range ds {
		ms, err := store.ListFinanceMatches(ctx, tx, store.FinanceMatchFilter{DemandID: d.ID, BankID: v.bankID,
			Statuses: []finance.Status{finance.StatusClaimed, finance.StatusContacted, finance.StatusApproved}})
		if err != nil {
			return false, err
		}
		if len(ms) > 0 {
			return true, nil
		}
	}
	return false, nil
}

// Owner is a business owner's personal data, unmasked.
type Owner struct {
	Name     string `json:"owner_name"`
	Phone    string `json:"owner_phone"`
	IDNumber string `json:"owner_id_number"`
}

// RevealOwner returns the owner's name, phone and ID number unmasked, for
// a reason, audited and rate-limited (app.Service.RevealTx): to the office
// and to a bank working on a claimed demand of the business.
func (s *Service) RevealOwner(ctx context.Context, actor *org.User, ref, reason, ip string) (*Owner, error) {
	var out *Owner
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		v, err := s.viewerTx(ctx, tx, actor)
		if err != nil {
			return err
		}
		b, err := s.loadBusinessTx(ctx, tx, v, ref)
		if err != nil {
			return err
		}
		may, err := s.mayRevealTx(ctx, tx, v, b)
		if err != nil {
			return err
		}
		if !may {
			return minsheng.Errorf(minsheng.EFORBIDDEN, "a bank sees the owner's contact once it has claimed a demand").Because("reveal_not_claimed")
		}
		if err := s.tickets.RevealTx(ctx, tx, actor, app.Reveal{Object: ObjectBusiness, ObjectID: b.ID, Reason: strings.TrimSpace(reason), IP: ip}); err != nil {
			return err
		}
		out = &Owner{Name: b.OwnerName, Phone: b.OwnerPhone, IDNumber: b.OwnerID}
		return nil
	})
	return out, err
}
