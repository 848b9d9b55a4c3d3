package household

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/household"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// SeedHouseholdsPerGrid is how many households the demo registers in each
// grid (a few hundred in the demo district).
const SeedHouseholdsPerGrid = 5

// Demo names: Xining's mix of surnames, given names of the generations
// that the registry mostly holds.
var (
	seedSurnames = []string{"马", "李", "王", "张", "韩", "赵", "刘", "陈", "杨", "祁", "冶", "鲁", "朱", "孙", "周", "吴", "徐", "何", "郭", "罗", "胡", "谢", "沈", "魏", "铁", "喇"}
	seedOld      = []string{"秀英", "桂兰", "玉兰", "淑珍", "凤英", "德明", "建国", "福山", "有才", "占魁", "明德", "秀兰", "春花", "永福", "国华", "文秀", "兰英", "金花", "学礼", "志祥"}
	seedYoung    = []string{"小军", "欣怡", "子涵", "浩然", "雨桐", "梓萱", "宇轩", "思彤", "晨阳", "佳怡", "海燕", "晓东", "丽娜", "建华", "红梅", "志强"}
	seedConcerns = []string{
		"卫生间水管漏水，楼下邻居家天花板渗水，需要维修。",
		"楼道声控灯坏了一个多月，老人晚上上下楼看不清。",
		"家里暖气不热，室温只有十四五度，请供热公司来看看。",
		"想申请居家养老助餐服务，不知道怎么办理。",
		"小区门口人行道地砖松动，老人走路容易绊倒。",
		"低保年审材料不知道交到哪里，希望社区帮忙。",
		"单元门门禁坏了，陌生人随便进出，担心安全。",
		"申请残疾人辅助器具（轮椅），请帮助联系残联。",
		"孩子放学后没人看管，想了解社区四点半课堂。",
		"楼上住户装修噪音很大，影响老人休息。",
	}
	seedMet   = []string{"本人", "本人及老伴", "本人及子女", "老伴", "子女"}
	seedNotes = []string{"身体状况良好，生活能自理。", "血压偏高，已提醒按时服药。", "家中整洁，冬季取暖正常。", "近期腿脚不便，子女每周来看望。", "精神状态不错，参加社区活动。", ""}
)

// seedIDNumber makes a valid resident ID number registered in 城西区
// (630104) for a person born on the day.
func seedIDNumber(born time.Time, seq int) string {
	return household.CompleteIDNumber(fmt.Sprintf("630104%s%03d", born.Format("20060102"), seq%1000))
}

