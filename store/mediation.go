package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/mediation"
)

// This file holds the mediation centre's cases (package mediation): the
// cases, their parties, sessions, notes, agreements and performance
// schedules.

// NextMediationNumber returns the next case number of the day (China):
// TJ20261207-0001. Numbers are gap-free per day, as ticket numbers.
func NextMediationNumber(ctx context.Context, tx *Tx, at time.Time) (string, error) {
	d := at.In(mediation.China).Format("20060102")
	seq, err := nextCounter(ctx, tx, "mediation:"+d)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("TJ%s-%04d", d, seq), nil
}

const mediationCaseColumns = `id, number, type, source, status, title, summary, address, referred_by, unit_id, unit_path,
	mediator_id, ticket_id, outcome, repeats, registered_at, accepted_at, agreement_at, closed_at, updated_at, version`

func scanMediationCase(s scanner) (*mediation.Case, error) {
	var c mediation.Case
	var mediator, ticketID sql.NullInt64
	var repeats string
	var accepted, agreed, closed sql.NullTime
	if err := s.Scan(&c.ID, &c.Number, &c.Type, &c.Source, &c.Status, &c.Title, &c.Summary, &c.Address, &c.ReferredBy,
		&c.UnitID, &c.UnitPath, &mediator, &ticketID, &c.Outcome, &repeats, &c.RegisteredAt, &accepted, &agreed, &closed,
		&c.UpdatedAt, &c.Version); err != nil {
		return nil, err
	}
	c.MediatorID, c.TicketID = mediator.Int64, ticketID.Int64
	c.RegisteredAt, c.UpdatedAt = c.RegisteredAt.UTC(), c.UpdatedAt.UTC()
	c.AcceptedAt, c.AgreementAt, c.ClosedAt = timePtr(accepted), timePtr(agreed), timePtr(closed)
	if err := json.Unmarshal([]byte(repeats), &c.Repeats); err != nil {
		return nil, fmt.Errorf("case %d repeats: %w", c.ID, err)
	}
	if c.Repeats == nil {
		c.Repeats = []mediation.Repeat{}
	}
	return &c, nil
}

func repeatsJSON(r []mediation.Repeat) string {
	if len(r) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(r)
	return string(b)
}

