package store_test

// Benchmarks of the store: the create and transition transactions as the
// use cases run them, and list pages over a district's two years of tickets
// (1,000,000 by default). They print figures and never fail on time; `go
// test ./...` without -bench runs none of them. See docs/performance.md for
// the commands and the figures measured.
//
//	go test ./store -run '^$' -bench . -benchtime 3s
//	MINSHENG_TEST_POSTGRES=postgres://… go test ./store -run '^$' -bench ListPage
//
// MINSHENG_BENCH_TICKETS changes the size of the list data set. The data
// set is built once and kept: on SQLite as a file in os.TempDir(), on
// PostgreSQL as a schema bench_<hash> beside the test schemas, both keyed by
// a hash of the migrations and the generator, so a schema change or a
// generator change builds a new one.

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

// benchNow is the present of the generated history: its tickets were
// created in the two years before.
var benchNow = time.Date(2026, 3, 2, 10, 0, 0, 0, calendar.China)

// benchGenVersion changes whenever the generator changes what it makes, so
// that a cached data set built by an older generator is not reused.
const benchGenVersion = "gen-3"

// ---------------------------------------------------------------------------
// The district: units, users and categories, written with store functions.

type benchOrg struct {
	district, centre *org.Unit
	streets          []*org.Unit
	communities      []*org.Unit
	grids            []*org.Unit
	depts            []*org.Unit
	agent            *org.User
	dispatcher       *org.User
	handler          *org.User // of communities[0]
	leaves           []*ticket.Category
}

var benchStreets = []string{"兴海路街道", "虎台街道", "西关大街街道", "古城台街道", "胜利路街道",
	"通海路街道", "文汇路街道", "彭家寨镇", "新华联街道", "海湖路街道"}

var benchCommunities = []string{"海湖", "阳光", "西川", "福泰", "锦绣", "康乐", "杨家寨", "文亭", "光明", "新村"}

var benchDepts = []string{"区住建局", "区城管局", "区生态环境局", "区交通局", "区人社局", "区民政局", "区市场监管局",
	"区教育局", "区卫健局", "区应急管理局", "区水务局", "区文旅局", "区自然资源局", "区公安分局", "区供电公司",
	"区燃气公司", "区供暖公司", "区医保局", "区退役军人事务局", "区残联"}

// benchCategories is the category tree: roots and their leaves, each leaf
// with the problems people call about.
var benchCategories = []struct {
	code, name string
	leaves     []benchLeaf
}{
	{"city", "城乡建设", []benchLeaf{
		{"物业管理", []string{"物业不清运小区垃圾", "物业费收取不合理", "物业不维修楼道门禁"}},
		{"电梯维修", []string{"电梯停运多日无人维修", "电梯频繁困人"}},
		{"老旧小区改造", []string{"改造工程拖延未完工", "外墙保温施工扰民"}},
		{"违章建筑", []string{"楼顶私搭乱建", "一楼住户私自扩建院墙"}},
		{"房屋安全", []string{"楼道墙体开裂", "阳台渗水严重"}},
	}},
	{"utility", "市政公用", []benchLeaf{
		{"供暖", []string{"暖气不热室温只有十几度", "供暖管道漏水"}},
		{"供水", []string{"停水未提前通知", "自来水发黄有异味"}},
		{"燃气", []string{"燃气表故障无法充值", "楼道里闻到燃气味"}},
		{"路灯", []string{"路灯不亮", "路灯白天常亮浪费电"}},
		{"道路维修", []string{"路面塌陷", "窨井盖缺失"}},
	}},
	{"env", "环境保护", []benchLeaf{
		{"噪音污染", []string{"夜间施工噪音扰民", "广场舞音响声音过大"}},
		{"垃圾清运", []string{"垃圾桶满溢无人清理", "建筑垃圾乱倒"}},
		{"大气污染", []string{"餐馆油烟扰民", "露天焚烧垃圾"}},
		{"水污染", []string{"河道有异味", "污水直排河道"}},
		{"绿化", []string{"绿化带树木枯死", "树枝遮挡住户窗户"}},
	}},
	{"traffic", "交通出行", []benchLeaf{
		{"公交", []string{"公交车不按站停靠", "希望增开公交线路"}},
		{"停车", []string{"小区周边乱停车", "车辆占用消防通道"}},
		{"出租车", []string{"出租车拒载", "网约车多收费"}},
		{"交通设施", []string{"红绿灯故障", "斑马线标线模糊"}},
		{"道路拥堵", []string{"学校门口上下学拥堵", "路口早晚高峰拥堵"}},
	}},
	{"social", "社会保障", []benchLeaf{
		{"社保", []string{"社保卡补办", "养老保险关系转移"}},
		{"医保", []string{"医保报销进度慢", "异地就医备案"}},
		{"低保", []string{"低保申请迟迟没有结果", "低保金未按时发放"}},
		{"养老服务", []string{"老年助餐点关闭", "居家养老上门服务不到位"}},
		{"残疾人服务", []string{"残疾人证办理", "无障碍设施损坏"}},
	}},
	{"labour", "劳动就业", []benchLeaf{
		{"欠薪", []string{"工地拖欠农民工工资", "公司拖欠工资"}},
		{"就业服务", []string{"就业技能培训报名", "招聘信息咨询"}},
		{"劳动合同", []string{"单位不签劳动合同", "被单位违法辞退"}},
		{"创业扶持", []string{"创业担保贷款申请", "小微企业补贴发放"}},
	}},
	{"market", "市场监管", []benchLeaf{
		{"食品安全", []string{"超市销售过期食品", "餐馆卫生条件差"}},
		{"价格", []string{"商家价格欺诈", "停车场乱收费"}},
		{"消费维权", []string{"预付卡商家关门跑路", "网购退货纠纷"}},
		{"无证经营", []string{"占道经营", "无证摊贩"}},
	}},
	{"edu", "教育卫生", []benchLeaf{
		{"入学", []string{"孩子入学报名", "学区划分不合理"}},
		{"校外培训", []string{"培训机构退费难"}},
		{"医疗服务", []string{"医院挂号排队时间长", "社区卫生服务中心服务态度差"}},
		{"疫苗接种", []string{"疫苗接种预约不上"}},
	}},
}

