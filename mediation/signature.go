package mediation

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
)

// Signatures of an agreement. Each party signs: on paper (recorded by the
// mediator, with a scan when the mode is scan) or by an SMS code sent to
// the party's phone and entered by the mediator (the party reads it out in
// the room) or by the party on the public page the SMS links to. A code is
// six digits, kept only as a salted hash, valid for CodeTTL, refused after
// MaxAttempts wrong tries; a new code may be sent after ResendAfter, at
// most MaxSends times.

// Limits of SMS signing codes.
const (
	CodeTTL     = 15 * time.Minute
	MaxAttempts = 5
	ResendAfter = time.Minute
	MaxSends    = 5
	// MaxScans is the most scan files an agreement keeps.
	MaxScans = 10
)

// Signature is one party's signature of a case's agreement.
type Signature struct {
	CaseID   int64      `json:"case_id,string"`
	PartyID  int64      `json:"party_id,string"`
	Mode     SignMode   `json:"mode"`
	SignedAt *time.Time `json:"signed_at,omitempty"`
	// Via says who entered the code of an SMS signature: "mediator" or
	// "party" (on the public page); "paper" for a signature on paper.
	Via           string     `json:"via,omitempty"`
	CodeHash      string     `json:"-"`
	LinkHash      string     `json:"-"`
	CodeSentAt    *time.Time `json:"code_sent_at,omitempty"`
	CodeExpiresAt *time.Time `json:"code_expires_at,omitempty"`
	Sends         int        `json:"sends"`
	Attempts      int        `json:"attempts"`
}

// Signed reports whether the party has signed.
func (s *Signature) Signed() bool { return s.SignedAt != nil }

// NewCode draws a six-digit code and a link token from r (crypto/rand):
// the code the party types, the token that names the signature in the
// public page's link. Only their hashes are kept (HashSecret).
func NewCode(r io.Reader) (code, token string, err error) {
	b := make([]byte, 4+20)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", "", fmt.Errorf("new code: %w", err)
	}
	n := (uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])) % 1000000
	code = fmt.Sprintf("%06d", n)
	token = strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[4:]))
	return code, token, nil
}

// HashSecret hashes a code or a link token with what it belongs to (the
// case and party), so that equal codes of two signatures hash apart.
func HashSecret(caseID, partyID int64, secret string) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("mediation-sign:%d:%d:%s", caseID, partyID, secret)))
	return hex.EncodeToString(h[:])
}

// HashToken hashes a link token alone: the public page finds a signature
// by it before it knows the case.
func HashToken(token string) string {
	h := sha256.Sum256([]byte("mediation-link:" + strings.ToLower(strings.TrimSpace(token))))
	return hex.EncodeToString(h[:])
}

// CheckSend returns nil when a new code may be sent for the signature at
// now: not signed, not of a paper agreement, the last code at least
// ResendAfter old, fewer than MaxSends sent.
func (s *Signature) CheckSend(now time.Time) error {
	switch {
	case s.Signed():
		return minsheng.Errorf(minsheng.ECONFLICT, "the party has signed already").Because("already_signed")
	case s.Mode != SignSMS:
		return minsheng.Errorf(minsheng.ECONFLICT, "the agreement was not signed by SMS code").Because("not_sms")
	case s.Sends >= MaxSends:
		return minsheng.Errorf(minsheng.ERATELIMIT, "at most %d codes are sent to a party", MaxSends).Because("code_sends")
	case s.CodeSentAt != nil && now.Sub(*s.CodeSentAt) < ResendAfter:
		return minsheng.Errorf(minsheng.ERATELIMIT, "a code was sent less than a minute ago").Because("code_too_soon")
	}
	return nil
}

// Sent records that a code (its hash) and link (its hash) went out at now:
// the count of tries starts again.
func (s *Signature) Sent(codeHash, linkHash string, now time.Time) {
	exp := now.Add(CodeTTL)
	s.CodeHash, s.LinkHash, s.CodeSentAt, s.CodeExpiresAt = codeHash, linkHash, &now, &exp
	s.Sends++
	s.Attempts = 0
}

