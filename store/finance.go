package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/finance"
)

// This file holds small-business finance matching (package finance): the
// banks and their products, the banks' staff, the businesses, their credit
// demands and the matches of demands to products.

// joinCodes writes a list of codes comma-separated, splitCodes reads it.
func joinCodes[T ~string](v []T) string {
	s := make([]string, len(v))
	for i, c := range v {
		s[i] = string(c)
	}
	return strings.Join(s, ",")
}

func splitCodes[T ~string](s string) []T {
	out := []T{}
	if s == "" {
		return out
	}
	for _, c := range strings.Split(s, ",") {
		out = append(out, T(c))
	}
	return out
}

// InsertFinanceBank writes a new bank; ECONFLICT when its code is taken.
func InsertFinanceBank(ctx context.Context, tx *Tx, b *finance.Bank) error {
	_, err := tx.Exec(ctx, `INSERT INTO finance_banks (id, code, name, claim_days, answer_days, contact_phone, active, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, b.ID, b.Code, b.Name, b.ClaimDays, b.AnswerDays, b.ContactPhone, b.Active, b.CreatedAt.UTC())
	if IsUnique(err) {
		return minsheng.FieldError("code", "a bank with the code %s exists", b.Code).Because("code_taken")
	}
	if err != nil {
		return fmt.Errorf("insert finance bank: %w", err)
	}
	return nil
}

// UpdateFinanceBank writes a bank's name, deadlines and whether it takes
// part.
func UpdateFinanceBank(ctx context.Context, tx *Tx, b *finance.Bank) error {
	_, err := tx.Exec(ctx, `UPDATE finance_banks SET name = ?, claim_days = ?, answer_days = ?, contact_phone = ?, active = ? WHERE id = ?`,
		b.Name, b.ClaimDays, b.AnswerDays, b.ContactPhone, b.Active, b.ID)
	if err != nil {
		return fmt.Errorf("update finance bank: %w", err)
	}
	return nil
}

const financeBankColumns = `id, code, name, claim_days, answer_days, contact_phone, active, created_at`

func scanFinanceBank(s scanner) (*finance.Bank, error) {
	var b finance.Bank
	if err := s.Scan(&b.ID, &b.Code, &b.Name, &b.ClaimDays, &b.AnswerDays, &b.ContactPhone, &b.Active, &b.CreatedAt); err != nil {
		return nil, err
	}
	b.CreatedAt = b.CreatedAt.UTC()
	return &b, nil
}

// GetFinanceBank returns a bank by id or code, or ENOTFOUND.
func GetFinanceBank(ctx context.Context, tx *Tx, ref string) (*finance.Bank, error) {
	return getOne(ctx, tx, scanFinanceBank, "bank", ref, `SELECT `+financeBankColumns+` FROM finance_banks
		WHERE code = ? OR CAST(id AS TEXT) = ?`, ref, ref)
}

// ListFinanceBanks returns every bank by name.
func ListFinanceBanks(ctx context.Context, tx *Tx) ([]*finance.Bank, error) {
	rows, err := tx.Query(ctx, `SELECT `+financeBankColumns+` FROM finance_banks ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("list finance banks: %w", err)
	}
	defer rows.Close()
	var out []*finance.Bank
	for rows.Next() {
		b, err := scanFinanceBank(rows)
		if err != nil {
			return nil, fmt.Errorf("list finance banks: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

const financeProductColumns = `id, bank_id, name, kind, min_amount, max_amount, rate_min_bp, rate_max_bp, term_min, term_max,
	sizes, industries, min_years, collateral, min_tax, active, created_at`

// InsertFinanceProduct writes a new product.
func InsertFinanceProduct(ctx context.Context, tx *Tx, p *finance.Product) error {
	_, err := tx.Exec(ctx, `INSERT INTO finance_products (`+financeProductColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.BankID, p.Name, p.Kind, p.MinAmount, p.MaxAmount, p.RateMinBP, p.RateMaxBP, p.TermMin, p.TermMax,
		joinCodes(p.Sizes), joinCodes(p.Industries), p.MinYears, joinCodes(p.Collateral), string(p.MinTax), p.Active, p.CreatedAt.UTC())
	if err != nil {
		return fmt.Errorf("insert finance product: %w", err)
	}
	return nil
}

// SetFinanceProductActive offers or withdraws a product.
func SetFinanceProductActive(ctx context.Context, tx *Tx, id int64, active bool) error {
	return changeOne(ctx, tx, "update finance product", notFound("product", id), `UPDATE finance_products SET active = ? WHERE id = ?`, active, id)
}

func scanFinanceProduct(s scanner) (*finance.Product, error) {
	var p finance.Product
	var sizes, industries, collateral, minTax string
	if err := s.Scan(&p.ID, &p.BankID, &p.Name, &p.Kind, &p.MinAmount, &p.MaxAmount, &p.RateMinBP, &p.RateMaxBP, &p.TermMin,
		&p.TermMax, &sizes, &industries, &p.MinYears, &collateral, &minTax, &p.Active, &p.CreatedAt); err != nil {
		return nil, err
	}
	p.Sizes, p.Industries, p.Collateral = splitCodes[finance.Size](sizes), splitCodes[finance.Industry](industries),
		splitCodes[finance.Collateral](collateral)
	p.MinTax, p.CreatedAt = finance.TaxRating(minTax), p.CreatedAt.UTC()
	return &p, nil
}

// GetFinanceProduct returns a product, or ENOTFOUND.
func GetFinanceProduct(ctx context.Context, tx *Tx, id int64) (*finance.Product, error) {
	return getOne(ctx, tx, scanFinanceProduct, "product", id, `SELECT `+financeProductColumns+` FROM finance_products WHERE id = ?`, id)
}

// ListFinanceProducts returns the products of a bank (0: of every bank),
// by bank and name.
func ListFinanceProducts(ctx context.Context, tx *Tx, bankID int64) ([]*finance.Product, error) {
	q, args := `SELECT `+financeProductColumns+` FROM finance_products`, []any{}
	if bankID != 0 {
		q, args = q+` WHERE bank_id = ?`, append(args, bankID)
	}
	rows, err := tx.Query(ctx, q+` ORDER BY bank_id, name, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list finance products: %w", err)
	}
	defer rows.Close()
	var out []*finance.Product
	for rows.Next() {
		p, err := scanFinanceProduct(rows)
		if err != nil {
			return nil, fmt.Errorf("list finance products: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// SetFinanceBankStaff records that the user works for the bank (replacing
// an earlier bank).
func SetFinanceBankStaff(ctx context.Context, tx *Tx, userID, bankID int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO finance_bank_staff (user_id, bank_id) VALUES (?, ?)
		ON CONFLICT (user_id) DO UPDATE SET bank_id = excluded.bank_id`, userID, bankID)
	if err != nil {
		return fmt.Errorf("set finance bank staff: %w", err)
	}
	return nil
}

// FinanceBankOf returns the id of the bank the user works for, or
// ENOTFOUND.
func FinanceBankOf(ctx context.Context, tx *Tx, userID int64) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `SELECT bank_id FROM finance_bank_staff WHERE user_id = ?`, userID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, notFound("bank of user", userID)
	}
	if err != nil {
		return 0, fmt.Errorf("finance bank of user: %w", err)
	}
	return id, nil
}

// CountFinanceBankStaff returns how many users work for each bank.
func CountFinanceBankStaff(ctx context.Context, tx *Tx) (map[int64]int, error) {
	rows, err := tx.Query(ctx, `SELECT bank_id, COUNT(*) FROM finance_bank_staff GROUP BY bank_id`)
	if err != nil {
		return nil, fmt.Errorf("count finance bank staff: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var b int64
		var n int
		if err := rows.Scan(&b, &n); err != nil {
			return nil, err
		}
		out[b] = n
	}
	return out, rows.Err()
}

const financeBusinessColumns = `id, credit_code, name, industry, size, founded_on, address, employees, revenue, tax_rating,
	owner_name, owner_phone, owner_id_number, consent, consent_at, unit_id, unit_path, created_at, updated_at`

// InsertFinanceBusiness writes a new business; an EINVALID error on
// credit_code when a business with the code is registered.
func InsertFinanceBusiness(ctx context.Context, tx *Tx, b *finance.Business) error {
	_, err := tx.Exec(ctx, `INSERT INTO finance_businesses (`+financeBusinessColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		b.ID, b.CreditCode, b.Name, b.Industry, b.Size, b.FoundedOn, b.Address, b.Employees, b.Revenue, string(b.TaxRating),
		b.OwnerName, b.OwnerPhone, b.OwnerID, b.Consent, nullTime(b.ConsentAt), b.UnitID, b.UnitPath, b.CreatedAt.UTC(), b.UpdatedAt.UTC())
	if IsUnique(err) {
		return minsheng.FieldError("credit_code", "a business with the credit code %s is registered", b.CreditCode).Because("credit_code_taken")
	}
	if err != nil {
		return fmt.Errorf("insert finance business: %w", err)
	}
	return nil
}

// UpdateFinanceBusiness writes a business's credit file (not its code,
// consent or unit).
func UpdateFinanceBusiness(ctx context.Context, tx *Tx, b *finance.Business) error {
	_, err := tx.Exec(ctx, `UPDATE finance_businesses SET name = ?, industry = ?, size = ?, founded_on = ?, address = ?, employees = ?,
		revenue = ?, tax_rating = ?, owner_name = ?, owner_phone = ?, owner_id_number = ?, updated_at = ? WHERE id = ?`,
		b.Name, b.Industry, b.Size, b.FoundedOn, b.Address, b.Employees, b.Revenue, string(b.TaxRating), b.OwnerName, b.OwnerPhone,
		b.OwnerID, b.UpdatedAt.UTC(), b.ID)
	if err != nil {
		return fmt.Errorf("update finance business: %w", err)
	}
	return nil
}

// UpdateFinanceBusinessConsent writes a business's consent.
func UpdateFinanceBusinessConsent(ctx context.Context, tx *Tx, b *finance.Business) error {
	_, err := tx.Exec(ctx, `UPDATE finance_businesses SET consent = ?, consent_at = ?, updated_at = ? WHERE id = ?`,
		b.Consent, nullTime(b.ConsentAt), b.UpdatedAt.UTC(), b.ID)
	if err != nil {
		return fmt.Errorf("update finance business: %w", err)
	}
	return nil
}

func scanFinanceBusiness(s scanner) (*finance.Business, error) {
	var b finance.Business
	var tax string
	var consentAt sql.NullTime
	if err := s.Scan(&b.ID, &b.CreditCode, &b.Name, &b.Industry, &b.Size, &b.FoundedOn, &b.Address, &b.Employees, &b.Revenue,
		&tax, &b.OwnerName, &b.OwnerPhone, &b.OwnerID, &b.Consent, &consentAt, &b.UnitID, &b.UnitPath, &b.CreatedAt, &b.UpdatedAt); err != nil {
		return nil, err
	}
	b.TaxRating, b.ConsentAt = finance.TaxRating(tax), timePtr(consentAt)
	b.CreatedAt, b.UpdatedAt = b.CreatedAt.UTC(), b.UpdatedAt.UTC()
	return &b, nil
}

// GetFinanceBusiness returns a business by id or credit code, or
// ENOTFOUND.
func GetFinanceBusiness(ctx context.Context, tx *Tx, ref string) (*finance.Business, error) {
	return getOne(ctx, tx, scanFinanceBusiness, "business", ref, `SELECT `+financeBusinessColumns+` FROM finance_businesses
		WHERE credit_code = ? OR CAST(id AS TEXT) = ?`, strings.ToUpper(ref), ref)
}

// ListFinanceBusinesses returns the businesses whose name or credit code
// holds q (all when empty), by name, at most limit (0: all).
func ListFinanceBusinesses(ctx context.Context, tx *Tx, q string, limit int) ([]*finance.Business, error) {
	query, args := `SELECT `+financeBusinessColumns+` FROM finance_businesses`, []any{}
	if q = strings.TrimSpace(q); q != "" {
		query += ` WHERE name LIKE ? OR credit_code LIKE ?`
		args = append(args, "%"+q+"%", "%"+strings.ToUpper(q)+"%")
	}
	query += ` ORDER BY name, id`
	if limit > 0 {
		query += fmt.Sprintf(` LIMIT %d`, limit)
	}
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list finance businesses: %w", err)
	}
	defer rows.Close()
	var out []*finance.Business
	for rows.Next() {
		b, err := scanFinanceBusiness(rows)
		if err != nil {
			return nil, fmt.Errorf("list finance businesses: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// NextFinanceDemandNumber returns the next demand number of the day
// (China): RZ20261207-0001, gap-free per day.
func NextFinanceDemandNumber(ctx context.Context, tx *Tx, at time.Time) (string, error) {
	d := at.In(calendar.China).Format("20060102")
	seq, err := nextCounter(ctx, tx, "finance:"+d)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("RZ%s-%04d", d, seq), nil
}

const financeDemandColumns = `id, number, business_id, amount, term_months, purpose, collateral, status, note,
	created_at, updated_at, closed_at, version`

// InsertFinanceDemand writes a new demand.
func InsertFinanceDemand(ctx context.Context, tx *Tx, d *finance.Demand) error {
	_, err := tx.Exec(ctx, `INSERT INTO finance_demands (`+financeDemandColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.ID, d.Number, d.BusinessID, d.Amount, d.TermMonths, d.Purpose, d.Collateral, d.Status, d.Note,
		d.CreatedAt.UTC(), d.UpdatedAt.UTC(), nullTime(d.ClosedAt), d.Version)
	if err != nil {
		return fmt.Errorf("insert finance demand: %w", err)
	}
	return nil
}

// UpdateFinanceDemand writes a demand's status, note and times if its
// version is still d.Version-1: ECONFLICT when another change came first.
func UpdateFinanceDemand(ctx context.Context, tx *Tx, d *finance.Demand) error {
	return changeOne(ctx, tx, "update finance demand", stale("demand").Because("stale"),
		`UPDATE finance_demands SET status = ?, note = ?, updated_at = ?, closed_at = ?, version = ?
		WHERE id = ? AND version = ?`, d.Status, d.Note, d.UpdatedAt.UTC(), nullTime(d.ClosedAt), d.Version, d.ID, d.Version-1)
}

func scanFinanceDemand(s scanner) (*finance.Demand, error) {
	var d finance.Demand
	var closed sql.NullTime
	if err := s.Scan(&d.ID, &d.Number, &d.BusinessID, &d.Amount, &d.TermMonths, &d.Purpose, &d.Collateral, &d.Status, &d.Note,
		&d.CreatedAt, &d.UpdatedAt, &closed, &d.Version); err != nil {
		return nil, err
	}
	d.CreatedAt, d.UpdatedAt, d.ClosedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC(), timePtr(closed)
	return &d, nil
}

// GetFinanceDemand returns a demand by id or number, or ENOTFOUND.
func GetFinanceDemand(ctx context.Context, tx *Tx, ref string) (*finance.Demand, error) {
	return getOne(ctx, tx, scanFinanceDemand, "demand", ref, `SELECT `+financeDemandColumns+` FROM finance_demands
		WHERE number = ? OR CAST(id AS TEXT) = ?`, ref, ref)
}

// FinanceDemandFilter selects demands: of a status, of a business, with a
// match to a bank, created in [Since, Until).
type FinanceDemandFilter struct {
	Status     finance.DemandStatus
	BusinessID int64
	BankID     int64
	Since      *time.Time
	Until      *time.Time
	Limit      int // 0: no limit
}

// ListFinanceDemands returns the demands of the filter, newest first.
func ListFinanceDemands(ctx context.Context, tx *Tx, f FinanceDemandFilter) ([]*finance.Demand, error) {
	var w where
	w.addIf(f.Status != "", "status = ?", f.Status)
	w.addIf(f.BusinessID != 0, "business_id = ?", f.BusinessID)
	w.addIf(f.BankID != 0, "id IN (SELECT demand_id FROM finance_matches WHERE bank_id = ? AND status <> 'proposed')", f.BankID)
	w.between("created_at", f.Since, f.Until)
	q := `SELECT ` + financeDemandColumns + ` FROM finance_demands` + w.String() + ` ORDER BY created_at DESC, id DESC`
	if f.Limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	rows, err := tx.Query(ctx, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("list finance demands: %w", err)
	}
	defer rows.Close()
	var out []*finance.Demand
	for rows.Next() {
		d, err := scanFinanceDemand(rows)
		if err != nil {
			return nil, fmt.Errorf("list finance demands: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

const financeMatchColumns = `id, demand_id, product_id, bank_id, score, reasons, status, sent_at, claim_by, claimed_at,
	answer_by, answered_at, approved_amount, decline_reason, disbursed_amount, disbursed_on, reminded_at, escalated_at,
	created_at, updated_at, version`

// InsertFinanceMatch writes a new match.
func InsertFinanceMatch(ctx context.Context, tx *Tx, m *finance.Match) error {
	_, err := tx.Exec(ctx, `INSERT INTO finance_matches (`+financeMatchColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.DemandID, m.ProductID, m.BankID, m.Score, joinCodes(m.Reasons), m.Status, nullTime(m.SentAt), nullTime(m.ClaimBy),
		nullTime(m.ClaimedAt), nullTime(m.AnswerBy), nullTime(m.AnsweredAt), m.ApprovedAmount, string(m.DeclineReason),
		m.DisbursedAmount, m.DisbursedOn, nullTime(m.RemindedAt), nullTime(m.EscalatedAt), m.CreatedAt.UTC(), m.UpdatedAt.UTC(), m.Version)
	if err != nil {
		return fmt.Errorf("insert finance match: %w", err)
	}
	return nil
}

// UpdateFinanceMatch writes a match's handling if its version is still
// m.Version-1: ECONFLICT when another change came first.
func UpdateFinanceMatch(ctx context.Context, tx *Tx, m *finance.Match) error {
	return changeOne(ctx, tx, "update finance match", stale("match").Because("stale"),
		`UPDATE finance_matches SET status = ?, sent_at = ?, claim_by = ?, claimed_at = ?, answer_by = ?,
		answered_at = ?, approved_amount = ?, decline_reason = ?, disbursed_amount = ?, disbursed_on = ?, reminded_at = ?,
		escalated_at = ?, updated_at = ?, version = ? WHERE id = ? AND version = ?`,
		m.Status, nullTime(m.SentAt), nullTime(m.ClaimBy), nullTime(m.ClaimedAt), nullTime(m.AnswerBy), nullTime(m.AnsweredAt),
		m.ApprovedAmount, string(m.DeclineReason), m.DisbursedAmount, m.DisbursedOn, nullTime(m.RemindedAt), nullTime(m.EscalatedAt),
		m.UpdatedAt.UTC(), m.Version, m.ID, m.Version-1)
}

func scanFinanceMatch(s scanner) (*finance.Match, error) {
	var m finance.Match
	var reasons, decline string
	var sent, claimBy, claimed, answerBy, answered, reminded, escalated sql.NullTime
	if err := s.Scan(&m.ID, &m.DemandID, &m.ProductID, &m.BankID, &m.Score, &reasons, &m.Status, &sent, &claimBy, &claimed,
		&answerBy, &answered, &m.ApprovedAmount, &decline, &m.DisbursedAmount, &m.DisbursedOn, &reminded, &escalated,
		&m.CreatedAt, &m.UpdatedAt, &m.Version); err != nil {
		return nil, err
	}
	m.Reasons, m.DeclineReason = splitCodes[finance.Reason](reasons), finance.DeclineReason(decline)
	m.SentAt, m.ClaimBy, m.ClaimedAt, m.AnswerBy = timePtr(sent), timePtr(claimBy), timePtr(claimed), timePtr(answerBy)
	m.AnsweredAt, m.RemindedAt, m.EscalatedAt = timePtr(answered), timePtr(reminded), timePtr(escalated)
	m.CreatedAt, m.UpdatedAt = m.CreatedAt.UTC(), m.UpdatedAt.UTC()
	return &m, nil
}

// GetFinanceMatch returns a match, or ENOTFOUND.
func GetFinanceMatch(ctx context.Context, tx *Tx, id int64) (*finance.Match, error) {
	return getOne(ctx, tx, scanFinanceMatch, "match", id, `SELECT `+financeMatchColumns+` FROM finance_matches WHERE id = ?`, id)
}

// FinanceMatchFilter selects matches: of a demand, of a bank, in one of
// the statuses (nil: any), sent in [SentSince, SentUntil).
type FinanceMatchFilter struct {
	DemandID  int64
	BankID    int64
	Statuses  []finance.Status
	SentSince *time.Time
	SentUntil *time.Time
	Limit     int // 0: no limit
}

// ListFinanceMatches returns the matches of the filter: of a demand by
// score, else the most recently sent first.
func ListFinanceMatches(ctx context.Context, tx *Tx, f FinanceMatchFilter) ([]*finance.Match, error) {
	if f.Statuses != nil && len(f.Statuses) == 0 {
		return nil, nil
	}
	var w where
	w.addIf(f.DemandID != 0, "demand_id = ?", f.DemandID)
	w.addIf(f.BankID != 0, "bank_id = ?", f.BankID)
	whereIn(&w, "status", f.Statuses)
	w.between("sent_at", f.SentSince, f.SentUntil)
	q := `SELECT ` + financeMatchColumns + ` FROM finance_matches` + w.String()
	if f.DemandID != 0 {
		q += ` ORDER BY score DESC, id`
	} else {
		q += ` ORDER BY COALESCE(sent_at, created_at) DESC, id DESC`
	}
	if f.Limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	rows, err := tx.Query(ctx, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("list finance matches: %w", err)
	}
	defer rows.Close()
	var out []*finance.Match
	for rows.Next() {
		m, err := scanFinanceMatch(rows)
		if err != nil {
			return nil, fmt.Errorf("list finance matches: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
