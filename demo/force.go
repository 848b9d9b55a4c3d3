package demo

import (
	"slices"
	"time"

	"github.com/minsheng/minsheng/ticket"
)

// recentStatuses are the statuses that only recent tickets are in, with
// how long ago a ticket may have reached one and still sit in it plausibly.
var recentStatuses = []struct {
	status ticket.Status
	maxAge time.Duration
}{
	{ticket.StatusRegistered, 12 * time.Hour},
	{ticket.StatusDispatched, 2 * 24 * time.Hour},
	{ticket.StatusAcknowledged, 10 * 24 * time.Hour},
	{ticket.StatusReturned, 2 * 24 * time.Hour},
	{ticket.StatusReplied, 4 * 24 * time.Hour},
	{ticket.StatusReopened, 8 * 24 * time.Hour},
}

// isOverdue reports whether a ticket ends open and past its reply deadline.
func (p *planner) isOverdue(sp *spec) bool {
	f := sp.final()
	switch f.status {
	case ticket.StatusDispatched, ticket.StatusAcknowledged, ticket.StatusReopened:
		return !f.replyBy.IsZero() && f.replyBy.Before(p.now)
	}
	return false
}

// ensureVariety makes sure that the district shows every open status a few
// times, and a handful of overdue tickets, however few tickets are seeded:
// where chance left too few, recent tickets are stopped at that point of
// their life (a dispatcher has not got to the returned ticket yet, a unit
// is still redoing a reopened one). Older tickets are stopped after
// acknowledgement for the overdue ones: hard cases a unit has not replied
// to in weeks.
func (p *planner) ensureVariety(specs []*spec) {
	n := len(specs)
	if n == 0 {
		return
	}
	want := min(max(n/200, 1), 5)
	counts := map[ticket.Status]int{}
	for _, sp := range specs {
		counts[sp.final().status]++
	}
	lastChunk, lastStart := specs[n-1].chunk, specs[n-1].created
	for _, sp := range specs {
		if sp.chunk == lastChunk && sp.created.Before(lastStart) {
			lastStart = sp.created
		}
	}
	for _, rs := range recentStatuses {
		for pass := 0; pass < 2 && counts[rs.status] < want; pass++ {
			for j := n - 1; j >= 0 && counts[rs.status] < want; j-- {
				sp := specs[j]
				if pass == 0 && p.now.Sub(sp.created) > rs.maxAge+45*24*time.Hour {
					break
				}
				old := sp.final().status
				if sp.forced || sp.f.path != pathDispatch || old == rs.status || counts[old] <= want {
					continue
				}
				f := sp.f
				switch rs.status {
				case ticket.StatusReturned:
					if f.ret == "" {
						f.ret = p.returnReason(p.rng(sp.i, 3), sp)
					}
				case ticket.StatusReopened:
					f.sat, f.reopen, f.noCallback, f.sat2 = ticket.Unsatisfied, true, false, ticket.Satisfied
				}
				stop := func(s step) bool { return s.status == rs.status }
				if pass == 0 {
					if !p.stopAt(sp, f, stop, false, true, rs.maxAge) {
						continue
					}
				} else if sp.isParent || !p.moveAndStop(sp, f, stop, rs.maxAge, lastStart, lastChunk) {
					continue
				}
				counts[old]--
				counts[rs.status]++
			}
		}
	}

	wantOverdue := min(max(n/300, 1), 6)
	overdue := 0
	var cands []*spec
	for _, sp := range specs {
		if p.isOverdue(sp) {
			overdue++
		}
		age := p.now.Sub(sp.created)
		if !sp.forced && sp.f.path == pathDispatch && sp.in.Urgency == ticket.UrgencyNormal && !sp.isParent &&
			age > 12*24*time.Hour && age < 60*24*time.Hour {
			cands = append(cands, sp)
		}
	}
	p.r.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
	for _, sp := range cands {
		if overdue >= wantOverdue {
			break
		}
		old := sp.final().status
		if counts[old] <= want {
			continue
		}
		// The unit is late: reminded and supervised, it has still not replied.
		g := sp.f
		g.replyLate, g.extension = true, 0
		if p.stopAt(sp, g, func(s step) bool { return s.act == actReply }, true, false, 0) && p.isOverdue(sp) {
			overdue++
			counts[old]--
			counts[ticket.StatusAcknowledged]++
		}
	}
}

// moveAndStop is stopAt for a ticket moved forward by whole days (so that
// its hour stays) to within maxAge of now: with few tickets a year, too few
// are recent enough to be caught in every open status. The ticket joins the
// last chunk, which must begin before its new day; it is linked to no other
// ticket, so it may change chunks.
func (p *planner) moveAndStop(sp *spec, f fate, stop func(step) bool, maxAge time.Duration, lastStart time.Time, lastChunk int) bool {
	created, chunk := sp.created, sp.chunk
	sp.chunk = lastChunk
	const day = 24 * time.Hour
	for k := int(p.now.Sub(created) / day); k >= 1; k-- {
		sp.created = created.Add(time.Duration(k) * day)
		if age := p.now.Sub(sp.created); age < 10*time.Minute || age > maxAge || !sp.created.After(lastStart) {
			continue
		}
		if p.stopAt(sp, f, stop, false, true, maxAge) {
			return true
		}
	}
	sp.created, sp.chunk = created, chunk
	return false
}

// stopAt replans the ticket with fate f and ends its life at the first step
// that stop accepts (or just before it, when before is set), which must have
// happened by now (and, when fresh is set, within maxAge of now). It reports
// whether it could; if not, the ticket stays as it was.
func (p *planner) stopAt(sp *spec, f fate, stop func(step) bool, before, fresh bool, maxAge time.Duration) bool {
	oldFate, oldSteps := sp.f, slices.Clone(sp.steps)
	sp.f = f
	p.build(p.rng(sp.i, 1), sp)
	k := slices.IndexFunc(sp.steps, stop)
	if k < 0 || (fresh && p.now.Sub(sp.steps[k].at) > maxAge) {
		sp.f, sp.steps = oldFate, oldSteps
		return false
	}
	if before {
		k--
	}
	sp.steps = sp.steps[:k+1]
	sp.forced = true
	return true
}