// Confirm checks a code typed for the signature at now. On success the
// party has signed (via who entered it) and the code is spent. A wrong
// code counts an attempt (the caller keeps the count even though it
// returns the error); the code is void after MaxAttempts, or once expired.
func (s *Signature) Confirm(code string, via string, now time.Time) error {
	code = strings.TrimSpace(code)
	switch {
	case s.Signed():
		return minsheng.Errorf(minsheng.ECONFLICT, "the party has signed already").Because("already_signed")
	case s.Mode != SignSMS:
		return minsheng.Errorf(minsheng.ECONFLICT, "the agreement was not signed by SMS code").Because("not_sms")
	case s.CodeHash == "" || s.CodeExpiresAt == nil:
		return minsheng.FieldError("code", "no code was sent; send one first").Because("code_expired")
	case !now.Before(*s.CodeExpiresAt):
		return minsheng.FieldError("code", "the code has expired; send a new one").Because("code_expired")
	case s.Attempts >= MaxAttempts:
		return minsheng.FieldError("code", "too many wrong codes; send a new one").Because("code_locked")
	}
	if len(code) != 6 || subtle.ConstantTimeCompare([]byte(HashSecret(s.CaseID, s.PartyID, code)), []byte(s.CodeHash)) != 1 {
		s.Attempts++
		return minsheng.FieldError("code", "the code is wrong").Because("code_wrong")
	}
	s.SignedAt, s.Via = &now, via
	s.CodeHash, s.LinkHash, s.CodeExpiresAt = "", "", nil
	return nil
}

// AllSigned reports whether every signature is signed (and there is one).
func AllSigned(ss []Signature) bool {
	for _, s := range ss {
		if !s.Signed() {
			return false
		}
	}
	return len(ss) > 0
}

// Return visits (回访): after the agreement is performed or left in
// default, the mediator calls the parties and records what they found.

// VisitResult is what a return visit found of the agreement's performance.
type VisitResult string

// Results of a return visit.
const (
	VisitPerformed VisitResult = "performed" // 履行到位
	VisitPartly    VisitResult = "partly"    // 部分履行
	VisitNot       VisitResult = "not"       // 未履行
)

// VisitResults lists the results in display order.
var VisitResults = []VisitResult{VisitPerformed, VisitPartly, VisitNot}

// Satisfaction is how satisfied the parties said they were.
type Satisfaction string

// Satisfaction levels.
const (
	Satisfied   Satisfaction = "satisfied"
	Basically   Satisfaction = "basically"
	Unsatisfied Satisfaction = "unsatisfied"
)

// Satisfactions lists the levels in display order.
var Satisfactions = []Satisfaction{Satisfied, Basically, Unsatisfied}

// NewVisit is a return visit as the mediator records it.
type NewVisit struct {
	Result       VisitResult  `json:"result"`
	Satisfaction Satisfaction `json:"satisfaction"`
	Note         string       `json:"note"`
}

// Validate returns an EINVALID error naming the field at fault.
func (v *NewVisit) Validate() error {
	v.Note = strings.TrimSpace(v.Note)
	switch v.Result {
	case VisitPerformed, VisitPartly, VisitNot:
	default:
		return minsheng.FieldError("result", "result must be performed, partly or not").Because("choose")
	}
	switch v.Satisfaction {
	case Satisfied, Basically, Unsatisfied:
	default:
		return minsheng.FieldError("satisfaction", "satisfaction must be satisfied, basically or unsatisfied").Because("choose")
	}
	return CheckText("note", v.Note, MaxText, false)
}

// Visit is a recorded return visit.
type Visit struct {
	ID     int64     `json:"id,string"`
	CaseID int64     `json:"case_id,string"`
	At     time.Time `json:"at"`
	By     int64     `json:"by,string,omitempty"`
	NewVisit
}

// File is a file kept with a case: a scan of the signed agreement.
type File struct {
	ID          int64     `json:"id,string"`
	CaseID      int64     `json:"case_id,string"`
	Kind        string    `json:"kind"` // "scan"
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"-"`
	CreatedBy   int64     `json:"created_by,string,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}
