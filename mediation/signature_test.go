package mediation

import (
	"bytes"
	"crypto/rand"
	"errors"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
)

// The conditions beyond the status, over every status × action: an
// unsigned agreement neither starts nor ends its performance; a performed
// or defaulted case closes only after its return visit.
func TestConditionsEveryStatusAndAction(t *testing.T) {
	for _, s := range Statuses {
		for _, a := range Actions {
			t.Run(string(s)+"/"+string(a), func(t *testing.T) {
				wantSigned := s == StatusAgreement && (a == ActionPerform || a == ActionComplete)
				wantVisit := a == ActionClose && (s == StatusPerformed || s == StatusDefaulted)
				if NeedsSignatures(s, a) != wantSigned || NeedsVisit(s, a) != wantVisit {
					t.Fatalf("NeedsSignatures %v, NeedsVisit %v", NeedsSignatures(s, a), NeedsVisit(s, a))
				}
				for _, tc := range []struct {
					signed, visited bool
					reason          string
				}{
					{true, true, ""},
					{false, true, map[bool]string{true: "unsigned"}[wantSigned]},
					{true, false, map[bool]string{true: "visit_required"}[wantVisit]},
				} {
					err := CheckConditions(s, a, tc.signed, tc.visited)
					if tc.reason == "" && err != nil {
						t.Errorf("signed %v visited %v: %v", tc.signed, tc.visited, err)
					}
					if tc.reason != "" && (minsheng.ErrorCode(err) != minsheng.ECONFLICT || reasonOf(err) != tc.reason) {
						t.Errorf("signed %v visited %v: %v, want a conflict because %s", tc.signed, tc.visited, err, tc.reason)
					}
				}
			})
		}
	}
	for _, s := range Statuses {
		before := s == StatusRegistered || s == StatusAccepted || s == StatusInvestigating || s == StatusInMediation
		if MayAddParty(s) != before {
			t.Errorf("%s: MayAddParty %v", s, MayAddParty(s))
		}
		if MayVisit(s) != (s == StatusPerformed || s == StatusDefaulted) {
			t.Errorf("%s: MayVisit %v", s, MayVisit(s))
		}
	}
}

func sentSignature(t *testing.T, now time.Time) (*Signature, string) {
	t.Helper()
	code, token, err := NewCode(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s := &Signature{CaseID: 7, PartyID: 9, Mode: SignSMS}
	s.Sent(HashSecret(7, 9, code), HashToken(token), now)
	return s, code
}

// An SMS code: what each typed code does to the signature at each moment.
func TestSignatureCode(t *testing.T) {
	t0 := time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		prepare func(s *Signature)
		code    func(right string) string
		at      time.Duration
		reason  string // "" when it signs
	}{
		{"the right code", nil, func(c string) string { return c }, time.Minute, ""},
		{"with spaces around", nil, func(c string) string { return " " + c + " " }, time.Minute, ""},
		{"on its last second", nil, func(c string) string { return c }, CodeTTL - time.Second, ""},
		{"a wrong code", nil, func(c string) string { return wrong(c) }, time.Minute, "code_wrong"},
		{"too short", nil, func(c string) string { return c[:5] }, time.Minute, "code_wrong"},
		{"expired", nil, func(c string) string { return c }, CodeTTL, "code_expired"},
		{"after five wrong tries", func(s *Signature) { s.Attempts = MaxAttempts }, func(c string) string { return c }, time.Minute, "code_locked"},
		{"never sent", func(s *Signature) { s.CodeHash, s.CodeExpiresAt = "", nil }, func(c string) string { return c }, time.Minute, "code_expired"},
		{"signed already", func(s *Signature) { at := t0; s.SignedAt = &at }, func(c string) string { return c }, time.Minute, "already_signed"},
		{"a paper agreement", func(s *Signature) { s.Mode = SignPaper }, func(c string) string { return c }, time.Minute, "not_sms"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, code := sentSignature(t, t0)
			if tc.prepare != nil {
				tc.prepare(s)
			}
			before := s.Attempts
			err := s.Confirm(tc.code(code), "party", t0.Add(tc.at))
			if tc.reason == "" {
				if err != nil || !s.Signed() || s.Via != "party" || s.CodeHash != "" {
					t.Fatalf("Confirm = %v; signed %v via %q, code kept %v", err, s.Signed(), s.Via, s.CodeHash != "")
				}
				return
			}
			if reasonOf(err) != tc.reason {
				t.Fatalf("Confirm = %v, want reason %s", err, tc.reason)
			}
			if s.Signed() && tc.reason != "already_signed" {
				t.Error("a refused code signed")
			}
			if (tc.reason == "code_wrong") != (s.Attempts == before+1) {
				t.Errorf("attempts %d → %d", before, s.Attempts)
			}
		})
	}
	// Five wrong tries void the code, even the right one after them.
	s, code := sentSignature(t, t0)
	for range MaxAttempts {
		_ = s.Confirm(wrong(code), "mediator", t0)
	}
	if err := s.Confirm(code, "mediator", t0); reasonOf(err) != "code_locked" {
		t.Errorf("the right code after %d wrong ones: %v", MaxAttempts, err)
	}
	// A new code starts the count again.
	if err := s.CheckSend(t0.Add(ResendAfter)); err != nil {
		t.Fatal(err)
	}
	code2, token, _ := NewCode(rand.Reader)
	s.Sent(HashSecret(7, 9, code2), HashToken(token), t0.Add(ResendAfter))
	if err := s.Confirm(code2, "mediator", t0.Add(ResendAfter+time.Second)); err != nil {
		t.Errorf("the new code: %v", err)
	}
}

