package mediation_test

import (
	"bytes"
	"io"
	"regexp"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	appmed "github.com/minsheng/minsheng/app/mediation"
	"github.com/minsheng/minsheng/mediation"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

var (
	codeRE = regexp.MustCompile(`验证码：(\d{6})`)
	linkRE = regexp.MustCompile(`/mediation/sign/([a-z2-7]+)`)
)

// sms returns the code and link token of the newest signing SMS to a
// phone, as the party reads it on their phone.
func (f *fixture) sms(t *testing.T, caseID int64, phone string) (code, token string) {
	t.Helper()
	err := f.DB.Read(ctx, func(tx *store.Tx) error {
		ds, err := store.ListDeliveries(ctx, tx, store.DeliveryFilter{Object: appmed.ObjectCase, ObjectID: caseID})
		if err != nil {
			return err
		}
		for _, d := range ds {
			if d.Recipient == phone && d.Template == "mediation.sign_code" {
				code, token = codeRE.FindStringSubmatch(d.Body)[1], linkRE.FindStringSubmatch(d.Body)[1]
				return nil
			}
		}
		t.Fatalf("no signing SMS to %s in %d messages", phone, len(ds))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return code, token
}

func reason(err error) string {
	if e, ok := err.(*minsheng.Error); ok {
		return e.Reason
	}
	return ""
}

// An agreement signed by SMS code: each party gets a code; the agreement
// is not in force (no performance, no 司法确认 deadline) until both have
// confirmed, one before the mediator and one on the public page; wrong
// codes are counted and refused, a code expires, a new one is limited to
// one a minute; the last signature starts the performance.
func TestSignByCode(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := f.walkIn(t, true)
		day := mediation.Day(f.Clock.Now())
		ag := must[*mediation.Agreement](t)(f.med.RecordAgreement(ctx, f.mediator, c.Number, mediation.NewAgreement{Terms: "物业公司修复电梯，业主补交物业费",
			SignMode: mediation.SignSMS, Schedule: []mediation.Instalment{{Due: day.AddDate(0, 0, 10), AmountFen: 50000}, {Due: day.AddDate(0, 0, 40), AmountFen: 50000}}}))
		if ag.SignedAt != nil {
			t.Fatal("an SMS agreement is in force before anyone signed")
		}
		v := must[*appmed.CaseView](t)(f.med.Get(ctx, f.mediator, c.Number))
		if v.Case.Status != mediation.StatusAgreement || v.JudicialDaysLeft != nil || len(v.Signatures) != 2 || v.Signatures[0].Signed() {
			t.Fatalf("status %s, days left %v, signatures %+v", v.Case.Status, v.JudicialDaysLeft, v.Signatures)
		}
		if _, err := f.med.Act(ctx, f.mediator, c.Number, mediation.ActionPerform, ""); reason(err) != "unsigned" {
			t.Errorf("performance started unsigned: %v", err)
		}
		appCode, _ := f.sms(t, c.ID, "13800001111")
		respCode, respToken := f.sms(t, c.ID, "13800002222") // the organisation's agent
		applicant, respondent := v.Signatures[0].PartyID, v.Signatures[1].PartyID

		// The applicant reads a wrong code, then the right one, to the mediator.
		if err := f.med.ConfirmCode(ctx, f.mediator, c.Number, applicant, "000000"); reason(err) != "code_wrong" && appCode != "000000" {
			t.Errorf("a wrong code: %v", err)
		}
		if v := must[*appmed.CaseView](t)(f.med.Get(ctx, f.mediator, c.Number)); v.Signatures[0].Attempts != 1 {
			t.Errorf("the wrong code was not counted: %+v", v.Signatures[0])
		}
		if err := f.med.SendCode(ctx, f.mediator, c.Number, applicant); reason(err) != "code_too_soon" {
			t.Errorf("a new code at once: %v", err)
		}
		if err := f.med.ConfirmCode(ctx, f.mediator, c.Number, applicant, appCode); err != nil {
			t.Fatal(err)
		}
		if err := f.med.ConfirmCode(ctx, f.mediator, c.Number, applicant, appCode); reason(err) != "already_signed" {
			t.Errorf("signed twice: %v", err)
		}

		// The respondent's agent opens the link; the first code expires.
		sv := must[*appmed.SignView](t)(f.med.SignLink(ctx, respToken))
		if sv.Number != c.Number || sv.Terms != "物业公司修复电梯，业主补交物业费" || sv.Side != mediation.SideRespondent || len(sv.Schedule) != 2 {
			t.Errorf("the public page shows %+v", sv)
		}
		f.Clock.Advance(mediation.CodeTTL + time.Second)
		if err := f.med.ConfirmByLink(ctx, respToken, respCode); reason(err) != "code_expired" {
			t.Errorf("an expired code: %v", err)
		}
		if err := f.med.SendCode(ctx, f.mediator, c.Number, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := f.med.SignLink(ctx, respToken); reason(err) != "sign_link" {
			t.Errorf("the old link still opens: %v", err)
		}
		respCode, respToken = f.sms(t, c.ID, "13800002222")
		if err := f.med.ConfirmByLink(ctx, respToken, "12345"); reason(err) != "code_wrong" {
			t.Errorf("a short code: %v", err)
		}
		must[*appmed.CaseView](t)(f.med.Get(ctx, f.mediator, c.Number))
		if err := f.med.ConfirmByLink(ctx, respToken, respCode); err != nil {
			t.Fatal(err)
		}
		v = must[*appmed.CaseView](t)(f.med.Get(ctx, f.mediator, c.Number))
		if v.Case.Status != mediation.StatusPerforming || v.Agreement.SignedAt == nil || !v.Agreement.EffectiveAt.Equal(f.Clock.Now().Truncate(time.Microsecond)) ||
			v.JudicialDaysLeft == nil || *v.JudicialDaysLeft != 30 {
			t.Errorf("after both signed: %s, signed %v, effective %v, days left %v", v.Case.Status, v.Agreement.SignedAt, v.Agreement.EffectiveAt, v.JudicialDaysLeft)
		}
		via := map[int64]string{}
		for _, g := range v.Signatures {
			via[g.PartyID] = g.Via
		}
		if via[applicant] != "mediator" || via[respondent] != "party" {
			t.Errorf("signed via %v", via)
		}
		n := map[string]int{}
		for _, e := range v.Timeline {
			n[e.Action]++
			if e.Data["code"] != "" || bytes.Contains([]byte(e.Note), []byte(respCode)) {
				t.Errorf("a code in the timeline: %+v", e)
			}
		}
		if n["send_code"] != 2 || n["sign"] != 2 || n["signed"] != 1 || n["perform"] != 1 {
			t.Errorf("timeline %v", n)
		}
		if _, err := f.med.SignLink(ctx, respToken); reason(err) != "sign_link" {
			t.Errorf("a spent link opens: %v", err)
		}
	})
}

// An agreement signed by SMS needs every party's phone; one signed on
// paper and scanned needs its scan, which only the mediators open.
func TestScanAndSMSNeeds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := f.walkIn(t, false)
		must[*mediation.Party](t)(f.med.AddParty(ctx, f.mediator, c.Number, mediation.NewParty{Side: mediation.SideRespondent, Name: "无电话"}))
		if _, err := f.med.RecordAgreement(ctx, f.mediator, c.Number, mediation.NewAgreement{Terms: "x", SignMode: mediation.SignSMS}); reason(err) != "sms_phone" {
			t.Errorf("SMS signing without a phone: %v", err)
		}
		scan := mediation.NewAgreement{Terms: "x", SignMode: mediation.SignScan, Effective: f.Clock.Now()}
		if _, err := f.med.RecordAgreement(ctx, f.mediator, c.Number, scan); reason(err) != "scan_required" {
			t.Errorf("a scan agreement without its scan: %v", err)
		}
		png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 64)...)
		up := must[app.Upload](t)(f.med.PutUpload("协议.png", bytes.NewReader(png)))
		must[*mediation.Agreement](t)(f.med.RecordAgreement(ctx, f.mediator, c.Number, scan, up))
		v := must[*appmed.CaseView](t)(f.med.Get(ctx, f.mediator, c.Number))
		if len(v.Files) != 1 || v.Files[0].Name != "协议.png" || v.Agreement.SignedAt == nil || !v.Signatures[1].Signed() {
			t.Fatalf("files %+v signed %v", v.Files, v.Agreement.SignedAt)
		}
		file, r, err := f.med.OpenFile(ctx, f.mediator, c.Number, v.Files[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r)
		r.Close()
		if !bytes.Equal(b, png) || file.ContentType != "image/png" {
			t.Errorf("the scan reads back %d bytes of %s", len(b), file.ContentType)
		}
		if _, _, err := f.med.OpenFile(ctx, f.Users["leader"], c.Number, v.Files[0].ID); err == nil {
			t.Error("a leader opened the signed agreement")
		}
		more := must[[]mediation.File](t)(f.med.AddScans(ctx, f.mediator, c.Number, up))
		if len(more) != 2 {
			t.Errorf("after a second scan: %d files", len(more))
		}
		// The agreement is signed: no party joins now.
		if _, err := f.med.AddParty(ctx, f.mediator, c.Number, mediation.NewParty{Side: mediation.SideRespondent, Name: "迟到者"}); reason(err) != "party_late" {
			t.Errorf("a party joined after the agreement: %v", err)
		}
	})
}