type benchLeaf struct {
	name     string
	problems []string
}

// newBenchOrg writes the district: 10 streets of 10 communities of 3 grids,
// 20 departments, a hotline centre, three users, and the category tree.
func newBenchOrg(tb testing.TB, db *store.DB) *benchOrg {
	tb.Helper()
	ctx := context.Background()
	o := &benchOrg{}
	now := benchNow.AddDate(-3, 0, 0).UTC()
	unit := func(parent *org.Unit, kind org.UnitKind, code, name string) *org.Unit {
		id := benchID(tb, db)
		u := &org.Unit{ID: id, Kind: kind, Code: code, Name: name, CreatedAt: now}
		if parent != nil {
			u.ParentID, u.Path = parent.ID, org.ChildPath(parent.Path, id)
		} else {
			u.Path = org.ChildPath("", id)
		}
		benchWrite(tb, db, func(tx *store.Tx) error { return store.InsertUnit(ctx, tx, u) })
		return u
	}
	o.district = unit(nil, org.KindDistrict, "chengxi", "城西区")
	o.centre = unit(o.district, org.KindCentre, "hotline", "城西区民生服务中心")
	for i, s := range benchStreets {
		st := unit(o.district, org.KindStreet, fmt.Sprintf("s%02d", i), s)
		o.streets = append(o.streets, st)
		for j, c := range benchCommunities {
			cm := unit(st, org.KindCommunity, fmt.Sprintf("s%02dc%02d", i, j), c+"社区")
			o.communities = append(o.communities, cm)
			for k := range 3 {
				o.grids = append(o.grids, unit(cm, org.KindGrid, fmt.Sprintf("s%02dc%02dg%d", i, j, k), fmt.Sprintf("第%d网格", k+1)))
			}
		}
	}
	for i, d := range benchDepts {
		o.depts = append(o.depts, unit(o.district, org.KindDepartment, fmt.Sprintf("d%02d", i), d))
	}
	user := func(username string, role org.Role, u *org.Unit) *org.User {
		usr := &org.User{ID: benchID(tb, db), Username: username, Name: username, Role: role, UnitID: u.ID,
			UnitPath: u.Path, Active: true, CreatedAt: now}
		benchWrite(tb, db, func(tx *store.Tx) error { return store.InsertUser(ctx, tx, usr) })
		return usr
	}
	o.agent = user("agent", org.RoleAgent, o.centre)
	o.dispatcher = user("dispatcher", org.RoleDispatcher, o.centre)
	o.handler = user("handler", org.RoleHandler, o.communities[0])
	for _, root := range benchCategories {
		rc := &ticket.Category{ID: benchID(tb, db), Code: root.code, Name: root.name, Level: 1, Active: true, CreatedAt: now}
		rc.Path = org.ChildPath("", rc.ID)
		benchWrite(tb, db, func(tx *store.Tx) error { return store.InsertCategory(ctx, tx, rc) })
		for i, l := range root.leaves {
			c := &ticket.Category{ID: benchID(tb, db), ParentID: rc.ID, Code: fmt.Sprintf("%s.%d", root.code, i),
				Name: l.name, Level: 2, Active: true, CreatedAt: now}
			c.Path = org.ChildPath(rc.Path, c.ID)
			benchWrite(tb, db, func(tx *store.Tx) error { return store.InsertCategory(ctx, tx, c) })
			o.leaves = append(o.leaves, c)
		}
	}
	return o
}

// loadBenchOrg reads back the district that newBenchOrg wrote.
func loadBenchOrg(tb testing.TB, db *store.DB) *benchOrg {
	tb.Helper()
	ctx := context.Background()
	o := &benchOrg{}
	err := db.Read(ctx, func(tx *store.Tx) error {
		units, err := store.ListUnits(ctx, tx, "")
		if err != nil {
			return err
		}
		// ListUnits is in path order, which is creation order within a
		// parent since ids grow; sort by id to match newBenchOrg exactly.
		slices.SortFunc(units, func(a, b *org.Unit) int { return int(a.ID - b.ID) })
		for _, u := range units {
			switch u.Kind {
			case org.KindDistrict:
				o.district = u
			case org.KindCentre:
				o.centre = u
			case org.KindStreet, org.KindTown:
				o.streets = append(o.streets, u)
			case org.KindCommunity:
				o.communities = append(o.communities, u)
			case org.KindGrid:
				o.grids = append(o.grids, u)
			case org.KindDepartment:
				o.depts = append(o.depts, u)
			}
		}
		cats, err := store.ListCategories(ctx, tx)
		if err != nil {
			return err
		}
		slices.SortFunc(cats, func(a, b *ticket.Category) int { return int(a.ID - b.ID) })
		for _, c := range cats {
			if c.Level == 2 {
				o.leaves = append(o.leaves, c)
			}
		}
		if o.agent, err = store.GetUserByUsername(ctx, tx, "agent"); err != nil {
			return err
		}
		if o.dispatcher, err = store.GetUserByUsername(ctx, tx, "dispatcher"); err != nil {
			return err
		}
		o.handler, err = store.GetUserByUsername(ctx, tx, "handler")
		return err
	})
	if err != nil {
		tb.Fatalf("load district: %v", err)
	}
	return o
}

