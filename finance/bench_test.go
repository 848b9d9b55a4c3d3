package finance

import (
	"testing"
)

// BenchmarkRank judges and ranks a demand against the programme's 219
// products (the article's figure) — what recording a demand costs beside
// its SQL. It prints figures; it does not pass or fail on time.
func BenchmarkRank(b *testing.B) {
	var products []*Product
	for i := range 219 {
		p := &Product{ID: int64(i + 1), BankID: int64(i%32 + 1), Kind: Kinds[i%3], MinAmount: 10000, MaxAmount: int64(50+i%10*50) * 10000,
			RateMinBP: 345 + i%40*5, TermMin: 1, TermMax: 12 + i%4*12, Collateral: []Collateral{CollateralNone, CollateralGuarantor}, Active: true}
		if i%3 == 0 {
			p.Industries = []Industry{Industries[i%len(Industries)]}
		}
		if i%5 == 0 {
			p.Sizes = []Size{SizeMicro, SizeSmall}
		}
		products = append(products, p)
	}
	biz := &Business{ID: 1, Industry: IndustryHospitality, Size: SizeMicro, FoundedOn: "2020-05-01", TaxRating: "B"}
	d := &NewDemand{BusinessID: 1, Amount: 300000, TermMonths: 12, Collateral: CollateralNone}
	all := func(int64) bool { return true }
	b.ReportAllocs()
	var n int
	for b.Loop() {
		n = len(Rank(products, all, biz, d, now))
	}
	b.ReportMetric(float64(n), "eligible")
}
