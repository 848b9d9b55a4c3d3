package project

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
)

// Residents follow a project from its public page by phone: they ask, get
// a six-digit code by SMS, type it, and from then on get an SMS on each
// milestone reached and when the project is completed, each with a link
// that ends the follow. The phone is personal data: stored, never shown.

// FollowStatus is where a resident's follow of a project stands.
type FollowStatus string

// Follow statuses.
const (
	FollowPending      FollowStatus = "pending" // a code was sent, not yet typed
	FollowActive       FollowStatus = "active"
	FollowUnsubscribed FollowStatus = "unsubscribed"
)

// FollowAction moves a follow.
type FollowAction string

// Follow actions.
const (
	FollowAsk         FollowAction = "ask"     // a code is sent
	FollowConfirm     FollowAction = "confirm" // the right code is typed
	FollowUnsubscribe FollowAction = "unsubscribe"
)

// followRules is the follow's lifecycle: from which statuses (""
// for a phone that never asked) an action may be taken, and where it
// leads.
var followRules = map[FollowAction]struct {
	from []FollowStatus
	to   FollowStatus
}{
	FollowAsk:         {from: []FollowStatus{"", FollowPending, FollowUnsubscribed}, to: FollowPending},
	FollowConfirm:     {from: []FollowStatus{FollowPending}, to: FollowActive},
	FollowUnsubscribe: {from: []FollowStatus{FollowPending, FollowActive}, to: FollowUnsubscribed},
}

// NextFollow returns where the action leads from the status, or an
// ECONFLICT error with its reason.
func NextFollow(from FollowStatus, a FollowAction) (FollowStatus, error) {
	r, ok := followRules[a]
	if !ok {
		return "", minsheng.FieldError("action", "unknown action %q", a)
	}
	if !slices.Contains(r.from, from) {
		switch {
		case from == FollowActive && a == FollowAsk:
			return "", minsheng.Errorf(minsheng.ECONFLICT, "this phone follows the project already").Because("following")
		case from == FollowUnsubscribed && a == FollowUnsubscribe:
			return "", minsheng.Errorf(minsheng.ECONFLICT, "this phone no longer follows the project").Because("not_following")
		default:
			return "", minsheng.Errorf(minsheng.ECONFLICT, "cannot %s a follow that is %s", a, from).Because("follow_code")
		}
	}
	return r.to, nil
}

// Limits of follow codes.
const (
	FollowCodeTTL     = 15 * time.Minute
	FollowMaxAttempts = 5
	FollowResendAfter = time.Minute
	FollowMaxSends    = 5 // per day
)

// Follower is a resident's follow of a project.
type Follower struct {
	ID            int64        `json:"id,string"`
	ProjectID     int64        `json:"project_id,string"`
	Phone         string       `json:"-"` // personal data
	Status        FollowStatus `json:"status"`
	CodeHash      string       `json:"-"`
	CodeSentAt    *time.Time   `json:"-"`
	CodeExpiresAt *time.Time   `json:"-"`
	Sends         int          `json:"-"` // codes sent, counted again a day after the last (CheckSend)
	Attempts      int          `json:"-"`
	// Unsubscribe is the token of the link in every SMS that ends the
	// follow. It is kept as it is (not hashed) so that each SMS can carry
	// it: it can do nothing but end this one follow.
	Unsubscribe string     `json:"-"`
	CreatedAt   time.Time  `json:"created_at"`
	ConfirmedAt *time.Time `json:"confirmed_at,omitempty"`
}

// NewFollowCode draws a six-digit code from r (crypto/rand).
func NewFollowCode(r io.Reader) (string, error) {
	b := make([]byte, 4)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("follow code: %w", err)
	}
	return fmt.Sprintf("%06d", (uint32(b[0])<<24|uint32(b[1])<<16|uint32(b[2])<<8|uint32(b[3]))%1000000), nil
}

// NewToken draws a link token from r.
func NewToken(r io.Reader) (string, error) {
	b := make([]byte, 20)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)), nil
}

// HashFollowCode hashes a code with the project and phone it is for.
func HashFollowCode(projectID int64, phone, code string) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("project-follow:%d:%s:%s", projectID, phone, code)))
	return hex.EncodeToString(h[:])
}

// CheckSend returns nil when a new code may be sent at now: a minute after
// the last; after FollowMaxSends, only once a day has passed since the last.
func (f *Follower) CheckSend(now time.Time) error {
	if _, err := NextFollow(f.Status, FollowAsk); err != nil {
		return err
	}
	if f.CodeSentAt != nil && now.Sub(*f.CodeSentAt) < FollowResendAfter {
		return minsheng.Errorf(minsheng.ERATELIMIT, "a code was sent less than a minute ago").Because("code_too_soon")
	}
	if f.CodeSentAt != nil && now.Sub(*f.CodeSentAt) < 24*time.Hour && f.Sends >= FollowMaxSends {
		return minsheng.Errorf(minsheng.ERATELIMIT, "at most %d codes a day", FollowMaxSends).Because("code_sends")
	}
	return nil
}

// Sent records a code sent at now.
func (f *Follower) Sent(codeHash string, now time.Time) {
	if f.CodeSentAt == nil || now.Sub(*f.CodeSentAt) >= 24*time.Hour {
		f.Sends = 0
	}
	exp := now.Add(FollowCodeTTL)
	f.Status, f.CodeHash, f.CodeSentAt, f.CodeExpiresAt, f.Attempts = FollowPending, codeHash, &now, &exp, 0
	f.Sends++
}

// Confirm checks a typed code at now: the follow is then active. A wrong
// code counts an attempt (kept by the caller though it returns the error).
func (f *Follower) Confirm(code string, now time.Time) error {
	if _, err := NextFollow(f.Status, FollowConfirm); err != nil {
		return err
	}
	switch {
	case f.CodeHash == "" || f.CodeExpiresAt == nil || !now.Before(*f.CodeExpiresAt):
		return minsheng.FieldError("code", "the code has expired; ask for a new one").Because("code_expired")
	case f.Attempts >= FollowMaxAttempts:
		return minsheng.FieldError("code", "too many wrong codes; ask for a new one").Because("code_locked")
	}
	code = strings.TrimSpace(code)
	if len(code) != 6 || subtle.ConstantTimeCompare([]byte(HashFollowCode(f.ProjectID, f.Phone, code)), []byte(f.CodeHash)) != 1 {
		f.Attempts++
		return minsheng.FieldError("code", "the code is wrong").Because("code_wrong")
	}
	f.Status, f.ConfirmedAt, f.CodeHash, f.CodeExpiresAt = FollowActive, &now, "", nil
	return nil
}
