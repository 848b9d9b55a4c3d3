package store

import (
	"testing"
	"time"
)

func TestReplicaLag(t *testing.T) {
	t0 := time.Date(2026, 12, 8, 2, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	// The primary wrote WAL between every poll but the last two.
	samples := []walSample{{at(0), 100}, {at(200), 300}, {at(400), 500}, {at(600), 500}, {at(800), 500}}
	now := at(900)
	for _, c := range []struct {
		replay LSN
		want   time.Duration
	}{
		{500, 0},                      // caught up
		{600, 0},                      // past the last sample
		{300, 500 * time.Millisecond}, // missing what the primary had at 400 ms
		{299, 700 * time.Millisecond}, // missing what it had at 200 ms
		{50, 900 * time.Millisecond},  // behind every sample kept: at least their age
	} {
		if got := replicaLag(samples, c.replay, now); got != c.want {
			t.Errorf("replay %d: lag %s, want %s", c.replay, got, c.want)
		}
	}
	if got := replicaLag(nil, 1, now); got != 0 {
		t.Errorf("no samples yet: lag %s", got)
	}
}

func TestLSN(t *testing.T) {
	l, err := ParseLSN("16/B374D848")
	if err != nil || l != 0x16B374D848 || l.String() != "16/B374D848" {
		t.Fatalf("ParseLSN: %v %v %s", l, err, l)
	}
	for _, bad := range []string{"", "16", "x/1", "1/2/3", "100000000/0"} {
		if _, err := ParseLSN(bad); err == nil {
			t.Errorf("ParseLSN(%q) accepted", bad)
		}
	}
}
