package store_test

import (
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/mediation"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// Signatures, return visits and files read back as written; a signature is
// found by its link's hash and by nothing else; an agreement's signing
// moves its day and deadline.
func TestMediationSignaturesRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		u := mustUnit(t, db, "chengxi")
		at := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
		err := db.Write(ctx, func(tx *store.Tx) error {
			c := &mediation.Case{ID: 1, Number: "TJ1", Type: mediation.TypeNeighbour, Source: mediation.SourceWalkIn,
				Status: mediation.StatusAgreement, Title: "漏水", UnitID: u.ID, UnitPath: u.Path, RegisteredAt: at, UpdatedAt: at, Version: 1}
			if err := store.InsertMediationCase(ctx, tx, c); err != nil {
				return err
			}
			for i, side := range []mediation.Side{mediation.SideApplicant, mediation.SideRespondent} {
				if err := store.InsertMediationParty(ctx, tx, &mediation.Party{ID: int64(10 + i), CaseID: 1,
					NewParty: mediation.NewParty{Side: side, Kind: mediation.PartyPerson, Name: "甲", Phone: "13900000001"}}, i); err != nil {
					return err
				}
			}
			ag := &mediation.Agreement{CaseID: 1, Terms: "赔偿", SignMode: mediation.SignSMS, EffectiveAt: at,
				JudicialDeadline: mediation.JudicialDeadline(at), CreatedAt: at}
			if err := store.InsertMediationAgreement(ctx, tx, ag); err != nil {
				return err
			}
			exp := at.Add(mediation.CodeTTL)
			for _, g := range []mediation.Signature{
				{CaseID: 1, PartyID: 11, Mode: mediation.SignSMS, CodeHash: "c11", LinkHash: "l11", CodeSentAt: &at, CodeExpiresAt: &exp, Sends: 1},
				{CaseID: 1, PartyID: 10, Mode: mediation.SignSMS, CodeHash: "c10", LinkHash: "l10", CodeSentAt: &at, CodeExpiresAt: &exp, Sends: 1},
			} {
				if err := store.InsertMediationSignature(ctx, tx, &g); err != nil {
					return err
				}
			}
			if err := store.InsertMediationVisit(ctx, tx, &mediation.Visit{ID: 20, CaseID: 1, At: at,
				NewVisit: mediation.NewVisit{Result: mediation.VisitPartly, Satisfaction: mediation.Basically, Note: "尚欠一期"}}); err != nil {
				return err
			}
			return store.InsertMediationFile(ctx, tx, &mediation.File{ID: 30, CaseID: 1, Kind: "scan", Name: "协议.pdf",
				ContentType: "application/pdf", Size: 1234, SHA256: "ab", CreatedAt: at})
		})
		if err != nil {
			t.Fatal(err)
		}
		later := at.Add(time.Hour)
		err = db.Write(ctx, func(tx *store.Tx) error {
			g, err := store.GetMediationSignatureByLink(ctx, tx, "l10")
			if err != nil {
				return err
			}
			if g.PartyID != 10 || g.CodeHash != "c10" || g.Sends != 1 || g.CodeExpiresAt == nil || !g.CodeExpiresAt.Equal(at.Add(mediation.CodeTTL)) {
				t.Errorf("by link: %+v", g)
			}
			if _, err := store.GetMediationSignatureByLink(ctx, tx, ""); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
				t.Errorf("an empty link found %v", err)
			}
			g.SignedAt, g.Via, g.CodeHash, g.LinkHash, g.Attempts = &later, "party", "", "", 2
			if err := store.UpdateMediationSignature(ctx, tx, g); err != nil {
				return err
			}
			ag, err := store.GetMediationAgreement(ctx, tx, 1)
			if err != nil {
				return err
			}
			if ag.SignedAt != nil {
				t.Error("an SMS agreement is signed before anyone signed")
			}
			ag.SignedAt, ag.EffectiveAt, ag.JudicialDeadline = &later, later, mediation.JudicialDeadline(later)
			return store.UpdateMediationAgreement(ctx, tx, ag)
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Read(ctx, func(tx *store.Tx) error {
			gs, err := store.ListMediationSignatures(ctx, tx, 1)
			if err != nil {
				return err
			}
			if len(gs) != 2 || gs[0].PartyID != 10 || !gs[0].Signed() || gs[0].Via != "party" || gs[0].Attempts != 2 || gs[1].Signed() {
				t.Errorf("signatures: %+v", gs)
			}
			if _, err := store.GetMediationSignatureByLink(ctx, tx, "l10"); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
				t.Errorf("a spent link still found: %v", err)
			}
			ag, err := store.GetMediationAgreement(ctx, tx, 1)
			if err != nil {
				return err
			}
			if ag.SignedAt == nil || !ag.SignedAt.Equal(later) || !ag.EffectiveAt.Equal(later) {
				t.Errorf("agreement: %+v", ag)
			}
			vs, err := store.ListMediationVisits(ctx, tx, 1)
			if err != nil {
				return err
			}
			if len(vs) != 1 || vs[0].Result != mediation.VisitPartly || vs[0].Note != "尚欠一期" || !vs[0].At.Equal(at) {
				t.Errorf("visits: %+v", vs)
			}
			fs, err := store.ListMediationFiles(ctx, tx, 1)
			if err != nil {
				return err
			}
			if len(fs) != 1 || fs[0].Name != "协议.pdf" || fs[0].Size != 1234 {
				t.Errorf("files: %+v", fs)
			}
			if _, err := store.GetMediationFile(ctx, tx, 2, 30); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
				t.Errorf("another case's file: %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
