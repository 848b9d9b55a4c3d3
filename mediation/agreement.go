package mediation

import (
	"fmt"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
)

// China is the zone in which days are counted: an agreement takes effect on
// a day in China, and its deadlines end at midnight there.
var China = time.FixedZone("CST", 8*3600)

// JudicialConfirmationDays is the statutory period, from the day a
// mediation agreement takes effect, within which the parties may apply
// jointly to a court for 司法确认 (人民调解法 art. 33).
const JudicialConfirmationDays = 30

// JudicialDeadline returns the end of the period in which 司法确认 may be
// applied for: midnight (China) at the end of the 30th day after the day
// the agreement took effect. An agreement that took effect on 1 March may
// be confirmed until 31 March, 24:00.
func JudicialDeadline(effective time.Time) time.Time {
	d := effective.In(China)
	return time.Date(d.Year(), d.Month(), d.Day()+JudicialConfirmationDays+1, 0, 0, 0, 0, China).UTC()
}

// JudicialDaysLeft returns the whole days left, counted in China's days, to
// apply for 司法确认 at now: 30 on the day the agreement took effect, 0 on
// the last day, negative once the deadline has passed.
func JudicialDaysLeft(effective, now time.Time) int {
	return DaysLeftTo(JudicialDeadline(effective), now)
}

// DaysLeftTo returns the whole days (China) left at now before a deadline
// that falls at a midnight: 0 on its last day, negative after it.
func DaysLeftTo(deadline, now time.Time) int {
	last := deadline.In(China).AddDate(0, 0, -1)
	n := now.In(China)
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, China)
	return int(last.Sub(today).Hours() / 24)
}

// Instalment is one obligation of an agreement's performance schedule:
// an amount (in fen; 0 for an obligation that is not a payment, such as
// "repair the pipe") due on a day.
type Instalment struct {
	Seq        int        `json:"seq"`
	Due        time.Time  `json:"due"` // midnight (China) starting the day it is due
	AmountFen  int64      `json:"amount_fen"`
	What       string     `json:"what"`
	PaidAt     *time.Time `json:"paid_at,omitempty"`
	RemindedAt *time.Time `json:"reminded_at,omitempty"`
}

// Day returns midnight (China) starting the day of t.
func Day(t time.Time) time.Time {
	d := t.In(China)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, China).UTC()
}

// Overdue reports whether the instalment is unpaid and its day has ended
// at now.
func (i Instalment) Overdue(now time.Time) bool {
	return i.PaidAt == nil && !now.Before(i.Due.Add(24*time.Hour))
}

// DueSoon reports whether the instalment is unpaid, not yet overdue, and
// due at most days days after today (China): with 3, from three days
// before its day.
func (i Instalment) DueSoon(now time.Time, days int) bool {
	return i.PaidAt == nil && !i.Overdue(now) && !i.Due.After(Day(now).AddDate(0, 0, days))
}

// SplitSchedule spreads a total (fen) over n instalments a month apart,
// the first on first: equal parts, the remainder on the last. A day that
// a month lacks (the 31st) falls on that month's last day.
func SplitSchedule(totalFen int64, n int, first time.Time, what string) ([]Instalment, error) {
	if n < 1 || n > MaxInstalments {
		return nil, minsheng.FieldError("instalments", "between 1 and %d instalments", MaxInstalments)
	}
	if totalFen <= 0 {
		return nil, minsheng.FieldError("amount", "the amount must be more than 0")
	}
	part := totalFen / int64(n)
	if part == 0 {
		return nil, minsheng.FieldError("amount", "the amount is too small for %d instalments", n)
	}
	f := first.In(China)
	out := make([]Instalment, n)
	for i := range out {
		out[i] = Instalment{Seq: i + 1, Due: addMonths(f, i), AmountFen: part, What: what}
	}
	out[n-1].AmountFen += totalFen - part*int64(n)
	return out, nil
}

// addMonths returns midnight (China) of the day m months after d, clamped
// to the month's last day.
func addMonths(d time.Time, m int) time.Time {
	y, mo := d.Year(), d.Month()+time.Month(m)
	last := time.Date(y, mo+1, 0, 0, 0, 0, 0, China).Day()
	day := min(d.Day(), last)
	return time.Date(y, mo, day, 0, 0, 0, 0, China).UTC()
}

// MaxInstalments limits a schedule.
const MaxInstalments = 60

// NewAgreement is an agreement as the mediator records it.
type NewAgreement struct {
	Terms     string       `json:"terms"`
	SignMode  SignMode     `json:"sign_mode"`
	Effective time.Time    `json:"effective"` // when it took effect (signed by all)
	Schedule  []Instalment `json:"schedule"`  // may be empty: an agreement performed at once
}

// Validate returns an EINVALID error naming the first field at fault. A
// case without both sides cannot have an agreement (parties); instalments
// are numbered and dated in order, none before the agreement's day, and
// none for less than nothing.
func (a *NewAgreement) Validate(applicants, respondents int) error {
	if applicants == 0 || respondents == 0 {
		return minsheng.FieldError("parties", "an agreement needs an applicant and a respondent")
	}
	a.Terms = strings.TrimSpace(a.Terms)
	if err := CheckText("terms", a.Terms, MaxText, true); err != nil {
		return err
	}
	switch a.SignMode {
	case SignPaper, SignScan, SignSMS:
	default:
		return minsheng.FieldError("sign_mode", "sign_mode must be paper, scan or sms")
	}
	if a.Effective.IsZero() {
		return minsheng.FieldError("effective", "the day the agreement took effect is required")
	}
	if len(a.Schedule) > MaxInstalments {
		return minsheng.FieldError("schedule", "at most %d instalments", MaxInstalments)
	}
	start := Day(a.Effective)
	for i := range a.Schedule {
		in := &a.Schedule[i]
		field := fmt.Sprintf("schedule.%d.", i)
		in.Seq = i + 1
		in.Due = Day(in.Due)
		in.What = strings.TrimSpace(in.What)
		if in.Due.Before(start) {
			return minsheng.FieldError(field+"due", "an instalment cannot be due before the agreement took effect")
		}
		if i > 0 && in.Due.Before(a.Schedule[i-1].Due) {
			return minsheng.FieldError(field+"due", "instalments must be in date order")
		}
		if in.AmountFen < 0 {
			return minsheng.FieldError(field+"amount_fen", "an amount cannot be negative")
		}
		if in.AmountFen == 0 && in.What == "" {
			return minsheng.FieldError(field+"what", "an obligation without an amount says what is to be done")
		}
		if err := CheckText(field+"what", in.What, MaxTitle, false); err != nil {
			return err
		}
		in.PaidAt, in.RemindedAt = nil, nil
	}
	return nil
}

// Yuan formats an amount in fen as yuan: 150050 → "1500.50".
func Yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}