func benchID(tb testing.TB, db *store.DB) int64 {
	tb.Helper()
	id, err := db.NextID(context.Background())
	if err != nil {
		tb.Fatalf("next id: %v", err)
	}
	return id
}

func benchWrite(tb testing.TB, db *store.DB, fn func(*store.Tx) error) {
	tb.Helper()
	if err := db.Write(context.Background(), fn); err != nil {
		tb.Fatal(err)
	}
}

// ---------------------------------------------------------------------------
// The ticket generator: two years of a district's requests, in every state.

type benchGen struct {
	r      *rand.Rand
	o      *benchOrg
	now    time.Time
	cal    *calendar.Calendar
	phones []string // the first 1,000 are frequent callers
	catZ   *rand.Zipf
}

func newBenchGen(o *benchOrg, seed uint64) *benchGen {
	r := rand.New(rand.NewPCG(seed, 2026))
	g := &benchGen{r: r, o: o, now: benchNow, cal: calendar.China2026()}
	g.phones = benchPhones(1) // one pool of callers whatever the seed
	g.catZ = rand.NewZipf(r, 1.3, 4, uint64(len(o.leaves)-1))
	return g
}

var benchPhonePools sync.Map // seed → []string

// benchPhones returns the callers' phone pool, the same for the same seed.
func benchPhones(seed uint64) []string {
	if p, ok := benchPhonePools.Load(seed); ok {
		return p.([]string)
	}
	r := rand.New(rand.NewPCG(seed, 138))
	prefixes := []string{"130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "157",
		"158", "159", "177", "180", "181", "182", "186", "187", "188", "189", "199"}
	out := make([]string, 300_000)
	for i := range out {
		out[i] = prefixes[r.IntN(len(prefixes))] + fmt.Sprintf("%08d", r.IntN(100_000_000))
	}
	p, _ := benchPhonePools.LoadOrStore(seed, out)
	return p.([]string)
}

// frequentCaller is a phone with about a hundred tickets in the data set.
func (g *benchGen) frequentCaller() string { return g.phones[7] }

var (
	benchRoads   = []string{"海湖路", "五四大街", "西关大街", "胜利路", "文汇路", "冷湖路", "兴海路", "虎台路", "黄河路", "昆仑路", "通海路", "新宁路"}
	benchEstates = []string{"海湖小区", "阳光家园", "万达华府", "锦绣花园", "西川小区", "福泰家园", "康乐小区", "文亭苑", "光明里", "新村家属院"}
	benchDurs    = []string{"已经持续三天了", "已有一周多", "反映多次一直没有解决", "今天早上发现的", "从上个月开始就这样", "最近半个月每天都这样"}
	benchImpacts = []string{"严重影响居民正常生活", "老人孩子出行很不方便", "存在安全隐患", "楼里住户意见很大", "晚上无法休息", "给周边商户造成损失"}
	benchAsks    = []string{"希望相关部门尽快处理。", "请求尽快派人到现场查看。", "希望给予答复。", "请相关单位核实处理并回复来电人。", "希望彻底解决，不要再反复。"}
	benchSurname = []string{"王", "李", "张", "刘", "陈", "杨", "赵", "马", "韩", "祁", "冶", "朱", "周", "吴", "何"}
	benchGiven   = []string{"秀兰", "建国", "海燕", "志强", "玉梅", "德明", "桂英", "文华", "晓东", "丽娟", "春花", "永福", "卓玛", "才让"}
)

func benchPick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// weighted returns an index chosen with the given weights.
func benchWeighted(r *rand.Rand, w ...int) int {
	total := 0
	for _, x := range w {
		total += x
	}
	n := r.IntN(total)
	for i, x := range w {
		if n < x {
			return i
		}
		n -= x
	}
	return len(w) - 1
}

