// Package finance is the domain of the district's small-business finance
// matching (甘霖工程): banks and their loan products with their terms and
// eligibility rules, small businesses with their credit file and consent,
// credit demands, the matching of a demand to products with a score and
// reasons, and the lifecycle of a match sent to a bank — the bank's claim
// within a service deadline of working days, its answer with a coded
// reason, the disbursement. Pure Go, no I/O; the use cases are in
// app/finance.
package finance

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/creditcode"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/personal"
)

// Roles of finance matching: the district finance office's staff (金融专员)
// and the staff of a bank, who see only their bank's matches.
const (
	RoleOfficer = org.RoleFinanceOfficer
	RoleBank    = org.RoleBankStaff
)

// Kind is the kind of a loan product.
type Kind string

// Kinds of product.
const (
	KindCredit    Kind = "credit"    // 信用贷款
	KindMortgage  Kind = "mortgage"  // 抵押贷款
	KindGuarantee Kind = "guarantee" // 担保贷款
)

// Kinds lists the kinds in display order.
var Kinds = []Kind{KindCredit, KindMortgage, KindGuarantee}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// Size is the size class of a business (大中小微企业划型).
type Size string

// Sizes.
const (
	SizeIndividual Size = "individual" // 个体工商户
	SizeMicro      Size = "micro"      // 微型
	SizeSmall      Size = "small"      // 小型
	SizeMedium     Size = "medium"     // 中型
)

// Sizes lists the sizes from the smallest.
var Sizes = []Size{SizeIndividual, SizeMicro, SizeSmall, SizeMedium}

// Valid reports whether s is a known size.
func (s Size) Valid() bool { return slices.Contains(Sizes, s) }

// Industry is a section of the national classification of economic
// activities (GB/T 4754), by its letter.
type Industry string

// Industries the district's businesses are in.
const (
	IndustryAgriculture   Industry = "A" // 农林牧渔业
	IndustryManufacturing Industry = "C" // 制造业
	IndustryConstruction  Industry = "E" // 建筑业
	IndustryTrade         Industry = "F" // 批发和零售业
	IndustryTransport     Industry = "G" // 交通运输、仓储和邮政业
	IndustryHospitality   Industry = "H" // 住宿和餐饮业
	IndustryIT            Industry = "I" // 信息传输、软件和信息技术服务业
	IndustryLeasing       Industry = "L" // 租赁和商务服务业
	IndustryServices      Industry = "O" // 居民服务、修理和其他服务业
	IndustryCulture       Industry = "R" // 文化、体育和娱乐业
)

// Industries lists the industries in the classification's order.
var Industries = []Industry{IndustryAgriculture, IndustryManufacturing, IndustryConstruction, IndustryTrade,
	IndustryTransport, IndustryHospitality, IndustryIT, IndustryLeasing, IndustryServices, IndustryCulture}

// Valid reports whether i is a known industry.
func (i Industry) Valid() bool { return slices.Contains(Industries, i) }

// Collateral is what a business offers to secure a loan.
type Collateral string

// Kinds of collateral.
const (
	CollateralNone        Collateral = "none"        // 无 (a credit loan)
	CollateralProperty    Collateral = "property"    // 房产
	CollateralEquipment   Collateral = "equipment"   // 设备
	CollateralReceivables Collateral = "receivables" // 应收账款
	CollateralGuarantor   Collateral = "guarantor"   // 担保人或担保公司
)

// Collaterals lists the kinds of collateral.
var Collaterals = []Collateral{CollateralNone, CollateralProperty, CollateralEquipment, CollateralReceivables, CollateralGuarantor}

// Valid reports whether c is a known kind of collateral.
func (c Collateral) Valid() bool { return slices.Contains(Collaterals, c) }

// TaxRating is a business's 纳税信用等级 (A best, D worst; M new).
type TaxRating string

// TaxRatings lists the ratings from the best; "" is not known.
var TaxRatings = []TaxRating{"A", "B", "M", "C", "D"}