// Seed adds the demo's households: SeedHouseholdsPerGrid in every grid,
// with members, tags, a cadre (the grid worker of the community), visits
// over the last months and some concerns that became work orders, a few
// of them answered — all through the use cases, several grids at a time. It does nothing when the
// registry already holds households or the district has no grid worker.
func Seed(ctx context.Context, s *Service) error {
	var grids []*org.Unit
	var users []*org.User
	n := 0
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM households`).Scan(&n); err != nil {
			return err
		}
		units, err := store.ListUnits(ctx, tx, "")
		if err != nil {
			return err
		}
		for _, u := range units {
			if u.Kind == org.KindGrid {
				grids = append(grids, u)
			}
		}
		users, err = store.ListUsers(ctx, tx, nil)
		return err
	})
	if err != nil || n > 0 {
		return err
	}
	// The cadre of a grid: the grid worker of its community.
	cadreOf := func(g *org.Unit) *org.User {
		parent := g.Path[:strings.LastIndex(strings.TrimSuffix(g.Path, "/"), "/")+1]
		var best *org.User
		for _, u := range users {
			if u.Active && u.Has(org.RoleGridWorker) && org.Within(u.UnitPath, parent) {
				if u.UnitID == g.ID {
					return u
				}
				if best == nil {
					best = u
				}
			}
		}
		return best
	}
	// Grids are seeded side by side (PostgreSQL waits for each commit to
	// reach the disk); each grid has its own random numbers, so the demo
	// is the same whatever the order.
	now := s.now()
	work := make(chan int)
	errs := make(chan error, seedWorkers)
	var wg sync.WaitGroup
	workers := 1 // SQLite has one writer
	if s.kit.DB().Dialect() == store.Postgres {
		workers = seedWorkers
	}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for gi := range work {
				if cadre := cadreOf(grids[gi]); cadre != nil {
					if err := s.seedGrid(ctx, users, grids[gi], gi, cadre, now); err != nil {
						errs <- err
						return
					}
				}
			}
		}()
	}
	var err1 error
feed:
	for gi := range grids {
		select {
		case work <- gi:
		case err1 = <-errs:
			break feed
		}
	}
	close(work)
	wg.Wait()
	close(errs)
	if err1 != nil {
		return err1
	}
	if err := <-errs; err != nil {
		return err
	}
	return s.seedTriggers(ctx, now)
}

// seedTriggers lives the first morning of proactive service: the district
// admin enters tomorrow's cold-wave alert for the seriously ill, and the
// daily job runs as the job runner runs it, opening proactive orders for
// the elderly living alone whom no cadre has seen for ten days.
func (s *Service) seedTriggers(ctx context.Context, now time.Time) error {
	if _, err := s.AddAlertDay(ctx, kit.System(), household.AlertDay{Kind: household.AlertCold, Day: now.AddDate(0, 0, 1),
		Tags: []household.Tag{household.TagSeriousIllness}, Note: "气象台发布寒潮蓝色预警，最低气温零下 15℃"}); err != nil {
		return fmt.Errorf("demo alert day: %w", err)
	}
	return s.kit.Write(ctx, func(tx *store.Tx) error {
		_, err := s.RunTriggers(ctx, tx)
		return err
	})
}

// seedWorkers is how many grids are seeded at once on PostgreSQL.
const seedWorkers = 4

// seedGrid registers and visits the households of one grid.
func (s *Service) seedGrid(ctx context.Context, users []*org.User, g *org.Unit, gi int, cadre *org.User, now time.Time) error {
	sys := kit.System()
	r := rand.New(rand.NewPCG(14, uint64(gi)))
	answer := gi%6 == 0 // a concern of every sixth grid was answered
	for i := range SeedHouseholdsPerGrid {
		seq := gi*SeedHouseholdsPerGrid + i + 1
		h, err := s.Register(ctx, sys, seedHousehold(r, g, gi, i, seq, now))
		if err != nil {
			return fmt.Errorf("household %d: %w", seq, err)
		}
		if err := s.Pair(ctx, sys, h.ID, cadre.ID); err != nil {
			return err
		}
		// Visits at the household's interval over the last months, some
		// late or skipped: a few households end overdue.
		every := time.Duration(h.IntervalDays) * 24 * time.Hour
		at := now.AddDate(0, 0, -household.MaxVisitBackDay+1+r.IntN(10))
		for at.Before(now.Add(-24 * time.Hour)) {
			v := household.NewVisit{At: at.Add(time.Duration(r.IntN(8)) * time.Hour), Met: seedMet[r.IntN(len(seedMet))],
				Note: seedNotes[r.IntN(len(seedNotes))]}
			if v.At.After(now) {
				break
			}
			if r.IntN(14) == 0 {
				v.Concerns = []household.NewConcern{{Description: seedConcerns[r.IntN(len(seedConcerns))]}}
			}
			rec, err := s.RecordVisit(ctx, cadre, h.ID, v)
			if err != nil {
				return fmt.Errorf("visit of household %d: %w", h.ID, err)
			}
			for _, t := range rec.Tickets {
				if answer {
					if err := s.answerSeedTicket(ctx, users, g, t.Number); err != nil {
						return err
					}
					answer = false
				}
			}
			step := every + time.Duration(r.IntN(72)-24)*time.Hour
			if r.IntN(6) == 0 {
				step += every // a visit skipped
			}
			at = at.Add(step)
		}
	}
	return nil
}

// answerSeedTicket has the demo's dispatcher send a concern's ticket to
// the handler over the grid (of its street), who answers it.
func (s *Service) answerSeedTicket(ctx context.Context, users []*org.User, g *org.Unit, number string) error {
	var dispatcher, handler *org.User
	for _, u := range users {
		switch {
		case !u.Active:
		case dispatcher == nil && u.Has(org.RoleDispatcher):
			dispatcher = u
		case handler == nil && u.Role == org.RoleHandler && org.Within(g.Path, u.UnitPath):
			handler = u
		}
	}
	if dispatcher == nil || handler == nil {
		return nil
	}
	if _, err := s.tickets.Dispatch(ctx, dispatcher, number, handler.UnitID, ""); err != nil {
		return err
	}
	if _, err := s.tickets.Acknowledge(ctx, handler, number, ""); err != nil {
		return err
	}
	_, err := s.tickets.Reply(ctx, handler, number, "已协调相关单位处理完毕，已电话告知住户。")
	return err
}

// seedHousehold makes the i-th demo household of the grid. Each grid has
// its own buildings (grids that share an estate have different ones) and
// each household its own entrance, so that no address is in two places.
func seedHousehold(r *rand.Rand, g *org.Unit, gi, i, seq int, now time.Time) household.NewHousehold {
	name := func(old bool) string {
		given := seedYoung
		if old {
			given = seedOld
		}
		return seedSurnames[r.IntN(len(seedSurnames))] + given[r.IntN(len(given))]
	}
	born := func(minAge, span int) time.Time {
		return time.Date(now.Year()-minAge-r.IntN(span), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
	}
	phone := func() string { return fmt.Sprintf("13%d%08d", 5+r.IntN(5), r.IntN(100_000_000)) }
	in := household.NewHousehold{GridID: g.ID, Consent: true,
		Address: fmt.Sprintf("%s%d号楼%d单元%d0%d室", gridEstate(gi), 1+(gi/len(seedEstates))*12+i%12, 1+(i/12)%4, 1+r.IntN(6), 1+r.IntN(4))}
	// Two draws that once chose the building and the entrance, kept so that
	// the rest of the demo's history (tags, visits, concerns) stays the same.
	r.IntN(12)
	r.IntN(4)
	kind := r.IntN(20)
	head := household.NewMember{Name: name(true), IDNumber: seedIDNumber(born(62, 25), seq*10), Phone: phone(), Relation: household.RelationHead}
	in.Members = append(in.Members, head)
	tag := func(t household.Tag, id, source string) {
		since := now.AddDate(0, -1-r.IntN(20), 0)
		// Rechecked every year; one household in 25 is past its day.
		recheck := since.AddDate(1, 0, 0)
		for !recheck.After(now) && seq%25 != 0 {
			recheck = recheck.AddDate(1, 0, 0)
		}
		in.Tags = append(in.Tags, household.NewTag{Tag: t, IDNumber: id, Source: source, Since: since, RecheckBy: recheck})
	}
	switch {
	case kind < 7: // an elderly person living alone
		tag(household.TagAloneElderly, head.IDNumber, "入户核实")
		if kind < 2 {
			tag(household.TagDisabledCare, head.IDNumber, "区民政局失能评估")
		}
	case kind < 11: // a couple on the minimum living allowance
		in.Members = append(in.Members, household.NewMember{Name: name(true), IDNumber: seedIDNumber(born(60, 25), seq*10+1), Relation: household.RelationSpouse})
		tag(household.TagSubsistence, "", "区民政局低保名册")
		if kind == 8 {
			tag(household.TagDisability, in.Members[1].IDNumber, "区残联残疾人证")
		}
	case kind < 13: // grandparents raising a left-behind child
		child := household.NewMember{Name: name(false), IDNumber: seedIDNumber(born(6, 8), seq*10+2), Relation: household.RelationGrandchild}
		in.Members = append(in.Members, child)
		tag(household.TagLeftBehindChild, child.IDNumber, "学校摸排")
	case kind < 14:
		tag(household.TagExtremePoverty, "", "区民政局特困供养名册")
	case kind < 15:
		tag(household.TagSeriousIllness, head.IDNumber, "医保大病救助名单")
	default: // a family visited in the 大走访, with no tag
		in.Members = append(in.Members,
			household.NewMember{Name: name(false), IDNumber: seedIDNumber(born(30, 15), seq*10+3), Phone: phone(), Relation: household.RelationChild},
			household.NewMember{Name: name(false), IDNumber: seedIDNumber(born(3, 10), seq*10+4), Relation: household.RelationGrandchild})
	}
	return in
}

// gridEstate names a housing estate of the grid for its addresses.
func gridEstate(gi int) string { return seedEstates[gi%len(seedEstates)] }

var seedEstates = []string{"海湖佳苑", "兴海家园", "光华苑", "福禄花园", "胜利小区", "绿苑小区", "黄河花园", "通海佳园", "海晏新城", "昆仑花园", "虎台新村", "文逸小区", "西川苑", "滨河小区"}
