package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/finance"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// Banks, products, a business, a demand and its matches read back as
// written; a taken bank code or credit code is refused with its field; the
// bank staff link and the filters select what they say; a stale version
// is refused.
func TestFinanceRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		u := mustUnit(t, db, "chengxi")
		staff := mustGridUser(t, db, "banker", u)
		at := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
		bank := &finance.Bank{ID: 1, Code: "qhbank", Name: "青海银行", ClaimDays: 3, AnswerDays: 10, ContactPhone: "09716112345", Active: true, CreatedAt: at}
		other := &finance.Bank{ID: 2, Code: "xnrcb", Name: "西宁农商银行", ClaimDays: 2, AnswerDays: 5, Active: true, CreatedAt: at}
		prod := &finance.Product{ID: 10, BankID: 1, Name: "税e贷", Kind: finance.KindCredit, MinAmount: 10000, MaxAmount: 1000000,
			RateMinBP: 345, RateMaxBP: 450, TermMin: 1, TermMax: 12, Sizes: []finance.Size{finance.SizeMicro, finance.SizeSmall},
			Industries: []finance.Industry{}, Collateral: []finance.Collateral{finance.CollateralNone}, MinTax: "B", Active: true, CreatedAt: at}
		prod2 := &finance.Product{ID: 11, BankID: 2, Name: "创业担保贷", Kind: finance.KindGuarantee, MinAmount: 0, MaxAmount: 300000,
			RateMinBP: 300, RateMaxBP: 300, TermMin: 12, TermMax: 36, Sizes: []finance.Size{}, Industries: []finance.Industry{finance.IndustryHospitality},
			Collateral: []finance.Collateral{finance.CollateralGuarantor}, Active: true, CreatedAt: at}
		biz := &finance.Business{ID: 20, CreditCode: "91350100M000100Y43", Name: "海湖小吃店", Industry: finance.IndustryHospitality,
			Size: finance.SizeMicro, FoundedOn: "2021-03-01", OwnerName: "马晓东", OwnerPhone: "13897001234", Consent: true, ConsentAt: &at,
			UnitID: u.ID, UnitPath: u.Path, CreatedAt: at, UpdatedAt: at}
		var d *finance.Demand
		mustWrite(t, db, func(tx *store.Tx) error {
			for _, b := range []*finance.Bank{bank, other} {
				if err := store.InsertFinanceBank(ctx, tx, b); err != nil {
					return err
				}
			}
			for _, p := range []*finance.Product{prod, prod2} {
				if err := store.InsertFinanceProduct(ctx, tx, p); err != nil {
					return err
				}
			}
			if err := store.SetFinanceBankStaff(ctx, tx, staff.ID, 2); err != nil {
				return err
			}
			if err := store.SetFinanceBankStaff(ctx, tx, staff.ID, 1); err != nil {
				return err
			}
			if err := store.InsertFinanceBusiness(ctx, tx, biz); err != nil {
				return err
			}
			num, err := store.NextFinanceDemandNumber(ctx, tx, at)
			if err != nil {
				return err
			}
			d = &finance.Demand{ID: 30, Number: num, BusinessID: 20, Amount: 200000, TermMonths: 12, Purpose: "进货",
				Collateral: finance.CollateralNone, Status: finance.DemandOpen, CreatedAt: at, UpdatedAt: at, Version: 1}
			if err := store.InsertFinanceDemand(ctx, tx, d); err != nil {
				return err
			}
			sent := at.Add(time.Hour)
			for i, m := range []*finance.Match{
				{ID: 40, DemandID: 30, ProductID: 10, BankID: 1, Score: 90, Reasons: []finance.Reason{finance.ReasonAmountFits, finance.ReasonLowRate},
					Status: finance.StatusSent, SentAt: &sent, ClaimBy: &sent},
				{ID: 41, DemandID: 30, ProductID: 11, BankID: 2, Score: 70, Reasons: []finance.Reason{}, Status: finance.StatusProposed},
			} {
				m.CreatedAt, m.UpdatedAt, m.Version = at.Add(time.Duration(i)*time.Minute), at, 1
				if err := store.InsertFinanceMatch(ctx, tx, m); err != nil {
					return err
				}
			}
			return nil
		})
		if d.Number != "RZ20261207-0001" {
			t.Errorf("number %s", d.Number)
		}
		err := db.Write(ctx, func(tx *store.Tx) error {
			return store.InsertFinanceBank(ctx, tx, &finance.Bank{ID: 3, Code: "qhbank", Name: "重复", ClaimDays: 1, AnswerDays: 1, CreatedAt: at})
		})
		if !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Errorf("taken bank code: %v", err)
		}
		err = db.Write(ctx, func(tx *store.Tx) error {
			b := *biz
			b.ID = 21
			return store.InsertFinanceBusiness(ctx, tx, &b)
		})
		if !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Errorf("taken credit code: %v", err)
		}
		err = db.Read(ctx, func(tx *store.Tx) error {
			b, err := store.GetFinanceBank(ctx, tx, "qhbank")
			if err != nil {
				return err
			}
			if *b != *bank {
				t.Errorf("bank %+v, want %+v", b, bank)
			}
			p, err := store.GetFinanceProduct(ctx, tx, 10)
			if err != nil {
				return err
			}
			if p.Name != prod.Name || !slices.Equal(p.Sizes, prod.Sizes) || len(p.Industries) != 0 || p.MinTax != "B" ||
				!slices.Equal(p.Collateral, prod.Collateral) {
				t.Errorf("product %+v", p)
			}
			if ps, _ := store.ListFinanceProducts(ctx, tx, 2); len(ps) != 1 || ps[0].ID != 11 {
				t.Errorf("products of bank 2: %v", ps)
			}
			if id, err := store.FinanceBankOf(ctx, tx, staff.ID); err != nil || id != 1 {
				t.Errorf("bank of staff: %d %v", id, err)
			}
			if _, err := store.FinanceBankOf(ctx, tx, 999); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
				t.Errorf("bank of nobody: %v", err)
			}
			got, err := store.GetFinanceBusiness(ctx, tx, "91350100m000100y43")
			if err != nil {
				return err
			}
			if got.Name != biz.Name || got.OwnerPhone != biz.OwnerPhone || !got.Consent || got.ConsentAt == nil || !got.ConsentAt.Equal(at) {
				t.Errorf("business %+v", got)
			}
			if bs, _ := store.ListFinanceBusinesses(ctx, tx, "小吃", 0); len(bs) != 1 {
				t.Errorf("search businesses: %v", bs)
			}
			if bs, _ := store.ListFinanceBusinesses(ctx, tx, "银行", 0); len(bs) != 0 {
				t.Errorf("search businesses found %v", bs)
			}
			ms, err := store.ListFinanceMatches(ctx, tx, store.FinanceMatchFilter{DemandID: 30})
			if err != nil {
				return err
			}
			if len(ms) != 2 || ms[0].ID != 40 || !slices.Equal(ms[0].Reasons, []finance.Reason{finance.ReasonAmountFits, finance.ReasonLowRate}) ||
				ms[0].SentAt == nil || ms[1].SentAt != nil || len(ms[1].Reasons) != 0 {
				t.Errorf("matches %+v", ms)
			}
			if ms, _ := store.ListFinanceMatches(ctx, tx, store.FinanceMatchFilter{BankID: 2, Statuses: []finance.Status{finance.StatusSent}}); len(ms) != 0 {
				t.Errorf("bank 2 sent: %v", ms)
			}
			if ds, _ := store.ListFinanceDemands(ctx, tx, store.FinanceDemandFilter{BankID: 1}); len(ds) != 1 {
				t.Errorf("demands sent to bank 1: %v", ds)
			}
			if ds, _ := store.ListFinanceDemands(ctx, tx, store.FinanceDemandFilter{BankID: 2}); len(ds) != 0 {
				t.Errorf("demands only proposed to bank 2 are not the bank's: %v", ds)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// A stale version is refused; a current one writes.
		mustWrite(t, db, func(tx *store.Tx) error {
			m, err := store.GetFinanceMatch(ctx, tx, 40)
			if err != nil {
				return err
			}
			claimed := at.Add(2 * time.Hour)
			m.Status, m.ClaimedAt, m.Version, m.UpdatedAt = finance.StatusClaimed, &claimed, m.Version+1, claimed
			if err := store.UpdateFinanceMatch(ctx, tx, m); err != nil {
				return err
			}
			if err := store.UpdateFinanceMatch(ctx, tx, m); !minsheng.IsCode(err, minsheng.ECONFLICT) {
				t.Errorf("stale match update: %v", err)
			}
			d.Status, d.Version = finance.DemandGranted, d.Version+1
			return store.UpdateFinanceDemand(ctx, tx, d)
		})
	})
}