// A party who joins later is checked for repeats like those registered
// with the case; a return visit comes after the performance, and a
// performed case closes only after it.
func TestAddPartyAndReturnVisit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		first := f.walkIn(t, true)
		f.Clock.Advance(48 * time.Hour)
		c := must[*mediation.Case](t)(f.med.Register(ctx, f.mediator, appmed.Registration{NewCase: mediation.NewCase{
			Type: mediation.TypeFamily, Source: mediation.SourceWalkIn, Title: "赡养纠纷", Address: "别处",
			Parties: []mediation.NewParty{{Side: mediation.SideApplicant, Name: "钱某", Phone: "13900009999"}}}}))
		if len(c.Repeats) != 0 {
			t.Fatalf("repeats at first: %+v", c.Repeats)
		}
		if _, err := f.med.AddParty(ctx, f.mediator, c.Number, mediation.NewParty{Side: mediation.SideRespondent, Name: "赵大海",
			Phone: "138-0000-1111"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.med.AddParty(ctx, f.mediator, c.Number, mediation.NewParty{Side: "judge", Name: "x"}); field(err) != "invalid:side" {
			t.Errorf("a party of no side: %v", err)
		}
		if _, err := f.med.AddParty(ctx, f.Users["leader"], c.Number, mediation.NewParty{Side: mediation.SideRespondent, Name: "x"}); err == nil {
			t.Error("a leader added a party")
		}
		v := must[*appmed.CaseView](t)(f.med.Get(ctx, f.mediator, c.Number))
		if len(v.Parties) != 2 || len(v.Case.Repeats) != 1 || v.Case.Repeats[0].Number != first.Number || !v.Case.Repeats[0].Party {
			t.Fatalf("parties %d repeats %+v", len(v.Parties), v.Case.Repeats)
		}
		if last := v.Timeline[len(v.Timeline)-1]; last.Action != "repeat_flagged" {
			t.Errorf("last event %s", last.Action)
		}
		visit := mediation.NewVisit{Result: mediation.VisitPerformed, Satisfaction: mediation.Satisfied}
		if _, err := f.med.ReturnVisit(ctx, f.mediator, first.Number, visit); reason(err) != "visit_early" {
			t.Errorf("a visit in mediation: %v", err)
		}
		must[*mediation.Agreement](t)(f.med.RecordAgreement(ctx, f.mediator, first.Number, mediation.NewAgreement{Terms: "当场履行",
			SignMode: mediation.SignPaper, Effective: f.Clock.Now()}))
		must[*mediation.Case](t)(f.med.Act(ctx, f.mediator, first.Number, mediation.ActionComplete, ""))
		if _, err := f.med.Act(ctx, f.mediator, first.Number, mediation.ActionClose, ""); reason(err) != "visit_required" {
			t.Errorf("closed without a visit: %v", err)
		}
		if _, err := f.med.ReturnVisit(ctx, f.mediator, first.Number, mediation.NewVisit{Result: "fine"}); field(err) != "invalid:result" {
			t.Errorf("a visit without its result: %v", err)
		}
		visit.Note = "电话回访，业主表示电梯已修好"
		must[*mediation.Visit](t)(f.med.ReturnVisit(ctx, f.mediator, first.Number, visit))
		must[*mediation.Case](t)(f.med.Act(ctx, f.Users["admin"], first.Number, mediation.ActionClose, ""))
		v = must[*appmed.CaseView](t)(f.med.Get(ctx, f.mediator, first.Number))
		if v.Case.Status != mediation.StatusClosed || len(v.Visits) != 1 || v.Visits[0].Note != visit.Note {
			t.Errorf("status %s visits %+v", v.Case.Status, v.Visits)
		}
	})
}
