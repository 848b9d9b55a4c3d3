package project

import (
	"context"
	"fmt"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/project"
	"github.com/minsheng/minsheng/store"
)

// seedProject is one of the demo district's twenty projects of the year:
// its unit by code, budget in 10,000 yuan, milestones as (title, months
// after the year's start), and how far it has come.
type seedProject struct {
	category, title, area, summary, unit, leader string
	budgetWan                                    float64
	milestones                                   []seedMilestone
	reached                                      int    // milestones reached, on time
	progress                                     int    // percent
	delay                                        string // the explanation of a delayed project
	late                                         bool   // its last milestone is ten days overdue (amber)
	parts                                        []seedPart
}

// seedPart is a part of a project split by area: its progress rolls up.
type seedPart struct {
	title, area string
	budgetWan   float64
	progress    int
}

type seedMilestone struct {
	title string
	month float64 // months after 1 January
}

func ms(pairs ...any) []seedMilestone {
	var out []seedMilestone
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, seedMilestone{pairs[i].(string), pairs[i+1].(float64)})
	}
	return out
}

// seedProjects are invented but plausible: seven kinds, twenty projects,
// after the reference article's (16 courtyards for 483.5万元, 3,630 school
// places, 500 care beds).
var seedProjects = []seedProject{
	{"住房保障", "老旧小区及背街小巷院落改造", "兴海路、胜利路等5个街道16个院落", "改造16个老旧院落的管网、道路、照明和绿化。", "dept-zhujian", "副区长 马建国", 483.5,
		ms("完成设计和招标", 2.0, "开工建设", 4.0, "主体完工", 9.0, "竣工验收", 11.0), 4, 100, "", false, nil},
	{"教育", "新增中小学学位3630个", "城西区", "新建、改扩建学校4所，新增学位3630个。", "dept-jiaoyu", "副区长 李晓梅", 9800,
		ms("完成选址和设计", 1.5, "主体封顶", 5.0, "秋季学期招生", 8.0), 3, 100, "", false, nil},
	{"养老", "新增养老床位500张", "各街道", "建设社区嵌入式养老机构，新增床位500张。", "dept-minzheng", "副区长 李晓梅", 1500,
		ms("完成机构选址", 2.0, "装修改造", 6.0, "投入运营", 10.0), 2, 70, "", false, nil},
	{"养老", "社区老年助餐点建设", "28个社区", "在28个社区建设老年助餐点，为高龄、独居老人提供助餐服务。", "dept-minzheng", "副区长 李晓梅", 420,
		ms("确定助餐点", 2.0, "完成建设", 6.0, "全部运营", 9.0), 3, 100, "", false, nil},
	{"医疗卫生", "社区卫生服务中心标准化建设", "通海路、虎台街道", "提升2个社区卫生服务中心诊疗条件。", "dept-weijian", "副区长 王海燕", 860,
		ms("设备采购招标", 3.0, "改造完工", 8.0, "通过验收", 11.0), 2, 75, "", false, nil},
	{"医疗卫生", "家庭医生签约服务扩面", "城西区", "重点人群家庭医生签约率达到85%。", "dept-weijian", "副区长 王海燕", 120,
		ms("组建签约团队", 2.0, "签约率达到70%", 6.0, "签约率达到85%", 11.0), 2, 80, "", false, nil},
	{"就业", "城西e就业平台建设", "城西区", "建设线上就业服务平台，实现岗位精准推送。", "dept-renshe", "副区长 赵永平", 260,
		ms("平台上线试运行", 4.0, "对接企业200家", 7.0, "正式运行", 10.0), 3, 100, "", false, nil},
	{"就业", "零工市场建设", "胜利路街道", "建设规范化零工市场1处。", "dept-renshe", "副区长 赵永平", 180,
		ms("完成场地改造", 4.0, "投入使用", 6.0), 2, 100, "", false, nil},
	{"城市管理", "背街小巷路灯亮化", "西关大街、虎台街道", "新建和更换路灯1200盏。", "dept-chengguan", "副区长 马建国", 360,
		ms("完成招标", 3.0, "安装完成", 7.0, "验收", 9.0), 3, 100, "", false, nil},
	{"城市管理", "新增公共停车泊位2000个", "城西区", "利用边角地块建设停车场，新增泊位2000个。", "dept-jiaotong", "副区长 马建国", 2400,
		ms("完成选址", 2.0, "开工建设", 5.0, "新增1000个", 8.0, "新增2000个", 11.0), 2, 45,
		"两处地块征收未完成，开工推迟约三个月；已调整施工计划，力争年底前完成主体。", false, nil},
	{"城市管理", "垃圾分类示范小区建设", "40个小区", "建设垃圾分类示范小区40个。", "dept-chengguan", "副区长 马建国", 300,
		ms("确定示范小区", 2.0, "设施配置完成", 6.0, "考核验收", 10.0), 2, 70, "", false, nil},
	{"交通", "公交站台改造提升", "主要干道", "改造公交候车亭80座。", "dept-jiaotong", "副区长 马建国", 640,
		ms("设计定型", 3.0, "改造完成", 9.0), 1, 60, "", true, nil},
	{"文化体育", "全民健身场地建设", "各街道", "新建社区健身广场10处、健身步道5公里。", "dept-wenlv", "副区长 王海燕", 520,
		ms("选址设计", 3.0, "施工", 6.0, "投入使用", 9.0), 3, 100, "", false, nil},
	{"文化体育", "社区书屋提档升级", "20个社区", "升级改造社区书屋20个。", "dept-wenlv", "副区长 王海燕", 150,
		ms("完成配书", 5.0, "开放", 8.0), 2, 100, "", false, nil},
	{"安全", "老旧小区燃气管道更新", "城西区", "更新老旧燃气管道35公里。", "util-gas", "副区长 赵永平", 2100,
		ms("完成排查", 2.0, "更新20公里", 7.0, "更新35公里", 11.0), 2, 65, "", false, []seedPart{
			{"燃气管道更新（北片区20公里）", "兴海路、西关大街街道", 1200, 80}, {"燃气管道更新（南片区15公里）", "虎台、胜利路街道", 900, 45}}},
	{"安全", "电动自行车集中充电设施", "60个小区", "建设电动自行车集中充电桩3000个。", "dept-yingji", "副区长 赵永平", 450,
		ms("完成点位规划", 2.0, "建成1500个", 6.0, "建成3000个", 10.0), 2, 60, "", false, nil},
	{"民生服务", "困难群众精准救助", "城西区", "建立低收入人口动态监测，救助资金按月足额发放。", "dept-minzheng", "副区长 李晓梅", 3200,
		ms("监测平台上线", 3.0, "完成年度核查", 9.0), 2, 85, "", false, nil},
	{"民生服务", "残疾人家庭无障碍改造", "城西区", "为200户残疾人家庭实施无障碍改造。", "dept-canlian", "副区长 李晓梅", 160,
		ms("入户评估", 3.0, "完成100户", 6.0, "完成200户", 10.0), 2, 60, "", false, nil},
	{"民生服务", "“一站式”矛盾纠纷调解中心", "城西区", "建设区级矛盾纠纷调解中心，实现“小事不出门、一次跑到位”。", "dept-minzheng", "副区长 赵永平", 180,
		ms("场地改造", 3.0, "中心挂牌运行", 5.0), 2, 100, "", false, nil},
	{"住房保障", "城市供热管网改造", "城西区", "改造老旧供热管网12公里。", "util-heat", "副区长 马建国", 1800,
		ms("完成设计", 3.0, "完成改造", 9.0, "供暖前调试", 10.0), 1, 50, "", false, nil},
}

