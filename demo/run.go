package demo

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// play runs the steps of all tickets through the use cases and returns the
// tickets as they end. The year is played in chunks of consecutive days,
// up to workers of them side by side; each chunk by a Service on a fake
// clock of its own that it sets to each step's time, taking the steps of
// the chunk's tickets in the order of their times. Nothing links tickets of
// different chunks (a duplicate is merged only into a ticket of its own
// chunk, and a day's tickets are all in one chunk, so its numbers follow its
// times), so every ticket's timeline is what one clock moving forward would
// have written. Only the ids, which the players draw from one allocator,
// do not follow the times across chunks when workers > 1.
func play(ctx context.Context, db *store.DB, logger *slog.Logger, specs []*spec, workers int) ([]*ticket.Ticket, error) {
	type ref struct{ i, k int }
	parts := make([][]ref, chunks)
	total := 0
	for i, sp := range specs {
		for k := range sp.steps {
			parts[sp.chunk] = append(parts[sp.chunk], ref{i, k})
			total++
		}
	}
	out := make([]*ticket.Ticket, len(specs))
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var done atomic.Int64
	playPart := func(part []ref) {
		if len(part) == 0 {
			return
		}
		slices.SortFunc(part, func(a, b ref) int {
			if c := specs[a.i].steps[a.k].at.Compare(specs[b.i].steps[b.k].at); c != 0 {
				return c
			}
			return cmp.Or(cmp.Compare(a.i, b.i), cmp.Compare(a.k, b.k))
		})
		clock := minsheng.NewFakeClock(specs[part[0].i].steps[part[0].k].at)
		svc := app.New(app.Config{DB: db, Clock: clock, Logger: slog.New(quietHandler{logger.Handler()})})
		ids := map[int]string{}
		for _, o := range part {
			if ctx.Err() != nil {
				return
			}
			sp, st := specs[o.i], specs[o.i].steps[o.k]
			clock.Set(st.at)
			t, err := playStep(ctx, svc, sp, st, ids[o.i], out)
			if err != nil {
				cancel(fmt.Errorf("ticket %d (%s), step %d: %w", o.i, sp.in.Title, o.k, err))
				return
			}
			if err := checkStep(st, t); err != nil {
				cancel(fmt.Errorf("ticket %s, step %d: %w", t.Number, o.k, err))
				return
			}
			ids[o.i] = strconv.FormatInt(t.ID, 10)
			out[o.i] = t
			if n := done.Add(1); n%int64(max(total/4, 1)) == 0 {
				logger.InfoContext(ctx, "demo: playing ticket history", "steps", n, "of", total)
			}
		}
	}
	next := make(chan []ref)
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Go(func() {
			for part := range next {
				playPart(part)
			}
		})
	}
	for _, part := range parts {
		next <- part
	}
	close(next)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	return out, nil
}

// playStep takes one step of a ticket (id is empty before it is registered)
// and returns the ticket after it.
func playStep(ctx context.Context, svc *app.Service, sp *spec, st step, id string, out []*ticket.Ticket) (*ticket.Ticket, error) {
	switch st.act {
	case actRegister:
		if st.actor == nil {
			rc, _, err := svc.CreatePublicTicket(ctx, sp.in, app.PublicIntake{Channel: sp.channel, Client: publicClients[sp.channel]})
			if err != nil {
				return nil, err
			}
			return rc.Ticket, nil
		}
		t, _, err := svc.CreateTicket(ctx, st.actor, sp.in, "")
		return t, err
	case actResolve:
		return svc.ResolveAtIntake(ctx, st.actor, id, st.note)
	case actDispatch:
		return svc.Dispatch(ctx, st.actor, id, st.unit.ID, st.note)
	case actAcknowledge:
		return svc.Acknowledge(ctx, st.actor, id, st.note)
	case actReturn:
		return svc.Return(ctx, st.actor, id, st.reason, st.note)
	case actRedispatch:
		return svc.Redispatch(ctx, st.actor, id, st.unit.ID, st.note)
	case actReply:
		return svc.Reply(ctx, st.actor, id, st.note)
	case actCallback:
		resolved := st.resolved
		return svc.Callback(ctx, st.actor, id, app.CallbackResult{Resolved: &resolved, Satisfaction: st.sat, Note: st.note})
	case actClose:
		return svc.Close(ctx, st.actor, id, st.note)
	case actReopen:
		return svc.Reopen(ctx, st.actor, id, st.note)
	case actMerge:
		parent := out[sp.parent]
		return svc.Merge(ctx, st.actor, id, strconv.FormatInt(parent.ID, 10), "与工单"+parent.Number+"反映同一问题，作为重复件合并办理。")
	case actInvalidate:
		return svc.Invalidate(ctx, st.actor, id, st.note)
	case actRemind:
		return svc.Remind(ctx, st.actor, id, st.note)
	case actSupervise:
		return svc.Supervise(ctx, st.actor, id, st.note)
	case actRequestExtension:
		return svc.RequestExtension(ctx, st.actor, id, st.days, st.note)
	case actDecideExtension:
		return svc.DecideExtension(ctx, st.actor, id, st.resolved, st.note)
	}
	return nil, fmt.Errorf("unknown step %d", st.act)
}

// publicClients names who relays residents' requests, by channel.
var publicClients = map[ticket.Channel]string{
	ticket.ChannelWeb: "portal", ticket.ChannelApp: "miniprogram", ticket.ChannelOpen311: "open311-demo",
}

// checkStep compares the ticket after a step with the plan: the status,
// and the reply deadline while the unit owes work. A difference means that
// the planner no longer reckons deadlines as the app does.
func checkStep(st step, t *ticket.Ticket) error {
	if st.status != t.Status {
		return fmt.Errorf("planned status %s, got %s", st.status, t.Status)
	}
	switch t.Status {
	case ticket.StatusDispatched, ticket.StatusAcknowledged, ticket.StatusReopened:
		if t.ReplyBy == nil || !t.ReplyBy.Equal(st.replyBy) {
			return fmt.Errorf("planned reply deadline %s, got %v", st.replyBy, t.ReplyBy)
		}
	}
	return nil
}
