package ui

import "testing"

func TestThresholdText(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{{0.9, "0.90"}, {0.5, "0.50"}, {1, "1.00"}, {0.875, "0.875"}, {0.95, "0.95"}} {
		if got := thresholdText(tc.in); got != tc.want {
			t.Errorf("thresholdText(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