// day returns the tickets created on the day that starts at start, in
// creation order, numbered from 1. ids are taken from ids in order.
func (g *benchGen) day(start time.Time, n int, nextID func() int64, prevID int64) []*ticket.Ticket {
	r := g.r
	times := make([]time.Time, n)
	for i := range times {
		// Calls come mostly in office hours.
		var h int
		switch benchWeighted(r, 3, 80, 17) {
		case 0:
			h = r.IntN(7)
		case 1:
			h = 8 + r.IntN(10)
		default:
			h = 18 + r.IntN(6)
		}
		times[i] = start.Add(time.Duration(h)*time.Hour + time.Duration(r.IntN(3600_000))*time.Millisecond)
		if !times[i].Before(g.now) { // today: only calls until now
			times[i] = start.Add(time.Duration(r.Int64N(int64(g.now.Sub(start)))))
		}
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	out := make([]*ticket.Ticket, 0, n)
	day := calendar.DateOf(start)
	for i, at := range times {
		t := g.ticket(nextID(), ticket.FormatNumber(day, int64(i+1)), at, prevID)
		prevID = t.ID
		out = append(out, t)
	}
	return out
}

func (g *benchGen) ticket(id int64, number string, created time.Time, prevID int64) *ticket.Ticket {
	r, o := g.r, g.o
	kind := ticket.Kinds[benchWeighted(r, 20, 25, 35, 10, 7, 3)] // inquiry help complaint report suggestion praise
	urgency := ticket.Urgencies[benchWeighted(r, 92, 7, 1)]
	channel := ticket.Channels[benchWeighted(r, 60, 10, 15, 1, 8, 4, 1, 1)]
	cat := o.leaves[g.catZ.Uint64()]
	var leaf benchLeaf
	for _, root := range benchCategories {
		for _, l := range root.leaves {
			if l.name == cat.Name {
				leaf = l
			}
		}
	}
	problem := benchPick(r, leaf.problems)
	estate := benchPick(r, benchEstates)
	place := fmt.Sprintf("%s%d号%s%d号楼", benchPick(r, benchRoads), 1+r.IntN(120), estate, 1+r.IntN(24))
	var title string
	switch kind {
	case ticket.KindInquiry:
		title = "咨询" + problem
	case ticket.KindHelp:
		title = estate + problem + "，请求帮助"
	case ticket.KindReport:
		title = "举报" + estate + problem
	case ticket.KindSuggestion:
		title = "建议解决" + estate + problem + "问题"
	case ticket.KindPraise:
		title = "表扬社区工作人员及时解决" + problem
	default:
		title = estate + problem
	}
	desc := fmt.Sprintf("来电人反映：%s%s，%s，%s。%s", place, problem, benchPick(r, benchDurs), benchPick(r, benchImpacts), benchPick(r, benchAsks))
	intake, creator := o.centre, o.agent
	if r.IntN(100) < 12 {
		intake = benchPick(r, o.streets) // a street's service counter
	}
	var phone, name string
	if channel != ticket.ChannelGrid {
		if r.IntN(100) < 8 {
			phone = g.phones[r.IntN(1000)]
		} else {
			phone = g.phones[1000+r.IntN(len(g.phones)-1000)]
		}
		name = benchPick(r, benchSurname) + benchPick(r, benchGiven)
	}
	t := &ticket.Ticket{
		ID: id, Number: number, Title: title, Description: desc, Kind: kind, Urgency: urgency, Channel: channel,
		Status: ticket.StatusRegistered, CallerName: name, CallerPhone: phone, Address: place,
		IntakeUnitID: intake.ID, IntakeUnitPath: intake.Path, CreatedBy: creator.ID,
		CreatedAt: created.UTC(), UpdatedAt: created.UTC(), Version: 1,
	}
	if r.IntN(100) < 95 {
		t.CategoryID = cat.ID
	}
	if r.IntN(100) < 30 {
		lat, lng := 36.60+r.Float64()*0.06, 101.70+r.Float64()*0.10
		t.Lat, t.Lng = &lat, &lng
		grid := benchPick(r, o.grids) // where the point falls
		t.LocationUnitID, t.LocationUnitPath = grid.ID, grid.Path
	}
	g.advance(t, prevID)
	return t
}

// stages of the dispatch path, in order.
const (
	benchStRegistered = iota
	benchStDispatched
	benchStReturned
	benchStAcknowledged
	benchStReplied
	benchStClosed
	benchStReopened
)

// advance moves a new ticket along its life as far as its age makes likely.
func (g *benchGen) advance(t *ticket.Ticket, prevID int64) {
	r := g.r
	age := g.now.Sub(t.CreatedAt)
	at := t.CreatedAt
	step := func(min, max time.Duration) time.Time {
		at = at.Add(min + time.Duration(r.Int64N(int64(max-min))))
		if at.After(g.now) {
			at = g.now.UTC()
		}
		t.UpdatedAt = at
		t.Version++
		return at
	}
	done := age > 3*24*time.Hour
	switch n := r.IntN(1000); {
	case n < 20 && age > time.Hour:
		step(time.Minute, 30*time.Minute)
		t.Status = ticket.StatusInvalid
		return
	case n < 45 && age > time.Hour && prevID != 0:
		step(time.Minute, 2*time.Hour)
		t.Status, t.ParentID = ticket.StatusMerged, prevID
		return
	case (t.Kind == ticket.KindInquiry && n < 500) || n < 80:
		tm := step(time.Minute, 10*time.Minute)
		t.Status, t.Reply, t.RepliedAt = ticket.StatusResolvedAtIntake, "已在电话中为来电人解答相关政策和办理流程。", &tm
		if done && r.IntN(100) < 80 {
			cb := step(time.Hour, 48*time.Hour)
			res := true
			t.CallbackAt, t.Resolved, t.Satisfaction = &cb, &res, ticket.Satisfied
			cl := step(time.Minute, time.Hour)
			t.Status, t.ClosedAt = ticket.StatusClosed, &cl
		}
		return
	}
	var target int
	switch {
	case age < 2*time.Hour:
		target = []int{benchStRegistered, benchStDispatched}[benchWeighted(r, 50, 50)]
	case age < 24*time.Hour:
		target = []int{benchStRegistered, benchStDispatched, benchStAcknowledged, benchStReturned}[benchWeighted(r, 10, 35, 50, 5)]
	case age < 10*24*time.Hour:
		target = []int{benchStDispatched, benchStAcknowledged, benchStReturned, benchStReplied, benchStClosed}[benchWeighted(r, 5, 45, 2, 30, 18)]
	case age < 30*24*time.Hour:
		target = []int{benchStAcknowledged, benchStReplied, benchStClosed, benchStReopened}[benchWeighted(r, 10, 20, 68, 2)]
	default:
		target = []int{benchStClosed, benchStAcknowledged, benchStReplied, benchStReopened, benchStReturned}[benchWeighted(r, 970, 12, 10, 5, 3)]
	}
	if target == benchStRegistered {
		return
	}
	o := g.o
	var unit *org.Unit
	switch benchWeighted(r, 50, 20, 25, 5) {
	case 0:
		unit = benchPick(r, o.communities)
	case 1:
		unit = benchPick(r, o.streets)
	case 2:
		unit = benchPick(r, o.depts)
	default:
		unit = benchPick(r, o.grids)
	}
	d := step(5*time.Minute, 4*time.Hour)
	t.Status, t.UnitID, t.UnitPath, t.DispatchedAt = ticket.StatusDispatched, unit.ID, unit.Path, &d
	sla := ticket.DefaultSLA(t.Kind, t.Urgency)
	t.SetDispatchDeadlines(g.cal, sla, d)
	if target == benchStDispatched {
		return
	}
	if target == benchStReturned {
		step(30*time.Minute, 8*time.Hour)
		t.Status, t.ReturnCount = ticket.StatusReturned, 1
		return
	}
	a := step(20*time.Minute, 20*time.Hour)
	t.Status, t.AcknowledgedAt = ticket.StatusAcknowledged, &a
	if target == benchStAcknowledged {
		return
	}
	rp := step(4*time.Hour, 6*24*time.Hour)
	t.Status, t.RepliedAt, t.Reply = ticket.StatusReplied, &rp, "经现场核实，已协调相关单位处理完毕，并向来电人反馈处理结果。"
	t.SetCallbackDeadline(g.cal, sla, rp)
	if target == benchStReplied {
		return
	}
	cb := step(time.Hour, 48*time.Hour)
	res := r.IntN(100) < 88
	sat := ticket.Satisfactions[benchWeighted(r, 75, 17, 8)]
	t.CallbackAt, t.Resolved, t.Satisfaction = &cb, &res, sat
	cl := step(time.Minute, 4*time.Hour)
	t.Status, t.ClosedAt = ticket.StatusClosed, &cl
	if target == benchStClosed {
		return
	}
	step(time.Hour, 24*time.Hour)
	reply := sla.Reply.From(g.cal, at)
	t.Status, t.ReopenCount, t.ClosedAt, t.ReplyBy, t.CallbackBy = ticket.StatusReopened, 1, nil, &reply, nil
}

// fillTickets writes n tickets spread over the two years before benchNow,
// the later months a little busier, in transactions of about ten days.
func benchFill(tb testing.TB, db *store.DB, o *benchOrg, n int, seed uint64) {
	tb.Helper()
	ctx := context.Background()
	g := newBenchGen(o, seed)
	const days = 730
	first := calendar.DateOf(benchNow).AddDays(-days + 1).Start()
	if err := db.MakeTicketMonths(ctx, first, benchNow); err != nil {
		tb.Fatal(err)
	}
	// Weights grow linearly from 2 to 3 over the two years.
	weight := func(d int) float64 { return 2 + float64(d)/days }
	var total float64
	for d := range days {
		total += weight(d)
	}
	var batch []*ticket.Ticket
	var prevID int64
	made, carry := 0, 0.0
	flush := func() {
		if len(batch) == 0 {
			return
		}
		benchWrite(tb, db, func(tx *store.Tx) error { return store.BulkInsertTickets(ctx, tx, batch) })
		batch = batch[:0]
	}
	for d := range days {
		want := float64(n)*weight(d)/total + carry
		k := int(want)
		carry = want - float64(k)
		if d == days-1 {
			k = n - made
		}
		ids := make([]int64, k)
		for i := range ids {
			// A day's tickets are all of the day's month.
			ids[i] = db.TicketIDAt(benchID(tb, db), first.AddDate(0, 0, d))
		}
		next := 0
		ts := g.day(first.AddDate(0, 0, d), k, func() int64 { next++; return ids[next-1] }, prevID)
		if len(ts) > 0 {
			prevID = ts[len(ts)-1].ID
		}
		made += len(ts)
		batch = append(batch, ts...)
		if len(batch) >= 10_000 {
			flush()
		}
	}
	flush()
}

// ---------------------------------------------------------------------------
// Figures.

// reportLatency adds the median and 99th percentile of the samples to the
// benchmark's figures, in milliseconds.
func benchLatency(b *testing.B, ds []time.Duration) {
	if len(ds) == 0 {
		return
	}
	slices.Sort(ds)
	q := func(p float64) float64 {
		i := int(p * float64(len(ds)-1))
		return float64(ds[i]) / float64(time.Millisecond)
	}
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
}

// ---------------------------------------------------------------------------
// Create and transition.

// createTicket runs the transaction of app.Service.CreateTicket: the
// category check, the ticket with its number, the idempotency key and the
// register event.
func benchCreate(ctx context.Context, db *store.DB, o *benchOrg, t *ticket.Ticket, key string) error {
	id, err := db.NextID(ctx)
	if err != nil {
		return err
	}
	t.ID = id
	return db.Write(ctx, func(tx *store.Tx) error {
		if t.CategoryID != 0 {
			if _, err := store.GetCategory(ctx, tx, t.CategoryID); err != nil {
				return err
			}
		}
		if err := store.InsertTicket(ctx, tx, t); err != nil {
			return err
		}
		if _, err := store.ClaimIdempotencyKey(ctx, tx, store.Idempotency{Scope: "user:" + strconv.FormatInt(o.agent.ID, 10),
			Key: key, Fingerprint: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", TicketID: t.ID}, t.CreatedAt); err != nil {
			return err
		}
		return store.InsertEvent(ctx, tx, &ticket.Event{TicketID: t.ID, Seq: 1, At: t.CreatedAt, ActorID: t.CreatedBy,
			Action: ticket.ActionRegister, ToStatus: ticket.StatusRegistered, UnitID: t.IntakeUnitID})
	})
}

// newRegistered returns a fresh registered ticket made by the generator.
func (g *benchGen) newRegistered(at time.Time) *ticket.Ticket {
	t := g.ticket(0, "", at, 0)
	o := g.o
	*t = ticket.Ticket{Title: t.Title, Description: t.Description, Kind: t.Kind, Urgency: t.Urgency, Channel: t.Channel,
		Status: ticket.StatusRegistered, CategoryID: t.CategoryID, CallerName: t.CallerName, CallerPhone: t.CallerPhone,
		Address: t.Address, Lat: t.Lat, Lng: t.Lng, IntakeUnitID: o.centre.ID, IntakeUnitPath: o.centre.Path,
		CreatedBy: o.agent.ID, CreatedAt: at.UTC(), UpdatedAt: at.UTC(), Version: 1}
	return t
}

// BenchmarkCreateTicket measures the create transaction, one client at a
// time ("serial") and with 16 goroutines per core ("parallel": 32 clients
// on 2 cores, as in the load test).
func BenchmarkCreateTicket(b *testing.B) {
	for _, d := range storetest.Dialects() {
		b.Run(d, func(b *testing.B) {
			db := storetest.Open(b, d)
			o := newBenchOrg(b, db)
			ctx := context.Background()
			var seq sync.Mutex
			n := 0
			key := func() string {
				seq.Lock()
				defer seq.Unlock()
				n++
				return "bench-" + strconv.Itoa(n)
			}
			b.Run("serial", func(b *testing.B) {
				g := newBenchGen(o, 1)
				ds := make([]time.Duration, 0, b.N)
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					t := g.newRegistered(time.Now())
					start := time.Now()
					if err := benchCreate(ctx, db, o, t, key()); err != nil {
						b.Fatal(err)
					}
					ds = append(ds, time.Since(start))
				}
				b.StopTimer()
				benchLatency(b, ds)
			})
			b.Run("parallel", func(b *testing.B) {
				var mu sync.Mutex
				var ds []time.Duration
				var seed uint64 = 100
				b.SetParallelism(16)
				b.ReportAllocs()
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					mu.Lock()
					seed++
					g := newBenchGen(o, seed)
					mu.Unlock()
					var mine []time.Duration
					for pb.Next() {
						t := g.newRegistered(time.Now())
						start := time.Now()
						if err := benchCreate(ctx, db, o, t, key()); err != nil {
							b.Error(err)
							return
						}
						mine = append(mine, time.Since(start))
					}
					mu.Lock()
					ds = append(ds, mine...)
					mu.Unlock()
				})
				b.StopTimer()
				benchLatency(b, ds)
			})
		})
	}
}

