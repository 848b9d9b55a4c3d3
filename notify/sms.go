package notify

import (
	"context"
	"log/slog"
	"strings"
	"unicode/utf8"

	"github.com/minsheng/minsheng/personal"
)

// SMS is one text message.
type SMS struct {
	To   string // the phone number, normalized (digits only)
	Text string
	// Ref is the delivery id: gateways that accept a client reference
	// de-duplicate resent messages by it.
	Ref string
}

// SMSGateway sends text messages. Each province and operator has its own
// gateway API; an implementation for one wraps its HTTP API and returns
// the gateway's status code.
type SMSGateway interface {
	SendSMS(ctx context.Context, m SMS) (code int, err error)
}

// LogSMS is an SMSGateway that only logs what it would send: for
// development, demos and districts without a gateway contract. The log
// never holds a full phone number: the recipient is masked, and so is
// every run of seven or more digits in the text.
type LogSMS struct {
	Log *slog.Logger
}

// SendSMS logs the message and reports success.
func (l LogSMS) SendSMS(ctx context.Context, m SMS) (int, error) {
	log := l.Log
	if log == nil {
		log = slog.Default()
	}
	log.InfoContext(ctx, "sms (logged, not sent)", "to", personal.MaskPhone(m.To), "ref", m.Ref,
		"chars", utf8.RuneCountInString(m.Text), "text", MaskDigits(m.Text))
	return 0, nil
}

// MaskDigits masks the middle of every run of seven or more ASCII digits
// in s, as phone numbers are masked (138****1234), so that a number a
// caller wrote into a title does not reach a log. The date part of a
// ticket number (20260302-00001), a run followed by a hyphen, stays
// readable.
func MaskDigits(s string) string {
	var b strings.Builder
	run := 0
	flush := func(end int) {
		ticketDate := end < len(s) && s[end] == '-'
		if run >= 7 && !ticketDate {
			b.WriteString(personal.MaskPhone(s[end-run : end]))
		} else {
			b.WriteString(s[end-run : end])
		}
		run = 0
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			run++
			continue
		}
		flush(i)
		b.WriteByte(s[i])
	}
	flush(len(s))
	return b.String()
}