// InsertMediationCase writes a new case.
func InsertMediationCase(ctx context.Context, tx *Tx, c *mediation.Case) error {
	_, err := tx.Exec(ctx, `INSERT INTO mediation_cases (`+mediationCaseColumns+`, address_key)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.Number, c.Type, c.Source, c.Status, c.Title, c.Summary, c.Address, c.ReferredBy, c.UnitID, c.UnitPath,
		nullID(c.MediatorID), nullID(c.TicketID), c.Outcome, repeatsJSON(c.Repeats), c.RegisteredAt.UTC(),
		nullTime(c.AcceptedAt), nullTime(c.AgreementAt), nullTime(c.ClosedAt), c.UpdatedAt.UTC(), c.Version,
		mediation.NormalizeAddress(c.Address))
	if err != nil {
		return fmt.Errorf("insert mediation case: %w", err)
	}
	return nil
}

// UpdateMediationCase writes a case's status, mediator, outcome, repeats and times
// if its version is still c.Version-1 (the caller has counted the change):
// ECONFLICT when another change came first.
func UpdateMediationCase(ctx context.Context, tx *Tx, c *mediation.Case) error {
	return changeOne(ctx, tx, "update mediation case", stale("case"),
		`UPDATE mediation_cases SET status = ?, mediator_id = ?, outcome = ?, accepted_at = ?,
		agreement_at = ?, closed_at = ?, updated_at = ?, version = ?, repeats = ? WHERE id = ? AND version = ?`,
		c.Status, nullID(c.MediatorID), c.Outcome, nullTime(c.AcceptedAt), nullTime(c.AgreementAt), nullTime(c.ClosedAt),
		c.UpdatedAt.UTC(), c.Version, repeatsJSON(c.Repeats), c.ID, c.Version-1)
}

// GetMediationCase returns a case by id or number, or ENOTFOUND.
func GetMediationCase(ctx context.Context, tx *Tx, ref string) (*mediation.Case, error) {
	return getOne(ctx, tx, scanMediationCase, "case", ref, `SELECT `+mediationCaseColumns+` FROM mediation_cases
		WHERE number = ? OR CAST(id AS TEXT) = ?`, ref, ref)
}

// MediationFilter selects cases: within one of the unit subtrees (nil:
// all), of a status, registered in [Since, Until), of a ticket.
type MediationFilter struct {
	UnitPaths []string
	Status    mediation.Status
	Since     *time.Time
	Until     *time.Time
	TicketID  int64
	Limit     int // 0: no limit
}

// ListMediationCases returns the cases of the filter, newest first.
func ListMediationCases(ctx context.Context, tx *Tx, f MediationFilter) ([]*mediation.Case, error) {
	var w where
	if f.UnitPaths != nil {
		if len(f.UnitPaths) == 0 {
			return nil, nil
		}
		var ors []string
		var args []any
		for _, p := range f.UnitPaths {
			ors = append(ors, "unit_path LIKE ?")
			args = append(args, p+"%")
		}
		w.add("("+strings.Join(ors, " OR ")+")", args...)
	}
	w.addIf(f.Status != "", "status = ?", f.Status)
	w.between("registered_at", f.Since, f.Until)
	w.addIf(f.TicketID != 0, "ticket_id = ?", f.TicketID)
	q := `SELECT ` + mediationCaseColumns + ` FROM mediation_cases` + w.String() + " ORDER BY registered_at DESC, id DESC"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	out, err := queryAll(ctx, tx, scanMediationCase, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("list mediation cases: %w", err)
	}
	return out, nil
}

// ListMediationPriors returns the cases registered in [since, before) at
// the address (normalized) or with a party of one of the phones or ID
// numbers, newest first, with their parties' keys: what repeat detection
// reads.
func ListMediationPriors(ctx context.Context, tx *Tx, since, before time.Time, address string, keys []mediation.PartyKey) ([]mediation.Prior, error) {
	conds := []string{}
	args := []any{since.UTC(), before.UTC()}
	if a := mediation.NormalizeAddress(address); a != "" {
		conds, args = append(conds, "c.address_key = ?"), append(args, a)
	}
	for _, k := range keys {
		if k.Phone != "" {
			conds, args = append(conds, "c.id IN (SELECT case_id FROM mediation_parties WHERE phone = ?)"), append(args, k.Phone)
		}
		if k.IDNumber != "" {
			conds, args = append(conds, "c.id IN (SELECT case_id FROM mediation_parties WHERE id_number = ?)"), append(args, k.IDNumber)
		}
	}
	if len(conds) == 0 {
		return nil, nil
	}
	priors, err := queryAll(ctx, tx, func(s scanner) (mediation.Prior, error) {
		var p mediation.Prior
		err := s.Scan(&p.CaseID, &p.Number, &p.RegisteredAt, &p.Address)
		p.RegisteredAt = p.RegisteredAt.UTC()
		return p, err
	}, `SELECT c.id, c.number, c.registered_at, c.address FROM mediation_cases c
		WHERE c.registered_at >= ? AND c.registered_at < ? AND (`+strings.Join(conds, " OR ")+`)
		ORDER BY c.registered_at DESC, c.id DESC LIMIT 50`, args...)
	if err != nil {
		return nil, fmt.Errorf("list mediation priors: %w", err)
	}
	for i := range priors {
		ps, err := ListMediationParties(ctx, tx, priors[i].CaseID)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			priors[i].Parties = append(priors[i].Parties, p.Key())
		}
	}
	return priors, nil
}

const mediationPartyColumns = `id, case_id, side, kind, name, phone, id_number, address, agent_name, agent_phone`

// InsertMediationParty writes a party of a case at a position.
func InsertMediationParty(ctx context.Context, tx *Tx, p *mediation.Party, position int) error {
	_, err := tx.Exec(ctx, `INSERT INTO mediation_parties (`+mediationPartyColumns+`, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.CaseID, p.Side, p.Kind, p.Name, p.Phone, p.IDNumber, p.Address, p.AgentName, p.AgentPhone, position)
	if err != nil {
		return fmt.Errorf("insert mediation party: %w", err)
	}
	return nil
}

// ListMediationParties returns a case's parties in the order they were
// registered, unmasked.
func ListMediationParties(ctx context.Context, tx *Tx, caseID int64) ([]mediation.Party, error) {
	out, err := queryAll(ctx, tx, func(s scanner) (mediation.Party, error) {
		var p mediation.Party
		err := s.Scan(&p.ID, &p.CaseID, &p.Side, &p.Kind, &p.Name, &p.Phone, &p.IDNumber, &p.Address, &p.AgentName, &p.AgentPhone)
		return p, err
	}, `SELECT `+mediationPartyColumns+` FROM mediation_parties WHERE case_id = ? ORDER BY position, id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("list mediation parties: %w", err)
	}
	return out, nil
}

// InsertMediationSession writes a scheduled session; its Seq is the next
// of the case.
func InsertMediationSession(ctx context.Context, tx *Tx, s *mediation.Session) error {
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM mediation_sessions WHERE case_id = ?`, s.CaseID).Scan(&s.Seq); err != nil {
		return fmt.Errorf("insert mediation session: %w", err)
	}
	_, err := tx.Exec(ctx, `INSERT INTO mediation_sessions (id, case_id, seq, scheduled_at, place, participants, held_at, record, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, s.ID, s.CaseID, s.Seq, s.ScheduledAt.UTC(), s.Place, s.Participants,
		nullTime(s.HeldAt), s.Record, nullID(s.CreatedBy))
	if err != nil {
		return fmt.Errorf("insert mediation session: %w", err)
	}
	return nil
}

// UpdateMediationSession writes a session's time, place, participants,
// holding and record.
func UpdateMediationSession(ctx context.Context, tx *Tx, s *mediation.Session) error {
	_, err := tx.Exec(ctx, `UPDATE mediation_sessions SET scheduled_at = ?, place = ?, participants = ?, held_at = ?, record = ?
		WHERE id = ?`, s.ScheduledAt.UTC(), s.Place, s.Participants, nullTime(s.HeldAt), s.Record, s.ID)
	if err != nil {
		return fmt.Errorf("update mediation session: %w", err)
	}
	return nil
}

// ListMediationSessions returns a case's sessions in order.
func ListMediationSessions(ctx context.Context, tx *Tx, caseID int64) ([]mediation.Session, error) {
	out, err := queryAll(ctx, tx, func(s scanner) (mediation.Session, error) {
		var x mediation.Session
		var held sql.NullTime
		var by sql.NullInt64
		err := s.Scan(&x.ID, &x.CaseID, &x.Seq, &x.ScheduledAt, &x.Place, &x.Participants, &held, &x.Record, &by)
		x.ScheduledAt, x.HeldAt, x.CreatedBy = x.ScheduledAt.UTC(), timePtr(held), by.Int64
		return x, err
	}, `SELECT id, case_id, seq, scheduled_at, place, participants, held_at, record, created_by FROM mediation_sessions
		WHERE case_id = ? ORDER BY seq`, caseID)
	if err != nil {
		return nil, fmt.Errorf("list mediation sessions: %w", err)
	}
	return out, nil
}

// InsertMediationNote writes a note.
func InsertMediationNote(ctx context.Context, tx *Tx, n *mediation.Note) error {
	_, err := tx.Exec(ctx, `INSERT INTO mediation_notes (id, case_id, session_id, party_id, author_id, at, body)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, n.ID, n.CaseID, nullID(n.SessionID), nullID(n.PartyID), nullID(n.AuthorID), n.At.UTC(), n.Body)
	if err != nil {
		return fmt.Errorf("insert mediation note: %w", err)
	}
	return nil
}

// ListMediationNotes returns a case's notes, oldest first: the joint ones,
// and the private ones too when private is true.
func ListMediationNotes(ctx context.Context, tx *Tx, caseID int64, private bool) ([]mediation.Note, error) {
	q := `SELECT n.id, n.case_id, COALESCE(n.session_id, 0), COALESCE(n.party_id, 0), COALESCE(n.author_id, 0),
		COALESCE(u.name, ''), n.at, n.body FROM mediation_notes n LEFT JOIN users u ON u.id = n.author_id WHERE n.case_id = ?`
	if !private {
		q += " AND n.party_id IS NULL"
	}
	out, err := queryAll(ctx, tx, func(s scanner) (mediation.Note, error) {
		var n mediation.Note
		err := s.Scan(&n.ID, &n.CaseID, &n.SessionID, &n.PartyID, &n.AuthorID, &n.AuthorName, &n.At, &n.Body)
		n.At = n.At.UTC()
		return n, err
	}, q+" ORDER BY n.at, n.id", caseID)
	if err != nil {
		return nil, fmt.Errorf("list mediation notes: %w", err)
	}
	return out, nil
}

// InsertMediationAgreement writes a case's agreement and its schedule.
func InsertMediationAgreement(ctx context.Context, tx *Tx, a *mediation.Agreement) error {
	_, err := tx.Exec(ctx, `INSERT INTO mediation_agreements (case_id, terms, sign_mode, effective_at, judicial_deadline,
		judicial_prompted_at, judicial_applied_at, created_at, created_by, signed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.CaseID, a.Terms, a.SignMode, a.EffectiveAt.UTC(), a.JudicialDeadline.UTC(), nullTime(a.JudicialPromptedAt),
		nullTime(a.JudicialAppliedAt), a.CreatedAt.UTC(), nullID(a.CreatedBy), nullTime(a.SignedAt))
	if IsUnique(err) {
		return minsheng.Errorf(minsheng.ECONFLICT, "the case already has an agreement")
	}
	if err != nil {
		return fmt.Errorf("insert mediation agreement: %w", err)
	}
	for _, in := range a.Schedule {
		if _, err := tx.Exec(ctx, `INSERT INTO mediation_instalments (case_id, seq, due, amount_fen, what, paid_at, reminded_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, a.CaseID, in.Seq, in.Due.UTC(), in.AmountFen, in.What, nullTime(in.PaidAt),
			nullTime(in.RemindedAt)); err != nil {
			return fmt.Errorf("insert mediation instalment: %w", err)
		}
	}
	return nil
}

// UpdateMediationAgreement writes when 司法确认 was prompted for and
// applied for.
func UpdateMediationAgreement(ctx context.Context, tx *Tx, a *mediation.Agreement) error {
	_, err := tx.Exec(ctx, `UPDATE mediation_agreements SET judicial_prompted_at = ?, judicial_applied_at = ?,
		signed_at = ?, effective_at = ?, judicial_deadline = ?, sign_mode = ? WHERE case_id = ?`,
		nullTime(a.JudicialPromptedAt), nullTime(a.JudicialAppliedAt), nullTime(a.SignedAt), a.EffectiveAt.UTC(),
		a.JudicialDeadline.UTC(), a.SignMode, a.CaseID)
	if err != nil {
		return fmt.Errorf("update mediation agreement: %w", err)
	}
	return nil
}

// UpdateMediationInstalment writes when an instalment was paid and
// reminded of.
func UpdateMediationInstalment(ctx context.Context, tx *Tx, caseID int64, in *mediation.Instalment) error {
	return changeOne(ctx, tx, "update mediation instalment", notFound("instalment", in.Seq),
		`UPDATE mediation_instalments SET paid_at = ?, reminded_at = ? WHERE case_id = ? AND seq = ?`,
		nullTime(in.PaidAt), nullTime(in.RemindedAt), caseID, in.Seq)
}

// GetMediationAgreement returns a case's agreement with its schedule, or
// ENOTFOUND.
func GetMediationAgreement(ctx context.Context, tx *Tx, caseID int64) (*mediation.Agreement, error) {
	var a mediation.Agreement
	var prompted, applied, signed sql.NullTime
	var by sql.NullInt64
	err := tx.QueryRow(ctx, `SELECT case_id, terms, sign_mode, effective_at, judicial_deadline, judicial_prompted_at,
		judicial_applied_at, created_at, created_by, signed_at FROM mediation_agreements WHERE case_id = ?`, caseID).Scan(
		&a.CaseID, &a.Terms, &a.SignMode, &a.EffectiveAt, &a.JudicialDeadline, &prompted, &applied, &a.CreatedAt, &by, &signed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("agreement of case", caseID)
	}
	if err != nil {
		return nil, fmt.Errorf("get mediation agreement: %w", err)
	}
	a.EffectiveAt, a.JudicialDeadline, a.CreatedAt = a.EffectiveAt.UTC(), a.JudicialDeadline.UTC(), a.CreatedAt.UTC()
	a.JudicialPromptedAt, a.JudicialAppliedAt, a.CreatedBy = timePtr(prompted), timePtr(applied), by.Int64
	a.SignedAt = timePtr(signed)
	a.Schedule, err = queryAll(ctx, tx, func(s scanner) (mediation.Instalment, error) {
		var in mediation.Instalment
		var paid, reminded sql.NullTime
		err := s.Scan(&in.Seq, &in.Due, &in.AmountFen, &in.What, &paid, &reminded)
		in.Due, in.PaidAt, in.RemindedAt = in.Due.UTC(), timePtr(paid), timePtr(reminded)
		return in, err
	}, `SELECT seq, due, amount_fen, what, paid_at, reminded_at FROM mediation_instalments WHERE case_id = ? ORDER BY seq`, caseID)
	if err != nil {
		return nil, fmt.Errorf("get mediation schedule: %w", err)
	}
	if a.Schedule == nil {
		a.Schedule = []mediation.Instalment{}
	}
	return &a, nil
}

// ListMediationCasesWithDue returns the ids of cases in performance (or
// defaulted) with an unpaid instalment due before before: what the
// reminder job visits.
func ListMediationCasesWithDue(ctx context.Context, tx *Tx, before time.Time) ([]int64, error) {
	out, err := queryAll(ctx, tx, func(s scanner) (int64, error) {
		var id int64
		return id, s.Scan(&id)
	}, `SELECT DISTINCT c.id FROM mediation_cases c JOIN mediation_instalments i ON i.case_id = c.id
		WHERE i.paid_at IS NULL AND i.due < ? AND c.status IN (?, ?) ORDER BY c.id`,
		before.UTC(), mediation.StatusPerforming, mediation.StatusDefaulted)
	if err != nil {
		return nil, fmt.Errorf("list mediation cases with instalments due: %w", err)
	}
	return out, nil
}
