// Package httpstatus holds the one table from the application's error codes
// (minsheng.EINVALID, ENOTFOUND, …) to HTTP statuses. The JSON API (package
// web) and the pages (package web/ui) both answer with it; it lives apart
// from them so that neither has to import the other.
package httpstatus

import (
	"net/http"

	"github.com/minsheng/minsheng"
)

// statusOf is the table; codes missing from it are faults of ours.
var statusOf = map[string]int{
	minsheng.EINVALID:      http.StatusBadRequest,
	minsheng.ENOTFOUND:     http.StatusNotFound,
	minsheng.ECONFLICT:     http.StatusConflict,
	minsheng.EFORBIDDEN:    http.StatusForbidden,
	minsheng.EUNAUTHORIZED: http.StatusUnauthorized,
	minsheng.ERATELIMIT:    http.StatusTooManyRequests,
	minsheng.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	minsheng.EIDEMPOTENCY:  http.StatusUnprocessableEntity,
	minsheng.EINTERNAL:     http.StatusInternalServerError,
	minsheng.EUNAVAILABLE:  http.StatusServiceUnavailable,
}

// RetryAfter is the Retry-After, in seconds, sent with a 503: long enough
// for a database to come back from a restart or a fail-over, short enough
// that a caller's retry is not kept waiting.
const RetryAfter = "10"

// ForCode returns the HTTP status of an error code, as given by
// minsheng.ErrorCode: 500 for EINTERNAL and for any code it does not know
// (including "", no error), so that an unexpected code never looks like the
// client's fault.
func ForCode(code string) int {
	if s, ok := statusOf[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}
