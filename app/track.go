package app

// How a resident gets back to their request: links by SMS, and the lookup
// by ticket number and phone.

import (
	"context"
	"crypto/subtle"
	"net/url"
	"strings"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/personal"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// TrackPath is the path of a request's tracking page opened with a token.
func TrackPath(number, token string) string {
	return "/track/" + url.PathEscape(number) + "?token=" + url.QueryEscape(token)
}

// trackingLink makes a new token for the ticket's tracking page, keeps its
// hash, and returns the page's public address; "" when the server has no
// public address (Config.PublicURL), since a link without one would not
// work from a phone.
func (s *Service) trackingLink(ctx context.Context, tx *store.Tx, t *ticket.Ticket) (string, error) {
	if s.publicURL == "" {
		return "", nil
	}
	token := org.NewSecret("msr_")
	if err := store.AddTrackingLink(ctx, tx, t.ID, org.HashSecret(token), s.now()); err != nil {
		return "", err
	}
	return s.publicURL + TrackPath(t.Number, token), nil
}

// lookupURL is the public address of the lookup form ("" without one).
func (s *Service) lookupURL() string {
	if s.publicURL == "" {
		return ""
	}
	return s.publicURL + "/track"
}

// errNoSuchRequest is the one answer to a lookup that fails, whether the
// number does not exist or the phone is not the caller's: a lookup does not
// tell which numbers exist.
func errNoSuchRequest() error {
	return minsheng.FieldError("number", "no request with this number and phone; check both").Because("lookup_mismatch")
}

// LookupTicket finds a request by its number and the phone given when it
// was registered, and returns a new token that opens its tracking page
// (TrackPath). A number that does not exist and a phone that does not
// match give the same EINVALID error on the field "number"; a number or a
// phone that cannot be one is EINVALID on its own field. The caller limits
// how often an address and a number may be tried (the portal does).
func (s *Service) LookupTicket(ctx context.Context, number, phone string) (string, error) {
	number = strings.TrimSpace(number)
	if number == "" || len(number) > 40 {
		return "", minsheng.FieldError("number", "the ticket number is required").Because("number_required")
	}
	phone = personal.NormalizePhone(phone)
	if !personal.ValidPhone(phone) {
		return "", minsheng.FieldError("phone", "the phone number is not valid").Because("phone_format")
	}
	token := org.NewSecret("msr_")
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		t, err := store.GetTicketByNumber(ctx, tx, number)
		if minsheng.IsCode(err, minsheng.ENOTFOUND) {
			// Compare anyway, so that a missing number takes as long.
			subtle.ConstantTimeCompare([]byte(phone), []byte(phone))
			return errNoSuchRequest()
		}
		if err != nil {
			return err
		}
		if subtle.ConstantTimeCompare([]byte(personal.NormalizePhone(t.CallerPhone)), []byte(phone)) != 1 {
			return errNoSuchRequest()
		}
		return store.AddTrackingLink(ctx, tx, t.ID, org.HashSecret(token), s.now())
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// trackedBy reports whether the token opens the ticket's tracking page:
// the token given at submission or one of its links.
func trackedBy(ctx context.Context, tx *store.Tx, t *ticket.Ticket, token string) (bool, error) {
	if token == "" {
		return false, nil
	}
	hash := org.HashSecret(token)
	h, err := store.TrackingHash(ctx, tx, t.ID)
	if err != nil {
		return false, err
	}
	if h != "" && subtle.ConstantTimeCompare([]byte(h), []byte(hash)) == 1 {
		return true, nil
	}
	return store.HasTrackingLink(ctx, tx, t.ID, hash)
}
