package httpstatus_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/web/httpstatus"
)

func TestForCode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"invalid", minsheng.FieldError("title", "required"), http.StatusBadRequest},
		{"not found", minsheng.Errorf(minsheng.ENOTFOUND, "no such ticket"), http.StatusNotFound},
		{"conflict", minsheng.Errorf(minsheng.ECONFLICT, "already closed"), http.StatusConflict},
		{"forbidden", minsheng.Errorf(minsheng.EFORBIDDEN, "admins only"), http.StatusForbidden},
		{"unauthorized", minsheng.Errorf(minsheng.EUNAUTHORIZED, "sign in"), http.StatusUnauthorized},
		{"rate limited", minsheng.Errorf(minsheng.ERATELIMIT, "slow down"), http.StatusTooManyRequests},
		{"too large", minsheng.Errorf(minsheng.ETOOLARGE, "1 MiB at most"), http.StatusRequestEntityTooLarge},
		{"idempotency", minsheng.Errorf(minsheng.EIDEMPOTENCY, "other body"), http.StatusUnprocessableEntity},
		{"internal", minsheng.Errorf(minsheng.EINTERNAL, "oops"), http.StatusInternalServerError},
		{"unavailable", minsheng.Errorf(minsheng.EUNAVAILABLE, "database down"), http.StatusServiceUnavailable},
		{"wrapped", fmt.Errorf("dispatch 42: %w", minsheng.Errorf(minsheng.ECONFLICT, "closed")), http.StatusConflict},
		{"plain error", errors.New("disk full"), http.StatusInternalServerError},
		{"unknown code", minsheng.Errorf("made_up", "?"), http.StatusInternalServerError},
		{"no error", nil, http.StatusInternalServerError},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := httpstatus.ForCode(minsheng.ErrorCode(tc.err)); got != tc.want {
				t.Errorf("ForCode(%q) = %d, want %d", minsheng.ErrorCode(tc.err), got, tc.want)
			}
		})
	}
}