// transition runs the transaction of one status change as app.Service.act
// does: read the ticket, change it, write it guarded by its version, and
// append its event.
func benchTransition(ctx context.Context, db *store.DB, id int64, fn func(tx *store.Tx, t *ticket.Ticket, e *ticket.Event, now time.Time) error) error {
	return db.Write(ctx, func(tx *store.Tx) error {
		t, err := store.GetTicket(ctx, tx, id)
		if err != nil {
			return err
		}
		now := time.Now().UTC()
		e := &ticket.Event{TicketID: t.ID, At: now, FromStatus: t.Status}
		if err := fn(tx, t, e, now); err != nil {
			return err
		}
		e.ToStatus = t.Status
		t.UpdatedAt = now
		t.Version++
		e.Seq = t.Version
		if err := store.UpdateTicket(ctx, tx, t); err != nil {
			return err
		}
		return store.InsertEvent(ctx, tx, e)
	})
}

// BenchmarkTransition measures a dispatch followed by an acknowledgement of
// a registered ticket: two transactions per op.
func BenchmarkTransition(b *testing.B) {
	for _, d := range storetest.Dialects() {
		b.Run(d, func(b *testing.B) {
			// The district and the tickets to act on are made outside the
			// timer, the tickets in bulk.
			b.StopTimer()
			db := storetest.Open(b, d)
			o := newBenchOrg(b, db)
			ctx := context.Background()
			g := newBenchGen(o, 3)
			cal := calendar.China2026()
			seq := 0
			b.ReportAllocs()
			ts := make([]*ticket.Ticket, b.N)
			now := time.Now()
			for i := range ts {
				seq++
				t := g.newRegistered(now)
				t.ID = benchID(b, db)
				t.Number = fmt.Sprintf("B%08d", seq)
				ts[i] = t
			}
			benchWrite(b, db, func(tx *store.Tx) error { return store.BulkInsertTickets(ctx, tx, ts) })
			ds := make([]time.Duration, 0, b.N)
			b.StartTimer()
			for i := 0; i < b.N; i++ {
				t := ts[i]
				unit := o.communities[i%len(o.communities)]
				start := time.Now()
				err := benchTransition(ctx, db, t.ID, func(tx *store.Tx, t *ticket.Ticket, e *ticket.Event, now time.Time) error {
					u, err := store.GetUnit(ctx, tx, unit.ID)
					if err != nil {
						return err
					}
					t.Status, t.UnitID, t.UnitPath, t.DispatchedAt = ticket.StatusDispatched, u.ID, u.Path, &now
					t.SetDispatchDeadlines(cal, ticket.DefaultSLA(t.Kind, t.Urgency), now)
					e.Action, e.ActorID, e.UnitID, e.Data = ticket.ActionDispatch, o.dispatcher.ID, u.ID, map[string]string{"unit": u.Name}
					return nil
				})
				if err == nil {
					err = benchTransition(ctx, db, t.ID, func(tx *store.Tx, t *ticket.Ticket, e *ticket.Event, now time.Time) error {
						t.Status, t.AcknowledgedAt = ticket.StatusAcknowledged, &now
						e.Action, e.ActorID, e.UnitID = ticket.ActionAcknowledge, o.handler.ID, t.UnitID
						return nil
					})
				}
				if err != nil {
					b.Fatal(err)
				}
				ds = append(ds, time.Since(start))
			}
			b.StopTimer()
			benchLatency(b, ds)
		})
	}
}

