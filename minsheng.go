// Package minsheng holds what every layer of the platform shares: the
// application error with its stable codes, and the clock that use cases read
// the time from (so that tests can run on a fake one).
package minsheng

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Error codes. They are stable: clients match on them, and the HTTP layer
// maps each to one status in one table.
const (
	EINVALID      = "invalid"              // the input is malformed or out of range
	ENOTFOUND     = "not_found"            // the thing does not exist or is not visible to the caller
	ECONFLICT     = "conflict"             // the thing changed state; the message names the current state
	EFORBIDDEN    = "forbidden"            // the caller may not do this
	EUNAUTHORIZED = "unauthorized"         // the caller is not signed in
	ERATELIMIT    = "rate_limited"         // too many requests
	ETOOLARGE     = "too_large"            // the body is over the limit
	EINTERNAL     = "internal"             // a fault of ours; details are logged, never shown
	EIDEMPOTENCY  = "idempotency_mismatch" // a retried key came with a different request
	EUNAVAILABLE  = "unavailable"          // a service we depend on (the database) cannot be reached; retry later
)

// Error is an application error: a code from the list above, a message that
// is safe to show to the user, and optionally the input field at fault.
// The message is English, for the JSON API and the logs; pages word the
// error in their own language from its code, field and reason.
type Error struct {
	Code    string
	Message string
	Field   string
	// Reason is a stable key saying what exactly is wrong
	// ("phone_required", "too_long"), set where the code and the field do
	// not say enough for a page to word the error; clients may match on it.
	Reason string
	// Status is the ticket's current status, set on ECONFLICT errors about a ticket.
	Status string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (field %s)", e.Code, e.Message, e.Field)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an EINVALID error about one input field.
func FieldError(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Because sets the error's reason and returns the error, so that a reason
// reads beside the message: FieldError("phone", "…").Because("phone_required").
func (e *Error) Because(reason string) *Error {
	e.Reason = reason
	return e
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the safe message of the first *Error in err's chain,
// and "internal error" for anything else, whose text may hold internals.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// IsCode reports whether err carries the code.
func IsCode(err error, code string) bool { return ErrorCode(err) == code }

// Clock tells the time. Use cases read it instead of time.Now so that
// deadline logic can be tested on a fake clock.
type Clock interface{ Now() time.Time }

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }

// FakeClock is a settable clock for tests and for seeding history. It is safe
// for concurrent use.
type FakeClock struct {
	mu sync.Mutex
	t  time.Time
}

// NewFakeClock returns a FakeClock set to t.
func NewFakeClock(t time.Time) *FakeClock { return &FakeClock{t: t} }

// Now returns the clock's time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *FakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Advance moves the clock forward by d.
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type clientAddrKey struct{}

// WithClientAddr records the client's address as the HTTP server read it
// (from the connection, or from a trusted proxy's header), so that the
// pages, served behind the same middleware, limit sign-ins by the same
// address as the API.
func WithClientAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, clientAddrKey{}, addr)
}

// ClientAddr returns the address recorded by WithClientAddr, or "".
func ClientAddr(ctx context.Context) string {
	s, _ := ctx.Value(clientAddrKey{}).(string)
	return s
}
