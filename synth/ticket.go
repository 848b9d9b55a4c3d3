package synth

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/ticket"
)

// weighted picks from choices by weight.
func weighted[T any](r *rand.Rand, choices []T, weights []int) T {
	total := 0
	for _, w := range weights {
		total += w
	}
	x := r.IntN(total)
	for i, w := range weights {
		if x < w {
			return choices[i]
		}
		x -= w
	}
	return choices[len(choices)-1]
}

var (
	kinds          = []ticket.Kind{ticket.KindComplaint, ticket.KindHelp, ticket.KindInquiry, ticket.KindReport, ticket.KindSuggestion, ticket.KindPraise}
	kindWeights    = []int{30, 25, 25, 10, 7, 3}
	kindNames      = map[ticket.Kind]string{"complaint": "投诉", "help": "求助", "inquiry": "咨询", "report": "举报", "suggestion": "建议", "praise": "表扬"}
	urgencies      = []ticket.Urgency{ticket.UrgencyNormal, ticket.UrgencyUrgent, ticket.UrgencyCritical}
	urgencyWeights = []int{93, 6, 1}
	channels       = []ticket.Channel{ticket.ChannelPhone, ticket.ChannelWeb, ticket.ChannelApp, ticket.ChannelGrid, ticket.ChannelWalkIn}
	channelWeights = []int{70, 12, 10, 5, 3}
	surnames       = []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕")
	givenNames     = []string{"秀兰", "建国", "桂英", "志强", "海燕", "明", "丽", "军", "敏", "静", "伟", "芳", "强", "磊", "洋", "娟", "勇", "艳", "杰", "涛"}
	places         = []string{"小区", "路口", "菜市场", "学校门口", "公交站", "楼道", "广场", "巷子", "商铺", "停车场"}
	asks           = []string{"请相关部门尽快处理。", "希望尽快给予答复。", "已反映多次，仍未解决。", "请帮忙协调。", "影响居民正常生活。"}
)

