package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/minsheng/minsheng/mediation"
)

// This file holds what follows a mediation agreement: the parties'
// signatures (SMS codes kept as hashes), the return visits, and the files
// of a case (scans of the signed agreement).

const mediationSignatureColumns = `case_id, party_id, mode, signed_at, via, code_hash, link_hash, code_sent_at, code_expires_at,
	sends, attempts`

func scanMediationSignature(s scanner) (mediation.Signature, error) {
	var g mediation.Signature
	var signed, sent, expires sql.NullTime
	err := s.Scan(&g.CaseID, &g.PartyID, &g.Mode, &signed, &g.Via, &g.CodeHash, &g.LinkHash, &sent, &expires, &g.Sends, &g.Attempts)
	g.SignedAt, g.CodeSentAt, g.CodeExpiresAt = timePtr(signed), timePtr(sent), timePtr(expires)
	return g, err
}

// InsertMediationSignature writes a party's signature (signed or awaited).
func InsertMediationSignature(ctx context.Context, tx *Tx, g *mediation.Signature) error {
	_, err := tx.Exec(ctx, `INSERT INTO mediation_signatures (`+mediationSignatureColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, g.CaseID, g.PartyID, g.Mode, nullTime(g.SignedAt), g.Via, g.CodeHash,
		g.LinkHash, nullTime(g.CodeSentAt), nullTime(g.CodeExpiresAt), g.Sends, g.Attempts)
	if err != nil {
		return fmt.Errorf("insert mediation signature: %w", err)
	}
	return nil
}

// UpdateMediationSignature writes a signature's state.
func UpdateMediationSignature(ctx context.Context, tx *Tx, g *mediation.Signature) error {
	_, err := tx.Exec(ctx, `UPDATE mediation_signatures SET mode = ?, signed_at = ?, via = ?, code_hash = ?, link_hash = ?,
		code_sent_at = ?, code_expires_at = ?, sends = ?, attempts = ? WHERE case_id = ? AND party_id = ?`,
		g.Mode, nullTime(g.SignedAt), g.Via, g.CodeHash, g.LinkHash, nullTime(g.CodeSentAt), nullTime(g.CodeExpiresAt),
		g.Sends, g.Attempts, g.CaseID, g.PartyID)
	if err != nil {
		return fmt.Errorf("update mediation signature: %w", err)
	}
	return nil
}

// ListMediationSignatures returns the signatures of a case's agreement in
// the order of its parties.
func ListMediationSignatures(ctx context.Context, tx *Tx, caseID int64) ([]mediation.Signature, error) {
	out, err := queryAll(ctx, tx, scanMediationSignature, `SELECT s.case_id, s.party_id, s.mode, s.signed_at, s.via, s.code_hash,
		s.link_hash, s.code_sent_at, s.code_expires_at, s.sends, s.attempts
		FROM mediation_signatures s JOIN mediation_parties p ON p.id = s.party_id
		WHERE s.case_id = ? ORDER BY p.position`, caseID)
	if err != nil {
		return nil, fmt.Errorf("list mediation signatures: %w", err)
	}
	return out, nil
}

// GetMediationSignatureByLink returns the signature whose public link has
// the hash, or ENOTFOUND.
func GetMediationSignatureByLink(ctx context.Context, tx *Tx, linkHash string) (*mediation.Signature, error) {
	if linkHash == "" {
		return nil, notFound("signature", "")
	}
	g, err := getOne(ctx, tx, scanMediationSignature, "signature", "", `SELECT `+mediationSignatureColumns+` FROM mediation_signatures
		WHERE link_hash = ?`, linkHash)
	if err != nil {
		return nil, err
	}
	return &g, nil
}

// InsertMediationVisit writes a return visit.
func InsertMediationVisit(ctx context.Context, tx *Tx, v *mediation.Visit) error {
	_, err := tx.Exec(ctx, `INSERT INTO mediation_visits (id, case_id, at, by_user, result, satisfaction, note)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, v.ID, v.CaseID, v.At.UTC(), nullID(v.By), v.Result, v.Satisfaction, v.Note)
	if err != nil {
		return fmt.Errorf("insert mediation visit: %w", err)
	}
	return nil
}

// ListMediationVisits returns a case's return visits, oldest first.
func ListMediationVisits(ctx context.Context, tx *Tx, caseID int64) ([]mediation.Visit, error) {
	out, err := queryAll(ctx, tx, func(s scanner) (mediation.Visit, error) {
		var v mediation.Visit
		var by sql.NullInt64
		err := s.Scan(&v.ID, &v.CaseID, &v.At, &by, &v.Result, &v.Satisfaction, &v.Note)
		v.At, v.By = v.At.UTC(), by.Int64
		return v, err
	}, `SELECT id, case_id, at, by_user, result, satisfaction, note FROM mediation_visits WHERE case_id = ? ORDER BY at, id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("list mediation visits: %w", err)
	}
	return out, nil
}

const mediationFileColumns = `id, case_id, kind, name, content_type, size, sha256, created_by, created_at`

func scanMediationFile(s scanner) (mediation.File, error) {
	var f mediation.File
	var by sql.NullInt64
	err := s.Scan(&f.ID, &f.CaseID, &f.Kind, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &by, &f.CreatedAt)
	f.CreatedBy, f.CreatedAt = by.Int64, f.CreatedAt.UTC()
	return f, err
}

// InsertMediationFile writes a file's metadata (its bytes are in the blob
// store).
func InsertMediationFile(ctx context.Context, tx *Tx, f *mediation.File) error {
	_, err := tx.Exec(ctx, `INSERT INTO mediation_files (`+mediationFileColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		f.ID, f.CaseID, f.Kind, f.Name, f.ContentType, f.Size, f.SHA256, nullID(f.CreatedBy), f.CreatedAt.UTC())
	if err != nil {
		return fmt.Errorf("insert mediation file: %w", err)
	}
	return nil
}

// ListMediationFiles returns a case's files in the order they came.
func ListMediationFiles(ctx context.Context, tx *Tx, caseID int64) ([]mediation.File, error) {
	out, err := queryAll(ctx, tx, scanMediationFile, `SELECT `+mediationFileColumns+` FROM mediation_files
		WHERE case_id = ? ORDER BY id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("list mediation files: %w", err)
	}
	return out, nil
}

// GetMediationFile returns a file of a case, or ENOTFOUND.
func GetMediationFile(ctx context.Context, tx *Tx, caseID, id int64) (*mediation.File, error) {
	f, err := getOne(ctx, tx, scanMediationFile, "file", id, `SELECT `+mediationFileColumns+` FROM mediation_files
		WHERE case_id = ? AND id = ?`, caseID, id)
	if err != nil {
		return nil, err
	}
	return &f, nil
}

// ListMediationJudicialDeadlines returns, for the cases among ids whose
// agreement is in force and whose parties have not applied for 司法确认,
// the deadline to apply.
func ListMediationJudicialDeadlines(ctx context.Context, tx *Tx, ids []int64) (map[int64]time.Time, error) {
	out := map[int64]time.Time{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	marks := make([]string, len(ids))
	for i, id := range ids {
		args[i], marks[i] = id, "?"
	}
	rows, err := tx.Query(ctx, `SELECT case_id, judicial_deadline FROM mediation_agreements
		WHERE signed_at IS NOT NULL AND judicial_applied_at IS NULL AND case_id IN (`+strings.Join(marks, ", ")+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("list judicial deadlines: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var at time.Time
		if err := rows.Scan(&id, &at); err != nil {
			return nil, err
		}
		out[id] = at.UTC()
	}
	return out, rows.Err()
}
