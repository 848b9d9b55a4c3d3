// Package stats defines the district's rates (DESIGN §4) exactly, and how
// each ticket counts towards them. Dashboards read summaries that are kept
// up to date in the same transaction as every ticket change: a change
// subtracts what the ticket counted before and adds what it counts after.
// It does no I/O.
//
// Each count is dated by the day that decides which period it belongs to:
//
//	received, invalid, merged, closed    the day the ticket was received (a cohort)
//	funnel_*                             the day the ticket was received (the same cohort)
//	ack_due, ack_on_time                 the day of the acknowledge deadline
//	reply_due, replied_on_time, open_due the day of the reply deadline
//	callbacks, resolved, satisfied, …    the day of the callback
package stats

import (
	"time"

	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/ticket"
)

// Counters are the summable counts behind the rates.
type Counters struct {
	Received int64 `json:"received"`
	Invalid  int64 `json:"invalid"`
	Merged   int64 `json:"merged"`
	Closed   int64 `json:"closed"`

	AckDue    int64 `json:"ack_due"`     // dispatched with an acknowledge deadline on the day
	AckOnTime int64 `json:"ack_on_time"` // … and acknowledged by it

	Replied       int64 `json:"replied"`         // replied (not back in hand) with a reply deadline on the day
	RepliedOnTime int64 `json:"replied_on_time"` // … replied by it
	OpenDue       int64 `json:"open_due"`        // still in hand with a reply deadline on the day

	Callbacks          int64 `json:"callbacks"` // callbacks answered on the day
	Resolved           int64 `json:"resolved"`
	Satisfied          int64 `json:"satisfied"`
	BasicallySatisfied int64 `json:"basically_satisfied"`

	// The status funnel: of the valid tickets received on the day, how
	// many have been dispatched, of those acknowledged, of those replied
	// (the reply stands), of those closed. Each stage is within the one
	// before, so the funnel never widens.
	FunnelDispatched   int64 `json:"funnel_dispatched"`
	FunnelAcknowledged int64 `json:"funnel_acknowledged"`
	FunnelReplied      int64 `json:"funnel_replied"`
	FunnelClosed       int64 `json:"funnel_closed"`
}

// Add adds o to c.
func (c *Counters) Add(o Counters, sign int64) {
	c.Received += sign * o.Received
	c.Invalid += sign * o.Invalid
	c.Merged += sign * o.Merged
	c.Closed += sign * o.Closed
	c.AckDue += sign * o.AckDue
	c.AckOnTime += sign * o.AckOnTime
	c.Replied += sign * o.Replied
	c.RepliedOnTime += sign * o.RepliedOnTime
	c.OpenDue += sign * o.OpenDue
	c.Callbacks += sign * o.Callbacks
	c.Resolved += sign * o.Resolved
	c.Satisfied += sign * o.Satisfied
	c.BasicallySatisfied += sign * o.BasicallySatisfied
	c.FunnelDispatched += sign * o.FunnelDispatched
	c.FunnelAcknowledged += sign * o.FunnelAcknowledged
	c.FunnelReplied += sign * o.FunnelReplied
	c.FunnelClosed += sign * o.FunnelClosed
}

// Zero reports whether every count is zero.
func (c Counters) Zero() bool { return c == Counters{} }

// Values lists the counts in a fixed order (the order of the columns that
// store them).
func (c Counters) Values() []int64 {
	return []int64{c.Received, c.Invalid, c.Merged, c.Closed, c.AckDue, c.AckOnTime, c.Replied, c.RepliedOnTime,
		c.OpenDue, c.Callbacks, c.Resolved, c.Satisfied, c.BasicallySatisfied,
		c.FunnelDispatched, c.FunnelAcknowledged, c.FunnelReplied, c.FunnelClosed}
}

// Columns names the counts in the order of Values.
var Columns = []string{"received", "invalid", "merged", "closed", "ack_due", "ack_on_time", "replied",
	"replied_on_time", "open_due", "callbacks", "resolved", "satisfied", "basically_satisfied",
	"funnel_dispatched", "funnel_acknowledged", "funnel_replied", "funnel_closed"}

// Pointers returns pointers to the counts in the order of Values, for
// scanning.
func (c *Counters) Pointers() []any {
	return []any{&c.Received, &c.Invalid, &c.Merged, &c.Closed, &c.AckDue, &c.AckOnTime, &c.Replied, &c.RepliedOnTime,
		&c.OpenDue, &c.Callbacks, &c.Resolved, &c.Satisfied, &c.BasicallySatisfied,
		&c.FunnelDispatched, &c.FunnelAcknowledged, &c.FunnelReplied, &c.FunnelClosed}
}

// Day is a day as a number, YYYYMMDD, in China's time zone.
type Day int

// DayOf returns the day of t in China.
func DayOf(t time.Time) Day {
	d := calendar.DateOf(t)
	return Day(d.Year*10000 + int(d.Month)*100 + d.Day)
}

// Fact is what a ticket counts on one day.
type Fact struct {
	Day Day
	Counters
}

// inHand reports whether the handling unit still owes work.
func inHand(s ticket.Status) bool {
	return s == ticket.StatusDispatched || s == ticket.StatusAcknowledged || s == ticket.StatusReopened
}