// ---------------------------------------------------------------------------
// List pages over a large data set.

// benchTickets is the size of the list data set.
func benchTickets(tb testing.TB) int {
	if v := os.Getenv("MINSHENG_BENCH_TICKETS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1000 {
			tb.Fatalf("MINSHENG_BENCH_TICKETS=%q: want a number of at least 1000", v)
		}
		return n
	}
	return 1_000_000
}

// dataSetKey names a data set: the dialect's migrations, the generator and
// the size.
func benchDataSetKey(tb testing.TB, dialect string, n int) string {
	tb.Helper()
	h := sha256.New()
	dir := filepath.Join("migrations", dialect)
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatalf("read migrations: %v", err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			tb.Fatal(err)
		}
		fmt.Fprintf(h, "%s %d\n", e.Name(), len(b))
		h.Write(b)
	}
	fmt.Fprintf(h, "%s %d", benchGenVersion, n)
	return hex.EncodeToString(h.Sum(nil))[:12]
}

type benchDataSetT struct {
	db  *store.DB
	o   *benchOrg
	err error
}

var (
	benchDataSetsMu sync.Mutex
	benchDataSets   = map[string]*benchDataSetT{}
)

// openDataSet returns the list data set of the dialect, building it the
// first time (minutes) and reusing it afterwards (seconds).
func benchDataSet(b *testing.B, dialect string) (*store.DB, *benchOrg) {
	b.Helper()
	benchDataSetsMu.Lock()
	defer benchDataSetsMu.Unlock()
	if ds, ok := benchDataSets[dialect]; ok {
		if ds.err != nil {
			b.Fatal(ds.err)
		}
		return ds.db, ds.o
	}
	n := benchTickets(b)
	key := benchDataSetKey(b, dialect, n)
	ds := &benchDataSetT{}
	benchDataSets[dialect] = ds
	var dsn string
	switch dialect {
	case "sqlite":
		dsn, ds.err = benchSQLiteDataSet(b, key, n)
	case "postgres":
		dsn, ds.err = benchPostgresDataSet(b, key, n)
	}
	if ds.err == nil {
		ds.db, ds.err = store.Open(context.Background(), dsn)
	}
	if ds.err != nil {
		b.Fatal(ds.err)
	}
	ds.o = loadBenchOrg(b, ds.db)
	// Kept open for the other benchmarks of the run; the process exit
	// closes it.
	return ds.db, ds.o
}