// ticket makes one ticket received at at, with a final state that fits its
// age: old tickets are mostly closed after a callback, recent ones still in
// hand; a few are invalid, merged, returned or reopened.
func (g *gen) ticket(at time.Time) *ticket.Ticket {
	r := g.rng
	at = at.UTC().Truncate(time.Microsecond)
	day := calendar.DateOf(at)
	g.perDay[day]++
	kind := weighted(r, kinds, kindWeights)
	cat := g.cats[r.IntN(len(g.cats))]
	place := places[r.IntN(len(places))]
	t := &ticket.Ticket{
		ID: g.db.TicketIDAt(g.nextID, at), Number: ticket.FormatNumber(day, g.perDay[day]),
		Title:       fmt.Sprintf("%s：%s%s问题", kindNames[kind], place, cat.name),
		Description: fmt.Sprintf("市民来电反映%s附近的%s问题（%s类），%s", place, cat.name, cat.rootName, asks[r.IntN(len(asks))]),
		Kind:        kind, Urgency: weighted(r, urgencies, urgencyWeights), Channel: weighted(r, channels, channelWeights),
		Status: ticket.StatusRegistered, CategoryID: cat.id,
		CallerName:   string(surnames[r.IntN(len(surnames))]) + givenNames[r.IntN(len(givenNames))],
		CallerPhone:  fmt.Sprintf("1%d%09d", 3+r.IntN(7), r.IntN(1_000_000_000)),
		Address:      place,
		IntakeUnitID: g.root.ID, IntakeUnitPath: g.root.Path,
		CreatedAt: at, UpdatedAt: at, Version: 1,
	}
	g.nextID++
	age := g.now.Sub(at)
	mins := func(lo, hi int) time.Duration { return time.Duration(lo+r.IntN(hi-lo+1)) * time.Minute }
	clamp := func(x time.Time) *time.Time {
		if x.After(g.now) {
			x = g.now
		}
		x = x.Truncate(time.Microsecond)
		return &x
	}
	p := r.IntN(100)
	switch {
	case p < 2:
		t.Status = ticket.StatusInvalid
		return t
	case p < 5:
		t.Status = ticket.StatusMerged
		return t
	case p < 12 && kind == ticket.KindInquiry || p < 3 && age < 2*time.Hour:
		// Answered on the call, or just received.
		if age < 2*time.Hour {
			return t
		}
		t.Status = ticket.StatusResolvedAtIntake
		t.Reply = "坐席已当场答复。"
		t.RepliedAt = clamp(at.Add(mins(3, 20)))
		if r.IntN(10) < 8 {
			g.callback(t, t.RepliedAt.Add(mins(60, 2880)))
			t.Status = ticket.StatusClosed
			t.ClosedAt = clamp(t.CallbackAt.Add(mins(5, 120)))
		}
		return t
	}
	h := g.handlers[r.IntN(len(g.handlers))]
	g.locate(t, h.id)
	sla := ticket.DefaultSLA(t.Kind, t.Urgency)
	dispatched := at.Add(mins(5, 180))
	if dispatched.After(g.now) {
		return t // still waiting for dispatch
	}
	t.Status, t.UnitID, t.UnitPath = ticket.StatusDispatched, h.id, h.path
	t.DispatchedAt = clamp(dispatched)
	t.SetDispatchDeadlines(g.cal, sla, *t.DispatchedAt)
	if r.IntN(25) == 0 {
		t.ReturnCount = 1
	}
	// Most acknowledge in time; some late.
	ackSpan := t.AcknowledgeBy.Sub(dispatched)
	ack := dispatched.Add(time.Duration(r.Float64() * 1.15 * float64(ackSpan)))
	if ack.After(g.now) {
		return t
	}
	t.Status, t.AcknowledgedAt = ticket.StatusAcknowledged, clamp(ack)
	replySpan := t.ReplyBy.Sub(dispatched)
	reply := ack.Add(time.Duration(r.Float64() * 1.1 * float64(replySpan)))
	if reply.After(g.now) {
		return t // in hand, perhaps overdue
	}
	t.Status, t.RepliedAt = ticket.StatusReplied, clamp(reply)
	t.Reply = "经核查，已按规定处理完毕，并向来电人反馈。"
	t.SetCallbackDeadline(g.cal, sla, reply)
	cb := reply.Add(mins(120, 4320))
	if cb.After(g.now) {
		return t
	}
	g.callback(t, cb)
	if t.Satisfaction == ticket.Unsatisfied && r.IntN(3) == 0 {
		// Reopened (重办): done again within seven working days, mostly
		// in time; one in fifty is still in hand, long overdue, as the
		// hard cases of a real district are.
		t.Status, t.ReopenCount = ticket.StatusReopened, 1
		rb := g.cal.Due(cb, 7)
		t.ReplyBy = &rb
		again := cb.Add(time.Duration(r.Float64() * 1.1 * float64(rb.Sub(cb))))
		if again.After(g.now) || r.IntN(50) == 0 {
			return t
		}
		t.Status, t.RepliedAt = ticket.StatusReplied, clamp(again)
		closed := again.Add(mins(60, 2880))
		if closed.After(g.now) {
			return t
		}
		t.Status, t.ClosedAt = ticket.StatusClosed, clamp(closed)
		return t
	}
	t.Status, t.ClosedAt = ticket.StatusClosed, clamp(cb.Add(mins(5, 240)))
	return t
}

// callback records a callback at cb.
func (g *gen) callback(t *ticket.Ticket, cb time.Time) {
	r := g.rng
	resolved := r.IntN(100) < 86
	t.Resolved = &resolved
	t.Satisfaction = weighted(r, ticket.Satisfactions, []int{72, 19, 9})
	cb = cb.Truncate(time.Microsecond)
	if cb.After(g.now) {
		cb = g.now.Truncate(time.Microsecond)
	}
	t.CallbackAt = &cb
}
