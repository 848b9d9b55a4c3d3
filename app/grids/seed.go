package grids

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/minsheng/minsheng/grid"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// The demo's part of grids and the ledger, lived through the use cases:
// grid workers report what they find on patrol and check the replies on
// the spot, a screening campaign of the street 兴海路 finds 173 problems
// and ticks off 156 of them one by one (the reference article's figures),
// and the grid workers' diaries of the day are drafted, submitted and read.

// seedProblems are what the demo's grid workers report on patrol.
var seedProblems = []struct{ cat, title, body, where string }{
	{"P01", "井盖缺失", "路边雨水井盖缺失，夜间行人容易踩空，已放置警示锥。", "海湖路与冷湖路交叉口东侧"},
	{"P02", "人行道地砖松动", "人行道一段地砖松动翘起约五米，老人行走容易绊倒。", "五四西路公交站北侧"},
	{"E01", "垃圾堆放未清运", "小区门口垃圾桶满溢，周边堆放生活垃圾已两天。", "兴海家园北门"},
	{"E05", "占道经营", "早市摊点占用人行道和盲道，行人只能走机动车道。", "兴海路农贸市场西侧"},
	{"P06", "路灯不亮", "巷道内三盏路灯不亮，居民晚上出行不便。", "电建小区后巷"},
	{"E02", "违规张贴小广告", "单元门和电表箱上被大量张贴办证、开锁小广告。", "兴海路东小区5号楼"},
	{"E03", "施工围挡破损", "施工工地围挡倒塌一段，裸土未覆盖，起风扬尘。", "冷湖路北段施工工地"},
	{"P04", "绿化带树木倒伏", "大风后绿化带一棵行道树倒伏，压住部分人行道。", "海湖路中段绿化带"},
}

// seedFindings are what the 大排查 of the demo finds (the problem, the
// ledger's category, the severity).
var seedFindings = []struct {
	problem, cat string
	major        bool
}{
	{"楼道堆放杂物堵塞消防通道", "安全隐患", false},
	{"电动车在楼道内充电", "安全隐患", true},
	{"老旧小区屋面漏水", "房屋修缮", false},
	{"单元门禁损坏", "物业管理", false},
	{"化粪池满溢", "环境卫生", true},
	{"小区路面坑洼积水", "基础设施", false},
	{"高龄独居老人无人照看", "民生保障", true},
	{"公共区域照明不足", "基础设施", false},
	{"私拉电线", "安全隐患", true},
	{"下水管道堵塞", "基础设施", false},
	{"健身器材破损", "公共设施", false},
	{"垃圾分类设施缺失", "环境卫生", false},
}

// seedPlan is how many of the campaign's 173 items end in each status:
// 156 ticked off, the others on their way.
var seedPlan = []struct {
	status grid.ItemStatus
	n      int
}{
	{grid.ItemTickedOff, 156}, {grid.ItemSubmitted, 4}, {grid.ItemRectifying, 6}, {grid.ItemAssigned, 3},
	{grid.ItemFound, 1}, {grid.ItemReopened, 3},
}

// seedWorld is the demo's people and places the seed acts with.
type seedWorld struct {
	units      map[int64]*org.Unit
	workers    []*org.User
	handlerOf  func(path string) *org.User // a handler whose unit covers the path
	dispatcher *org.User
	leader     *org.User
}