// Seed adds the demo district's twenty projects of the current year
// through the use cases, each moved as far as its story goes: most in
// progress, several completed, one delayed with its explanation. Without
// the demo's units it adds nothing.
func Seed(ctx context.Context, s *Service) error {
	sys := kit.System()
	now := s.kit.Now()
	year := now.In(project.China).Year()
	for i, sp := range seedProjects {
		var unitID int64
		err := s.kit.Read(ctx, func(tx *store.Tx) error {
			u, err := store.GetUnitByCode(ctx, tx, sp.unit)
			if err == nil {
				unitID = u.ID
			}
			return err
		})
		if minsheng.IsCode(err, minsheng.ENOTFOUND) {
			return nil
		}
		if err != nil {
			return err
		}
		start := time.Date(year, 1, 1, 0, 0, 0, 0, project.China)
		var mss []project.Milestone
		for _, m := range sp.milestones {
			mss = append(mss, project.Milestone{Title: m.title, Planned: project.Day(start.AddDate(0, int(m.month), int((m.month-float64(int(m.month)))*30)))})
		}
		// A project still under way has its last milestone ahead (or, for
		// the one running late, ten days behind), whenever the demo is
		// seeded.
		if last := &mss[len(mss)-1]; sp.progress < 100 && sp.delay == "" {
			ahead := project.Day(now.AddDate(0, 0, 20))
			if sp.late {
				ahead = project.Day(now.AddDate(0, 0, -10))
			}
			if last.Planned.Before(ahead) || sp.late {
				last.Planned = ahead
			}
			for i := len(mss) - 2; i >= 0; i-- {
				if mss[i].Planned.After(mss[i+1].Planned) {
					mss[i].Planned = mss[i+1].Planned
				}
			}
		}
		code := fmt.Sprintf("%d-%02d", year, i+1)
		p, err := s.Create(ctx, sys, NewProject{Year: year, Code: code, Title: sp.title, Category: sp.category, Area: sp.area,
			Summary: sp.summary, BudgetYuan: int64(sp.budgetWan * 10000), UnitID: unitID, Leader: sp.leader, Milestones: mss})
		if err != nil {
			return fmt.Errorf("project %s: %w", code, err)
		}
		for k := 0; k < len(p.Milestones); k++ {
			at := p.Milestones[k].Planned
			last := k == len(p.Milestones)-1
			if at.After(now) || k >= sp.reached && sp.delay != "" || last && (sp.progress < 100 || sp.late) {
				break
			}
			prog := sp.progress * (k + 1) / len(p.Milestones)
			if _, err := s.Report(ctx, sys, code, Update{Progress: &prog, Milestone: k + 1, Actual: &at, Evidence: "现场照片及验收资料已存档"}); err != nil {
				return fmt.Errorf("project %s: %w", code, err)
			}
		}
		if sp.delay != "" {
			if _, err := s.Act(ctx, sys, code, project.ActionDelay, sp.delay); err != nil {
				return fmt.Errorf("project %s: %w", code, err)
			}
			continue
		}
		cur, _, err := s.Get(ctx, sys, code)
		if err != nil {
			return err
		}
		if cur.Done() == len(cur.Milestones) && cur.Status != project.StatusCompleted {
			if _, err := s.Act(ctx, sys, code, project.ActionComplete, "已通过验收"); err != nil {
				return fmt.Errorf("project %s: %w", code, err)
			}
		} else if prog := sp.progress; prog > cur.Progress && prog < 100 {
			if _, err := s.Report(ctx, sys, code, Update{Progress: &prog}); err != nil {
				return fmt.Errorf("project %s: %w", code, err)
			}
		}
		if sp.parts != nil {
			if err := seedParts(ctx, s, year, code, unitID, sp, mss); err != nil {
				return fmt.Errorf("project %s: %w", code, err)
			}
		}
	}
	// Residents of the courtyards rate the first project, completed.
	for i, stars := range []int{5, 5, 4, 5, 4, 5, 3} {
		if _, err := s.Rate(ctx, fmt.Sprintf("%d-01", year), fmt.Sprintf("1390971%04d", 2001+i), stars); err != nil {
			return fmt.Errorf("rating: %w", err)
		}
	}
	return nil
}

// seedParts splits a project into its parts, each reporting its own
// progress, which rolls up into the project's.
func seedParts(ctx context.Context, s *Service, year int, code string, unitID int64, sp seedProject, mss []project.Milestone) error {
	for i, part := range sp.parts {
		pc := fmt.Sprintf("%s-%d", code, i+1)
		if _, err := s.Create(ctx, kit.System(), NewProject{Year: year, Code: pc, Title: part.title, Category: sp.category, Area: part.area,
			BudgetYuan: int64(part.budgetWan * 10000), UnitID: unitID, Leader: sp.leader, Parent: code,
			Milestones: []project.Milestone{{Title: "完工", Planned: mss[len(mss)-1].Planned}}}); err != nil {
			return err
		}
		prog := part.progress
		if _, err := s.Report(ctx, kit.System(), pc, Update{Progress: &prog}); err != nil {
			return err
		}
	}
	return nil
}
