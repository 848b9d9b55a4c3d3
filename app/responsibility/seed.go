package responsibility

import (
	"context"
	"fmt"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/demo"
	"github.com/minsheng/minsheng/org"
	dom "github.com/minsheng/minsheng/responsibility"
	"github.com/minsheng/minsheng/store"
)

// The demo's matters, as in the reference article: the district's leaders
// each took charge of petition cases (12), key projects (21) and key
// enterprises (15). Petition cases name no petitioner: the people are on
// the linked work orders, masked there.
var (
	seedPetitions = []string{
		"某小区业主反映物业公司多收取暖费问题", "某回迁安置小区房产证久拖未办问题", "某农贸市场商户反映摊位费上涨问题",
		"某老旧小区居民反映加装电梯意见分歧问题", "某建筑工地农民工反映拖欠工资问题", "某小区业主反映开发商延期交房问题",
		"某棚改片区群众反映安置补偿标准问题", "某小区居民反映餐饮油烟扰民问题", "某企业退休职工反映养老待遇核定问题",
		"某小区业主反映地下车位产权纠纷问题", "某村集体经济组织成员资格认定问题", "某小区居民反映供水水压不足长期未解决问题",
	}
	seedProjects = []string{
		"海湖新区综合管廊二期", "城西区第二人民医院门诊楼", "兴海路老旧小区改造（16个院落）", "文汇路小学扩建工程",
		"胜利路街道社区养老服务中心", "西川南路道路提升改造", "湟水河城西段生态修复", "新宁路农贸市场升级改造",
		"城西区智慧停车示范项目", "古城台街道社区卫生服务站新建", "五四大街雨污分流改造", "西宁市第十四中学新校区",
		"彭家寨片区棚户区改造安置房", "城西区全民健身中心", "虎台街道老年助餐点（10处）", "海湖路口袋公园（6处）",
		"城西区政务服务中心改扩建", "通海路供热管网改造", "西部商贸物流园一期", "城西区婴幼儿托育服务中心",
		"冷湖路公共停车场",
	}
	seedEnterprises = []string{
		"青海某高原特色农产品加工企业", "某光伏组件制造企业", "某藏毯织造企业", "某连锁商超企业", "某物流配送企业",
		"某生物医药企业", "某建筑安装企业", "某文旅演艺企业", "某乳制品加工企业", "某软件信息服务企业",
		"某新能源汽车销售服务企业", "某枸杞深加工企业", "某餐饮连锁企业", "某商业综合体运营企业", "某检验检测服务企业",
	}
	seedLeaders = []struct{ username, name string }{
		{"leader3", "马国栋"}, {"leader4", "韩淑琴"}, {"leader5", "祁振华"}, {"leader6", "赵德明"}, {"leader7", "李雪莲"}, {"leader8", "冶学东"},
	}
)

// seedMilestones are the steps of each kind, due relative to the day the
// demo is seeded.
var seedMilestones = map[dom.Kind][]struct {
	title string
	days  int
}{
	dom.KindPetition:   {{"领导接访，见面听取诉求", -45}, {"召开专题协调会，明确化解方案", -20}, {"落实化解措施并书面答复", -3}, {"回访确认，息诉罢访", 25}},
	dom.KindProject:    {{"现场调研，梳理堵点问题", -60}, {"协调解决用地、资金等问题", -25}, {"督促完成年度投资计划", -2}, {"竣工验收或形象进度达标", 40}},
	dom.KindEnterprise: {{"走访企业，建立问题清单", -50}, {"协调金融机构对接融资需求", -15}, {"解决用工、用地等具体困难", 10}, {"回访企业，评估帮扶成效", 45}},
}