// Valid reports whether r is a known rating or empty.
func (r TaxRating) Valid() bool { return r == "" || slices.Contains(TaxRatings, r) }

// Limits of input.
const (
	MaxName    = 100
	MaxText    = 2000
	MaxAmount  = 100_000_000 // yuan: 1亿, more than a small business borrows
	MaxTerm    = 360         // months
	MaxRateBP  = 3600        // 36.00%: above it a loan is usury in China
	MaxDays    = 30          // working days of a service deadline
	MinAnswerD = 1
)

// CheckText returns an EINVALID error on field when s is longer than max
// characters, empty while required, or holds control characters.
func CheckText(field, s string, max int, required bool) error {
	if required && strings.TrimSpace(s) == "" {
		return minsheng.FieldError(field, "%s is required", field).Because("required")
	}
	if utf8.RuneCountInString(s) > max {
		return minsheng.FieldError(field, "%s is longer than %d characters", field, max).Because("too_long")
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\r' && r != '\t' }) {
		return minsheng.FieldError(field, "%s holds control characters", field)
	}
	return nil
}

// checkAmount refuses an amount outside 1..MaxAmount yuan.
func checkAmount(field string, v int64, required bool) error {
	if v == 0 && !required {
		return nil
	}
	if v <= 0 {
		return minsheng.FieldError(field, "%s must be a positive amount of yuan", field).Because("amount_positive")
	}
	if v > MaxAmount {
		return minsheng.FieldError(field, "%s is above %d yuan", field, MaxAmount).Because("amount_too_large")
	}
	return nil
}

// Bank is a bank taking part in the programme, with its service promise:
// it claims a match within ClaimDays working days and answers (approves or
// declines) within AnswerDays working days of the claim.
type Bank struct {
	ID         int64  `json:"id,string"`
	Code       string `json:"code"`
	Name       string `json:"name"`
	ClaimDays  int    `json:"claim_days"`
	AnswerDays int    `json:"answer_days"`
	// ContactPhone is the bank's line for the programme, where reminders
	// of its deadlines go (a business line, not personal data).
	ContactPhone string    `json:"contact_phone"`
	Active       bool      `json:"active"`
	CreatedAt    time.Time `json:"created_at"`
}

// NewBank is a bank as the finance office registers it.
type NewBank struct {
	Code         string `json:"code"`
	Name         string `json:"name"`
	ClaimDays    int    `json:"claim_days"`
	AnswerDays   int    `json:"answer_days"`
	ContactPhone string `json:"contact_phone"`
}

// Default service deadlines, in working days.
const (
	DefaultClaimDays  = 3
	DefaultAnswerDays = 10
)

// Normalize trims the fields and fills the default deadlines.
func (n *NewBank) Normalize() {
	n.Code, n.Name = strings.ToLower(strings.TrimSpace(n.Code)), strings.TrimSpace(n.Name)
	n.ContactPhone = personal.NormalizePhone(n.ContactPhone)
	if n.ClaimDays == 0 {
		n.ClaimDays = DefaultClaimDays
	}
	if n.AnswerDays == 0 {
		n.AnswerDays = DefaultAnswerDays
	}
}

// Validate returns an EINVALID error naming the field at fault.
func (n *NewBank) Validate() error {
	if !validCode(n.Code) {
		return minsheng.FieldError("code", "code must be 2 to 40 lower-case letters, digits, '-' or '_'").Because("code_format")
	}
	if err := CheckText("name", n.Name, MaxName, true); err != nil {
		return err
	}
	if n.ClaimDays < MinAnswerD || n.ClaimDays > MaxDays {
		return minsheng.FieldError("claim_days", "claim_days must be 1 to %d working days", MaxDays).Because("days_range")
	}
	if n.AnswerDays < MinAnswerD || n.AnswerDays > MaxDays {
		return minsheng.FieldError("answer_days", "answer_days must be 1 to %d working days", MaxDays).Because("days_range")
	}
	if n.ContactPhone != "" && !personal.ValidPhone(n.ContactPhone) {
		return minsheng.FieldError("contact_phone", "the contact phone number is not valid").Because("phone_format")
	}
	return nil
}