func wrong(c string) string {
	b := []byte(c)
	b[0] = '0' + (b[0]-'0'+1)%10
	return string(b)
}

// Sending codes is limited: one a minute, five in all, none once signed
// or for a paper agreement.
func TestSignatureSend(t *testing.T) {
	t0 := time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)
	signedAt := t0
	for _, tc := range []struct {
		name   string
		s      Signature
		at     time.Duration
		reason string
	}{
		{"never sent", Signature{Mode: SignSMS}, 0, ""},
		{"a minute after", Signature{Mode: SignSMS, CodeSentAt: &t0, Sends: 1}, ResendAfter, ""},
		{"too soon", Signature{Mode: SignSMS, CodeSentAt: &t0, Sends: 1}, ResendAfter - time.Second, "code_too_soon"},
		{"five sent", Signature{Mode: SignSMS, CodeSentAt: &t0, Sends: MaxSends}, time.Hour, "code_sends"},
		{"signed", Signature{Mode: SignSMS, SignedAt: &signedAt}, time.Hour, "already_signed"},
		{"paper", Signature{Mode: SignPaper}, 0, "not_sms"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.s.CheckSend(t0.Add(tc.at))
			if reasonOf(err) != tc.reason || (tc.reason == "") != (err == nil) {
				t.Errorf("CheckSend = %v, want reason %q", err, tc.reason)
			}
		})
	}
}

// Codes are six digits drawn from the reader; hashes differ per party, and
// the token hash ignores case and spaces.
func TestCodesAndHashes(t *testing.T) {
	code, token, err := NewCode(bytes.NewReader(bytes.Repeat([]byte{0xff}, 24)))
	if err != nil || len(code) != 6 || code != "967295" || len(token) != 32 {
		t.Fatalf("NewCode = %q %q %v", code, token, err)
	}
	if HashSecret(1, 2, "123456") == HashSecret(1, 3, "123456") {
		t.Error("the same code of two parties hashes alike")
	}
	if HashToken(token) != HashToken(" "+token+" ") {
		t.Error("the token's hash depends on spaces")
	}
	if _, _, err := NewCode(bytes.NewReader(nil)); err == nil {
		t.Error("an empty reader gave a code")
	}
	v := NewVisit{Result: "fine", Satisfaction: Satisfied}
	if err := v.Validate(); fieldOf(err) != "result" {
		t.Errorf("a visit with an unknown result: %v", err)
	}
	v = NewVisit{Result: VisitPartly, Satisfaction: "meh"}
	if err := v.Validate(); fieldOf(err) != "satisfaction" {
		t.Errorf("a visit with an unknown satisfaction: %v", err)
	}
	v = NewVisit{Result: VisitPartly, Satisfaction: Basically, Note: " 第二期尚欠 500 元 "}
	if err := v.Validate(); err != nil || v.Note != "第二期尚欠 500 元" {
		t.Errorf("a good visit: %v %q", err, v.Note)
	}
}

func reasonOf(err error) string {
	var e *minsheng.Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

func fieldOf(err error) string {
	var e *minsheng.Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
