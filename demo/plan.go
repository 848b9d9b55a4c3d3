package demo

import (
	"maps"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/ticket"
)

// The seeder first plans every ticket's life (what happens, when, done by
// whom), then plays all the steps of all tickets through the use cases in
// the order of their times, on a fake clock that only moves forward. So the
// timeline of each ticket, its deadlines, the numbers of a day and the
// events that one ticket writes on another (a merge) are all consistent.

// action is one use case a step calls.
type action int

const (
	actRegister action = iota // by a staff user, or by a resident when actor is nil
	actResolve
	actDispatch
	actAcknowledge
	actReturn
	actRedispatch
	actReply
	actCallback
	actClose
	actReopen
	actMerge
	actInvalidate
	actRemind
	actSupervise
	actRequestExtension
	actDecideExtension
)

// step is one thing done to a ticket.
type step struct {
	at       time.Time
	act      action
	actor    *org.User
	unit     *org.Unit // dispatch and redispatch
	note     string
	reason   app.ReturnReason
	sat      ticket.Satisfaction
	resolved bool          // for callbacks; for extension decisions: approved
	days     int           // extension requests
	status   ticket.Status // the ticket's status after the step
	replyBy  time.Time     // the reply deadline after the step, zero if none
}

// path is the broad course of a ticket.
type path int

const (
	pathDispatch path = iota // dispatched to a handling unit
	pathIntake               // answered on the call
	pathMerge                // a duplicate, merged into an earlier ticket
	pathInvalid              // not a request
)

// fate is what will happen to a ticket if time allows.
type fate struct {
	path           path
	ret            app.ReturnReason // returned once before being handled; "" for no
	ackLate        bool
	replyLate      bool
	noCallback     bool // the caller could not be reached; closed on the reply
	sat            ticket.Satisfaction
	reopen         bool // after an unsatisfied callback, done again
	sat2           ticket.Satisfaction
	intakeCallback bool // a resolved-at-intake ticket sampled for a callback
	extension      int  // working days of extension asked for; 0 for none
	refused        bool // the extension is refused
	remind         bool // the dispatcher reminds the unit before the deadline
}

// spec is one planned ticket.
type spec struct {
	i         int
	created   time.Time
	req       *request // nil for a call that is no request
	noise     int      // index into noise when req is nil
	comm      *community
	target    *org.Unit // the unit that should handle it
	registrar *org.User // nil for a resident writing on the web, in the app or through Open311
	channel   ticket.Channel
	caller    caller
	slots     map[string]string
	rep       *strings.Replacer
	in        ticket.NewTicket
	parent    int // the ticket this one duplicates, -1 for none
	isParent  bool
	chunk     int // the part of the year it is played in (see play)
	forced    bool
	f         fate
	steps     []step
}

// caller is a resident who calls.
type caller struct {
	name, phone string
	comm        *community
}

// final returns the last step of the ticket: where it ends up.
func (sp *spec) final() step { return sp.steps[len(sp.steps)-1] }

// planner plans the tickets.
type planner struct {
	w     *world
	cats  map[string]*ticket.Category
	sla   []ticket.SLARule
	cal   *calendar.Calendar
	now   time.Time
	start time.Time
	seed  uint64
	r     *rand.Rand // for choices across tickets
}

// rng returns the random stream of ticket i, so that replanning one ticket
// leaves the others as they were. The seeds are scrambled: PCG streams of
// nearby seeds start alike.
func (p *planner) rng(i, attempt int) *rand.Rand {
	return rand.New(rand.NewPCG(mix(p.seed^uint64(i)<<8^uint64(attempt)), mix(p.seed+uint64(i)*0x9e3779b97f4a7c15)))
}

// mix is the SplitMix64 finaliser.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// hourWeights is when calls come in over a day (China time): few at night,
// a peak in the morning and another in the afternoon.
var hourWeights = [24]float64{0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 4, 7, 8, 7.5, 5, 4, 6, 7.5, 7, 6, 4, 3.5, 3, 2.2, 1.4, 0.7}

