package finance

import (
	"slices"
	"sort"
	"time"
)

// Reason is one reason of a match's score, or why a product does not fit:
// a stable code the pages word ("finance.reason.<code>").
type Reason string

// Reasons a product fits a demand (they add to the score).
const (
	ReasonAmountFits     Reason = "amount_fits"     // the amount is within the product's range
	ReasonTermFits       Reason = "term_fits"       // the term is within the product's range
	ReasonCollateralFits Reason = "collateral_fits" // the product takes what the business offers
	ReasonNoCollateral   Reason = "no_collateral"   // a credit loan: nothing to pledge
	ReasonIndustryFocus  Reason = "industry_focus"  // the product is meant for the business's industry
	ReasonSizeFocus      Reason = "size_focus"      // the product is meant for the business's size
	ReasonLowRate        Reason = "low_rate"        // among the cheapest of the matches
	ReasonGoodTax        Reason = "good_tax"        // a tax rating of A or B (银税互动)
)

// Reasons a product does not fit (it is not matched).
const (
	ReasonAmountAbove     Reason = "amount_above_max"        // more than the product lends
	ReasonAmountBelow     Reason = "amount_below_min"        // less than the product lends
	ReasonTermOutside     Reason = "term_outside"            // a term the product does not offer
	ReasonSizeExcluded    Reason = "size_excluded"           // the product is not for the size
	ReasonIndustryExclude Reason = "industry_excluded"       // the product is not for the industry
	ReasonTooYoung        Reason = "too_young"               // fewer years in business than required
	ReasonCollateralNo    Reason = "collateral_not_accepted" // the product needs other collateral
	ReasonTaxTooLow       Reason = "tax_rating_too_low"      // the tax rating is below what it needs
	ReasonInactive        Reason = "inactive"                // the product or its bank is withdrawn
)

// Weights of the score, out of 100.
const (
	scoreAmount     = 30
	scoreTerm       = 20
	scoreCollateral = 20
	scoreFocus      = 10 // industry or size named by the product
	scoreRate       = 10
	scoreTax        = 10
)

// Fit is how one product fits one demand of one business.
type Fit struct {
	ProductID int64    `json:"product_id,string"`
	BankID    int64    `json:"bank_id,string"`
	Eligible  bool     `json:"eligible"`
	Score     int      `json:"score"` // 0..100, 0 when not eligible
	Reasons   []Reason `json:"reasons"`
}

// taxRank orders tax ratings from the best (0); unknown is below M.
func taxRank(r TaxRating) int {
	if i := slices.Index(TaxRatings, r); i >= 0 {
		return i
	}
	return slices.Index(TaxRatings, "M") + 1
}

// Judge returns how the product fits the demand of the business at now.
// A product that breaks one of its eligibility rules is not eligible and
// its reasons say which rules; an eligible one is scored by how closely
// it fits, with the reasons that added to the score. The low-rate reason
// is given by Rank, which sees the other products.
func Judge(p *Product, bankActive bool, b *Business, d *NewDemand, now time.Time) Fit {
	return judge(p, bankActive, b, d, b.Years(now))
}

// judge is Judge with the business's whole years in business.
func judge(p *Product, bankActive bool, b *Business, d *NewDemand, years int) Fit {
	f := Fit{ProductID: p.ID, BankID: p.BankID, Reasons: []Reason{}}
	var no []Reason
	if !p.Active || !bankActive {
		no = append(no, ReasonInactive)
	}
	if d.Amount > p.MaxAmount {
		no = append(no, ReasonAmountAbove)
	}
	if d.Amount < p.MinAmount {
		no = append(no, ReasonAmountBelow)
	}
	if d.TermMonths < p.TermMin || d.TermMonths > p.TermMax {
		no = append(no, ReasonTermOutside)
	}
	if len(p.Sizes) > 0 && !slices.Contains(p.Sizes, b.Size) {
		no = append(no, ReasonSizeExcluded)
	}
	if len(p.Industries) > 0 && !slices.Contains(p.Industries, b.Industry) {
		no = append(no, ReasonIndustryExclude)
	}
	if years < p.MinYears {
		no = append(no, ReasonTooYoung)
	}
	if !slices.Contains(p.Collateral, d.Collateral) && !(d.Collateral != CollateralNone && slices.Contains(p.Collateral, CollateralNone)) {
		// A credit product takes a business that offers collateral too;
		// a mortgage does not take a business that offers none.
		no = append(no, ReasonCollateralNo)
	}
	if p.MinTax != "" && taxRank(b.TaxRating) > taxRank(p.MinTax) {
		no = append(no, ReasonTaxTooLow)
	}
	if len(no) > 0 {
		f.Reasons = no
		return f
	}
	f.Eligible = true
	f.Score = scoreAmount + scoreTerm + scoreCollateral
	f.Reasons = append(f.Reasons, ReasonAmountFits, ReasonTermFits)
	if d.Collateral == CollateralNone {
		f.Reasons = append(f.Reasons, ReasonNoCollateral)
	} else {
		f.Reasons = append(f.Reasons, ReasonCollateralFits)
	}
	switch {
	case len(p.Industries) > 0:
		f.Score += scoreFocus
		f.Reasons = append(f.Reasons, ReasonIndustryFocus)
	case len(p.Sizes) > 0:
		f.Score += scoreFocus
		f.Reasons = append(f.Reasons, ReasonSizeFocus)
	}
	if b.TaxRating == "A" || b.TaxRating == "B" {
		f.Score += scoreTax
		f.Reasons = append(f.Reasons, ReasonGoodTax)
	}
	return f
}

// Rank judges every product and returns the eligible fits, best first: by
// score, then the lower rate, then the product's id. The eligible
// products whose lowest rate is within the cheapest third of them gain the
// low-rate reason and its points.
func Rank(products []*Product, bankActive func(bankID int64) bool, b *Business, d *NewDemand, now time.Time) []Fit {
	rate := map[int64]int{}
	var fits []Fit
	years := b.Years(now)
	for _, p := range products {
		f := judge(p, bankActive(p.BankID), b, d, years)
		if f.Eligible {
			rate[p.ID] = p.RateMinBP
			fits = append(fits, f)
		}
	}
	if len(fits) == 0 {
		return []Fit{}
	}
	rates := make([]int, 0, len(fits))
	for _, f := range fits {
		rates = append(rates, rate[f.ProductID])
	}
	sort.Ints(rates)
	cut := rates[(len(rates)-1)/3]
	for i := range fits {
		if rate[fits[i].ProductID] <= cut {
			fits[i].Score += scoreRate
			fits[i].Reasons = append(fits[i].Reasons, ReasonLowRate)
		}
	}
	sort.SliceStable(fits, func(i, j int) bool {
		a, c := fits[i], fits[j]
		if a.Score != c.Score {
			return a.Score > c.Score
		}
		if rate[a.ProductID] != rate[c.ProductID] {
			return rate[a.ProductID] < rate[c.ProductID]
		}
		return a.ProductID < c.ProductID
	})
	return fits
}

// MaxMatches is how many of the best fits a demand keeps as its proposed
// matches.
const MaxMatches = 8