func (s *Service) seedWorld(ctx context.Context) (*seedWorld, error) {
	w := &seedWorld{units: map[int64]*org.Unit{}}
	var users []*org.User
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		us, err := store.ListUnits(ctx, tx, "")
		if err != nil {
			return err
		}
		for _, u := range us {
			w.units[u.ID] = u
		}
		users, err = store.ListUsers(ctx, tx, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	var handlers []*org.User
	for _, u := range users {
		switch {
		case u.Username == "dispatcher":
			w.dispatcher = u
		case u.Username == "leader":
			w.leader = u
		case u.Role == org.RoleGridWorker:
			w.workers = append(w.workers, u)
		case u.Role == org.RoleHandler:
			handlers = append(handlers, u)
		}
	}
	w.handlerOf = func(path string) *org.User {
		var best *org.User
		for _, h := range handlers {
			if h.SeesAs(path, org.RoleHandler) && (best == nil || len(h.UnitPath) > len(best.UnitPath)) {
				best = h
			}
		}
		return best
	}
	return w, nil
}

// SeedDemo adds the capability's part of the demo district. It does
// nothing in a district without the demo's users.
func SeedDemo(ctx context.Context, s *Service) error {
	w, err := s.seedWorld(ctx)
	if err != nil {
		return err
	}
	if w.dispatcher == nil || w.leader == nil || len(w.workers) == 0 {
		return nil
	}
	// A demo asked for without tickets (-demo-tickets 0) gets no grid
	// reports either: they are tickets.
	var tickets bool
	if err := s.kit.Read(ctx, func(tx *store.Tx) (err error) { tickets, err = store.HasTickets(ctx, tx); return err }); err != nil {
		return err
	}
	if tickets {
		if err := s.seedReports(ctx, w); err != nil {
			return fmt.Errorf("grid reports: %w", err)
		}
	}
	if err := s.seedLedger(ctx, w); err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	if err := s.seedDiaries(ctx, w); err != nil {
		return err
	}
	if err := s.seedStations(ctx, w, tickets); err != nil {
		return fmt.Errorf("stations: %w", err)
	}
	return nil
}

// seedAsks are what residents bring to the demo's micro-stations: the
// service, the request, and the answer given on the spot ("" when it
// needs a unit).
var seedAsks = []struct{ service, ask, answer string }{
	{"政策咨询", "咨询高龄津贴申领条件和所需材料", "已告知年满80周岁可申领，携带身份证、户口本到社区办理，当场登记。"},
	{"开具证明", "开具居住证明用于孩子入学", "核实居住信息后当场开具居住证明。"},
	{"政策咨询", "咨询医保参保缴费时间", "已告知本年度城乡居民医保集中缴费期及线上缴费方式。"},
	{"代办服务", "代办老年人优待证", "已收取照片和身份证复印件，代为提交街道，办好后通知领取。"},
	{"矛盾调解", "邻里之间因楼道堆物发生口角", "网格员现场协调，双方同意清理楼道堆物。"},
	{"政策咨询", "咨询临时救助申请流程", "已讲解申请条件，指导填写临时救助申请表。"},
	{"开具证明", "开具无犯罪记录证明需要去哪里办", "已告知到辖区派出所办理及所需材料。"},
	{"代办服务", "帮助独居老人预约上门体检", "已联系社区卫生服务站预约下周上门体检。"},
	{"政策咨询", "咨询就业困难人员认定", "已讲解认定条件，当场发放申请表。"},
	{"矛盾调解", "楼上漏水与邻居协商维修费用", "现场查看后组织双方协商，约定共同分摊维修费用。"},
}

// seedReferred are the demo's requests that need a unit: each becomes a
// work order for the centre to dispatch.
var seedReferred = []string{
	"小区3号楼楼道灯坏了一个月无人修",
	"小区门口排水沟堵塞，下雨积水",
	"楼下早餐店油烟直排，影响住户开窗",
	"小区健身器材螺丝松动存在安全隐患",
	"路口红绿灯时间太短，老人过马路来不及",
	"小区供暖温度偏低，物业推诿",
	"附近工地夜间施工噪音扰民",
	"公交站台顶棚破损漏雨",
}

// seedStations sets up a micro-station in each community of the street
// 兴海路 with its grid workers as staff, and lives the requests taken
// there (when the demo has tickets): 142 answered on the spot (the
// article's "140+ answered") and 8 registered for the centre.
func (s *Service) seedStations(ctx context.Context, w *seedWorld, tickets bool) error {
	var street *org.Unit
	for _, u := range w.units {
		if u.Code == "xinghailu" {
			street = u
		}
	}
	if street == nil {
		return nil
	}
	var communities []*org.Unit
	for _, u := range w.units {
		if u.Kind == org.KindCommunity && org.Within(u.Path, street.Path) {
			communities = append(communities, u)
		}
	}
	slices.SortFunc(communities, func(a, b *org.Unit) int { return strings.Compare(a.Path, b.Path) })
	// Each station at the middle of its community's area, when it has one.
	var bounds []store.Boundary
	if err := s.kit.Read(ctx, func(tx *store.Tx) (err error) { bounds, err = store.ListBoundaries(ctx, tx); return err }); err != nil {
		return err
	}
	type staffed struct {
		station *store.Station
		staff   []*org.User
	}
	var stations []staffed
	for _, c := range communities {
		var staff []*org.User
		var ids []int64
		for _, gw := range w.workers {
			if u := w.units[gw.UnitID]; u != nil && org.Within(u.Path, c.Path) {
				staff, ids = append(staff, gw), append(ids, gw.ID)
			}
		}
		in := grid.NewStation{Name: c.Name + "网格微管站", UnitID: c.ID, Address: c.Name + "党群服务中心一楼",
			Hours: "周一至周五 8:30–18:00，周六 9:00–12:00", Services: []string{"政策咨询", "开具证明", "代办服务", "矛盾调解"}, StaffIDs: ids}
		for _, b := range bounds {
			if b.UnitID == c.ID {
				lat, lng := (b.Box.MinLat+b.Box.MaxLat)/2, (b.Box.MinLng+b.Box.MaxLng)/2
				in.Lat, in.Lng = &lat, &lng
			}
		}
		st, err := s.SaveStation(ctx, w.leader, 0, in)
		if err != nil {
			return err
		}
		if len(staff) > 0 {
			stations = append(stations, staffed{st, staff})
		}
	}
	if !tickets || len(stations) == 0 {
		return nil
	}
	take := func(n int, in grid.NewStationRequest) error {
		st := stations[n%len(stations)]
		gw := st.staff[(n/len(stations))%len(st.staff)]
		in.CallerPhone = fmt.Sprintf("1389701%04d", n)
		_, err := s.TakeRequest(ctx, gw, st.station.ID, StationRequestInput{NewStationRequest: in})
		return err
	}
	for n := range 142 {
		a := seedAsks[n%len(seedAsks)]
		if err := take(n, grid.NewStationRequest{Service: a.service, Description: a.ask, Answer: a.answer}); err != nil {
			return err
		}
	}
	for i, ask := range seedReferred {
		if err := take(142+i, grid.NewStationRequest{Description: ask}); err != nil {
			return err
		}
	}
	return nil
}

// seedReports has each grid worker report two problems and lives them
// through the loop to different stages.
func (s *Service) seedReports(ctx context.Context, w *seedWorld) error {
	n := 0
	for _, gw := range w.workers {
		for range 2 {
			pr := seedProblems[n%len(seedProblems)]
			r, err := s.Report(ctx, gw, ReportInput{NewReport: grid.NewReport{Category: pr.cat, Title: pr.title, Description: pr.body,
				Address: pr.where}})
			if err != nil {
				return err
			}
			if err := s.seedLoop(ctx, w, gw, r, (n+2)%6); err != nil { // the first worker (the demo's grid_worker) has a reply to check
				return fmt.Errorf("report %s: %w", r.Ticket, err)
			}
			n++
		}
	}
	return nil
}

// seedLoop takes a report to a stage: 0 registered, 1 being handled, 2
// awaiting the check, 3–4 closed after a passing check, 5 closed after a
// failed check, a reopen and a second reply.
func (s *Service) seedLoop(ctx context.Context, w *seedWorld, gw *org.User, r *store.GridReport, stage int) error {
	if stage == 0 {
		return nil
	}
	tk := s.tickets
	if r.Status == grid.ReportRegistered {
		street := w.units[w.units[r.GridID].ParentID].ParentID
		if _, err := tk.Dispatch(ctx, w.dispatcher, r.Ticket, street, ""); err != nil {
			return err
		}
	}
	v, err := tk.GetTicket(ctx, w.dispatcher, r.Ticket)
	if err != nil {
		return err
	}
	h := w.handlerOf(v.Ticket.UnitPath)
	if h == nil {
		return nil
	}
	if v.Ticket.Status == ticket.StatusDispatched {
		if _, err := tk.Acknowledge(ctx, h, r.Ticket, ""); err != nil {
			return err
		}
	}
	if stage == 1 {
		return nil
	}
	if _, err := tk.Reply(ctx, h, r.Ticket, "已安排人员到现场处理完毕。"); err != nil {
		return err
	}
	switch stage {
	case 2:
		return nil
	case 5:
		if _, err := s.Check(ctx, gw, r.ID, CheckInput{Result: grid.CheckFail, Note: "现场查看问题仍未解决。"}); err != nil {
			return err
		}
		if _, err := tk.Reopen(ctx, w.dispatcher, r.Ticket, "网格员现场核查未通过"); err != nil {
			return err
		}
		if _, err := tk.Reply(ctx, h, r.Ticket, "已重新处理并拍照留存。"); err != nil {
			return err
		}
	}
	_, err = s.Check(ctx, gw, r.ID, CheckInput{Result: grid.CheckPass, Note: "现场已整改到位。"})
	return err
}

// seedLedger runs the 大排查 of 兴海路街道: 173 problems found in its
// grids, assigned to their communities, rectified by the street's
// handlers and ticked off by the grid workers (by the leader where a grid
// has no worker); 156 are ticked off, three relapsed at the 回头看.
func (s *Service) seedLedger(ctx context.Context, w *seedWorld) error {
	var street *org.Unit
	for _, u := range w.units {
		if u.Code == "xinghailu" {
			street = u
		}
	}
	if street == nil {
		return nil
	}
	var grids []*org.Unit
	for _, u := range w.units {
		if u.Kind == org.KindGrid && org.Within(u.Path, street.Path) {
			grids = append(grids, u)
		}
	}
	if len(grids) == 0 {
		return nil
	}
	// By path, so that the seed is the same each run.
	slices.SortFunc(grids, func(a, b *org.Unit) int { return strings.Compare(a.Path, b.Path) })
	workerOf := map[int64]*org.User{}
	for _, gw := range w.workers {
		workerOf[gw.UnitID] = gw
	}
	now := s.now()
	c, err := s.CreateCampaign(ctx, w.leader, grid.NewCampaign{Title: "民生领域风险隐患大排查", UnitID: street.ID,
		Deadline: now.AddDate(0, 0, 20), Note: "逐户逐点排查，建立问题清单，逐个整改销号。",
		Checklist: grid.ParseChecklist("消防通道是否畅通\n楼道内是否有电动车充电\n数字|独居高龄老人户数\n文字|其他情况")})
	if err != nil {
		return err
	}
	// A place checked against the checklist with nothing wrong: it adds
	// no item.
	for _, g := range grids {
		if gw := workerOf[g.ID]; gw != nil {
			if _, err := s.Inspect(ctx, gw, c.ID, grid.NewInspection{UnitID: g.ID, Place: w.units[g.ParentID].Name + "1号楼",
				Answers: []grid.Answer{{Index: 0, Value: "yes"}, {Index: 1, Value: "yes"}, {Index: 2, Value: "2"}, {Index: 3, Value: "楼道整洁"}}}); err != nil {
				return err
			}
			break
		}
	}
	i := 0
	for _, p := range seedPlan {
		for range p.n {
			g := grids[i%len(grids)]
			community := w.units[g.ParentID]
			finder, verifier := workerOf[g.ID], workerOf[g.ID]
			if finder == nil {
				finder, verifier = w.leader, w.leader
			}
			// Each grid finds different problems in different buildings.
			round := i / len(grids)
			f := seedFindings[(i+round)%len(seedFindings)]
			sev := grid.SeverityNormal
			if f.major {
				sev = grid.SeverityMajor
			}
			deadline := now.AddDate(0, 0, 5+i%15)
			if p.status == grid.ItemRectifying && i%2 == 0 {
				deadline = now.AddDate(0, 0, -2) // overdue
			}
			in := grid.NewItem{Problem: f.problem, Category: f.cat, Severity: sev, Place: fmt.Sprintf("%s%d号楼", community.Name, 1+round%12),
				UnitID: g.ID, Deadline: &deadline}
			it, err := s.AddItem(ctx, finder, c.ID, in)
			if err != nil {
				return err
			}
			if err := s.seedItem(ctx, w, it, community, verifier, p.status); err != nil {
				return fmt.Errorf("item %d: %w", it.Seq, err)
			}
			i++
		}
	}
	return nil
}

// seedItem takes a found item to a status through the ledger's actions.
func (s *Service) seedItem(ctx context.Context, w *seedWorld, it *store.LedgerItem, community *org.Unit, verifier *org.User, to grid.ItemStatus) error {
	steps := map[grid.ItemStatus][]grid.ItemAction{
		grid.ItemFound:      nil,
		grid.ItemAssigned:   {grid.ItemAssign},
		grid.ItemRectifying: {grid.ItemAssign, grid.ItemStart},
		grid.ItemSubmitted:  {grid.ItemAssign, grid.ItemStart, grid.ItemSubmit},
		grid.ItemTickedOff:  {grid.ItemAssign, grid.ItemStart, grid.ItemSubmit, grid.ItemTickOff},
		grid.ItemReopened:   {grid.ItemAssign, grid.ItemStart, grid.ItemSubmit, grid.ItemTickOff, grid.ItemRelapse},
	}[to]
	h := w.handlerOf(community.Path)
	for _, a := range steps {
		in := ItemInput{Action: a}
		actor := verifier
		switch a {
		case grid.ItemAssign:
			actor, in.ResponsibleID = w.leader, community.ID
		case grid.ItemStart:
			actor = h
		case grid.ItemSubmit:
			actor, in.Note = h, "已整改完毕，整改前后照片已存档。"
		case grid.ItemTickOff:
			in.Note = "现场核验整改到位，同意销号。"
		case grid.ItemRelapse:
			in.Note = "回头看发现问题反弹。"
		}
		if actor == nil {
			return nil
		}
		if _, err := s.ActOnItem(ctx, actor, it.ID, in); err != nil {
			return err
		}
	}
	return nil
}

// seedDiaries has each grid worker who reported today submit the diary
// the system drafted, with a line of their own; the street's handler
// reads the first and comments on it.
func (s *Service) seedDiaries(ctx context.Context, w *seedWorld) error {
	for i, gw := range w.workers {
		d, err := s.Diary(ctx, gw, "")
		if err != nil {
			return err
		}
		v, err := s.SaveDiary(ctx, gw, DiaryInput{Text: d.Text + "走访中居民反映冬季供暖总体正常，个别楼栋室温偏低，已提醒物业关注。", Submit: true})
		if err != nil {
			return err
		}
		if i > 0 {
			continue
		}
		if h := w.handlerOf(v.GridPath); h != nil {
			if _, err := s.ActOnDiary(ctx, h, v.ID, DiaryActInput{Action: grid.DiaryComment, Note: "供暖问题请持续跟踪，必要时上报工单。"}); err != nil {
				return err
			}
			if _, err := s.ActOnDiary(ctx, h, v.ID, DiaryActInput{Action: grid.DiaryMark}); err != nil {
				return err
			}
		}
	}
	return nil
}