// build fills a new migrated database with the district and n tickets and
// reports how long it took.
func benchBuild(b *testing.B, dsn, dialect string, n int) error {
	ctx := context.Background()
	start := time.Now()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	o := newBenchOrg(b, db)
	benchFill(b, db, o, n, 1)
	if dialect == "postgres" {
		// What autovacuum would do soon after such a load.
		if err := db.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `ANALYZE`)
			return err
		}); err != nil {
			return err
		}
	}
	fmt.Printf("built the %s data set: %d tickets in %s\n", dialect, n, time.Since(start).Round(time.Second))
	return nil
}

func benchSQLiteDataSet(b *testing.B, key string, n int) (string, error) {
	path := filepath.Join(os.TempDir(), "minsheng-bench-"+key+".db")
	if _, err := os.Stat(path); err == nil {
		fmt.Printf("using the cached sqlite data set %s (%d tickets)\n", path, n)
		return "sqlite:" + path, nil
	}
	tmp := fmt.Sprintf("%s.building-%d", path, os.Getpid())
	defer func() {
		for _, s := range []string{"", "-wal", "-shm"} {
			os.Remove(tmp + s)
		}
	}()
	if err := benchBuild(b, "sqlite:"+tmp, "sqlite", n); err != nil {
		return "", err
	}
	// Closing the last connection checkpointed and removed the WAL.
	if err := os.Rename(tmp, path); err != nil {
		return "", err
	}
	return "sqlite:" + path, nil
}

