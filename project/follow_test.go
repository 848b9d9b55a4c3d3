package project

import (
	"crypto/rand"
	"errors"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
)

func reasonOf(err error) string {
	var e *minsheng.Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

// The follow's lifecycle, every status × action.
func TestFollowLifecycle(t *testing.T) {
	want := map[FollowStatus]map[FollowAction]string{
		"":                 {FollowAsk: "pending", FollowConfirm: "follow_code", FollowUnsubscribe: "follow_code"},
		FollowPending:      {FollowAsk: "pending", FollowConfirm: "active", FollowUnsubscribe: "unsubscribed"},
		FollowActive:       {FollowAsk: "following", FollowConfirm: "follow_code", FollowUnsubscribe: "unsubscribed"},
		FollowUnsubscribed: {FollowAsk: "pending", FollowConfirm: "follow_code", FollowUnsubscribe: "not_following"},
	}
	for from, as := range want {
		for a, exp := range as {
			t.Run(string(from)+"/"+string(a), func(t *testing.T) {
				got, err := NextFollow(from, a)
				switch exp {
				case "pending", "active", "unsubscribed":
					if err != nil || string(got) != exp {
						t.Errorf("NextFollow = %q, %v; want %s", got, err, exp)
					}
				default:
					if minsheng.ErrorCode(err) != minsheng.ECONFLICT || reasonOf(err) != exp {
						t.Errorf("NextFollow = %q, %v; want a conflict because %s", got, err, exp)
					}
				}
			})
		}
	}
	if _, err := NextFollow(FollowPending, "shout"); minsheng.ErrorCode(err) != minsheng.EINVALID {
		t.Errorf("an unknown action: %v", err)
	}
}

// Codes: the right one activates; wrong, late, or after five wrong tries
// refused; sends limited to one a minute and five a day.
func TestFollowCodes(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	fresh := func() (*Follower, string) {
		f := &Follower{ProjectID: 3, Phone: "13900001111"}
		code, err := NewFollowCode(rand.Reader)
		if err != nil || len(code) != 6 {
			t.Fatalf("code %q %v", code, err)
		}
		if err := f.CheckSend(t0); err != nil {
			t.Fatal(err)
		}
		f.Sent(HashFollowCode(3, f.Phone, code), t0)
		return f, code
	}
	for _, tc := range []struct {
		name   string
		typed  func(string) string
		at     time.Duration
		tries  int
		reason string
	}{
		{"right", func(c string) string { return c }, time.Minute, 0, ""},
		{"wrong", func(c string) string { return "x" + c[1:] }, time.Minute, 0, "code_wrong"},
		{"late", func(c string) string { return c }, FollowCodeTTL, 0, "code_expired"},
		{"locked", func(c string) string { return c }, time.Minute, FollowMaxAttempts, "code_locked"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, code := fresh()
			f.Attempts = tc.tries
			err := f.Confirm(tc.typed(code), t0.Add(tc.at))
			if reasonOf(err) != tc.reason || (tc.reason == "") != (f.Status == FollowActive) {
				t.Errorf("Confirm = %v, status %s", err, f.Status)
			}
			if tc.reason == "code_wrong" && f.Attempts != 1 {
				t.Errorf("attempts %d", f.Attempts)
			}
		})
	}
	f, _ := fresh()
	if err := f.CheckSend(t0.Add(30 * time.Second)); reasonOf(err) != "code_too_soon" {
		t.Errorf("a second code at once: %v", err)
	}
	at := t0
	for i := 1; i < FollowMaxSends; i++ {
		at = at.Add(FollowResendAfter)
		if err := f.CheckSend(at); err != nil {
			t.Fatalf("send %d: %v", i+1, err)
		}
		f.Sent("h", at)
	}
	if err := f.CheckSend(at.Add(time.Hour)); reasonOf(err) != "code_sends" {
		t.Errorf("a sixth code the same day: %v", err)
	}
	if err := f.CheckSend(t0.Add(25 * time.Hour)); err != nil {
		t.Errorf("a code the next day: %v", err)
	}
	f.Status = FollowActive
	if err := f.CheckSend(t0.Add(48 * time.Hour)); reasonOf(err) != "following" {
		t.Errorf("asking again while following: %v", err)
	}
	tok, err := NewToken(rand.Reader)
	if err != nil || len(tok) != 32 {
		t.Errorf("token %q %v", tok, err)
	}
}