// creationTimes returns n moments in the year before now, sorted, with more
// on working days and in working hours.
func (p *planner) creationTimes(n int) []time.Time {
	type day struct {
		start time.Time
		cum   float64
	}
	var days []day
	total := 0.0
	first := calendar.DateOf(p.start).AddDays(1)
	last := calendar.DateOf(p.now)
	for d := first; ; d = d.AddDays(1) {
		w := 1.0
		if !p.cal.IsWorkday(d) {
			w = 0.55
		}
		total += w
		days = append(days, day{d.Start(), total})
		if d == last {
			break
		}
	}
	hourTotal := 0.0
	for _, w := range hourWeights {
		hourTotal += w
	}
	out := make([]time.Time, 0, n)
	for len(out) < n {
		x := p.r.Float64() * total
		di := sort.Search(len(days), func(i int) bool { return days[i].cum > x })
		h := 0
		for y := p.r.Float64() * hourTotal; h < 23 && y >= hourWeights[h]; h++ {
			y -= hourWeights[h]
		}
		t := days[di].start.Add(time.Duration(h)*time.Hour + time.Duration(p.r.IntN(3600))*time.Second)
		if !t.After(p.start) || !t.Before(p.now.Add(-10*time.Minute)) {
			continue
		}
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}

// inSeason weighs a request by the month of t.
func inSeason(s season, t time.Time) float64 {
	lt := t.In(calendar.China)
	m, d := lt.Month(), lt.Day()
	on := func(b bool) float64 {
		if b {
			return 1
		}
		return 0.1
	}
	strict := func(b bool) float64 {
		if b {
			return 1
		}
		return 0
	}
	switch s {
	case heating:
		return strict(m >= time.November || m <= time.March || (m == time.October && d >= 15) || (m == time.April && d <= 15))
	case snow:
		return strict(m >= time.November || m <= time.March)
	case warm:
		return on(m >= time.April && m <= time.October)
	case enrolment:
		return on(m >= time.April && m <= time.August)
	case yearEnd:
		if m >= time.November || m <= time.February {
			return 2.5
		}
		return 0.5
	case spring:
		return on(m >= time.March && m <= time.May)
	}
	return 1
}

// pickRequest chooses what a ticket made at t is about.
func pickRequest(r *rand.Rand, t time.Time) *request {
	total := 0.0
	for i := range requests {
		total += requests[i].weight * inSeason(requests[i].season, t)
	}
	x := r.Float64() * total
	for i := range requests {
		x -= requests[i].weight * inSeason(requests[i].season, t)
		if x < 0 {
			return &requests[i]
		}
	}
	return &requests[len(requests)-1]
}

// pickChannel chooses how a request made at t came in.
func (p *planner) pickChannel(r *rand.Rand, t time.Time, req *request) ticket.Channel {
	lt := t.In(calendar.China)
	office := p.cal.IsWorkday(calendar.DateOf(t)) && lt.Hour() >= 8 && lt.Hour() < 18
	type cw struct {
		c ticket.Channel
		w float64
	}
	var table []cw
	if office {
		grid := 9.0
		if !req.patrol {
			grid = 3
		}
		table = []cw{{ticket.ChannelPhone, 58}, {ticket.ChannelWeb, 8}, {ticket.ChannelApp, 10}, {ticket.ChannelGrid, grid},
			{ticket.ChannelWalkIn, 5}, {ticket.ChannelLetter, 1}, {ticket.ChannelTransfer, 6}, {ticket.ChannelOpen311, 2}}
	} else {
		table = []cw{{ticket.ChannelPhone, 75}, {ticket.ChannelWeb, 10}, {ticket.ChannelApp, 15}}
	}
	total := 0.0
	for _, e := range table {
		total += e.w
	}
	x := r.Float64() * total
	for _, e := range table {
		if x -= e.w; x < 0 {
			return e.c
		}
	}
	return ticket.ChannelPhone
}

// chunks is how many runs of consecutive days the year is cut into, to be
// played side by side (see play). It is fixed, so that the plan does not
// depend on how many players there are.
const chunks = 12

// plan makes the specs of n tickets.
func (p *planner) plan(n int) []*spec {
	times := p.creationTimes(n)
	chunk := chunkOf(times, chunks)
	specs := make([]*spec, n)
	var callers []caller
	for i, t := range times {
		r := p.rng(i, 0)
		sp := &spec{i: i, created: t, parent: -1, chunk: chunk[i]}
		specs[i] = sp
		switch x := r.Float64(); {
		case x < 0.025:
			p.makeNoise(r, sp)
		case x < 0.055 && p.makeDuplicate(r, sp, specs[:i]):
		default:
			p.makeRequest(r, sp, &callers)
		}
		p.drawFate(r, sp)
		p.build(r, sp)
	}
	return specs
}

// chunkOf splits sorted times into k runs of about equal length that
// begin and end at a day's boundary in China, and returns the run of each.
// The tickets of one day are then registered by one player, in order, so
// that their numbers follow their times.
func chunkOf(times []time.Time, k int) []int {
	out := make([]int, len(times))
	c := 0
	for i := range times {
		if c < k-1 && i > 0 && i >= (c+1)*len(times)/k && calendar.DateOf(times[i]) != calendar.DateOf(times[i-1]) {
			c++
		}
		out[i] = c
	}
	return out
}

// makeNoise makes a call that is no request: an agent takes it and marks it
// invalid.
func (p *planner) makeNoise(r *rand.Rand, sp *spec) {
	sp.noise = r.IntN(len(noise))
	sp.channel = ticket.ChannelPhone
	sp.registrar = pick(r, p.w.agents)
	nz := noise[sp.noise]
	sp.in = ticket.NewTicket{Title: nz.title, Description: nz.body, Kind: ticket.KindInquiry, Channel: sp.channel}
	if nz.title != "无声来电" {
		sp.in.CallerName = personName(r)
	}
	sp.in.CallerPhone = phoneNumber(r)
}

// makeDuplicate makes a ticket about the same thing as a ticket of the last
// few days, from another caller; it will be merged into it. It reports
// false when there is no such ticket.
func (p *planner) makeDuplicate(r *rand.Rand, sp *spec, earlier []*spec) bool {
	var cands []*spec
	for j := len(earlier) - 1; j >= 0 && sp.created.Sub(earlier[j].created) < 4*24*time.Hour; j-- {
		e := earlier[j]
		if e.req != nil && e.parent < 0 && e.req.where != nowhere && !e.req.auto && e.f.path != pathMerge && e.f.path != pathInvalid && e.chunk == sp.chunk {
			cands = append(cands, e)
		}
	}
	if len(cands) == 0 {
		return false
	}
	par := pick(r, cands)
	par.isParent = true
	sp.parent = par.i
	sp.req, sp.comm, sp.target = par.req, par.comm, par.target
	sp.slots = maps.Clone(par.slots)
	sp.rep = par.rep
	sp.channel = pick(r, []ticket.Channel{ticket.ChannelPhone, ticket.ChannelPhone, ticket.ChannelPhone, ticket.ChannelApp, ticket.ChannelWeb})
	sp.registrar = p.registrarFor(r, sp.channel)
	sp.caller = caller{personName(r), phoneNumber(r), sp.comm}
	p.describe(r, sp, par.in.Title)
	sp.in.Urgency = par.in.Urgency
	return true
}

// registrarFor returns who registers a request that came in by the channel:
// agents take calls and visitors, dispatchers letters and transfers from
// other platforms; residents writing on the web, in the app or through
// Open311 register their own (nil). Grid tickets are handled by the caller.
func (p *planner) registrarFor(r *rand.Rand, ch ticket.Channel) *org.User {
	switch ch {
	case ticket.ChannelPhone, ticket.ChannelWalkIn:
		return pick(r, p.w.agents)
	case ticket.ChannelWeb, ticket.ChannelApp, ticket.ChannelOpen311:
		return nil
	}
	return pick(r, p.w.dispatchers)
}

// makeRequest makes a new request by a resident.
func (p *planner) makeRequest(r *rand.Rand, sp *spec, callers *[]caller) {
	sp.req = pickRequest(r, sp.created)
	sp.channel = p.pickChannel(r, sp.created, sp.req)
	if sp.channel == ticket.ChannelGrid {
		gw := pick(r, p.w.gridWorkers)
		sp.registrar, sp.comm = gw.user, gw.community
	} else {
		sp.registrar = p.registrarFor(r, sp.channel)
		sp.comm = pick(r, p.w.communities)
	}
	// Some residents call again about something else.
	if sp.channel != ticket.ChannelGrid && len(*callers) > 20 && r.IntN(12) == 0 {
		sp.caller = pick(r, *callers)
		sp.comm = sp.caller.comm
	} else {
		sp.caller = caller{personName(r), phoneNumber(r), sp.comm}
		if len(*callers) < 400 {
			*callers = append(*callers, sp.caller)
		}
	}
	if sp.channel == ticket.ChannelGrid && sp.req.patrol {
		// Found on patrol: the grid worker is the one to call back.
		sp.caller = caller{sp.registrar.Name, staffPhone(sp.registrar), sp.comm}
	}
	switch sp.req.to {
	case toCommunity:
		sp.target = sp.comm.unit
	case toStreet:
		sp.target = sp.comm.street.unit
	default:
		sp.target = p.w.depts[sp.req.to]
	}
	sp.slots = newSlots(r, sp.created, sp.comm)
	sp.slots["hunit"] = sp.target.Name
	sp.rep = replacer(sp.slots)
	p.describe(r, sp, "")
	switch u := r.Float64(); {
	case u < sp.req.crit:
		sp.in.Urgency = ticket.UrgencyCritical
	case u < sp.req.crit+sp.req.urgent:
		sp.in.Urgency = ticket.UrgencyUrgent
	default:
		sp.in.Urgency = ticket.UrgencyNormal
	}
}

// verbs says how a channel's lead-in names each kind of request.
var verbs = map[ticket.Kind]string{
	ticket.KindInquiry: "咨询", ticket.KindHelp: "求助", ticket.KindComplaint: "反映",
	ticket.KindReport: "举报", ticket.KindSuggestion: "建议", ticket.KindPraise: "表扬",
}

// describe writes the ticket's title, description, address and point.
func (p *planner) describe(r *rand.Rand, sp *spec, title string) {
	req, s := sp.req, sp.slots
	if title == "" {
		title = sp.rep.Replace(pick(r, req.titles))
	}
	verb := verbs[req.kind]
	var lead string
	switch sp.channel {
	case ticket.ChannelPhone:
		lead = "来电人" + verb
		if req.kind == ticket.KindComplaint && r.IntN(2) == 0 {
			lead = "来电人称"
		}
	case ticket.ChannelWeb, ticket.ChannelOpen311:
		lead = "群众在网上留言" + verb
	case ticket.ChannelApp:
		lead = "群众通过小程序" + verb
	case ticket.ChannelWalkIn:
		lead = "群众到窗口" + verb
	case ticket.ChannelLetter:
		lead = "群众来信" + verb
	case ticket.ChannelTransfer:
		lead = "市级热线转办，群众" + verb
	case ticket.ChannelGrid:
		lead = "网格员入户走访时，居民" + verb
		if req.patrol {
			lead = "网格员巡查发现"
		}
	}
	var addr string
	city := "城西区" + s["street"] + s["community"]
	switch req.where {
	case atHome:
		addr = city + s["road"] + s["no"] + "号" + s["estate"] + s["bldg"] + "号楼" + s["dy"] + "单元"
	case atEstate:
		addr = city + s["road"] + s["no"] + "号" + s["estate"]
	case atRoad:
		if r.IntN(3) == 0 {
			addr = "城西区" + s["road"] + "与" + s["road2"] + "交叉口附近"
		} else {
			addr = "城西区" + s["road"] + s["no"] + "号附近"
		}
	case nowhere:
		if r.IntN(2) == 0 {
			addr = city
		}
	}
	sp.in = ticket.NewTicket{
		Title: title, Description: lead + "：" + sp.rep.Replace(req.body), Kind: req.kind, Channel: sp.channel,
		CallerName: sp.caller.name, CallerPhone: sp.caller.phone, Address: addr,
	}
	if sp.channel == ticket.ChannelWeb && r.IntN(8) == 0 {
		sp.in.CallerName = "" // an anonymous message with a phone number
	}
	share := map[ticket.Channel]float64{ticket.ChannelGrid: 1, ticket.ChannelApp: 0.9, ticket.ChannelWeb: 0.6, ticket.ChannelOpen311: 1}[sp.channel]
	if share == 0 {
		share = 0.4
	}
	if req.where != nowhere && r.Float64() < share {
		lat, lng := sp.comm.area.point(r)
		sp.in.Lat, sp.in.Lng = &lat, &lng
	}
}

// drawFate decides what happens to a ticket.
func (p *planner) drawFate(r *rand.Rand, sp *spec) {
	f := fate{}
	switch {
	case sp.req == nil:
		f.path = pathInvalid
	case sp.parent >= 0:
		f.path = pathMerge
	default:
		intake := 0.0
		if sp.req.answer != "" && (sp.registrar == nil || !sp.registrar.Has(org.RoleGridWorker)) {
			intake = map[ticket.Kind]float64{ticket.KindInquiry: 0.65, ticket.KindPraise: 0.4}[sp.req.kind]
		}
		if r.Float64() < intake {
			f.path = pathIntake
			f.intakeCallback = r.Float64() < 0.45
			break
		}
		f.path = pathDispatch
		if r.Float64() < 0.05 && !sp.req.auto {
			f.ret = p.returnReason(r, sp)
		}
		f.ackLate = r.Float64() < 0.05
		f.replyLate = r.Float64() < 0.07
		f.remind = f.replyLate || r.Float64() < 0.08
		if sp.in.Urgency == ticket.UrgencyNormal && slowCats[sp.req.cat] && r.Float64() < 0.3 {
			f.extension = between(r, 3, 10)
			f.refused = r.IntN(7) == 0
		}
		f.noCallback = r.Float64() < 0.04
		f.sat = satisfaction(r, 0.72, 0.17)
		if f.sat == ticket.Unsatisfied && r.Float64() < 0.7 {
			f.reopen = true
			f.sat2 = satisfaction(r, 0.5, 0.3)
		}
	}
	sp.f = f
}

// slowCats are the requests that may take a unit longer than the usual
// deadline: works, titles, unpaid wages, things that need several offices.
var slowCats = map[string]bool{
	"city.renewal.progress": true, "city.renewal.quality": true, "city.housing.title": true,
	"urban.order.building": true, "labour.wage.arrears": true, "utility.gas.connect": true, "civil.assist.dibao": true,
	"traffic.parking.spaces": true, "city.property.elevator": true, "civil.elderly.homecare": true, "dispute.neighbour.leak": true,
	"env.noise.construction": true, "edu.enrol.kindergarten": true, "civil.disability.subsidy": true,
}

// satisfaction draws a callback verdict with the given shares of satisfied
// and basically satisfied.
func satisfaction(r *rand.Rand, ok, basic float64) ticket.Satisfaction {
	switch x := r.Float64(); {
	case x < ok:
		return ticket.Satisfied
	case x < ok+basic:
		return ticket.BasicallySatisfied
	}
	return ticket.Unsatisfied
}

// returnReason draws why a ticket is returned, given what wrong units there
// are for it.
func (p *planner) returnReason(r *rand.Rand, sp *spec) app.ReturnReason {
	local := sp.req.to == toCommunity || sp.req.to == toStreet
	switch x := r.Float64(); {
	case x < 0.2:
		return app.ReturnInfoMissing
	case x < 0.5 && local:
		return app.ReturnWrongArea
	}
	return app.ReturnNotOurDuty
}

// wrongUnit returns the unit a returned ticket was first sent to.
func (p *planner) wrongUnit(r *rand.Rand, sp *spec) *org.Unit {
	switch sp.f.ret {
	case app.ReturnWrongArea:
		// A neighbouring street: the address was read as theirs.
		for {
			s := pick(r, p.w.streets)
			if s != sp.comm.street {
				if sp.target.Kind == org.KindCommunity {
					return pick(r, s.communities).unit
				}
				return s.unit
			}
		}
	case app.ReturnNotOurDuty:
		var u *org.Unit
		switch sp.req.wrong {
		case toCommunity:
			u = sp.comm.unit
		case toStreet:
			u = sp.comm.street.unit
		case "":
		default:
			u = p.w.depts[sp.req.wrong]
		}
		if u == nil || u == sp.target {
			if sp.target.Kind == org.KindDepartment {
				u = sp.comm.street.unit
			} else {
				u = p.w.depts["dept-chengguan"]
			}
		}
		return u
	}
	return sp.target
}

// Hours in minutes after midnight, China time.
var (
	officeHours = [][2]int{{8*60 + 30, 12 * 60}, {14*60 + 30, 18 * 60}} // handling units, working days
	centreHours = [][2]int{{8 * 60, 21 * 60}}                           // the dispatch centre, every day
	callHours   = [][2]int{{9 * 60, 12 * 60}, {14 * 60, 19*60 + 30}}    // callbacks, every day
)

// within returns t if it falls in one of the windows (on a working day when
// workdays is set), else the start of the next window plus a little.
func (p *planner) within(r *rand.Rand, t time.Time, workdays bool, windows [][2]int) time.Time {
	lt := t.In(calendar.China)
	for range 40 {
		d := calendar.DateOf(lt)
		if !workdays || p.cal.IsWorkday(d) {
			for _, w := range windows {
				ws := d.Start().Add(time.Duration(w[0]) * time.Minute)
				we := d.Start().Add(time.Duration(w[1]) * time.Minute)
				if lt.Before(we) {
					if lt.Before(ws) {
						return ws.Add(minutes(r, 0, 40))
					}
					return lt
				}
			}
		}
		lt = d.AddDays(1).Start()
	}
	return lt
}

// office returns the first moment from t when handling units work.
func (p *planner) office(r *rand.Rand, t time.Time) time.Time {
	return p.within(r, t, true, officeHours)
}

// centre returns the first moment from t when the dispatch centre works.
func (p *planner) centre(r *rand.Rand, t time.Time) time.Time {
	return p.within(r, t, false, centreHours)
}

// calls returns the first moment from t when agents call residents back.
func (p *planner) calls(r *rand.Rand, t time.Time) time.Time {
	return p.within(r, t, false, callHours)
}

// onWorkday returns a random office moment k working days after t's day.
func (p *planner) onWorkday(r *rand.Rand, t time.Time, k int) time.Time {
	d := calendar.DateOf(t)
	if k > 0 {
		d = p.cal.AddWorkingDays(d, k)
	}
	return p.office(r, d.Start().Add(8*time.Hour+30*time.Minute+minutes(r, 0, 9*60)))
}

// minutes returns a random duration between lo and hi minutes.
// intakeOpenFor is how long the demo leaves the tickets answered at
// intake (and not called back) in the callback queue before closing them.
const intakeOpenFor = 60 * 24 * time.Hour

func minutes(r *rand.Rand, lo, hi int) time.Duration {
	return time.Duration(lo)*time.Minute + time.Duration(r.Int64N(int64(hi-lo)*60+1))*time.Second
}

// Notes that go with the actions.
var (
	dispatchNotes  = []string{"", "", "请按时限办理并回复。", "请核实处理，及时回复来电人。"}
	ackNotes       = []string{"", "", "", "已签收，安排专人办理。", "已签收，转网格员上门核实。"}
	satisfiedNotes = []string{
		"来电人表示问题已解决，对处理结果满意。",
		"回访来电人，对承办单位的处理速度和态度表示满意。",
		"来电人表示情况已恢复正常，感谢政府的帮助。",
		"来电人对答复内容表示认可，满意。",
	}
	basicNotes = []string{
		"来电人表示问题基本解决，希望今后加强日常管理。",
		"来电人认可处理结果，但认为处理时间偏长。",
		"来电人表示基本满意，希望承办单位持续关注。",
	}
	unsatisfiedNotes = []string{
		"来电人表示问题仍未解决，对处理结果不满意。",
		"来电人称承办单位未到现场查看，只是电话答复，不认可处理结果。",
		"来电人表示回复内容与实际情况不符，问题依旧存在。",
	}
	intakeCallbackNotes = []string{"回访抽查：来电人表示坐席解答清楚，满意。", "回访抽查：来电人对答复表示认可。"}
	reopenPrefixes      = []string{
		"接重办工单后，{hunit}负责同志带队再次到现场核实处理。",
		"针对来电人反映问题仍未彻底解决的情况，{hunit}进行了复查。",
	}
)

// build plans the steps of a ticket from its fate and cuts them at now.
func (p *planner) build(r *rand.Rand, sp *spec) {
	sp.steps = sp.steps[:0]
	t := sp.created
	add := func(s step) {
		s.at = s.at.Truncate(time.Second)
		if len(sp.steps) > 0 {
			prev := sp.steps[len(sp.steps)-1]
			if !s.at.After(prev.at) {
				s.at = prev.at.Add(minutes(r, 1, 5))
			}
			if s.replyBy.IsZero() {
				s.replyBy = prev.replyBy
			}
		}
		sp.steps = append(sp.steps, s)
		t = s.at
	}
	reg := step{at: t, act: actRegister, actor: sp.registrar, status: ticket.StatusRegistered}
	if sp.req != nil && sp.req.auto && sp.f.path == pathDispatch {
		// A routing rule dispatches it as it is registered.
		reg.status, reg.unit = ticket.StatusDispatched, sp.target
		reg.replyBy = p.slaFor(sp).Reply.From(p.cal, t)
	}
	add(reg)
	agent := func() *org.User {
		if sp.registrar != nil && sp.registrar.HasAny(org.RoleAgent, org.RoleDispatcher) {
			return sp.registrar
		}
		return pick(r, p.w.agents)
	}
	switch sp.f.path {
	case pathInvalid:
		add(step{at: t.Add(minutes(r, 1, 4)), act: actInvalidate, actor: agent(), note: noise[sp.noise].reason, status: ticket.StatusInvalid})
	case pathMerge:
		add(step{at: p.centre(r, t.Add(minutes(r, 10, 180))), act: actMerge, actor: pick(r, p.w.dispatchers), status: ticket.StatusMerged})
	case pathIntake:
		at := t.Add(minutes(r, 2, 12))
		if sp.registrar == nil { // a message: answered when an agent reads it
			at = p.centre(r, t.Add(minutes(r, 10, 240)))
		}
		add(step{at: at, act: actResolve, actor: agent(), note: sp.rep.Replace(sp.req.answer), status: ticket.StatusResolvedAtIntake})
		if sp.f.intakeCallback {
			add(step{at: p.calls(r, t.Add(minutes(r, 4*60, 3*24*60))), act: actCallback, actor: pick(r, p.w.agents),
				sat:      pick(r, []ticket.Satisfaction{ticket.Satisfied, ticket.Satisfied, ticket.Satisfied, ticket.BasicallySatisfied}),
				resolved: true, note: pick(r, intakeCallbackNotes), status: ticket.StatusResolvedAtIntake})
			add(step{at: p.centre(r, t.Add(minutes(r, 5, 90))), act: actClose, actor: pick(r, p.w.dispatchers), note: "直接办结件回访满意，予以结案。", status: ticket.StatusClosed})
		} else if p.now.Sub(t) > intakeOpenFor {
			// Not called back: the dispatchers close it a few days
			// later. The last two months' stay in the callback queue, for the
			// bulk close (批量结案) to clear.
			add(step{at: p.centre(r, t.Add(minutes(r, 2*24*60, 5*24*60))), act: actClose, actor: pick(r, p.w.dispatchers),
				note: "直接办结件，来电人已当场获得答复，予以结案。", status: ticket.StatusClosed})
		}
	case pathDispatch:
		p.buildDispatch(r, sp, add, &t)
	}
	// Nothing happens after now.
	for k, s := range sp.steps {
		if s.at.After(p.now) {
			sp.steps = sp.steps[:k]
			break
		}
	}
}

// slaFor returns the deadlines of a ticket, as the app picks them.
func (p *planner) slaFor(sp *spec) ticket.SLA {
	path := ""
	if c := p.cats[sp.req.cat]; c != nil {
		path = c.Path
	}
	return ticket.PickSLA(p.sla, path, sp.in.Kind, sp.in.Urgency)
}

// Texts of reminders, supervision and extensions.
var (
	remindNotes    = []string{"距办理时限不足一个工作日，请抓紧办理并按时回复。", "请关注办理时限，按时答复来电人。"}
	superviseNotes = []string{
		"该工单已超过办理时限，请承办单位说明超期原因，抓紧办结并回复来电人。",
		"超期未办结，请承办单位主要负责同志亲自督办，今日内反馈办理进展。",
	}
	extensionReasons = []string{
		"该问题需协调多个部门现场会商，无法在时限内办结，申请延期{days}个工作日。",
		"维修所需材料需要外地调货，申请延期{days}个工作日。",
		"需委托第三方机构检测，检测周期较长，申请延期{days}个工作日。",
		"涉及历史遗留问题，需调取档案核实，申请延期{days}个工作日。",
	}
)

// buildDispatch plans dispatch, handling, reply, callback and close.
func (p *planner) buildDispatch(r *rand.Rand, sp *spec, add func(step), tp *time.Time) {
	f := sp.f
	urg := sp.in.Urgency
	sla := p.slaFor(sp)
	urgent := urg != ticket.UrgencyNormal
	dispatcher := func() *org.User { return pick(r, p.w.dispatchers) }
	dispatchNote := func() string {
		switch urg {
		case ticket.UrgencyCritical:
			return "特急工单，请立即到场处置，1小时内签收。"
		case ticket.UrgencyUrgent:
			return "紧急工单，请立即处置并反馈。"
		}
		return pick(r, dispatchNotes)
	}
	last := func() step { return sp.steps[len(sp.steps)-1] }
	var at time.Time
	auto := last().status == ticket.StatusDispatched
	dispatchedAt := *tp
	if !auto {
		if urgent {
			at = tp.Add(minutes(r, 3, 20))
		} else {
			at = p.centre(r, tp.Add(minutes(r, 5, 150)))
		}
		unit := sp.target
		if f.ret != "" {
			unit = p.wrongUnit(r, sp)
		}
		add(step{at: at, act: actDispatch, actor: dispatcher(), unit: unit, note: dispatchNote(), status: ticket.StatusDispatched,
			replyBy: sla.Reply.From(p.cal, at)})
		dispatchedAt = *tp
		handlerAt := func(t time.Time, lo, hi int) time.Time {
			if urgent {
				return t.Add(minutes(r, lo/4+1, hi/4+2))
			}
			return p.office(r, t.Add(minutes(r, lo, hi)))
		}
		// Return and redispatch.
		if f.ret != "" {
			add(step{at: handlerAt(*tp, 30, 240), act: actReturn, actor: p.w.handlerFor(unit), reason: f.ret, note: p.returnNote(sp, unit), status: ticket.StatusReturned})
			if urgent {
				at = tp.Add(minutes(r, 5, 20))
			} else {
				at = p.centre(r, tp.Add(minutes(r, 10, 150)))
			}
			note := "经核实，改派" + sp.target.Name + "办理。"
			if f.ret == app.ReturnInfoMissing {
				note = "已与来电人取得联系，补充具体位置为" + sp.in.Address + "，请继续办理。"
				if sp.in.Address == "" {
					note = "已与来电人取得联系，补充了详细情况和联系方式，请继续办理。"
				}
			}
			add(step{at: at, act: actRedispatch, actor: dispatcher(), unit: sp.target, note: note, status: ticket.StatusDispatched,
				replyBy: sla.Reply.From(p.cal, at)})
			dispatchedAt = *tp
		}
	}
	ackBy := sla.Acknowledge.From(p.cal, dispatchedAt)
	replyBy := last().replyBy
	handler := p.w.handlerFor(sp.target)
	// Acknowledge.
	switch {
	case urgent:
		at = tp.Add(minutes(r, 4, 45))
	case f.ackLate:
		at = p.office(r, ackBy.Add(minutes(r, 60, 20*60)))
	default:
		at = p.office(r, tp.Add(minutes(r, 10, 300)))
		if at.After(ackBy) {
			at = tp.Add(minutes(r, 5, 40))
		}
	}
	ackNote := pick(r, ackNotes)
	if sp.target.Kind == org.KindDepartment && strings.Contains(ackNote, "网格员") {
		ackNote = ""
	}
	add(step{at: at, act: actAcknowledge, actor: handler, note: ackNote, status: ticket.StatusAcknowledged})
	// An extension, asked for before the deadline.
	oldReplyBy := replyBy
	if f.extension > 0 {
		ask := p.office(r, tp.Add(time.Duration((0.3+0.5*r.Float64())*float64(replyBy.Sub(*tp)))))
		if ask.Before(replyBy.Add(-time.Hour)) {
			days := strconv.Itoa(f.extension)
			reason := strings.ReplaceAll(pick(r, extensionReasons), "{days}", days)
			add(step{at: ask, act: actRequestExtension, actor: handler, days: f.extension, note: reason, status: ticket.StatusAcknowledged})
			decide := step{at: p.centre(r, tp.Add(minutes(r, 20, 240))), act: actDecideExtension, actor: dispatcher(),
				resolved: !f.refused, note: "同意延期" + days + "个工作日，请在新的时限内办结。", status: ticket.StatusAcknowledged}
			if f.refused {
				decide.note = "该诉求可在原时限内办结，不同意延期，请按时回复。"
			} else {
				replyBy = p.cal.Due(replyBy, f.extension)
				decide.replyBy = replyBy
			}
			add(decide)
		}
	}
	// Reply, with a reminder before the deadline and supervision after it.
	// Work that got more time takes most of it.
	reply := sp.rep.Replace(pick(r, sp.req.reply))
	from := *tp
	if extended := last().act == actDecideExtension && !f.refused; extended {
		from = p.office(r, oldReplyBy.Add(-minutes(r, 0, 2*24*60)))
		if !from.After(*tp) {
			from = *tp
		}
	}
	replyAt := p.replyTime(r, sp, from, replyBy, f.replyLate)
	if f.remind && !urgent {
		if at := p.centre(r, replyBy.Add(-minutes(r, 8*60, 20*60))); at.After(*tp) && at.Before(replyAt) && at.Before(replyBy) {
			add(step{at: at, act: actRemind, actor: dispatcher(), note: pick(r, remindNotes), status: ticket.StatusAcknowledged})
		}
	}
	if replyAt.After(replyBy) {
		if at := p.centre(r, replyBy.Add(minutes(r, 30, 20*60))); at.After(*tp) && at.Before(replyAt) {
			actor := dispatcher()
			if r.IntN(3) == 0 {
				actor = p.w.leader
			}
			add(step{at: at, act: actSupervise, actor: actor, note: pick(r, superviseNotes), status: ticket.StatusAcknowledged})
		}
	}
	add(step{at: replyAt, act: actReply, actor: handler, note: reply, status: ticket.StatusReplied})
	if f.noCallback {
		at = p.centre(r, tp.Add(minutes(r, 2*24*60, 5*24*60)))
		add(step{at: at, act: actClose, actor: dispatcher(), note: "三次回访均未接通，根据承办单位回复予以结案。", status: ticket.StatusClosed})
		return
	}
	callback := func(sat ticket.Satisfaction) {
		cbBy := sla.Callback.From(p.cal, *tp)
		at := p.calls(r, tp.Add(minutes(r, 60, 30*60)))
		if at.After(cbBy) && r.IntN(20) != 0 {
			at = tp.Add(minutes(r, 20, 90))
		}
		var note string
		resolved := true
		switch sat {
		case ticket.Satisfied:
			note, resolved = pick(r, satisfiedNotes), r.IntN(30) != 0
		case ticket.BasicallySatisfied:
			note, resolved = pick(r, basicNotes), r.IntN(5) != 0
		default:
			note, resolved = pick(r, unsatisfiedNotes), r.IntN(7) == 0
		}
		add(step{at: at, act: actCallback, actor: pick(r, p.w.agents), sat: sat, resolved: resolved, note: note, status: ticket.StatusReplied})
	}
	closeAfter := func(sat ticket.Satisfaction) {
		note := map[ticket.Satisfaction]string{
			ticket.Satisfied:          pick(r, []string{"", "回访满意，予以结案。"}),
			ticket.BasicallySatisfied: "回访基本满意，予以结案。",
			ticket.Unsatisfied:        "经审核，承办单位已依法依规处理并做好解释工作，来电人诉求超出政策规定范围，按规定结案。",
		}[sat]
		add(step{at: p.centre(r, tp.Add(minutes(r, 5, 120))), act: actClose, actor: dispatcher(), note: note, status: ticket.StatusClosed})
	}
	callback(f.sat)
	if !f.reopen {
		closeAfter(f.sat)
		return
	}
	cbNote := last().note
	at = p.centre(r, tp.Add(minutes(r, 10, 180)))
	replyBy = sla.Reply.From(p.cal, at)
	add(step{at: at, act: actReopen, actor: dispatcher(), note: "回访不满意：" + cbNote + "请承办单位重新核实办理并回复。",
		status: ticket.StatusReopened, replyBy: replyBy})
	second := sp.rep.Replace(pick(r, reopenPrefixes)) + sp.rep.Replace(pick(r, sp.req.reply)) + "已当面向来电人说明处理情况。"
	add(step{at: p.replyTime(r, sp, *tp, replyBy, false), act: actReply, actor: handler, note: second, status: ticket.StatusReplied})
	callback(f.sat2)
	closeAfter(f.sat2)
}

// replyTime returns when the handling unit replies to work it took at
// from, given the deadline; late replies come after it.
func (p *planner) replyTime(r *rand.Rand, sp *spec, from, replyBy time.Time, late bool) time.Time {
	if sp.in.Urgency != ticket.UrgencyNormal {
		if late {
			return replyBy.Add(minutes(r, 30, 8*60))
		}
		span := min(replyBy.Sub(from)*4/5, 6*time.Hour)
		return from.Add(30*time.Minute + time.Duration(r.Float64()*float64(span-30*time.Minute)))
	}
	if late {
		return p.onWorkday(r, replyBy, between(r, 1, 5))
	}
	var k int
	switch sp.in.Kind {
	case ticket.KindInquiry, ticket.KindPraise:
		k = between(r, 0, 2)
	case ticket.KindSuggestion:
		k = between(r, 2, 12)
	default:
		k = min(between(r, 0, 3), between(r, 0, 6)) // most in a few days, some near the limit
	}
	at := p.onWorkday(r, from, k)
	if at.Before(from.Add(time.Hour)) { // a visit, a check, a call take an hour at least
		at = p.office(r, from.Add(minutes(r, 60, 240)))
	}
	if at.After(replyBy) {
		at = from.Add(minutes(r, 20, 60))
	}
	return at
}

// returnNote is what a handler writes when returning a ticket sent to unit.
func (p *planner) returnNote(sp *spec, unit *org.Unit) string {
	switch sp.f.ret {
	case app.ReturnWrongArea:
		where := sp.in.Address
		if where == "" {
			where = sp.comm.unit.Name
		}
		return "经核实，" + where + "位于" + sp.comm.street.unit.Name + "辖区，不属于我单位管辖范围，申请退回改派。"
	case app.ReturnNotOurDuty:
		cat := sp.req.cat
		name := ""
		for _, top := range categoryTree {
			walkCats(top, func(d catDef) {
				if d.code == cat {
					name = d.name
				}
			})
		}
		return "该诉求属" + name + "问题，依据职责分工应由" + sp.target.Name + "办理，不属于" + unit.Name + "职责范围，申请退回。"
	}
	return "工单未注明具体楼栋门牌，工作人员多次拨打来电人电话均未接通，无法现场核实，申请退回补充信息。"
}

// walkCats calls fn for d and every category below it.
func walkCats(d catDef, fn func(catDef)) {
	fn(d)
	for _, k := range d.kids {
		walkCats(k, fn)
	}
}