// Seed assigns the demo's 48 matters to the district's leaders (adding
// the leaders the demo lacks) through the use cases: milestones done, the
// work orders of each petition case linked, and every stage of the
// lifecycle, some matters with overdue milestones. It does nothing when
// assignments exist or the district has no leader.
func Seed(ctx context.Context, s *Service) error {
	var n int
	var leaders []*org.User
	var streets, depts []*org.Unit
	var district *org.Unit
	var complaints []string
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM responsibilities`).Scan(&n); err != nil {
			return err
		}
		us, err := store.ListUsers(ctx, tx, nil)
		if err != nil {
			return err
		}
		for _, u := range us {
			if u.Active && u.Has(org.RoleLeader) {
				leaders = append(leaders, u)
			}
		}
		units, err := store.ListUnits(ctx, tx, "")
		if err != nil {
			return err
		}
		for _, u := range units {
			switch u.Kind {
			case org.KindDistrict:
				if district == nil {
					district = u
				}
			case org.KindStreet, org.KindTown:
				streets = append(streets, u)
			case org.KindDepartment:
				depts = append(depts, u)
			}
		}
		rows, err := tx.Query(ctx, `SELECT number FROM tickets WHERE kind = 'complaint' ORDER BY created_at DESC, id DESC LIMIT 24`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var num string
			if err := rows.Scan(&num); err != nil {
				return err
			}
			complaints = append(complaints, num)
		}
		return rows.Err()
	})
	if err != nil || n > 0 || len(leaders) == 0 || district == nil {
		return err
	}
	if len(streets) == 0 {
		streets = []*org.Unit{district}
	}
	if len(depts) == 0 {
		depts = []*org.Unit{district}
	}
	hash, err := org.HashPassword(demo.Password)
	if err != nil {
		return err
	}
	for _, l := range seedLeaders {
		u, err := s.tickets.CreateUserWithHash(ctx, appNewLeader(l.username, l.name, district.ID), hash)
		if err != nil {
			return fmt.Errorf("demo leader %s: %w", l.username, err)
		}
		leaders = append(leaders, u)
	}
	sys := kit.System()
	today := dom.Day(s.kit.Now())
	type item struct {
		kind  dom.Kind
		title string
		unit  *org.Unit
		goal  string
	}
	var items []item
	for i, t := range seedPetitions {
		items = append(items, item{dom.KindPetition, t, streets[i%len(streets)], "依法依规解决群众合理诉求，做到案结事了、息诉罢访"})
	}
	for i, t := range seedProjects {
		items = append(items, item{dom.KindProject, t, depts[i%len(depts)], "协调解决项目推进中的堵点难点，确保按期完成年度目标"})
	}
	for i, t := range seedEnterprises {
		items = append(items, item{dom.KindEnterprise, t, depts[(i+3)%len(depts)], "帮助企业解决融资、用工、用地等实际困难，稳定生产经营"})
	}
	linked := 0
	for i, it := range items {
		leader := leaders[(i*5)%len(leaders)]
		var ms []dom.Milestone
		for _, m := range seedMilestones[it.kind] {
			ms = append(ms, dom.Milestone{Title: m.title, Due: today.AddDate(0, 0, m.days)})
		}
		a, err := s.Create(ctx, sys, dom.New{Kind: it.kind, Title: it.title, Summary: it.title + "，由区级领导包保推进。", Goal: it.goal,
			LeaderID: leader.ID, UnitID: it.unit.ID, Milestones: ms})
		if err != nil {
			return fmt.Errorf("demo assignment %s: %w", it.title, err)
		}
		// How far the matter has come: most are being worked on; a
		// leader's matters fall behind where i picks it.
		stage := i % 8
		done := 0
		switch stage {
		case 0: // just assigned
		case 1, 2: // working, on time
			done = 3
		case 3: // working, one step late
			done = 2
		case 4: // working, two steps late
			done = 1
		case 5, 6: // resolved (and settled, for the second)
			done = 3
		case 7: // resolved, then reopened
			done = 3
		}
		for seq := 1; seq <= done; seq++ {
			if _, err := s.DoneMilestone(ctx, sys, a.ID, seq, "已按计划完成"); err != nil {
				return err
			}
		}
		if it.kind == dom.KindPetition && linked < len(complaints) {
			if _, err := s.LinkTicket(ctx, sys, a.ID, complaints[linked]); err != nil {
				return err
			}
			linked++
		}
		acts := map[int][]struct {
			a    dom.Action
			note string
		}{
			5: {{dom.ActionResolve, "问题已解决，相关方签字确认"}},
			6: {{dom.ActionResolve, "问题已解决，相关方签字确认"}, {dom.ActionStabilize, "回访三次，当事人表示满意，无新的诉求"}},
			7: {{dom.ActionResolve, "已协调解决"}, {dom.ActionReopen, "当事人再次反映，问题出现反复"}},
		}[stage]
		if stage == 1 && i%3 == 0 {
			acts = nil
		}
		if stage == 0 {
			continue
		}
		if done == 0 {
			if _, err := s.Act(ctx, sys, a.ID, dom.ActionStart, ""); err != nil {
				return err
			}
		}
		for _, x := range acts {
			if _, err := s.Act(ctx, sys, a.ID, x.a, x.note); err != nil {
				return fmt.Errorf("demo assignment %s: %s: %w", it.title, x.a, err)
			}
		}
	}
	return nil
}

// appNewLeader is a district leader of the demo.
func appNewLeader(username, name string, unitID int64) app.NewUser {
	return app.NewUser{Username: username, Name: name, Role: org.RoleLeader, UnitID: unitID}
}