// Facts returns what a ticket in its current state counts, by day. A nil
// ticket counts nothing.
func Facts(t *ticket.Ticket) []Fact {
	if t == nil {
		return nil
	}
	var out []Fact
	add := func(at time.Time, c Counters) {
		d := DayOf(at)
		for i := range out {
			if out[i].Day == d {
				out[i].Add(c, 1)
				return
			}
		}
		out = append(out, Fact{Day: d, Counters: c})
	}
	recv := Counters{Received: 1}
	switch t.Status {
	case ticket.StatusInvalid:
		recv.Invalid = 1
	case ticket.StatusMerged:
		recv.Merged = 1
	case ticket.StatusClosed:
		recv.Closed = 1
	}
	funnel(t, &recv)
	add(t.CreatedAt, recv)
	if t.AcknowledgeBy != nil {
		c := Counters{AckDue: 1}
		if t.AcknowledgedAt != nil && !t.AcknowledgedAt.After(*t.AcknowledgeBy) {
			c.AckOnTime = 1
		}
		add(*t.AcknowledgeBy, c)
	}
	if t.ReplyBy != nil && t.UnitID != 0 {
		switch {
		case inHand(t.Status):
			add(*t.ReplyBy, Counters{OpenDue: 1})
		case t.RepliedAt != nil && (t.Status == ticket.StatusReplied || t.Status == ticket.StatusClosed):
			c := Counters{Replied: 1}
			if !t.RepliedAt.After(*t.ReplyBy) {
				c.RepliedOnTime = 1
			}
			add(*t.ReplyBy, c)
		}
	}
	if t.CallbackAt != nil && t.Satisfaction != "" {
		c := Counters{Callbacks: 1}
		if t.Resolved != nil && *t.Resolved {
			c.Resolved = 1
		}
		switch t.Satisfaction {
		case ticket.Satisfied:
			c.Satisfied = 1
		case ticket.BasicallySatisfied:
			c.BasicallySatisfied = 1
		}
		add(*t.CallbackAt, c)
	}
	return out
}

// funnel sets the stages of the status funnel a valid ticket has reached,
// each within the one before: dispatched (it has had a handling unit),
// acknowledged, replied (the reply stands: replied or closed), closed
// through that path. A request closed at intake was never dispatched and
// is in none of them.
func funnel(t *ticket.Ticket, c *Counters) {
	if c.Invalid+c.Merged > 0 || (t.AcknowledgeBy == nil && t.UnitID == 0) {
		return
	}
	c.FunnelDispatched = 1
	replied := t.RepliedAt != nil && (t.Status == ticket.StatusReplied || t.Status == ticket.StatusClosed)
	if t.AcknowledgedAt == nil && !replied {
		return
	}
	c.FunnelAcknowledged = 1
	if !replied {
		return
	}
	c.FunnelReplied = 1
	if t.Status == ticket.StatusClosed {
		c.FunnelClosed = 1
	}
}

// Rate is a fraction shown with its parts, as every rate must be.
type Rate struct {
	Numerator   int64    `json:"numerator"`
	Denominator int64    `json:"denominator"`
	Value       *float64 `json:"value"` // nil when the denominator is zero
}

func rate(n, d int64) Rate {
	r := Rate{Numerator: n, Denominator: d}
	if d > 0 {
		v := float64(n) / float64(d)
		r.Value = &v
	}
	return r
}

// Weights weigh the composite score; DESIGN §4's example is 30/35/35.
type Weights struct {
	Response     float64 `json:"response"`
	Resolution   float64 `json:"resolution"`
	Satisfaction float64 `json:"satisfaction"`
}

// DefaultWeights are DESIGN §4's example.
var DefaultWeights = Weights{Response: 30, Resolution: 35, Satisfaction: 35}

// Rates are the district's rates for a unit subtree and period.
type Rates struct {
	Closure      Rate     `json:"closure"`      // 办结率: closed ÷ (received − invalid − merged)
	Response     Rate     `json:"response"`     // 响应率: acknowledged by the deadline ÷ with an acknowledge deadline
	OnTime       Rate     `json:"on_time"`      // 按期办结率: replied by the deadline ÷ (replied + open and past the deadline)
	Resolution   Rate     `json:"resolution"`   // 解决率: callbacks "resolved" ÷ callbacks answered
	Satisfaction Rate     `json:"satisfaction"` // 满意率: (satisfied + basically satisfied) ÷ callbacks answered
	Composite    *float64 `json:"composite"`    // weighted sum of response, resolution, satisfaction, 0–100
}

// Compute derives the rates from summed counters. overdueOpen is how many
// tickets of the period are still in hand past their reply deadline (the
// caller counts those against the clock, since time, not an event, makes a
// ticket overdue).
func Compute(c Counters, overdueOpen int64, w Weights) Rates {
	r := Rates{
		Closure:      rate(c.Closed, c.Received-c.Invalid-c.Merged),
		Response:     rate(c.AckOnTime, c.AckDue),
		OnTime:       rate(c.RepliedOnTime, c.Replied+overdueOpen),
		Resolution:   rate(c.Resolved, c.Callbacks),
		Satisfaction: rate(c.Satisfied+c.BasicallySatisfied, c.Callbacks),
	}
	var sum, weight float64
	for _, p := range []struct {
		r Rate
		w float64
	}{{r.Response, w.Response}, {r.Resolution, w.Resolution}, {r.Satisfaction, w.Satisfaction}} {
		if p.r.Value != nil && p.w > 0 {
			sum += *p.r.Value * p.w
			weight += p.w
		}
	}
	if weight > 0 {
		v := 100 * sum / weight
		r.Composite = &v
	}
	return r
}