func benchPostgresDataSet(b *testing.B, key string, n int) (string, error) {
	base := os.Getenv(storetest.EnvPostgres)
	if base == "" {
		return "", errors.New("no PostgreSQL")
	}
	schema := "bench_" + key
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	var exists bool
	if err := admin.QueryRow(`SELECT EXISTS (SELECT 1 FROM information_schema.schemata WHERE schema_name = $1)`, schema).Scan(&exists); err != nil {
		return "", err
	}
	withPath := func(s string) (string, error) {
		u, err := url.Parse(base)
		if err != nil {
			return "", err
		}
		q := u.Query()
		q.Set("search_path", s)
		u.RawQuery = q.Encode()
		return u.String(), nil
	}
	if exists {
		fmt.Printf("using the cached postgres data set in schema %s (%d tickets)\n", schema, n)
		return withPath(schema)
	}
	tmp := schema + "_building"
	if _, err := admin.Exec(`DROP SCHEMA IF EXISTS ` + tmp + ` CASCADE`); err != nil {
		return "", err
	}
	if _, err := admin.Exec(`CREATE SCHEMA ` + tmp); err != nil {
		return "", err
	}
	dsn, err := withPath(tmp)
	if err != nil {
		return "", err
	}
	if err := benchBuild(b, dsn, "postgres", n); err != nil {
		admin.Exec(`DROP SCHEMA ` + tmp + ` CASCADE`)
		return "", err
	}
	if _, err := admin.Exec(`ALTER SCHEMA ` + tmp + ` RENAME TO ` + schema); err != nil {
		return "", err
	}
	return withPath(schema)
}

// BenchmarkListPage measures first pages of 50 under the filters people use
// most, and a page deep into a list by keyset, over the large data set.
func BenchmarkListPage(b *testing.B) {
	for _, d := range storetest.Dialects() {
		b.Run(d, func(b *testing.B) {
			db, o := benchDataSet(b, d)
			ctx := context.Background()
			g := newBenchGen(o, 1)
			now := benchNow
			yearAgo := benchNow.AddDate(-1, 0, 0)
			// The cursor of a page a year deep: the newest ticket older
			// than a year.
			var deep *ticket.Ticket
			err := db.Read(ctx, func(tx *store.Tx) error {
				ts, err := store.ListTickets(ctx, tx, store.TicketFilter{CreatedTo: &yearAgo, Limit: 1})
				if err == nil && len(ts) == 1 {
					deep = ts[0]
				}
				return err
			})
			if err != nil || deep == nil {
				b.Fatalf("deep cursor: %v", err)
			}
			community, street := o.communities[0], o.streets[0]
			cases := []struct {
				name string
				f    store.TicketFilter
			}{
				{"newest", store.TicketFilter{}},
				{"status", store.TicketFilter{Statuses: []ticket.Status{ticket.StatusDispatched}}},
				{"status_deep", store.TicketFilter{Statuses: []ticket.Status{ticket.StatusClosed},
					AfterCreated: &deep.CreatedAt, AfterID: deep.ID}},
				{"unit_status", store.TicketFilter{UnitID: community.ID, Statuses: []ticket.Status{ticket.StatusAcknowledged}}},
				{"unit_status_deep", store.TicketFilter{UnitID: community.ID, Statuses: []ticket.Status{ticket.StatusClosed},
					AfterCreated: &deep.CreatedAt, AfterID: deep.ID}},
				{"category", store.TicketFilter{CategoryID: o.leaves[0].ID}},
				{"category_rare", store.TicketFilter{CategoryID: o.leaves[len(o.leaves)-1].ID}},
				{"caller_phone", store.TicketFilter{CallerPhone: g.frequentCaller()}},
				{"overdue", store.TicketFilter{Overdue: &now}},
				{"street_status", store.TicketFilter{VisiblePaths: []string{street.Path}, Statuses: []ticket.Status{ticket.StatusAcknowledged}}},
				{"street", store.TicketFilter{VisiblePaths: []string{street.Path}}},
				{"street_overdue", store.TicketFilter{VisiblePaths: []string{street.Path}, Overdue: &now}},
			}
			for _, c := range cases {
				b.Run(c.name, func(b *testing.B) {
					f := c.f
					f.Limit = 51 // as app.ListTickets asks: one more, to know there is a next page
					var rows int
					ds := make([]time.Duration, 0, b.N)
					for b.Loop() {
						start := time.Now()
						err := db.Read(ctx, func(tx *store.Tx) error {
							ts, err := store.ListTickets(ctx, tx, f)
							rows = len(ts)
							return err
						})
						if err != nil {
							b.Fatal(err)
						}
						ds = append(ds, time.Since(start))
					}
					b.StopTimer()
					b.ReportMetric(float64(rows), "rows")
					benchLatency(b, ds)
				})
			}
		})
	}
}
