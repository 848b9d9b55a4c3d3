package finance

import (
	"slices"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
)

var now = time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)

func reason(err error) string {
	var e *minsheng.Error
	if !asErr(err, &e) {
		return ""
	}
	return e.Field + ":" + e.Reason
}

func asErr(err error, e **minsheng.Error) bool {
	if err == nil {
		return false
	}
	v, ok := err.(*minsheng.Error)
	*e = v
	return ok
}

func TestBusinessValidate(t *testing.T) {
	good := NewBusiness{CreditCode: "91350100M000100Y43", Name: "城西区海湖小吃店", Industry: IndustryHospitality, Size: SizeMicro,
		FoundedOn: "2021-03-01", OwnerName: "马晓东", OwnerPhone: "13897001234", OwnerID: "", TaxRating: "b"}
	tests := []struct {
		name string
		edit func(*NewBusiness)
		want string
	}{
		{"good", func(*NewBusiness) {}, ""},
		{"invalid credit code", func(n *NewBusiness) { n.CreditCode = "91350100M000100Y44" }, "credit_code:credit_code_invalid"},
		{"no credit code", func(n *NewBusiness) { n.CreditCode = "" }, "credit_code:required"},
		{"unknown industry", func(n *NewBusiness) { n.Industry = "Z" }, "industry:choose"},
		{"founded tomorrow", func(n *NewBusiness) { n.FoundedOn = "2026-12-08" }, "founded_on:date_future"},
		{"bad date", func(n *NewBusiness) { n.FoundedOn = "2021/3/1" }, "founded_on:not_a_date"},
		{"negative revenue", func(n *NewBusiness) { n.Revenue = -5 }, "revenue:amount_positive"},
		{"bad phone", func(n *NewBusiness) { n.OwnerPhone = "12345" }, "owner_phone:phone_format"},
		{"bad id", func(n *NewBusiness) { n.OwnerID = "630102199001011234" }, "owner_id_number:id_number_invalid"},
		{"no owner", func(n *NewBusiness) { n.OwnerName = " " }, "owner_name:required"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := good
			tc.edit(&n)
			n.Normalize()
			if got := reason(n.Validate(now)); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestProductAndDemandValidate(t *testing.T) {
	good := NewProduct{BankID: 1, Name: "税e贷", Kind: KindCredit, MinAmount: 10000, MaxAmount: 1000000, RateMinBP: 345, RateMaxBP: 450, TermMax: 12}
	tests := []struct {
		name string
		edit func(*NewProduct)
		want string
	}{
		{"good", func(*NewProduct) {}, ""},
		{"min above max", func(n *NewProduct) { n.MinAmount = 2000000 }, "min_amount:min_above_max"},
		{"negative amount", func(n *NewProduct) { n.MinAmount = -1 }, "min_amount:amount_positive"},
		{"no max", func(n *NewProduct) { n.MaxAmount = 0 }, "max_amount:amount_positive"},
		{"usury", func(n *NewProduct) { n.RateMaxBP = 4000 }, "rate_max_bp:min_above_max"},
		{"unknown kind", func(n *NewProduct) { n.Kind = "gift" }, "kind:choose"},
		{"term max below min", func(n *NewProduct) { n.TermMin = 24 }, "term_max:min_above_max"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := good
			tc.edit(&n)
			n.Normalize()
			if got := reason(n.Validate()); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	d := NewDemand{BusinessID: 1, Amount: -100, TermMonths: 12, Purpose: "进货"}
	d.Normalize()
	if got := reason(d.Validate()); got != "amount:amount_positive" {
		t.Errorf("negative amount: %q", got)
	}
	if d.Collateral != CollateralNone {
		t.Errorf("default collateral %q", d.Collateral)
	}
}

func TestJudgeAndRank(t *testing.T) {
	b := &Business{ID: 1, Industry: IndustryHospitality, Size: SizeMicro, FoundedOn: "2022-06-01", TaxRating: "A"}
	d := &NewDemand{BusinessID: 1, Amount: 300000, TermMonths: 12, Collateral: CollateralNone}
	p := func(id int64, edit func(*Product)) *Product {
		pr := &Product{ID: id, BankID: 100 + id, Kind: KindCredit, MinAmount: 10000, MaxAmount: 1000000, RateMinBP: 400,
			TermMin: 1, TermMax: 36, Collateral: []Collateral{CollateralNone}, Active: true}
		edit(pr)
		return pr
	}
	tests := []struct {
		name     string
		product  *Product
		eligible bool
		reasons  []Reason
	}{
		{"plain credit loan", p(1, func(*Product) {}), true, []Reason{ReasonAmountFits, ReasonTermFits, ReasonNoCollateral, ReasonGoodTax}},
		{"for restaurants", p(2, func(p *Product) { p.Industries = []Industry{IndustryHospitality} }), true,
			[]Reason{ReasonAmountFits, ReasonTermFits, ReasonNoCollateral, ReasonIndustryFocus, ReasonGoodTax}},
		{"lends too little", p(3, func(p *Product) { p.MaxAmount = 200000 }), false, []Reason{ReasonAmountAbove}},
		{"only manufacturers", p(4, func(p *Product) { p.Industries = []Industry{IndustryManufacturing} }), false, []Reason{ReasonIndustryExclude}},
		{"five years in business", p(5, func(p *Product) { p.MinYears = 5 }), false, []Reason{ReasonTooYoung}},
		{"mortgage needs property", p(6, func(p *Product) { p.Kind, p.Collateral = KindMortgage, []Collateral{CollateralProperty} }), false, []Reason{ReasonCollateralNo}},
		{"only small", p(7, func(p *Product) { p.Sizes = []Size{SizeSmall, SizeMedium} }), false, []Reason{ReasonSizeExcluded}},
		{"short terms", p(8, func(p *Product) { p.TermMax = 6 }), false, []Reason{ReasonTermOutside}},
		{"withdrawn", p(9, func(p *Product) { p.Active = false }), false, []Reason{ReasonInactive}},
		{"needs tax A, has A", p(10, func(p *Product) { p.MinTax = "A" }), true, []Reason{ReasonAmountFits, ReasonTermFits, ReasonNoCollateral, ReasonGoodTax}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := Judge(tc.product, true, b, d, now)
			if f.Eligible != tc.eligible || !slices.Equal(f.Reasons, tc.reasons) {
				t.Errorf("got eligible %v reasons %v, want %v %v", f.Eligible, f.Reasons, tc.eligible, tc.reasons)
			}
		})
	}
	low := &Business{ID: 2, Industry: IndustryHospitality, Size: SizeMicro, FoundedOn: "2022-06-01", TaxRating: "C"}
	if f := Judge(p(11, func(p *Product) { p.MinTax = "B" }), true, low, d, now); f.Eligible || !slices.Equal(f.Reasons, []Reason{ReasonTaxTooLow}) {
		t.Errorf("tax C against a B product: %+v", f)
	}

	// Rank: the cheapest third gains the low-rate reason, the focused
	// product its focus; among equal scores the cheaper first; the
	// ineligible are left out.
	products := []*Product{
		p(1, func(p *Product) { p.RateMinBP = 500 }),
		p(2, func(p *Product) { p.RateMinBP = 600; p.Industries = []Industry{IndustryHospitality} }),
		p(3, func(p *Product) { p.RateMinBP = 380 }),
		p(4, func(p *Product) { p.MaxAmount = 100000 }),
	}
	got := Rank(products, func(int64) bool { return true }, b, d, now)
	var ids []int64
	for _, f := range got {
		ids = append(ids, f.ProductID)
	}
	if !slices.Equal(ids, []int64{3, 2, 1}) {
		t.Fatalf("ranked %v, want [3 2 1]", ids)
	}
	if !slices.Contains(got[0].Reasons, ReasonLowRate) || slices.Contains(got[1].Reasons, ReasonLowRate) {
		t.Errorf("low rate reasons: %v / %v", got[0].Reasons, got[1].Reasons)
	}
	if got[0].Score != 90 || got[1].Score != 90 || got[2].Score != 80 {
		t.Errorf("scores %d %d %d", got[0].Score, got[1].Score, got[2].Score)
	}
	if got := Rank(products, func(id int64) bool { return false }, b, d, now); len(got) != 0 {
		t.Errorf("inactive banks matched %v", got)
	}
}

func TestLifecycle(t *testing.T) {
	tests := []struct {
		from Status
		a    Action
		to   Status
		err  string
	}{
		{StatusProposed, ActionSend, StatusSent, ""},
		{StatusSent, ActionClaim, StatusClaimed, ""},
		{StatusClaimed, ActionContact, StatusContacted, ""},
		{StatusContacted, ActionApprove, StatusApproved, ""},
		{StatusClaimed, ActionApprove, StatusApproved, ""},
		{StatusApproved, ActionDisburse, StatusDisbursed, ""},
		{StatusSent, ActionDecline, StatusDeclined, ""},
		{StatusProposed, ActionClaim, "", minsheng.ECONFLICT},
		{StatusSent, ActionDisburse, "", minsheng.ECONFLICT},
		{StatusDisbursed, ActionWithdraw, "", minsheng.ECONFLICT},
		{StatusDeclined, ActionApprove, "", minsheng.ECONFLICT},
		{StatusSent, "lend", "", minsheng.EINVALID},
	}
	for _, tc := range tests {
		t.Run(string(tc.from)+"/"+string(tc.a), func(t *testing.T) {
			to, err := Next(tc.from, tc.a)
			if minsheng.ErrorCode(err) != tc.err && !(tc.err == "" && err == nil) {
				t.Fatalf("err %v, want %s", err, tc.err)
			}
			if to != tc.to {
				t.Errorf("to %s, want %s", to, tc.to)
			}
		})
	}
	if got := Available(StatusClaimed, RoleBank); !slices.Equal(got, []Action{ActionContact, ActionApprove, ActionDecline}) {
		t.Errorf("bank on claimed: %v", got)
	}
	if got := Available(StatusSent, RoleOfficer); !slices.Equal(got, []Action{ActionWithdraw}) {
		t.Errorf("office on sent: %v", got)
	}
	for _, r := range DeclineReasons {
		if RemedyFor(r) == "" {
			t.Errorf("no remedy for %s", r)
		}
	}
	if RemedyFor(DeclineCollateral) != RemedyGuarantee || RemedyFor(DeclineYoung) != RemedyCoaching || RemedyFor(DeclineRevenue) != RemedyTaxData {
		t.Error("remedies")
	}
}

func TestClaimedLate(t *testing.T) {
	by := now
	before, after := by.Add(-time.Hour), by.Add(time.Hour)
	tests := []struct {
		name string
		m    Match
		at   time.Time
		want bool
	}{
		{"claimed in time", Match{Status: StatusClaimed, ClaimBy: &by, ClaimedAt: &before}, after, false},
		{"claimed late", Match{Status: StatusApproved, ClaimBy: &by, ClaimedAt: &after}, after, true},
		{"not claimed, deadline passed", Match{Status: StatusSent, ClaimBy: &by}, after, true},
		{"not claimed, still time", Match{Status: StatusSent, ClaimBy: &by}, before, false},
		{"declined unclaimed after the deadline", Match{Status: StatusDeclined, ClaimBy: &by, AnsweredAt: &after}, after, true},
		{"never sent", Match{Status: StatusProposed}, after, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.m.ClaimedLate(tc.at); got != tc.want {
				t.Errorf("got %v", got)
			}
		})
	}
}

func TestFormatYuanAndYears(t *testing.T) {
	for in, want := range map[int64]string{500: "500元", 300000: "30万", 125000: "12.5万", 1234567: "123.46万"} {
		if got := FormatYuan(in); got != want {
			t.Errorf("FormatYuan(%d) = %s, want %s", in, got, want)
		}
	}
	b := Business{FoundedOn: "2021-12-08"}
	if y := b.Years(now); y != 4 {
		t.Errorf("years %d", y)
	}
}
