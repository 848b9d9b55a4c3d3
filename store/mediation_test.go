package store_test

import (
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/mediation"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// A case, its parties, notes, agreement and schedule read back as written;
// repeat candidates are found by address and by party; a stale version is
// refused.
func TestMediationRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		u := mustUnit(t, db, "chengxi")
		at := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
		mk := func(tx *store.Tx, id int64, when time.Time, addr, phone string) *mediation.Case {
			t.Helper()
			num, err := store.NextMediationNumber(ctx, tx, when)
			if err != nil {
				t.Fatal(err)
			}
			c := &mediation.Case{ID: id, Number: num, Type: mediation.TypeNeighbour, Source: mediation.SourceWalkIn,
				Status: mediation.StatusRegistered, Title: "楼上漏水", Address: addr, UnitID: u.ID, UnitPath: u.Path,
				Repeats: []mediation.Repeat{{CaseID: 1, Number: "X", Address: true}}, RegisteredAt: when, UpdatedAt: when, Version: 1}
			if err := store.InsertMediationCase(ctx, tx, c); err != nil {
				t.Fatal(err)
			}
			p := &mediation.Party{ID: id + 100, CaseID: id, NewParty: mediation.NewParty{Side: mediation.SideApplicant,
				Kind: mediation.PartyPerson, Name: "王小明", Phone: phone}}
			if err := store.InsertMediationParty(ctx, tx, p, 0); err != nil {
				t.Fatal(err)
			}
			return c
		}
		err := db.Write(ctx, func(tx *store.Tx) error {
			a := mk(tx, 1, at.AddDate(0, -3, 0), "海湖路12号502", "13900000001")
			b := mk(tx, 2, at, "海湖路 12 号 502", "13900000002")
			if a.Number == b.Number {
				t.Errorf("two cases numbered %s", a.Number)
			}
			mk(tx, 3, at.AddDate(0, -1, 0), "别处", "13900000002")
			if err := store.InsertMediationNote(ctx, tx, &mediation.Note{ID: 10, CaseID: 2, At: at, Body: "共同"}); err != nil {
				return err
			}
			if err := store.InsertMediationNote(ctx, tx, &mediation.Note{ID: 11, CaseID: 2, PartyID: 102, At: at, Body: "私下"}); err != nil {
				return err
			}
			ag := &mediation.Agreement{CaseID: 2, Terms: "赔偿", SignMode: mediation.SignPaper, EffectiveAt: at,
				JudicialDeadline: mediation.JudicialDeadline(at), CreatedAt: at,
				Schedule: []mediation.Instalment{{Seq: 1, Due: mediation.Day(at.AddDate(0, 0, 10)), AmountFen: 50000},
					{Seq: 2, Due: mediation.Day(at.AddDate(0, 1, 0)), AmountFen: 50000}}}
			if err := store.InsertMediationAgreement(ctx, tx, ag); err != nil {
				return err
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Write(ctx, func(tx *store.Tx) error {
			return store.InsertMediationAgreement(ctx, tx, &mediation.Agreement{CaseID: 2, Terms: "再来", SignMode: mediation.SignPaper,
				EffectiveAt: at, JudicialDeadline: at, CreatedAt: at})
		})
		if !minsheng.IsCode(err, minsheng.ECONFLICT) {
			t.Errorf("second agreement: %v", err)
		}
		err = db.Write(ctx, func(tx *store.Tx) error {
			priors, err := store.ListMediationPriors(ctx, tx, at.AddDate(-1, 0, 0), at, "海湖路１２号５０２", []mediation.PartyKey{{Phone: "13900000002"}})
			if err != nil {
				return err
			}
			if len(priors) != 2 || priors[0].CaseID != 3 || priors[1].CaseID != 1 || len(priors[1].Parties) != 1 {
				t.Errorf("priors %+v, want case 3 (same party) and 1 (same address)", priors)
			}
			c, err := store.GetMediationCase(ctx, tx, "2")
			if err != nil {
				return err
			}
			if len(c.Repeats) != 1 || c.Repeats[0].Number != "X" || !c.RegisteredAt.Equal(at) {
				t.Errorf("case %+v", c)
			}
			byNum, err := store.GetMediationCase(ctx, tx, c.Number)
			if err != nil || byNum.ID != 2 {
				t.Errorf("by number: %v %v", byNum, err)
			}
			c.Status, c.Version = mediation.StatusAccepted, c.Version+1
			if err := store.UpdateMediationCase(ctx, tx, c); err != nil {
				return err
			}
			if err := store.UpdateMediationCase(ctx, tx, c); !minsheng.IsCode(err, minsheng.ECONFLICT) {
				t.Errorf("stale version: %v", err)
			}
			joint, _ := store.ListMediationNotes(ctx, tx, 2, false)
			all, _ := store.ListMediationNotes(ctx, tx, 2, true)
			if len(joint) != 1 || joint[0].Body != "共同" || len(all) != 2 || !all[1].Private() {
				t.Errorf("notes: joint %+v all %+v", joint, all)
			}
			ag, err := store.GetMediationAgreement(ctx, tx, 2)
			if err != nil {
				return err
			}
			if len(ag.Schedule) != 2 || ag.TotalFen() != 100000 || !ag.JudicialDeadline.Equal(mediation.JudicialDeadline(at)) {
				t.Errorf("agreement %+v", ag)
			}
			paid := at
			ag.Schedule[0].PaidAt = &paid
			if err := store.UpdateMediationInstalment(ctx, tx, 2, &ag.Schedule[0]); err != nil {
				return err
			}
			c.Status, c.Version = mediation.StatusPerforming, c.Version+1
			if err := store.UpdateMediationCase(ctx, tx, c); err != nil {
				return err
			}
			due, err := store.ListMediationCasesWithDue(ctx, tx, at.AddDate(0, 2, 0))
			if err != nil || len(due) != 1 || due[0] != 2 {
				t.Errorf("cases with due instalments %v %v", due, err)
			}
			if due, _ := store.ListMediationCasesWithDue(ctx, tx, at.AddDate(0, 0, 20)); len(due) != 0 {
				t.Errorf("the paid first instalment still counts: %v", due)
			}
			list, err := store.ListMediationCases(ctx, tx, store.MediationFilter{UnitPaths: []string{u.Path}, Status: mediation.StatusRegistered})
			if err != nil || len(list) != 2 {
				t.Errorf("registered cases %d %v", len(list), err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