func validCode(s string) bool {
	if len(s) < 2 || len(s) > 40 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// Product is a bank's loan product with its terms and eligibility rules.
// Amounts are yuan, rates basis points a year (345 = 3.45%), terms months.
// Empty Sizes or Industries admit every size or industry.
type Product struct {
	ID         int64        `json:"id,string"`
	BankID     int64        `json:"bank_id,string"`
	Name       string       `json:"name"`
	Kind       Kind         `json:"kind"`
	MinAmount  int64        `json:"min_amount"`
	MaxAmount  int64        `json:"max_amount"`
	RateMinBP  int          `json:"rate_min_bp"`
	RateMaxBP  int          `json:"rate_max_bp"`
	TermMin    int          `json:"term_min"`
	TermMax    int          `json:"term_max"`
	Sizes      []Size       `json:"sizes"`
	Industries []Industry   `json:"industries"`
	MinYears   int          `json:"min_years"`
	Collateral []Collateral `json:"collateral"` // what it accepts; a credit product accepts none
	MinTax     TaxRating    `json:"min_tax_rating"`
	Active     bool         `json:"active"`
	CreatedAt  time.Time    `json:"created_at"`
}

// NewProduct is a product as the finance office registers it.
type NewProduct struct {
	BankID     int64        `json:"bank_id,string"`
	Name       string       `json:"name"`
	Kind       Kind         `json:"kind"`
	MinAmount  int64        `json:"min_amount"`
	MaxAmount  int64        `json:"max_amount"`
	RateMinBP  int          `json:"rate_min_bp"`
	RateMaxBP  int          `json:"rate_max_bp"`
	TermMin    int          `json:"term_min"`
	TermMax    int          `json:"term_max"`
	Sizes      []Size       `json:"sizes"`
	Industries []Industry   `json:"industries"`
	MinYears   int          `json:"min_years"`
	Collateral []Collateral `json:"collateral"`
	MinTax     TaxRating    `json:"min_tax_rating"`
}

// Normalize trims the name and fills the defaults: a credit product
// accepts no collateral, a term of 1 to 12 months.
func (n *NewProduct) Normalize() {
	n.Name = strings.TrimSpace(n.Name)
	n.MinTax = TaxRating(strings.ToUpper(strings.TrimSpace(string(n.MinTax))))
	if len(n.Collateral) == 0 {
		switch n.Kind {
		case KindCredit:
			n.Collateral = []Collateral{CollateralNone}
		case KindMortgage:
			n.Collateral = []Collateral{CollateralProperty, CollateralEquipment}
		case KindGuarantee:
			n.Collateral = []Collateral{CollateralGuarantor}
		}
	}
	if n.TermMin == 0 {
		n.TermMin = 1
	}
	if n.TermMax == 0 {
		n.TermMax = 12
	}
	n.Sizes, n.Industries, n.Collateral = uniq(n.Sizes), uniq(n.Industries), uniq(n.Collateral)
}

func uniq[T comparable](s []T) []T {
	var out []T
	for _, v := range s {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// Validate returns an EINVALID error naming the field at fault.
func (n *NewProduct) Validate() error {
	if n.BankID == 0 {
		return minsheng.FieldError("bank_id", "bank_id is required").Because("required")
	}
	if err := CheckText("name", n.Name, MaxName, true); err != nil {
		return err
	}
	if !n.Kind.Valid() {
		return minsheng.FieldError("kind", "kind must be one of %s", list(Kinds)).Because("choose")
	}
	if err := checkAmount("min_amount", n.MinAmount, false); err != nil {
		return err
	}
	if err := checkAmount("max_amount", n.MaxAmount, true); err != nil {
		return err
	}
	if n.MinAmount > n.MaxAmount {
		return minsheng.FieldError("min_amount", "the least amount is above the largest").Because("min_above_max")
	}
	if n.RateMinBP <= 0 || n.RateMinBP > MaxRateBP {
		return minsheng.FieldError("rate_min_bp", "the rate must be above 0 and at most 36%%").Because("rate_range")
	}
	if n.RateMaxBP == 0 {
		n.RateMaxBP = n.RateMinBP
	}
	if n.RateMaxBP < n.RateMinBP || n.RateMaxBP > MaxRateBP {
		return minsheng.FieldError("rate_max_bp", "the highest rate must be at least the lowest and at most 36%%").Because("min_above_max")
	}
	if n.TermMin < 1 || n.TermMin > MaxTerm {
		return minsheng.FieldError("term_min", "the term must be 1 to %d months", MaxTerm).Because("term_range")
	}
	if n.TermMax < n.TermMin || n.TermMax > MaxTerm {
		return minsheng.FieldError("term_max", "the longest term must be at least the shortest and at most %d months", MaxTerm).Because("min_above_max")
	}
	for _, s := range n.Sizes {
		if !s.Valid() {
			return minsheng.FieldError("sizes", "unknown size %q", s).Because("choose")
		}
	}
	for _, i := range n.Industries {
		if !i.Valid() {
			return minsheng.FieldError("industries", "unknown industry %q", i).Because("choose")
		}
	}
	if n.MinYears < 0 || n.MinYears > 50 {
		return minsheng.FieldError("min_years", "min_years must be 0 to 50").Because("out_of_range")
	}
	for _, c := range n.Collateral {
		if !c.Valid() {
			return minsheng.FieldError("collateral", "unknown collateral %q", c).Because("choose")
		}
	}
	if !n.MinTax.Valid() {
		return minsheng.FieldError("min_tax_rating", "the tax rating must be one of A, B, M, C, D").Because("choose")
	}
	return nil
}

// Business is a small business with its credit file (信用档案). The owner's
// name, phone and ID number are personal data: shapes shown to staff carry
// them masked (Masked).
type Business struct {
	ID         int64     `json:"id,string"`
	CreditCode string    `json:"credit_code"`
	Name       string    `json:"name"`
	Industry   Industry  `json:"industry"`
	Size       Size      `json:"size"`
	FoundedOn  string    `json:"founded_on"` // YYYY-MM-DD
	Address    string    `json:"address"`
	Employees  int       `json:"employees"`
	Revenue    int64     `json:"revenue"` // yuan in the last year
	TaxRating  TaxRating `json:"tax_rating"`
	OwnerName  string    `json:"owner_name"`
	OwnerPhone string    `json:"owner_phone"`
	OwnerID    string    `json:"owner_id_number"`
	// Consent is the business's consent that its credit file is used for
	// matching and sent to the banks it is matched with; without it
	// nothing is sent.
	Consent   bool       `json:"consent"`
	ConsentAt *time.Time `json:"consent_at,omitempty"`
	UnitID    int64      `json:"unit_id,string"`
	UnitPath  string     `json:"-"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// Masked returns a copy with the owner's personal data masked.
func (b Business) Masked() Business {
	b.OwnerName, b.OwnerPhone, b.OwnerID = personal.MaskName(b.OwnerName), personal.MaskPhone(b.OwnerPhone), personal.MaskIDNumber(b.OwnerID)
	return b
}

// Years returns the whole years the business has been in business at t.
func (b *Business) Years(t time.Time) int {
	d, err := calendar.ParseDate(b.FoundedOn)
	if err != nil {
		return 0
	}
	now := calendar.DateOf(t)
	y := now.Year - d.Year
	if now.Month < d.Month || now.Month == d.Month && now.Day < d.Day {
		y--
	}
	return max(y, 0)
}

// NewBusiness is a business as the finance office registers it.
type NewBusiness struct {
	CreditCode string    `json:"credit_code"`
	Name       string    `json:"name"`
	Industry   Industry  `json:"industry"`
	Size       Size      `json:"size"`
	FoundedOn  string    `json:"founded_on"`
	Address    string    `json:"address"`
	Employees  int       `json:"employees"`
	Revenue    int64     `json:"revenue"`
	TaxRating  TaxRating `json:"tax_rating"`
	OwnerName  string    `json:"owner_name"`
	OwnerPhone string    `json:"owner_phone"`
	OwnerID    string    `json:"owner_id_number"`
	Consent    bool      `json:"consent"`
	UnitID     int64     `json:"unit_id,string"`
}

// Normalize trims the fields.
func (n *NewBusiness) Normalize() {
	n.CreditCode = creditcode.Normalize(n.CreditCode)
	n.Name, n.Address, n.OwnerName = strings.TrimSpace(n.Name), strings.TrimSpace(n.Address), strings.TrimSpace(n.OwnerName)
	n.FoundedOn = strings.TrimSpace(n.FoundedOn)
	n.OwnerPhone, n.OwnerID = personal.NormalizePhone(n.OwnerPhone), personal.NormalizeIDNumber(n.OwnerID)
	n.TaxRating = TaxRating(strings.ToUpper(strings.TrimSpace(string(n.TaxRating))))
}

// Validate returns an EINVALID error naming the field at fault; a founding
// day after now is refused.
func (n *NewBusiness) Validate(now time.Time) error {
	if n.CreditCode == "" {
		return minsheng.FieldError("credit_code", "the 统一社会信用代码 is required").Because("required")
	}
	if !creditcode.Valid(n.CreditCode) {
		return minsheng.FieldError("credit_code", "not a valid 统一社会信用代码: 18 characters whose last is the check character").Because("credit_code_invalid")
	}
	if err := CheckText("name", n.Name, MaxName, true); err != nil {
		return err
	}
	if !n.Industry.Valid() {
		return minsheng.FieldError("industry", "industry must be one of %s", list(Industries)).Because("choose")
	}
	if !n.Size.Valid() {
		return minsheng.FieldError("size", "size must be one of %s", list(Sizes)).Because("choose")
	}
	d, err := calendar.ParseDate(n.FoundedOn)
	if err != nil {
		return minsheng.FieldError("founded_on", "founded_on must be a date YYYY-MM-DD").Because("not_a_date")
	}
	if d.Start().After(now) {
		return minsheng.FieldError("founded_on", "founded_on is in the future").Because("date_future")
	}
	if err := CheckText("address", n.Address, 200, false); err != nil {
		return err
	}
	if n.Employees < 0 || n.Employees > 100000 {
		return minsheng.FieldError("employees", "employees must be 0 to 100000").Because("out_of_range")
	}
	if n.Revenue < 0 {
		return minsheng.FieldError("revenue", "revenue cannot be negative").Because("amount_positive")
	}
	if !n.TaxRating.Valid() {
		return minsheng.FieldError("tax_rating", "the tax rating must be one of A, B, M, C, D").Because("choose")
	}
	if err := CheckText("owner_name", n.OwnerName, 60, true); err != nil {
		return err
	}
	if !personal.ValidPhone(n.OwnerPhone) {
		return minsheng.FieldError("owner_phone", "the owner's phone number is not valid").Because("phone_format")
	}
	if n.OwnerID != "" && !personal.ValidIDNumber(n.OwnerID) {
		return minsheng.FieldError("owner_id_number", "the owner's ID number is not valid").Because("id_number_invalid")
	}
	return nil
}

func list[T ~string](all []T) string {
	s := make([]string, len(all))
	for i, v := range all {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

// FormatYuan writes an amount of yuan for people: 万元 with up to two
// decimals (35万, 12.5万), or yuan below 10,000.
func FormatYuan(v int64) string {
	if v < 10000 && v > -10000 {
		return fmt.Sprintf("%d元", v)
	}
	s := fmt.Sprintf("%.2f", float64(v)/10000)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s + "万"
}
